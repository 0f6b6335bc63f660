/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/sandbox_profile.c — the seccomp profile of `berth sandbox`.
 *
 * The equivalent of Docker's default profile for a job without extra
 * capabilities: an allow-list.  Syscalls nobody listed (new ones
 * included) fail with ENOSYS, so libc falls back to an older one (clone3
 * -> clone); the dangerous ones berth knows fail with EPERM: kernel
 * keyrings, bpf, mounting, namespaces (unshare, setns, clone with
 * CLONE_NEW*), ptrace and process_vm_*, kexec and modules, clock and
 * swap changes, reboot, perf, userfaultfd, io_uring.  */
#define _GNU_SOURCE
#include <seccomp.h>
#include <stddef.h>
#include <string.h>

#include "core/jsonw.h"
#include "core/mem.h"
#include "runtime/sandbox.h"
#include "spec/spec.h"

/* clang-format off */
static const char *const allowed[] = {
	"accept", "accept4", "access", "alarm", "arch_prctl", "bind", "brk",
	"capget", "capset", "chdir", "chmod", "chown", "chroot", "clock_getres",
	"clock_gettime", "clock_nanosleep", "close", "close_range", "connect",
	"copy_file_range", "creat", "dup", "dup2", "dup3", "epoll_create",
	"epoll_create1", "epoll_ctl", "epoll_pwait", "epoll_pwait2", "epoll_wait",
	"eventfd", "eventfd2", "execve", "execveat", "exit", "exit_group",
	"faccessat", "faccessat2", "fadvise64", "fallocate", "fanotify_mark",
	"fchdir", "fchmod", "fchmodat", "fchown", "fchownat", "fcntl", "fdatasync",
	"fgetxattr", "flistxattr", "flock", "fork", "fremovexattr", "fsetxattr",
	"fstat", "fstatfs", "fsync", "ftruncate", "futex", "futex_waitv",
	"futimesat", "get_robust_list", "get_thread_area", "getcpu", "getcwd",
	"getdents", "getdents64", "getegid", "geteuid", "getgid", "getgroups",
	"getitimer", "getpeername", "getpgid", "getpgrp", "getpid", "getppid",
	"getpriority", "getrandom", "getresgid", "getresuid", "getrlimit",
	"getrusage", "getsid", "getsockname", "getsockopt", "gettid",
	"gettimeofday", "getuid", "getxattr", "inotify_add_watch", "inotify_init",
	"inotify_init1", "inotify_rm_watch", "io_cancel", "io_destroy",
	"io_getevents", "io_pgetevents", "io_setup", "io_submit", "ioctl",
	"ioprio_get", "ioprio_set", "kill", "landlock_add_rule",
	"landlock_create_ruleset", "landlock_restrict_self", "lchown", "lgetxattr",
	"link", "linkat", "listen", "listxattr", "llistxattr", "lremovexattr",
	"lseek", "lsetxattr", "lstat", "madvise", "membarrier", "memfd_create",
	"mincore", "mkdir", "mkdirat", "mknod", "mknodat", "mlock", "mlock2",
	"mlockall", "mmap", "modify_ldt", "mprotect", "mq_getsetattr", "mq_notify",
	"mq_open", "mq_timedreceive", "mq_timedsend", "mq_unlink", "mremap",
	"msgctl", "msgget", "msgrcv", "msgsnd", "msync", "munlock", "munlockall",
	"munmap", "nanosleep", "newfstatat", "open", "openat", "openat2", "pause",
	"pidfd_open", "pidfd_send_signal", "pipe", "pipe2", "poll", "ppoll",
	"prctl", "pread64", "preadv", "preadv2", "prlimit64", "pselect6",
	"pwrite64", "pwritev", "pwritev2", "read", "readahead", "readlink",
	"readlinkat", "readv", "recvfrom", "recvmmsg", "recvmsg",
	"remap_file_pages", "removexattr", "rename", "renameat", "renameat2",
	"restart_syscall", "rmdir", "rseq", "rt_sigaction", "rt_sigpending",
	"rt_sigprocmask", "rt_sigqueueinfo", "rt_sigreturn", "rt_sigsuspend",
	"rt_sigtimedwait", "rt_tgsigqueueinfo", "sched_get_priority_max",
	"sched_get_priority_min", "sched_getaffinity", "sched_getattr",
	"sched_getparam", "sched_getscheduler", "sched_rr_get_interval",
	"sched_setaffinity", "sched_setattr", "sched_setparam",
	"sched_setscheduler", "sched_yield", "seccomp", "select", "semctl",
	"semget", "semop", "semtimedop", "sendfile", "sendmmsg", "sendmsg",
	"sendto", "set_robust_list", "set_thread_area", "set_tid_address",
	"setfsgid", "setfsuid", "setgid", "setgroups", "setitimer", "setpgid",
	"setpriority", "setregid", "setresgid", "setresuid", "setreuid",
	"setrlimit", "setsid", "setsockopt", "setuid", "setxattr", "shmat",
	"shmctl", "shmdt", "shmget", "shutdown", "sigaltstack", "signalfd",
	"signalfd4", "socket", "socketpair", "splice", "stat", "statfs", "statx",
	"symlink", "symlinkat", "sync", "sync_file_range", "syncfs", "sysinfo",
	"tee", "tgkill", "time", "timer_create", "timer_delete",
	"timer_getoverrun", "timer_gettime", "timer_settime", "timerfd_create",
	"timerfd_gettime", "timerfd_settime", "times", "tkill", "truncate",
	"umask", "uname", "unlink", "unlinkat", "utime", "utimensat", "utimes",
	"vfork", "wait4", "waitid", "write", "writev", NULL,
};

