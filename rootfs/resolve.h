/* SPDX-License-Identifier: Apache-2.0 */
/* rootfs/resolve.h — opening and creating paths strictly inside the rootfs.
 *
 * Every path a config names inside the container (mount destinations,
 * devices, masked paths, cwd) is resolved with openat2(RESOLVE_IN_ROOT)
 * from an fd of the container root: a symlink in the image that points
 * to "/host/etc" or "../../.." resolves inside the root, never on the
 * host.  Callers then mount on the returned O_PATH fd itself, so a symlink
 * swapped in after the check cannot redirect the mount (CVE-2021-30465).  */
#ifndef BERTH_ROOTFS_RESOLVE_H
#define BERTH_ROOTFS_RESOLVE_H

#include <stdbool.h>
#include <sys/types.h>

#include "core/error.h"

enum rootfs_node {
	ROOTFS_NODE_DIR,  /* create missing directories */
	ROOTFS_NODE_FILE, /* directories, then an empty file as the last component */
	ROOTFS_NODE_NONE, /* create nothing: the path must exist */
};

/* O_PATH|O_CLOEXEC fd of `path` (absolute or relative, read as inside
 * the root) below root_fd; missing components are created as `kind`
 * says (directories 0755, files 0644).  With `nofollow_last`, a symlink as
 * the last component is refused (mount targets such as /proc and /dev).  */
int rootfs_resolve(int root_fd, const char *path, enum rootfs_node kind, bool nofollow_last,
		   struct error **err);

/* Open `path` inside the root with open(2) flags (O_CLOEXEC added).  */
int rootfs_open(int root_fd, const char *path, int flags, struct error **err);

/* "/proc/self/fd/N" for mount(2) on an fd; buf at least 32 bytes */
const char *rootfs_fd_path(int fd, char *buf, size_t size);

#endif
