/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/apparmor.c — entering process.apparmorProfile at execve().
 *
 * The profile becomes the thread's exec label ("exec NAME" written to
 * /proc/thread-self/attr/apparmor/exec, or attr/exec before Linux 5.8),
 * so the user's program starts confined and berth's own steps before it
 * are not (runc and crun do the same).  The write comes before
 * no_new_privs, as in runc: with no_new_privs set AppArmor refuses most
 * transitions, and before the seccomp filter, which may deny write().
 *
 * Which /proc: never the one the container's mounts could provide.  A
 * config or an image can put anything at /proc (CVE-2019-16884: a fake
 * attr file swallowed runc's write and the process ran unconfined), so
 * the procfs root is opened while /proc is still the host's and checked
 * to be procfs, and the attr file is reached from that fd with
 * RESOLVE_NO_XDEV: nothing mounted over any part of the path is crossed.
 * The fd is close-on-exec and lives only until execve().  */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>

#include "core/cleanup.h"
#include "core/file.h"
#include "core/mem.h"
#include "core/syscalls.h"
#include "runtime/apparmor.h"

bool apparmor_enabled(void)
{
	cleanup_free char *buf =
		read_file_or_null(AT_FDCWD, "/sys/module/apparmor/parameters/enabled");

	return buf != NULL && buf[0] == 'Y';
}

/* the list has a "NAME (enforce)" (or complain, ...) line */
static bool profile_loaded(const char *list, const char *profile)
{
	size_t len = strlen(profile);
	const char *l = list;

	while (l != NULL && *l != '\0') {
		if (strncmp(l, profile, len) == 0 && strncmp(l + len, " (", 2) == 0)
			return true;
		l = strchr(l, '\n');
		if (l != NULL)
			l++;
	}
	return false;
}

int apparmor_check(const char *what, const char *profile, struct error **err)
{
	cleanup_free char *list = NULL;

	if (profile == NULL)
		return 0;
	if (!apparmor_enabled())
		return error_set(err, 0, "%s \"%s\": AppArmor is not enabled on this host", what,
				 profile);
	if (strcmp(profile, "unconfined") == 0)
		return 0;
	list = read_file_or_null(AT_FDCWD, "/sys/kernel/security/apparmor/profiles");
	if (list != NULL && !profile_loaded(list, profile))
		return error_set(
			err, 0,
			"%s \"%s\": no such AppArmor profile is loaded (see "
			"/sys/kernel/security/apparmor/profiles; apparmor_parser loads one)",
			what, profile);
	return 0;
}

int apparmor_proc_open(struct error **err)
{
	int fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct statfs sfs;
	struct stat st;

	if (fd < 0)
		return error_set(err, errno, "apparmor: open /proc");
	if (fstatfs(fd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC || fstat(fd, &st) < 0 ||
	    st.st_ino != 1) {
		close(fd);
		return error_set(err, 0, "apparmor: /proc is not the root of a procfs");
	}
	return fd;
}

static int open_attr(int procfd, const char *path)
{
	struct open_how how = {
		.flags = O_WRONLY | O_CLOEXEC,
		.resolve = RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS,
	};

	return sys_openat2(procfd, path, &how);
}

int apparmor_exec_label(int procfd, const char *profile, struct error **err)
{
	cleanup_free char *cmd = xasprintf("exec %s", profile);
	cleanup_close int fd = open_attr(procfd, "thread-self/attr/apparmor/exec");
	struct statfs sfs;

	if (fd < 0 && errno == ENOENT)
		fd = open_attr(procfd, "thread-self/attr/exec");
	if (fd < 0)
		return error_set(err, errno, "process.apparmorProfile \"%s\": open the exec label",
				 profile);
	if (fstatfs(fd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
		return error_set(err, 0,
				 "process.apparmorProfile: the exec label is not on procfs");
	if (write(fd, cmd, strlen(cmd)) != (ssize_t)strlen(cmd))
		return error_set(err, errno, "process.apparmorProfile \"%s\"", profile);
	return 0;
}
