/* netns/nl.h — a route netlink socket and one request/ACK exchange on it.
 * Internal to netns/.  The message builders are in netns/rtnl.h.  */
#ifndef BERTH_NETNS_NL_H
#define BERTH_NETNS_NL_H

#include <libmnl/libmnl.h>
#include <stdint.h>

#include "core/error.h"

/* One request is built in a buffer of this size; the largest berth sends
 * (a veth with its peer) is a few hundred bytes.  A fixed size, because
 * MNL_SOCKET_BUFFER_SIZE is not a constant expression.  */
#define NETNS_NL_BUFSIZE 8192

struct netns_nl {
	struct mnl_socket *sock;
	unsigned int portid;
	unsigned int seq;
};

/* Open a NETLINK_ROUTE socket in the calling thread's network namespace,
 * with extended ACKs (the kernel's own reason comes with an error).  */
int netns_nl_open(struct netns_nl *nl, struct error **err);

/* Open it inside the network namespace netns_fd refers to: a netlink
 * socket stays bound to the netns it was created in, so the thread enters
 * that netns for the socket() call only and goes straight back.  */
int netns_nl_open_in(struct netns_nl *nl, int netns_fd, struct error **err);

void netns_nl_close(struct netns_nl *nl);
#define cleanup_nl __attribute__((cleanup(netns_nl_close)))

/* Start a request in buf: header of `type` with NLM_F_REQUEST | NLM_F_ACK |
 * flags and the next sequence number.  */
struct nlmsghdr *netns_nl_msg(struct netns_nl *nl, char *buf, uint16_t type, uint16_t flags);

/* Send the request and read until its ACK; reply messages go to cb (may be
 * NULL).  On failure fills err with the formatted object, the kernel's
 * extended-ACK text when there is one, and the errno text:
 *   add veth "vb3f2a1c9d04": File exists
 * and returns -1 with errno set (callers test ENODEV, EEXIST ...).  */
int netns_nl_call(struct netns_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data,
		  struct error **err, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

#endif
