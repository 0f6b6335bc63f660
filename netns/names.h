/* SPDX-License-Identifier: Apache-2.0 */
/* netns/names.h — the pure part of berth networking: checking interface
 * names and container ids, parsing the subnet, deriving the host veth name
 * and the MACs.  No side effects, no netlink.  Internal to netns/ (and its
 * unit test).  IPv4 addresses are host-order uint32_t.  */
#ifndef BERTH_NETNS_NAMES_H
#define BERTH_NETNS_NAMES_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"

struct netns_subnet {
	uint32_t network;    /* host bits clear */
	unsigned int prefix; /* 8..30: room for a gateway and a host */
};

/* What the kernel accepts as a link name: 1..15 bytes, not "." or "..",
 * no '/', ':' or white space.  */
bool netns_ifname_is_valid(const char *name);
int netns_check_ifname(const char *what, const char *name, struct error **err);

/* A container id becomes a path component (<state_root>/<id>) and a line
 * of a lease file: non-empty, no '/', no control characters, not "." or
 * "..", at most 1024 bytes.  */
bool netns_id_is_valid(const char *id);
int netns_check_id(const char *id, struct error **err);

/* "10.90.0.0/16" -> {0x0a5a0000, 16}; host bits must be clear.  */
int netns_subnet_parse(const char *cidr, struct netns_subnet *subnet, struct error **err);
uint32_t netns_prefix_mask(unsigned int prefix);
/* the bridge's address: the first host of the subnet */
uint32_t netns_subnet_gateway(const struct netns_subnet *subnet);
/* the last address containers may get (the one before broadcast) */
uint32_t netns_subnet_last_host(const struct netns_subnet *subnet);

/* Host veth name for a container id: "vb" + 10 hex digits of a 64-bit
 * FNV-1a hash (40 bits: a collision needs ~1M containers on one host, and
 * then shows as "File exists", never as a shared link).  */
void netns_veth_name(const char *id, char name[IFNAMSIZ]);

/* MAC for an address: 02:62 (locally administered, 'b') + the 4 address
 * bytes.  Unique on a bridge because addresses are, and stable for an
 * address, so a reused address never meets a stale ARP entry.  */
void netns_mac(uint32_t addr, uint8_t mac[6]);
void netns_mac_str(const uint8_t mac[6], char text[18]);

void netns_addr_str(uint32_t addr, char text[INET_ADDRSTRLEN]);
/* dotted quad -> addr; false when it is not one */
bool netns_addr_parse(const char *text, uint32_t *addr);

#endif
