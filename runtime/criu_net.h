/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/criu_net.h — a bridged container (org.berth.network=bridge)
 * through checkpoint and restore (criu_net.c), for checkpoint.c and
 * restore.c.
 *
 * runc leaves a container's network to CNI, which wires a new namespace
 * before `runc restore` gets it as an external one; berth wires its own
 * bridge, so it does the same itself.  At the dump the container's own
 * network namespace is external (runc's key "extRootNetNS", by inode),
 * its /etc/hosts, hostname and resolv.conf are external mounts, and its
 * address goes into the image dir (CRIU_NETWORK).  At the restore berth
 * makes a new network namespace, leases that same address again on the
 * bundle's bridge, wires a veth into it (netns_bridge_setup), writes the
 * /etc files, and hands CRIU the namespace as the inherited external
 * one: CRIU restores the processes and their sockets into it, and an
 * established TCP connection (--tcp-established) goes on from the same
 * address and MAC.  */
#ifndef BERTH_RUNTIME_CRIU_NET_H
#define BERTH_RUNTIME_CRIU_NET_H

#include <stdbool.h>

#include "core/error.h"
#include "netns/netns.h"
#include "runtime/container.h"
#include "runtime/criu.h"
#include "runtime/runtime.h"
#include "spec/spec.h"

/* network in the image dir: the address a bridged container had */

/* Dump: what CRIU is told about a bridged container `c` (nothing for
 * any other), and its address written into the image dir `img`.  */
int criu_net_dump(struct criu_request *r, const struct container *c, int img, struct error **err);

/* The restore's network: once set up, the lease and the namespace fd. */
struct criu_net {
	bool has_lease;
	struct netns_lease lease;
	int netns_fd; /* -1: not bridged */
	/* <state dir>/criu-netfiles: where CRIU binds the /etc files from
	 * ("" when not bridged), and whether their tmpfs is attached there */
	char files_dir[4096];
	bool files_attached;
};

/* Restore into `c` (its state dir made, saved on success): when the
 * bundle's spec asks for a bridge, the checkpoint's address on it, in a
 * new network namespace.  Refused, naming the cause, when the bundle and
 * the image disagree (one bridged, the other not) or the address is
 * taken.  On failure nothing is left (criu_net_undo is a no-op).  */
int criu_net_setup(struct criu_net *n, const struct rt_global *g, const struct spec *spec,
		   struct container *c, int img, struct error **err);

/* Tell CRIU: the namespace as the inherited fd `fd` (CRIU's number) and
 * the /etc files from files_dir.  Nothing when not bridged. */
void criu_net_request(const struct criu_net *n, const struct container *c, struct criu_request *r,
		      int fd);

/* While CRIU runs: the /etc files copied onto a private tmpfs attached
 * on files_dir, which CRIU binds them from, so the restored container's
 * mountinfo shows no host path (as at create: rootfs_stage_etc_files).
 * Attached on the host for as long as CRIU runs, like the root CRIU
 * restores into (restore.c: CRIU 3.17 cannot work in a mount namespace
 * of its own); detached, and files_dir removed, right after.  */
int criu_net_attach_files(struct criu_net *n, const struct container *c, struct error **err);
void criu_net_detach_files(struct criu_net *n, const struct container *c);

/* Delete the veth and release the address (a failed restore); closes
 * nothing (the namespace fd is the caller's once handed to CRIU).  */
void criu_net_undo(struct criu_net *n);

#endif
