/* SPDX-License-Identifier: Apache-2.0 */
/* tests/unit/test-netns.c — bridge networking against the real kernel:
 * what setup builds on both sides, traffic between two containers,
 * teardown (also after the container died), the errors and their undo,
 * netns_loopback_up.  Needs root; every case runs in network namespaces of
 * its own (tests/netns/nstest.h), and results are read back with ip(8),
 * independently of the code under test.  The allocator: test-netns-ipam.c.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/mem.h"
#include "netns/ipam.h"
#include "netns/names.h"
#include "netns/netns.h"
#include "netns/nl.h"
#include "netns/rtnl.h"
#include "tests/netns/nstest.h"

static void bridge_setup_with_defaults(void)
{
	cleanup_free char *root = case_state_root("defaults");
	struct netns_request req = request(root, "c1");
	struct netns_lease lease;
	int fd = container(&req, &lease);
	cleanup_free char *host_links = NULL, *br = NULL, *veth = NULL;
	cleanup_free char *eth0 = NULL, *addr = NULL, *lo = NULL, *route = NULL;
	char want[128];

	expect(strcmp(lease.bridge, "berth0") == 0, "bridge %s", lease.bridge);
	expect(strcmp(lease.address, "10.90.0.2") == 0, "address %s", lease.address);
	expect(lease.prefix == 16, "prefix %u", lease.prefix);
	expect(strcmp(lease.gateway, "10.90.0.1") == 0, "gw %s", lease.gateway);
	expect(strcmp(lease.mac, "02:62:0a:5a:00:02") == 0, "mac %s", lease.mac);
	expect(strlen(lease.host_ifname) <= 15 && strncmp(lease.host_ifname, "vb", 2) == 0,
	       "host veth name %s", lease.host_ifname);

	/* host side: bridge up with the gateway, veth attached and up */
	br = sh_in(-1, "ip -o addr show dev berth0; ip -o link show berth0");
	expect_has(br, "inet 10.90.0.1/16", "bridge");
	expect_has(br, ",UP", "bridge");
	expect_has(br, "link/ether 02:62:0a:5a:00:01", "bridge");
	veth = sh_in(-1, "ip -o -d link show dev %s", lease.host_ifname);
	expect_has(veth, "master berth0", "host veth");
	expect_has(veth, "state UP", "host veth");
	expect_has(veth, "mtu 1500", "host veth");
	expect_has(veth, "veth", "host veth");
	/* the container end was born inside the container: never seen here */
	host_links = sh_in(-1, "ip -o link show");
	expect(!contains(host_links, "eth0"), "eth0 in host:\n%s", host_links);

	/* container side */
	eth0 = sh_in(fd, "ip -o link show dev eth0");
	expect_has(eth0, "state UP", "eth0");
	expect_has(eth0, "mtu 1500", "eth0");
	snprintf(want, sizeof(want), "link/ether %s", lease.mac);
	expect_has(eth0, want, "eth0");
	addr = sh_in(fd, "ip -o -4 addr show dev eth0");
	expect_has(addr, "inet 10.90.0.2/16", "eth0 address");
	lo = sh_in(fd, "ip -o link show dev lo");
	expect_has(lo, "<LOOPBACK,UP,LOWER_UP>", "lo");
	route = sh_in(fd, "ip route show default");
	expect_has(route, "default via 10.90.0.1 dev eth0", "route");
	close(fd);
}

