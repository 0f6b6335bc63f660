/* SPDX-License-Identifier: Apache-2.0 */
/* cgroups/control.c — acting on the processes of a container cgroup:
 * placing a pid, freezing and thawing, signalling all, listing pids, and
 * waiting on cgroup.events.  Limits: plan.c/apply.c.  Removal: destroy.c. */
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

	snprintf(num, sizeof(num), "%d", (int)pid);
	if (write_str_at(cg->dirfd, "cgroup.procs", num, err) < 0)
		return error_wrap(err, "cgroup: move pid %d into '%s'", (int)pid, cg->path);
	return 0;
}

int cg_is_frozen(const struct cg *cg, bool *frozen, struct error **err)
{
	cleanup_free char *file = xasprintf("%s/cgroup.events", cg->path);
	uint64_t v = 0;
	int r = read_event(file, "frozen", &v, err);

	if (r < 0)
		return error_wrap(err, "cgroup");
	*frozen = r == 1 && v == 1;
	return 0;
}

int cg_freeze(const struct cg *cg, bool frozen, struct error **err)
{
	struct error *ignored = NULL;

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

int cg_pids(const struct cg *cg, pid_t **pids, size_t *n, struct error **err)
{
	struct pidv v = {0};

	if (collect_pids(cg->dirfd, cg->path, &v, err) < 0) {
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

int cg_signal_all(const struct cg *cg, int sig, struct error **err)
{
	struct error *e = NULL;
	bool was_frozen = false, froze = false;
	int ret;

	if (sig == SIGKILL && faccessat(cg->dirfd, "cgroup.kill", F_OK, 0) == 0) {
		if (write_str_at(cg->dirfd, "cgroup.kill", "1", err) < 0)
			return error_wrap(err, "cgroup");
		return 0;
	}
	/* Freeze while signalling so nothing forks past the pid list and no
	 * listed pid is reaped and reused before kill() reaches it.  */
	if (cg_is_frozen(cg, &was_frozen, err) < 0)
		return -1;
	if (!was_frozen) {
		froze = cg_freeze(cg, true, &e) == 0;
		if (!froze)
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
	return ret;
}
