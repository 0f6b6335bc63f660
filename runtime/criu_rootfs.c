/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/criu_rootfs.c — an overlay root through checkpoint and
 * restore: what can be saved, the diff at the dump, the overlay's dirs
 * and the diff unpacked at the restore (criu_rootfs.h).  The diff's
 * format and its checks: image/diff.c.  The mount: rootfs/overlay.c.  */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/mem.h"
#include "image/image.h"
#include "namespaces/ns.h"
#include "rootfs/overlay.h"
#include "runtime/criu_rootfs.h"

/* the bundle's org.berth.* annotations, as create reads them */
static int read_ext(const struct rt_global *g, const struct spec *spec, struct spec_ext *ext,
		    struct error **err)
{
	struct spec_hostconf conf;

	if (g == NULL)
		conf.host_annotations = true; /* a running container's own config */
	else if (g->host_annotations >= 0)
		conf.host_annotations = g->host_annotations == 1;
	else if (spec_hostconf_load(spec_hostconf_path(getenv("BERTH_CONFIG")), &conf, err) < 0)
		return -1;
	return spec_ext_read(spec, conf.host_annotations, ext, err);
}

/* what an overlay root needs to be saved and made again */
static int supported(const struct spec *spec, const struct spec_ext *ext, struct error **err)
{
	if (ext->overlay_tmpfs)
		return error_set(err, ENOTSUP,
				 "an overlay root whose writable layer is on a tmpfs "
				 "(org.berth.rootfs.upper: tmpfs) cannot be checkpointed: the "
				 "tmpfs is out of the host's reach (\"state\" keeps it in the "
				 "state dir)");
	if (ns_creates_userns(spec))
		return error_set(
			err, ENOTSUP,
			"checkpoint of an overlay root (org.berth.rootfs.layers) in a user "
			"namespace is not supported");
	return 0;
}

int criu_rootfs_dump_check(struct container *c, const struct spec *spec, bool *overlay,
			   struct error **err)
{
	struct spec_ext ext = {0};
	cleanup_free char *merged = xasprintf("%s/merged", c->dir);
	int rc = 0;

	*overlay = false;
	if (read_ext(NULL, spec, &ext, err) < 0)
		return -1;
	if (ext.layers != NULL) {
		*overlay = true;
		rc = supported(spec, &ext, err);
	} else if (c->st.rootfs != NULL && strcmp(c->st.rootfs, merged) == 0) {
		/* a sandbox's job: its layers are not in its config */
		rc = error_set(err, ENOTSUP,
			       "checkpoint of an overlay root whose layers are not in its "
			       "config.json (org.berth.rootfs.layers) is not supported");
	}
	spec_ext_clear(&ext);
	return rc;
}

int criu_rootfs_dump_diff(struct container *c, int img, struct error **err)
{
	cleanup_close int upper =
		openat(c->dir_fd, "overlay/upper", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (upper < 0)
		return error_set(err, errno, "rootfs diff: the writable layer '%s/overlay/upper'",
				 c->dir);
	if (image_diff_write(upper, img, err) < 0)
		return error_wrap(err, "rootfs diff");
	return 0;
}

void criu_rootfs_dump_none(int img)
{
	unlinkat(img, IMAGE_DIFF, 0);
}

int criu_rootfs_restore_check(const struct rt_global *g, const struct spec *spec, int img,
			      const char *img_path, bool *overlay, struct error **err)
{
	struct spec_ext ext = {0};
	struct stat st;
	bool has_diff = fstatat(img, IMAGE_DIFF, &st, AT_SYMLINK_NOFOLLOW) == 0;
	int rc = 0;

	if (read_ext(g, spec, &ext, err) < 0)
		return -1;
	*overlay = ext.layers != NULL;
	if (*overlay)
		rc = supported(spec, &ext, err);
	if (rc == 0 && *overlay && !has_diff)
		rc = error_set(err, ENOENT,
			       "checkpoint image '%s': no %s, which the bundle's overlay root "
			       "(org.berth.rootfs.layers) needs: the checkpoint was not of an "
			       "overlay root",
			       img_path, IMAGE_DIFF);
	if (rc == 0 && !*overlay && has_diff)
		rc = error_set(err, 0,
			       "checkpoint image '%s': %s holds an overlay root's writable layer, "
			       "but the bundle has no org.berth.rootfs.layers",
			       img_path, IMAGE_DIFF);
	spec_ext_clear(&ext);
	return rc;
}

int criu_rootfs_restore_prepare(const struct rt_global *g, const struct spec *spec,
				const struct container *c, int img, const char *img_path,
				struct rootfs_plan *plan, struct error **err)
{
	struct spec_ext ext = {0};
	struct rootfs_plan_request req = {
		.root_path = spec->root.path,
		.state_root = g->root,
		.state_dir = c->dir,
		.state_dir_fd = c->dir_fd,
	};
	cleanup_close int upper = -1;
	int rc = -1;

	if (read_ext(g, spec, &ext, err) < 0)
		return -1;
	req.layers = ext.layers;
	if (rootfs_plan_make(&req, plan, err) < 0)
		goto out;
	upper = openat(c->dir_fd, "overlay/upper", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (upper < 0) {
		error_set(err, errno, "'%s'", plan->upper);
		goto out;
	}
	if (image_diff_apply(img, upper, err) < 0) {
		error_wrap(err, "checkpoint image '%s'", img_path);
		goto out;
	}
	rc = 0;
out:
	spec_ext_clear(&ext);
	return rc;
}
