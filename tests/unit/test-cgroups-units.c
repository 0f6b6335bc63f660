/* SPDX-License-Identifier: Apache-2.0 */
/* tests/unit/test-cgroups-units.c — the pure parts of cgroups/: value
 * conversions, the plan built from linux.resources, the hard/soft policy,
 * and the device rule emulation with its eBPF program, run through a small
 * interpreter of the instructions the generator emits.  No cgroupfs.  */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "core/file.h"
#include "core/mem.h"
#include "core/log.h"
#include "core/mountinfo.h"
#include "tests/unit/tap.h"

/* ---- conversions ------------------------------------------------------- */

static void test_shares(void)
{
	/* expected values: runc's formula evaluated with libm */
	static const unsigned long long cases[][2] = {
		{0, 0},		 {1, 1},	   {2, 1},	   {3, 2},	   {10, 4},
		{100, 17},	 {102, 17},	   {512, 59},	   {1000, 99},	   {1024, 100},
		{2048, 174},	 {4096, 303},	   {116225, 4938}, {200416, 7914}, {262143, 10000},
		{262144, 10000}, {1000000, 10000},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned long long got = cg_shares_to_weight(cases[i][0]);

		CHECK(got == cases[i][1], "shares %llu -> %llu, want %llu", cases[i][0], got,
		      cases[i][1]);
	}
}

static void test_blkio_weight(void)
{
	CHECK(cg_blkio_to_io_weight(0) == 0, "blkio 0");
	CHECK(cg_blkio_to_io_weight(10) == 1, "blkio 10");
	CHECK(cg_blkio_to_io_weight(500) == 4950, "blkio 500 -> %llu",
	      (unsigned long long)cg_blkio_to_io_weight(500));
	CHECK(cg_blkio_to_io_weight(1000) == 10000, "blkio 1000");
}

static void test_swap(void)
{
	static const long long ok[][3] = {
		/* memory+swap, memory, swap.max */
		{300, 100, 200}, {100, 100, 0},	 {0, -1, -1}, {0, 0, 0},
		{-1, 100, -1},	 {500, -1, 500}, {0, 100, 0},
	};
	static const long long bad[][2] = {{50, 100}, {100, 0}};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct error *e = NULL;
		int64_t swap = 42;
		int r = cg_swap_to_v2(ok[i][0], ok[i][1], &swap, &e);

		CHECK(r == 0 && swap == ok[i][2], "swap(%lld,%lld) = %lld", ok[i][0], ok[i][1],
		      (long long)swap);
		error_free(e);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct error *e = NULL;
		int64_t swap;

		CHECK(cg_swap_to_v2(bad[i][0], bad[i][1], &swap, &e) < 0,
		      "swap(%lld,%lld) should fail", bad[i][0], bad[i][1]);
		error_free(e);
	}
}

/* ---- plans ------------------------------------------------------------- */

static const struct cg_write *find_write(const struct cg_plan *p, const char *file)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->v[i].file, file) == 0)
			return &p->v[i];
	return NULL;
}

static bool has(const struct cg_plan *p, const char *file, const char *value, enum cg_kind kind)
{
	const struct cg_write *w = find_write(p, file);

	return w != NULL && strcmp(w->value, value) == 0 && w->kind == kind;
}

static void test_plan_docker_zeros(void)
{
	/* docker: memory/cpu/blockIO objects full of zeros */
	struct spec_resources r = {0};
	struct cg_plan p;
	struct error *e = NULL;

	r.has_memory = true;
	r.has_cpu = true;
	r.cpu.shares = (struct opt_u64){true, 0};
	r.has_blkio = true;
	r.blkio.weight = (struct opt_u64){true, 0};
	CHECK(cg_plan_build(&r, NULL, NULL, &p, &e) == 0, "zeros: %s", e ? e->msg : "");
	CHECK(p.n == 0, "zeros give %zu writes", p.n);
	cg_plan_clear(&p);
	error_free(e);
}

