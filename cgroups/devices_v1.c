/* SPDX-License-Identifier: Apache-2.0 */
/* cgroups/devices_v1.c — linux.resources.devices on the cgroup v1 devices
 * controller, as runc writes it (libcontainer/cgroups/devices, the
 * emulator's Transition).
 *
 * The target is the same emulated list the eBPF filter is made from
 * (devices.c: the spec's rules, then runc's defaults).  The kernel's list
 * (devices.list) is read back into that form and the writes that take one
 * to the other are computed: a reset ("a *:* rwm" to devices.deny or
 * devices.allow) only when the default verdict changes or the cgroup
 * allows everything (an allow-all list cannot show its deny rules), then,
 * rule by rule, the access each old rule loses and each new one gains.  So
 * an `update` of a running container never passes through a moment where
 * /dev/null is denied.  Afterwards devices.list must be exactly the
 * target.  A fresh cgroup inherits its parent's list (the root's is
 * "a *:* rwm"): its transition is "deny all", then the allowed devices.  */
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
#include "core/mem.h"

#define RWM (SPEC_DEV_READ | SPEC_DEV_WRITE | SPEC_DEV_MKNOD)

static int64_t parse_num(const char *s)
{
	return strcmp(s, "*") == 0 ? -1 : strtoll(s, NULL, 10);
}

static unsigned parse_access(const char *s)
{
	unsigned bits = 0;

	for (; *s; s++)
		bits |= *s == 'r'   ? SPEC_DEV_READ
			: *s == 'w' ? SPEC_DEV_WRITE
			: *s == 'm' ? SPEC_DEV_MKNOD
				    : 0;
	return bits;
}

int cg_dev_list_parse(const char *text, struct cg_dev_emu *out, struct error **err)
{
	cleanup_free char *copy = xstrdup(text != NULL ? text : "");
	char *save = NULL;

	memset(out, 0, sizeof(*out));
	for (char *l = strtok_r(copy, "\n", &save); l != NULL; l = strtok_r(NULL, "\n", &save)) {
		char type, maj[16], min[16], acc[8];
		struct spec_dev_rule r = {.allow = true};

		if (sscanf(l, "%c %15[^:]:%15s %7s", &type, maj, min, acc) != 4 ||
		    strspn(acc, "rwm") != strlen(acc)) {
			cg_dev_emu_clear(out);
			return error_set(err, EINVAL, "devices.list: cannot read '%s'", l);
		}
		if (type == 'a') {
			/* allow all: whatever deny rules it has are not listed */
			cg_dev_emu_clear(out);
			out->default_allow = true;
			return 0;
		}
		r.type = type;
		r.major = parse_num(maj);
		r.minor = parse_num(min);
		r.access = parse_access(acc);
		if (r.access == 0 || cg_dev_emu_apply(out, &r, err) < 0) {
			cg_dev_emu_clear(out);
			return error_set(err, EINVAL, "devices.list: cannot read '%s'", l);
		}
	}
	return 0;
}

static unsigned access_of(const struct cg_dev_emu *e, const struct cg_dev_exc *x)
{
	for (size_t i = 0; e != NULL && i < e->n; i++)
		if (e->v[i].type == x->type && e->v[i].major == x->major &&
		    e->v[i].minor == x->minor)
			return e->v[i].access;
	return 0;
}

/* runc's order: (major, minor, type), wildcards (-1) first */
static int cmp_exc(const void *pa, const void *pb)
{
	const struct cg_dev_exc *a = pa, *b = pb;

	if (a->major != b->major)
		return a->major < b->major ? -1 : 1;
	if (a->minor != b->minor)
		return a->minor < b->minor ? -1 : 1;
	return (a->type > b->type) - (a->type < b->type);
}

static struct cg_dev_exc *sorted(const struct cg_dev_emu *e)
{
	struct cg_dev_exc *v = xcalloc(e->n + 1, sizeof(*v));

	if (e->n > 0)
		memcpy(v, e->v, e->n * sizeof(*v));
	qsort(v, e->n, sizeof(*v), cmp_exc);
	return v;
}

