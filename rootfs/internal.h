/* SPDX-License-Identifier: Apache-2.0 */
/* rootfs/internal.h — helpers shared by the files of rootfs/ only.  */
#ifndef BERTH_ROOTFS_INTERNAL_H
#define BERTH_ROOTFS_INTERNAL_H

#include <sys/mount.h>

#include "rootfs/rootfs.h"

int rootfs_mount_all(struct rootfs_ctx *ctx, struct error **err);
int rootfs_make_devices(struct rootfs_ctx *ctx, struct error **err);
/* binds.c: what berth binds in besides the config's mounts */
int rootfs_bind_etc_files(struct rootfs_ctx *ctx, struct error **err);
int rootfs_bind_notify(const struct rootfs_ctx *ctx, struct error **err);
/* copy the tree under covered_fd into mounted_fd (tmpcopyup) */
int rootfs_copyup(int covered_fd, int mounted_fd, struct error **err);
int rootfs_mask_paths(struct error **err_out, const struct spec *spec);
int rootfs_readonly_paths(const struct spec *spec, struct error **err);
int rootfs_apply_propagation(int fd, const char *dest, unsigned long prop, struct error **err);
int rootfs_move_tree(int tree_fd, int target_fd, const char *dest, struct error **err);
void rootfs_flags_to_attr(unsigned long set, unsigned long clr, struct mount_attr *a);

/* mounts.c: one mount of the config (a filesystem; a bind), and a host
 * path bound instead of a filesystem a user namespace may not mount */
int rootfs_mount_fs(const struct rootfs_ctx *ctx, const struct spec_mount *m, struct error **err);
int rootfs_mount_bind(const struct rootfs_ctx *ctx, const struct spec_mount *m, struct error **err);
/* the same from a source opened earlier (src_fd), or by path (-1) */
int rootfs_mount_bind_from(const struct rootfs_ctx *ctx, const struct spec_mount *m, int src_fd,
			   struct error **err);
int rootfs_mount_fallback(const struct rootfs_ctx *ctx, const struct spec_mount *m,
			  const char *host_path, struct error **err);

/* cgroupfs.c: a "cgroup" or "cgroup2" mount of the config */
int rootfs_mount_cgroup(const struct rootfs_ctx *ctx, const struct spec_mount *m,
			struct error **err);

#endif
