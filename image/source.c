/* SPDX-License-Identifier: Apache-2.0 */
/* image/source.c — the files of an image, wherever they are: in the
 * directory of an OCI layout (opened confined to it), or members of a tar
 * file (an OCI archive, `docker save` output), found by one scan of the
 * archive's headers each (seeks over the data; nothing is copied out).
 * Every byte read is hashed, so whoever reads a blob can verify it.  */
#define _GNU_SOURCE
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/file.h"
#include "core/mem.h"
#include "core/syscalls.h"
#include "image/internal.h"

#define JSON_MAX (16 << 20) /* an index, manifest or config */

int src_open(struct img_src *s, const char *what, const char *path, bool archive,
	     struct error **err)
{
	struct stat st;

	s->what = what;
	s->dirfd = -1;
	s->archive = NULL;
	if (archive) {
		if (stat(path, &st) < 0)
			return error_set(err, errno, "%s: '%s'", what, path);
		if (!S_ISREG(st.st_mode))
			return error_set(err, 0, "%s: '%s' is not a file", what, path);
		s->archive = xstrdup(path);
		return 0;
	}
	s->dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->dirfd < 0)
		return error_set(err, errno, "%s: '%s'", what, path);
	return 0;
}

void src_close(struct img_src *s)
{
	if (s->dirfd >= 0)
		close(s->dirfd);
	s->dirfd = -1;
	free(s->archive);
	s->archive = NULL;
}

/* A member of the layout directory, never outside it */
static int open_member(int dirfd, const char *name)
{
	struct open_how how = {.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY,
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};

	return sys_openat2(dirfd, name, &how);
}

/* libarchive closes nothing it did not open: the fd stays the stream's,
 * closed after archive_read_free() in stream_close() */
static int archive_open(struct img_stream *st, const char *path, struct error **err)
{
	st->a = unpack_reader_new();
	st->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (st->fd < 0)
		return error_set(err, errno, "'%s'", path);
	if (archive_read_open_fd(st->a, st->fd, 64 << 10) != ARCHIVE_OK)
		return error_set(err, archive_errno(st->a), "'%s': %s", path,
				 archive_error_string(st->a));
	return 0;
}

/* `dir/target` (a link's target, relative to the link's directory) as a
 * path from the archive's root; NULL when it leaves the archive */
static char *link_target(const char *link, const char *target, bool hard)
{
	cleanup_free char *joined = NULL;
	char *out = NULL;
	const char *slash = strrchr(link, '/');

	if (hard || target[0] == '/')
		joined = xstrdup(target); /* hard links name a path from the root */
	else if (slash == NULL)
		joined = xstrdup(target);
	else
		joined = xasprintf("%.*s/%s", (int)(slash - link), link, target);
	if (unpack_clean_path(joined, &out) < 0)
		return NULL;
	return out;
}

/* Scan for `name`; *redirect is set when it is a link to another member
 * (docker save writes one layer.tar and links to it for a repeat).  */
static int archive_seek_member(struct archive *a, const char *name, char **redirect,
			       struct error **err)
{
	struct archive_entry *e;
	int r;

	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		cleanup_free char *p = NULL;
		const char *hl = archive_entry_hardlink(e);

		if (unpack_clean_path(archive_entry_pathname(e), &p) < 0 || strcmp(p, name) != 0)
			continue;
		if (hl != NULL || archive_entry_filetype(e) == AE_IFLNK) {
			*redirect =
				link_target(name, hl ? hl : archive_entry_symlink(e), hl != NULL);
			if (*redirect == NULL)
				return error_set(err, 0, "'%s': a link out of the archive", name);
			return 0;
		}
		if (archive_entry_filetype(e) != AE_IFREG)
			return error_set(err, 0, "'%s': not a file", name);
		return 0;
	}
	if (r != ARCHIVE_EOF)
		return error_set(err, archive_errno(a), "reading the archive: %s",
				 archive_error_string(a));
	return error_set(err, ENOENT, "no '%s' in the archive", name);
}

static int stream_open_archive(struct img_src *s, const char *name, struct img_stream *st,
			       struct error **err)
{
	cleanup_free char *want = xstrdup(name);

