/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/fault.h — test-only fault injection.
 *
 * With BERTH_FAULT_STEP=<name> in its environment, berth kills itself with
 * SIGKILL when it reaches that named step, so the tests can prove that a
 * berth dying at any point of `create` leaves nothing `delete --force`
 * cannot clean up.  The steps: state-dir, cgroup-made, cgroup, fifo, clone,
 * network, ready, state; and exec-child, where exec's child has joined the
 * container's namespaces (the child is killed there, not berth).  Without
 * the variable this is one cached getenv().  */
#ifndef BERTH_RUNTIME_FAULT_H
#define BERTH_RUNTIME_FAULT_H

void fault_point(const char *step);

#endif
