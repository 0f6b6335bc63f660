/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/criu_rootfs.h — an overlay root of image layers
 * (org.berth.rootfs.layers) through checkpoint and restore
 * (criu_rootfs.c), for checkpoint.c and restore.c.
 *
 * CRIU saves the processes and the mounts, not the files: the root is
 * the caller's.  For an overlay root that is the writable layer, saved
 * as the image dir's rootfs-diff.tar (image/diff.c) at CRIU's post-dump
 * notification, while every process is still frozen (also with
 * --leave-running; a --pre-dump saves none).  The restore makes the new
 * container's upper and work dirs, unpacks the diff into its upper and
 * mounts the overlay of the restore bundle's layers on the root it gives
 * CRIU; the restored container writes to its own upper, removed on
 * delete.  An upper on a tmpfs of the container's mount namespace is out
 * of the host's reach and refused, as is an overlay root in a user
 * namespace, before CRIU runs.  */
#ifndef BERTH_RUNTIME_CRIU_ROOTFS_H
#define BERTH_RUNTIME_CRIU_ROOTFS_H

#include <stdbool.h>

#include "core/error.h"
#include "rootfs/rootfs.h"
#include "runtime/container.h"
#include "runtime/runtime.h"
#include "spec/spec.h"

/* Checkpoint: whether the container's root is an overlay whose upper
 * the dump saves (*overlay); one it cannot save fails naming why.  */
int criu_rootfs_dump_check(struct container *c, const struct spec *spec, bool *overlay,
			   struct error **err);

/* Checkpoint, while the processes are frozen: the upper dir of `c` into
 * `img` as the rootfs diff.  */
int criu_rootfs_dump_diff(struct container *c, int img, struct error **err);

/* Checkpoint of a container that is not an overlay: a diff left in the
 * image dir by an earlier checkpoint goes (a restore would refuse it). */
void criu_rootfs_dump_none(int img);

/* Restore: whether the bundle's root is an overlay (*overlay), checked
 * against the image dir (a diff there without layers, or layers without
 * a diff, fail), before anything is made.  */
int criu_rootfs_restore_check(const struct rt_global *g, const struct spec *spec, int img,
			      const char *img_path, bool *overlay, struct error **err);

/* Restore, in the new container's state dir: the overlay's dirs (plan),
 * the diff unpacked into its upper.  *plan is rootfs_plan_clear()ed by
 * the caller, also on failure.  */
int criu_rootfs_restore_prepare(const struct rt_global *g, const struct spec *spec,
				const struct container *c, int img, const char *img_path,
				struct rootfs_plan *plan, struct error **err);

#endif
