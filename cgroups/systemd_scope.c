/* SPDX-License-Identifier: Apache-2.0 */
/* cgroups/systemd_scope.c — the systemd cgroup driver (--systemd-cgroup,
 * --cgroup-manager=systemd): the container's cgroup is a transient scope
 * systemd makes, as runc and crun do.  Unit name and properties:
 * systemd.c; the D-Bus calls: systemd_bus.c.
 *
 * Order.  systemd refuses a scope without a process, so unlike the
 * cgroupfs driver nothing exists before the init: cg_systemd_create()
 * checks and plans everything and connects to the manager (so a host
 * without systemd fails before anything is set up); the init is cloned
 * in berth's own cgroup; cg_attach() then starts the scope with the
 * init's pid and every limit systemd can express, waits for the job, and
 * writes the rest (what systemd has no property for) to the scope's
 * cgroup files with the same plan the cgroupfs driver writes — all before
 * the init goes on (it unshares its cgroup namespace after).  Stopping:
 * kill everything in the scope, StopUnit, ResetFailedUnit; a scope whose
 * last process died is already gone, which is stopped too.
 *
 * A pure cgroup v2 host only: systemd in hybrid mode is legacy, and the
 * hosts where it ran are the cgroupfs driver's.  */
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
#include "core/log.h"
#include "core/mem.h"

struct cg_pending {
	struct cg_bus *bus;
	struct cg_props props;
	struct cg_plan plan; /* the cgroupfs writes that follow the unit */
	bool defer_devices;
};

static void pending_free(struct cg_pending *p)
{
	if (p == NULL)
		return;
	cg_bus_close(p->bus);
	cg_props_clear(&p->props);
	cg_plan_clear(&p->plan);
	free(p);
}

/* Where the scope will be, below the cgroup2 mount: a user manager's
 * units are below its own cgroup (the standard user@UID.service) */
static char *scope_rel(const struct cg_systemd_unit *u, bool user)
{
	unsigned uid = (unsigned)getuid();

	if (!user)
		return xstrdup(u->rel);
	return xasprintf("/user.slice/user-%u.slice/user@%u.service%s", uid, uid, u->rel);
}

/* Rootless: a user's manager can hand its scopes only the controllers
 * its own cgroup was given (user@.service's Delegate=, "cpu memory pids"
 * on systemd 252), and nobody the user may ask can enable others there.
 * A limit on another one is left out with a warning, as runc does, not
 * refused: podman and the like ask for them by default.  */
static void skip_undelegated(const char *mount, struct cg_plan *plan)
{
	unsigned uid = (unsigned)getuid();
	cleanup_free char *dir =
		xasprintf("%s/user.slice/user-%u.slice/user@%u.service", mount, uid, uid);
	cleanup_free char *file = xasprintf("%s/cgroup.controllers", dir);
	cleanup_free char *text = read_file_or_null(AT_FDCWD, file);
	cleanup_free char *which = NULL;
	unsigned missing;

	if (text == NULL)
		return; /* no user manager there: the walk below says why */
	missing = cg_plan_ctrls(plan) & ~cg_ctrl_parse_list(text);
	if (missing == 0)
		return;
	which = xasprintf("systemd does not delegate to uid %u ('%s' has only: %.*s)", uid, dir,
			  (int)strcspn(text, "\n"), text);
	cg_plan_skip(plan, missing, which);
}

/* the pure-v2 layout, its homes and the plan, each limit checked against
 * the controllers the levels above the scope have, or why not */
static int plan_for(const struct cg_request *req, const char *rel, struct cg_layout *lay,
		    struct cg_plan *plan, struct error **err)
{
	struct cg_homes homes;

	if (cg_layout_find(lay, err) < 0)
		return -1;
	if (lay->mount == NULL || lay->n_v1 > 0)
		return error_set(
			err, 0,
			"systemd cgroup driver: it needs a pure cgroup v2 host, and this "
			"one %s (the cgroupfs driver, without --systemd-cgroup, works here)",
			lay->mount == NULL ? "has no cgroup2 mount"
					   : "mounts cgroup v1 hierarchies");
	cg_layout_homes(lay, &homes);
	if (cg_plan_build(req->resources, &homes, NULL, plan, err) < 0)
		return -1;
	if (req->rootless)
		skip_undelegated(lay->mount, plan);
	return cg_check_path(lay->mount, rel, false, plan, err);
}

int cg_systemd_create(const struct cg_request *req, struct cg **out, struct error **err)
{
	struct cg_systemd_unit u;
	struct cg_layout lay = {0};
	struct cg_pending *p = xcalloc(1, sizeof(*p));
	struct cg *cg = NULL;
	cleanup_free char *rel = NULL;
	int rc = -1;

	memset(&u, 0, sizeof(u));
	if (cg_systemd_unit(req->cgroups_path, req->id, req->rootless, &u, err) < 0 ||
	    cg_bus_open(req->rootless, &p->bus, err) < 0)
		goto out;
	rel = scope_rel(&u, req->rootless);
	if (plan_for(req, rel, &lay, &p->plan, err) < 0 ||
	    cg_systemd_scope_props(req, &u, 0, &p->props, err) < 0)
		goto out;
	if (cg_alloc(NULL, NULL, NULL, 0, req->rootless, &cg, err) < 0)
		goto out;
	/* where systemd will put it (read from the init at attach time) */
	cg->mount = xstrdup(lay.mount);
	cg->path = xasprintf("%s%s", lay.mount, rel);
	cg->unit = steal_ptr(u.unit);
	cg->unit_user = req->rootless;
	p->defer_devices = req->defer_devices;
	if (!req->rootless) {
		cg->dev_rules = req->resources != NULL ? req->resources->devices : NULL;
		cg->n_dev_rules = req->resources != NULL ? req->resources->n_devices : 0;
		cg->devs = req->devices;
		cg->n_devs = req->n_devices;
	}
	cg->pending = steal_ptr(p);
	*out = steal_ptr(cg);
	rc = 0;
out:
	pending_free(p);
	cg_systemd_unit_clear(&u);
	cg_layout_clear(&lay);
	return rc;
}

