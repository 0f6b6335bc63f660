/* SPDX-License-Identifier: Apache-2.0 */
/* tests/unit/test-cgroups-v1.c — the pure parts of the cgroup v1 backend:
 * the host layout and each controller's home read from mountinfo and
 * /proc/self/cgroup texts (this hybrid host's, a systemd host's, a nested
 * one's), the v1 plans with runc's files and orders, and the devices.list
 * transitions.  No cgroupfs.  */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "core/cleanup.h"
#include "core/file.h"
#include "core/log.h"
#include "core/mem.h"
#include "tests/unit/tap.h"

/* ---- layout ------------------------------------------------------------ */

/* this development host (hybrid, no systemd, cpu and cpuacct apart) */
static const char host_mountinfo[] =
	"22 1 0:21 / /sys rw,nosuid,nodev,noexec,relatime - sysfs sysfs rw\n"
	"30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
	"31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
	"32 30 0:29 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
	"33 30 0:30 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"
	"34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
	"35 30 0:32 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices\n"
	"36 30 0:33 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer\n"
	"37 30 0:34 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio\n"
	"38 30 0:35 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
	"39 30 0:36 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
	"40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

static const char host_cgroup[] = "9:name=systemd:/\n8:pids:/\n7:blkio:/\n6:freezer:/\n"
				  "5:devices:/\n4:memory:/process_api/cce23aec\n3:cpuset:/\n"
				  "2:cpuacct:/\n1:cpu:/\n0::/\n";

static const struct cg_v1h *by_name(const struct cg_layout *l, const char *name)
{
	for (size_t i = 0; i < l->n_v1; i++)
		if (strcmp(l->v1[i].name, name) == 0)
			return &l->v1[i];
	return NULL;
}

static void test_layout_host(void)
{
	struct cg_layout l;
	struct cg_homes h;
	struct error *e = NULL;
	const struct cg_v1h *mem;

	CHECK(cg_layout_parse(host_mountinfo, host_cgroup, "hugetlb\n", &l, &e) == 0);
	CHECK(l.mount && strcmp(l.mount, "/sys/fs/cgroup/unified") == 0, "cgroup2 at %s", l.mount);
	CHECK(l.hybrid && l.n_v1 == 9, "hybrid, %zu v1 hierarchies", l.n_v1);
	CHECK(l.v2_ctrls == CG_CTRL_HUGETLB, "v2 controllers %#x", l.v2_ctrls);
	mem = by_name(&l, "memory");
	CHECK(mem && strcmp(mem->mount, "/sys/fs/cgroup/memory") == 0 &&
		      strcmp(mem->own, "/process_api/cce23aec") == 0,
	      "memory: berth's own cgroup %s", mem ? mem->own : "none");
	CHECK(by_name(&l, "name=systemd") && by_name(&l, "name=systemd")->ctrls == 0,
	      "a named hierarchy, no controller");
	cg_layout_homes(&l, &h);
	CHECK(cg_home(&h, CG_CTRL_HUGETLB) == CG_HOME_V2, "hugetlb lives in cgroup2");
	CHECK(cg_home(&h, CG_CTRL_MEMORY) >= 0 &&
		      strcmp(l.v1[cg_home(&h, CG_CTRL_MEMORY)].name, "memory") == 0,
	      "memory lives in its v1 hierarchy");
	CHECK(cg_home(&h, CG_CTRL_IO) >= 0 &&
		      strcmp(l.v1[cg_home(&h, CG_CTRL_IO)].name, "blkio") == 0,
	      "io is v1 blkio");
	CHECK(cg_home(&h, CG_CTRL_NET_CLS) == CG_HOME_NONE &&
		      cg_home(&h, CG_CTRL_RDMA) == CG_HOME_NONE,
	      "net_cls and rdma live nowhere");
	CHECK(cg_home(&h, 0) == CG_HOME_V2 && h.has_v1, "core files in cgroup2");
	cg_layout_clear(&l);
	error_free(e);
}

