/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/selfexe.c — see selfexe.h.  */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/mem.h"
#include "core/log.h"
#include "core/mountinfo.h"
#include "core/file.h"
#include "namespaces/subid.h"
#include "runtime/selfexe.h"

#define PROTECTED_ENV "_BERTH_PROTECTED_EXE"
#define SEALS	      (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)
#define OVERLAY_MAGIC 0x794c7630

extern char **environ;
static char **saved_argv;
static bool protected_exe;  /* this process was started by selfexe_protect() */
static bool unprotected_ok; /* ...or needs no copy (out_of_reach) */

void selfexe_init(char **argv)
{
	saved_argv = argv;
}

bool selfexe_is_protected(void)
{
	return protected_exe;
}

bool selfexe_runs_copy(void)
{
	return protected_exe && !unprotected_ok;
}

/* Checked on /proc/self/exe itself, never trusted from the environment:
 * a sealed memfd, or a file on a read-only overlayfs superblock.  */
static const char *exe_protection(void)
{
	cleanup_close int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	struct statfs sf;
	int seals;

	if (fd < 0)
		return NULL;
	seals = fcntl(fd, F_GET_SEALS);
	if (seals >= 0 && (seals & SEALS) == SEALS)
		return "a sealed memfd copy";
	/* a read-only overlay, and a detached one — not a mount of this
	 * namespace, such as a read-only bind of an overlay with an upper
	 * layer, which is writable elsewhere */
	if (fstatfs(fd, &sf) == 0 && sf.f_type == OVERLAY_MAGIC && (sf.f_flags & ST_RDONLY) &&
	    !mountinfo_fd_attached(fd))
		return "a read-only overlay of the binary";
	return NULL;
}

/* no capability at all, effective, permitted or inheritable (and so no
 * ambient one) */
static bool no_capabilities(void)
{
	cap_t mine = cap_get_proc(), none = cap_init();
	bool empty = mine != NULL && none != NULL && cap_compare(mine, none) == 0;

	cap_free(mine);
	cap_free(none);
	return empty;
}

/* the initial user namespace, where the binary's owner reads as what it is */
static bool initial_userns(void)
{
	cleanup_free char *map = read_file_or_null(AT_FDCWD, "/proc/self/uid_map");
	unsigned inside, outside, count;

	return map != NULL && sscanf(map, "%u %u %u", &inside, &outside, &count) == 3 &&
	       inside == 0 && outside == 0 && count == 4294967295u &&
	       strchr(map, '\n') == map + strlen(map) - 1;
}

/* Filesystems whose own inode mode and POSIX ACL decide who may write, on
 * the local machine: not a network or FUSE filesystem (a server's ACL, a
 * daemon — perhaps the user's own — or a mount option such as CIFS's
 * noperm may grant what the mode does not show).  */
static bool local_permissions(long f_type)
{
	static const long local[] = {EXT4_SUPER_MAGIC,	   XFS_SUPER_MAGIC,	 BTRFS_SUPER_MAGIC,
				     F2FS_SUPER_MAGIC,	   TMPFS_MAGIC,		 SQUASHFS_MAGIC,
				     EROFS_SUPER_MAGIC_V1, OVERLAYFS_SUPER_MAGIC};

	for (size_t i = 0; i < sizeof(local) / sizeof(local[0]); i++)
		if (f_type == local[i])
			return true;
	return false;
}

static bool no_xattr(int fd, const char *name)
{
	return fgetxattr(fd, name, NULL, 0) < 0 && (errno == ENODATA || errno == EOPNOTSUPP);
}

/* root's file, on such a filesystem, that gives nothing to whoever runs
 * it: no write bit for group or other, no set-id bit, no file
 * capability, no ACL entry; only its owner, root, may write it */
