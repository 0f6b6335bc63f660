/* SPDX-License-Identifier: Apache-2.0 */
/* cgroups/open.c — the struct cg handle: opening an existing container
 * cgroup from its saved paths (the cgroup2 one and one per v1 hierarchy),
 * finding the directory of a controller, accessors, freeing.  Creating:
 * create.c.  */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "core/cleanup.h"
#include "core/file.h"
#include "core/mem.h"
#include "core/mountinfo.h"

const struct cg_v1dir *cg_v1_of(const struct cg *cg, unsigned ctrl)
{
	for (size_t i = 0; i < cg->n_v1; i++)
		if ((cg->v1[i].ctrls & ctrl) && cg->v1[i].dirfd >= 0)
			return &cg->v1[i];
	return NULL;
}

int cg_fd_of(const struct cg *cg, unsigned ctrl)
{
	const struct cg_v1dir *d = cg_v1_of(cg, ctrl);

	return d != NULL ? d->dirfd : cg->dirfd;
}

/* the controllers of the cgroup2 root: what the v2 part can ever have */
static unsigned v2_root_ctrls(const struct cg *cg)
{
	cleanup_free char *file = NULL, *text = NULL;

	if (cg->dirfd < 0)
		return 0;
	file = xasprintf("%s/cgroup.controllers", cg->mount);
	text = read_file_or_null(AT_FDCWD, file);
	return cg_ctrl_parse_list(text) & CG_V2_CTRLS;
}

void cg_homes_of_cg(const struct cg *cg, struct cg_homes *h)
{
	unsigned v2 = v2_root_ctrls(cg);

	h->core = cg->dirfd >= 0 ? CG_HOME_V2 : CG_HOME_NONE;
	h->has_v1 = cg->n_v1 > 0;
	for (unsigned i = 0; i < CG_N_CTRLS; i++) {
		unsigned bit = 1u << i;

		h->of[i] = (v2 & bit) ? CG_HOME_V2 : CG_HOME_NONE;
		for (size_t j = 0; j < cg->n_v1; j++)
			if (cg->v1[j].ctrls & bit) {
				h->of[i] = (int)j;
				break;
			}
	}
}

static void v1dir_clear(struct cg_v1dir *d)
{
	if (d->dirfd >= 0)
		close(d->dirfd);
	free(d->name);
	free(d->mount);
	free(d->path);
	memset(d, 0, sizeof(*d));
	d->dirfd = -1;
}

int cg_alloc(const char *path, const char *mount, struct cg_v1dir *v1, size_t n_v1, bool rootless,
	     struct cg **out, struct error **err)
{
	struct cg *cg = xcalloc(1, sizeof(*cg));

	cg->dev_prog = -1;
	cg->dirfd = cg->pathfd = -1;
	cg->v1 = v1;
	cg->n_v1 = n_v1;
	cg->rootless = rootless;
	for (size_t i = 0; i < n_v1; i++) {
		if (v1[i].path == NULL)
			continue; /* no cgroup in that hierarchy */
		v1[i].dirfd = open(v1[i].path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (v1[i].dirfd < 0) {
			int saved = errno;

			cg_free(cg);
			return error_set(err, saved, "open '%s'", v1[i].path);
		}
	}
	if (path != NULL) {
		cg->dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		cg->pathfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (cg->dirfd < 0 || cg->pathfd < 0) {
			int saved = errno;

			cg_free(cg);
			return error_set(err, saved, "open '%s'", path);
		}
		cg->path = xstrdup(path);
		cg->mount = xstrdup(mount);
	}
	cg_homes_of_cg(cg, &cg->homes);
	*out = cg;
	return 0;
}

void cg_v1_compact(struct cg *cg)
{
	size_t k = 0;

	for (size_t i = 0; i < cg->n_v1; i++) {
		if (cg->v1[i].path == NULL) {
			v1dir_clear(&cg->v1[i]);
			continue;
		}
		cg->v1[k++] = cg->v1[i];
	}
	cg->n_v1 = k;
	cg_homes_of_cg(cg, &cg->homes);
}

/* A saved path: absolute, no "..", on a filesystem of that magic.  1: it
 * is there, 0: it is gone (ENOENT), -1: not a cgroup path.  */
static int check_saved(const char *path, long magic, struct error **err)
{
	struct statfs sfs;

	if (path == NULL || path[0] != '/' || strstr(path, "/..") != NULL)
		return error_set(err, EINVAL, "invalid path '%s'", path ? path : "");
	if (statfs(path, &sfs) < 0)
		return errno == ENOENT ? 0 : error_set(err, errno, "'%s'", path);
	if (sfs.f_type != magic)
		return error_set(err, EINVAL, "'%s' is not on a %s filesystem", path,
				 magic == CGROUP2_SUPER_MAGIC ? "cgroup2" : "cgroup");
	return 1;
}

/* the saved v1 directories that still exist */
static int open_v1(struct mountinfo *mi, char *const *names, char *const *paths, size_t n,
		   struct cg_v1dir **out, size_t *n_out, struct error **err)
{
	struct cg_v1dir *v = xcalloc(n + 1, sizeof(*v));
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		int r = check_saved(paths[i], CGROUP_SUPER_MAGIC, err);
		char *mount = r == 1 ? mountinfo_mount_of_in(mi, paths[i], "cgroup") : NULL;

