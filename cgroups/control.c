/* SPDX-License-Identifier: Apache-2.0 */
/* cgroups/control.c — acting on the processes of a container cgroup:
 * placing a pid, freezing and thawing, signalling all, listing pids, and
 * waiting on cgroup.events (or, without a cgroup2 part, for the v1 cgroups
 * to empty).  The v1 freezer: freezer_v1.c.  Placing in the v1 cgroups:
 * create_v1.c.  Limits: plan.c/apply.c.  Removal: destroy.c. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "core/cleanup.h"
#include "core/file.h"
#include "core/mem.h"
#include "core/log.h"

#define FREEZE_TIMEOUT_MS 10000

bool cg_kv_find(const char *text, const char *key, uint64_t *value)
{
	size_t klen = strlen(key);

	for (const char *p = text; p != NULL && *p;) {
		if (strncmp(p, key, klen) == 0 && p[klen] == ' ') {
			*value = strtoull(p + klen + 1, NULL, 10);
			return true;
		}
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return false;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Read key from path/cgroup.events.  1: found, 0: cgroup gone, -1: error */
static int read_event(const char *file, const char *key, uint64_t *value, struct error **err)
{
	cleanup_free char *text = NULL;
	struct error *e = NULL;

	if (read_file_at(AT_FDCWD, file, &text, NULL, &e) < 0) {
		if (e->errnum == ENOENT || e->errnum == ENODEV) {
			error_free(e);
			return 0;
		}
		error_free(*err);
		*err = e;
		return -1;
	}
	if (!cg_kv_find(text, key, value))
		return error_set(err, ENOENT, "no \"%s\" in '%s'", key, file);
	return 1;
}

/* Read key from an open cgroup.events.  1: found, 0: cgroup gone */
static int pread_event(int fd, const char *key, uint64_t *value)
{
	char buf[512];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n < 0)
		return 0; /* ENODEV: the cgroup was removed */
	buf[n] = '\0';
	return cg_kv_find(buf, key, value) ? 1 : 0;
}

/* A change of cgroup.events wakes poll(POLLPRI) on an open fd of it
 * (kernfs_notify), so waiting costs no polling loop.  Not inotify: closing
 * an inotify instance waits for an SRCU grace period, ~10 ms each time,
 * on every delete.  The condition is checked before any wait.  */
int cg_wait_event(const char *path, const char *key, uint64_t want, int timeout_ms,
		  struct error **err)
{
	cleanup_free char *file = xasprintf("%s/cgroup.events", path);
	cleanup_close int fd = open(file, O_RDONLY | O_CLOEXEC);
	long deadline = now_ms() + timeout_ms;

	if (fd < 0) {
		if (errno == ENOENT || errno == ENODEV) {
			if (want == 0) /* a removed cgroup is empty and not frozen */
				return 0;
			return error_set(err, ENOENT, "'%s' was removed", path);
		}
		return error_set(err, errno, "open '%s'", file);
	}
	for (;;) {
		uint64_t v = 0;
		int r = pread_event(fd, key, &v);
		long left = deadline - now_ms();
		struct pollfd pfd = {.fd = fd, .events = POLLPRI};

		if ((r == 0 && want == 0) || (r == 1 && v == want))
			return 0;
		if (r == 0)
			return error_set(err, ENOENT, "'%s' was removed", path);
		if (left <= 0)
			return error_set(err, ETIMEDOUT,
					 "waiting for \"%s %llu\""
					 " in '%s'",
					 key, (unsigned long long)want, file);
		if (poll(&pfd, 1, (int)(left < 100 ? left : 100)) < 0 && errno != EINTR)
			return error_set(err, errno, "poll '%s'", file);
	}
}

int cg_enter(const struct cg *cg, pid_t pid, struct error **err)
{
	char num[32];

	if (cg->dirfd < 0)
		return 0;
	snprintf(num, sizeof(num), "%d", (int)pid);
	if (write_str_at(cg->dirfd, "cgroup.procs", num, err) < 0)
		return error_wrap(err, "cgroup: move pid %d into '%s'", (int)pid, cg->path);
	return 0;
}

int cg_is_frozen(const struct cg *cg, bool *frozen, struct error **err)
{
	const struct cg_v1dir *fz = cg_v1_of(cg, CG_CTRL_FREEZER);
	cleanup_free char *file = NULL;
	uint64_t v = 0;
	int r;

	*frozen = false;
	if (fz != NULL)
		return cg_v1_is_frozen(fz, frozen, err);
	if (cg->path == NULL)
		return 0; /* no freezer at all: never frozen */
	file = xasprintf("%s/cgroup.events", cg->path);
	r = read_event(file, "frozen", &v, err);
	if (r < 0)
		return error_wrap(err, "cgroup");
	*frozen = r == 1 && v == 1;
	return 0;
}

