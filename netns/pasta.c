/* SPDX-License-Identifier: Apache-2.0 */
/* netns/pasta.c — run passt's pasta for a job's network namespace, and
 * make sure it ends with the job; see pasta.h.  Owns the keeper process
 * and pasta's command line; which jobs get pasta: runtime/launch.c.
 *
 *   berth                       keeper (fork)              pasta (exec)
 *     socketpair, fork ───────>  fds laid out, fork ──────> --netns fd 3
 *                                 <── pid file written ───  (configured)
 *     <── "R" (or "E" + text) ──
 *     ... the job runs ...
 *     close(sock) / dies ──────>  POLLHUP: SIGKILL, wait ─> gone
 *
 * The keeper is a fork of berth that never execs: it closes every fd it
 * does not need (berth's state lock and sync socket above all), so it
 * holds nothing of berth's but the one socket.  */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/mem.h"
#include "core/syscalls.h"
#include "netns/pasta.h"

#define PASTA_PROGRAM "pasta"

/* the keeper's fds, which pasta inherits as they are, but for the
 * socket: in pasta, fd 5 is the write end of the ready pipe instead */
enum { KFD_NETNS = 3, KFD_USERNS = 4, KFD_SOCK = 5, KFD_READY = 5, KFD_FIRST_FREE = 6 };

/* pasta configures the namespace, then writes its pid file: the
 * namespace is ready when the pipe has data.  Seconds, as a bound only:
 * pasta takes a few milliseconds.  */
#define READY_TIMEOUT_MS 10000
#define STOP_TIMEOUT_MS	 5000

void netns_pasta_init(struct netns_pasta *p)
{
	p->keeper = 0;
	p->keeper_fd = -1;
	p->sock = -1;
}

/* the program as execv() will run it, from PATH as a shell finds it */
static char *find_program(const char *name)
{
	const char *path = getenv("PATH");
	cleanup_free char *copy = xstrdup(path != NULL ? path : "/usr/local/bin:/usr/bin:/bin");
	char *save = NULL;

	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char *exe = xasprintf("%s/%s", dir[0] ? dir : ".", name);
		struct stat st;

		if (stat(exe, &st) == 0 && S_ISREG(st.st_mode) && access(exe, X_OK) == 0)
			return exe;
		free(exe);
	}
	return NULL;
}

int netns_pasta_check(struct error **err)
{
	cleanup_free char *exe = find_program(PASTA_PROGRAM);

	if (exe == NULL)
		return error_set(
			err, ENOENT,
			"--network pasta: program '" PASTA_PROGRAM
			"' not found in PATH (it comes with passt: apt-get install passt)");
	/* root opens any device; others need the node's mode (most
	 * distributions make it 0666) */
	if (geteuid() != 0 && access("/dev/net/tun", R_OK | W_OK) < 0)
		return error_set(err, errno,
				 "--network pasta: pasta opens '/dev/net/tun' as the calling user, "
				 "who cannot");
	return 0;
}

/* The job's network namespace belongs to a user namespace of its own
 * (rootless): pasta must join that one to act in the network namespace.
 * Root acts in any, and pasta keeps root for it (--runas 0:0, below).  */
