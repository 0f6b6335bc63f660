/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/idmap.c — idmapped bind mounts, made on the host before the
 * init is cloned.
 *
 * Idmapping a mount takes CAP_SYS_ADMIN over its filesystem's user
 * namespace (the host's), which an init in a user namespace of its own
 * never has; so, as runc and crun do, berth makes each idmapped tree
 * itself: a user namespace from the mount's uidMappings/gidMappings, or
 * from the container's with a bare "idmap" (namespaces/, ns_userns_fd),
 * then the detached, idmapped, fully configured tree (rootfs/,
 * rootfs_idmapped_tree).  The init inherits the fds and only attaches
 * them (rootfs/mounts.c).  */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/mem.h"
#include "core/syscalls.h"
#include "namespaces/ns.h"
#include "rootfs/overlay.h"
#include "runtime/create.h"
#include "runtime/runtime.h"

/* the user namespace a mount is seen through */
static int userns_for(const struct spec *spec, const struct spec_mount *m, struct error **err)
{
	if (m->uid_mappings != NULL)
		return ns_userns_fd(m->uid_mappings, m->n_uid_mappings, m->gid_mappings,
				    m->n_gid_mappings, err);
	return ns_userns_fd(spec->linux.uid_mappings, spec->linux.n_uid_mappings,
			    spec->linux.gid_mappings, spec->linux.n_gid_mappings, err);
}

/* the image layers, seen through the container's own mappings */
static int idmap_layers(const struct spec *spec, struct rootfs_plan *plan, struct error **err)
{
	cleanup_close int userns =
		ns_userns_fd(spec->linux.uid_mappings, spec->linux.n_uid_mappings,
			     spec->linux.gid_mappings, spec->linux.n_gid_mappings, err);

	if (userns < 0)
		return error_wrap(err, "idmapped layers");
	for (size_t i = 0; plan->layers[i] != NULL; i++) {
		plan->layer_trees[i] = rootfs_overlay_idmap_layer(plan->layers[i],
								  plan->layer_fds[i], userns, err);
		if (plan->layer_trees[i] < 0)
			return -1;
	}
	return 0;
}

int rt_idmap_prepare(const struct spec *spec, const char *bundle, struct rootfs_plan *plan,
		     struct error **err)
{
	if (plan->layers_idmapped && idmap_layers(spec, plan, err) < 0)
		return -1;
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
