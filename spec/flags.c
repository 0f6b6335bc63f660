/* SPDX-License-Identifier: Apache-2.0 */
/* spec/flags.c — command-line values, validated by spec/ like the JSON
 * they stand for (spec.h, "command-line values").
 *
 * cmd/ hands every flag value here, so runtime/ only ever receives checked
 * numbers and each rule exists once: `update`'s resource flags become a
 * LinuxResources JSON fragment decoded by the very tables that decode
 * config.json (resources.c), and an error found there is given back under
 * the flag's name ("--blkio-weight: must be in 10..1000").  Every error
 * names the flag and quotes the value.  */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/cleanup.h"
#include "core/jsonw.h"
#include "core/mem.h"
#include "spec/internal.h"

static int bad(const char *flag, const char *s, const char *what, struct error **err)
{
	return error_set(err, 0, "%s: %s is not %s", flag, quote(s).s, what);
}

/* a decimal number with an optional fraction: "12", "1.5"; the rest in
 * *end.  No sign, no exponent, no "inf".  */
static bool decimal(const char *s, double *v, const char **end)
{
	const char *p = s;
	char *stop;

	while (isdigit((unsigned char)*p))
		p++;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p);)
			p++;
	if (p == s || (p == s + 1 && *s == '.'))
		return false;
	*v = strtod(s, &stop);
	*end = p;
	return stop == p && isfinite(*v);
}

int spec_flag_int(const char *flag, const char *s, int64_t lo, int64_t hi, int64_t *out,
		  struct error **err)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || isspace((unsigned char)*s))
		return bad(flag, s, "a whole number", err);
	if (v < lo || v > hi)
		return error_set(err, 0, "%s: %s is out of range (%lld..%lld)", flag, quote(s).s,
				 (long long)lo, (long long)hi);
	*out = v;
	return 0;
}

int spec_flag_size(const char *flag, const char *s, bool unlimited, int64_t *out,
		   struct error **err)
{
	static const char units[] = "kmgt";
	const char *end, *u;
	double v, scale = 1;

	if (unlimited && strcmp(s, "-1") == 0) {
		*out = -1;
		return 0;
	}
	if (!decimal(s, &v, &end))
		return bad(flag, s, "a size (e.g. 512m, 1.5g)", err);
	if (*end != '\0' && (u = strchr(units, tolower((unsigned char)*end))) != NULL) {
		scale = (double)(1ULL << (10 * (u - units + 1)));
		end++;
	}
	if (*end == 'b' || *end == 'B')
		end++;
	if (*end != '\0')
		return bad(flag, s, "a size (e.g. 512m, 1.5g)", err);
	v *= scale;
	if (v >= 9.2e18)
		return error_set(err, 0, "%s: %s is too large", flag, quote(s).s);
	*out = (int64_t)v;
	return 0;
}

/* Go's time.ParseDuration units, and a bare number of seconds (runc's
 * and berth's earlier form) */
static double unit_ms(const char **p)
{
	static const struct {
		const char *name;
		double ms;
	} units[] = {{"ns", 1e-6}, {"us", 1e-3}, {"µs", 1e-3},	{"ms", 1},
		     {"s", 1000},  {"m", 60000}, {"h", 3600000}};

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		size_t n = strlen(units[i].name);

		/* "m" must not take the "m" of "ms" */
		if (strncmp(*p, units[i].name, n) == 0 && !(n == 1 && (*p)[1] == 's')) {
			*p += n;
			return units[i].ms;
		}
	}
	return 0;
}

int spec_flag_duration(const char *flag, const char *s, uint64_t *ms, struct error **err)
{
	const char *p = s, *end;
	double total = 0, v, unit;

	if (decimal(s, &v, &end) && *end == '\0') {
		total = v * 1000;
	} else {
		while (*p != '\0') {
			if (!decimal(p, &v, &end))
				return bad(flag, s, "a duration (e.g. 30s, 1m30s, 500ms)", err);
			p = end;
			unit = unit_ms(&p);
			if (unit == 0)
				return bad(flag, s, "a duration (e.g. 30s, 1m30s, 500ms)", err);
			total += v * unit;
		}
	}
	if (total < 1)
		return error_set(err, 0, "%s: %s is shorter than a millisecond", flag, quote(s).s);
	if (total > 4e9)
		return error_set(err, 0, "%s: %s is too long", flag, quote(s).s);
	*ms = (uint64_t)total;
	return 0;
}

