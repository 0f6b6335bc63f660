/* SPDX-License-Identifier: Apache-2.0 */
/* tests/tools/exit42.S — a program that makes one syscall: exit_group(42).
 * seccomp-profiles.bats runs it under a profile that allows only the
 * syscalls berth may make after loading a filter, plus exit_group: exit
 * status 42 shows berth got to execve with nothing else.  x86_64.  */
	.globl _start
	.text
_start:
	mov $231, %eax
	mov $42, %edi
	syscall
	.section .note.GNU-stack,"",@progbits
