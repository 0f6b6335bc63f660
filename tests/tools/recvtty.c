/* SPDX-License-Identifier: Apache-2.0 */
/* tests/tools/recvtty.c — the receiving end of --console-socket, as a
 * caller (conmon, containerd's shim) runs it, strict about the protocol.
 *
 *   recvtty [-w GOFILE] [-i INPUT] [-p INFOFILE] [-t SECONDS] SOCKET
 *
 * Listens on SOCKET (bound under a temporary name and renamed once it
 * listens, so a runtime never meets a socket that refuses connections),
 * accepts ONE connection and reads ONE message from it.  The message must
 * carry exactly one descriptor in one SCM_RIGHTS control message, a
 * non-empty payload, and nothing may follow it; the descriptor must be a
 * pty master.  Then INPUT (if any) is written to the master and
 * everything the container writes is copied to stdout until every slave
 * is closed (the pty reports EIO).
 *
 *   -w GOFILE    accept only once GOFILE exists: proves the runtime does
 *                not wait for the caller to accept (conmon accepts late)
 *   -p INFOFILE  write "payload PAYLOAD" and "pty /dev/pts/N" (from the
 *                master's own TIOCGPTN) there
 *   -t SECONDS   give up after this long (default 30): a test never hangs
 *
 * Exit status 0 when the protocol was followed, 1 with a message on
 * stderr otherwise.  */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_FDS 8

struct opts {
	const char *socket_path;
	const char *go_file;
	const char *input;
	const char *info_file;
	unsigned timeout;
};

__attribute__((format(printf, 1, 2))) static _Noreturn void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "recvtty: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void on_alarm(int sig)
{
	static const char msg[] = "recvtty: timed out\n";

	(void)sig;
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(3);
	_exit(3);
}

static void parse(int argc, char **argv, struct opts *o)
{
	int c;

	o->timeout = 30;
	while ((c = getopt(argc, argv, "w:i:p:t:")) != -1) {
		switch (c) {
		case 'w': o->go_file = optarg; break;
		case 'i': o->input = optarg; break;
		case 'p': o->info_file = optarg; break;
		case 't': o->timeout = (unsigned)atoi(optarg); break;
		default:
			fprintf(stderr, "usage: recvtty [-w GOFILE] [-i INPUT] [-p INFOFILE] "
					"[-t SECONDS] SOCKET\n");
			exit(2);
		}
	}
	if (optind + 1 != argc)
		die("%s", "exactly one SOCKET argument is needed");
	o->socket_path = argv[optind];
}

/* bind under PATH.tmp, listen, rename to PATH: connectable once visible */
static int listen_on(const char *path)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	char tmp[sizeof(addr.sun_path)];
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die("socket: %s", strerror(errno));
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		die("socket path too long: %s", path);
	strcpy(addr.sun_path, tmp);
	unlink(tmp);
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		die("bind: %s", strerror(errno));
	if (listen(fd, 4) < 0)
		die("listen: %s", strerror(errno));
	if (rename(tmp, path) < 0)
		die("rename: %s", strerror(errno));
	return fd;
}

static void wait_for_file(const char *path)
{
	struct timespec ten_ms = {0, 10 * 1000 * 1000};

	while (access(path, F_OK) < 0)
		nanosleep(&ten_ms, NULL);
}

/* the one message: exactly one fd, a payload; returns the fd */
static int receive(int conn, char *payload, size_t size)
{
	union {
		char buf[CMSG_SPACE(MAX_FDS * sizeof(int)) * 2];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = {.iov_base = payload, .iov_len = size - 1};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = ctl.buf,
			    .msg_controllen = sizeof(ctl.buf)};
	struct cmsghdr *c;
	int n_cmsg = 0, fd = -1;
	ssize_t n;
	char extra;

	n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);
	if (n < 0)
		die("recvmsg: %s", strerror(errno));
	if (mh.msg_flags & (MSG_CTRUNC | MSG_TRUNC))
		die("%s", "message truncated (too many fds or too long a payload)");
	payload[n] = '\0';
	if (n == 0)
		die("%s", "empty payload");
	for (c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c)) {
		n_cmsg++;
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			die("%s", "a control message that is not SCM_RIGHTS");
		if (c->cmsg_len != CMSG_LEN(sizeof(int)))
			die("%s", "SCM_RIGHTS does not carry exactly one fd");
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
	}
	if (n_cmsg != 1 || fd < 0)
		die("%s", "not exactly one SCM_RIGHTS control message");
	/* one sendmsg and nothing after: the runtime closes its end */
	n = read(conn, &extra, 1);
	if (n != 0)
		die("%s", "more data after the first message");
	return fd;
}

static void write_info(const char *path, const char *payload, int master)
{
	FILE *f;
	int ptn = -1;

	if (ioctl(master, TIOCGPTN, &ptn) < 0)
		die("the received fd is not a pty master: %s", strerror(errno));
	if (path == NULL)
		return;
	f = fopen(path, "w");
	if (f == NULL)
		die("open info file: %s", strerror(errno));
	fprintf(f, "payload %s\npty /dev/pts/%d\n", payload, ptn);
	fclose(f);
}

static void write_all(int fd, const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			die("write: %s", strerror(errno));
		buf += w;
		n -= (size_t)w;
	}
}

/* copy the container's output until every slave fd is closed */
static void relay(int master)
{
	char buf[4096];

	for (;;) {
		ssize_t n = read(master, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* EIO: the last slave is closed */
		write_all(1, buf, (size_t)n);
	}
}

int main(int argc, char **argv)
{
	struct opts o = {0};
	char payload[512];
	int lfd, conn, master;

	parse(argc, argv, &o);
	signal(SIGALRM, on_alarm);
	alarm(o.timeout);
	lfd = listen_on(o.socket_path);
	if (o.go_file != NULL)
		wait_for_file(o.go_file);
	conn = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0)
		die("accept: %s", strerror(errno));
	master = receive(conn, payload, sizeof(payload));
	close(conn);
	close(lfd);
	unlink(o.socket_path);
	write_info(o.info_file, payload, master);
	if (o.input != NULL)
		write_all(master, o.input, strlen(o.input));
	relay(master);
	return 0;
}
