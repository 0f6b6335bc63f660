/* SPDX-License-Identifier: Apache-2.0 */
/* netns/rtnl.c — building the rtnetlink messages for links, addresses and
 * routes.  Sending them and reading the ACK: netns/nl.c.  */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <stdio.h>
#include <string.h>

#include "netns/names.h"
#include "netns/rtnl.h"

static struct ifinfomsg *put_ifinfo(struct nlmsghdr *nlh, int index)
{
	struct ifinfomsg *ifi = netns_nl_put_hdr(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = index;
	return ifi;
}

/* ---- looking a link up ------------------------------------------------ */

static void on_linkinfo_attr(const struct nlattr *attr, void *data)
{
	struct netns_link *link = data;

	/* not NUL-terminated for certain: bounded by its length */
	if (netns_nl_attr_type(attr) == IFLA_INFO_KIND)
		snprintf(link->kind, sizeof(link->kind), "%.*s",
			 (int)strnlen(netns_nl_attr_data(attr), netns_nl_attr_len(attr)),
			 (const char *)netns_nl_attr_data(attr));
}

static void on_link_attr(const struct nlattr *attr, void *data)
{
	struct netns_link *link = data;
	uint32_t v;

	switch (netns_nl_attr_type(attr)) {
	case IFLA_MTU:
		if (netns_nl_attr_u32(attr, &v))
			link->mtu = v;
		break;
	case IFLA_MASTER:
		if (netns_nl_attr_u32(attr, &v))
			link->master = (int)v;
		break;
	case IFLA_LINKINFO:
		netns_nl_attrs(netns_nl_attr_data(attr), netns_nl_attr_len(attr), on_linkinfo_attr,
			       link);
		break;
	}
}

static int on_link(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifi = netns_nl_payload(nlh, sizeof(*ifi));
	struct netns_link *link = data;
	size_t off = NLMSG_SPACE(sizeof(*ifi));

	if (nlh->nlmsg_type != RTM_NEWLINK || ifi == NULL)
		return 0;
	link->index = ifi->ifi_index;
	link->flags = ifi->ifi_flags;
	if (nlh->nlmsg_len > off)
		netns_nl_attrs((const char *)nlh + off, nlh->nlmsg_len - off, on_link_attr, link);
	return 0;
}

int netns_link_get(struct netns_nl *nl, const char *name, struct netns_link *link,
		   struct error **err)
{
	char buf[NETNS_NL_BUFSIZE] __attribute__((aligned(4)));
	struct nlmsghdr *nlh = netns_nl_msg(nl, buf, RTM_GETLINK, 0);

	memset(link, 0, sizeof(*link));
	put_ifinfo(nlh, 0);
	netns_nl_put_str(nlh, IFLA_IFNAME, name);
	netns_nl_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	if (netns_nl_call(nl, nlh, on_link, link, err, "look up link \"%s\"", name) == 0)
		return 0;
	if (errno != ENODEV)
		return -1;
	error_freep(err);
	memset(link, 0, sizeof(*link));
	return 0;
}

/* ---- creating, raising, deleting links -------------------------------- */

int netns_bridge_add(struct netns_nl *nl, const char *name, unsigned int mtu, const uint8_t mac[6],
		     struct error **err)
{
	char buf[NETNS_NL_BUFSIZE] __attribute__((aligned(4)));
	struct nlmsghdr *nlh = netns_nl_msg(nl, buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	struct ifinfomsg *ifi = put_ifinfo(nlh, 0);
	struct nlattr *info;

	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	netns_nl_put_str(nlh, IFLA_IFNAME, name);
	netns_nl_put_u32(nlh, IFLA_MTU, mtu);
	netns_nl_put(nlh, IFLA_ADDRESS, 6, mac);
	info = netns_nl_nest(nlh, IFLA_LINKINFO);
	netns_nl_put_str(nlh, IFLA_INFO_KIND, "bridge");
	netns_nl_nest_end(nlh, info);
	return netns_nl_call(nl, nlh, NULL, NULL, err, "add bridge \"%s\"", name);
}

/* The peer is described by a struct ifinfomsg followed by its own link
 * attributes, nested in IFLA_LINKINFO/IFLA_INFO_DATA/VETH_INFO_PEER.  */
static void put_veth_peer(struct nlmsghdr *nlh, const struct netns_veth *v)
{
	struct nlattr *peer = netns_nl_nest(nlh, VETH_INFO_PEER);

	put_ifinfo(nlh, 0);
	netns_nl_put_str(nlh, IFLA_IFNAME, v->peer);
	netns_nl_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)v->peer_netns_fd);
	netns_nl_put_u32(nlh, IFLA_MTU, v->mtu);
	netns_nl_put(nlh, IFLA_ADDRESS, 6, v->peer_mac);
	netns_nl_nest_end(nlh, peer);
}

