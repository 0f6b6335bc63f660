/* rootfs/overlay.h — an overlay of read-only image layers plus a writable
 * upper layer as the container's root (berth's docker-lite front).  */
#ifndef BERTH_ROOTFS_OVERLAY_H
#define BERTH_ROOTFS_OVERLAY_H

#include "core/error.h"

/* Mount overlayfs on `target`: `layers` NULL-terminated, TOP layer first
 * (the order of overlayfs' lowerdir), `upper` and `work` on one fs.  */
int rootfs_overlay_mount(const char *target, char **layers, const char *upper, const char *work,
			 struct error **err);

/* Check each layer before anything is created, like a bind source from a
 * less trusted place: an absolute path to a directory, reached without a
 * symlink, readable, not on a kernel view (proc, sysfs, cgroup, ...) nor
 * on the host's /dev.  */
int rootfs_overlay_check_layers(char **layers, struct error **err);

#endif
