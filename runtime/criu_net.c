/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/criu_net.c — a bridged container through checkpoint and
 * restore: its network namespace external to CRIU, wired again by berth
 * before CRIU restores into it (see criu_net.h).  The bridge and veth
 * themselves: netns/.  */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/file.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/syscalls.h"
#include "rootfs/rootfs.h"
#include "runtime/criu_net.h"

/* runc's key for the external network namespace */
#define EXT_NETNS_KEY "extRootNetNS"

int criu_net_dump(struct criu_request *r, const struct container *c, int img, struct error **err)
{
	char path[64];
	struct stat st;
	cleanup_free char *ext = NULL, *addr = NULL;

	if (c->st.net_bridge == NULL)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)c->st.pid);
	if (stat(path, &st) < 0)
		return error_set(err, errno, "network: '%s'", path);
	ext = xasprintf("net[%llu]:%s", (unsigned long long)st.st_ino, EXT_NETNS_KEY);
	criu_add_external(r, ext);
	/* bound from a detached tmpfs CRIU cannot see: the restore binds
	 * new ones (a key without such a mount, e.g. under a read-only
	 * root, is never looked up) */
	for (size_t i = 0; i < ROOTFS_ETC_FILES; i++) {
		cleanup_free char *dst = xasprintf("/etc/%s", rootfs_etc_files[i]);

		criu_add_ext_mnt(r, dst, dst);
	}
	addr = xasprintf("%s\n", c->st.net_address != NULL ? c->st.net_address : "");
	return atomic_write_at(img, CRIU_NETWORK, addr, strlen(addr), 0600, err);
}

/* the address the checkpoint recorded, or "" when it has none (the
 * container was not bridged) */
