/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz/fuzz-image-diff.c — libFuzzer target: a checkpoint's
 * rootfs-diff.tar (image/diff.c) as a restore reads it, in one pass: a
 * plain tar, every entry checked as it is read (diff_check_entry as the
 * unpacking's hook) and made in a fresh directory as the restore makes
 * it (owners, whiteouts, trusted.overlay.opaque, no device nodes).
 * Besides crashes, leaks and undefined behaviour it checks the promises
 * that matter: nothing is ever written outside that directory — a
 * sibling directory, and the directory it sits in, stay as they were —
 * and no device node but overlayfs' 0:0 whiteout is left in it, however
 * far the unpacking got.  Run as root, as a restore is.  */
#define _GNU_SOURCE
#include <archive.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "core/file.h"
#include "fuzz/scratch.h"
#include "image/internal.h"

static char base[] = "/tmp/fuzz-image-diff.XXXXXX";
static int basefd = -1;

/* the temp directory goes with the fuzzer */
__attribute__((destructor)) static void cleanup(void)
{
	if (basefd >= 0)
		remove_tree_at(AT_FDCWD, base, NULL);
}

/* a device node other than a whiteout anywhere under dirfd */
static bool has_device(int dirfd)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	bool found = false;

	if (d == NULL)
		abort();
	while (!found && (de = readdir(d)) != NULL) {
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			abort();
		if (S_ISBLK(st.st_mode) || (S_ISCHR(st.st_mode) && st.st_rdev != makedev(0, 0)))
			found = true;
		else if (S_ISDIR(st.st_mode)) {
			int sub = openat(dirfd, de->d_name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (sub < 0)
				abort();
			found = has_device(sub);
			close(sub);
		}
	}
	closedir(d);
	return found;
}

/* the data unpacked into rootfd as image_diff_apply() unpacks it */
static void unpack(const uint8_t *data, size_t size, int rootfd)
{
	struct archive *a = diff_reader_new();
	struct error *err = NULL;

	if (archive_read_open_memory(a, data, size) == ARCHIVE_OK)
		diff_unpack(a, rootfd, &err);
	error_free(err);
	archive_read_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int rootfd;

	if (basefd < 0) {
		if (mkdtemp(base) == NULL)
			abort();
		basefd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (basefd < 0 || mkdirat(basefd, "outside", 0755) < 0)
			abort();
	}
	if (mkdirat(basefd, "upper", 0755) < 0)
		abort();
	rootfd = openat(basefd, "upper", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		abort();
	unpack(data, size, rootfd);
	if (has_device(rootfd))
		abort();
	close(rootfd);
	if (entries_in(basefd, "outside") != 0 || entries_in(basefd, ".") != 2)
		abort();
	if (cache_remove(basefd, "upper", NULL) < 0 || faccessat(basefd, "upper", F_OK, 0) == 0)
		abort();
	return 0;
}
