/* runtime/protect.c — when berth must run from a sealed copy of itself
 * (core/selfexe.h explains the attack).  Every init and exec'd process is
 * non-dumpable, which stops any attacker without CAP_SYS_PTRACE in the
 * host's user namespace.  So the copy is needed only when a process that
 * can see ours may hold that capability:
 *   - a new user namespace: never (its capabilities are not the host's)
 *   - CAP_SYS_PTRACE allowed by the container's or the exec's bounding set
 *   - a pid namespace shared with others (joined, or the host's): its other
 *     processes may have it, whatever this config says
 * A foreground `run` in a new pid namespace is always safe: nothing else
 * lives in that namespace before the init has exec'd (an exec waits for
 * the state lock, held until then).  */
#define _GNU_SOURCE
#include <linux/capability.h>

#include "namespaces/ns.h"
#include "runtime/protect.h"

static bool may_ptrace(const struct spec_process *p)
{
	return p != NULL && p->has_capabilities && (p->caps.bounding & (1ULL << CAP_SYS_PTRACE));
}

bool protect_shared_pidns(const struct spec *spec)
{
	return !ns_new(spec, SPEC_NS_PID);
}

bool protect_needed(const struct spec *spec, const struct spec_process *extra)
{
	if (ns_creates_userns(spec))
		return false;
	return may_ptrace(spec->process) || may_ptrace(extra) || protect_shared_pidns(spec);
}

bool protect_may_ptrace(const struct spec_process *p)
{
	return may_ptrace(p);
}
