/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/exec.c — `exec`: a new process inside a running container.
 *
 * berth makes itself non-dumpable before it goes near the container: a
 * process of the container must never open /proc/<berth>/exe or its
 * memory (CVE-2019-5736: overwriting the runtime binary).  The pid
 * namespace is entered "for children" by berth itself, so the one child
 * clone3() makes is born inside it and in the container's cgroup; the
 * child joins every other namespace at once through the init's pidfd,
 * and then runs the same final steps as the init (process.c).  */
#define _GNU_SOURCE
#include <linux/capability.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/file.h"
#include "core/jsonw.h"
#include "core/mem.h"
#include "core/log.h"
#include "runtime/apparmor.h"
#include "runtime/selfexe.h"
#include "runtime/sync.h"
#include "core/syscalls.h"
#include "runtime/console.h"
#include "runtime/container.h"
#include "runtime/fault.h"
#include "runtime/process.h"
#include "runtime/runtime.h"
#include "runtime/wait.h"

struct exec_ctx {
	const struct rt_exec_opts *o;
	struct container c;
	struct spec *spec; /* the container's saved config */
	char *config;	   /* its text: the profile's rules, if needed */
	size_t config_len;
	struct spec_process proc; /* what runs: a copy with overrides */
	char **env;		  /* owned, CLI form */
	struct cg *cg;
	struct cg_sub *sub; /* --cgroup: where the process is placed, or NULL */
	int init_pidfd;
	int join_flags; /* namespaces that differ from ours */
	bool no_new_keyring;
	bool two_step; /* another user namespace: see two_step() */
	bool rootless; /* not root in the initial user namespace */
	pid_t pid;
	int pidfd;
	int sync_fd;
	int pty_master;
	/* SCMP_ACT_NOTIFY: the container's state for the listener, the
	 * socket connected to it (the child's copy is what it sends on), and
	 * in the child, its own pid as berth sees pids */
	char *state_json;
	int listener_fd;
	pid_t self_pid;
	struct seccomp_prog seccomp; /* before the clone: cached or compiled */
};

/* "net:[4026531840]": the link names the namespace by its inode, which
 * is unique; reading it is half the cost of a stat, which makes the
 * namespace's nsfs inode */
static bool same_ns(pid_t pid, const char *name)
{
	char a[64], b[64], la[64], lb[64];
	ssize_t na, nb;

	snprintf(a, sizeof(a), "/proc/self/ns/%s", name);
	snprintf(b, sizeof(b), "/proc/%d/ns/%s", (int)pid, name);
	na = readlink(a, la, sizeof(la));
	nb = readlink(b, lb, sizeof(lb));
	if (na <= 0 || nb <= 0)
		return true;
	return na == nb && memcmp(la, lb, (size_t)na) == 0;
}

static int differing_namespaces(pid_t pid)
{
	int flags = 0;

	for (int ns = 0; ns < SPEC_NS_COUNT; ns++)
		if (!same_ns(pid, spec_ns_proc_name((enum spec_ns)ns)))
			flags |= spec_ns_clone_flag((enum spec_ns)ns);
	return flags;
}

/* K=V pairs of `extra` replace those of `base` with the same K */
static char **merge_env(char **base, char **extra)
{
	size_t nb = strv_len(base), ne = strv_len(extra), k = 0;
	char **out = xcalloc(nb + ne + 1, sizeof(char *));

	for (size_t i = 0; i < nb; i++) {
		size_t klen = strcspn(base[i], "=");
		bool replaced = false;

		for (size_t j = 0; j < ne && !replaced; j++)
			replaced = strncmp(extra[j], base[i], klen + 1) == 0;
		if (!replaced)
			out[k++] = xstrdup(base[i]);
	}
	for (size_t j = 0; j < ne; j++)
		out[k++] = xstrdup(extra[j]);
	return out;
}

/* the process's bounding set allows CAP_SYS_PTRACE */
static bool may_ptrace(const struct spec_process *p)
{
	return p != NULL && p->has_capabilities && (p->caps.bounding & (1ULL << CAP_SYS_PTRACE));
}

