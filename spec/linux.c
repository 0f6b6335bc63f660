/* SPDX-License-Identifier: Apache-2.0 */
/* spec/linux.c — the "linux" object, except "resources" (resources.c) and
 * "seccomp" (seccomp.c): namespaces, id mappings, time offsets, device
 * nodes, sysctls, propagation, masked/readonly paths, personality.
 *
 * Checks that relate these to each other or to the rest of the config
 * (a hostname needs a uts namespace, net.* sysctls need a network
 * namespace ...) are in validate.c.  */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>

#include "core/cleanup.h"
#include "core/mem.h"
#include "spec/internal.h"

/* the kernel refuses more lines in uid_map/gid_map (since 4.15) */
#define MAX_ID_MAPPINGS 340

/* ---- namespaces ----------------------------------------------------------- */

struct ns_entry {
	char *type;
	char *path;
};

static const struct field ns_fields[] = {
	FIELD_REQ("type", dec_str, struct ns_entry, type),
	FIELD("path", dec_str_or_null, struct ns_entry, path),
};

static int ns_add(struct dec *d, struct spec_linux *l, struct ns_entry *e)
{
	enum spec_ns ns;
	size_t mark;

	mark = dec_key(d, "type");
	if (!spec_ns_lookup(e->type, &ns))
		return dec_fail(d, "unknown namespace %s", quote(e->type).s);
	if (l->ns[ns].present)
		return dec_fail(d, "duplicate namespace %s", quote(e->type).s);
	dec_pop(d, mark);
	if (e->path != NULL && !path_is_absolute(e->path)) {
		dec_key(d, "path");
		return dec_fail(d, "must be an absolute path");
	}
	l->ns[ns].present = true;
	l->ns[ns].path = steal_ptr(e->path);
	return 0;
}

static int dec_namespaces(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_linux *l = out;

	if (dec_expect(d, v, J_ARRAY) < 0)
		return -1;
	for (size_t i = 0; i < json_len(v); i++) {
		struct ns_entry e = {NULL, NULL};
		size_t mark = dec_index(d, i);
		int r = dec_object(d, json_at(v, i), ns_fields, ARRAY_SIZE(ns_fields), &e);

		if (r == 0)
			r = ns_add(d, l, &e);
		free(e.type);
		free(e.path);
		if (r < 0)
			return -1;
		dec_pop(d, mark);
	}
	return 0;
}

/* ---- uid/gid mappings --------------------------------------------------- */

static const struct field idmap_fields[] = {
	FIELD_REQ("containerID", dec_u32, struct spec_idmap, container_id),
	FIELD_REQ("hostID", dec_u32, struct spec_idmap, host_id),
	FIELD_REQ("size", dec_u32, struct spec_idmap, size),
};

static int dec_idmap(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_idmap *m = out;
	size_t mark;

	if (dec_object(d, v, idmap_fields, ARRAY_SIZE(idmap_fields), m) < 0)
		return -1;
	if (m->size > 0)
		return 0;
	mark = dec_key(d, "size");
	dec_fail(d, "must be greater than 0");
	dec_pop(d, mark);
	return -1;
}

int spec_dec_idmaps(struct dec *d, const struct jnode *v, struct spec_idmap **maps, size_t *n)
{
	if (dec_array(d, v, sizeof(**maps), (void **)maps, n, dec_idmap) < 0)
		return -1;
	if (*n > MAX_ID_MAPPINGS)
		return dec_fail(d, "more than %d mappings", MAX_ID_MAPPINGS);
	return 0;
}

static int dec_uid_mappings(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_linux *l = out;

	return spec_dec_idmaps(d, v, &l->uid_mappings, &l->n_uid_mappings);
}

static int dec_gid_mappings(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_linux *l = out;

	return spec_dec_idmaps(d, v, &l->gid_mappings, &l->n_gid_mappings);
}

/* ---- time offsets ----------------------------------------------------------- */

static int dec_nanosecs(struct dec *d, const struct jnode *v, void *out)
{
	uint64_t n;

	if (dec_uint_range(d, v, 999999999, &n) < 0)
		return -1;
	*(uint32_t *)out = (uint32_t)n;
	return 0;
}

static const struct field offset_fields[] = {
	FIELD("secs", dec_i64, struct spec_time_offset, secs),
	FIELD("nanosecs", dec_nanosecs, struct spec_time_offset, nanosecs),
};

