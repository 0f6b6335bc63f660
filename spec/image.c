/* SPDX-License-Identifier: Apache-2.0 */
/* spec/image.c — the JSON of container images (see spec/image.h), by the
 * same table-driven decoder as config.json.  Reading blobs, verifying
 * them and unpacking layers is image/'s; this file only turns text into
 * checked structs.  */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "spec/image.h"
#include "spec/internal.h"

static const struct {
	const char *type;
	enum spec_media media;
} media_types[] = {
	{"application/vnd.oci.image.index.v1+json", SPEC_MEDIA_INDEX},
	{"application/vnd.docker.distribution.manifest.list.v2+json", SPEC_MEDIA_INDEX},
	{"application/vnd.oci.image.manifest.v1+json", SPEC_MEDIA_MANIFEST},
	{"application/vnd.docker.distribution.manifest.v2+json", SPEC_MEDIA_MANIFEST},
	{"application/vnd.oci.image.config.v1+json", SPEC_MEDIA_CONFIG},
	{"application/vnd.docker.container.image.v1+json", SPEC_MEDIA_CONFIG},
	{"application/vnd.oci.image.layer.v1.tar", SPEC_MEDIA_LAYER},
	{"application/vnd.oci.image.layer.v1.tar+gzip", SPEC_MEDIA_LAYER},
	{"application/vnd.oci.image.layer.v1.tar+zstd", SPEC_MEDIA_LAYER},
	{"application/vnd.oci.image.layer.nondistributable.v1.tar", SPEC_MEDIA_LAYER},
	{"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", SPEC_MEDIA_LAYER},
	{"application/vnd.oci.image.layer.nondistributable.v1.tar+zstd", SPEC_MEDIA_LAYER},
	{"application/vnd.docker.image.rootfs.diff.tar", SPEC_MEDIA_LAYER},
	{"application/vnd.docker.image.rootfs.diff.tar.gzip", SPEC_MEDIA_LAYER},
	{"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", SPEC_MEDIA_LAYER},
};

bool spec_image_digest_ok(const char *digest, char *hex)
{
	const char *h;

	if (strncmp(digest, "sha256:", 7) != 0)
		return false;
	h = digest + 7;
	if (strlen(h) != 64 || strspn(h, "0123456789abcdef") != 64)
		return false;
	if (hex != NULL)
		memcpy(hex, h, 65);
	return true;
}

static int dec_digest(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_image_desc *desc = out;

	if (dec_str(d, v, &desc->digest) < 0)
		return -1;
	if (strncmp(desc->digest, "sha256:", 7) != 0)
		return dec_fail(d, "%s: only sha256 digests are supported", quote(desc->digest).s);
	if (!spec_image_digest_ok(desc->digest, desc->hex))
		return dec_fail(d, "%s: not sha256 and 64 lowercase hex digits",
				quote(desc->digest).s);
	return 0;
}

static int dec_size(struct dec *d, const struct jnode *v, void *out)
{
	return dec_int_range(d, v, 0, INT64_MAX, out);
}

static int dec_annotations(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_image_desc *desc = out;
	const struct jnode *ref;

	if (dec_expect(d, v, J_OBJECT) < 0)
		return -1;
	ref = json_get(v, SPEC_IMAGE_REF_ANNOTATION);
	if (ref == NULL || json_type(ref) == J_NULL)
		return 0;
	return dec_str(d, ref, &desc->ref_name);
}

static const struct field platform_fields[] = {
	FIELD("os", dec_str, struct spec_image_desc, os),
	FIELD("architecture", dec_str, struct spec_image_desc, arch),
	FIELD("variant", dec_str, struct spec_image_desc, variant),
};

static int dec_platform(struct dec *d, const struct jnode *v, void *out)
{
	return dec_object(d, v, platform_fields, ARRAY_SIZE(platform_fields), out);
}

static const struct field desc_fields[] = {
	FIELD("mediaType", dec_str, struct spec_image_desc, media_type),
	FIELD_SELF("digest", dec_digest),
	FIELD_REQ("size", dec_size, struct spec_image_desc, size),
	FIELD_SELF("annotations", dec_annotations),
	FIELD_SELF("platform", dec_platform),
};

static int dec_desc(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_image_desc *desc = out;

	if (dec_object(d, v, desc_fields, ARRAY_SIZE(desc_fields), out) < 0)
		return -1;
	if (desc->digest == NULL) {
		size_t mark = dec_key(d, "digest");
		int r = dec_fail(d, "required");

		dec_pop(d, mark);
		return r;
	}
	for (size_t i = 0; desc->media_type != NULL && i < ARRAY_SIZE(media_types); i++)
		if (strcmp(desc->media_type, media_types[i].type) == 0)
			desc->media = media_types[i].media;
	return 0;
}

static int dec_manifests(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_image_index *x = out;

	return dec_array(d, v, sizeof(*x->manifests), (void **)&x->manifests, &x->n_manifests,
			 dec_desc);
}

