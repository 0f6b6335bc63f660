/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/notify.h — sd_notify: the container's own NOTIFY_SOCKET and the
 * relay to the caller's (systemd's Type=notify, podman's
 * --sdnotify=container), as runc does it.
 *
 *   create/run   NOTIFY_SOCKET set: <state dir>/notify/ is made (rootfs
 *                plan) and bound read-only on /run/notify in the
 *                container; the init's process gets
 *                NOTIFY_SOCKET=/run/notify/notify.sock instead of any
 *                value the config has.  `exec` gets neither.
 *   start/run    binds notify.sock there before the process runs, and
 *                relays what the container sends to the caller's socket:
 *                the READY=1 datagram (with MAINPID= of the init, or of
 *                berth for a foreground run) and STATUS=, ERRNO=, ...;
 *                never the container's own MAINPID= nor any fd.
 *   start, run -d  return only once READY=1 is relayed (and systemd has
 *                read it: BARRIER=1), or fail when the container exits
 *                before it sends READY=1.
 *   run          in the foreground relays for as long as it runs.
 * The socket dir goes with the state dir on delete.
 *
 * podman's --sdnotify=container (4.x, with conmon) gives the runtime no
 * NOTIFY_SOCKET at all: conmon binds <bundle>/notify/notify.sock and
 * relays to podman's socket, podman binds <bundle>/notify on /run/notify
 * and puts NOTIFY_SOCKET=/run/notify/notify.sock in process.env.  runc and
 * crun then let `podman run -d` return before READY=1.  berth takes that
 * socket for the caller's (notify_bundle_socket): the container gets its
 * own socket on /run/notify as above, `create` records conmon's socket in
 * the state dir (NOTIFY_RECORD_NAME), and `start` (no NOTIFY_SOCKET)
 * relays to it and returns after READY=1, so podman does too.  */
#ifndef BERTH_RUNTIME_NOTIFY_H
#define BERTH_RUNTIME_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

#include "core/error.h"

/* where the container finds its socket (runc's layout) */
#define NOTIFY_DIR_IN_CONTAINER	   "/run/notify"
#define NOTIFY_SOCKET_IN_CONTAINER "/run/notify/notify.sock"
/* in the container's state dir */
#define NOTIFY_DIR_NAME		   "notify"
/* the caller's socket taken from the bundle, for `start` */
#define NOTIFY_RECORD_NAME	   "notify-caller"

struct spec;

/* The caller's NOTIFY_SOCKET: NULL when unset or empty.  */
const char *notify_caller_socket(void);

/* Check the caller's NOTIFY_SOCKET: an absolute path or "@name"
 * (abstract), short enough for a unix socket address.  */
int notify_check_caller(const char *value, struct error **err);

/* The socket podman's conmon listens on for this container, when the
 * config is podman's --sdnotify=container layout: process.env holds
 * NOTIFY_SOCKET=/run/notify/notify.sock, a bind mount puts `bundle`/notify
 * (the very dir) on /run/notify, and `bundle`/notify/notify.sock is a
 * socket.  Its host path (malloc'd; it may be longer than a socket
 * address holds), or NULL.  Only a dir of the bundle qualifies: what the
 * image's Env says never sends berth's messages elsewhere.  */
char *notify_bundle_socket(const struct spec *spec, const char *bundle);

struct notify_relay {
	int sock;		 /* the container's socket, bound in the state dir, or -1 */
	int caller;		 /* connected to the caller's NOTIFY_SOCKET, or -1 */
	const char *caller_name; /* for messages */
	pid_t mainpid;		 /* sent as MAINPID= with READY=1 */
	bool ready;		 /* READY=1 relayed */
};

/* -1 fds: nothing to close */
void notify_relay_init(struct notify_relay *r);

/* Bind <state dir>/notify/notify.sock (made anew) and connect to the
 * caller's socket `caller` (an absolute path longer than a socket
 * address is reached through its dir).  A container created without NOTIFY_SOCKET
 * has no notify dir: *r stays closed and this succeeds.  */
int notify_relay_open(struct notify_relay *r, int state_dir_fd, const char *caller,
		      struct error **err);

static inline bool notify_relay_active(const struct notify_relay *r)
{
	return r->sock >= 0;
}

/* The lines of a datagram the container sent that go on to the caller
 * (READY=, STATUS=, ERRNO=, ...; never MAINPID= nor the fd store's),
 * each ending in a newline, into `out` of `size` bytes, NUL-terminated;
 * a line that does not fit is left out.  *ready: one was READY=1.
 * Returns the length written.  */
size_t notify_filter_message(const char *in, size_t len, char *out, size_t size, bool *ready);

/* Relay one datagram the container sent, if there is one: 1 relayed
 * (r->ready tells whether it held READY=1), 0 none waiting.  */
int notify_relay_pump(struct notify_relay *r, struct error **err);

/* start, run -d: relay until READY=1.  `pidfd` is the init's: its exit
 * first fails with "container exited before it sent READY=1".  */
int notify_relay_wait_ready(struct notify_relay *r, int pidfd, struct error **err);

void notify_relay_close(struct notify_relay *r);

#endif