int spec_flag_cpus(const char *flag, const char *s, uint64_t *milli, struct error **err)
{
	const char *end;
	double v;

	if (!decimal(s, &v, &end) || *end != '\0')
		return bad(flag, s, "a number of CPUs (e.g. 1.5)", err);
	if (v * 1000 < 1 || v > 4096)
		return error_set(err, 0, "%s: %s is out of range (0.001..4096)", flag, quote(s).s);
	*milli = (uint64_t)(v * 1000 + 0.5);
	return 0;
}

int spec_flag_id(const char *flag, const char *s, uint32_t *id, struct error **err)
{
	int64_t v;

	/* 4294967295 is (uid_t)-1, "no change" to the kernel: never an id */
	if (spec_flag_int(flag, s, 0, UINT32_MAX - 1, &v, err) < 0)
		return -1;
	*id = (uint32_t)v;
	return 0;
}

int spec_flag_user(const char *flag, const char *s, uint32_t *uid, uint32_t *gid, bool *has_gid,
		   struct error **err)
{
	cleanup_free char *copy = xstrdup(s);
	char *colon = strchr(copy, ':');

	*has_gid = colon != NULL;
	if (colon != NULL)
		*colon = '\0';
	if (spec_flag_id(flag, copy, uid, err) < 0 ||
	    (colon != NULL && spec_flag_id(flag, colon + 1, gid, err) < 0)) {
		error_freep(err);
		return bad(flag, s, "UID[:GID] (numbers)", err);
	}
	return 0;
}

int spec_flag_capability(const char *flag, const char *s, int *cap, struct error **err)
{
	cleanup_free char *full =
		strncasecmp(s, "CAP_", 4) == 0 ? xstrdup(s) : xasprintf("CAP_%s", s);

	for (char *p = full; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	if (!spec_capability_lookup(full, cap))
		return bad(flag, s, "a capability (e.g. CAP_NET_ADMIN, NET_ADMIN)", err);
	return 0;
}

/* a cgroup path below another: components that are neither empty nor "."
 * nor "..", so it can never leave the cgroup it is relative to */
static bool sub_path_valid(const char *p)
{
	while (*p == '/')
		p++;
	if (*p == '\0')
		return false;
	while (*p != '\0') {
		const char *end = strchr(p, '/');
		size_t n = end != NULL ? (size_t)(end - p) : strlen(p);

		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		p += n;
		while (*p == '/')
			p++;
	}
	return true;
}

static bool controller_list_valid(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == ',' && (i == 0 || i + 1 == n || s[i - 1] == ','))
			return false;
		if (c != ',' && c != '_' && c != '=' && !(c >= 'a' && c <= 'z') &&
		    !(c >= '0' && c <= '9'))
			return false;
	}
	return true;
}

int spec_flag_subcgroup(const char *flag, const char *s, char **controllers, char **path,
			struct error **err)
{
	const char *colon = strchr(s, ':');
	const char *p = colon != NULL ? colon + 1 : s;

	*controllers = *path = NULL;
	if (colon != NULL && !controller_list_valid(s, (size_t)(colon - s)))
		return bad(flag, s, "[CONTROLLER[,CONTROLLER]:]PATH", err);
	if (!sub_path_valid(p))
		return error_set(err, 0,
				 "%s: %s: the path must name a cgroup below the container's (no "
				 "empty, \".\" or \"..\" component)",
				 flag, quote(s).s);
	while (*p == '/')
		p++;
	if (colon != NULL)
		*controllers = xstrndup(s, (size_t)(colon - s));
	*path = xstrdup(p);
	return 0;
}

/* ---- update's resource flags ------------------------------------------- */

enum res_kind { RES_SIZE, RES_INT, RES_LIST };

