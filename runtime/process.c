/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/process.c — from a prepared container to the user's process.
 *
 * Order (each step needs the privileges the next one drops):
 *   keyring, rlimits, I/O priority, scheduler, personality  (as root)
 *   process.cwd resolved to an O_PATH fd inside the root and entered,
 *   the seccomp filter compiled, the capability sets built, umask,
 *   every fd above stdio and the preserved ones marked close-on-exec
 *   the AppArmor exec label (runtime/apparmor.c)
 *   no_new_privs
 *   seccomp here if no_new_privs is off and CAP_SYS_ADMIN is not kept:
 *     without no_new_privs loading a filter needs CAP_SYS_ADMIN (runc and
 *     crun do the same)
 *   bounding set, groups, gid, uid (PR_SET_KEEPCAPS keeps permitted)
 *   effective/permitted/inheritable/ambient sets
 *   the parent-death signal again (sandbox; its no_new_privs keeps the
 *     filter late, so prctl and poll come before it)
 *   seccomp, as the very last step, otherwise
 *   sandbox --init: fork, the parent stays pid 1 (reaper.c)
 *   execve()
 *
 * Once the filter is loaded berth makes only syscalls that every profile
 * must allow for any runtime to start a process under it:
 *   sendmsg      the notify fd to linux.seccomp.listenerPath, right after
 *                the load (SCMP_ACT_NOTIFY only; NOTIFY on sendmsg is
 *                refused, see spec/seccomp.c)
 *   prctl, capset, setgroups, setresgid, setresuid
 *                dropping privileges, when the filter came first (the
 *                early case above)
 *   fchdir       only when root may not enter process.cwd and the
 *                process's user may (runc retries the same way)
 *   execve
 * Nothing is resolved, read, allocated or logged after the load: whether
 * openat2, close_range, getcwd, mmap or write work is the profile's to
 * say, and a profile written before they existed denies them.
 * seccomp-profiles.bats loads a profile that allows only these (and what
 * the program needs once it runs).  */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/apparmor.h"
#include "runtime/caps.h"
#include "core/cleanup.h"
#include "core/file.h"
#include "core/mem.h"
#include "core/log.h"
#include "runtime/seccomp.h"
#include "core/syscalls.h"
#include "rootfs/resolve.h"
#include "runtime/process.h"

#define DEFAULT_PATH	  "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define CAP_SYS_ADMIN_BIT (1ULL << 21)

static const char *env_get(char *const *env, const char *name)
{
	size_t n = strlen(name);

	for (; env && *env; env++)
		if (strncmp(*env, name, n) == 0 && (*env)[n] == '=')
			return *env + n + 1;
	return NULL;
}

/* Exec failures are matched by callers as Go prints errno text:
 * lowercase ("no such file or directory" -> 127 in docker and podman,
 * "permission denied" -> 126).  */
static int exec_error(struct error **err, int errnum, const char *arg0)
{
	char text[128];

	snprintf(text, sizeof(text), "%s", strerror(errnum));
	text[0] = (char)(text[0] >= 'A' && text[0] <= 'Z' ? text[0] + 32 : text[0]);
	error_set(err, 0, "exec \"%s\": %s", arg0, text);
	(*err)->errnum = errnum;
	(*err)->status = errnum == ENOENT ? 127 : 126;
	return -1;
}

static bool is_executable_file(const char *path, int *why)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		*why = errno;
		return false;
	}
	if (S_ISDIR(st.st_mode) || !(st.st_mode & 0111)) {
		*why = EACCES;
		return false;
	}
	return true;
}

static int find_exe(struct proc_ctx *pc, struct error **err)
{
	const char *arg0 = pc->proc->args[0];
	const char *path = env_get(pc->proc->env, "PATH");
	cleanup_free char *dirs = NULL;
	int why = ENOENT;

	if (strchr(arg0, '/') != NULL) {
		if (!is_executable_file(arg0, &why))
			return exec_error(err, why, arg0);
		pc->exe = xstrdup(arg0);
		return 0;
	}
	dirs = xstrdup(path != NULL ? path : DEFAULT_PATH);
	for (char *save = NULL, *d = strtok_r(dirs, ":", &save); d != NULL;
	     d = strtok_r(NULL, ":", &save)) {
		cleanup_free char *cand = xasprintf("%s/%s", *d ? d : ".", arg0);

		if (is_executable_file(cand, &why)) {
			pc->exe = steal_ptr(cand);
			return 0;
		}
	}
	error_set(err, 0, "exec \"%s\": executable file not found in $PATH", arg0);
	(*err)->status = 127;
	return -1;
}

