/* SPDX-License-Identifier: Apache-2.0 */
/* cgroups/plan.c — linux.resources -> the list of cgroupfs writes.
 *
 * Pure: nothing is read or written here, so the whole mapping (and every
 * refusal of a setting the host's hierarchy cannot take) is known before a
 * directory exists.  Each write carries its controller, its destination
 * (the controller's home: the cgroup2 tree, one cgroup v1 hierarchy, or
 * none) and whether it is a hard limit, a soft weight, or just the
 * default of a fresh cgroup (check.c applies the policy).  Absent and zero
 * values are not requests: docker sends memory/cpu/blockIO objects full of
 * zeros.  This file holds the common part and the dispatch on each
 * controller's home; the builders are in plan_v2.c (cgroup2 files) and
 * plan_v1.c (v1 files, as runc's fs driver writes them).  A future
 * backend (systemd properties) adds builders and a home, nothing else.
 * Writing: apply.c.  */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/internal.h"
#include "core/cleanup.h"
#include "core/mem.h"
#include "core/log.h"

static const char *const ctrl_names[] = {
	"cpuset", "cpu",     "io",	"memory",  "hugetlb", "pids",	  "rdma",
	"misc",	  "cpuacct", "devices", "freezer", "net_cls", "net_prio", "perf_event",
};
#define N_CTRLS (sizeof(ctrl_names) / sizeof(ctrl_names[0]))

const char *cg_ctrl_name(unsigned ctrl)
{
	for (size_t i = 0; i < N_CTRLS; i++)
		if (ctrl == 1u << i)
			return ctrl_names[i];
	return "?";
}

unsigned cg_ctrl_from_name(const char *name, size_t len)
{
	for (size_t i = 0; i < N_CTRLS; i++)
		if (strlen(ctrl_names[i]) == len && strncmp(ctrl_names[i], name, len) == 0)
			return 1u << i;
	return 0;
}

unsigned cg_ctrl_parse_list(const char *text)
{
	unsigned set = 0;
	const char *p = text;

	while (p != NULL && *p) {
		size_t len;

		p += strspn(p, " \t\n");
		len = strcspn(p, " \t\n");
		set |= cg_ctrl_from_name(p, len);
		p += len;
	}
	return set;
}

struct cg_write *cg_plan_add(struct cg_plan *plan, unsigned ctrl, enum cg_kind kind,
			     const char *what, const char *file, const char *fmt, ...)
{
	struct cg_write *w;
	va_list ap;

	if (plan->n == plan->cap) {
		plan->cap = plan->cap ? plan->cap * 2 : 16;
		plan->v = xreallocarray(plan->v, plan->cap, sizeof(*plan->v));
	}
	w = &plan->v[plan->n++];
	memset(w, 0, sizeof(*w));
	w->ctrl = ctrl;
	w->kind = kind;
	w->backend = cg_home(plan->homes, ctrl);
	w->what = xstrdup(what);
	w->file = xstrdup(file);
	va_start(ap, fmt);
	if (vasprintf(&w->value, fmt, ap) < 0)
		abort();
	va_end(ap);
	return w;
}

static void write_free(struct cg_write *w)
{
	free(w->what);
	free(w->file);
	free(w->value);
	free(w->alt_file);
	free(w->alt_value);
}

void cg_plan_clear(struct cg_plan *plan)
{
	for (size_t i = 0; plan->v != NULL && i < plan->n; i++)
		write_free(&plan->v[i]);
	free(plan->v);
	memset(plan, 0, sizeof(*plan));
}

void cg_plan_drop(struct cg_plan *plan, size_t i)
{
	write_free(&plan->v[i]);
	memmove(&plan->v[i], &plan->v[i + 1], (plan->n - i - 1) * sizeof(*plan->v));
	plan->n--;
}

bool cg_plan_has_hard(const struct cg_plan *plan)
{
	for (size_t i = 0; i < plan->n; i++)
		if (plan->v[i].kind == CG_HARD)
			return true;
	return false;
}

unsigned cg_plan_ctrls(const struct cg_plan *plan)
{
	unsigned set = 0;

	for (size_t i = 0; i < plan->n; i++)
		if (plan->v[i].backend == CG_HOME_V2)
			set |= plan->v[i].ctrl;
	return set;
}

bool cg_plan_uses(const struct cg_plan *plan, int backend)
{
	for (size_t i = 0; i < plan->n; i++)
		if (plan->v[i].backend == backend)
			return true;
	return false;
}

void cg_fmt_limit(char *buf, size_t size, int64_t v)
{
	if (v < 0)
		snprintf(buf, size, "max");
	else
		snprintf(buf, size, "%" PRId64, v);
}

/* A name that becomes part of a file name must stay one: no '/', no "..",
 * so a config can never reach a file of a parent cgroup.  */
int cg_check_name(const char *name, const char *what, bool dots_ok, struct error **err)
{
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' || (dots_ok && *p == '.')))
			return error_set(err, EINVAL, "%s '%s': invalid name", what, name);
	if (name[0] == '\0' || name[0] == '.')
		return error_set(err, EINVAL, "%s '%s': invalid name", what, name);
	return 0;
}

