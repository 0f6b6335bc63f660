/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz/fuzz-image-diff.c — libFuzzer target: a checkpoint's
 * rootfs-diff.tar (image/diff.c) as a restore reads it: every entry
 * checked (diff_check), and a diff that passes unpacked into a fresh
 * directory as the restore unpacks it (owners, the 0:0 whiteout,
 * trusted.overlay.opaque).  Besides crashes, leaks and undefined
 * behaviour it checks the promise that matters: nothing is ever written
 * outside that directory — a sibling directory, and the directory it
 * sits in, stay as they were.  Run as root, as a restore is.  */
#define _GNU_SOURCE
#include <archive.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/file.h"
#include "image/internal.h"

static char base[] = "/tmp/fuzz-image-diff.XXXXXX";
static int basefd = -1;

static size_t entries_in(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	size_t n = 0;

	if (d == NULL)
		abort();
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n - 2;
}

/* the temp directory goes with the fuzzer */
__attribute__((destructor)) static void cleanup(void)
{
	if (basefd >= 0)
		remove_tree_at(AT_FDCWD, base, NULL);
}

/* one pass over the data: checked (rootfd < 0) or unpacked */
static int pass(const uint8_t *data, size_t size, int rootfd)
{
	struct unpack_opts o = {
		.owners = true, .devices = true, .trusted = true, .trusted_only = true};
	struct archive *a = unpack_reader_new();
	struct error *err = NULL;
	int rc = -1;

	if (archive_read_open_memory(a, data, size) == ARCHIVE_OK)
		rc = rootfd < 0 ? diff_check(a, &err) : unpack_archive(a, rootfd, &o, &err);
	error_free(err);
	archive_read_free(a);
	return rc;
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
	if (pass(data, size, -1) < 0)
		return 0;
	if (mkdirat(basefd, "upper", 0755) < 0)
		abort();
	rootfd = openat(basefd, "upper", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		abort();
	pass(data, size, rootfd);
	close(rootfd);
	if (entries_in(basefd, "outside") != 0 || entries_in(basefd, ".") != 2)
		abort();
	if (cache_remove(basefd, "upper", NULL) < 0 || faccessat(basefd, "upper", F_OK, 0) == 0)
		abort();
	return 0;
}
