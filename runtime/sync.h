/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/sync.h — the launcher's parent/child protocol.
 *
 * One SOCK_SEQPACKET|SOCK_CLOEXEC socketpair per launch: one message, one
 * datagram; a message that is not the step the receiver expects is an
 * error, so a child that dies or goes astray can never be mistaken for
 * progress.  Container init (create/run):
 *
 *   parent (berth)                                  child (after clone3)
 *     ---- SYNC_LAYER        (an image layer's tree, idmapped  ---->   one per layer,
 *                             through the child's user ns)            when idmapped
 *     ---- SYNC_PARENT_DONE  (id maps written, veth moved in,  ---->
 *                             cgroup ready)
 *     <--- SYNC_RUNTIME_HOOKS (namespaces exist; run prestart  ----   only when
 *                             and createRuntime hooks now)            hooks exist
 *     ---- SYNC_RUNTIME_HOOKS_DONE                              ---->
 *     <--- SYNC_PTY          (pty master, SCM_RIGHTS)          ----   run -t only
 *     <--- SYNC_READY        (pivoted, process resolved,       ----
 *                             waiting for start)
 *     ---- SYNC_COMMIT       (create: state saved; the init    ---->
 *                             may outlive berth and waits on
 *                             exec.fifo)
 *     <--- SYNC_COMMITTED    (create: the init no longer dies  ----
 *                             with berth; berth may exit)
 *     ---- SYNC_START        (run: state saved, go on at once) ---->
 *     <--- EOF               (exec succeeded: the socket is close-on-exec)
 *
 * exec into a running container uses the same steps minus the hooks.
 * Until COMMIT or START the init dies with berth (PR_SET_PDEATHSIG): a
 * berth killed before it recorded the init can leave no orphan behind.
 * Either side may send SYNC_ERROR {errnum, text} instead of its next step;
 * the receiver then fails with that text.  The child never prints: its
 * errors travel here and it calls _exit().  */
#ifndef BERTH_RUNTIME_SYNC_H
#define BERTH_RUNTIME_SYNC_H

#include <stdint.h>
#include <sys/types.h>

#include "core/error.h"

enum sync_step {
	SYNC_NONE = 0,
	SYNC_PARENT_DONE,
	SYNC_RUNTIME_HOOKS,
	SYNC_RUNTIME_HOOKS_DONE,
	SYNC_PTY,
	SYNC_READY,
	SYNC_COMMIT,
	SYNC_COMMITTED,
	SYNC_START,
	SYNC_PID,   /* exec into another user ns: the process's pid */
	SYNC_LAYER, /* an image layer's idmapped tree (SCM_RIGHTS) */
	SYNC_ERROR,
	SYNC_STEP_MAX
};

#define SYNC_TEXT_MAX 2048

struct sync_msg {
	uint32_t step;
	int32_t errnum;
	int32_t status; /* SYNC_ERROR: the error's exit status (error.h) */
	int64_t value;	/* a step's number payload (e.g. the host pid) */
	char text[SYNC_TEXT_MAX];
};

const char *sync_step_name(enum sync_step step);

/* One sendmsg(2) of `len` bytes carrying `payload_fd` with SCM_RIGHTS
 * (none when -1), EINTR retried, no SIGPIPE.  Also used for the
 * console socket.  */
ssize_t sync_sendmsg(int fd, const void *data, size_t len, int payload_fd);

/* Send `step` (no payload).  */
int sync_send(int fd, enum sync_step step, struct error **err);

/* Send `step` with a number payload.  */
int sync_send_value(int fd, enum sync_step step, int64_t value, struct error **err);

/* Send `step` carrying one file descriptor (SCM_RIGHTS).  */
int sync_send_fd(int fd, enum sync_step step, int payload_fd, struct error **err);

/* Send an error: text and errno of *cause (child side, before _exit).
 * Never fails visibly: if the socket is gone there is nobody to tell.  */
void sync_send_error(int fd, const struct error *cause);

/* Receive one message and check it is `want`.  A SYNC_ERROR becomes *err
 * with the peer's text; EOF becomes "... exited before <step>".  When
 * `fd_out` is not NULL a passed fd is stored there (else closed).  */
int sync_expect(int fd, enum sync_step want, int *fd_out, struct error **err);

/* sync_expect() returning the step's number payload in *value.  */
int sync_expect_value(int fd, enum sync_step want, int64_t *value, struct error **err);

/* Wait for EOF (the child exec'd) or a SYNC_ERROR.  Returns 0 on EOF.  */
int sync_expect_eof(int fd, struct error **err);

#endif
