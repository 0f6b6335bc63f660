/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/console.c — pty allocation, console socket, terminal proxy.  */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "runtime/sync.h"
#include "core/syscalls.h"
#include "rootfs/rootfs.h"
#include "runtime/console.h"
#include "runtime/notify.h"
#include "runtime/wait.h"

int console_setup(const struct spec_process *p, bool console_mount, struct error **err)
{
	cleanup_close int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	cleanup_close int slave = -1;
	char name[64];
	int ptn = 0, unlock = 0;

	if (master < 0)
		return error_set(err, errno, "console: open /dev/ptmx");
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0 || ioctl(master, TIOCGPTN, &ptn) < 0)
		return error_set(err, errno, "console: unlock pty");
	snprintf(name, sizeof(name), "/dev/pts/%d", ptn);
	slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return error_set(err, errno, "console: open '%s'", name);
	/* the process may run as another user: it must own its terminal */
	if (fchown(slave, p->user.uid, (gid_t)-1) < 0)
		return error_set(err, errno, "console: chown '%s'", name);
	if (p->has_console_size) {
		struct winsize ws = {.ws_row = (unsigned short)p->console_height,
				     .ws_col = (unsigned short)p->console_width};

		if (ioctl(master, TIOCSWINSZ, &ws) < 0)
			return error_set(err, errno, "console: set size");
	}
	if (console_mount && rootfs_bind_console(name, err) < 0)
		return -1;
	for (int fd = 0; fd <= 2; fd++)
		if (dup3(slave, fd, 0) < 0)
			return error_set(err, errno, "console: dup to fd %d", fd);
	/* the caller made us a session leader already */
	if (getsid(0) != getpid() && setsid() < 0)
		return error_set(err, errno, "console: setsid");
	if (ioctl(0, TIOCSCTTY, 0) < 0)
		return error_set(err, errno, "console: make controlling terminal");
	return steal_fd(master);
}

int console_send(const char *path, int master, struct error **err)
{
	cleanup_close int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	char name[64] = "/dev/ptmx";
	int ptn;

	if (sock < 0)
		return error_set(err, errno, "console socket");
	if (strlen(path) >= sizeof(addr.sun_path))
		return error_set(err, ENAMETOOLONG, "console socket '%s'", path);
	strcpy(addr.sun_path, path);
	if (connect(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return error_set(err, errno, "connect to console socket '%s'", path);
	/* the payload: the pty's name, as runc sends it */
	if (ioctl(master, TIOCGPTN, &ptn) == 0)
		snprintf(name, sizeof(name), "/dev/pts/%d", ptn);
	if (sync_sendmsg(sock, name, strlen(name), master) < 0)
		return error_set(err, errno, "send pty to console socket '%s'", path);
	return 0;
}

void console_copy_winsize(int from, int to)
{
	struct winsize ws;

	if (ioctl(from, TIOCGWINSZ, &ws) == 0)
		ioctl(to, TIOCSWINSZ, &ws);
}

/* write all of buf; false when the other side is gone */
static bool write_all(int fd, const char *buf, ssize_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, (size_t)n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		buf += w;
		n -= w;
	}
	return true;
}

/* drain what the process wrote before it exited */
static void drain(int master)
{
	char buf[8192];
	ssize_t n;

	fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
	while ((n = read(master, buf, sizeof(buf))) > 0)
		if (!write_all(STDOUT_FILENO, buf, n))
			break;
}

/* copy whatever is ready each way; a side that is done is closed */
static void copy_ready(int master, const struct pollfd *p, bool *master_open, bool *stdin_open)
{
	char buf[8192];
	ssize_t n;

	if (p[1].revents & (POLLIN | POLLHUP)) {
		n = read(master, buf, sizeof(buf));
		if (n > 0)
			write_all(STDOUT_FILENO, buf, n);
		else if (n < 0 && errno != EINTR && errno != EAGAIN)
			*master_open = false; /* EIO: every slave fd closed */
	}
	if (p[2].revents & (POLLIN | POLLHUP)) {
		n = read(STDIN_FILENO, buf, sizeof(buf));
		if (n <= 0)
			*stdin_open = false; /* EOF: the terminal stays open */
		else
			write_all(master, buf, n);
	}
}

/* the pty loop; 0 once the process exited or the timeout fired */
static int proxy_loop(int master, struct wait_ctx *w, int *status, enum wait_end *end,
		      int *stop_sig, struct error **err)
{
	bool stdin_open = true, master_open = true;

	for (;;) {
		struct pollfd p[5] = {
			{.fd = w->sigfd, .events = POLLIN},
			{.fd = master_open ? master : -1, .events = POLLIN},
			{.fd = stdin_open ? STDIN_FILENO : -1, .events = POLLIN},
			{.fd = w->timerfd, .events = POLLIN},
			{.fd = w->notify ? w->notify->sock : -1, .events = POLLIN},
		};

		if (poll(p, 5, -1) < 0) {
			if (errno == EINTR)
				continue;
			return error_set(err, errno, "console: poll");
		}
		if ((p[3].revents & POLLIN) && wait_on_timer(w, end))
			return 0;
		copy_ready(master, p, &master_open, &stdin_open);
		if (p[4].revents & POLLIN)
			wait_on_notify(w);
		if (p[0].revents & POLLIN) {
			/* peek at SIGWINCH: the shared handler ignores it */
			if (wait_on_signal(w, status, end, stop_sig)) {
				if (*end == WAIT_EXITED && master_open)
					drain(master);
				return 0;
			}
			console_copy_winsize(STDIN_FILENO, master);
		}
	}
}

int console_proxy(int master, struct wait_ctx *w, int *status, enum wait_end *end, int *stop_sig,
		  struct error **err)
{
	struct termios saved, raw;
	bool is_tty = tcgetattr(STDIN_FILENO, &saved) == 0;
	int rc;

	*end = WAIT_EXITED;
	if (is_tty) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
		console_copy_winsize(STDIN_FILENO, master);
	}
	rc = proxy_loop(master, w, status, end, stop_sig, err);
	if (is_tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	return rc;
}
