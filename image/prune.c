/* SPDX-License-Identifier: Apache-2.0 */
/* image/prune.c — `berth image ls` and `berth image prune`: the layers in
 * the cache, and removing those no job holds (the locking: cache.c).  A
 * layer is first renamed out of layers/, so no job ever finds half of
 * one; unpacking left over by a berth that died is removed too.  */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/mem.h"
#include "image/image.h"
#include "image/internal.h"

static bool is_hex64(const char *s)
{
	return strlen(s) >= 64 && strspn(s, "0123456789abcdef") >= 64;
}

/* each name in the cache's `sub` directory that starts with a digest */
static char **names_in(const struct img_cache *c, const char *sub)
{
	int fd = openat(c->fd, sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_closedir DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	char **out = xcalloc(1, sizeof(char *));
	size_t n = 0;
	struct dirent *de;

	if (d == NULL && fd >= 0)
		close(fd);
	while (d != NULL && (de = readdir(d)) != NULL) {
		if (!is_hex64(de->d_name))
			continue;
		out = xreallocarray(out, n + 2, sizeof(char *));
		out[n++] = xstrdup(de->d_name);
		out[n] = NULL;
	}
	return out;
}

int image_list(bool rootless, struct image_layer_info **out, size_t *n, struct error **err)
{
	struct img_cache c;
	cleanup_strv char **names = NULL;
	cleanup_free char *dir = NULL;

	*out = NULL;
	*n = 0;
	if (cache_open(rootless, &c, err) < 0) {
		cache_close(&c);
		return -1;
	}
	names = names_in(&c, "layers");
	*out = xcalloc(strv_len(names) + 1, sizeof(**out));
	for (char **p = names; *p; p++) {
		struct image_layer_info *l = &(*out)[(*n)++];
		int fd = strlen(*p) == 64 ? cache_lock(&c, *p, LOCK_EX | LOCK_NB, NULL) : -1;

		snprintf(l->hex, sizeof(l->hex), "%.64s", *p);
		dir = xasprintf("layers/%s", *p);
		l->bytes = cache_du(c.fd, dir);
		l->in_use = fd < 0;
		if (fd >= 0)
			close(fd);
		free(steal_ptr(dir));
	}
	cache_close(&c);
	return 0;
}

/* one layer, if nobody holds it */
static int prune_layer(const struct img_cache *c, const char *hex, uint64_t *freed, size_t *removed,
		       struct error **err)
{
	cleanup_close int fd = cache_lock(c, hex, LOCK_EX | LOCK_NB, err);
	cleanup_free char *layer = xasprintf("layers/%s", hex);
	cleanup_free char *gone = xasprintf("tmp/%s.pruned", hex);
	cleanup_free char *lock = xasprintf("locks/%s", hex);
	uint64_t bytes;

	if (fd < 0)
		return *err != NULL ? -1 : 0; /* in use */
	bytes = cache_du(c->fd, layer);
	if (cache_remove(c->fd, gone, err) < 0)
		return -1;
	if (renameat(c->fd, layer, c->fd, gone) < 0)
		return error_set(err, errno, "image cache: '%s/%s'", c->dir, layer);
	unlinkat(c->fd, lock, 0);
	if (cache_remove(c->fd, gone, err) < 0)
		return -1;
	*freed += bytes;
	(*removed)++;
	return 0;
}

/* what a berth that died while unpacking left in tmp/ */
static int prune_tmp(const struct img_cache *c, struct error **err)
{
	cleanup_strv char **names = names_in(c, "tmp");
	cleanup_free char *path = NULL;

	for (char **p = names; *p; p++) {
		char hex[65];
		int fd;

		snprintf(hex, sizeof(hex), "%.64s", *p);
		fd = cache_lock(c, hex, LOCK_EX | LOCK_NB, err);
		if (fd < 0 && *err != NULL)
			return -1;
		if (fd < 0)
			continue; /* being unpacked right now */
		free(path);
		path = xasprintf("tmp/%s", *p);
		if (cache_remove(c->fd, path, err) < 0) {
			close(fd);
			return -1;
		}
		close(fd);
	}
	return 0;
}

/* lock files of layers that are gone (pruned, or never unpacked: a
 * refused blob); one being waited on is re-made by its waiter */
static int prune_locks(const struct img_cache *c, struct error **err)
{
	cleanup_strv char **names = names_in(c, "locks");
	cleanup_free char *path = NULL;

	for (char **p = names; *p; p++) {
		int fd;

		if (strlen(*p) != 64 || cache_has(c, *p))
			continue;
		fd = cache_lock(c, *p, LOCK_EX | LOCK_NB, err);
		if (fd < 0 && *err != NULL)
			return -1;
		if (fd < 0)
			continue;
		free(path);
		path = xasprintf("locks/%s", *p);
		if (!cache_has(c, *p))
			unlinkat(c->fd, path, 0);
		close(fd);
	}
	return 0;
}

int image_prune(bool rootless, uint64_t *freed, size_t *removed, struct error **err)
{
	struct img_cache c;
	cleanup_strv char **names = NULL;
	int rc = -1;

	*freed = 0;
	*removed = 0;
	if (cache_open(rootless, &c, err) < 0)
		goto out;
	names = names_in(&c, "layers");
	for (char **p = names; *p; p++)
		if (strlen(*p) == 64 && prune_layer(&c, *p, freed, removed, err) < 0)
			goto out;
	rc = prune_tmp(&c, err) < 0 || prune_locks(&c, err) < 0 ? -1 : 0;
out:
	cache_close(&c);
	return rc;
}