static int cli_process(struct exec_ctx *x, struct error **err)
{
	const struct rt_exec_opts *o = x->o;
	struct spec_process *p = &x->proc;

	*p = *x->spec->process;
	p->args = o->args;
	x->env = merge_env(p->env, o->env);
	p->env = x->env;
	if (o->cwd != NULL)
		p->cwd = (char *)o->cwd;
	if (o->has_user) {
		p->user.uid = o->uid;
		p->user.gid = o->gid;
	}
	if (o->n_additional_gids > 0) {
		p->user.additional_gids = (uint32_t *)o->additional_gids;
		p->user.n_additional_gids = o->n_additional_gids;
	}
	for (size_t i = 0; i < o->n_caps; i++) {
		uint64_t bit = 1ULL << o->caps[i];

		p->has_capabilities = true;
		p->caps.bounding |= bit;
		p->caps.effective |= bit;
		p->caps.permitted |= bit;
		p->caps.inheritable |= bit;
		p->caps.ambient |= bit;
	}
	p->no_new_privileges |= o->no_new_privs;
	p->terminal = o->tty;
	if (o->apparmor != NULL)
		p->apparmor_profile = (char *)o->apparmor;
	return 0;
}

/* exec --cgroup: existing cgroups below the container's (cgroups/sub.c) */
static int open_sub_cgroup(struct exec_ctx *x, struct error **err)
{
	const struct rt_exec_opts *o = x->o;

	if (o->n_sub_cgroups == 0)
		return 0;
	if (x->cg == NULL)
		return error_set(err, 0, "--cgroup: container \"%s\" has no cgroup", o->id);
	return cg_sub_open(x->cg, o->sub_cgroup_controllers, o->sub_cgroup_paths, o->n_sub_cgroups,
			   &x->sub, err);
}

/* where the process is born: the --cgroup one, or the container's */
static int birth_cgroup_fd(const struct exec_ctx *x)
{
	return x->sub != NULL ? cg_sub_dirfd(x->sub) : cg_dirfd(x->cg);
}

/* the process to run: --process's, or the config's with the flags' */
static int the_process(struct exec_ctx *x, struct error **err)
{
	if (x->o->process != NULL)
		x->proc = *x->o->process;
	else if (cli_process(x, err) < 0)
		return -1;
	if (x->proc.terminal && x->o->detach && x->o->console_socket == NULL)
		return error_set(err, 0, "a detached exec with a terminal needs --console-socket");
	if (x->proc.selinux_label != NULL)
		return error_set(err, 0,
				 "process.selinuxLabel: berth does not apply SELinux labels");
	return apparmor_check(x->o->apparmor != NULL ? "--apparmor" : "process.apparmorProfile",
			      x->proc.apparmor_profile, err);
}

static int load(struct exec_ctx *x, const struct rt_global *g, struct error **err)
{
	enum container_status s;

	if (container_open(g->root, x->o->id, false, &x->c, err) < 0)
		return -1;
	/* from the protected copy before anything else is read: all that
	 * follows is done once (an unknown id was said before) */
	if (selfexe_protect(g->root, err) < 0)
		return -1;
	s = container_status_open(&x->c, &x->cg);
	if (s == STATUS_PAUSED)
		return error_set(err, 0, "cannot exec in a paused container");
	if (s != STATUS_RUNNING && s != STATUS_CREATED)
		return error_set(err, 0, "container not running");
	if (container_read(&x->c, "config.json", &x->config, &x->config_len, err) < 0)
		return error_wrap(err, "container \"%s\"", x->o->id);
	x->spec = spec_parse_saved(x->config, x->config_len, err);
	if (x->spec == NULL || the_process(x, err) < 0)
		return -1;
	/* a created init still runs berth's image: one that is not a sealed
	 * copy (made by an older berth) must not meet a process that may
	 * ptrace it (runtime/selfexe.h) */
	if (s == STATUS_CREATED && !x->c.st.sealed && !x->c.st.has_userns && may_ptrace(&x->proc))
		return error_set(
			err, 0,
			"exec with CAP_SYS_PTRACE into a container that has not started is "
			"refused: its init is still berth's binary (CVE-2019-5736)");
	x->init_pidfd = sys_pidfd_open(x->c.st.pid, 0);
	if (x->init_pidfd < 0)
		return error_set(err, 0, "container not running");
	if (container_has_cgroup(&x->c) && x->cg == NULL &&
	    container_cgroup_open(&x->c, &x->cg, err) < 0)
		return -1;
	if (open_sub_cgroup(x, err) < 0)
		return -1;
	x->join_flags = differing_namespaces(x->c.st.pid);
	x->no_new_keyring = x->c.st.no_new_keyring;
	if (x->spec->linux.seccomp != NULL && x->spec->linux.seccomp->listener_path != NULL) {
		cleanup_jsonw struct jsonw *w = jsonw_new();

		spec_state_write(w, &x->c.st, "running", false);
		x->state_json = xstrdup(jsonw_buf(w));
	}
	return 0;
}