static void test_plan_docker_limits(void)
{
	/* docker --pids-limit 50 --memory 64m --cpus 0.5 --cpu-shares 2 */
	struct spec_resources r = {0};
	struct cg_plan p;
	struct error *e = NULL;

	r.has_memory = true;
	r.memory.limit = (struct opt_i64){true, 67108864};
	r.memory.swap = (struct opt_i64){true, 134217728};
	r.memory.reservation = (struct opt_i64){true, 1 << 20};
	r.has_cpu = true;
	r.cpu.shares = (struct opt_u64){true, 2};
	r.cpu.quota = (struct opt_i64){true, 50000};
	r.cpu.period = (struct opt_u64){true, 100000};
	r.cpu.cpus = "0-1";
	r.pids_limit = (struct opt_i64){true, 50};
	CHECK(cg_plan_build(&r, NULL, NULL, &p, &e) == 0, "limits: %s", e ? e->msg : "");
	CHECK(has(&p, "memory.max", "67108864", CG_HARD), "memory.max");
	CHECK(has(&p, "memory.swap.max", "67108864", CG_HARD), "swap.max");
	CHECK(has(&p, "memory.low", "1048576", CG_HARD), "memory.low");
	CHECK(has(&p, "cpu.weight", "1", CG_SOFT), "cpu.weight");
	CHECK(has(&p, "cpu.max", "50000 100000", CG_HARD), "cpu.max");
	CHECK(has(&p, "cpuset.cpus", "0-1", CG_HARD), "cpuset.cpus");
	CHECK(has(&p, "pids.max", "50", CG_HARD), "pids.max");
	CHECK(cg_plan_ctrls(&p) == (CG_CTRL_MEMORY | CG_CTRL_CPU | CG_CTRL_CPUSET | CG_CTRL_PIDS),
	      "controllers %#x", cg_plan_ctrls(&p));
	cg_plan_clear(&p);
	error_free(e);
}

static void test_plan_unlimited_and_update(void)
{
	struct spec_resources r = {0};
	struct cg_plan p;
	struct error *e = NULL;

	/* podman --pids-limit 0, memory -1: "unlimited" is no request */
	r.pids_limit = (struct opt_i64){true, 0};
	r.has_memory = true;
	r.memory.limit = (struct opt_i64){true, -1};
	r.has_cpu = true;
	r.cpu.period = (struct opt_u64){true, 50000};
	CHECK(cg_plan_build(&r, NULL, &(struct cg_current){"20000 100000\n", 0}, &p, &e) == 0,
	      "update");
	CHECK(has(&p, "pids.max", "max", CG_DEFAULT), "pids max");
	CHECK(has(&p, "memory.max", "max", CG_DEFAULT), "memory max");
	CHECK(has(&p, "memory.swap.max", "max", CG_DEFAULT), "swap max");
	/* a period alone keeps the current quota */
	CHECK(has(&p, "cpu.max", "20000 50000", CG_DEFAULT), "cpu.max %s",
	      find_write(&p, "cpu.max") ? find_write(&p, "cpu.max")->value : "none");
	CHECK(!cg_plan_has_hard(&p), "no hard writes");
	cg_plan_clear(&p);
	error_free(e);
}

