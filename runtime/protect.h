/* runtime/protect.h — the CVE-2019-5736 policy (see protect.c).  */
#ifndef BERTH_RUNTIME_PROTECT_H
#define BERTH_RUNTIME_PROTECT_H

#include <stdbool.h>

#include "spec/spec.h"

/* berth must run from a protected copy before it sets up, joins or
 * waits beside a container of this config */
bool protect_needed(const struct spec *spec);

/* the process's bounding set allows CAP_SYS_PTRACE */
bool protect_may_ptrace(const struct spec_process *p);

#endif
