/* rootfs/rootfs.h — turning the bundle's root into the container's /.
 *
 * Runs in the container init, inside its new mount namespace, in three
 * steps around the createContainer hooks:
 *   rootfs_prepare()  propagation, the root bind (or overlay), every
 *                     config mount in order, /dev nodes and symlinks
 *   (createContainer hooks run here: namespaces ready, before pivot_root)
 *   rootfs_pivot()    pivot_root (or MS_MOVE + chroot with --no-pivot)
 *   rootfs_finish()   masked and read-only paths, read-only root
 * Nothing here ever creates or mounts anything outside the root.  */
#ifndef BERTH_ROOTFS_ROOTFS_H
#define BERTH_ROOTFS_ROOTFS_H

#include <stdbool.h>

#include "core/error.h"
#include "spec/spec.h"

struct rootfs_ctx {
	const struct spec *spec;
	const char *bundle;	   /* relative bind sources resolve here */
	const char *root;	   /* absolute host path of the root */
	char **layers;		   /* overlay lower layers (top first), or NULL */
	const char *upper;	   /* overlay upper dir (with layers) */
	const char *work;	   /* overlay work dir (with layers) */
	const char *overlay_tmpfs; /* a tmpfs mounted here holds upper and work */
	const char *etc_files;	   /* dir with hosts, hostname, resolv.conf to
				   bind over the container's /etc ones, or NULL */
	const char *cgroup_path;   /* the container's cgroup dir, or NULL */
	bool userns;		   /* in a new user namespace: no mknod, fallbacks */
	bool no_pivot;
	bool console;	   /* make /dev/console a mount point for the pty */
	int root_fd;	   /* set by rootfs_prepare: O_PATH fd of the root */
	int *bind_src_fds; /* per mount: its bind source opened early, or -1 */
};

/* In a new user namespace, open every bind mount's source first, while
 * the init still has its caller's access to the host's paths: the mapped
 * root it becomes may not be allowed to walk to them (a 0700 directory of
 * the caller's).  The fds point into the init's own mount namespace.  */
void rootfs_open_bind_sources(struct rootfs_ctx *ctx);

int rootfs_prepare(struct rootfs_ctx *ctx, struct error **err);
int rootfs_pivot(struct rootfs_ctx *ctx, struct error **err);
int rootfs_finish(struct rootfs_ctx *ctx, struct error **err);

/* Bind the pty slave (path inside the new root) over /dev/console.  */
int rootfs_bind_console(const char *slave, struct error **err);

#endif
