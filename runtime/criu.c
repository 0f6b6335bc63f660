/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/criu.c — the `criu swrk` process and its socket: start it,
 * exchange one request and its notifications, explain its failures from
 * its log.  The messages themselves: criu_msg.c.  */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/file.h"
#include "core/log.h"
#include "core/mem.h"
#include "runtime/criu.h"

/* one datagram: CRIU's replies are small, but a generous buffer tells a
 * truncated one apart (MSG_TRUNC) */
#define CRIU_MSG_MAX (64 * 1024)

const char *criu_binary(void)
{
	const char *env = getenv("BERTH_CRIU");

	return env != NULL && env[0] != '\0' ? env : "criu";
}

/* Child side, between fork and exec: only async-signal-safe calls.  The
 * fds go to their numbers through copies above them, so a source that
 * already sits at a target number is never overwritten first.  */
static void child_fds(int sock, int errfd, const struct criu_spawn *sp)
{
	int hi[64];
	size_t n = sp->n_extra < 60 ? sp->n_extra : 60;
	int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (null_fd < 0)
		_exit(120);
	hi[0] = fcntl(sock, F_DUPFD_CLOEXEC, 100);
	hi[1] = fcntl(errfd, F_DUPFD_CLOEXEC, 100);
	for (size_t i = 0; i < n; i++)
		hi[2 + i] = fcntl(sp->extra_fds[i], F_DUPFD_CLOEXEC, 100);
	/* dup2 clears close-on-exec: these are CRIU's */
	if (dup2(null_fd, 0) < 0 || dup2(null_fd, 1) < 0 || dup2(hi[1], 2) < 0 ||
	    dup2(hi[0], 3) < 0)
		_exit(121);
	for (size_t i = 0; i < n; i++)
		if (hi[2 + i] < 0 || dup2(hi[2 + i], 4 + (int)i) < 0)
			_exit(122);
}

/* the restore's root, bound in a mount namespace of CRIU's own: gone
 * with CRIU, whatever happens to berth */
static void child_root(const struct criu_spawn *sp)
{
	if (sp->root_source == NULL)
		return;
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0 ||
	    mount(sp->root_source, sp->root_target, NULL, MS_BIND | MS_REC, NULL) < 0)
		_exit(123);
}

int criu_start(const struct criu_spawn *sp, struct criu_session *s, struct error **err)
{
	int sv[2];
	const char *bin = criu_binary();

	s->pid = -1;
	s->sock = s->errfd = -1;
	s->log_path = sp->log_path != NULL ? xstrdup(sp->log_path) : NULL;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return error_set(err, errno, "criu: socketpair");
	s->errfd = memfd_create("criu-stderr", MFD_CLOEXEC);
	if (s->errfd < 0) {
		close(sv[0]);
		close(sv[1]);
		return error_set(err, errno, "criu: memfd");
	}
	s->pid = fork();
	if (s->pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return error_set(err, errno, "criu: fork");
	}
	if (s->pid == 0) {
		sigset_t all;

		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		child_fds(sv[1], s->errfd, sp);
		child_root(sp);
		execlp(bin, bin, "swrk", "3", (char *)NULL);
		dprintf(2, "Error (berth): exec '%s': %s\n", bin, strerror(errno));
		_exit(127);
	}
	close(sv[1]);
	s->sock = sv[0];
	return 0;
}

static int send_msg(int sock, const uint8_t *buf, size_t len, struct error **err)
{
	ssize_t n;

	do
		n = send(sock, buf, len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return error_set(err, errno, "criu: send");
	return 0;
}

/* one datagram, and the fd it may carry (SCM_RIGHTS), else *fd = -1;
 * 0 bytes: CRIU is gone */
static ssize_t recv_msg(int sock, uint8_t *buf, size_t size, int *fd, struct error **err)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = {.iov_base = buf, .iov_len = size};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = cbuf.buf,
			    .msg_controllen = sizeof(cbuf.buf)};
	ssize_t n;

	*fd = -1;
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return error_set(err, errno, "criu: receive");
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    c->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(fd, CMSG_DATA(c), sizeof(int));
	if (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
		if (*fd >= 0)
			close(*fd);
		return error_set(err, EMSGSIZE, "criu: a reply larger than %zu bytes", size);
	}
	return n;
}

/* close our end and reap CRIU (its stderr is then complete) */
static void criu_finish_wait(struct criu_session *s)
{
	int st;

	if (s->sock >= 0)
		close(steal_fd(s->sock));
	while (s->pid > 0 && waitpid(s->pid, &st, 0) < 0 && errno == EINTR)
		;
	s->pid = -1;
}

