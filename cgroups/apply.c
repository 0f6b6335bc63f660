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
#include "core/log.h"

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

/* Where a write goes: the v2 directory or one v1 directory */
static int target_of(const struct cg *cg, int backend, int *fd, const char **path)
{
	if (backend == CG_HOME_V2 && cg->dirfd >= 0) {
		*fd = cg->dirfd;
		*path = cg->path;
		return 0;
	}
	if (backend >= 0 && (size_t)backend < cg->n_v1 && cg->v1[backend].dirfd >= 0) {
		*fd = cg->v1[backend].dirfd;
		*path = cg->v1[backend].path;
		return 0;
	}
	return -1;
}

/* cpu.shares: the kernel clamps to 2..262144 silently; say so (runc) */
static int check_readback(int dirfd, const struct cg_write *w, struct error **err)
{
	cleanup_free char *text = read_file_or_null(dirfd, w->file);
	unsigned long long want = strtoull(w->value, NULL, 10), got;

	if (text == NULL)
		return 0;
	got = strtoull(text, NULL, 10);
	if (got > want)
		return error_set(err, EINVAL, "%s %llu: the minimum allowed is %llu", w->what, want,
				 got);
	if (got < want)
		return error_set(err, EINVAL, "%s %llu: the maximum allowed is %llu", w->what, want,
				 got);
	return 0;
}

/* A failed write explained where the kernel's errno says little */
static int explain(int dirfd, const char *path, const struct cg_write *w, struct error **err)
{
	int errnum = (*err)->errnum;

	if (errnum == EBUSY && strcmp(w->file, "memory.limit_in_bytes") == 0) {
		uint64_t usage = 0, peak = 0;

		cg_read_u64(dirfd, "memory.usage_in_bytes", &usage);
		cg_read_u64(dirfd, "memory.max_usage_in_bytes", &peak);
		error_freep(err);
		return error_set(err, EBUSY,
				 "unable to set memory limit to %s (current usage: %llu, peak "
				 "usage: %llu)",
				 w->value, (unsigned long long)usage, (unsigned long long)peak);
	}
	if (errnum == EINVAL && strcmp(w->file, "cpu.rt_runtime_us") == 0) {
		cleanup_free char *parent = xasprintf("%s/../cpu.rt_runtime_us", path);
		cleanup_free char *text = read_file_or_null(AT_FDCWD, parent);

		return error_wrap(err,
				  "%s: a cgroup's realtime runtime must fit in its parent's, "
				  "and the parent's cpu.rt_runtime_us is %s",
				  w->what, text ? strtok(text, "\n") : "unknown");
	}
	return error_wrap(err, "%s", w->what);
}

/* 0 written (or nothing to do), 1 to retry later, -1 failed */
static int apply_one(int dirfd, const char *path, const struct cg_write *w, struct error **err)
{
	bool missing;

	if (write_value(dirfd, w->file, w->value, &missing, err) == 0)
		return w->readback ? check_readback(dirfd, w, err) : 0;
	if (missing && w->alt_file != NULL &&
	    write_value(dirfd, w->alt_file, w->alt_value, &missing, err) == 0)
		return 0;
	if (missing && w->missing_ok)
		return 0;
	if (missing && w->kind == CG_SOFT) {
		log_warn("cgroup: %s not applied: '%s/%s' does not exist", w->what, path,
			 w->alt_file ? w->alt_file : w->file);
		return 0;
	}
	if (missing)
		return error_set(err, ENOENT, "%s: '%s/%s' does not exist", w->what, path,
				 w->alt_file ? w->alt_file : w->file);
	if (w->einval_later && (*err)->errnum == EINVAL) {
		error_freep(err);
		return 1;
	}
	return explain(dirfd, path, w, err);
}

int cg_plan_apply(const struct cg *cg, const struct cg_plan *plan, struct error **err)
{
	cleanup_free bool *later = xcalloc(plan->n + 1, sizeof(*later));

	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < plan->n; i++) {
			const struct cg_write *w = &plan->v[i];
			const char *path;
			int fd, rc;

			if (pass == 1 && !later[i])
				continue;
			if (target_of(cg, w->backend, &fd, &path) < 0)
				return error_set(err, ENOENT,
						 "%s: no cgroup for the \"%s\" controller", w->what,
						 cg_ctrl_name(w->ctrl));
			rc = apply_one(fd, path, w, err);
			if (rc < 0)
				return -1;
			/* the second time, EINVAL is an error like any */
			if (rc == 1 && pass == 1)
				return error_set(err, EINVAL, "%s: write '%s' to '%s/%s': %s",
						 w->what, w->value, path, w->file,
						 strerror(EINVAL));
			later[i] = rc == 1;
		}
	}
	return 0;
}

/* runc's memory.checkBeforeUpdate: refuse a limit below current usage
 * instead of letting the kernel reclaim or OOM-kill to meet it.  */
