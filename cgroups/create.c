/* SPDX-License-Identifier: Apache-2.0 */
/* cgroups/create.c — cg_create(): from a request to a ready cgroup.
 *
 * Owns the create checklist (plan, hierarchy, path, delegation, controller
 * check, directories, limits, device filter), the "created by berth" mark on
 * each directory it makes, enabling controllers along the path, and the
 * rollback that leaves nothing behind on failure.  Removal: destroy.c.
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

struct created {
	char **v; /* absolute paths, parents first */
	size_t n;
};

static void created_add(struct created *c, const char *path)
{
	c->v = xreallocarray(c->v, c->n + 1, sizeof(*c->v));
	c->v[c->n++] = xstrdup(path);
}

/* Remove what this create made, deepest first; keep the list's memory. */
static void created_rollback(struct created *c)
{
	while (c->n > 0) {
		char *p = c->v[--c->n];

		if (rmdir(p) < 0 && errno != ENOENT)
			log_warn("cgroup: rollback: rmdir '%s': %s", p, strerror(errno));
		free(p);
	}
}

static void created_free(struct created *c)
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

/* mkdir each component below the mount, enabling controllers in every
 * level above the leaf.  ENOENT (from a path) or ENODEV (from a file of a
 * cgroup removed while we read it) means a concurrent destroy removed an
 * empty parent berth made for another container: start again.  */
static int make_path_once(const char *mount, const char *rel, unsigned need, struct created *made,
			  struct error **err)
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
			created_add(made, dir);
			cg_mark_created(dir);
		} else if (errno != EEXIST) {
			return error_set(err, errno, "mkdir '%s'", dir);
		}
		comp = strtok_r(NULL, "/", &save);
	}
	return 0;
}

static int make_path(const char *mount, const char *rel, unsigned need, struct created *made,
		     struct error **err)
{
	for (int i = 0;; i++) {
		if (make_path_once(mount, rel, need, made, err) == 0)
			return 0;
		if (((*err)->errnum != ENOENT && (*err)->errnum != ENODEV) || i == MKDIR_RETRIES)
			return -1;
		created_rollback(made);
		error_freep(err);
	}
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
static bool rootless_delegated(const struct cg_hierarchy *h, const char *rel, char **reason)
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

/* Everything after the directories exist; on failure the caller rolls
 * back the directories (the bpf program goes with them).  */
static int setup(const struct cg_request *req, const struct cg_hierarchy *h, const char *path,
		 bool leaf_created, const struct cg_plan *plan, struct cg **out, struct error **err)
{
	const struct spec_resources *res = req->resources;
	cleanup_cg struct cg *cg = NULL;

	if (cg_alloc(path, h->mount, req->rootless, &cg, err) < 0)
		return -1;
	if (!leaf_created && check_empty(cg, err) < 0)
		return -1;
	if (cg_plan_apply(cg->dirfd, cg->path, plan, err) < 0)
		return -1;
	/* bpf(2) needs CAP_SYS_ADMIN (or CAP_BPF) in the initial user
	 * namespace; a rootless container cannot open host devices its
	 * user could not open anyway.  */
	if (!req->rootless && req->defer_devices) {
		cg->devices_pending = true;
		cg->dev_rules = res ? res->devices : NULL;
		cg->n_dev_rules = res ? res->n_devices : 0;
		cg->devs = req->devices;
		cg->n_devs = req->n_devices;
	} else if (!req->rootless && cg_devices_install(cg->dirfd, res ? res->devices : NULL,
							res ? res->n_devices : 0, req->devices,
							req->n_devices, err) < 0) {
		return error_wrap(err, "device filter");
	}
	*out = steal_ptr(cg);
	return 0;
}

/* No cgroup will be used: say why hard limits cannot be honoured. */
static int no_hierarchy(struct cg_plan *plan, const struct cg_request *req, struct error **err)
{
	if (cg_plan_filter(plan, ~0u, true,
			   "this host does not have (no cgroup v2 hierarchy "
			   "is mounted: cgroup v1 only host)",
			   err) < 0)
		return -1;
	if (req->resources != NULL && req->resources->n_devices > 0)
		log_warn("cgroup: linux.resources.devices not enforced: no "
			 "cgroup v2 hierarchy is mounted (cgroup v1 only "
			 "host)");
	return 0;
}

static int create(const struct cg_request *req, struct cg **out, struct error **err)
{
	struct cg_hierarchy h;
	struct cg_plan plan;
	struct created made = {0};
	cleanup_free char *rel = NULL, *path = NULL, *reason = NULL;
	bool leaf_created;
	int ret = -1;

	if (cg_plan_build(req->resources, NULL, &plan, err) < 0)
		return -1;
	if (cg_hierarchy_find(&h, err) < 0) {
		cg_plan_clear(&plan);
		return -1;
	}
	if (h.own == NULL)
		h.own = xstrdup("/");
	if (cg_path_resolve(&h, req->cgroups_path, req->id, req->systemd, req->rootless, &rel,
			    err) < 0)
		goto out;
	if (h.mount == NULL) {
		ret = no_hierarchy(&plan, req, err);
		goto out;
	}
	if (req->rootless && !rootless_delegated(&h, rel, &reason)) {
		ret = cg_plan_refuse(&plan, reason, err);
		if (ret == 0)
			log_debug("cgroup: not used: %s", reason);
		goto out;
	}
	if (cg_check_path(h.mount, rel, h.hybrid, &plan, err) < 0)
		goto out;
	path = xasprintf("%s%s", h.mount, rel);
	if (make_path(h.mount, rel, cg_plan_ctrls(&plan), &made, err) < 0)
		goto rollback;
	leaf_created = made.n > 0 && strcmp(made.v[made.n - 1], path) == 0;
	if (setup(req, &h, path, leaf_created, &plan, out, err) == 0) {
		ret = 0;
		goto out;
	}
rollback:
	created_rollback(&made);
out:
	created_free(&made);
	cg_plan_clear(&plan);
	cg_hierarchy_clear(&h);
	return ret;
}

/* --cgroup-manager=disabled: no cgroup, so a limit cannot be honoured.
 * Asked-for limits fail, weights are reported as not applied, as on a
 * hierarchy that lacks their controller: never a silent run without them */
static int disabled(const struct cg_request *req, struct error **err)
{
	struct cg_plan plan;
	int rc;

	if (cg_plan_build(req->resources, NULL, &plan, err) < 0)
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
	if (create(req, out, err) < 0)
		return error_wrap(err, "cgroup");
	return 0;
}

int cg_devices_prepare(struct cg *cg, struct error **err)
{
	if (cg == NULL || !cg->devices_pending || cg->dev_prog >= 0)
		return 0;
	cg->dev_prog = cg_devices_load(cg->dev_rules, cg->n_dev_rules, cg->devs, cg->n_devs, err);
	return cg->dev_prog < 0 ? error_wrap(err, "cgroup: device filter") : 0;
}

int cg_devices_attach(struct cg *cg, struct error **err)
{
	if (cg == NULL || !cg->devices_pending)
		return 0;
	if (cg_devices_prepare(cg, err) < 0)
		return -1;
	if (cg_bpf_attach(cg->dirfd, cg->dev_prog, err) < 0)
		return error_wrap(err, "cgroup: device filter");
	close(cg->dev_prog);
	cg->dev_prog = -1;
	cg->devices_pending = false;
	return 0;
}
