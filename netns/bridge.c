/* SPDX-License-Identifier: Apache-2.0 */
/* netns/bridge.c — the bridge network of a container, end to end: turning
 * a request into a plan, the setup checklist with its undo, teardown, and
 * loopback-only networking.  The messages: rtnl.c; addresses: ipam.c.  */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cleanup.h"
#include "core/mem.h"
#include "core/log.h"
#include "netns/ipam.h"
#include "netns/names.h"
#include "netns/netns.h"
#include "netns/rtnl.h"

/* A request checked and completed with its defaults.  */
struct plan {
	const char *bridge;
	struct netns_subnet subnet;
	unsigned int mtu; /* 0 until the bridge is known */
	char *ipam_dir;	  /* owned */
	struct netns_ipam_owner owner;
	char veth[IFNAMSIZ];
};

static void plan_free(struct plan *p)
{
	free(p->ipam_dir);
}
#define cleanup_plan __attribute__((cleanup(plan_free)))

static int plan_make(const struct netns_request *req, int netns_fd, struct plan *p,
		     struct error **err)
{
	if (req->mode != NETNS_BRIDGE)
		return error_set(err, EINVAL,
				 "bridge setup for a request "
				 "whose mode is not bridge");
	if (netns_fd < 0)
		return error_set(err, EBADF, "no container netns");
	if (netns_check_id(req->id, err) < 0)
		return -1;
	p->bridge = req->bridge != NULL ? req->bridge : NETNS_DEFAULT_BRIDGE;
	if (netns_check_ifname("bridge", p->bridge, err) < 0)
		return -1;
	if (netns_subnet_parse(req->subnet != NULL ? req->subnet : NETNS_DEFAULT_SUBNET, &p->subnet,
			       err) < 0)
		return -1;
	if (req->mtu != 0 && (req->mtu < 68 || req->mtu > 65535))
		return error_set(err, EINVAL, "mtu %u is not in 68..65535", req->mtu);
	p->mtu = req->mtu;
	p->ipam_dir = req->ipam_dir != NULL ? xstrdup(req->ipam_dir) : netns_ipam_default_dir(err);
	if (p->ipam_dir == NULL)
		return -1;
	netns_veth_name(req->id, p->veth);
	p->owner.id = req->id;
	p->owner.state_root = req->state_root;
	p->owner.ifname = p->veth;
	return 0;
}

/* Create the bridge, or reuse the one of that name.  A parallel berth may
 * create it between our lookup and our add: EEXIST just means reuse. */
static int bridge_find_or_add(struct netns_nl *nl, const struct plan *p, struct netns_link *br,
			      struct error **err)
{
	uint8_t mac[6];

	if (netns_link_get(nl, p->bridge, br, err) < 0)
		return -1;
	if (br->index != 0)
		return 0;
	netns_mac(netns_subnet_gateway(&p->subnet), mac);
	if (netns_bridge_add(nl, p->bridge, p->mtu != 0 ? p->mtu : NETNS_DEFAULT_MTU, mac, err) <
	    0) {
		if (errno != EEXIST)
			return -1;
		error_freep(err);
	}
	if (netns_link_get(nl, p->bridge, br, err) < 0)
		return -1;
	if (br->index == 0)
		return error_set(err, ENODEV, "bridge \"%s\" vanished", p->bridge);
	return 0;
}

/* The only link berth touches without having created it is an existing
 * bridge of the requested name: it gets the gateway address and is set
 * up, both idempotent.  Anything else of that name is left alone.  */
static int bridge_ensure(struct netns_nl *nl, const struct plan *p, struct netns_link *br,
			 struct error **err)
{
	if (bridge_find_or_add(nl, p, br, err) < 0)
		return -1;
	if (strcmp(br->kind, "bridge") != 0)
		return error_set(err, 0,
				 "interface \"%s\" exists and is not a bridge "
				 "(kind \"%s\")",
				 p->bridge, br->kind[0] ? br->kind : "none");
	if (netns_addr_add(nl, br->index, p->bridge, netns_subnet_gateway(&p->subnet),
			   p->subnet.prefix, true, err) < 0)
		return -1;
	if (!(br->flags & IFF_UP) && netns_link_up(nl, br->index, p->bridge, err) < 0)
		return -1;
	return 0;
}

