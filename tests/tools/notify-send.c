/* SPDX-License-Identifier: Apache-2.0 */
/* tests/tools/notify-send.c — a service that speaks sd_notify, for
 * sdnotify.bats and tests/vm-systemd/sdnotify.bats; static, so a test
 * binds it into a container.
 *
 *   notify-send [-d MS] [-m FILE] [-x CODE] [LINE...]
 *
 * Waits MS milliseconds (default 0), creates FILE (if given: a test
 * checks it exists once `start` returned, proving the order), then sends
 * one datagram to $NOTIFY_SOCKET (a path, or "@name" abstract): the
 * LINEs joined by newlines, "READY=1" without any.  Then sleeps until
 * SIGTERM (handled: as a container's pid 1 it would be ignored), or with
 * -x exits with CODE at once.  Exit 2: usage, 3: no
 * NOTIFY_SOCKET, 4: the send failed (the reason on stderr).  */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int send_lines(const char *where, char **lines, int n)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	size_t len = strlen(where), at = 0;
	char msg[4096] = "READY=1";
	int fd;

	if (len >= sizeof(a.sun_path))
		return 4;
	memcpy(a.sun_path, where, len);
	if (where[0] == '@')
		a.sun_path[0] = '\0';
	for (int i = 0; i < n; i++)
		at += (size_t)snprintf(msg + at, sizeof(msg) - at, "%s%s", i ? "\n" : "", lines[i]);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || sendto(fd, msg, strlen(msg), 0, (struct sockaddr *)&a,
			     (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)) < 0) {
		perror("notify-send: send");
		return 4;
	}
	close(fd);
	return 0;
}

static void on_term(int sig)
{
	_exit(128 + sig);
}

int main(int argc, char **argv)
{
	const char *where = getenv("NOTIFY_SOCKET"), *marker = NULL;
	long delay = 0;
	int code = -1, opt, rc;

	while ((opt = getopt(argc, argv, "d:m:x:")) != -1) {
		if (opt == 'd')
			delay = atol(optarg);
		else if (opt == 'm')
			marker = optarg;
		else if (opt == 'x')
			code = atoi(optarg);
		else
			return 2;
	}
	if (where == NULL || where[0] == '\0')
		return 3;
	signal(SIGTERM, on_term);
	if (delay > 0) {
		struct timespec ts = {.tv_sec = delay / 1000, .tv_nsec = (delay % 1000) * 1000000L};

		nanosleep(&ts, NULL);
	}
	if (marker != NULL)
		close(open(marker, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	rc = send_lines(where, argv + optind, argc - optind);
	if (rc != 0 || code >= 0)
		return rc != 0 ? rc : code;
	for (;;)
		pause();
}
