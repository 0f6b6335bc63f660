/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/criu_tree.h — what CRIU would leave out of a checkpoint
 * (criu_tree.c), for checkpoint.c.
 *
 * CRIU saves the process tree of the container's init, and nothing else.
 * A process `exec` started joined the container from outside: its parent
 * is the exec'ing berth (or the host's init once that has gone, or a
 * shim), never the container's init, so it is in the container's cgroup
 * and pid namespace but not in that tree.  CRIU 3.17 dumps without it,
 * and says nothing: the image lacks it, and a checkpoint that stops the
 * container kills it with the rest.  berth refuses first, naming it.  */
#ifndef BERTH_RUNTIME_CRIU_TREE_H
#define BERTH_RUNTIME_CRIU_TREE_H

#include <sys/types.h>

#include "cgroups/cgroup.h"
#include "core/error.h"

/* 0 when every process in cg (and its descendants) is init or descends
 * from it; otherwise an error naming the first that does not (pid and
 * command) and how many more there are.  A process that ends while it
 * is looked at is not counted.  */
int criu_tree_check(pid_t init, const struct cg *cg, struct error **err);

#endif
