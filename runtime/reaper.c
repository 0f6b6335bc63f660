/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/reaper.c — `sandbox --init`: a minimal pid 1 inside the job,
 * as docker's --init (tini) gives one.
 *
 * A job's first process is pid 1 of its pid namespace: the kernel drops
 * every signal it has no handler for (so `kill -SEGV $$` from a shell
 * does nothing), and every orphan of the job becomes its child (so a
 * daemonising test helper leaves zombies that nothing reaps).  With
 * --init the container's init does not exec the job: it forks it, as
 * the very last step (privileges dropped, no_new_privs, the seccomp
 * filter loaded — the child only execs), and stays pid 1 itself.
 *
 * What runs as pid 1 is berth's own image, not a file of the container:
 * the image berth re-executed itself from before setting anything up
 * (runtime/selfexe.h: a sealed memfd copy or a read-only overlay of the
 * binary; root's binary itself when none of the job's ids can write it:
 * an ordinary user's job, or root's in its own user namespace), never
 * writable from inside.  It
 * is not dumpable (init.c), so no process of the job may open its
 * /proc/1/exe or ptrace it.  After the filter it makes only a few
 * syscalls every profile that runs a shell allows: rt_sigprocmask,
 * clone, close_range (or close), prctl, rt_sigtimedwait, kill, wait4,
 * exit_group.  */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/syscalls.h"
#include "runtime/process.h"
#include "runtime/wait.h"

static _Noreturn void reap_and_forward(pid_t job, const sigset_t *all)
{
	int status = 0;

	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(all, &si);

		if (sig < 0)
			continue; /* EINTR */
		if (sig == SIGCHLD) {
			if (wait_reap(job, &status))
				break;
			continue;
		}
		/* SIGKILL and SIGSTOP never get here; the rest is the job's */
		kill(job, sig);
	}
	/* the job's status, as a shell reports it: its code, or 128+N */
	if (WIFSIGNALED(status))
		_exit(128 + WTERMSIG(status));
	_exit(WEXITSTATUS(status));
}

int process_fork_reaper(struct error **err)
{
	sigset_t all, old;
	pid_t job;

	sigfillset(&all);
	/* blocked before the fork: no signal is lost between fork and the
	 * wait; the job gets the empty mask back before it execs */
	if (sigprocmask(SIG_SETMASK, &all, &old) < 0)
		return error_set(err, errno, "--init: block signals");
	job = fork();
	if (job < 0) {
		int saved = errno;

		sigprocmask(SIG_SETMASK, &old, NULL);
		return error_set(err, saved, "--init: fork the job");
	}
	if (job == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		return 0;
	}
	/* pid 1 holds no fd of berth's: the sync socket must reach EOF
	 * (berth waits for it) once the job has exec'd */
	if (sys_close_range(3, ~0U, 0) < 0)
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
	(void)prctl(PR_SET_NAME, "init", 0, 0, 0);
	reap_and_forward(job, &all);
}
