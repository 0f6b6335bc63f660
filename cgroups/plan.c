/* SPDX-License-Identifier: Apache-2.0 */
/* cgroups/plan.c — linux.resources -> the list of cgroupfs writes.
 *
 * Pure: nothing is read or written here, so the whole mapping (and every
 * v1-only refusal) is known before a directory exists.  Each write carries
 * its controller and whether it is a hard limit, a soft weight, or just the
 * default of a fresh cgroup (check.c applies the policy).  Absent and zero
 * values are not requests: docker sends memory/cpu/blockIO objects full of
 * zeros.  Writing: apply.c.  */
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
	"cpuset", "cpu", "io", "memory", "hugetlb", "pids", "rdma", "misc",
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

static struct cg_write *add(struct cg_plan *plan, unsigned ctrl, enum cg_kind kind,
			    const char *what, const char *file, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static struct cg_write *add(struct cg_plan *plan, unsigned ctrl, enum cg_kind kind,
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
	for (size_t i = 0; i < plan->n; i++)
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
		set |= plan->v[i].ctrl;
	return set;
}

/* -1 (and any negative) is "max" in every *.max file */
static void fmt_limit(char *buf, size_t size, int64_t v)
{
	if (v < 0)
		snprintf(buf, size, "max");
	else
		snprintf(buf, size, "%" PRId64, v);
}

static int plan_memory(const struct spec_memory *m, struct cg_plan *plan, struct error **err)
{
	int64_t limit = m->limit.set ? m->limit.v : 0;
	int64_t swap_oci = m->swap.set ? m->swap.v : 0;
	int64_t swap;
	char buf[32];

	if (m->kernel.set && m->kernel.v != 0)
		return error_set(err, EINVAL,
				 "memory.kernel is a cgroup v1 "
				 "setting; cgroup v2 has no kernel memory "
				 "limit (remove it)");
	if (m->kernel_tcp.set && m->kernel_tcp.v != 0)
		return error_set(err, EINVAL,
				 "memory.kernelTCP is a cgroup v1 "
				 "setting; cgroup v2 has no kernel TCP limit "
				 "(remove it)");
	if (m->swappiness.set && m->swappiness.v != 0)
		return error_set(err, EINVAL,
				 "memory.swappiness is a cgroup v1 "
				 "setting; cgroup v2 has no per-cgroup "
				 "swappiness (remove it)");
	if (m->disable_oom_killer)
		log_warn("cgroup: memory.disableOOMKiller is a cgroup v1 "
			 "setting; not applied on cgroup v2");

	if (cg_swap_to_v2(swap_oci, limit, &swap, err) < 0)
		return -1;
	/* swap first: with both given, the pair is consistent at once */
	if (swap != 0 || swap_oci > 0) {
		struct cg_write *w;

		fmt_limit(buf, sizeof(buf), swap);
		w = add(plan, CG_CTRL_MEMORY, swap < 0 ? CG_DEFAULT : CG_HARD, "memory swap limit",
			"memory.swap.max", "%s", buf);
		/* without swap accounting the file is missing; "no swap"
		 * and "unlimited" then already hold */
		w->missing_ok = swap <= 0;
	}
	if (limit != 0) {
		fmt_limit(buf, sizeof(buf), limit);
		add(plan, CG_CTRL_MEMORY, limit < 0 ? CG_DEFAULT : CG_HARD, "memory limit",
		    "memory.max", "%s", buf);
	}
	if (m->reservation.set && m->reservation.v != 0) {
		int64_t r = m->reservation.v;

		fmt_limit(buf, sizeof(buf), r);
		add(plan, CG_CTRL_MEMORY, r < 0 ? CG_DEFAULT : CG_HARD, "memory reservation",
		    "memory.low", "%s", buf);
	}
	return 0;
}

/* cpu.max "$QUOTA $PERIOD": quota <= 0 is "max".  When updating and only
 * one half is given, the other is kept from cur_cpu_max.  */
static void plan_cpu_max(const struct spec_cpu *c, const char *cur, struct cg_plan *plan)
{
	int64_t quota = c->quota.set ? c->quota.v : 0;
	uint64_t period = c->period.set ? c->period.v : 0;
	char q[32] = "max";
	char cur_q[32] = "max";
	unsigned long long cur_p = 100000;

	if (quota == 0 && period == 0)
		return;
	if (cur != NULL)
		sscanf(cur, "%31s %llu", cur_q, &cur_p);
	if (quota > 0)
		snprintf(q, sizeof(q), "%" PRId64, quota);
	else if (quota == 0 && cur != NULL)
		snprintf(q, sizeof(q), "%s", cur_q);
	if (period == 0)
		period = cur != NULL ? cur_p : 100000;
	add(plan, CG_CTRL_CPU, quota > 0 ? CG_HARD : CG_DEFAULT, "cpu quota", "cpu.max",
	    "%s %" PRIu64, q, period);
}

static int plan_cpu(const struct spec_cpu *c, const char *cur_cpu_max, struct cg_plan *plan,
		    struct error **err)
{
	if ((c->realtime_runtime.set && c->realtime_runtime.v != 0) ||
	    (c->realtime_period.set && c->realtime_period.v != 0))
		return error_set(err, EINVAL,
				 "cpu.realtimeRuntime/"
				 "realtimePeriod are cgroup v1 settings; "
				 "cgroup v2 has no realtime group scheduling "
				 "(remove them)");
	if (c->shares.set && c->shares.v != 0)
		add(plan, CG_CTRL_CPU, CG_SOFT, "cpu shares", "cpu.weight", "%" PRIu64,
		    cg_shares_to_weight(c->shares.v));
	plan_cpu_max(c, cur_cpu_max, plan);
	if (c->burst.set)
		add(plan, CG_CTRL_CPU, c->burst.v ? CG_HARD : CG_DEFAULT, "cpu burst",
		    "cpu.max.burst", "%" PRIu64, c->burst.v);
	if (c->idle.set)
		add(plan, CG_CTRL_CPU, c->idle.v ? CG_SOFT : CG_DEFAULT, "cpu idle", "cpu.idle",
		    "%" PRId64, c->idle.v);
	if (c->cpus != NULL && c->cpus[0] != '\0')
		add(plan, CG_CTRL_CPUSET, CG_HARD, "cpuset cpus", "cpuset.cpus", "%s", c->cpus);
	if (c->mems != NULL && c->mems[0] != '\0')
		add(plan, CG_CTRL_CPUSET, CG_HARD, "cpuset mems", "cpuset.mems", "%s", c->mems);
	return 0;
}

static int check_blkio_weight(uint64_t w, const char *what, struct error **err)
{
	if (w < 10 || w > 1000)
		return error_set(err, EINVAL, "%s %" PRIu64 " is outside 10..1000", what, w);
	return 0;
}

/* io.bfq.weight takes the v1 range (1..1000) as is; io.weight
 * (1..10000) needs the conversion: the alternative write.  */
static void add_io_weight(struct cg_plan *plan, const char *what, const char *dev, uint64_t w)
{
	struct cg_write *x =
		add(plan, CG_CTRL_IO, CG_SOFT, what, "io.bfq.weight", "%s%" PRIu64, dev, w);

	x->alt_file = xstrdup("io.weight");
	x->alt_value = xasprintf("%s%" PRIu64, dev, cg_blkio_to_io_weight(w));
}

static void plan_throttle(const struct spec_throttle_list *l, const char *key, struct cg_plan *plan)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct spec_throttle_device *t = &l->v[i];
		char rate[32] = "max"; /* 0 lifts the limit, as in v1 */

		if (t->rate != 0)
			snprintf(rate, sizeof(rate), "%" PRIu64, t->rate);
		add(plan, CG_CTRL_IO, t->rate ? CG_HARD : CG_DEFAULT, "blkio throttle", "io.max",
		    "%" PRId64 ":%" PRId64 " %s=%s", t->major, t->minor, key, rate);
	}
}

