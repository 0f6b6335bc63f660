/* SPDX-License-Identifier: Apache-2.0 */
/* cgroups/events.c — `berth events`: a stream of JSON lines, as runc's:
 *   {"type":"stats","id":"<id>","data":{...}}   every interval
 *   {"type":"oom","id":"<id>"}                  each OOM kill
 * It waits on inotify (memory.events for OOM kills, cgroup.events for the
 * cgroup emptying or vanishing) so it wakes only for a tick or an event.
 * A v1 memory controller has no memory.events: its OOM kills are counted
 * in memory.oom_control, and announced on an eventfd registered through
 * cgroup.event_control (runc's notify_linux.go); without a cgroup2 part,
 * emptying is seen by polling.  The stats object: stats.c.  */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "core/cleanup.h"
#include "core/file.h"
#include "core/mem.h"
#include "core/jsonw.h"

#define FALLBACK_POLL_MS 200

static int write_line(int fd, struct jsonw *w, struct error **err)
{
	const char *buf = jsonw_buf(w);
	size_t len = jsonw_len(w);

	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return error_set(err, errno, "events: write");
		buf += n;
		len -= (size_t)n;
	}
	if (write(fd, "\n", 1) != 1)
		return error_set(err, errno, "events: write");
	return 0;
}

static int emit_stats(const struct cg *cg, const char *id, int fd, struct error **err)
{
	cleanup_jsonw struct jsonw *w = jsonw_new();

	jsonw_obj_open(w);
	jsonw_kv_str(w, "type", "stats");
	jsonw_kv_str(w, "id", id);
	jsonw_key(w, "data");
	if (cg_stats_write(cg, w, err) < 0)
		return -1;
	jsonw_obj_close(w);
	return write_line(fd, w, err);
}

static int emit_oom(const char *id, int fd, struct error **err)
{
	cleanup_jsonw struct jsonw *w = jsonw_new();

	jsonw_obj_open(w);
	jsonw_kv_str(w, "type", "oom");
	jsonw_kv_str(w, "id", id);
	jsonw_obj_close(w);
	return write_line(fd, w, err);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* false once the cgroup is empty or gone: the container has stopped */
static bool alive(const struct cg *cg)
{
	return cg_populated(cg);
}

static uint64_t oom_kills(const struct cg *cg)
{
	const struct cg_v1dir *mem = cg_v1_of(cg, CG_CTRL_MEMORY);
	cleanup_free char *text = NULL;
	uint64_t v = 0;

	if (mem != NULL)
		return cg_v1_oom_kills(mem->dirfd);
	text = read_file_or_null(cg->dirfd, "memory.events");
	if (text != NULL)
		cg_kv_find(text, "oom_kill", &v);
	return v;
}

/* v1: an eventfd the kernel signals on each OOM of the memory cgroup (and
 * when the cgroup is removed); -1 when it cannot be had (rootless: the
 * file is root's alone since Linux 6.x) */
static int oom_eventfd(const struct cg *cg)
{
	const struct cg_v1dir *mem = cg_v1_of(cg, CG_CTRL_MEMORY);
	cleanup_close int ofd = -1;
	struct error *e = NULL;
	char arg[64];
	int efd;

	if (mem == NULL)
		return -1;
	ofd = openat(mem->dirfd, "memory.oom_control", O_RDONLY | O_CLOEXEC);
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (ofd < 0 || efd < 0) {
		if (efd >= 0)
			close(efd);
		return -1;
	}
	snprintf(arg, sizeof(arg), "%d %d", efd, ofd);
	if (write_str_at(mem->dirfd, "cgroup.event_control", arg, &e) < 0) {
		error_free(e);
		close(efd);
		return -1;
	}
	return efd;
}

static int watch(int ifd, const char *dir, const char *file)
{
	cleanup_free char *path = xasprintf("%s/%s", dir, file);

	return inotify_add_watch(ifd, path, IN_MODIFY | IN_DELETE_SELF);
}

/* Sleep until the next tick or an event (inotify, OOM eventfd), and
 * drain what woke us.  */
static void wait_events(int ifd, int efd, long left, bool notified)
{
	struct pollfd pfd[2] = {{.fd = ifd, .events = POLLIN}, {.fd = efd, .events = POLLIN}};
	char buf[4096];

	if (!notified && left > FALLBACK_POLL_MS)
		left = FALLBACK_POLL_MS;
	if (poll(pfd, 2, (int)left) <= 0)
		return;
	while (ifd >= 0 && read(ifd, buf, sizeof(buf)) > 0)
		;
	while (efd >= 0 && read(efd, buf, 8) > 0)
		;
}

int cg_events_run(const struct cg *cg, const char *id, bool stats_only, unsigned interval_ms,
		  int out_fd, struct error **err)
{
	cleanup_close int ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	cleanup_close int efd = -1;
	uint64_t seen_ooms = oom_kills(cg);
	bool notified = false;
	long next;

	if (stats_only)
		return emit_stats(cg, id, out_fd, err);
	if (interval_ms == 0)
		return error_set(err, EINVAL,
				 "events: the interval must be "
				 "greater than 0");
	/* without inotify (or memory.events) a short poll still works */
	if (cg->path != NULL && ifd >= 0 && watch(ifd, cg->path, "cgroup.events") >= 0) {
		notified = true;
		if (cg_v1_of(cg, CG_CTRL_MEMORY) == NULL &&
		    watch(ifd, cg->path, "memory.events") < 0 && errno != ENOENT)
			notified = false; /* no memory controller: no OOM */
	}
	efd = oom_eventfd(cg);
	if (cg_v1_of(cg, CG_CTRL_MEMORY) != NULL && efd < 0)
		notified = false;
	next = now_ms() + interval_ms;
	while (alive(cg)) {
		uint64_t ooms = oom_kills(cg);
		long left;

		for (; seen_ooms < ooms; seen_ooms++)
			if (emit_oom(id, out_fd, err) < 0)
				return -1;
		if (now_ms() >= next) {
			next += interval_ms;
			if (emit_stats(cg, id, out_fd, err) < 0)
				return alive(cg) ? -1 : 0;
		}
		left = next - now_ms();
		wait_events(ifd, efd, left < 0 ? 0 : left, notified);
	}
	/* an OOM kill is often what ended it: report it before leaving */
	for (uint64_t ooms = oom_kills(cg); seen_ooms < ooms; seen_ooms++)
		if (emit_oom(id, out_fd, err) < 0)
			return -1;
	return 0;
}