static void plan_rdma(const struct spec_resources *res, struct cg_plan *plan)
{
	for (size_t i = 0; i < res->n_rdma; i++) {
		const struct spec_rdma_limit *r = &res->rdma[i];
		char h[48] = "", o[48] = "";

		if (!r->hca_handles.set && !r->hca_objects.set)
			continue;
		if (r->hca_handles.set)
			snprintf(h, sizeof(h), " hca_handle=%" PRIu64, r->hca_handles.v);
		if (r->hca_objects.set)
			snprintf(o, sizeof(o), " hca_object=%" PRIu64, r->hca_objects.v);
		cg_plan_add(plan, CG_CTRL_RDMA, CG_HARD, "rdma limit", "rdma.max", "%s%s%s",
			    r->device, h, o);
	}
}

/* linux.resources.unified: written last, so it overrides; the controller
 * is the key's prefix ("memory.high" -> memory), none for "cgroup.*".
 * The keys are cgroup2 files: one of a controller that is a v1
 * hierarchy here has nowhere to go (runc refuses unified on v1 at all). */
static int plan_unified(const struct spec_resources *res, struct cg_plan *plan, struct error **err)
{
	for (size_t i = 0; i < res->n_unified; i++)
		if (cg_check_name(res->unified_keys[i], "unified", true, err) < 0)
			return -1;
	for (size_t i = 0; i < res->n_unified; i++) {
		const char *key = res->unified_keys[i];
		const char *dot = strchr(key, '.');
		unsigned ctrl = dot ? cg_ctrl_from_name(key, dot - key) : 0;
		cleanup_free char *what = xasprintf("unified '%s'", key);

		if (cg_home(plan->homes, ctrl) >= 0)
			return cg_refuse(err, EOPNOTSUPP,
					 "%s is a cgroup v2 file, but the \"%s\" controller is a "
					 "cgroup v1 hierarchy on this host (set it with "
					 "linux.resources instead)",
					 what, cg_ctrl_v1_name(ctrl));
		cg_plan_add(plan, ctrl, CG_HARD, what, key, "%s", res->unified_values[i]);
	}
	return 0;
}

static int plan_memory(const struct spec_resources *res, const struct cg_current *cur,
		       struct cg_plan *plan, struct error **err)
{
	uint64_t cur_limit = cur != NULL ? cur->v1_memory_limit : 0;

	if (!res->has_memory)
		return 0;
	if (cg_home(plan->homes, CG_CTRL_MEMORY) >= 0)
		return cg_plan_memory_v1(&res->memory, cur_limit, plan, err);
	return cg_plan_memory_v2(&res->memory, plan, err);
}

static int plan_cpu(const struct spec_resources *res, const struct cg_current *cur,
		    struct cg_plan *plan, struct error **err)
{
	int rc;

	if (!res->has_cpu)
		return 0;
	if (cg_home(plan->homes, CG_CTRL_CPU) >= 0)
		rc = cg_plan_cpu_v1(&res->cpu, plan, err);
	else
		rc = cg_plan_cpu_v2(&res->cpu, cur != NULL ? cur->cpu_max : NULL, plan, err);
	if (rc == 0)
		cg_plan_cpuset(&res->cpu, plan);
	return rc;
}

static void plan_pids(const struct spec_resources *res, struct cg_plan *plan)
{
	int64_t v = res->pids_limit.v;

	if (!res->pids_limit.set)
		return;
	/* <= 0 is "unlimited" in the OCI spec; the same file on v1 and v2 */
	if (v > 0)
		cg_plan_add(plan, CG_CTRL_PIDS, CG_HARD, "pids limit", "pids.max", "%" PRId64, v);
	else
		cg_plan_add(plan, CG_CTRL_PIDS, CG_DEFAULT, "pids limit", "pids.max", "max");
}

static int plan_hugetlb(const struct spec_resources *res, struct cg_plan *plan, struct error **err)
{
	for (size_t i = 0; i < res->n_hugepages; i++)
		if (cg_check_name(res->hugepages[i].page_size, "hugepage size", false, err) < 0)
			return -1;
	if (cg_home(plan->homes, CG_CTRL_HUGETLB) >= 0)
		cg_plan_hugetlb_v1(res, plan);
	else
		cg_plan_hugetlb_v2(res, plan);
	return 0;
}

static int plan_blkio(const struct spec_resources *res, struct cg_plan *plan, struct error **err)
{
	if (!res->has_blkio)
		return 0;
	if (cg_home(plan->homes, CG_CTRL_IO) >= 0) {
		cg_plan_blkio_v1(&res->blkio, plan);
		return 0;
	}
	return cg_plan_blkio_v2(&res->blkio, plan, err);
}

int cg_plan_build(const struct spec_resources *res, const struct cg_homes *homes,
		  const struct cg_current *cur, struct cg_plan *plan, struct error **err)
{
	memset(plan, 0, sizeof(*plan));
	plan->homes = homes;
	if (res == NULL)
		return 0;
	if (plan_memory(res, cur, plan, err) < 0 || plan_cpu(res, cur, plan, err) < 0)
		goto fail;
	plan_pids(res, plan);
	if (plan_blkio(res, plan, err) < 0 || plan_hugetlb(res, plan, err) < 0)
		goto fail;
	plan_rdma(res, plan);
	if (plan_unified(res, plan, err) < 0)
		goto fail;
	cg_plan_network(res, plan);
	plan->homes = NULL;
	return 0;
fail:
	cg_plan_clear(plan);
	return -1;
}
