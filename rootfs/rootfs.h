/* SPDX-License-Identifier: Apache-2.0 */
/* rootfs/rootfs.h — turning the bundle's root into the container's /.
 *
 * Runs in the container init, inside its new mount namespace, in three
 * steps around the createContainer hooks:
 *   rootfs_prepare()  "/" a recursive slave (shared for rshared), the
 *                     root bind (or overlay), every config mount in
 *                     order, /dev nodes and symlinks
 *   (createContainer hooks run here: namespaces ready, before pivot_root)
 *   rootfs_pivot()    pivot_root (or MS_MOVE + chroot with --no-pivot)
 *   rootfs_finish()   masked and read-only paths, read-only root, then
 *                     linux.rootfsPropagation on the new "/"
 * Nothing here ever creates or mounts anything outside the root.  */
#ifndef BERTH_ROOTFS_ROOTFS_H
#define BERTH_ROOTFS_ROOTFS_H

#include <stdbool.h>
#include <sys/types.h>

#include "core/error.h"
#include "spec/spec.h"

/* Where the root comes from, decided once on the host before the init is
 * cloned (plan.c), then only read: by the launcher, the init and
 * rootfs_prepare().  All paths absolute, on the host.  */
struct rootfs_plan {
	char *root;	   /* the bundle's root, or the overlay's merged dir */
	char **layers;	   /* overlay lower layers, top first, or NULL */
	int *layer_fds;	   /* each opened (O_PATH) and checked: what is mounted */
	char *overlay_dir; /* <state dir>/overlay, holding upper and work */
	char *upper, *work;
	/* the layers seen through the job's user namespace (its mappings),
	 * so that what the image gives root is the job's root's: each an
	 * idmapped detached clone of its layer_fds entry, made on the host
	 * (rootfs_overlay_idmap_layer), which the init attaches on
	 * <lowers_dir>/<i> in its own mount namespace, as overlayfs takes
	 * lower layers only from there.  Closed by rootfs_plan_close_idmaps() */
	bool layers_idmapped;
	int *layer_trees;
	char *lowers_dir;
	bool overlay_tmpfs; /* a tmpfs on overlay_dir holds upper and work */
	char *etc_files;    /* dir with hosts, hostname, resolv.conf to bind
			       over the container's, or NULL */
	char *notify_dir;   /* <state dir>/notify, bound read-only on /run/notify
			     for the sd_notify socket (runtime/notify.h), or NULL */
	/* per linux.devices entry: the device rules deny writing it, so a
	 * node bound from the host (a user namespace cannot mknod) is bound
	 * read-only; NULL: none.  Set by the runtime, which knows the rules */
	bool *device_readonly;
	int *idmap_fds; /* per config mount: its idmapped tree, made on
			       the host (rootfs_idmapped_tree), or -1; NULL:
			       none.  Closed by rootfs_plan_close_idmaps() */
	size_t n_idmap_fds;
};

struct rootfs_plan_request {
	const char *root_path;	/* root.path as written in the config */
	const char *bundle;	/* a relative root.path is in here */
	char *const *layers;	/* image layers, lowest first, or NULL */
	bool overlay_tmpfs;	/* the writable layer on a tmpfs */
	const char *state_root; /* berth's state root: no layer may be in it */
	bool layers_idmapped;	/* see rootfs_plan; upper and work are then */
	uid_t owner_uid;	/* made the job root's, this host uid:gid */
	gid_t owner_gid;
	const char *state_dir; /* the container's state dir ... */
	int state_dir_fd;      /* ... opened */
	bool etc_files;	       /* bridge networking: /etc files to bind */
	bool notify;	       /* the caller set NOTIFY_SOCKET */
};

/* Check and resolve the root (or the layers) and make the directories
 * the plan names in the state dir.  On failure the plan may be half made:
 * rootfs_plan_clear() it; what it made goes with the state dir.  */
int rootfs_plan_make(const struct rootfs_plan_request *req, struct rootfs_plan *plan,
		     struct error **err);
void rootfs_plan_clear(struct rootfs_plan *plan);

/* An idmapped bind mount's tree, made on the host before the clone:
 * idmapping a mount takes CAP_SYS_ADMIN over its filesystem's (the
 * host's) user namespace, which an init in its own user namespace does
 * not have.  A detached clone of the source ("rbind": its submounts too),
 * idmapped through `userns_fd` (all of it with "ridmap", its top only
 * with "idmap"), with the mount's flags, recursive attributes and
 * propagation; the init only attaches it.  A filesystem that cannot be
 * idmapped fails naming the mount and the filesystem.  */
int rootfs_idmapped_tree(const char *bundle, const struct spec_mount *m, int userns_fd,
			 struct error **err);

/* Close the idmapped trees, the layers' too (once the init has its own
 * copies).  */
void rootfs_plan_close_idmaps(struct rootfs_plan *plan);

struct rootfs_ctx {
	const struct spec *spec;
	const char *bundle; /* relative bind sources resolve here */
	const struct rootfs_plan *plan;
	const char *cgroup_path; /* the container's cgroup2 dir, or NULL */
	/* its v1 cgroups (hybrid, v1 hosts): each hierarchy's name as mounted
	 * ("cpu,cpuacct", "name=systemd"), the host's mount point of it (the
	 * basename names the directory inside) and the container's cgroup */
	const char *const *cgroup_v1_names;
	const char *const *cgroup_v1_mounts;
	const char *const *cgroup_v1_paths;
	size_t n_cgroup_v1;
	bool userns; /* in a new user namespace: no mknod, fallbacks */
	bool no_pivot;
	bool console;	   /* make /dev/console a mount point for the pty */
	int root_fd;	   /* set by rootfs_prepare: O_PATH fd of the root */
	int *bind_src_fds; /* per mount: its bind source opened early, or -1 */
	int notify_src_fd; /* plan->notify_dir opened early (with bind_src_fds) */
};

/* In a new user namespace, open every bind mount's source first, while
 * the init still has its caller's access to the host's paths: the mapped
 * root it becomes may not be allowed to walk to them (a 0700 directory of
 * the caller's).  The fds point into the init's own mount namespace.  */
void rootfs_open_bind_sources(struct rootfs_ctx *ctx);

int rootfs_prepare(struct rootfs_ctx *ctx, struct error **err);
int rootfs_pivot(struct rootfs_ctx *ctx, struct error **err);
int rootfs_finish(struct rootfs_ctx *ctx, struct error **err);

/* The default device nodes every container gets (/dev/null ... /dev/tty),
 * by index, NULL past the last.  In a new user namespace each one is the
 * host's node bound over an empty file: a host mount, which a checkpoint
 * names to CRIU as external (runtime/criu_spec.c).  */
const char *rootfs_default_device(size_t i);

/* Bind the pty slave (path inside the new root) over /dev/console.  */
int rootfs_bind_console(const char *slave, struct error **err);

/* The network's /etc files (hosts, hostname, resolv.conf in `dir`, the
 * state dir), copied onto a private, detached tmpfs: a bind from the
 * state dir would show its host path (the mount's root) in the
 * container's mountinfo.  Returns the tmpfs's mount fd (restore binds
 * from it too: runtime/criu_net.c).  */
int rootfs_stage_etc_files(const char *dir, struct error **err);

/* the network's /etc files, by name: kept in the state dir (netns/
 * writes them), bound over /etc/<name> */
#define ROOTFS_ETC_FILES 3
extern const char *const rootfs_etc_files[ROOTFS_ETC_FILES];

#endif
