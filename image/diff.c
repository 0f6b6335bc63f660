/* SPDX-License-Identifier: Apache-2.0 */
/* image/diff.c — a container's writable layer as a tar, and back: the
 * rootfs-diff.tar that a checkpoint of an overlay root keeps beside
 * CRIU's images (podman's name, and its format: an OCI layer, whose
 * whiteouts are ".wh.NAME" files and whose opaque directories hold a
 * ".wh..wh..opq" entry, so that unpack.c turns them into overlayfs' own
 * again).
 *
 * Writing walks the overlay's upper directory by fds, never following a
 * symlink, while the container's processes are frozen (the caller's
 * part: runtime/checkpoint.c writes it at CRIU's post-dump point).
 * What a tar cannot carry as it means fails the dump, naming the path.
 * Reading takes a plain tar only and checks every entry as unpack.c reads
 * it, before anything is made for it — an image dir may come from another
 * host, and a file read twice could change between the reads — refusing
 * absolute paths, "..", hard links leaving the diff and every device
 * node; unpack.c makes each entry resolved inside the directory (openat2
 * RESOLVE_IN_ROOT), never with archive_write_disk.  */
#define _GNU_SOURCE
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/syscalls.h"
#include "image/image.h"
#include "image/internal.h"

#define DIFF_TMP       ".rootfs-diff.tar.tmp"
/* a hole larger than this (apparent size over allocated) fails the dump:
 * `truncate -s 1T` in the container would otherwise be written out whole
 * while it is frozen; smaller holes are written as zeros */
#define SPARSE_MAX     (64ULL << 20)
/* libarchive's ARCHIVE_ERRNO_FILE_FORMAT, which its public header lacks */
#define EFTYPE_ARCHIVE EILSEQ

struct diff_writer {
	struct archive *a;
	struct archive_entry_linkresolver *links;
};

/* the xattrs unpack.c keeps (entry.c): user.* but overlayfs' own, and
 * file capabilities; overlayfs' trusted.overlay.* hints (origin,
 * impure) describe this host's lower inodes and are rebuilt by it */
static bool xattr_saved(const char *name)
{
	if (strncmp(name, "user.", 5) == 0)
		return strncmp(name, "user.overlay.", 13) != 0;
	return strcmp(name, "security.capability") == 0;
}

/* what a checkpoint cannot save as it means: the dump fails naming it.
 * A POSIX ACL restored as mode bits alone would widen access (the group
 * bits are its mask); overlayfs' metacopy and redirect marks say that the
 * data or the content is still in a lower layer, under another name,
 * which a tar of the upper cannot carry.  */
static int xattr_refused(const char *name, const char *path, struct error **err)
{
	const char *ovl = strncmp(name, "trusted.overlay.", 16) == 0 ? name + 16
			  : strncmp(name, "user.overlay.", 13) == 0  ? name + 13
								     : NULL;

	if (strcmp(name, "system.posix_acl_access") == 0 ||
	    strcmp(name, "system.posix_acl_default") == 0)
		return error_set(err, 0,
				 "'%s': a POSIX ACL (%s), which a checkpoint does not save (the "
				 "restored file would be open to more users): remove it in the "
				 "container (setfacl -b)",
				 path, name);
	if (ovl != NULL && strcmp(ovl, "metacopy") == 0)
		return error_set(err, 0,
				 "'%s': an overlayfs metacopy file (%s: its data is still in a "
				 "lower layer), which a checkpoint cannot save: the host's overlay "
				 "module has metacopy on",
				 path, name);
	if (ovl != NULL && strcmp(ovl, "redirect") == 0)
		return error_set(err, 0,
				 "'%s': an overlayfs redirect (%s: a renamed directory whose "
				 "content is still in a lower layer), which a checkpoint cannot "
				 "save: the host's overlay module has redirect_dir on",
				 path, name);
	return 0;
}

/* The entry's xattrs, read through /proc/self/fd: `fd` may be an O_PATH
 * one (a fifo is never opened for reading, which would wake a writer). */