static bool roots_plain_file(int fd)
{
	struct statfs sf;
	struct stat st;

	if (fstat(fd, &st) < 0 || fstatfs(fd, &sf) < 0)
		return false;
	if (!S_ISREG(st.st_mode) || st.st_uid != 0 || !local_permissions((long)sf.f_type) ||
	    (st.st_mode & (S_IWGRP | S_IWOTH | S_ISUID | S_ISGID)))
		return false;
	return no_xattr(fd, "security.capability") && no_xattr(fd, "system.posix_acl_access");
}

/* ...and the filesystem's own answer: this caller may not write it */
static bool roots_plain_file_not_mine(int fd)
{
	return roots_plain_file(fd) && faccessat(fd, "", W_OK, AT_EACCESS | AT_EMPTY_PATH) < 0 &&
	       (errno == EACCES || errno == EPERM || errno == EROFS);
}

/* An unprivileged caller (no capability, in the initial user namespace):
 * its containers hold its own uid and the subordinate uids it is given,
 * and capabilities only in user namespaces that cannot map root.  If the
 * binary is root's plain file (roots_plain_file) and the user may map no
 * uid 0, none of those ids can write it — so no copy is needed, and none
 * is made (a copy costs the whole binary on every start).  NULL when that
 * cannot be shown.  Decided at each start: a binary root later makes
 * group-writable is copied from then on.  */
static const char *out_of_reach(void)
{
	cleanup_close int fd = -1;
	cleanup_error struct error *err = NULL;
	bool may_map_root = true;

	if (getuid() == 0 || geteuid() == 0 || !no_capabilities() || !initial_userns())
		return NULL;
	fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || !roots_plain_file_not_mine(fd))
		return NULL;
	if (ns_caller_may_map_uid(0, &may_map_root, &err) < 0 || may_map_root)
		return NULL;
	return "not needed: the binary is root's, and no id of this user's containers can write it";
}

/* The same file: overlayfs (xino off) reports the lower file's inode.  A
 * binary replaced since we started (make, an upgrade) is not ours: the
 * caller then copies the image it runs instead.  */
static bool same_file(int a, int b)
{
	struct stat x, y;

	return fstat(a, &x) == 0 && fstat(b, &y) == 0 && x.st_ino == y.st_ino &&
	       x.st_size == y.st_size && x.st_mode == y.st_mode && x.st_uid == y.st_uid &&
	       x.st_mtim.tv_sec == y.st_mtim.tv_sec && x.st_mtim.tv_nsec == y.st_mtim.tv_nsec;
}

/* whether a and b are the same directory or one holds the other (as
 * paths: overlayfs refuses such layers) */
static bool nested(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), n = la < lb ? la : lb;

	return strncmp(a, b, n) == 0 && (la == lb || (la < lb ? b : a)[n] == '/' || n == 1);
}

/* the second lower layer: `spare` (the state root), or where that is
 * nested with the binary's directory (a state root beside the binary,
 * such as ./state), a directory every system has; NULL for none */
static const char *spare_layer(const char *dir, const char *spare)
{
	const char *others[] = {spare, "/dev", "/run", "/tmp"};

	/* "/x/state/": not compared as a path here, the others serve */
	if (spare[strlen(spare) - 1] == '/' && strlen(spare) > 1)
		others[0] = NULL;

	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		if (others[i] != NULL && others[i][0] == '/' && !strpbrk(others[i], ":\\") &&
		    !nested(dir, others[i]))
			return others[i];
	return NULL;
}

/* A detached overlayfs whose lower layers are the binary's directory and
 * a spare one (overlayfs needs two lower layers to mount without an upper
 * one; the binary's own name is looked up in its directory first);
 * returns an O_PATH fd of the binary in it, or -1 for "use the copy": no
 * privilege, an odd path, a replaced file. */
