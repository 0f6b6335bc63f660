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
	int sigfd;		     /* from wait_block_signals */
	int timerfd;		     /* fires at the deadline, or -1 */
	bool stop_on_term;	     /* SIGINT/SIGTERM/SIGHUP end the wait (sandbox)
				   instead of being forwarded (run, exec) */
	struct notify_relay *notify; /* run: what the container sends on
					its NOTIFY_SOCKET is relayed, or NULL */
};

enum wait_end {
	WAIT_EXITED,  /* *status is the wait status */
	WAIT_TIMEOUT, /* the timer fired first */
	WAIT_STOPPED, /* berth got a terminating signal: *stop_sig */
};

/* Forward signals to the process until it exits (or the timer fires, or
 * a stop signal comes); reap other children too (berth is their
 * subreaper); relay sd_notify messages.  */
int wait_forward(const struct wait_ctx *w, int *status, enum wait_end *end, int *stop_sig,
		 struct error **err);

/* One signalfd event: handled as wait_forward does.  Returns true when
 * the wait is over (*end says why).  Shared with the terminal proxy. */
bool wait_on_signal(const struct wait_ctx *w, int *status, enum wait_end *end, int *stop_sig);

/* One datagram on w->notify's socket relayed; a failure is only
 * logged: the container runs on.  Shared with the terminal proxy.  */
void wait_on_notify(const struct wait_ctx *w);

/* a timerfd that fires once after ms, or -1 when ms is 0 */
int wait_timer(unsigned ms, struct error **err);

/* exit code of a wait status: code, or 128+signal */
int wait_exit_code(int status);

#endif
