/* SPDX-License-Identifier: Apache-2.0 */
/* cgroups/hierarchy.c — where a container's cgroup goes in each
 * hierarchy: linux.cgroupsPath turned into a clean path below the cgroup2
 * mount and below each v1 hierarchy's mount.  Finding the hierarchies:
 * layout.c.  Creating anything: create.c.  */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/internal.h"
#include "core/cleanup.h"
#include "core/mem.h"

/* Append the components of `p` to `out` ("/a/b"), dropping empty and "."
 * components; ".." is refused: a container must never climb out of the
 * place its cgroupsPath names.  */
static int append_clean(char **out, const char *p, const char *what, struct error **err)
{
	cleanup_free char *copy = xstrdup(p);
	char *save = NULL;

	for (char *c = strtok_r(copy, "/", &save); c != NULL; c = strtok_r(NULL, "/", &save)) {
		char *joined;

		if (strcmp(c, ".") == 0)
			continue;
		if (strcmp(c, "..") == 0)
			return error_set(err, EINVAL, "%s '%s': \"..\" is not allowed", what, p);
		joined = xasprintf("%s/%s", strcmp(*out, "/") == 0 ? "" : *out, c);
		free(*out);
		*out = joined;
	}
	return 0;
}

/* "system.slice:docker:abc": the form systemd drivers take */
static bool is_systemd_form(const char *p)
{
	const char *c1 = strchr(p, ':');

	return p[0] != '/' && strchr(p, '/') == NULL && c1 != NULL && strchr(c1 + 1, ':') != NULL &&
	       strchr(strchr(c1 + 1, ':') + 1, ':') == NULL;
}

static char *parent_of(const char *path)
{
	char *dup = xstrdup(path);
	char *slash = strrchr(dup, '/');

	if (slash == NULL || slash == dup)
		strcpy(dup, "/");
	else
		*slash = '\0';
	return dup;
}

/* The checks and the default path common to every hierarchy: *p is the
 * path to resolve ("/berth/<id>" when none is given; *deflt owns it).  */
static int path_of(const char *cgroups_path, const char *id, bool systemd, bool rootless,
		   const char **p, char **deflt, struct error **err)
{
	*p = cgroups_path;
	/* the systemd driver names a scope instead: systemd.c */
	if (!systemd && *p != NULL && (*p)[0] != '\0' && is_systemd_form(*p))
		return error_set(err, EINVAL,
				 "cgroupsPath '%s' has the systemd form "
				 "\"slice:prefix:name\", but --systemd-cgroup "
				 "was not given",
				 *p);
	if (*p == NULL || (*p)[0] == '\0') {
		if (id == NULL || id[0] == '\0' || strchr(id, '/') != NULL ||
		    strcmp(id, "..") == 0 || strcmp(id, ".") == 0)
			return error_set(err, EINVAL,
					 "container id '%s' cannot name a "
					 "cgroup",
					 id ? id : "");
		*deflt = xasprintf("%s" CG_DEFAULT_PARENT "/%s", rootless ? "" : "/", id);
		*p = *deflt;
	}
	return 0;
}

/* base: where a relative path starts */
static int resolve(const char *base, const char *cgroups_path, const char *id, bool systemd,
		   bool rootless, char **rel, struct error **err)
{
	cleanup_free char *out = NULL;
	cleanup_free char *deflt = NULL;
	const char *p;

	if (path_of(cgroups_path, id, systemd, rootless, &p, &deflt, err) < 0)
		return -1;
	out = xstrdup(p[0] == '/' ? "/" : base);
	if (append_clean(&out, p, "cgroupsPath", err) < 0)
		return -1;
	if (strcmp(out, "/") == 0)
		return error_set(err, EINVAL, "cgroupsPath '%s' names the root cgroup", p);
	/* kept and shared by every container without a cgroupsPath (destroy.c):
	 * a container's own cgroup there would hold all of theirs */
	if (!rootless && strcmp(out, "/" CG_DEFAULT_PARENT) == 0)
		return error_set(err, EINVAL,
				 "cgroupsPath '%s' names /" CG_DEFAULT_PARENT
				 ", the parent every container without a cgroupsPath shares; give "
				 "this one a cgroup of its own, such as /" CG_DEFAULT_PARENT
				 "/<id>",
				 p);
	*rel = steal_ptr(out);
	return 0;
}

int cg_path_resolve(const struct cg_layout *l, const char *cgroups_path, const char *id,
		    bool systemd, bool rootless, char **rel, struct error **err)
{
	cleanup_free char *base = parent_of(l->own != NULL ? l->own : "/");

	return resolve(base, cgroups_path, id, systemd, rootless, rel, err);
}

int cg_path_resolve_v1(const struct cg_v1h *h, const char *cgroups_path, const char *id,
		       bool rootless, char **rel, struct error **err)
{
	return resolve(h->own, cgroups_path, id, false, rootless, rel, err);
}
