/* SPDX-License-Identifier: Apache-2.0 */
/* netns/ipam.c — the file-locked address allocator (layout: netns/ipam.h).
 * Owns the database directory, its lock and the lease files; knows nothing
 * of links.  Every read and write of a lease happens under the lock, so
 * parallel berth processes never hand out one address twice.  */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/file.h"
#include "core/mem.h"
#include "core/log.h"
#include "netns/ipam.h"

char *netns_ipam_default_dir(struct error **err)
{
	const char *xdg;

	if (geteuid() == 0)
		return xstrdup("/run/berth/net");
	xdg = getenv("XDG_RUNTIME_DIR");
	if (xdg == NULL || xdg[0] != '/') {
		error_set(err, 0, "XDG_RUNTIME_DIR is not set: no default ipam dir");
		return NULL;
	}
	return xasprintf("%s/berth/net", xdg);
}

/* What names our network namespace for as long as the machine is up.
 * The netns cookie is never reused; a netns inode number is, as soon as
 * the netns is gone (a test's, a nested runtime's), and a new netns
 * would then inherit the old one's leases.  The inode is the fallback for
 * kernels before 5.14, where the long-lived host netns is what matters. */
static int netns_key(char *key, size_t size, struct error **err)
{
	cleanup_close int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	uint64_t cookie;
	socklen_t len = sizeof(cookie);
	struct stat st;

	if (s >= 0 && getsockopt(s, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len) == 0) {
		snprintf(key, size, "netns-%llu", (unsigned long long)cookie);
		return 0;
	}
	if (stat("/proc/thread-self/ns/net", &st) < 0)
		return error_set(err, errno, "stat \"/proc/thread-self/ns/net\"");
	snprintf(key, size, "netns-inode-%llu", (unsigned long long)st.st_ino);
	return 0;
}

char *netns_ipam_db_path(const char *ipam_dir, const char *bridge, struct error **err)
{
	char key[64];

	if (netns_key(key, sizeof(key), err) < 0)
		return NULL;
	return xasprintf("%s/%s/%s", ipam_dir, key, bridge);
}

/* Open the database of the bridge; with create, make it first.  Without
 * create a missing database leaves *dfd at -1 and succeeds.  */
static int db_open(const char *ipam_dir, const char *bridge, bool create, int *dfd,
		   struct error **err)
{
	cleanup_free char *path = netns_ipam_db_path(ipam_dir, bridge, err);

	if (path == NULL)
		return -1;
	if (create && mkdir_p(path, 0700, err) < 0)
		return -1;
	*dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*dfd < 0 && errno == ENOENT && !create)
		return 0;
	if (*dfd < 0)
		return error_set(err, errno, "open \"%s\"", path);
	return 0;
}

