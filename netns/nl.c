/* SPDX-License-Identifier: Apache-2.0 */
/* netns/nl.c — the route netlink socket: opening it (in our own netns or
 * in a container's), building a request, one request and its ACK, errno
 * and extended-ACK text turned into a struct error.  What the requests
 * say: netns/rtnl.c.  */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "netns/nl.h"

int netns_nl_open(struct netns_nl *nl, struct error **err)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	socklen_t len = sizeof(sa);
	int on = 1;

	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (nl->fd < 0)
		return error_set(err, errno, "open netlink socket");
	/* Best effort: without them errors still carry the errno text.
	 * CAP_ACK keeps the kernel from echoing our request in each error. */
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_EXT_ACK, &on, sizeof(on));
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_CAP_ACK, &on, sizeof(on));
	/* nl_pid 0: the kernel picks our port id; getsockname tells it */
	if (bind(nl->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(nl->fd, (struct sockaddr *)&sa, &len) < 0) {
		int saved = errno;

		netns_nl_close(nl);
		return error_set(err, saved, "bind netlink socket");
	}
	nl->portid = sa.nl_pid;
	nl->seq = 0;
	return 0;
}

/* Why switching the thread's netns here is safe:
 *  - setns(CLONE_NEWNET) changes the calling thread only, and berth is
 *    single-threaded, so no other code can run in the container's netns;
 *  - between the two setns() calls only socket(), setsockopt(), bind()
 *    and getsockname() run, none of which touch files or anything else netns-dependent;
 *  - going back cannot fail for a reason that entering did not: we hold an
 *    fd to our own netns and the privilege over it we started with.  Were
 *    it to fail anyway, every later host-side step would act on the
 *    container's netns (deleting, creating, addressing the wrong links),
 *    so berth aborts rather than carry on in the wrong place.  */
int netns_nl_open_in(struct netns_nl *nl, int netns_fd, struct error **err)
{
	cleanup_close int home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	int r;

	if (home < 0)
		return error_set(err, errno, "open \"/proc/thread-self/ns/net\"");
	if (setns(netns_fd, CLONE_NEWNET) < 0)
		return error_set(err, errno, "enter the container netns");
	r = netns_nl_open(nl, err);
	if (setns(home, CLONE_NEWNET) < 0)
		abort();
	return r;
}

void netns_nl_close(struct netns_nl *nl)
{
	int saved = errno;

	if (nl->fd >= 0)
		close(nl->fd);
	nl->fd = -1;
	errno = saved;
}

/* ---- building ---------------------------------------------------------- */

struct nlmsghdr *netns_nl_msg(struct netns_nl *nl, char *buf, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)(void *)buf;

	memset(nlh, 0, NLMSG_HDRLEN);
	nlh->nlmsg_len = NLMSG_HDRLEN;
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++nl->seq;
	return nlh;
}

/* Grow the message by len bytes, padded to 4 and zeroed.  Every message
 * starts a NETNS_NL_BUFSIZE buffer (nl.h), so that is the bound.  */
static void *grow(struct nlmsghdr *nlh, size_t len)
{
	size_t at = nlh->nlmsg_len;
	char *p = (char *)nlh + at;

	if (len > NETNS_NL_BUFSIZE || at + NLMSG_ALIGN(len) > NETNS_NL_BUFSIZE)
		abort();
	memset(p, 0, NLMSG_ALIGN(len));
	nlh->nlmsg_len = (uint32_t)(at + NLMSG_ALIGN(len));
	return p;
}

void *netns_nl_put_hdr(struct nlmsghdr *nlh, size_t len)
{
	return grow(nlh, len);
}

void netns_nl_put(struct nlmsghdr *nlh, uint16_t type, size_t len, const void *data)
{
	struct nlattr *attr = grow(nlh, NLA_HDRLEN + len);

	attr->nla_type = type;
	attr->nla_len = (uint16_t)(NLA_HDRLEN + len);
	memcpy((char *)attr + NLA_HDRLEN, data, len);
}

void netns_nl_put_u32(struct nlmsghdr *nlh, uint16_t type, uint32_t value)
{
	netns_nl_put(nlh, type, sizeof(value), &value);
}

void netns_nl_put_str(struct nlmsghdr *nlh, uint16_t type, const char *s)
{
	netns_nl_put(nlh, type, strlen(s) + 1, s);
}

struct nlattr *netns_nl_nest(struct nlmsghdr *nlh, uint16_t type)
{
	struct nlattr *nest = grow(nlh, NLA_HDRLEN);

	nest->nla_type = NLA_F_NESTED | type;
	return nest;
}

void netns_nl_nest_end(struct nlmsghdr *nlh, struct nlattr *nest)
{
	nest->nla_len = (uint16_t)((char *)nlh + nlh->nlmsg_len - (char *)nest);
}

/* ---- reading ----------------------------------------------------------- */

const void *netns_nl_payload(const struct nlmsghdr *nlh, size_t len)
{
	return nlh->nlmsg_len >= NLMSG_LENGTH(len) ? NLMSG_DATA(nlh) : NULL;
}

