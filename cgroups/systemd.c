/* SPDX-License-Identifier: Apache-2.0 */
/* cgroups/systemd.c — the systemd cgroup driver's pure half: which unit a
 * container is (cgroupsPath in systemd's "slice:prefix:name" form, as
 * runc reads it) and the unit properties its resources become.  Talking
 * to systemd: systemd_bus.c.  Nothing here touches the system.
 *
 * Paths: "system.slice:docker:abc" is the scope "docker-abc.scope" in
 * "system.slice"; a slice name expands the way systemd nests slices
 * ("a-b-c.slice" -> /a.slice/a-b.slice/a-b-c.slice, "-.slice" -> /); an
 * empty path is "system.slice:berth:<id>" ("user.slice" rootless), an
 * empty slice the same default.  A name that is itself a slice is refused:
 * a container lives in a scope.
 *
 * Properties: everything systemd knows for a scope, as runc and crun send
 * them (runc's opencontainers/cgroups systemd/, crun's cgroup-systemd.c),
 * all in the one StartTransientUnit call; what systemd cannot express is
 * written to the scope's cgroup files afterwards by the usual plan.  */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/internal.h"
#include "core/cleanup.h"
#include "core/mem.h"

#define UNIT_NAME_MAX 256
#define INFINITY_U64  UINT64_MAX

/* systemd's unit name characters (src/basic/unit-name.c) */
static bool unit_chars_valid(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') &&
		    !strchr(":_.-\\", c))
			return false;
	}
	return n > 0;
}

int cg_systemd_expand_slice(const char *slice, char **path, struct error **err)
{
	size_t n = strlen(slice), stem;
	char *out;

	*path = NULL;
	if (strcmp(slice, "-.slice") == 0) { /* the root slice */
		*path = xstrdup("/");
		return 0;
	}
	if (n <= 6 || strcmp(slice + n - 6, ".slice") != 0 || strchr(slice, '/') != NULL)
		return error_set(err, 0, "invalid slice name \"%s\" (NAME.slice, no '/')", slice);
	stem = n - 6;
	if (!unit_chars_valid(slice, stem) || slice[0] == '-' || slice[stem - 1] == '-' ||
	    strstr(slice, "--") != NULL)
		return error_set(err, 0,
				 "invalid slice name \"%s\" (each '-'-separated part must be "
				 "non-empty)",
				 slice);
	/* a-b-c.slice: /a.slice/a-b.slice/a-b-c.slice */
	out = xstrdup("");
	for (size_t i = 0; i <= stem; i++) {
		if (i == stem || slice[i] == '-') {
			char *next = xasprintf("%s/%.*s.slice", out, (int)i, slice);

			free(out);
			out = next;
		}
	}
	*path = out;
	return 0;
}

/* "slice:prefix:name" into its three parts (empty path: the defaults) */
static int split_path(const char *cgroups_path, const char *id, bool rootless, char **slice,
		      char **prefix, char **name, struct error **err)
{
	const char *a, *b;

	if (cgroups_path == NULL || cgroups_path[0] == '\0') {
		*slice = xstrdup(rootless ? "user.slice" : "system.slice");
		*prefix = xstrdup("berth");
		*name = xstrdup(id);
		return 0;
	}
	a = strchr(cgroups_path, ':');
	b = a != NULL ? strchr(a + 1, ':') : NULL;
	if (b == NULL || strchr(b + 1, ':') != NULL)
		return error_set(err, 0,
				 "linux.cgroupsPath \"%s\": the systemd cgroup driver expects "
				 "\"slice:prefix:name\"",
				 cgroups_path);
	*slice = a == cgroups_path ? xstrdup(rootless ? "user.slice" : "system.slice")
				   : xstrndup(cgroups_path, (size_t)(a - cgroups_path));
	*prefix = xstrndup(a + 1, (size_t)(b - a - 1));
	*name = xstrdup(b + 1);
	return 0;
}