static int add_xattrs(struct archive_entry *e, int fd, const char *path, struct error **err)
{
	char proc[32];
	cleanup_free char *names = NULL;
	ssize_t n;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	n = listxattr(proc, NULL, 0);
	if (n < 0)
		return errno == ENOTSUP ? 0 : error_set(err, errno, "'%s': list xattrs", path);
	names = xcalloc(1, (size_t)n + 1);
	n = listxattr(proc, names, (size_t)n);
	if (n < 0)
		return error_set(err, errno, "'%s': list xattrs", path);
	for (char *p = names; p < names + n; p += strlen(p) + 1) {
		cleanup_free char *value = NULL;
		ssize_t len;

		if (xattr_refused(p, path, err) < 0)
			return -1;
		if (!xattr_saved(p))
			continue;
		/* the size first: a value has no bound but the filesystem's */
		len = getxattr(proc, p, NULL, 0);
		if (len >= 0) {
			value = xcalloc(1, (size_t)len + 1);
			len = getxattr(proc, p, value, (size_t)len);
		}
		if (len < 0 && errno == ENODATA)
			continue; /* not readable on this file type (user.* on a fifo) */
		if (len < 0)
			return error_set(err, errno, "'%s': xattr '%s'", path, p);
		archive_entry_xattr_add_entry(e, p, value, (size_t)len);
	}
	return 0;
}

/* overlayfs' mark on a directory that hides the lower ones' */
static bool opaque(int fd)
{
	char v[2];

	return (fgetxattr(fd, "trusted.overlay.opaque", v, sizeof(v)) == 1 && v[0] == 'y') ||
	       (fgetxattr(fd, "user.overlay.opaque", v, sizeof(v)) == 1 && v[0] == 'y');
}

static int copy_data(struct archive *a, int fd, const char *path, struct error **err)
{
	char buf[65536];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return error_set(err, errno, "'%s': read", path);
		if (archive_write_data(a, buf, (size_t)n) != n)
			return error_set(err, archive_errno(a), "'%s': %s", path, unpack_ar_msg(a));
	}
	return 0;
}

/* one entry out, a later link to the same file as a hard link */
static int put(struct diff_writer *w, struct archive_entry *e, int data_fd, struct error **err)
{
	struct archive_entry *spare = NULL;
	const char *path = archive_entry_pathname(e);
	int rc = 0;

	archive_entry_linkify(w->links, &e, &spare);
	if (e != NULL && archive_write_header(w->a, e) < ARCHIVE_WARN)
		rc = error_set(err, archive_errno(w->a), "'%s': %s", path, unpack_ar_msg(w->a));
	else if (e != NULL && data_fd >= 0 && archive_entry_hardlink(e) == NULL &&
		 archive_entry_size(e) > 0)
		rc = copy_data(w->a, data_fd, path, err);
	if (spare != NULL)
		archive_entry_free(spare);
	return rc;
}

static struct archive_entry *entry_of(const char *path, const struct stat *st)
{
	struct archive_entry *e = archive_entry_new();

	if (e == NULL)
		abort(); /* out of memory, as with x*alloc */
	archive_entry_copy_pathname(e, path);
	archive_entry_copy_stat(e, st);
	if (!S_ISREG(st->st_mode))
		archive_entry_set_size(e, 0);
	return e;
}

/* a mark of the OCI format: an empty file named `name` in `dir` */
static int put_mark(struct diff_writer *w, const char *dir, const char *name,
		    const struct stat *like, struct error **err)
{
	cleanup_free char *path = dir[0] ? xasprintf("%s/%s", dir, name) : xstrdup(name);
	struct archive_entry *e = entry_of(path, like);
	int rc;

	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0600);
	archive_entry_set_size(e, 0);
	archive_entry_set_nlink(e, 1);
	archive_entry_set_rdev(e, 0);
	rc = put(w, e, -1, err);
	archive_entry_free(e);
	return rc;
}

static int walk(struct diff_writer *w, int dirfd, const char *prefix, struct error **err);