static int check_memory_usage(const struct cg *cg, const struct spec_resources *res,
			      struct error **err)
{
	const char *file =
		cg_v1_of(cg, CG_CTRL_MEMORY) ? "memory.usage_in_bytes" : "memory.current";
	uint64_t usage;

	if (!res->has_memory || !res->memory.check_before_update || !res->memory.limit.set ||
	    res->memory.limit.v <= 0)
		return 0;
	if (!cg_read_u64(cg_fd_of(cg, CG_CTRL_MEMORY), file, &usage))
		return 0;
	if (usage >= (uint64_t)res->memory.limit.v)
		return error_set(err, EBUSY,
				 "memory limit %" PRId64 " is not "
				 "above the current usage %" PRIu64,
				 res->memory.limit.v, usage);
	return 0;
}

/* Controllers the container's cgroup lacks, named where they are lost:
 * nowhere on this host, the mount root when the cgroup2 tree has none
 * (hybrid), else the cgroup.  */
static int filter_update(const struct cg *cg, struct cg_plan *plan, struct error **err)
{
	cleanup_free char *have_text = NULL, *root_file = NULL, *root_text = NULL;
	cleanup_free char *which = cg_nowhere(cg->mount, cg->n_v1 > 0);
	unsigned have, root, missing;

	if (cg_plan_filter_none(plan, which, err) < 0)
		return -1;
	if (cg->dirfd < 0)
		return 0;
	have_text = read_file_or_null(cg->dirfd, "cgroup.controllers");
	root_file = xasprintf("%s/cgroup.controllers", cg->mount);
	root_text = read_file_or_null(AT_FDCWD, root_file);
	have = cg_ctrl_parse_list(have_text);
	root = cg_ctrl_parse_list(root_text);
	missing = cg_plan_ctrls(plan) & ~have;
	if (missing == 0)
		return 0;
	if (missing & ~root) {
		free(which);
		which = xasprintf("%s does not have%s", cg->mount,
				  cg->n_v1 > 0 ? " (hybrid cgroup v1/v2 host)" : "");
		if (cg_plan_filter(plan, missing & ~root, false, which, err) < 0)
			return -1;
	}
	free(which);
	which = xasprintf("%s does not have", cg->path);
	return cg_plan_filter(plan, missing & root, false, which, err);
}

/* the values an update plan depends on */
static void read_current(const struct cg *cg, char **cpu_max, struct cg_current *cur)
{
	const struct cg_v1dir *mem = cg_v1_of(cg, CG_CTRL_MEMORY);

	memset(cur, 0, sizeof(*cur));
	*cpu_max = cg->dirfd >= 0 ? read_file_or_null(cg->dirfd, "cpu.max") : NULL;
	cur->cpu_max = *cpu_max != NULL ? *cpu_max : "max 100000";
	if (mem != NULL)
		cg_read_u64(mem->dirfd, "memory.limit_in_bytes", &cur->v1_memory_limit);
}

static int update_devices(const struct cg *cg, const struct spec_resources *res, struct error **err)
{
	const struct cg_v1dir *dev = cg_v1_of(cg, CG_CTRL_DEVICES);

	if (res->n_devices == 0 || cg->rootless)
		return 0;
	if (cg->dirfd >= 0 &&
	    cg_devices_install(cg->dirfd, res->devices, res->n_devices, NULL, 0, err) < 0)
		return error_wrap(err, "device filter");
	if (dev != NULL && cg_devices_v1_install(dev->dirfd, dev->path, res->devices,
						 res->n_devices, NULL, 0, err) < 0)
		return error_wrap(err, "devices cgroup");
	return 0;
}

int cg_update(struct cg *cg, const struct spec_resources *res, struct error **err)
{
	cleanup_free char *cpu_max = NULL;
	struct cg_current cur;
	struct cg_plan plan;
	int ret = -1;

	if (res == NULL)
		return 0;
	/* systemd first, as runc does: what it has properties for stays set
	 * when it next realizes the unit; then the files, the same plan as
	 * the cgroupfs driver (the same values, and what systemd lacks) */
	if (cg->unit != NULL && cg_systemd_update(cg, res, err) < 0)
		return error_wrap(err, "cgroup: update %s", cg->unit);
	read_current(cg, &cpu_max, &cur);
	if (cg_plan_build(res, &cg->homes, &cur, &plan, err) < 0)
		return error_wrap(err, "cgroup: update");
	if (filter_update(cg, &plan, err) < 0 || check_memory_usage(cg, res, err) < 0 ||
	    cg_plan_apply(cg, &plan, err) < 0 || update_devices(cg, res, err) < 0)
		goto out;
	ret = 0;
out:
	cg_plan_clear(&plan);
	if (ret < 0)
		error_wrap(err, "cgroup: update '%s'", cg_where(cg));
	return ret;
}