/* a systemd host: co-mounted cpu,cpuacct and net_cls,net_prio; a hidden
 * mount; a hierarchy mounted twice (a container's bind of it) */
static void test_layout_systemd(void)
{
	static const char mi[] =
		"25 1 0:23 / /sys/fs/cgroup ro - tmpfs tmpfs ro,mode=755\n"
		"26 25 0:24 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw,nsdelegate\n"
		"27 25 0:25 / /sys/fs/cgroup/systemd rw - cgroup cgroup "
		"rw,xattr,release_agent=/lib/systemd/systemd-cgroups-agent,name=systemd\n"
		"28 25 0:26 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
		"29 25 0:27 / /sys/fs/cgroup/net_cls,net_prio rw - cgroup cgroup "
		"rw,net_cls,net_prio\n"
		"30 25 0:28 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
		"31 30 0:99 / /sys/fs/cgroup/memory rw - tmpfs tmpfs rw\n"
		"32 25 0:29 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids\n"
		"40 1 0:29 /docker/x /var/lib/x/pids rw - cgroup cgroup rw,pids\n";
	static const char pc[] = "5:pids:/user.slice\n4:memory:/user.slice\n"
				 "3:net_cls,net_prio:/\n2:cpu,cpuacct:/user.slice\n"
				 "1:name=systemd:/user.slice/session-1.scope\n0::/user.slice\n";
	struct cg_layout l;
	struct cg_homes h;
	struct error *e = NULL;
	const struct cg_v1h *cpu, *sd;
	char *name = NULL;

	CHECK(cg_layout_parse(mi, pc, "", &l, &e) == 0);
	cg_layout_homes(&l, &h);
	cpu = by_name(&l, "cpu,cpuacct");
	CHECK(cpu && cpu->ctrls == (CG_CTRL_CPU | CG_CTRL_CPUACCT) &&
		      strcmp(cpu->own, "/user.slice") == 0,
	      "co-mounted cpu,cpuacct: one hierarchy");
	CHECK(cg_home(&h, CG_CTRL_CPU) == cg_home(&h, CG_CTRL_CPUACCT), "one home for both");
	sd = by_name(&l, "name=systemd");
	CHECK(sd && strcmp(sd->own, "/user.slice/session-1.scope") == 0,
	      "flags and release_agent are not part of the name");
	CHECK(by_name(&l, "memory") == NULL, "a hidden hierarchy is not used");
	CHECK(l.n_v1 == 4, "pids mounted twice counts once: %zu", l.n_v1);
	CHECK(by_name(&l, "pids") && strcmp(by_name(&l, "pids")->mount, "/sys/fs/cgroup/pids") == 0,
	      "the first mount of a hierarchy wins");
	CHECK(cg_home(&h, CG_CTRL_MEMORY) == CG_HOME_NONE, "memory nowhere (hidden)");
	CHECK(cg_v1_options("rw,xattr,noprefix,cpuset_v2_mode,cpuset", &name) == CG_CTRL_CPUSET &&
		      strcmp(name, "cpuset") == 0,
	      "options: %s", name);
	free(name);
	CHECK(cg_v1_options("rw,xattr", &name) == 0 && name == NULL, "no hierarchy named");
	cg_layout_clear(&l);
	error_free(e);
}

/* nested: the mount's root is berth's own cgroup's ancestor; a v1-only
 * host; nothing at all */