static void num(char *buf, size_t size, int64_t v)
{
	if (v < 0)
		snprintf(buf, size, "*");
	else
		snprintf(buf, size, "%lld", (long long)v);
}

static void push(struct cg_dev_line **lines, size_t *n, bool allow, char type, int64_t major,
		 int64_t minor, unsigned access)
{
	struct cg_dev_line *l;
	char maj[24], min[24];

	*lines = xreallocarray(*lines, *n + 1, sizeof(**lines));
	l = &(*lines)[(*n)++];
	l->allow = allow;
	num(maj, sizeof(maj), major);
	num(min, sizeof(min), minor);
	snprintf(l->text, sizeof(l->text), "%c %s:%s %s%s%s", type, maj, min,
		 access & SPEC_DEV_READ ? "r" : "", access & SPEC_DEV_WRITE ? "w" : "",
		 access & SPEC_DEV_MKNOD ? "m" : "");
}

void cg_dev_transition(const struct cg_dev_emu *cur, const struct cg_dev_emu *target,
		       struct cg_dev_line **lines, size_t *n)
{
	bool reset = cur->default_allow || cur->default_allow != target->default_allow;
	const struct cg_dev_emu *old = reset ? NULL : cur;
	cleanup_free struct cg_dev_exc *o = old != NULL ? sorted(old) : NULL;
	cleanup_free struct cg_dev_exc *t = sorted(target);

	*lines = NULL;
	*n = 0;
	if (reset)
		push(lines, n, target->default_allow, 'a', -1, -1, RWM);
	for (size_t i = 0; old != NULL && i < old->n; i++) {
		unsigned dropped = o[i].access & ~access_of(target, &o[i]);

		if (dropped != 0)
			push(lines, n, target->default_allow, o[i].type, o[i].major, o[i].minor,
			     dropped);
	}
	for (size_t i = 0; i < target->n; i++) {
		unsigned gained = t[i].access & ~access_of(old, &t[i]);

		if (gained != 0)
			push(lines, n, !target->default_allow, t[i].type, t[i].major, t[i].minor,
			     gained);
	}
}

static bool same_list(const struct cg_dev_emu *a, const struct cg_dev_emu *b)
{
	if (a->default_allow != b->default_allow)
		return false;
	if (a->default_allow)
		return true; /* an allow-all list shows no deny rules */
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (access_of(b, &a->v[i]) != a->v[i].access)
			return false;
	return true;
}

static int read_list(int dirfd, const char *path, struct cg_dev_emu *e, struct error **err)
{
	cleanup_free char *text = NULL;

	if (read_file_at(dirfd, "devices.list", &text, NULL, err) < 0 ||
	    cg_dev_list_parse(text, e, err) < 0)
		return error_wrap(err, "'%s'", path);
	return 0;
}

static int write_lines(int dirfd, const struct cg_dev_line *lines, size_t n, struct error **err)
{
	for (size_t i = 0; i < n; i++) {
		const char *file = lines[i].allow ? "devices.allow" : "devices.deny";

		if (write_str_at(dirfd, file, lines[i].text, err) < 0)
			return -1;
	}
	return 0;
}

int cg_devices_v1_install(int dirfd, const char *path, const struct spec_dev_rule *rules, size_t n,
			  const struct spec_device *devs, size_t n_devs, struct error **err)
{
	struct cg_dev_emu target = {0}, cur = {0}, after = {0};
	cleanup_free struct cg_dev_line *lines = NULL;
	size_t n_lines = 0;
	int ret = -1;

	if (cg_dev_rules_build(rules, n, devs, n_devs, &target, err) < 0 ||
	    read_list(dirfd, path, &cur, err) < 0)
		goto out;
	cg_dev_transition(&cur, &target, &lines, &n_lines);
	if (write_lines(dirfd, lines, n_lines, err) < 0 || read_list(dirfd, path, &after, err) < 0)
		goto out;
	if (!same_list(&after, &target)) {
		error_set(err, EIO, "'%s/devices.list' does not match the rules written", path);
		goto out;
	}
	ret = 0;
out:
	cg_dev_emu_clear(&target);
	cg_dev_emu_clear(&cur);
	cg_dev_emu_clear(&after);
	return ret;
}
