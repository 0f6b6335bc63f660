/* rootfs/overlay.c — overlayfs root from image layers.
 *
 * The overlay is mounted inside the container's own mount namespace, so it
 * disappears with the container's last process and no host mount is left
 * behind even after kill -9; only the upper/work directories (in the
 * container's state dir) need removing on delete.  */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/fsutil.h"
#include "rootfs/overlay.h"

int rootfs_overlay_check_layers(char **layers, struct error **err)
{
	for (char **l = layers; l && *l; l++) {
		struct stat st;

		if (strchr(*l, ',') != NULL || strchr(*l, ':') != NULL)
			return error_set(err, 0,
					 "layer '%s': ',' and ':' are not allowed in a layer path",
					 *l);
		if (stat(*l, &st) < 0)
			return error_set(err, errno, "layer '%s'", *l);
		if (!S_ISDIR(st.st_mode))
			return error_set(err, ENOTDIR, "layer '%s'", *l);
		if (access(*l, R_OK | X_OK) < 0)
			return error_set(err, errno, "layer '%s'", *l);
	}
	return 0;
}

int rootfs_overlay_mount(const char *target, char **layers, const char *upper, const char *work,
			 struct error **err)
{
	cleanup_free char *lower = xstrdup("");
	cleanup_free char *data = NULL;

	for (char **l = layers; l && *l; l++) {
		char *next = xasprintf("%s%s%s", lower, *lower ? ":" : "", *l);

		free(lower);
		lower = next;
	}
	data = xasprintf("lowerdir=%s,upperdir=%s,workdir=%s", lower, upper, work);
	if (mount("overlay", target, "overlay", 0, data) < 0) {
		int saved = errno;

		/* EINVAL: a layer on a filesystem overlayfs cannot use as a lower
		 * layer (or stacked too deep); name every one */
		return error_set(err, saved, "mount overlay of layers %s (upper '%s') on '%s'%s",
				 lower, upper, target,
				 saved == EINVAL ? ": a layer may be on a filesystem overlayfs "
						   "cannot stack on"
						 : "");
	}
	return 0;
}