static void test_layout_nested_and_v1_only(void)
{
	static const char mi[] = "50 40 0:31 /docker/abc /sys/fs/cgroup/memory ro - cgroup cgroup "
				 "rw,memory\n";
	static const char pc[] = "4:memory:/docker/abc/inner\n0::/\n";
	struct cg_layout l;
	struct cg_homes h;
	struct error *e = NULL;

	CHECK(cg_layout_parse(mi, pc, NULL, &l, &e) == 0);
	cg_layout_homes(&l, &h);
	CHECK(l.mount == NULL && !l.hybrid && l.n_v1 == 1, "v1 only");
	CHECK(strcmp(l.v1[0].own, "/inner") == 0, "own path relative to the mount: %s",
	      l.v1[0].own);
	CHECK(cg_home(&h, CG_CTRL_MEMORY) == 0 && cg_home(&h, 0) == CG_HOME_NONE &&
		      cg_home(&h, CG_CTRL_PIDS) == CG_HOME_NONE,
	      "homes on a v1-only host");
	cg_layout_clear(&l);
	CHECK(cg_layout_parse("", "", NULL, &l, &e) == 0 && l.mount == NULL && l.n_v1 == 0,
	      "no cgroup at all");
	cg_layout_clear(&l);
	error_free(e);
}

/* ---- plans ------------------------------------------------------------- */

/* homes of this host: everything v1 (index = bit number) but hugetlb */
static void host_homes(struct cg_homes *h)
{
	for (unsigned i = 0; i < CG_N_CTRLS; i++)
		h->of[i] = (int)i;
	h->of[__builtin_ctz(CG_CTRL_HUGETLB)] = CG_HOME_V2;
	h->of[__builtin_ctz(CG_CTRL_RDMA)] = CG_HOME_NONE;
	h->of[__builtin_ctz(CG_CTRL_NET_CLS)] = CG_HOME_NONE;
	h->core = CG_HOME_V2;
	h->has_v1 = true;
}

/* "file=value file=value ..." of a plan, in order */
static char *plan_text(const struct cg_plan *p)
{
	char *out = xstrdup("");

	for (size_t i = 0; i < p->n; i++) {
		char *next = xasprintf("%s%s%s=%s", out, i ? " " : "", p->v[i].file, p->v[i].value);

		free(out);
		out = next;
	}
	return out;
}

static void expect_plan(const struct spec_resources *r, uint64_t cur_limit, const char *want)
{
	struct cg_homes h;
	struct cg_current cur = {NULL, cur_limit};
	struct cg_plan p;
	struct error *e = NULL;
	char *got;

	host_homes(&h);
	if (cg_plan_build(r, &h, &cur, &p, &e) < 0) {
		CHECK(false, "plan failed: %s", e->msg);
		error_free(e);
		return;
	}
	got = plan_text(&p);
	CHECK(strcmp(got, want) == 0, "got  %s\nwant %s", got, want);
	free(got);
	cg_plan_clear(&p);
}

static void expect_fail(const struct spec_resources *r, const char *text)
{
	struct cg_homes h;
	struct cg_plan p;
	struct error *e = NULL;

	host_homes(&h);
	CHECK(cg_plan_build(r, &h, NULL, &p, &e) < 0 && e && strstr(e->msg, text) != NULL,
	      "'%s' in: %s", text, e ? e->msg : "(no error)");
	error_free(e);
}

static struct spec_resources mem(int64_t limit, int64_t swap)
{
	struct spec_resources r = {0};

	r.has_memory = true;
	if (limit != 0)
		r.memory.limit = (struct opt_i64){true, limit};
	if (swap != 0)
		r.memory.swap = (struct opt_i64){true, swap};
	return r;
}

static void test_plan_memory_order(void)
{
	struct spec_resources r = mem(64 << 20, 128 << 20);

	/* create: the fresh cgroup is unlimited, so the limit can go first */
	expect_plan(&r, 0, "memory.limit_in_bytes=67108864 memory.memsw.limit_in_bytes=134217728");
	/* raising past the current limit: memory+swap first */
	r = mem(256 << 20, 512 << 20);
	expect_plan(&r, 64 << 20,
		    "memory.memsw.limit_in_bytes=536870912 memory.limit_in_bytes=268435456");
	/* lowering: the limit first */
	r = mem(32 << 20, 48 << 20);
	expect_plan(&r, 64 << 20,
		    "memory.limit_in_bytes=33554432 memory.memsw.limit_in_bytes=50331648");
	/* unlimited memory, no swap given: unlimited memory+swap, first */
	r = mem(-1, 0);
	expect_plan(&r, 64 << 20, "memory.memsw.limit_in_bytes=-1 memory.limit_in_bytes=-1");
	/* swap alone is a v1 setting on its own */
	r = mem(0, 256 << 20);
	expect_plan(&r, 0, "memory.memsw.limit_in_bytes=268435456");
}

