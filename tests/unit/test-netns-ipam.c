/* SPDX-License-Identifier: Apache-2.0 */
/* tests/unit/test-netns-ipam.c — the address allocator: uniqueness under
 * 20 parallel allocations and 20 parallel setups, stale-lease reclaim, a
 * requested address (a restore's), one subnet per bridge, one address
 * space per network namespace, and the pure helpers (names, MACs, /etc files).  Needs root; every case runs in
 * network namespaces of its own (tests/netns/nstest.h).  */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/file.h"

#include "netns/ipam.h"
#include "netns/names.h"
#include "netns/netns.h"
#include "tests/netns/nstest.h"

/* 20 processes allocate at the same instant (released together by
 * closing a pipe): every address must be different.  */
static void parallel_allocations_are_unique(void)
{
	enum { N = 20 };
	cleanup_free char *root = case_state_root("parallel-ipam");
	cleanup_error struct error *perr = NULL;
	struct netns_subnet subnet;
	uint32_t got[N];
	int go[2], res[2];

	expect_ok(netns_subnet_parse("10.91.0.0/24", &subnet, &perr), &perr, "parse");
	expect(pipe2(go, O_CLOEXEC) == 0 && pipe2(res, O_CLOEXEC) == 0, "pipe: %m");
	for (int i = 0; i < N; i++) {
		pid_t pid = fork();

		expect(pid >= 0, "fork: %m");
		if (pid == 0) {
			char id[16], veth[IFNAMSIZ], byte;
			struct error *err = NULL;
			uint32_t addr = 0;

			snprintf(id, sizeof(id), "par-%d", i);
			netns_veth_name(id, veth);
			state_dir_make(root, id);
			close(go[1]);
			if (read(go[0], &byte, 1) != 0)
				_exit(2);
			if (netns_ipam_alloc(nstest_ipam_dir, "berth0", &subnet,
					     &(struct netns_ipam_owner){id, root, veth}, &addr,
					     &err) < 0) {
				fprintf(stderr, "    %s\n", err->msg);
				addr = 0;
			}
			_exit(write(res[1], &addr, sizeof(addr)) == sizeof(addr) ? 0 : 3);
		}
	}
	close(go[0]);
	close(res[1]);
	close(go[1]); /* go */
	for (int i = 0; i < N; i++)
		expect(read(res[0], &got[i], sizeof(got[i])) == sizeof(got[i]), "result %d missing",
		       i);
	while (wait(NULL) > 0)
		;
	for (int i = 0; i < N; i++) {
		expect(got[i] > subnet.network + 1 && got[i] <= netns_subnet_last_host(&subnet),
		       "address %d: %08x", i, got[i]);
		for (int j = 0; j < i; j++)
			expect(got[i] != got[j], "%08x handed out twice", got[i]);
	}
	expect(lease_count("berth0") == N, "%d lease files", lease_count("berth0"));
}

/* 20 containers set up at once on a bridge none of them finds: they race
 * to create it, and all end up on it with distinct addresses.  Each child
 * holds its netns open until the parent has looked.  */
