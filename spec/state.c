/* SPDX-License-Identifier: Apache-2.0 */
/* spec/state.c — reading and writing state.json: the OCI state document
 * (what `berth state` prints and hooks read) plus berth's private part.
 * It is parsed like every other JSON berth reads, by spec/'s table-driven
 * decoder: yajl stays in spec/json.c, and no other folder sees JSON.  */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "spec/internal.h"
#include "spec/state.h"

static void write_net(struct jsonw *w, const struct spec_state *st)
{
	jsonw_key(w, "net");
	jsonw_obj_open(w);
	jsonw_kv_str(w, "bridge", st->net_bridge);
	jsonw_kv_str(w, "hostIfname", st->net_host_ifname);
	jsonw_kv_str(w, "address", st->net_address);
	jsonw_kv_uint(w, "prefix", st->net_prefix);
	jsonw_kv_str(w, "gateway", st->net_gateway);
	jsonw_kv_str(w, "mac", st->net_mac);
	jsonw_kv_str(w, "ipamDir", st->net_ipam_dir);
	jsonw_obj_close(w);
}

static void write_stdio(struct jsonw *w, const struct spec_state *st)
{
	jsonw_key(w, "stdio");
	jsonw_obj_open(w);
	jsonw_kv_str(w, "stdin", st->stdio[0]);
	jsonw_kv_str(w, "stdout", st->stdio[1]);
	jsonw_kv_str(w, "stderr", st->stdio[2]);
	jsonw_obj_close(w);
}

static void write_owner(struct jsonw *w, const struct spec_state *st)
{
	jsonw_key(w, "sandboxOwner");
	jsonw_obj_open(w);
	jsonw_kv_int(w, "pid", st->owner_pid);
	jsonw_kv_uint(w, "start", st->owner_start);
	jsonw_kv_uint(w, "pidns", st->owner_pidns);
	jsonw_obj_close(w);
}

void spec_state_write(struct jsonw *w, const struct spec_state *st, const char *status,
		      bool private)
{
	jsonw_obj_open(w);
	jsonw_kv_str(w, "ociVersion", st->oci_version ? st->oci_version : SPEC_OCI_VERSION);
	jsonw_kv_str(w, "id", st->id);
	jsonw_kv_int(w, "pid", st->pid);
	jsonw_kv_str(w, "status", status);
	jsonw_kv_str(w, "bundle", st->bundle);
	jsonw_kv_str(w, "rootfs", st->rootfs);
	jsonw_kv_str(w, "created", st->created);
	jsonw_kv_str(w, "owner", st->owner ? st->owner : "");
	if (st->n_annotations > 0) {
		jsonw_key(w, "annotations");
		jsonw_obj_open(w);
		for (size_t i = 0; i < st->n_annotations; i++)
			jsonw_kv_str(w, st->annotation_keys[i], st->annotation_values[i]);
		jsonw_obj_close(w);
	}
	if (private) {
		jsonw_key(w, "berth");
		jsonw_obj_open(w);
		jsonw_kv_uint(w, "pidStart", st->pid_start);
		jsonw_kv_str(w, "cgroup", st->cgroup);
		if (st->n_cgroup_v1 > 0) {
			jsonw_key(w, "cgroupV1");
			jsonw_obj_open(w);
			for (size_t i = 0; i < st->n_cgroup_v1; i++)
				jsonw_kv_str(w, st->cgroup_v1_names[i], st->cgroup_v1_paths[i]);
			jsonw_obj_close(w);
		}
		if (st->systemd_unit != NULL) {
			jsonw_kv_str(w, "systemdUnit", st->systemd_unit);
			jsonw_kv_bool(w, "systemdUser", st->systemd_user);
		}
		jsonw_kv_bool(w, "userns", st->has_userns);
		jsonw_kv_bool(w, "sealed", st->sealed);
		jsonw_kv_bool(w, "noNewKeyring", st->no_new_keyring);
		jsonw_kv_bool(w, "hasPoststop", st->has_poststop);
		if (st->net_bridge != NULL)
			write_net(w, st);
		jsonw_kv_str(w, "overlayDir", st->overlay_dir);
		if (st->seccomp_key != NULL)
			jsonw_kv_str(w, "seccompKey", st->seccomp_key);
		if (st->stdio[0] != NULL && st->stdio[1] != NULL && st->stdio[2] != NULL)
			write_stdio(w, st);
		if (st->owner_pid > 0)
			write_owner(w, st);
		jsonw_obj_close(w);
	}
	jsonw_obj_close(w);
}

/* ---- reading: the same table-driven decoder as config.json ------------ */

static int dec_pid(struct dec *d, const struct jnode *v, void *out)
{
	int64_t pid;

	if (dec_int_range(d, v, 0, INT32_MAX, &pid) < 0)
		return -1;
	*(pid_t *)out = (pid_t)pid;
	return 0;
}

static const struct field net_fields[] = {
	FIELD("bridge", dec_str, struct spec_state, net_bridge),
	FIELD("hostIfname", dec_str, struct spec_state, net_host_ifname),
	FIELD("address", dec_str, struct spec_state, net_address),
	FIELD("prefix", dec_uint, struct spec_state, net_prefix),
	FIELD("gateway", dec_str, struct spec_state, net_gateway),
	FIELD("mac", dec_str, struct spec_state, net_mac),
	FIELD("ipamDir", dec_str, struct spec_state, net_ipam_dir),
};

static int dec_net(struct dec *d, const struct jnode *v, void *out)
{
	return dec_object(d, v, net_fields, ARRAY_SIZE(net_fields), out);
}

