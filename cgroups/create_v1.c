/* SPDX-License-Identifier: Apache-2.0 */
/* cgroups/create_v1.c — a container's cgroups in the v1 hierarchies:
 * making the directories (marked as berth's, like the cgroup2 ones), the
 * cpuset fill runc does (a v1 cpuset starts with no cpus and no mems, and
 * no task can join it so), the checks on a leaf that existed, and placing
 * a process in every v1 cgroup.  The checklist: create.c.  */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "core/cleanup.h"
#include "core/file.h"
#include "core/mem.h"

static const char *const cpuset_files[] = {"cpuset.cpus", "cpuset.mems"};

/* Which of a cpuset's cpus and mems is empty ("" or "\n"): 1 or 2 for the
 * one, 0 for neither, -1 when either cannot be read (a cgroup removed under us is
 * ENOENT, never "empty").  */
static int empty_cpuset_file(const char *dir, struct error **err)
{
	for (size_t i = 0; i < 2; i++) {
		cleanup_free char *path = xasprintf("%s/%s", dir, cpuset_files[i]);
		cleanup_free char *text = NULL;

		if (read_file_at_max(AT_FDCWD, path, SMALL_FILE_MAX, &text, NULL, err) < 0)
			return -1;
		if (text[strspn(text, " \n")] == '\0')
			return (int)i + 1;
	}
	return 0;
}

/* An existing cpuset berth is about to make a child in: it must have cpus
 * and mems to give.  berth fills only cpusets it made itself.  A parent
 * that is gone by now (a concurrent delete removed berth's own parent
 * between the stat and this read) is ENOENT, which cg_make_retrying
 * retries.  */
static int check_parent_cpuset(const char *dir, struct error **err)
{
	int r = empty_cpuset_file(dir, err);

	if (r <= 0)
		return r;
	return cg_refuse(err, EINVAL,
			 "'%s' has an empty %s, and berth did not create it: a cgroup below it "
			 "could not hold a process",
			 dir, cpuset_files[r - 1]);
}

/* copy the parent's cpus and mems into a new cpuset */
static int copy_cpuset(const char *parent, const char *dir, struct error **err)
{
	for (size_t i = 0; i < 2; i++) {
		cleanup_free char *from = xasprintf("%s/%s", parent, cpuset_files[i]);
		cleanup_free char *to = xasprintf("%s/%s", dir, cpuset_files[i]);
		cleanup_free char *text = NULL;

		if (read_file_at(AT_FDCWD, from, &text, NULL, err) < 0)
			return -1;
		text[strcspn(text, "\n")] = '\0';
		if (write_str_at(AT_FDCWD, to, text, err) < 0)
			return -1;
	}
	return 0;
}

/* A new cpuset appears filled: made as "<name>.berth-<pid>", filled,
 * marked, then renamed (v1 cgroupfs renames within a parent; EEXIST
 * when a concurrent create made the name first).  1: made, 0: it
 * existed.  */
static int mkdir_cpuset(const char *parent, const char *dir, struct cg_created *made,
			struct error **err)
{
	cleanup_free char *tmp = xasprintf("%s.berth-%d", dir, (int)getpid());

	if (mkdir(tmp, 0755) < 0)
		return error_set(err, errno, "mkdir '%s'", tmp);
	cg_mark_created(tmp);
	if (copy_cpuset(parent, tmp, err) < 0) {
		rmdir(tmp);
		return -1;
	}
	if (rename(tmp, dir) == 0) {
		cg_created_add(made, dir);
		return 1;
	}
	if (errno != EEXIST && errno != ENOTEMPTY) {
		int saved = errno;

		rmdir(tmp);
		return error_set(err, saved, "rename '%s' to '%s'", tmp, dir);
	}
	rmdir(tmp);
	return 0;
}

struct v1_make {
	const struct cg_v1h *h;
	const char *rel;
};

static int make_once(const void *arg, struct cg_created *made, struct error **err)
{
	const struct v1_make *m = arg;
	bool cpuset = (m->h->ctrls & CG_CTRL_CPUSET) != 0;
	cleanup_free char *dir = xstrdup(m->h->mount);
	cleanup_free char *copy = xstrdup(m->rel);
	char *save = NULL;

	for (char *c = strtok_r(copy, "/", &save); c != NULL; c = strtok_r(NULL, "/", &save)) {
		char *parent = dir;
		struct stat st;
		int r = 0;

		dir = xasprintf("%s/%s", parent, c);
		if (cpuset && stat(dir, &st) < 0)
			r = check_parent_cpuset(parent, err) < 0
				    ? -1
				    : mkdir_cpuset(parent, dir, made, err);
		else if (!cpuset && mkdir(dir, 0755) == 0)
			r = 1;
		else if (!cpuset && errno != EEXIST)
			r = error_set(err, errno, "mkdir '%s'", dir);
		free(parent);
		if (r < 0)
			return -1;
		if (r == 1 && !cpuset) {
			cg_created_add(made, dir);
			cg_mark_created(dir);
		}
	}
	return 0;
}

