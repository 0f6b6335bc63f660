/* SPDX-License-Identifier: Apache-2.0 */
/* cgroups/events.c — `berth events`: a stream of JSON lines, as runc's:
 *   {"type":"stats","id":"<id>","data":{...}}   every interval
 *   {"type":"oom","id":"<id>"}                  each OOM kill
 * It waits on inotify (memory.events for OOM kills, cgroup.events for the
 * cgroup emptying or vanishing) so it wakes only for a tick or an event.
 * The stats object: stats.c.  */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
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
	cleanup_free char *text = read_file_or_null(cg->dirfd, "cgroup.events");
	uint64_t populated = 0;

	return text != NULL && cg_kv_find(text, "populated", &populated) && populated;
}

static uint64_t oom_kills(const struct cg *cg)
{
	cleanup_free char *text = read_file_or_null(cg->dirfd, "memory.events");
	uint64_t v = 0;

	if (text != NULL)
		cg_kv_find(text, "oom_kill", &v);
	return v;
}

static int watch(int ifd, const char *dir, const char *file)
{
	cleanup_free char *path = xasprintf("%s/%s", dir, file);

	return inotify_add_watch(ifd, path, IN_MODIFY | IN_DELETE_SELF);
}

int cg_events_run(const struct cg *cg, const char *id, bool stats_only, unsigned interval_ms,
		  int out_fd, struct error **err)
{
	cleanup_close int ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	uint64_t seen_ooms = oom_kills(cg);
	bool notified;
	long next;

	if (stats_only)
		return emit_stats(cg, id, out_fd, err);
	if (interval_ms == 0)
		return error_set(err, EINVAL,
				 "events: the interval must be "
				 "greater than 0");
	/* without inotify (or memory.events) a short poll still works */
	notified = ifd >= 0 && watch(ifd, cg->path, "cgroup.events") >= 0;
	if (notified && watch(ifd, cg->path, "memory.events") < 0 && errno != ENOENT)
		notified = false; /* no memory controller: no OOM */
	next = now_ms() + interval_ms;
	while (alive(cg)) {
		uint64_t ooms = oom_kills(cg);
		long left;
		struct pollfd pfd = {.fd = ifd, .events = POLLIN};
		char buf[4096];

		for (; seen_ooms < ooms; seen_ooms++)
			if (emit_oom(id, out_fd, err) < 0)
				return -1;
		if (now_ms() >= next) {
			next += interval_ms;
			if (emit_stats(cg, id, out_fd, err) < 0)
				return alive(cg) ? -1 : 0;
		}
		left = next - now_ms();
		if (left < 0)
			left = 0;
		if (!notified && left > FALLBACK_POLL_MS)
			left = FALLBACK_POLL_MS;
		if (ifd >= 0 && poll(&pfd, 1, (int)left) > 0)
			while (read(ifd, buf, sizeof(buf)) > 0)
				;
		if (ifd < 0)
			usleep((useconds_t)left * 1000);
	}
	/* an OOM kill is often what ended it: report it before leaving */
	for (uint64_t ooms = oom_kills(cg); seen_ooms < ooms; seen_ooms++)
		if (emit_oom(id, out_fd, err) < 0)
			return -1;
	return 0;
}
