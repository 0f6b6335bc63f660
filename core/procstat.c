/* SPDX-License-Identifier: Apache-2.0 */
/* core/procstat.c — /proc/PID/stat (procstat.h) */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/procstat.h"

bool proc_stat_parse(const char *line, struct proc_stat *out)
{
	const char *open_paren = strchr(line, '('), *close_paren = strrchr(line, ')');
	unsigned long long start;
	int ppid;
	char state;

	if (open_paren == NULL || close_paren == NULL || close_paren < open_paren)
		return false;
	/* fields 3 (state), 4 (ppid) and 22 (start time) */
	if (sscanf(close_paren + 1,
		   " %c %d %*d %*d %*d %*d %*u %*u %*u %*u "
		   "%*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
		   &state, &ppid, &start) != 3)
		return false;
	snprintf(out->comm, sizeof(out->comm), "%.*s", (int)(close_paren - open_paren - 1),
		 open_paren + 1);
	out->state = state;
	out->ppid = ppid;
	out->start = start;
	return true;
}

bool proc_stat_read(pid_t pid, struct proc_stat *out)
{
	char path[64], buf[1024];
	cleanup_close int fd = -1;
	ssize_t n;

	if (pid <= 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return proc_stat_parse(buf, out);
}
