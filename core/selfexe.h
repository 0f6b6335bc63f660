/* core/selfexe.h — running berth from a sealed in-memory copy of itself.
 *
 * Until it execs, a container's init (and an exec'd process) is berth's
 * own image: /proc/<pid>/exe is the berth binary on the host.  A process
 * of the container that may ptrace it could open that link and, once no
 * berth runs any more, write the host's berth binary (CVE-2019-5736).
 * Inits are made non-dumpable, which stops every process without
 * CAP_SYS_PTRACE in the host user namespace.  For containers whose
 * processes may hold it (no user namespace, CAP_SYS_PTRACE allowed),
 * berth first re-executes itself from a sealed memfd copy: /proc/<pid>/exe
 * then names a file no one can write.  runc and crun always do this; berth
 * does it only where the threat exists.  */
#ifndef BERTH_CORE_SELFEXE_H
#define BERTH_CORE_SELFEXE_H

#include <stdbool.h>

#include "core/error.h"

/* main() hands over its argv (needed to run the same command again). */
void selfexe_init(char **argv);

/* true when this berth already runs from a sealed copy */
bool selfexe_is_sealed(void);

/* Re-exec from a sealed memfd copy; returns 0 at once when already
 * sealed, -1 with *err on failure, and never returns on success.  */
int selfexe_seal(struct error **err);

#endif
