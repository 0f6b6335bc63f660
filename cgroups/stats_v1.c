/* SPDX-License-Identifier: Apache-2.0 */
/* cgroups/stats_v1.c — the sections of runc's Stats object read from
 * cgroup v1 files, where runc's fs driver reads them (GetStats of each
 * subsystem) and in the schema stats.c writes: cpu from cpuacct.* and
 * cpu.stat, cpuset from its files, memory from memory.* (memsw for swap,
 * kmem for kernel), blkio from the first group of files the kernel has
 * (bfq, cfq, throttle), hugetlb from hugetlb.<size>.*; and the v1 counters
 * of `berth sandbox --stats`.  The v2 sections and the object: stats.c. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "core/cleanup.h"
#include "core/file.h"
#include "core/jsonw.h"
#include "core/mem.h"

static uint64_t u64_of(const struct cg_v1dir *d, const char *file)
{
	uint64_t v = 0;

	if (d != NULL)
		cg_read_u64(d->dirfd, file, &v);
	return v;
}

static char *text_of(const struct cg_v1dir *d, const char *file)
{
	return d != NULL ? read_file_or_null(d->dirfd, file) : NULL;
}

/* "1 2 3\n" -> [1,2,3]; omitted when empty */
static void write_u64_list(struct jsonw *w, const char *key, const char *text)
{
	const char *p = text;
	bool open = false;

	while (p != NULL && *p) {
		char *end;
		unsigned long long v = strtoull(p, &end, 10);

		if (end == p)
			break;
		if (!open) {
			jsonw_key(w, key);
			jsonw_arr_open(w);
			open = true;
		}
		jsonw_uint(w, v);
		p = end;
	}
	if (open)
		jsonw_arr_close(w);
}

/* cpuacct.usage_all: "cpu user system" then one line per cpu; column
 * col (1 user, 2 system) as a list */
static void write_usage_all(struct jsonw *w, const char *key, const char *text, int col)
{
	bool open = false;
	const char *line = text != NULL ? strchr(text, '\n') : NULL; /* header */

	while (line != NULL && *++line) {
		unsigned long long v[3];

		if (sscanf(line, "%llu %llu %llu", &v[0], &v[1], &v[2]) == 3) {
			if (!open) {
				jsonw_key(w, key);
				jsonw_arr_open(w);
				open = true;
			}
			jsonw_uint(w, v[col]);
		}
		line = strchr(line, '\n');
	}
	if (open)
		jsonw_arr_close(w);
}

void cg_stats_v1_cpu(const struct cg_v1dir *cpu, const struct cg_v1dir *acct, struct jsonw *w)
{
	cleanup_free char *percpu = text_of(acct, "cpuacct.usage_percpu");
	cleanup_free char *all = text_of(acct, "cpuacct.usage_all");
	cleanup_free char *stat = text_of(acct, "cpuacct.stat");
	cleanup_free char *thr = text_of(cpu, "cpu.stat");
	uint64_t user = 0, sys = 0, periods = 0, n = 0, ns = 0;
	long tick = sysconf(_SC_CLK_TCK);

	if (stat != NULL) {
		cg_kv_find(stat, "user", &user);
		cg_kv_find(stat, "system", &sys);
	}
	if (thr != NULL) {
		cg_kv_find(thr, "nr_periods", &periods);
		cg_kv_find(thr, "nr_throttled", &n);
		cg_kv_find(thr, "throttled_time", &ns);
	}
	if (tick <= 0)
		tick = 100;
	jsonw_key(w, "cpu");
	jsonw_obj_open(w);
	jsonw_key(w, "usage");
	jsonw_obj_open(w);
	cg_json_omit(w, "total", u64_of(acct, "cpuacct.usage"));
	write_u64_list(w, "percpu", percpu);
	write_usage_all(w, "percpu_kernel", all, 2);
	write_usage_all(w, "percpu_user", all, 1);
	/* cpuacct.stat counts clock ticks */
	jsonw_kv_uint(w, "kernel", sys * 1000000000ULL / (uint64_t)tick);
	jsonw_kv_uint(w, "user", user * 1000000000ULL / (uint64_t)tick);
	jsonw_obj_close(w);
	jsonw_key(w, "throttling");
	jsonw_obj_open(w);
	cg_json_omit(w, "periods", periods);
	cg_json_omit(w, "throttledPeriods", n);
	cg_json_omit(w, "throttledTime", ns); /* nanoseconds on v1 */
	jsonw_obj_close(w);
	jsonw_obj_close(w);
}

