/* SPDX-License-Identifier: Apache-2.0 */
/* rootfs/pivot.c — the root mount: propagation, the self bind (or the
 * overlay), pivot_root(2), and the final read-only and propagation steps.
 * Mount list: mounts.c.  Devices: devices.c.  Masks: masks.c.  */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cleanup.h"

#include "core/mountinfo.h"
#include "core/syscalls.h"
#include "rootfs/internal.h"
#include "rootfs/overlay.h"
#include "rootfs/resolve.h"

/* Propagation of "/" while the root is prepared.  rootfsPropagation is
 * the final propagation of the container's root, applied by
 * rootfs_finish() once every mount exists, as runc and crun do; applied
 * here, "unbindable" would make every bind source unbindable.  Until
 * then the tree is a recursive slave (host mount events still reach the
 * container, nothing of ours leaks out), except for shared and rshared:
 * there the bind sources must stay peers of the host's mounts, so that a
 * bind asking for rshared (Kubernetes' Bidirectional volumes, for which
 * containerd sets rshared) joins the host's peer group.  The old root is
 * made a slave before it is detached (pivot()), so its detach never
 * propagates to the host.  */
static unsigned long setup_propagation(unsigned long wanted)
{
	return wanted & MS_SHARED ? MS_SHARED | MS_REC : MS_SLAVE | MS_REC;
}

/* With a shared "/", the mount holding the rootfs is made private, as
 * runc does: pivot_root refuses a shared parent, and the container's own
 * mounts under its root must not propagate out.  Bind mounts that asked
 * for rshared keep their peers with the host.  */
static int parent_private(const struct rootfs_ctx *ctx, unsigned long prop, struct error **err)
{
	cleanup_free char *mp = NULL;

	if (!(prop & MS_SHARED))
		return 0;
	mp = mountinfo_mount_of(ctx->plan->root, NULL);
	if (mp == NULL)
		return error_set(err, ENOENT, "find the mount holding '%s'", ctx->plan->root);
	if (mount(NULL, mp, NULL, MS_PRIVATE, NULL) < 0)
		return error_set(err, errno, "make '%s' private", mp);
	return 0;
}

/* upper and work on a tmpfs of this mount namespace: the container's
 * writes vanish with it and never touch the host's disk */
