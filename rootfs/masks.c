/* SPDX-License-Identifier: Apache-2.0 */
/* rootfs/masks.c — maskedPaths and readonlyPaths, after pivot_root.
 *
 * A masked file gets /dev/null bound over it, a masked directory an empty
 * read-only tmpfs; a read-only path gets a recursive read-only clone of
 * itself on top.  All through detached mounts attached on an fd resolved
 * inside the root.  Paths that do not exist are skipped, as in runc.  */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/syscalls.h"
#include "rootfs/internal.h"
#include "rootfs/resolve.h"

#ifndef FSCONFIG_CMD_CREATE
#define FSCONFIG_CMD_CREATE 6
#endif

/* An O_PATH fd of path inside the root; a path that does not exist is
 * skipped, as in runc: -1 with *err left NULL.  */
static int open_existing(int root_fd, const char *path, const char *what, struct error **err)
{
	struct error *missing = NULL;
	int fd = rootfs_resolve(root_fd, path, ROOTFS_NODE_NONE, false, &missing);
	int e;

	if (fd >= 0)
		return fd;
	e = missing->errnum;
	error_free(missing);
	if (e != ENOENT)
		error_set(err, e, "%s '%s'", what, path);
	return -1;
}

/* a detached, empty, read-only tmpfs */
static int ro_tmpfs(struct error **err)
{
	cleanup_close int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
	int mnt;

	if (fs < 0)
		return error_set(err, errno, "fsopen tmpfs");
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return error_set(err, errno, "create tmpfs");
	mnt = fsmount(fs, FSMOUNT_CLOEXEC,
		      MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	if (mnt < 0)
		return error_set(err, errno, "fsmount tmpfs");
	return mnt;
}

static int mask_one(int root_fd, const char *path, struct error **err)
{
	cleanup_close int target = -1;
	cleanup_close int tree = -1;
	struct stat st;

	target = open_existing(root_fd, path, "mask", err);
	if (target < 0)
		return *err != NULL ? -1 : 0;
	if (fstat(target, &st) < 0)
		return error_set(err, errno, "mask '%s'", path);
	if (S_ISDIR(st.st_mode))
		tree = ro_tmpfs(err);
	else
		tree = sys_open_tree(AT_FDCWD, "/dev/null", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		return *err ? error_wrap(err, "mask '%s'", path)
			    : error_set(err, errno, "mask '%s' with /dev/null", path);
	return rootfs_move_tree(tree, target, path, err);
}

int rootfs_mask_paths(struct error **err, const struct spec *spec)
{
	cleanup_close int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (root < 0)
		return error_set(err, errno, "open '/'");
	for (char **p = spec->linux.masked_paths; p && *p; p++)
		if (mask_one(root, *p, err) < 0)
			return -1;
	return 0;
}

static int readonly_one(int root_fd, const char *path, struct error **err)
{
	cleanup_close int target = -1;
	cleanup_close int tree = -1;
	struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY};

	target = open_existing(root_fd, path, "make read-only", err);
	if (target < 0)
		return *err != NULL ? -1 : 0;
	tree = sys_open_tree(target, "",
			     OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
	if (tree < 0)
		return error_set(err, errno, "make '%s' read-only", path);
	if (sys_mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &ro) < 0)
		return error_set(err, errno, "make '%s' read-only", path);
	return rootfs_move_tree(tree, target, path, err);
}

int rootfs_readonly_paths(const struct spec *spec, struct error **err)
{
	cleanup_close int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (root < 0)
		return error_set(err, errno, "open '/'");
	for (char **p = spec->linux.readonly_paths; p && *p; p++)
		if (readonly_one(root, *p, err) < 0)
			return -1;
	return 0;
}