void netns_nl_attrs(const void *start, size_t len, netns_nl_attr_cb cb, void *data)
{
	const char *p = start;

	while (len >= NLA_HDRLEN) {
		const struct nlattr *attr = (const void *)p;
		size_t step = NLA_ALIGN(attr->nla_len);

		if (attr->nla_len < NLA_HDRLEN || attr->nla_len > len)
			return;
		cb(attr, data);
		if (step >= len)
			return;
		p += step;
		len -= step;
	}
}

uint16_t netns_nl_attr_type(const struct nlattr *attr)
{
	return attr->nla_type & NLA_TYPE_MASK;
}

size_t netns_nl_attr_len(const struct nlattr *attr)
{
	return attr->nla_len - NLA_HDRLEN;
}

const void *netns_nl_attr_data(const struct nlattr *attr)
{
	return (const char *)attr + NLA_HDRLEN;
}

bool netns_nl_attr_u32(const struct nlattr *attr, uint32_t *value)
{
	if (netns_nl_attr_len(attr) != sizeof(*value))
		return false;
	memcpy(value, netns_nl_attr_data(attr), sizeof(*value));
	return true;
}

/* ---- one exchange ------------------------------------------------------ */

/* The state of one exchange: the caller's reply callback and the kernel's
 * extended-ACK message, if it sent one.  */
struct call {
	netns_nl_cb cb;
	void *data;
	char ext[200];
};

static void on_ext_attr(const struct nlattr *attr, void *data)
{
	struct call *c = data;
	const char *s = netns_nl_attr_data(attr);
	size_t len = netns_nl_attr_len(attr);

	if (netns_nl_attr_type(attr) == NLMSGERR_ATTR_MSG && len > 0 && s[len - 1] == '\0')
		snprintf(c->ext, sizeof(c->ext), "%s", s);
}

/* NLMSG_ERROR is both the ACK (error 0: returns 0) and the failure report
 * (-1, errno set); with NLM_F_ACK_TLVS its attributes follow the request,
 * echoed in full unless NLM_F_CAPPED.  */
static int on_error(const struct nlmsghdr *nlh, struct call *c)
{
	const struct nlmsgerr *e = netns_nl_payload(nlh, sizeof(*e));
	size_t off = NLMSG_LENGTH(sizeof(*e));

	if (e == NULL) {
		errno = EBADMSG;
		return -1;
	}
	if (e->error == 0)
		return 0;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED) && e->msg.nlmsg_len >= NLMSG_HDRLEN)
			off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
		if (off < nlh->nlmsg_len)
			netns_nl_attrs((const char *)nlh + off, nlh->nlmsg_len - off, on_ext_attr,
				       c);
	}
	errno = e->error < 0 ? -e->error : EPROTO;
	return -1;
}

/* One datagram of replies: 0 at the ACK, -1 on failure, 1 to read on.
 * Messages that do not answer this request (another sequence number or
 * port) are skipped.  */
static int on_datagram(const struct netns_nl *nl, const char *p, size_t len,
		       const struct nlmsghdr *req, struct call *c)
{
	while (len >= NLMSG_HDRLEN) {
		const struct nlmsghdr *nlh = (const void *)p;
		size_t step = NLMSG_ALIGN(nlh->nlmsg_len);

		if (nlh->nlmsg_len < NLMSG_HDRLEN || nlh->nlmsg_len > len) {
			errno = EBADMSG;
			return -1;
		}
		if (nlh->nlmsg_seq == req->nlmsg_seq && nlh->nlmsg_pid == nl->portid) {
			if (nlh->nlmsg_type == NLMSG_ERROR)
				return on_error(nlh, c);
			if (nlh->nlmsg_type == NLMSG_DONE)
				return 0;
			if (nlh->nlmsg_type >= NLMSG_MIN_TYPE && c->cb != NULL &&
			    c->cb(nlh, c->data) < 0)
				return -1;
		}
		if (step >= len)
			break;
		p += step;
		len -= step;
	}
	return 1;
}

static int exchange(struct netns_nl *nl, const struct nlmsghdr *req, struct call *c)
{
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	char buf[32768] __attribute__((aligned(4)));

	if (sendto(nl->fd, req, req->nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return -1;
	for (;;) {
		struct sockaddr_nl from;
		socklen_t flen = sizeof(from);
		/* MSG_TRUNC: n is the datagram's real length, so a reply cut
		 * short by the buffer is an error, not a lost ACK */
		ssize_t n = recvfrom(nl->fd, buf, sizeof(buf), MSG_TRUNC, (struct sockaddr *)&from,
				     &flen);
		int r;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if ((size_t)n > sizeof(buf)) {
			errno = ENOSPC;
			return -1;
		}
		if (from.nl_pid != 0) /* only the kernel answers */
			continue;
		r = on_datagram(nl, buf, (size_t)n, req, c);
		if (r <= 0)
			return r;
	}
}

int netns_nl_call(struct netns_nl *nl, struct nlmsghdr *nlh, netns_nl_cb cb, void *data,
		  struct error **err, const char *fmt, ...)
{
	struct call c = {.cb = cb, .data = data};
	char what[256];
	va_list ap;
	int saved;

	if (exchange(nl, nlh, &c) == 0)
		return 0;
	saved = errno;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (c.ext[0] != '\0')
		error_set(err, saved, "%s (%s)", what, c.ext);
	else
		error_set(err, saved, "%s", what);
	errno = saved;
	return -1;
}
