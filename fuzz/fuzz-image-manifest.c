/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz/fuzz-image-manifest.c — libFuzzer target: the JSON of container
 * images (spec/image.c) — an OCI index, a manifest, an image config and
 * docker save's manifest.json, each input through all four parsers.
 * Besides crashes, leaks and undefined behaviour it checks what image/
 * relies on: every accepted digest is sha256 with 64 lowercase hex
 * digits (blob paths are built from it), every manifest has layers of a
 * type berth unpacks, and every docker path is relative without "..".  */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spec/image.h"

static void check_desc(const struct spec_image_desc *d)
{
	if (!spec_image_digest_ok(d->digest, NULL) || strlen(d->hex) != 64 || d->size < 0)
		abort();
	if (strcmp(d->digest + 7, d->hex) != 0)
		abort();
}

static void check_path(const char *p)
{
	if (p[0] == '\0' || p[0] == '/' || strcmp(p, "..") == 0 || strncmp(p, "../", 3) == 0 ||
	    strstr(p, "/../") != NULL || (strlen(p) >= 3 && strcmp(p + strlen(p) - 3, "/..") == 0))
		abort();
}

static void index_and_manifest(const char *s, size_t size)
{
	struct spec_image_index x;
	struct spec_image_manifest m;
	struct error *err = NULL;

	if (spec_image_index_parse(s, size, "index.json", &x, &err) == 0) {
		for (size_t i = 0; i < x.n_manifests; i++)
			check_desc(&x.manifests[i]);
		spec_image_index_clear(&x);
	}
	error_free(err);
	err = NULL;
	if (spec_image_manifest_parse(s, size, "manifest", &m, &err) == 0) {
		check_desc(&m.config);
		if (m.n_layers == 0)
			abort();
		for (size_t i = 0; i < m.n_layers; i++) {
			check_desc(&m.layers[i]);
			if (m.layers[i].media != SPEC_MEDIA_LAYER)
				abort();
		}
		spec_image_manifest_clear(&m);
	}
	error_free(err);
}

static void config_and_docker(const char *s, size_t size)
{
	struct spec_image_config c;
	struct spec_docker_manifest d;
	struct error *err = NULL;

	if (spec_image_config_parse(s, size, "config", &c, &err) == 0) {
		for (size_t i = 0; i < c.n_diff_ids; i++)
			if (!spec_image_digest_ok(c.diff_ids[i], NULL))
				abort();
		for (char **e = c.env; e && *e; e++)
			if (strchr(*e, '=') == NULL || (*e)[0] == '=')
				abort();
		if (c.workdir != NULL && c.workdir[0] != '/')
			abort();
		spec_image_config_clear(&c);
	}
	error_free(err);
	err = NULL;
	if (spec_docker_manifest_parse(s, size, "manifest.json", &d, &err) == 0) {
		for (size_t i = 0; i < d.n_images; i++) {
			check_path(d.images[i].config);
			for (size_t j = 0; j < d.images[i].n_layers; j++)
				check_path(d.images[i].layers[j]);
		}
		spec_docker_manifest_clear(&d);
	}
	error_free(err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	index_and_manifest((const char *)data, size);
	config_and_docker((const char *)data, size);
	return 0;
}
