/* SPDX-License-Identifier: Apache-2.0 */
/* core/procstat.h — /proc/PID/stat, the kernel's own record of a process:
 * its state, parent and start time (a pid the kernel reuses has another
 * start time), and its command, for the container's status and the
 * checkpoint's process-tree check.  */
#ifndef BERTH_CORE_PROCSTAT_H
#define BERTH_CORE_PROCSTAT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct proc_stat {
	char comm[64];	/* the command, as the kernel cut it (16 bytes) */
	char state;	/* 'R', 'S', 'Z' ... */
	pid_t ppid;	/* the parent, 0 for the pid namespace's first */
	uint64_t start; /* field 22: clock ticks after boot */
};

/* one line of /proc/PID/stat ("PID (COMM) S PPID ... START ..."); the
 * command may hold spaces and ')', so the fields start after the last
 * ')'.  False for a malformed line.  */
bool proc_stat_parse(const char *line, struct proc_stat *out);

/* pid's record; false once it has gone (or for pid <= 0) */
bool proc_stat_read(pid_t pid, struct proc_stat *out);

#endif
