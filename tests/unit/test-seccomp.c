/* SPDX-License-Identifier: Apache-2.0 */
/* tests/unit/test-seccomp.c — the ENOSYS rule (runtime/seccomp_enosys.c)
 * and the compiled filter (runtime/seccomp.c).
 *
 * The stub is run through a small cBPF interpreter for every architecture
 * a profile can name, x32 included, at the maximum, just above it and far
 * above it; then real profiles are compiled and loaded in forked children
 * that make raw syscalls: above the profile's highest syscall ENOSYS,
 * below it the default errno, and no stub when the default allows or
 * already says ENOSYS.  Last, the cache entry's bytes (seccomp_entry.c):
 * only the spelling seccomp_entry_format writes parses.  */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/digest.h"
#include "runtime/seccomp.h"
#include "spec/spec.h"
#include "tests/unit/tap.h"

#define FILTER (-1L) /* the stub let the call through to the filter */

/* run a program of LD ABS, JEQ, JGT, JSET, JA and RET K over (arch, nr);
 * FILTER when it runs off its end */
static long run_bpf(const struct sock_filter *p, size_t n, uint32_t arch, uint32_t nr)
{
	uint32_t a = 0;

	for (size_t pc = 0; pc < n; pc++) {
		const struct sock_filter *i = &p[pc];

		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			a = i->k == offsetof(struct seccomp_data, arch) ? arch : nr;
			break;
		case BPF_JMP | BPF_JA: pc += i->k; break;
		case BPF_JMP | BPF_JEQ | BPF_K: pc += a == i->k ? i->jt : i->jf; break;
		case BPF_JMP | BPF_JGT | BPF_K: pc += a > i->k ? i->jt : i->jf; break;
		case BPF_JMP | BPF_JSET | BPF_K: pc += (a & i->k) ? i->jt : i->jf; break;
		case BPF_RET | BPF_K: return i->k;
		default: return -2;
		}
	}
	return FILTER;
}

#define ENOSYS_RET (SECCOMP_RET_ERRNO | ENOSYS)

static void test_stub(void)
{
	const struct seccomp_arch_max t[] = {
		{AUDIT_ARCH_X86_64, 334, 0x40000000 + 300},
		{AUDIT_ARCH_I386, 386, -1},
		{AUDIT_ARCH_AARCH64, 293, -1},
	};
	struct sock_filter *p = NULL;
	size_t n = 0;
	struct error *err = NULL;

	CHECK(seccomp_enosys_stub(t, 3, &p, &n, &err) == 0);
	CHECK(run_bpf(p, n, AUDIT_ARCH_X86_64, 334) == FILTER, "x86_64 at its max: the filter");
	CHECK(run_bpf(p, n, AUDIT_ARCH_X86_64, 0) == FILTER, "x86_64 read: the filter");
	CHECK(run_bpf(p, n, AUDIT_ARCH_X86_64, 335) == ENOSYS_RET, "x86_64 max+1: ENOSYS");
	CHECK(run_bpf(p, n, AUDIT_ARCH_X86_64, 437) == ENOSYS_RET, "x86_64 openat2: ENOSYS");
	CHECK(run_bpf(p, n, AUDIT_ARCH_X86_64, 0x40000000 + 300) == FILTER, "x32 at its max");
	CHECK(run_bpf(p, n, AUDIT_ARCH_X86_64, 0x40000000 + 301) == ENOSYS_RET,
	      "x32 max+1: ENOSYS");
	CHECK(run_bpf(p, n, AUDIT_ARCH_I386, 386) == FILTER, "i386 at its max");
	CHECK(run_bpf(p, n, AUDIT_ARCH_I386, 387) == ENOSYS_RET, "i386 max+1: ENOSYS");
	CHECK(run_bpf(p, n, AUDIT_ARCH_AARCH64, 293) == FILTER, "aarch64 at its max");
	CHECK(run_bpf(p, n, AUDIT_ARCH_AARCH64, 294) == ENOSYS_RET, "aarch64 max+1: ENOSYS");
	CHECK(run_bpf(p, n, AUDIT_ARCH_ARM, 9999) == FILTER,
	      "an architecture not in the table: the filter decides");
	free(p);
	error_free(err);
}

