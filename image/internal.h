/* SPDX-License-Identifier: Apache-2.0 */
/* image/internal.h — how image/'s files call each other (private).
 *
 *   source.c   the files of an image: in a directory or in a tar archive
 *   layout.c   which layers and config an image is (OCI layout, docker save)
 *   unpack.c   one layer tar into a directory, safely (entries: entry.c)
 *   cache.c    the content-addressed cache of unpacked layers, its locks
 *   image.c    the entry points (image.h): references, defaults  */
#ifndef BERTH_IMAGE_INTERNAL_H
#define BERTH_IMAGE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/digest.h"
#include "core/error.h"
#include "spec/image.h"

struct archive;
struct archive_entry;

/* ---- source.c ----------------------------------------------------------- */

/* An image's files: the directory of an OCI layout, or a tar file (an
 * OCI archive, `docker save` output) read member by member.  */
struct img_src {
	const char *what; /* for errors: "--image oci:/x" */
	int dirfd;	  /* a directory, or -1 */
	char *archive;	  /* a tar file, or NULL */
};

/* One member read as a stream; every byte read is hashed and counted. */
struct img_stream {
	const char *name;
	int fd;		   /* directory source */
	struct archive *a; /* archive source: positioned at the member */
	struct digest dg;
	uint64_t total;
};

int src_open(struct img_src *s, const char *what, const char *path, bool archive,
	     struct error **err);
void src_close(struct img_src *s);
bool src_exists(struct img_src *s, const char *name);

int stream_open(struct img_src *s, const char *name, struct img_stream *st, struct error **err);
/* like read(2): bytes, 0 at the end, -1 with *err */
ssize_t stream_read(struct img_stream *st, void *buf, size_t n, struct error **err);
/* read to the end, then compare with the expected digest (and size,
 * when not -1); the error names the member and both digests */
int stream_verify(struct img_stream *st, const char *hex, int64_t size, struct error **err);
void stream_close(struct img_stream *st);

/* A small member (JSON) whole, verified when hex is not NULL. */
int src_read(struct img_src *s, const char *name, const char *hex, int64_t size, char **buf,
	     size_t *len, struct error **err);

/* ---- layout.c ----------------------------------------------------------- */

struct img_layer {
	char *member; /* where the layer is in the source */
	char hex[65]; /* sha256 of the member's bytes: the cache key */
	int64_t size; /* -1 when unknown */
};

struct img_plan {
	struct img_layer *layers; /* lowest first */
	size_t n_layers;
	struct spec_image_config config;
};

int layout_oci(struct img_src *s, const char *tag, struct img_plan *p, struct error **err);
int layout_docker(struct img_src *s, const char *tag, struct img_plan *p, struct error **err);
void plan_clear(struct img_plan *p);

/* ---- unpack.c, entry.c -------------------------------------------------- */

struct unpack_opts {
	bool owners;  /* keep the tar's uid/gid (berth is root) */
	bool devices; /* create device nodes (root, not rootless) */
	bool trusted; /* trusted.overlay.opaque too (root) */
	/* only trusted.overlay.opaque: an upper layer the host's root mounts
	 * (a checkpoint's diff), on a filesystem that may lack user.* xattrs
	 * (tmpfs before Linux 6.6) */
	bool trusted_only;
	/* when set, called with each entry's header as read, before anything
	 * is made for it; -1 (with *err) stops the unpacking there.  The
	 * check sees the very bytes that are unpacked: a file read twice
	 * could change between the reads.  */
	int (*check)(struct archive_entry *e, struct error **err);
};

/* A directory whose metadata is set after every entry is in place (a
 * read-only directory would refuse its own entries otherwise). */
struct unpack_dir {
	char *path;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	struct timespec mtime;
};

struct unpack_ctx {
	int rootfd; /* the layer's directory */
	const struct unpack_opts *o;
	struct unpack_dir *dirs;
	size_t n_dirs;
	unsigned skipped_devices;
};

/* Unpack the tar (any of plain, gzip, zstd) that `a` reads into rootfd. */
int unpack_archive(struct archive *a, int rootfd, const struct unpack_opts *o, struct error **err);
/* One entry (entry.c); `name` is its normalised relative path. */
int unpack_entry(struct unpack_ctx *c, struct archive *a, struct archive_entry *e, const char *name,
		 struct error **err);
/* "a/./b//c" -> "a/b/c", leading "/" and "./" dropped; -1 for ".." */
int unpack_clean_path(const char *in, char **out);
/* the directory `dir` (relative, "" for the root) inside rootfd,
 * resolved as if rootfd were "/", created (0755) where missing */
int unpack_open_dir(int rootfd, const char *dir, bool create, struct error **err);

/* A libarchive reader for a layer: tar, and gzip/zstd/none only. */
struct archive *unpack_reader_new(void);
/* libarchive's message for a's last error; archive_error_string() is
 * NULL when it set none */
const char *unpack_ar_msg(struct archive *a);

/* ---- diff.c ------------------------------------------------------------- */

/* One entry of a checkpoint's rootfs diff, checked as unpack.c reads it
 * and before anything is made for it (unpack_opts.check; an image dir may
 * come from another host): a relative path without "..", a hard link to
 * such a path, a file, directory, symlink or fifo — never a device node
 * (the diff's whiteouts are OCI's ".wh." files).  */
int diff_check_entry(struct archive_entry *e, struct error **err);
/* A reader for a rootfs diff: plain tar only (a checkpoint never
 * compresses it; a compressed one could unpack to far more than its
 * size).  */
struct archive *diff_reader_new(void);

/* a's entries (a from diff_reader_new, opened) unpacked into upper_fd as
 * a restore does: each checked by diff_check_entry as it is read, owners
 * kept, no device node made */
int diff_unpack(struct archive *a, int upper_fd, struct error **err);

/* ---- cache.c ------------------------------------------------------------ */

struct img_cache {
	char *dir;
	int fd; /* O_PATH */
};

/* What cache_get() unpacks when the layer is missing: `unpack` fills the
 * directory rootfd from the layer, verified against `hex`. */
struct img_feed {
	char hex[65];
	int (*unpack)(const struct img_feed *f, int rootfd, struct error **err);
	void *ctx;
};

int cache_open(bool rootless, struct img_cache *c, struct error **err);
void cache_close(struct img_cache *c);
/* the layer's lock fd, held shared; unpacked first when missing */
int cache_get(const struct img_cache *c, const struct img_feed *f, struct error **err);
int cache_lock(const struct img_cache *c, const char *hex, int op, struct error **err);
bool cache_has(const struct img_cache *c, const char *hex);
/* rm -rf, also of a rootless layer's read-only directories */
int cache_remove(int dirfd, const char *name, struct error **err);
uint64_t cache_du(int dirfd, const char *name);

#endif
