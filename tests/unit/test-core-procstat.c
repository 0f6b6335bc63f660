/* SPDX-License-Identifier: Apache-2.0 */
/* tests/unit/test-core-procstat.c — /proc/PID/stat (core/procstat.c): the
 * fields after a command that holds spaces and ')', refusals of cut or
 * malformed lines, and this process's and a zombie's own records.  */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/procstat.h"
#include "tests/unit/tap.h"

/* fields 5 to 21 of a real line, then the start time and the rest */
#define MIDDLE "1 1 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 "
#define TAIL   " 2400000 200 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0"

static void test_lines(void)
{
	struct proc_stat ps;

	CHECK(proc_stat_parse("42 (sh) S 7 " MIDDLE "123456" TAIL, &ps));
	CHECK(strcmp(ps.comm, "sh") == 0 && ps.state == 'S' && ps.ppid == 7 && ps.start == 123456,
	      "comm '%s' state %c ppid %d start %llu", ps.comm, ps.state, (int)ps.ppid,
	      (unsigned long long)ps.start);
	/* a command a process chose itself: ") Z 1 (" must not be taken for fields */
	CHECK(proc_stat_parse("42 (a) Z 1 (b c) R 9 " MIDDLE "77" TAIL, &ps));
	CHECK(strcmp(ps.comm, "a) Z 1 (b c") == 0 && ps.state == 'R' && ps.ppid == 9 &&
		      ps.start == 77,
	      "comm '%s' state %c ppid %d", ps.comm, ps.state, (int)ps.ppid);
	CHECK(proc_stat_parse("1 () S 0 " MIDDLE "5" TAIL, &ps) && ps.comm[0] == '\0' &&
	      ps.ppid == 0);
	/* cut before the start time, no ')', ')' before '(', nothing */
	CHECK(!proc_stat_parse("42 (sh) S 7 1 1 0", &ps));
	CHECK(!proc_stat_parse("42 (sh S 7 " MIDDLE "1" TAIL, &ps));
	CHECK(!proc_stat_parse("42 )sh( S 7 " MIDDLE "1" TAIL, &ps));
	CHECK(!proc_stat_parse("", &ps));
}

static void test_processes(void)
{
	struct proc_stat ps, again;
	pid_t child;

	CHECK(proc_stat_read(getpid(), &ps) && ps.ppid == getppid() && ps.state == 'R' &&
	      ps.start > 0);
	CHECK(proc_stat_read(getpid(), &again) && again.start == ps.start);
	CHECK(!proc_stat_read(0, &ps) && !proc_stat_read(-1, &ps));
	child = fork();
	if (child == 0)
		_exit(0);
	/* not reaped yet: a zombie, whose parent is this process */
	for (int i = 0; i < 1000; i++) {
		if (proc_stat_read(child, &ps) && ps.state == 'Z')
			break;
		usleep(1000);
	}
	CHECK(ps.state == 'Z' && ps.ppid == getpid(), "state %c", ps.state);
	waitpid(child, NULL, 0);
	CHECK(!proc_stat_read(child, &ps), "a reaped child has no record");
}

int main(void)
{
	test_lines();
	test_processes();
	return tap_done();
}
