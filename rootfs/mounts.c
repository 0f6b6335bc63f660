/* SPDX-License-Identifier: Apache-2.0 */
/* rootfs/mounts.c — the config's mounts, in order, inside the root.
 *
 * Bind mounts use the new mount API: open_tree() clones the source,
 * mount_setattr() gives the clone its final flags while it is still
 * detached, and move_mount() attaches it on the resolved target fd — the
 * mount never exists with the wrong flags and never lands anywhere but
 * the fd.  Filesystem mounts (proc, tmpfs, ...) go through mount(2) on
 * "/proc/self/fd/N" of the resolved target, for the same reason.
 * cgroup mounts: cgroupfs.c.  Devices: devices.c.  Pivot: pivot.c.  */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/file.h"
#include "core/mem.h"
#include "core/log.h"
#include "core/mountinfo.h"
#include "core/syscalls.h"
#include "rootfs/internal.h"
#include "rootfs/resolve.h"

/* The access-time mode is one field of the mount: changing any part of
 * it (ratime, rnostrictatime, rrelatime...) needs all of
 * MOUNT_ATTR__ATIME in attr_clr, or mount_setattr() says EINVAL.  */
static void atime_whole(struct mount_attr *a)
{
	if ((a->attr_set | a->attr_clr) & MOUNT_ATTR__ATIME)
		a->attr_clr |= MOUNT_ATTR__ATIME;
}

/* MS_* per-mount flags to MOUNT_ATTR_* bits (access time excluded) */
static uint64_t plain_attr(unsigned long flags)
{
	uint64_t attr = 0;

	if (flags & MS_RDONLY)
		attr |= MOUNT_ATTR_RDONLY;
	if (flags & MS_NOSUID)
		attr |= MOUNT_ATTR_NOSUID;
	if (flags & MS_NODEV)
		attr |= MOUNT_ATTR_NODEV;
	if (flags & MS_NOEXEC)
		attr |= MOUNT_ATTR_NOEXEC;
	if (flags & MS_NODIRATIME)
		attr |= MOUNT_ATTR_NODIRATIME;
	if (flags & MS_NOSYMFOLLOW)
		attr |= MOUNT_ATTR_NOSYMFOLLOW;
	return attr;
}

#define MS_ATIME_MODES (MS_NOATIME | MS_STRICTATIME | MS_RELATIME)

/* The mount_setattr() request for "set these MS_* flags, clear those".
 * The access-time mode is one field: changing it needs
 * MOUNT_ATTR__ATIME in attr_clr (the kernel's rule).  Flags the kernel
 * locked on a mount from a more privileged namespace are simply not
 * touched, unless the config explicitly clears them (then EPERM).  */
void rootfs_flags_to_attr(unsigned long set, unsigned long clr, struct mount_attr *a)
{
	a->attr_set = plain_attr(set);
	a->attr_clr = plain_attr(clr) & ~a->attr_set;
	if (set & MS_ATIME_MODES) {
		a->attr_clr |= MOUNT_ATTR__ATIME;
		a->attr_set |= set & MS_NOATIME	      ? MOUNT_ATTR_NOATIME
			       : set & MS_STRICTATIME ? MOUNT_ATTR_STRICTATIME
						      : MOUNT_ATTR_RELATIME;
	} else if (clr & MS_ATIME_MODES) {
		a->attr_clr |= MOUNT_ATTR__ATIME; /* back to relatime */
	}
}

static bool is_bind(const struct spec_mount *m)
{
	return m->bind || (m->type != NULL && strcmp(m->type, "bind") == 0);
}

/* source of a bind mount: relative paths are relative to the bundle */
static char *bind_source(const char *bundle, const struct spec_mount *m)
{
	if (m->source == NULL)
		return NULL;
	if (m->source[0] == '/')
		return xstrdup(m->source);
	return xasprintf("%s/%s", bundle, m->source);
}

