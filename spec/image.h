/* SPDX-License-Identifier: Apache-2.0 */
/* spec/image.h — the JSON documents of container images, validated:
 * an OCI image layout's index.json, an image index or manifest (OCI, or
 * Docker's schema 2 which has the same shape), an image config, and the
 * manifest.json of `docker save`.  Each parser gives a read-only struct
 * whose digests are all "sha256:<64 lowercase hex>" and whose paths are
 * relative and free of "..": image/ reads blobs by them and trusts
 * nothing else.  Unknown keys are ignored; errors name the JSON path.  */
#ifndef BERTH_SPEC_IMAGE_H
#define BERTH_SPEC_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define SPEC_IMAGE_REF_ANNOTATION "org.opencontainers.image.ref.name"

enum spec_media {
	SPEC_MEDIA_OTHER,
	SPEC_MEDIA_INDEX,    /* an OCI image index or a Docker manifest list */
	SPEC_MEDIA_MANIFEST, /* an OCI or Docker schema 2 image manifest */
	SPEC_MEDIA_CONFIG,
	SPEC_MEDIA_LAYER, /* a tar, plain, gzip or zstd */
};

/* A content descriptor; `hex` is the digest's 64 hex digits. */
struct spec_image_desc {
	char *media_type; /* NULL when absent */
	enum spec_media media;
	char *digest;
	char hex[65];
	int64_t size;
	char *ref_name;	 /* annotation org.opencontainers.image.ref.name */
	char *os, *arch; /* platform, when given */
	char *variant;	 /* platform.variant */
};

/* index.json, or an image index blob */
struct spec_image_index {
	struct spec_image_desc *manifests;
	size_t n_manifests;
};

struct spec_image_manifest {
	struct spec_image_desc config;
	struct spec_image_desc *layers;
	size_t n_layers;
};

/* What the sandbox takes from an image config ("config" in it) */
struct spec_image_config {
	char **env;
	char **entrypoint;
	char **cmd;
	char *workdir;
	char *user;
	char **diff_ids; /* rootfs.diff_ids, validated as digests */
	size_t n_diff_ids;
};

/* One image in `docker save`'s manifest.json */
struct spec_docker_image {
	char *config;	  /* path of the config in the archive */
	char **repo_tags; /* "name:tag", may be empty */
	char **layers;	  /* paths, lowest first */
	size_t n_layers;
};

struct spec_docker_manifest {
	struct spec_docker_image *images;
	size_t n_images;
};

/* `source` names the document in errors ("index.json", "blob sha256:…"). */
int spec_image_index_parse(const char *json, size_t len, const char *source,
			   struct spec_image_index *out, struct error **err);
int spec_image_manifest_parse(const char *json, size_t len, const char *source,
			      struct spec_image_manifest *out, struct error **err);
int spec_image_config_parse(const char *json, size_t len, const char *source,
			    struct spec_image_config *out, struct error **err);
int spec_docker_manifest_parse(const char *json, size_t len, const char *source,
			       struct spec_docker_manifest *out, struct error **err);

void spec_image_index_clear(struct spec_image_index *x);
void spec_image_manifest_clear(struct spec_image_manifest *m);
void spec_image_config_clear(struct spec_image_config *c);
void spec_docker_manifest_clear(struct spec_docker_manifest *m);

/* "sha256:" and 64 lowercase hex digits; hex (65 bytes) gets the digits */
bool spec_image_digest_ok(const char *digest, char *hex);

#endif