static void parallel_setups(void)
{
	enum { N = 20 };
	cleanup_free char *root = case_state_root("parallel-setup");
	cleanup_free char *ports = NULL, *bridges = NULL, *gw = NULL;
	char got[N][46];
	int go[2], res[2], done[2], lines = 0;

	expect(pipe2(go, O_CLOEXEC) == 0 && pipe2(res, O_CLOEXEC) == 0 &&
		       pipe2(done, O_CLOEXEC) == 0,
	       "pipe: %m");
	for (int i = 0; i < N; i++) {
		pid_t pid = fork();

		expect(pid >= 0, "fork: %m");
		if (pid == 0) {
			char id[16], byte;
			struct netns_request req = request(root, id);
			struct netns_lease lease;
			struct error *err = NULL;
			int fd;

			memset(&lease, 0, sizeof(lease));
			snprintf(id, sizeof(id), "ps-%d", i);
			state_dir_make(root, id);
			fd = new_netns();
			close(go[1]);
			close(done[1]);
			if (read(go[0], &byte, 1) != 0)
				_exit(2);
			if (netns_bridge_setup(&req, fd, &lease, &err) < 0)
				fprintf(stderr, "    %s: %s\n", id, err->msg);
			if (write(res[1], lease.address, 46) != 46)
				_exit(3);
			if (read(done[0], &byte, 1) != 0)
				_exit(4);
			_exit(0);
		}
	}
	close(go[0]);
	close(res[1]);
	close(done[0]);
	close(go[1]); /* all start now */
	for (int i = 0; i < N; i++)
		expect(read(res[0], got[i], 46) == 46, "result %d missing", i);
	for (int i = 0; i < N; i++) {
		expect(got[i][0] != '\0', "setup %d failed", i);
		for (int j = 0; j < i; j++)
			expect(strcmp(got[i], got[j]) != 0, "%s handed out twice", got[i]);
	}
	expect(lease_count("berth0") == N, "%d leases", lease_count("berth0"));
	ports = sh_in(-1, "ip -o link show master berth0");
	for (char *p = ports; (p = strchr(p, '\n')) != NULL; p++)
		lines++;
	expect(lines == N, "%d ports on berth0:\n%s", lines, ports);
	bridges = sh_in(-1, "ip -o link show type bridge | wc -l");
	expect(atoi(bridges) == 1, "%d bridges", atoi(bridges));
	gw = sh_in(-1, "ip -o -4 addr show dev berth0 | wc -l");
	expect(atoi(gw) == 1, "%d addresses on the bridge", atoi(gw));
	close(done[1]);
	while (wait(NULL) > 0)
		;
}

/* A crashed berth leaves a lease behind; once <state_root>/<id> is gone
 * the address is handed out again, and the dead owner's late teardown
 * does not take it away from its new owner.  */
static void stale_lease_is_reclaimed(void)
{
	cleanup_free char *root = case_state_root("stale");
	struct netns_request ra = request(root, "crashed");
	struct netns_request rb = request(root, "newcomer");
	cleanup_error struct error *err = NULL;
	cleanup_free char *text = NULL;
	struct netns_lease a, b;
	char veth_b[IFNAMSIZ];
	int fa, fb;

	ra.subnet = rb.subnet = "10.92.0.0/30"; /* room for one container */
	fa = container(&ra, &a);
	expect(strcmp(a.address, "10.92.0.2") == 0, "a got %s", a.address);

	/* while "crashed" is alive, there is no room */
	state_dir_make(root, "newcomer");
	fb = new_netns();
	expect(netns_bridge_setup(&rb, fb, &b, &err) < 0, "setup succeeded");
	expect(strcmp(err->msg, "netns: ipam: no free address in "
				"10.92.0.0/30: No space left on device") == 0,
	       "message: %s", err->msg);
	error_freep(&err);
	netns_veth_name("newcomer", veth_b);
	expect(!link_exists(veth_b), "veth left");

	/* berth crashed: its state dir is gone (and the container with it) */
	close(fa);
	state_dir_remove(root, "crashed");
	expect_ok(netns_bridge_setup(&rb, fb, &b, &err), &err, "reclaim");
	expect(strcmp(b.address, "10.92.0.2") == 0, "b got %s", b.address);
	text = lease_text("berth0", "10.92.0.2");
	expect(text != NULL && contains(text, "id=newcomer\n"), "lease: %s",
	       text ? text : "(none)");

	/* the dead owner's teardown must not free the newcomer's address */
	expect_ok(netns_teardown(&a, nstest_ipam_dir, &err), &err, "late teardown");
	expect(lease_count("berth0") == 1, "newcomer's lease released");
	expect(link_exists(b.host_ifname), "newcomer's veth deleted");
	close(fb);
}

/* A restore asks for its old address: refused while another live
 * container holds it (nothing left behind), given once that one is gone,
 * and refused outside the subnet.  */
