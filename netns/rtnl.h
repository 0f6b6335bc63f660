/* SPDX-License-Identifier: Apache-2.0 */
/* netns/rtnl.h — the rtnetlink requests berth makes, one function each:
 * look a link up, create a bridge or a veth pair, bring a link up, delete
 * it, add an IPv4 address and a default route.  Internal to netns/.
 * IPv4 addresses are host-order uint32_t throughout.  Each returns 0, or
 * -1 with errno set and err filled ("add veth \"vb3f2a1c9d04\": File
 * exists").  */
#ifndef BERTH_NETNS_RTNL_H
#define BERTH_NETNS_RTNL_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "netns/nl.h"

struct netns_link {
	int index;     /* 0: there is no such link */
	char kind[16]; /* IFLA_INFO_KIND: "bridge", "veth" ...; ""
				   for links without one (lo, hardware) */
	unsigned int mtu;
	int master;	    /* ifindex of the bridge it is attached to */
	unsigned int flags; /* IFF_* */
};

/* Look a link up by name; a missing link is not an error (index 0). */
int netns_link_get(struct netns_nl *nl, const char *name, struct netns_link *link,
		   struct error **err);

/* Create a bridge, up, with a fixed MAC: a bridge otherwise takes the
 * lowest MAC of its ports and changes it as containers come and go, which
 * leaves stale gateway entries in the containers' ARP caches.  */
int netns_bridge_add(struct netns_nl *nl, const char *name, unsigned int mtu, const uint8_t mac[6],
		     struct error **err);

struct netns_veth {
	const char *name; /* host end: created up, attached to master */
	int master;	  /* bridge ifindex */
	const char *peer; /* container end: born in peer_netns_fd, so
				   it never appears in the host netns */
	int peer_netns_fd;
	const uint8_t *peer_mac;
	unsigned int mtu; /* both ends */
};

/* One request creates both ends; if any part fails the kernel removes
 * both, so there is nothing to undo.  */
int netns_veth_add(struct netns_nl *nl, const struct netns_veth *veth, struct error **err);

int netns_link_up(struct netns_nl *nl, int index, const char *name, struct error **err);

/* Delete by index (looked up just before, so a name that changed owner in
 * between is never hit).  Deleting either end of a veth deletes both.  */
int netns_link_del(struct netns_nl *nl, int index, const char *name, struct error **err);

/* Add addr/prefix (with its broadcast address).  replace: an identical
 * address already there is fine (a reused bridge), else it is EEXIST. */
int netns_addr_add(struct netns_nl *nl, int index, const char *ifname, uint32_t addr,
		   unsigned int prefix, bool replace, struct error **err);

/* default via gw dev <index>, in the main table */
int netns_route_add_default(struct netns_nl *nl, int index, const char *ifname, uint32_t gw,
			    struct error **err);

#endif
