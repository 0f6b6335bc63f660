/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/criu_spec.c — what CRIU must be told about a container, from
 * its config: the mounts that come from the host (external mounts, keyed
 * by their destination, as runc keys them, so images move between the
 * two runtimes) and the namespaces it joined rather than created.  Used by
 * checkpoint.c and restore.c alike.  */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroups/cgroup.h"
#include "core/cleanup.h"
#include "core/file.h"
#include "core/mem.h"
#include "namespaces/ns.h"
#include "rootfs/rootfs.h"
#include "runtime/criu_spec.h"

/* the key CRIU stores for a namespace the container joined (runc's) */
static const char *ext_key(int ns)
{
	return ns == SPEC_NS_NET ? "extRootNetNS" : "extRootPidNS";
}

/* Without a cgroup namespace the container's cgroup directories are bound
 * from the host on the cgroup mount (rootfs/cgroupfs.c): host mounts,
 * restored from the new container's own cgroups.  */
static bool cgroup_bound(const struct spec *spec, const struct spec_mount *m)
{
	return !spec->linux.ns[SPEC_NS_CGROUP].present && m->type != NULL &&
	       (strcmp(m->type, "cgroup") == 0 || strcmp(m->type, "cgroup2") == 0);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}

/* Each bind of a cgroup mount `dest`, as rootfs/cgroupfs.c lays them
 * out: on cgroup v2 alone the container's directory on dest itself; with
 * v1 hierarchies (a hybrid or v1 host) one per hierarchy on
 * dest/<its host mount point's name> ("memory", "cpu,cpuacct") and the
 * cgroup2 part on dest/unified — every one a host mount CRIU cannot
 * reach ("has unreachable sharing").  The key is where it is in the
 * container (runc's keys); the value the key again at dump, and at
 * restore the restored container's directory.  */
static void cgroup_binds(struct criu_request *r, const char *dest, const struct cg *cg,
			 bool restore)
{
	size_t n = cg_v1_count(cg);
	const char *dir = cg_path(cg);

	for (size_t i = 0; i < n; i++) {
		const char *name, *mount, *path;
		cleanup_free char *key = NULL;

		cg_v1_at(cg, i, &name, &mount, &path);
		if (path == NULL)
			continue;
		key = xasprintf("%s/%s", dest, base_name(mount));
		criu_add_ext_mnt(r, key, restore ? path : key);
	}
	if (dir == NULL)
		return;
	if (n == 0) {
		criu_add_ext_mnt(r, dest, restore ? dir : dest);
	} else {
		cleanup_free char *key = xasprintf("%s/unified", dest);

		criu_add_ext_mnt(r, key, restore ? dir : key);
	}
}

/* The device nodes bound from the host: linux.devices, and in a new user
 * namespace (no mknod there) the default ones too.  Each is a bind of a
 * host devtmpfs node, a slave of the host's /dev that CRIU cannot reach
 * ("has unreachable sharing"): external, keyed by its path, and restored
 * from the same host node.  */
static void host_nodes(struct criu_request *r, const struct spec *spec)
{
	for (size_t i = 0; i < spec->linux.n_devices; i++)
		criu_add_ext_mnt(r, spec->linux.devices[i].path, spec->linux.devices[i].path);
	if (!ns_creates_userns(spec))
		return;
	for (size_t i = 0; rootfs_default_device(i) != NULL; i++)
		criu_add_ext_mnt(r, rootfs_default_device(i), rootfs_default_device(i));
}

void criu_spec_dump_mounts(struct criu_request *r, const struct spec *spec, pid_t pid,
			   const struct cg *cg)
{
	for (size_t i = 0; i < spec->n_mounts; i++) {
		if (spec->mounts[i].bind)
			criu_add_ext_mnt(r, spec->mounts[i].destination,
					 spec->mounts[i].destination);
		if (cgroup_bound(spec, &spec->mounts[i]) && cg != NULL)
			cgroup_binds(r, spec->mounts[i].destination, cg, false);
	}
	/* a masked file has /dev/null bound over it: restored from the
	 * host's /dev/null (a masked directory is a tmpfs CRIU restores) */
	for (char **p = spec->linux.masked_paths; p != NULL && *p != NULL; p++) {
		char path[4096];
		struct stat st;

		snprintf(path, sizeof(path), "/proc/%d/root%s", (int)pid, *p);
		if (stat(path, &st) == 0 && !S_ISDIR(st.st_mode))
			criu_add_ext_mnt(r, *p, "/dev/null");
	}
	host_nodes(r, spec);
}