static void test_plan_memory_settings(void)
{
	struct spec_resources r = mem(0, 0);

	r.memory.reservation = (struct opt_i64){true, 1 << 20};
	r.memory.disable_oom_killer = true;
	r.memory.swappiness = (struct opt_u64){true, 0};
	expect_plan(&r, 0,
		    "memory.soft_limit_in_bytes=1048576 memory.oom_control=1 memory.swappiness=0");
	r = mem(0, 0);
	r.memory.kernel = (struct opt_i64){true, 1 << 20};
	expect_fail(&r, "memory.kernel: kernel memory limits are obsolete");
	r = mem(0, 0);
	r.memory.kernel_tcp = (struct opt_i64){true, 4096};
	expect_fail(&r, "memory.kernelTCP: kernel memory limits are obsolete");
}

static void test_plan_cpu(void)
{
	struct spec_resources r = {0};
	struct cg_homes h;
	struct cg_plan p;
	struct error *e = NULL;

	r.has_cpu = true;
	r.cpu.realtime_runtime = (struct opt_i64){true, 950000};
	r.cpu.realtime_period = (struct opt_u64){true, 1000000};
	r.cpu.shares = (struct opt_u64){true, 512};
	r.cpu.quota = (struct opt_i64){true, 50000};
	r.cpu.period = (struct opt_u64){true, 100000};
	r.cpu.burst = (struct opt_u64){true, 0};
	r.cpu.idle = (struct opt_i64){true, 1};
	r.cpu.cpus = "0-1";
	expect_plan(&r, 0,
		    "cpu.rt_period_us=1000000 cpu.rt_runtime_us=950000 cpu.shares=512 "
		    "cpu.cfs_period_us=100000 cpu.cfs_burst_us=0 cpu.cfs_quota_us=50000 cpu.idle=1 "
		    "cpuset.cpus=0-1");
	host_homes(&h);
	CHECK(cg_plan_build(&r, &h, NULL, &p, &e) == 0);
	CHECK(p.v[2].readback && p.v[2].kind == CG_SOFT, "shares: soft, read back");
	CHECK(p.v[3].einval_later && p.v[4].einval_later && p.v[4].missing_ok,
	      "period and burst may wait for the quota");
	CHECK(p.v[7].backend == __builtin_ctz(CG_CTRL_CPUSET), "cpuset to its own hierarchy");
	cg_plan_clear(&p);
	/* a period alone needs no retry; quota -1 is unlimited, as is */
	memset(&r, 0, sizeof(r));
	r.has_cpu = true;
	r.cpu.quota = (struct opt_i64){true, -1};
	expect_plan(&r, 0, "cpu.cfs_quota_us=-1");
}

