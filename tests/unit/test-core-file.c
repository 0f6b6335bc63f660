/* SPDX-License-Identifier: Apache-2.0 */
/* tests/unit/test-core-file.c — remove_tree_at() (core/file.c): a tree of
 * empty and full directories, files and a symlink goes; a mount point
 * inside it, empty or not, stops it with EBUSY and keeps its mount; a
 * missing name is no error; a directory too big to be read in one call,
 * and a deep one, go as well, with no fd left open.  A bind mount of the
 * same filesystem (the same st_dev) stops it too, its files kept, and so
 * does a top that is itself a mount point; a tree deeper than 1024 levels
 * is refused (ELOOP), not walked to the end of the stack.  read_fd_max()
 * stops an endless file at its bound (EFBIG).  Mounts are made in a mount namespace of the
 * test's own.  */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "core/file.h"
#include "tests/unit/tap.h"

static char base[] = "/tmp/berth-test-file.XXXXXX";

/* base/rel, in one of two buffers used in turn */
static const char *at(const char *rel)
{
	static char buf[2][256];
	static int next;
	char *p = buf[next++ % 2];

	snprintf(p, sizeof(buf[0]), "%s/%s", base, rel);
	return p;
}

static void mk(const char *rel)
{
	if (mkdir(at(rel), 0755) < 0)
		TAP_NOTE("mkdir %s: %s", rel, strerror(errno));
}