static int put_dir(struct diff_writer *w, int parent, const char *name, const char *path,
		   const struct stat *st, struct error **err)
{
	cleanup_close int fd =
		openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct archive_entry *e;
	int rc;

	if (fd < 0)
		return error_set(err, errno, "'%s'", path);
	e = entry_of(path, st);
	rc = add_xattrs(e, fd, path, err);
	if (rc == 0)
		rc = put(w, e, -1, err);
	archive_entry_free(e);
	if (rc == 0 && opaque(fd))
		rc = put_mark(w, path, ".wh..wh..opq", st, err);
	return rc < 0 ? -1 : walk(w, fd, path, err);
}

static int check_sparse(const struct stat *st, const char *path, struct error **err)
{
	uint64_t size = (uint64_t)st->st_size, used = (uint64_t)st->st_blocks * 512;

	if (size <= used + SPARSE_MAX)
		return 0;
	return error_set(err, 0,
			 "'%s': a sparse file of %llu bytes with %llu allocated, which a "
			 "checkpoint would write whole, zeros and all, while the container is "
			 "frozen (holes over %llu MiB are refused): remove or shrink it in the "
			 "container",
			 path, (unsigned long long)size, (unsigned long long)used,
			 (unsigned long long)(SPARSE_MAX >> 20));
}

static int put_file(struct diff_writer *w, int parent, const char *name, const char *path,
		    const struct stat *st, struct error **err)
{
	cleanup_close int fd = -1;
	struct archive_entry *e = entry_of(path, st);
	int rc = 0;

	if (S_ISREG(st->st_mode) || S_ISFIFO(st->st_mode)) {
		/* a fifo only by O_PATH: opened to read, it would wake a writer */
		fd = openat(parent, name,
			    (S_ISFIFO(st->st_mode) ? O_PATH : O_RDONLY) | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			rc = error_set(err, errno, "'%s'", path);
		else if (add_xattrs(e, fd, path, err) < 0 ||
			 (S_ISREG(st->st_mode) && check_sparse(st, path, err) < 0))
			rc = -1;
	} else if (S_ISLNK(st->st_mode)) {
		char target[4096];
		ssize_t n = readlinkat(parent, name, target, sizeof(target) - 1);

		if (n < 0)
			rc = error_set(err, errno, "'%s': readlink", path);
		target[n > 0 ? n : 0] = '\0';
		archive_entry_copy_symlink(e, target);
	}
	if (rc == 0)
		rc = put(w, e, S_ISREG(st->st_mode) ? fd : -1, err);
	archive_entry_free(e);
	return rc;
}

static int put_one(struct diff_writer *w, int dirfd, const char *name, const char *prefix,
		   struct error **err)
{
	cleanup_free char *path = prefix[0] ? xasprintf("%s/%s", prefix, name) : xstrdup(name);
	cleanup_free char *wh = NULL;
	struct stat st;

	/* unpacked, it would be a whiteout or an opaque mark (unpack.c) */
	if (strncmp(name, ".wh.", 4) == 0)
		return error_set(err, 0,
				 "'%s': a name starting with '.wh.' cannot be represented in an "
				 "OCI layer (a restore would take it for a whiteout): rename it in "
				 "the container",
				 path);
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return error_set(err, errno, "'%s'", path);
	switch (st.st_mode & S_IFMT) {
	case S_IFDIR: return put_dir(w, dirfd, name, path, &st, err);
	case S_IFREG:
	case S_IFLNK:
	case S_IFIFO: return put_file(w, dirfd, name, path, &st, err);
	case S_IFSOCK: log_debug("rootfs diff: socket '%s' left out", path); return 0;
	default: break;
	}
	if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) {
		/* overlayfs' whiteout: the lower file is deleted */
		wh = xasprintf(".wh.%s", name);
		return put_mark(w, prefix, wh, &st, err);
	}
	return error_set(err, 0,
			 "'%s': a device node (%u:%u), which a restore refuses: remove it from the "
			 "container's root",
			 path, major(st.st_rdev), minor(st.st_rdev));
}

static int walk(struct diff_writer *w, int dirfd, const char *prefix, struct error **err)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	int rc = 0;

	if (d == NULL) {
		if (fd >= 0)
			close(fd);
		return error_set(err, errno, "'%s'", prefix[0] ? prefix : ".");
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		rc = put_one(w, dirfd, de->d_name, prefix, err);
	}
	closedir(d);
	return rc;
}