static int dec_schema(struct dec *d, const struct jnode *v, void *out)
{
	int64_t n;

	if (dec_int_range(d, v, 0, INT32_MAX, &n) < 0)
		return -1;
	if (n != 2)
		return dec_fail(d, "schema version %lld is not supported (2 is)", (long long)n);
	return 0;
}

static const struct field index_fields[] = {
	FIELD_SELF("schemaVersion", dec_schema),
	FIELD_SELF("manifests", dec_manifests),
};

static int dec_image_index(struct dec *d, const struct jnode *v, void *out)
{
	return dec_object(d, v, index_fields, ARRAY_SIZE(index_fields), out);
}

int spec_image_index_parse(const char *json, size_t len, const char *source,
			   struct spec_image_index *out, struct error **err)
{
	memset(out, 0, sizeof(*out));
	if (spec_parse_with(json, len, source, dec_image_index, out, err) < 0) {
		spec_image_index_clear(out);
		return -1;
	}
	return 0;
}

/* ---- manifest ---------------------------------------------------------- */

static int dec_config_desc(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_image_desc *desc = out;

	if (dec_desc(d, v, out) < 0)
		return -1;
	if (desc->media_type != NULL && desc->media != SPEC_MEDIA_CONFIG)
		return dec_fail(d, "%s is not a container image config", quote(desc->media_type).s);
	return 0;
}

static int dec_layer_desc(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_image_desc *desc = out;

	if (dec_desc(d, v, out) < 0)
		return -1;
	if (desc->media_type == NULL || desc->media != SPEC_MEDIA_LAYER) {
		size_t mark = dec_key(d, "mediaType");
		int r = dec_fail(d,
				 "%s: not a layer type berth unpacks (tar, tar+gzip, "
				 "tar+zstd)",
				 quote(desc->media_type ? desc->media_type : "").s);

		dec_pop(d, mark);
		return r;
	}
	return 0;
}

static int dec_layers(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_image_manifest *m = out;

	return dec_array(d, v, sizeof(*m->layers), (void **)&m->layers, &m->n_layers,
			 dec_layer_desc);
}

static const struct field manifest_fields[] = {
	FIELD_SELF("schemaVersion", dec_schema),
	FIELD_REQ("config", dec_config_desc, struct spec_image_manifest, config),
	FIELD_SELF("layers", dec_layers),
};

static int dec_manifest(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_image_manifest *m = out;

	if (dec_object(d, v, manifest_fields, ARRAY_SIZE(manifest_fields), out) < 0)
		return -1;
	if (m->n_layers == 0)
		return dec_fail(d, "layers: an image needs at least one layer");
	return 0;
}

int spec_image_manifest_parse(const char *json, size_t len, const char *source,
			      struct spec_image_manifest *out, struct error **err)
{
	memset(out, 0, sizeof(*out));
	if (spec_parse_with(json, len, source, dec_manifest, out, err) < 0) {
		spec_image_manifest_clear(out);
		return -1;
	}
	return 0;
}

/* ---- config ------------------------------------------------------------ */

static int dec_env_entry(struct dec *d, const struct jnode *v, void *out)
{
	char **s = out;

	if (dec_str(d, v, s) < 0)
		return -1;
	if ((*s)[0] == '=' || strchr(*s, '=') == NULL)
		return dec_fail(d, "%s: not NAME=VALUE", quote(*s).s);
	return 0;
}

static void strv_n_free(char **v, size_t n)
{
	for (size_t i = 0; v != NULL && i < n; i++)
		free(v[i]);
	free(v);
}

/* a NULL-terminated vector, freeable however the decoding ends */
static int dec_env(struct dec *d, const struct jnode *v, void *out)
{
	char ***env = out, **tmp = NULL;
	size_t n = 0;

	if (dec_array(d, v, sizeof(char *), (void **)&tmp, &n, dec_env_entry) < 0) {
		strv_n_free(tmp, n);
		return -1;
	}
	strv_free(*env);
	*env = xreallocarray(tmp, n + 1, sizeof(char *));
	(*env)[n] = NULL;
	return 0;
}

static const struct field exec_fields[] = {
	FIELD("Env", dec_env, struct spec_image_config, env),
	FIELD("Entrypoint", dec_strv, struct spec_image_config, entrypoint),
	FIELD("Cmd", dec_strv, struct spec_image_config, cmd),
	FIELD("WorkingDir", dec_str_or_null, struct spec_image_config, workdir),
	FIELD("User", dec_str_or_null, struct spec_image_config, user),
};

static int dec_exec(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_image_config *c = out;

	if (dec_object(d, v, exec_fields, ARRAY_SIZE(exec_fields), out) < 0)
		return -1;
	if (c->workdir != NULL && c->workdir[0] != '/') {
		size_t mark = dec_key(d, "WorkingDir");
		int r = dec_fail(d, "%s: not an absolute path", quote(c->workdir).s);

		dec_pop(d, mark);
		return r;
	}
	return 0;
}