static const struct res_flag {
	const char *flag, *section, *key;
	enum res_kind kind;
} res_flags[] = {
	{"--memory", "memory", "limit", RES_SIZE},
	{"--memory-reservation", "memory", "reservation", RES_SIZE},
	{"--memory-swap", "memory", "swap", RES_SIZE},
	{"--cpu-shares", "cpu", "shares", RES_INT},
	{"--cpu-share", "cpu", "shares", RES_INT},
	{"--cpu-quota", "cpu", "quota", RES_INT},
	{"--cpu-period", "cpu", "period", RES_INT},
	{"--cpu-rt-runtime", "cpu", "realtimeRuntime", RES_INT},
	{"--cpu-rt-period", "cpu", "realtimePeriod", RES_INT},
	{"--cpuset-cpus", "cpu", "cpus", RES_LIST},
	{"--cpuset-mems", "cpu", "mems", RES_LIST},
	{"--pids-limit", "pids", "limit", RES_INT},
	{"--blkio-weight", "blockIO", "weight", RES_INT},
};

#define N_RES_FLAGS (sizeof(res_flags) / sizeof(res_flags[0]))

static const struct res_flag *res_flag(const char *flag)
{
	for (size_t i = 0; i < N_RES_FLAGS; i++)
		if (strcmp(res_flags[i].flag, flag) == 0)
			return &res_flags[i];
	return NULL;
}

/* the value as JSON text: a size or an integer checked for its syntax
 * here (the decoder checks the range), a list as a string */
static int value_json(const struct res_flag *f, const char *s, struct jsonw *w, const char *key,
		      struct error **err)
{
	int64_t v;

	if (f->kind == RES_LIST) {
		/* the decoder checks the list; only text it can take goes in */
		for (const char *p = s; *p; p++)
			if (*p < 0x20 || *p >= 0x7f)
				return bad(f->flag, s, "a cpu list like \"0-3,7\"", err);
		jsonw_kv_str(w, key, s);
		return 0;
	}
	if (f->kind == RES_SIZE ? spec_flag_size(f->flag, s, true, &v, err)
				: spec_flag_int(f->flag, s, INT64_MIN, INT64_MAX, &v, err))
		return -1;
	jsonw_kv_int(w, key, v);
	return 0;
}

/* {"memory": {...}, "cpu": {...}, ...}: one object per section, the last
 * of a repeated flag winning */
static int flags_json(char *const *flags, char *const *values, size_t n, struct jsonw *w,
		      struct error **err)
{
	static const char *const sections[] = {"memory", "cpu", "pids", "blockIO"};

	for (size_t i = 0; i < n; i++)
		if (res_flag(flags[i]) == NULL)
			return error_set(err, 0, "%s: not a resource flag", flags[i]);
	jsonw_obj_open(w);
	for (size_t s = 0; s < sizeof(sections) / sizeof(sections[0]); s++) {
		bool open = false;

		for (size_t i = 0; i < n; i++) {
			const struct res_flag *f = res_flag(flags[i]);

			if (strcmp(f->section, sections[s]) != 0)
				continue;
			if (!open) {
				jsonw_key(w, sections[s]);
				jsonw_obj_open(w);
				open = true;
			}
			if (value_json(f, values[i], w, f->key, err) < 0)
				return -1;
		}
		if (open)
			jsonw_obj_close(w);
	}
	jsonw_obj_close(w);
	return 0;
}

/* "flags: memory.swap: must be ..." -> "--memory-swap: must be ..." */
static void name_the_flag(char *const *flags, size_t n, struct error **err)
{
	const char *msg = (*err)->msg;

	if (strncmp(msg, "flags: ", 7) == 0)
		msg += 7;
	for (size_t i = n; i-- > 0;) {
		const struct res_flag *f = res_flag(flags[i]);
		cleanup_free char *path = xasprintf("%s.%s: ", f->section, f->key);

		if (strncmp(msg, path, strlen(path)) == 0) {
			cleanup_free char *text = xasprintf("%s: %s", f->flag, msg + strlen(path));

			error_freep(err);
			error_set(err, 0, "%s", text);
			return;
		}
	}
}

struct spec_resources *spec_resources_from_flags(char *const *flags, char *const *values, size_t n,
						 struct error **err)
{
	cleanup_jsonw struct jsonw *w = jsonw_new();
	struct spec_resources *r;

	if (flags_json(flags, values, n, w, err) < 0)
		return NULL;
	r = spec_resources_parse(jsonw_buf(w), jsonw_len(w), "flags", err);
	if (r == NULL)
		name_the_flag(flags, n, err);
	return r;
}
