/* SPDX-License-Identifier: Apache-2.0 */
/* cgroups/hierarchy.c — where the cgroup2 hierarchy is and where a
 * container's cgroup goes in it.
 *
 * Owns finding the cgroup2 mount and whether v1 hierarchies are mounted
 * too (mountinfo, parsed by core/mountinfo.c), reading /proc/self/cgroup
 * (berth's own cgroup) and turning linux.cgroupsPath into a clean path
 * below the mount.  Creating
 * anything: create.c.  */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/internal.h"
#include "core/cleanup.h"
#include "core/file.h"
#include "core/mem.h"
#include "core/mountinfo.h"

#define CG_PURE_MOUNT	"/sys/fs/cgroup"
#define CG_HYBRID_MOUNT "/sys/fs/cgroup/unified"

/* Rank of a cgroup2 mount point: the standard places first, so a cgroup2
 * bind-mounted elsewhere (e.g. into a container rootfs) is never chosen
 * over them.  */
static int mount_rank(const char *point)
{
	if (strcmp(point, CG_PURE_MOUNT) == 0)
		return 0;
	if (strcmp(point, CG_HYBRID_MOUNT) == 0)
		return 1;
	return 2;
}

/* berth's own cgroup ("0::/path" in /proc/self/cgroup), made relative to
 * the mount's root: a mount of a subtree shows only that subtree.  */
static int read_own_cgroup(const char *mount_root, char **own, struct error **err)
{
	cleanup_free char *text = NULL;
	const char *path = NULL;
	size_t rlen = strlen(mount_root);

	if (read_file_at(AT_FDCWD, "/proc/self/cgroup", &text, NULL, err) < 0)
		return -1;
	for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
		if (strncmp(line, "0::", 3) == 0) {
			path = line + 3;
			break;
		}
	}
	/* No v2 line, or a path outside our cgroup namespace root ("/.."):
	 * the parent of berth's own cgroup is then the mount root itself. */
	if (path == NULL || path[0] != '/' || strstr(path, "/..") != NULL) {
		*own = xstrdup("/");
		return 0;
	}
	if (strcmp(mount_root, "/") != 0) {
		if (strncmp(path, mount_root, rlen) != 0 ||
		    (path[rlen] != '/' && path[rlen] != '\0')) {
			*own = xstrdup("/");
			return 0;
		}
		path += rlen;
		if (*path == '\0')
			path = "/";
	}
	*own = xstrdup(path);
	return 0;
}

int cg_hierarchy_find(struct cg_hierarchy *h, struct error **err)
{
	cleanup_fclose FILE *f = fopen("/proc/self/mountinfo", "re");
	cleanup_free char *line = NULL;
	cleanup_free char *best_root = NULL;
	size_t cap = 0;
	int best_rank = 99;

	memset(h, 0, sizeof(*h));
	if (f == NULL)
		return error_set(err, errno, "open '/proc/self/mountinfo'");
	while (getline(&line, &cap, f) > 0) {
		struct mountinfo_entry m;

		if (!mountinfo_parse_line(line, &m))
			continue;
		if (strcmp(m.fstype, "cgroup") == 0) {
			h->hybrid = true;
		} else if (strcmp(m.fstype, "cgroup2") == 0 && mount_rank(m.point) < best_rank) {
			best_rank = mount_rank(m.point);
			free(h->mount);
			free(best_root);
			h->mount = xstrdup(m.point);
			best_root = xstrdup(m.root);
		}
	}
	if (h->mount == NULL) {
		h->hybrid = false; /* v1 only: no unified part at all */
		return 0;
	}
	if (read_own_cgroup(best_root, &h->own, err) < 0) {
		cg_hierarchy_clear(h);
		return -1;
	}
	return 0;
}

void cg_hierarchy_clear(struct cg_hierarchy *h)
{
	free(h->mount);
	free(h->own);
	memset(h, 0, sizeof(*h));
}

char *cg_mount_of(const char *path)
{
	return mountinfo_mount_of(path, "cgroup2");
}

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

int cg_path_resolve(const struct cg_hierarchy *h, const char *cgroups_path, const char *id,
		    bool systemd, bool rootless, char **rel, struct error **err)
{
	cleanup_free char *out = NULL;
	cleanup_free char *deflt = NULL;
	const char *p = cgroups_path;

	/* Creating a systemd scope needs StartTransientUnit over D-Bus; a
	 * directory written behind systemd's back would be migrated or
	 * removed by it.  berth has no D-Bus client, so it says so.  */
	if (systemd)
		return error_set(err, ENOTSUP,
				 "--systemd-cgroup%s%s%s: berth has no systemd "
				 "cgroup driver (it cannot create a systemd "
				 "scope without D-Bus); run without "
				 "--systemd-cgroup to use the cgroupfs driver",
				 p ? " (cgroupsPath '" : "", p ? p : "", p ? "')" : "");
	if (p != NULL && p[0] != '\0' && is_systemd_form(p))
		return error_set(err, EINVAL,
				 "cgroupsPath '%s' has the systemd form "
				 "\"slice:prefix:name\", but --systemd-cgroup "
				 "was not given",
				 p);
	if (p == NULL || p[0] == '\0') {
		if (id == NULL || id[0] == '\0' || strchr(id, '/') != NULL ||
		    strcmp(id, "..") == 0 || strcmp(id, ".") == 0)
			return error_set(err, EINVAL,
					 "container id '%s' cannot name a "
					 "cgroup",
					 id ? id : "");
		deflt = xasprintf("%sberth/%s", rootless ? "" : "/", id);
		p = deflt;
	}
	if (p[0] == '/')
		out = xstrdup("/");
	else
		out = parent_of(h->own);
	if (append_clean(&out, p, "cgroupsPath", err) < 0)
		return -1;
	if (strcmp(out, "/") == 0)
		return error_set(err, EINVAL, "cgroupsPath '%s' names the root cgroup", p);
	*rel = steal_ptr(out);
	return 0;
}
