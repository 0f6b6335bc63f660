/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/notify.c — the sd_notify relay (notify.h says what and when).
 * Owns the two datagram sockets and what crosses from one to the other,
 * and which socket of a bundle stands for the caller's;
 * the mount of the socket dir is rootfs/binds.c's, the environment
 * variable process.c's.  */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/log.h"
#include "core/mem.h"
#include "runtime/notify.h"
#include "runtime/sync.h"
#include "spec/spec.h"

#define SOCKET_NAME "notify.sock"
/* systemd reads at most this much of one message */
#define MESSAGE_MAX 4096
/* how long systemd may take to acknowledge BARRIER=1 (runc and crun: 30 s) */
#define BARRIER_MS  30000

const char *notify_caller_socket(void)
{
	const char *v = getenv("NOTIFY_SOCKET");

	return v != NULL && v[0] != '\0' ? v : NULL;
}

/* "/path" or "@abstract", as sd_notify(3) reads $NOTIFY_SOCKET */
static int caller_addr(const char *value, struct sockaddr_un *a, socklen_t *len, struct error **err)
{
	size_t n = strlen(value);

	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (value[0] != '/' && value[0] != '@')
		return error_set(err, EINVAL,
				 "NOTIFY_SOCKET '%s': not an absolute path nor '@name' (an "
				 "abstract socket)",
				 value);
	if (n >= sizeof(a->sun_path))
		return error_set(err, ENAMETOOLONG, "NOTIFY_SOCKET '%s'", value);
	memcpy(a->sun_path, value, n);
	if (value[0] == '@')
		a->sun_path[0] = '\0'; /* abstract: no terminating NUL counted */
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (value[0] == '/'));
	return 0;
}

int notify_check_caller(const char *value, struct error **err)
{
	struct sockaddr_un a;
	socklen_t len;

	return caller_addr(value, &a, &len, err);
}

void notify_relay_init(struct notify_relay *r)
{
	memset(r, 0, sizeof(*r));
	r->sock = r->caller = -1;
}

/* notify.sock, made anew in the dir (a stale one of an earlier start
 * refuses the bind), writable by every uid of the container; bound
 * through /proc/self/fd so that no state root is too long a path */
static int bind_container_socket(int dir_fd, struct error **err)
{
	cleanup_close int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	struct sockaddr_un a = {.sun_family = AF_UNIX};

	if (fd < 0)
		return error_set(err, errno, "notify socket");
	if (unlinkat(dir_fd, SOCKET_NAME, 0) < 0 && errno != ENOENT)
		return error_set(err, errno, "remove the old notify socket");
	snprintf(a.sun_path, sizeof(a.sun_path), "/proc/self/fd/%d/" SOCKET_NAME, dir_fd);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		return error_set(err, errno, "bind the notify socket");
	if (fchmodat(dir_fd, SOCKET_NAME, 0777, 0) < 0)
		return error_set(err, errno, "chmod the notify socket");
	return steal_fd(fd);
}

/* a path too long for sun_path (conmon's socket in a deep bundle):
 * through an O_PATH fd of its dir, as bind_container_socket does */
static int connect_long(int fd, const char *value, struct error **err)
{
	const char *base = strrchr(value, '/') + 1;
	cleanup_free char *dir = xstrndup(value, (size_t)(base - value));
	cleanup_close int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct sockaddr_un a = {.sun_family = AF_UNIX};

	if (dfd < 0)
		return error_set(err, errno, "open the dir of NOTIFY_SOCKET '%s'", value);
	if ((size_t)snprintf(a.sun_path, sizeof(a.sun_path), "/proc/self/fd/%d/%s", dfd, base) >=
	    sizeof(a.sun_path))
		return error_set(err, ENAMETOOLONG, "NOTIFY_SOCKET '%s'", value);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		return error_set(err, errno, "connect to NOTIFY_SOCKET '%s'", value);
	return 0;
}

static int connect_caller(const char *value, struct error **err)
{
	cleanup_close int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un a;
	socklen_t len;

	if (fd < 0)
		return error_set(err, errno, "socket for NOTIFY_SOCKET");
	if (value[0] == '/' && strlen(value) >= sizeof(a.sun_path)) {
		if (connect_long(fd, value, err) < 0)
			return -1;
		return steal_fd(fd);
	}
	if (caller_addr(value, &a, &len, err) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&a, len) < 0)
		return error_set(err, errno, "connect to NOTIFY_SOCKET '%s'", value);
	return steal_fd(fd);
}

