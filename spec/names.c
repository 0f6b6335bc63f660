/* SPDX-License-Identifier: Apache-2.0 */
/* spec/names.c — the names berth decodes once: capabilities, signals,
 * namespaces, rlimits, hook kinds.
 *
 * berth keeps its own capability table (not libcap's) so that a config
 * naming a capability newer than the installed libcap still parses; the
 * launcher drops numbers above the running kernel's cap_last_cap.  */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>

#include "spec/decode.h"
#include "spec/internal.h"
#include "spec/spec.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* Indexed by capability number (linux/capability.h). */
static const char *const cap_names[] = {
	"CAP_CHOWN",
	"CAP_DAC_OVERRIDE",
	"CAP_DAC_READ_SEARCH",
	"CAP_FOWNER",
	"CAP_FSETID",
	"CAP_KILL",
	"CAP_SETGID",
	"CAP_SETUID",
	"CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE",
	"CAP_NET_BROADCAST",
	"CAP_NET_ADMIN",
	"CAP_NET_RAW",
	"CAP_IPC_LOCK",
	"CAP_IPC_OWNER",
	"CAP_SYS_MODULE",
	"CAP_SYS_RAWIO",
	"CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE",
	"CAP_SYS_PACCT",
	"CAP_SYS_ADMIN",
	"CAP_SYS_BOOT",
	"CAP_SYS_NICE",
	"CAP_SYS_RESOURCE",
	"CAP_SYS_TIME",
	"CAP_SYS_TTY_CONFIG",
	"CAP_MKNOD",
	"CAP_LEASE",
	"CAP_AUDIT_WRITE",
	"CAP_AUDIT_CONTROL",
	"CAP_SETFCAP",
	"CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN",
	"CAP_SYSLOG",
	"CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND",
	"CAP_AUDIT_READ",
	"CAP_PERFMON",
	"CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
};

bool spec_capability_lookup(const char *name, int *cap)
{
	for (size_t i = 0; i < ARRAY_SIZE(cap_names); i++) {
		if (strcmp(cap_names[i], name) == 0) {
			*cap = (int)i;
			return true;
		}
	}
	return false;
}

int spec_capability_parse(const char *name, int *cap, struct error **err)
{
	if (!spec_capability_lookup(name, cap))
		return error_set(err, 0, "unknown capability %s", quote(name).s);
	return 0;
}

const char *spec_capability_name(int cap)
{
	if (cap < 0 || (size_t)cap >= ARRAY_SIZE(cap_names))
		return NULL;
	return cap_names[cap];
}

int spec_capability_last(void)
{
	return (int)ARRAY_SIZE(cap_names) - 1;
}

/* ---- signals ----------------------------------------------------------- */

static const struct name_value signal_names[] = {
	{"HUP", SIGHUP},       {"INT", SIGINT},	    {"QUIT", SIGQUIT}, {"ILL", SIGILL},
	{"TRAP", SIGTRAP},     {"ABRT", SIGABRT},   {"IOT", SIGIOT},   {"BUS", SIGBUS},
	{"FPE", SIGFPE},       {"KILL", SIGKILL},   {"USR1", SIGUSR1}, {"SEGV", SIGSEGV},
	{"USR2", SIGUSR2},     {"PIPE", SIGPIPE},   {"ALRM", SIGALRM}, {"TERM", SIGTERM},
	{"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD},   {"CLD", SIGCHLD},  {"CONT", SIGCONT},
	{"STOP", SIGSTOP},     {"TSTP", SIGTSTP},   {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},
	{"URG", SIGURG},       {"XCPU", SIGXCPU},   {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM},
	{"PROF", SIGPROF},     {"WINCH", SIGWINCH}, {"IO", SIGIO},     {"POLL", SIGPOLL},
	{"PWR", SIGPWR},       {"SYS", SIGSYS},
};

/* "+3" / "-3" after RTMIN/RTMAX, or "" */
static bool rt_offset(const char *s, int *off)
{
	char *end;
	long n;

	*off = 0;
	if (*s == '\0')
		return true;
	if ((*s != '+' && *s != '-') || !isdigit((unsigned char)s[1]))
		return false;
	errno = 0;
	n = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || n < -64 || n > 64)
		return false;
	*off = (int)n;
	return true;
}

static bool signal_by_name(const char *upper, int *sig)
{
	long v;
	int off;

	if (strncmp(upper, "RTMIN", 5) == 0 && rt_offset(upper + 5, &off) && off >= 0) {
		*sig = SIGRTMIN + off;
		return *sig <= SIGRTMAX;
	}
	if (strncmp(upper, "RTMAX", 5) == 0 && rt_offset(upper + 5, &off) && off <= 0) {
		*sig = SIGRTMAX + off;
		return *sig >= SIGRTMIN;
	}
	if (!name_lookup(signal_names, ARRAY_SIZE(signal_names), upper, &v))
		return false;
	*sig = (int)v;
	return true;
}

