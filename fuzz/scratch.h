/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz/scratch.h — for the targets that unpack into a scratch directory
 * and check that nothing was written beside it.  */
#ifndef BERTH_FUZZ_SCRATCH_H
#define BERTH_FUZZ_SCRATCH_H

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>

/* how many entries the directory name under dirfd holds (abort if it
 * cannot be read: the check itself must not pass by failing) */
static inline size_t entries_in(int dirfd, const char *name)
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

#endif