/* The init has exited (a pidfd turns readable then, zombie or not), or
 * does within `ms`.  */
static bool init_gone(const struct exec_ctx *x, int ms)
{
	struct pollfd p = {.fd = x->init_pidfd, .events = POLLIN};

	return poll(&p, 1, ms) == 1;
}

/* setns() on the init's pidfd fails ESRCH once the init has exited:
 * the container stopped under us.  */
static int join_failed(const char *what, struct error **err)
{
	if (errno == ESRCH)
		return error_set(err, 0, "container not running");
	return error_set(err, errno, "%s", what);
}

/* Rootless, the kernel lets a process be born into a cgroup only with
 * write access to the common ancestor of berth's cgroup and that one: a
 * user's berth outside its systemd user manager (whose scope holds the
 * container) has none, and clone3 fails EACCES.  runc leaves the process
 * in the caller's cgroup then; so does berth, saying so.  */
static pid_t clone_joined(const struct exec_ctx *x, struct clone_args *args)
{
	pid_t pid = sys_clone3(args);

	if (pid >= 0 || !x->rootless || !(args->flags & CLONE_INTO_CGROUP) ||
	    (errno != EACCES && errno != EPERM))
		return pid;
	log_warn("exec: the process stays in berth's own cgroup, not the container's '%s': "
		 "a rootless berth may not move it there from here (%s)",
		 cg_path(x->cg), strerror(errno));
	args->flags &= ~(uint64_t)CLONE_INTO_CGROUP;
	args->cgroup = 0;
	return sys_clone3(args);
}

/* Another user namespace: berth (maybe unprivileged) cannot enter the
 * pid namespace "for children" itself, as joining one needs
 * CAP_SYS_ADMIN in the caller's own user namespace.  So the child joins
 * every namespace at once (the kernel takes the user one first) and
 * forks the real process with CLONE_PARENT: born in the container's pid
 * namespace, and still berth's own child to wait for.  It reports the
 * pid (SYNC_PTY/READY then come from the process itself) and leaves.  */
static int two_step(struct exec_ctx *x, int sync_fd, struct error **err)
{
	struct clone_args args = {.flags = CLONE_PARENT, .exit_signal = 0};
	int go[2];
	pid_t pid;

	if (setns(x->init_pidfd, x->join_flags) < 0)
		return join_failed("join the container's namespaces", err);
	if (x->cg != NULL && cg_dirfd(x->cg) >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)birth_cgroup_fd(x);
	}
	/* the process waits until its pid is sent: berth expects it first;
	 * then the pid comes down the pipe (the process's own /proc is the
	 * container's: there it has another number) */
	if (pipe2(go, O_CLOEXEC) < 0)
		return error_set(err, errno, "pipe");
	pid = clone_joined(x, &args);
	if (pid < 0)
		return error_set(err, errno, "clone3 into the container's pid namespace");
	if (pid == 0) {
		/* a clone starts without the parent-death signal; its parent
		 * is berth (CLONE_PARENT) */
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		close(go[1]);
		while (read(go[0], &x->self_pid, sizeof(x->self_pid)) < 0 && errno == EINTR)
			;
		close(go[0]);
		return 1; /* the process: go on */
	}
	if (sync_send_value(sync_fd, SYNC_PID, pid, err) < 0) {
		/* berth never learns of it: it must not go on alone */
		kill(pid, SIGKILL);
		return -1;
	}
	if (write(go[1], &pid, sizeof(pid)) < 0)
		kill(pid, SIGKILL);
	_exit(0);
}