static bool same_dir(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && S_ISDIR(sa.st_mode) &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static bool has_env(char **env, const char *kv)
{
	for (; env != NULL && *env != NULL; env++)
		if (strcmp(*env, kv) == 0)
			return true;
	return false;
}

char *notify_bundle_socket(const struct spec *spec, const char *bundle)
{
	const struct spec_mount *m = NULL;
	cleanup_free char *dir = NULL;
	char *sock;
	struct stat st;

	if (spec->process == NULL ||
	    !has_env(spec->process->env, "NOTIFY_SOCKET=" NOTIFY_SOCKET_IN_CONTAINER))
		return NULL;
	/* the last mount there is the one the process sees */
	for (size_t i = 0; i < spec->n_mounts; i++)
		if (spec->mounts[i].bind &&
		    (strcmp(spec->mounts[i].destination, NOTIFY_DIR_IN_CONTAINER) == 0 ||
		     strcmp(spec->mounts[i].destination, NOTIFY_DIR_IN_CONTAINER "/") == 0))
			m = &spec->mounts[i];
	if (m == NULL || m->source == NULL)
		return NULL;
	dir = xasprintf("%s/notify", bundle);
	if (!same_dir(m->source, dir))
		return NULL;
	sock = xasprintf("%s/notify.sock", dir);
	if (lstat(sock, &st) == 0 && S_ISSOCK(st.st_mode)) {
		log_debug("notify: the bundle's '%s' is the caller's socket", sock);
		return sock;
	}
	free(sock);
	return NULL;
}

int notify_relay_open(struct notify_relay *r, int state_dir_fd, const char *caller,
		      struct error **err)
{
	cleanup_close int dir = openat(state_dir_fd, NOTIFY_DIR_NAME,
				       O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	notify_relay_init(r);
	if (dir < 0) {
		if (errno == ENOENT) /* created without NOTIFY_SOCKET */
			return 0;
		return error_set(err, errno, "open the notify socket dir");
	}
	r->caller = connect_caller(caller, err);
	if (r->caller < 0)
		return -1;
	r->caller_name = caller;
	r->sock = bind_container_socket(dir, err);
	if (r->sock < 0) {
		notify_relay_close(r);
		return -1;
	}
	return 0;
}

/* Wait until the caller has read everything sent so far (sd_notify's
 * BARRIER=1: it closes the pipe end it gets): berth must not exit before
 * systemd has seen READY=1 and MAINPID=, or systemd may take berth's exit
 * for the service's.  A caller that keeps the fd: a warning after 30 s. */
static void barrier(struct notify_relay *r)
{
	int p[2];
	struct pollfd pf;
	int n;

	if (pipe2(p, O_CLOEXEC) < 0)
		return;
	n = (int)sync_sendmsg(r->caller, "BARRIER=1", strlen("BARRIER=1"), p[1]);
	close(p[1]);
	pf = (struct pollfd){.fd = p[0], .events = POLLIN};
	while (n >= 0 && (n = poll(&pf, 1, BARRIER_MS)) < 0 && errno == EINTR)
		;
	if (n == 0)
		log_warn("NOTIFY_SOCKET '%s': no answer to BARRIER=1 after %d s", r->caller_name,
			 BARRIER_MS / 1000);
	close(p[0]);
}

/* one datagram in; any fd it carried closed at once */
static ssize_t receive(int sock, char *buf, size_t size)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * 16) + CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = {.iov_base = buf, .iov_len = size};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = ctl.buf,
			    .msg_controllen = sizeof(ctl)};
	ssize_t n;

	do
		n = recvmsg(sock, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	for (struct cmsghdr *c = n >= 0 ? CMSG_FIRSTHDR(&mh) : NULL; c != NULL;
	     c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		for (size_t i = 0; i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			close(fd);
		}
	}
	return n;
}

int notify_relay_pump(struct notify_relay *r, struct error **err)
{
	char in[MESSAGE_MAX + 1], out[MESSAGE_MAX + 64];
	bool ready;
	ssize_t n = receive(r->sock, in, MESSAGE_MAX);
	size_t len;

	if (n < 0)
		return errno == EAGAIN ? 0 : error_set(err, errno, "receive on the notify socket");
	len = notify_filter_message(in, (size_t)n, out, sizeof(out) - 32, &ready);
	log_debug("notify: %zd bytes from the container, %zu relayed", n, len);
	if (ready)
		len += (size_t)snprintf(out + len, sizeof(out) - len, "MAINPID=%d\n",
					(int)r->mainpid);
	if (len == 0)
		return 1;
	if (send(r->caller, out, len, MSG_NOSIGNAL) < 0)
		return error_set(err, errno, "relay to NOTIFY_SOCKET '%s'", r->caller_name);
	if (ready) {
		barrier(r);
		r->ready = true;
	}
	return 1;
}

int notify_relay_wait_ready(struct notify_relay *r, int pidfd, struct error **err)
{
	int n = 0;

	while (!r->ready) {
		struct pollfd p[2] = {{.fd = r->sock, .events = POLLIN},
				      {.fd = pidfd, .events = POLLIN}};

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return error_set(err, errno, "wait for READY=1");
		}
		if (p[0].revents & POLLIN) {
			if (notify_relay_pump(r, err) < 0)
				return -1;
			continue;
		}
		if (!(p[1].revents & POLLIN))
			continue;
		/* what it sent just before it exited is still queued */
		while (!r->ready && (n = notify_relay_pump(r, err)) > 0)
			;
		if (r->ready)
			break;
		if (n < 0)
			return -1;
		return error_set(err, 0,
				 "container exited before it sent READY=1 on its NOTIFY_SOCKET");
	}
	return 0;
}

void notify_relay_close(struct notify_relay *r)
{
	if (r->sock >= 0)
		close(r->sock);
	if (r->caller >= 0)
		close(r->caller);
	r->sock = r->caller = -1;
}