static void bridge_setup_with_options(void)
{
	cleanup_free char *root = case_state_root("options");
	struct netns_request req = request(root, "c-opt");
	struct netns_lease lease;
	cleanup_free char *br = NULL, *veth = NULL, *eth0 = NULL;
	cleanup_free char *route = NULL, *lease_file = NULL;
	int fd;

	req.bridge = "brtest0";
	req.subnet = "172.30.5.0/24";
	req.mtu = 1400;
	fd = container(&req, &lease);
	expect(strcmp(lease.address, "172.30.5.2") == 0 && lease.prefix == 24, "lease %s/%u",
	       lease.address, lease.prefix);
	br = sh_in(-1, "ip -o addr show dev brtest0; ip -o link show brtest0");
	expect_has(br, "inet 172.30.5.1/24", "bridge");
	expect_has(br, "mtu 1400", "bridge");
	veth = sh_in(-1, "ip -o link show dev %s", lease.host_ifname);
	expect_has(veth, "mtu 1400", "host veth");
	expect_has(veth, "master brtest0", "host veth");
	eth0 = sh_in(fd, "ip -o link show dev eth0; ip -o -4 addr show eth0");
	expect_has(eth0, "mtu 1400", "eth0");
	expect_has(eth0, "inet 172.30.5.2/24", "eth0");
	route = sh_in(fd, "ip route show default");
	expect_has(route, "default via 172.30.5.1 dev eth0", "route");
	/* the lease file records the owner */
	lease_file = lease_text("brtest0", "172.30.5.2");
	expect(lease_file != NULL, "no lease file");
	expect_has(lease_file, "id=c-opt\n", "lease");
	expect_has(lease_file, root, "lease");
	expect_has(lease_file, lease.host_ifname, "lease");
	close(fd);
}

static void existing_bridge_is_reused(void)
{
	cleanup_free char *root = case_state_root("reuse");
	struct netns_request req = request(root, "c-reuse");
	struct netns_lease lease;
	cleanup_free char *mk = NULL, *br = NULL, *eth0 = NULL;
	int fd;

	mk = sh_in(-1, "ip link add berth0 mtu 1450 type bridge && echo ok");
	expect_has(mk, "ok", "ip link add bridge");
	fd = container(&req, &lease);
	br = sh_in(-1, "ip -o addr show dev berth0; ip -o link show berth0");
	expect_has(br, "inet 10.90.0.1/16", "reused bridge");
	expect_has(br, ",UP", "reused bridge");
	/* mtu 0 takes the bridge's */
	eth0 = sh_in(fd, "ip -o link show dev eth0");
	expect_has(eth0, "mtu 1450", "eth0");
	close(fd);
}

/* A UDP exchange from container A to container B over the bridge: B
 * answers each datagram with the source address it saw and the payload,
 * until it has been idle for a second (10 s before the first).  */
static void udp_echo_server(int fd, const char *addr, int ready)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(5353)};
	struct timeval first = {.tv_sec = 10}, idle = {.tv_sec = 1};
	char buf[256], reply[300], src[INET_ADDRSTRLEN];
	int s, answered = 0;

	if (setns(fd, CLONE_NEWNET) < 0)
		_exit(2);
	inet_pton(AF_INET, addr, &sa.sin_addr);
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		_exit(3);
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &first, sizeof(first));
	if (write(ready, "r", 1) != 1)
		_exit(4);
	for (;;) {
		struct sockaddr_in from;
		socklen_t fromlen = sizeof(from);
		ssize_t n =
			recvfrom(s, buf, sizeof(buf) - 1, 0, (struct sockaddr *)&from, &fromlen);

		if (n < 0)
			_exit(answered > 0 ? 0 : 5);
		buf[n] = '\0';
		inet_ntop(AF_INET, &from.sin_addr, src, sizeof(src));
		n = snprintf(reply, sizeof(reply), "%s says %s", src, buf);
		sendto(s, reply, (size_t)n, 0, (struct sockaddr *)&from, fromlen);
		answered++;
		setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &idle, sizeof(idle));
	}
}

/* In a child inside container A: send to B until it answers (bounded:
 * 20 tries of 300 ms, the first waits for ARP) and pass the answer up. */