static const struct field owner_fields[] = {
	FIELD_REQ("pid", dec_pid, struct spec_state, owner_pid),
	FIELD_REQ("start", dec_u64, struct spec_state, owner_start),
	FIELD("pidns", dec_u64, struct spec_state, owner_pidns),
};

static int dec_owner(struct dec *d, const struct jnode *v, void *out)
{
	return dec_object(d, v, owner_fields, ARRAY_SIZE(owner_fields), out);
}

static int dec_cgroup_v1(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_state *st = out;

	return dec_string_map(d, v, &st->cgroup_v1_names, &st->cgroup_v1_paths, &st->n_cgroup_v1);
}

static const struct field stdio_fields[] = {
	FIELD_REQ("stdin", dec_str, struct spec_state, stdio[0]),
	FIELD_REQ("stdout", dec_str, struct spec_state, stdio[1]),
	FIELD_REQ("stderr", dec_str, struct spec_state, stdio[2]),
};

static int dec_stdio(struct dec *d, const struct jnode *v, void *out)
{
	return dec_object(d, v, stdio_fields, ARRAY_SIZE(stdio_fields), out);
}

static const struct field private_fields[] = {
	FIELD("pidStart", dec_u64, struct spec_state, pid_start),
	FIELD("cgroup", dec_str, struct spec_state, cgroup),
	FIELD_SELF("cgroupV1", dec_cgroup_v1),
	FIELD("systemdUnit", dec_str, struct spec_state, systemd_unit),
	FIELD("systemdUser", dec_bool, struct spec_state, systemd_user),
	FIELD("userns", dec_bool, struct spec_state, has_userns),
	FIELD("sealed", dec_bool, struct spec_state, sealed),
	FIELD("noNewKeyring", dec_bool, struct spec_state, no_new_keyring),
	FIELD("hasPoststop", dec_bool, struct spec_state, has_poststop),
	FIELD_SELF("net", dec_net),
	FIELD("overlayDir", dec_str, struct spec_state, overlay_dir),
	FIELD("seccompKey", dec_str, struct spec_state, seccomp_key),
	FIELD_SELF("stdio", dec_stdio),
	FIELD_SELF("sandboxOwner", dec_owner),
};

static int dec_private(struct dec *d, const struct jnode *v, void *out)
{
	return dec_object(d, v, private_fields, ARRAY_SIZE(private_fields), out);
}

static int dec_annotations(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_state *st = out;

	return dec_string_map(d, v, &st->annotation_keys, &st->annotation_values,
			      &st->n_annotations);
}

static const struct field state_fields[] = {
	FIELD("ociVersion", dec_str, struct spec_state, oci_version),
	FIELD_REQ("id", dec_str, struct spec_state, id),
	FIELD("pid", dec_pid, struct spec_state, pid),
	FIELD("bundle", dec_str, struct spec_state, bundle),
	FIELD("rootfs", dec_str, struct spec_state, rootfs),
	FIELD("created", dec_str, struct spec_state, created),
	FIELD("owner", dec_str, struct spec_state, owner),
	FIELD_SELF("annotations", dec_annotations),
	FIELD_SELF("berth", dec_private),
};

static int dec_state(struct dec *d, const struct jnode *v, void *out)
{
	return dec_object(d, v, state_fields, ARRAY_SIZE(state_fields), out);
}

int spec_state_parse(const char *json, size_t len, struct spec_state *st, struct error **err)
{
	memset(st, 0, sizeof(*st));
	if (spec_parse_with(json, len, "state.json", dec_state, st, err) < 0) {
		spec_state_clear(st);
		return -1;
	}
	return 0;
}

static int dec_descriptors(struct dec *d, const struct jnode *v, void *out)
{
	char ***names = out;

	if (dec_strv(d, v, names) < 0)
		return -1;
	if (json_len(v) != 3)
		return dec_fail(d, "must name fds 0, 1 and 2 (3 strings), not %zu", json_len(v));
	return 0;
}

int spec_descriptors_parse(const char *json, size_t len, char *out[3], struct error **err)
{
	char **names = NULL;

	if (spec_parse_with(json, len, "descriptors.json", dec_descriptors, &names, err) < 0) {
		strv_free(names);
		return -1;
	}
	for (int i = 0; i < 3; i++)
		out[i] = names[i];
	free(names);
	return 0;
}

void spec_state_clear(struct spec_state *st)
{
	free(st->oci_version);
	free(st->id);
	free(st->bundle);
	free(st->rootfs);
	free(st->created);
	free(st->owner);
	for (size_t i = 0; i < st->n_annotations; i++) {
		free(st->annotation_keys[i]);
		free(st->annotation_values[i]);
	}
	free(st->annotation_keys);
	free(st->annotation_values);
	free(st->cgroup);
	free(st->systemd_unit);
	for (size_t i = 0; i < st->n_cgroup_v1; i++) {
		free(st->cgroup_v1_names[i]);
		free(st->cgroup_v1_paths[i]);
	}
	free(st->cgroup_v1_names);
	free(st->cgroup_v1_paths);
	free(st->net_bridge);
	free(st->net_host_ifname);
	free(st->net_address);
	free(st->net_gateway);
	free(st->net_mac);
	free(st->net_ipam_dir);
	free(st->overlay_dir);
	free(st->seccomp_key);
	for (int i = 0; i < 3; i++)
		free(st->stdio[i]);
	memset(st, 0, sizeof(*st));
}
