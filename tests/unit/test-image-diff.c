/* SPDX-License-Identifier: Apache-2.0 */
/* tests/unit/test-image-diff.c — a checkpoint's rootfs diff (image/diff.c):
 * an overlay upper dir written and unpacked again keeps its files, dirs,
 * symlinks, fifos, hard links, owners, modes, user.* xattrs, overlayfs'
 * whiteouts (0:0) and opaque mark, and drops overlayfs' other hints; what
 * a tar cannot carry as it means (a device node, a ".wh." name, a POSIX
 * ACL, overlayfs' metacopy and redirect marks, a 1 TiB hole) fails the
 * dump naming it; the dump never writes through a file planted in the
 * image dir; and a diff from elsewhere with an absolute path, "..", a
 * hard link leaving it or any device node, compressed, or a fifo, is
 * refused naming the entry, before anything is made for it.  Needs root
 * (owners, trusted.* xattrs, mknod, a tmpfs mount).  */
#define _GNU_SOURCE
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "core/file.h"
#include "image/image.h"
#include "image/internal.h"
#include "tests/unit/tap.h"

static char base[] = "/tmp/test-image-diff.XXXXXX";

static int dir_at(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", base, name);
	mkdir(path, 0755);
	return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static size_t entries_in(int dirfd)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	size_t n = 0;

	while (d != NULL && readdir(d) != NULL)
		n++;
	if (d != NULL)
		closedir(d);
	return n - 2;
}

