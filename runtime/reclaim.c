/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/reclaim.c — sandboxes whose berth is gone (kill -9 of a CI
 * runner, an OOM kill of berth itself): their job died with berth (the
 * init's parent-death signal), but the state directory, the cgroup, the
 * writable layer and the bridge lease stay until someone deletes them.
 * Any later berth does, cheaply: one readdir of the state root, and a
 * look at the "sandbox-*" entries only (their maker's start time, from
 * the name; the state only when that maker is gone).  Owns nothing else:
 * the delete itself is rt_delete's.  */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/log.h"
#include "runtime/container.h"
#include "runtime/runtime.h"

#define SANDBOX_PREFIX "sandbox-"

/* The pid in "sandbox-<berth's pid>-...", and where the rest begins
 * (after its '-'); 0 for an id of another form.  */
static long maker_pid(const char *id, char **rest)
{
	long pid = strtol(id + strlen(SANDBOX_PREFIX), rest, 10);

	if (pid <= 0 || **rest != '-')
		return 0;
	(*rest)++;
	return pid;
}

/* A state dir without state.json: its creator died before the first
 * save.  Its maker's pid gone (not merely another user's: kill gives
 * EPERM then) is the proof.  */
static bool creator_gone(const char *id)
{
	char *rest;
	long pid = maker_pid(id, &rest);

	return pid > 0 && kill((pid_t)pid, 0) < 0 && errno == ESRCH;
}

/* "sandbox-<pid>-<start>-<hex>": the berth that made it, by pid and
 * /proc start time (ids made before 2026-12-07 have no start).  While
 * that very process runs, it owns the sandbox (container_owner_record):
 * the entry is passed over without opening its state, so a start among
 * many running sandboxes reads one /proc/PID/stat for each, no state
 * file.  Any other answer leaves it to orphaned(), which decides from
 * the state (a berth in another pid namespace is decided there too).  */
static bool maker_running(const char *id)
{
	char *end;
	long pid = maker_pid(id, &end);
	unsigned long long start;
	bool zombie = false;

	if (pid == 0)
		return false;
	start = strtoull(end, &end, 16);
	if (start == 0 || *end != '-')
		return false;
	return container_pid_start((pid_t)pid, &zombie) == start && !zombie;
}

/* Judge one entry without waiting: a dir locked right now is being
 * created or deleted by a live berth.  */
static bool orphaned(const struct rt_global *g, int root_fd, const char *id)
{
	cleanup_close int fd = openat(root_fd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct container c;
	struct error *e = NULL;
	bool gone;

	if (fd < 0 || flock(fd, LOCK_SH | LOCK_NB) < 0)
		return false;
	flock(fd, LOCK_UN);
	if (container_open(g->root, id, false, &c, &e) < 0) {
		error_free(e);
		return false;
	}
	if (c.st.owner_pid > 0)
		gone = container_owner_gone(&c.st);
	else
		gone = c.st.created == NULL && c.st.cgroup == NULL && creator_gone(id);
	container_close(&c);
	return gone;
}

void rt_reclaim_orphans(const struct rt_global *g)
{
	struct error *e = NULL;
	cleanup_close int root_fd = container_root_open(g->root, false, &e);
	DIR *d;
	struct dirent *de;
	int dir_fd;

	error_free(e);
	if (root_fd < 0)
		return;
	dir_fd = openat(root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d = dir_fd >= 0 ? fdopendir(dir_fd) : NULL;
	if (d == NULL) {
		if (dir_fd >= 0)
			close(dir_fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, SANDBOX_PREFIX, strlen(SANDBOX_PREFIX)) != 0 ||
		    maker_running(de->d_name) || !orphaned(g, root_fd, de->d_name))
			continue;
		log_debug("reclaim: sandbox \"%s\": its berth is gone", de->d_name);
		e = NULL;
		if (rt_delete(g, de->d_name, true, &e) < 0) {
			log_warn("reclaim sandbox \"%s\": %s", de->d_name, e->msg);
			error_free(e);
		}
	}
	closedir(d);
}