static int child_setup(struct exec_ctx *x, int sync_fd, struct proc_ctx *pc, struct error **err)
{
	int flags = x->join_flags & ~CLONE_NEWPID;

	/* the container's v1 cgroups (CLONE_INTO_CGROUP placed us in the
	 * cgroup2 one), before anything of the container is joined; the
	 * two-step process inherits them from us.  As a thread moving itself
	 * (pid 0): a single-threaded clone, spared the kernel's global lock */
	if (x->cg != NULL &&
	    (x->sub != NULL ? cg_sub_place(x->sub, 0, err) : cg_place(x->cg, 0, err)) < 0)
		return -1;
	if (x->two_step) {
		if (two_step(x, sync_fd, err) < 0)
			return -1;
	} else if (flags != 0 && setns(x->init_pidfd, flags) < 0) {
		return join_failed("join the container's namespaces", err);
	}
	fault_point("exec-child"); /* as the container could kill it here */
	if (x->proc.terminal) {
		cleanup_close int master = console_setup(&x->proc, false, err);

		if (master < 0 || sync_send_fd(sync_fd, SYNC_PTY, master, err) < 0)
			return -1;
	}
	if (process_resolve(pc, err) < 0 || process_seccomp_prepare(pc, err) < 0)
		return -1;
	/* SCMP_ACT_NOTIFY: built now, it cannot be after the filter is
	 * loaded ("running", as runc sends it for exec) */
	if (x->listener_fd >= 0)
		pc->listener_msg = seccomp_listener_message(
			x->state_json, x->self_pid, x->spec->linux.seccomp->listener_metadata);
	/* a detached exec outlives berth */
	prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
	return sync_send(sync_fd, SYNC_READY, err);
}

/* the filter from the cache in the state root, while it is open: the
 * child then only loads it.  The entry the state names needs none of the
 * profile's rules, which spec_parse_saved left unread; without it (an
 * older berth's state, no cache, an entry pruned or damaged since) the
 * rules are read from the same saved text and the filter is found or
 * compiled as at create.  */
static int cached_filter(struct exec_ctx *x, struct error **err)
{
	struct spec_seccomp *sc = x->spec->linux.seccomp;
	struct spec *full;

	if (sc == NULL)
		return 0;
	if (sc->rules_deferred) {
		if (seccomp_prog_by_key(x->c.st.seccomp_key, sc, x->c.root_fd, &x->seccomp) == 0)
			return 0;
		log_debug("seccomp: the profile's rules read (no cache entry named by the state)");
		full = spec_parse(x->config, x->config_len, err);
		if (full == NULL)
			return error_wrap(err, "container \"%s\"", x->o->id);
		x->spec->linux.seccomp = full->linux.seccomp;
		full->linux.seccomp = sc;
		spec_free(full);
		sc = x->spec->linux.seccomp;
	}
	return sc != NULL ? seccomp_prog_cached(sc, x->c.root_fd, &x->seccomp, err) : 0;
}

