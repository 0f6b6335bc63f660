/* SPDX-License-Identifier: Apache-2.0 */
/* rootfs/cgroupfs.c — what a container sees at a "cgroup" (or "cgroup2")
 * mount of its config: its own cgroups, never the host's tree.
 *
 *   cgroup2 only (pure v2 host):
 *     - a new cgroup namespace: a fresh cgroup2, rooted at the container's
 *       own cgroup by the namespace
 *     - no namespace: the container's cgroup directory bound
 *   v1 hierarchies too (hybrid, v1 host), as runc lays it out: a tmpfs,
 *   and in it one directory per hierarchy named as on the host ("memory",
 *   "cpu,cpuacct" with symlinks "cpu" and "cpuacct", "systemd"), holding
 *     - a new cgroup namespace: that hierarchy mounted afresh, rooted at
 *       the container's cgroup by the namespace
 *     - no namespace: the container's cgroup directory in it bound
 *   plus "unified" for the cgroup2 part (runc leaves it out), so programs
 *   that read their limits from memory.limit_in_bytes or cpu.cfs_quota_us
 *   (JVMs, Go and .NET runtimes) find them.  Each is read-only when the
 *   config's mount is; the tmpfs is made read-only last.
 *   no cgroup at all (--cgroup-manager=disabled): an empty read-only
 *   tmpfs.  A fresh cgroup2 would show the host's whole tree, and mounting
 *   one can stall for ~10 ms in the kernel.
 * In a user namespace that may not mount a cgroup filesystem, the
 * container's own directories are bound instead.  */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/mem.h"
#include "core/syscalls.h"
#include "rootfs/internal.h"
#include "rootfs/resolve.h"

#define FS_FLAGS (MS_NOSUID | MS_NODEV | MS_NOEXEC)

static bool has_cgroupns(const struct rootfs_ctx *ctx)
{
	return ctx->spec->linux.ns[SPEC_NS_CGROUP].present;
}

/* A cgroup filesystem a user namespace may not mount (EPERM), or one the
 * kernel finds already there: a rootless job without a cgroup of its own,
 * its caller in the hierarchy's root (no systemd session: a plain v2
 * host, a VM), has the host's own cgroup2 under the /sys it was given,
 * and the same filesystem with the same root on the same place is EBUSY.
 * Either way the host's is bound instead.  */
static bool refused_in_userns(const struct rootfs_ctx *ctx, const struct error *e)
{
	return ctx->userns && (e->errnum == EPERM || e->errnum == EBUSY);
}

/* the container's own directory `host_dir` bound on dest, read-only when
 * the config's mount is */
static int bind_own(const struct rootfs_ctx *ctx, const struct spec_mount *m, const char *dest,
		    const char *host_dir, struct error **err)
{
	struct spec_mount b = {
		.destination = (char *)dest,
		.source = (char *)host_dir,
		.bind = true,
		.flags = MS_BIND | FS_FLAGS | (m->flags & MS_RDONLY),
	};

	return rootfs_mount_bind(ctx, &b, err);
}

/* a fresh cgroup filesystem on dest (type "cgroup" with the hierarchy's
 * options, or "cgroup2"); with a cgroup namespace it shows the
 * container's cgroup as its root.  Where a user namespace may not mount
 * one, the container's own directory is bound.  */
static int mount_fresh(const struct rootfs_ctx *ctx, const struct spec_mount *m, const char *dest,
		       const char *type, const char *data, const char *host_dir, struct error **err)
{
	struct spec_mount f = {
		.destination = (char *)dest,
		.type = (char *)type,
		.source = (char *)type,
		.flags = (m->flags & ~(unsigned long)(MS_BIND | MS_REC)) | FS_FLAGS,
		.data = (char *)data,
	};

	if (rootfs_mount_fs(ctx, &f, err) == 0)
		return 0;
	if (!refused_in_userns(ctx, *err))
		return -1;
	error_freep(err);
	return bind_own(ctx, m, dest, host_dir, err);
}