static int dec_time_offsets(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_linux *l = out;

	if (dec_expect(d, v, J_OBJECT) < 0)
		return -1;
	for (size_t i = 0; i < json_len(v); i++) {
		const char *clock = json_key_at(v, i);
		size_t mark = dec_mapkey(d, clock);
		struct spec_time_offset *o;

		if (strcmp(clock, "monotonic") == 0)
			o = &l->time_monotonic;
		else if (strcmp(clock, "boottime") == 0)
			o = &l->time_boottime;
		else
			return dec_fail(d, "unknown clock (monotonic or "
					   "boottime)");
		if (dec_object(d, json_at(v, i), offset_fields, ARRAY_SIZE(offset_fields), o) < 0)
			return -1;
		o->set = true;
		dec_pop(d, mark);
	}
	return 0;
}

/* ---- device nodes ------------------------------------------------------------ */

static int dec_dev_type(struct dec *d, const struct jnode *v, void *out)
{
	const char *t;

	if (dec_expect(d, v, J_STRING) < 0)
		return -1;
	t = json_string(v);
	if (strlen(t) != 1 || strchr("cbup", t[0]) == NULL)
		return dec_fail(d, "unknown device type %s (c, b, u or p)", quote(t).s);
	*(char *)out = t[0];
	return 0;
}

static int dec_dev_path(struct dec *d, const struct jnode *v, void *out)
{
	if (dec_abspath(d, v, out) < 0)
		return -1;
	if (path_has_dotdot(*(char **)out))
		return dec_fail(d, "must not contain \"..\"");
	return 0;
}

static int dec_dev_number(struct dec *d, const struct jnode *v, void *out)
{
	return dec_int_range(d, v, 0, UINT32_MAX, out);
}

static int dec_file_mode(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_device *dev = out;
	uint64_t n;

	if (dec_uint_range(d, v, UINT32_MAX, &n) < 0)
		return -1;
	/* podman sends the stat mode with its S_IFCHR bits: keep the
	 * permissions only, as runc does */
	dev->has_file_mode = true;
	dev->file_mode = (mode_t)(n & 07777);
	return 0;
}

static int dec_dev_uid(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_device *dev = out;

	dev->has_uid = true;
	return dec_u32(d, v, &dev->uid);
}

static int dec_dev_gid(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_device *dev = out;

	dev->has_gid = true;
	return dec_u32(d, v, &dev->gid);
}

static const struct field device_fields[] = {
	FIELD_REQ("type", dec_dev_type, struct spec_device, type),
	FIELD_REQ("path", dec_dev_path, struct spec_device, path),
	FIELD("major", dec_dev_number, struct spec_device, major),
	FIELD("minor", dec_dev_number, struct spec_device, minor),
	FIELD_SELF("fileMode", dec_file_mode),
	FIELD_SELF("uid", dec_dev_uid),
	FIELD_SELF("gid", dec_dev_gid),
};

static int dec_device(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_device *dev = out;
	static const char *const numbers[] = {"major", "minor"};

	if (dec_object(d, v, device_fields, ARRAY_SIZE(device_fields), dev) < 0)
		return -1;
	if (dev->type == 'p')
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(numbers); i++) {
		const struct jnode *n = json_get(v, numbers[i]);

		if (n == NULL || json_type(n) == J_NULL) {
			dec_key(d, numbers[i]);
			return dec_fail(d, "required for type \"%c\"", dev->type);
		}
	}
	return 0;
}

static int dec_devices(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_linux *l = out;

	return dec_array(d, v, sizeof(struct spec_device), (void **)&l->devices, &l->n_devices,
			 dec_device);
}

/* ---- sysctl, propagation, personality ----------------------------------------- */

/* sysctl(8) also accepts '/' as the separator; then a '.' is part of a
 * name ("net/ipv4/conf/eth0.100/rp_filter").  Store one form: dotted,
 * with such dots turned into '/' (the launcher swaps them back).  */
static void sysctl_normalize(char *key)
{
	char *sep = strpbrk(key, "./");

	if (sep == NULL || *sep == '.')
		return;
	for (char *c = key; *c != '\0'; c++) {
		if (*c == '.')
			*c = '/';
		else if (*c == '/')
			*c = '.';
	}
}

static int dec_sysctl(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_linux *l = out;

	if (dec_string_map(d, v, &l->sysctl_keys, &l->sysctl_values, &l->n_sysctl) < 0)
		return -1;
	for (size_t i = 0; i < l->n_sysctl; i++)
		sysctl_normalize(l->sysctl_keys[i]);
	return 0;
}

