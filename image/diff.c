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
 * Reading checks every entry first — an image dir may come from another
 * host — and refuses absolute paths, "..", hard links leaving the diff
 * and device nodes (but overlayfs' 0:0 whiteout); only then unpack.c
 * unpacks it, every entry resolved inside the directory
 * (openat2 RESOLVE_IN_ROOT), never with archive_write_disk.  */
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

static int add_xattrs(struct archive_entry *e, int fd, const char *path, struct error **err)
{
	ssize_t n = flistxattr(fd, NULL, 0);
	cleanup_free char *names = NULL;

	if (n < 0)
		return errno == ENOTSUP ? 0 : error_set(err, errno, "'%s': list xattrs", path);
	names = xcalloc(1, (size_t)n + 1);
	n = flistxattr(fd, names, (size_t)n);
	if (n < 0)
		return error_set(err, errno, "'%s': list xattrs", path);
	for (char *p = names; p < names + n; p += strlen(p) + 1) {
		char value[4096];
		ssize_t len;

		if (!xattr_saved(p))
			continue;
		len = fgetxattr(fd, p, value, sizeof(value));
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
			return error_set(err, archive_errno(a), "'%s': %s", path,
					 archive_error_string(a));
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
		rc = error_set(err, archive_errno(w->a), "'%s': %s", path,
			       archive_error_string(w->a));
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

static int put_file(struct diff_writer *w, int parent, const char *name, const char *path,
		    const struct stat *st, struct error **err)
{
	cleanup_close int fd = -1;
	struct archive_entry *e = entry_of(path, st);
	int rc = 0;

	if (S_ISREG(st->st_mode)) {
		fd = openat(parent, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || add_xattrs(e, fd, path, err) < 0)
			rc = fd < 0 ? error_set(err, errno, "'%s'", path) : -1;
	} else if (S_ISLNK(st->st_mode)) {
		char target[4096];
		ssize_t n = readlinkat(parent, name, target, sizeof(target) - 1);

		if (n < 0)
			rc = error_set(err, errno, "'%s': readlink", path);
		target[n > 0 ? n : 0] = '\0';
		archive_entry_copy_symlink(e, target);
	}
	if (rc == 0)
		rc = put(w, e, fd, err);
	archive_entry_free(e);
	return rc;
}

static int put_one(struct diff_writer *w, int dirfd, const char *name, const char *prefix,
		   struct error **err)
{
	cleanup_free char *path = prefix[0] ? xasprintf("%s/%s", prefix, name) : xstrdup(name);
	cleanup_free char *wh = NULL;
	struct stat st;

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
		error_set(err, archive_errno(w.a), "%s", archive_error_string(w.a));
		goto out;
	}
	archive_entry_linkresolver_set_strategy(w.links, archive_format(w.a));
	if (walk(&w, upper_fd, "", err) < 0)
		goto out;
	if (archive_write_close(w.a) != ARCHIVE_OK) {
		error_set(err, archive_errno(w.a), "%s", archive_error_string(w.a));
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
	cleanup_close int out = openat(img_fd, DIFF_TMP,
				       O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);

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
	if (type == AE_IFCHR && archive_entry_rdevmajor(e) == 0 && archive_entry_rdevminor(e) == 0)
		return 0; /* overlayfs' whiteout */
	if (type == AE_IFCHR || type == AE_IFBLK)
		return error_set(err, 0, "entry '%s': a device node (%s %u:%u)", p,
				 type == AE_IFCHR ? "char" : "block",
				 (unsigned)archive_entry_rdevmajor(e),
				 (unsigned)archive_entry_rdevminor(e));
	return error_set(err, 0, "entry '%s': not a file, directory, symlink or fifo", p);
}

int diff_check(struct archive *a, struct error **err)
{
	struct archive_entry *e;
	int r;

	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN)
		if (diff_check_entry(e, err) < 0)
			return -1;
	if (r != ARCHIVE_EOF)
		return error_set(err, 0, "%s", archive_error_string(a));
	return 0;
}

/* the diff, once checked and once unpacked: each pass a reader of its own */
static int pass(int fd, int upper_fd, struct error **err)
{
	struct unpack_opts o = {
		.owners = true, .devices = true, .trusted = true, .trusted_only = true};
	struct archive *a = unpack_reader_new();
	int rc;

	if (lseek(fd, 0, SEEK_SET) < 0) {
		archive_read_free(a);
		return error_set(err, errno, "seek");
	}
	if (archive_read_open_fd(a, fd, 65536) != ARCHIVE_OK) {
		rc = error_set(err, 0, "%s", archive_error_string(a));
		archive_read_free(a);
		return rc;
	}
	rc = upper_fd < 0 ? diff_check(a, err) : unpack_archive(a, upper_fd, &o, err);
	archive_read_free(a);
	return rc;
}

int image_diff_apply(int img_fd, int upper_fd, struct error **err)
{
	struct open_how how = {.flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC,
			       .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS};
	cleanup_close int fd = sys_openat2(img_fd, IMAGE_DIFF, &how);
	struct stat st;

	if (fd < 0)
		return error_set(err, errno, "%s", IMAGE_DIFF);
	if (fstat(fd, &st) < 0)
		return error_set(err, errno, "%s", IMAGE_DIFF);
	if (!S_ISREG(st.st_mode))
		return error_set(err, 0, "%s: not a regular file", IMAGE_DIFF);
	if (pass(fd, -1, err) < 0 || pass(fd, upper_fd, err) < 0)
		return error_wrap(err, "%s", IMAGE_DIFF);
	return 0;
}

/* libarchive's static archive: its tar writers report an entry type they
 * cannot store through this one internal function, whose file also
 * selects every other writer (7zip, xar: liblzma, libbz2, libxml2, none
 * of which berth links).  Defined here, in an object the link already
 * holds, the linker never pulls that file in; the shared library keeps
 * its own (the symbol is not exported).  Same message as libarchive's.  */
void __archive_write_entry_filetype_unsupported(struct archive *a, struct archive_entry *entry,
						const char *format);

void __archive_write_entry_filetype_unsupported(struct archive *a, struct archive_entry *entry,
						const char *format)
{
	archive_set_error(a, EFTYPE_ARCHIVE, "%s: %s format cannot archive this entry",
			  archive_entry_pathname(entry), format);
}