static void requested_address(void)
{
	cleanup_free char *root = case_state_root("requested");
	struct netns_request ra = request(root, "holder");
	struct netns_request rb = request(root, "restored");
	cleanup_error struct error *err = NULL;
	struct netns_lease a, b;
	char veth_b[IFNAMSIZ];
	int fa, fb;

	fa = container(&ra, &a);
	expect(strcmp(a.address, "10.90.0.2") == 0, "a got %s", a.address);
	state_dir_make(root, "restored");
	rb.address = "10.90.0.2";
	expect_setup_error(&rb, "netns: ipam: address 10.90.0.2 is leased to container "
				"\"holder\": Address already in use");
	netns_veth_name("restored", veth_b);
	expect(!link_exists(veth_b), "veth left");
	rb.address = "10.91.0.9";
	expect_setup_error(&rb, "netns: ipam: address 10.91.0.9 is not a container address of "
				"10.90.0.0/16: Cannot assign requested address");
	expect_ok(netns_teardown(&a, nstest_ipam_dir, &err), &err, "teardown");
	close(fa);
	rb.address = "10.90.0.2";
	fb = new_netns();
	expect_ok(netns_bridge_setup(&rb, fb, &b, &err), &err, "claim");
	expect(strcmp(b.address, "10.90.0.2") == 0, "b got %s", b.address);
	expect(lease_count("berth0") == 1, "%d leases", lease_count("berth0"));
	close(fb);
}

static void subnet_of_a_bridge_is_fixed(void)
{
	cleanup_free char *root = case_state_root("subnet");
	struct netns_request r1 = request(root, "s1"), r2 = request(root, "s2");
	struct netns_lease l1;
	int f1 = container(&r1, &l1);

	state_dir_make(root, "s2");
	r2.subnet = "10.93.0.0/16";
	expect_setup_error(&r2, "netns: ipam: bridge \"berth0\" uses subnet "
				"10.90.0.0/16, not 10.93.0.0/16 (delete the "
				"bridge and its ipam directory to change it)");
	close(f1);
}

/* Two network namespaces each have their own "berth0" and their own
 * address space: both first containers get 10.90.0.2.  */
static void address_space_is_per_netns(void)
{
	cleanup_free char *root = case_state_root("per-netns");
	struct netns_request r1 = request(root, "here"), r2 = request(root, "there");
	cleanup_free char *here_db = ipam_db("berth0");
	struct netns_lease l1, l2;
	int f1 = container(&r1, &l1), status, pipefd[2];
	char there_db[512] = "", addr[46] = "";
	pid_t pid;

	expect(pipe2(pipefd, O_CLOEXEC) == 0, "pipe: %m");
	pid = fork();
	expect(pid >= 0, "fork: %m");
	if (pid == 0) {
		/* another "host" netns, with its own bridge */
		cleanup_free char *db = NULL;

		expect(unshare(CLONE_NEWNET) == 0, "unshare: %m");
		close(container(&r2, &l2));
		db = ipam_db("berth0");
		dprintf(pipefd[1], "%s\n%s\n", l2.address, db);
		_exit(0);
	}
	close(pipefd[1]);
	expect(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "other netns failed");
	{
		FILE *f = fdopen(pipefd[0], "r");

		expect(f != NULL && fscanf(f, "%45s %511s", addr, there_db) == 2, "no result");
		fclose(f);
	}
	expect(strcmp(l1.address, "10.90.0.2") == 0, "here: %s", l1.address);
	expect(strcmp(addr, "10.90.0.2") == 0, "there: %s", addr);
	expect(strcmp(here_db, there_db) != 0, "one database for both: %s", here_db);
	close(f1);
}

