/* SPDX-License-Identifier: Apache-2.0 */
/* rootfs/copyup.c — "tmpcopyup": a tmpfs mounted over a directory of the
 * image starts with a copy of what it covers (runc and crun do the same;
 * podman asks for it on every tmpfs).  The source is an fd opened before
 * the mount, so it still reaches the covered directory; nothing is read
 * through a path, and no symlink is followed.  */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "rootfs/internal.h"

#define COPYUP_DEPTH 64

static int copy_tree(int from, int to, int depth, struct error **err);

static int copy_file(int from, int to, const char *name, const struct stat *st, struct error **err)
{
	cleanup_close int in = openat(from, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	cleanup_close int out = -1;
	char buf[65536];
	ssize_t n;

	if (in < 0)
		return error_set(err, errno, "tmpcopyup: open '%s'", name);
	out = openat(to, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		     st->st_mode & 07777);
	if (out < 0)
		return error_set(err, errno, "tmpcopyup: create '%s'", name);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			return error_set(err, errno, "tmpcopyup: write '%s'", name);
	if (n < 0)
		return error_set(err, errno, "tmpcopyup: read '%s'", name);
	return 0;
}

static int copy_entry(int from, int to, const char *name, int depth, struct error **err)
{
	struct stat st;
	char target[4096];
	ssize_t n;

	if (fstatat(from, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return error_set(err, errno, "tmpcopyup: stat '%s'", name);
	if (S_ISDIR(st.st_mode)) {
		cleanup_close int sub_from = -1, sub_to = -1;

		if (mkdirat(to, name, st.st_mode & 07777) < 0)
			return error_set(err, errno, "tmpcopyup: mkdir '%s'", name);
		sub_from = openat(from, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		sub_to = openat(to, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub_from < 0 || sub_to < 0)
			return error_set(err, errno, "tmpcopyup: open '%s'", name);
		if (copy_tree(sub_from, sub_to, depth + 1, err) < 0)
			return error_wrap(err, "%s", name);
	} else if (S_ISREG(st.st_mode)) {
		if (copy_file(from, to, name, &st, err) < 0)
			return -1;
	} else if (S_ISLNK(st.st_mode)) {
		n = readlinkat(from, name, target, sizeof(target) - 1);
		if (n < 0)
			return error_set(err, errno, "tmpcopyup: readlink '%s'", name);
		target[n] = '\0';
		if (symlinkat(target, to, name) < 0)
			return error_set(err, errno, "tmpcopyup: symlink '%s'", name);
	} else if (mknodat(to, name, st.st_mode, st.st_rdev) < 0) {
		return error_set(err, errno, "tmpcopyup: mknod '%s'", name);
	}
	if (fchownat(to, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
		return error_set(err, errno, "tmpcopyup: chown '%s'", name);
	/* chown clears setuid/setgid bits: put the mode back */
	if (!S_ISLNK(st.st_mode) && fchmodat(to, name, st.st_mode & 07777, 0) < 0)
		return error_set(err, errno, "tmpcopyup: chmod '%s'", name);
	return 0;
}

static int copy_tree(int from, int to, int depth, struct error **err)
{
	int dupfd = fcntl(from, F_DUPFD_CLOEXEC, 0);
	cleanup_closedir DIR *d = dupfd >= 0 ? fdopendir(dupfd) : NULL;
	struct dirent *de;

	if (d == NULL)
		return error_set(err, errno, "tmpcopyup: read directory");
	if (depth > COPYUP_DEPTH)
		return error_set(err, ELOOP, "tmpcopyup: tree deeper than %d", COPYUP_DEPTH);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (copy_entry(from, to, de->d_name, depth, err) < 0)
			return -1;
	}
	return 0;
}

int rootfs_copyup(int covered_fd, int mounted_fd, struct error **err)
{
	struct stat st;

	if (copy_tree(covered_fd, mounted_fd, 0, err) < 0)
		return -1;
	/* the root of the tmpfs takes the covered directory's mode and owner */
	if (fstat(covered_fd, &st) == 0) {
		if (fchown(mounted_fd, st.st_uid, st.st_gid) < 0 ||
		    fchmod(mounted_fd, st.st_mode & 07777) < 0)
			return error_set(err, errno, "tmpcopyup: chown the tmpfs root");
	}
	return 0;
}