static void test_plan_io_hugetlb_unified(void)
{
	struct spec_resources r = {0};
	struct spec_throttle_device rbps = {8, 0, 1048576};
	struct spec_weight_device wd = {8, 16, {true, 300}, {false, 0}};
	struct spec_hugepage_limit hp = {"2MB", 0};
	char *keys[] = {"memory.high", "cgroup.max.depth"};
	char *vals[] = {"1000000", "3"};
	struct cg_plan p;
	struct error *e = NULL;
	const struct cg_write *w;

	r.has_blkio = true;
	r.blkio.weight = (struct opt_u64){true, 500};
	r.blkio.read_bps = (struct spec_throttle_list){&rbps, 1};
	r.blkio.weight_devices = &wd;
	r.blkio.n_weight_devices = 1;
	r.hugepages = &hp;
	r.n_hugepages = 1;
	r.unified_keys = keys;
	r.unified_values = vals;
	r.n_unified = 2;
	CHECK(cg_plan_build(&r, NULL, NULL, &p, &e) == 0, "io");
	w = find_write(&p, "io.bfq.weight");
	CHECK(w && strcmp(w->value, "500") == 0 && w->kind == CG_SOFT &&
		      strcmp(w->alt_file, "io.weight") == 0 && strcmp(w->alt_value, "4950") == 0,
	      "blkio weight -> bfq 500 / io.weight 4950");
	CHECK(has(&p, "io.max", "8:0 rbps=1048576", CG_HARD), "io.max");
	CHECK(p.n > 1 && strcmp(p.v[1].value, "8:16 300") == 0 &&
		      strcmp(p.v[1].alt_value, "8:16 2930") == 0,
	      "weight device");
	CHECK(has(&p, "hugetlb.2MB.max", "0", CG_HARD), "hugetlb");
	w = find_write(&p, "memory.high");
	CHECK(w && w->ctrl == CG_CTRL_MEMORY && w->kind == CG_HARD &&
		      strcmp(w->what, "unified 'memory.high'") == 0,
	      "unified memory.high");
	w = find_write(&p, "cgroup.max.depth");
	CHECK(w && w->ctrl == 0, "unified core key has no controller");
	/* unified comes last: it overrides */
	CHECK(strcmp(p.v[p.n - 1].file, "cgroup.max.depth") == 0, "order");
	cg_plan_clear(&p);
	error_free(e);
}

static void expect_plan_error(struct spec_resources *r, const char *text)
{
	struct cg_plan p;
	struct error *e = NULL;

	CHECK(cg_plan_build(r, NULL, NULL, &p, &e) < 0 && e && strstr(e->msg, text) != NULL,
	      "want error with '%s', got '%s'", text, e ? e->msg : "none");
	error_free(e);
}

static void test_plan_v1_only(void)
{
	struct spec_resources r = {0};

	r.has_memory = true;
	r.memory.kernel = (struct opt_i64){true, 1 << 20};
	expect_plan_error(&r, "memory.kernel is a cgroup v1 setting");
	r.memory.kernel = (struct opt_i64){true, 0};
	r.memory.swappiness = (struct opt_u64){true, 60};
	expect_plan_error(&r, "memory.swappiness is a cgroup v1 setting");
	r.memory.swappiness = (struct opt_u64){false, 0};
	r.memory.kernel_tcp = (struct opt_i64){true, 4096};
	expect_plan_error(&r, "memory.kernelTCP is a cgroup v1 setting");
	memset(&r, 0, sizeof(r));
	r.has_cpu = true;
	r.cpu.realtime_runtime = (struct opt_i64){true, 1000};
	expect_plan_error(&r, "realtime");
	memset(&r, 0, sizeof(r));
	r.has_memory = true;
	r.memory.swap = (struct opt_i64){true, 1000};
	expect_plan_error(&r, "needs a memory limit");
	/* names that become file names cannot climb out of the cgroup */
	memset(&r, 0, sizeof(r));
	{
		struct spec_hugepage_limit hp = {"2MB/../../x", 1};
		char *k[] = {"../cgroup.procs"}, *v[] = {"1"};

		r.hugepages = &hp;
		r.n_hugepages = 1;
		expect_plan_error(&r, "hugepage size '2MB/../../x': invalid");
		r.n_hugepages = 0;
		r.unified_keys = k;
		r.unified_values = v;
		r.n_unified = 1;
		expect_plan_error(&r, "unified '../cgroup.procs': invalid");
	}
}

static char log_path[] = "/tmp/berth-test-log-XXXXXX";

static char *log_text(void)
{
	char *text = NULL;
	struct error *e = NULL;

	if (read_file_at(AT_FDCWD, log_path, &text, NULL, &e) < 0) {
		error_free(e);
		return xstrdup("");
	}
	return text;
}