const char *cg_freezer_path(const struct cg *cg)
{
	const struct cg_v1dir *fz = cg_v1_of(cg, CG_CTRL_FREEZER);

	return fz != NULL ? fz->path : cg->path;
}

int cg_freeze(const struct cg *cg, bool frozen, struct error **err)
{
	const struct cg_v1dir *fz = cg_v1_of(cg, CG_CTRL_FREEZER);
	struct error *ignored = NULL;

	/* hybrid: the v1 freezer, as runc (and what the shims read) */
	if (fz != NULL)
		return cg_v1_freeze(fz, frozen, err);
	if (cg->path == NULL)
		return error_set(err, EOPNOTSUPP,
				 "cgroup: cannot %s: this host has no freezer (no cgroup2 "
				 "hierarchy, no cgroup v1 freezer hierarchy)",
				 frozen ? "freeze" : "thaw");

	if (write_str_at(cg->dirfd, "cgroup.freeze", frozen ? "1" : "0", err) < 0)
		return error_wrap(err, "cgroup: %s '%s'", frozen ? "freeze" : "thaw", cg->path);
	if (cg_wait_event(cg->path, "frozen", frozen, FREEZE_TIMEOUT_MS, err) == 0)
		return 0;
	/* never leave a half-frozen container behind a failed pause */
	if (frozen)
		write_str_at(cg->dirfd, "cgroup.freeze", "0", &ignored);
	error_free(ignored);
	return error_wrap(err, "cgroup: %s '%s'", frozen ? "freeze" : "thaw", cg->path);
}

struct pidv {
	pid_t *v;
	size_t n, cap;
};

static void pidv_add(struct pidv *p, pid_t pid)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 64;
		p->v = xreallocarray(p->v, p->cap, sizeof(*p->v));
	}
	p->v[p->n++] = pid;
}

static int collect_pids(int dirfd, const char *where, struct pidv *out, struct error **err)
{
	cleanup_free char *text = NULL;
	cleanup_closedir DIR *d = NULL;
	struct dirent *de;
	int dup_fd;

	if (read_file_at(dirfd, "cgroup.procs", &text, NULL, err) < 0)
		return error_wrap(err, "%s", where);
	for (char *p = text; *p;) {
		char *end;
		long pid = strtol(p, &end, 10);

		if (end == p)
			break;
		pidv_add(out, (pid_t)pid);
		p = end + strspn(end, "\n");
	}
	dup_fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dup_fd < 0 || (d = fdopendir(dup_fd)) == NULL) {
		if (dup_fd >= 0)
			close(dup_fd);
		return error_set(err, errno, "open '%s'", where);
	}
	while ((de = readdir(d)) != NULL) {
		cleanup_close int sub = -1;
		cleanup_free char *sub_where = NULL;

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		sub = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (sub < 0 && errno == ENOENT)
			continue; /* removed meanwhile */
		if (sub < 0)
			return error_set(err, errno, "open '%s/%s'", where, de->d_name);
		sub_where = xasprintf("%s/%s", where, de->d_name);
		if (collect_pids(sub, sub_where, out, err) < 0)
			return -1;
	}
	return 0;
}

/* The directory whose cgroup.procs (recursive) lists every process: the
 * cgroup2 part, else a v1 one (the freezer's, as it is what pauses) */
static void procs_dir(const struct cg *cg, int *fd, const char **where)
{
	const struct cg_v1dir *d = cg_v1_of(cg, CG_CTRL_FREEZER);

	if (cg->dirfd >= 0 || cg->n_v1 == 0) {
		*fd = cg->dirfd;
		*where = cg->path;
		return;
	}
	if (d == NULL)
		d = &cg->v1[0];
	*fd = d->dirfd;
	*where = d->path;
}

int cg_pids(const struct cg *cg, pid_t **pids, size_t *n, struct error **err)
{
	struct pidv v = {0};
	const char *where;
	int fd;

	procs_dir(cg, &fd, &where);
	if (collect_pids(fd, where, &v, err) < 0) {
		free(v.v);
		return error_wrap(err, "cgroup: list processes");
	}
	*pids = v.v;
	*n = v.n;
	return 0;
}

