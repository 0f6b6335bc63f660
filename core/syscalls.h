/* SPDX-License-Identifier: Apache-2.0 */
/* core/syscalls.h — every raw system call berth makes, in one place.
 *
 * Each wrapper returns what the kernel returns (-1 and errno on failure);
 * where the number is unknown at build time it fails with ENOSYS so callers
 * can fall back.  A lint rule keeps `syscall(` out of every other file.  */
#ifndef BERTH_CORE_SYSCALLS_H
#define BERTH_CORE_SYSCALLS_H

#include <errno.h>
#include <linux/openat2.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#define BERTH_NOSYS()                                                                              \
	({                                                                                         \
		errno = ENOSYS;                                                                    \
		-1;                                                                                \
	})

/* pivot_root(2) has no glibc wrapper.  berth uses the "." "." form: new and
 * old root are the same directory, and the old root is then lazily
 * detached, so no temporary directory is ever created inside the rootfs.  */
static inline int sys_pivot_root(const char *new_root, const char *put_old)
{
	return (int)syscall(SYS_pivot_root, new_root, put_old);
}

/* clone3(2): the only way to combine namespace flags with
 * CLONE_INTO_CGROUP, so the child is born in its cgroup.  The child returns
 * 0 and runs on a copy of the parent's stack (no stack argument), exactly
 * like fork(); it must only call async-signal-safe functions until exec
 * when the parent is multi-threaded (berth is not).  */
static inline pid_t sys_clone3(struct clone_args *args)
{
#ifdef SYS_clone3
	return (pid_t)syscall(SYS_clone3, args, sizeof(*args));
#else
	(void)args;
	return BERTH_NOSYS();
#endif
}

/* clone3(2) as vfork(2): the child shares berth's memory and stack
 * (CLONE_VM), berth stopped until it execs or exits (CLONE_VFORK); it
 * runs fn(arg) and exits with its value (core/clone.c).  `args` gives the
 * other flags, never a stack.  The parent gets the pid, or -1 and errno
 * (ENOSYS off x86_64).  */
long berth_clone3_vfork(struct clone_args *args, size_t size, int (*fn)(void *), void *arg);
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#include <sanitizer/lsan_interface.h>
#define VFORK_CHILD_STACK (1024 * 1024) /* at most what a child uses */
#endif
static inline pid_t sys_clone3_vfork(const struct clone_args *args, int (*fn)(void *), void *arg)
{
#if defined(__x86_64__)
	struct clone_args a = *args;
	long rc;

	a.flags |= CLONE_VM | CLONE_VFORK;
	a.stack = 0;
	a.stack_size = 0;
#if defined(__SANITIZE_ADDRESS__)
	/* what the child allocates and never frees (it execs) is in our
	 * heap: not a leak of ours.  The switch is in the thread's memory,
	 * which the child shares.  */
	__lsan_disable();
#endif
	rc = berth_clone3_vfork(&a, sizeof(a), fn, arg);
#if defined(__SANITIZE_ADDRESS__)
	__lsan_enable();
	/* the child's frames below ours were never popped: the redzones it
	 * poisoned there would stay in the shadow under our next calls */
	{
		char here;

		__asan_unpoison_memory_region(&here - VFORK_CHILD_STACK, VFORK_CHILD_STACK);
	}
#endif
	if (rc < 0) {
		errno = (int)-rc;
		return -1;
	}
	return (pid_t)rc;
#else
	(void)args, (void)fn, (void)arg;
	return BERTH_NOSYS();
#endif
}

/* openat2(2): path resolution confined to a directory (RESOLVE_IN_ROOT)
 * is what keeps every mount target inside the rootfs.  */
static inline int sys_openat2(int dirfd, const char *path, struct open_how *how)
{
#ifdef SYS_openat2
	return (int)syscall(SYS_openat2, dirfd, path, how, sizeof(*how));
#else
	(void)dirfd, (void)path, (void)how;
	return BERTH_NOSYS();
#endif
}

static inline int sys_open_tree(int dirfd, const char *path, unsigned int flags)
{
#ifdef SYS_open_tree
	return (int)syscall(SYS_open_tree, dirfd, path, flags);
#else
	(void)dirfd, (void)path, (void)flags;
	return BERTH_NOSYS();
#endif
}

static inline int sys_move_mount(int from_dfd, const char *from_path, int to_dfd,
				 const char *to_path, unsigned int flags)
{
#ifdef SYS_move_mount
	return (int)syscall(SYS_move_mount, from_dfd, from_path, to_dfd, to_path, flags);
#else
	(void)from_dfd, (void)from_path, (void)to_dfd, (void)to_path;
	(void)flags;
	return BERTH_NOSYS();
#endif
}

/* mount_setattr(2): the recursive `r*` mount options (rro, rnosuid, ...)
 * and recursive read-only, applied to a whole subtree in one call.  */
static inline int sys_mount_setattr(int dirfd, const char *path, unsigned int flags,
				    struct mount_attr *attr)
{
#ifdef SYS_mount_setattr
	return (int)syscall(SYS_mount_setattr, dirfd, path, flags, attr, sizeof(*attr));
#else
	(void)dirfd, (void)path, (void)flags, (void)attr;
	return BERTH_NOSYS();
#endif
}

