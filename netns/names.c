/* SPDX-License-Identifier: Apache-2.0 */
/* netns/names.c — name checks, subnet arithmetic, veth names and MACs.  */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netns/names.h"

bool netns_ifname_is_valid(const char *name)
{
	size_t len = name != NULL ? strlen(name) : 0;

	if (len == 0 || len >= IFNAMSIZ)
		return false;
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	for (const char *p = name; *p != '\0'; p++)
		if (*p == '/' || *p == ':' || isspace((unsigned char)*p))
			return false;
	return true;
}

int netns_check_ifname(const char *what, const char *name, struct error **err)
{
	if (netns_ifname_is_valid(name))
		return 0;
	return error_set(err, EINVAL,
			 "%s \"%s\" is not a valid interface name (1 to %d "
			 "bytes, no '/', ':' or white space)",
			 what, name != NULL ? name : "", IFNAMSIZ - 1);
}

bool netns_id_is_valid(const char *id)
{
	size_t len = id != NULL ? strlen(id) : 0;

	if (len == 0 || len > 1024)
		return false;
	if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
		return false;
	for (const char *p = id; *p != '\0'; p++)
		if (*p == '/' || iscntrl((unsigned char)*p))
			return false;
	return true;
}

int netns_check_id(const char *id, struct error **err)
{
	if (netns_id_is_valid(id))
		return 0;
	return error_set(err, EINVAL, "invalid container id \"%.64s\"", id != NULL ? id : "");
}

uint32_t netns_prefix_mask(unsigned int prefix)
{
	return prefix == 0 ? 0 : ~(uint32_t)0 << (32 - prefix);
}

int netns_subnet_parse(const char *cidr, struct netns_subnet *subnet, struct error **err)
{
	const char *slash = strchr(cidr, '/');
	char addr_text[INET_ADDRSTRLEN], net_text[INET_ADDRSTRLEN];
	unsigned long prefix;
	uint32_t addr;
	char *end;

	if (slash == NULL || (size_t)(slash - cidr) >= sizeof(addr_text))
		return error_set(err, EINVAL, "subnet \"%s\" is not an IPv4 CIDR", cidr);
	memcpy(addr_text, cidr, (size_t)(slash - cidr));
	addr_text[slash - cidr] = '\0';
	errno = 0;
	prefix = strtoul(slash + 1, &end, 10);
	if (!netns_addr_parse(addr_text, &addr) || !isdigit((unsigned char)slash[1]) ||
	    *end != '\0' || errno != 0)
		return error_set(err, EINVAL, "subnet \"%s\" is not an IPv4 CIDR", cidr);
	if (prefix < 8 || prefix > 30)
		return error_set(err, EINVAL, "subnet \"%s\": prefix must be 8 to 30", cidr);
	if (addr & ~netns_prefix_mask((unsigned int)prefix)) {
		netns_addr_str(addr & netns_prefix_mask((unsigned int)prefix), net_text);
		return error_set(err, EINVAL,
				 "subnet \"%s\" has host bits set (did you "
				 "mean %s/%lu?)",
				 cidr, net_text, prefix);
	}
	subnet->network = addr;
	subnet->prefix = (unsigned int)prefix;
	return 0;
}

uint32_t netns_subnet_gateway(const struct netns_subnet *subnet)
{
	return subnet->network + 1;
}

uint32_t netns_subnet_last_host(const struct netns_subnet *subnet)
{
	return (subnet->network | ~netns_prefix_mask(subnet->prefix)) - 1;
}

void netns_veth_name(const char *id, char name[IFNAMSIZ])
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a 64 */

	for (const unsigned char *p = (const unsigned char *)id; *p; p++) {
		h ^= *p;
		h *= 0x100000001b3ULL;
	}
	snprintf(name, IFNAMSIZ, "vb%010llx", (unsigned long long)(h & 0xffffffffffULL));
}

void netns_mac(uint32_t addr, uint8_t mac[6])
{
	mac[0] = 0x02;
	mac[1] = 0x62;
	mac[2] = (uint8_t)(addr >> 24);
	mac[3] = (uint8_t)(addr >> 16);
	mac[4] = (uint8_t)(addr >> 8);
	mac[5] = (uint8_t)addr;
}

void netns_mac_str(const uint8_t mac[6], char text[18])
{
	snprintf(text, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
		 mac[5]);
}

void netns_addr_str(uint32_t addr, char text[INET_ADDRSTRLEN])
{
	struct in_addr in = {.s_addr = htonl(addr)};

	inet_ntop(AF_INET, &in, text, INET_ADDRSTRLEN);
}

bool netns_addr_parse(const char *text, uint32_t *addr)
{
	struct in_addr in;

	if (inet_pton(AF_INET, text, &in) != 1)
		return false;
	*addr = ntohl(in.s_addr);
	return true;
}
