/* SPDX-License-Identifier: Apache-2.0 */
/* image/entry.c — what one tar entry of a layer becomes on disk.
 *
 * The entry's directory is opened inside the layer (unpack.c); the last
 * component is made here with *at() calls that never follow it.  OCI
 * whiteouts become overlayfs' own: ".wh.NAME" a 0:0 character device
 * (any user may make one since Linux 5.8), ".wh..wh..opq" the opaque
 * xattr on its directory — trusted.overlay.opaque for a root mount, and
 * user.overlay.opaque for one in a user namespace (mounted "userxattr").
 * Hard links must point inside the layer.  Device nodes are made only by
 * root; rootless they are left out (a warning says how many).  Of the
 * entries' xattrs only user.* (not user.overlay.*) and, for root,
 * security.capability are kept: an image must not steer overlayfs.  */
#define _GNU_SOURCE
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/file.h"
#include "core/mem.h"
#include "core/syscalls.h"
#include "image/internal.h"

#define WHITEOUT ".wh."
#define OPAQUE	 ".wh..wh..opq"

/* Make room for the entry: an existing directory stays when the entry is
 * one too (returns 1); anything else there is removed.  */
static int make_room(int parent, const char *base, bool dir, struct error **err)
{
	struct stat st;

	if (fstatat(parent, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : error_set(err, errno, "stat");
	if (dir && S_ISDIR(st.st_mode))
		return 1;
	if (S_ISDIR(st.st_mode))
		return remove_tree_at(parent, base, err);
	if (unlinkat(parent, base, 0) < 0)
		return error_set(err, errno, "replace");
	return 0;
}

static bool xattr_kept(const struct unpack_ctx *c, const char *name)
{
	if (strncmp(name, "user.", 5) == 0)
		return strncmp(name, "user.overlay.", 13) != 0;
	return c->o->owners && strcmp(name, "security.capability") == 0;
}

static int set_xattrs(const struct unpack_ctx *c, int fd, struct archive_entry *e,
		      struct error **err)
{
	const char *name;
	const void *value;
	size_t size;

	archive_entry_xattr_reset(e);
	while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) {
		if (!xattr_kept(c, name))
			continue;
		if (fsetxattr(fd, name, value, size, 0) < 0)
			return error_set(err, errno, "xattr '%s'", name);
	}
	return 0;
}

static int copy_data(struct archive *a, int fd, struct error **err)
{
	const void *buf;
	size_t size;
	la_int64_t off;
	int r;

	while ((r = archive_read_data_block(a, &buf, &size, &off)) == ARCHIVE_OK) {
		const char *p = buf;

		while (size > 0) {
			ssize_t n = pwrite(fd, p, size, (off_t)off);

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return error_set(err, errno, "write");
			p += n;
			off += n;
			size -= (size_t)n;
		}
	}
	/* libarchive's errno is -1 for a malformed archive (no errno text) */
	if (r != ARCHIVE_EOF)
		return error_set(err, archive_errno(a) > 0 ? archive_errno(a) : 0, "%s",
				 unpack_ar_msg(a));
	return 0;
}

static int regular(struct unpack_ctx *c, struct archive *a, struct archive_entry *e, int parent,
		   const char *base, struct error **err)
{
	cleanup_close int fd =
		openat(parent, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	struct timespec ts[2] = {{archive_entry_mtime(e), archive_entry_mtime_nsec(e)},
				 {archive_entry_mtime(e), archive_entry_mtime_nsec(e)}};

	if (fd < 0)
		return error_set(err, errno, "create");
	if (copy_data(a, fd, err) < 0)
		return -1;
	if (archive_entry_size_is_set(e) && ftruncate(fd, archive_entry_size(e)) < 0)
		return error_set(err, errno, "truncate");
	/* chown first: it clears set-user-ID bits */
	if (c->o->owners && fchown(fd, archive_entry_uid(e), archive_entry_gid(e)) < 0)
		return error_set(err, errno, "chown");
	if (fchmod(fd, archive_entry_perm(e) & 07777) < 0)
		return error_set(err, errno, "chmod");
	if (set_xattrs(c, fd, e, err) < 0)
		return -1;
	if (futimens(fd, ts) < 0)
		return error_set(err, errno, "times");
	return 0;
}

/* A hard link to a file of this layer, found from the layer's root */
static int hardlink(struct unpack_ctx *c, const char *target, int parent, const char *base,
		    struct error **err)
{
	struct open_how how = {.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	cleanup_free char *clean = NULL;
	cleanup_close int fd = -1;
	char proc[32];
	struct stat st;

	if (unpack_clean_path(target, &clean) < 0 || clean[0] == '\0')
		return error_set(err, 0, "a hard link to '%s', outside the layer", target);
	fd = sys_openat2(c->rootfd, clean, &how);
	if (fd < 0 || fstat(fd, &st) < 0)
		return error_set(err, errno, "hard link to '%s'", target);
	if (S_ISDIR(st.st_mode))
		return error_set(err, 0, "a hard link to the directory '%s'", target);
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (linkat(AT_FDCWD, proc, parent, base, AT_SYMLINK_FOLLOW) < 0)
		return error_set(err, errno, "hard link to '%s'", target);
	return 0;
}

/* symlinks, fifos and device nodes: made by name, owned and timed so */
static int special(struct unpack_ctx *c, struct archive_entry *e, int parent, const char *base,
		   struct error **err)
{
	mode_t type = archive_entry_filetype(e), perm = archive_entry_perm(e) & 07777;
	struct timespec ts[2] = {{archive_entry_mtime(e), archive_entry_mtime_nsec(e)},
				 {archive_entry_mtime(e), archive_entry_mtime_nsec(e)}};
	const char *target = archive_entry_symlink(e);

	if (type == AE_IFLNK) {
		if (target == NULL || symlinkat(target, parent, base) < 0)
			return error_set(err, target ? errno : EINVAL, "symlink");
	} else if (type == AE_IFIFO) {
		if (mknodat(parent, base, S_IFIFO | 0600, 0) < 0)
			return error_set(err, errno, "mkfifo");
	} else if (!c->o->devices) {
		c->skipped_devices++;
		return 0;
	} else if (mknodat(parent, base, (type == AE_IFCHR ? S_IFCHR : S_IFBLK) | 0600,
			   makedev(archive_entry_rdevmajor(e), archive_entry_rdevminor(e))) < 0) {
		return error_set(err, errno, "mknod");
	}
	if (c->o->owners && fchownat(parent, base, archive_entry_uid(e), archive_entry_gid(e),
				     AT_SYMLINK_NOFOLLOW) < 0)
		return error_set(err, errno, "chown");
	if (type != AE_IFLNK && fchmodat(parent, base, perm, 0) < 0)
		return error_set(err, errno, "chmod");
	if (utimensat(parent, base, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return error_set(err, errno, "times");
	return 0;
}

static void remember_dir(struct unpack_ctx *c, struct archive_entry *e, const char *name)
{
	struct unpack_dir *d;

	c->dirs = xreallocarray(c->dirs, c->n_dirs + 1, sizeof(*c->dirs));
	d = &c->dirs[c->n_dirs++];
	d->path = xstrdup(name);
	d->mode = archive_entry_perm(e);
	d->uid = (uid_t)archive_entry_uid(e);
	d->gid = (gid_t)archive_entry_gid(e);
	d->mtime.tv_sec = archive_entry_mtime(e);
	d->mtime.tv_nsec = archive_entry_mtime_nsec(e);
}

static int opaque(struct unpack_ctx *c, const char *dir, struct error **err)
{
	struct open_how how = {.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	cleanup_close int made = unpack_open_dir(c->rootfd, dir, true, err);
	cleanup_close int fd = made < 0 ? -1 : sys_openat2(c->rootfd, dir[0] ? dir : ".", &how);

	if (made < 0)
		return -1;
	if (fd < 0)
		return error_set(err, errno, "opaque directory '%s'", dir);
	if (c->o->trusted && fsetxattr(fd, "trusted.overlay.opaque", "y", 1, 0) < 0)
		return error_set(err, errno, "opaque directory '%s': trusted.overlay.opaque", dir);
	if (!c->o->trusted_only && fsetxattr(fd, "user.overlay.opaque", "y", 1, 0) < 0)
		return error_set(err, errno, "opaque directory '%s': user.overlay.opaque", dir);
	return 0;
}

static int whiteout(int parent, const char *base, struct error **err)
{
	const char *name = base + strlen(WHITEOUT);

	if (name[0] == '\0' || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return error_set(err, 0, "a whiteout of nothing");
	if (make_room(parent, name, false, err) < 0)
		return -1;
	if (mknodat(parent, name, S_IFCHR | 0, makedev(0, 0)) < 0)
		return error_set(err, errno, "whiteout");
	return 0;
}

int unpack_entry(struct unpack_ctx *c, struct archive *a, struct archive_entry *e, const char *name,
		 struct error **err)
{
	cleanup_free char *dir = xstrdup(name);
	char *slash = strrchr(dir, '/');
	const char *base = slash ? slash + 1 : dir;
	bool is_dir = archive_entry_filetype(e) == AE_IFDIR;
	cleanup_close int parent = -1;
	int r;

	if (name[0] == '\0') {
		if (!is_dir)
			return error_set(err, 0, "the layer's root is not a directory");
		remember_dir(c, e, "");
		return 0;
	}
	if (slash == NULL) {
		base = name; /* dir, which base pointed into, becomes "" */
		dir[0] = '\0';
	} else {
		*slash = '\0';
	}
	if (strcmp(base, OPAQUE) == 0)
		return opaque(c, dir, err);
	if (strncmp(base, ".wh..wh.", 8) == 0)
		return 0; /* aufs' own bookkeeping (.wh..wh.plnk ...) */
	parent = unpack_open_dir(c->rootfd, dir, true, err);
	if (parent < 0)
		return -1;
	if (strncmp(base, WHITEOUT, strlen(WHITEOUT)) == 0)
		return whiteout(parent, base, err);
	r = make_room(parent, base, is_dir, err);
	if (r < 0)
		return -1;
	if (archive_entry_hardlink(e) != NULL)
		return hardlink(c, archive_entry_hardlink(e), parent, base, err);
	switch (archive_entry_filetype(e)) {
	case AE_IFDIR:
		if (r == 0 && mkdirat(parent, base, 0700) < 0)
			return error_set(err, errno, "mkdir");
		remember_dir(c, e, name);
		return 0;
	case AE_IFREG: return regular(c, a, e, parent, base, err);
	case AE_IFLNK:
	case AE_IFIFO:
	case AE_IFCHR:
	case AE_IFBLK: return special(c, e, parent, base, err);
	default: return 0; /* sockets: nothing to unpack */
	}
}