void criu_finish(struct criu_session *s)
{
	criu_finish_wait(s);
	if (s->errfd >= 0)
		close(steal_fd(s->errfd));
	free(s->log_path);
	s->log_path = NULL;
}

/* the message of an "Error (file:line): message" line, or NULL */
static const char *error_text(const char *line)
{
	const char *p = strstr(line, "Error (");

	if (p == NULL)
		return NULL;
	p = strstr(p, "): ");
	return p != NULL ? p + 3 : NULL;
}

/* the first and the last error line of a log: where it began, and what
 * CRIU gave up on */
static char *reason_in(char *text)
{
	const char *first = NULL, *last = NULL;
	const char *tail = NULL;

	for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
		const char *e = error_text(line);

		if (e != NULL && first == NULL)
			first = e;
		else if (e != NULL)
			last = e;
		if (line[strspn(line, " \t")] != '\0')
			tail = line;
	}
	if (first != NULL && last != NULL && strcmp(first, last) != 0)
		return xasprintf("%s; %s", first, last);
	if (first != NULL)
		return xstrdup(first);
	return tail != NULL ? xstrdup(tail) : NULL;
}

char *criu_log_reason(const char *path, int stderr_fd)
{
	cleanup_free char *text = NULL;
	size_t len;
	char *r = NULL;

	if (path != NULL && read_file_at(AT_FDCWD, path, &text, &len, NULL) == 0)
		r = reason_in(text);
	if (r != NULL || stderr_fd < 0)
		return r;
	free(text);
	text = NULL;
	if (lseek(stderr_fd, 0, SEEK_SET) == 0 &&
	    read_fd(stderr_fd, "criu stderr", &text, &len, NULL) == 0)
		r = reason_in(text);
	return r;
}

/* CRIU's reason, for a failed reply or a CRIU that died */
static int criu_failed(struct criu_session *s, const struct criu_reply *r, struct error **err)
{
	cleanup_free char *reason = criu_log_reason(s->log_path, s->errfd);
	const char *log = s->log_path != NULL ? s->log_path : "(none)";

	if (reason != NULL)
		return error_set(err, r != NULL ? r->cr_errno : 0, "criu: %s (log: %s)", reason,
				 log);
	if (r != NULL && r->errmsg[0] != '\0')
		return error_set(err, r->cr_errno, "criu: %s (log: %s)", r->errmsg, log);
	if (r != NULL)
		return error_set(err, r->cr_errno, "criu failed (log: %s)", log);
	return error_set(err, 0, "criu exited without a reply (log: %s)", log);
}

static int answer_notify(struct criu_session *s, const struct criu_reply *r, int fd,
			 criu_notify_fn fn, void *arg, struct error **err)
{
	cleanup_free uint8_t *ack = NULL;
	size_t len;

	log_debug("criu: notify %s (pid %d)", r->script, (int)r->pid);
	if (fn != NULL && fn(arg, r, fd, err) < 0)
		return -1;
	if (fn == NULL && fd >= 0)
		close(fd);
	if (criu_notify_ack_pack(&ack, &len, err) < 0)
		return -1;
	return send_msg(s->sock, ack, len, err);
}

int criu_run(struct criu_session *s, const struct criu_request *req, criu_notify_fn fn, void *arg,
	     struct criu_reply *final, struct error **err)
{
	cleanup_free uint8_t *msg = NULL;
	cleanup_free uint8_t *buf = xcalloc(1, CRIU_MSG_MAX);
	size_t len;

	if (criu_request_pack(req, &msg, &len, err) < 0)
		return -1;
	if (send_msg(s->sock, msg, len, err) < 0) {
		error_freep(err);
		return criu_failed(s, NULL, err);
	}
	for (;;) {
		int fd;
		ssize_t n = recv_msg(s->sock, buf, CRIU_MSG_MAX, &fd, err);

		if (n < 0)
			return -1;
		if (n == 0) {
			criu_finish_wait(s);
			return criu_failed(s, NULL, err);
		}
		if (criu_reply_parse(buf, (size_t)n, final, err) < 0) {
			if (fd >= 0)
				close(fd);
			return -1;
		}
		if (!final->success) {
			if (fd >= 0)
				close(fd);
			criu_finish_wait(s);
			return criu_failed(s, final, err);
		}
		if (final->kind != CRIU_NOTIFY)
			return 0;
		if (answer_notify(s, final, fd, fn, arg, err) < 0)
			return -1;
	}
}
