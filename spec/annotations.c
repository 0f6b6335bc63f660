/* SPDX-License-Identifier: Apache-2.0 */
/* spec/annotations.c — berth's own extensions for plain OCI bundles,
 * read from config.json's annotations:
 *
 *   org.berth.rootfs.layers   "/img/base:/img/app"  image layers, lowest
 *                             first, overlaid with a private writable
 *                             layer (root.path is then not used)
 *   org.berth.rootfs.upper    "tmpfs": keep the writable layer on a tmpfs
 *   org.berth.network         "bridge" or "bridge=NAME": wire a veth to
 *                             that bridge (needs a new network namespace)
 *   org.berth.network.subnet  "10.90.0.0/16"
 *   org.berth.network.mtu     "1500"
 *
 * Unknown org.berth.* keys are an error: a typo must not silently run a
 * container without the network or layers it asked for.
 *
 * layers and network reach the host (they mount host directories and
 * wire host bridges), and orchestrators forward annotations from less
 * trusted places than mounts (containerd's pod_annotations, podman
 * --annotation): the host's administrator can switch them off
 * (host-annotations = false in /etc/berth/berth.conf, or the global
 * --host-annotations=false); a bundle asking for them is then refused.  */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "core/cleanup.h"
#include "core/mem.h"
#include "spec/spec.h"

static const char *const known[] = {
	"org.berth.rootfs.layers",  "org.berth.rootfs.upper", "org.berth.network",
	"org.berth.network.subnet", "org.berth.network.mtu",  NULL,
};

static const char *get(const struct spec *spec, const char *key)
{
	for (size_t i = 0; i < spec->n_annotations; i++)
		if (strcmp(spec->annotation_keys[i], key) == 0)
			return spec->annotation_values[i];
	return NULL;
}

static bool reaches_host(const char *key)
{
	return strcmp(key, "org.berth.rootfs.layers") == 0 ||
	       strncmp(key, "org.berth.network", 17) == 0;
}

static int check_keys(const struct spec *spec, bool allow_host, struct error **err)
{
	for (size_t i = 0; i < spec->n_annotations; i++) {
		const char *k = spec->annotation_keys[i];
		bool ok = strncmp(k, "org.berth.", 10) != 0;

		for (const char *const *n = known; !ok && *n; n++)
			ok = strcmp(*n, k) == 0;
		if (!ok)
			return error_set(
				err, 0, "config.json: annotations: unknown berth annotation \"%s\"",
				k);
		if (!allow_host && reaches_host(k))
			return error_set(err, EPERM,
					 "config.json: annotations: \"%s\" reaches the host, and "
					 "this host's berth settings turn such annotations off "
					 "(host-annotations = false)",
					 k);
	}
	return 0;
}

static int layers(const struct spec *spec, struct spec_ext *ext, struct error **err)
{
	const char *v = get(spec, "org.berth.rootfs.layers");
	const char *upper = get(spec, "org.berth.rootfs.upper");
	cleanup_free char *copy = NULL;
	size_t n = 0;

	if (upper != NULL && strcmp(upper, "tmpfs") != 0 && strcmp(upper, "state") != 0)
		return error_set(err, 0,
				 "config.json: annotations: org.berth.rootfs.upper must be "
				 "\"tmpfs\" or \"state\", not \"%s\"",
				 upper);
	ext->overlay_tmpfs = upper != NULL && strcmp(upper, "tmpfs") == 0;
	if (v == NULL)
		return 0;
	copy = xstrdup(v);
	ext->layers = xcalloc(strlen(v) / 2 + 2, sizeof(char *));
	for (char *save = NULL, *l = strtok_r(copy, ":", &save); l;
	     l = strtok_r(NULL, ":", &save)) {
		if (l[0] != '/')
			return error_set(err, 0,
					 "config.json: annotations: org.berth.rootfs.layers: layer "
					 "\"%s\" is not an absolute path",
					 l);
		ext->layers[n++] = xstrdup(l);
	}
	if (n == 0)
		return error_set(err, 0,
				 "config.json: annotations: org.berth.rootfs.layers: no layer");
	return 0;
}

static int network(const struct spec *spec, struct spec_ext *ext, struct error **err)
{
	const char *v = get(spec, "org.berth.network");
	const char *mtu = get(spec, "org.berth.network.mtu");
	const struct spec_namespace *net = &spec->linux.ns[SPEC_NS_NET];

	if (v == NULL)
		return 0;
	if (strcmp(v, "bridge") != 0 && strncmp(v, "bridge=", 7) != 0)
		return error_set(err, 0,
				 "config.json: annotations: org.berth.network must be \"bridge\" "
				 "or \"bridge=NAME\", not \"%s\"",
				 v);
	if (!net->present || net->path != NULL)
		return error_set(err, 0,
				 "config.json: annotations: org.berth.network=%s needs a new "
				 "network namespace in linux.namespaces",
				 v);
	ext->bridge = true;
	ext->bridge_name = v[6] == '=' ? v + 7 : NULL;
	ext->subnet = get(spec, "org.berth.network.subnet");
	if (mtu != NULL) {
		int64_t m;

		if (spec_flag_int("org.berth.network.mtu", mtu, 68, 65535, &m, err) < 0)
			return error_wrap(err, "config.json: annotations");
		ext->mtu = (unsigned)m;
	}
	return 0;
}

int spec_ext_read(const struct spec *spec, bool allow_host, struct spec_ext *ext,
		  struct error **err)
{
	memset(ext, 0, sizeof(*ext));
	if (check_keys(spec, allow_host, err) < 0 || layers(spec, ext, err) < 0 ||
	    network(spec, ext, err) < 0) {
		spec_ext_clear(ext);
		return -1;
	}
	return 0;
}

void spec_ext_clear(struct spec_ext *ext)
{
	strv_free(ext->layers);
	ext->layers = NULL;
}
