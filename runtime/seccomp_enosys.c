/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/seccomp_enosys.c — syscalls newer than the profile return ENOSYS.
 *
 * A profile lists the syscalls its author knew.  glibc calls clone3,
 * faccessat2, statx, rseq and openat2 and falls back to the old call only
 * on ENOSYS; given the profile's default EPERM it gives up instead, and a
 * profile from 2019 breaks every image built with a 2021 libc.  So, as
 * runc does (libcontainer/seccomp/patchbpf), a syscall numbered above the
 * highest one the profile names — per architecture, x32 apart from
 * x86_64 — is one the profile could not know, and returns ENOSYS instead
 * of the default action.  Not when the default action allows, logs or
 * traces (a tracer handles new syscalls itself), nor when it already
 * returns ENOSYS.  `berth features` says so in its annotations.
 *
 * The rule is a stub of a few BPF instructions in front of libseccomp's
 * program, which is left as it is (its jumps are relative):
 *
 *       ld   arch
 *       jeq  AUDIT_ARCH_X86_64, x86_64     one line per architecture
 *       ja   filter                        others: the filter decides
 *   x86_64:
 *       ld   nr
 *       jset 0x40000000, x32               x86_64 only: x32 has bit 30
 *       jgt  MAX, enosys
 *       ja   filter
 *   x32:
 *       jgt  MAX_X32, enosys
 *       ja   filter
 *   (another architecture:  ld nr;  jgt MAX, enosys;  ja filter)
 *   enosys:
 *       ret  ERRNO(ENOSYS)
 *   filter:                                libseccomp's program
 *
 * Holes below the maximum (a syscall the profile skips) still get the
 * default action: only numbers above it are certainly unknown to it.
 *
 * A kernel without the x32 ABI (built without it, as Fedora's, Ubuntu's
 * and Arch's are, or booted with it off, Debian's default) answers every
 * x32 number ENOSYS, whatever a filter lets through.  A profile's x32
 * section then decides nothing the kernel does not, yet it is a third
 * of a Docker-sized program and ~45 us of every load: it is left out,
 * and the x32 line of the stub sends every x32 number to ENOSYS, the
 * kernel's own answer.  Only under an errno default action and rules
 * that allow or answer an errno: a profile that kills, traps, traces,
 * logs or notifies keeps its x32 section.  */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>

#include "core/mem.h"
#include "core/syscalls.h"
#include "runtime/seccomp.h"

#define X32_BIT 0x40000000U
#define NO_MAX	0xffffffffU /* jgt never taken */

bool seccomp_wants_enosys(const struct spec_seccomp *sc)
{
	uint32_t act = sc->default_action;

	/* the errno (or trace message) is in the low 16 bits */
	if (act == SCMP_ACT_ALLOW || act == SCMP_ACT_LOG || (act & ~0xffffU) == SCMP_ACT_TRACE(0))
		return false;
	return act != SCMP_ACT_ERRNO(ENOSYS);
}

/* asked once per process; not under a filter of our caller's, which
 * might kill for an x32 call (then x32 is taken to run) */
static bool kernel_runs_x32(void)
{
	static int runs = -1;

	if (runs < 0)
		runs = prctl(PR_GET_SECCOMP, 0, 0, 0, 0) != 0 || sys_x32_getpid() >= 0 ||
		       errno != ENOSYS;
	return runs;
}

static bool allows_or_errno(uint32_t action)
{
	return action == SCMP_ACT_ALLOW || (action & ~0xffffU) == SCMP_ACT_ERRNO(0);
}

bool seccomp_drops_x32(const struct spec_seccomp *sc)
{
	bool listed = false;

	for (size_t i = 0; i < sc->n_arches; i++)
		listed = listed || sc->arches[i] == SCMP_ARCH_X32;
	/* a rule that kills, traps, logs, traces or notifies keeps it: its
	 * supervisor or log may want x32 calls whatever the kernel runs */
	for (size_t i = 0; listed && i < sc->n_rules; i++)
		listed = allows_or_errno(sc->rules[i].action);
	return listed && seccomp_arch_native() == SCMP_ARCH_X86_64 &&
	       (sc->default_action & ~0xffffU) == SCMP_ACT_ERRNO(0) && !kernel_runs_x32();
}

static int64_t highest(const struct spec_seccomp *sc, uint32_t scmp_arch)
{
	int64_t max = -1;

	for (size_t i = 0; i < sc->n_rules; i++) {
		for (char **name = sc->rules[i].names; name && *name; name++) {
			/* negative: unknown here, or a multiplexed pseudo-call */
			int nr = seccomp_syscall_resolve_name_arch(scmp_arch, *name);

			if (nr >= 0 && nr > max)
				max = nr;
		}
	}
	return max;
}