static void test_policy(void)
{
	struct spec_resources r = {0};
	struct cg_plan p;
	struct error *e = NULL;
	char *text;

	r.has_memory = true;
	r.memory.limit = (struct opt_i64){true, 1 << 26};
	r.has_cpu = true;
	r.cpu.shares = (struct opt_u64){true, 512};
	cg_plan_build(&r, NULL, NULL, &p, &e);
	CHECK(cg_plan_filter(&p, CG_CTRL_MEMORY | CG_CTRL_CPU, false,
			     "/sys/fs/cgroup/unified does not have (hybrid "
			     "cgroup v1/v2 host)",
			     &e) < 0,
	      "hard limit must fail");
	CHECK(e && strcmp(e->msg, "memory limit needs the \"memory\" "
				  "controller, which /sys/fs/cgroup/unified does not "
				  "have (hybrid cgroup v1/v2 host)") == 0,
	      "message: %s", e ? e->msg : "none");
	error_freep(&e);
	cg_plan_clear(&p);

	/* soft only: a warning, the write dropped, success */
	r.has_memory = false;
	cg_plan_build(&r, NULL, NULL, &p, &e);
	CHECK(cg_plan_filter(&p, CG_CTRL_CPU, false, "X does not have", &e) == 0 && p.n == 0,
	      "soft weight is dropped");
	text = log_text();
	/* the text log escapes quotes, as logrus does */
	CHECK(strstr(text, "cpu shares not applied: it needs the \\\"cpu\\\" "
			   "controller, which X does not have") != NULL,
	      "warning logged: %s", text);
	free(text);
	cg_plan_clear(&p);

	/* no cgroup2 at all: even a core unified key is refused */
	memset(&r, 0, sizeof(r));
	{
		char *k[] = {"cgroup.max.depth"}, *v[] = {"2"};

		r.unified_keys = k;
		r.unified_values = v;
		r.n_unified = 1;
		cg_plan_build(&r, NULL, NULL, &p, &e);
		CHECK(cg_plan_filter(&p, ~0u, true, "this host does not have", &e) < 0 &&
			      strstr(e->msg, "needs a cgroup v2 hierarchy"),
		      "core key on v1-only: %s", e ? e->msg : "none");
		error_freep(&e);
		cg_plan_clear(&p);
	}
	/* rootless without delegation */
	r = (struct spec_resources){0};
	r.pids_limit = (struct opt_i64){true, 10};
	cg_plan_build(&r, NULL, NULL, &p, &e);
	CHECK(cg_plan_refuse(&p, "'/x' is not writable", &e) < 0 &&
		      strcmp(e->msg, "pids limit needs a delegated cgroup: "
				     "'/x' is not writable") == 0,
	      "rootless: %s", e ? e->msg : "none");
	error_freep(&e);
	cg_plan_clear(&p);

	/* a user's systemd manager without cpuset: the limit is only a
	 * warning, the limits it has stay */
	r = (struct spec_resources){0};
	r.pids_limit = (struct opt_i64){true, 10};
	r.has_cpu = true;
	r.cpu.cpus = "0";
	cg_plan_build(&r, NULL, NULL, &p, &e);
	cg_plan_skip(&p, CG_CTRL_CPUSET, "is not delegated");
	CHECK(p.n == 1 && p.v[0].ctrl == CG_CTRL_PIDS, "cpuset dropped, pids kept (%zu)", p.n);
	text = log_text();
	CHECK(strstr(text, "cpuset cpus not applied: it needs the \\\"cpuset\\\" controller, "
			   "which is not delegated") != NULL,
	      "warning logged: %s", text);
	free(text);
	cg_plan_clear(&p);
}

/* ---- device rules and the bpf program ---------------------------------- */