static const char *const denied[] = {
	"acct", "add_key", "bpf", "clock_adjtime", "clock_settime", "delete_module",
	"fanotify_init", "finit_module", "fsconfig", "fsmount", "fsopen", "fspick",
	"get_mempolicy", "init_module", "io_uring_enter", "io_uring_register",
	"io_uring_setup", "ioperm", "iopl", "kcmp", "kexec_file_load",
	"kexec_load", "keyctl", "lookup_dcookie", "mbind", "migrate_pages",
	"mount", "mount_setattr", "move_mount", "move_pages", "name_to_handle_at",
	"open_by_handle_at", "open_tree", "perf_event_open", "pidfd_getfd",
	"pivot_root", "process_madvise", "process_vm_readv", "process_vm_writev",
	"ptrace", "quotactl", "quotactl_fd", "reboot", "request_key",
	"set_mempolicy", "setdomainname", "sethostname", "setns", "settimeofday",
	"swapoff", "swapon", "syslog", "umount2", "unshare", "uselib",
	"userfaultfd", "vhangup", NULL,
};
/* clang-format on */

/* personality(2) values Docker allows: the default, and the 32-bit and
 * address-randomisation switches programs use; 0xffffffff only queries */
static const unsigned long personalities[] = {0x0, 0x8, 0x20000, 0x20008, 0xffffffff};

/* CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET (NEWTIME
 * exists only for clone3 and unshare, both refused anyway) */
#define CLONE_NS_FLAGS 0x7E020000UL

static void names(struct jsonw *w, const char *const *v)
{
	jsonw_key(w, "names");
	jsonw_arr_open(w);
	for (; *v; v++)
		jsonw_str(w, *v);
	jsonw_arr_close(w);
}

static void arg_rule(struct jsonw *w, const char *name, const char *op, unsigned long value,
		     unsigned long value_two)
{
	jsonw_obj_open(w);
	jsonw_key(w, "names");
	jsonw_arr_open(w);
	jsonw_str(w, name);
	jsonw_arr_close(w);
	jsonw_kv_str(w, "action", "SCMP_ACT_ALLOW");
	jsonw_key(w, "args");
	jsonw_arr_open(w);
	jsonw_obj_open(w);
	jsonw_kv_uint(w, "index", 0);
	jsonw_kv_uint(w, "value", value);
	jsonw_kv_uint(w, "valueTwo", value_two);
	jsonw_kv_str(w, "op", op);
	jsonw_obj_close(w);
	jsonw_arr_close(w);
	jsonw_obj_close(w);
}

