/* SPDX-License-Identifier: Apache-2.0 */
/* cgroups/check.c — can the hierarchy honour the plan?
 *
 * Owns the hard/soft policy (a limit on a missing controller fails, a
 * weight is logged and skipped, an "unlimited" value is dropped) and the
 * walk that finds, for each level from the mount root down to the
 * container's parent, whether a controller is there and enabled or
 * enableable.  Runs before any directory is made.  */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "core/cleanup.h"
#include "core/file.h"
#include "core/mem.h"
#include "core/log.h"

/* The policy messages are complete sentences: keep the errno for the exit
 * status but out of the text.  */
static int refusal(struct error **err, int errnum)
{
	(*err)->errnum = errnum;
	return -1;
}

int cg_refuse(struct error **err, int errnum, const char *fmt, ...)
{
	cleanup_free char *text = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	error_set(err, 0, "%s", n >= 0 ? text : fmt);
	if (err != NULL)
		(*err)->errnum = errnum;
	return -1;
}

int cg_plan_filter(struct cg_plan *plan, unsigned missing, bool include_core, const char *which,
		   struct error **err)
{
	size_t i = 0;

	while (i < plan->n) {
		struct cg_write *w = &plan->v[i];
		bool impossible = w->ctrl ? (w->ctrl & missing) != 0 : include_core;
		const char *ctrl = w->ctrl ? cg_ctrl_name(w->ctrl) : NULL;

		if (!impossible) {
			i++;
			continue;
		}
		if (w->kind == CG_HARD && ctrl != NULL) {
			error_set(err, 0,
				  "%s needs the \"%s\" controller, "
				  "which %s",
				  w->what, ctrl, which);
			return refusal(err, EOPNOTSUPP);
		}
		if (w->kind == CG_HARD) {
			error_set(err, 0,
				  "%s needs a cgroup v2 hierarchy, "
				  "which %s",
				  w->what, which);
			return refusal(err, EOPNOTSUPP);
		}
		if (w->kind == CG_SOFT)
			log_warn("cgroup: %s not applied: it needs the \"%s\" "
				 "controller, which %s",
				 w->what, ctrl ? ctrl : "?", which);
		cg_plan_drop(plan, i);
	}
	return 0;
}

void cg_plan_skip(struct cg_plan *plan, unsigned ctrls, const char *which)
{
	size_t i = 0;

	while (i < plan->n) {
		const struct cg_write *w = &plan->v[i];

		if ((w->ctrl & ctrls) == 0) {
			i++;
			continue;
		}
		if (w->kind != CG_DEFAULT)
			log_warn("cgroup: %s not applied: it needs the \"%s\" controller, which %s",
				 w->what, cg_ctrl_name(w->ctrl), which);
		cg_plan_drop(plan, i);
	}
}

char *cg_nowhere(const char *v2_mount, bool has_v1)
{
	if (v2_mount != NULL && has_v1)
		return xasprintf("this host has neither in %s nor as a cgroup v1 hierarchy",
				 v2_mount);
	if (v2_mount != NULL)
		return xasprintf("%s does not have", v2_mount);
	if (has_v1)
		return xstrdup("this host does not have (no cgroup2 hierarchy is mounted, and no "
			       "cgroup v1 hierarchy has it)");
	return xstrdup("this host does not have (no cgroup hierarchy is mounted)");
}

int cg_plan_filter_none(struct cg_plan *plan, const char *which, struct error **err)
{
	unsigned missing = 0;
	bool core = false;

	for (size_t i = 0; i < plan->n; i++) {
		if (plan->v[i].backend != CG_HOME_NONE)
			continue;
		missing |= plan->v[i].ctrl;
		core |= plan->v[i].ctrl == 0;
	}
	if (missing == 0 && !core)
		return 0;
	return cg_plan_filter(plan, missing, core, which, err);
}

/* Empty the plan: the first hard limit fails as "<what> <link> <reason>",
 * soft ones are logged as not applied.  */
static int refuse_all(struct cg_plan *plan, const char *link, const char *soft_why,
		      const char *reason, int errnum, struct error **err)
{
	while (plan->n > 0) {
		struct cg_write *w = &plan->v[0];

		if (w->kind == CG_HARD) {
			error_set(err, 0, "%s %s %s", w->what, link, reason);
			return refusal(err, errnum);
		}
		if (w->kind == CG_SOFT)
			log_warn("cgroup: %s not applied: %s%s", w->what, soft_why, reason);
		cg_plan_drop(plan, 0);
	}
	return 0;
}