int spec_signal_parse(const char *name, int *sig, struct error **err)
{
	char upper[32];
	const char *s = name;
	size_t i;

	if (isdigit((unsigned char)name[0])) {
		char *end;
		long n;

		errno = 0;
		n = strtol(name, &end, 10);
		if (errno == 0 && *end == '\0' && n >= 1 && n <= SIGRTMAX) {
			*sig = (int)n;
			return 0;
		}
		return error_set(err, 0, "unknown signal %s", quote(name).s);
	}
	/* case-insensitive, "SIG" optional: KILL, kill, SIGKILL, sigkill */
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (i = 0; s[i] != '\0' && i + 1 < sizeof(upper); i++)
		upper[i] = (char)toupper((unsigned char)s[i]);
	upper[i] = '\0';
	if (s[i] != '\0' || !signal_by_name(upper, sig))
		return error_set(err, 0, "unknown signal %s", quote(name).s);
	return 0;
}

/* ---- namespaces, hooks, rlimits ----------------------------------------- */

static const struct {
	const char *name;
	const char *proc;
	int flag;
} ns_table[SPEC_NS_COUNT] = {
	[SPEC_NS_USER] = {"user", "user", CLONE_NEWUSER},
	[SPEC_NS_PID] = {"pid", "pid", CLONE_NEWPID},
	[SPEC_NS_NET] = {"network", "net", CLONE_NEWNET},
	[SPEC_NS_MNT] = {"mount", "mnt", CLONE_NEWNS},
	[SPEC_NS_IPC] = {"ipc", "ipc", CLONE_NEWIPC},
	[SPEC_NS_UTS] = {"uts", "uts", CLONE_NEWUTS},
	[SPEC_NS_CGROUP] = {"cgroup", "cgroup", CLONE_NEWCGROUP},
	[SPEC_NS_TIME] = {"time", "time", CLONE_NEWTIME},
};

const char *spec_ns_name(enum spec_ns ns)
{
	return (unsigned)ns < SPEC_NS_COUNT ? ns_table[ns].name : NULL;
}

const char *spec_ns_proc_name(enum spec_ns ns)
{
	return (unsigned)ns < SPEC_NS_COUNT ? ns_table[ns].proc : NULL;
}

int spec_ns_clone_flag(enum spec_ns ns)
{
	return (unsigned)ns < SPEC_NS_COUNT ? ns_table[ns].flag : 0;
}

bool spec_ns_lookup(const char *name, enum spec_ns *ns)
{
	for (int i = 0; i < SPEC_NS_COUNT; i++) {
		if (strcmp(ns_table[i].name, name) == 0) {
			*ns = (enum spec_ns)i;
			return true;
		}
	}
	return false;
}

static const char *const hook_names[SPEC_HOOK_KIND_COUNT] = {
	[SPEC_HOOK_PRESTART] = "prestart",
	[SPEC_HOOK_CREATE_RUNTIME] = "createRuntime",
	[SPEC_HOOK_CREATE_CONTAINER] = "createContainer",
	[SPEC_HOOK_START_CONTAINER] = "startContainer",
	[SPEC_HOOK_POSTSTART] = "poststart",
	[SPEC_HOOK_POSTSTOP] = "poststop",
};

const char *spec_hook_kind_name(enum spec_hook_kind kind)
{
	return (unsigned)kind < SPEC_HOOK_KIND_COUNT ? hook_names[kind] : NULL;
}

static const struct name_value rlimit_names[] = {
	{"RLIMIT_AS", RLIMIT_AS},
	{"RLIMIT_CORE", RLIMIT_CORE},
	{"RLIMIT_CPU", RLIMIT_CPU},
	{"RLIMIT_DATA", RLIMIT_DATA},
	{"RLIMIT_FSIZE", RLIMIT_FSIZE},
	{"RLIMIT_LOCKS", RLIMIT_LOCKS},
	{"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
	{"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
	{"RLIMIT_NICE", RLIMIT_NICE},
	{"RLIMIT_NOFILE", RLIMIT_NOFILE},
	{"RLIMIT_NPROC", RLIMIT_NPROC},
	{"RLIMIT_RSS", RLIMIT_RSS},
	{"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
	{"RLIMIT_RTTIME", RLIMIT_RTTIME},
	{"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
	{"RLIMIT_STACK", RLIMIT_STACK},
};

bool spec_rlimit_lookup(const char *name, int *resource)
{
	long v;

	if (!name_lookup(rlimit_names, ARRAY_SIZE(rlimit_names), name, &v))
		return false;
	*resource = (int)v;
	return true;
}