/* HOME of uid from the container's /etc/passwd, "/" when unknown */
static char *home_of(uid_t uid)
{
	char *home = passwd_field("/etc/passwd", uid, 5);

	if (home != NULL && home[0] != '\0')
		return home;
	free(home);
	return xstrdup("/");
}

static void build_env(struct proc_ctx *pc)
{
	char *const *src = pc->proc->env;
	size_t n = strv_len(src), k = 0;

	pc->env = xcalloc(n + 5, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		if (pc->notify_socket == NULL || strncmp(src[i], "NOTIFY_SOCKET=", 14) != 0)
			pc->env[k++] = xstrdup(src[i]);
	if (env_get(src, "HOME") == NULL) {
		cleanup_free char *home = home_of(pc->proc->user.uid);

		pc->env[k++] = xasprintf("HOME=%s", home);
	}
	/* socket activation: the fds were passed on as preserved fds */
	if (pc->listen_fds > 0) {
		pc->env[k++] = xasprintf("LISTEN_FDS=%d", pc->listen_fds);
		pc->env[k++] = xstrdup("LISTEN_PID=1");
	}
	/* the container's own socket, whatever the config said (runc) */
	if (pc->notify_socket != NULL)
		pc->env[k++] = xasprintf("NOTIFY_SOCKET=%s", pc->notify_socket);
}

int process_resolve(struct proc_ctx *pc, struct error **err)
{
	if (find_exe(pc, err) < 0)
		return -1;
	build_env(pc);
	return 0;
}

int process_make_cwd(const struct spec_process *proc, int root, struct error **err)
{
	cleanup_close int fd = -1;
	struct stat st;

	/* in the root, no magic links: /proc/self/fd/N must not lead out.
	 * Created even under root.readonly, as runc does: the read-only
	 * remount comes after, and images rely on WORKDIR being made. */

	fd = rootfs_resolve(root, proc->cwd, ROOTFS_NODE_DIR, false, err);
	if (fd < 0)
		return error_set(err, (*err)->errnum, "process.cwd '%s'", proc->cwd);
	if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode))
		return error_set(err, ENOTDIR, "process.cwd '%s'", proc->cwd);
	return 0;
}

/* process.cwd as an O_PATH fd, resolved strictly inside the container's
 * root: openat2() with RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS, so neither
 * "../../.." nor a /proc/self/fd/N link to a directory fd berth held can
 * lead to the host (CVE-2024-21626).  Inside by construction: no getcwd()
 * check afterwards (a profile may deny getcwd).  */
static int open_cwd(const char *cwd, struct error **err)
{
	cleanup_close int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int fd;

	if (root < 0)
		return error_set(err, errno, "open '/'");
	fd = rootfs_open(root, cwd, O_PATH | O_DIRECTORY, err);
	if (fd < 0)
		return error_set(err, (*err)->errnum, "process.cwd '%s'", cwd);
	return fd;
}

/* fds above stdio and the preserved ones: close-on-exec, so nothing a
 * caller leaked to berth reaches the container (CVE-2024-21626 class).
 * close_range(CLOSE_RANGE_CLOEXEC) needs Linux 5.11, and the profile of
 * a container berth itself runs in may deny it: then every open fd is
 * marked one by one.  */