int cg_v1_make(const struct cg_v1h *h, const char *rel, struct cg_created *made, struct error **err)
{
	struct v1_make m = {h, rel};

	return cg_make_retrying(make_once, &m, made, err);
}

/* any pid in cgroup.procs of dirfd or a child cgroup */
static bool has_procs(int dirfd)
{
	cleanup_free char *text = read_file_or_null(dirfd, "cgroup.procs");
	cleanup_closedir DIR *d = NULL;
	struct dirent *de;
	int dup_fd;

	if (text != NULL && text[0] != '\0')
		return true;
	dup_fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dup_fd < 0 || (d = fdopendir(dup_fd)) == NULL) {
		if (dup_fd >= 0)
			close(dup_fd);
		return false;
	}
	while ((de = readdir(d)) != NULL) {
		cleanup_close int sub = -1;

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		sub = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (sub >= 0 && has_procs(sub))
			return true;
	}
	return false;
}

bool cg_v1_populated(const struct cg_v1dir *d)
{
	return d->dirfd >= 0 && has_procs(d->dirfd);
}

int cg_v1_check_empty(const struct cg_v1dir *d, struct error **err)
{
	if (cg_v1_populated(d))
		return error_set(err, EBUSY, "'%s' already exists and has processes in it",
				 d->path);
	return 0;
}

int cg_v1_check_cpuset(const struct cg_v1dir *d, struct error **err)
{
	int r = d != NULL ? empty_cpuset_file(d->path, err) : 0;

	if (r <= 0)
		return r;
	return cg_refuse(err, EINVAL,
			 "'%s' has an empty %s (a cpuset berth did not create): a process cannot "
			 "join it",
			 d->path, cpuset_files[r - 1]);
}

bool cg_has_realtime(const struct cg *cg, const char **where)
{
	const struct cg_v1dir *d = cg_v1_of(cg, CG_CTRL_CPU);
	cleanup_free char *text =
		d != NULL ? read_file_or_null(d->dirfd, "cpu.rt_runtime_us") : NULL;

	if (text == NULL || strtoll(text, NULL, 10) != 0)
		return true; /* no such grouping, or time to run */
	*where = d->path;
	return false;
}

/* runc's join order: cpuset and devices before the rest, so no task runs
 * a moment on cpus or devices it may not have */
static int rank(const struct cg_v1dir *d)
{
	if (d->ctrls & CG_CTRL_CPUSET)
		return 0;
	if (d->ctrls & CG_CTRL_DEVICES)
		return 1;
	return d->ctrls != 0 ? 2 : 3;
}

/* pid 0: the calling thread moves itself, through `tasks`.  Moving a
 * process in a v1 hierarchy (cgroup.procs) takes the kernel's global
 * threadgroup lock for writing, and after a quiet spell that waits for an
 * RCU grace period — 7.5 ms on the 2-core development VM, more than all
 * the rest of a `run` there.  A single thread moving itself is spared the
 * lock (kernels since 2022; older ones take it, no slower than before).
 * The init and exec's child are single-threaded clones of berth, so
 * moving the thread moves the process.  */
int cg_place(const struct cg *cg, pid_t pid, struct error **err)
{
	const char *file = pid == 0 ? "tasks" : "cgroup.procs";
	char num[32];

	snprintf(num, sizeof(num), "%d", (int)pid);
	for (int r = 0; r < 4; r++)
		for (size_t i = 0; i < cg->n_v1; i++) {
			const struct cg_v1dir *d = &cg->v1[i];

			if (rank(d) != r || d->dirfd < 0)
				continue;
			if (write_str_at(d->dirfd, file, num, err) < 0)
				return pid == 0 ? error_wrap(err, "cgroup: join '%s'", d->path)
						: error_wrap(err, "cgroup: move pid %d into '%s'",
							     (int)pid, d->path);
		}
	return 0;
}

bool cg_init_places_itself(const struct cg *cg)
{
	return cg->pending == NULL && cg->n_v1 > 0;
}