static void udp_client(int fd, const char *to, int out)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(5353)};
	struct timeval tv = {.tv_usec = 300000};
	char reply[300];
	ssize_t n = -1;
	int s;

	if (setns(fd, CLONE_NEWNET) < 0)
		_exit(2);
	inet_pton(AF_INET, to, &sa.sin_addr);
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		_exit(3);
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (int i = 0; i < 20 && n < 0; i++) {
		sendto(s, "hello", 5, 0, (struct sockaddr *)&sa, sizeof(sa));
		n = recv(s, reply, sizeof(reply), 0);
	}
	if (n <= 0 || write(out, reply, (size_t)n) != n)
		_exit(4);
	_exit(0);
}

static pid_t fork_into(void (*fn)(int, const char *, int), int fd, const char *addr, int pipe_end)
{
	pid_t pid = fork();

	expect(pid >= 0, "fork: %m");
	if (pid == 0)
		fn(fd, addr, pipe_end);
	return pid;
}

static void expect_exit_0(pid_t pid, const char *who)
{
	int status = 0;

	expect(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "%s: status %#x", who, status);
}

/* Both ends run in forked children, one in each container; this process
 * stays in the case's host netns, which must outlive the exchange (a
 * netns nobody is in or holds open is destroyed with its bridge).  */
static void two_containers_talk(void)
{
	cleanup_free char *root = case_state_root("talk");
	struct netns_request ra = request(root, "talk-a");
	struct netns_request rb = request(root, "talk-b");
	struct netns_lease a, b;
	int fa = container(&ra, &a), fb = container(&rb, &b);
	char reply[300] = "", want[300], byte;
	int ready[2], answer[2];
	pid_t server, client;
	ssize_t n;

	expect(strcmp(a.address, b.address) != 0, "same address %s", a.address);
	expect(pipe2(ready, O_CLOEXEC) == 0 && pipe2(answer, O_CLOEXEC) == 0, "pipe: %m");
	server = fork_into(udp_echo_server, fb, b.address, ready[1]);
	close(ready[1]);
	expect(read(ready[0], &byte, 1) == 1, "echo server did not start");
	client = fork_into(udp_client, fa, b.address, answer[1]);
	close(answer[1]);
	n = read(answer[0], reply, sizeof(reply) - 1);
	reply[n > 0 ? n : 0] = '\0';
	expect_exit_0(client, "client in A");
	expect_exit_0(server, "echo server in B");
	snprintf(want, sizeof(want), "%s says hello", a.address);
	expect(strcmp(reply, want) == 0, "reply \"%s\", want \"%s\"", reply, want);
}

static void teardown_removes_veth_and_lease(void)
{
	cleanup_free char *root = case_state_root("teardown");
	struct netns_request req = request(root, "c-down");
	cleanup_error struct error *err = NULL;
	cleanup_free char *lease_file = NULL, *inside = NULL;
	struct netns_lease lease;
	int fd = container(&req, &lease);

	lease_file = lease_text("berth0", lease.address);
	expect(lease_file != NULL, "lease file missing after setup");
	expect(link_exists(lease.host_ifname), "veth missing after setup");
	expect_ok(netns_teardown(&lease, nstest_ipam_dir, &err), &err, "teardown");
	expect(!link_exists(lease.host_ifname), "veth still there");
	expect(lease_count("berth0") == 0, "lease still there");
	inside = sh_in(fd, "ip -o link show");
	expect(!contains(inside, "eth0"), "eth0 still in container:\n%s", inside);
	expect(link_exists("berth0"), "the shared bridge was deleted");
	/* twice is fine */
	expect_ok(netns_teardown(&lease, nstest_ipam_dir, &err), &err, "second teardown");
	close(fd);
}

/* kill -9 of the container: its netns goes away and takes the veth pair
 * with it (asynchronously); teardown must work before and after that. */
