/* SPDX-License-Identifier: Apache-2.0 */
/* netns/nl.h — a route netlink socket, the few message and attribute
 * helpers berth needs, and one request/ACK exchange.  Internal to netns/.
 * What the requests say: netns/rtnl.h.
 *
 * In-tree rather than libmnl: it is all berth used of it, and without a
 * shared library berth links fully static (Debian ships no libmnl.a),
 * which takes the dynamic loader off every start (README, Performance). */
#ifndef BERTH_NETNS_NL_H
#define BERTH_NETNS_NL_H

#include <linux/netlink.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

/* One request is built in a buffer of this size, the message header at
 * its start; the largest berth sends (a veth with its peer) is a few
 * hundred bytes, as every name in it is at most IFNAMSIZ.  Building past
 * the end aborts: that would be a bug in berth, not bad input.  */
#define NETNS_NL_BUFSIZE 8192

struct netns_nl {
	int fd; /* -1: closed */
	uint32_t portid;
	uint32_t seq;
};
/* the initialiser of a netns_nl not (yet) open */
#define NETNS_NL_CLOSED ((struct netns_nl){.fd = -1})

/* Open a NETLINK_ROUTE socket in the calling thread's network namespace,
 * with extended ACKs (the kernel's own reason comes with an error).  */
int netns_nl_open(struct netns_nl *nl, struct error **err);

/* Open it inside the network namespace netns_fd refers to: a netlink
 * socket stays bound to the netns it was created in, so the thread enters
 * that netns for the socket() call only and goes straight back.  */
int netns_nl_open_in(struct netns_nl *nl, int netns_fd, struct error **err);

void netns_nl_close(struct netns_nl *nl);
#define cleanup_nl __attribute__((cleanup(netns_nl_close)))

/* ---- building a request ------------------------------------------------ */

/* Start a request in buf (NETNS_NL_BUFSIZE bytes, 4-aligned): header of
 * `type` with NLM_F_REQUEST | NLM_F_ACK | flags and the next sequence
 * number.  */
struct nlmsghdr *netns_nl_msg(struct netns_nl *nl, char *buf, uint16_t type, uint16_t flags);

/* Append len zeroed bytes (the family header: ifinfomsg ...) and return
 * them.  */
void *netns_nl_put_hdr(struct nlmsghdr *nlh, size_t len);

void netns_nl_put(struct nlmsghdr *nlh, uint16_t type, size_t len, const void *data);
void netns_nl_put_u32(struct nlmsghdr *nlh, uint16_t type, uint32_t value);
void netns_nl_put_str(struct nlmsghdr *nlh, uint16_t type, const char *s); /* with its NUL */

/* Attributes put between these two are nested in one of `type`. */
struct nlattr *netns_nl_nest(struct nlmsghdr *nlh, uint16_t type);
void netns_nl_nest_end(struct nlmsghdr *nlh, struct nlattr *nest);

/* ---- reading a reply --------------------------------------------------- */

/* The payload of a message, NULL when it is shorter than len.  */
const void *netns_nl_payload(const struct nlmsghdr *nlh, size_t len);

/* Call cb for each attribute in [start, start + len); an attribute whose
 * length runs past the end stops the walk (the kernel never sends one). */
typedef void (*netns_nl_attr_cb)(const struct nlattr *attr, void *data);
void netns_nl_attrs(const void *start, size_t len, netns_nl_attr_cb cb, void *data);

uint16_t netns_nl_attr_type(const struct nlattr *attr);
size_t netns_nl_attr_len(const struct nlattr *attr); /* payload only */
const void *netns_nl_attr_data(const struct nlattr *attr);
/* The payload as a u32: false unless it is exactly 4 bytes.  */
bool netns_nl_attr_u32(const struct nlattr *attr, uint32_t *value);

/* ---- one exchange ------------------------------------------------------ */

/* Called for each reply message of the request; returns 0 to go on, or
 * -1 with errno set to fail the call.  */
typedef int (*netns_nl_cb)(const struct nlmsghdr *nlh, void *data);

/* Send the request and read until its ACK; reply messages go to cb (may be
 * NULL).  On failure fills err with the formatted object, the kernel's
 * extended-ACK text when there is one, and the errno text:
 *   add veth "vb3f2a1c9d04": File exists
 * and returns -1 with errno set (callers test ENODEV, EEXIST ...).  */
int netns_nl_call(struct netns_nl *nl, struct nlmsghdr *nlh, netns_nl_cb cb, void *data,
		  struct error **err, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

#endif