/* `done` (NULL after a fork): see clone_child */
static _Noreturn void exec_child(struct exec_ctx *x, int sync_fd, volatile sig_atomic_t *done)
{
	struct error *err = NULL;
	int code;
	struct proc_ctx pc = {
		.proc = &x->proc,
		.seccomp = x->spec->linux.seccomp,
		.has_personality = x->spec->linux.has_personality,
		.personality = x->spec->linux.personality,
		.preserve_fds = x->o->preserve_fds,
		/* as runc: a session keyring named after the container, unless
		 * it was created with --no-new-keyring */
		.keyring = x->no_new_keyring ? NULL : x->o->id,
		.listener_fd = x->listener_fd,
		.prog = x->seccomp,
		.apparmor = x->proc.apparmor_profile,
		.apparmor_procfd = -1,
		.memory_done = done,
	};
	if (x->listener_fd >= 0 && !x->two_step)
		x->self_pid = process_own_pid();

	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	setsid(); /* never in the caller's process group (see init.c) */
	/* the host's /proc, before the container's mount namespace */
	if (pc.apparmor != NULL)
		pc.apparmor_procfd = apparmor_proc_open(&err);
	if ((pc.apparmor == NULL || pc.apparmor_procfd >= 0) &&
	    child_setup(x, sync_fd, &pc, &err) == 0) {
		process_reset_signals();
		process_exec(&pc, &err);
	}
	sync_send_error(sync_fd, err);
	code = err->status != 0 ? err->status : process_exec_failure_code(err->errnum);
	if (done != NULL)
		*done = 1;
	_exit(code);
}

/* two-step: the intermediate child hands over the process's pid */
static int adopt(struct exec_ctx *x, struct error **err)
{
	int64_t pid = 0;
	int rc = sync_expect_value(x->sync_fd, SYNC_PID, &pid, err);

	waitpid(x->pid, NULL, 0); /* the intermediate exits either way */
	close(x->pidfd);
	x->pidfd = -1;
	x->pid = -1;
	if (rc < 0)
		return -1;
	x->pid = (pid_t)pid;
	x->pidfd = sys_pidfd_open(x->pid, 0);
	if (x->pidfd < 0)
		return error_set(err, errno, "pidfd of the exec'd process");
	return 0;
}

/* The process died before it was ready.  Most often the container was
 * stopped or signalled at that moment (delete --force, kill, kill --all
 * racing with exec): say so, rather than the protocol's "peer exited".
 * Our own SIGKILL (sent below) says nothing, and an error the process
 * reported itself is kept.  */
static int explain_early_death(const struct exec_ctx *x, int status, struct error **err)
{
	int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;

	/* a SIGKILL from the container's end (kill of the init: its pid
	 * namespace's teardown kills us first, and the init's own exit ends
	 * only after; delete --force's cgroup.kill) comes before the init is
	 * seen gone: a moment's wait tells it from anything else */
	if (init_gone(x, sig == SIGKILL ? 200 : 0)) {
		error_freep(err);
		return error_set(err, 0, "container not running");
	}
	if (sig != 0 && sig != SIGKILL) {
		error_freep(err);
		return error_set(err, 0,
				 "the process was killed by signal %d (%s) before it started", sig,
				 strsignal(sig));
	}
	return -1;
}

/* The shared-memory child died before it was done with berth's memory
 * (see clone_child): berth says so and exits, with no allocation, no
 * stdio and no cleanup — the kernel closes its fds, and nothing else of
 * an exec outlives it.  */
static _Noreturn void abandon(const struct exec_ctx *x)
{
	log_emergency(init_gone(x, 200) ? "container not running"
					: "exec: the process was killed before it started");
	_exit(1);
}

struct child_start {
	struct exec_ctx *x;
	int sv[2];
	/* the child runs in berth's memory (clone_child) */
	bool shared;
	/* set by a child sharing berth's memory once it writes no more of
	 * it: just before its execve, or its _exit */
	volatile sig_atomic_t memory_done;
};

/* the child, in berth's memory or in a forked copy of it */
static int child_start(void *p)
{
	struct child_start *s = p;

	close(s->sv[0]);
	exec_child(s->x, s->sv[1], s->shared ? &s->memory_done : NULL);
}

/* Whether the child may share berth's memory (see clone_child).  Not
 * for a two-step exec (its intermediate forks the process anyway), nor
 * into another time namespace (the kernel refuses a process that shares
 * its memory: EUSERS).  Not when a process of the container may hold
 * CAP_SYS_PTRACE: it could attach to the child and write into berth
 * itself.  Not with fs.suid_dumpable = 1: the child's change of
 * credentials would make the shared memory dumpable, open to the
 * container's processes of the same uid.  */