void cg_stats_v1_cpuset(const struct cg_v1dir *d, struct jsonw *w)
{
	static const char *const flags[] = {
		"mem_hardwall",	      "mem_exclusive",	 "memory_migrate",     "memory_spread_page",
		"memory_spread_slab", "memory_pressure", "sched_load_balance",
	};
	cleanup_free char *cpus = text_of(d, "cpuset.cpus");
	cleanup_free char *mems = text_of(d, "cpuset.mems");
	cleanup_free char *level = text_of(d, "cpuset.sched_relax_domain_level");

	jsonw_key(w, "cpuset");
	jsonw_obj_open(w);
	cg_json_cpu_list(w, "cpus", cpus);
	jsonw_kv_uint(w, "cpu_exclusive", u64_of(d, "cpuset.cpu_exclusive"));
	cg_json_cpu_list(w, "mems", mems);
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		cleanup_free char *file = xasprintf("cpuset.%s", flags[i]);

		jsonw_kv_uint(w, flags[i], u64_of(d, file));
	}
	jsonw_kv_int(w, "sched_relax_domain_level", level ? strtoll(level, NULL, 10) : 0);
	jsonw_obj_close(w);
}

/* memory.<prefix>{limit_in_bytes,usage_in_bytes,max_usage_in_bytes,failcnt} */
static void write_mem_entry(const struct cg_v1dir *d, struct jsonw *w, const char *key,
			    const char *prefix)
{
	cleanup_free char *limit = xasprintf("%slimit_in_bytes", prefix);
	cleanup_free char *usage = xasprintf("%susage_in_bytes", prefix);
	cleanup_free char *max = xasprintf("%smax_usage_in_bytes", prefix);
	cleanup_free char *failcnt = xasprintf("%sfailcnt", prefix);

	cg_json_entry(w, key, u64_of(d, limit), u64_of(d, usage), u64_of(d, max),
		      u64_of(d, failcnt));
}

void cg_stats_v1_memory(const struct cg_v1dir *d, struct jsonw *w)
{
	cleanup_free char *stat = text_of(d, "memory.stat");
	uint64_t cache = 0;

	if (stat != NULL)
		cg_kv_find(stat, "cache", &cache);
	jsonw_key(w, "memory");
	jsonw_obj_open(w);
	cg_json_omit(w, "cache", cache);
	write_mem_entry(d, w, "usage", "memory.");
	write_mem_entry(d, w, "swap", "memory.memsw.");
	write_mem_entry(d, w, "kernel", "memory.kmem.");
	write_mem_entry(d, w, "kernelTCP", "memory.kmem.tcp.");
	if (stat != NULL)
		cg_json_raw(w, stat);
	jsonw_obj_close(w);
}

