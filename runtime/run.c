/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/run.c — `run` (and the sandbox's run): create, start at once
 * (no fifo: the init is released over the sync socket), then either
 * detach or stay in the foreground: forward signals (and the terminal),
 * enforce the timeout, write the usage report, and delete.  */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/cleanup.h"

#include "core/jsonw.h"
#include "core/log.h"
#include "core/syscalls.h"
#include "runtime/console.h"
#include "runtime/create.h"
#include "runtime/hooks.h"
#include "runtime/wait.h"

struct outcome {
	int status; /* wait status of the init */
	enum wait_end end;
	int stop_sig;
	bool timed_out;	  /* the deadline passed (124, whatever came after) */
	bool interrupted; /* berth was told to stop */
	long wall_ms;
	struct cg_usage usage;
	bool has_usage;
};

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void poststart(struct creation *cr)
{
	cleanup_jsonw struct jsonw *w = NULL;

	if (cr->spec->hooks[SPEC_HOOK_POSTSTART].n == 0)
		return;
	w = jsonw_new();
	spec_state_write(w, &cr->c.st, "running", false);
	hooks_run_warn(cr->spec, SPEC_HOOK_POSTSTART, jsonw_buf(w));
}

/* the timeout fired or berth was told to stop: end every process of the
 * container, then collect the init's status */
static void stop_everything(struct creation *cr, struct outcome *out)
{
	struct error *e = NULL;

	if (cr->cg != NULL && cg_signal_all(cr->cg, SIGKILL, &e) < 0) {
		log_warn("%s", e->msg);
		error_free(e);
	}
	sys_pidfd_send_signal(cr->l.pidfd, SIGKILL);
	while (waitpid(cr->l.pid, &out->status, 0) < 0 && errno == EINTR)
		;
}

static int wait_container(struct creation *cr, int sigfd, struct outcome *out, struct error **err)
{
	struct launch *l = &cr->l;
	struct wait_ctx w = {.pid = l->pid,
			     .pidfd = l->pidfd,
			     .sigfd = sigfd,
			     .timerfd = -1,
			     .stop_on_term = cr->o->sandbox,
			     .grace_ms = cr->o->stop_grace_ms,
			     .deadline_ms = cr->o->timeout_ms,
			     .notify = notify_relay_active(&cr->notify) ? &cr->notify : NULL};
	int rc;

	if (cr->o->timeout_ms > 0) {
		w.timerfd = wait_timer(cr->o->timeout_ms, err);
		if (w.timerfd < 0)
			return -1;
	}
	if (l->pty_master >= 0)
		rc = console_proxy(l->pty_master, &w, &out->status, &out->end, &out->stop_sig, err);
	else
		rc = wait_forward(&w, &out->status, &out->end, &out->stop_sig, err);
	if (w.timerfd >= 0)
		close(w.timerfd);
	if (rc == 0)
		wait_drain_notify(&w);
	out->timed_out = w.timed_out || (!w.stop_on_term && out->end == WAIT_TIMEOUT);
	out->interrupted = w.stop_sig != 0 || out->end == WAIT_STOPPED;
	if (rc == 0 && out->end != WAIT_EXITED)
		stop_everything(cr, out);
	return rc;
}

/* 124 once the deadline passed, as timeout(1); else the job's own
 * status (128+9 when a stop ended in SIGKILL) */
static int outcome_code(const struct outcome *out)
{
	if (out->timed_out)
		return 124;
	return wait_exit_code(out->status);
}

static void opt_number(struct jsonw *w, const char *key, bool has, uint64_t v)
{
	jsonw_key(w, key);
	if (has)
		jsonw_uint(w, v);
	else
		jsonw_null(w);
}

/* --stats FILE: what the job did and used, as the kernel counted it */
static int write_stats(const char *path, const struct outcome *out, struct error **err)
{
	cleanup_jsonw struct jsonw *w = jsonw_new();
	const struct cg_usage *u = &out->usage;
	bool signaled = WIFSIGNALED(out->status);
	cleanup_close int fd = -1;

	jsonw_set_pretty(w, true);
	jsonw_obj_open(w);
	jsonw_kv_int(w, "exitCode", outcome_code(out));
	opt_number(w, "signal", signaled, signaled ? (uint64_t)WTERMSIG(out->status) : 0);
	jsonw_kv_bool(w, "timedOut", out->timed_out);
	jsonw_kv_bool(w, "interrupted", out->interrupted);
	jsonw_kv_int(w, "wallTimeMs", out->wall_ms);
	opt_number(w, "userCpuMs", out->has_usage && u->has_cpu, u->user_usec / 1000);
	opt_number(w, "systemCpuMs", out->has_usage && u->has_cpu, u->system_usec / 1000);
	opt_number(w, "memoryPeakBytes", out->has_usage && u->has_memory_peak, u->memory_peak);
	opt_number(w, "oomKills", out->has_usage && u->has_oom_kills, u->oom_kills);
	opt_number(w, "pidsPeak", out->has_usage && u->has_pids_peak, u->pids_peak);
	jsonw_obj_close(w);
	jsonw_raw(w, "\n");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, jsonw_buf(w), jsonw_len(w)) != (ssize_t)jsonw_len(w))
		return error_set(err, errno, "--stats '%s'", path);
	return 0;
}

