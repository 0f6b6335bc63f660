/* runtime/run.c — `run`: create, start at once (no fifo: the init is
 * released over the sync socket), then either detach or stay in the
 * foreground forwarding signals (and the terminal), and delete.  */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/jsonw.h"
#include "core/log.h"
#include "runtime/console.h"
#include "runtime/create.h"
#include "runtime/hooks.h"
#include "runtime/wait.h"

static void poststart(struct creation *cr)
{
	cleanup_jsonw struct jsonw *w = NULL;

	if (cr->spec->hooks[SPEC_HOOK_POSTSTART].n == 0)
		return;
	w = jsonw_new();
	spec_state_write(w, &cr->c.st, "running", false);
	hooks_run_warn(cr->spec, SPEC_HOOK_POSTSTART, jsonw_buf(w));
}

static int wait_container(struct creation *cr, int sigfd, int *status,
			  struct error **err)
{
	struct launch *l = &cr->l;

	if (l->pty_master >= 0)
		return console_proxy(l->pty_master, l->pid, l->pidfd, sigfd,
				     status, err);
	return wait_forward(l->pid, l->pidfd, sigfd, status, err);
}

static int start_and_wait(struct creation *cr, int sigfd, int *exit_status,
			  struct error **err)
{
	int status = 0;

	if (launch_start(&cr->l, err) < 0) {
		creation_rollback(cr);
		return -1;
	}
	/* other verbs (state, kill, exec) may act on it from now on */
	flock(cr->c.dir_fd, LOCK_UN);
	poststart(cr);
	if (cr->mode == CREATE_RUN_DETACHED)
		return 0;
	if (wait_container(cr, sigfd, &status, err) < 0)
		return -1;
	*exit_status = wait_exit_code(status);
	cr->l.pid = -1;
	return 0;
}

int rt_run(const struct rt_global *g, const struct rt_create_opts *o,
	   int *exit_status, struct error **err)
{
	struct creation cr = { .g = g, .o = o };
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
		rc = start_and_wait(&cr, sigfd, exit_status, err);
	if (rc == 0 && !o->detach && !o->keep) {
		struct error *e = NULL;

		if (rt_delete(g, o->id, true, &e) < 0) {
			log_warn("%s", e->msg);
			error_free(e);
		}
	}
	creation_free(&cr);
	if (sigfd >= 0) {
		close(sigfd);
		sigprocmask(SIG_SETMASK, &old, NULL);
	}
	return rc;
}
