/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/console.h — the container's terminal.
 *
 * The pty is allocated inside the container (its devpts, after
 * pivot_root); the slave becomes the process's stdio, controlling
 * terminal and /dev/console; the master travels to berth over the sync
 * socket, and from there either to the caller's --console-socket or into
 * berth's own proxy loop (`run` in the foreground).  */
#ifndef BERTH_RUNTIME_CONSOLE_H
#define BERTH_RUNTIME_CONSOLE_H

#include <stdbool.h>
#include <sys/types.h>

#include "core/error.h"
#include "spec/spec.h"

/* Child: open /dev/ptmx, size the terminal, bind the slave over
 * /dev/console (when `console_mount`), make it stdio and the controlling
 * terminal.  Returns the master fd.  */
int console_setup(const struct spec_process *p, bool console_mount, struct error **err);

/* Parent: send the master over an AF_UNIX stream socket at `path`: one
 * sendmsg, one SCM_RIGHTS fd, the pty name as payload (as runc does).  */
int console_send(const char *path, int master, struct error **err);

/* Give `to` (a pty master) the window size of `from` (the caller's
 * terminal); the kernel signals SIGWINCH only when the size changes.  */
void console_copy_winsize(int from, int to);

struct wait_ctx;
enum wait_end;

/* Parent (`run -t` in the foreground): copy stdin to the master and the
 * master to stdout until the wait is over (see wait_forward), keeping the
 * window size in step (SIGWINCH).  */
int console_proxy(int master, struct wait_ctx *w, int *status, enum wait_end *end, int *stop_sig,
		  struct error **err);

#endif
