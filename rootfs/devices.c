/* SPDX-License-Identifier: Apache-2.0 */
/* rootfs/devices.c — /dev nodes and symlinks of the container.
 *
 * The default nodes every runtime provides (null, zero, full, random,
 * urandom, tty) and linux.devices are made with mknod(2).  In a new user
 * namespace mknod is not allowed, so the host's node is bind-mounted over
 * an empty file instead, as runc and crun do.  Which devices may actually
 * be *used* is the cgroup device filter's job (cgroups/).  */
#define _GNU_SOURCE
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/mem.h"
#include "core/log.h"
#include "core/syscalls.h"
#include "rootfs/internal.h"
#include "rootfs/resolve.h"

static const struct spec_device default_devices[] = {
	{.type = 'c', .path = (char *)"/dev/null", .major = 1, .minor = 3},
	{.type = 'c', .path = (char *)"/dev/zero", .major = 1, .minor = 5},
	{.type = 'c', .path = (char *)"/dev/full", .major = 1, .minor = 7},
	{.type = 'c', .path = (char *)"/dev/random", .major = 1, .minor = 8},
	{.type = 'c', .path = (char *)"/dev/urandom", .major = 1, .minor = 9},
	{.type = 'c', .path = (char *)"/dev/tty", .major = 5, .minor = 0},
};

static const struct {
	const char *target, *name;
} dev_links[] = {
	{"/proc/self/fd", "fd"},       {"/proc/self/fd/0", "stdin"}, {"/proc/self/fd/1", "stdout"},
	{"/proc/self/fd/2", "stderr"}, {"pts/ptmx", "ptmx"},
};

static mode_t node_type(char type)
{
	switch (type) {
	case 'b': return S_IFBLK;
	case 'p': return S_IFIFO;
	default: return S_IFCHR;
	}
}

/* bind the host's node over an empty file (user namespace fallback):
 * nosuid and noexec, as on the devtmpfs it comes from, and read-only when
 * the device rules deny writing it */
static int bind_host_node(int dir_fd, const char *name, const struct spec_device *d, bool readonly,
			  struct error **err)
{
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC |
					      (readonly ? MOUNT_ATTR_RDONLY : 0)};
	cleanup_close int tree = -1;
	/* the new file's own fd is the mount target: no reopen by name */
	cleanup_close int target =
		openat(dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);

	if (target < 0)
		return error_set(err, errno, "create '%s'", d->path);
	tree = sys_open_tree(AT_FDCWD, d->path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		return error_set(err, errno, "bind host device '%s'", d->path);
	if (sys_mount_setattr(tree, "", AT_EMPTY_PATH, &attr) < 0)
		return error_set(err, errno, "bind host device '%s': nosuid,noexec%s", d->path,
				 readonly ? ",ro" : "");
	return rootfs_move_tree(tree, target, d->path, err);
}

/* The parent directory of the node last made, opened for *at() calls:
 * most nodes share /dev, which is then resolved once.  The fd pins the
 * directory, so later nodes cannot be redirected elsewhere either.  */
struct dir_cache {
	char *path;
	int fd;
};

static void dir_cache_clear(struct dir_cache *c)
{
	free(c->path);
	if (c->fd >= 0)
		close(c->fd);
	c->path = NULL;
	c->fd = -1;
}

static int parent_dir(struct rootfs_ctx *ctx, struct dir_cache *c, const char *dir, bool must_exist,
		      struct error **err)
{
	cleanup_close int path_fd = -1;
	char fdpath[32];
	int real;

