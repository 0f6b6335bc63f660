/* SPDX-License-Identifier: Apache-2.0 */
/* netns/ipam.h — the address allocator of the bridge network.
 *
 * One directory per (network namespace, bridge):
 *   <ipam_dir>/netns-<cookie of our netns>/<bridge>/     (host netns: 1)
 *       lock          flock(LOCK_EX) held for every allocation and release
 *       subnet        "10.90.0.0/16": the subnet this bridge was set up with
 *       10.90.0.2     one lease file per address in use:
 *                       id=<container id>
 *                       state_root=<berth state root>
 *                       ifname=<host veth name>
 * The netns is part of the key because a bridge name is only unique
 * within its netns: two netnses (e.g. parallel tests) each have their own
 * "berth0" and their own address space.  The key is the netns cookie
 * (SO_NETNS_COOKIE, never reused while the machine is up), or on kernels
 * before 5.14 "netns-inode-<inode of /proc/self/ns/net>".
 *
 * A crashed berth leaks nothing for long: when allocating, a lease whose
 * <state_root>/<id> no longer exists is stale and is handed out again.
 * Internal to netns/ (and its unit test).  */
#ifndef BERTH_NETNS_IPAM_H
#define BERTH_NETNS_IPAM_H

#include <stdint.h>

#include "core/error.h"
#include "netns/names.h"

/* /run/berth/net for root, else $XDG_RUNTIME_DIR/berth/net.  Caller frees. */
char *netns_ipam_default_dir(struct error **err);

/* The database directory of a bridge in the calling thread's netns.  */
char *netns_ipam_db_path(const char *ipam_dir, const char *bridge, struct error **err);

/* Who holds a lease.  state_root must be absolute: every berth process,
 * whatever its working directory, must see the same <state_root>/<id>. */
struct netns_ipam_owner {
	const char *id;
	const char *state_root;
	const char *ifname;
};

/* Lease the lowest free (or stale) address of the subnet above the
 * gateway.  Fails if the bridge's database records another subnet. */
int netns_ipam_alloc(const char *ipam_dir, const char *bridge, const struct netns_subnet *subnet,
		     const struct netns_ipam_owner *owner, uint32_t *addr, struct error **err);

/* Lease exactly addr (a restore takes back the address it was
 * checkpointed with): EADDRINUSE naming the holder when another live
 * container has it, EADDRNOTAVAIL when it is not a host of the subnet
 * above the gateway.  */
int netns_ipam_claim(const char *ipam_dir, const char *bridge, const struct netns_subnet *subnet,
		     const struct netns_ipam_owner *owner, uint32_t addr, struct error **err);

/* Drop the lease of addr if its file still names ifname (after a stale
 * reclaim it belongs to someone else and is left alone).  A missing lease
 * or database is fine: release is idempotent.  */
int netns_ipam_release(const char *ipam_dir, const char *bridge, uint32_t addr, const char *ifname,
		       struct error **err);

#endif
