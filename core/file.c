/* SPDX-License-Identifier: Apache-2.0 */
/* core/file.c — file helpers (file.h).  */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/file.h"
#include "core/mem.h"

/* a directory read in one call, for most: 8 KB holds ~200 short names */
#define REMOVE_BUF 8192

int read_file_at(int dirfd, const char *path, char **buf, size_t *len, struct error **err)
{
	return read_file_at_max(dirfd, path, SIZE_MAX, buf, len, err);
}

int read_file_at_max(int dirfd, const char *path, size_t max, char **buf, size_t *len,
		     struct error **err)
{
	cleanup_close int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return error_set(err, errno, "open '%s'", path);
	return read_fd_max(fd, path, max, buf, len, err);
}

int read_fd(int fd, const char *path, char **buf, size_t *len, struct error **err)
{
	return read_fd_max(fd, path, SIZE_MAX, buf, len, err);
}

int read_fd_max(int fd, const char *path, size_t max, char **buf, size_t *len, struct error **err)
{
	cleanup_free char *data = NULL;
	size_t size = 0, cap = 4096;

	data = malloc(cap);
	if (data == NULL)
		return error_set(err, ENOMEM, "read '%s'", path);
	for (;;) {
		ssize_t n;

		if (size + 1 >= cap) {
			data = xrealloc(data, cap * 2);
			cap *= 2;
		}
		n = read(fd, data + size, cap - size - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return error_set(err, errno, "read '%s'", path);
		if (n == 0)
			break;
		size += (size_t)n;
		if (size > max)
			return error_set(err, EFBIG, "read '%s': larger than %zu bytes", path, max);
	}
	data[size] = '\0';
	if (len != NULL)
		*len = size;
	*buf = steal_ptr(data);
	return 0;
}

char *read_file_or_null(int dirfd, const char *path)
{
	char *text = NULL;
	struct error *e = NULL;

	if (read_file_at_max(dirfd, path, SMALL_FILE_MAX, &text, NULL, &e) < 0) {
		error_free(e);
		return NULL;
	}
	return text;
}

char *passwd_field(const char *path, uid_t uid, int field)
{
	cleanup_free char *buf = read_file_or_null(AT_FDCWD, path);

	for (char *save = NULL, *l = buf ? strtok_r(buf, "\n", &save) : NULL; l;
	     l = strtok_r(NULL, "\n", &save)) {
		char *f[7], *end;
		int n = 0;

		/* strsep, not strtok: fields may be empty (no GECOS) */
		for (char *rest = l, *t; n < 7 && (t = strsep(&rest, ":")) != NULL;)
			f[n++] = t;
		if (n <= field || n < 3 || f[2][0] == '\0')
			continue;
		if (strtoul(f[2], &end, 10) == uid && *end == '\0')
			return xstrdup(f[field]);
	}
	return NULL;
}

static int write_all_fd(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int write_file_at(int dirfd, const char *path, const char *buf, size_t len, struct error **err)
{
	cleanup_close int fd = openat(dirfd, path, O_WRONLY | O_TRUNC | O_CLOEXEC);

	if (fd < 0)
		return error_set(err, errno, "open '%s'", path);
	if (write_all_fd(fd, buf, len) < 0)
		return error_set(err, errno, "write '%s'", path);
	return 0;
}

int write_str_at(int dirfd, const char *path, const char *s, struct error **err)
{
	return write_file_at(dirfd, path, s, strlen(s), err);
}

int atomic_write_at(int dirfd, const char *name, const char *buf, size_t len, mode_t mode,
		    struct error **err)
{
	char tmp[256];
	cleanup_close int fd = -1;

	snprintf(tmp, sizeof(tmp), ".%s.%d.tmp", name, (int)getpid());
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return error_set(err, errno, "create '%s'", tmp);
	if (write_all_fd(fd, buf, len) < 0) {
		int saved = errno;

		unlinkat(dirfd, tmp, 0);
		return error_set(err, saved, "write '%s'", name);
	}
	if (renameat(dirfd, tmp, dirfd, name) < 0) {
		int saved = errno;

		unlinkat(dirfd, tmp, 0);
		return error_set(err, saved, "rename '%s'", name);
	}
	return 0;
}

int mkdir_p(const char *path, mode_t mode, struct error **err)
{
	cleanup_free char *copy = xstrdup(path);

	for (char *p = copy + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, mode) < 0 && errno != EEXIST)
			return error_set(err, errno, "mkdir '%s'", copy);
		*p = '/';
	}
	if (mkdir(copy, mode) < 0 && errno != EEXIST)
		return error_set(err, errno, "mkdir '%s'", copy);
	return 0;
}

/* Removal stops, never descends, at a mount point: another filesystem,
 * or a bind mount of this one (the same st_dev), whatever it holds.  And
 * at a depth no tree berth makes reaches: each level holds an fd and a
 * buffer, and a chain of directories from an image layer could be made
 * deep enough to exhaust the stack.  */