static int overlay_tmpfs(const struct rootfs_ctx *ctx, struct error **err)
{
	if (mount("tmpfs", ctx->plan->overlay_dir, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700") < 0)
		return error_set(err, errno, "mount tmpfs on '%s'", ctx->plan->overlay_dir);
	if (mkdir(ctx->plan->upper, 0755) < 0 || mkdir(ctx->plan->work, 0700) < 0)
		return error_set(err, errno, "overlay upper/work on tmpfs");
	return 0;
}

static int mount_root(struct rootfs_ctx *ctx, struct error **err)
{
	if (ctx->plan->layers != NULL) {
		if (ctx->plan->overlay_tmpfs && overlay_tmpfs(ctx, err) < 0)
			return -1;
		return rootfs_overlay_mount(ctx->plan, ctx->userns, err);
	}
	/* pivot_root needs the new root to be a mount point */
	if (mount(ctx->plan->root, ctx->plan->root, NULL, MS_BIND | MS_REC, NULL) < 0)
		return error_set(err, errno, "bind the rootfs '%s'", ctx->plan->root);
	return 0;
}

int rootfs_prepare(struct rootfs_ctx *ctx, struct error **err)
{
	unsigned long prop = setup_propagation(ctx->spec->linux.rootfs_propagation);

	ctx->root_fd = -1;
	if (mount(NULL, "/", NULL, prop, NULL) < 0)
		return error_set(err, errno, "rootfs: set propagation of '/'");
	if (parent_private(ctx, prop, err) < 0 || mount_root(ctx, err) < 0)
		return error_wrap(err, "rootfs");
	ctx->root_fd = open(ctx->plan->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (ctx->root_fd < 0)
		return error_set(err, errno, "rootfs: open '%s'", ctx->plan->root);
	if (rootfs_mount_all(ctx, err) < 0 || rootfs_bind_etc_files(ctx, err) < 0 ||
	    rootfs_make_devices(ctx, err) < 0)
		return error_wrap(err, "rootfs");
	return 0;
}

static int pivot(const struct rootfs_ctx *ctx, struct error **err)
{
	cleanup_close int old_root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (old_root < 0)
		return error_set(err, errno, "open the old root");
	if (fchdir(ctx->root_fd) < 0)
		return error_set(err, errno, "chdir to the rootfs");
	/* "." "." stacks the old root on top of the new one: no directory
	 * has to exist in the image for it */
	if (sys_pivot_root(".", ".") < 0)
		return error_set(err, errno, "pivot_root '%s'", ctx->plan->root);
	/* Stand on the old root itself: mount(2) does not follow the mount
	 * stacked on the cwd (umount2 does), so from the new root "." would
	 * turn every container mount into a slave, breaking shared ones */
	if (fchdir(old_root) < 0)
		return error_set(err, errno, "chdir to the old root");
	/* make the old root a slave first, or detaching it would unmount
	 * the host's mounts through shared propagation */
	if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return error_set(err, errno, "make the old root a slave");
	if (umount2(".", MNT_DETACH) < 0)
		return error_set(err, errno, "detach the old root");
	return 0;
}

/* --no-pivot (e.g. a ramfs root, where pivot_root is refused): move the
 * root over "/" and chroot.  ".." still stops at the moved root, but the
 * host's root stays in the namespace beneath it, where a process with
 * CAP_SYS_ADMIN can get at it (setns into its own mount namespace resets
 * its root to the namespace's): for trusted setups only.  */
static int move_root(const struct rootfs_ctx *ctx, struct error **err)
{
	if (fchdir(ctx->root_fd) < 0)
		return error_set(err, errno, "chdir to the rootfs");
	if (mount(ctx->plan->root, "/", NULL, MS_MOVE, NULL) < 0)
		return error_set(err, errno, "move the rootfs to '/'");
	if (chroot(".") < 0)
		return error_set(err, errno, "chroot to the rootfs");
	return 0;
}

int rootfs_pivot(struct rootfs_ctx *ctx, struct error **err)
{
	int rc = ctx->no_pivot ? move_root(ctx, err) : pivot(ctx, err);

	if (rc < 0)
		return error_wrap(err, "rootfs");
	if (chdir("/") < 0)
		return error_set(err, errno, "rootfs: chdir '/'");
	close(ctx->root_fd);
	ctx->root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (ctx->root_fd < 0)
		return error_set(err, errno, "rootfs: open '/'");
	return 0;
}

int rootfs_finish(struct rootfs_ctx *ctx, struct error **err)
{
	const struct spec *spec = ctx->spec;
	unsigned long prop = spec->linux.rootfs_propagation;

	if (rootfs_mask_paths(err, spec) < 0 || rootfs_readonly_paths(spec, err) < 0)
		return error_wrap(err, "rootfs");
	if (spec->root.readonly) {
		struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY};

		if (sys_mount_setattr(AT_FDCWD, "/", 0, &ro) < 0)
			return error_set(err, errno, "rootfs: make '/' read-only");
	}
	/* last: the masks and read-only paths are binds, which an
	 * unbindable tree would refuse */
	if (prop != 0 && mount(NULL, "/", NULL, prop, NULL) < 0)
		return error_set(err, errno, "rootfs: linux.rootfsPropagation on '/'");
	close(ctx->root_fd);
	ctx->root_fd = -1;
	return 0;
}

int rootfs_bind_console(const char *slave, struct error **err)
{
	cleanup_close int tree =
		sys_open_tree(AT_FDCWD, slave, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	cleanup_close int target = open("/dev/console", O_PATH | O_NOFOLLOW | O_CLOEXEC);

	if (tree < 0)
		return error_set(err, errno, "console: open '%s'", slave);
	if (target < 0)
		return error_set(err, errno, "console: open '/dev/console'");
	return rootfs_move_tree(tree, target, "/dev/console", err);
}