/* Run a generated program the way the kernel would for one access. */
static int run_prog(const struct bpf_insn *insn, size_t n, char type, unsigned access,
		    uint32_t major, uint32_t minor)
{
	uint32_t ctx[3];
	uint64_t r[11] = {0};

	ctx[0] = ((access & SPEC_DEV_READ ? BPF_DEVCG_ACC_READ : 0) |
		  (access & SPEC_DEV_WRITE ? BPF_DEVCG_ACC_WRITE : 0) |
		  (access & SPEC_DEV_MKNOD ? BPF_DEVCG_ACC_MKNOD : 0))
			 << 16 |
		 (type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK);
	ctx[1] = major;
	ctx[2] = minor;
	r[1] = (uint64_t)(uintptr_t)ctx;
	for (size_t pc = 0; pc < n; pc++) {
		const struct bpf_insn *i = &insn[pc];
		uint64_t src =
			BPF_SRC(i->code) == BPF_X ? r[i->src_reg] : (uint64_t)(int64_t)i->imm;

		switch (i->code) {
		case BPF_LDX | BPF_MEM | BPF_W:
			r[i->dst_reg] = *(uint32_t *)(uintptr_t)(r[i->src_reg] + i->off);
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			r[i->dst_reg] = (uint32_t)(r[i->dst_reg] & src);
			break;
		case BPF_ALU | BPF_RSH | BPF_K:
			r[i->dst_reg] = (uint32_t)r[i->dst_reg] >> i->imm;
			break;
		case BPF_ALU | BPF_MOV | BPF_K:
		case BPF_ALU | BPF_MOV | BPF_X: r[i->dst_reg] = (uint32_t)src; break;
		case BPF_JMP32 | BPF_JNE | BPF_K:
		case BPF_JMP32 | BPF_JNE | BPF_X:
			if ((uint32_t)r[i->dst_reg] != (uint32_t)src)
				pc += i->off;
			break;
		case BPF_JMP | BPF_EXIT: return (int)r[0];
		default: return -1; /* an opcode the generator must not use */
		}
	}
	return -2; /* fell off the end */
}

struct probe {
	char type;
	unsigned access;
	uint32_t major, minor;
	int want;
};

#define R SPEC_DEV_READ
#define W SPEC_DEV_WRITE
#define M SPEC_DEV_MKNOD

static void check_rules(const char *name, const struct spec_dev_rule *rules, size_t n,
			const struct probe *probes, size_t np)
{
	struct cg_dev_emu emu;
	struct bpf_insn *insns = NULL;
	size_t ni = 0;
	struct error *e = NULL;

	if (cg_dev_rules_build(rules, n, NULL, 0, &emu, &e) < 0 ||
	    cg_dev_program(&emu, &insns, &ni, &e) < 0) {
		CHECK(false, "%s: %s", name, e ? e->msg : "?");
		error_free(e);
		return;
	}
	for (size_t i = 0; i < np; i++) {
		const struct probe *pr = &probes[i];
		int got = run_prog(insns, ni, pr->type, pr->access, pr->major, pr->minor);

		CHECK(got == pr->want, "%s: %c %u:%u access %u -> %d, want %d", name, pr->type,
		      pr->major, pr->minor, pr->access, got, pr->want);
	}
	cg_dev_emu_clear(&emu);
	free(insns);
}

static void test_devices_defaults(void)
{
	static const struct probe p[] = {
		{'c', R | W, 1, 3, 1},	  /* /dev/null */
		{'c', R, 1, 9, 1},	  /* urandom */
		{'c', R | W, 136, 7, 1},  /* a pty */
		{'c', R | W, 5, 2, 1},	  /* ptmx */
		{'c', R | W, 10, 200, 1}, /* tun */
		{'c', R, 1, 11, 0},	  /* kmsg: not a default */
		{'b', R, 8, 0, 0},	  /* a disk */
		{'c', M, 8, 0, 0},	  /* no mknod of what cannot be used */
		{'b', M, 8, 0, 0},	  {'b', M | R, 8, 0, 0},
		{'c', R, 5, 1, 0}, /* console: not a default */
	};

	check_rules("defaults", NULL, 0, p, sizeof(p) / sizeof(p[0]));
}

static void test_devices_docker(void)
{
	static const struct spec_dev_rule rules[] = {
		{false, 'a', -1, -1, 0},
		{true, 'c', 1, 11, R},
		{true, 'c', 4, -1, R | W},
		{true, 'c', 1, 11, W}, /* merges with the r above */
	};
	static const struct probe p[] = {
		/* one rule must grant all bits asked at once, as in v1 */
		{'c', R | W, 1, 11, 1}, {'c', R | W | M, 1, 11, 0}, {'c', R, 4, 77, 1},
		{'c', R, 5, 1, 0},	{'b', R, 4, 77, 0},	    {'c', R | W, 1, 3, 1},
	};

	check_rules("docker", rules, 4, p, sizeof(p) / sizeof(p[0]));
}

