/* runtime/protect.h — the CVE-2019-5736 policy (see protect.c).  */
#ifndef BERTH_RUNTIME_PROTECT_H
#define BERTH_RUNTIME_PROTECT_H

#include <stdbool.h>

#include "spec/spec.h"

/* berth must run from a sealed copy for this config (and, for exec, the
 * extra process) */
bool protect_needed(const struct spec *spec, const struct spec_process *extra);

/* the container's pid namespace is shared (joined, or the host's) */
bool protect_shared_pidns(const struct spec *spec);

/* the process's bounding set allows CAP_SYS_PTRACE */
bool protect_may_ptrace(const struct spec_process *p);

#endif