int cg_systemd_unit(const char *cgroups_path, const char *id, bool rootless,
		    struct cg_systemd_unit *u, struct error **err)
{
	cleanup_free char *slice = NULL, *prefix = NULL, *name = NULL, *dir = NULL;
	size_t n;

	memset(u, 0, sizeof(*u));
	if (split_path(cgroups_path, id, rootless, &slice, &prefix, &name, err) < 0)
		return -1;
	n = strlen(name);
	if (n >= 6 && strcmp(name + n - 6, ".slice") == 0)
		return error_set(err, 0,
				 "linux.cgroupsPath \"%s\": \"%s\" is a slice; a container lives "
				 "in a scope (slice:prefix:name)",
				 cgroups_path, name);
	if (cg_systemd_expand_slice(slice, &dir, err) < 0)
		return error_wrap(err, "linux.cgroupsPath \"%s\"",
				  cgroups_path ? cgroups_path : "");
	u->unit = prefix[0] != '\0' ? xasprintf("%s-%s.scope", prefix, name)
				    : xasprintf("%s.scope", name);
	if (!unit_chars_valid(u->unit, strlen(u->unit)) || strlen(u->unit) > UNIT_NAME_MAX) {
		error_set(err, 0, "linux.cgroupsPath: \"%s\" is not a valid systemd unit name",
			  u->unit);
		cg_systemd_unit_clear(u);
		return -1;
	}
	u->slice = steal_ptr(slice);
	u->rel = xasprintf("%s/%s", strcmp(dir, "/") == 0 ? "" : dir, u->unit);
	return 0;
}

void cg_systemd_unit_clear(struct cg_systemd_unit *u)
{
	free(u->slice);
	free(u->unit);
	free(u->rel);
	memset(u, 0, sizeof(*u));
}

/* ---- properties -------------------------------------------------------- */

static struct cg_prop *prop_add(struct cg_props *p, const char *name, enum cg_prop_kind kind)
{
	struct cg_prop *x;

	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->v = xreallocarray(p->v, p->cap, sizeof(*p->v));
	}
	x = &p->v[p->n++];
	memset(x, 0, sizeof(*x));
	x->name = name;
	x->kind = kind;
	return x;
}

static void prop_u64(struct cg_props *p, const char *name, uint64_t v)
{
	prop_add(p, name, CG_PROP_U64)->u64 = v;
}

static void prop_bool(struct cg_props *p, const char *name, bool v)
{
	prop_add(p, name, CG_PROP_BOOL)->u64 = v;
}

static void prop_str(struct cg_props *p, const char *name, const char *v)
{
	prop_add(p, name, CG_PROP_STR)->str = xstrdup(v);
}

void cg_props_clear(struct cg_props *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].str);
		if (p->v[i].kind == CG_PROP_PAIRS)
			strv_free(p->v[i].array);
		else
			free(p->v[i].array);
	}
	free(p->v);
	memset(p, 0, sizeof(*p));
}

void cg_props_remove(struct cg_props *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++) {
		if (strcmp(p->v[i].name, name) != 0)
			continue;
		free(p->v[i].str);
		if (p->v[i].kind == CG_PROP_PAIRS)
			strv_free(p->v[i].array);
		else
			free(p->v[i].array);
		memmove(&p->v[i], &p->v[i + 1], (p->n - i - 1) * sizeof(*p->v));
		p->n--;
		return;
	}
}

/* -1 is "max" in OCI; systemd's infinity is UINT64_MAX */
static uint64_t limit(int64_t v)
{
	return v < 0 ? INFINITY_U64 : (uint64_t)v;
}