static void test_plan_blkio_hugetlb_pids(void)
{
	struct spec_resources r = {0};
	struct spec_throttle_device t = {8, 0, 1048576};
	struct spec_weight_device wd = {8, 16, {true, 300}, {true, 200}};
	struct spec_hugepage_limit hp = {"2MB", 4194304};
	struct cg_homes h;
	struct cg_plan p;
	struct error *e = NULL;

	r.has_blkio = true;
	r.blkio.weight = (struct opt_u64){true, 500};
	r.blkio.weight_devices = &wd;
	r.blkio.n_weight_devices = 1;
	r.blkio.read_bps = (struct spec_throttle_list){&t, 1};
	r.blkio.write_iops = (struct spec_throttle_list){&t, 1};
	r.pids_limit = (struct opt_i64){true, 50};
	expect_plan(&r, 0,
		    "pids.max=50 blkio.weight=500 blkio.weight_device=8:16 300 "
		    "blkio.leaf_weight_device=8:16 200 blkio.throttle.read_bps_device=8:0 1048576 "
		    "blkio.throttle.write_iops_device=8:0 1048576");
	host_homes(&h);
	CHECK(cg_plan_build(&r, &h, NULL, &p, &e) == 0);
	CHECK(p.v[1].kind == CG_SOFT && strcmp(p.v[1].alt_file, "blkio.bfq.weight") == 0,
	      "weight: soft, BFQ's file when CFQ's is missing");
	cg_plan_clear(&p);
	/* hugetlb: v2 on this host; v1 file names where it is a v1 one */
	memset(&r, 0, sizeof(r));
	r.hugepages = &hp;
	r.n_hugepages = 1;
	expect_plan(&r, 0, "hugetlb.2MB.max=4194304 hugetlb.2MB.rsvd.max=4194304");
	h.of[__builtin_ctz(CG_CTRL_HUGETLB)] = 3;
	CHECK(cg_plan_build(&r, &h, NULL, &p, &e) == 0 &&
		      strcmp(p.v[0].file, "hugetlb.2MB.limit_in_bytes") == 0 &&
		      strcmp(p.v[1].file, "hugetlb.2MB.rsvd.limit_in_bytes") == 0 &&
		      p.v[1].missing_ok,
	      "v1 hugetlb files");
	cg_plan_clear(&p);
}

static void test_plan_network_unified(void)
{
	struct spec_resources r = {0};
	struct spec_net_priority prio[] = {{"eth0", 5}, {"lo", 1}};
	char *k[] = {"memory.high"}, *v[] = {"1000000"};
	char *hk[] = {"hugetlb.2MB.max", "cgroup.max.depth"}, *hv[] = {"1", "3"};
	struct cg_plan p;
	struct error *e = NULL;

	r.has_network = true;
	r.net_class_id = (struct opt_u64){true, 0x100001};
	r.net_priorities = prio;
	r.n_net_priorities = 2;
	expect_plan(&r, 0,
		    "net_cls.classid=1048577 net_prio.ifpriomap=eth0 5 net_prio.ifpriomap=lo 1");
	/* a pure v2 host ignores them, as runc does there */
	CHECK(cg_plan_build(&r, NULL, NULL, &p, &e) == 0 && p.n == 0, "ignored on pure v2");
	cg_plan_clear(&p);
	memset(&r, 0, sizeof(r));
	r.unified_keys = k;
	r.unified_values = v;
	r.n_unified = 1;
	expect_fail(&r, "unified 'memory.high' is a cgroup v2 file, but the \"memory\" controller "
			"is a cgroup v1 hierarchy on this host");
	r.unified_keys = hk;
	r.unified_values = hv;
	r.n_unified = 2;
	expect_plan(&r, 0, "hugetlb.2MB.max=1 cgroup.max.depth=3");
	error_free(e);
}

/* writes of a controller with no home: refused (hard), warned (soft) */
static void test_nowhere(void)
{
	struct spec_resources r = {0};
	struct spec_rdma_limit l = {"mlx5_0", {true, 3}, {false, 0}};
	struct cg_homes h;
	struct cg_plan p;
	struct error *e = NULL;
	char *which = cg_nowhere("/sys/fs/cgroup/unified", true);

	host_homes(&h);
	r.rdma = &l;
	r.n_rdma = 1;
	CHECK(cg_plan_build(&r, &h, NULL, &p, &e) == 0 && p.v[0].backend == CG_HOME_NONE);
	CHECK(cg_plan_filter_none(&p, which, &e) < 0 &&
		      strcmp(e->msg,
			     "rdma limit needs the \"rdma\" controller, which this host has "
			     "neither in /sys/fs/cgroup/unified nor as a cgroup v1 "
			     "hierarchy") == 0,
	      "%s", e ? e->msg : "no error");
	cg_plan_clear(&p);
	free(which);
	which = cg_nowhere(NULL, true);
	CHECK(strstr(which, "no cgroup2 hierarchy is mounted"), "v1-only: %s", which);
	free(which);
	error_free(e);
}