static int plan_blkio(const struct spec_blkio *b, struct cg_plan *plan, struct error **err)
{
	if (b->weight.set && b->weight.v != 0) {
		if (check_blkio_weight(b->weight.v, "blkio weight", err) < 0)
			return -1;
		add_io_weight(plan, "blkio weight", "", b->weight.v);
	}
	if ((b->leaf_weight.set && b->leaf_weight.v != 0))
		log_warn("cgroup: blkio leafWeight is a cgroup v1 setting; "
			 "not applied on cgroup v2");
	for (size_t i = 0; i < b->n_weight_devices; i++) {
		const struct spec_weight_device *d = &b->weight_devices[i];
		char dev[48];

		if (d->leaf_weight.set && d->leaf_weight.v != 0)
			log_warn("cgroup: blkio weightDevice leafWeight is a "
				 "cgroup v1 setting; not applied");
		if (!d->weight.set || d->weight.v == 0)
			continue;
		if (check_blkio_weight(d->weight.v, "blkio device weight", err) < 0)
			return -1;
		snprintf(dev, sizeof(dev), "%" PRId64 ":%" PRId64 " ", d->major, d->minor);
		add_io_weight(plan, "blkio device weight", dev, d->weight.v);
	}
	plan_throttle(&b->read_bps, "rbps", plan);
	plan_throttle(&b->write_bps, "wbps", plan);
	plan_throttle(&b->read_iops, "riops", plan);
	plan_throttle(&b->write_iops, "wiops", plan);
	return 0;
}

