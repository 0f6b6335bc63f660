/* SPDX-License-Identifier: Apache-2.0 */
/* cgroups/create.c — cg_create(): from a request to a ready cgroup.
 *
 * Owns the create checklist (layout, plan, paths, device enforcement,
 * delegation, controller check, directories, limits, device rules), the
 * "created by berth" mark on each directory it makes, enabling controllers
 * along the cgroup2 path, and the rollback that leaves nothing behind on
 * failure.  The v1 directories: create_v1.c.  Removal: destroy.c.
 *
 * The mark is an extended attribute on the cgroupfs directory, set right
 * after berth's own mkdir() succeeded (EEXIST means someone else made it):
 * trusted.berth.created when berth may set trusted.* (CAP_SYS_ADMIN), else
 * user.berth.created (cgroupfs has user xattrs since Linux 5.7).  It lives
 * exactly as long as the directory, needs no state file, and cannot be
 * forged on a directory berth's user cannot write anyway.  */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "core/cleanup.h"
#include "core/file.h"
#include "core/mem.h"
#include "core/log.h"

#define MARK_TRUSTED  "trusted.berth.created"
#define MARK_USER     "user.berth.created"
#define MKDIR_RETRIES 20

void cg_mark_created(const char *path)
{
	if (setxattr(path, MARK_TRUSTED, "1", 1, 0) == 0)
		return;
	if (setxattr(path, MARK_USER, "1", 1, 0) == 0)
		return;
	log_debug("cgroup: cannot mark '%s' as created by berth (%s); it "
		  "will not be removed",
		  path, strerror(errno));
}

bool cg_is_marked(const char *path)
{
	struct stat st;
	char v[4];

	/* owner check: only a directory made by berth's own user counts */
	if (stat(path, &st) < 0 || st.st_uid != geteuid())
		return false;
	return getxattr(path, MARK_TRUSTED, v, sizeof(v)) >= 0 ||
	       getxattr(path, MARK_USER, v, sizeof(v)) >= 0;
}

void cg_created_add(struct cg_created *c, const char *path)
{
	c->v = xreallocarray(c->v, c->n + 1, sizeof(*c->v));
	c->v[c->n++] = xstrdup(path);
}

bool cg_created_has(const struct cg_created *c, const char *path)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->v[i], path) == 0)
			return true;
	return false;
}

/* Remove what this create made, deepest first; keep the list's memory. */
void cg_created_rollback(struct cg_created *c)
{
	while (c->n > 0) {
		char *p = c->v[--c->n];

		if (rmdir(p) < 0 && errno != ENOENT)
			log_warn("cgroup: rollback: rmdir '%s': %s", p, strerror(errno));
		free(p);
	}
}

static void created_free(struct cg_created *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i]);
	free(c->v);
	memset(c, 0, sizeof(*c));
}

/* "+a +b +c" in one write: the kernel applies the list as a whole, and
 * most often every controller is accepted */
static bool enable_all_at_once(const char *sc_path, unsigned want)
{
	char cmd[256] = "";
	size_t len = 0;
	struct error *e = NULL;

	if (want == 0)
		return true;
	for (unsigned bit = 1; bit <= CG_CTRL_MISC; bit <<= 1)
		if (want & bit)
			len += (size_t)snprintf(cmd + len, sizeof(cmd) - len, "%s+%s",
						len ? " " : "", cg_ctrl_name(bit));
	if (write_str_at(AT_FDCWD, sc_path, cmd, &e) == 0)
		return true;
	error_free(e);
	return false;
}

/* Enable in dir's subtree_control: the controllers the plan needs (a
 * failure is an error) and, best effort, every other available one, as
 * runc and crun do, so stats and OOM events work without limits too.  */