/* cgroup2 only, or nothing at all */
static int mount_v2(const struct rootfs_ctx *ctx, const struct spec_mount *m, struct error **err)
{
	struct spec_mount t = *m;

	t.type = t.source = (char *)"cgroup2";
	t.data = NULL;
	if (has_cgroupns(ctx)) {
		if (rootfs_mount_fs(ctx, &t, err) == 0)
			return 0;
		if (!refused_in_userns(ctx, *err))
			return -1;
		error_freep(err);
		return rootfs_mount_fallback(ctx, m, "/sys/fs/cgroup", err);
	}
	if (ctx->cgroup_path == NULL) {
		t.type = (char *)"tmpfs";
		t.source = (char *)"cgroup";
		t.flags |= MS_RDONLY;
		t.data = (char *)"mode=0555,size=4k";
		return rootfs_mount_fs(ctx, &t, err);
	}
	return bind_own(ctx, m, m->destination, ctx->cgroup_path, err);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}

/* "cpu,cpuacct": a symlink "cpu" and one "cpuacct" to it, as on the host */
static int comount_links(int dir_fd, const char *name, const char *dest, struct error **err)
{
	cleanup_free char *copy = xstrdup(name);
	char *save = NULL;

	if (strchr(name, ',') == NULL)
		return 0;
	for (char *c = strtok_r(copy, ",", &save); c != NULL; c = strtok_r(NULL, ",", &save))
		if (symlinkat(name, dir_fd, c) < 0 && errno != EEXIST)
			return error_set(err, errno, "symlink '%s/%s'", dest, c);
	return 0;
}

static int mount_hierarchy(const struct rootfs_ctx *ctx, const struct spec_mount *m, int dir_fd,
			   size_t i, struct error **err)
{
	const char *name = base_name(ctx->cgroup_v1_mounts[i]);
	cleanup_free char *dest = xasprintf("%s/%s", m->destination, name);
	int rc;

	if (has_cgroupns(ctx))
		rc = mount_fresh(ctx, m, dest, "cgroup", ctx->cgroup_v1_names[i],
				 ctx->cgroup_v1_paths[i], err);
	else
		rc = bind_own(ctx, m, dest, ctx->cgroup_v1_paths[i], err);
	if (rc < 0)
		return error_wrap(err, "cgroup v1 hierarchy '%s'", ctx->cgroup_v1_names[i]);
	return comount_links(dir_fd, name, dest, err);
}

static int mount_v1(const struct rootfs_ctx *ctx, const struct spec_mount *m, struct error **err)
{
	struct spec_mount t = {
		.destination = m->destination,
		.type = (char *)"tmpfs",
		.source = (char *)"tmpfs",
		.flags = FS_FLAGS,
		.data = (char *)"mode=755",
	};
	cleanup_free char *unified = xasprintf("%s/unified", m->destination);
	cleanup_close int dir = -1;
	struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY};

	if (rootfs_mount_fs(ctx, &t, err) < 0)
		return -1;
	dir = rootfs_resolve(ctx->root_fd, m->destination, ROOTFS_NODE_NONE, false, err);
	if (dir < 0)
		return -1;
	for (size_t i = 0; i < ctx->n_cgroup_v1; i++)
		if (mount_hierarchy(ctx, m, dir, i, err) < 0)
			return -1;
	if (ctx->cgroup_path != NULL &&
	    (has_cgroupns(ctx)
		     ? mount_fresh(ctx, m, unified, "cgroup2", NULL, ctx->cgroup_path, err)
		     : bind_own(ctx, m, unified, ctx->cgroup_path, err)) < 0)
		return error_wrap(err, "cgroup2 on '%s'", unified);
	if ((m->flags & MS_RDONLY) && sys_mount_setattr(dir, "", AT_EMPTY_PATH, &ro) < 0)
		return error_set(err, errno, "make '%s' read-only", m->destination);
	return 0;
}

int rootfs_mount_cgroup(const struct rootfs_ctx *ctx, const struct spec_mount *m,
			struct error **err)
{
	if (ctx->n_cgroup_v1 > 0)
		return mount_v1(ctx, m, err);
	return mount_v2(ctx, m, err);
}
