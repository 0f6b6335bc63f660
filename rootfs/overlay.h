/* SPDX-License-Identifier: Apache-2.0 */
/* rootfs/overlay.h — an overlay of read-only image layers plus a writable
 * upper layer as the container's root (berth's docker-lite front).  */
#ifndef BERTH_ROOTFS_OVERLAY_H
#define BERTH_ROOTFS_OVERLAY_H

#include <stdbool.h>

#include "core/error.h"
#include "rootfs/rootfs.h"

/* Mount overlayfs on the plan's root: its lower layers (top first), the
 * very directories its layer_fds hold (rootfs_overlay_open_layer), or
 * their idmapped trees (layer_trees), attached first; upper and work on
 * one fs.  `userns`: mounted in a user namespace, where the
 * trusted.overlay.* xattrs cannot be read: overlayfs' own are the
 * user.overlay.* ones ("userxattr", Linux 5.11; image/ writes both kinds
 * of opaque mark).  Overlayfs stacks on idmapped lower layers from Linux
 * 5.19.  */
int rootfs_overlay_mount(const struct rootfs_plan *p, bool userns, struct error **err);

/* On the host, before the init is cloned: a detached clone of the layer
 * `fd` (its own mount only), idmapped through `userns_fd`.  Idmapping
 * takes CAP_SYS_ADMIN over the layer's filesystem, which only the host's
 * root has.  A filesystem that cannot be idmapped fails naming the layer
 * and the filesystem.  O_CLOEXEC.  */
int rootfs_overlay_idmap_layer(const char *name, int fd, int userns_fd, struct error **err);

/* Open one image layer (O_PATH), checked before anything is created like a
 * bind source from a less trusted place: an absolute path to a
 * directory, reached without a symlink, readable, not on a kernel view
 * (proc, sysfs, cgroup, ...), not under /proc, /sys or /dev, and not in
 * `forbidden` (berth's state root; NULL: none).  */
int rootfs_overlay_open_layer(const char *path, const char *forbidden, struct error **err);

#endif
