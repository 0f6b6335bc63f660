/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/caps.c — bounding, effective/permitted/inheritable and ambient sets.
 *
 * Capabilities named by the config that the running kernel does not know
 * (above cap_last_cap) are left out quietly, as runc and crun do: a config
 * written for a newer kernel must still run.  */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "runtime/caps.h"
#include "core/file.h"

int caps_last_cap(void)
{
	static int last = -1;
	char *buf;

	if (last >= 0)
		return last;
	buf = read_file_or_null(AT_FDCWD, "/proc/sys/kernel/cap_last_cap");
	last = buf != NULL ? atoi(buf) : CAP_LAST_CAP;
	free(buf);
	if (last <= 0 || last > 63)
		last = CAP_LAST_CAP;
	return last;
}

int caps_drop_bounding(const struct caps_plan *plan, struct error **err)
{
	for (int cap = 0; cap <= plan->last; cap++) {
		if (plan->bounding & (1ULL << cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			return error_set(err, errno, "drop %s from the bounding set",
					 spec_capability_name(cap) ? spec_capability_name(cap)
								   : "capability");
	}
	return 0;
}

static int fill_set(cap_t c, cap_flag_t flag, uint64_t mask, int last)
{
	for (int cap = 0; cap <= last; cap++) {
		cap_value_t v = cap;

		if (!(mask & (1ULL << cap)))
			continue;
		if (cap_set_flag(c, flag, 1, &v, CAP_SET) < 0)
			return -1;
	}
	return 0;
}

int caps_plan_make(const struct spec_capabilities *caps, struct caps_plan *plan, struct error **err)
{
	struct spec_capabilities none = {0};

	if (caps == NULL)
		caps = &none;
	plan->last = caps_last_cap();
	plan->bounding = caps->bounding;
	/* the kernel wants ambient caps in permitted and inheritable;
	 * `runc spec` lists ambient ones without inheritable, and runc and
	 * crun only warn (berth warns before the clone, see
	 * runtime/checks.c), so a config written for them still runs: the
	 * others are not even tried */
	plan->ambient = caps->ambient & caps->inheritable & caps->permitted;
	plan->sets = cap_init();
	if (plan->sets == NULL)
		return error_set(err, errno, "capabilities");
	if (fill_set(plan->sets, CAP_EFFECTIVE, caps->effective, plan->last) < 0 ||
	    fill_set(plan->sets, CAP_PERMITTED, caps->permitted, plan->last) < 0 ||
	    fill_set(plan->sets, CAP_INHERITABLE, caps->inheritable, plan->last) < 0)
		return error_set(err, errno, "capabilities: build sets");
	return 0;
}

void caps_plan_clear(struct caps_plan *plan)
{
	if (plan->sets != NULL)
		cap_free(plan->sets);
	plan->sets = NULL;
}

int caps_set(const struct caps_plan *plan, struct error **err)
{
	/* cap_set_proc() is one capset(2) */
	if (cap_set_proc(plan->sets) < 0)
		return error_set(err, errno,
				 "capabilities: set effective/permitted/inheritable "
				 "(effective must be within permitted)");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return error_set(err, errno, "capabilities: clear ambient");
	/* a refusal is not reported: nothing may be logged from here on
	 * (see process.c), and the sets were checked before the clone */
	for (int cap = 0; cap <= plan->last; cap++)
		if (plan->ambient & (1ULL << cap))
			prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0);
	return 0;
}