static int write_tar(int upper_fd, int out, struct error **err)
{
	struct diff_writer w = {.a = archive_write_new(),
				.links = archive_entry_linkresolver_new()};
	int rc = -1;

	if (w.a == NULL || w.links == NULL)
		abort(); /* out of memory, as with x*alloc */
	/* pax: owners and xattrs of any size, names of any length */
	if (archive_write_set_format_pax_restricted(w.a) != ARCHIVE_OK ||
	    archive_write_open_fd(w.a, out) != ARCHIVE_OK) {
		error_set(err, archive_errno(w.a), "%s", unpack_ar_msg(w.a));
		goto out;
	}
	archive_entry_linkresolver_set_strategy(w.links, archive_format(w.a));
	if (walk(&w, upper_fd, "", err) < 0)
		goto out;
	if (archive_write_close(w.a) != ARCHIVE_OK) {
		error_set(err, archive_errno(w.a), "%s", unpack_ar_msg(w.a));
		goto out;
	}
	rc = 0;
out:
	archive_entry_linkresolver_free(w.links);
	archive_write_free(w.a);
	return rc;
}

int image_diff_write(int upper_fd, int img_fd, struct error **err)
{
	cleanup_close int out = -1;

	/* a new file, never one left there: the image dir's owner could have
	 * made it a hard link to a file of root's (or a symlink) */
	if (unlinkat(img_fd, DIFF_TMP, 0) < 0 && errno != ENOENT)
		return error_set(err, errno, "%s: remove '%s'", IMAGE_DIFF, DIFF_TMP);
	out = openat(img_fd, DIFF_TMP, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0)
		return error_set(err, errno, "%s: create", IMAGE_DIFF);
	if (write_tar(upper_fd, out, err) < 0 || fsync(out) < 0 ||
	    renameat(img_fd, DIFF_TMP, img_fd, IMAGE_DIFF) < 0) {
		if (*err == NULL)
			error_set(err, errno, "%s: write", IMAGE_DIFF);
		unlinkat(img_fd, DIFF_TMP, 0);
		return error_wrap(err, "%s", IMAGE_DIFF);
	}
	return 0;
}

/* a ".." component anywhere */
static bool has_dotdot(const char *p)
{
	for (const char *c = p; (c = strstr(c, "..")) != NULL; c += 2)
		if ((c == p || c[-1] == '/') && (c[2] == '\0' || c[2] == '/'))
			return true;
	return false;
}

int diff_check_entry(struct archive_entry *e, struct error **err)
{
	const char *p = archive_entry_pathname(e), *link = archive_entry_hardlink(e);
	unsigned type = archive_entry_filetype(e);

	if (p == NULL || p[0] == '\0')
		return error_set(err, 0, "an entry without a name");
	if (p[0] == '/')
		return error_set(err, 0, "entry '%s': an absolute path", p);
	if (has_dotdot(p))
		return error_set(err, 0, "entry '%s': a path with '..'", p);
	if (link != NULL) {
		if (link[0] == '/' || link[0] == '\0' || has_dotdot(link))
			return error_set(err, 0,
					 "entry '%s': a hard link to '%s', outside the diff", p,
					 link);
		return 0;
	}
	if (type == AE_IFREG || type == AE_IFDIR || type == AE_IFLNK || type == AE_IFIFO)
		return 0;
	/* the writer never makes one, not even for a whiteout (".wh." files) */
	if (type == AE_IFCHR || type == AE_IFBLK)
		return error_set(err, 0, "entry '%s': a device node (%s %u:%u)", p,
				 type == AE_IFCHR ? "char" : "block",
				 (unsigned)archive_entry_rdevmajor(e),
				 (unsigned)archive_entry_rdevminor(e));
	return error_set(err, 0, "entry '%s': not a file, directory, symlink or fifo", p);
}

struct archive *diff_reader_new(void)
{
	struct archive *a = archive_read_new();

	if (a == NULL)
		abort();		    /* out of memory, as with x*alloc */
	archive_read_support_format_tar(a); /* and no decompression filter */
	return a;
}

