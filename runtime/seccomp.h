/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/seccomp.h — the container's seccomp filter (libseccomp).  */
#ifndef BERTH_RUNTIME_SECCOMP_H
#define BERTH_RUNTIME_SECCOMP_H

#include <stdbool.h>

#include "core/error.h"
#include "spec/spec.h"

/* Build and load the filter.  `nnp` is the config's noNewPrivileges:
 * libseccomp would otherwise set no_new_privs on its own.  Syscall names
 * unknown to libseccomp are skipped (profiles list newer syscalls).  */
int seccomp_apply(const struct spec_seccomp *sc, bool nnp, struct error **err);

#endif
