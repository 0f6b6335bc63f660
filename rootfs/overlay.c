/* SPDX-License-Identifier: Apache-2.0 */
/* rootfs/overlay.c — overlayfs root from image layers.
 *
 * The overlay is mounted inside the container's own mount namespace, so it
 * disappears with the container's last process and no host mount is left
 * behind even after kill -9; only the upper/work directories (in the
 * container's state dir) need removing on delete.  */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <linux/magic.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/mem.h"
#include "core/mountinfo.h"
#include "core/syscalls.h"
#include "rootfs/overlay.h"

/* Filesystems that are views of the kernel, not image content: a layer
 * there would hand the container the host's /proc, /sys, cgroups, ... */
static const char *pseudo_fs(long type)
{
	static const struct {
		long magic;
		const char *name;
	} fs[] = {
		{PROC_SUPER_MAGIC, "proc"},
		{SYSFS_MAGIC, "sysfs"},
		{CGROUP_SUPER_MAGIC, "cgroup"},
		{CGROUP2_SUPER_MAGIC, "cgroup2"},
		{DEBUGFS_MAGIC, "debugfs"},
		{TRACEFS_MAGIC, "tracefs"},
		{SECURITYFS_MAGIC, "securityfs"},
		{BPF_FS_MAGIC, "bpf"},
		{DEVPTS_SUPER_MAGIC, "devpts"},
		{0x19800202, "mqueue"},
		{EFIVARFS_MAGIC, "efivarfs"},
		{PSTOREFS_MAGIC, "pstore"},
		{SELINUX_MAGIC, "selinuxfs"},
		{SMACK_MAGIC, "smackfs"},
		{NSFS_MAGIC, "nsfs"},
		{BINFMTFS_MAGIC, "binfmt_misc"},
		{0x62656570, "configfs"},
		{0x65735543, "fusectl"},
	};

	for (size_t i = 0; i < sizeof(fs) / sizeof(fs[0]); i++)
		if (fs[i].magic == type)
			return fs[i].name;
	return NULL;
}

/* `path` is `dir` or under it */
static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/' || n == 1);
}

/* at or under /proc, /sys or /dev: the kernel's views, whatever is
 * mounted there (the hybrid host's /sys/fs/cgroup is a tmpfs) */
static bool kernel_tree(const char *l)
{
	return under(l, "/proc") || under(l, "/sys") || under(l, "/dev");
}

/* What the layer's fd is: a directory of files, not a kernel view, not
 * the host's /dev, readable; `real` is where it really is.  */
static int check_layer_fd(int fd, const char *l, const char *real, const char *forbidden,
			  struct error **err)
{
	struct statfs sf;
	struct stat st, dev;
	const char *kind;

	if (fstatfs(fd, &sf) < 0 || fstat(fd, &st) < 0)
		return error_set(err, errno, "layer '%s'", l);
	kind = pseudo_fs((long)sf.f_type);
	if (kind != NULL)
		return error_set(err, 0, "layer '%s': on %s, not a filesystem of image files", l,
				 kind);
	if (stat("/dev", &dev) == 0 && dev.st_dev == st.st_dev)
		return error_set(err, 0, "layer '%s': on the host's /dev", l);
	if (kernel_tree(real))
		return error_set(err, 0, "layer '%s': under /proc, /sys or /dev", l);
	if (forbidden != NULL && under(real, forbidden))
		return error_set(err, 0, "layer '%s': inside berth's state root '%s'", l,
				 forbidden);
	if (faccessat(fd, "", R_OK | X_OK, AT_EMPTY_PATH | AT_EACCESS) < 0)
		return error_set(err, errno, "layer '%s'", l);
	return 0;
}

/* One layer, checked like a bind source from a less trusted place: an
 * absolute path to a directory, reached without any symlink, then judged
 * by where its fd really is (so "//dev/shm" or "/tmp/../dev" are seen
 * for what they are).  The fd is what gets mounted: nothing can swap the
 * directory between the check and the mount.  */
int rootfs_overlay_open_layer(const char *l, const char *forbidden, struct error **err)
{
	struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
			       .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS};
	cleanup_close int fd = -1;
	char link[32], real[PATH_MAX];
	ssize_t n;

	if (l[0] != '/')
		return error_set(err, 0, "layer '%s': not an absolute path", l);
	if (strchr(l, ',') != NULL || strchr(l, ':') != NULL)
		return error_set(err, 0, "layer '%s': ',' and ':' are not allowed in a layer path",
				 l);
	fd = sys_openat2(AT_FDCWD, l, &how);
	if (fd < 0 && errno == ELOOP)
		return error_set(err, ELOOP, "layer '%s': the path goes through a symlink", l);
	if (fd < 0)
		return error_set(err, errno, "layer '%s'", l);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, real, sizeof(real) - 1);
	if (n <= 0)
		return error_set(err, errno, "layer '%s': where is it", l);
	real[n] = '\0';
	if (check_layer_fd(fd, l, real, forbidden, err) < 0)
		return -1;
	return steal_fd(fd);
}

/* The init is in a mount namespace of its own, and overlayfs takes lower
 * layers only from the caller's namespace: open each layer again here,
 * without symlinks, and make sure it is the very directory checked on the
 * host (the fd the plan holds), so nothing swapped in between is
 * mounted.  */
