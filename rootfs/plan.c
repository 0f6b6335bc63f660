/* SPDX-License-Identifier: Apache-2.0 */
/* rootfs/plan.c — where the container's root comes from, decided once on
 * the host before the init is cloned (rootfs.h, struct rootfs_plan).
 *
 * A bundle's root.path (relative to the bundle) resolved to a real
 * directory, or an overlay of image layers: the layers checked
 * (overlay.c), the upper and work directories made in the container's
 * state directory (or left for a tmpfs the init mounts there), the
 * merged directory the overlay is mounted on.  With bridge networking,
 * empty hosts, hostname and resolv.conf in the state directory, which the
 * parent fills once the address is known and the init binds over the
 * container's.  With NOTIFY_SOCKET, the empty dir notify/ for the sd_notify
 * socket (the name runtime/notify.h uses).  */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/mem.h"
#include "rootfs/overlay.h"
#include "rootfs/rootfs.h"

static int plan_root_path(const struct rootfs_plan_request *req, struct rootfs_plan *p,
			  struct error **err)
{
	cleanup_free char *joined = req->root_path[0] == '/'
					    ? xstrdup(req->root_path)
					    : xasprintf("%s/%s", req->bundle, req->root_path);
	char real[PATH_MAX];
	struct stat st;

	if (realpath(joined, real) == NULL)
		return error_set(err, errno, "root.path '%s'", joined);
	if (stat(real, &st) < 0 || !S_ISDIR(st.st_mode))
		return error_set(err, ENOTDIR, "root.path '%s'", joined);
	p->root = xstrdup(real);
	return 0;
}

/* overlayfs wants the top layer first; the user gives the lowest first */
static char **top_first(char *const *lowest_first)
{
	size_t n = strv_len(lowest_first);
	char **out = xcalloc(n + 1, sizeof(char *));

	for (size_t i = 0; i < n; i++)
		out[i] = xstrdup(lowest_first[n - 1 - i]);
	return out;
}

/* Idmapped layers: the mount points the init attaches them on, and the
 * writable layer the job root's (it is mounted by the init, which is the
 * job's root by then, and what the job writes there is the job's) */
static int plan_idmapped(const struct rootfs_plan_request *req, struct rootfs_plan *p, size_t n,
			 struct error **err)
{
	static const char *const owned[] = {"overlay", "overlay/upper", "overlay/work"};

	p->layers_idmapped = true;
	p->layer_trees = xcalloc(n + 1, sizeof(int));
	for (size_t i = 0; i < n; i++)
		p->layer_trees[i] = -1;
	p->lowers_dir = xasprintf("%s/lowers", req->state_dir);
	if (mkdirat(req->state_dir_fd, "lowers", 0711) < 0)
		return error_set(err, errno, "overlay lower dirs in '%s'", req->state_dir);
	for (size_t i = 0; i < n; i++) {
		char name[32];

		snprintf(name, sizeof(name), "lowers/%zu", i);
		if (mkdirat(req->state_dir_fd, name, 0700) < 0)
			return error_set(err, errno, "overlay lower dirs in '%s'", req->state_dir);
	}
	for (size_t i = 0; i < sizeof(owned) / sizeof(owned[0]); i++) {
		if (p->overlay_tmpfs && i > 0)
			break;
		if (fchownat(req->state_dir_fd, owned[i], req->owner_uid, req->owner_gid,
			     AT_SYMLINK_NOFOLLOW) < 0)
			return error_set(err, errno, "chown '%s/%s' to the job's root %u:%u",
					 req->state_dir, owned[i], (unsigned)req->owner_uid,
					 (unsigned)req->owner_gid);
	}
	return 0;
}

static int plan_overlay(const struct rootfs_plan_request *req, struct rootfs_plan *p,
			struct error **err)
{
	cleanup_free char *forbidden =
		req->state_root != NULL ? realpath(req->state_root, NULL) : NULL;
	size_t n;