	if (c->path != NULL && strcmp(c->path, dir) == 0)
		return c->fd;
	path_fd = rootfs_resolve(ctx->root_fd, dir, ROOTFS_NODE_DIR, must_exist, err);
	if (path_fd < 0)
		return -1;
	/* path_fd is O_PATH: reopen it as a real directory for *at() calls */
	real = open(rootfs_fd_path(path_fd, fdpath, sizeof(fdpath)),
		    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (real < 0)
		return error_set(err, errno, "open '%s' of the rootfs", dir);
	dir_cache_clear(c);
	c->path = xstrdup(dir);
	c->fd = real;
	return real;
}

static int make_node(struct rootfs_ctx *ctx, struct dir_cache *cache, const struct spec_device *d,
		     bool readonly, struct error **err)
{
	cleanup_free char *dir_copy = xstrdup(d->path);
	cleanup_free char *base_copy = xstrdup(d->path);
	const char *name = basename(base_copy);
	mode_t mode = (d->has_file_mode ? d->file_mode : 0666) & 07777;
	int dir_fd = parent_dir(ctx, cache, dirname(dir_copy), false, err);

	if (dir_fd < 0)
		return error_wrap(err, "device '%s'", d->path);
	/* whatever the image put there is replaced by the real node */
	if (unlinkat(dir_fd, name, 0) < 0 && errno != ENOENT && errno != EISDIR)
		return error_set(err, errno, "remove '%s'", d->path);
	if (ctx->userns)
		return bind_host_node(dir_fd, name, d, readonly, err);
	if (mknodat(dir_fd, name, node_type(d->type) | mode,
		    makedev((unsigned)d->major, (unsigned)d->minor)) < 0) {
		if (errno == EPERM) {
			log_debug("mknod '%s' refused: binding the host node", d->path);
			return bind_host_node(dir_fd, name, d, readonly, err);
		}
		return error_set(err, errno, "mknod '%s'", d->path);
	}
	if ((d->has_uid || d->has_gid) &&
	    fchownat(dir_fd, name, d->has_uid ? d->uid : (uid_t)-1, d->has_gid ? d->gid : (gid_t)-1,
		     AT_SYMLINK_NOFOLLOW) < 0)
		return error_set(err, errno, "chown '%s'", d->path);
	return 0;
}

const char *rootfs_default_device(size_t i)
{
	return i < sizeof(default_devices) / sizeof(default_devices[0]) ? default_devices[i].path
									: NULL;
}

static bool spec_has_device(const struct spec *spec, const char *path)
{
	for (size_t i = 0; i < spec->linux.n_devices; i++)
		if (strcmp(spec->linux.devices[i].path, path) == 0)
			return true;
	return false;
}

static int make_links(struct rootfs_ctx *ctx, struct dir_cache *cache, struct error **err)
{
	int real = parent_dir(ctx, cache, "/dev", true, err);

	if (real < 0)
		return -1;
	for (size_t i = 0; i < sizeof(dev_links) / sizeof(dev_links[0]); i++) {
		if (symlinkat(dev_links[i].target, real, dev_links[i].name) < 0 && errno != EEXIST)
			return error_set(err, errno, "symlink '/dev/%s'", dev_links[i].name);
	}
	/* the pty is bound on an empty file of berth's own, made without
	 * opening anything: an image that keeps its own /dev (no tmpfs there)
	 * may have put a FIFO or a device node in its place, whose open would
	 * block the init or reach the device before its cgroup filter holds */
	if (ctx->console) {
		if (unlinkat(real, "console", 0) < 0 && errno != ENOENT)
			return error_set(err, errno, "remove '/dev/console'");
		if (mknodat(real, "console", S_IFREG | 0600, 0) < 0)
			return error_set(err, errno, "create '/dev/console'");
	}
	return 0;
}

int rootfs_make_devices(struct rootfs_ctx *ctx, struct error **err)
{
	const struct spec *spec = ctx->spec;
	struct dir_cache cache = {.path = NULL, .fd = -1};
	const bool *ro = ctx->plan->device_readonly;
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < sizeof(default_devices) / sizeof(default_devices[0]); i++)
		if (!spec_has_device(spec, default_devices[i].path))
			rc = make_node(ctx, &cache, &default_devices[i], false, err);
	for (size_t i = 0; rc == 0 && i < spec->linux.n_devices; i++)
		if (make_node(ctx, &cache, &spec->linux.devices[i], ro != NULL && ro[i], err) < 0)
			rc = error_wrap(err, "linux.devices[%zu]", i);
	if (rc == 0)
		rc = make_links(ctx, &cache, err);
	dir_cache_clear(&cache);
	return rc;
}