static int reopen_layer(const char *name, int checked, struct error **err)
{
	struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
			       .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS};
	cleanup_close int fd = sys_openat2(AT_FDCWD, name, &how);
	struct stat a, b;

	if (fd < 0)
		return error_set(err, errno, "layer '%s'", name);
	if (fstat(fd, &a) < 0 || fstat(checked, &b) < 0)
		return error_set(err, errno, "layer '%s'", name);
	if (a.st_dev != b.st_dev || a.st_ino != b.st_ino)
		return error_set(err, 0, "layer '%s': changed since it was checked", name);
	return steal_fd(fd);
}

int rootfs_overlay_idmap_layer(const char *name, int fd, int userns_fd, struct error **err)
{
	/* read-only and nodev as well: overlayfs never writes a lower layer,
	 * and the tree is attached in the job's mount namespace (lowers/<i>)
	 * before the pivot, where nothing may use it for more */
	struct mount_attr idmap = {.attr_set =
					   MOUNT_ATTR_IDMAP | MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV,
				   .userns_fd = (uint64_t)userns_fd};
	cleanup_close int tree =
		sys_open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);

	if (tree < 0)
		return error_set(err, errno, "layer '%s': clone its mount", name);
	if (sys_mount_setattr(tree, "", AT_EMPTY_PATH, &idmap) < 0) {
		int saved = errno;
		cleanup_free char *fstype = mountinfo_fstype_of(name);

		/* EINVAL: no FS_ALLOW_IDMAP (tmpfs before 6.3, 9p, overlayfs...),
		 * or a kernel before 5.12 */
		return error_set(err, saved,
				 "layer '%s': its filesystem (%s) cannot be idmapped, and the "
				 "job's user namespace needs it to keep the image's owners "
				 "(--userns host runs the job without one)",
				 name, fstype != NULL ? fstype : "unknown");
	}
	return steal_fd(tree);
}

/* The idmapped tree of layer i, attached on <lowers_dir>/<i> in the
 * init's mount namespace, and opened there */
static int attach_layer(const struct rootfs_plan *p, size_t i, struct error **err)
{
	cleanup_free char *at = xasprintf("%s/%zu", p->lowers_dir, i);
	cleanup_close int target = open(at, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int fd;

	if (target < 0 || sys_move_mount(p->layer_trees[i], "", target, "",
					 MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return error_set(err, errno, "layer '%s': attach its idmapped mount", p->layers[i]);
	fd = open(at, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return error_set(err, errno, "layer '%s': open its idmapped mount", p->layers[i]);
	return fd;
}

static void close_all(int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

static int overlay_mount_volatile(const char *target, const char *data)
{
	cleanup_free char *vol = xasprintf("%s,volatile", data);

	if (mount("overlay", target, "overlay", 0, vol) == 0)
		return 0;
	if (errno != EINVAL)
		return -1;
	return mount("overlay", target, "overlay", 0, data);
}

/* "lowerdir=" of every layer by fd (fds[], closed by the caller): no host
 * path in the container's mountinfo */
static char *lower_option(const struct rootfs_plan *p, int *fds, size_t n, struct error **err)
{
	char *lower = xstrdup("");

	for (size_t i = 0; i < n; i++)
		fds[i] = -1;
	for (size_t i = 0; i < n; i++) {
		char *next;

		fds[i] = p->layers_idmapped ? attach_layer(p, i, err)
					    : reopen_layer(p->layers[i], p->layer_fds[i], err);
		if (fds[i] < 0) {
			free(lower);
			return NULL;
		}
		next = xasprintf("%s%s/proc/self/fd/%d", lower, i ? ":" : "", fds[i]);
		free(lower);
		lower = next;
	}
	return lower;
}

int rootfs_overlay_mount(const struct rootfs_plan *p, bool userns, struct error **err)
{
	char *const *names = p->layers;
	const char *target = p->root, *upper = p->upper, *work = p->work;
	size_t n = strv_len(names);
	cleanup_free int *fds = xcalloc(n + 1, sizeof(int));
	cleanup_free char *lower = NULL;
	cleanup_free char *data = NULL;
	cleanup_close int up = open(upper, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int wk = open(work, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int rc = -1;

	if (up < 0 || wk < 0)
		/* the init is the job's root by now, maybe a host id of a range
		 * of its own, and walks the state root's path as that id */
		return error_set(err, errno, "overlay upper '%s' and work '%s'%s", upper, work,
				 errno == EACCES ? " (the job's root must be able to reach the "
						   "state root: o+x on every directory above it)"
						 : "");
	lower = lower_option(p, fds, n, err);
	if (lower == NULL)
		goto out;
	data = xasprintf("lowerdir=%s,upperdir=/proc/self/fd/%d,workdir=/proc/self/fd/%d%s", lower,
			 up, wk, userns ? ",userxattr" : "");
	/* volatile (Linux 5.10): no sync of the upper layer, which is thrown
	 * away with the container and never mounted again — a sync would
	 * only delay the unmount as the container's last process exits (a
	 * journal commit on a disk).  Older kernels refuse the option.  */
	if (overlay_mount_volatile(target, data) < 0) {
		int saved = errno;
		cleanup_free char *shown = xstrdup(names[0]);

		for (size_t i = 1; i < n; i++) {
			char *next = xasprintf("%s:%s", shown, names[i]);

			free(shown);
			shown = next;
		}
		/* EINVAL: a layer on a filesystem overlayfs cannot use as a lower
		 * layer (or stacked too deep); name every one */
		error_set(err, saved, "mount overlay of layers %s (upper '%s') on '%s'%s", shown,
			  upper, target,
			  saved == EINVAL ? ": a layer may be on a filesystem overlayfs "
					    "cannot stack on"
					  : "");
		goto out;
	}
	rc = 0;
out:
	close_all(fds, n);
	return rc;
}