/* ---- devices ------------------------------------------------------------ */

static char *lines_text(const struct cg_dev_line *l, size_t n)
{
	char *out = xstrdup("");

	for (size_t i = 0; i < n; i++) {
		char *next = xasprintf("%s%s%s %s", out, i ? "; " : "",
				       l[i].allow ? "allow" : "deny", l[i].text);

		free(out);
		out = next;
	}
	return out;
}

static void expect_transition(const char *list, const struct spec_dev_rule *rules, size_t n,
			      const char *want)
{
	struct cg_dev_emu cur, target;
	struct cg_dev_line *lines = NULL;
	struct error *e = NULL;
	size_t n_lines = 0;
	char *got;

	CHECK(cg_dev_list_parse(list, &cur, &e) == 0, "parse: %s", e ? e->msg : "");
	CHECK(cg_dev_rules_build(rules, n, NULL, 0, &target, &e) == 0);
	cg_dev_transition(&cur, &target, &lines, &n_lines);
	got = lines_text(lines, n_lines);
	CHECK(strcmp(got, want) == 0, "got  %s\nwant %s", got, want);
	free(got);
	free(lines);
	cg_dev_emu_clear(&cur);
	cg_dev_emu_clear(&target);
	error_free(e);
}

static void test_devices_v1(void)
{
	const struct spec_dev_rule deny_all = {false, 'a', -1, -1, 0};
	const struct spec_dev_rule fuse_r[] = {deny_all, {true, 'c', 10, 229, SPEC_DEV_READ}};
	const struct spec_dev_rule allow_all = {true, 'a', -1, -1, 0};
	struct cg_dev_emu e1;
	struct error *e = NULL;
	char defaults[] = "allow c 1:3 rwm; allow c 1:5 rwm; allow c 1:7 rwm; allow c 1:8 rwm; "
			  "allow c 1:9 rwm; allow c 5:0 rwm; allow c 5:2 rwm; allow c 10:200 rwm; "
			  "allow c 136:* rwm";
	char *want;

	/* a fresh cgroup below the root allows all: reset, then the allows */
	want = xasprintf("deny a *:* rwm; %s", defaults);
	expect_transition("a *:* rwm\n", &deny_all, 1, want);
	free(want);
	/* an update of a white-listed cgroup: no reset, only what changes */
	expect_transition("c 1:3 rwm\nc 1:5 rwm\nc 1:7 rwm\nc 1:8 rwm\nc 1:9 rwm\nc 5:0 rwm\n"
			  "c 5:2 rwm\nc 10:200 rwm\nc 136:* rwm\nc 10:229 rwm\nc 4:1 rw\n",
			  fuse_r, 2, "deny c 4:1 rw; deny c 10:229 wm");
	/* allow-all target: a reset to allow */
	expect_transition("c 1:3 rwm\n", &allow_all, 1, "allow a *:* rwm");
	CHECK(cg_dev_list_parse("c 1:3 rwm\nb 8:* r\n", &e1, &e) == 0 && !e1.default_allow &&
		      e1.n == 2,
	      "a white list");
	cg_dev_emu_clear(&e1);
	CHECK(cg_dev_list_parse("c 1:3 rwx\n", &e1, &e) < 0, "bad access refused");
	error_freep(&e);
	CHECK(cg_dev_list_parse("garbage\n", &e1, &e) < 0, "garbage refused");
	error_free(e);
}

/* cg_layout_pure_v2 on this machine's real mounts: it answers for a
 * cgroup2 mount point ("0::" alone), as the mount table does; it declines
 * a v1 line, a place that is no mount point, one that is another type, and
 * before Linux 6.8 (no statmount) everything.  Run on a hybrid host it is
 * given the unified mount for the standard one.  */
