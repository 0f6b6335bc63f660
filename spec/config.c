/* SPDX-License-Identifier: Apache-2.0 */
/* spec/config.c — the entry points of spec/ and the top of config.json:
 * ociVersion, root, mounts, hooks, annotations, hostname.
 *
 * spec_parse() is parse, then validate: decoding fills a struct spec
 * section by section (process.c, linux.c, resources.c, seccomp.c), then
 * validate.c checks what spans sections.  Every error comes back as
 * "<source>: <json path>: <reason>", and the struct is freed on failure,
 * so a caller either gets a whole, valid config or nothing.  */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cleanup.h"
#include "core/file.h"
#include "core/mem.h"
#include "spec/internal.h"

/* ---- ociVersion, root ---------------------------------------------------- */

static int dec_version(struct dec *d, const struct jnode *v, void *out)
{
	const char *s;

	if (dec_expect(d, v, J_STRING) < 0)
		return -1;
	s = json_string(v);
	/* "1", "1.0.2-dev", "1.2.0": any 1.x; the fields berth reads have
	 * kept their meaning across 1.x */
	if (s[0] != '1' || (s[1] != '\0' && s[1] != '.'))
		return dec_fail(d,
				"unsupported version %s (berth implements "
				"1.x)",
				quote(s).s);
	return dec_str(d, v, out);
}

static int dec_root_path(struct dec *d, const struct jnode *v, void *out)
{
	if (dec_str(d, v, out) < 0)
		return -1;
	if (**(char **)out == '\0')
		return dec_fail(d, "must not be empty");
	return 0;
}

static const struct field root_fields[] = {
	FIELD_REQ("path", dec_root_path, struct spec_root, path),
	FIELD("readonly", dec_bool, struct spec_root, readonly),
};

static int dec_root(struct dec *d, const struct jnode *v, void *out)
{
	return dec_object(d, v, root_fields, ARRAY_SIZE(root_fields), out);
}

/* ---- mounts ------------------------------------------------------------------- */

static int dec_destination(struct dec *d, const struct jnode *v, void *out)
{
	if (dec_abspath(d, v, out) < 0)
		return -1;
	/* the launcher resolves it inside the rootfs, but a ".." here is
	 * always a mistake or an attack: say so early */
	if (path_has_dotdot(*(char **)out))
		return dec_fail(d, "must not contain \"..\"");
	return 0;
}

static int dec_mount_uids(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_mount *m = out;

	return spec_dec_idmaps(d, v, &m->uid_mappings, &m->n_uid_mappings);
}

static int dec_mount_gids(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_mount *m = out;

	return spec_dec_idmaps(d, v, &m->gid_mappings, &m->n_gid_mappings);
}

static const struct field mount_fields[] = {
	FIELD_REQ("destination", dec_destination, struct spec_mount, destination),
	FIELD("type", dec_str_or_null, struct spec_mount, type),
	FIELD("source", dec_str_or_null, struct spec_mount, source),
	FIELD("options", dec_strv, struct spec_mount, options),
	FIELD_SELF("uidMappings", dec_mount_uids),
	FIELD_SELF("gidMappings", dec_mount_gids),
};

/* An idmapped mount: mappings come in pairs (the runtime-spec's MUST),
 * make it idmapped even without the option (as runc does), and only a
 * bind mount can be one here.  */
static int check_idmap(struct dec *d, struct spec_mount *m)
{
	if ((m->uid_mappings == NULL) != (m->gid_mappings == NULL)) {
		dec_key(d, m->uid_mappings == NULL ? "uidMappings" : "gidMappings");
		return dec_fail(d, "required with %s",
				m->uid_mappings == NULL ? "gidMappings" : "uidMappings");
	}
	if (m->uid_mappings != NULL)
		m->idmap = true;
	if (m->idmap && !m->bind) {
		dec_key(d, "options");
		return dec_fail(d, "an idmapped mount must be a bind mount (berth idmaps "
				   "bind mounts only)");
	}
	return 0;
}

static int dec_mount(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_mount *m = out;
	size_t mark;

	if (dec_object(d, v, mount_fields, ARRAY_SIZE(mount_fields), m) < 0)
		return -1;
	mark = dec_key(d, "options");
	if (spec_mount_options_decode(m, m->options, dec_path(d), d->err) < 0)
		return -1;
	dec_pop(d, mark);
	if (m->type == NULL && !m->bind) {
		dec_key(d, "type");
		return dec_fail(d, "required (only bind mounts may omit it)");
	}
	return check_idmap(d, m);
}

static int dec_mounts(struct dec *d, const struct jnode *v, void *out)
{
	struct spec *spec = out;

	return dec_array(d, v, sizeof(struct spec_mount), (void **)&spec->mounts, &spec->n_mounts,
			 dec_mount);
}

/* ---- hooks -------------------------------------------------------------------- */

static int dec_timeout(struct dec *d, const struct jnode *v, void *out)
{
	int64_t n;

	if (dec_int_range(d, v, INT32_MIN, INT32_MAX, &n) < 0)
		return -1;
	if (n <= 0)
		return dec_fail(d, "must be greater than 0 (seconds)");
	*(int *)out = (int)n;
	return 0;
}

static const struct field hook_fields[] = {
	FIELD_REQ("path", dec_abspath, struct spec_hook, path),
	FIELD("args", dec_strv, struct spec_hook, args),
	FIELD("env", dec_strv, struct spec_hook, env),
	FIELD("timeout", dec_timeout, struct spec_hook, timeout),
};

