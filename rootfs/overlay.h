/* SPDX-License-Identifier: Apache-2.0 */
/* rootfs/overlay.h — an overlay of read-only image layers plus a writable
 * upper layer as the container's root (berth's docker-lite front).  */
#ifndef BERTH_ROOTFS_OVERLAY_H
#define BERTH_ROOTFS_OVERLAY_H

#include <stdbool.h>

#include "core/error.h"

/* Mount overlayfs on `target`: the lower layers given by O_PATH fds
 * (rootfs_overlay_open_layer), top first, `names` their paths for
 * messages (both NULL-terminated/as long), `upper` and `work` on one fs.
 * `userns`: mounted in a user namespace, where the trusted.overlay.*
 * xattrs cannot be read: overlayfs' own are the user.overlay.* ones
 * ("userxattr", Linux 5.11; image/ writes both kinds of opaque mark).  */
int rootfs_overlay_mount(const char *target, char *const *names, const int *fds, const char *upper,
			 const char *work, bool userns, struct error **err);

/* Open one image layer (O_PATH), checked before anything is created like a
 * bind source from a less trusted place: an absolute path to a
 * directory, reached without a symlink, readable, not on a kernel view
 * (proc, sysfs, cgroup, ...), not under /proc, /sys or /dev, and not in
 * `forbidden` (berth's state root; NULL: none).  */
int rootfs_overlay_open_layer(const char *path, const char *forbidden, struct error **err);

#endif