static void test_stub_x86_64_only(void)
{
	/* no x32 in the profile: x32 calls go to the filter (its bad-arch
	 * action), never ENOSYS */
	const struct seccomp_arch_max t[] = {{AUDIT_ARCH_X86_64, 334, -1}};
	struct sock_filter *p = NULL;
	size_t n = 0;
	struct error *err = NULL;

	CHECK(seccomp_enosys_stub(t, 1, &p, &n, &err) == 0);
	CHECK(run_bpf(p, n, AUDIT_ARCH_X86_64, 0x40000000 + 999) == FILTER,
	      "x32 without x32 in the profile: the filter");
	CHECK(run_bpf(p, n, AUDIT_ARCH_X86_64, 500) == ENOSYS_RET);
	free(p);
	error_free(err);
}

static void test_stub_no_x32_kernel(void)
{
	/* a kernel without x32: every x32 number is ENOSYS, the lowest, the
	 * highest and -1 included; x86_64's own go on to the filter, above
	 * its max as well when the profile wants no ENOSYS rule (max -1) */
	const struct seccomp_arch_max t[] = {
		{AUDIT_ARCH_X86_64, SECCOMP_X32_NONE, SECCOMP_X32_NONE}};
	struct sock_filter *p = NULL;
	size_t n = 0;
	struct error *err = NULL;

	CHECK(seccomp_enosys_stub(t, 1, &p, &n, &err) == 0);
	CHECK(run_bpf(p, n, AUDIT_ARCH_X86_64, 0x40000000) == ENOSYS_RET, "x32 read: ENOSYS");
	CHECK(run_bpf(p, n, AUDIT_ARCH_X86_64, 0x40000000 + 165) == ENOSYS_RET,
	      "x32 mount: ENOSYS");
	CHECK(run_bpf(p, n, AUDIT_ARCH_X86_64, 0x7fffffff) == ENOSYS_RET, "x32 highest: ENOSYS");
	CHECK(run_bpf(p, n, AUDIT_ARCH_X86_64, 0xffffffff) == ENOSYS_RET, "nr -1: ENOSYS");
	CHECK(run_bpf(p, n, AUDIT_ARCH_X86_64, 165) == FILTER, "x86_64 mount: the filter");
	CHECK(run_bpf(p, n, AUDIT_ARCH_X86_64, 0x3fffffff) == FILTER,
	      "x86_64 just below bit 30: the filter");
	CHECK(run_bpf(p, n, AUDIT_ARCH_X86_64, 0x80000000) == ENOSYS_RET,
	      "x86_64 with bit 31 and not 30 (once the x32 section's): ENOSYS");
	CHECK(run_bpf(p, n, AUDIT_ARCH_I386, 0x40000000) == FILTER, "i386: the filter");
	free(p);
	error_free(err);
}

static struct spec *parse(const char *seccomp_json)
{
	char *doc = NULL;
	struct error *err = NULL;
	struct spec *s;

	if (asprintf(&doc,
		     "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"r\"},\"process\":{\"user\":"
		     "{\"uid\":0,\"gid\":0},\"args\":[\"sh\"],\"cwd\":\"/\"},\"linux\":{"
		     "\"seccomp\":%s}}",
		     seccomp_json) < 0)
		abort();
	s = spec_parse(doc, strlen(doc), &err);
	if (s == NULL)
		TAP_NOTE("%s", err->msg);
	error_free(err);
	free(doc);
	return s;
}

