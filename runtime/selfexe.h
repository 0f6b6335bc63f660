/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/selfexe.h — running berth from a copy of itself that no container
 * can write (CVE-2019-5736).
 *
 * Until it execs, a container's init (and an exec'd process) runs berth's
 * own image, and so may the process after it: an image whose /bin/sh
 * starts with "#!/proc/self/exe" makes the kernel load, as the container's
 * process, the very file /proc/self/exe names — the berth binary on the
 * host.  Any process of the container with the same credentials can then
 * open /proc/<pid>/exe and, once no berth keeps it busy, write the host's
 * berth.  So berth re-executes itself, before it sets anything up, from a
 * file the container cannot write:
 *   - a private, detached, read-only overlayfs mount of the directory that
 *     holds the binary (root only; no copy: a lower-only overlay has no
 *     upper layer, so no remount can ever make it writable; its second,
 *     spare layer is the state root, or /dev where the two are nested), or
 *   - a sealed memfd copy (anyone; costs a copy of the binary).
 * root's common case is taken earlier still, at the entry point before
 * the C library starts (cmd/early.c): then the process calling
 * selfexe_protect() already runs from the overlay.
 * Root pays for a mount, not a copy; an unprivileged user for the copy —
 * unless the binary is out of its containers' reach: an ordinary user (no
 * capability, initial user namespace) whose containers hold only its uid
 * and its subordinate uids (none of them 0) cannot write a binary that is
 * root's, writable by no group or other, with no set-id bit, file
 * capability or ACL, on a local filesystem that enforces its mode (not
 * NFS, CIFS or FUSE), and that the filesystem itself refuses this user
 * to write; that binary runs as it is (no re-exec), and says so in the
 * debug log.  So does root's sandbox job in a user namespace of its own
 * (selfexe_job_cannot_write).  */
#ifndef BERTH_RUNTIME_SELFEXE_H
#define BERTH_RUNTIME_SELFEXE_H

#include <stdbool.h>

#include "core/error.h"
#include "namespaces/subid.h"

/* main() hands over its argv (needed to run the same command again). */
void selfexe_init(char **argv);

/* true when this berth already runs from a protected copy, or needs none */
bool selfexe_is_protected(void);

/* true only when it runs from a copy (the overlay or the memfd): what a
 * created container's state records as "sealed" */
bool selfexe_runs_copy(void);

/* A sandbox job, as root, in a user namespace of its own that maps the
 * host ids `job` gives (none of them root's: not the caller's own either):
 * when the binary is root's plain file (as for out_of_reach above, but
 * root may write it), none of the job's processes can write it, whatever
 * they run — so no copy is needed, none is made, this process counts as
 * protected and the debug log says why.  false: call selfexe_protect().
 * Only the job's own processes are considered: a sandbox runs nothing
 * else in its namespaces.  It relies on the init's order (init.c,
 * become_root): until the init takes the range's root, its host uid is
 * still 0 — the binary's owner, whatever namespace it is in — so nothing
 * of the job's may run or reach it before then (no hook, no joined pid
 * or user namespace: the sandbox's config makes them new).  */
bool selfexe_job_cannot_write(const struct ns_subid_map *job);

/* Re-exec from a protected copy; returns 0 at once when already
 * protected, -1 with *err on failure, and never returns on success.
 * `spare_dir`: an existing directory (the state root) that overlayfs
 * takes as its second, empty-or-not lower layer (/dev, /run or /tmp where
 * it and the binary's directory are nested); NULL to go straight to the
 * memfd copy.  */
int selfexe_protect(const char *spare_dir, struct error **err);

#endif