	for (int hops = 0; hops < 8; hops++) {
		char *redirect = NULL;

		if (archive_open(st, s->archive, err) < 0) {
			stream_close(st);
			return error_wrap(err, "%s", s->what);
		}
		if (archive_seek_member(st->a, want, &redirect, err) < 0) {
			stream_close(st);
			return error_wrap(err, "%s: '%s'", s->what, s->archive);
		}
		if (redirect == NULL)
			return 0;
		stream_close(st);
		free(want);
		want = redirect;
	}
	return error_set(err, ELOOP, "%s: '%s': links to links to '%s'", s->what, s->archive, name);
}

int stream_open(struct img_src *s, const char *name, struct img_stream *st, struct error **err)
{
	memset(st, 0, sizeof(*st));
	st->fd = -1;
	st->name = name;
	digest_init(&st->dg);
	if (s->archive != NULL)
		return stream_open_archive(s, name, st, err);
	st->fd = open_member(s->dirfd, name);
	if (st->fd < 0)
		return error_set(err, errno, "%s: '%s'", s->what, name);
	return 0;
}

bool src_exists(struct img_src *s, const char *name)
{
	struct img_stream st;
	struct error *e = NULL;

	if (stream_open(s, name, &st, &e) < 0) {
		error_free(e);
		return false;
	}
	stream_close(&st);
	return true;
}

ssize_t stream_read(struct img_stream *st, void *buf, size_t n, struct error **err)
{
	ssize_t r;

	if (st->a != NULL) {
		r = archive_read_data(st->a, buf, n);
		if (r < 0)
			return error_set(err, archive_errno(st->a), "'%s': %s", st->name,
					 archive_error_string(st->a));
	} else {
		do
			r = read(st->fd, buf, n);
		while (r < 0 && errno == EINTR);
		if (r < 0)
			return error_set(err, errno, "'%s'", st->name);
	}
	digest_add(&st->dg, buf, (size_t)r);
	st->total += (uint64_t)r;
	return r;
}

int stream_verify(struct img_stream *st, const char *hex, int64_t size, struct error **err)
{
	char buf[64 << 10], got[2 * DIGEST_LEN + 1];
	uint8_t sum[DIGEST_LEN];
	ssize_t r;

	while ((r = stream_read(st, buf, sizeof(buf), err)) > 0)
		;
	if (r < 0)
		return -1;
	digest_done(&st->dg, sum);
	digest_hex(sum, got);
	if (strcmp(got, hex) != 0)
		return error_set(err, 0, "'%s': digest mismatch: expected sha256:%s, got sha256:%s",
				 st->name, hex, got);
	if (size >= 0 && st->total != (uint64_t)size)
		return error_set(err, 0, "'%s': %llu bytes, the descriptor says %lld", st->name,
				 (unsigned long long)st->total, (long long)size);
	return 0;
}

void stream_close(struct img_stream *st)
{
	if (st->a != NULL)
		archive_read_free(st->a);
	st->a = NULL;
	if (st->fd >= 0)
		close(st->fd);
	st->fd = -1;
}

int src_read(struct img_src *s, const char *name, const char *hex, int64_t size, char **buf,
	     size_t *len, struct error **err)
{
	struct img_stream st;
	size_t cap = 4096, n = 0;
	cleanup_free char *b = xcalloc(1, cap);
	ssize_t r;
	int rc = -1;

	if (stream_open(s, name, &st, err) < 0)
		return -1;
	while ((r = stream_read(&st, b + n, cap - n - 1, err)) > 0) {
		n += (size_t)r;
		if (n + 1 == cap && cap >= JSON_MAX) {
			error_set(err, EFBIG, "%s: '%s': more than %d MiB", s->what, name,
				  JSON_MAX >> 20);
			goto out;
		}
		if (n + 1 == cap)
			b = xrealloc(b, cap *= 2);
	}
	if (r < 0 || (hex != NULL && stream_verify(&st, hex, size, err) < 0)) {
		error_wrap(err, "%s", s->what);
		goto out;
	}
	b[n] = '\0';
	*buf = steal_ptr(b);
	*len = n;
	rc = 0;
out:
	stream_close(&st);
	return rc;
}