/* one blkio file: "8:0 Read 123" (or "8:0 123"), "Total N" skipped */
static void write_blkio_file(const struct cg_v1dir *d, struct jsonw *w, const char *key,
			     const char *file)
{
	cleanup_free char *text = text_of(d, file);
	bool open = false;

	for (char *save = NULL, *l = text ? strtok_r(text, "\n", &save) : NULL; l != NULL;
	     l = strtok_r(NULL, "\n", &save)) {
		unsigned long long major, minor, value;
		char op[16] = "";

		if (sscanf(l, "%llu:%llu %15s %llu", &major, &minor, op, &value) != 4) {
			op[0] = '\0';
			if (sscanf(l, "%llu:%llu %llu", &major, &minor, &value) != 3)
				continue;
		}
		if (!open) {
			jsonw_key(w, key);
			jsonw_arr_open(w);
			open = true;
		}
		jsonw_obj_open(w);
		cg_json_omit(w, "major", major);
		cg_json_omit(w, "minor", minor);
		if (op[0] != '\0')
			jsonw_kv_str(w, "op", op);
		cg_json_omit(w, "value", value);
		jsonw_obj_close(w);
	}
	if (open)
		jsonw_arr_close(w);
}

struct blkio_file {
	const char *key, *file;
};

#define BLKIO_KEYS 8
/* runc's groups, tried in order: the first whose first file exists */
static const struct blkio_file blkio_groups[][BLKIO_KEYS] = {
	{{"sectorsRecursive", "blkio.bfq.sectors_recursive"},
	 {"ioServiceTimeRecursive", "blkio.bfq.io_service_time_recursive"},
	 {"ioWaitTimeRecursive", "blkio.bfq.io_wait_time_recursive"},
	 {"ioMergedRecursive", "blkio.bfq.io_merged_recursive"},
	 {"ioQueueRecursive", "blkio.bfq.io_queued_recursive"},
	 {"ioTimeRecursive", "blkio.bfq.time_recursive"},
	 {"ioServicedRecursive", "blkio.bfq.io_serviced_recursive"},
	 {"ioServiceBytesRecursive", "blkio.bfq.io_service_bytes_recursive"}},
	{{"ioServicedRecursive", "blkio.bfq.io_serviced_recursive"},
	 {"ioServiceBytesRecursive", "blkio.bfq.io_service_bytes_recursive"}},
	{{"sectorsRecursive", "blkio.sectors_recursive"},
	 {"ioServiceTimeRecursive", "blkio.io_service_time_recursive"},
	 {"ioWaitTimeRecursive", "blkio.io_wait_time_recursive"},
	 {"ioMergedRecursive", "blkio.io_merged_recursive"},
	 {"ioQueueRecursive", "blkio.io_queued_recursive"},
	 {"ioTimeRecursive", "blkio.time_recursive"},
	 {"ioServicedRecursive", "blkio.io_serviced_recursive"},
	 {"ioServiceBytesRecursive", "blkio.io_service_bytes_recursive"}},
	{{"ioServicedRecursive", "blkio.throttle.io_serviced_recursive"},
	 {"ioServiceBytesRecursive", "blkio.throttle.io_service_bytes_recursive"}},
	{{"ioServicedRecursive", "blkio.throttle.io_serviced"},
	 {"ioServiceBytesRecursive", "blkio.throttle.io_service_bytes"}},
};

/* the JSON's key order, whatever the group's order */
static const char *const blkio_keys[BLKIO_KEYS] = {
	"ioServiceBytesRecursive", "ioServicedRecursive", "ioQueueRecursive",
	"ioServiceTimeRecursive",  "ioWaitTimeRecursive", "ioMergedRecursive",
	"ioTimeRecursive",	   "sectorsRecursive",
};

void cg_stats_v1_blkio(const struct cg_v1dir *d, struct jsonw *w)
{
	const struct blkio_file *g = NULL;

	for (size_t i = 0; i < sizeof(blkio_groups) / sizeof(blkio_groups[0]) && g == NULL; i++)
		if (faccessat(d->dirfd, blkio_groups[i][0].file, F_OK, 0) == 0)
			g = blkio_groups[i];
	jsonw_key(w, "blkio");
	jsonw_obj_open(w);
	for (size_t k = 0; g != NULL && k < BLKIO_KEYS; k++)
		for (size_t i = 0; i < BLKIO_KEYS && g[i].key != NULL; i++)
			if (strcmp(g[i].key, blkio_keys[k]) == 0)
				write_blkio_file(d, w, g[i].key, g[i].file);
	jsonw_obj_close(w);
}

