/* SPDX-License-Identifier: Apache-2.0 */
/* cgroups/sub.c — `exec --cgroup`: an existing cgroup below the
 * container's, as runc's flag names it — PATH for the cgroup2 tree,
 * CONTROLLER[,CONTROLLER]:PATH for the cgroup v1 hierarchy that holds
 * those controllers.  Each is reached beneath the container's own cgroup
 * (openat2 RESOLVE_BENEATH, no symlink, no other mount), so no path can
 * leave it; hierarchies not named keep the container's cgroup.  */
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
#include "core/syscalls.h"

struct cg_sub {
	const struct cg *cg;
	int v2_fd;   /* O_PATH: CLONE_INTO_CGROUP; -1: the container's */
	int *v1_fds; /* per cg->v1[i]: O_RDONLY dir, -1: the container's */
};

static int open_beneath(int dirfd, const char *path, int flags, const char *where,
			struct error **err)
{
	struct open_how how = {.flags = (uint64_t)flags | O_DIRECTORY | O_CLOEXEC,
			       .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
					  RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV};
	int fd = sys_openat2(dirfd, path, &how);

	if (fd < 0)
		return error_set(err, errno, "--cgroup: '%s' below the container's cgroup '%s'",
				 path, where);
	return fd;
}

/* the v1 hierarchy holding controller `name` ("cpu", "name=systemd") */
static long hierarchy_of(const struct cg *cg, const char *name, size_t len)
{
	for (size_t i = 0; i < cg->n_v1; i++) {
		const char *h = cg->v1[i].name;

		for (const char *p = h; *p;) {
			size_t n = strcspn(p, ",");

			if (n == len && strncmp(p, name, len) == 0)
				return (long)i;
			p += n + (p[n] == ',');
		}
	}
	return -1;
}

static int open_v1(struct cg_sub *s, const char *ctrls, const char *path, struct error **err)
{
	for (const char *c = ctrls; *c;) {
		size_t n = strcspn(c, ",");
		long i = hierarchy_of(s->cg, c, n);

		if (i < 0)
			return error_set(err, 0,
					 "--cgroup: '%.*s' is not a cgroup v1 hierarchy of this "
					 "container",
					 (int)n, c);
		if (s->v1_fds[i] < 0) {
			s->v1_fds[i] = open_beneath(s->cg->v1[i].dirfd, path, O_RDONLY,
						    s->cg->v1[i].path, err);
			if (s->v1_fds[i] < 0)
				return -1;
		}
		c += n + (c[n] == ',');
	}
	return 0;
}

static int open_v2(struct cg_sub *s, const char *path, struct error **err)
{
	if (s->cg->path == NULL)
		return error_set(
			err, 0,
			"--cgroup: \"%s\" without a CONTROLLER: prefix names the cgroup v2 "
			"tree, which this container has no cgroup in",
			path);
	if (s->v2_fd >= 0)
		return error_set(err, 0, "--cgroup: one PATH without a CONTROLLER: prefix at most");
	s->v2_fd = open_beneath(s->cg->dirfd, path, O_PATH, s->cg->path, err);
	return s->v2_fd < 0 ? -1 : 0;
}

int cg_sub_open(const struct cg *cg, char *const *controllers, char *const *paths, size_t n,
		struct cg_sub **out, struct error **err)
{
	struct cg_sub *s = xcalloc(1, sizeof(*s));

	s->cg = cg;
	s->v2_fd = -1;
	s->v1_fds = xcalloc(cg->n_v1 + 1, sizeof(int));
	for (size_t i = 0; i < cg->n_v1; i++)
		s->v1_fds[i] = -1;
	for (size_t i = 0; i < n; i++) {
		int rc = controllers[i] != NULL ? open_v1(s, controllers[i], paths[i], err)
						: open_v2(s, paths[i], err);

		if (rc < 0) {
			cg_sub_free(s);
			return -1;
		}
	}
	*out = s;
	return 0;
}

int cg_sub_dirfd(const struct cg_sub *s)
{
	return s->v2_fd >= 0 ? s->v2_fd : cg_dirfd(s->cg);
}

int cg_sub_place(const struct cg_sub *s, pid_t pid, struct error **err)
{
	char num[32];

	if (cg_place(s->cg, pid, err) < 0)
		return -1;
	snprintf(num, sizeof(num), "%d", (int)pid);
	for (size_t i = 0; i < s->cg->n_v1; i++)
		if (s->v1_fds[i] >= 0 &&
		    write_str_at(s->v1_fds[i], pid == 0 ? "tasks" : "cgroup.procs", num, err) < 0)
			return error_wrap(err, "--cgroup: move pid %d below '%s'", (int)pid,
					  s->cg->v1[i].path);
	return 0;
}

void cg_sub_free(struct cg_sub *s)
{
	if (s == NULL)
		return;
	if (s->v2_fd >= 0)
		close(s->v2_fd);
	for (size_t i = 0; s->v1_fds != NULL && i < s->cg->n_v1; i++)
		if (s->v1_fds[i] >= 0)
			close(s->v1_fds[i]);
	free(s->v1_fds);
	free(s);
}
