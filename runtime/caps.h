/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/caps.h — capability sets of the container process (libcap).  */
#ifndef BERTH_RUNTIME_CAPS_H
#define BERTH_RUNTIME_CAPS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "spec/spec.h"

/* Highest capability the running kernel knows (/proc/sys/kernel/cap_last_cap). */
int caps_last_cap(void);

/* Drop every capability not in `bounding` from the bounding set.
 * Needs CAP_SETPCAP: call while still root with full capabilities.  */
int caps_drop_bounding(uint64_t bounding, struct error **err);

/* Set effective, permitted and inheritable sets, then raise the ambient
 * ones.  Call after setresuid() with PR_SET_KEEPCAPS (which keeps the
 * permitted set across the uid change).  */
int caps_apply(const struct spec_capabilities *caps, struct error **err);

#endif