int cg_plan_refuse_reason(struct cg_plan *plan, const char *reason, struct error **err)
{
	return refuse_all(plan, "asked, but", "", reason, EINVAL, err);
}

int cg_plan_refuse(struct cg_plan *plan, const char *reason, struct error **err)
{
	return refuse_all(plan,
			  "needs a delegated cgroup:", "it needs a delegated cgroup: ", reason,
			  EPERM, err);
}

int cg_plan_refuse_backend(struct cg_plan *plan, int backend, const char *reason,
			   struct error **err)
{
	struct cg_plan mine = {0};
	size_t i = 0;
	int rc;

	/* move that backend's writes aside, refuse them there */
	while (i < plan->n) {
		if (plan->v[i].backend != backend) {
			i++;
			continue;
		}
		if (mine.n == mine.cap) {
			mine.cap = mine.cap ? mine.cap * 2 : 8;
			mine.v = xreallocarray(mine.v, mine.cap, sizeof(*mine.v));
		}
		mine.v[mine.n++] = plan->v[i];
		memmove(&plan->v[i], &plan->v[i + 1], (plan->n - i - 1) * sizeof(*plan->v));
		plan->n--;
	}
	rc = cg_plan_refuse(&mine, reason, err);
	cg_plan_clear(&mine);
	return rc;
}

/* Read a controller list file of dir; a missing file is an empty set. */
static unsigned read_ctrls(const char *dir, const char *file)
{
	cleanup_free char *path = xasprintf("%s/%s", dir, file);
	cleanup_free char *text = read_file_or_null(AT_FDCWD, path);

	if (text == NULL)
		return 0;
	return cg_ctrl_parse_list(text);
}

/* One existing level L: controllers the plan needs must be in L's
 * cgroup.controllers, and either already in its cgroup.subtree_control
 * or enableable there (writable).  *carry: what L's parent can give it —
 * berth enables the plan's controllers at every level on the way down
 * (cg_v2_enable_along, make_v2_once), so a controller the parent has but
 * has not enabled yet will be in L's cgroup.controllers by then (systemd
 * enables only what its units ask for in a slice).  On return, *carry is
 * what L can give its child.  */
static int check_level(const char *dir, bool is_mount_root, bool hybrid, unsigned *carry,
		       struct cg_plan *plan, struct error **err)
{
	unsigned need = cg_plan_ctrls(plan);
	unsigned have, on, off;
	cleanup_free char *which = NULL;

	if (need == 0) /* no limit asked: nothing to check here */
		return 0;
	have = read_ctrls(dir, "cgroup.controllers") | *carry;
	on = read_ctrls(dir, "cgroup.subtree_control");
	off = need & have & ~on;
	*carry = have & on;

	if (need & ~have) {
		which = xasprintf("%s does not have%s", dir,
				  is_mount_root && hybrid ? " (hybrid cgroup v1/v2 host)" : "");
		if (cg_plan_filter(plan, need & ~have, false, which, err) < 0)
			return -1;
	}
	if (off != 0) {
		cleanup_free char *sc = xasprintf("%s/cgroup.subtree_control", dir);

		if (faccessat(AT_FDCWD, sc, W_OK, AT_EACCESS) == 0) {
			*carry |= off;
			return 0;
		}
		free(which);
		which = xasprintf("is not enabled in '%s', which berth cannot "
				  "write (%s)",
				  sc, strerror(errno));
		if (cg_plan_filter(plan, off, false, which, err) < 0)
			return -1;
	}
	return 0;
}

/* Levels are the mount root and each existing directory above the leaf.
 * The leaf's own availability is decided by its parent's subtree_control,
 * so the walk stops at the parent.  */
int cg_check_path(const char *mount, const char *rel, bool hybrid, struct cg_plan *plan,
		  struct error **err)
{
	cleanup_free char *dir = xstrdup(mount);
	cleanup_free char *copy = xstrdup(rel);
	char *save = NULL, *next;
	unsigned carry = 0;

	if (check_level(dir, true, hybrid, &carry, plan, err) < 0)
		return -1;
	next = strtok_r(copy, "/", &save);
	while (next != NULL) {
		char *comp = next;
		char *child;
		struct stat st;

		next = strtok_r(NULL, "/", &save);
		if (next == NULL)
			break; /* comp is the leaf */
		child = xasprintf("%s/%s", dir, comp);
		free(dir);
		dir = child;
		if (stat(dir, &st) < 0)
			break; /* created by berth: it enables what it needs */
		if (check_level(dir, false, hybrid, &carry, plan, err) < 0)
			return -1;
	}
	return 0;
}
