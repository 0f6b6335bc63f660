/* SPDX-License-Identifier: Apache-2.0 */
/* cgroups/open.c — the struct cg handle: opening an existing container
 * cgroup from its saved path, accessors, freeing.  Creating: create.c.  */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "core/mem.h"

int cg_alloc(const char *path, const char *mount, bool rootless, struct cg **out,
	     struct error **err)
{
	struct cg *cg = xcalloc(1, sizeof(*cg));

	cg->dev_prog = -1;
	cg->dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cg->pathfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cg->dirfd < 0 || cg->pathfd < 0) {
		int saved = errno;

		cg_free(cg);
		return error_set(err, saved, "open '%s'", path);
	}
	cg->path = xstrdup(path);
	cg->mount = xstrdup(mount);
	cg->rootless = rootless;
	*out = cg;
	return 0;
}

int cg_open(const char *path, struct cg **out, struct error **err)
{
	struct statfs sfs;
	char *mount;
	int ret;

	*out = NULL;
	if (path == NULL || path[0] != '/' || strstr(path, "/..") != NULL)
		return error_set(err, EINVAL, "cgroup: invalid path '%s'", path ? path : "");
	if (statfs(path, &sfs) < 0)
		return error_set(err, errno, "cgroup: '%s'", path);
	if (sfs.f_type != CGROUP2_SUPER_MAGIC)
		return error_set(err, EINVAL, "cgroup: '%s' is not on a cgroup2 filesystem", path);
	mount = cg_mount_of(path);
	if (mount == NULL)
		return error_set(err, ENOENT, "cgroup: no cgroup2 mount holds '%s'", path);
	/* root in a user namespace cannot load bpf programs either, but it
	 * is not asked to: only creation and update install filters, and
	 * both fail clearly there */
	ret = cg_alloc(path, mount, geteuid() != 0, out, err);
	free(mount);
	if (ret < 0)
		return error_wrap(err, "cgroup");
	return 0;
}

const char *cg_path(const struct cg *cg)
{
	return cg->path;
}

int cg_dirfd(const struct cg *cg)
{
	return cg->pathfd;
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
	free(cg->path);
	free(cg->mount);
	free(cg);
}

void cg_freep(struct cg **cg)
{
	cg_free(*cg);
	*cg = NULL;
}
