/* SPDX-License-Identifier: Apache-2.0 */
/* image/unpack.c — one layer tar into a directory, and nothing outside it.
 *
 * libarchive reads (tar; gzip, zstd or no compression: the only readers
 * linked), but berth creates every entry itself, never with
 * archive_write_disk: each entry's directory is opened with openat2()
 * RESOLVE_IN_ROOT, so an absolute path, a "..", or a symlink met on the
 * way (even one the layer itself just made) resolves inside the layer;
 * the last component is created with *at() calls that never follow it.
 * A ".." anywhere is refused outright (no real image has one).  What
 * each entry becomes: entry.c.  */
#define _GNU_SOURCE
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/syscalls.h"
#include "image/internal.h"

const char *unpack_ar_msg(struct archive *a)
{
	const char *m = archive_error_string(a);

	return m != NULL ? m : "unknown libarchive error";
}

struct archive *unpack_reader_new(void)
{
	struct archive *a = archive_read_new();

	if (a == NULL)
		abort(); /* out of memory, as with x*alloc */
	archive_read_support_format_tar(a);
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_zstd(a);
	return a;
}

int unpack_clean_path(const char *in, char **out)
{
	cleanup_free char *copy = xstrdup(in);
	char *res = xcalloc(1, strlen(in) + 1), *save = NULL;
	size_t n = 0;

	for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (strcmp(c, ".") == 0)
			continue;
		if (strcmp(c, "..") == 0) {
			free(res);
			return -1;
		}
		if (n > 0)
			res[n++] = '/';
		memcpy(res + n, c, strlen(c));
		n += strlen(c);
	}
	res[n] = '\0';
	*out = res;
	return 0;
}

static int open_in_root(int rootfd, const char *path)
{
	struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};

	return sys_openat2(rootfd, path[0] ? path : ".", &how);
}

int unpack_open_dir(int rootfd, const char *dir, bool create, struct error **err)
{
	cleanup_free char *prefix = xstrdup(dir);
	int fd = open_in_root(rootfd, dir);

	if (fd >= 0 || errno != ENOENT || !create)
		return fd >= 0 ? fd : error_set(err, errno, "'%s'", dir);
	/* a parent the tar did not list: make each missing one, as docker
	 * does, every step resolved from the layer's root again */
	for (char *p = prefix; p != NULL;) {
		char *slash = strchr(p, '/');
		cleanup_close int parent = -1;
		const char *base;

		if (slash != NULL)
			*slash = '\0';
		base = strrchr(prefix, '/') ? strrchr(prefix, '/') + 1 : prefix;
		fd = open_in_root(rootfd, prefix);
		if (fd < 0 && errno == ENOENT) {
			cleanup_free char *up = xstrndup(prefix, (size_t)(base - prefix));

			parent = open_in_root(rootfd, up);
			if (parent < 0 || (mkdirat(parent, base, 0755) < 0 && errno != EEXIST))
				return error_set(err, errno, "create '%s'", prefix);
			fd = open_in_root(rootfd, prefix);
		}
		if (fd < 0)
			return error_set(err, errno, "'%s'", prefix);
		if (slash == NULL)
			return fd;
		close(fd);
		*slash = '/';
		p = slash + 1;
	}
	return error_set(err, EINVAL, "'%s'", dir);
}

/* Directory modes, owners and times last: a 0555 directory would refuse
 * its own entries, and each entry created would bump its mtime.  */
static int finish_dirs(struct unpack_ctx *c, struct error **err)
{
	struct open_how how = {.flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC,
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};

	for (size_t i = c->n_dirs; i-- > 0;) {
		struct unpack_dir *d = &c->dirs[i];
		const char *p = d->path[0] ? d->path : ".";
		cleanup_close int fd = sys_openat2(c->rootfd, p, &how);
		struct timespec ts[2] = {d->mtime, d->mtime};

		if (fd < 0 && (errno == ENOENT || errno == ENOTDIR || errno == ELOOP))
			continue; /* replaced by a later entry */
		if (fd < 0)
			return error_set(err, errno, "'%s'", p);
		if (c->o->owners && fchown(fd, d->uid, d->gid) < 0)
			return error_set(err, errno, "chown '%s'", p);
		if (fchmod(fd, d->mode & 07777) < 0 || futimens(fd, ts) < 0)
			return error_set(err, errno, "'%s'", p);
	}
	return 0;
}

static void dirs_free(struct unpack_ctx *c)
{
	for (size_t i = 0; i < c->n_dirs; i++)
		free(c->dirs[i].path);
	free(c->dirs);
}

static int entries(struct unpack_ctx *c, struct archive *a, struct error **err)
{
	struct archive_entry *e;
	int r;

	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		const char *raw = archive_entry_pathname(e);
		cleanup_free char *name = NULL;

		if (c->o->check != NULL && c->o->check(e, err) < 0)
			return -1;
		if (raw == NULL)
			return error_set(err, 0, "an entry without a name");
		if (unpack_clean_path(raw, &name) < 0)
			return error_set(err, 0, "entry '%s': a path with '..' (outside the layer)",
					 raw);
		if (unpack_entry(c, a, e, name, err) < 0)
			return error_wrap(err, "entry '%s'", raw);
	}
	if (r != ARCHIVE_EOF)
		return error_set(err, archive_errno(a), "%s", archive_error_string(a));
	return 0;
}

int unpack_archive(struct archive *a, int rootfd, const struct unpack_opts *o, struct error **err)
{
	struct unpack_ctx c = {.rootfd = rootfd, .o = o};
	int rc = entries(&c, a, err);

	if (rc == 0)
		rc = finish_dirs(&c, err);
	if (c.skipped_devices > 0)
		log_warn("%u device nodes of the layer not created (rootless)", c.skipped_devices);
	dirs_free(&c);
	return rc;
}