	p->layers = top_first(req->layers);
	n = strv_len(p->layers);
	p->layer_fds = xcalloc(n + 1, sizeof(int));
	for (size_t i = 0; i < n; i++)
		p->layer_fds[i] = -1;
	for (size_t i = 0; i < n; i++) {
		p->layer_fds[i] = rootfs_overlay_open_layer(p->layers[i], forbidden, err);
		if (p->layer_fds[i] < 0)
			return -1;
	}
	p->overlay_tmpfs = req->overlay_tmpfs;
	p->overlay_dir = xasprintf("%s/overlay", req->state_dir);
	p->upper = xasprintf("%s/upper", p->overlay_dir);
	p->work = xasprintf("%s/work", p->overlay_dir);
	p->root = xasprintf("%s/merged", req->state_dir);
	if (mkdirat(req->state_dir_fd, "overlay", 0700) < 0 ||
	    mkdirat(req->state_dir_fd, "merged", 0755) < 0)
		return error_set(err, errno, "overlay dirs in '%s'", req->state_dir);
	/* with a tmpfs, the init makes them on it */
	if (!p->overlay_tmpfs && (mkdirat(req->state_dir_fd, "overlay/upper", 0755) < 0 ||
				  mkdirat(req->state_dir_fd, "overlay/work", 0700) < 0))
		return error_set(err, errno, "overlay upper/work in '%s'", req->state_dir);
	return req->layers_idmapped ? plan_idmapped(req, p, n, err) : 0;
}

static int plan_etc_files(const struct rootfs_plan_request *req, struct rootfs_plan *p,
			  struct error **err)
{
	for (size_t i = 0; i < ROOTFS_ETC_FILES; i++) {
		int fd = openat(req->state_dir_fd, rootfs_etc_files[i],
				O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);

		if (fd < 0)
			return error_set(err, errno, "network: create '%s'", rootfs_etc_files[i]);
		close(fd);
	}
	p->etc_files = xstrdup(req->state_dir);
	return 0;
}

/* the sd_notify socket's dir: berth binds the socket in it at start, and
 * the container reaches it through the bind (0755: every uid of a user
 * namespace may walk in; the socket itself is 0777) */
static int plan_notify(const struct rootfs_plan_request *req, struct rootfs_plan *p,
		       struct error **err)
{
	if (mkdirat(req->state_dir_fd, "notify", 0755) < 0 ||
	    fchmodat(req->state_dir_fd, "notify", 0755, 0) < 0)
		return error_set(err, errno, "notify socket dir in '%s'", req->state_dir);
	p->notify_dir = xasprintf("%s/notify", req->state_dir);
	return 0;
}

int rootfs_plan_make(const struct rootfs_plan_request *req, struct rootfs_plan *p,
		     struct error **err)
{
	memset(p, 0, sizeof(*p));
	if ((req->layers != NULL ? plan_overlay(req, p, err) : plan_root_path(req, p, err)) < 0)
		return -1;
	if (req->etc_files && plan_etc_files(req, p, err) < 0)
		return -1;
	if (req->notify && plan_notify(req, p, err) < 0)
		return -1;
	return 0;
}

void rootfs_plan_close_idmaps(struct rootfs_plan *p)
{
	for (size_t i = 0; p->layer_trees != NULL && p->layers[i] != NULL; i++)
		if (p->layer_trees[i] >= 0)
			close(steal_fd(p->layer_trees[i]));
	for (size_t i = 0; i < p->n_idmap_fds; i++)
		if (p->idmap_fds[i] >= 0)
			close(p->idmap_fds[i]);
	free(p->idmap_fds);
	p->idmap_fds = NULL;
	p->n_idmap_fds = 0;
}

void rootfs_plan_clear(struct rootfs_plan *p)
{
	rootfs_plan_close_idmaps(p);
	for (size_t i = 0; p->layer_fds != NULL && p->layers[i] != NULL; i++)
		if (p->layer_fds[i] >= 0)
			close(p->layer_fds[i]);
	free(p->layer_fds);
	free(p->layer_trees);
	free(p->lowers_dir);
	free(p->root);
	strv_free(p->layers);
	free(p->overlay_dir);
	free(p->upper);
	free(p->work);
	free(p->etc_files);
	free(p->notify_dir);
	free(p->device_readonly);
	memset(p, 0, sizeof(*p));
}