/* a compressed diff, refused by name rather than as "unrecognized" */
static const char *compression(int fd)
{
	unsigned char m[6] = {0};

	if (pread(fd, m, sizeof(m), 0) < (ssize_t)sizeof(m))
		return NULL;
	if (m[0] == 0x1f && m[1] == 0x8b)
		return "gzip";
	if (m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd)
		return "zstd";
	if (memcmp(m,
		   "\xfd"
		   "7zXZ",
		   5) == 0)
		return "xz";
	if (memcmp(m, "BZh", 3) == 0)
		return "bzip2";
	return NULL;
}

/* One pass: every entry checked as it is read, then made (the check and
 * the unpacking see the same bytes).  Device nodes are never made.  */
int diff_unpack(struct archive *a, int upper_fd, struct error **err)
{
	struct unpack_opts o = {.owners = true,
				.devices = false,
				.trusted = true,
				.trusted_only = true,
				.check = diff_check_entry};

	return unpack_archive(a, upper_fd, &o, err);
}

static int unpack_diff(int fd, int upper_fd, struct error **err)
{
	struct archive *a = diff_reader_new();
	int rc;

	if (archive_read_open_fd(a, fd, 65536) != ARCHIVE_OK)
		rc = error_set(err, 0, "%s", unpack_ar_msg(a));
	else
		rc = diff_unpack(a, upper_fd, err);
	archive_read_free(a);
	return rc;
}

int image_diff_apply(int img_fd, int upper_fd, struct error **err)
{
	/* O_NONBLOCK: a fifo in the diff's place must not hang the restore */
	struct open_how how = {.flags = O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC,
			       .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS};
	cleanup_close int fd = sys_openat2(img_fd, IMAGE_DIFF, &how);
	const char *packed;
	struct stat st;

	if (fd < 0)
		return error_set(err, errno, "%s", IMAGE_DIFF);
	if (fstat(fd, &st) < 0)
		return error_set(err, errno, "%s", IMAGE_DIFF);
	if (!S_ISREG(st.st_mode))
		return error_set(err, 0, "%s: not a regular file", IMAGE_DIFF);
	if (fcntl(fd, F_SETFL, O_RDONLY) < 0)
		return error_set(err, errno, "%s", IMAGE_DIFF);
	packed = compression(fd);
	if (packed != NULL)
		return error_set(err, 0,
				 "%s: compressed (%s), but a checkpoint's diff is a plain tar: "
				 "not unpacked",
				 IMAGE_DIFF, packed);
	if (unpack_diff(fd, upper_fd, err) < 0)
		return error_wrap(err, "%s", IMAGE_DIFF);
	return 0;
}

/* libarchive's static archive: its tar writers report an entry type they
 * cannot store through this one internal function, whose file also
 * selects every other writer (7zip, xar: liblzma, libbz2, libxml2, none
 * of which berth links).  Defined here, in an object the link already
 * holds, the linker never pulls that file in; the shared library keeps
 * its own (the symbol is not exported).  Same message as libarchive's.
 * An internal function, so bounded: it first appears in 3.6.0 (Debian
 * 12 has 3.6.2, the version this is built and tested with), and later
 * 3.x releases keep its signature; a 4.x may change any of it, so look
 * again before widening the bounds.  */
/* (defined: archive.h always defines it; a header-less checker does not) */
#if defined(ARCHIVE_VERSION_NUMBER) &&                                                             \
	(ARCHIVE_VERSION_NUMBER < 3006000 || ARCHIVE_VERSION_NUMBER >= 4000000)
#error "libarchive outside 3.6.0 to 3.x: check __archive_write_entry_filetype_unsupported"
#endif
void __archive_write_entry_filetype_unsupported(struct archive *a, struct archive_entry *entry,
						const char *format);

void __archive_write_entry_filetype_unsupported(struct archive *a, struct archive_entry *entry,
						const char *format)
{
	archive_set_error(a, EFTYPE_ARCHIVE, "%s: %s format cannot archive this entry",
			  archive_entry_pathname(entry), format);
}
