/* SPDX-License-Identifier: Apache-2.0 */
/* netns/netns.h — berth's built-in container networking.
 *
 * runc and crun leave networking to CNI; berth wires a veth pair itself for
 * `berth sandbox --network bridge` and for bundles that ask for it.  All of
 * it is plain rtnetlink (netns/nl.c): no `ip`, no iptables, no CNI.
 *
 * The bridge network is host-local: containers on one bridge reach each
 * other and the host (the bridge carries the gateway address), nothing is
 * masqueraded, and no DNS server is provided.
 *
 *   host netns                          container netns
 *   berth0 (10.90.0.1/16, up)
 *     └── vb3f2a1c9d04 (up) <─ veth ─> eth0 (10.90.0.2/16, up), lo (up)
 *                                       default via 10.90.0.1
 *
 * The bridge is shared and outlives its containers (like docker0 or cni0):
 * berth creates it on first use and never deletes it.  Everything else is
 * per container and undone on failure and on teardown.
 *
 * Addresses come from a file-locked allocator (netns/ipam.h) keyed by the
 * network namespace the bridge lives in and by the bridge name, so call
 * netns_bridge_setup() and netns_teardown() from the same network namespace
 * (berth's own).  */
#ifndef BERTH_NETNS_NETNS_H
#define BERTH_NETNS_NETNS_H

#include "core/error.h"

/* The defaults.  10.90.0.0/16 keeps clear of docker (172.17.0.0/16) and
 * podman (10.88.0.0/16, then 10.89.x.0/24 for extra networks), so berth can
 * share a host with them without two bridges routing the same prefix.  */
#define NETNS_DEFAULT_BRIDGE   "berth0"
#define NETNS_DEFAULT_SUBNET   "10.90.0.0/16"
#define NETNS_DEFAULT_MTU      1500
#define NETNS_CONTAINER_IFNAME "eth0"

enum netns_mode {
	NETNS_NONE,   /* new netns with only lo (netns_loopback_up) */
	NETNS_HOST,   /* no new netns: nothing to do here */
	NETNS_BRIDGE, /* new netns wired to a bridge (netns_bridge_setup) */
	NETNS_JOIN,   /* join an existing netns path: nothing to do here */
	NETNS_PASTA,  /* new netns, outbound traffic through pasta (pasta.h) */
};

struct netns_request {
	enum netns_mode mode;	/* must be NETNS_BRIDGE for setup */
	const char *id;		/* container id: the host veth name derives
				   from it ("vb" + 10 hex digits of a hash) */
	const char *bridge;	/* NULL -> NETNS_DEFAULT_BRIDGE */
	const char *subnet;	/* IPv4 CIDR, prefix 8..30, host bits clear;
				   NULL -> NETNS_DEFAULT_SUBNET */
	unsigned int mtu;	/* 0 -> the existing bridge's MTU, else 1500 */
	const char *ipam_dir;	/* NULL -> netns_ipam_default_dir() */
	const char *state_root; /* berth's state root (required): a lease
				   whose <state_root>/<id> is gone is stale */
	const char *address;	/* NULL -> the lowest free address; else
				   this one or an error naming its holder
				   (a restore takes back its address) */
};

/* What the runtime saves in its state file and passes back for teardown. */
struct netns_lease {
	char bridge[16], host_ifname[16];
	char address[46];    /* "10.90.0.2" */
	unsigned int prefix; /* 16 */
	char gateway[46];    /* "10.90.0.1" */
	char mac[18];	     /* "02:62:0a:5a:00:02": container eth0 */
};

/* Parent side, once the container's network namespace exists
 * (netns_fd = open("/proc/PID/ns/net")), called from berth's own netns.
 * In order: lease an address (first, so the subnet is checked before the
 * bridge is touched and the MAC is known when the veth is created);
 * create or reuse the bridge (gateway = first host of the subnet, up);
 * create the veth pair in one request, the host end attached to the bridge
 * and up, the peer born inside the container netns as eth0 with the MTU
 * and a MAC derived from the address; then inside the container netns put
 * the address on eth0, bring lo and eth0 up and add the default route via
 * the gateway.  On failure everything but the shared bridge is undone.
 * netns_fd stays open (the caller owns it).  Errors read
 * "netns: add veth \"vb3f2a1c9d04\": File exists"; one is EEXIST when a
 * veth for this id is still there (a setup of the same id not torn down). */
int netns_bridge_setup(const struct netns_request *req, int netns_fd, struct netns_lease *lease,
		       struct error **err);

/* Bring lo up inside the given netns (mode none); netns_fd -1: the
 * caller's own (the container init does it itself, which also works in
 * a rootless user namespace, where the parent may not enter the netns).  Also done by
 * netns_bridge_setup().  */
int netns_loopback_up(int netns_fd, struct error **err);

/* Delete the host veth end if it still exists and release the address.
 * Idempotent: fine after a kill -9 of the container (the veth may already
 * be gone with its netns) and when called twice.  Only deletes a veth of
 * the lease's name, and only releases the address if its lease file still
 * names that veth (it may have been reclaimed by another container since).
 * ipam_dir NULL -> netns_ipam_default_dir().  */
int netns_teardown(const struct netns_lease *lease, const char *ipam_dir, struct error **err);

/* Contents for the container's /etc/hosts, /etc/hostname and
 * /etc/resolv.conf (the runtime writes them into the writable layer).
 * The caller frees the result.  netns_hosts_file() and
 * netns_hostname_file() return NULL with errno EINVAL for a hostname that
 * is not a plain RFC 1123 name (a space or newline would forge entries).
 * In /etc/hosts the hostname maps to the lease's address, or to 127.0.1.1
 * when lease is NULL; a NULL hostname leaves only the localhost lines. */
char *netns_hosts_file(const struct netns_lease *lease, const char *hostname);
char *netns_hostname_file(const char *hostname);

/* The bridge network has no DNS server and berth sends nothing outside:
 * resolv.conf names the container's own loopback (where nothing listens,
 * so a lookup fails at once with "connection refused" instead of timing
 * out) and names come from /etc/hosts.  A runtime that wants outside DNS
 * copies the host's resolv.conf instead.  */
char *netns_resolv_conf(void);

/* Write the three files (hosts, hostname, resolv.conf: the names
 * rootfs_etc_files lists for the binds) into dirfd (each replaced atomically), with the
 * container's hostname and the lease's address (NULL: 127.0.1.1).  The
 * error names the file.  */
int netns_write_etc_files(int dirfd, const struct netns_lease *lease, const char *hostname,
			  struct error **err);

#endif