/* `run` deletes its container from what it holds: the state dir (locked
 * again, as any verb would), the cgroup and the parsed config, without
 * reading anything back.  Someone may have deleted it meanwhile.  */
static void delete_after_run(struct creation *cr)
{
	struct error *e = NULL;

	if (container_relock(&cr->c, &e) < 0) {
		error_free(e);
		return;
	}
	if (cr->cg != NULL && cg_signal_all(cr->cg, SIGKILL, &e) < 0)
		error_freep(&e);
	if (container_teardown(&cr->c, cr->cg, cr->spec, &e) < 0) {
		log_warn("%s", e->msg);
		error_free(e);
	}
	/* cg_destroy removed it: creation_free must not act on it again */
	cg_free(cr->cg);
	cr->cg = NULL;
	cr->have_dir = false;
}

/* NOTIFY_SOCKET: the container's socket bound before its process runs.
 * MAINPID is what the caller is to watch: the init once `run -d` has
 * returned, berth itself while it runs in the foreground (runc's).  */
static int open_notify(struct creation *cr, struct error **err)
{
	if (cr->rootfs.notify_dir == NULL)
		return 0;
	if (notify_relay_open(&cr->notify, cr->c.dir_fd, cr->notify_caller, err) < 0)
		return -1;
	cr->notify.mainpid = cr->mode == CREATE_RUN_DETACHED ? cr->l.pid : getpid();
	return 0;
}

/* run -d with NOTIFY_SOCKET returns once the container is ready; one
 * that exited first is deleted, as a failed run leaves nothing */
static int wait_ready(struct creation *cr, struct error **err)
{
	if (!notify_relay_active(&cr->notify) ||
	    notify_relay_wait_ready(&cr->notify, cr->l.pidfd, err) == 0)
		return 0;
	delete_after_run(cr);
	return -1;
}

/* The job's CPU time without a cgroup that counts it (rootless without
 * delegation): the kernel's own count for berth's waited-for children —
 * the init, and through it every process of the job it reaped (in a pid
 * namespace, all of them: orphans are the init's to reap).  */
static void usage_from_rusage(struct cg_usage *u)
{
	struct rusage ru;

	if (getrusage(RUSAGE_CHILDREN, &ru) < 0)
		return;
	u->has_cpu = true;
	u->user_usec = (uint64_t)ru.ru_utime.tv_sec * 1000000 + (uint64_t)ru.ru_utime.tv_usec;
	u->system_usec = (uint64_t)ru.ru_stime.tv_sec * 1000000 + (uint64_t)ru.ru_stime.tv_usec;
}

static int start_and_wait(struct creation *cr, int sigfd, struct outcome *out, struct error **err)
{
	/* the caller's terminal size before the process runs: set later, it
	 * would reach the process as a spurious SIGWINCH */
	if (cr->l.pty_master >= 0 && cr->o->console_socket == NULL)
		console_copy_winsize(STDIN_FILENO, cr->l.pty_master);
	if (open_notify(cr, err) < 0 || launch_start(&cr->l, err) < 0) {
		creation_rollback(cr);
		return -1;
	}
	/* other verbs (state, kill, exec) may act on it from now on */
	flock(cr->c.dir_fd, LOCK_UN);
	poststart(cr);
	if (cr->mode == CREATE_RUN_DETACHED)
		return wait_ready(cr, err);
	if (wait_container(cr, sigfd, out, err) < 0)
		return -1;
	cr->l.pid = -1;
	log_debug("step: container exited");
	if (cr->o->stats_file != NULL) {
		if (cr->cg != NULL)
			cg_usage_read(cr->cg, &out->usage);
		if (!out->usage.has_cpu)
			usage_from_rusage(&out->usage);
		out->has_usage = true;
	}
	return 0;
}

int rt_run(const struct rt_global *g, const struct rt_create_opts *o, int *exit_status,
	   struct error **err)
{
	struct creation cr = {.g = g, .o = o, .fifo_dir_fd = -1};
	struct outcome out = {0};
	long started = now_ms();
	sigset_t old;
	int sigfd = -1;
	int rc;

	cr.mode = o->detach ? CREATE_RUN_DETACHED : CREATE_FOREGROUND;
	*exit_status = 0;
	if (!o->detach) {
		sigfd = wait_block_signals(&old, err);
		if (sigfd < 0)
			return -1;
		/* processes the container leaves behind are ours to reap */
		prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	}
	rc = creation_run(&cr, err);
	if (rc == 0)
		rc = start_and_wait(&cr, sigfd, &out, err);
	if (rc == 0 && !o->detach) {
		out.wall_ms = now_ms() - started;
		*exit_status = outcome_code(&out);
		if (o->stats_file != NULL && write_stats(o->stats_file, &out, err) < 0)
			rc = -1;
	}
	if (cr.launched && !o->detach && !o->keep)
		delete_after_run(&cr);
	log_debug("step: deleted");
	creation_free(&cr);
	if (sigfd >= 0) {
		close(sigfd);
		sigprocmask(SIG_SETMASK, &old, NULL);
	}
	return rc;
}
