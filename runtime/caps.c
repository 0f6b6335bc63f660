/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/caps.c — bounding, effective/permitted/inheritable and ambient sets.
 *
 * Capabilities named by the config that the running kernel does not know
 * (above cap_last_cap) are left out quietly, as runc and crun do: a config
 * written for a newer kernel must still run.  */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "runtime/caps.h"
#include "core/file.h"
#include "core/log.h"

static void cap_freep(cap_t *c)
{
	if (*c != NULL)
		cap_free(*c);
}
#define cleanup_cap __attribute__((cleanup(cap_freep)))

int caps_last_cap(void)
{
	static int last = -1;
	char *buf;

	if (last >= 0)
		return last;
	buf = read_file_or_null(AT_FDCWD, "/proc/sys/kernel/cap_last_cap");
	last = buf != NULL ? atoi(buf) : CAP_LAST_CAP;
	free(buf);
	if (last <= 0 || last > 63)
		last = CAP_LAST_CAP;
	return last;
}

int caps_drop_bounding(uint64_t bounding, struct error **err)
{
	int last = caps_last_cap();

	for (int cap = 0; cap <= last; cap++) {
		if (bounding & (1ULL << cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			return error_set(err, errno, "drop %s from the bounding set",
					 spec_capability_name(cap) ? spec_capability_name(cap)
								   : "capability");
	}
	return 0;
}

static int fill_set(cap_t c, cap_flag_t flag, uint64_t mask, int last)
{
	for (int cap = 0; cap <= last; cap++) {
		cap_value_t v = cap;

		if (!(mask & (1ULL << cap)))
			continue;
		if (cap_set_flag(c, flag, 1, &v, CAP_SET) < 0)
			return -1;
	}
	return 0;
}

int caps_apply(const struct spec_capabilities *caps, struct error **err)
{
	cleanup_cap cap_t c = cap_init();
	int last = caps_last_cap();

	if (c == NULL)
		return error_set(err, errno, "capabilities");
	if (fill_set(c, CAP_EFFECTIVE, caps->effective, last) < 0 ||
	    fill_set(c, CAP_PERMITTED, caps->permitted, last) < 0 ||
	    fill_set(c, CAP_INHERITABLE, caps->inheritable, last) < 0)
		return error_set(err, errno, "capabilities: build sets");
	if (cap_set_proc(c) < 0)
		return error_set(err, errno,
				 "capabilities: set effective/permitted/inheritable "
				 "(effective must be within permitted)");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return error_set(err, errno, "capabilities: clear ambient");
	/* the kernel wants ambient caps in permitted and inheritable;
	 * `runc spec` lists ambient ones without inheritable, and runc and
	 * crun only warn (berth warns before the clone, see
	 * runtime/checks.c), so a config written for them still runs: the
	 * others are not even tried */
	uint64_t raise = caps->ambient & caps->inheritable & caps->permitted;

	for (int cap = 0; cap <= last; cap++) {
		if (!(raise & (1ULL << cap)))
			continue;
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
			log_debug("capabilities: ambient %s not raised", spec_capability_name(cap));
	}
	return 0;
}