#define REMOVE_DEPTH_MAX 1024

static int remove_children(int dfd, dev_t dev, int depth, struct error **err);

/* the device of an opened directory that is no mount's root (statx's
 * attribute, Linux 5.8; before it the caller's device check alone, and
 * rmdir's EBUSY): true then, false for a mount's root or an error */
static bool dir_dev(int fd, dev_t *dev)
{
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_TYPE, &stx) < 0 ||
	    ((stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
	     (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT)))
		return false;
	*dev = makedev(stx.stx_dev_major, stx.stx_dev_minor);
	return true;
}

/* overlayfs leaves work/work with mode 000: an owner without
 * CAP_DAC_OVERRIDE (rootless) must open it up — that very directory,
 * never what a symlink put in its place would name */
static int open_subdir(int dfd, const char *name)
{
	int sub = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (sub < 0 && errno == EACCES && fchmodat(dfd, name, 0700, AT_SYMLINK_NOFOLLOW) == 0)
		sub = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return sub;
}

/* a child directory of `dfd`: most are empty, gone in one call; else
 * emptied first.  A mount point (rmdir's EBUSY, a mount's root, another
 * device) is refused */
static int remove_subdir(int dfd, const char *name, dev_t dev, int depth, struct error **err)
{
	dev_t sub_dev;
	int sub;

	if (unlinkat(dfd, name, AT_REMOVEDIR) == 0)
		return 0;
	if (errno == EBUSY)
		return error_set(err, EBUSY, "remove '%s': a mount point", name);
	if (depth >= REMOVE_DEPTH_MAX)
		return error_set(err, ELOOP, "remove '%s': deeper than %d levels", name,
				 REMOVE_DEPTH_MAX);
	sub = open_subdir(dfd, name);
	if (sub < 0)
		return error_set(err, errno, "open '%s'", name);
	if (!dir_dev(sub, &sub_dev) || sub_dev != dev) {
		close(sub);
		return error_set(err, EBUSY, "remove '%s': a mount point", name);
	}
	if (remove_children(sub, dev, depth + 1, err) < 0)
		return error_wrap(err, "%s", name);
	if (unlinkat(dfd, name, AT_REMOVEDIR) < 0)
		return error_set(err, errno, "rmdir '%s'", name);
	return 0;
}

static int remove_entry(int dfd, const struct dirent64 *de, dev_t dev, int depth,
			struct error **err)
{
	unsigned char type = de->d_type;
	struct stat st;

	if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
		return 0;
	/* a filesystem that does not say the type in its entries */
	if (type == DT_UNKNOWN && fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISDIR(st.st_mode))
		type = DT_DIR;
	if (type == DT_DIR)
		return remove_subdir(dfd, de->d_name, dev, depth, err);
	if (unlinkat(dfd, de->d_name, 0) < 0 && errno != ENOENT)
		return error_set(err, errno, "unlink '%s'", de->d_name);
	return 0;
}

/* empties `dfd` and closes it.  getdents64 on the fd itself, not
 * fdopendir: that costs a stat, two fcntl calls and (its 32 KB buffer) a
 * brk up and down for each directory, in a delete that is on every
 * container's way out.  The buffer is the heap's, not the stack's.  */
static int remove_children(int dfd, dev_t dev, int depth, struct error **err)
{
	cleanup_close int fd = dfd;
	cleanup_free char *buf = xrealloc(NULL, REMOVE_BUF);
	ssize_t n;

	while ((n = getdents64(fd, buf, REMOVE_BUF)) > 0) {
		for (ssize_t at = 0; at < n;) {
			const struct dirent64 *de = (const struct dirent64 *)(buf + at);

			if (remove_entry(fd, de, dev, depth, err) < 0)
				return -1;
			at += de->d_reclen;
		}
	}
	if (n < 0)
		return error_set(err, errno, "read directory");
	return 0;
}

int remove_tree_at(int dirfd, const char *name, struct error **err)
{
	struct stat st;
	dev_t dev;
	int dfd;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 0;
		return error_set(err, errno, "stat '%s'", name);
	}
	if (!S_ISDIR(st.st_mode)) {
		if (unlinkat(dirfd, name, 0) < 0 && errno != ENOENT)
			return error_set(err, errno, "unlink '%s'", name);
		return 0;
	}
	dfd = open_subdir(dirfd, name);
	if (dfd < 0)
		return error_set(err, errno, "open '%s'", name);
	/* the directory opened, not the one stat'ed: and no mount's root */
	if (!dir_dev(dfd, &dev)) {
		close(dfd);
		return error_set(err, EBUSY, "remove '%s': a mount point", name);
	}
	if (remove_children(dfd, dev, 1, err) < 0)
		return error_wrap(err, "remove '%s'", name);
	if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return error_set(err, errno, "rmdir '%s'", name);
	return 0;
}
