/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/wait.c — forwarding signals to the container and reaping.  */
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

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

int wait_timer(unsigned ms, struct error **err)
{
	struct itimerspec its = {
		.it_value = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L}};
	int fd;

	if (ms == 0)
		return -1;
	fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	if (fd < 0 || timerfd_settime(fd, 0, &its, NULL) < 0)
		return error_set(err, errno, "timerfd");
	return fd;
}

/* reap what exited; true once `pid` is among them */
static bool reap(pid_t pid, int *status)
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

bool wait_on_signal(const struct wait_ctx *w, int *status, enum wait_end *end, int *stop_sig)
{
	struct signalfd_siginfo si;
	int sig;

	if (read(w->sigfd, &si, sizeof(si)) != sizeof(si))
		return false;
	sig = (int)si.ssi_signo;
	if (sig == SIGCHLD) {
		*end = WAIT_EXITED;
		return reap(w->pid, status);
	}
	if (w->stop_on_term && (sig == SIGINT || sig == SIGTERM || sig == SIGHUP)) {
		*end = WAIT_STOPPED;
		*stop_sig = sig;
		return true;
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

int wait_forward(const struct wait_ctx *w, int *status, enum wait_end *end, int *stop_sig,
		 struct error **err)
{
	*end = WAIT_EXITED;
	if (reap(w->pid, status))
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
		if (p[1].revents & POLLIN) {
			*end = WAIT_TIMEOUT;
			return 0;
		}
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
