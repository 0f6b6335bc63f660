/* SPDX-License-Identifier: Apache-2.0 */
/* image/image.h — container images in: an OCI image layout
 * (oci:DIR[:TAG]), an OCI archive (oci-archive:FILE[:TAG]) or `docker
 * save` output (docker-archive:FILE[:NAME:TAG]), unpacked once into a
 * content-addressed cache of layer directories that overlayfs stacks,
 * and the image config's defaults for the job.  Owns the cache (its
 * place, locks, prune); not the overlay mount (rootfs/) nor the job's
 * config (runtime/sandbox.c).
 *
 * Cache layout (mode 0700; the layers hold the image's set-user-ID files):
 *   <cache>/layers/<sha256 hex>/   a layer, complete (renamed in whole)
 *   <cache>/locks/<sha256 hex>     flock: shared while a job uses the
 *                                  layer, exclusive to unpack or prune it
 *   <cache>/tmp/                   unpacking in progress  */
#ifndef BERTH_IMAGE_IMAGE_H
#define BERTH_IMAGE_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/error.h"

/* `--image` values that name an image, not a layer directory */
bool image_ref_is(const char *arg);

/* The cache: $BERTH_IMAGE_CACHE, else /var/lib/berth/images for root,
 * $XDG_CACHE_HOME/berth/images (~/.cache/berth/images) rootless. */
char *image_cache_dir(bool rootless);

/* An image ready to run: its layers unpacked and locked (shared) until
 * image_release(), and the config's defaults.  */
struct image {
	char **layers; /* directories, lowest first */
	int *locks;
	size_t n_locks;
	char **env;	   /* config.Env */
	char **entrypoint; /* config.Entrypoint, NULL when unset */
	char **cmd;	   /* config.Cmd, NULL when unset */
	char *workdir;	   /* config.WorkingDir, NULL when unset */
	char *user;	   /* config.User, NULL when unset */
};

/* Resolve `ref` (e.g. "oci:/img:latest"), unpack what the cache lacks,
 * verifying every digest.  `flag` names the option in errors.  */
int image_open(const char *flag, const char *ref, bool rootless, struct image *img,
	       struct error **err);
void image_release(struct image *img);

/* The job's argv: the entrypoint (or `entrypoint` when given; "" for
 * none), then `args` when given, else the image's Cmd — docker's rule. */
char **image_job_args(const struct image *img, char *const *args, const char *entrypoint,
		      struct error **err);
/* The image's Env, then `env` (NAME=VALUE) over it, name by name. */
char **image_job_env(const struct image *img, char *const *env);
/* config.User "UID[:GID]" or names from the image's /etc/passwd and
 * /etc/group (looked up in its layers, top first). */
int image_job_user(const struct image *img, uid_t *uid, gid_t *gid, char **home,
		   struct error **err);

/* The same for any layers (directories, lowest first) and a
 * NAME|UID[:GROUP|GID] from `what` (a flag, for messages): a numeric user
 * needs no passwd line (its gid is then the uid when gid_is_uid, else
 * 0).  *home: the passwd line's home (malloc'd), or NULL.  */
int image_user_lookup(char *const *layers, const char *user, const char *what, bool gid_is_uid,
		      uid_t *uid, gid_t *gid, char **home, struct error **err);

/* `berth image ls`, `berth image prune`: one line per layer to `out` */
struct image_layer_info {
	char hex[65];
	uint64_t bytes;
	bool in_use;
};
int image_list(bool rootless, struct image_layer_info **out, size_t *n, struct error **err);
/* remove every layer no job holds; *freed bytes, *removed layers */
int image_prune(bool rootless, uint64_t *freed, size_t *removed, struct error **err);

/* A checkpoint's copy of an overlay root's writable layer, in its image
 * dir (podman's name and format: a tar of an OCI layer, ".wh." whiteouts
 * and ".wh..wh..opq" opaque marks; diff.c).  */
#define IMAGE_DIFF "rootfs-diff.tar"

/* Write IMAGE_DIFF into `img_fd` from the upper directory `upper_fd`:
 * files, directories, symlinks, fifos, hard links, owners, modes, times,
 * user.* xattrs and file capabilities; overlayfs' 0:0 whiteouts and its
 * opaque mark as OCI's.  The caller keeps the directory still (the
 * container frozen).  What a tar cannot carry as it means fails, naming
 * the path: a device node other than a whiteout, a name starting with
 * ".wh.", a POSIX ACL, overlayfs' metacopy and redirect marks, and a
 * sparse file whose holes exceed 64 MiB.  Written whole or not at all
 * (a new temporary file, renamed into place).  */
int image_diff_write(int upper_fd, int img_fd, struct error **err);

/* Unpack IMAGE_DIFF of `img_fd` into the empty directory `upper_fd`, as
 * overlayfs' own whiteouts and opaque marks (trusted.overlay.*: for a
 * mount by the host's root), each entry checked as it is read, before
 * anything is made for it: a missing or non-regular file, a compressed
 * one, a tar libarchive cannot read, an absolute path, "..", a hard link
 * leaving the diff or any device node fails naming the entry.  On a
 * failure `upper_fd` holds the entries before it: the caller removes the
 * directory.  */
int image_diff_apply(int img_fd, int upper_fd, struct error **err);

#endif
