/* SPDX-License-Identifier: Apache-2.0 */
/* cgroups/apply.c — writing a plan into a cgroup, and cg_update() (live
 * changes: the same plan, checked against the controllers the container's
 * cgroup has, before anything is written).  Building plans: plan.c.  */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "core/cleanup.h"
#include "core/file.h"
#include "core/mem.h"

static int write_value(int dirfd, const char *file, const char *value, bool *missing,
		       struct error **err)
{
	cleanup_close int fd = openat(dirfd, file, O_WRONLY | O_CLOEXEC);
	size_t len = strlen(value);
	ssize_t n;

	*missing = false;
	if (fd < 0 && errno == ENOENT) {
		*missing = true;
		return -1;
	}
	if (fd < 0)
		return error_set(err, errno, "open '%s'", file);
	/* one write(2): cgroupfs parses each write as a whole */
	n = write(fd, value, len);
	if (n < 0)
		return error_set(err, errno, "write '%s' to '%s'", value, file);
	if ((size_t)n != len)
		return error_set(err, EIO, "short write of '%s' to '%s'", value, file);
	return 0;
}

static int apply_one(int dirfd, const char *path, const struct cg_write *w, struct error **err)
{
	bool missing;

	if (write_value(dirfd, w->file, w->value, &missing, err) == 0)
		return 0;
	if (missing && w->alt_file != NULL &&
	    write_value(dirfd, w->alt_file, w->alt_value, &missing, err) == 0)
		return 0;
	if (missing && w->missing_ok)
		return 0;
	if (missing)
		return error_set(err, ENOENT, "%s: '%s/%s' does not exist", w->what, path,
				 w->alt_file ? w->alt_file : w->file);
	return error_wrap(err, "%s", w->what);
}

int cg_plan_apply(int dirfd, const char *path, const struct cg_plan *plan, struct error **err)
{
	for (size_t i = 0; i < plan->n; i++)
		if (apply_one(dirfd, path, &plan->v[i], err) < 0)
			return -1;
	return 0;
}

/* runc's memory.checkBeforeUpdate: refuse a limit below current usage
 * instead of letting the kernel reclaim or OOM-kill to meet it.  */
static int check_memory_usage(const struct cg *cg, const struct spec_resources *res,
			      struct error **err)
{
	cleanup_free char *cur = NULL;
	uint64_t usage;

	if (!res->has_memory || !res->memory.check_before_update || !res->memory.limit.set ||
	    res->memory.limit.v <= 0)
		return 0;
	cur = read_file_or_null(cg->dirfd, "memory.current");
	if (cur == NULL)
		return 0;
	usage = strtoull(cur, NULL, 10);
	if (usage >= (uint64_t)res->memory.limit.v)
		return error_set(err, EBUSY,
				 "memory limit %" PRId64 " is not "
				 "above the current usage %" PRIu64,
				 res->memory.limit.v, usage);
	return 0;
}

/* Controllers the container's cgroup lacks, named where they are lost:
 * the mount root when the hierarchy has none (hybrid), else the cgroup. */
static int filter_update(const struct cg *cg, struct cg_plan *plan, struct error **err)
{
	cleanup_free char *have_text = read_file_or_null(cg->dirfd, "cgroup.controllers");
	cleanup_free char *root_file = xasprintf("%s/cgroup.controllers", cg->mount);
	cleanup_free char *root_text = read_file_or_null(AT_FDCWD, root_file);
	cleanup_free char *which = NULL;
	unsigned have = cg_ctrl_parse_list(have_text);
	unsigned root = cg_ctrl_parse_list(root_text);
	unsigned missing = cg_plan_ctrls(plan) & ~have;
	struct cg_hierarchy h;
	bool hybrid = false;

	if (missing == 0)
		return 0;
	if (cg_hierarchy_find(&h, err) < 0)
		return -1;
	hybrid = h.hybrid;
	cg_hierarchy_clear(&h);
	if (missing & ~root) {
		which = xasprintf("%s does not have%s", cg->mount,
				  hybrid ? " (hybrid cgroup v1/v2 host)" : "");
		if (cg_plan_filter(plan, missing & ~root, false, which, err) < 0)
			return -1;
		free(which);
	}
	which = xasprintf("%s does not have", cg->path);
	return cg_plan_filter(plan, missing & root, false, which, err);
}

int cg_update(struct cg *cg, const struct spec_resources *res, struct error **err)
{
	cleanup_free char *cpu_max = read_file_or_null(cg->dirfd, "cpu.max");
	struct cg_plan plan;
	int ret = -1;

	if (res == NULL)
		return 0;
	if (cg_plan_build(res, cpu_max ? cpu_max : "max 100000", &plan, err) < 0)
		return error_wrap(err, "cgroup: update");
	if (filter_update(cg, &plan, err) < 0 || check_memory_usage(cg, res, err) < 0 ||
	    cg_plan_apply(cg->dirfd, cg->path, &plan, err) < 0)
		goto out;
	if (res->n_devices > 0 && !cg->rootless &&
	    cg_devices_install(cg->dirfd, res->devices, res->n_devices, NULL, 0, err) < 0) {
		error_wrap(err, "device filter");
		goto out;
	}
	ret = 0;
out:
	cg_plan_clear(&plan);
	if (ret < 0)
		error_wrap(err, "cgroup: update '%s'", cg->path);
	return ret;
}
