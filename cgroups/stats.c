/* SPDX-License-Identifier: Apache-2.0 */
/* cgroups/stats.c — runc's Stats object (runc types/events.go) from
 * cgroup v2 files, field for field as `runc events --stats` prints it:
 * same names, same units (cpu times in nanoseconds), same omissions (Go's
 * omitempty drops zero numbers and empty lists/maps, never objects), map
 * keys sorted as Go sorts them.  Controllers the cgroup lacks leave their
 * section at zero, as runc does.  Each section is read where its
 * controller lives: a controller of a v1 hierarchy has its section from
 * the v1 files (stats_v1.c).  The events loop: events.c.  */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "core/cleanup.h"
#include "core/file.h"
#include "core/mem.h"
#include "core/jsonw.h"

#define HUGEPAGES_DIR "/sys/kernel/mm/hugepages"

/* a single-value file: a number, or "max" as UINT64_MAX (runc's reading) */
bool cg_read_u64(int dirfd, const char *file, uint64_t *v)
{
	cleanup_free char *text = read_file_or_null(dirfd, file);

	if (text == NULL)
		return false;
	*v = strncmp(text, "max", 3) == 0 ? UINT64_MAX : strtoull(text, NULL, 10);
	return true;
}

static uint64_t key_u64(int dirfd, const char *file, const char *key)
{
	cleanup_free char *text = read_file_or_null(dirfd, file);
	uint64_t v = 0;

	if (text != NULL)
		cg_kv_find(text, key, &v);
	return v;
}

void cg_json_omit(struct jsonw *w, const char *key, uint64_t v)
{
	if (v != 0)
		jsonw_kv_uint(w, key, v);
}

static void write_cpu(const struct cg *cg, struct jsonw *w)
{
	cleanup_free char *stat = read_file_or_null(cg->dirfd, "cpu.stat");
	uint64_t usage = 0, user = 0, sys = 0, periods = 0, thr = 0, thr_us = 0;

	if (stat != NULL) {
		cg_kv_find(stat, "usage_usec", &usage);
		cg_kv_find(stat, "user_usec", &user);
		cg_kv_find(stat, "system_usec", &sys);
		cg_kv_find(stat, "nr_periods", &periods);
		cg_kv_find(stat, "nr_throttled", &thr);
		cg_kv_find(stat, "throttled_usec", &thr_us);
	}
	jsonw_key(w, "cpu");
	jsonw_obj_open(w);
	jsonw_key(w, "usage");
	jsonw_obj_open(w);
	cg_json_omit(w, "total", usage * 1000);
	jsonw_kv_uint(w, "kernel", sys * 1000);
	jsonw_kv_uint(w, "user", user * 1000);
	jsonw_obj_close(w);
	jsonw_key(w, "throttling");
	jsonw_obj_open(w);
	cg_json_omit(w, "periods", periods);
	cg_json_omit(w, "throttledPeriods", thr);
	cg_json_omit(w, "throttledTime", thr_us * 1000);
	jsonw_obj_close(w);
	jsonw_obj_close(w);
}

/* "0-2,4" -> [0,1,2,4]; omitted when the file is missing or empty */
void cg_json_cpu_list(struct jsonw *w, const char *key, const char *text)
{
	const char *p = text;

	if (text == NULL || strspn(text, "0123456789") == 0)
		return;
	jsonw_key(w, key);
	jsonw_arr_open(w);
	while (*p >= '0' && *p <= '9') {
		char *end;
		unsigned long lo = strtoul(p, &end, 10), hi = lo;

		if (*end == '-')
			hi = strtoul(end + 1, &end, 10);
		for (unsigned long i = lo; i <= hi && i < 65536; i++)
			jsonw_uint(w, i);
		p = *end == ',' ? end + 1 : end;
	}
	jsonw_arr_close(w);
}