static int enable_controllers(const char *dir, unsigned need, struct error **err)
{
	cleanup_free char *ctl_path = xasprintf("%s/cgroup.controllers", dir);
	cleanup_free char *sc_path = xasprintf("%s/cgroup.subtree_control", dir);
	cleanup_free char *have_text = NULL, *on_text = NULL;
	unsigned have, on;

	if (read_file_at(AT_FDCWD, ctl_path, &have_text, NULL, err) < 0 ||
	    read_file_at(AT_FDCWD, sc_path, &on_text, NULL, err) < 0)
		return -1;
	have = cg_ctrl_parse_list(have_text);
	on = cg_ctrl_parse_list(on_text);
	if (enable_all_at_once(sc_path, have & ~on))
		return 0;
	/* one was refused: one by one, to tell the needed from the rest */
	for (unsigned bit = 1; bit <= CG_CTRL_MISC; bit <<= 1) {
		cleanup_free char *cmd = NULL;
		struct error *e = NULL;

		if (!(have & bit) || (on & bit))
			continue;
		cmd = xasprintf("+%s", cg_ctrl_name(bit));
		if (write_str_at(AT_FDCWD, sc_path, cmd, &e) == 0)
			continue;
		if (need & bit) {
			error_free(*err);
			*err = e;
			return error_wrap(err, "enable the \"%s\" controller", cg_ctrl_name(bit));
		}
		log_debug("cgroup: %s: %s", cmd, e->msg);
		error_free(e);
	}
	return 0;
}

int cg_v2_enable_along(const char *mount, const char *rel, unsigned need, struct error **err)
{
	cleanup_free char *dir = xstrdup(mount);
	cleanup_free char *copy = xstrdup(rel);
	char *save = NULL, *comp = strtok_r(copy, "/", &save);

	while (comp != NULL && need != 0) {
		cleanup_free char *sc = xasprintf("%s/cgroup.subtree_control", dir);
		cleanup_free char *text = NULL;
		unsigned on;
		char *child;

		if (read_file_at(AT_FDCWD, sc, &text, NULL, err) < 0)
			return -1;
		on = cg_ctrl_parse_list(text);
		for (unsigned bit = 1; bit <= CG_CTRL_MISC; bit <<= 1) {
			char cmd[32];

			if (!(need & bit) || (on & bit))
				continue;
			snprintf(cmd, sizeof(cmd), "+%s", cg_ctrl_name(bit));
			if (write_str_at(AT_FDCWD, sc, cmd, err) < 0)
				return error_wrap(err, "enable the \"%s\" controller",
						  cg_ctrl_name(bit));
		}
		child = xasprintf("%s/%s", dir, comp);
		free(dir);
		dir = child;
		comp = strtok_r(NULL, "/", &save);
	}
	return 0;
}

/* mkdir each component below the mount, enabling controllers in every
 * level above the leaf.  ENOENT (from a path) or ENODEV (from a file of a
 * cgroup removed while we read it) means a concurrent destroy removed an
 * empty parent berth made for another container: start again.  */
static int make_path_once(const char *mount, const char *rel, unsigned need,
			  struct cg_created *made, struct error **err)
{
	cleanup_free char *dir = xstrdup(mount);
	cleanup_free char *copy = xstrdup(rel);
	char *save = NULL, *comp = strtok_r(copy, "/", &save);

	while (comp != NULL) {
		char *child;

		if (enable_controllers(dir, need, err) < 0)
			return -1;
		child = xasprintf("%s/%s", dir, comp);
		free(dir);
		dir = child;
		if (mkdir(dir, 0755) == 0) {
			cg_created_add(made, dir);
			cg_mark_created(dir);
		} else if (errno != EEXIST) {
			return error_set(err, errno, "mkdir '%s'", dir);
		}
		comp = strtok_r(NULL, "/", &save);
	}
	return 0;
}

int cg_make_retrying(int (*once)(const void *arg, struct cg_created *made, struct error **err),
		     const void *arg, struct cg_created *made, struct error **err)
{
	struct cg_created mine = {0};
	int rc;

	for (int i = 0;; i++) {
		rc = once(arg, &mine, err);
		if (rc == 0 || ((*err)->errnum != ENOENT && (*err)->errnum != ENODEV) ||
		    i == MKDIR_RETRIES)
			break;
		cg_created_rollback(&mine);
		error_freep(err);
	}
	/* what was made is the caller's to keep or roll back */
	for (size_t i = 0; i < mine.n; i++)
		cg_created_add(made, mine.v[i]);
	created_free(&mine);
	return rc;
}

struct v2_make {
	const char *mount, *rel;
	unsigned need;
};

static int make_v2_once(const void *arg, struct cg_created *made, struct error **err)
{
	const struct v2_make *m = arg;

	return make_path_once(m->mount, m->rel, m->need, made, err);
}