static void teardown_after_container_death(void)
{
	cleanup_free char *root = case_state_root("killed");
	struct netns_request r1 = request(root, "dead-1");
	struct netns_request r2 = request(root, "dead-2");
	cleanup_error struct error *err = NULL;
	struct netns_lease l1, l2;
	int f1, f2, status;
	pid_t pid;

	/* a real process in the container netns, killed with SIGKILL */
	f1 = container(&r1, &l1);
	pid = fork();
	expect(pid >= 0, "fork: %m");
	if (pid == 0) {
		if (setns(f1, CLONE_NEWNET) < 0)
			_exit(1);
		pause();
		_exit(0);
	}
	close(f1);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	/* wait (bounded) until the kernel has removed the pair by itself */
	for (int i = 0; i < 500 && link_exists(l1.host_ifname); i++)
		usleep(10000);
	expect(!link_exists(l1.host_ifname), "veth outlived its netns");
	expect(lease_count("berth0") == 1, "lease of dead-1 missing");
	expect_ok(netns_teardown(&l1, nstest_ipam_dir, &err), &err, "teardown of a vanished veth");
	expect(lease_count("berth0") == 0, "lease of dead-1 not released");

	/* and right after the netns is dropped, racing the kernel */
	f2 = container(&r2, &l2);
	close(f2);
	expect_ok(netns_teardown(&l2, nstest_ipam_dir, &err), &err,
		  "teardown racing netns cleanup");
	expect(!link_exists(l2.host_ifname), "veth of dead-2 still there");
	expect(lease_count("berth0") == 0, "lease of dead-2 not released");
}

static void non_bridge_interface_is_refused(void)
{
	cleanup_free char *root = case_state_root("notbridge");
	struct netns_request req = request(root, "c-nb");
	cleanup_error struct error *err = NULL;
	cleanup_free char *mk = NULL, *after = NULL;
	struct netns_lease lease;
	char veth[IFNAMSIZ];
	int fd = new_netns();

	mk = sh_in(-1, "ip link add berth0 type veth peer name berth0p && "
		       "echo ok");
	expect_has(mk, "ok", "ip link add");
	state_dir_make(root, "c-nb");
	expect(netns_bridge_setup(&req, fd, &lease, &err) < 0, "accepted");
	expect(strcmp(err->msg, "netns: interface \"berth0\" exists and is "
				"not a bridge (kind \"veth\")") == 0,
	       "message: %s", err->msg);
	/* untouched: still down, no address; and nothing of ours is left */
	after = sh_in(-1, "ip -o link show berth0; ip -o addr show berth0");
	expect(!contains(after, "inet"), "address added:\n%s", after);
	expect(!contains(after, ",UP"), "brought up:\n%s", after);
	netns_veth_name("c-nb", veth);
	expect(!link_exists(veth), "veth left behind");
	expect(lease_count("berth0") == 0, "lease left behind");

	/* lo exists too, without any link kind */
	error_freep(&err);
	req.bridge = "lo";
	expect(netns_bridge_setup(&req, fd, &lease, &err) < 0, "lo accepted");
	expect(strcmp(err->msg, "netns: interface \"lo\" exists and is not a "
				"bridge (kind \"none\")") == 0,
	       "message: %s", err->msg);
	close(fd);
}

/* The same id twice: the second veth collides, and its address goes
 * back to the pool.  The error names the object and the errno text. */
static void veth_collision_is_reported_and_undone(void)
{
	cleanup_free char *root = case_state_root("collide");
	struct netns_request req = request(root, "twice");
	cleanup_error struct error *err = NULL;
	cleanup_free char *want = NULL, *route = NULL;
	struct netns_lease first, second;
	int f1 = container(&req, &first), f2 = new_netns();

	expect(netns_bridge_setup(&req, f2, &second, &err) < 0, "accepted");
	want = xasprintf("netns: add veth \"%s\": File exists", first.host_ifname);
	expect(strcmp(err->msg, want) == 0, "message: %s", err->msg);
	expect(err->errnum == EEXIST, "errnum %d", err->errnum);
	expect(lease_count("berth0") == 1, "%d leases", lease_count("berth0"));
	expect(link_exists(first.host_ifname), "first veth deleted");
	route = sh_in(f1, "ip route show default");
	expect_has(route, "default via 10.90.0.1", "first container");
	close(f1);
	close(f2);
}

