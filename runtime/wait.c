/* runtime/wait.c — forwarding signals to the container and reaping.  */
#define _GNU_SOURCE
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/syscalls.h"
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

int wait_forward(pid_t pid, int pidfd, int sigfd, int *status,
		 struct error **err)
{
	if (reap(pid, status))
		return 0;
	for (;;) {
		struct signalfd_siginfo si;
		ssize_t n = read(sigfd, &si, sizeof(si));

		if (n < 0 && errno == EINTR)
			continue;
		if (n != sizeof(si))
			return error_set(err, errno, "read signalfd");
		if (si.ssi_signo == SIGCHLD) {
			if (reap(pid, status))
				return 0;
			continue;
		}
		/* SIGWINCH only matters to a terminal; SIGURG is noise */
		if (si.ssi_signo == SIGWINCH || si.ssi_signo == SIGURG)
			continue;
		sys_pidfd_send_signal(pidfd, (int)si.ssi_signo);
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