static inline int sys_pidfd_open(pid_t pid, unsigned int flags)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, flags);
#else
	(void)pid, (void)flags;
	return BERTH_NOSYS();
#endif
}

static inline int sys_pidfd_send_signal(int pidfd, int sig)
{
#ifdef SYS_pidfd_send_signal
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
#else
	(void)pidfd, (void)sig;
	return BERTH_NOSYS();
#endif
}

/* rt_sigaction(2) setting SIG_DFL.  glibc's sigaction() refuses the two
 * signals it keeps for itself (32 and 33), yet a caller may have left
 * them ignored, and execve keeps ignored signals.  An all-zero kernel
 * sigaction is SIG_DFL, no flags, no mask, on every architecture.  */
static inline int sys_signal_default(int sig)
{
	unsigned long ksa[4] = {0, 0, 0, 0};

	return (int)syscall(SYS_rt_sigaction, sig, ksa, NULL, sizeof(uint64_t));
}

/* close_range(2) with CLOSE_RANGE_CLOEXEC marks every fd from `first` on
 * close-on-exec, so nothing the caller leaked to berth reaches the
 * container (CVE-2024-21626 class).  */
static inline int sys_close_range(unsigned int first, unsigned int last, unsigned int flags)
{
#ifdef SYS_close_range
	return (int)syscall(SYS_close_range, first, last, flags);
#else
	(void)first, (void)last, (void)flags;
	return BERTH_NOSYS();
#endif
}

/* keyctl(2) without libkeyutils: berth only needs to join a fresh session
 * keyring named after the container (KEYCTL_JOIN_SESSION_KEYRING = 1).  */
static inline long sys_keyctl_join(const char *name)
{
	return syscall(SYS_keyctl, 1, name, 0, 0, 0);
}

/* ioprio_set(2): which = IOPRIO_WHO_PROCESS (1), who = 0 (self).  */
static inline int sys_ioprio_set_self(int ioprio)
{
	return (int)syscall(SYS_ioprio_set, 1, 0, ioprio);
}

/* sched_setattr(2): the uapi struct, declared here as glibc 2.36 lacks it */
struct berth_sched_attr {
	uint32_t size;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime;
	uint64_t sched_deadline;
	uint64_t sched_period;
};

static inline int sys_sched_setattr_self(struct berth_sched_attr *attr)
{
	return (int)syscall(SYS_sched_setattr, 0, attr, 0);
}

/* seccomp(2) without libseccomp's loader: berth loads the program it
 * exported itself, so nothing else runs around the load, and asks for
 * flags libseccomp 2.5 cannot pass (SECCOMP_FILTER_FLAG_NEW_LISTENER
 * returns the notify fd here).  */
static inline int sys_seccomp(unsigned int op, unsigned int flags, void *args)
{
#ifdef SYS_seccomp
	return (int)syscall(SYS_seccomp, op, flags, args);
#else
	(void)op, (void)flags, (void)args;
	return BERTH_NOSYS();
#endif
}

/* bpf(2): loading and attaching the cgroup device filter.  */
static inline int sys_bpf(int cmd, void *attr, unsigned int size)
{
#ifdef SYS_bpf
	return (int)syscall(SYS_bpf, cmd, attr, size);
#else
	(void)cmd, (void)attr, (void)size;
	return BERTH_NOSYS();
#endif
}

/* getpid(2) by its x32 number (bit 30 set), from x86_64 code: the pid
 * where the kernel runs x32 syscalls, ENOSYS where it has none (built
 * without them, or booted with them off).  Never under a seccomp filter
 * of the caller's, which may kill for an architecture it does not list.  */
static inline long sys_x32_getpid(void)
{
#if defined(__x86_64__)
	return syscall(0x40000000L | SYS_getpid);
#else
	return BERTH_NOSYS();
#endif
}

/* statmount(2) (Linux 6.8): what `mask` asks (STATMOUNT_*) of the mount
 * of that unique id (statx's STATX_MNT_ID_UNIQUE) into `buf`, a struct
 * statmount (core/mountinfo.c reads it); ENOENT when the mount is not in
 * this process's mount namespace.  Its number is 457 on every
 * architecture; the C library's headers may not know it yet.  */
#ifndef SYS_statmount
#define SYS_statmount 457
#endif
struct berth_mnt_id_req {
	uint32_t size; /* 24: the first version of the request */
	uint32_t spare;
	uint64_t mnt_id;
	uint64_t param;
};
static inline int sys_statmount(uint64_t unique_id, uint64_t mask, void *buf, size_t size)
{
	struct berth_mnt_id_req req = {.size = sizeof(req), .mnt_id = unique_id, .param = mask};

	return (int)syscall(SYS_statmount, &req, buf, size, 0);
}

/* Before the C library has started (cmd/early.c) there is no errno and no
 * thread pointer, so not even syscall(3): the instruction itself, with up
 * to five arguments; returns the kernel's value (-errno on failure).  */
static inline long sys_bare(long nr, long a1, long a2, long a3, long a4, long a5)
{
#if defined(__x86_64__)
	long ret;
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8)
			 : "rcx", "r11", "memory");
	return ret;
#else
	(void)nr, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
	return -ENOSYS;
#endif
}

#endif