static void test_devices_allow_all(void)
{
	static const struct spec_dev_rule rules[] = {
		{true, 'a', -1, -1, 0},
		{false, 'c', 1, 11, R},
		{false, 'b', 8, -1, W},
	};
	static const struct probe p[] = {
		{'c', R, 1, 11, 0}, {'c', W, 1, 11, 1},	   {'b', R, 8, 3, 1},
		{'b', W, 8, 3, 0},  {'b', R | W, 9, 0, 1}, {'c', R | W, 1, 3, 1},
	};

	check_rules("allow-all", rules, 3, p, sizeof(p) / sizeof(p[0]));
}

static void test_devices_remove(void)
{
	static const struct spec_dev_rule rules[] = {
		{false, 'a', -1, -1, 0},
		{true, 'c', 1, 11, R | W},
		{false, 'c', 1, 11, W}, /* takes w back */
		{true, 'c', 7, 7, R},
	};
	static const struct probe p[] = {
		{'c', R, 1, 11, 1}, {'c', W, 1, 11, 0}, {'c', R | W, 1, 11, 0},
		{'c', R, 7, 7, 1},  {'c', W, 7, 7, 0},
	};
	/* a later "a" rule resets everything before it */
	static const struct spec_dev_rule reset[] = {
		{true, 'c', 1, 11, R},
		{false, 'a', -1, -1, 0},
	};
	static const struct probe q[] = {{'c', R, 1, 11, 0}};

	check_rules("remove", rules, 4, p, sizeof(p) / sizeof(p[0]));
	check_rules("reset", reset, 2, q, 1);
}

static void test_devices_hole(void)
{
	/* allow all, deny every char device: the default allow rules would
	 * punch holes into that wildcard, which runc refuses too */
	static const struct spec_dev_rule rules[] = {
		{true, 'a', -1, -1, 0},
		{false, 'c', -1, -1, 0},
	};
	struct cg_dev_emu emu;
	struct error *e = NULL;

	CHECK(cg_dev_rules_build(rules, 2, NULL, 0, &emu, &e) < 0 && e &&
		      strstr(e->msg, "cannot take access away from the "
				     "wildcard rule c -1:-1"),
	      "hole: %s", e ? e->msg : "no error");
	error_free(e);
}

static void test_devices_redefined(void)
{
	/* a spec device at /dev/null drops that default rule (runc) */
	struct spec_device null_dev = {.type = 'c', .path = "/dev/null", .major = 1, .minor = 3};
	struct cg_dev_emu emu;
	struct bpf_insn *insns = NULL;
	size_t n = 0;
	struct error *e = NULL;

	CHECK(cg_dev_rules_build(NULL, 0, &null_dev, 1, &emu, &e) == 0 &&
		      cg_dev_program(&emu, &insns, &n, &e) == 0,
	      "redefined");
	CHECK(run_prog(insns, n, 'c', R, 1, 3) == 0, "1:3 no longer allowed");
	CHECK(run_prog(insns, n, 'c', R, 1, 5) == 1, "1:5 still allowed");
	free(insns);
	cg_dev_emu_clear(&emu);
	error_free(e);
}

/* mountinfo lines (how cgroup2 is found): optional fields before the "-",
 * octal escapes in the mount point, malformed lines refused; and the
 * mount holding a path, on this process's real mount table.  */
