/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/criu_msg.c — CRIU's RPC messages: berth's plain request in,
 * protobuf out; protobuf replies in, berth's plain reply out.  The only
 * file that sees protobuf-c's generated types (build/gen/rpc.pb-c.h,
 * from third_party/criu/rpc.proto).  No I/O: criu.c does that.  */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "runtime/criu.h"
#include "rpc.pb-c.h"

void criu_request_init(struct criu_request *r, enum criu_kind kind)
{
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->images_dir_fd = r->work_dir_fd = -1;
	r->cg_mode = CRIU_CG_DEFAULT;
}

static void pairs_free(struct criu_pair *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(p[i].key);
		free(p[i].val);
	}
	free(p);
}

void criu_request_clear(struct criu_request *r)
{
	free(r->log_file);
	free(r->root);
	free(r->parent_img);
	free(r->freeze_cgroup);
	pairs_free(r->ext_mnt, r->n_ext_mnt);
	pairs_free(r->cg_root, r->n_cg_root);
	pairs_free(r->join_ns, r->n_join_ns);
	for (size_t i = 0; i < r->n_inherit; i++)
		free(r->inherit[i].key);
	free(r->inherit);
	for (size_t i = 0; i < r->n_external; i++)
		free(r->external[i]);
	free(r->external);
	memset(r, 0, sizeof(*r));
}

static void pair_add(struct criu_pair **p, size_t *n, const char *key, const char *val)
{
	*p = xrealloc(*p, (*n + 1) * sizeof(**p));
	(*p)[*n].key = key != NULL ? xstrdup(key) : NULL;
	(*p)[*n].val = xstrdup(val);
	(*n)++;
}

void criu_add_ext_mnt(struct criu_request *r, const char *key, const char *val)
{
	/* CRIU refuses a mount point named twice */
	for (size_t i = 0; i < r->n_ext_mnt; i++)
		if (strcmp(r->ext_mnt[i].key, key) == 0)
			return;
	pair_add(&r->ext_mnt, &r->n_ext_mnt, key, val);
}

void criu_add_cg_root(struct criu_request *r, const char *ctrl, const char *path)
{
	pair_add(&r->cg_root, &r->n_cg_root, ctrl, path);
}

void criu_add_join_ns(struct criu_request *r, const char *ns, const char *file)
{
	pair_add(&r->join_ns, &r->n_join_ns, ns, file);
}

void criu_add_inherit(struct criu_request *r, const char *key, int fd)
{
	r->inherit = xrealloc(r->inherit, (r->n_inherit + 1) * sizeof(*r->inherit));
	r->inherit[r->n_inherit].key = xstrdup(key);
	r->inherit[r->n_inherit].fd = fd;
	r->n_inherit++;
}

void criu_add_external(struct criu_request *r, const char *ext)
{
	r->external = xrealloc(r->external, (r->n_external + 1) * sizeof(char *));
	r->external[r->n_external++] = xstrdup(ext);
}

/* The messages below point into the request's own strings: they live
 * only while it is packed.  */
struct opts_mem {
	ExtMountMap *ext, **ext_p;
	CgroupRoot *cg, **cg_p;
	JoinNamespace *ns, **ns_p;
	InheritFd *inh, **inh_p;
};