static void write_cpuset(const struct cg *cg, struct jsonw *w)
{
	static const char *const flags[] = {
		"mem_hardwall",	      "mem_exclusive",	 "memory_migrate",     "memory_spread_page",
		"memory_spread_slab", "memory_pressure", "sched_load_balance",
	};
	cleanup_free char *cpus = read_file_or_null(cg->dirfd, "cpuset.cpus.effective");
	cleanup_free char *mems = read_file_or_null(cg->dirfd, "cpuset.mems.effective");

	jsonw_key(w, "cpuset");
	jsonw_obj_open(w);
	cg_json_cpu_list(w, "cpus", cpus);
	jsonw_kv_uint(w, "cpu_exclusive", 0);
	cg_json_cpu_list(w, "mems", mems);
	/* v1-only flags: runc reports them as zero on v2 */
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		jsonw_kv_uint(w, flags[i], 0);
	jsonw_kv_int(w, "sched_relax_domain_level", 0);
	jsonw_obj_close(w);
}

void cg_json_entry(struct jsonw *w, const char *key, uint64_t limit, uint64_t usage, uint64_t max,
		   uint64_t failcnt)
{
	jsonw_key(w, key);
	jsonw_obj_open(w);
	jsonw_kv_uint(w, "limit", limit);
	cg_json_omit(w, "usage", usage);
	cg_json_omit(w, "max", max);
	jsonw_kv_uint(w, "failcnt", failcnt);
	jsonw_obj_close(w);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* memory.stat as a map sorted by key; omitted when missing */
void cg_json_raw(struct jsonw *w, char *stat)
{
	char *lines[512];
	size_t n = 0;

	for (char *l = strtok(stat, "\n"); l != NULL && n < 512; l = strtok(NULL, "\n"))
		lines[n++] = l;
	if (n == 0)
		return;
	qsort(lines, n, sizeof(lines[0]), cmp_str);
	jsonw_key(w, "raw");
	jsonw_obj_open(w);
	for (size_t i = 0; i < n; i++) {
		char *sp = strchr(lines[i], ' ');

		if (sp == NULL)
			continue;
		*sp = '\0';
		jsonw_kv_uint(w, lines[i], strtoull(sp + 1, NULL, 10));
	}
	jsonw_obj_close(w);
}

static void write_memory(const struct cg *cg, struct jsonw *w)
{
	cleanup_free char *stat = read_file_or_null(cg->dirfd, "memory.stat");
	uint64_t usage = 0, limit = 0, peak = 0, cache = 0;
	uint64_t s_usage = 0, s_limit = 0, s_peak = 0;
	bool have = cg_read_u64(cg->dirfd, "memory.current", &usage);

	if (have) {
		cg_read_u64(cg->dirfd, "memory.max", &limit);
		cg_read_u64(cg->dirfd, "memory.peak", &peak);
		if (stat != NULL)
			cg_kv_find(stat, "file", &cache);
	}
	/* v1 reported memory+swap; runc keeps that meaning on v2 */
	if (have && cg_read_u64(cg->dirfd, "memory.swap.current", &s_usage)) {
		cg_read_u64(cg->dirfd, "memory.swap.max", &s_limit);
		cg_read_u64(cg->dirfd, "memory.swap.peak", &s_peak);
		s_usage += usage;
		if (s_limit != UINT64_MAX)
			s_limit = limit > UINT64_MAX - s_limit ? UINT64_MAX : s_limit + limit;
	}
	jsonw_key(w, "memory");
	jsonw_obj_open(w);
	cg_json_omit(w, "cache", cache);
	cg_json_entry(w, "usage", limit, usage, peak,
		      have ? key_u64(cg->dirfd, "memory.events", "max") : 0);
	cg_json_entry(w, "swap", s_limit, s_usage, s_peak, 0);
	cg_json_entry(w, "kernel", 0, 0, 0, 0);
	cg_json_entry(w, "kernelTCP", 0, 0, 0, 0);
	if (have && stat != NULL)
		cg_json_raw(w, stat);
	jsonw_obj_close(w);
}

static void write_pids(const struct cg *cg, struct jsonw *w)
{
	uint64_t current = 0, limit = 0;
	int fd = cg_fd_of(cg, CG_CTRL_PIDS);

	if (cg_read_u64(fd, "pids.current", &current)) {
		cg_read_u64(fd, "pids.max", &limit);
		if (limit == UINT64_MAX)
			limit = 0; /* "max": no limit, runc's 0 */
	} else {
		/* no pids controller: count the processes, as runc does */
		pid_t *pids = NULL;
		size_t n = 0;
		struct error *e = NULL;

		if (cg_pids(cg, &pids, &n, &e) == 0)
			current = n;
		error_free(e);
		free(pids);
	}
	jsonw_key(w, "pids");
	jsonw_obj_open(w);
	cg_json_omit(w, "current", current);
	cg_json_omit(w, "limit", limit);
	jsonw_obj_close(w);
}

/* io.stat "8:0 rbytes=1 wbytes=2 rios=3 wios=4 ..." -> v1-style tables */
static void write_io_table(struct jsonw *w, const char *key, const char *text, const char *rkey,
			   const char *wkey)
{
	bool open = false;

	for (const char *line = text; line != NULL && *line;) {
		unsigned long major, minor;
		const char *ops[2][2] = {{rkey, "Read"}, {wkey, "Write"}};

		if (sscanf(line, "%lu:%lu", &major, &minor) == 2) {
			for (int i = 0; i < 2; i++) {
				cleanup_free char *pat = xasprintf(" %s=", ops[i][0]);
				const char *eol = strchr(line, '\n');
				const char *at = strstr(line, pat);

				if (at == NULL || (eol != NULL && at > eol))
					continue;
				if (!open) {
					jsonw_key(w, key);
					jsonw_arr_open(w);
					open = true;
				}
				jsonw_obj_open(w);
				cg_json_omit(w, "major", major);
				cg_json_omit(w, "minor", minor);
				jsonw_kv_str(w, "op", ops[i][1]);
				cg_json_omit(w, "value", strtoull(at + strlen(pat), NULL, 10));
				jsonw_obj_close(w);
			}
		}
		line = strchr(line, '\n');
		if (line != NULL)
			line++;
	}
	if (open)
		jsonw_arr_close(w);
}

static void write_blkio(const struct cg *cg, struct jsonw *w)
{
	cleanup_free char *io = read_file_or_null(cg->dirfd, "io.stat");

	jsonw_key(w, "blkio");
	jsonw_obj_open(w);
	write_io_table(w, "ioServiceBytesRecursive", io, "rbytes", "wbytes");
	write_io_table(w, "ioServicedRecursive", io, "rios", "wios");
	jsonw_obj_close(w);
}

/* "hugepages-2048kB" -> "2MB", as runc names page sizes */
static char *page_size_name(const char *dirent_name)
{
	static const char *const units[] = {"KB", "MB", "GB", "TB", "PB"};
	unsigned long long kb;
	int u = 0;

	if (sscanf(dirent_name, "hugepages-%llukB", &kb) != 1 || kb == 0)
		return NULL;
	while (kb >= 1024 && kb % 1024 == 0 && u < 4) {
		kb /= 1024;
		u++;
	}
	return xasprintf("%llu%s", kb, units[u]);
}

size_t cg_hugepage_sizes(char **names, size_t max)
{
	cleanup_closedir DIR *d = opendir(HUGEPAGES_DIR);
	struct dirent *de;
	size_t n = 0;

	while (d != NULL && (de = readdir(d)) != NULL && n < max) {
		char *name = page_size_name(de->d_name);

		if (name != NULL)
			names[n++] = name;
	}
	qsort(names, n, sizeof(names[0]), cmp_str);
	return n;
}

static void write_hugetlb(const struct cg *cg, struct jsonw *w)
{
	char *names[16] = {NULL};
	size_t n = cg_hugepage_sizes(names, 16);

	jsonw_key(w, "hugetlb");
	jsonw_obj_open(w);
	for (size_t i = 0; i < n; i++) {
		cleanup_free char *cur = xasprintf("hugetlb.%s.current", names[i]);
		cleanup_free char *ev = xasprintf("hugetlb.%s.events", names[i]);
		uint64_t usage = 0;

		if (cg_read_u64(cg->dirfd, cur, &usage)) {
			jsonw_key(w, names[i]);
			jsonw_obj_open(w);
			cg_json_omit(w, "usage", usage);
			jsonw_kv_uint(w, "failcnt", key_u64(cg->dirfd, ev, "max"));
			jsonw_obj_close(w);
		}
		free(names[i]);
	}
	jsonw_obj_close(w);
}

/* Each section from the v1 directory of its controller when the cgroup
 * has one, else from the cgroup2 files */
static void write_sections(const struct cg *cg, struct jsonw *w)
{
	const struct cg_v1dir *cpu = cg_v1_of(cg, CG_CTRL_CPU);
	const struct cg_v1dir *acct = cg_v1_of(cg, CG_CTRL_CPUACCT);
	const struct cg_v1dir *cpuset = cg_v1_of(cg, CG_CTRL_CPUSET);
	const struct cg_v1dir *mem = cg_v1_of(cg, CG_CTRL_MEMORY);
	const struct cg_v1dir *blkio = cg_v1_of(cg, CG_CTRL_IO);
	const struct cg_v1dir *huge = cg_v1_of(cg, CG_CTRL_HUGETLB);

	if (cpu != NULL || acct != NULL)
		cg_stats_v1_cpu(cpu, acct, w);
	else
		write_cpu(cg, w);
	if (cpuset != NULL)
		cg_stats_v1_cpuset(cpuset, w);
	else
		write_cpuset(cg, w);
	if (mem != NULL)
		cg_stats_v1_memory(mem, w);
	else
		write_memory(cg, w);
	write_pids(cg, w);
	if (blkio != NULL)
		cg_stats_v1_blkio(blkio, w);
	else
		write_blkio(cg, w);
	if (huge != NULL)
		cg_stats_v1_hugetlb(huge, w);
	else
		write_hugetlb(cg, w);
}

int cg_stats_write(const struct cg *cg, struct jsonw *w, struct error **err)
{
	int fd = cg->dirfd >= 0 ? cg->dirfd : cg->n_v1 > 0 ? cg->v1[0].dirfd : -1;

	if (faccessat(fd, "cgroup.procs", F_OK, 0) < 0)
		return error_set(err, errno, "cgroup: stats of '%s'", cg_where(cg));
	jsonw_obj_open(w);
	write_sections(cg, w);
	jsonw_key(w, "intel_rdt");
	jsonw_obj_open(w);
	jsonw_obj_close(w);
	jsonw_key(w, "network_interfaces");
	jsonw_null(w);
	jsonw_obj_close(w);
	return 0;
}

/* A job's usage for `berth sandbox --stats`: what the kernel counted in
 * the cgroup.  A counter the hierarchy lacks (memory.peak without the
 * memory controller, pids.peak before Linux 6.1...) is marked absent.  */
void cg_usage_read(const struct cg *cg, struct cg_usage *u)
{
	cleanup_free char *cpu = read_file_or_null(cg->dirfd, "cpu.stat");
	cleanup_free char *mev = read_file_or_null(cg->dirfd, "memory.events");

	memset(u, 0, sizeof(*u));
	u->has_cpu = cpu != NULL && cg_kv_find(cpu, "user_usec", &u->user_usec) &&
		     cg_kv_find(cpu, "system_usec", &u->system_usec);
	u->has_memory_peak = cg_read_u64(cg->dirfd, "memory.peak", &u->memory_peak);
	u->has_oom_kills = mev != NULL && cg_kv_find(mev, "oom_kill", &u->oom_kills);
	u->has_pids_peak = cg_read_u64(cg_fd_of(cg, CG_CTRL_PIDS), "pids.peak", &u->pids_peak);
	/* what v1 hierarchies count instead */
	cg_usage_v1(cg, u);
}