/* The kernel creates "lo" first in every network namespace, with the
 * fixed index LOOPBACK_IFINDEX (1): no lookup round trip, which in a
 * fresh netns waits on the RTNL lock like every request does.  */
#define LOOPBACK_IFINDEX 1

static int lo_up(struct netns_nl *nl, struct error **err)
{
	return netns_link_up(nl, LOOPBACK_IFINDEX, "lo", err);
}

/* Inside the container netns, in this order: eth0 must be up for its
 * subnet route to exist, and the gateway is only reachable through it. */
static int container_configure(int netns_fd, const struct plan *p, uint32_t addr,
			       struct error **err)
{
	cleanup_nl struct netns_nl nl = NETNS_NL_CLOSED;
	struct netns_link eth0;

	if (netns_nl_open_in(&nl, netns_fd, err) < 0 ||
	    netns_link_get(&nl, NETNS_CONTAINER_IFNAME, &eth0, err) < 0)
		return -1;
	if (eth0.index == 0)
		return error_set(err, ENODEV, "no \"%s\" in the container", NETNS_CONTAINER_IFNAME);
	if (netns_addr_add(&nl, eth0.index, NETNS_CONTAINER_IFNAME, addr, p->subnet.prefix, false,
			   err) < 0 ||
	    lo_up(&nl, err) < 0 ||
	    netns_link_up(&nl, eth0.index, NETNS_CONTAINER_IFNAME, err) < 0 ||
	    netns_route_add_default(&nl, eth0.index, NETNS_CONTAINER_IFNAME,
				    netns_subnet_gateway(&p->subnet), err) < 0)
		return -1;
	return 0;
}

static void lease_fill(const struct plan *p, uint32_t addr, struct netns_lease *lease)
{
	uint8_t mac[6];

	memset(lease, 0, sizeof(*lease));
	snprintf(lease->bridge, sizeof(lease->bridge), "%s", p->bridge);
	snprintf(lease->host_ifname, sizeof(lease->host_ifname), "%s", p->veth);
	netns_addr_str(addr, lease->address);
	lease->prefix = p->subnet.prefix;
	netns_addr_str(netns_subnet_gateway(&p->subnet), lease->gateway);
	netns_mac(addr, mac);
	netns_mac_str(mac, lease->mac);
}

/* Undo of a failed setup: best effort, and its own failures are only
 * logged, since the error worth reporting is the one that got us here.
 * The host veth name is ours: its creation succeeded just before.  */
static void undo(struct netns_nl *host, const struct plan *p, uint32_t addr, bool veth_made)
{
	cleanup_error struct error *e = NULL;
	struct netns_link link;

	if (veth_made && netns_link_get(host, p->veth, &link, &e) == 0 && link.index != 0)
		netns_link_del(host, link.index, p->veth, &e);
	if (e != NULL)
		log_warn("netns: undo: %s", e->msg);
	error_freep(&e);
	if (netns_ipam_release(p->ipam_dir, p->bridge, addr, p->veth, &e) < 0)
		log_warn("netns: undo: %s", e->msg);
}

/* the lowest free address, or the one the request names (a restore's) */
static int lease_address(const struct netns_request *req, const struct plan *p, uint32_t *addr,
			 struct error **err)
{
	if (req->address == NULL)
		return netns_ipam_alloc(p->ipam_dir, p->bridge, &p->subnet, &p->owner, addr, err);
	if (!netns_addr_parse(req->address, addr))
		return error_set(err, EINVAL, "address \"%s\" is not an IPv4 address",
				 req->address);
	return netns_ipam_claim(p->ipam_dir, p->bridge, &p->subnet, &p->owner, *addr, err);
}