static void opts_lists(const struct criu_request *r, CriuOpts *o, struct opts_mem *m)
{
	m->ext = xcalloc(r->n_ext_mnt + 1, sizeof(*m->ext));
	m->ext_p = xcalloc(r->n_ext_mnt + 1, sizeof(*m->ext_p));
	for (size_t i = 0; i < r->n_ext_mnt; i++) {
		ext_mount_map__init(&m->ext[i]);
		m->ext[i].key = r->ext_mnt[i].key;
		m->ext[i].val = r->ext_mnt[i].val;
		m->ext_p[i] = &m->ext[i];
	}
	o->n_ext_mnt = r->n_ext_mnt;
	o->ext_mnt = m->ext_p;
	m->cg = xcalloc(r->n_cg_root + 1, sizeof(*m->cg));
	m->cg_p = xcalloc(r->n_cg_root + 1, sizeof(*m->cg_p));
	for (size_t i = 0; i < r->n_cg_root; i++) {
		cgroup_root__init(&m->cg[i]);
		m->cg[i].ctrl = r->cg_root[i].key;
		m->cg[i].path = r->cg_root[i].val;
		m->cg_p[i] = &m->cg[i];
	}
	o->n_cg_root = r->n_cg_root;
	o->cg_root = m->cg_p;
	m->ns = xcalloc(r->n_join_ns + 1, sizeof(*m->ns));
	m->ns_p = xcalloc(r->n_join_ns + 1, sizeof(*m->ns_p));
	for (size_t i = 0; i < r->n_join_ns; i++) {
		join_namespace__init(&m->ns[i]);
		m->ns[i].ns = r->join_ns[i].key;
		m->ns[i].ns_file = r->join_ns[i].val;
		m->ns_p[i] = &m->ns[i];
	}
	o->n_join_ns = r->n_join_ns;
	o->join_ns = m->ns_p;
	m->inh = xcalloc(r->n_inherit + 1, sizeof(*m->inh));
	m->inh_p = xcalloc(r->n_inherit + 1, sizeof(*m->inh_p));
	for (size_t i = 0; i < r->n_inherit; i++) {
		inherit_fd__init(&m->inh[i]);
		m->inh[i].key = r->inherit[i].key;
		m->inh[i].fd = r->inherit[i].fd;
		m->inh_p[i] = &m->inh[i];
	}
	o->n_inherit_fd = r->n_inherit;
	o->inherit_fd = m->inh_p;
	o->n_external = r->n_external;
	o->external = r->external;
}

static void opts_mem_free(struct opts_mem *m)
{
	free(m->ext);
	free(m->ext_p);
	free(m->cg);
	free(m->cg_p);
	free(m->ns);
	free(m->ns_p);
	free(m->inh);
	free(m->inh_p);
}

#define SET_BOOL(o, field, v) ((o)->has_##field = 1, (o)->field = (v))

/* the scalar options: every boolean is sent, so CRIU's configuration
 * file cannot turn on what the caller did not ask for */
static void opts_scalars(const struct criu_request *r, CriuOpts *o)
{
	o->images_dir_fd = r->images_dir_fd;
	if (r->work_dir_fd >= 0) {
		o->has_work_dir_fd = 1;
		o->work_dir_fd = r->work_dir_fd;
	}
	if (r->pid > 0) {
		o->has_pid = 1;
		o->pid = r->pid;
	}
	o->has_log_level = 1;
	o->log_level = 4; /* as runc: enough to explain any failure */
	o->log_file = r->log_file;
	o->root = r->root;
	o->parent_img = r->parent_img;
	o->freeze_cgroup = r->freeze_cgroup;
	SET_BOOL(o, leave_running, r->leave_running);
	SET_BOOL(o, tcp_established, r->tcp_established);
	SET_BOOL(o, ext_unix_sk, r->ext_unix_sk);
	SET_BOOL(o, shell_job, r->shell_job);
	SET_BOOL(o, file_locks, r->file_locks);
	SET_BOOL(o, auto_dedup, r->auto_dedup);
	SET_BOOL(o, track_mem, r->track_mem);
	SET_BOOL(o, rst_sibling, r->rst_sibling);
	SET_BOOL(o, evasive_devices, r->evasive_devices);
	SET_BOOL(o, orphan_pts_master, r->orphan_pts_master);
	SET_BOOL(o, notify_scripts, 1);
	SET_BOOL(o, manage_cgroups, 1); /* the old name of the mode below */
	o->has_manage_cgroups_mode = 1;
	o->manage_cgroups_mode = (CriuCgMode)r->cg_mode;
	o->has_empty_ns = 1;
	o->empty_ns = r->empty_ns;
}