static bool may_share_memory(const struct exec_ctx *x)
{
	const uint64_t ptrace = 1ULL << CAP_SYS_PTRACE;
	cleanup_free char *dumpable = NULL;

	if (x->two_step || (x->join_flags & CLONE_NEWTIME) ||
	    (x->spec->process->caps.bounding & ptrace) || (x->proc.caps.bounding & ptrace))
		return false;
	dumpable = read_file_or_null(AT_FDCWD, "/proc/sys/fs/suid_dumpable");
	return dumpable != NULL && dumpable[0] != '1';
}

/* The child in berth's own memory (CLONE_VM) and on its stack, berth
 * stopped until it execs or exits (CLONE_VFORK), as posix_spawn does: no
 * page table to copy and no copy-on-write fault on either side, which in
 * a VM with shadow page tables is most of what a fork costs (~1 ms of a
 * 7 ms exec).  Where it may not (may_share_memory), or the kernel says
 * EINVAL (berth's own time namespace differs from its children's), it
 * forks.  Returns the pid, 0 in a forked child, or -1.
 *
 * What the child writes, berth reads afterwards: its heap, the
 * allocator's lists, x->self_pid.  The child is in the container's pid
 * namespace and cgroup from birth, so the container can SIGKILL it at any
 * instruction, in the middle of a malloc() too; after that berth must not
 * touch that memory again.  So the child says when it is done with it
 * (memory_done), and when it died without saying so, berth reports the
 * failure without the heap or stdio and leaves (abandon()).  What it
 * allocates is charged to berth's memory cgroup, not the container's:
 * every file of the container it reads is read with a bound
 * (read_file_or_null, passwd_field).  */
static pid_t clone_child(struct exec_ctx *x, struct clone_args *args, struct child_start *s)
{
	if (may_share_memory(x)) {
		pid_t pid;

		s->shared = true;
		pid = sys_clone3_vfork(args, child_start, s);
		if (pid > 0 && !s->memory_done)
			abandon(x);
		if (pid >= 0 || (errno != ENOSYS && errno != EINVAL))
			return pid;
	}
	s->shared = false;
	return sys_clone3(args);
}

static int spawn(struct exec_ctx *x, struct error **err)
{
	struct clone_args args = {
		.flags = CLONE_PIDFD,
		.pidfd = (uint64_t)(uintptr_t)&x->pidfd,
		.exit_signal = SIGCHLD,
	};
	struct child_start start = {.x = x};
	int *sv = start.sv;

	/* SCMP_ACT_NOTIFY: the process sends its notify fd on it */
	if (x->state_json != NULL) {
		x->listener_fd =
			seccomp_listener_connect(x->spec->linux.seccomp->listener_path, err);
		if (x->listener_fd < 0)
			return -1;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return error_set(err, errno, "socketpair");
	x->sync_fd = sv[0];
	if (x->cg != NULL && cg_dirfd(x->cg) >= 0 && !x->two_step) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)birth_cgroup_fd(x);
	}
	x->pid = clone_child(x, &args, &start);
	if (x->pid == 0)
		child_start(&start);
	close(sv[1]);
	/* the process has its own copy: the connection closes when it execs */
	if (x->listener_fd >= 0)
		close(steal_fd(x->listener_fd));
	if (x->pid < 0)
		return error_set(err, errno, "clone3");
	if (x->two_step && adopt(x, err) < 0)
		return -1;
	if ((x->proc.terminal && sync_expect(x->sync_fd, SYNC_PTY, &x->pty_master, err) < 0) ||
	    sync_expect(x->sync_fd, SYNC_READY, NULL, err) < 0 ||
	    sync_expect_eof(x->sync_fd, err) < 0) {
		int status = 0;

		sys_pidfd_send_signal(x->pidfd, SIGKILL);
		waitpid(x->pid, &status, 0);
		x->pid = -1;
		return explain_early_death(x, status, err);
	}
	return 0;
}

