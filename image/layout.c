/* SPDX-License-Identifier: Apache-2.0 */
/* image/layout.c — from an image's files to its plan: which layer blobs,
 * lowest first, each with the digest it must have, and the config.
 *
 *   OCI layout:   index.json -> (an index for several platforms ->) a
 *                 manifest -> config + layers, all blobs/sha256/<hex>
 *   docker save:  manifest.json -> Config + Layers (the legacy
 *                 <id>/layer.tar, or the newer blobs/sha256/<hex>); each
 *                 layer must match its diff_id in the config
 *
 * Every blob read here is verified against its digest; the layers are
 * verified by whoever unpacks them (cache.c), and only when they are
 * not in the cache already.  */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "core/cleanup.h"
#include "core/mem.h"
#include "image/internal.h"

static char *blob_path(const char *hex)
{
	return xasprintf("blobs/sha256/%s", hex);
}

/* the kernel's machine name as an OCI (Go) architecture */
static const char *go_arch(void)
{
	static const char *const map[][2] = {
		{"x86_64", "amd64"},	{"aarch64", "arm64"},	{"i686", "386"},
		{"armv7l", "arm"},	{"ppc64le", "ppc64le"}, {"s390x", "s390x"},
		{"riscv64", "riscv64"},
	};
	static struct utsname u;

	if (uname(&u) < 0)
		return "amd64";
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(u.machine, map[i][0]) == 0)
			return map[i][1];
	return u.machine;
}

static char *tags_of(const struct spec_image_index *x)
{
	char *out = xstrdup("");

	for (size_t i = 0; i < x->n_manifests; i++) {
		char *next;

		if (x->manifests[i].ref_name == NULL)
			continue;
		next = xasprintf("%s%s%s", out, out[0] ? ", " : "", x->manifests[i].ref_name);
		free(out);
		out = next;
	}
	return out;
}

/* the index.json entry named `tag`, or the only one */
static const struct spec_image_desc *pick_tag(const struct img_src *s,
					      const struct spec_image_index *x, const char *tag,
					      struct error **err)
{
	cleanup_free char *tags = tags_of(x);

	for (size_t i = 0; tag != NULL && i < x->n_manifests; i++)
		if (x->manifests[i].ref_name != NULL && strcmp(x->manifests[i].ref_name, tag) == 0)
			return &x->manifests[i];
	if (tag == NULL && x->n_manifests == 1)
		return &x->manifests[0];
	if (tag != NULL)
		error_set(err, ENOENT, "%s: no image tagged \"%s\" in index.json (tags: %s)",
			  s->what, tag, tags[0] ? tags : "none");
	else
		error_set(err, 0, "%s: index.json holds %zu images: name one with :TAG (tags: %s)",
			  s->what, x->n_manifests, tags[0] ? tags : "none");
	return NULL;
}

/* the manifest of an index for this machine (linux/<arch>) */
static const struct spec_image_desc *
pick_platform(const struct img_src *s, const struct spec_image_index *x, struct error **err)
{
	const char *arch = go_arch();

	for (size_t i = 0; i < x->n_manifests; i++) {
		const struct spec_image_desc *d = &x->manifests[i];

		if (d->media == SPEC_MEDIA_MANIFEST && d->os != NULL && d->arch != NULL &&
		    strcmp(d->os, "linux") == 0 && strcmp(d->arch, arch) == 0)
			return d;
	}
	error_set(err, ENOENT, "%s: the image index has no manifest for linux/%s", s->what, arch);
	return NULL;
}

static int read_blob(struct img_src *s, const struct spec_image_desc *d, char **buf, size_t *len,
		     struct error **err)
{
	cleanup_free char *path = blob_path(d->hex);

	return src_read(s, path, d->hex, d->size, buf, len, err);
}

/* The manifest an index.json entry leads to (through one nested index) */
static int oci_manifest(struct img_src *s, const struct spec_image_desc *d,
			struct spec_image_manifest *m, struct error **err)
{
	cleanup_free char *buf = NULL;
	cleanup_free char *src = xasprintf("blob sha256:%s", d->hex);
	struct spec_image_index sub;
	size_t len;
	int rc;

	if (read_blob(s, d, &buf, &len, err) < 0)
		return -1;
	if (d->media == SPEC_MEDIA_INDEX) {
		if (spec_image_index_parse(buf, len, src, &sub, err) < 0)
			return error_wrap(err, "%s", s->what);
		d = pick_platform(s, &sub, err);
		rc = d != NULL && d->media == SPEC_MEDIA_MANIFEST ? oci_manifest(s, d, m, err) : -1;
		spec_image_index_clear(&sub);
		return rc;
	}
	if (d->media_type != NULL && d->media != SPEC_MEDIA_MANIFEST)
		return error_set(err, 0, "%s: \"%s\" is not an image manifest", s->what,
				 d->media_type);
	if (spec_image_manifest_parse(buf, len, src, m, err) < 0)
		return error_wrap(err, "%s", s->what);
	return 0;
}

static int plan_config(struct img_src *s, const char *member, const char *hex, int64_t size,
		       struct img_plan *p, struct error **err)
{
	cleanup_free char *buf = NULL;
	size_t len;

	if (src_read(s, member, hex, size, &buf, &len, err) < 0)
		return -1;
	if (spec_image_config_parse(buf, len, member, &p->config, err) < 0)
		return error_wrap(err, "%s", s->what);
	return 0;
}