/* A failure inside the container netns, after the veth exists: a
 * default route is already there.  Setup must remove the veth pair and
 * give the address back.  */
static void container_side_failure_is_undone(void)
{
	cleanup_free char *root = case_state_root("undo");
	struct netns_request req = request(root, "c-undo");
	cleanup_error struct error *err = NULL;
	cleanup_free char *prep = NULL, *inside = NULL;
	struct netns_lease lease;
	char veth[IFNAMSIZ];
	int fd = new_netns();

	/* no packet is sent: links and a route only */
	prep = sh_in(fd, "ip link add x0 type veth peer name x1 && "
			 "ip addr add 10.250.0.1/24 dev x0 && "
			 "ip link set x0 up && ip link set x1 up && "
			 "ip route add default via 10.250.0.2 && echo ok");
	expect_has(prep, "ok", "prepare container netns");
	state_dir_make(root, "c-undo");
	expect(netns_bridge_setup(&req, fd, &lease, &err) < 0, "accepted");
	expect(strcmp(err->msg, "netns: add default route via 10.90.0.1 on "
				"\"eth0\": File exists") == 0,
	       "message: %s", err->msg);
	netns_veth_name("c-undo", veth);
	expect(!link_exists(veth), "host veth left behind");
	inside = sh_in(fd, "ip -o link show");
	expect(!contains(inside, "eth0"), "eth0 left behind:\n%s", inside);
	expect(lease_count("berth0") == 0, "lease left behind");
	close(fd);
}

static void bad_requests_are_refused(void)
{
	cleanup_free char *root = case_state_root("bad");
	struct netns_request req = request(root, "c-bad");
	cleanup_free char *links = NULL;

	state_dir_make(root, "c-bad");
	req.bridge = "a/b";
	expect_setup_error(&req, "netns: bridge \"a/b\" is not a valid "
				 "interface name (1 to 15 bytes, no '/', ':' "
				 "or white space): Invalid argument");
	req.bridge = "sixteen-chars-xx";
	expect_setup_error(&req, "netns: bridge \"sixteen-chars-xx\" is not a "
				 "valid interface name (1 to 15 bytes, no "
				 "'/', ':' or white space): Invalid argument");
	req.bridge = NULL;
	req.subnet = "10.0.0.0/31";
	expect_setup_error(&req, "netns: subnet \"10.0.0.0/31\": prefix must "
				 "be 8 to 30: Invalid argument");
	req.subnet = "10.0.0.0/7";
	expect_setup_error(&req, "netns: subnet \"10.0.0.0/7\": prefix must "
				 "be 8 to 30: Invalid argument");
	req.subnet = "10.0.0.1/24";
	expect_setup_error(&req, "netns: subnet \"10.0.0.1/24\" has host bits "
				 "set (did you mean 10.0.0.0/24?): Invalid "
				 "argument");
	req.subnet = "fd00::/64";
	expect_setup_error(&req, "netns: subnet \"fd00::/64\" is not an IPv4 "
				 "CIDR: Invalid argument");
	req.subnet = NULL;
	req.id = "../etc";
	expect_setup_error(&req, "netns: invalid container id \"../etc\": "
				 "Invalid argument");
	req.id = "c-bad";
	req.state_root = "relative/state";
	expect_setup_error(&req, "netns: ipam: state root \"relative/state\" "
				 "is not an absolute path: Invalid argument");
	req.state_root = root;
	req.mode = NETNS_HOST;
	expect_setup_error(&req, "netns: bridge setup for a request whose "
				 "mode is not bridge: Invalid argument");
	req.mode = NETNS_BRIDGE;
	req.mtu = 20;
	expect_setup_error(&req, "netns: mtu 20 is not in 68..65535: Invalid "
				 "argument");
	/* none of that created anything */
	links = sh_in(-1, "ip -o link show");
	expect(!contains(links, "berth0") && !contains(links, "vb"), "links created:\n%s", links);
	expect(lease_count("berth0") == 0, "leases created");
}