static void errno_rule(struct jsonw *w, const char *const *v, int errnum)
{
	jsonw_obj_open(w);
	names(w, v);
	jsonw_kv_str(w, "action", "SCMP_ACT_ERRNO");
	jsonw_kv_int(w, "errnoRet", errnum);
	jsonw_obj_close(w);
}

void sandbox_seccomp_write(struct jsonw *w)
{
	static const char *const clone3[] = {"clone3", NULL};

	jsonw_key(w, "seccomp");
	jsonw_obj_open(w);
	jsonw_kv_str(w, "defaultAction", "SCMP_ACT_ERRNO");
	jsonw_kv_int(w, "defaultErrnoRet", 38 /* ENOSYS */);
	jsonw_key(w, "architectures");
	jsonw_arr_open(w);
	jsonw_str(w, "SCMP_ARCH_X86_64");
	jsonw_str(w, "SCMP_ARCH_X86");
	jsonw_str(w, "SCMP_ARCH_X32");
	jsonw_arr_close(w);
	jsonw_key(w, "syscalls");
	jsonw_arr_open(w);
	jsonw_obj_open(w);
	names(w, allowed);
	jsonw_kv_str(w, "action", "SCMP_ACT_ALLOW");
	jsonw_obj_close(w);
	errno_rule(w, denied, 1 /* EPERM */);
	/* clone3's flags live in memory seccomp cannot read: say ENOSYS so
	 * libc uses clone, whose flags are checked below */
	errno_rule(w, clone3, 38);
	arg_rule(w, "clone", "SCMP_CMP_MASKED_EQ", CLONE_NS_FLAGS, 0);
	for (size_t i = 0; i < sizeof(personalities) / sizeof(personalities[0]); i++)
		arg_rule(w, "personality", "SCMP_CMP_EQ", personalities[i], 0);
	jsonw_arr_close(w);
	jsonw_obj_close(w);
}

/* ---- the same profile, built ---------------------------------------------
 * A sandbox start parses its config without linux.seccomp (two thirds of
 * its bytes) and takes this instead (sandbox.c); the state keeps the
 * section sandbox_seccomp_write() wrote.  tests/unit/test-sandbox-profile.c
 * holds the two to the same struct, field by field.  */

static void rule(struct spec_seccomp_rule *r, const char *const *names, uint32_t action)
{
	r->names = strv_dup((char *const *)names);
	r->action = action;
}

static void arg_of(struct spec_seccomp_rule *r, const char *name, int op, uint64_t value)
{
	const char *one[] = {name, NULL};

	rule(r, one, SCMP_ACT_ALLOW);
	r->args = xcalloc(1, sizeof(*r->args));
	r->args[0] = (struct spec_seccomp_arg){.index = 0, .value = value, .op = op};
	r->n_args = 1;
}

struct spec_seccomp *sandbox_seccomp_spec(void)
{
	static const uint32_t arches[] = {SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32};
	static const char *const clone3[] = {"clone3", NULL};
	size_t n_pers = sizeof(personalities) / sizeof(personalities[0]);
	struct spec_seccomp *s = xcalloc(1, sizeof(*s));
	struct spec_seccomp_rule *r;

	s->default_action = SCMP_ACT_ERRNO(38);
	s->n_arches = sizeof(arches) / sizeof(arches[0]);
	s->arches = xcalloc(s->n_arches, sizeof(*s->arches));
	memcpy(s->arches, arches, sizeof(arches));
	s->n_rules = 4 + n_pers;
	s->rules = r = xcalloc(s->n_rules, sizeof(*s->rules));
	rule(&r[0], allowed, SCMP_ACT_ALLOW);
	rule(&r[1], denied, SCMP_ACT_ERRNO(1));
	rule(&r[2], clone3, SCMP_ACT_ERRNO(38));
	arg_of(&r[3], "clone", SCMP_CMP_MASKED_EQ, CLONE_NS_FLAGS);
	for (size_t i = 0; i < n_pers; i++)
		arg_of(&r[4 + i], "personality", SCMP_CMP_EQ, personalities[i]);
	return s;
}
