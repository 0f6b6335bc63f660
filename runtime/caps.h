/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/caps.h — capability sets of the container process (libcap).
 *
 * In two steps, because a seccomp filter may have to be loaded between
 * them (runtime/process.c): caps_plan_make() reads the kernel's last
 * capability and builds the sets (it allocates); caps_drop_bounding()
 * and caps_set() then make only prctl(2) and capset(2) calls.  */
#ifndef BERTH_RUNTIME_CAPS_H
#define BERTH_RUNTIME_CAPS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/capability.h>

#include "core/error.h"
#include "spec/spec.h"

/* Highest capability the running kernel knows (/proc/sys/kernel/cap_last_cap). */
int caps_last_cap(void);

struct caps_plan {
	cap_t sets;	   /* effective, permitted, inheritable */
	uint64_t bounding; /* kept in the bounding set */
	uint64_t ambient;  /* raised: those also inheritable and permitted */
	int last;	   /* caps_last_cap() */
};

/* Build the plan for `caps` (NULL: no capabilities at all).  */
int caps_plan_make(const struct spec_capabilities *caps, struct caps_plan *plan,
		   struct error **err);
void caps_plan_clear(struct caps_plan *plan);

/* Drop every capability not in plan->bounding from the bounding set.
 * Needs CAP_SETPCAP: call while still root with full capabilities.  */
int caps_drop_bounding(const struct caps_plan *plan, struct error **err);

/* Set effective, permitted and inheritable sets, then raise the ambient
 * ones.  Call after setresuid() with PR_SET_KEEPCAPS (which keeps the
 * permitted set across the uid change).  */
int caps_set(const struct caps_plan *plan, struct error **err);

#endif
