/* SPDX-License-Identifier: Apache-2.0 */
/* core/clone.c — clone3(2) for a vfork-style child that runs a function
 * (core/syscalls.h: sys_clone3_vfork).
 *
 * The child shares the parent's memory (CLONE_VM) and its stack pointer,
 * as after vfork(2): it must not return from the system call into C code,
 * which would pop the frames the stopped parent still needs.  So the
 * child leaves the instruction straight into fn(arg), below the parent's
 * last frame, and exits with what fn returns.  The parent is stopped
 * (CLONE_VFORK) until the child execs or exits, so the two never run on
 * that memory at once.  x86_64 only; elsewhere the caller forks.  */
#define _GNU_SOURCE
#include "core/syscalls.h"

#if defined(__x86_64__)
/* rdi: struct clone_args *, rsi: its size, rdx: fn, rcx: arg.  syscall
 * keeps rdx and r8 (it clobbers rcx and r11).  The parent returns the pid
 * or -errno; the child's stack pointer is the parent's, so everything it
 * pushes lies below the parent's return address.  */
__asm__(".text\n"
	".globl berth_clone3_vfork\n"
	".hidden berth_clone3_vfork\n"
	".type berth_clone3_vfork, @function\n"
	"berth_clone3_vfork:\n"
	"	mov %rcx, %r8\n"
	"	mov $435, %eax\n" /* SYS_clone3 */
	"	syscall\n"
	"	test %rax, %rax\n"
	"	jz 1f\n"
	"	ret\n"
	"1:	xor %ebp, %ebp\n" /* the child: its outermost frame */
	"	sub $128, %rsp\n" /* clear of the parent's red zone */
	"	and $-16, %rsp\n"
	"	mov %r8, %rdi\n"
	"	call *%rdx\n"
	"	mov %eax, %edi\n"
	"	mov $60, %eax\n" /* SYS_exit */
	"	syscall\n"
	"	hlt\n"
	".size berth_clone3_vfork, .-berth_clone3_vfork\n");
#endif