void criu_spec_restore_mounts(struct criu_request *r, const struct spec *spec, const char *bundle,
			      const struct cg *cg)
{
	for (size_t i = 0; i < spec->n_mounts; i++) {
		const struct spec_mount *m = &spec->mounts[i];
		cleanup_free char *src = NULL;

		if (cgroup_bound(spec, m) && cg != NULL)
			cgroup_binds(r, m->destination, cg, true);
		if (!m->bind || m->source == NULL)
			continue;
		src = m->source[0] == '/' ? xstrdup(m->source)
					  : xasprintf("%s/%s", bundle, m->source);
		criu_add_ext_mnt(r, m->destination, src);
	}
	if (spec->linux.masked_paths != NULL && spec->linux.masked_paths[0] != NULL)
		criu_add_ext_mnt(r, "/dev/null", "/dev/null");
	host_nodes(r, spec);
}

int criu_spec_dump_namespaces(struct criu_request *r, const struct spec *spec, struct error **err)
{
	static const int ext[] = {SPEC_NS_NET, SPEC_NS_PID};

	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		const struct spec_namespace *ns = &spec->linux.ns[ext[i]];
		cleanup_free char *e = NULL;
		struct stat st;

		if (!ns->present || ns->path == NULL)
			continue;
		if (stat(ns->path, &st) < 0)
			return error_set(err, errno, "namespace '%s'", ns->path);
		e = xasprintf("%s[%llu]:%s", ext[i] == SPEC_NS_NET ? "net" : "pid",
			      (unsigned long long)st.st_ino, ext_key(ext[i]));
		criu_add_external(r, e);
	}
	if (spec->linux.ns[SPEC_NS_CGROUP].present && spec->linux.ns[SPEC_NS_CGROUP].path != NULL)
		return error_set(err, 0, "CRIU cannot join an existing cgroup namespace");
	return 0;
}

/* the namespaces CRIU joins by name on restore */
static const char *join_name(int ns)
{
	switch (ns) {
	case SPEC_NS_USER: return "user";
	case SPEC_NS_MNT: return "mnt";
	case SPEC_NS_IPC: return "ipc";
	case SPEC_NS_UTS: return "uts";
	default: return NULL;
	}
}

int criu_spec_restore_namespaces(struct criu_request *r, const struct spec *spec, int first,
				 int *fds, size_t *n_fds, struct error **err)
{
	for (int t = 0; t < SPEC_NS_COUNT; t++) {
		const struct spec_namespace *ns = &spec->linux.ns[t];

		if (!ns->present || ns->path == NULL)
			continue;
		if (t == SPEC_NS_NET || t == SPEC_NS_PID) {
			/* CRIU finds it as an inherited fd under the dump's key */
			int fd = open(ns->path, O_RDONLY | O_CLOEXEC);

			if (fd < 0)
				return error_set(err, errno, "namespace '%s'", ns->path);
			criu_add_inherit(r, ext_key(t), first + (int)*n_fds);
			fds[(*n_fds)++] = fd;
		} else if (join_name(t) != NULL) {
			criu_add_join_ns(r, join_name(t), ns->path);
		} else {
			return error_set(err, 0, "CRIU cannot join the namespace '%s'", ns->path);
		}
	}
	return 0;
}

int criu_spec_netns_inode(const struct spec *spec, unsigned long long *ino, struct error **err)
{
	const struct spec_namespace *ns = &spec->linux.ns[SPEC_NS_NET];
	struct stat st;

	*ino = 0;
	if (!ns->present || ns->path == NULL)
		return 0;
	if (stat(ns->path, &st) < 0)
		return error_set(err, errno, "namespace '%s'", ns->path);
	*ino = (unsigned long long)st.st_ino;
	return 0;
}

bool criu_spec_netns_still_locked(const struct spec *spec, int img)
{
	cleanup_free char *buf = NULL;
	size_t len;
	unsigned long long now;
	struct error *e = NULL;

	if (criu_spec_netns_inode(spec, &now, &e) < 0) {
		error_free(e);
		return false;
	}
	if (now == 0 || read_file_at(img, CRIU_NETNS, &buf, &len, &e) < 0) {
		error_free(e);
		return false;
	}
	return criu_image_netns_is(buf, len, now);
}