static bool writable(const char *path, char **reason)
{
	if (faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) == 0)
		return true;
	*reason = xasprintf("'%s' is not writable by uid %u (%s)", path, (unsigned)geteuid(),
			    strerror(errno));
	return false;
}

/* The deepest existing directory on the way to mount+rel */
static char *deepest_existing(const char *mount, const char *rel)
{
	char *best = xstrdup(mount);
	cleanup_free char *copy = xstrdup(rel);
	char *save = NULL;

	for (char *c = strtok_r(copy, "/", &save); c != NULL; c = strtok_r(NULL, "/", &save)) {
		char *next = xasprintf("%s/%s", best, c);
		struct stat st;

		if (stat(next, &st) < 0) {
			free(next);
			break;
		}
		free(best);
		best = next;
	}
	return best;
}

/* Longest common directory prefix of two clean paths ("/a/b", "/a/c") */
static char *common_ancestor(const char *a, const char *b)
{
	size_t i = 0, last = 0;

	while (a[i] && a[i] == b[i]) {
		if (a[i] == '/')
			last = i;
		i++;
	}
	if ((a[i] == '\0' || a[i] == '/') && (b[i] == '\0' || b[i] == '/'))
		last = i;
	return last == 0 ? xstrdup("") : strndup(a, last);
}

/* A rootless user may use a cgroup only where it was delegated: it must
 * be able to make the directory, move processes (cgroup.procs of the
 * deepest existing level and of the common ancestor of its own cgroup and
 * the target) and enable controllers (cgroup.subtree_control).  */
static bool rootless_delegated(const struct cg_layout *h, const char *rel, char **reason)
{
	cleanup_free char *target = xasprintf("%s%s", h->mount, rel);
	cleanup_free char *deep = deepest_existing(h->mount, rel);
	cleanup_free char *common = common_ancestor(h->own, rel);
	cleanup_free char *procs = xasprintf("%s/cgroup.procs", deep);
	cleanup_free char *sc = xasprintf("%s/cgroup.subtree_control", deep);
	cleanup_free char *cprocs = xasprintf("%s%s/cgroup.procs", h->mount, common);

	if (strcmp(deep, target) == 0)
		return writable(procs, reason) && writable(cprocs, reason);
	return writable(deep, reason) && writable(procs, reason) && writable(sc, reason) &&
	       writable(cprocs, reason);
}

/* The same for a v1 hierarchy: no subtree_control there.  */
static bool rootless_delegated_v1(const struct cg_v1h *h, const char *rel, char **reason)
{
	cleanup_free char *target = xasprintf("%s%s", h->mount, rel);
	cleanup_free char *deep = deepest_existing(h->mount, rel);
	cleanup_free char *common = common_ancestor(h->own, rel);
	cleanup_free char *procs = xasprintf("%s/cgroup.procs", deep);
	cleanup_free char *cprocs = xasprintf("%s%s/cgroup.procs", h->mount, common);

	if (strcmp(deep, target) == 0)
		return writable(procs, reason) && writable(cprocs, reason);
	return writable(deep, reason) && writable(procs, reason) && writable(cprocs, reason);
}

/* A cgroup that already existed must be empty: two containers sharing a
 * cgroup would share limits and kill each other on destroy.  */
static int check_empty(struct cg *cg, struct error **err)
{
	cleanup_free char *text = NULL;
	uint64_t populated = 0;

	if (read_file_at(cg->dirfd, "cgroup.events", &text, NULL, err) < 0)
		return -1;
	if (cg_kv_find(text, "populated", &populated) && populated)
		return error_set(err, EBUSY,
				 "'%s' already exists and has "
				 "processes in it",
				 cg->path);
	return 0;
}

/* One create: what it found, planned and made.  */
struct creating {
	const struct cg_request *req;
	struct cg_layout lay;
	struct cg_homes homes;
	struct cg_plan plan;
	struct cg_created made;
	char *rel;     /* below the cgroup2 mount, or NULL: no v2 part */
	char **v1_rel; /* per lay.v1; NULL: no cgroup in that hierarchy */
};

static void creating_clear(struct creating *c)
{
	for (size_t i = 0; c->v1_rel != NULL && i < c->lay.n_v1; i++)
		free(c->v1_rel[i]);
	free(c->v1_rel);
	free(c->rel);
	cg_plan_clear(&c->plan);
	created_free(&c->made);
	cg_layout_clear(&c->lay);
}

