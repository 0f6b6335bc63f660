/* SPDX-License-Identifier: Apache-2.0 */
/* cgroups/devices.c — linux.resources.devices as a cgroup v2 device filter.
 *
 * cgroup v2 has no devices.allow/deny files: access is decided by a
 * BPF_PROG_TYPE_CGROUP_DEVICE program.  The rules keep their cgroup v1
 * meaning, emulated exactly as runc does:
 *   - a rule of type "a" resets the list: allow -> allow everything
 *     (a deny list follows), deny -> deny everything (an allow list);
 *   - any other rule adds an exception to the current default, or takes
 *     access bits away from an exception with the same type/major/minor;
 *   - taking bits away that a wildcard exception still grants is an error
 *     (v1 would silently keep them: "cannot punch a hole");
 *   - runc's default devices are appended after the spec's rules.
 * The program checks each exception and returns its verdict; everything
 * else gets the default.  Pure: loading is bpf.c.  */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/internal.h"
#include "core/mem.h"

#define RWM (SPEC_DEV_READ | SPEC_DEV_WRITE | SPEC_DEV_MKNOD)

/* runc's AllowedDevices (libcontainer/specconv), in its order, minus its
 * first two rules ("c *:* m" and "b *:* m"): runc lets a container mknod
 * any device it cannot open; berth lets it create only what it may use,
 * so a denied device cannot even be created, CAP_MKNOD or not.  */
static const struct {
	const char *path; /* NULL: no node of its own */
	struct spec_dev_rule rule;
} default_devices[] = {
	{"/dev/null", {true, 'c', 1, 3, RWM}}, {"/dev/random", {true, 'c', 1, 8, RWM}},
	{"/dev/full", {true, 'c', 1, 7, RWM}}, {"/dev/tty", {true, 'c', 5, 0, RWM}},
	{"/dev/zero", {true, 'c', 1, 5, RWM}}, {"/dev/urandom", {true, 'c', 1, 9, RWM}},
	{NULL, {true, 'c', 136, -1, RWM}}, /* the pty slaves */
	{NULL, {true, 'c', 5, 2, RWM}},	   /* /dev/ptmx */
	{NULL, {true, 'c', 10, 200, RWM}}, /* /dev/net/tun */
};

void cg_dev_emu_clear(struct cg_dev_emu *e)
{
	free(e->v);
	e->v = NULL;
	e->n = e->cap = 0;
}

static struct cg_dev_exc *find(struct cg_dev_emu *e, char type, int64_t major, int64_t minor)
{
	for (size_t i = 0; i < e->n; i++)
		if (e->v[i].type == type && e->v[i].major == major && e->v[i].minor == minor)
			return &e->v[i];
	return NULL;
}

static void exc_add(struct cg_dev_emu *e, const struct cg_dev_exc *x)
{
	struct cg_dev_exc *old = find(e, x->type, x->major, x->minor);

	if (old != NULL) {
		old->access |= x->access;
		return;
	}
	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 16;
		e->v = xreallocarray(e->v, e->cap, sizeof(*e->v));
	}
	e->v[e->n++] = *x;
}

static int exc_remove(struct cg_dev_emu *e, const struct cg_dev_exc *x, struct error **err)
{
	const int64_t any = -1;
	const int64_t partial[3][2] = {
		{any, x->minor},
		{x->major, any},
		{any, any},
	};
	struct cg_dev_exc *old;

	for (int i = 0; i < 3; i++) {
		struct cg_dev_exc *w;

		if (partial[i][0] == x->major && partial[i][1] == x->minor)
			continue; /* that is the exact match */
		w = find(e, x->type, partial[i][0], partial[i][1]);
		if (w != NULL && (w->access & x->access))
			return error_set(err, EINVAL,
					 "device rule %c %lld:%lld cannot "
					 "take access away from the wildcard "
					 "rule %c %lld:%lld before it",
					 x->type, (long long)x->major, (long long)x->minor, w->type,
					 (long long)w->major, (long long)w->minor);
	}
	old = find(e, x->type, x->major, x->minor);
	if (old == NULL)
		return 0;
	old->access &= ~x->access;
	if (old->access == 0)
		*old = e->v[--e->n];
	return 0;
}