static bool needs_userns(pid_t pid)
{
	char path[64];
	struct stat own, job;

	if (geteuid() == 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	return stat("/proc/self/ns/user", &own) == 0 && stat(path, &job) == 0 &&
	       (own.st_ino != job.st_ino || own.st_dev != job.st_dev);
}

/* ---- the keeper (the child of fork(): no stdio, no exit()) ---- */

/* Move `fds` to 3, 4, 5..., close every other fd above 2.  Each goes
 * through a copy above them all first, so no move clobbers another.  */
static int lay_out_fds(int *fds, int n)
{
	int tmp[3];

	for (int i = 0; i < n; i++) {
		tmp[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 64);
		if (tmp[i] < 0)
			return -1;
	}
	for (int i = 0; i < n; i++)
		if (dup2(tmp[i], KFD_NETNS + i) < 0)
			return -1;
	return sys_close_range((unsigned)(KFD_NETNS + n), ~0U, 0);
}

/* pasta: no inbound port (-t/-u/-T/-U none), the namespace configured
 * like berth's own (--config-net), its messages on stderr only (-l: no
 * syslog, whose absence it reports on stderr), the pid file as the
 * ready signal.  The gateway stays mapped to berth's loopback.  */
static _Noreturn void exec_pasta(const char *exe, bool userns, int ready_w, int log_fd)
{
	const char *argv[32];
	sigset_t none;
	int n = 0, null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	static const char *const fixed[] = {
		PASTA_PROGRAM,
		"--foreground",
		"--quiet",
		"--log-file",
		"/dev/null",
		"--pid",
		"/proc/self/fd/5",
		"--config-net",
		"-t",
		"none",
		"-u",
		"none",
		"-T",
		"none",
		"-U",
		"none",
		"--netns",
		"/proc/self/fd/3",
		NULL,
	};

	/* the keeper may die by SIGKILL too: pasta goes with it */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (dup2(null_fd, 0) < 0 || dup2(null_fd, 1) < 0 || dup2(log_fd, 2) < 0 ||
	    dup2(ready_w, KFD_READY) < 0 || sys_close_range(KFD_FIRST_FREE, ~0U, 0) < 0)
		_exit(127);
	for (int fd = 0; fd < KFD_FIRST_FREE; fd++)
		fcntl(fd, F_SETFD, 0);
	/* execve keeps the mask and ignored signals: the keeper's and berth's */
	for (int sig = 1; sig < NSIG; sig++)
		sys_signal_default(sig);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (const char *const *a = fixed; *a; a++)
		argv[n++] = *a;
	if (geteuid() == 0) { /* else pasta drops to nobody, who may not setns */
		argv[n++] = "--runas";
		argv[n++] = "0:0";
	}
	if (userns) {
		argv[n++] = "--userns";
		argv[n++] = "/proc/self/fd/4";
	}
	argv[n] = NULL;
	execv(exe, (char *const *)argv);
	dprintf(2, "exec '%s': %s\n", exe, strerror(errno));
	_exit(127);
}

/* pasta's stderr, one line: what the keeper reports when it failed */
static void report_failure(int sock, int log_fd, const char *why)
{
	char buf[1024] = "E";
	size_t len = 1;
	ssize_t n = pread(log_fd, buf + 1, sizeof(buf) - 2, 0);

	if (n > 0)
		len += (size_t)n;
	buf[len] = '\0';
	for (char *c = buf + 1; *c; c++)
		if (*c == '\n')
			*c = c[1] ? ';' : '\0';
	if (len == 1 || buf[1] == '\0')
		snprintf(buf + 1, sizeof(buf) - 1, "%s", why);
	send(sock, buf, strlen(buf), MSG_NOSIGNAL);
}

/* until pasta has written its pid file: 0, else -1 (it exited or hung) */
static int wait_ready(int ready_r)
{
	struct pollfd p = {.fd = ready_r, .events = POLLIN};
	char pid[32];

	if (poll(&p, 1, READY_TIMEOUT_MS) <= 0)
		return -1;
	return read(ready_r, pid, sizeof(pid)) > 0 ? 0 : -1;
}

/* until berth closes its end (or dies): then pasta is killed */
static void hold(int sock, int pasta_fd)
{
	struct pollfd p[2] = {{.fd = sock, .events = POLLIN}, {.fd = pasta_fd, .events = POLLIN}};
	char byte;

	for (;;) {
		if (poll(p, 2, -1) < 0)
			continue;
		if (p[1].revents != 0)
			return;
		if (p[0].revents != 0 && recv(sock, &byte, 1, MSG_DONTWAIT) <= 0)
			return;
	}
}

static _Noreturn void keeper_main(const char *exe, int fds[3], bool userns)
{
	sigset_t all;
	int ready[2], log_fd, pasta_fd;
	pid_t pasta;

	/* away from the terminal's process group (berth forwards ^C to the
	 * job alone), every signal blocked: the keeper acts on its socket */
	setpgid(0, 0);
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	if (chdir("/") < 0 || lay_out_fds(fds, 3) < 0)
		_exit(1);
	log_fd = memfd_create("pasta-stderr", MFD_CLOEXEC);
	if (log_fd < 0 || pipe2(ready, O_CLOEXEC) < 0) {
		report_failure(KFD_SOCK, -1, strerror(errno));
		_exit(1);
	}
	pasta = fork();
	if (pasta == 0)
		exec_pasta(exe, userns, ready[1], log_fd);
	close(ready[1]);
	pasta_fd = pasta > 0 ? sys_pidfd_open(pasta, 0) : -1;
	if (pasta_fd < 0 || wait_ready(ready[0]) < 0) {
		if (pasta > 0)
			kill(pasta, SIGKILL);
		waitpid(pasta, NULL, 0);
		report_failure(KFD_SOCK, log_fd, "pasta did not configure the namespace");
		_exit(1);
	}
	send(KFD_SOCK, "R", 1, MSG_NOSIGNAL);
	hold(KFD_SOCK, pasta_fd);
	kill(pasta, SIGKILL);
	waitpid(pasta, NULL, 0);
	_exit(0);
}

/* ---- berth's side ---- */

static int open_ns(pid_t pid, const char *name, struct error **err)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return error_set(err, errno, "--network pasta: open '%s'", path);
	return fd;
}