static int memory_props(const struct spec_memory *m, struct cg_props *p, struct error **err)
{
	int64_t lim = m->limit.set ? m->limit.v : 0, swap_oci = m->swap.set ? m->swap.v : 0, swap;

	if (lim != 0)
		prop_u64(p, "MemoryMax", limit(lim));
	if (m->reservation.set && m->reservation.v != 0)
		prop_u64(p, "MemoryLow", limit(m->reservation.v));
	if (cg_swap_to_v2(swap_oci, lim, &swap, err) < 0)
		return -1;
	if (swap != 0 || swap_oci > 0)
		prop_u64(p, "MemorySwapMax", limit(swap));
	return 0;
}

/* "0-3,8" -> bytes, CPU i in byte i/8, bit i%8 (systemd's order) */
static int cpuset_bytes(const char *list, uint8_t **out, size_t *n)
{
	uint8_t *b = NULL;
	size_t len = 0;
	const char *s = list;

	while (*s != '\0') {
		char *end;
		unsigned long lo = strtoul(s, &end, 10), hi = lo;

		if (end == s)
			break;
		s = end;
		if (*s == '-') {
			hi = strtoul(s + 1, &end, 10);
			s = end;
		}
		if (hi > 65535 || hi < lo) {
			free(b);
			return -1;
		}
		if (hi / 8 + 1 > len) {
			b = xrealloc(b, hi / 8 + 1);
			memset(b + len, 0, hi / 8 + 1 - len);
			len = hi / 8 + 1;
		}
		for (unsigned long i = lo; i <= hi; i++)
			b[i / 8] |= (uint8_t)(1u << (i % 8));
		if (*s == ',')
			s++;
	}
	*out = b;
	*n = len;
	return len > 0 ? 0 : -1;
}

static void cpuset_prop(struct cg_props *p, const char *name, const char *list)
{
	uint8_t *bytes;
	size_t n;

	/* the stride form ("0-15:2/4") is written to cgroupfs by the plan */
	if (list == NULL || strchr(list, ':') != NULL || cpuset_bytes(list, &bytes, &n) < 0)
		return;
	prop_add(p, name, CG_PROP_BYTES)->array = bytes;
	p->v[p->n - 1].n = n;
}

/* CPUQuotaPerSecUSec, as runc: whole percents, rounded up */
static void cpu_quota_props(const struct spec_cpu *c, struct cg_props *p)
{
	uint64_t period = c->period.set && c->period.v != 0 ? c->period.v : 0;
	int64_t quota = c->quota.set ? c->quota.v : 0;
	uint64_t per_sec = INFINITY_U64;

	if (period != 0)
		prop_u64(p, "CPUQuotaPeriodUSec", period);
	if (quota == 0 && period == 0)
		return;
	if (quota > 0) {
		per_sec = (uint64_t)quota * 1000000 / (period != 0 ? period : 100000);
		if (per_sec % 10000 != 0)
			per_sec = (per_sec / 10000 + 1) * 10000;
	}
	prop_u64(p, "CPUQuotaPerSecUSec", per_sec);
}

static void cpu_props(const struct spec_cpu *c, struct cg_props *p)
{
	if (c->shares.set && c->shares.v != 0)
		prop_u64(p, "CPUWeight", cg_shares_to_weight(c->shares.v));
	cpu_quota_props(c, p);
	cpuset_prop(p, "AllowedCPUs", c->cpus);
	cpuset_prop(p, "AllowedMemoryNodes", c->mems);
}

/* DevicePolicy and DeviceAllow from the same emulated rule list as the
 * eBPF filter berth attaches itself: strict with the allowed devices
 * when the list denies by default, auto otherwise (a deny list cannot be
 * said to systemd: berth's own filter keeps enforcing it).  mknod stays
 * allowed to systemd's filter ("char-* m"): it is live before the init
 * makes the nodes; berth's filter, attached later, decides use.  */