/* the scope systemd made for pid, from its 0:: line */
static char *scope_path_of(const char *mount, pid_t pid)
{
	char file[64];
	cleanup_free char *text = NULL;
	char *line;

	snprintf(file, sizeof(file), "/proc/%d/cgroup", (int)pid);
	text = read_file_or_null(AT_FDCWD, file);
	line = text != NULL ? strstr(text, "0::") : NULL;
	if (line == NULL)
		return NULL;
	line += 3;
	line[strcspn(line, "\n")] = '\0';
	return xasprintf("%s%s", mount, line);
}

/* A controller the plan writes that systemd did not enable for the scope
 * (it manages neither hugetlb nor rdma nor misc): enabled along the path,
 * as runc does */
static int enable_missing(const struct cg *cg, const struct cg_plan *plan, struct error **err)
{
	cleanup_free char *text = read_file_or_null(cg->dirfd, "cgroup.controllers");
	unsigned need = cg_plan_ctrls(plan) & ~cg_ctrl_parse_list(text);

	if (need == 0)
		return 0;
	return cg_v2_enable_along(cg->mount, cg->path + strlen(cg->mount), need, err);
}

/* the scope is there: open it, write the rest, arm the device rules */
static int fill_scope(struct cg *cg, pid_t pid, struct error **err)
{
	struct cg_pending *p = cg->pending;
	char *actual = scope_path_of(cg->mount, pid);

	if (actual == NULL)
		return error_set(err, ENOENT, "systemd: the scope of pid %d", (int)pid);
	if (strcmp(actual, cg->path) != 0)
		log_debug("systemd: %s is at '%s'", cg->unit, actual);
	free(cg->path);
	cg->path = actual;
	cg->dirfd = open(cg->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cg->pathfd = open(cg->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cg->dirfd < 0 || cg->pathfd < 0)
		return error_set(err, errno, "open '%s'", cg->path);
	cg_homes_of_cg(cg, &cg->homes);
	if (enable_missing(cg, &p->plan, err) < 0 || cg_plan_apply(cg, &p->plan, err) < 0)
		return -1;
	if (cg->rootless)
		return 0;
	if (p->defer_devices) {
		cg->devices_pending = true;
		return 0;
	}
	return cg_devices_all(cg, cg->dev_rules, cg->n_dev_rules, cg->devs, cg->n_devs, err);
}

int cg_systemd_attach(struct cg *cg, pid_t pid, struct error **err)
{
	struct cg_pending *p = cg->pending;
	int rc;

	for (size_t i = 0; i < p->props.n; i++)
		if (strcmp(p->props.v[i].name, "PIDs") == 0)
			((uint32_t *)p->props.v[i].array)[0] = (uint32_t)pid;
	rc = cg_bus_start_scope(p->bus, cg->unit, &p->props, err);
	if (rc == 0)
		rc = fill_scope(cg, pid, err);
	pending_free(p);
	cg->pending = NULL;
	if (rc < 0)
		return error_wrap(err, "cgroup (systemd)");
	log_debug("systemd: %s started for pid %d", cg->unit, (int)pid);
	return 0;
}

int cg_systemd_stop(const struct cg *cg, struct error **err)
{
	struct cg_bus *b = NULL;
	int rc;

	if (cg_bus_open(cg->unit_user, &b, err) < 0)
		return -1;
	rc = cg_bus_stop_unit(b, cg->unit, err);
	cg_bus_close(b);
	return rc;
}

int cg_systemd_update(const struct cg *cg, const struct spec_resources *res, struct error **err)
{
	struct cg_request req = {
		.resources = res,
		.rootless = cg->rootless,
		.devices = cg->devs,
		.n_devices = cg->n_devs,
	};
	struct cg_props props = {0};
	struct cg_bus *b = NULL;
	int rc = -1;

	/* the device list is the emulated rules of the update, if it has
	 * any; else systemd's stays as it is */
	if (res->n_devices == 0)
		req.rootless = true;
	if (cg_systemd_resource_props(&req, &props, err) < 0)
		goto out;
	if (props.n == 0) {
		rc = 0;
		goto out;
	}
	if (cg_bus_open(cg->unit_user, &b, err) == 0)
		rc = cg_bus_set_props(b, cg->unit, &props, err);
out:
	cg_bus_close(b);
	cg_props_clear(&props);
	return rc;
}

void cg_systemd_pending_free(struct cg *cg)
{
	pending_free(cg->pending);
	cg->pending = NULL;
}
