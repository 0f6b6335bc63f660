/* runtime/wait.h — berth in the foreground: signals and exit status.  */
#ifndef BERTH_RUNTIME_WAIT_H
#define BERTH_RUNTIME_WAIT_H

#include <signal.h>
#include <sys/types.h>

#include "core/error.h"

/* Block every signal berth forwards and return a signalfd for them.
 * Done before the clone, so no signal is lost; the child unblocks.  */
int wait_block_signals(sigset_t *old, struct error **err);

/* Forward signals to the process until it exits; reap other children
 * too (berth is their subreaper).  Returns its wait status.  */
int wait_forward(pid_t pid, int pidfd, int sigfd, int *status,
		 struct error **err);

/* exit code of a wait status: code, or 128+signal */
int wait_exit_code(int status);

#endif
