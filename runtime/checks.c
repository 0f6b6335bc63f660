/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/checks.c — what this host must offer for a config, checked
 * before anything is created, so a config asking for what berth cannot
 * give fails clearly and leaves nothing behind.  */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/file.h"
#include "core/mem.h"
#include "core/log.h"
#include "runtime/apparmor.h"
#include "runtime/create.h"

static bool selinux_enabled(void)
{
	return access("/sys/fs/selinux/enforce", F_OK) == 0;
}

/* ambient capabilities the kernel will refuse: warn once, in one line,
 * here in the runtime (the init's stderr is the container's).  `runc
 * spec` writes such a config, so this is common and must stay short. */
static void check_ambient(const struct spec_process *p)
{
	uint64_t lost = p->caps.ambient & ~(p->caps.inheritable & p->caps.permitted);
	char names[1024] = "";
	size_t len = 0;

	if (!p->has_capabilities || lost == 0)
		return;
	for (int cap = 0; cap < 64 && len < sizeof(names); cap++) {
		const char *name = spec_capability_name(cap);

		if (lost & (1ULL << cap))
			len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%s",
						len ? " " : "", name ? name : "?");
	}
	log_warn("process.capabilities.ambient: not also inheritable and permitted, so not "
		 "raised: %s",
		 names);
}

int host_checks(const struct creation *cr, struct error **err)
{
	const struct spec *spec = cr->spec;
	const struct spec_process *p = spec->process;

	check_ambient(p);
	if (!spec->linux.ns[SPEC_NS_MNT].present || spec->linux.ns[SPEC_NS_MNT].path)
		return error_set(
			err, 0, "config.json: linux.namespaces: berth needs a new mount namespace");
	if (apparmor_check("config.json: process.apparmorProfile", p->apparmor_profile, err) < 0)
		return -1;
	if (p->selinux_label != NULL || spec->linux.mount_label != NULL)
		return error_set(err, 0, "config.json: %s: %s",
				 p->selinux_label ? "process.selinuxLabel" : "linux.mountLabel",
				 selinux_enabled() ? "berth does not apply SELinux labels"
						   : "SELinux is not enabled on this host");
	return 0;
}
