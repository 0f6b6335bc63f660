/* SPDX-License-Identifier: Apache-2.0 */
/* tests/unit/test-core-file.c — remove_tree_at() (core/file.c): a tree of
 * empty and full directories, files and a symlink goes; a mount point
 * inside it, empty or not, stops it with EBUSY and keeps its mount; a
 * missing name is no error; a directory too big to be read in one call,
 * and a deep one, go as well, with no fd left open.  Mounts are made in a mount namespace of the
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

int main(void)
{
	if (mkdtemp(base) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_tree();
	test_big_and_deep();
	if (unshare(CLONE_NEWNS) == 0 && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0) {
		check_mount_kept("an empty mount point", false);
		check_mount_kept("a mount point with a file", true);
	} else {
		TAP_NOTE("no mount namespace of its own (%s): mount points not checked",
			 strerror(errno));
	}
	rmdir(base);
	return tap_done();
}
