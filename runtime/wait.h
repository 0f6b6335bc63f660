/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/wait.h — berth in the foreground: signals, timeout, exit status. */
#ifndef BERTH_RUNTIME_WAIT_H
#define BERTH_RUNTIME_WAIT_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "core/error.h"

/* Block every signal berth forwards and return a signalfd for them.
 * Done before the clone, so no signal is lost; the child unblocks.  */
int wait_block_signals(sigset_t *old, struct error **err);

struct notify_relay;

struct wait_ctx {
	pid_t pid; /* the process waited for (berth's child) */
	int pidfd;
	int sigfd;	      /* from wait_block_signals */
	int timerfd;	      /* fires at the deadline, or -1; owned by the caller,
			      who closes it (the stop may have made one) */
	bool stop_on_term;    /* sandbox: the deadline, or SIGINT/SIGTERM/SIGHUP
			      to berth, begin a stop (below) */
	unsigned grace_ms;    /* sandbox: how long a stop waits before SIGKILL */
	unsigned deadline_ms; /* the timer's first expiry, for the message */
	/* A stop (sandbox): SIGTERM on the deadline, or the signal berth
	 * got, goes to the process; it has grace_ms to exit on its own.  A
	 * second signal, or the grace running out, ends the wait: the caller
	 * kills the whole job.  */
	bool stopping;
	bool timed_out;		     /* the deadline passed */
	int stop_sig;		     /* the signal that began a stop (0: none) */
	const char *what;	     /* the deadline's flag, for the line on stderr */
	struct notify_relay *notify; /* run: what the container sends on
					its NOTIFY_SOCKET is relayed, or NULL */
};

enum wait_end {
	WAIT_EXITED,  /* *status is the wait status */
	WAIT_TIMEOUT, /* the timer fired first (run), or a stop's grace ran out */
	WAIT_STOPPED, /* berth got a terminating signal: *stop_sig; with
			 stop_on_term, a second one during a stop */
};

/* Forward signals to the process until it exits (or the timer fires, or
 * a stop signal comes); reap other children too (berth is their
 * subreaper); relay sd_notify messages.  */
int wait_forward(struct wait_ctx *w, int *status, enum wait_end *end, int *stop_sig,
		 struct error **err);

/* One signalfd event: handled as wait_forward does.  Returns true when
 * the wait is over (*end says why).  Shared with the terminal proxy. */
bool wait_on_signal(struct wait_ctx *w, int *status, enum wait_end *end, int *stop_sig);

/* The timerfd fired: true when the wait is over (*end says why); with
 * stop_on_term the deadline begins a stop instead.  Shared too.  */
bool wait_on_timer(struct wait_ctx *w, enum wait_end *end);

/* One datagram on w->notify's socket relayed; a failure is only
 * logged: the container runs on.  Shared with the terminal proxy.  */
void wait_on_notify(const struct wait_ctx *w);

/* Every datagram still queued on w->notify's socket relayed (a bounded
 * number): once the container has exited, what it sent just before
 * (READY=1, then exit) must still reach the caller; the wait may have
 * seen the exit first, or before it polled at all.  */
void wait_drain_notify(const struct wait_ctx *w);

/* Reap every child that exited (berth, or the sandbox's --init, is their
 * subreaper or pid 1); true once `pid` is among them, its status in
 * *status.  Never blocks.  */
bool wait_reap(pid_t pid, int *status);

/* a timerfd that fires once after ms, or -1 when ms is 0 */
int wait_timer(unsigned ms, struct error **err);

/* exit code of a wait status: code, or 128+signal */
int wait_exit_code(int status);

#endif
