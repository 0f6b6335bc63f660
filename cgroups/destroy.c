/* SPDX-License-Identifier: Apache-2.0 */
/* cgroups/destroy.c — cg_destroy(): kill, wait, remove.
 *
 * Removes the container cgroup (with any cgroups the container made inside
 * it) and then each empty parent that carries berth's mark (create.c), up
 * to the first one that is in use or was not made by berth, in the
 * cgroup2 tree and in every v1 hierarchy.  Destroying a cgroup that is
 * already gone succeeds: `delete` after a crash must work.
 *
 * One parent stays: root's default one, "berth" right below a hierarchy's
 * root, which every container without a cgroupsPath (and every sandbox
 * job) shares, as /docker is docker's.  Made and removed around each
 * container, it cost a `run` on a v1 host ten mkdirs and ten rmdirs, half
 * of its cgroup work.  Not in a v1 cpuset hierarchy: there the parent's
 * cpus and mems are copied when it is made, and a kept one would miss a
 * CPU or memory node brought online later.  */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "core/cleanup.h"
#include "core/mem.h"
#include "core/log.h"

#define EMPTY_TIMEOUT_MS 10000
#define RMDIR_RETRIES	 50 /* x 20 ms */

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* rmdir, retrying EBUSY for a moment: the last task may still be leaving
 * its css_set when cgroup.events already reported "populated 0".  */
static int rmdir_retry(const char *path)
{
	for (int i = 0;; i++) {
		if (rmdir(path) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY || i == RMDIR_RETRIES)
			return -1;
		sleep_ms(20);
	}
}

/* Child cgroups first (a container with cgroupns may make its own).
 * Most have none: one rmdir, before any directory is read.  */
static int remove_subtree(const char *path, struct error **err)
{
	cleanup_closedir DIR *d = NULL;
	struct dirent *de;

	if (rmdir(path) == 0 || errno == ENOENT)
		return 0;
	d = opendir(path);
	if (d == NULL)
		return errno == ENOENT ? 0 : error_set(err, errno, "open '%s'", path);
	while ((de = readdir(d)) != NULL) {
		cleanup_free char *child = NULL;

		if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		child = xasprintf("%s/%s", path, de->d_name);
		if (remove_subtree(child, err) < 0)
			return -1;
	}
	if (rmdir_retry(path) < 0)
		return error_set(err, errno, "rmdir '%s'", path);
	return 0;
}

static char *parent_dir(const char *path)
{
	char *p = xstrdup(path);
	char *slash = strrchr(p, '/');

	if (slash != NULL && slash != p)
		*slash = '\0';
	return p;
}

/* the kept default parent (above): <mount>/berth */
static bool default_parent(const char *mount, const char *p)
{
	size_t mlen = strlen(mount);

	return strncmp(p, mount, mlen) == 0 && strcmp(p + mlen, "/" CG_DEFAULT_PARENT) == 0;
}

/* Empty parents berth made, bottom up, never the mount itself.  A parent
 * another container still uses fails rmdir with EBUSY: that ends it.  */
static void remove_parents(const char *mount, const char *path, bool keep_default)
{
	size_t mlen = strlen(mount);
	char *p = parent_dir(path);

	while (strlen(p) > mlen && cg_is_marked(p)) {
		char *up;

		if (keep_default && default_parent(mount, p))
			break;

		if (rmdir(p) < 0 && errno != ENOENT) {
			log_debug("cgroup: keep '%s': %s", p, strerror(errno));
			break;
		}
		up = parent_dir(p);
		free(p);
		p = up;
	}
	free(p);
}

static int kill_all(const struct cg *cg, struct error **err)
{
	struct error *e = NULL;

	if (cg_signal_all(cg, SIGKILL, &e) == 0)
		return 0;
	if (e->errnum == ENOENT || e->errnum == ENODEV) {
		error_free(e); /* already removed */
		return 0;
	}
	error_free(*err);
	*err = e;
	return -1;
}

/* One hierarchy's container cgroup, if berth made it, and its parents */
static int remove_one(const char *mount, const char *path, bool keep_default, struct error **err)
{
	if (access(path, F_OK) < 0)
		return 0;
	if (!cg_is_marked(path)) {
		log_debug("cgroup: '%s' was not created by berth; kept", path);
		return 0;
	}
	if (remove_subtree(path, err) < 0)
		return error_wrap(err, "cgroup");
	remove_parents(mount, path, keep_default);
	return 0;
}

/* The scope is empty: systemd stops it and removes its cgroup; the
 * cgroups the container made inside (systemd knows nothing of them) go
 * first, or the scope's removal would fail and leave it behind.  */
static int stop_scope(struct cg *cg, struct error **err)
{
	cleanup_closedir DIR *d = cg->path != NULL ? opendir(cg->path) : NULL;
	struct dirent *de;

	while (d != NULL && (de = readdir(d)) != NULL) {
		cleanup_free char *child = NULL;

		if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		child = xasprintf("%s/%s", cg->path, de->d_name);
		if (remove_subtree(child, err) < 0)
			return error_wrap(err, "cgroup");
	}
	if (cg_systemd_stop(cg, err) < 0)
		return error_wrap(err, "cgroup: stop %s", cg->unit);
	return 0;
}

int cg_destroy(struct cg *cg, struct error **err)
{
	/* a scope never started, or whose cgroup could not be opened: the
	 * init (if any) is killed by its launcher; the unit is stopped */
	if (cg->unit != NULL && cg->dirfd < 0)
		return stop_scope(cg, err);
	if (kill_all(cg, err) < 0)
		return error_wrap(err, "cgroup: kill '%s'", cg_where(cg));
	if (cg_wait_empty(cg, EMPTY_TIMEOUT_MS, err) < 0)
		return error_wrap(err,
				  "cgroup: '%s' still has processes "
				  "after SIGKILL",
				  cg_where(cg));
	if (cg->unit != NULL)
		return stop_scope(cg, err);
	if (cg->path != NULL && remove_one(cg->mount, cg->path, !cg->rootless, err) < 0)
		return -1;
	for (size_t i = 0; i < cg->n_v1; i++)
		if (remove_one(cg->v1[i].mount, cg->v1[i].path,
			       !cg->rootless && !(cg->v1[i].ctrls & CG_CTRL_CPUSET), err) < 0)
			return -1;
	return 0;
}