static void pure_helpers(void)
{
	struct netns_lease lease = {.address = "10.90.0.7"};
	cleanup_free char *hosts = NULL, *resolv = NULL, *hn = NULL;
	char a[IFNAMSIZ], b[IFNAMSIZ];

	netns_veth_name("3f2a1c9d0e", a);
	netns_veth_name("3f2a1c9d0e", b);
	expect(strcmp(a, b) == 0 && strlen(a) == 12, "veth name %s", a);
	netns_veth_name("3f2a1c9d0f", b);
	expect(strcmp(a, b) != 0, "veth names collide: %s", a);
	expect(!netns_ifname_is_valid("") && !netns_ifname_is_valid("a b") &&
		       !netns_ifname_is_valid("..") && netns_ifname_is_valid("berth0"),
	       "ifname checks");
	hosts = netns_hosts_file(&lease, "web-1");
	expect(hosts != NULL && strcmp(hosts, "127.0.0.1\tlocalhost\n"
					      "::1\tlocalhost ip6-localhost "
					      "ip6-loopback\n"
					      "10.90.0.7\tweb-1\n") == 0,
	       "hosts:\n%s", hosts);
	expect(netns_hosts_file(&lease, "evil\n1.2.3.4 bank") == NULL && errno == EINVAL,
	       "a hostname with a newline was accepted");
	expect(netns_hosts_file(NULL, "-x") == NULL, "\"-x\" accepted");
	free(hosts);
	hosts = netns_hosts_file(NULL, "web-1");
	expect(hosts != NULL && contains(hosts, "\n127.0.1.1\tweb-1\n"), "hosts without lease:\n%s",
	       hosts);
	free(hosts);
	hosts = netns_hosts_file(NULL, NULL);
	expect(hosts != NULL && !contains(hosts, "web") &&
		       contains(hosts, "127.0.0.1\tlocalhost\n"),
	       "hosts without hostname:\n%s", hosts);
	hn = netns_hostname_file("web-1");
	expect(strcmp(hn, "web-1\n") == 0, "hostname file %s", hn);
	resolv = netns_resolv_conf();
	expect_has(resolv, "\nnameserver 127.0.0.1\n", "resolv.conf");
	expect(!contains(resolv, "8.8.") && !contains(resolv, "1.1.1.1"),
	       "outside DNS in resolv.conf");
}

/* the three files in a dir: written whole, replacing what was there; a
 * forged hostname writes nothing past the refused file, and says which */
static void etc_files_written(void)
{
	cleanup_free char *dir = case_state_root("etc-files");
	cleanup_free char *hosts = NULL, *hn = NULL, *resolv = NULL;
	cleanup_error struct error *err = NULL;
	struct netns_lease lease = {.address = "10.90.0.9"};
	cleanup_close int fd = -1;
	size_t len;

	mkdir(dir, 0700);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	expect(fd >= 0, "open %s", dir);
	/* create makes them empty beforehand (rootfs/plan.c) */
	close(openat(fd, "hosts", O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	expect_ok(netns_write_etc_files(fd, &lease, "db", &err), &err, "write");
	expect(read_file_at(fd, "hosts", &hosts, &len, &err) == 0 &&
		       contains(hosts, "\n10.90.0.9\tdb\n"),
	       "hosts:\n%s", hosts);
	expect(read_file_at(fd, "hostname", &hn, &len, &err) == 0 && strcmp(hn, "db\n") == 0,
	       "hostname %s", hn);
	expect(read_file_at(fd, "resolv.conf", &resolv, &len, &err) == 0 &&
		       contains(resolv, "nameserver 127.0.0.1"),
	       "resolv.conf");
	expect(netns_write_etc_files(fd, &lease, "bad\nname", &err) < 0 && err != NULL &&
		       contains(err->msg, "hosts"),
	       "a forged hostname: %s", err != NULL ? err->msg : "accepted");
	error_freep(&err);
	free(hn);
	hn = NULL;
	expect(read_file_at(fd, "hostname", &hn, &len, &err) == 0 && strcmp(hn, "db\n") == 0,
	       "hostname changed after a refused write: %s", hn != NULL ? hn : "(none)");
}

static const struct nstest_case cases[] = {
	{"20 parallel allocations are unique", parallel_allocations_are_unique},
	{"20 parallel setups share one bridge", parallel_setups},
	{"a stale lease is reclaimed", stale_lease_is_reclaimed},
	{"a requested address is claimed or refused", requested_address},
	{"the subnet of a bridge is fixed", subnet_of_a_bridge_is_fixed},
	{"each netns has its own address space", address_space_is_per_netns},
	{"hosts, hostname, resolv.conf, names", pure_helpers},
	{"the /etc files written into a dir", etc_files_written},
};

int main(void)
{
	return nstest_run("test-netns-ipam", cases, sizeof(cases) / sizeof(*cases));
}
