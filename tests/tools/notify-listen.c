/* SPDX-License-Identifier: Apache-2.0 */
/* tests/tools/notify-listen.c — the service manager's end of sd_notify,
 * for sdnotify.bats: what systemd would read on its NOTIFY_SOCKET.
 *
 *   notify-listen SOCKET LOG
 *
 * Binds SOCKET (AF_UNIX datagrams; "@name": abstract) and appends each
 * datagram to LOG: "from PID" (the sender, from SCM_CREDENTIALS), its
 * lines, "fds N" when it carried N fds (BARRIER=1 does), then "--".  The
 * entry is written before the fds are closed, so a sender waiting on
 * its barrier knows its earlier messages are in LOG.  LOG is created
 * (empty) once SOCKET is bound.  Runs until killed.  */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void record(const char *log, const char *buf, ssize_t n, struct msghdr *mh)
{
	FILE *f = fopen(log, "a");
	int fds[16], nfds = 0;
	pid_t pid = 0;

	if (f == NULL)
		exit(3);
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c != NULL; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_type == SCM_CREDENTIALS) {
			struct ucred cr;

			memcpy(&cr, CMSG_DATA(c), sizeof(cr));
			pid = cr.pid;
		} else if (c->cmsg_type == SCM_RIGHTS) {
			nfds = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
			memcpy(fds, CMSG_DATA(c), (size_t)nfds * sizeof(int));
		}
	}
	fprintf(f, "from %d\n%.*s%s", (int)pid, (int)n, buf,
		n > 0 && buf[n - 1] != '\n' ? "\n" : "");
	if (nfds > 0)
		fprintf(f, "fds %d\n", nfds);
	fprintf(f, "--\n");
	fclose(f);
	for (int i = 0; i < nfds; i++)
		close(fds[i]);
}

int main(int argc, char **argv)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	size_t len;
	int fd, on = 1;

	if (argc != 3 || (len = strlen(argv[1])) >= sizeof(a.sun_path))
		return 2;
	memcpy(a.sun_path, argv[1], len);
	if (argv[1][0] == '@')
		a.sun_path[0] = '\0';
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) < 0 ||
	    bind(fd, (struct sockaddr *)&a,
		 (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + (argv[1][0] != '@'))) <
		    0) {
		perror("notify-listen");
		return 1;
	}
	close(open(argv[2], O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	for (;;) {
		char buf[4096];
		union {
			char b[CMSG_SPACE(sizeof(int) * 16) + CMSG_SPACE(sizeof(struct ucred))];
			struct cmsghdr align;
		} ctl;
		struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf)};
		struct msghdr mh = {.msg_iov = &iov,
				    .msg_iovlen = 1,
				    .msg_control = ctl.b,
				    .msg_controllen = sizeof(ctl)};
		ssize_t n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);

		if (n >= 0)
			record(argv[2], buf, n, &mh);
	}
}