int rootfs_apply_propagation(int fd, const char *dest, unsigned long prop, struct error **err)
{
	char fdpath[32];

	if (prop == 0)
		return 0;
	if (mount(NULL, rootfs_fd_path(fd, fdpath, sizeof(fdpath)), NULL, prop, NULL) < 0)
		return error_set(err, errno, "set propagation of '%s'", dest);
	return 0;
}

/* attach a detached tree (open_tree/fsmount) on target_fd */
int rootfs_move_tree(int tree_fd, int target_fd, const char *dest, struct error **err)
{
	if (sys_move_mount(tree_fd, "", target_fd, "",
			   MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return error_set(err, errno, "attach mount on '%s'", dest);
	return 0;
}

/* A bind that asks for shared propagation must join its source's peer
 * group, so that mounts made on either side reach the other (Kubernetes'
 * Bidirectional volumes).  A detached open_tree() clone comes out as a
 * slave of the source, so this one is a classic mount(MS_BIND) onto the
 * resolved target fd; its options are then set on the mount in place.  */
static int bind_shared(const struct rootfs_ctx *ctx, const struct spec_mount *m, const char *src,
		       int src_fd, int target, const struct mount_attr *rec, struct error **err)
{
	char to[32], from[32];
	struct mount_attr top = {0};
	cleanup_close int mnt = -1;

	if (mount(src_fd >= 0 ? rootfs_fd_path(src_fd, from, sizeof(from)) : src,
		  rootfs_fd_path(target, to, sizeof(to)), NULL, MS_BIND | (m->flags & MS_REC),
		  NULL) < 0)
		return error_set(err, errno, "bind mount '%s' on '%s'", src, m->destination);
	mnt = rootfs_resolve(ctx->root_fd, m->destination, ROOTFS_NODE_NONE, false, err);
	if (mnt < 0)
		return -1;
	rootfs_flags_to_attr(m->flags, m->clear_flags, &top);
	if ((top.attr_set || top.attr_clr) && sys_mount_setattr(mnt, "", AT_EMPTY_PATH, &top) < 0)
		return error_set(err, errno, "set options of bind mount on '%s'", m->destination);
	if (sys_mount_setattr(mnt, "", AT_EMPTY_PATH | (m->propagation & MS_REC ? AT_RECURSIVE : 0),
			      (struct mount_attr *)rec) < 0)
		return error_set(err, errno, "set recursive options of bind mount on '%s'",
				 m->destination);
	return 0;
}

/* the recursive attributes and propagation of a bind, as one request */
static void recursive_attr(const struct spec_mount *m, struct mount_attr *rec)
{
	rec->attr_set = m->rec_attr_set;
	rec->attr_clr = m->rec_attr_clr;
	atime_whole(rec);
	if (m->propagation != 0)
		rec->propagation = m->propagation & ~(unsigned long)MS_REC;
}

/* Give a detached bind tree the mount's flags, recursive attributes and
 * (unless shared: bind_shared) propagation, while nothing sees it.  */
static int configure_tree(int tree, const struct spec_mount *m, bool shared_too, struct error **err)
{
	struct mount_attr top = {0}, rec = {0};
	unsigned int how = AT_EMPTY_PATH;

	rootfs_flags_to_attr(m->flags, m->clear_flags, &top);
	if ((top.attr_set != 0 || top.attr_clr != 0) &&
	    sys_mount_setattr(tree, "", AT_EMPTY_PATH, &top) < 0)
		return error_set(err, errno, "set options of bind mount on '%s'", m->destination);
	recursive_attr(m, &rec);
	if ((m->propagation & MS_SHARED) && !shared_too)
		rec.propagation = 0;
	if (rec.attr_set == 0 && rec.attr_clr == 0 && rec.propagation == 0)
		return 0;
	if (rec.attr_set || rec.attr_clr || (m->propagation & MS_REC))
		how |= AT_RECURSIVE;
	if (sys_mount_setattr(tree, "", how, &rec) < 0)
		return error_set(err, errno, "set recursive options of bind mount on '%s'",
				 m->destination);
	return 0;
}

/* where a tree (dir or file) goes: its destination, made if missing */
static int tree_target(const struct rootfs_ctx *ctx, const struct spec_mount *m, int tree,
		       const char *src, struct error **err)
{
	struct stat st;
	int target;

	if (fstat(tree, &st) < 0)
		return error_set(err, errno, "stat '%s'", src);
	target = rootfs_resolve(ctx->root_fd, m->destination,
				S_ISDIR(st.st_mode) ? ROOTFS_NODE_DIR : ROOTFS_NODE_FILE, false,
				err);
	if (target < 0)
		return error_wrap(err, "bind mount '%s'", src);
	return target;
}

static int mount_bind_fd(const struct rootfs_ctx *ctx, const struct spec_mount *m, int src_fd,
			 struct error **err)
{
	cleanup_free char *src = bind_source(ctx->bundle, m);
	cleanup_close int tree = -1;
	cleanup_close int target = -1;
	struct mount_attr rec = {0};
	unsigned int flags = OPEN_TREE_CLONE;

	if (src == NULL)
		return error_set(err, 0, "bind mount on '%s': no source", m->destination);
	if (m->flags & MS_REC)
		flags |= AT_RECURSIVE;
	if (src_fd >= 0) /* opened before we became the mapped root */
		tree = sys_open_tree(src_fd, "", flags | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	else
		tree = sys_open_tree(AT_FDCWD, src, flags | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		return error_set(err, errno, "bind mount '%s' on '%s'", src, m->destination);
	target = tree_target(ctx, m, tree, src, err);
	if (target < 0)
		return -1;
	if (m->propagation & MS_SHARED) {
		recursive_attr(m, &rec);
		return bind_shared(ctx, m, src, src_fd, target, &rec, err);
	}
	if (configure_tree(tree, m, false, err) < 0)
		return -1;
	return rootfs_move_tree(tree, target, m->destination, err);
}

/* The kernel's refusals, in words: EINVAL is the filesystem's (no
 * FS_ALLOW_IDMAP) or the kernel's (before 5.12), EPERM berth's.  */
static int idmap_error(const char *src, const struct spec_mount *m, int errnum, struct error **err)
{
	cleanup_free char *fstype = mountinfo_fstype_of(src);

	if (errnum == EINVAL)
		return error_set(err, errnum,
				 "idmapped mount of '%s' on '%s': its filesystem (%s) cannot be "
				 "idmapped",
				 src, m->destination, fstype != NULL ? fstype : "unknown");
	if (errnum == EPERM)
		return error_set(err, errnum,
				 "idmapped mount of '%s' on '%s': needs CAP_SYS_ADMIN on the host",
				 src, m->destination);
	return error_set(err, errnum, "idmapped mount of '%s' on '%s'", src, m->destination);
}

int rootfs_idmapped_tree(const char *bundle, const struct spec_mount *m, int userns_fd,
			 struct error **err)
{
	cleanup_free char *src = bind_source(bundle, m);
	cleanup_close int tree = -1;
	struct mount_attr idmap = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns_fd};

	if (src == NULL)
		return error_set(err, 0, "bind mount on '%s': no source", m->destination);
	tree = sys_open_tree(AT_FDCWD, src,
			     OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
				     ((m->flags & MS_REC) ? AT_RECURSIVE : 0));
	if (tree < 0)
		return error_set(err, errno, "bind mount '%s' on '%s'", src, m->destination);
	if (sys_mount_setattr(tree, "", AT_EMPTY_PATH | (m->idmap_recursive ? AT_RECURSIVE : 0),
			      &idmap) < 0)
		return idmap_error(src, m, errno, err);
	/* the shared propagation a bind_shared() gives is not to be had
	 * here: a detached tree gets a peer group of its own */
	if (configure_tree(tree, m, true, err) < 0)
		return -1;
	return steal_fd(tree);
}

/* an idmapped tree rootfs_idmapped_tree() made on the host: attached as
 * it is (changing it would take the host's privileges) */
static int mount_prepared(const struct rootfs_ctx *ctx, const struct spec_mount *m, int tree,
			  struct error **err)
{
	cleanup_close int target = tree_target(ctx, m, tree, m->source, err);

	if (target < 0)
		return -1;
	return rootfs_move_tree(tree, target, m->destination, err);
}

int rootfs_mount_bind(const struct rootfs_ctx *ctx, const struct spec_mount *m, struct error **err)
{
	return mount_bind_fd(ctx, m, -1, err);
}

int rootfs_mount_bind_from(const struct rootfs_ctx *ctx, const struct spec_mount *m, int src_fd,
			   struct error **err)
{
	return mount_bind_fd(ctx, m, src_fd, err);
}

void rootfs_open_bind_sources(struct rootfs_ctx *ctx)
{
	const struct spec *spec = ctx->spec;

	ctx->bind_src_fds = xcalloc(spec->n_mounts, sizeof(int));
	for (size_t i = 0; i < spec->n_mounts; i++) {
		cleanup_free char *src = is_bind(&spec->mounts[i])
						 ? bind_source(ctx->bundle, &spec->mounts[i])
						 : NULL;

		/* a source that cannot be opened fails later, with its path */
		ctx->bind_src_fds[i] = src != NULL ? open(src, O_PATH | O_CLOEXEC) : -1;
	}
	if (ctx->plan->notify_dir != NULL)
		ctx->notify_src_fd = open(ctx->plan->notify_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

/* used up by rootfs_mount_all(): no fd on a host path outlives it */
static void close_bind_sources(struct rootfs_ctx *ctx)
{
	if (ctx->bind_src_fds == NULL)
		return;
	for (size_t i = 0; i < ctx->spec->n_mounts; i++)
		if (ctx->bind_src_fds[i] >= 0)
			close(ctx->bind_src_fds[i]);
	free(ctx->bind_src_fds);
	ctx->bind_src_fds = NULL;
	if (ctx->notify_src_fd >= 0)
		close(ctx->notify_src_fd);
	ctx->notify_src_fd = -1;
}

/* proc, sysfs and /dev are refused on a symlink: the image must not be
 * able to move them somewhere else in the tree */
static bool wants_real_dir(const struct spec_mount *m)
{
	return strcmp(m->type, "proc") == 0 || strcmp(m->type, "sysfs") == 0 ||
	       strcmp(m->destination, "/dev") == 0;
}

/* rootless fallbacks, as runc and crun do: a fresh sysfs needs the
 * network namespace's owner, mqueue the ipc one's; bind the host's
 * instead, read-only as the config asked */
int rootfs_mount_fallback(const struct rootfs_ctx *ctx, const struct spec_mount *m,
			  const char *host_path, struct error **err)
{
	struct spec_mount bind = *m;

	log_debug("rootless: %s on '%s' refused, binding host '%s' instead", m->type,
		  m->destination, host_path);
	bind.source = (char *)host_path;
	bind.bind = true;
	bind.flags = (m->flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)) | MS_BIND | MS_REC;
	bind.data = NULL;
	return rootfs_mount_bind(ctx, &bind, err);
}

/* What is done on the new mount itself once it is attached: the files of
 * the covered directory copied in (tmpcopyup), the recursive attributes,
 * the propagation.  `mounted` is the destination resolved again, now the
 * root of the new mount.  */
static int mount_fs_finish(const struct spec_mount *m, int covered, int mounted, struct error **err)
{
	char fdpath[32];

	if (covered >= 0) {
		cleanup_close int dir = open(rootfs_fd_path(mounted, fdpath, sizeof(fdpath)),
					     O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (dir < 0)
			return error_set(err, errno, "tmpcopyup: open the tmpfs on '%s'",
					 m->destination);
		if (rootfs_copyup(covered, dir, err) < 0)
			return error_wrap(err, "mount on '%s'", m->destination);
	}
	if (m->rec_attr_set != 0 || m->rec_attr_clr != 0) {
		struct mount_attr rec = {.attr_set = m->rec_attr_set, .attr_clr = m->rec_attr_clr};

		atime_whole(&rec);
		if (sys_mount_setattr(mounted, "", AT_EMPTY_PATH | AT_RECURSIVE, &rec) < 0)
			return error_set(err, errno, "set recursive options on '%s'",
					 m->destination);
	}
	if (m->propagation != 0)
		return rootfs_apply_propagation(mounted, m->destination, m->propagation, err);
	return 0;
}

int rootfs_mount_fs(const struct rootfs_ctx *ctx, const struct spec_mount *m, struct error **err)
{
	cleanup_close int target = -1;
	cleanup_close int covered = -1;
	cleanup_close int mounted = -1;
	const char *type = m->type;
	const char *source = m->source != NULL ? m->source : m->type;
	char fdpath[32];

	target = rootfs_resolve(ctx->root_fd, m->destination, ROOTFS_NODE_DIR, wants_real_dir(m),
				err);
	if (target < 0)
		return error_wrap(err, "mount %s", type);
	if (m->tmpcopyup) {
		/* still reaches the covered directory once the tmpfs is on it */
		covered = open(rootfs_fd_path(target, fdpath, sizeof(fdpath)),
			       O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (covered < 0)
			return error_set(err, errno, "tmpcopyup: open '%s'", m->destination);
	}
	if (mount(source, rootfs_fd_path(target, fdpath, sizeof(fdpath)), type,
		  m->flags & ~(unsigned long)(MS_BIND | MS_REC), m->data) < 0) {
		int saved = errno;

		if (ctx->userns && saved == EPERM && strcmp(type, "sysfs") == 0)
			return rootfs_mount_fallback(ctx, m, "/sys", err);
		if (ctx->userns && saved == EPERM && strcmp(type, "mqueue") == 0)
			return rootfs_mount_fallback(ctx, m, "/dev/mqueue", err);
		return error_set(err, saved, "mount %s on '%s'", type, m->destination);
	}
	if (covered < 0 && m->rec_attr_set == 0 && m->rec_attr_clr == 0 && m->propagation == 0)
		return 0;
	mounted = rootfs_resolve(ctx->root_fd, m->destination, ROOTFS_NODE_NONE, false, err);
	if (mounted < 0)
		return -1;
	return mount_fs_finish(m, covered, mounted, err);
}

static int mount_each(const struct rootfs_ctx *ctx, struct error **err)
{
	const struct spec *spec = ctx->spec;

	for (size_t i = 0; i < spec->n_mounts; i++) {
		const struct spec_mount *m = &spec->mounts[i];
		int rc;

		if (ctx->plan->idmap_fds != NULL && ctx->plan->idmap_fds[i] >= 0)
			rc = mount_prepared(ctx, m, ctx->plan->idmap_fds[i], err);
		else if (is_bind(m))
			rc = mount_bind_fd(ctx, m, ctx->bind_src_fds ? ctx->bind_src_fds[i] : -1,
					   err);
		else if (m->type != NULL &&
			 (strcmp(m->type, "cgroup") == 0 || strcmp(m->type, "cgroup2") == 0))
			rc = rootfs_mount_cgroup(ctx, m, err);
		else if (m->type != NULL)
			rc = rootfs_mount_fs(ctx, m, err);
		else
			rc = error_set(err, 0, "mounts[%zu]: no type and not a bind mount", i);
		if (rc < 0)
			return error_wrap(err, "mounts[%zu]", i);
	}
	return 0;
}

int rootfs_mount_all(struct rootfs_ctx *ctx, struct error **err)
{
	/* berth's own bind goes over whatever the config mounted on /run */
	int ret = mount_each(ctx, err) < 0 ? -1 : rootfs_bind_notify(ctx, err);

	close_bind_sources(ctx);
	return ret;
}
