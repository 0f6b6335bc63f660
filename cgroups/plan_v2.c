/* SPDX-License-Identifier: Apache-2.0 */
/* cgroups/plan_v2.c — the cgroup v2 writes for each resource group: the
 * OCI spec's v1 values converted (convert.c) into the v2 files, with
 * v1-only settings refused or warned about.  Pure; called by plan.c for
 * the controllers whose home is the cgroup2 tree (or nowhere: check.c
 * then refuses the hard ones).  */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/internal.h"
#include "core/cleanup.h"
#include "core/mem.h"
#include "core/log.h"

int cg_plan_memory_v2(const struct spec_memory *m, struct cg_plan *plan, struct error **err)
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

		cg_fmt_limit(buf, sizeof(buf), swap);
		w = cg_plan_add(plan, CG_CTRL_MEMORY, swap < 0 ? CG_DEFAULT : CG_HARD,
				"memory swap limit", "memory.swap.max", "%s", buf);
		/* without swap accounting the file is missing; "no swap"
		 * and "unlimited" then already hold */
		w->missing_ok = swap <= 0;
	}
	if (limit != 0) {
		cg_fmt_limit(buf, sizeof(buf), limit);
		cg_plan_add(plan, CG_CTRL_MEMORY, limit < 0 ? CG_DEFAULT : CG_HARD, "memory limit",
			    "memory.max", "%s", buf);
	}
	if (m->reservation.set && m->reservation.v != 0) {
		int64_t r = m->reservation.v;

		cg_fmt_limit(buf, sizeof(buf), r);
		cg_plan_add(plan, CG_CTRL_MEMORY, r < 0 ? CG_DEFAULT : CG_HARD,
			    "memory reservation", "memory.low", "%s", buf);
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
	cg_plan_add(plan, CG_CTRL_CPU, quota > 0 ? CG_HARD : CG_DEFAULT, "cpu quota", "cpu.max",
		    "%s %" PRIu64, q, period);
}

int cg_plan_cpu_v2(const struct spec_cpu *c, const char *cur_cpu_max, struct cg_plan *plan,
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
		cg_plan_add(plan, CG_CTRL_CPU, CG_SOFT, "cpu shares", "cpu.weight", "%" PRIu64,
			    cg_shares_to_weight(c->shares.v));
	plan_cpu_max(c, cur_cpu_max, plan);
	if (c->burst.set)
		cg_plan_add(plan, CG_CTRL_CPU, c->burst.v ? CG_HARD : CG_DEFAULT, "cpu burst",
			    "cpu.max.burst", "%" PRIu64, c->burst.v);
	if (c->idle.set)
		cg_plan_add(plan, CG_CTRL_CPU, c->idle.v ? CG_SOFT : CG_DEFAULT, "cpu idle",
			    "cpu.idle", "%" PRId64, c->idle.v);
	return 0;
}

/* cpuset.cpus and cpuset.mems: the same files on v1 and v2 */
void cg_plan_cpuset(const struct spec_cpu *c, struct cg_plan *plan)
{
	if (c->cpus != NULL && c->cpus[0] != '\0')
		cg_plan_add(plan, CG_CTRL_CPUSET, CG_HARD, "cpuset cpus", "cpuset.cpus", "%s",
			    c->cpus);
	if (c->mems != NULL && c->mems[0] != '\0')
		cg_plan_add(plan, CG_CTRL_CPUSET, CG_HARD, "cpuset mems", "cpuset.mems", "%s",
			    c->mems);
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
		cg_plan_add(plan, CG_CTRL_IO, CG_SOFT, what, "io.bfq.weight", "%s%" PRIu64, dev, w);

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
		cg_plan_add(plan, CG_CTRL_IO, t->rate ? CG_HARD : CG_DEFAULT, "blkio throttle",
			    "io.max", "%" PRId64 ":%" PRId64 " %s=%s", t->major, t->minor, key,
			    rate);
	}
}

int cg_plan_blkio_v2(const struct spec_blkio *b, struct cg_plan *plan, struct error **err)
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

void cg_plan_hugetlb_v2(const struct spec_resources *res, struct cg_plan *plan)
{
	for (size_t i = 0; i < res->n_hugepages; i++) {
		const struct spec_hugepage_limit *h = &res->hugepages[i];
		cleanup_free char *file = xasprintf("hugetlb.%s.max", h->page_size);
		cleanup_free char *rsvd = xasprintf("hugetlb.%s.rsvd.max", h->page_size);
		struct cg_write *w;

		cg_plan_add(plan, CG_CTRL_HUGETLB, CG_HARD, "hugepage limit", file, "%" PRIu64,
			    h->limit);
		/* reservations too, where the kernel accounts them (5.7+),
		 * so a mapping cannot reserve beyond the limit */
		w = cg_plan_add(plan, CG_CTRL_HUGETLB, CG_HARD, "hugepage limit", rsvd, "%" PRIu64,
				h->limit);
		w->missing_ok = true;
	}
}