static int dec_hook(struct dec *d, const struct jnode *v, void *out)
{
	return dec_object(d, v, hook_fields, ARRAY_SIZE(hook_fields), out);
}

static int dec_hooks(struct dec *d, const struct jnode *v, void *out)
{
	struct spec *spec = out;

	if (dec_expect(d, v, J_OBJECT) < 0)
		return -1;
	for (int k = 0; k < SPEC_HOOK_KIND_COUNT; k++) {
		struct spec_hook_list *l = &spec->hooks[k];
		const char *name = spec_hook_kind_name((enum spec_hook_kind)k);
		const struct jnode *list = json_get(v, name);
		size_t mark;

		if (list == NULL || json_type(list) == J_NULL)
			continue;
		mark = dec_key(d, name);
		if (dec_array(d, list, sizeof(struct spec_hook), (void **)&l->v, &l->n, dec_hook) <
		    0)
			return -1;
		dec_pop(d, mark);
	}
	return 0;
}

/* ---- the top level ---------------------------------------------------------------- */

static int dec_annotations(struct dec *d, const struct jnode *v, void *out)
{
	struct spec *spec = out;

	return dec_string_map(d, v, &spec->annotation_keys, &spec->annotation_values,
			      &spec->n_annotations);
}

static int dec_linux(struct dec *d, const struct jnode *v, void *out)
{
	struct spec *spec = out;

	spec->has_linux = true;
	return spec_dec_linux(d, v, &spec->linux);
}

static const struct field spec_fields[] = {
	FIELD_REQ("ociVersion", dec_version, struct spec, oci_version),
	FIELD_REQ("root", dec_root, struct spec, root),
	FIELD_SELF("mounts", dec_mounts),
	FIELD_REQ("process", spec_dec_process, struct spec, process),
	FIELD("hostname", dec_str_or_null, struct spec, hostname),
	FIELD("domainname", dec_str_or_null, struct spec, domainname),
	FIELD_SELF("hooks", dec_hooks),
	FIELD_SELF("annotations", dec_annotations),
	FIELD_SELF("linux", dec_linux),
};

static int dec_spec(struct dec *d, const struct jnode *v, void *out)
{
	struct spec *spec = out;

	if (dec_object(d, v, spec_fields, ARRAY_SIZE(spec_fields), spec) < 0)
		return -1;
	/* vectors the launcher iterates are never NULL */
	if (spec->annotation_keys == NULL) {
		spec->annotation_keys = xcalloc(1, sizeof(char *));
		spec->annotation_values = xcalloc(1, sizeof(char *));
	}
	if (spec->linux.masked_paths == NULL)
		spec->linux.masked_paths = xcalloc(1, sizeof(char *));
	if (spec->linux.readonly_paths == NULL)
		spec->linux.readonly_paths = xcalloc(1, sizeof(char *));
	return 0;
}

static int parse_skipping(const char *json, size_t len, const char *const *skip, const char *source,
			  int (*decode)(struct dec *, const struct jnode *, void *), void *out,
			  struct error **err)
{
	struct jdoc *doc = json_parse_skipping(json, len, skip, err);
	struct dec d;
	int r;

	if (doc == NULL)
		return error_wrap(err, "%s", source);
	dec_init(&d, NULL, err);
	r = decode(&d, json_root(doc), out);
	json_free(doc);
	if (r < 0)
		return error_wrap(err, "%s", source);
	return 0;
}

int spec_parse_with(const char *json, size_t len, const char *source,
		    int (*decode)(struct dec *, const struct jnode *, void *), void *out,
		    struct error **err)
{
	return parse_skipping(json, len, NULL, source, decode, out, err);
}

static struct spec *parse_config(const char *json, size_t len, const char *const *skip,
				 struct error **err)
{
	struct spec *spec = xcalloc(1, sizeof(*spec));

	if (parse_skipping(json, len, skip, "config.json", dec_spec, spec, err) < 0)
		goto fail;
	if (spec_validate(spec, err) < 0) {
		error_wrap(err, "config.json");
		goto fail;
	}
	return spec;
fail:
	spec_free(spec);
	return NULL;
}

struct spec *spec_parse(const char *json, size_t len, struct error **err)
{
	return parse_config(json, len, NULL, err);
}

struct spec *spec_parse_saved(const char *json, size_t len, struct error **err)
{
	static const char *const rules[] = {"linux", "seccomp", "syscalls", NULL};

	return parse_config(json, len, rules, err);
}

struct spec *spec_load(const char *bundle, struct error **err)
{
	cleanup_free char *path = xasprintf("%s/config.json", bundle);
	cleanup_free char *text = NULL;
	size_t len;

	if (read_file_at(AT_FDCWD, path, &text, &len, err) < 0)
		return NULL;
	return spec_parse(text, len, err);
}

struct spec_process *spec_process_parse(const char *json, size_t len, const char *source,
					struct error **err)
{
	struct spec_process *p = NULL;

	if (spec_parse_with(json, len, source, spec_dec_process, &p, err) < 0) {
		spec_process_free(p);
		return NULL;
	}
	return p;
}

struct spec_resources *spec_resources_parse(const char *json, size_t len, const char *source,
					    struct error **err)
{
	struct spec_resources *r = xcalloc(1, sizeof(*r));

	if (spec_parse_with(json, len, source, spec_dec_resources, r, err) < 0) {
		spec_resources_free(r);
		return NULL;
	}
	return r;
}
