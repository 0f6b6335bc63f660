/* SPDX-License-Identifier: Apache-2.0 */
/* cgroups/plan_v1.c — the cgroup v1 writes for each resource group, the
 * files and the order runc's fs driver uses (libcontainer/cgroups/fs):
 * the OCI values are v1 values, so nothing is converted.  Pure; called by
 * plan.c for the controllers whose home is a v1 hierarchy.
 *
 * Orders that matter, because the kernel checks each write on its own:
 *   memory  memory.limit_in_bytes <= memory.memsw.limit_in_bytes at every
 *           instant: memsw first when raising past the current limit
 *   cpu     realtime period and runtime before anything else (runc sets
 *           them before the first task joins); cfs period and burst may
 *           be refused until the new quota is in (einval_later)  */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/internal.h"
#include "core/cleanup.h"
#include "core/log.h"
#include "core/mem.h"

/* the same words as `update --kernel-memory` */
static int obsolete(const char *field, struct error **err)
{
	return cg_refuse(err, EINVAL,
			 "memory.%s: kernel memory limits are obsolete (cgroup v1 only, and "
			 "ignored by its recent kernels); remove it",
			 field);
}

static enum cg_kind limit_kind(int64_t v)
{
	return v > 0 ? CG_HARD : CG_DEFAULT;
}

static void add_limit(struct cg_plan *plan, int64_t limit)
{
	cg_plan_add(plan, CG_CTRL_MEMORY, limit_kind(limit), "memory limit",
		    "memory.limit_in_bytes", "%" PRId64, limit);
}

static void add_memsw(struct cg_plan *plan, int64_t swap, int64_t limit)
{
	struct cg_write *w =
		cg_plan_add(plan, CG_CTRL_MEMORY, limit_kind(swap), "memory swap limit",
			    "memory.memsw.limit_in_bytes", "%" PRId64, swap);

	/* no swap accounting (the file is missing): "unlimited" and "no
	 * swap beyond the memory limit" already hold, as on v2 */
	w->missing_ok = swap == -1 || swap == limit;
}

/* runc's setMemoryAndSwap.  cur_limit: memory.limit_in_bytes now (0:
 * creating, the fresh cgroup is unlimited).  */
static void plan_limits(int64_t limit, int64_t swap, uint64_t cur_limit, struct cg_plan *plan)
{
	if (cur_limit == 0)
		cur_limit = UINT64_MAX;
	/* unlimited memory and no swap given: unlimited memory+swap too */
	if (limit == -1 && swap == 0)
		swap = -1;
	if (limit != 0 && swap != 0 && (swap == -1 || cur_limit < (uint64_t)swap)) {
		add_memsw(plan, swap, limit);
		add_limit(plan, limit);
		return;
	}
	if (limit != 0)
		add_limit(plan, limit);
	if (swap != 0)
		add_memsw(plan, swap, limit);
}

int cg_plan_memory_v1(const struct spec_memory *m, uint64_t cur_limit, struct cg_plan *plan,
		      struct error **err)
{
	if (m->kernel.set && m->kernel.v != 0)
		return obsolete("kernel", err);
	if (m->kernel_tcp.set && m->kernel_tcp.v != 0)
		return obsolete("kernelTCP", err);
	plan_limits(m->limit.set ? m->limit.v : 0, m->swap.set ? m->swap.v : 0, cur_limit, plan);
	if (m->reservation.set && m->reservation.v != 0)
		cg_plan_add(plan, CG_CTRL_MEMORY, limit_kind(m->reservation.v),
			    "memory reservation", "memory.soft_limit_in_bytes", "%" PRId64,
			    m->reservation.v);
	/* only true is a request: runc never writes 0 back */
	if (m->disable_oom_killer)
		cg_plan_add(plan, CG_CTRL_MEMORY, CG_HARD, "memory.disableOOMKiller",
			    "memory.oom_control", "1");
	/* 0 is a value here (no swapping), not "unset" */
	if (m->swappiness.set)
		cg_plan_add(plan, CG_CTRL_MEMORY, CG_HARD, "memory swappiness", "memory.swappiness",
			    "%" PRIu64, m->swappiness.v);
	return 0;
}

static void plan_realtime(const struct spec_cpu *c, struct cg_plan *plan)
{
	if (c->realtime_period.set && c->realtime_period.v != 0)
		cg_plan_add(plan, CG_CTRL_CPU, CG_HARD, "cpu realtime period", "cpu.rt_period_us",
			    "%" PRIu64, c->realtime_period.v);
	if (c->realtime_runtime.set && c->realtime_runtime.v != 0)
		cg_plan_add(plan, CG_CTRL_CPU, CG_HARD, "cpu realtime runtime", "cpu.rt_runtime_us",
			    "%" PRId64, c->realtime_runtime.v);
}

int cg_plan_cpu_v1(const struct spec_cpu *c, struct cg_plan *plan, struct error **err)
{
	int64_t quota = c->quota.set ? c->quota.v : 0;
	struct cg_write *w;

	plan_realtime(c, plan);
	if (c->shares.set && c->shares.v != 0) {
		w = cg_plan_add(plan, CG_CTRL_CPU, CG_SOFT, "cpu shares", "cpu.shares", "%" PRIu64,
				c->shares.v);
		w->readback = true;
	}
	/* a new period can exceed the parent's quota ratio with the old
	 * quota: then it goes in after the quota */
	if (c->period.set && c->period.v != 0) {
		w = cg_plan_add(plan, CG_CTRL_CPU, limit_kind(quota), "cpu period",
				"cpu.cfs_period_us", "%" PRIu64, c->period.v);
		w->einval_later = quota != 0;
	}
	if (c->burst.set) {
		w = cg_plan_add(plan, CG_CTRL_CPU, c->burst.v ? CG_HARD : CG_DEFAULT, "cpu burst",
				"cpu.cfs_burst_us", "%" PRIu64, c->burst.v);
		w->einval_later = quota != 0;
		w->missing_ok = c->burst.v == 0; /* before Linux 5.14 */
	}
	if (quota != 0)
		cg_plan_add(plan, CG_CTRL_CPU, limit_kind(quota), "cpu quota", "cpu.cfs_quota_us",
			    "%" PRId64, quota);
	if (c->idle.set)
		cg_plan_add(plan, CG_CTRL_CPU, c->idle.v ? CG_SOFT : CG_DEFAULT, "cpu idle",
			    "cpu.idle", "%" PRId64, c->idle.v);
	(void)err;
	return 0;
}