static int mark_cloexec(unsigned int first, struct error **err)
{
	cleanup_closedir DIR *d = NULL;
	struct dirent *de;

	if (sys_close_range(first, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return 0;
	if (errno != ENOSYS && errno != EINVAL && errno != EPERM)
		return error_set(err, errno, "mark fds close-on-exec");
	d = opendir("/proc/self/fd");
	if (d == NULL)
		return error_set(err, errno, "mark fds close-on-exec: open '/proc/self/fd'");
	while ((de = readdir(d)) != NULL) {
		int fd = atoi(de->d_name);

		if (de->d_name[0] == '.' || fd < (int)first || fd == dirfd(d))
			continue;
		if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0 && errno != EBADF)
			return error_set(err, errno, "mark fd %d close-on-exec", fd);
	}
	return 0;
}

static const char *rlimit_name(int res)
{
	static const char *const names[] = {
		[RLIMIT_CPU] = "RLIMIT_CPU",	       [RLIMIT_FSIZE] = "RLIMIT_FSIZE",
		[RLIMIT_DATA] = "RLIMIT_DATA",	       [RLIMIT_STACK] = "RLIMIT_STACK",
		[RLIMIT_CORE] = "RLIMIT_CORE",	       [RLIMIT_RSS] = "RLIMIT_RSS",
		[RLIMIT_NPROC] = "RLIMIT_NPROC",       [RLIMIT_NOFILE] = "RLIMIT_NOFILE",
		[RLIMIT_MEMLOCK] = "RLIMIT_MEMLOCK",   [RLIMIT_AS] = "RLIMIT_AS",
		[RLIMIT_LOCKS] = "RLIMIT_LOCKS",       [RLIMIT_SIGPENDING] = "RLIMIT_SIGPENDING",
		[RLIMIT_MSGQUEUE] = "RLIMIT_MSGQUEUE", [RLIMIT_NICE] = "RLIMIT_NICE",
		[RLIMIT_RTPRIO] = "RLIMIT_RTPRIO",     [RLIMIT_RTTIME] = "RLIMIT_RTTIME",
	};

	if (res >= 0 && (size_t)res < sizeof(names) / sizeof(names[0]) && names[res])
		return names[res];
	return "rlimit";
}

static int apply_rlimits(const struct spec_process *p, struct error **err)
{
	for (size_t i = 0; i < p->n_rlimits; i++) {
		const struct spec_rlimit *r = &p->rlimits[i];
		struct rlimit want = {.rlim_cur = r->soft, .rlim_max = r->hard};
		struct rlimit cur;

		if (setrlimit(r->resource, &want) == 0)
			continue;
		if (errno == EPERM && getrlimit(r->resource, &cur) == 0 &&
		    want.rlim_max > cur.rlim_max)
			return error_set(
				err, EPERM,
				"process.rlimits: %s: raising the hard limit to %llu (now %llu) "
				"needs CAP_SYS_RESOURCE, which berth does not have",
				rlimit_name(r->resource), (unsigned long long)want.rlim_max,
				(unsigned long long)cur.rlim_max);
		return error_set(err, errno, "process.rlimits: %s", rlimit_name(r->resource));
	}
	return 0;
}

int process_rlimits(struct proc_ctx *pc, struct error **err)
{
	if (pc->rlimits_done)
		return 0;
	if (apply_rlimits(pc->proc, err) < 0)
		return -1;
	pc->rlimits_done = true;
	return 0;
}

static int apply_sched(const struct spec_process *p, struct error **err)
{
	if (p->io_priority.set &&
	    sys_ioprio_set_self((p->io_priority.class << 13) | p->io_priority.priority) < 0)
		return error_set(err, errno, "process.ioPriority");
	if (p->scheduler.set) {
		struct berth_sched_attr a = {
			.size = sizeof(a),
			.sched_policy = (uint32_t)p->scheduler.policy,
			.sched_flags = p->scheduler.flags,
			.sched_nice = p->scheduler.nice,
			.sched_priority = (uint32_t)p->scheduler.priority,
			.sched_runtime = p->scheduler.runtime,
			.sched_deadline = p->scheduler.deadline,
			.sched_period = p->scheduler.period,
		};

		if (sys_sched_setattr_self(&a) < 0)
			return error_set(err, errno, "process.scheduler");
	}
	return 0;
}

static bool setgroups_denied(void)
{
	cleanup_free char *buf = read_file_or_null(AT_FDCWD, "/proc/self/setgroups");

	return buf != NULL && strncmp(buf, "deny", 4) == 0;
}

/* What dropping privileges needs, read and built before any filter is
 * loaded: afterwards only prctl, capset and set*id calls remain.  */
struct drop_plan {
	struct caps_plan caps;
	bool setgroups_denied;
};

static int plan_drop(const struct spec_process *p, struct drop_plan *dp, struct error **err)
{
	dp->setgroups_denied = setgroups_denied();
	if (dp->setgroups_denied && p->user.n_additional_gids > 0)
		return error_set(err, EPERM,
				 "process.user.additionalGids: setgroups is denied in this user "
				 "namespace");
	return caps_plan_make(p->has_capabilities ? &p->caps : NULL, &dp->caps, err);
}

static int set_user(const struct spec_process *p, bool setgroups_denied, struct error **err)
{
	const struct spec_user *u = &p->user;

	if (!setgroups_denied &&
	    setgroups(u->n_additional_gids, (const gid_t *)u->additional_gids) < 0)
		return error_set(err, errno, "process.user.additionalGids: setgroups");
	if (setresgid(u->gid, u->gid, u->gid) < 0)
		return error_set(err, errno, "process.user.gid %u", u->gid);
	if (setresuid(u->uid, u->uid, u->uid) < 0)
		return error_set(err, errno, "process.user.uid %u", u->uid);
	return 0;
}

static int join_keyring(const char *name, struct error **err)
{
	if (name == NULL || sys_keyctl_join(name) >= 0)
		return 0;
	/* kernels without keys, or a keyring quota hit in a user
	 * namespace: the container runs with the inherited keyring */
	if (errno == ENOSYS || errno == EDQUOT || errno == EACCES) {
		log_debug("session keyring '%s' not created: %s", name, strerror(errno));
		return 0;
	}
	return error_set(err, errno, "join session keyring '%s'", name);
}

static bool seccomp_early(const struct proc_ctx *pc)
{
	const struct spec_process *p = pc->proc;

	return pc->seccomp != NULL && !p->no_new_privileges &&
	       !(p->has_capabilities && (p->caps.effective & CAP_SYS_ADMIN_BIT));
}

static int drop_privileges(const struct proc_ctx *pc, const struct drop_plan *dp,
			   struct error **err)
{
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return error_set(err, errno, "prctl(PR_SET_KEEPCAPS)");
	if (caps_drop_bounding(&dp->caps, err) < 0 ||
	    set_user(pc->proc, dp->setgroups_denied, err) < 0 || caps_set(&dp->caps, err) < 0)
		return -1;
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return error_set(err, errno, "prctl(PR_SET_KEEPCAPS)");
	return 0;
}

int process_seccomp_prepare(struct proc_ctx *pc, struct error **err)
{
	if (pc->seccomp == NULL || pc->prog.insns != NULL)
		return 0;
	return seccomp_prog_compile(pc->seccomp, &pc->prog, err);
}

/* Load the filter; with SCMP_ACT_NOTIFY its fd goes to the listener at
 * once, before any later syscall could be one the listener answers.  */
static int load_filter(const struct proc_ctx *pc, struct error **err)
{
	int notify_fd;

	if (seccomp_prog_load(&pc->prog, &notify_fd, err) < 0)
		return -1;
	if (notify_fd < 0)
		return 0;
	if (pc->listener_msg == NULL)
		return error_set(err, 0, "linux.seccomp: a notify fd, but no listener to take it");
	return seccomp_listener_send(pc->listener_fd, pc->listener_msg, notify_fd, err);
}

/* Everything that needs no privilege dropped yet and must not come after
 * a filter: the cwd (entered as root first: a cwd only the process's user
 * may enter is entered again later, *cwd_later), the filter, the
 * capability sets, the umask, the fds.  */
static int before_filter(struct proc_ctx *pc, struct drop_plan *dp, int cwd, bool *cwd_later,
			 struct error **err)
{
	const struct spec_process *p = pc->proc;

	if (process_seccomp_prepare(pc, err) < 0 || plan_drop(p, dp, err) < 0 ||
	    mark_cloexec(3 + (unsigned)pc->preserve_fds, err) < 0)
		return -1;
	/* the exec label before no_new_privs (AppArmor refuses most
	 * transitions under it) and before the filter */
	if (pc->apparmor != NULL && apparmor_exec_label(pc->apparmor_procfd, pc->apparmor, err) < 0)
		return -1;
	umask(p->user.has_umask ? p->user.umask : 0022);
	*cwd_later = fchdir(cwd) < 0;
	if (*cwd_later && errno != EACCES && errno != EPERM)
		return error_set(err, errno, "process.cwd '%s'", p->cwd);
	if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return error_set(err, errno, "prctl(PR_SET_NO_NEW_PRIVS)");
	return 0;
}

/* The parent-death signal, as the very last step before the filter and
 * execve: a credential change (set_user) has cleared it.  With
 * no_new_privs the execve cannot clear it again (no setuid, no file
 * capabilities).  berth may have died before it was set: its end of the
 * sync socket closed, which reads as EOF here.  */
static int die_with_parent(const struct proc_ctx *pc, struct error **err)
{
	struct pollfd p = {.fd = pc->parent_fd, .events = POLLIN};

	if (!pc->die_with_parent)
		return 0;
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		return error_set(err, errno, "prctl(PR_SET_PDEATHSIG)");
	if (poll(&p, 1, 0) != 0)
		_exit(137); /* nobody is left to tell */
	return 0;
}

int process_exec(struct proc_ctx *pc, struct error **err)
{
	const struct spec_process *p = pc->proc;
	struct drop_plan dp = {0};
	cleanup_close int cwd = -1;
	bool early = seccomp_early(pc), cwd_later = false;

	if (join_keyring(pc->keyring, err) < 0 || process_rlimits(pc, err) < 0 ||
	    apply_sched(p, err) < 0)
		return -1;
	if (pc->has_personality && personality(pc->personality) < 0)
		return error_set(err, errno, "linux.personality");
	cwd = open_cwd(p->cwd, err);
	if (cwd < 0 || before_filter(pc, &dp, cwd, &cwd_later, err) < 0)
		goto fail;
	/* from the first load on, only the syscalls listed at the top */
	if ((early && load_filter(pc, err) < 0) || drop_privileges(pc, &dp, err) < 0 ||
	    die_with_parent(pc, err) < 0)
		goto fail;
	if (cwd_later && fchdir(cwd) < 0) {
		error_set(err, errno, "process.cwd '%s'", p->cwd);
		goto fail;
	}
	if (!early && pc->seccomp != NULL && load_filter(pc, err) < 0)
		goto fail;
	if (pc->reaper && process_fork_reaper(err) < 0)
		goto fail;
	if (pc->memory_done != NULL)
		*pc->memory_done = 1;
	execve(pc->exe, p->args, pc->env);
	if (pc->memory_done != NULL)
		*pc->memory_done = 0;
	exec_error(err, errno, p->args[0]);
fail:
	caps_plan_clear(&dp.caps);
	return -1;
}

void process_ctx_clear(struct proc_ctx *pc)
{
	free(pc->exe);
	strv_free(pc->env);
	free(pc->listener_msg);
	seccomp_prog_clear(&pc->prog);
	pc->exe = NULL;
	pc->env = NULL;
	pc->listener_msg = NULL;
}

pid_t process_own_pid(void)
{
	cleanup_free char *status = read_file_or_null(AT_FDCWD, "/proc/self/status");
	const char *at = status != NULL ? strstr(status, "\nPid:") : NULL;

	return at != NULL ? (pid_t)strtol(at + strlen("\nPid:"), NULL, 10) : 0;
}

void process_reset_signals(void)
{
	sigset_t none;

	/* every signal, not only those /proc/self/status shows ignored or
	 * caught: a new process reads that file in ~30 us, the 62 calls
	 * take ~4 (and a default one set to default is left as it was) */
	for (int sig = 1; sig < NSIG && sig <= 64; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			sys_signal_default(sig);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

int process_exec_failure_code(int errnum)
{
	return errnum == ENOENT ? 127 : errnum == EACCES ? 126 : 1;
}
