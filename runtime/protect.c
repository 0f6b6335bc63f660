/* runtime/protect.c — when berth must run from a protected copy of itself
 * (core/selfexe.h explains the attack).
 *
 * Being non-dumpable is not enough: an image whose /bin/sh is a script
 * starting "#!/proc/self/exe" turns the container's own process into the
 * host's berth binary — dumpable, with the container's credentials — and
 * any process there can then reach /proc/<pid>/exe.  So whatever the pid
 * namespace and the capabilities, a container that can write the binary
 * must never meet berth's own file:
 *   - no user namespace of its own (none, or the host's joined by path):
 *     container root is host root: always protected;
 *   - a user namespace it creates: protected when an id mapped into it
 *     could write the file (its owner mapped, e.g. a rootless user's own
 *     ~/bin/berth; its group mapped and group-writable; world-writable);
 *   - a user namespace joined by path: its maps are not ours to read
 *     here, so always protected.
 * Root pays for a detached overlayfs mount, not for a copy (selfexe.c).  */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/capability.h>
#include <sys/stat.h>

#include "core/cleanup.h"
#include "namespaces/ns.h"
#include "runtime/protect.h"

static bool may_ptrace(const struct spec_process *p)
{
	return p != NULL && p->has_capabilities && (p->caps.bounding & (1ULL << CAP_SYS_PTRACE));
}

static bool mapped(const struct spec_idmap *m, size_t n, uint32_t host_id)
{
	for (size_t i = 0; i < n; i++)
		if (host_id >= m[i].host_id && host_id - m[i].host_id < m[i].size)
			return true;
	return false;
}

/* could a process of a new user namespace with these maps write `st`? */
static bool writable_from(const struct spec *spec, const struct stat *st)
{
	const struct spec_linux *l = &spec->linux;

	if (st->st_mode & S_IWOTH)
		return true;
	if (mapped(l->uid_mappings, l->n_uid_mappings, st->st_uid))
		return true;
	return (st->st_mode & S_IWGRP) && mapped(l->gid_mappings, l->n_gid_mappings, st->st_gid);
}

bool protect_needed(const struct spec *spec)
{
	struct stat st;

	if (!ns_creates_userns(spec))
		return true;
	/* unknown file: assume the worst */
	if (stat("/proc/self/exe", &st) < 0)
		return true;
	return writable_from(spec, &st);
}

bool protect_may_ptrace(const struct spec_process *p)
{
	return may_ptrace(p);
}