static int signal_each(const struct cg *cg, int sig, struct error **err)
{
	cleanup_free pid_t *pids = NULL;
	size_t n = 0;

	if (cg_pids(cg, &pids, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (kill(pids[i], sig) < 0 && errno != ESRCH)
			return error_set(err, errno, "cgroup: kill(%d, %d)", (int)pids[i], sig);
	return 0;
}

/* A task frozen by the v1 freezer does not die of SIGKILL until it is
 * thawed (the cgroup2 freezer lets a fatal signal through): after a
 * SIGKILL the v1 freezer is thawed, as runc's signalAllProcesses does.  */
static int thaw_v1_after_kill(const struct cg *cg, int sig, int ret, struct error **err)
{
	const struct cg_v1dir *fz = cg_v1_of(cg, CG_CTRL_FREEZER);
	struct error *e = NULL;

	if (sig != SIGKILL || fz == NULL || cg_v1_freeze(fz, false, &e) == 0)
		return ret;
	if (ret == 0) {
		error_free(*err);
		*err = e;
		return -1;
	}
	error_free(e);
	return ret;
}

/* A cgroup removed under us has no process to signal: the kernel removes
 * only empty ones, and systemd removes an emptied scope's at once — when
 * the init dies, its pid namespace takes every other process with it.  */
static bool removed(const struct cg *cg)
{
	return cg->dirfd >= 0 && faccessat(cg->dirfd, "cgroup.procs", F_OK, 0) < 0 &&
	       errno == ENOENT;
}

static int signal_all(const struct cg *cg, int sig, struct error **err)
{
	struct error *e = NULL;
	bool was_frozen = false, froze = false;
	int ret;

	if (sig == SIGKILL && cg->dirfd >= 0 && faccessat(cg->dirfd, "cgroup.kill", F_OK, 0) == 0) {
		if (write_str_at(cg->dirfd, "cgroup.kill", "1", err) < 0)
			return error_wrap(err, "cgroup");
		return thaw_v1_after_kill(cg, sig, 0, err);
	}
	/* Freeze while signalling so nothing forks past the pid list and no
	 * listed pid is reaped and reused before kill() reaches it.  */
	if (cg_is_frozen(cg, &was_frozen, err) < 0)
		return -1;
	if (!was_frozen) {
		froze = cg_freeze(cg, true, &e) == 0;
		if (!froze && !removed(cg))
			log_warn("%s; signalling unfrozen", e->msg);
		error_freep(&e);
	}
	ret = signal_each(cg, sig, err);
	if (froze && cg_freeze(cg, false, &e) < 0) {
		if (ret == 0) {
			error_free(*err);
			*err = steal_ptr(e);
			return -1;
		}
		error_free(e);
	}
	return thaw_v1_after_kill(cg, sig, ret, err);
}

int cg_signal_all(const struct cg *cg, int sig, struct error **err)
{
	/* nobody to signal, the usual case at a delete: the init is gone and
	 * its pid namespace with it (freezing an empty v1 cgroup to list no
	 * one costs more than the rest of the delete) */
	if (!cg_populated(cg))
		return 0;
	if (signal_all(cg, sig, err) == 0)
		return 0;
	if (!removed(cg))
		return -1;
	error_freep(err);
	return 0;
}

bool cg_populated(const struct cg *cg)
{
	cleanup_free char *text = NULL;
	const char *where;
	uint64_t populated = 0;
	int fd;

	if (cg->dirfd >= 0) {
		text = read_file_or_null(cg->dirfd, "cgroup.events");
		return text != NULL && cg_kv_find(text, "populated", &populated) && populated;
	}
	procs_dir(cg, &fd, &where);
	for (size_t i = 0; i < cg->n_v1; i++)
		if (cg->v1[i].dirfd == fd)
			return cg_v1_populated(&cg->v1[i]);
	return false;
}

int cg_wait_empty(const struct cg *cg, int timeout_ms, struct error **err)
{
	long deadline = now_ms() + timeout_ms;

	/* cgroup.events wakes a poll; v1 has nothing like it */
	if (cg->dirfd >= 0)
		return cg_wait_event(cg->path, "populated", 0, timeout_ms, err);
	while (cg_populated(cg)) {
		struct timespec ts = {0, 5 * 1000000L};

		if (now_ms() >= deadline)
			return error_set(err, ETIMEDOUT, "waiting for '%s' to empty", cg_where(cg));
		nanosleep(&ts, NULL);
	}
	return 0;
}