static const struct name_value rootfs_propagations[] = {
	{"private", MS_PRIVATE},       {"rprivate", MS_PRIVATE | MS_REC},
	{"shared", MS_SHARED},	       {"rshared", MS_SHARED | MS_REC},
	{"slave", MS_SLAVE},	       {"rslave", MS_SLAVE | MS_REC},
	{"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
};

static int dec_propagation(struct dec *d, const struct jnode *v, void *out)
{
	long p;

	if (dec_expect(d, v, J_STRING) < 0)
		return -1;
	if (json_string(v)[0] == '\0')
		return 0;
	if (!name_lookup(rootfs_propagations, ARRAY_SIZE(rootfs_propagations), json_string(v), &p))
		return dec_fail(d, "unknown propagation %s", quote(json_string(v)).s);
	*(unsigned long *)out = (unsigned long)p;
	return 0;
}

static int dec_domain(struct dec *d, const struct jnode *v, void *out)
{
	const char *s;

	if (dec_expect(d, v, J_STRING) < 0)
		return -1;
	s = json_string(v);
	if (strcmp(s, "LINUX") == 0)
		*(unsigned long *)out = PER_LINUX;
	else if (strcmp(s, "LINUX32") == 0)
		*(unsigned long *)out = PER_LINUX32;
	else
		return dec_fail(d, "unknown domain %s (LINUX or LINUX32)", quote(s).s);
	return 0;
}

/* No personality flag is defined by the runtime-spec; like runc, accept
 * a list of strings and apply none.  */
static int dec_ignored_strings(struct dec *d, const struct jnode *v, void *out)
{
	char **tmp = NULL;
	int r = dec_strv(d, v, &tmp);

	strv_free(tmp);
	return r;
}

static const struct field personality_fields[] = {
	FIELD_REQ("domain", dec_domain, struct spec_linux, personality),
	FIELD_SELF("flags", dec_ignored_strings),
};

static int dec_personality(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_linux *l = out;

	l->has_personality = true;
	return dec_object(d, v, personality_fields, ARRAY_SIZE(personality_fields), l);
}

static int dec_resources_in_linux(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_linux *l = out;

	l->has_resources = true;
	return spec_dec_resources(d, v, &l->resources);
}

/* Intel RDT is not implemented.  The runtime-spec requires an error when
 * a runtime cannot apply it, rather than a container without the cache
 * or bandwidth limits it asked for.  (Properties newer than the 1.2
 * berth implements, such as netDevices or memoryPolicy, are unknown
 * properties, which the runtime-spec says to ignore.)  */
static int dec_unsupported(struct dec *d, const struct jnode *v, void *out)
{
	return dec_fail(d, "not supported by berth");
}

static const struct field linux_fields[] = {
	FIELD_SELF("namespaces", dec_namespaces),
	FIELD_SELF("uidMappings", dec_uid_mappings),
	FIELD_SELF("gidMappings", dec_gid_mappings),
	FIELD_SELF("timeOffsets", dec_time_offsets),
	FIELD_SELF("devices", dec_devices),
	FIELD("cgroupsPath", dec_str_or_null, struct spec_linux, cgroups_path),
	FIELD_SELF("resources", dec_resources_in_linux),
	FIELD_SELF("sysctl", dec_sysctl),
	FIELD("seccomp", spec_dec_seccomp, struct spec_linux, seccomp),
	FIELD("rootfsPropagation", dec_propagation, struct spec_linux, rootfs_propagation),
	FIELD("maskedPaths", dec_abspathv, struct spec_linux, masked_paths),
	FIELD("readonlyPaths", dec_abspathv, struct spec_linux, readonly_paths),
	FIELD("mountLabel", dec_str_or_null, struct spec_linux, mount_label),
	FIELD_SELF("personality", dec_personality),
	FIELD_SELF("intelRdt", dec_unsupported),
};

int spec_dec_linux(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_linux *l = out;

	if (dec_object(d, v, linux_fields, ARRAY_SIZE(linux_fields), l) < 0)
		return -1;
	/* the launcher may iterate these without NULL checks */
	if (l->masked_paths == NULL)
		l->masked_paths = xcalloc(1, sizeof(char *));
	if (l->readonly_paths == NULL)
		l->readonly_paths = xcalloc(1, sizeof(char *));
	return 0;
}
