/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/apparmor.h — process.apparmorProfile (and `exec --apparmor`):
 * the AppArmor profile the user's process runs under.  */
#ifndef BERTH_RUNTIME_APPARMOR_H
#define BERTH_RUNTIME_APPARMOR_H

#include <stdbool.h>

#include "core/error.h"

/* The kernel has AppArmor on (/sys/module/apparmor/parameters/enabled).  */
bool apparmor_enabled(void);

/* Before anything is set up: AppArmor is on and the profile is loaded
 * (or "unconfined"); errors name the field (what: "process.apparmorProfile"
 * or "--apparmor").  Where the loaded profiles cannot be read (no
 * securityfs) the kernel's own answer at exec time decides.  */
int apparmor_check(const char *what, const char *profile, struct error **err);

/* An fd of the host's procfs root, opened while /proc is still the
 * host's (before the container's mounts, before joining its mount
 * namespace) and checked to be one; -1 with *err on failure.  */
int apparmor_proc_open(struct error **err);

/* Set the calling thread's exec label to the profile, through procfd:
 * the next execve() enters it.  Called before no_new_privs and seccomp. */
int apparmor_exec_label(int procfd, const char *profile, struct error **err);

#endif