static int resolve_paths(struct creating *c, struct error **err)
{
	const struct cg_request *req = c->req;

	if (cg_path_resolve(&c->lay, req->cgroups_path, req->id, req->systemd, req->rootless,
			    &c->rel, err) < 0)
		return -1;
	if (c->lay.mount == NULL)
		free(steal_ptr(c->rel));
	c->v1_rel = xcalloc(c->lay.n_v1 + 1, sizeof(*c->v1_rel));
	for (size_t i = 0; i < c->lay.n_v1; i++)
		if (cg_path_resolve_v1(&c->lay.v1[i], req->cgroups_path, req->id, req->rootless,
				       &c->v1_rel[i], err) < 0)
			return -1;
	return 0;
}

/* cg_request.v1_needed_only: no cgroup in a v1 hierarchy that has no
 * write of the plan (a named one such as name=systemd included).  With a
 * cgroup2 tree (a hybrid host) that holds the job, its eBPF device filter
 * and its freezer and cgroup.kill do what the v1 devices and freezer
 * cgroups would: those are made only where there is no cgroup2 tree (a
 * v1-only host) — 0.8 ms of a sandbox's start here.  */
static void drop_unneeded_v1(struct creating *c)
{
	const unsigned always = c->rel != NULL ? 0 : CG_CTRL_DEVICES | CG_CTRL_FREEZER;

	if (!c->req->v1_needed_only)
		return;
	for (size_t i = 0; i < c->lay.n_v1; i++) {
		if (c->v1_rel[i] == NULL || (c->lay.v1[i].ctrls & always) != 0 ||
		    cg_plan_uses(&c->plan, (int)i))
			continue;
		log_debug("cgroup: %s: not needed", c->lay.v1[i].name);
		free(steal_ptr(c->v1_rel[i]));
	}
}

/* Without a cgroup2 tree (for the eBPF filter) or a v1 devices hierarchy,
 * nothing stops a device node from an image, or made with CAP_MKNOD, from
 * being opened: refuse, unless the user said so (--cgroup-manager=
 * disabled).  A rootless container is exempt: the kernel refuses device
 * nodes in a user namespace anyway.  */
static int check_device_enforcement(const struct creating *c, struct error **err)
{
	if (c->req->rootless || c->lay.mount != NULL || cg_home(&c->homes, CG_CTRL_DEVICES) >= 0)
		return 0;
	return cg_refuse(err, EOPNOTSUPP,
			 "device rules cannot be enforced on this host: no cgroup2 hierarchy is "
			 "mounted (for the eBPF device filter) and no cgroup v1 devices "
			 "hierarchy either; --cgroup-manager=disabled runs without them");
}

/* rootless: a hierarchy berth cannot use gets no cgroup, and what the plan
 * wants there is refused (hard) or dropped with a warning (soft).  1: no
 * cgroup at all */
static int check_delegation(struct creating *c, struct error **err)
{
	cleanup_free char *reason = NULL;
	bool any = false;

	if (!c->req->rootless)
		return 0;
	if (c->rel != NULL && !rootless_delegated(&c->lay, c->rel, &reason)) {
		if (cg_plan_refuse(&c->plan, reason, err) < 0)
			return -1;
		log_debug("cgroup: not used: %s", reason);
		return 1;
	}
	for (size_t i = 0; i < c->lay.n_v1; i++) {
		free(steal_ptr(reason));
		if (rootless_delegated_v1(&c->lay.v1[i], c->v1_rel[i], &reason)) {
			any = true;
			continue;
		}
		if (cg_plan_refuse_backend(&c->plan, (int)i, reason, err) < 0)
			return -1;
		log_debug("cgroup: %s: not used: %s", c->lay.v1[i].name, reason);
		free(steal_ptr(c->v1_rel[i]));
	}
	return c->rel == NULL && !any ? 1 : 0;
}

/* Controllers with no home on this host, then the v2 path's levels */
static int check_plan(struct creating *c, struct error **err)
{
	cleanup_free char *which = cg_nowhere(c->lay.mount, c->lay.n_v1 > 0);

	if (cg_plan_filter_none(&c->plan, which, err) < 0)
		return -1;
	if (c->rel == NULL)
		return 0;
	return cg_check_path(c->lay.mount, c->rel, c->lay.hybrid, &c->plan, err);
}