static int handover(struct exec_ctx *x, int sigfd, int *exit_status, struct error **err)
{
	const struct rt_exec_opts *o = x->o;
	struct wait_ctx w = {.pid = x->pid, .pidfd = x->pidfd, .sigfd = sigfd, .timerfd = -1};
	enum wait_end end;
	int status = 0, stop_sig = 0, rc;

	if (o->pid_file != NULL && rt_write_pid_file(o->pid_file, x->pid, err) < 0)
		return -1;
	if (x->pty_master >= 0 && o->console_socket != NULL) {
		if (console_send(o->console_socket, x->pty_master, err) < 0)
			return -1;
		close(steal_fd(x->pty_master));
	}
	if (o->detach)
		return 0;
	if (x->pty_master >= 0)
		rc = console_proxy(x->pty_master, &w, &status, &end, &stop_sig, err);
	else
		rc = wait_forward(&w, &status, &end, &stop_sig, err);
	if (rc == 0)
		*exit_status = wait_exit_code(status);
	return rc;
}

static void exec_free(struct exec_ctx *x)
{
	if (x->sync_fd >= 0)
		close(x->sync_fd);
	if (x->pidfd >= 0)
		close(x->pidfd);
	if (x->init_pidfd >= 0)
		close(x->init_pidfd);
	if (x->pty_master >= 0)
		close(x->pty_master);
	if (x->listener_fd >= 0)
		close(x->listener_fd);
	free(x->state_json);
	seccomp_prog_clear(&x->seccomp);
	cg_sub_free(x->sub); /* before the cg it points into */
	cg_free(x->cg);
	spec_free(x->spec);
	free(x->config);
	strv_free(x->env);
	container_close(&x->c);
}

int rt_exec(const struct rt_global *g, const struct rt_exec_opts *o, int *exit_status,
	    struct error **err)
{
	struct exec_ctx x = {.o = o,
			     .init_pidfd = -1,
			     .pidfd = -1,
			     .sync_fd = -1,
			     .pty_master = -1,
			     .listener_fd = -1};
	cleanup_close int own_pidns = -1;
	sigset_t old;
	int sigfd = -1, rc = -1, spawned;

	x.c.dir_fd = x.c.root_fd = -1;
	*exit_status = 0;
	/* before anything of the container is touched: see the top */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
		error_set(err, errno, "prctl(PR_SET_DUMPABLE)");
		goto out;
	}
	if (load(&x, g, err) < 0 || cached_filter(&x, err) < 0)
		goto out;
	/* the lock is only needed to read a consistent state */
	container_close(&x.c);
	x.two_step = (x.join_flags & CLONE_NEWUSER) != 0;
	x.rootless = g->rootless;
	if (!x.two_step && (x.join_flags & CLONE_NEWPID)) {
		/* for children only: berth itself stays in its own, and comes
		 * back once the process is spawned, so nothing it forks later
		 * (a sanitizer's helper, say) is born inside the container */
		own_pidns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
		if (own_pidns < 0) {
			error_set(err, errno, "open \"/proc/self/ns/pid\"");
			goto out;
		}
		if (setns(x.init_pidfd, CLONE_NEWPID) < 0) {
			join_failed("join the container's pid namespace", err);
			goto out;
		}
	}
	if (!o->detach) {
		sigfd = wait_block_signals(&old, err);
		if (sigfd < 0)
			goto out;
	}
	spawned = spawn(&x, err);
	if (own_pidns >= 0 && setns(own_pidns, CLONE_NEWPID) < 0)
		log_warn("exec: back to berth's own pid namespace: %s", strerror(errno));
	if (spawned == 0)
		rc = handover(&x, sigfd, exit_status, err);
	if (sigfd >= 0) {
		close(sigfd);
		sigprocmask(SIG_SETMASK, &old, NULL);
	}
out:
	exec_free(&x);
	return rc;
}