/* the keeper's one message: "R" (pasta is up) or "E" and pasta's words */
static int expect_ready(struct netns_pasta *p, struct error **err)
{
	char msg[1025];
	ssize_t n;

	do
		n = recv(p->sock, msg, sizeof(msg) - 1, 0);
	while (n < 0 && errno == EINTR);
	if (n == 1 && msg[0] == 'R')
		return 0;
	msg[n > 0 ? n : 0] = '\0';
	error_set(err, n < 0 ? errno : 0, "--network pasta: pasta failed: %s",
		  n > 1 ? msg + 1 : "it exited without a word");
	netns_pasta_stop(p);
	return -1;
}

int netns_pasta_start(struct netns_pasta *p, pid_t pid, struct error **err)
{
	cleanup_free char *exe = find_program(PASTA_PROGRAM);
	cleanup_close int netns = -1, userns = -1;
	bool join_userns = needs_userns(pid);
	int sv[2];

	if (exe == NULL)
		return netns_pasta_check(err);
	netns = open_ns(pid, "net", err);
	if (netns < 0)
		return -1;
	/* without a user namespace to join, fd 4 is only a placeholder */
	userns = join_userns ? open_ns(pid, "user", err) : fcntl(netns, F_DUPFD_CLOEXEC, 0);
	if (userns < 0)
		return join_userns ? -1 : error_set(err, errno, "--network pasta: dup");
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return error_set(err, errno, "--network pasta: socketpair");
	p->keeper = fork();
	if (p->keeper == 0) {
		int fds[3] = {netns, userns, sv[1]};

		close(sv[0]);
		keeper_main(exe, fds, join_userns);
	}
	close(sv[1]);
	if (p->keeper < 0) {
		p->keeper = 0;
		close(sv[0]);
		return error_set(err, errno, "--network pasta: fork");
	}
	p->sock = sv[0];
	p->keeper_fd = sys_pidfd_open(p->keeper, 0);
	return expect_ready(p, err);
}

void netns_pasta_stop(struct netns_pasta *p)
{
	struct pollfd pfd = {.fd = p->keeper_fd, .events = POLLIN};

	if (p->keeper <= 0)
		return;
	/* the keeper's cue: it kills pasta, waits for it, exits */
	if (p->sock >= 0)
		close(p->sock);
	/* berth's own reaping (runtime/wait.c) may collect it first: the
	 * pidfd tells its end either way */
	if (p->keeper_fd < 0)
		waitpid(p->keeper, NULL, 0);
	while (p->keeper_fd >= 0 && poll(&pfd, 1, STOP_TIMEOUT_MS) < 0 && errno == EINTR)
		;
	waitpid(p->keeper, NULL, WNOHANG);
	if (p->keeper_fd >= 0)
		close(p->keeper_fd);
	netns_pasta_init(p);
}