static void put(const char *rel)
{
	int fd = open(at(rel), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

	if (fd >= 0)
		close(fd);
}

static bool exists(const char *rel)
{
	struct stat st;

	return lstat(at(rel), &st) == 0;
}

static void test_tree(void)
{
	struct error *err = NULL;

	mk("t");
	mk("t/empty");
	mk("t/deep");
	mk("t/deep/er");
	mk("t/deep/er/est");
	mk("t/full");
	put("t/full/f");
	put("t/deep/er/g");
	/* a symlink to a directory outside: removed, never followed */
	mk("outside");
	put("outside/keep");
	CHECK(symlink(at("outside"), at("t/link")) == 0);
	CHECK(remove_tree_at(AT_FDCWD, at("t"), &err) == 0, "the tree is removed%s%s",
	      err != NULL ? ": " : "", err != NULL ? err->msg : "");
	error_freep(&err);
	CHECK(!exists("t"));
	CHECK(exists("outside/keep"));
	/* gone already: no error */
	CHECK(remove_tree_at(AT_FDCWD, at("t"), &err) == 0);
	remove_tree_at(AT_FDCWD, at("outside"), NULL);
}

static int open_fds(void)
{
	int fd = dup(0), n = fd;

	if (fd >= 0)
		close(fd);
	return n; /* the lowest free fd: any fd left open raises it */
}

/* 600 files of 60-character names (over 40 KB of entries: several reads
 * of the directory) next to subdirectories, 40 levels deep */
static void test_big_and_deep(void)
{
	struct error *err = NULL;
	char rel[200];
	int before = open_fds();

	mk("b");
	for (int i = 0; i < 600; i++) {
		snprintf(rel, sizeof(rel), "b/%056d.txt", i);
		put(rel);
		if (i % 100 == 0) {
			snprintf(rel, sizeof(rel), "b/d%d", i);
			mk(rel);
			snprintf(rel, sizeof(rel), "b/d%d/f", i);
			put(rel);
		}
	}
	snprintf(rel, sizeof(rel), "b/deep");
	for (int i = 0; i < 40; i++) {
		mk(rel);
		strcat(rel, "/x");
	}
	put(rel);
	CHECK(remove_tree_at(AT_FDCWD, at("b"), &err) == 0, "a big and deep tree is removed%s%s",
	      err != NULL ? ": " : "", err != NULL ? err->msg : "");
	error_freep(&err);
	CHECK(!exists("b"));
	CHECK(open_fds() == before, "no fd left open (lowest free %d, was %d)", open_fds(), before);
}

/* remove_tree_at refuses the tree at the mount point `rel` sits on */
static void check_mount_kept(const char *what, bool with_file)
{
	struct error *err = NULL;
	char path[256], top[256];

	mk("m");
	mk("m/a");
	mk("m/a/mnt");
	snprintf(path, sizeof(path), "%s", at("m/a/mnt"));
	snprintf(top, sizeof(top), "%s", at("m"));
	CHECK(mount("tmpfs", path, "tmpfs", 0, "size=64k") == 0, "%s: tmpfs mounted", what);
	if (with_file)
		put("m/a/mnt/inside");
	CHECK(remove_tree_at(AT_FDCWD, top, &err) < 0 && err != NULL && err->errnum == EBUSY,
	      "%s: %s", what, err != NULL ? err->msg : "removed");
	error_freep(&err);
	/* still mounted, what it holds untouched */
	CHECK(exists("m/a/mnt") && (!with_file || exists("m/a/mnt/inside")), "%s", what);
	umount2(path, MNT_DETACH);
	CHECK(remove_tree_at(AT_FDCWD, top, &err) == 0 && !exists("m"), "%s", what);
	error_freep(&err);
}

/* a bind mount of a directory of the same filesystem inside the tree,
 * deep down or as the top itself: refused, the source's files kept */
static void check_bind_kept(void)
{
	struct error *err = NULL;
	char path[256], top[256], src[256];

	mk("src");
	put("src/precious");
	mk("m");
	mk("m/a");
	mk("m/a/mnt");
	snprintf(src, sizeof(src), "%s", at("src"));
	snprintf(path, sizeof(path), "%s", at("m/a/mnt"));
	snprintf(top, sizeof(top), "%s", at("m"));
	CHECK(mount(src, path, NULL, MS_BIND, NULL) == 0, "bind mounted");
	CHECK(remove_tree_at(AT_FDCWD, top, &err) < 0 && err != NULL && err->errnum == EBUSY,
	      "a same-filesystem bind: %s", err != NULL ? err->msg : "removed");
	error_freep(&err);
	CHECK(exists("src/precious"), "the bind's source keeps its file");
	CHECK(remove_tree_at(AT_FDCWD, path, &err) < 0 && err != NULL && err->errnum == EBUSY,
	      "the mount point as the top: %s", err != NULL ? err->msg : "removed");
	error_freep(&err);
	CHECK(exists("src/precious"), "the bind's source keeps its file");
	umount2(path, MNT_DETACH);
	CHECK(remove_tree_at(AT_FDCWD, top, &err) == 0 && !exists("m"));
	CHECK(remove_tree_at(AT_FDCWD, src, &err) == 0 && !exists("src"));
	error_freep(&err);
}

/* 1100 levels: refused past 1024 (ELOOP), nothing crashes; removed from
 * the middle first, the rest goes */
static void test_too_deep(void)
{
	struct error *err = NULL;
	int fd, mid = -1;

	mk("z");
	fd = open(at("z"), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (int i = 0; fd >= 0 && i < 1100; i++) {
		int next;

		if (mkdirat(fd, "d", 0755) < 0)
			break;
		next = openat(fd, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (i == 600)
			mid = dup(fd); /* holds d at level 601 */
		close(fd);
		fd = next;
	}
	if (fd >= 0)
		close(fd);
	CHECK(remove_tree_at(AT_FDCWD, at("z"), &err) < 0 && err != NULL && err->errnum == ELOOP,
	      "%s", err != NULL ? err->msg : "removed");
	error_freep(&err);
	CHECK(mid >= 0 && remove_tree_at(mid, "d", &err) == 0, "the lower half: %s",
	      err != NULL ? err->msg : "removed");
	error_freep(&err);
	CHECK(remove_tree_at(AT_FDCWD, at("z"), &err) == 0 && !exists("z"), "the upper half");
	error_freep(&err);
	if (mid >= 0)
		close(mid);
}

/* read_fd_max, read_file_at_max: an endless file stops at the bound
 * (EFBIG), a file under it is read whole; read_file_or_null gives NULL for
 * an endless one */
static void test_bounded_read(void)
{
	int fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	struct error *err = NULL;
	char *buf = NULL;
	size_t len = 0;

	CHECK(fd >= 0 && read_fd_max(fd, "/dev/zero", 100000, &buf, &len, &err) < 0 &&
		      err != NULL && err->errnum == EFBIG,
	      "/dev/zero: %s", err != NULL ? err->msg : "read whole");
	error_freep(&err);
	close(fd);
	fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0 && read_fd_max(fd, "cmdline", 4096, &buf, &len, &err) == 0 && len > 0,
	      "a file under the bound is read");
	free(buf);
	close(fd);
	CHECK(read_file_or_null(AT_FDCWD, "/dev/zero") == NULL, "an endless file is no text");
	CHECK(read_file_at_max(AT_FDCWD, "/dev/zero", 8192, &buf, &len, &err) < 0 && err != NULL &&
		      err->errnum == EFBIG,
	      "read_file_at_max stops /dev/zero: %s", err != NULL ? err->msg : "read whole");
	error_freep(&err);
	CHECK(read_file_at_max(AT_FDCWD, "/nonexistent/x", 8192, &buf, &len, &err) < 0 &&
		      err != NULL && err->errnum == ENOENT,
	      "read_file_at_max names a missing file: %s", err != NULL ? err->msg : "read");
	error_freep(&err);
}

int main(void)
{
	if (mkdtemp(base) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_tree();
	test_big_and_deep();
	test_too_deep();
	test_bounded_read();
	if (unshare(CLONE_NEWNS) == 0 && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0) {
		check_mount_kept("an empty mount point", false);
		check_mount_kept("a mount point with a file", true);
		check_bind_kept();
	} else {
		TAP_NOTE("no mount namespace of its own (%s): mount points not checked",
			 strerror(errno));
	}
	rmdir(base);
	return tap_done();
}
