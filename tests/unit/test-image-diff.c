/* SPDX-License-Identifier: Apache-2.0 */
/* tests/unit/test-image-diff.c — a checkpoint's rootfs diff (image/diff.c):
 * an overlay upper dir written and unpacked again keeps its files, dirs,
 * symlinks, fifos, hard links, owners, modes, user.* xattrs, overlayfs'
 * whiteouts (0:0) and opaque mark, and drops overlayfs' other hints; a
 * device node in the upper fails the dump naming it; and a diff from
 * elsewhere with an absolute path, "..", a hard link leaving it or a
 * device node is refused naming the entry, before anything is made.
 * Needs root (owners, trusted.* xattrs, mknod).  */
#define _GNU_SOURCE
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "core/file.h"
#include "image/image.h"
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

/* a diff of one entry, as another host could have made it */
static void forge(int img, const char *path, unsigned type, dev_t rdev, const char *hardlink)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	int fd = openat(img, IMAGE_DIFF, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	archive_write_set_format_pax_restricted(a);
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
	check_refused(img, "../x", AE_IFREG, 0, NULL, "entry '../x': a path with '..'");
	check_refused(img, "a/../../x", AE_IFREG, 0, NULL, "a path with '..'");
	check_refused(img, "/etc/x", AE_IFREG, 0, NULL, "entry '/etc/x': an absolute path");
	check_refused(img, "null", AE_IFCHR, makedev(1, 3), NULL,
		      "entry 'null': a device node (char 1:3)");
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