static void loopback_comes_up(void)
{
	cleanup_error struct error *err = NULL;
	cleanup_free char *before = NULL, *after = NULL, *own = NULL;
	int fd = new_netns();

	before = sh_in(fd, "ip -o link show dev lo");
	expect_has(before, "<LOOPBACK>", "lo before");
	expect_ok(netns_loopback_up(fd, &err), &err, "loopback up");
	after = sh_in(fd, "ip -o link show dev lo; ip -o -4 addr show dev lo");
	expect_has(after, "<LOOPBACK,UP,LOWER_UP>", "lo after");
	expect_has(after, "inet 127.0.0.1/8", "lo after");
	/* the calling thread is back in its own netns, untouched */
	own = sh_in(-1, "ip -o link show dev lo");
	expect_has(own, "<LOOPBACK>", "own lo");
	close(fd);
}

/* The kernel's own reason (extended ACK) comes with the errno text. */
static void netlink_errors_name_object_and_cause(void)
{
	cleanup_nl struct netns_nl nl = NETNS_NL_CLOSED;
	cleanup_error struct error *err = NULL;
	struct netns_link lo;
	uint32_t gw;
	int fd = new_netns();

	expect_ok(netns_nl_open_in(&nl, fd, &err), &err, "open in netns");
	expect_ok(netns_link_get(&nl, "lo", &lo, &err), &err, "get lo");
	expect(lo.index > 0 && lo.kind[0] == '\0', "lo: %d \"%s\"", lo.index, lo.kind);
	expect(netns_addr_parse("10.1.1.1", &gw), "parse");
	expect(netns_route_add_default(&nl, lo.index, "lo", gw, &err) < 0,
	       "route via a down lo accepted");
	expect(strcmp(err->msg, "add default route via 10.1.1.1 on \"lo\" "
				"(Nexthop has invalid gateway): Network is "
				"unreachable") == 0,
	       "message: %s", err->msg);
	expect(err->errnum == ENETUNREACH, "errnum %d", err->errnum);
	error_freep(&err);
	/* a missing link is not an error for a lookup */
	expect_ok(netns_link_get(&nl, "nosuchlink", &lo, &err), &err, "get missing");
	expect(lo.index == 0, "found a missing link");
	close(fd);
}

/* The request layout the kernel parses: lengths, 4-byte padding (zeroed),
 * NLA_F_NESTED on a nest whose length covers its members.  */