int cg_dev_emu_apply(struct cg_dev_emu *e, const struct spec_dev_rule *rule, struct error **err)
{
	struct cg_dev_exc x = {
		.type = rule->type,
		.major = rule->major < 0 ? -1 : rule->major,
		.minor = rule->minor < 0 ? -1 : rule->minor,
		.access = rule->access ? rule->access & RWM : RWM,
	};

	if (rule->type == 'a') {
		e->default_allow = rule->allow;
		e->n = 0;
		return 0;
	}
	if (rule->type != 'c' && rule->type != 'b')
		return error_set(err, EINVAL,
				 "device rule type '%c' is not "
				 "one of a, b, c",
				 rule->type);
	if (x.major > UINT32_MAX || x.minor > UINT32_MAX)
		return error_set(err, EINVAL,
				 "device rule %c %lld:%lld: "
				 "number out of range",
				 x.type, (long long)x.major, (long long)x.minor);
	/* an exception with the default's verdict is no exception */
	if (rule->allow == e->default_allow)
		return exc_remove(e, &x, err);
	exc_add(e, &x);
	return 0;
}

static bool redefined(const char *path, const struct spec_device *devs, size_t n)
{
	for (size_t i = 0; path != NULL && i < n; i++)
		if (devs[i].path != NULL && strcmp(devs[i].path, path) == 0)
			return true;
	return false;
}

int cg_dev_rules_build(const struct spec_dev_rule *rules, size_t n, const struct spec_device *devs,
		       size_t n_devs, struct cg_dev_emu *out, struct error **err)
{
	memset(out, 0, sizeof(*out)); /* a new cgroup: deny all */
	for (size_t i = 0; i < n; i++) {
		if (cg_dev_emu_apply(out, &rules[i], err) < 0) {
			cg_dev_emu_clear(out);
			return error_wrap(err, "linux.resources.devices[%zu]", i);
		}
	}
	for (size_t i = 0; i < sizeof(default_devices) / sizeof(default_devices[0]); i++) {
		if (redefined(default_devices[i].path, devs, n_devs))
			continue;
		if (cg_dev_emu_apply(out, &default_devices[i].rule, err) < 0) {
			cg_dev_emu_clear(out);
			return error_wrap(err, "default device rules");
		}
	}
	return 0;
}

/* What the program below decides, without running it */
static bool emu_allows(const struct cg_dev_emu *e, char type, int64_t major, int64_t minor,
		       unsigned access)
{
	for (size_t i = 0; i < e->n; i++) {
		const struct cg_dev_exc *x = &e->v[i];

		if (x->type == type && (x->access & access) == access &&
		    (x->major < 0 || x->major == major) && (x->minor < 0 || x->minor == minor))
			return !e->default_allow;
	}
	return e->default_allow;
}

int cg_device_allows(const struct spec_linux *l, const struct spec_device *d, unsigned access,
		     bool *allowed, struct error **err)
{
	const struct spec_resources *r = &l->resources;
	struct cg_dev_emu emu;

	if (cg_dev_rules_build(l->has_resources ? r->devices : NULL,
			       l->has_resources ? r->n_devices : 0, l->devices, l->n_devices, &emu,
			       err) < 0)
		return -1;
	/* 'u' is a character device too */
	*allowed = emu_allows(&emu, d->type == 'b' ? 'b' : 'c', d->major, d->minor, access);
	cg_dev_emu_clear(&emu);
	return 0;
}

/* ---- program generation ------------------------------------------------ */

struct prog {
	struct bpf_insn *v;
	size_t n, cap;
};

static void emit(struct prog *p, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 64;
		p->v = xreallocarray(p->v, p->cap, sizeof(*p->v));
	}
	p->v[p->n++] = (struct bpf_insn){
		.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
}

