/* SPDX-License-Identifier: Apache-2.0 */
/* x32call NR: make syscall NR by its x32 number (bit 30 set) from x86_64
 * code, with no arguments, and print "ret=R errno=E".  Where the kernel
 * runs x32 syscalls, `x32call 39` (getpid) prints the pid; where it has
 * none, every number answers ENOSYS (38) — unless a seccomp filter
 * answers, or kills, first.  */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long nr, ret;

	if (argc != 2)
		return 2;
	nr = strtol(argv[1], NULL, 0);
	errno = 0;
#if defined(__x86_64__)
	ret = syscall(0x40000000L | nr);
#else
	ret = -1;
	errno = ENOSYS;
#endif
	printf("ret=%ld errno=%d\n", ret, ret < 0 ? errno : 0);
	return 0;
}