/* CFQ's file names, else BFQ's (the alternative write); a weight is
 * soft: neither file (no proportional scheduler) is a warning */
static void add_weight(struct cg_plan *plan, const char *what, const char *file,
		       const char *bfq_file, const char *value)
{
	struct cg_write *w = cg_plan_add(plan, CG_CTRL_IO, CG_SOFT, what, file, "%s", value);

	if (bfq_file != NULL) {
		w->alt_file = xstrdup(bfq_file);
		w->alt_value = xstrdup(value);
	}
}

static void plan_throttle_v1(const struct spec_throttle_list *l, const char *file,
			     struct cg_plan *plan)
{
	/* rate 0 removes the device's rule */
	for (size_t i = 0; i < l->n; i++)
		cg_plan_add(plan, CG_CTRL_IO, l->v[i].rate ? CG_HARD : CG_DEFAULT, "blkio throttle",
			    file, "%" PRId64 ":%" PRId64 " %" PRIu64, l->v[i].major, l->v[i].minor,
			    l->v[i].rate);
}

void cg_plan_blkio_v1(const struct spec_blkio *b, struct cg_plan *plan)
{
	char v[64];

	if (b->weight.set && b->weight.v != 0) {
		snprintf(v, sizeof(v), "%" PRIu64, b->weight.v);
		add_weight(plan, "blkio weight", "blkio.weight", "blkio.bfq.weight", v);
	}
	if (b->leaf_weight.set && b->leaf_weight.v != 0) {
		snprintf(v, sizeof(v), "%" PRIu64, b->leaf_weight.v);
		add_weight(plan, "blkio leaf weight", "blkio.leaf_weight", NULL, v);
	}
	for (size_t i = 0; i < b->n_weight_devices; i++) {
		const struct spec_weight_device *d = &b->weight_devices[i];

		if (d->weight.set && d->weight.v != 0) {
			snprintf(v, sizeof(v), "%" PRId64 ":%" PRId64 " %" PRIu64, d->major,
				 d->minor, d->weight.v);
			add_weight(plan, "blkio device weight", "blkio.weight_device",
				   "blkio.bfq.weight_device", v);
		}
		if (d->leaf_weight.set && d->leaf_weight.v != 0) {
			snprintf(v, sizeof(v), "%" PRId64 ":%" PRId64 " %" PRIu64, d->major,
				 d->minor, d->leaf_weight.v);
			add_weight(plan, "blkio device leaf weight", "blkio.leaf_weight_device",
				   NULL, v);
		}
	}
	plan_throttle_v1(&b->read_bps, "blkio.throttle.read_bps_device", plan);
	plan_throttle_v1(&b->write_bps, "blkio.throttle.write_bps_device", plan);
	plan_throttle_v1(&b->read_iops, "blkio.throttle.read_iops_device", plan);
	plan_throttle_v1(&b->write_iops, "blkio.throttle.write_iops_device", plan);
}

void cg_plan_hugetlb_v1(const struct spec_resources *res, struct cg_plan *plan)
{
	for (size_t i = 0; i < res->n_hugepages; i++) {
		const struct spec_hugepage_limit *h = &res->hugepages[i];
		cleanup_free char *file = xasprintf("hugetlb.%s.limit_in_bytes", h->page_size);
		cleanup_free char *rsvd = xasprintf("hugetlb.%s.rsvd.limit_in_bytes", h->page_size);
		struct cg_write *w;

		cg_plan_add(plan, CG_CTRL_HUGETLB, CG_HARD, "hugepage limit", file, "%" PRIu64,
			    h->limit);
		w = cg_plan_add(plan, CG_CTRL_HUGETLB, CG_HARD, "hugepage limit", rsvd, "%" PRIu64,
				h->limit);
		w->missing_ok = true; /* reservations are accounted since 5.7 */
	}
}

/* net_cls/net_prio exist on cgroup v1 only.  A pure v2 host ignores them,
 * as runc does there; where v1 hierarchies are mounted they are limits
 * like any other (refused when the host has no such hierarchy).  */
void cg_plan_network(const struct spec_resources *res, struct cg_plan *plan)
{
	if (!res->has_network)
		return;
	if (plan->homes == NULL || !plan->homes->has_v1) {
		log_debug("cgroup: linux.resources.network (net_cls/net_prio)"
			  " has no cgroup v2 equivalent; ignored");
		return;
	}
	if (res->net_class_id.set && res->net_class_id.v != 0)
		cg_plan_add(plan, CG_CTRL_NET_CLS, CG_HARD, "network classID", "net_cls.classid",
			    "%" PRIu64, res->net_class_id.v);
	for (size_t i = 0; i < res->n_net_priorities; i++)
		cg_plan_add(plan, CG_CTRL_NET_PRIO, CG_HARD, "network priority",
			    "net_prio.ifpriomap", "%s %" PRIu32, res->net_priorities[i].name,
			    res->net_priorities[i].priority);
}
