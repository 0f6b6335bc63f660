/* SPDX-License-Identifier: Apache-2.0 */
/* cgroups/unrecorded.c — cg_open_unrecorded(): the cgroups a creator made
 * but never recorded.
 *
 * A berth killed (kill -9 of a CI runner) between making a container's
 * cgroups and saving their paths in its state leaves directories no state
 * names.  They can still be found: the path follows from the saved
 * config's cgroupsPath and the id, as cg_create() made it (the cgroupfs
 * driver's), and berth marks every directory it makes (create.c).  Only
 * a directory that is both where berth would put that id (or its cpuset's
 * name before the rename, create_v1.c) and carries the mark is returned,
 * so nothing berth did not make is ever touched.  */
#define _GNU_SOURCE
#include <errno.h>
#include <glob.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cgroups/internal.h"
#include "core/cleanup.h"
#include "core/mem.h"

/* A v1 cpuset is made as "<name>.berth-<pid>", filled, then renamed
 * (create_v1.c): a creator killed before the rename left that name.  Only
 * one whose pid is gone: a live berth may be filling it right now.  */
static char *unrenamed_cpuset(const char *path)
{
	cleanup_free char *pattern = xasprintf("%s.berth-*", path);
	glob_t g;
	char *found = NULL;

	if (glob(pattern, GLOB_NOSORT, NULL, &g) != 0)
		return NULL;
	for (size_t i = 0; i < g.gl_pathc && found == NULL; i++) {
		const char *dash = strrchr(g.gl_pathv[i], '-');
		long pid = strtol(dash + 1, NULL, 10);

		if (pid > 0 && kill((pid_t)pid, 0) < 0 && errno == ESRCH &&
		    cg_is_marked(g.gl_pathv[i]))
			found = xstrdup(g.gl_pathv[i]);
	}
	globfree(&g);
	return found;
}

static char *marked_path(const char *mount, const char *rel)
{
	char *path = xasprintf("%s%s", mount, rel);
	char *tmp;

	if (cg_is_marked(path))
		return path;
	tmp = unrenamed_cpuset(path);
	free(path);
	return tmp;
}

static void strv_free_n(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int cg_open_unrecorded(const char *cgroups_path, const char *id, bool rootless, struct cg **out,
		       struct error **err)
{
	struct cg_layout lay = {0};
	cleanup_free char *rel = NULL, *v2 = NULL;
	char **names = NULL, **paths = NULL;
	size_t n = 0;
	int rc = -1;

	*out = NULL;
	if (cg_layout_find(&lay, err) < 0)
		return -1;
	if (lay.mount != NULL) {
		if (cg_path_resolve(&lay, cgroups_path, id, false, rootless, &rel, err) < 0)
			goto out;
		v2 = marked_path(lay.mount, rel);
	}
	names = xcalloc(lay.n_v1 + 1, sizeof(*names));
	paths = xcalloc(lay.n_v1 + 1, sizeof(*paths));
	for (size_t i = 0; i < lay.n_v1; i++) {
		cleanup_free char *r = NULL;

		if (lay.v1[i].unusable)
			continue;
		if (cg_path_resolve_v1(&lay.v1[i], cgroups_path, id, rootless, &r, err) < 0)
			goto out;
		paths[n] = marked_path(lay.v1[i].mount, r);
		if (paths[n] != NULL)
			names[n++] = xstrdup(lay.v1[i].name);
	}
	rc = v2 == NULL && n == 0 ? 0 : cg_open(v2, names, paths, n, out, err);
out:
	strv_free_n(names, n);
	strv_free_n(paths, n);
	cg_layout_clear(&lay);
	return rc;
}