static int overlay_exe(const char *spare)
{
	char self[PATH_MAX];
	cleanup_close int fs = -1, mnt = -1, fd = -1, orig = -1;
	cleanup_free char *lower = NULL;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (spare == NULL || n <= 0)
		return -1;
	self[n] = '\0';
	slash = strrchr(self, '/');
	/* ':' and '\' would need escaping in lowerdir: take the copy */
	if (slash == NULL || slash == self || strpbrk(self, ":\\"))
		return -1;
	*slash = '\0';
	spare = spare_layer(self, spare);
	if (spare == NULL)
		return -1;
	fs = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fs < 0)
		return -1;
	lower = xasprintf("%s:%s", self, spare);
	if (fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir", lower, 0) < 0)
		return -1;
	(void)fsconfig(fs, FSCONFIG_SET_STRING, "xino", "off", 0);
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -1;
	mnt = fsmount(fs, FSMOUNT_CLOEXEC,
		      MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID);
	if (mnt < 0)
		return -1;
	fd = openat(mnt, slash + 1, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	orig = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || orig < 0 || !same_file(fd, orig))
		return -1;
	return steal_fd(fd);
}

static int copy_exe(int to, struct error **err)
{
	cleanup_close int from = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	struct stat st;
	off_t off = 0;

	if (from < 0 || fstat(from, &st) < 0)
		return error_set(err, errno, "protected copy: open /proc/self/exe");
	while (off < st.st_size) {
		ssize_t n = sendfile(to, from, &off, (size_t)(st.st_size - off));

		if (n <= 0)
			return error_set(err, n < 0 ? errno : EIO, "protected copy: copy berth");
	}
	return 0;
}

static int sealed_copy(struct error **err)
{
	cleanup_close int fd = memfd_create("berth", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	if (fd < 0)
		return error_set(err, errno, "protected copy: memfd_create");
	if (copy_exe(fd, err) < 0)
		return -1;
	if (fcntl(fd, F_ADD_SEALS, SEALS) < 0)
		return error_set(err, errno, "protected copy: seal");
	return steal_fd(fd);
}

bool selfexe_job_cannot_write(const struct ns_subid_map *job)
{
	cleanup_close int fd = -1;

	/* a marker: selfexe_protect() checks it and takes it away */
	if (protected_exe || getenv(PROTECTED_ENV) != NULL)
		return false;
	/* root's berth; rootless, out_of_reach() decides from the caller's
	 * possible maps */
	if (getuid() != 0 || geteuid() != 0 || job->self || job->count == 0 ||
	    job->uid_start == 0 || job->gid_start == 0)
		return false;
	fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || !roots_plain_file(fd))
		return false;
	protected_exe = unprotected_ok = true;
	log_debug("protected copy: not needed: the job's ids (host %u.., %u of them) cannot write "
		  "the binary, root's",
		  job->uid_start, job->count);
	return true;
}

int selfexe_protect(const char *spare_dir, struct error **err)
{
	cleanup_close int fd = -1;

	/* checked once: the marker is gone from the environment since */
	if (protected_exe)
		return 0;
	if (getenv(PROTECTED_ENV) != NULL) {
		/* keep the marker away from hooks and helpers; a marker
		 * that came from the caller's environment, not from us,
		 * protects nothing: then go on and make the copy */
		const char *how = exe_protection();

		unsetenv(PROTECTED_ENV);
		protected_exe = how != NULL;
		if (protected_exe) {
			log_debug("protected copy: running from %s", how);
			return 0;
		}
	}
	{
		const char *why = out_of_reach();

		if (why != NULL) {
			protected_exe = unprotected_ok = true;
			log_debug("protected copy: %s", why);
			return 0;
		}
	}
	if (saved_argv == NULL)
		return error_set(err, EINVAL, "protected copy: no argv");
	fd = overlay_exe(spare_dir);
	if (fd < 0)
		fd = sealed_copy(err);
	if (fd < 0)
		return -1;
	if (setenv(PROTECTED_ENV, "1", 1) < 0)
		return error_set(err, errno, "protected copy: setenv");
	fexecve(fd, saved_argv, environ);
	unsetenv(PROTECTED_ENV);
	return error_set(err, errno, "protected copy: exec");
}