void cg_stats_v1_hugetlb(const struct cg_v1dir *d, struct jsonw *w)
{
	char *names[16] = {NULL};
	size_t n = cg_hugepage_sizes(names, 16);
	cleanup_free char *probe =
		n > 0 ? xasprintf("hugetlb.%s.rsvd.usage_in_bytes", names[0]) : NULL;
	/* reservations are accounted since 5.7: else the plain files */
	bool rsvd = probe != NULL && faccessat(d->dirfd, probe, F_OK, 0) == 0;

	jsonw_key(w, "hugetlb");
	jsonw_obj_open(w);
	for (size_t i = 0; i < n; i++) {
		cleanup_free char *p = xasprintf("hugetlb.%s%s.", names[i], rsvd ? ".rsvd" : "");
		cleanup_free char *usage = xasprintf("%susage_in_bytes", p);
		cleanup_free char *max = xasprintf("%smax_usage_in_bytes", p);
		cleanup_free char *failcnt = xasprintf("%sfailcnt", p);
		uint64_t u = 0;

		cg_read_u64(d->dirfd, usage, &u);
		jsonw_key(w, names[i]);
		jsonw_obj_open(w);
		cg_json_omit(w, "usage", u);
		cg_json_omit(w, "max", u64_of(d, max));
		jsonw_kv_uint(w, "failcnt", u64_of(d, failcnt));
		jsonw_obj_close(w);
		free(names[i]);
	}
	jsonw_obj_close(w);
}

uint64_t cg_v1_oom_kills(int dirfd)
{
	cleanup_free char *text = read_file_or_null(dirfd, "memory.oom_control");
	uint64_t v = 0;

	if (text != NULL)
		cg_kv_find(text, "oom_kill", &v);
	return v;
}

/* cpuacct.usage counts the time the scheduler ran the group's tasks, to
 * the nanosecond; usage_user and usage_sys come from sampling at each tick,
 * and a tick the hypervisor stole from the vCPU counts as neither, so on a
 * loaded VM they may add up to a fraction of it.  Like cgroup v2's cpu.stat
 * and getrusage(), keep the exact total and split it in the samples' ratio
 * (no samples: all user, as the kernel's cputime_adjust does).  */
void cg_cputime_split(uint64_t total, uint64_t *user, uint64_t *sys)
{
	if (*sys == 0) {
		*user = total;
		return;
	}
	*user = (uint64_t)((unsigned __int128)total * *user / (*user + *sys));
	*sys = total - *user;
}

void cg_usage_v1(const struct cg *cg, struct cg_usage *u)
{
	const struct cg_v1dir *acct = cg_v1_of(cg, CG_CTRL_CPUACCT);
	const struct cg_v1dir *mem = cg_v1_of(cg, CG_CTRL_MEMORY);
	uint64_t total = 0, user = 0, sys = 0;

	if (acct != NULL && cg_read_u64(acct->dirfd, "cpuacct.usage", &total) &&
	    cg_read_u64(acct->dirfd, "cpuacct.usage_user", &user) &&
	    cg_read_u64(acct->dirfd, "cpuacct.usage_sys", &sys)) {
		cg_cputime_split(total, &user, &sys);
		u->has_cpu = true;
		u->user_usec = user / 1000;
		u->system_usec = sys / 1000;
	}
	if (mem != NULL) {
		u->has_memory_peak =
			cg_read_u64(mem->dirfd, "memory.max_usage_in_bytes", &u->memory_peak);
		u->has_oom_kills = faccessat(mem->dirfd, "memory.oom_control", F_OK, 0) == 0;
		u->oom_kills = cg_v1_oom_kills(mem->dirfd);
	}
}
