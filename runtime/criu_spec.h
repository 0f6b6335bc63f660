/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/criu_spec.h — a container's config, described to CRIU
 * (criu_spec.c), for checkpoint.c and restore.c.  */
#ifndef BERTH_RUNTIME_CRIU_SPEC_H
#define BERTH_RUNTIME_CRIU_SPEC_H

#include <sys/types.h>

#include "cgroups/cgroup.h"
#include "core/error.h"
#include "runtime/criu.h"
#include "spec/spec.h"

/* descriptors.json in the image dir: what the init's fds 0-2 were */
#define CRIU_DESCRIPTORS "descriptors.json"

/* netns in the image dir: the inode of the network namespace the
 * container joined, when it joined one (written by a dump that ends the
 * container, whose network lock then stands in it) */

/* Dump: bind mounts, masked files and device nodes (linux.devices, and
 * in a new user namespace the default ones, all bound from the host
 * there) as external mounts
 * (of the init `pid`).  Restore: each key bound from its host source
 * (a relative source is in `bundle`).  Without a cgroup namespace the
 * cgroup directories bound on a cgroup mount are external too, from `cg`
 * (the container's at dump, the restored one's at restore; NULL: none). */
void criu_spec_dump_mounts(struct criu_request *r, const struct spec *spec, pid_t pid,
			   const struct cg *cg);
void criu_spec_restore_mounts(struct criu_request *r, const struct spec *spec, const char *bundle,
			      const struct cg *cg);

/* Dump: a joined network or pid namespace is external, by inode.
 * Restore: those two are passed as inherited fds (opened into fds[],
 * which CRIU gets as first, first + 1, ...), the others joined by path. */
int criu_spec_dump_namespaces(struct criu_request *r, const struct spec *spec, struct error **err);
int criu_spec_restore_namespaces(struct criu_request *r, const struct spec *spec, int first,
				 int *fds, size_t *n_fds, struct error **err);

/* The inode of the network namespace the config joins (linux.namespaces
 * path); 0: it joins none.  */
int criu_spec_netns_inode(const struct spec *spec, unsigned long long *ino, struct error **err);

/* The network lock a dump leaves in a joined network namespace.  CRIU
 * locks the container's network at dump (iptables: all traffic but its
 * own dropped, so no peer sees a reset) and unlocks it at the end of the
 * restore.  With an empty network namespace (runc's --empty-ns network,
 * berth's too) the restore takes the lock again "by hand", as the dump's
 * died with the old namespace: right for a new namespace, but a joined
 * one that outlived the dump still has the dump's lock, and a second one
 * leaves a rule the unlock cannot remove (the connection stays dropped).
 * True when the restore joins the very namespace the dump recorded in
 * `img`'s CRIU_NETNS.  */
bool criu_spec_netns_still_locked(const struct spec *spec, int img);

#endif