static int32_t bpf_access(unsigned access)
{
	return ((access & SPEC_DEV_READ) ? BPF_DEVCG_ACC_READ : 0) |
	       ((access & SPEC_DEV_WRITE) ? BPF_DEVCG_ACC_WRITE : 0) |
	       ((access & SPEC_DEV_MKNOD) ? BPF_DEVCG_ACC_MKNOD : 0);
}

/* Jump offset from instruction `*at` of a block of `len` to the next
 * block; advances *at.  */
static int16_t to_next_block(int len, int *at)
{
	return (int16_t)(len - 1 - (*at)++);
}

/* One exception: each test jumps to the next block when it fails.
 *   r2 = device type, r3 = requested access, r4 = major, r5 = minor   */
static void emit_exception(struct prog *p, const struct cg_dev_exc *x, bool verdict)
{
	bool test_access = (x->access & RWM) != RWM;
	int len = 1 + (test_access ? 3 : 0) + (x->major >= 0) + (x->minor >= 0) + 2;
	int at = 0; /* index of the next instruction in this block */

	emit(p, BPF_JMP32 | BPF_JNE | BPF_K, BPF_REG_2, 0, to_next_block(len, &at),
	     x->type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK);
	if (test_access) {
		/* every requested bit must be granted: (r3 & acc) == r3 */
		emit(p, BPF_ALU | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_3, 0, 0);
		emit(p, BPF_ALU | BPF_AND | BPF_K, BPF_REG_1, 0, 0, bpf_access(x->access));
		at += 2;
		emit(p, BPF_JMP32 | BPF_JNE | BPF_X, BPF_REG_1, BPF_REG_3, to_next_block(len, &at),
		     0);
	}
	if (x->major >= 0)
		emit(p, BPF_JMP32 | BPF_JNE | BPF_K, BPF_REG_4, 0, to_next_block(len, &at),
		     (int32_t)(uint32_t)x->major);
	if (x->minor >= 0)
		emit(p, BPF_JMP32 | BPF_JNE | BPF_K, BPF_REG_5, 0, to_next_block(len, &at),
		     (int32_t)(uint32_t)x->minor);
	emit(p, BPF_ALU | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, verdict);
	emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

static int exc_cmp(const void *a, const void *b)
{
	const struct cg_dev_exc *x = a, *y = b;

	if (x->major != y->major)
		return x->major < y->major ? -1 : 1;
	if (x->minor != y->minor)
		return x->minor < y->minor ? -1 : 1;
	return (x->type > y->type) - (x->type < y->type);
}

int cg_dev_program(const struct cg_dev_emu *e, struct bpf_insn **insns, size_t *n,
		   struct error **err)
{
	struct prog p = {0};
	struct cg_dev_exc *sorted = xcalloc(e->n, sizeof(*sorted));

	(void)err;
	/* all exceptions share one verdict, so order does not change the
	 * result; sorting makes the program reproducible */
	if (e->n > 0)
		memcpy(sorted, e->v, e->n * sizeof(*sorted));
	qsort(sorted, e->n, sizeof(*sorted), exc_cmp);

	/* struct bpf_cgroup_dev_ctx { u32 access_type; u32 major, minor; }
	 * access_type = (BPF_DEVCG_ACC_* << 16) | BPF_DEVCG_DEV_*  */
	emit(&p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_2, BPF_REG_1, 0, 0);
	emit(&p, BPF_ALU | BPF_AND | BPF_K, BPF_REG_2, 0, 0, 0xFFFF);
	emit(&p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_3, BPF_REG_1, 0, 0);
	emit(&p, BPF_ALU | BPF_RSH | BPF_K, BPF_REG_3, 0, 0, 16);
	emit(&p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_4, BPF_REG_1, 4, 0);
	emit(&p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_5, BPF_REG_1, 8, 0);
	for (size_t i = 0; i < e->n; i++)
		emit_exception(&p, &sorted[i], !e->default_allow);
	emit(&p, BPF_ALU | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, e->default_allow);
	emit(&p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	free(sorted);
	*insns = p.v;
	*n = p.n;
	return 0;
}
