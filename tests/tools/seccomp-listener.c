/* SPDX-License-Identifier: Apache-2.0 */
/* tests/tools/seccomp-listener.c — the other end of linux.seccomp's
 * listenerPath, for seccomp-notify.bats.
 *
 *   seccomp-listener SOCKET DIR [MODE]
 *
 * Listens on SOCKET (AF_UNIX, SOCK_STREAM).  For each connection it
 * receives one message with one fd (SCM_RIGHTS), as the runtime-spec
 * says, and writes what it got to DIR/state-N.json (the bytes) and
 * DIR/log ("fds N" per connection).  It then answers the notifications
 * of every fd it holds: mkdir, mkdirat, chmod and fchmodat get a fake
 * success (the call does nothing and returns 0), logged as
 * "NAME PID"; any other call is let through (CONTINUE).
 * MODE:
 *   die-after-fd   exit as soon as the first fd arrived: the container's
 *                  notified calls then fail (ENOSYS) instead of hanging
 *   die-on-accept  accept the first connection, then exit without
 *                  reading it: the runtime's send fails
 * DIR/ready appears once SOCKET listens.  */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_FDS 16

static const char *dir;
static int connections;

/* one line to DIR/log */
static void log_line(const char *what, long n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/log", dir);
	f = fopen(path, "a");
	if (f == NULL)
		exit(3);
	fprintf(f, "%s %ld\n", what, n);
	fclose(f);
}

/* one message, one fd; its bytes to DIR/state-N.json */
static int receive(int conn)
{
	static char buf[65536];
	union {
		char b[CMSG_SPACE(sizeof(int) * 4)];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf)};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = ctl.b,
			    .msg_controllen = sizeof(ctl.b)};
	struct cmsghdr *c;
	char path[4096];
	ssize_t n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);
	int fd = -1, nfds = 0;
	FILE *f;

	if (n < 0)
		return -1;
	for (c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		nfds = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
	}
	snprintf(path, sizeof(path), "%s/state-%d.json", dir, ++connections);
	f = fopen(path, "w");
	if (f == NULL || fwrite(buf, 1, (size_t)n, f) != (size_t)n || fclose(f) != 0)
		exit(3);
	log_line("fds", nfds);
	return fd;
}

static const char *answered(int nr)
{
	switch (nr) {
	case SYS_mkdir: return "mkdir";
	case SYS_mkdirat: return "mkdirat";
	case SYS_chmod: return "chmod";
	case SYS_fchmodat: return "fchmodat";
	default: return NULL;
	}
}

static void answer(int fd)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	const char *name;

	memset(&req, 0, sizeof(req));
	if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
		return;
	memset(&resp, 0, sizeof(resp));
	resp.id = req.id;
	name = answered(req.data.nr);
	if (name != NULL)
		log_line(name, (long)req.pid);
	else
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
}

static int listen_on(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (s < 0 || strlen(path) >= sizeof(sa.sun_path))
		exit(2);
	strcpy(sa.sun_path, path);
	unlink(path);
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s, 16) < 0)
		exit(2);
	return s;
}

static void serve(int s, const char *mode)
{
	struct pollfd p[MAX_FDS + 1] = {{.fd = s, .events = POLLIN}};
	int n = 1;

	for (;;) {
		if (poll(p, (nfds_t)n, -1) < 0 && errno != EINTR)
			exit(4);
		for (int i = n - 1; i >= 1; i--) {
			if (p[i].revents & POLLIN)
				answer(p[i].fd);
			if (p[i].revents & (POLLHUP | POLLERR)) {
				close(p[i].fd);
				p[i] = p[--n];
			}
		}
		if (p[0].revents & POLLIN) {
			int conn = accept4(s, NULL, NULL, SOCK_CLOEXEC), fd;

			if (conn < 0)
				continue;
			if (strcmp(mode, "die-on-accept") == 0)
				exit(0);
			fd = receive(conn);
			close(conn);
			if (fd >= 0 && strcmp(mode, "die-after-fd") == 0)
				exit(0);
			if (fd >= 0 && n <= MAX_FDS)
				p[n++] = (struct pollfd){.fd = fd, .events = POLLIN};
		}
	}
}

int main(int argc, char **argv)
{
	char ready[4096];
	int s;

	if (argc < 3) {
		fprintf(stderr,
			"usage: seccomp-listener SOCKET DIR [die-after-fd|die-on-accept]\n");
		return 2;
	}
	dir = argv[2];
	s = listen_on(argv[1]);
	snprintf(ready, sizeof(ready), "%s/ready", dir);
	close(open(ready, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	serve(s, argc > 3 ? argv[3] : "");
	return 0;
}