static void test_maxima(void)
{
	struct spec *s =
		parse("{\"defaultAction\": \"SCMP_ACT_ERRNO\","
		      "\"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\","
		      "\"SCMP_ARCH_X32\"], \"syscalls\": [{\"names\": [\"read\","
		      "\"getrandom\", \"no_such_call\"], \"action\": \"SCMP_ACT_ALLOW\"}]}");
	struct seccomp_arch_max t[8];
	size_t n;

	CHECK(s != NULL);
	if (s == NULL)
		return;
	n = seccomp_arch_maxima(s->linux.seccomp, t, 8);
	CHECK(n == 2, "x86_64 (with x32) and i386: %zu entries", n);
	CHECK(t[0].audit_arch == AUDIT_ARCH_X86_64 && t[0].max == 318 &&
		      t[0].max_x32 == 0x40000000 + 318,
	      "x86_64 318, x32 0x40000000+318: %lld %lld", (long long)t[0].max,
	      (long long)t[0].max_x32);
	CHECK(t[1].audit_arch == AUDIT_ARCH_I386 && t[1].max == 355, "i386 getrandom 355: %lld",
	      (long long)t[1].max);
	spec_free(s);
}

/* which profiles may lose their x32 section: never one whose default or
 * any rule kills, traps, logs, traces or notifies (whatever the kernel) */
static void test_drops_x32(void)
{
	static const char *const keep[] = {
		"{\"defaultAction\": \"SCMP_ACT_KILL_PROCESS\", \"architectures\": "
		"[\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X32\"], \"syscalls\": [{\"names\": "
		"[\"read\"], \"action\": \"SCMP_ACT_ALLOW\"}]}",
		"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": "
		"[\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X32\"], \"syscalls\": [{\"names\": "
		"[\"mount\"], \"action\": \"SCMP_ACT_LOG\"}]}",
		"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": "
		"[\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X32\"], \"syscalls\": [{\"names\": "
		"[\"mount\"], \"action\": \"SCMP_ACT_KILL\"}]}",
		"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": "
		"[\"SCMP_ARCH_X86_64\"], \"syscalls\": [{\"names\": [\"read\"], "
		"\"action\": \"SCMP_ACT_ALLOW\"}]}",
	};

	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		struct spec *s = parse(keep[i]);

		CHECK(s != NULL && !seccomp_drops_x32(s->linux.seccomp), "keeps x32: %s", keep[i]);
		spec_free(s);
	}
}

static void test_wants(void)
{
	static const struct {
		const char *action;
		bool want;
	} cases[] = {
		{"\"SCMP_ACT_ERRNO\"", true},
		{"\"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38", false},
		{"\"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 13", true},
		{"\"SCMP_ACT_KILL\"", true},
		{"\"SCMP_ACT_KILL_PROCESS\"", true},
		{"\"SCMP_ACT_TRAP\"", true},
		{"\"SCMP_ACT_ALLOW\"", false},
		{"\"SCMP_ACT_LOG\"", false},
		{"\"SCMP_ACT_TRACE\"", false},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char json[256];
		struct spec *s;

		snprintf(json, sizeof(json),
			 "{\"defaultAction\": %s, \"syscalls\": [{\"names\": [\"read\"],"
			 "\"action\": \"SCMP_ACT_KILL_THREAD\"}]}",
			 cases[i].action);
		s = parse(json);
		CHECK(s != NULL && seccomp_wants_enosys(s->linux.seccomp) == cases[i].want,
		      "default %s: stub %s", cases[i].action, cases[i].want ? "yes" : "no");
		spec_free(s);
	}
}

/* In a child with no_new_privs: load the profile, then syscall(nr);
 * returns the errno it failed with (0: it succeeded), -1 on trouble.  */
static int errno_under(const char *seccomp_json, long nr)
{
	struct spec *s = parse(seccomp_json);
	struct seccomp_prog prog;
	struct error *err = NULL;
	int status, fd;
	pid_t pid;

	if (s == NULL || seccomp_prog_compile(s->linux.seccomp, &prog, &err) < 0) {
		TAP_NOTE("compile: %s", err ? err->msg : "parse");
		spec_free(s);
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    seccomp_prog_load(&prog, &fd, &err) < 0)
			_exit(255);
		_exit(syscall(nr, -1, 0, 0, 0) < 0 ? errno : 0);
	}
	seccomp_prog_clear(&prog);
	spec_free(s);
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status) == 255 ? -1 : WEXITSTATUS(status);
}

/* what the child needs to exit (an ASan build's runtime included), and
 * getrandom (318): the highest named */