static int make_dirs(struct creating *c, struct error **err)
{
	struct v2_make m = {c->lay.mount, c->rel, cg_plan_ctrls(&c->plan)};

	if (c->rel != NULL && cg_make_retrying(make_v2_once, &m, &c->made, err) < 0)
		return -1;
	for (size_t i = 0; i < c->lay.n_v1; i++) {
		const struct cg_v1h *h = &c->lay.v1[i];

		if (c->v1_rel[i] == NULL || cg_v1_make(h, c->v1_rel[i], &c->made, err) == 0)
			continue;
		/* a named hierarchy (name=systemd) is joined only if it can be,
		 * as runc does; a controller's is required */
		if (h->ctrls != 0 || cg_plan_uses(&c->plan, (int)i))
			return -1;
		log_debug("cgroup: %s: not used: %s", h->name, (*err)->msg);
		error_freep(err);
		free(steal_ptr(c->v1_rel[i]));
	}
	return 0;
}

/* The v1 directories the container has, in the layout's order (the
 * plan's backends index it); unused ones have no path.  */
static struct cg_v1dir *v1_dirs(const struct creating *c)
{
	struct cg_v1dir *v = xcalloc(c->lay.n_v1 + 1, sizeof(*v));

	for (size_t i = 0; i < c->lay.n_v1; i++) {
		v[i].dirfd = -1;
		if (c->v1_rel[i] == NULL)
			continue;
		v[i].name = xstrdup(c->lay.v1[i].name);
		v[i].mount = xstrdup(c->lay.v1[i].mount);
		v[i].path = xasprintf("%s%s", c->lay.v1[i].mount, c->v1_rel[i]);
		v[i].ctrls = c->lay.v1[i].ctrls;
	}
	return v;
}

/* Existing leaves must be empty; the plan is written; a v1 cpuset leaf
 * must end up with cpus and mems */
static int fill(struct creating *c, struct cg *cg, struct error **err)
{
	if (cg->path != NULL && !cg_created_has(&c->made, cg->path) && check_empty(cg, err) < 0)
		return -1;
	for (size_t i = 0; i < cg->n_v1; i++)
		if (cg->v1[i].dirfd >= 0 && !cg_created_has(&c->made, cg->v1[i].path) &&
		    cg_v1_check_empty(&cg->v1[i], err) < 0)
			return -1;
	if (cg_plan_apply(cg, &c->plan, err) < 0)
		return -1;
	return cg_v1_check_cpuset(cg_v1_of(cg, CG_CTRL_CPUSET), err);
}

/* Everything after the directories exist; on failure the caller rolls
 * back the directories (the bpf program goes with them).  */
static int setup(struct creating *c, struct cg **out, struct error **err)
{
	const struct cg_request *req = c->req;
	const struct spec_resources *res = req->resources;
	cleanup_free char *path = c->rel ? xasprintf("%s%s", c->lay.mount, c->rel) : NULL;
	cleanup_cg struct cg *cg = NULL;

	if (cg_alloc(path, c->lay.mount, v1_dirs(c), c->lay.n_v1, req->rootless, &cg, err) < 0 ||
	    fill(c, cg, err) < 0)
		return -1;
	cg_v1_compact(cg);
	/* bpf(2) and devices.deny need CAP_SYS_ADMIN in the initial user
	 * namespace; a rootless container cannot open host devices its
	 * user could not open anyway.  */
	if (!req->rootless && req->defer_devices) {
		cg->devices_pending = true;
		cg->dev_rules = res ? res->devices : NULL;
		cg->n_dev_rules = res ? res->n_devices : 0;
		cg->devs = req->devices;
		cg->n_devs = req->n_devices;
	} else if (!req->rootless &&
		   cg_devices_all(cg, res ? res->devices : NULL, res ? res->n_devices : 0,
				  req->devices, req->n_devices, err) < 0) {
		return -1;
	}
	*out = steal_ptr(cg);
	return 0;
}

/* No cgroup hierarchy at all: say why hard limits cannot be honoured. */
static int no_hierarchy(struct cg_plan *plan, struct error **err)
{
	cleanup_free char *which = cg_nowhere(NULL, false);

	return cg_plan_filter(plan, ~0u, true, which, err);
}

