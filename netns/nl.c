/* netns/nl.c — the route netlink socket: opening it (in our own netns or
 * in a container's), one request and its ACK, errno and extended-ACK text
 * turned into a struct error.  What the requests say: netns/rtnl.c.  */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/cleanup.h"
#include "netns/nl.h"

int netns_nl_open(struct netns_nl *nl, struct error **err)
{
	int on = 1;

	nl->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (nl->sock == NULL)
		return error_set(err, errno, "open netlink socket");
	/* Best effort: without them errors still carry the errno text.
	 * CAP_ACK keeps the kernel from echoing our request in each error. */
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &on, sizeof(on));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &on, sizeof(on));
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		int saved = errno;

		netns_nl_close(nl);
		return error_set(err, saved, "bind netlink socket");
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = 0;
	return 0;
}

/* Why switching the thread's netns here is safe:
 *  - setns(CLONE_NEWNET) changes the calling thread only, and berth is
 *    single-threaded, so no other code can run in the container's netns;
 *  - between the two setns() calls only socket(), setsockopt() and bind()
 *    run, none of which touch files or anything else netns-dependent;
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

	if (nl->sock != NULL)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
	errno = saved;
}

struct nlmsghdr *netns_nl_msg(struct netns_nl *nl, char *buf, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++nl->seq;
	return nlh;
}

/* The state of one exchange: the caller's reply callback and the kernel's
 * extended-ACK message, if it sent one.  */
struct call {
	mnl_cb_t cb;
	void *data;
	char ext[200];
};

static int on_data(const struct nlmsghdr *nlh, void *data)
{
	struct call *c = data;

	return c->cb != NULL ? c->cb(nlh, c->data) : MNL_CB_OK;
}

static int on_ext_attr(const struct nlattr *attr, void *data)
{
	struct call *c = data;

	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		snprintf(c->ext, sizeof(c->ext), "%s", mnl_attr_get_str(attr));
	return MNL_CB_OK;
}

/* NLMSG_ERROR is both the ACK (error 0) and the failure report; with
 * NLM_F_ACK_TLVS its attributes follow the (possibly capped) request.  */
static int on_error(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	unsigned int off = sizeof(*e);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e))) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (e->error == 0)
		return MNL_CB_STOP;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
		mnl_attr_parse(nlh, off, on_ext_attr, data);
	}
	errno = e->error < 0 ? -e->error : EPROTO;
	return MNL_CB_ERROR;
}

static int exchange(struct netns_nl *nl, struct nlmsghdr *nlh, struct call *c)
{
	static mnl_cb_t ctl[NLMSG_ERROR + 1] = {[NLMSG_ERROR] = on_error};
	char buf[32768] __attribute__((aligned(4)));
	ssize_t n;
	int r;

	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -1;
	for (;;) {
		n = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		r = mnl_cb_run2(buf, (size_t)n, nlh->nlmsg_seq, nl->portid, on_data, c, ctl,
				NLMSG_ERROR + 1);
		if (r == MNL_CB_ERROR)
			return -1;
		if (r == MNL_CB_STOP)
			return 0;
	}
}

int netns_nl_call(struct netns_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data,
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
