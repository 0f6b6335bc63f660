/* rootfs/overlay.c — overlayfs root from image layers.
 *
 * The overlay is mounted inside the container's own mount namespace, so it
 * disappears with the container's last process and no host mount is left
 * behind even after kill -9; only the upper/work directories (in the
 * container's state dir) need removing on delete.  */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/fsutil.h"
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

/* at or under /proc, /sys or /dev: the kernel's views, whatever is
 * mounted there (the hybrid host's /sys/fs/cgroup is a tmpfs) */
static bool kernel_tree(const char *l)
{
	static const char *const trees[] = {"/proc", "/sys", "/dev"};

	for (size_t i = 0; i < sizeof(trees) / sizeof(trees[0]); i++) {
		size_t n = strlen(trees[i]);

		if (strncmp(l, trees[i], n) == 0 && (l[n] == '\0' || l[n] == '/'))
			return true;
	}
	return false;
}

/* One layer, checked like a bind source from a less trusted place: an
 * absolute path to a directory, reached without any symlink (so the path
 * written is the directory used), on a filesystem of files — not a kernel
 * view, and not the host's /dev.  */
static int check_layer(const char *l, struct error **err)
{
	struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
			       .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS};
	cleanup_close int fd = -1;
	struct statfs sf;
	struct stat st, dev;
	const char *kind;

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
	if (fstatfs(fd, &sf) < 0 || fstat(fd, &st) < 0)
		return error_set(err, errno, "layer '%s'", l);
	kind = pseudo_fs((long)sf.f_type);
	if (kind != NULL)
		return error_set(err, EINVAL, "layer '%s': on %s, not a filesystem of image files",
				 l, kind);
	if (stat("/dev", &dev) == 0 && dev.st_dev == st.st_dev)
		return error_set(err, EINVAL, "layer '%s': on the host's /dev", l);
	if (kernel_tree(l))
		return error_set(err, EINVAL, "layer '%s': under /proc, /sys or /dev", l);
	if (access(l, R_OK | X_OK) < 0)
		return error_set(err, errno, "layer '%s'", l);
	return 0;
}

int rootfs_overlay_check_layers(char **layers, struct error **err)
{
	for (char **l = layers; l && *l; l++)
		if (check_layer(*l, err) < 0)
			return -1;
	return 0;
}

int rootfs_overlay_mount(const char *target, char **layers, const char *upper, const char *work,
			 struct error **err)
{
	cleanup_free char *lower = xstrdup("");
	cleanup_free char *data = NULL;

	for (char **l = layers; l && *l; l++) {
		char *next = xasprintf("%s%s%s", lower, *lower ? ":" : "", *l);

		free(lower);
		lower = next;
	}
	data = xasprintf("lowerdir=%s,upperdir=%s,workdir=%s", lower, upper, work);
	if (mount("overlay", target, "overlay", 0, data) < 0) {
		int saved = errno;

		/* EINVAL: a layer on a filesystem overlayfs cannot use as a lower
		 * layer (or stacked too deep); name every one */
		return error_set(err, saved, "mount overlay of layers %s (upper '%s') on '%s'%s",
				 lower, upper, target,
				 saved == EINVAL ? ": a layer may be on a filesystem overlayfs "
						   "cannot stack on"
						 : "");
	}
	return 0;
}