static int create(const struct cg_request *req, struct cg **out, struct error **err)
{
	struct creating c = {.req = req};
	int ret = -1, r;

	if (cg_layout_find(&c.lay, err) < 0)
		return -1;
	cg_layout_homes(&c.lay, &c.homes);
	if (cg_plan_build(req->resources, &c.homes, NULL, &c.plan, err) < 0 ||
	    resolve_paths(&c, err) < 0 || check_device_enforcement(&c, err) < 0)
		goto out;
	if (c.lay.mount == NULL && c.lay.n_v1 == 0) {
		ret = no_hierarchy(&c.plan, err);
		goto out;
	}
	r = check_delegation(&c, err);
	if (r != 0) {
		ret = r > 0 ? 0 : -1;
		goto out;
	}
	drop_unneeded_v1(&c);
	if (check_plan(&c, err) < 0)
		goto out;
	if (make_dirs(&c, err) == 0 && setup(&c, out, err) == 0)
		ret = 0;
	else
		cg_created_rollback(&c.made);
out:
	creating_clear(&c);
	return ret;
}

/* --cgroup-manager=disabled: no cgroup, so a limit cannot be honoured.
 * Asked-for limits fail, weights are reported as not applied, as on a
 * hierarchy that lacks their controller: never a silent run without them */
static int disabled(const struct cg_request *req, struct error **err)
{
	struct cg_plan plan;
	int rc;

	if (cg_plan_build(req->resources, NULL, NULL, &plan, err) < 0)
		return -1;
	rc = cg_plan_refuse_reason(&plan, "--cgroup-manager=disabled runs without cgroups", err);
	cg_plan_clear(&plan);
	return rc;
}

int cg_create(const struct cg_request *req, struct cg **out, struct error **err)
{
	*out = NULL;
	if (req->manager == CG_MANAGER_DISABLED)
		return disabled(req, err) < 0 ? error_wrap(err, "cgroup") : 0;
	if (req->systemd)
		return cg_systemd_create(req, out, err) < 0 ? error_wrap(err, "cgroup") : 0;
	if (create(req, out, err) < 0)
		return error_wrap(err, "cgroup");
	return 0;
}

int cg_devices_all(const struct cg *cg, const struct spec_dev_rule *rules, size_t n,
		   const struct spec_device *devs, size_t n_devs, struct error **err)
{
	const struct cg_v1dir *dev = cg_v1_of(cg, CG_CTRL_DEVICES);

	if (cg->dirfd >= 0 && cg_devices_install(cg->dirfd, rules, n, devs, n_devs, err) < 0)
		return error_wrap(err, "device filter");
	if (dev != NULL &&
	    cg_devices_v1_install(dev->dirfd, dev->path, rules, n, devs, n_devs, err) < 0)
		return error_wrap(err, "devices cgroup");
	return 0;
}

int cg_devices_prepare(struct cg *cg, struct error **err)
{
	if (cg == NULL || !cg->devices_pending || cg->dev_prog >= 0 || cg->dirfd < 0)
		return 0;
	cg->dev_prog = cg_devices_load(cg->dev_rules, cg->n_dev_rules, cg->devs, cg->n_devs, err);
	return cg->dev_prog < 0 ? error_wrap(err, "cgroup: device filter") : 0;
}

int cg_devices_attach(struct cg *cg, struct error **err)
{
	const struct cg_v1dir *dev;

	if (cg == NULL || !cg->devices_pending)
		return 0;
	dev = cg_v1_of(cg, CG_CTRL_DEVICES);
	if (cg_devices_prepare(cg, err) < 0)
		return -1;
	if (cg->dirfd >= 0 && cg_bpf_attach(cg->dirfd, cg->dev_prog, err) < 0)
		return error_wrap(err, "cgroup: device filter");
	if (cg->dev_prog >= 0)
		close(cg->dev_prog);
	cg->dev_prog = -1;
	if (dev != NULL && cg_devices_v1_install(dev->dirfd, dev->path, cg->dev_rules,
						 cg->n_dev_rules, cg->devs, cg->n_devs, err) < 0)
		return error_wrap(err, "cgroup: devices cgroup");
	cg->devices_pending = false;
	return 0;
}
