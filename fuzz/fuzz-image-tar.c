/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz/fuzz-image-tar.c — libFuzzer target: a layer (tar, plain, gzip or
 * zstd) through image/'s unpacking (unpack.c, entry.c) into a fresh
 * directory, as a rootless berth would (no owners, no device nodes).
 * Besides crashes, leaks and undefined behaviour it checks the promise
 * that matters: nothing is ever written outside the layer — a sibling
 * directory, and the directory the layer sits in, stay as they were.  */
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
#include "fuzz/scratch.h"
#include "image/internal.h"

static char base[] = "/tmp/fuzz-image-tar.XXXXXX";
static int basefd = -1;

/* the temp directory goes with the fuzzer */
__attribute__((destructor)) static void cleanup(void)
{
	if (basefd >= 0)
		remove_tree_at(AT_FDCWD, base, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct unpack_opts o = {0};
	struct archive *a;
	struct error *err = NULL;
	int rootfd;

	if (basefd < 0) {
		if (mkdtemp(base) == NULL)
			abort();
		basefd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (basefd < 0 || mkdirat(basefd, "outside", 0755) < 0)
			abort();
	}
	if (mkdirat(basefd, "layer", 0755) < 0)
		abort();
	rootfd = openat(basefd, "layer", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	a = unpack_reader_new();
	if (rootfd < 0 || archive_read_open_memory(a, data, size) != ARCHIVE_OK) {
		archive_read_free(a);
		if (rootfd >= 0)
			close(rootfd);
		remove_tree_at(basefd, "layer", NULL);
		return 0;
	}
	unpack_archive(a, rootfd, &o, &err);
	error_free(err);
	archive_read_free(a);
	close(rootfd);
	if (entries_in(basefd, "outside") != 0 || entries_in(basefd, ".") != 2)
		abort();
	if (cache_remove(basefd, "layer", NULL) < 0 || faccessat(basefd, "layer", F_OK, 0) == 0)
		abort();
	return 0;
}