static int device_props(const struct cg_request *req, struct cg_props *p, struct error **err)
{
	const struct spec_resources *r = req->resources;
	struct cg_dev_emu emu;
	char **pairs;
	size_t k = 0;

	if (cg_dev_rules_build(r != NULL ? r->devices : NULL, r != NULL ? r->n_devices : 0,
			       req->devices, req->n_devices, &emu, err) < 0)
		return -1;
	if (emu.default_allow) {
		prop_str(p, "DevicePolicy", "auto");
		prop_add(p, "DeviceAllow", CG_PROP_PAIRS)->array = xcalloc(1, sizeof(char *));
		cg_dev_emu_clear(&emu);
		return 0;
	}
	pairs = xcalloc(2 * emu.n + 5, sizeof(char *));
	pairs[k++] = xstrdup("char-*");
	pairs[k++] = xstrdup("m");
	pairs[k++] = xstrdup("block-*");
	pairs[k++] = xstrdup("m");
	for (size_t i = 0; i < emu.n; i++) {
		const struct cg_dev_exc *x = &emu.v[i];
		const char *kind = x->type == 'b' ? "block" : "char";

		if (x->major < 0) /* "c *:5": systemd has no such wildcard */
			continue;
		pairs[k++] = x->minor < 0 ? xasprintf("%s-%lld", kind, (long long)x->major)
					  : xasprintf("/dev/%s/%lld:%lld", kind,
						      (long long)x->major, (long long)x->minor);
		pairs[k++] = xasprintf("%s%s%s", x->access & SPEC_DEV_READ ? "r" : "",
				       x->access & SPEC_DEV_WRITE ? "w" : "",
				       x->access & SPEC_DEV_MKNOD ? "m" : "");
	}
	prop_str(p, "DevicePolicy", "strict");
	prop_add(p, "DeviceAllow", CG_PROP_PAIRS)->array = pairs;
	cg_dev_emu_clear(&emu);
	return 0;
}

int cg_systemd_resource_props(const struct cg_request *req, struct cg_props *p, struct error **err)
{
	const struct spec_resources *r = req->resources;

	if (r != NULL && r->has_memory && memory_props(&r->memory, p, err) < 0)
		return -1;
	if (r != NULL && r->has_cpu)
		cpu_props(&r->cpu, p);
	/* 0 and -1 both mean no limit to berth: never systemd's default */
	if (r != NULL && r->pids_limit.set)
		prop_u64(p, "TasksMax",
			 r->pids_limit.v > 0 ? (uint64_t)r->pids_limit.v : INFINITY_U64);
	if (r != NULL && r->has_blkio && r->blkio.weight.set && r->blkio.weight.v != 0)
		prop_u64(p, "IOWeight", cg_blkio_to_io_weight(r->blkio.weight.v));
	if (!req->rootless && device_props(req, p, err) < 0)
		return -1;
	return 0;
}

int cg_systemd_scope_props(const struct cg_request *req, const struct cg_systemd_unit *u, pid_t pid,
			   struct cg_props *p, struct error **err)
{
	cleanup_free char *desc = xasprintf("berth container %s", req->id);
	struct cg_prop *pids;

	memset(p, 0, sizeof(*p));
	prop_str(p, "Description", desc);
	prop_str(p, "Slice", u->slice);
	prop_bool(p, "Delegate", true);
	pids = prop_add(p, "PIDs", CG_PROP_U32S);
	pids->array = xcalloc(1, sizeof(uint32_t));
	((uint32_t *)pids->array)[0] = (uint32_t)pid;
	pids->n = 1;
	/* the accounting makes systemd enable the controllers, so the
	 * scope's memory/cpu/io/pids files exist whatever the config asks */
	prop_bool(p, "MemoryAccounting", true);
	prop_bool(p, "CPUAccounting", true);
	prop_bool(p, "IOAccounting", true);
	prop_bool(p, "TasksAccounting", true);
	prop_bool(p, "DefaultDependencies", false);
	if (cg_systemd_resource_props(req, p, err) < 0) {
		cg_props_clear(p);
		return -1;
	}
	return 0;
}