		if (r < 0 || (r == 1 && mount == NULL)) {
			for (size_t j = 0; j < k; j++)
				v1dir_clear(&v[j]);
			free(v);
			return r < 0 ? -1
				     : error_set(err, ENOENT, "no cgroup mount holds '%s'",
						 paths[i]);
		}
		if (r == 0)
			continue;
		v[k].ctrls = cg_v1_options(names[i], &v[k].name);
		if (v[k].name == NULL)
			v[k].name = xstrdup(names[i]);
		v[k].mount = mount;
		v[k].path = xstrdup(paths[i]);
		v[k].dirfd = -1;
		k++;
	}
	*out = v;
	*n_out = k;
	return 0;
}

int cg_open(const char *path, char *const *v1_names, char *const *v1_paths, size_t n_v1,
	    struct cg **out, struct error **err)
{
	cleanup_free char *mount = NULL;
	struct cg_v1dir *v1 = NULL;
	struct mountinfo *mi = NULL;
	size_t k = 0;
	int r = 0;

	*out = NULL;
	if (path != NULL && (r = check_saved(path, CGROUP2_SUPER_MAGIC, err)) < 0)
		return error_wrap(err, "cgroup");
	/* read at most once for every hierarchy (each verb on a container opens
	 * them), and not at all where statmount answers */
	if (r == 1 || n_v1 > 0)
		mi = mountinfo_lazy();
	if (r == 1 && (mount = mountinfo_mount_of_in(mi, path, "cgroup2")) == NULL) {
		mountinfo_free(mi);
		return error_set(err, ENOENT, "cgroup: no cgroup2 mount holds '%s'", path);
	}
	r = open_v1(mi, v1_names, v1_paths, n_v1, &v1, &k, err) < 0 ? -1 : r;
	mountinfo_free(mi);
	if (r < 0)
		return error_wrap(err, "cgroup");
	if (r == 0 && k == 0) {
		free(v1);
		return error_set(err, ENOENT, "cgroup: '%s' does not exist",
				 path != NULL ? path
				 : n_v1 > 0   ? v1_paths[0]
					      : "");
	}
	/* root in a user namespace cannot load bpf programs either, but it
	 * is not asked to: only creation and update install filters, and
	 * both fail clearly there */
	if (cg_alloc(r == 1 ? path : NULL, mount, v1, k, geteuid() != 0, out, err) < 0)
		return error_wrap(err, "cgroup");
	return 0;
}

/* a saved name goes to systemd's StopUnit: a scope, nothing else */
static int check_unit(const char *unit, struct error **err)
{
	size_t len = strlen(unit);

	if (len <= 6 || strcmp(unit + len - 6, ".scope") != 0 || strchr(unit, '/') != NULL)
		return error_set(err, EINVAL, "cgroup: saved unit '%s' is no scope", unit);
	return 0;
}

int cg_open_unit(const char *path, const char *unit, bool user, struct cg **out, struct error **err)
{
	if (check_unit(unit, err) < 0 || cg_open(path, NULL, NULL, 0, out, err) < 0)
		return -1;
	(*out)->unit = xstrdup(unit);
	(*out)->unit_user = user;
	return 0;
}

int cg_stop_unit(const char *unit, bool user, struct error **err)
{
	struct cg cg = {.unit = (char *)unit, .unit_user = user};

	if (check_unit(unit, err) < 0 || cg_systemd_stop(&cg, err) < 0)
		return error_wrap(err, "cgroup: stop %s", unit);
	return 0;
}

const char *cg_unit(const struct cg *cg, bool *user)
{
	if (user != NULL)
		*user = cg->unit_user;
	return cg->unit;
}

int cg_attach(struct cg *cg, pid_t pid, struct error **err)
{
	if (cg->pending != NULL && cg_systemd_attach(cg, pid, err) < 0)
		return -1;
	return cg_place(cg, pid, err);
}

const char *cg_path(const struct cg *cg)
{
	return cg->path;
}

int cg_dirfd(const struct cg *cg)
{
	return cg->pathfd;
}

size_t cg_v1_count(const struct cg *cg)
{
	return cg->n_v1;
}

void cg_v1_at(const struct cg *cg, size_t i, const char **name, const char **mount,
	      const char **path)
{
	*name = cg->v1[i].name;
	*mount = cg->v1[i].mount;
	*path = cg->v1[i].path;
}

void cg_free(struct cg *cg)
{
	if (cg == NULL)
		return;
	if (cg->dirfd >= 0)
		close(cg->dirfd);
	if (cg->pathfd >= 0)
		close(cg->pathfd);
	if (cg->dev_prog >= 0)
		close(cg->dev_prog);
	for (size_t i = 0; i < cg->n_v1; i++)
		v1dir_clear(&cg->v1[i]);
	cg_systemd_pending_free(cg);
	free(cg->v1);
	free(cg->path);
	free(cg->mount);
	free(cg->unit);
	free(cg);
}

void cg_freep(struct cg **cg)
{
	cg_free(*cg);
	*cg = NULL;
}