/* A name that becomes part of a file name must stay one: no '/', no "..",
 * so a config can never reach a file of a parent cgroup.  */
static int check_name(const char *name, const char *what, bool dots_ok, struct error **err)
{
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' || (dots_ok && *p == '.')))
			return error_set(err, EINVAL, "%s '%s': invalid name", what, name);
	if (name[0] == '\0' || name[0] == '.')
		return error_set(err, EINVAL, "%s '%s': invalid name", what, name);
	return 0;
}

static int plan_hugetlb(const struct spec_resources *res, struct cg_plan *plan, struct error **err)
{
	for (size_t i = 0; i < res->n_hugepages; i++) {
		const struct spec_hugepage_limit *h = &res->hugepages[i];

		if (check_name(h->page_size, "hugepage size", false, err) < 0)
			return -1;
	}
	for (size_t i = 0; i < res->n_hugepages; i++) {
		const struct spec_hugepage_limit *h = &res->hugepages[i];
		cleanup_free char *file = xasprintf("hugetlb.%s.max", h->page_size);
		cleanup_free char *rsvd = xasprintf("hugetlb.%s.rsvd.max", h->page_size);
		struct cg_write *w;

		add(plan, CG_CTRL_HUGETLB, CG_HARD, "hugepage limit", file, "%" PRIu64, h->limit);
		/* reservations too, where the kernel accounts them (5.7+),
		 * so a mapping cannot reserve beyond the limit */
		w = add(plan, CG_CTRL_HUGETLB, CG_HARD, "hugepage limit", rsvd, "%" PRIu64,
			h->limit);
		w->missing_ok = true;
	}
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
		add(plan, CG_CTRL_RDMA, CG_HARD, "rdma limit", "rdma.max", "%s%s%s", r->device, h,
		    o);
	}
}

/* linux.resources.unified: written last, so it overrides; the controller
 * is the key's prefix ("memory.high" -> memory), none for "cgroup.*". */
static int plan_unified(const struct spec_resources *res, struct cg_plan *plan, struct error **err)
{
	for (size_t i = 0; i < res->n_unified; i++)
		if (check_name(res->unified_keys[i], "unified", true, err) < 0)
			return -1;
	for (size_t i = 0; i < res->n_unified; i++) {
		const char *key = res->unified_keys[i];
		const char *dot = strchr(key, '.');
		unsigned ctrl = dot ? cg_ctrl_from_name(key, dot - key) : 0;
		cleanup_free char *what = xasprintf("unified '%s'", key);

		add(plan, ctrl, CG_HARD, what, key, "%s", res->unified_values[i]);
	}
	return 0;
}

int cg_plan_build(const struct spec_resources *res, const char *cur_cpu_max, struct cg_plan *plan,
		  struct error **err)
{
	memset(plan, 0, sizeof(*plan));
	if (res == NULL)
		return 0;
	if (res->has_memory && plan_memory(&res->memory, plan, err) < 0)
		goto fail;
	if (res->has_cpu && plan_cpu(&res->cpu, cur_cpu_max, plan, err) < 0)
		goto fail;
	if (res->pids_limit.set) {
		int64_t v = res->pids_limit.v;

		/* <= 0 is "unlimited" in the OCI spec */
		if (v > 0)
			add(plan, CG_CTRL_PIDS, CG_HARD, "pids limit", "pids.max", "%" PRId64, v);
		else
			add(plan, CG_CTRL_PIDS, CG_DEFAULT, "pids limit", "pids.max", "max");
	}
	if (res->has_blkio && plan_blkio(&res->blkio, plan, err) < 0)
		goto fail;
	if (plan_hugetlb(res, plan, err) < 0)
		goto fail;
	plan_rdma(res, plan);
	if (plan_unified(res, plan, err) < 0)
		goto fail;
	if (res->has_network)
		log_debug("cgroup: linux.resources.network (net_cls/net_prio)"
			  " has no cgroup v2 equivalent; ignored");
	return 0;
fail:
	cg_plan_clear(plan);
	return -1;
}
