/* SPDX-License-Identifier: Apache-2.0 */
/* image/cache.c — the content-addressed cache of unpacked layers (layout:
 * image.h), shared by every job and every berth at once.
 *
 * A layer is unpacked into tmp/ and renamed into layers/<hex> only when
 * complete and verified, so layers/ never holds half a layer.  The lock
 * file locks/<hex> orders everything else:
 *   - a job takes it shared and keeps it while it runs;
 *   - whoever finds the layer missing takes it exclusive, looks again
 *     (another job may just have made it), unpacks, then goes back to
 *     shared — two jobs never unpack the same layer twice or at once;
 *   - prune takes it exclusive without waiting: a layer some job holds
 *     is in use and stays.
 * Prune unlinks a lock file it holds; whoever then locks the old inode
 * sees the path no longer leads to it and starts over.  */
#define _GNU_SOURCE
#include <archive.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/file.h"
#include "core/mem.h"
#include "image/image.h"
#include "image/internal.h"

int cache_open(bool rootless, struct img_cache *c, struct error **err)
{
	static const char *const sub[] = {"layers", "locks", "tmp"};

	c->dir = image_cache_dir(rootless);
	c->fd = -1;
	if (mkdir_p(c->dir, 0700, err) < 0)
		return error_wrap(err, "image cache");
	c->fd = open(c->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (c->fd < 0)
		return error_set(err, errno, "image cache '%s'", c->dir);
	for (size_t i = 0; i < sizeof(sub) / sizeof(sub[0]); i++)
		if (mkdirat(c->fd, sub[i], 0700) < 0 && errno != EEXIST)
			return error_set(err, errno, "image cache '%s/%s'", c->dir, sub[i]);
	return 0;
}

void cache_close(struct img_cache *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->dir);
	c->dir = NULL;
}

/* The lock of a layer, held with `op` (LOCK_SH, LOCK_EX, | LOCK_NB);
 * -1 with errno EWOULDBLOCK when LOCK_NB and held elsewhere.  */
int cache_lock(const struct img_cache *c, const char *hex, int op, struct error **err)
{
	cleanup_free char *path = xasprintf("locks/%s", hex);

	for (;;) {
		cleanup_close int fd = openat(c->fd, path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		struct stat a, b;
		int r;

		if (fd < 0)
			return error_set(err, errno, "image cache: lock '%s'", path);
		while ((r = flock(fd, op)) < 0 && errno == EINTR)
			;
		if (r < 0 && errno == EWOULDBLOCK)
			return -1;
		if (r < 0)
			return error_set(err, errno, "image cache: lock '%s'", path);
		if (fstat(fd, &a) < 0)
			return error_set(err, errno, "image cache: lock '%s'", path);
		/* pruned meanwhile: the path is a new file, or none */
		if (fstatat(c->fd, path, &b, 0) == 0 && a.st_ino == b.st_ino &&
		    a.st_dev == b.st_dev)
			return steal_fd(fd);
	}
}

bool cache_has(const struct img_cache *c, const char *hex)
{
	cleanup_free char *path = xasprintf("layers/%s", hex);
	struct stat st;

	return fstatat(c->fd, path, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

/* A rootless berth owns every file but may not write into the layer's
 * read-only directories: open them up before removing.  */
static void make_writable(int dfd)
{
	cleanup_closedir DIR *d = fdopendir(dfd);
	struct dirent *de;

	if (d == NULL) {
		close(dfd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		int sub;

		if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		/* best effort: a failure shows in the removal after */
		if (fchmodat(dirfd(d), de->d_name, 0700, 0) < 0)
			continue;
		sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub >= 0)
			make_writable(sub);
	}
}

int cache_remove(int at, const char *name, struct error **err)
{
	int fd;

	if (geteuid() != 0 && fchmodat(at, name, 0700, 0) == 0) {
		fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0)
			make_writable(fd);
	}
	return remove_tree_at(at, name, err);
}

uint64_t cache_du(int at, const char *name)
{
	struct stat st;
	uint64_t sum;
	int fd;
	DIR *d;
	struct dirent *de;

	if (fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	sum = (uint64_t)st.st_blocks * 512;
	if (!S_ISDIR(st.st_mode))
		return sum;
	fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (d == NULL) {
		if (fd >= 0)
			close(fd);
		return sum;
	}
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			sum += cache_du(dirfd(d), de->d_name);
	closedir(d);
	return sum;
}

/* Unpack under the exclusive lock: into tmp/, verified, then renamed. */
static int unpack_new(const struct img_cache *c, const struct img_feed *f, struct error **err)
{
	cleanup_free char *tmp = xasprintf("%s/tmp/%s.XXXXXX", c->dir, f->hex);
	cleanup_free char *final = xasprintf("layers/%s", f->hex);
	cleanup_close int rootfd = -1;
	const char *base;

	if (mkdtemp(tmp) == NULL)
		return error_set(err, errno, "image cache: '%s'", tmp);
	base = tmp + strlen(c->dir) + 1;
	rootfd = open(tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	/* "/" of the job, unless the layer says otherwise */
	if (rootfd < 0 || fchmod(rootfd, 0755) < 0) {
		error_set(err, errno, "image cache: '%s'", tmp);
		goto fail;
	}
	if (f->unpack(f, rootfd, err) < 0)
		goto fail;
	if (renameat(c->fd, base, c->fd, final) < 0) {
		error_set(err, errno, "image cache: rename '%s' to '%s'", tmp, final);
		goto fail;
	}
	return 0;
fail:
	cache_remove(c->fd, base, NULL);
	return -1;
}

int cache_get(const struct img_cache *c, const struct img_feed *f, struct error **err)
{
	for (int tries = 0; tries < 16; tries++) {
		cleanup_close int fd = cache_lock(c, f->hex, LOCK_SH, err);

		if (fd < 0)
			return -1;
		if (cache_has(c, f->hex))
			return steal_fd(fd);
		close(steal_fd(fd));
		fd = cache_lock(c, f->hex, LOCK_EX, err);
		if (fd < 0)
			return -1;
		if (!cache_has(c, f->hex) && unpack_new(c, f, err) < 0)
			return -1;
		/* not atomic: a prune may come in between, hence the loop */
		if (flock(fd, LOCK_SH) < 0)
			return error_set(err, errno, "image cache: lock '%s'", f->hex);
		if (cache_has(c, f->hex))
			return steal_fd(fd);
	}
	return error_set(err, EAGAIN, "image cache: layer %s keeps being pruned", f->hex);
}