#define BASE_NAMES                                                                                 \
	"\"exit_group\", \"exit\", \"rt_sigreturn\", \"read\", \"write\", \"mmap\", \"munmap\", "  \
	"\"mprotect\", \"madvise\", \"brk\", \"rt_sigaction\", \"rt_sigprocmask\", "               \
	"\"sigaltstack\", \"getpid\", \"gettid\", \"tgkill\", \"futex\", \"sched_yield\", "        \
	"\"getrandom\""

static void test_loaded(void)
{
	const char *old = "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
			  "[" BASE_NAMES "], \"action\": \"SCMP_ACT_ALLOW\"}]}";
	const char *kill = "{\"defaultAction\": \"SCMP_ACT_KILL_PROCESS\", \"syscalls\": "
			   "[{\"names\": [" BASE_NAMES "], \"action\": \"SCMP_ACT_ALLOW\"}]}";
	const char *enosys = "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 13,"
			     "\"syscalls\": [{\"names\": [" BASE_NAMES "],"
			     "\"action\": \"SCMP_ACT_ALLOW\"}]}";

	CHECK(errno_under(old, SYS_close_range) == ENOSYS,
	      "close_range (436) above the profile: ENOSYS");
	CHECK(errno_under(old, SYS_openat2) == ENOSYS, "openat2 above the profile: ENOSYS");
	CHECK(errno_under(old, SYS_memfd_create) == ENOSYS,
	      "memfd_create (319), just above getrandom: ENOSYS");
	CHECK(errno_under(old, SYS_getppid) == EPERM,
	      "getppid, a hole below the maximum: the default EPERM");
	CHECK(errno_under(enosys, SYS_clone3) == ENOSYS, "default errno 13: clone3 ENOSYS");
	CHECK(errno_under(enosys, SYS_getppid) == EACCES, "default errno 13: getppid EACCES");
	CHECK(errno_under(kill, SYS_faccessat2) == ENOSYS,
	      "default kill: faccessat2 gets ENOSYS, the process lives");
}

/* the entry's header: magic[8], len, pad, key; a SHA-256 of all before it
 * closes it */
static void redigest(char *buf, size_t len)
{
	struct digest d;

	digest_init(&d);
	digest_add(&d, buf, len - DIGEST_LEN);
	digest_done(&d, (uint8_t *)buf + len - DIGEST_LEN);
}

static void test_entry(void)
{
	struct sock_filter insns[2] = {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
				       BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
	struct seccomp_prog prog = {.insns = insns, .len = 2}, back = {0};
	uint8_t key[DIGEST_LEN] = {1, 2, 3}, other[DIGEST_LEN] = {4};
	size_t len;
	char *buf = seccomp_entry_format(key, &prog, &len);

	CHECK(seccomp_entry_parse(buf, len, key, &back) == 0 && back.len == 2 &&
		      memcmp(back.insns, insns, sizeof(insns)) == 0,
	      "entry: what format writes parses back to the same program");
	free(back.insns);
	CHECK(seccomp_entry_parse(buf, len, other, &back) != 0, "entry: another key is refused");
	buf[20] ^= 1; /* an instruction: the digest no longer matches */
	CHECK(seccomp_entry_parse(buf, len, key, &back) != 0, "entry: an altered byte is refused");
	buf[20] ^= 1;
	buf[13] = 0x7f; /* the pad, with the digest made to match */
	redigest(buf, len);
	CHECK(seccomp_entry_parse(buf, len, key, &back) != 0,
	      "entry: a non-zero pad is refused even with a matching digest");
	CHECK(seccomp_entry_parse(buf, len - 1, key, &back) != 0,
	      "entry: a short entry is refused");
	free(buf);
}

int main(void)
{
	if (seccomp_arch_native() != SCMP_ARCH_X86_64)
		return tap_skip_all("the maxima below are x86_64's");
	test_stub();
	test_stub_x86_64_only();
	test_stub_no_x32_kernel();
	test_drops_x32();
	test_maxima();
	test_wants();
	test_loaded();
	test_entry();
	return tap_done();
}