int layout_oci(struct img_src *s, const char *tag, struct img_plan *p, struct error **err)
{
	cleanup_free char *buf = NULL;
	cleanup_free char *cfg = NULL;
	struct spec_image_index x = {0};
	struct spec_image_manifest m = {0};
	const struct spec_image_desc *d;
	size_t len;
	int rc = -1;

	memset(p, 0, sizeof(*p));
	if (src_read(s, "index.json", NULL, -1, &buf, &len, err) < 0)
		return error_wrap(err, "not an OCI image layout");
	if (spec_image_index_parse(buf, len, "index.json", &x, err) < 0) {
		error_wrap(err, "%s", s->what);
		goto out;
	}
	d = pick_tag(s, &x, tag, err);
	if (d == NULL || oci_manifest(s, d, &m, err) < 0)
		goto out;
	cfg = blob_path(m.config.hex);
	if (plan_config(s, cfg, m.config.hex, m.config.size, p, err) < 0)
		goto out;
	p->layers = xcalloc(m.n_layers, sizeof(*p->layers));
	p->n_layers = m.n_layers;
	for (size_t i = 0; i < m.n_layers; i++) {
		p->layers[i].member = blob_path(m.layers[i].hex);
		memcpy(p->layers[i].hex, m.layers[i].hex, sizeof(p->layers[i].hex));
		p->layers[i].size = m.layers[i].size;
	}
	rc = 0;
out:
	spec_image_index_clear(&x);
	spec_image_manifest_clear(&m);
	return rc;
}

/* ---- docker save ---------------------------------------------------------- */

/* "blobs/sha256/<hex>" or "<hex>.json": the digest the name promises */
static bool name_digest(const char *member, char *hex)
{
	cleanup_free char *d = NULL;
	const char *base = strrchr(member, '/');

	base = base ? base + 1 : member;
	if (strncmp(member, "blobs/sha256/", 13) == 0 && strchr(member + 13, '/') == NULL)
		d = xasprintf("sha256:%s", member + 13);
	else if (strlen(base) == 69 && strcmp(base + 64, ".json") == 0)
		d = xasprintf("sha256:%.64s", base);
	return d != NULL && spec_image_digest_ok(d, hex);
}

static const struct spec_docker_image *pick_repo_tag(const struct img_src *s,
						     const struct spec_docker_manifest *m,
						     const char *tag, struct error **err)
{
	cleanup_free char *with_latest = tag ? xasprintf("%s:latest", tag) : NULL;

	if (tag == NULL && m->n_images == 1)
		return &m->images[0];
	for (size_t i = 0; tag != NULL && i < m->n_images; i++)
		for (char **t = m->images[i].repo_tags; t && *t; t++)
			if (strcmp(*t, tag) == 0 || strcmp(*t, with_latest) == 0)
				return &m->images[i];
	if (tag != NULL)
		error_set(err, ENOENT, "%s: no image tagged \"%s\" in manifest.json", s->what, tag);
	else
		error_set(err, 0, "%s: manifest.json holds %zu images: name one with :NAME:TAG",
			  s->what, m->n_images);
	return NULL;
}

static int docker_layers(struct img_src *s, const struct spec_docker_image *img, struct img_plan *p,
			 struct error **err)
{
	if (p->config.n_diff_ids != img->n_layers)
		return error_set(err, 0, "%s: %zu layers in manifest.json, %zu diff_ids in '%s'",
				 s->what, img->n_layers, p->config.n_diff_ids, img->config);
	p->layers = xcalloc(img->n_layers, sizeof(*p->layers));
	p->n_layers = img->n_layers;
	for (size_t i = 0; i < img->n_layers; i++) {
		struct img_layer *l = &p->layers[i];

		l->member = xstrdup(img->layers[i]);
		l->size = -1;
		/* docker writes layers uncompressed: the blob is its diff_id */
		if (!name_digest(l->member, l->hex))
			memcpy(l->hex, p->config.diff_ids[i] + 7, sizeof(l->hex));
	}
	return 0;
}

int layout_docker(struct img_src *s, const char *tag, struct img_plan *p, struct error **err)
{
	cleanup_free char *buf = NULL;
	struct spec_docker_manifest m = {0};
	const struct spec_docker_image *img;
	char hex[65];
	size_t len;
	int rc = -1;

	memset(p, 0, sizeof(*p));
	if (src_read(s, "manifest.json", NULL, -1, &buf, &len, err) < 0)
		return error_wrap(err, "not `docker save` output");
	if (spec_docker_manifest_parse(buf, len, "manifest.json", &m, err) < 0) {
		error_wrap(err, "%s", s->what);
		goto out;
	}
	img = pick_repo_tag(s, &m, tag, err);
	if (img == NULL)
		goto out;
	if (plan_config(s, img->config, name_digest(img->config, hex) ? hex : NULL, -1, p, err) <
		    0 ||
	    docker_layers(s, img, p, err) < 0)
		goto out;
	rc = 0;
out:
	spec_docker_manifest_clear(&m);
	return rc;
}

void plan_clear(struct img_plan *p)
{
	for (size_t i = 0; i < p->n_layers; i++)
		free(p->layers[i].member);
	free(p->layers);
	spec_image_config_clear(&p->config);
	memset(p, 0, sizeof(*p));
}
