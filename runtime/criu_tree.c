/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/criu_tree.c — every process of the container in its init's
 * tree, or the checkpoint is refused (criu_tree.h says why).  Parents
 * are read from /proc/PID/stat, the kernel's own record; a pid reused
 * while it is walked can only make the walk end early, at a process
 * outside the tree, which refuses (never accepts) a checkpoint.  */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cleanup.h"
#include "core/procstat.h"
#include "runtime/criu_tree.h"

/* a pid namespace holds at most PID_MAX_LIMIT (4M) processes, but a tree
 * deeper than this is a loop from pid reuse, not a container */
#define MAX_DEPTH 65536

/* pid's parent and command; -1 once it has gone */
static int proc_parent(pid_t pid, pid_t *ppid, char *comm, size_t len)
{
	struct proc_stat ps;

	if (!proc_stat_read(pid, &ps))
		return -1;
	snprintf(comm, len, "%s", ps.comm);
	*ppid = ps.ppid;
	return 0;
}

/* 1 when pid is outside init's tree (comm filled), 0 when inside or gone */
static int outside_tree(pid_t init, pid_t pid, char *comm, size_t len)
{
	char own[64], ignored[64];
	pid_t parent;
	int depth;

	if (pid == init)
		return 0;
	if (proc_parent(pid, &parent, own, sizeof(own)) < 0)
		return 0;
	for (depth = 0; depth < MAX_DEPTH; depth++) {
		if (parent == init)
			return 0;
		if (parent <= 1)
			break;
		if (proc_parent(parent, &parent, ignored, sizeof(ignored)) < 0)
			break;
	}
	/* a process that went while its ancestors were read is not refused */
	if (proc_parent(pid, &parent, ignored, sizeof(ignored)) < 0)
		return 0;
	snprintf(comm, len, "%s", own);
	return 1;
}

int criu_tree_check(pid_t init, const struct cg *cg, struct error **err)
{
	cleanup_free pid_t *pids = NULL;
	char comm[64] = "", scratch[64] = "";
	pid_t first = 0;
	size_t n = 0, i, more = 0;

	if (cg_pids(cg, &pids, &n, err) < 0)
		return error_wrap(err, "the container's processes");
	for (i = 0; i < n; i++) {
		if (!outside_tree(init, pids[i], first == 0 ? comm : scratch, sizeof(comm)))
			continue;
		if (first == 0)
			first = pids[i];
		else
			more++;
	}
	if (first == 0)
		return 0;
	if (more > 0)
		return error_set(err, 0,
				 "process %d (%s) and %zu more are in the container but not in "
				 "its init's (pid %d) tree: they joined from outside, as `exec` "
				 "does, and CRIU saves that tree only, so the checkpoint would "
				 "lose them; end them first",
				 (int)first, comm, more, (int)init);
	return error_set(err, 0,
			 "process %d (%s) is in the container but not in its init's (pid %d) "
			 "tree: it joined from outside, as `exec` does, and CRIU saves that tree "
			 "only, so the checkpoint would lose it; end it first",
			 (int)first, comm, (int)init);
}
