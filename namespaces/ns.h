/* SPDX-License-Identifier: Apache-2.0 */
/* namespaces/ns.h — creating, joining and mapping namespaces.
 *
 * Order matters and is decided here (see ns.c for the reasons):
 *  - creating: every new namespace but cgroup and time comes from the
 *    clone3() flags, so the user namespace is created first and owns the
 *    rest; cgroup and time are unshared later by the child (ns_unshare_late)
 *  - joining (linux.namespaces[].path): all paths are opened before the
 *    first setns(); the user namespace is joined last, since joining it
 *    first would drop the host privileges needed to join the others.  */
#ifndef BERTH_NAMESPACES_NS_H
#define BERTH_NAMESPACES_NS_H

#include <stdbool.h>
#include <sys/types.h>

#include "core/error.h"
#include "spec/spec.h"

/* CLONE_NEW* flags for clone3: namespaces the spec asks to create,
 * except cgroup and time (created after the child is in its cgroup and
 * has written its clock offsets).  */
unsigned long long ns_clone_flags(const struct spec *spec);

/* true when the spec creates a new user namespace */
bool ns_creates_userns(const struct spec *spec);

/* the spec asks for a new namespace of this type (present, no path) */
bool ns_new(const struct spec *spec, enum spec_ns ns);

/* the spec joins an existing namespace of this type (a path is given) */
bool ns_joined(const struct spec *spec, enum spec_ns ns);

/* Parent side: write /proc/PID/{uid_map,setgroups,gid_map} for a child
 * in a new user namespace.  Uses newuidmap/newgidmap when an unprivileged
 * caller asks for more than its own id; names the missing /etc/subuid
 * range when that cannot work.  */
int ns_write_idmaps(pid_t pid, const struct spec *spec, struct error **err);

/* A user namespace with these mappings, as an fd: what
 * mount_setattr(MOUNT_ATTR_IDMAP) takes to idmap a mount (a bind mount of
 * the container's, an image layer).  A short-lived child is cloned into a
 * new user namespace, mapped as ns_write_idmaps() maps an init's, its
 * namespace opened, and the child reaped.  O_CLOEXEC; -1 on error.  */
int ns_userns_fd(const struct spec_idmap *uids, size_t n_uids, const struct spec_idmap *gids,
		 size_t n_gids, struct error **err);

/* Parent side, before clone3: the pid and time namespaces given by path
 * are entered by the parent (setns only changes what its *children* get),
 * so the child is born in them.  */
int ns_join_for_children(const struct spec *spec, struct error **err);

/* Child side: setns() into every namespace given by path except pid and
 * time (already handled by the parent).  */
int ns_join(const struct spec *spec, struct error **err);

/* Child side, once in its cgroup: new cgroup namespace (rooted at the
 * container cgroup) and new time namespace with the spec's offsets; the
 * process enters the time namespace at execve().  */
int ns_unshare_late(const struct spec *spec, struct error **err);

/* Host uid/gid that the container's root (id 0) maps to; the uid itself
 * when there is no user namespace.  */
uid_t ns_host_uid(const struct spec *spec, uid_t container_uid);
gid_t ns_host_gid(const struct spec *spec, gid_t container_gid);

#endif
