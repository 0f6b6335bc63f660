/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/idmap.c — idmapped mounts, made on the host.
 *
 * Idmapping a mount takes CAP_SYS_ADMIN over its filesystem's user
 * namespace (the host's), which an init in a user namespace of its own
 * never has; so, as runc and crun do, berth makes each idmapped tree
 * itself and the init only attaches it (rootfs/mounts.c, overlay.c).
 *  - Bind mounts, before the clone: a user namespace from the mount's
 *    uidMappings/gidMappings, or from the container's with a bare "idmap"
 *    (namespaces/, ns_userns_fd), then the detached, idmapped, fully
 *    configured tree (rootfs/, rootfs_idmapped_tree).  The init inherits
 *    the fds.
 *  - Image layers, after the clone: they are seen through the container's
 *    own mappings, so the init's user namespace serves, once its maps are
 *    written; no process is made for a namespace of their own.  The trees
 *    go to the init over the sync socket (SYNC_LAYER), before
 *    SYNC_PARENT_DONE.  */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/mem.h"
#include "core/syscalls.h"
#include "namespaces/ns.h"
#include "rootfs/overlay.h"
#include "runtime/create.h"
#include "runtime/launch.h"
#include "runtime/runtime.h"
#include "runtime/sync.h"

/* the user namespace a mount is seen through */
static int userns_for(const struct spec *spec, const struct spec_mount *m, struct error **err)
{
	if (m->uid_mappings != NULL)
		return ns_userns_fd(m->uid_mappings, m->n_uid_mappings, m->gid_mappings,
				    m->n_gid_mappings, err);
	return ns_userns_fd(spec->linux.uid_mappings, spec->linux.n_uid_mappings,
			    spec->linux.gid_mappings, spec->linux.n_gid_mappings, err);
}

/* Parent: each image layer, seen through the init's user namespace (its
 * maps written), sent to the init in layer order */
int rt_idmap_layers_send(const struct launch *l, struct error **err)
{
	const struct rootfs_plan *plan = l->rootfs;
	char path[64];
	cleanup_close int userns = -1;

	if (!plan->layers_idmapped)
		return 0;
	/* (the sandbox asks for idmapped layers only with a user namespace:
	 * without one, /proc/<pid>/ns/user would be berth's own) */
	if (!ns_creates_userns(l->spec))
		return error_set(err, EINVAL,
				 "idmapped layers need a user namespace of the container's own");
	/* the init is our unreaped child: its pid cannot be reused */
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)l->pid);
	userns = open(path, O_RDONLY | O_CLOEXEC);
	if (userns < 0)
		return error_set(err, errno, "idmapped layers: open '%s'", path);
	for (size_t i = 0; plan->layers[i] != NULL; i++) {
		cleanup_close int tree = rootfs_overlay_idmap_layer(
			plan->layers[i], plan->layer_fds[i], userns, err);

		if (tree < 0 || sync_send_fd(l->sync_fd, SYNC_LAYER, tree, err) < 0)
			return -1;
	}
	return 0;
}

/* Init: the trees rt_idmap_layers_send() made, in the same order */
int rt_idmap_layers_receive(const struct rootfs_plan *plan, int sync_fd, struct error **err)
{
	if (!plan->layers_idmapped)
		return 0;
	for (size_t i = 0; plan->layers[i] != NULL; i++) {
		if (sync_expect(sync_fd, SYNC_LAYER, &plan->layer_trees[i], err) < 0)
			return -1;
		if (plan->layer_trees[i] < 0)
			return error_set(err, EPROTO, "layer '%s': no idmapped mount came",
					 plan->layers[i]);
	}
	return 0;
}

int rt_idmap_prepare(const struct spec *spec, const char *bundle, struct rootfs_plan *plan,
		     struct error **err)
{
	for (size_t i = 0; i < spec->n_mounts; i++) {
		const struct spec_mount *m = &spec->mounts[i];
		cleanup_close int userns = -1;

		if (!m->idmap)
			continue;
		if (plan->idmap_fds == NULL) {
			plan->idmap_fds = xcalloc(spec->n_mounts, sizeof(int));
			plan->n_idmap_fds = spec->n_mounts;
			memset(plan->idmap_fds, -1, spec->n_mounts * sizeof(int));
		}
		userns = userns_for(spec, m, err);
		if (userns < 0)
			return error_wrap(err, "mounts[%zu]", i);
		plan->idmap_fds[i] = rootfs_idmapped_tree(bundle, m, userns, err);
		if (plan->idmap_fds[i] < 0)
			return error_wrap(err, "mounts[%zu]", i);
	}
	return 0;
}

/* A user namespace mapping 0 to 65534 and a clone of the mount holding
 * "/": what any idmapped mount of the root filesystem needs.  */
bool rt_idmap_supported(void)
{
	const struct spec_idmap map = {.container_id = 0, .host_id = 65534, .size = 1};
	struct error *err = NULL;
	cleanup_close int userns = geteuid() == 0 ? ns_userns_fd(&map, 1, &map, 1, &err) : -1;
	cleanup_close int tree = -1;
	struct mount_attr idmap = {.attr_set = MOUNT_ATTR_IDMAP};

	/* unprivileged: the maps would need newuidmap, and no host
	 * filesystem can be idmapped without CAP_SYS_ADMIN anyway */
	error_free(err);
	if (userns < 0)
		return false;
	tree = sys_open_tree(AT_FDCWD, "/", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		return false;
	idmap.userns_fd = (uint64_t)userns;
	return sys_mount_setattr(tree, "", AT_EMPTY_PATH, &idmap) == 0;
}
