/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/wait.c — forwarding signals to the container and reaping.  */
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/log.h"
#include "core/syscalls.h"
#include "runtime/notify.h"
#include "runtime/wait.h"

int wait_block_signals(sigset_t *old, struct error **err)
{
	sigset_t all;
	int fd;

	sigfillset(&all);
	/* faults stay deliverable: blocking them would hide a crash */
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGILL);
	sigdelset(&all, SIGFPE);
	sigdelset(&all, SIGABRT);
	if (sigprocmask(SIG_BLOCK, &all, old) < 0)
		return error_set(err, errno, "block signals");
	fd = signalfd(-1, &all, SFD_CLOEXEC);
	if (fd < 0)
		return error_set(err, errno, "signalfd");
	return fd;
}

/* the timerfd fires once, ms from now */
static int timer_arm(int fd, unsigned ms)
{
	struct itimerspec its = {
		.it_value = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L}};

	return timerfd_settime(fd, 0, &its, NULL);
}

int wait_timer(unsigned ms, struct error **err)
{
	cleanup_close int fd = -1;

	if (ms == 0)
		return -1;
	fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	if (fd < 0 || timer_arm(fd, ms) < 0)
		return error_set(err, errno, "timerfd");
	return steal_fd(fd);
}

bool wait_reap(pid_t pid, int *status)
{
	bool done = false;

	for (;;) {
		int st;
		pid_t got = waitpid(-1, &st, WNOHANG);

		if (got <= 0)
			return done;
		if (got == pid) {
			*status = st;
			done = true;
		}
	}
}

static void fmt_ms(char *buf, size_t n, unsigned ms)
{
	if (ms % 1000 == 0)
		snprintf(buf, n, "%us", ms / 1000);
	else
		snprintf(buf, n, "%ums", ms);
}

/* Begin a stop: `sig` to the process, and the grace period on the timer
 * (made now when there was no deadline).  False when there is no grace:
 * the caller kills at once.  */
static bool begin_stop(struct wait_ctx *w, int sig)
{
	w->stopping = true;
	sys_pidfd_send_signal(w->pidfd, sig);
	if (w->grace_ms == 0)
		return false;
	if (w->timerfd < 0)
		w->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	return w->timerfd >= 0 && timer_arm(w->timerfd, w->grace_ms) == 0;
}

bool wait_on_timer(struct wait_ctx *w, enum wait_end *end)
{
	uint64_t ticks;
	char limit[32], grace[32];

	if (read(w->timerfd, &ticks, sizeof(ticks)) < 0 && errno == EAGAIN)
		return false;
	*end = WAIT_TIMEOUT;
	if (!w->stop_on_term || w->stopping) {
		*end = w->timed_out || w->stop_sig == 0 ? WAIT_TIMEOUT : WAIT_STOPPED;
		return true;
	}
	w->timed_out = true;
	fmt_ms(grace, sizeof(grace), w->grace_ms);
	fmt_ms(limit, sizeof(limit), w->deadline_ms);
	/* the one line a CI log shows for it: on stderr, next to the job's */
	dprintf(STDERR_FILENO,
		"berth: %s %s reached: SIGTERM to the job, SIGKILL to all of it in %s\n",
		w->what != NULL ? w->what : "--timeout", limit, grace);
	return !begin_stop(w, SIGTERM);
}

bool wait_on_signal(struct wait_ctx *w, int *status, enum wait_end *end, int *stop_sig)
{
	struct signalfd_siginfo si;
	int sig;

	if (read(w->sigfd, &si, sizeof(si)) != sizeof(si))
		return false;
	sig = (int)si.ssi_signo;
	if (sig == SIGCHLD) {
		*end = WAIT_EXITED;
		return wait_reap(w->pid, status);
	}
	if (w->stop_on_term && (sig == SIGINT || sig == SIGTERM || sig == SIGHUP)) {
		/* the first is the job's to handle (forwarded, as without a
		 * terminal no process group reaches it); a second one, or
		 * one during the timeout's grace, kills */
		if (w->stopping || !begin_stop(w, sig)) {
			*end = w->timed_out ? WAIT_TIMEOUT : WAIT_STOPPED;
			*stop_sig = sig;
			return true;
		}
		if (w->stop_sig == 0)
			w->stop_sig = sig;
		*stop_sig = sig;
		return false;
	}
	/* SIGWINCH only matters to a terminal; SIGURG is noise */
	if (sig != SIGWINCH && sig != SIGURG)
		sys_pidfd_send_signal(w->pidfd, sig);
	return false;
}

void wait_on_notify(const struct wait_ctx *w)
{
	struct error *e = NULL;

	if (notify_relay_pump(w->notify, &e) < 0) {
		log_warn("%s", e->msg);
		error_free(e);
	}
}

void wait_drain_notify(const struct wait_ctx *w)
{
	struct error *e = NULL;
	int rc = 0;

	/* a socket buffer's worth at most: what is left of the container
	 * (its init gone, the rest being killed) cannot keep berth here */
	for (int i = 0; w->notify != NULL && i < 256; i++) {
		rc = notify_relay_pump(w->notify, &e);
		if (rc <= 0)
			break;
	}
	if (rc < 0) {
		log_warn("%s", e->msg);
		error_free(e);
	}
}

int wait_forward(struct wait_ctx *w, int *status, enum wait_end *end, int *stop_sig,
		 struct error **err)
{
	*end = WAIT_EXITED;
	if (wait_reap(w->pid, status))
		return 0;
	for (;;) {
		struct pollfd p[3] = {{.fd = w->sigfd, .events = POLLIN},
				      {.fd = w->timerfd, .events = POLLIN},
				      {.fd = w->notify ? w->notify->sock : -1, .events = POLLIN}};

		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			return error_set(err, errno, "poll");
		}
		if ((p[1].revents & POLLIN) && wait_on_timer(w, end))
			return 0;
		if (p[2].revents & POLLIN)
			wait_on_notify(w);
		if ((p[0].revents & POLLIN) && wait_on_signal(w, status, end, stop_sig))
			return 0;
	}
}

int wait_exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 255;
}