static void note(const struct spec_seccomp *sc, uint32_t scmp_arch, struct seccomp_arch_max *t,
		 size_t *n, size_t n_out)
{
	bool x32 = scmp_arch == SCMP_ARCH_X32;
	uint32_t audit = x32 ? AUDIT_ARCH_X86_64 : scmp_arch;
	size_t i;

	for (i = 0; i < *n && t[i].audit_arch != audit; i++)
		;
	if (i == *n) {
		if (*n == n_out)
			return;
		t[i] = (struct seccomp_arch_max){.audit_arch = audit, .max = -1, .max_x32 = -1};
		(*n)++;
	}
	if (x32)
		t[i].max_x32 = highest(sc, scmp_arch);
	else
		t[i].max = highest(sc, scmp_arch);
}

size_t seccomp_arch_maxima(const struct spec_seccomp *sc, struct seccomp_arch_max *out,
			   size_t n_out)
{
	size_t n = 0, kept = 0;

	note(sc, seccomp_arch_native(), out, &n, n_out);
	for (size_t i = 0; i < sc->n_arches; i++)
		note(sc, sc->arches[i], out, &n, n_out);
	/* an architecture whose names are all unknown: nothing to compare */
	for (size_t i = 0; i < n; i++)
		if (out[i].max >= 0 || out[i].max_x32 >= 0)
			out[kept++] = out[i];
	return kept;
}

size_t seccomp_stub_table(const struct spec_seccomp *sc, struct seccomp_arch_max *out, size_t n_out)
{
	size_t n = seccomp_wants_enosys(sc) ? seccomp_arch_maxima(sc, out, n_out) : 0, i;

	if (!seccomp_drops_x32(sc))
		return n;
	for (i = 0; i < n && out[i].audit_arch != AUDIT_ARCH_X86_64; i++)
		;
	if (i == n) {
		if (n == n_out)
			return SIZE_MAX;
		out[n++] = (struct seccomp_arch_max){.audit_arch = AUDIT_ARCH_X86_64, .max = -1};
	}
	/* x86_64 numbers with bit 31 and not 30 went to the x32 section,
	 * which is gone: ENOSYS, as the kernel answers them */
	if (out[i].max < 0)
		out[i].max = SECCOMP_X32_NONE;
	out[i].max_x32 = SECCOMP_X32_NONE;
	return n;
}

static struct sock_filter stmt(uint16_t code, uint32_t k)
{
	return (struct sock_filter){.code = code, .k = k};
}

static struct sock_filter jump(uint16_t op, uint32_t k, size_t jt, size_t jf)
{
	return (struct sock_filter){.code = (uint16_t)(BPF_JMP | op | BPF_K),
				    .jt = (uint8_t)jt,
				    .jf = (uint8_t)jf,
				    .k = k};
}

static uint32_t max_k(int64_t max)
{
	return max < 0 ? NO_MAX : (uint32_t)max;
}

/* "jgt MAX, enosys; ja filter" at p[at] */
static void compare(struct sock_filter *p, size_t at, int64_t max, size_t enosys)
{
	p[at] = jump(BPF_JGT, max_k(max), enosys - (at + 1), 0);
	p[at + 1] = stmt(BPF_JMP | BPF_JA, (uint32_t)(enosys + 1 - (at + 2)));
}

static size_t section_len(const struct seccomp_arch_max *m)
{
	return m->audit_arch == AUDIT_ARCH_X86_64 ? 6 : 3;
}

int seccomp_enosys_stub(const struct seccomp_arch_max *t, size_t n, struct sock_filter **out,
			size_t *len, struct error **err)
{
	size_t at[32], total = 2 + n, enosys;
	struct sock_filter *p;

	if (n > 32)
		return error_set(err, E2BIG, "seccomp: %zu architectures", n);
	for (size_t i = 0; i < n; i++) {
		at[i] = total;
		total += section_len(&t[i]);
	}
	enosys = total++;
	/* conditional jumps reach 255 instructions ahead at most */
	if (enosys > 255)
		return error_set(err, E2BIG, "seccomp: ENOSYS stub too long");
	p = xcalloc(total, sizeof(*p));
	p[0] = stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	for (size_t i = 0; i < n; i++)
		p[1 + i] = jump(BPF_JEQ, t[i].audit_arch, at[i] - (1 + i + 1), 0);
	p[1 + n] = stmt(BPF_JMP | BPF_JA, (uint32_t)(total - (n + 2)));
	for (size_t i = 0; i < n; i++) {
		size_t s = at[i];

		p[s] = stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
		if (t[i].audit_arch != AUDIT_ARCH_X86_64) {
			compare(p, s + 1, t[i].max, enosys);
			continue;
		}
		p[s + 1] = jump(BPF_JSET, X32_BIT, 2, 0);
		compare(p, s + 2, t[i].max, enosys);
		compare(p, s + 4, t[i].max_x32, enosys);
	}
	p[enosys] = stmt(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA));
	*out = p;
	*len = total;
	return 0;
}