static void test_mountinfo(void)
{
	char l1[] =
		"36 25 0:30 / /sys/fs/cgroup rw,nosuid shared:9 master:2 - cgroup2 cgroup2 rw\n";
	char l2[] = "40 25 0:31 /sub /mnt/a\\040b\\134c rw - ext4 /dev/sda1 rw";
	char l3[] = "41 25 0:32 / /mnt rw";
	char l4[] = "42 25 0:33 / /x\\9 rw - tmpfs tmpfs rw";
	struct mountinfo_entry m;
	char *mp;

	CHECK(mountinfo_parse_line(l1, &m) && strcmp(m.point, "/sys/fs/cgroup") == 0 &&
		      strcmp(m.root, "/") == 0 && strcmp(m.fstype, "cgroup2") == 0,
	      "optional fields");
	CHECK(m.id == 36 && m.parent == 25 && strcmp(m.dev, "0:30") == 0 &&
		      strcmp(m.super_opts, "rw") == 0,
	      "ids, device and super options");
	CHECK(mountinfo_parse_line(l2, &m) && strcmp(m.point, "/mnt/a b\\c") == 0 &&
		      strcmp(m.root, "/sub") == 0 && strcmp(m.fstype, "ext4") == 0,
	      "escapes: '%s'", m.point ? m.point : "(null)");
	CHECK(strcmp(m.super_opts, "rw") == 0, "super options after the source");
	CHECK(!mountinfo_parse_line(l3, &m), "a line without the separator");
	CHECK(mountinfo_parse_line(l4, &m) && strcmp(m.point, "/x\\9") == 0,
	      "a backslash that is no octal escape stays: '%s'", m.point ? m.point : "(null)");
	mp = mountinfo_mount_of("/proc/self/fd", NULL);
	CHECK(mp != NULL && strcmp(mp, "/proc") == 0, "/proc/self/fd is on %s", mp ? mp : "(null)");
	free(mp);
	mp = mountinfo_mount_of("/procfoo/x", NULL);
	CHECK(mp == NULL || strcmp(mp, "/") == 0, "/procfoo/x is on %s, not /", mp);
	free(mp);
	mp = mountinfo_mount_of("/proc/self", "no-such-fs");
	CHECK(mp == NULL, "a filesystem type nothing has");
	free(mp);
}

/* A mount hidden by a later one over its parent still shows in mountinfo
 * with the longer mount point; the path is on the later one.  Needs root
 * (a private mount namespace for this process): the last test.  */
static void test_mountinfo_hidden(void)
{
	char dir[] = "/tmp/mountinfo.XXXXXX", sub[64], path[80];
	char *mp;

	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		printf("skip hidden mount test: %s\n", strerror(errno));
		return;
	}
	CHECK(mkdtemp(dir) != NULL, "mkdtemp: %s", strerror(errno));
	snprintf(sub, sizeof(sub), "%s/a", dir);
	snprintf(path, sizeof(path), "%s/a/b", dir);
	CHECK(mkdir(sub, 0700) == 0 && mount("t1", sub, "tmpfs", 0, NULL) == 0 &&
		      mkdir(path, 0700) == 0 && mount("t2", path, "tmpfs", 0, NULL) == 0 &&
		      mount("t3", sub, "tmpfs", 0, NULL) == 0 && mkdir(path, 0700) == 0,
	      "mounts: %s", strerror(errno));
	mp = mountinfo_mount_of(path, "tmpfs");
	CHECK(mp != NULL && strcmp(mp, sub) == 0, "%s is on %s, not %s", path, mp, sub);
	free(mp);
	umount2(sub, MNT_DETACH);
	umount2(sub, MNT_DETACH);
	rmdir(sub);
	rmdir(dir);
}

int main(void)
{
	struct error *e = NULL;
	int fd = mkstemp(log_path);

	if (fd < 0 || log_open(log_path, false, false, &e) < 0) {
		fprintf(stderr, "log setup failed\n");
		return 1;
	}
	close(fd);
	test_shares();
	test_blkio_weight();
	test_swap();
	test_plan_docker_zeros();
	test_plan_docker_limits();
	test_plan_unlimited_and_update();
	test_plan_io_hugetlb_unified();
	test_plan_v1_only();
	test_policy();
	test_devices_defaults();
	test_devices_docker();
	test_devices_allow_all();
	test_devices_remove();
	test_devices_hole();
	test_devices_redefined();
	test_mountinfo();
	test_mountinfo_hidden();
	log_close();
	unlink(log_path);
	return tap_done();
}
