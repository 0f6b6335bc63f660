/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/criu_stdio.c — the init's stdio as CRIU names it (criu_stdio.h) */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/file.h"
#include "core/mem.h"
#include "runtime/criu_stdio.h"

/* CRIU's key for an external file: its mount's id (fdinfo's mnt_id, as
 * CRIU reads it) and inode, both in hex */
static char *external_key(pid_t pid, int fd)
{
	char path[64];
	cleanup_free char *info = NULL;
	size_t len;
	const char *m;
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)pid, fd);
	if (read_file_at(AT_FDCWD, path, &info, &len, NULL) < 0)
		return NULL;
	m = strstr(info, "mnt_id:");
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pid, fd);
	if (m == NULL || stat(path, &st) < 0)
		return NULL;
	return xasprintf("file[%x:%llx]", (unsigned)strtoul(m + 7, NULL, 10),
			 (unsigned long long)st.st_ino);
}

char *criu_stdio_name(pid_t pid, int fd)
{
	char link[64], target[4096];
	ssize_t n;
	char *key;

	snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)pid, fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return NULL;
	target[n] = '\0';
	if (target[0] == '/' && strncmp(target, "/dev/pts/", 9) != 0) {
		key = external_key(pid, fd);
		if (key != NULL)
			return key;
	}
	return xstrdup(target);
}

bool criu_stdio_external(const char *name)
{
	return strncmp(name, "pipe:", 5) == 0 || strncmp(name, "file[", 5) == 0;
}

void criu_stdio_record(struct spec_state *st, pid_t pid)
{
	for (int fd = 0; fd < 3; fd++) {
		char *name = criu_stdio_name(pid, fd);

		free(st->stdio[fd]);
		st->stdio[fd] = name != NULL ? name : xstrdup("");
	}
}
