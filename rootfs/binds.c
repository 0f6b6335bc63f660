/* SPDX-License-Identifier: Apache-2.0 */
/* rootfs/binds.c — what berth binds into the root besides the config's
 * mounts: the network's /etc files and the sd_notify socket's dir.  Both
 * come from the container's state dir (rootfs/plan.c made them); both
 * targets are resolved inside the root like every other mount
 * (mounts.c).  */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/file.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/syscalls.h"
#include "rootfs/internal.h"

/* The network's /etc files (netns/ writes them in the state dir) are
 * bound over the container's, as docker does: the image's layers are
 * never written.  A read-only root without the file is left alone: the
 * config allows no mount point there.  */

const char *const rootfs_etc_files[ROOTFS_ETC_FILES] = {"hosts", "hostname", "resolv.conf"};

int rootfs_stage_etc_files(const char *dir, struct error **err)
{
	cleanup_close int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
	cleanup_close int mnt = -1;

	if (fs < 0 || fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0755", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "size", "1m", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return error_set(err, errno, "network files: a tmpfs to stage them");
	mnt = fsmount(fs, FSMOUNT_CLOEXEC,
		      MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	if (mnt < 0)
		return error_set(err, errno, "network files: a tmpfs to stage them");
	for (size_t i = 0; i < ROOTFS_ETC_FILES; i++) {
		cleanup_free char *src = xasprintf("%s/%s", dir, rootfs_etc_files[i]);
		cleanup_free char *text = NULL;
		cleanup_close int fd = -1;
		size_t len;

		if (read_file_at(AT_FDCWD, src, &text, &len, err) < 0)
			return error_wrap(err, "network file");
		fd = openat(mnt, rootfs_etc_files[i], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			    0644);
		if (fd < 0 || write(fd, text, len) != (ssize_t)len)
			return error_set(err, errno, "network file '%s': stage",
					 rootfs_etc_files[i]);
	}
	return steal_fd(mnt);
}

static int bind_staged(struct rootfs_ctx *ctx, const char *dir, struct error **err)
{
	for (size_t i = 0; i < ROOTFS_ETC_FILES; i++) {
		cleanup_free char *src = xasprintf("%s/%s", dir, rootfs_etc_files[i]);
		cleanup_free char *dst = xasprintf("/etc/%s", rootfs_etc_files[i]);
		struct spec_mount m = {
			.destination = dst, .source = src, .bind = true, .flags = MS_BIND};
		struct error *e = NULL;

		if (rootfs_mount_bind(ctx, &m, &e) == 0)
			continue;
		if (e->errnum == EROFS) {
			log_debug("%s: read-only root, not provided", dst);
			error_free(e);
			continue;
		}
		*err = e;
		return error_wrap(err, "network file '%s'", dst);
	}
	return 0;
}

/* Each file bound from the staged tmpfs, detached.  Older kernels
 * (Debian 12's 6.1 among them) refuse a bind from a detached mount with
 * EINVAL: there the tmpfs is attached over the state dir in this (the
 * container's) mount namespace while the files are bound, and detached
 * again right after.  "/" is a slave here unless the config asks for
 * rshared (setup_propagation): then, on such a kernel, the host sees the
 * tmpfs over the state dir for as long as these binds take.  */
int rootfs_bind_etc_files(struct rootfs_ctx *ctx, struct error **err)
{
	cleanup_close int stage = -1;
	cleanup_free char *detached = NULL;
	const char *dir = ctx->plan->etc_files;
	struct error *e = NULL;
	int rc;

	if (dir == NULL)
		return 0;
	stage = rootfs_stage_etc_files(dir, err);
	if (stage < 0)
		return -1;
	detached = xasprintf("/proc/self/fd/%d", stage);
	if (bind_staged(ctx, detached, &e) == 0)
		return 0;
	if (e->errnum != EINVAL) {
		*err = e;
		return -1;
	}
	error_free(e);
	if (sys_move_mount(stage, "", AT_FDCWD, dir, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return error_set(err, errno, "network files: attach their tmpfs on '%s'", dir);
	rc = bind_staged(ctx, dir, err);
	if (umount2(dir, MNT_DETACH) < 0 && rc == 0)
		return error_set(err, errno, "network files: detach their tmpfs from '%s'", dir);
	return rc;
}

/* The sd_notify socket's dir on /run/notify (runc's place for it):
 * read-only, no devices, setuid or exec, like runc's.  The socket is
 * bound in it later, by `start` or `run` on the host, and shows through
 * the bind.  Made even under root.readonly (the read-only remount comes
 * after), as the cwd is.  */
int rootfs_bind_notify(const struct rootfs_ctx *ctx, struct error **err)
{
	struct spec_mount m = {
		.destination = "/run/notify",
		.source = ctx->plan->notify_dir,
		.bind = true,
		.flags = MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
	};

	if (ctx->plan->notify_dir == NULL)
		return 0;
	if (rootfs_mount_bind_from(ctx, &m, ctx->notify_src_fd, err) < 0)
		return error_wrap(err, "NOTIFY_SOCKET: the container's socket dir");
	return 0;
}
