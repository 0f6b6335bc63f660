/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/sync.c — sending and checking launcher protocol messages.  */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "core/cleanup.h"
#include "runtime/sync.h"

static const char *const step_names[SYNC_STEP_MAX] = {
	[SYNC_NONE] = "none",
	[SYNC_PARENT_DONE] = "parent-done",
	[SYNC_RUNTIME_HOOKS] = "runtime-hooks",
	[SYNC_RUNTIME_HOOKS_DONE] = "runtime-hooks-done",
	[SYNC_PTY] = "pty",
	[SYNC_READY] = "ready",
	[SYNC_COMMIT] = "commit",
	[SYNC_COMMITTED] = "committed",
	[SYNC_START] = "start",
	[SYNC_PID] = "pid",
	[SYNC_LAYER] = "layer",
	[SYNC_ERROR] = "error",
};

const char *sync_step_name(enum sync_step step)
{
	if ((unsigned)step >= SYNC_STEP_MAX)
		return "unknown";
	return step_names[step];
}

ssize_t sync_sendmsg(int fd, const void *data, size_t len, int payload_fd)
{
	struct iovec iov = {.iov_base = (void *)data, .iov_len = len};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	ssize_t n;

	if (payload_fd >= 0) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof(ctl.buf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &payload_fd, sizeof(int));
	}
	do
		n = sendmsg(fd, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n;
}

/* only the header and the used part of the text go on the wire */
static size_t msg_len(const struct sync_msg *msg)
{
	return offsetof(struct sync_msg, text) + strlen(msg->text) + 1;
}

int sync_send(int fd, enum sync_step step, struct error **err)
{
	return sync_send_fd(fd, step, -1, err);
}

int sync_send_value(int fd, enum sync_step step, int64_t value, struct error **err)
{
	struct sync_msg msg = {.step = step, .value = value};

	if (sync_sendmsg(fd, &msg, msg_len(&msg), -1) < 0)
		return error_set(err, errno, "sync: send %s", sync_step_name(step));
	return 0;
}

int sync_send_fd(int fd, enum sync_step step, int payload_fd, struct error **err)
{
	struct sync_msg msg = {.step = step};

	if (sync_sendmsg(fd, &msg, msg_len(&msg), payload_fd) < 0)
		return error_set(err, errno, "sync: send %s", sync_step_name(step));
	return 0;
}

void sync_send_error(int fd, const struct error *cause)
{
	struct sync_msg msg = {.step = SYNC_ERROR};
	const char *text = cause != NULL && cause->msg != NULL ? cause->msg : "unknown error";

	msg.errnum = cause != NULL ? cause->errnum : 0;
	msg.status = cause != NULL ? cause->status : 0;
	strncpy(msg.text, text, sizeof(msg.text) - 1);
	(void)sync_sendmsg(fd, &msg, msg_len(&msg), -1);
}

static int error_from_sync(struct error **err, const struct sync_msg *msg)
{
	error_from_text(err, msg->errnum, msg->text);
	(*err)->status = msg->status;
	return -1;
}

static ssize_t recv_msg(int fd, struct sync_msg *msg, int *fd_out)
{
	struct iovec iov = {.iov_base = msg, .iov_len = sizeof(*msg)};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl.buf,
		.msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *c;
	ssize_t n;

	memset(msg, 0, sizeof(*msg));
	do
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return n;
	for (c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c)) {
		int got;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		memcpy(&got, CMSG_DATA(c), sizeof(int));
		if (fd_out != NULL && *fd_out < 0)
			*fd_out = got;
		else
			close(got);
	}
	msg->text[sizeof(msg->text) - 1] = '\0';
	return n;
}

static int expect(int fd, enum sync_step want, int *fd_out, int64_t *value, struct error **err)
{
	struct sync_msg msg;
	ssize_t n;

	if (fd_out != NULL)
		*fd_out = -1;
	n = recv_msg(fd, &msg, fd_out);
	if (n < 0)
		return error_set(err, errno, "sync: wait for %s", sync_step_name(want));
	if (n == 0)
		return error_set(err, 0, "sync: peer exited before %s", sync_step_name(want));
	if (msg.step == SYNC_ERROR)
		return error_from_sync(err, &msg);
	if (msg.step != (uint32_t)want) {
		if (fd_out != NULL && *fd_out >= 0)
			close(steal_fd(*fd_out));
		return error_set(err, 0, "sync: expected %s, got %s", sync_step_name(want),
				 sync_step_name((enum sync_step)msg.step));
	}
	if (value != NULL)
		*value = msg.value;
	return 0;
}

int sync_expect(int fd, enum sync_step want, int *fd_out, struct error **err)
{
	return expect(fd, want, fd_out, NULL, err);
}

int sync_expect_value(int fd, enum sync_step want, int64_t *value, struct error **err)
{
	return expect(fd, want, NULL, value, err);
}

int sync_expect_eof(int fd, struct error **err)
{
	struct sync_msg msg;
	ssize_t n = recv_msg(fd, &msg, NULL);

	if (n == 0)
		return 0;
	if (n < 0)
		return error_set(err, errno, "sync: wait for exec");
	if (msg.step == SYNC_ERROR)
		return error_from_sync(err, &msg);
	return error_set(err, 0, "sync: expected exec, got %s",
			 sync_step_name((enum sync_step)msg.step));
}
