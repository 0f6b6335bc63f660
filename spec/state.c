/* spec/state.c — reading and writing state.json.  */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "core/fsutil.h"
#include "spec/state.h"

#define OCI_VERSION "1.2.0"

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

void spec_state_write(struct jsonw *w, const struct spec_state *st, const char *status,
		      bool private)
{
	jsonw_obj_open(w);
	jsonw_kv_str(w, "ociVersion", st->oci_version ? st->oci_version : OCI_VERSION);
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
		jsonw_kv_bool(w, "userns", st->has_userns);
		jsonw_kv_bool(w, "sealed", st->sealed);
		jsonw_kv_bool(w, "noNewKeyring", st->no_new_keyring);
		jsonw_kv_bool(w, "hasPoststop", st->has_poststop);
		if (st->net_bridge != NULL)
			write_net(w, st);
		jsonw_kv_str(w, "overlayDir", st->overlay_dir);
		jsonw_obj_close(w);
	}
	jsonw_obj_close(w);
}

static char *get_str(yajl_val obj, const char *key)
{
	const char *path[] = {key, NULL};
	yajl_val v = yajl_tree_get(obj, path, yajl_t_string);

	return v != NULL ? xstrdup(YAJL_GET_STRING(v)) : NULL;
}

static long long get_int(yajl_val obj, const char *key)
{
	const char *path[] = {key, NULL};
	yajl_val v = yajl_tree_get(obj, path, yajl_t_number);

	if (v == NULL)
		return 0;
	return strtoll(YAJL_GET_NUMBER(v), NULL, 10);
}

static unsigned long long get_uint(yajl_val obj, const char *key)
{
	const char *path[] = {key, NULL};
	yajl_val v = yajl_tree_get(obj, path, yajl_t_number);

	if (v == NULL)
		return 0;
	return strtoull(YAJL_GET_NUMBER(v), NULL, 10);
}

static yajl_val get_obj(yajl_val obj, const char *key)
{
	const char *path[] = {key, NULL};

	return obj != NULL ? yajl_tree_get(obj, path, yajl_t_object) : NULL;
}

static void parse_annotations(yajl_val root, struct spec_state *st)
{
	yajl_val a = get_obj(root, "annotations");
	size_t n;

	if (a == NULL)
		return;
	n = a->u.object.len;
	st->annotation_keys = xcalloc(n + 1, sizeof(char *));
	st->annotation_values = xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		yajl_val v = a->u.object.values[i];

		if (!YAJL_IS_STRING(v))
			continue;
		st->annotation_keys[st->n_annotations] = xstrdup(a->u.object.keys[i]);
		st->annotation_values[st->n_annotations++] = xstrdup(YAJL_GET_STRING(v));
	}
}

static void parse_private(yajl_val b, struct spec_state *st)
{
	yajl_val net = get_obj(b, "net");
	const char *path[] = {"userns", NULL};

	st->pid_start = get_uint(b, "pidStart");
	st->cgroup = get_str(b, "cgroup");
	st->has_userns = YAJL_IS_TRUE(yajl_tree_get(b, path, yajl_t_true));
	path[0] = "sealed";
	st->sealed = YAJL_IS_TRUE(yajl_tree_get(b, path, yajl_t_true));
	path[0] = "noNewKeyring";
	st->no_new_keyring = YAJL_IS_TRUE(yajl_tree_get(b, path, yajl_t_true));
	path[0] = "hasPoststop";
	st->has_poststop = YAJL_IS_TRUE(yajl_tree_get(b, path, yajl_t_true));
	st->overlay_dir = get_str(b, "overlayDir");
	if (net == NULL)
		return;
	st->net_bridge = get_str(net, "bridge");
	st->net_host_ifname = get_str(net, "hostIfname");
	st->net_address = get_str(net, "address");
	st->net_prefix = (unsigned)get_uint(net, "prefix");
	st->net_gateway = get_str(net, "gateway");
	st->net_mac = get_str(net, "mac");
	st->net_ipam_dir = get_str(net, "ipamDir");
}

int spec_state_parse(const char *json, size_t len, struct spec_state *st, struct error **err)
{
	char errbuf[256] = "";
	char *copy = strndup(json, len);
	yajl_val root;
	yajl_val b;

	memset(st, 0, sizeof(*st));
	if (copy == NULL)
		return error_set(err, ENOMEM, "state.json");
	root = yajl_tree_parse(copy, errbuf, sizeof(errbuf));
	free(copy);
	if (root == NULL || !YAJL_IS_OBJECT(root)) {
		yajl_tree_free(root);
		return error_set(err, 0, "state.json: not a JSON object%s%s", errbuf[0] ? ": " : "",
				 errbuf);
	}
	st->oci_version = get_str(root, "ociVersion");
	st->id = get_str(root, "id");
	st->pid = (pid_t)get_int(root, "pid");
	st->bundle = get_str(root, "bundle");
	st->rootfs = get_str(root, "rootfs");
	st->created = get_str(root, "created");
	st->owner = get_str(root, "owner");
	parse_annotations(root, st);
	b = get_obj(root, "berth");
	if (b != NULL)
		parse_private(b, st);
	yajl_tree_free(root);
	if (st->id == NULL)
		return error_set(err, 0, "state.json: no id");
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
	free(st->net_bridge);
	free(st->net_host_ifname);
	free(st->net_address);
	free(st->net_gateway);
	free(st->net_mac);
	free(st->net_ipam_dir);
	free(st->overlay_dir);
	memset(st, 0, sizeof(*st));
}
