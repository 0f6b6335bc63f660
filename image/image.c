/* SPDX-License-Identifier: Apache-2.0 */
/* image/image.c — the entry points: an image reference to layers in the
 * cache, locked, and the config's defaults (applied in defaults.c).  */
#define _GNU_SOURCE
#include <archive.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/mem.h"
#include "image/image.h"
#include "image/internal.h"

enum ref_kind { REF_OCI, REF_OCI_ARCHIVE, REF_DOCKER_ARCHIVE };

static const struct {
	const char *prefix;
	enum ref_kind kind;
} kinds[] = {
	{"oci:", REF_OCI},
	{"oci-archive:", REF_OCI_ARCHIVE},
	{"docker-archive:", REF_DOCKER_ARCHIVE},
};

static int ref_kind(const char *arg)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strncmp(arg, kinds[i].prefix, strlen(kinds[i].prefix)) == 0)
			return (int)i;
	return -1;
}

bool image_ref_is(const char *arg)
{
	return ref_kind(arg) >= 0;
}

char *image_cache_dir(bool rootless)
{
	const char *env = getenv("BERTH_IMAGE_CACHE");
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");

	if (env != NULL && env[0] == '/')
		return xstrdup(env);
	if (!rootless && geteuid() == 0)
		return xstrdup("/var/lib/berth/images");
	if (xdg != NULL && xdg[0] == '/')
		return xasprintf("%s/berth/images", xdg);
	if (home != NULL && home[0] == '/')
		return xasprintf("%s/.cache/berth/images", home);
	return xasprintf("/var/tmp/berth-images-%u", (unsigned)getuid());
}

/* ---- unpacking a layer from the image's files --------------------------- */

struct feed_ctx {
	struct img_src *src;
	const struct img_layer *layer;
	const struct unpack_opts *o;
	struct img_stream st;
	struct error *err; /* a read error inside libarchive's callback */
	char buf[64 << 10];
};

static la_ssize_t feed_read(struct archive *a, void *ud, const void **buf)
{
	struct feed_ctx *fc = ud;
	ssize_t n;

	if (fc->err != NULL)
		return -1;
	n = stream_read(&fc->st, fc->buf, sizeof(fc->buf), &fc->err);
	if (n < 0) {
		archive_set_error(a, EIO, "%s", fc->err->msg);
		return -1;
	}
	*buf = fc->buf;
	return n;
}

/* the whole blob goes through the hash: what libarchive read, and what
 * is left after the tar's end (padding, the compressor's trailer) */
static int feed_unpack(const struct img_feed *f, int rootfd, struct error **err)
{
	struct feed_ctx *fc = f->ctx;
	struct archive *a = unpack_reader_new();
	int rc = -1;

	if (stream_open(fc->src, fc->layer->member, &fc->st, err) < 0)
		goto out;
	if (archive_read_open(a, fc, NULL, feed_read, NULL) != ARCHIVE_OK) {
		error_set(err, archive_errno(a), "'%s': %s", fc->layer->member,
			  archive_error_string(a));
		goto out;
	}
	if (unpack_archive(a, rootfd, fc->o, err) < 0) {
		/* a corrupt blob shows as a bad tar: say what the digest says */
		error_wrap(err, "layer '%s'", fc->layer->member);
		if (fc->err != NULL)
			error_wrap(err, "%s", fc->err->msg);
		goto out;
	}
	rc = stream_verify(&fc->st, fc->layer->hex, fc->layer->size, err);
out:
	archive_read_free(a);
	stream_close(&fc->st);
	error_free(fc->err);
	fc->err = NULL;
	return rc;
}

static int layers_in(struct img_src *s, const struct img_plan *p, bool rootless, struct image *img,
		     struct error **err)
{
	bool root = !rootless && geteuid() == 0;
	struct unpack_opts o = {.owners = root, .devices = root, .trusted = root};
	struct img_cache c;
	int rc = -1;

	if (cache_open(rootless, &c, err) < 0)
		goto out;
	img->layers = xcalloc(p->n_layers + 1, sizeof(char *));
	img->locks = xcalloc(p->n_layers, sizeof(int));
	for (size_t i = 0; i < p->n_layers; i++) {
		cleanup_free struct feed_ctx *fc = xcalloc(1, sizeof(*fc));
		struct img_feed f = {.unpack = feed_unpack, .ctx = fc};
		int fd;

		fc->src = s;
		fc->layer = &p->layers[i];
		fc->o = &o;
		fc->st.fd = -1;
		memcpy(f.hex, p->layers[i].hex, sizeof(f.hex));
		fd = cache_get(&c, &f, err);
		if (fd < 0) {
			error_wrap(err, "%s: layer %zu of %zu", s->what, i + 1, p->n_layers);
			goto out;
		}
		img->locks[img->n_locks++] = fd;
		img->layers[i] = xasprintf("%s/layers/%s", c.dir, p->layers[i].hex);
	}
	rc = 0;
out:
	cache_close(&c);
	return rc;
}

static void take_config(struct image *img, struct spec_image_config *c)
{
	img->env = steal_ptr(c->env);
	img->entrypoint = steal_ptr(c->entrypoint);
	img->cmd = steal_ptr(c->cmd);
	img->workdir = steal_ptr(c->workdir);
	img->user = steal_ptr(c->user);
}

int image_open(const char *flag, const char *ref, bool rootless, struct image *img,
	       struct error **err)
{
	int k = ref_kind(ref);
	const char *rest = ref + strlen(kinds[k].prefix);
	const char *colon = strchr(rest, ':');
	cleanup_free char *path = colon ? xstrndup(rest, (size_t)(colon - rest)) : xstrdup(rest);
	cleanup_free char *what = xasprintf("%s %s", flag, ref);
	struct img_src s;
	struct img_plan p = {0};
	int rc = -1;

	memset(img, 0, sizeof(*img));
	if (path[0] == '\0')
		return error_set(err, 0, "%s: no %s", what, k == REF_OCI ? "directory" : "file");
	if (colon != NULL && colon[1] == '\0')
		return error_set(err, 0, "%s: an empty tag", what);
	if (src_open(&s, what, path, k != REF_OCI, err) < 0)
		return -1;
	if (kinds[k].kind == REF_DOCKER_ARCHIVE)
		rc = layout_docker(&s, colon ? colon + 1 : NULL, &p, err);
	else
		rc = layout_oci(&s, colon ? colon + 1 : NULL, &p, err);
	if (rc == 0)
		rc = layers_in(&s, &p, rootless, img, err);
	if (rc == 0)
		take_config(img, &p.config);
	plan_clear(&p);
	src_close(&s);
	if (rc < 0)
		image_release(img);
	return rc;
}

void image_release(struct image *img)
{
	for (size_t i = 0; i < img->n_locks; i++)
		close(img->locks[i]);
	free(img->locks);
	strv_free(img->layers);
	strv_free(img->env);
	strv_free(img->entrypoint);
	strv_free(img->cmd);
	free(img->workdir);
	free(img->user);
	memset(img, 0, sizeof(*img));
}
