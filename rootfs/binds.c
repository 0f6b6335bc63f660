/* SPDX-License-Identifier: Apache-2.0 */
/* rootfs/binds.c — what berth binds into the root besides the config's
 * mounts: the network's /etc files and the sd_notify socket's dir.  Both
 * come from the container's state dir (rootfs/plan.c made them); both
 * targets are resolved inside the root like every other mount
 * (mounts.c).  */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/mount.h>

#include "core/cleanup.h"
#include "core/log.h"
#include "core/mem.h"
#include "rootfs/internal.h"

/* The network's /etc files (netns/ writes them in the state dir) are
 * bound over the container's, as docker does: the image's layers are
 * never written.  A read-only root without the file is left alone: the
 * config allows no mount point there.  */
int rootfs_bind_etc_files(struct rootfs_ctx *ctx, struct error **err)
{
	static const char *const files[] = {"hosts", "hostname", "resolv.conf"};

	if (ctx->plan->etc_files == NULL)
		return 0;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		cleanup_free char *src = xasprintf("%s/%s", ctx->plan->etc_files, files[i]);
		cleanup_free char *dst = xasprintf("/etc/%s", files[i]);
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
