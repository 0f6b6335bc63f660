/* SPDX-License-Identifier: Apache-2.0 */
/* rootfs/resolve.c — in-root resolution with openat2(RESOLVE_IN_ROOT).
 *
 * Creation walks the path one component at a time, each prefix resolved
 * again from the root fd: the kernel keeps every step inside the root,
 * and a component created by us is reopened with O_NOFOLLOW so it cannot
 * have become a symlink in between.  */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/mem.h"
#include "core/syscalls.h"
#include "rootfs/resolve.h"

const char *rootfs_fd_path(int fd, char *buf, size_t size)
{
	snprintf(buf, size, "/proc/self/fd/%d", fd);
	return buf;
}

static int open_in_root(int root_fd, const char *path, uint64_t flags, uint64_t resolve)
{
	struct open_how how = {
		.flags = flags | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | resolve,
	};
	int fd;

	/* "" means the root itself */
	while (*path == '/')
		path++;
	if (*path == '\0')
		path = ".";
	do
		fd = sys_openat2(root_fd, path, &how);
	while (fd < 0 && errno == EAGAIN);
	return fd;
}

int rootfs_open(int root_fd, const char *path, int flags, struct error **err)
{
	int fd = open_in_root(root_fd, path, (uint64_t)flags, 0);

	if (fd < 0)
		return error_set(err, errno, "open '%s' in the rootfs", path);
	return fd;
}

/* create `name` in dir_fd as the kind asks; EEXIST is fine */
static int create_node(int dir_fd, const char *name, bool file)
{
	if (!file)
		return mkdirat(dir_fd, name, 0755) < 0 && errno != EEXIST ? -1 : 0;
	int fd = openat(dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);

	if (fd < 0)
		return errno == EEXIST ? 0 : -1;
	close(fd);
	return 0;
}

/* The common case: only the last component is missing (a mount point
 * such as dev/pts).  1 if it made it, 0 if the parent is missing too. */
static int create_last(int root_fd, char *path, bool file, struct error **err)
{
	char *name = strrchr(path, '/');
	cleanup_close int parent = -1;

	if (name == NULL || name[1] == '\0')
		return 0;
	*name = '\0';
	parent = open_in_root(root_fd, path, O_PATH | O_DIRECTORY, 0);
	*name++ = '/';
	if (parent < 0)
		return errno == ENOENT ? 0
				       : error_set(err, errno,
						   "resolve parent of '%s' in the rootfs", path);
	if (create_node(parent, name, file) < 0)
		return error_set(err, errno, "create '%s' in the rootfs", path);
	return 1;
}

static int create_path(int root_fd, const char *path, enum rootfs_node kind, struct error **err)
{
	cleanup_free char *copy = xstrdup(path);
	char *p = copy;
	int r = create_last(root_fd, copy, kind == ROOTFS_NODE_FILE, err);

	if (r != 0)
		return r < 0 ? -1 : 0;
	while (*p == '/')
		p++;
	for (;;) {
		char *slash = strchr(p, '/');
		bool last;
		cleanup_close int fd = -1;
		cleanup_close int parent = -1;
		char *name;

		while (slash != NULL && slash[1] == '/')
			slash++;
		last = slash == NULL || slash[1] == '\0';
		if (slash != NULL)
			*slash = '\0';
		fd = open_in_root(root_fd, copy, O_PATH, 0);
		if (fd < 0 && errno != ENOENT)
			return error_set(err, errno, "resolve '%s' in the rootfs", copy);
		if (fd < 0) {
			/* the parent exists (the previous step saw it) */
			name = strrchr(copy, '/');
			if (name != NULL) {
				*name = '\0';
				parent = open_in_root(root_fd, copy, O_PATH | O_DIRECTORY, 0);
				*name++ = '/';
			} else {
				parent = open_in_root(root_fd, ".", O_PATH | O_DIRECTORY, 0);
				name = copy;
			}
			if (parent < 0)
				return error_set(err, errno, "resolve parent of '%s' in the rootfs",
						 copy);
			if (create_node(parent, name, last && kind == ROOTFS_NODE_FILE) < 0)
				return error_set(err, errno, "create '%s' in the rootfs", copy);
		}
		if (last)
			return 0;
		*slash = '/';
		p = slash + 1;
	}
}

int rootfs_resolve(int root_fd, const char *path, enum rootfs_node kind, bool nofollow_last,
		   struct error **err)
{
	uint64_t resolve = 0;
	int fd;

	fd = open_in_root(root_fd, path, O_PATH | (nofollow_last ? O_NOFOLLOW : 0), resolve);
	if (fd < 0 && errno == ENOENT && kind != ROOTFS_NODE_NONE) {
		if (create_path(root_fd, path, kind, err) < 0)
			return -1;
		fd = open_in_root(root_fd, path, O_PATH | (nofollow_last ? O_NOFOLLOW : 0), 0);
	}
	if (fd < 0)
		return error_set(err, errno, "resolve '%s' in the rootfs", path);
	if (nofollow_last) {
		struct stat st;

		if (fstat(fd, &st) == 0 && S_ISLNK(st.st_mode)) {
			close(fd);
			return error_set(
				err, 0,
				"'%s' in the rootfs is a symlink: refusing to mount over it", path);
		}
	}
	return fd;
}