static int image_address(int img, char out[CRIU_ADDR_LEN], struct error **err)
{
	cleanup_free char *buf = NULL;
	size_t len;

	out[0] = '\0';
	if (faccessat(img, CRIU_NETWORK, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	if (read_file_at(img, CRIU_NETWORK, &buf, &len, err) < 0)
		return error_wrap(err, "checkpoint image");
	return criu_image_address(buf, len, out, err);
}

static int bundle_network(const struct rt_global *g, const struct spec *spec, struct spec_ext *ext,
			  struct error **err)
{
	struct spec_hostconf conf;

	if (g->host_annotations >= 0)
		conf.host_annotations = g->host_annotations == 1;
	else if (spec_hostconf_load(spec_hostconf_path(getenv("BERTH_CONFIG")), &conf, err) < 0)
		return -1;
	return spec_ext_read(spec, conf.host_annotations, ext, err);
}

/* A new, empty network namespace, held by the returned fd.  berth
 * enters it for a moment and goes back: the lease is keyed by the
 * namespace the bridge is in (berth's own), so everything else runs
 * there.  unshare(CLONE_NEWNET) is per thread, and this one comes
 * straight back.  */
static int new_netns(struct error **err)
{
	cleanup_close int own = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	int fd, saved;

	if (own < 0)
		return error_set(err, errno, "network: open '/proc/thread-self/ns/net'");
	if (unshare(CLONE_NEWNET) < 0)
		return error_set(err, errno, "network: a new network namespace");
	fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	saved = errno;
	if (setns(own, CLONE_NEWNET) < 0) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		return error_set(err, e, "network: back to berth's network namespace");
	}
	if (fd < 0)
		return error_set(err, saved, "network: open the new network namespace");
	return fd;
}

/* the same files create writes (launch.c), for the same address */
static int write_etc(const struct criu_net *n, const struct spec *spec, const struct container *c,
		     struct error **err)
{
	const char *host = spec->hostname != NULL ? spec->hostname : c->st.id;

	return netns_write_etc_files(c->dir_fd, &n->lease, host, err);
}

static int check_match(bool bridged, const char *addr, struct error **err)
{
	if (bridged && addr[0] == '\0')
		return error_set(err, 0,
				 "the bundle asks for bridge networking (org.berth.network), but "
				 "the checkpoint was made without it");
	if (!bridged && addr[0] != '\0')
		return error_set(err, 0,
				 "the checkpoint was made with bridge networking (address %s), "
				 "but the bundle does not ask for it (org.berth.network)",
				 addr);
	return 0;
}

/* the namespace, the lease of `addr` and the veth, recorded in the state */
static int wire(struct criu_net *n, const struct rt_global *g, const struct spec_ext *ext,
		const char *addr, const struct spec *spec, struct container *c, struct error **err)
{
	struct netns_request req = {
		.mode = NETNS_BRIDGE,
		.id = c->st.id,
		.bridge = ext->bridge_name,
		.subnet = ext->subnet,
		.mtu = ext->mtu,
		.state_root = g->root,
		.address = addr,
	};

	n->netns_fd = new_netns(err);
	if (n->netns_fd < 0 || netns_bridge_setup(&req, n->netns_fd, &n->lease, err) < 0)
		return -1;
	n->has_lease = true;
	container_lease_record(c, &n->lease, NULL);
	if (container_save(c, err) < 0 || write_etc(n, spec, c, err) < 0)
		return -1;
	if (mkdirat(c->dir_fd, "criu-netfiles", 0700) < 0)
		return error_set(err, errno, "create '%s/criu-netfiles'", c->dir);
	snprintf(n->files_dir, sizeof(n->files_dir), "%s/criu-netfiles", c->dir);
	return 0;
}

int criu_net_attach_files(struct criu_net *n, const struct container *c, struct error **err)
{
	cleanup_close int stage = -1;

	if (n->files_dir[0] == '\0')
		return 0;
	stage = rootfs_stage_etc_files(c->dir, err);
	if (stage < 0)
		return error_wrap(err, "network");
	if (sys_move_mount(stage, "", AT_FDCWD, n->files_dir, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return error_set(err, errno, "network files: attach their tmpfs on '%s'",
				 n->files_dir);
	n->files_attached = true;
	return 0;
}

void criu_net_detach_files(struct criu_net *n, const struct container *c)
{
	if (n->files_attached && umount2(n->files_dir, MNT_DETACH) < 0)
		log_warn("network files: detach '%s': %s", n->files_dir, strerror(errno));
	n->files_attached = false;
	if (n->files_dir[0] != '\0')
		unlinkat(c->dir_fd, "criu-netfiles", AT_REMOVEDIR);
}

int criu_net_setup(struct criu_net *n, const struct rt_global *g, const struct spec *spec,
		   struct container *c, int img, struct error **err)
{
	struct spec_ext ext = {0};
	char addr[CRIU_ADDR_LEN];
	int rc;

	n->has_lease = false;
	n->netns_fd = -1;
	n->files_dir[0] = '\0';
	n->files_attached = false;
	rc = bundle_network(g, spec, &ext, err) < 0 || image_address(img, addr, err) < 0 ||
			     check_match(ext.bridge, addr, err) < 0 ||
			     (ext.bridge && wire(n, g, &ext, addr, spec, c, err) < 0)
		     ? -1
		     : 0;
	spec_ext_clear(&ext);
	if (rc < 0)
		error_wrap(err, "network");
	return rc;
}

void criu_net_request(const struct criu_net *n, const struct container *c, struct criu_request *r,
		      int fd)
{
	if (n->netns_fd < 0)
		return;
	criu_add_inherit(r, EXT_NETNS_KEY, fd);
	for (size_t i = 0; i < ROOTFS_ETC_FILES; i++) {
		cleanup_free char *dst = xasprintf("/etc/%s", rootfs_etc_files[i]);
		cleanup_free char *src = xasprintf("%s/%s", n->files_dir, rootfs_etc_files[i]);

		criu_add_ext_mnt(r, dst, src);
	}
}

void criu_net_undo(struct criu_net *n)
{
	struct error *e = NULL;

	if (!n->has_lease)
		return;
	if (netns_teardown(&n->lease, NULL, &e) < 0) {
		log_warn("rollback: %s", e->msg);
		error_free(e);
	}
	n->has_lease = false;
}