static int dec_diff_id(struct dec *d, const struct jnode *v, void *out)
{
	char **s = out;

	if (dec_str(d, v, s) < 0)
		return -1;
	if (!spec_image_digest_ok(*s, NULL))
		return dec_fail(d, "%s: not sha256 and 64 lowercase hex digits", quote(*s).s);
	return 0;
}

static int dec_diff_ids(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_image_config *c = out;

	return dec_array(d, v, sizeof(char *), (void **)&c->diff_ids, &c->n_diff_ids, dec_diff_id);
}

static const struct field rootfs_fields[] = {
	FIELD_SELF("diff_ids", dec_diff_ids),
};

static int dec_rootfs(struct dec *d, const struct jnode *v, void *out)
{
	return dec_object(d, v, rootfs_fields, ARRAY_SIZE(rootfs_fields), out);
}

static const struct field config_fields[] = {
	FIELD_SELF("config", dec_exec),
	FIELD_SELF("rootfs", dec_rootfs),
};

static int dec_config(struct dec *d, const struct jnode *v, void *out)
{
	return dec_object(d, v, config_fields, ARRAY_SIZE(config_fields), out);
}

int spec_image_config_parse(const char *json, size_t len, const char *source,
			    struct spec_image_config *out, struct error **err)
{
	memset(out, 0, sizeof(*out));
	if (spec_parse_with(json, len, source, dec_config, out, err) < 0) {
		spec_image_config_clear(out);
		return -1;
	}
	return 0;
}

/* ---- docker save's manifest.json --------------------------------------- */

/* a path inside the archive: relative, no "..", not empty */
static int dec_member(struct dec *d, const struct jnode *v, void *out)
{
	char **s = out;

	if (dec_str(d, v, s) < 0)
		return -1;
	if ((*s)[0] == '\0' || path_is_absolute(*s) || path_has_dotdot(*s))
		return dec_fail(d, "%s: not a relative path inside the archive", quote(*s).s);
	return 0;
}

static int dec_docker_layers(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_docker_image *img = out;

	return dec_array(d, v, sizeof(char *), (void **)&img->layers, &img->n_layers, dec_member);
}

static const struct field docker_fields[] = {
	FIELD_REQ("Config", dec_member, struct spec_docker_image, config),
	FIELD("RepoTags", dec_strv, struct spec_docker_image, repo_tags),
	FIELD_SELF("Layers", dec_docker_layers),
};

static int dec_docker_image(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_docker_image *img = out;

	if (dec_object(d, v, docker_fields, ARRAY_SIZE(docker_fields), out) < 0)
		return -1;
	if (img->n_layers == 0)
		return dec_fail(d, "Layers: an image needs at least one layer");
	return 0;
}

static int dec_docker(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_docker_manifest *m = out;

	if (dec_array(d, v, sizeof(*m->images), (void **)&m->images, &m->n_images,
		      dec_docker_image) < 0)
		return -1;
	if (m->n_images == 0)
		return dec_fail(d, "no image in it");
	return 0;
}

int spec_docker_manifest_parse(const char *json, size_t len, const char *source,
			       struct spec_docker_manifest *out, struct error **err)
{
	memset(out, 0, sizeof(*out));
	if (spec_parse_with(json, len, source, dec_docker, out, err) < 0) {
		spec_docker_manifest_clear(out);
		return -1;
	}
	return 0;
}

/* ---- releasing --------------------------------------------------------- */

static void desc_clear(struct spec_image_desc *d)
{
	free(d->media_type);
	free(d->digest);
	free(d->ref_name);
	free(d->os);
	free(d->arch);
	free(d->variant);
}

void spec_image_index_clear(struct spec_image_index *x)
{
	for (size_t i = 0; i < x->n_manifests; i++)
		desc_clear(&x->manifests[i]);
	free(x->manifests);
	memset(x, 0, sizeof(*x));
}

void spec_image_manifest_clear(struct spec_image_manifest *m)
{
	desc_clear(&m->config);
	for (size_t i = 0; i < m->n_layers; i++)
		desc_clear(&m->layers[i]);
	free(m->layers);
	memset(m, 0, sizeof(*m));
}

void spec_image_config_clear(struct spec_image_config *c)
{
	strv_free(c->env);
	strv_free(c->entrypoint);
	strv_free(c->cmd);
	free(c->workdir);
	free(c->user);
	strv_n_free(c->diff_ids, c->n_diff_ids);
	memset(c, 0, sizeof(*c));
}

void spec_docker_manifest_clear(struct spec_docker_manifest *m)
{
	for (size_t i = 0; i < m->n_images; i++) {
		free(m->images[i].config);
		strv_free(m->images[i].repo_tags);
		strv_n_free(m->images[i].layers, m->images[i].n_layers);
	}
	free(m->images);
	memset(m, 0, sizeof(*m));
}