static void test_layout_pure_v2(void)
{
	cleanup_free char *mi = read_file_or_null(AT_FDCWD, "/proc/self/mountinfo");
	struct cg_layout l, t;
	struct error *e = NULL;

	/* the table's answer for the same /proc/self/cgroup text */
	CHECK(mi != NULL && cg_layout_parse(mi, "0::/a/b\n", NULL, &t, &e) == 0);
	if (t.mount == NULL || (strcmp(t.mount, "/sys/fs/cgroup") != 0 &&
				strcmp(t.mount, "/sys/fs/cgroup/unified") != 0)) {
		TAP_NOTE("no cgroup2 mount at the standard places: cg_layout_pure_v2 not checked");
		cg_layout_clear(&t);
		return;
	}
	if (!cg_layout_pure_v2("0::/a/b\n", t.mount, &l)) {
		TAP_NOTE("no statmount (before Linux 6.8): cg_layout_pure_v2 always declines");
		CHECK(l.mount == NULL && l.own == NULL);
		cg_layout_clear(&t);
		return;
	}
	CHECK(strcmp(l.mount, t.mount) == 0 && strcmp(l.own, t.own) == 0 && !l.hybrid &&
		      l.n_v1 == 0,
	      "%s %s, as the table: %s %s", l.mount, l.own, t.mount, t.own);
	CHECK(strcmp(l.own, "/a/b") == 0);
	cg_layout_clear(&l);
	CHECK(!cg_layout_pure_v2("1:name=systemd:/\n0::/\n", t.mount, &l) && l.mount == NULL,
	      "a v1 hierarchy: the table decides");
	CHECK(!cg_layout_pure_v2("0::/\n1:cpu:/\n", t.mount, &l), "a second line");
	CHECK(!cg_layout_pure_v2("0::/", t.mount, &l), "no end of line");
	CHECK(!cg_layout_pure_v2("0::/\n", "/sys", &l), "another type");
	CHECK(!cg_layout_pure_v2("0::/\n", "/sys/fs/cgroup/nowhere", &l), "no such place");
	CHECK(!cg_layout_pure_v2("0::/\n", "/sys/fs/../fs/cgroup/unified", &l) ||
		      strcmp(t.mount, "/sys/fs/cgroup/unified") != 0,
	      "a path that is not the mount point as written");
	cg_layout_clear(&t);
	error_free(e);
}

/* the sandbox's CPU report on v1: the exact total, split as sampled */
static void test_cputime_split(void)
{
	uint64_t u = 40000000, s = 8000000;

	/* 200 ms run, half the ticks stolen: 48 ms sampled, 5 to 1 */
	cg_cputime_split(200000000, &u, &s);
	CHECK(u == 166666666 && s == 33333334, "the total, split 5 to 1: %llu %llu",
	      (unsigned long long)u, (unsigned long long)s);
	u = 0, s = 0;
	cg_cputime_split(3000000, &u, &s);
	CHECK(u == 3000000 && s == 0, "no samples: all user");
	u = 0, s = 12000000;
	cg_cputime_split(9000000, &u, &s);
	CHECK(u == 0 && s == 9000000, "only system samples: all system");
	u = 16000000000000000000ULL, s = 2000000000000000000ULL;
	cg_cputime_split(18000000000000000000ULL, &u, &s);
	CHECK(u == 16000000000000000000ULL && s == 2000000000000000000ULL,
	      "no overflow near the top of the range");
}

int main(void)
{
	char log_path[] = "/tmp/berth-test-v1-XXXXXX";
	struct error *e = NULL;
	int fd = mkstemp(log_path);

	if (fd < 0 || log_open(log_path, false, false, &e) < 0) {
		fprintf(stderr, "log setup failed\n");
		return 1;
	}
	close(fd);
	test_layout_host();
	test_layout_systemd();
	test_layout_nested_and_v1_only();
	test_layout_pure_v2();
	test_plan_memory_order();
	test_plan_memory_settings();
	test_plan_cpu();
	test_plan_blkio_hugetlb_pids();
	test_plan_network_unified();
	test_nowhere();
	test_devices_v1();
	test_cputime_split();
	log_close();
	unlink(log_path);
	return tap_done();
}