int netns_veth_add(struct netns_nl *nl, const struct netns_veth *v, struct error **err)
{
	char buf[NETNS_NL_BUFSIZE] __attribute__((aligned(4)));
	struct nlmsghdr *nlh = netns_nl_msg(nl, buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	struct ifinfomsg *ifi = put_ifinfo(nlh, 0);
	struct nlattr *info, *data;

	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	netns_nl_put_str(nlh, IFLA_IFNAME, v->name);
	netns_nl_put_u32(nlh, IFLA_MTU, v->mtu);
	netns_nl_put_u32(nlh, IFLA_MASTER, (uint32_t)v->master);
	info = netns_nl_nest(nlh, IFLA_LINKINFO);
	netns_nl_put_str(nlh, IFLA_INFO_KIND, "veth");
	data = netns_nl_nest(nlh, IFLA_INFO_DATA);
	put_veth_peer(nlh, v);
	netns_nl_nest_end(nlh, data);
	netns_nl_nest_end(nlh, info);
	return netns_nl_call(nl, nlh, NULL, NULL, err, "add veth \"%s\"", v->name);
}

int netns_link_up(struct netns_nl *nl, int index, const char *name, struct error **err)
{
	char buf[NETNS_NL_BUFSIZE] __attribute__((aligned(4)));
	struct nlmsghdr *nlh = netns_nl_msg(nl, buf, RTM_NEWLINK, 0);
	struct ifinfomsg *ifi = put_ifinfo(nlh, index);

	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	return netns_nl_call(nl, nlh, NULL, NULL, err, "set link \"%s\" up", name);
}

int netns_link_del(struct netns_nl *nl, int index, const char *name, struct error **err)
{
	char buf[NETNS_NL_BUFSIZE] __attribute__((aligned(4)));
	struct nlmsghdr *nlh = netns_nl_msg(nl, buf, RTM_DELLINK, 0);

	put_ifinfo(nlh, index);
	return netns_nl_call(nl, nlh, NULL, NULL, err, "delete link \"%s\"", name);
}

/* ---- addresses and routes --------------------------------------------- */

int netns_addr_add(struct netns_nl *nl, int index, const char *ifname, uint32_t addr,
		   unsigned int prefix, bool replace, struct error **err)
{
	char buf[NETNS_NL_BUFSIZE] __attribute__((aligned(4)));
	struct nlmsghdr *nlh = netns_nl_msg(nl, buf, RTM_NEWADDR,
					    NLM_F_CREATE | (replace ? NLM_F_REPLACE : NLM_F_EXCL));
	struct ifaddrmsg *ifa = netns_nl_put_hdr(nlh, sizeof(*ifa));
	uint32_t brd = addr | ~netns_prefix_mask(prefix);
	char text[INET_ADDRSTRLEN];

	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (unsigned char)prefix;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (unsigned int)index;
	netns_nl_put_u32(nlh, IFA_LOCAL, htonl(addr));
	netns_nl_put_u32(nlh, IFA_ADDRESS, htonl(addr));
	netns_nl_put_u32(nlh, IFA_BROADCAST, htonl(brd));
	netns_addr_str(addr, text);
	return netns_nl_call(nl, nlh, NULL, NULL, err, "add address %s/%u to \"%s\"", text, prefix,
			     ifname);
}

int netns_route_add_default(struct netns_nl *nl, int index, const char *ifname, uint32_t gw,
			    struct error **err)
{
	char buf[NETNS_NL_BUFSIZE] __attribute__((aligned(4)));
	struct nlmsghdr *nlh = netns_nl_msg(nl, buf, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
	struct rtmsg *rtm = netns_nl_put_hdr(nlh, sizeof(*rtm));
	char text[INET_ADDRSTRLEN];

	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = 0;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_BOOT;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	netns_nl_put_u32(nlh, RTA_GATEWAY, htonl(gw));
	netns_nl_put_u32(nlh, RTA_OIF, (uint32_t)index);
	netns_addr_str(gw, text);
	return netns_nl_call(nl, nlh, NULL, NULL, err, "add default route via %s on \"%s\"", text,
			     ifname);
}
