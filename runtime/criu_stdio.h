/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/criu_stdio.h — the init's stdio as CRIU names it (criu_stdio.c),
 * for create, checkpoint and restore.
 *
 * A checkpoint tells CRIU which of the container's files are the
 * caller's: a pipe of containerd's ("pipe:[N]"), a log file or /dev/null
 * of the host's ("file[MNT:INO]", CRIU's key for an external file, which
 * lies on a mount the container does not have).  descriptors.json keeps
 * them by fd number, and a restore hands its own fd of that number to
 * CRIU under that key (runc's scheme).
 *
 * The names are taken when the init is made, before it runs the user's
 * process, and kept in the state: read at checkpoint time they could be
 * wrong.  A shell moves its stdout away for a moment on every `echo
 * >>log` (dash keeps the caller's file at fd 10 while fd 1 is the log),
 * and a process may `exec >file` for good; CRIU finds an external file by
 * its key wherever it now sits, so the key must be that of the file the
 * caller gave.  A restore records the names of its own fds it handed
 * over, so the container can be checkpointed again.  */
#ifndef BERTH_RUNTIME_CRIU_STDIO_H
#define BERTH_RUNTIME_CRIU_STDIO_H

#include <stdbool.h>
#include <sys/types.h>

#include "spec/state.h"

/* the name of fd of pid: "pipe:[N]" (or what else the kernel calls a
 * file that is not on a mount), "file[MNT:INO]" for a file or device of
 * the caller's, the path of a terminal (/dev/pts/N: CRIU's to restore);
 * NULL if it is not open */
char *criu_stdio_name(pid_t pid, int fd);

/* a name the restore hands back by key: a pipe or an external file */
bool criu_stdio_external(const char *name);

/* st->stdio: the names of pid's fds 0, 1 and 2 ("" for one not open) */
void criu_stdio_record(struct spec_state *st, pid_t pid);

#endif