int netns_bridge_setup(const struct netns_request *req, int netns_fd, struct netns_lease *lease,
		       struct error **err)
{
	cleanup_plan struct plan p = {0};
	cleanup_nl struct netns_nl host = NETNS_NL_CLOSED;
	struct netns_link br;
	uint8_t mac[6];
	uint32_t addr;

	if (plan_make(req, netns_fd, &p, err) < 0 || lease_address(req, &p, &addr, err) < 0)
		return error_wrap(err, "netns");
	if (netns_nl_open(&host, err) < 0 || bridge_ensure(&host, &p, &br, err) < 0) {
		undo(&host, &p, addr, false);
		return error_wrap(err, "netns");
	}
	netns_mac(addr, mac);
	if (netns_veth_add(&host,
			   &(struct netns_veth){
				   .name = p.veth,
				   .master = br.index,
				   .peer = NETNS_CONTAINER_IFNAME,
				   .peer_netns_fd = netns_fd,
				   .peer_mac = mac,
				   .mtu = p.mtu != 0 ? p.mtu : br.mtu,
			   },
			   err) < 0) {
		undo(&host, &p, addr, false);
		return error_wrap(err, "netns");
	}
	if (container_configure(netns_fd, &p, addr, err) < 0) {
		undo(&host, &p, addr, true);
		return error_wrap(err, "netns");
	}
	lease_fill(&p, addr, lease);
	return 0;
}

int netns_loopback_up(int netns_fd, struct error **err)
{
	cleanup_nl struct netns_nl nl = NETNS_NL_CLOSED;

	int rc = netns_fd < 0 ? netns_nl_open(&nl, err) : netns_nl_open_in(&nl, netns_fd, err);

	if (rc < 0 || lo_up(&nl, err) < 0)
		return error_wrap(err, "netns");
	return 0;
}

/* The lease comes back from a state file: check it before acting on it. */
static int lease_check(const struct netns_lease *lease, uint32_t *addr, struct error **err)
{
	if (netns_check_ifname("bridge", lease->bridge, err) < 0 ||
	    netns_check_ifname("veth", lease->host_ifname, err) < 0)
		return -1;
	if (strncmp(lease->host_ifname, "vb", 2) != 0 || !netns_addr_parse(lease->address, addr))
		return error_set(err, EINVAL, "lease of \"%s\" is corrupt", lease->host_ifname);
	return 0;
}

/* Delete the host end if it is still there and still a veth; gone
 * already (its netns died with the container, taking the pair along) is
 * the normal case after a kill -9.  */
static int veth_delete(struct netns_nl *nl, const char *name, struct error **err)
{
	struct netns_link link;

	if (netns_link_get(nl, name, &link, err) < 0)
		return -1;
	if (link.index == 0)
		return 0;
	if (strcmp(link.kind, "veth") != 0) {
		log_warn("netns: \"%s\" is a %s link now, not ours: left alone", name,
			 link.kind[0] ? link.kind : "plain");
		return 0;
	}
	if (netns_link_del(nl, link.index, name, err) < 0 && errno != ENODEV)
		return -1;
	error_freep(err);
	return 0;
}

int netns_teardown(const struct netns_lease *lease, const char *ipam_dir, struct error **err)
{
	cleanup_nl struct netns_nl nl = NETNS_NL_CLOSED;
	cleanup_free char *dir = NULL;
	uint32_t addr;

	if (lease_check(lease, &addr, err) < 0)
		return error_wrap(err, "netns: teardown");
	dir = ipam_dir != NULL ? xstrdup(ipam_dir) : netns_ipam_default_dir(err);
	if (dir == NULL)
		return error_wrap(err, "netns: teardown");
	/* The address is only released once its veth is gone: a live veth
	 * would still answer for it when the next container gets it.  */
	if (netns_nl_open(&nl, err) < 0 || veth_delete(&nl, lease->host_ifname, err) < 0 ||
	    netns_ipam_release(dir, lease->bridge, addr, lease->host_ifname, err) < 0)
		return error_wrap(err, "netns: teardown");
	return 0;
}