static int pack_req(const CriuReq *req, uint8_t **out, size_t *len, struct error **err)
{
	size_t n = criu_req__get_packed_size(req);

	*out = xcalloc(1, n > 0 ? n : 1);
	*len = criu_req__pack(req, *out);
	if (*len != n) {
		free(*out);
		*out = NULL;
		return error_set(err, 0, "criu: cannot encode the request");
	}
	return 0;
}

int criu_request_pack(const struct criu_request *r, uint8_t **out, size_t *len, struct error **err)
{
	CriuReq req = CRIU_REQ__INIT;
	CriuOpts opts = CRIU_OPTS__INIT;
	CriuFeatures feat = CRIU_FEATURES__INIT;
	struct opts_mem m = {0};
	int rc;

	req.type = (CriuReqType)r->kind;
	if (r->kind == CRIU_FEATURE_CHECK) {
		feat.has_mem_track = 1;
		feat.mem_track = r->want_mem_track;
		req.features = &feat;
	}
	if (r->kind != CRIU_VERSION && r->kind != CRIU_FEATURE_CHECK) {
		opts_scalars(r, &opts);
		opts_lists(r, &opts, &m);
		req.opts = &opts;
	}
	rc = pack_req(&req, out, len, err);
	opts_mem_free(&m);
	return rc;
}

int criu_notify_ack_pack(uint8_t **out, size_t *len, struct error **err)
{
	CriuReq req = CRIU_REQ__INIT;

	req.type = CRIU_REQ_TYPE__NOTIFY;
	req.has_notify_success = 1;
	req.notify_success = 1;
	return pack_req(&req, out, len, err);
}

/* the type-specific part of a reply */
static int reply_body(const CriuResp *m, struct criu_reply *r, struct error **err)
{
	switch (m->type) {
	case CRIU_REQ_TYPE__NOTIFY:
		if (m->notify == NULL || m->notify->script == NULL)
			return error_set(err, 0, "criu: a notification without a script name");
		snprintf(r->script, sizeof(r->script), "%s", m->notify->script);
		r->pid = m->notify->has_pid ? m->notify->pid : 0;
		return 0;
	case CRIU_REQ_TYPE__RESTORE:
		if (m->success && m->restore == NULL)
			return error_set(err, 0, "criu: a restore reply without the pid");
		r->pid = m->restore != NULL ? m->restore->pid : 0;
		return 0;
	case CRIU_REQ_TYPE__VERSION:
		if (m->success && m->version == NULL)
			return error_set(err, 0, "criu: a version reply without the version");
		if (m->version != NULL) {
			r->major = m->version->major_number;
			r->minor = m->version->minor_number;
			r->sublevel = m->version->has_sublevel ? m->version->sublevel : 0;
		}
		return 0;
	case CRIU_REQ_TYPE__FEATURE_CHECK:
		r->mem_track =
			m->features != NULL && m->features->has_mem_track && m->features->mem_track;
		return 0;
	case CRIU_REQ_TYPE__DUMP:
	case CRIU_REQ_TYPE__PRE_DUMP: return 0;
	default: return error_set(err, 0, "criu: a reply of unexpected type %d", (int)m->type);
	}
}

int criu_reply_parse(const uint8_t *buf, size_t len, struct criu_reply *r, struct error **err)
{
	CriuResp *m;
	int rc;

	memset(r, 0, sizeof(*r));
	m = criu_resp__unpack(NULL, len, buf);
	if (m == NULL)
		return error_set(err, 0, "criu: a reply that does not decode (%zu bytes)", len);
	r->kind = (enum criu_kind)m->type;
	r->success = m->success;
	r->cr_errno = m->has_cr_errno ? m->cr_errno : 0;
	if (m->cr_errmsg != NULL)
		snprintf(r->errmsg, sizeof(r->errmsg), "%s", m->cr_errmsg);
	rc = reply_body(m, r, err);
	criu_resp__free_unpacked(m, NULL);
	return rc;
}