static int db_lock(int dfd, int *lockfd, struct error **err)
{
	*lockfd = openat(dfd, "lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (*lockfd < 0)
		return error_set(err, errno, "open ipam lock");
	while (flock(*lockfd, LOCK_EX) < 0)
		if (errno != EINTR)
			return error_set(err, errno, "lock ipam");
	return 0;
}

/* Read a small file of the database; a missing one is *text == NULL. */
static int db_read(int dfd, const char *name, char **text, struct error **err)
{
	cleanup_error struct error *read_err = NULL;

	*text = NULL;
	if (read_file_at(dfd, name, text, NULL, &read_err) == 0)
		return 0;
	if (read_err->errnum == ENOENT)
		return 0;
	return error_set(err, read_err->errnum, "read lease \"%s\"", name);
}

/* The first use of a bridge records its subnet; later requests must ask
 * for the same one, since the bridge already carries that gateway.  */
static int db_check_subnet(int dfd, const char *bridge, const struct netns_subnet *subnet,
			   struct error **err)
{
	cleanup_free char *have = NULL, *want = NULL;
	char net[INET_ADDRSTRLEN];

	netns_addr_str(subnet->network, net);
	want = xasprintf("%s/%u\n", net, subnet->prefix);
	if (db_read(dfd, "subnet", &have, err) < 0)
		return -1;
	if (have == NULL)
		return atomic_write_at(dfd, "subnet", want, strlen(want), 0600, err);
	if (strcmp(have, want) == 0)
		return 0;
	have[strcspn(have, "\n")] = '\0';
	want[strcspn(want, "\n")] = '\0';
	return error_set(err, 0,
			 "bridge \"%s\" uses subnet %s, not %s (delete the "
			 "bridge and its ipam directory to change it)",
			 bridge, have, want);
}

/* The value of "key=..." in a lease file, cut at the end of its line
 * (modifies text); NULL when absent.  */
static char *lease_field(char *text, const char *key)
{
	size_t klen = strlen(key);

	for (char *line = text; line != NULL && *line != '\0';) {
		char *next = strchr(line, '\n');

		if (next != NULL)
			*next++ = '\0';
		if (strncmp(line, key, klen) == 0 && line[klen] == '=')
			return line + klen + 1;
		line = next;
	}
	return NULL;
}

enum lease_state { LEASE_FREE, LEASE_LIVE, LEASE_STALE };

/* A lease is live while its container's state directory exists.  One we
 * cannot parse is stale: leases are written atomically, so it is not one
 * being written, and keeping it would leak the address for good.  */
static int lease_state(int dfd, const char *name, enum lease_state *state, struct error **err)
{
	cleanup_free char *text = NULL, *copy = NULL, *path = NULL;
	const char *id, *root;
	struct stat st;

	if (db_read(dfd, name, &text, err) < 0)
		return -1;
	if (text == NULL) {
		*state = LEASE_FREE;
		return 0;
	}
	copy = xstrdup(text);
	id = lease_field(text, "id");
	root = lease_field(copy, "state_root");
	if (id == NULL || root == NULL || !netns_id_is_valid(id)) {
		*state = LEASE_STALE;
		return 0;
	}
	path = xasprintf("%s/%s", root, id);
	if (lstat(path, &st) == 0 || (errno != ENOENT && errno != ENOTDIR))
		*state = LEASE_LIVE;
	else
		*state = LEASE_STALE;
	if (*state == LEASE_STALE)
		log_debug("ipam: reclaiming %s from \"%s\": \"%s\" is gone", name, id, path);
	return 0;
}

static int check_owner(const struct netns_ipam_owner *owner, struct error **err)
{
	if (netns_check_id(owner->id, err) < 0)
		return -1;
	if (owner->state_root == NULL || owner->state_root[0] != '/' ||
	    strchr(owner->state_root, '\n') != NULL)
		return error_set(err, EINVAL, "state root \"%s\" is not an absolute path",
				 owner->state_root ? owner->state_root : "");
	return netns_check_ifname("veth name", owner->ifname, err);
}

static int lease_write(int dfd, const char *name, const struct netns_ipam_owner *owner,
		       struct error **err)
{
	cleanup_free char *text = xasprintf("id=%s\nstate_root=%s\nifname=%s\n", owner->id,
					    owner->state_root, owner->ifname);

	return atomic_write_at(dfd, name, text, strlen(text), 0600, err);
}

int netns_ipam_alloc(const char *ipam_dir, const char *bridge, const struct netns_subnet *subnet,
		     const struct netns_ipam_owner *owner, uint32_t *addr, struct error **err)
{
	cleanup_close int dfd = -1, lockfd = -1;
	uint32_t last = netns_subnet_last_host(subnet);
	char name[INET_ADDRSTRLEN];

	if (check_owner(owner, err) < 0 || db_open(ipam_dir, bridge, true, &dfd, err) < 0 ||
	    db_lock(dfd, &lockfd, err) < 0 || db_check_subnet(dfd, bridge, subnet, err) < 0)
		return error_wrap(err, "ipam");
	for (uint32_t a = netns_subnet_gateway(subnet) + 1; a <= last; a++) {
		enum lease_state state;

		netns_addr_str(a, name);
		if (lease_state(dfd, name, &state, err) < 0)
			return error_wrap(err, "ipam");
		if (state == LEASE_LIVE)
			continue;
		if (lease_write(dfd, name, owner, err) < 0)
			return error_wrap(err, "ipam");
		*addr = a;
		return 0;
	}
	netns_addr_str(subnet->network, name);
	return error_set(err, ENOSPC, "ipam: no free address in %s/%u", name, subnet->prefix);
}

int netns_ipam_claim(const char *ipam_dir, const char *bridge, const struct netns_subnet *subnet,
		     const struct netns_ipam_owner *owner, uint32_t addr, struct error **err)
{
	cleanup_close int dfd = -1, lockfd = -1;
	cleanup_free char *text = NULL;
	char name[INET_ADDRSTRLEN], net[INET_ADDRSTRLEN];
	enum lease_state state;
	const char *holder;

	netns_addr_str(addr, name);
	netns_addr_str(subnet->network, net);
	if (addr <= netns_subnet_gateway(subnet) || addr > netns_subnet_last_host(subnet))
		return error_set(err, EADDRNOTAVAIL,
				 "ipam: address %s is not a container address of %s/%u", name, net,
				 subnet->prefix);
	if (check_owner(owner, err) < 0 || db_open(ipam_dir, bridge, true, &dfd, err) < 0 ||
	    db_lock(dfd, &lockfd, err) < 0 || db_check_subnet(dfd, bridge, subnet, err) < 0 ||
	    lease_state(dfd, name, &state, err) < 0 || db_read(dfd, name, &text, err) < 0)
		return error_wrap(err, "ipam");
	/* our own lease (same id and veth) is taken over, not refused */
	holder = text != NULL ? lease_field(text, "id") : NULL;
	if (state == LEASE_LIVE && (holder == NULL || strcmp(holder, owner->id) != 0))
		return error_set(err, EADDRINUSE, "ipam: address %s is leased to container \"%s\"",
				 name, holder != NULL ? holder : "?");
	if (lease_write(dfd, name, owner, err) < 0)
		return error_wrap(err, "ipam");
	return 0;
}

int netns_ipam_release(const char *ipam_dir, const char *bridge, uint32_t addr, const char *ifname,
		       struct error **err)
{
	cleanup_close int dfd = -1, lockfd = -1;
	cleanup_free char *text = NULL;
	char name[INET_ADDRSTRLEN];
	const char *holder;

	if (db_open(ipam_dir, bridge, false, &dfd, err) < 0)
		return error_wrap(err, "ipam");
	if (dfd < 0)
		return 0;
	netns_addr_str(addr, name);
	if (db_lock(dfd, &lockfd, err) < 0 || db_read(dfd, name, &text, err) < 0)
		return error_wrap(err, "ipam");
	if (text == NULL)
		return 0;
	holder = lease_field(text, "ifname");
	if (holder == NULL || strcmp(holder, ifname) != 0)
		return 0;
	if (unlinkat(dfd, name, 0) < 0 && errno != ENOENT)
		return error_set(err, errno, "ipam: remove lease \"%s\"", name);
	return 0;
}
