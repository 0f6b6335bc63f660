/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/hooks.c — fork/exec one hook with the state on stdin.
 *
 * The hook's stderr is captured (up to 4 KiB) to make its failure
 * message useful; stdout is discarded, as in runc.  A hook past its
 * timeout is killed with SIGKILL.  */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/log.h"
#include "core/syscalls.h"
#include "runtime/hooks.h"

#define HOOK_ERR_MAX 4096

static void hook_child(const struct spec_hook *h, int in_fd, int err_fd)
{
	char *default_argv[] = {h->path, NULL};
	char *empty_env[] = {NULL};
	int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC); /* dup2 keeps the copy */

	dup2(in_fd, 0);
	dup2(devnull >= 0 ? devnull : err_fd, 1);
	dup2(err_fd, 2);
	sys_close_range(3, ~0U, 0);
	/* the runtime blocks signals while it waits; a hook starts clean */
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execve(h->path, h->args ? h->args : default_argv, h->env ? h->env : empty_env);
	dprintf(2, "exec: %s", strerror(errno));
	_exit(127);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* read the hook's stderr until EOF or the deadline; true on timeout */
static bool collect(int fd, char *buf, size_t *len, long deadline)
{
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int wait_ms = deadline < 0 ? -1 : (int)(deadline - now_ms());
		ssize_t n;

		if (deadline >= 0 && wait_ms <= 0)
			return true;
		if (poll(&p, 1, wait_ms) < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		if (p.revents == 0)
			continue;
		n = read(fd, buf + *len, HOOK_ERR_MAX - 1 - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		*len += (size_t)n;
		if (*len >= HOOK_ERR_MAX - 1) {
			char sink[512];

			while (read(fd, sink, sizeof(sink)) > 0)
				;
			return false;
		}
	}
}

static int run_one(const struct spec_hook *h, const char *what, const char *state_json,
		   struct error **err)
{
	int in[2], errp[2];
	char buf[HOOK_ERR_MAX];
	size_t len = 0;
	bool timed_out;
	long deadline;
	pid_t pid;
	int status = 0;

	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0)
		return error_set(err, errno, "%s: pipe", what);
	/* the state is small: it fits in the pipe before the hook reads */
	if (write(in[1], state_json, strlen(state_json)) < 0)
		log_debug("%s: write state: %s", what, strerror(errno));
	close(in[1]);
	pid = fork();
	if (pid < 0) {
		close(in[0]), close(errp[0]), close(errp[1]);
		return error_set(err, errno, "%s: fork", what);
	}
	if (pid == 0)
		hook_child(h, in[0], errp[1]);
	close(in[0]);
	close(errp[1]);
	deadline = h->timeout > 0 ? now_ms() + h->timeout * 1000L : -1;
	timed_out = collect(errp[0], buf, &len, deadline);
	close(errp[0]);
	if (timed_out)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	buf[len] = '\0';
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		buf[--len] = '\0';
	if (timed_out)
		return error_set(err, 0, "%s: timed out after %d s", what, h->timeout);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFSIGNALED(status))
		return error_set(err, 0, "%s: killed by signal %d%s%s", what, WTERMSIG(status),
				 len ? ": " : "", buf);
	return error_set(err, 0, "%s: exited with status %d%s%s", what, WEXITSTATUS(status),
			 len ? ": " : "", buf);
}

int hooks_run(const struct spec *spec, enum spec_hook_kind kind, const char *state_json,
	      struct error **err)
{
	const struct spec_hook_list *list = &spec->hooks[kind];

	for (size_t i = 0; i < list->n; i++) {
		char what[512];

		snprintf(what, sizeof(what), "%s hook #%zu '%s'", spec_hook_kind_name(kind), i,
			 list->v[i].path);
		if (run_one(&list->v[i], what, state_json, err) < 0)
			return -1;
	}
	return 0;
}

void hooks_run_warn(const struct spec *spec, enum spec_hook_kind kind, const char *state_json)
{
	const struct spec_hook_list *list = &spec->hooks[kind];

	for (size_t i = 0; i < list->n; i++) {
		struct error *err = NULL;
		char what[512];

		snprintf(what, sizeof(what), "%s hook #%zu '%s'", spec_hook_kind_name(kind), i,
			 list->v[i].path);
		if (run_one(&list->v[i], what, state_json, &err) < 0)
			log_warn("%s", err->msg);
		error_free(err);
	}
}