static void make_upper(int up)
{
	int fd;

	mkdirat(up, "d", 0750);
	fd = openat(up, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	fsetxattr(fd, "trusted.overlay.opaque", "y", 1, 0);
	close(fd);
	fd = openat(up, "d/f", O_WRONLY | O_CREAT | O_CLOEXEC, 0640);
	(void)!write(fd, "hello\n", 6);
	(void)!fchown(fd, 1000, 1001);
	fsetxattr(fd, "user.note", "kept", 4, 0);
	fsetxattr(fd, "trusted.overlay.origin", "x", 1, 0);
	close(fd);
	(void)!linkat(up, "d/f", up, "f2", 0);
	(void)!symlinkat("/etc/passwd", up, "l");
	mknodat(up, "gone", S_IFCHR | 0, makedev(0, 0));
	mknodat(up, "p", S_IFIFO | 0600, 0);
}

static void check_round_trip(int img, int up)
{
	struct error *err = NULL;
	int out = dir_at("out");
	struct stat st, st2;
	char buf[64] = "";
	ssize_t n;
	int fd;

	make_upper(up);
	CHECK(image_diff_write(up, img, &err) == 0, "write: %s", err ? err->msg : "");
	error_freep(&err);
	CHECK(image_diff_apply(img, out, &err) == 0, "apply: %s", err ? err->msg : "");
	error_freep(&err);
	CHECK(fstatat(out, "d/f", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
	      (st.st_mode & 07777) == 0640 && st.st_uid == 1000 && st.st_gid == 1001);
	fd = openat(out, "d/f", O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0 && read(fd, buf, sizeof(buf)) == 6 && strcmp(buf, "hello\n") == 0);
	n = fd >= 0 ? fgetxattr(fd, "user.note", buf, sizeof(buf)) : -1;
	CHECK(n == 4 && memcmp(buf, "kept", 4) == 0, "user.* xattr kept");
	CHECK(fd >= 0 && fgetxattr(fd, "trusted.overlay.origin", buf, sizeof(buf)) < 0,
	      "overlayfs' origin hint dropped");
	if (fd >= 0)
		close(fd);
	CHECK(fstatat(out, "f2", &st2, AT_SYMLINK_NOFOLLOW) == 0 && st2.st_ino == st.st_ino,
	      "hard link kept");
	n = readlinkat(out, "l", buf, sizeof(buf) - 1);
	CHECK(n == 11 && memcmp(buf, "/etc/passwd", 11) == 0, "symlink kept, not followed");
	CHECK(fstatat(out, "gone", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISCHR(st.st_mode) &&
		      st.st_rdev == makedev(0, 0),
	      "whiteout is overlayfs' 0:0 again");
	CHECK(fstatat(out, "p", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISFIFO(st.st_mode));
	fd = openat(out, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK(fd >= 0 && fgetxattr(fd, "trusted.overlay.opaque", buf, 1) == 1 && buf[0] == 'y',
	      "opaque mark kept");
	CHECK(fstat(fd, &st) == 0 && (st.st_mode & 07777) == 0750);
	if (fd >= 0)
		close(fd);
	CHECK(faccessat(out, "d/.wh..wh..opq", F_OK, AT_SYMLINK_NOFOLLOW) < 0 &&
		      faccessat(out, ".wh.gone", F_OK, AT_SYMLINK_NOFOLLOW) < 0,
	      "no OCI marks left");
	close(out);
}

static void check_device_refused(int img, int up)
{
	struct error *err = NULL;

	mknodat(up, "null", S_IFCHR | 0666, makedev(1, 3));
	CHECK(image_diff_write(up, img, &err) < 0 && strstr(err->msg, "'null'") &&
		      strstr(err->msg, "device node (1:3)"),
	      "dump: %s", err ? err->msg : "no error");
	error_freep(&err);
	CHECK(faccessat(img, ".rootfs-diff.tar.tmp", F_OK, 0) < 0, "no partial diff left");
	unlinkat(up, "null", 0);
}

/* the dump fails naming `want`, with no diff, not even a partial one, left */
static void check_dump_refused(int img, int up, const char *what, const char *want,
			       const char *want2)
{
	struct error *err = NULL;

	unlinkat(img, IMAGE_DIFF, 0);
	CHECK(image_diff_write(up, img, &err) < 0 && strstr(err->msg, want) &&
		      strstr(err->msg, want2),
	      "dump with %s: %s", what, err ? err->msg : "no error");
	error_freep(&err);
	CHECK(faccessat(img, ".rootfs-diff.tar.tmp", F_OK, 0) < 0 &&
		      faccessat(img, IMAGE_DIFF, F_OK, 0) < 0,
	      "no diff left after %s", what);
}

/* names that unpacked would be OCI marks: the dump refuses them */
static void check_wh_names_refused(int img, int up)
{
	int fd = openat(up, ".wh.victim", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

	close(fd);
	check_dump_refused(img, up, "a '.wh.' file", "'.wh.victim'",
			   "cannot be represented in an OCI layer");
	unlinkat(up, ".wh.victim", 0);
	mkdirat(up, "tmp", 0755);
	mkdirat(up, "tmp/.wh..wh..opq", 0755);
	check_dump_refused(img, up, "a '.wh..wh..opq' dir", "'tmp/.wh..wh..opq'",
			   "cannot be represented in an OCI layer");
	unlinkat(up, "tmp/.wh..wh..opq", AT_REMOVEDIR);
	unlinkat(up, "tmp", AT_REMOVEDIR);
}

/* overlayfs' marks that say the data or content is in a lower layer */
static void check_overlay_marks_refused(int img, int up)
{
	int fd = openat(up, "meta", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

	fsetxattr(fd, "trusted.overlay.metacopy", "", 0, 0);
	close(fd);
	check_dump_refused(img, up, "a metacopy file", "'meta'", "metacopy");
	unlinkat(up, "meta", 0);
	mkdirat(up, "moved", 0755);
	fd = openat(up, "moved", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	fsetxattr(fd, "trusted.overlay.redirect", "/old", 4, 0);
	close(fd);
	check_dump_refused(img, up, "a redirected dir", "'moved'", "trusted.overlay.redirect");
	unlinkat(up, "moved", AT_REMOVEDIR);
}

/* a 1 TiB hole is refused; a 1 MiB one is written as zeros */
static void check_sparse(int img, int up)
{
	struct error *err = NULL;
	int fd = openat(up, "huge", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	struct stat st;

	CHECK(fd >= 0 && ftruncate(fd, 1LL << 40) == 0, "a 1 TiB sparse file");
	close(fd);
	check_dump_refused(img, up, "a 1 TiB sparse file", "'huge': a sparse file of 1099511627776",
			   "holes over 64 MiB");
	unlinkat(up, "huge", 0);
	fd = openat(up, "holey", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	CHECK(fd >= 0 && ftruncate(fd, 1 << 20) == 0);
	close(fd);
	CHECK(image_diff_write(up, img, &err) == 0, "1 MiB hole: %s", err ? err->msg : "");
	error_freep(&err);
	fd = dir_at("holey-out");
	CHECK(image_diff_apply(img, fd, &err) == 0 && fstatat(fd, "holey", &st, 0) == 0 &&
		      st.st_size == 1 << 20,
	      "1 MiB hole unpacked: %s", err ? err->msg : "");
	error_freep(&err);
	close(fd);
	unlinkat(up, "holey", 0);
}

/* version 2 of the kernel's xattr ACL: user::rw- user:1000:rwx group::r-- mask::rwx other::--- */
static const unsigned char acl[] = {
	2, 0,	 0,    0,    1,	   0,	 6,    0, 0xff, 0xff, 0xff, 0xff, 2,	0,    7,
	0, 0xe8, 3,    0,    0,	   4,	 0,    4, 0,	0xff, 0xff, 0xff, 0xff, 0x10, 0,
	7, 0,	 0xff, 0xff, 0xff, 0xff, 0x20, 0, 0,	0,    0xff, 0xff, 0xff, 0xff};

/* On a tmpfs (ACLs, and xattrs of any size): an ACL on a file or a
 * directory's default one fails the dump; an 8 KiB user.* value is kept
 * whole.  */
static void check_on_tmpfs(int img)
{
	struct error *err = NULL;
	char path[256], big[8192], buf[8192];
	int up, fd, out;

	snprintf(path, sizeof(path), "%s/tmpfs", base);
	mkdir(path, 0755);
	if (mount("tmpfs", path, "tmpfs", 0, "mode=0755") < 0) {
		printf("# no tmpfs: ACL and large xattr checks skipped\n");
		return;
	}
	up = dir_at("tmpfs/up");
	fd = openat(up, "shared", O_WRONLY | O_CREAT | O_CLOEXEC, 0640);
	CHECK(fsetxattr(fd, "system.posix_acl_access", acl, sizeof(acl), 0) == 0, "ACL set");
	close(fd);
	check_dump_refused(img, up, "an ACL", "'shared': a POSIX ACL (system.posix_acl_access)",
			   "setfacl -b");
	unlinkat(up, "shared", 0);
	mkdirat(up, "inherit", 0755);
	fd = openat(up, "inherit", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK(fsetxattr(fd, "system.posix_acl_default", acl, sizeof(acl), 0) == 0, "default ACL");
	close(fd);
	check_dump_refused(img, up, "a default ACL",
			   "'inherit': a POSIX ACL (system.posix_acl_default)", "setfacl -b");
	unlinkat(up, "inherit", AT_REMOVEDIR);
	memset(big, 'x', sizeof(big));
	fd = openat(up, "big", O_WRONLY | O_CREAT | O_CLOEXEC, 0640);
	CHECK(fsetxattr(fd, "user.big", big, sizeof(big), 0) == 0, "8 KiB xattr set");
	close(fd);
	CHECK(image_diff_write(up, img, &err) == 0, "8 KiB xattr: %s", err ? err->msg : "");
	error_freep(&err);
	out = dir_at("tmpfs/out");
	CHECK(image_diff_apply(img, out, &err) == 0, "8 KiB xattr: %s", err ? err->msg : "");
	error_freep(&err);
	fd = openat(out, "big", O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0 && fgetxattr(fd, "user.big", buf, sizeof(buf)) == (ssize_t)sizeof(big) &&
		      memcmp(buf, big, sizeof(big)) == 0,
	      "8 KiB xattr kept whole");
	close(fd);
	close(out);
	close(up);
	umount2(path, MNT_DETACH);
}

/* a file the image dir's owner left at the temporary name, a hard link
 * to one of root's: the dump makes a new file, the other stays as it was */
static void check_planted_tmp(int img, int up)
{
	struct error *err = NULL;
	int victim = dir_at("victim");
	int fd = openat(victim, "shadow", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	struct stat st;

	(void)!write(fd, "secret\n", 7);
	close(fd);
	unlinkat(img, ".rootfs-diff.tar.tmp", 0);
	CHECK(linkat(victim, "shadow", img, ".rootfs-diff.tar.tmp", 0) == 0, "link planted");
	CHECK(image_diff_write(up, img, &err) == 0, "dump: %s", err ? err->msg : "");
	error_freep(&err);
	CHECK(fstatat(victim, "shadow", &st, 0) == 0 && st.st_size == 7 && st.st_nlink == 1,
	      "the linked file untouched (size %lld, links %lu)", (long long)st.st_size,
	      (unsigned long)st.st_nlink);
	close(victim);
}

/* a diff of one entry, as another host could have made it */
static void forge_packed(int img, const char *path, unsigned type, dev_t rdev, const char *hardlink,
			 bool gzip)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	int fd = openat(img, IMAGE_DIFF, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	archive_write_set_format_pax_restricted(a);
	if (gzip)
		archive_write_add_filter_gzip(a);
	archive_write_open_fd(a, fd);
	archive_entry_copy_pathname(e, path);
	archive_entry_set_filetype(e, type);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_rdev(e, rdev);
	if (hardlink != NULL)
		archive_entry_copy_hardlink(e, hardlink);
	archive_write_header(a, e);
	archive_entry_free(e);
	archive_write_close(a);
	archive_write_free(a);
	close(fd);
}

static void forge(int img, const char *path, unsigned type, dev_t rdev, const char *hardlink)
{
	forge_packed(img, path, type, rdev, hardlink, false);
}

static void check_refused(int img, const char *path, unsigned type, dev_t rdev,
			  const char *hardlink, const char *want)
{
	struct error *err = NULL;
	int out = dir_at("refused");

	forge(img, path, type, rdev, hardlink);
	CHECK(image_diff_apply(img, out, &err) < 0 && strstr(err->msg, want) != NULL,
	      "'%s' refused: %s", path, err ? err->msg : "accepted");
	error_freep(&err);
	CHECK(entries_in(out) == 0, "nothing made for '%s'", path);
	close(out);
}

/* the read side: compressed, a fifo in the diff's place */
static void check_not_plain(int img)
{
	struct error *err = NULL;
	int out = dir_at("not-plain");

	forge_packed(img, "f", AE_IFREG, 0, NULL, true);
	CHECK(image_diff_apply(img, out, &err) < 0 && strstr(err->msg, "rootfs-diff.tar") &&
		      strstr(err->msg, "compressed (gzip)"),
	      "gzip'd diff: %s", err ? err->msg : "accepted");
	error_freep(&err);
	CHECK(entries_in(out) == 0, "nothing made from a gzip'd diff");
	unlinkat(img, IMAGE_DIFF, 0);
	mkfifoat(img, IMAGE_DIFF, 0600);
	alarm(10); /* a hang is a failure */
	CHECK(image_diff_apply(img, out, &err) < 0 && strstr(err->msg, "rootfs-diff.tar") &&
		      strstr(err->msg, "not a regular file"),
	      "fifo: %s", err ? err->msg : "accepted");
	alarm(0);
	error_freep(&err);
	unlinkat(img, IMAGE_DIFF, 0);
	close(out);
}

static int seen_check(struct archive_entry *e, struct error **err);
static int hook_root = -1;
static unsigned hook_calls, hook_early;

/* the hook sees each entry before anything is made for it */
static int seen_check(struct archive_entry *e, struct error **err)
{
	hook_calls++;
	if (faccessat(hook_root, archive_entry_pathname(e), F_OK, AT_SYMLINK_NOFOLLOW) < 0)
		hook_early++;
	return diff_check_entry(e, err);
}

/* one pass: the check is the unpacking's hook, a refused entry stops it */
static void check_hook(int img)
{
	struct unpack_opts o = {.devices = false, .check = seen_check};
	struct error *err = NULL;
	struct archive *a = diff_reader_new();
	int fd;

	hook_root = dir_at("hooked");
	forge(img, "a", AE_IFREG, 0, NULL);
	fd = openat(img, IMAGE_DIFF, O_RDONLY | O_CLOEXEC);
	CHECK(archive_read_open_fd(a, fd, 10240) == ARCHIVE_OK &&
		      unpack_archive(a, hook_root, &o, &err) == 0,
	      "hooked unpack: %s", err ? err->msg : "");
	error_freep(&err);
	CHECK(hook_calls == 1 && hook_early == 1, "hook called before the entry was made");
	CHECK(faccessat(hook_root, "a", F_OK, 0) == 0, "entry made after the hook");
	archive_read_free(a);
	close(fd);
	close(hook_root);
}

int main(void)
{
	struct error *err = NULL;
	int img, up;

	if (geteuid() != 0) {
		printf("1..0 # SKIP needs root\n");
		return 0;
	}
	if (mkdtemp(base) == NULL)
		return 1;
	img = dir_at("img");
	up = dir_at("upper");
	check_round_trip(img, up);
	check_device_refused(img, up);
	check_wh_names_refused(img, up);
	check_overlay_marks_refused(img, up);
	check_sparse(img, up);
	check_on_tmpfs(img);
	check_planted_tmp(img, up);
	check_not_plain(img);
	check_hook(img);
	check_refused(img, "../x", AE_IFREG, 0, NULL, "entry '../x': a path with '..'");
	check_refused(img, "a/../../x", AE_IFREG, 0, NULL, "a path with '..'");
	check_refused(img, "/etc/x", AE_IFREG, 0, NULL, "entry '/etc/x': an absolute path");
	check_refused(img, "null", AE_IFCHR, makedev(1, 3), NULL,
		      "entry 'null': a device node (char 1:3)");
	check_refused(img, "w", AE_IFCHR, makedev(0, 0), NULL,
		      "entry 'w': a device node (char 0:0)");
	check_refused(img, "sda", AE_IFBLK, makedev(8, 0), NULL, "a device node (block 8:0)");
	check_refused(img, "h", AE_IFREG, 0, "../../etc/shadow",
		      "a hard link to '../../etc/shadow'");
	check_refused(img, "h", AE_IFREG, 0, "/etc/shadow", "outside the diff");
	unlinkat(img, IMAGE_DIFF, 0);
	CHECK(image_diff_apply(img, up, &err) < 0 && strstr(err->msg, "rootfs-diff.tar") &&
		      strstr(err->msg, "No such file"),
	      "missing: %s", err ? err->msg : "accepted");
	error_freep(&err);
	atomic_write_at(img, IMAGE_DIFF, "not a tar at all, not a tar at all", 34, 0600, NULL);
	CHECK(image_diff_apply(img, up, &err) < 0 && strstr(err->msg, "rootfs-diff.tar: ") &&
		      !strstr(err->msg, "No such file"),
	      "garbage: %s", err ? err->msg : "accepted");
	error_freep(&err);
	close(img);
	close(up);
	remove_tree_at(AT_FDCWD, base, NULL);
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}