static void requests_are_laid_out_for_the_kernel(void)
{
	char buf[NETNS_NL_BUFSIZE] __attribute__((aligned(4)));
	struct netns_nl nl = NETNS_NL_CLOSED;
	struct nlmsghdr *nlh;
	struct nlattr *nest, *a;
	uint32_t v;

	memset(buf, 0xee, sizeof(buf));
	nlh = netns_nl_msg(&nl, buf, RTM_NEWLINK, NLM_F_CREATE);
	expect(nlh->nlmsg_len == 16 && nlh->nlmsg_seq == 1, "header %u seq %u", nlh->nlmsg_len,
	       nlh->nlmsg_seq);
	expect(nlh->nlmsg_flags == (NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE), "flags %#x",
	       nlh->nlmsg_flags);
	expect(netns_nl_put_hdr(nlh, sizeof(struct ifinfomsg)) == buf + 16, "family header");
	netns_nl_put_str(nlh, IFLA_IFNAME, "eth0"); /* 4 + 5 bytes, padded to 12 */
	nest = netns_nl_nest(nlh, IFLA_LINKINFO);
	netns_nl_put_u32(nlh, IFLA_MTU, 1400);
	netns_nl_nest_end(nlh, nest);
	expect(nlh->nlmsg_len == 16 + 16 + 12 + 4 + 8, "length %u", nlh->nlmsg_len);
	a = (struct nlattr *)(void *)(buf + 32);
	expect(a->nla_len == 9 && a->nla_type == IFLA_IFNAME, "ifname attr %u/%u", a->nla_len,
	       a->nla_type);
	expect(memcmp(buf + 36, "eth0\0\0\0\0", 8) == 0, "ifname bytes or padding");
	expect(nest->nla_len == 12 && nest->nla_type == (NLA_F_NESTED | IFLA_LINKINFO),
	       "nest %u/%#x", nest->nla_len, nest->nla_type);
	expect(netns_nl_attr_type(nest) == IFLA_LINKINFO, "nest type without the flag");
	a = (struct nlattr *)(void *)(buf + 48);
	expect(netns_nl_attr_u32(a, &v) && v == 1400, "mtu read back");
	expect(netns_nl_msg(&nl, buf, RTM_GETLINK, 0)->nlmsg_seq == 2, "sequence numbers");
}

static void count_attr(const struct nlattr *attr, void *data)
{
	(void)attr;
	++*(int *)data;
}

/* Replies are walked only as far as their lengths hold: a zero, short or
 * overlong attribute ends the walk, nothing is read past the buffer.  */
static void malformed_attributes_stop_the_walk(void)
{
	/* three u32 attributes, 8 bytes each: header, then the value */
	struct {
		struct nlattr hdr;
		uint32_t value;
	} attrs[3] = {{{8, 1}, 10}, {{8, 2}, 20}, {{8, 3}, 30}};
	struct nlattr u16 = {.nla_len = 6};
	uint32_t v;
	int n = 0;

	netns_nl_attrs(attrs, sizeof(attrs), count_attr, &n);
	expect(n == 3, "well-formed: %d", n);
	expect(netns_nl_attr_u32(&attrs[2].hdr, &v) && v == 30, "third value");
	n = 0;
	netns_nl_attrs(attrs, sizeof(attrs) - 2, count_attr, &n);
	expect(n == 2, "last one cut short: %d", n);
	attrs[1].hdr.nla_len = 2;
	n = 0;
	netns_nl_attrs(attrs, sizeof(attrs), count_attr, &n);
	expect(n == 1, "length below the header: %d", n);
	attrs[1].hdr.nla_len = 64;
	n = 0;
	netns_nl_attrs(attrs, sizeof(attrs), count_attr, &n);
	expect(n == 1, "length past the end: %d", n);
	expect(!netns_nl_attr_u32(&u16, &v), "a 2-byte payload read as u32");
}

static const struct nstest_case cases[] = {
	{"bridge setup with defaults", bridge_setup_with_defaults},
	{"bridge setup with bridge, subnet and mtu", bridge_setup_with_options},
	{"an existing bridge is reused", existing_bridge_is_reused},
	{"two containers on one bridge talk", two_containers_talk},
	{"teardown removes the veth and the lease", teardown_removes_veth_and_lease},
	{"teardown after the container died", teardown_after_container_death},
	{"a non-bridge interface is refused", non_bridge_interface_is_refused},
	{"a veth collision is reported and undone", veth_collision_is_reported_and_undone},
	{"a failure inside the container is undone", container_side_failure_is_undone},
	{"bad requests are refused", bad_requests_are_refused},
	{"netns_loopback_up", loopback_comes_up},
	{"netlink errors name the object and the cause", netlink_errors_name_object_and_cause},
	{"requests are laid out for the kernel", requests_are_laid_out_for_the_kernel},
	{"malformed attributes stop the walk", malformed_attributes_stop_the_walk},
};

int main(void)
{
	return nstest_run("test-netns", cases, sizeof(cases) / sizeof(*cases));
}
