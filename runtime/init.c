/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/init.c — the container init, from clone3() to the user's
 * process.  Runs in the child; never prints and never returns: every
 * error goes to the parent over the sync socket (core/sync.h), then
 * _exit().  The steps, in order, and why:
 *
 *   wait for the parent    uid/gid maps and the network must exist first
 *   become root inside     a new user namespace starts with unmapped ids
 *   join, unshare late     namespaces given by path; cgroup ns rooted at
 *                          the cgroup we were cloned into; time offsets
 *   hostname, domainname
 *   rootfs_prepare         every mount and /dev, still able to see the host
 *   runtime hooks          prestart/createRuntime, run by the parent now
 *   createContainer hooks  in our namespaces, before pivot_root
 *   pivot_root, sysctl     /proc/sys is the container's from here on
 *   console                pty from the container's own devpts
 *   cwd, rootfs_finish     cwd created while / is still writable
 *   resolve the process    a missing binary (or a filter berth cannot
 *                          build) fails `create`, not `start`
 *   SYNC_READY, then wait  exec.fifo (create) or SYNC_START (run)
 *   startContainer hooks, then process_exec()                          */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/file.h"
#include "core/mem.h"
#include "core/jsonw.h"
#include "core/log.h"
#include "runtime/sync.h"
#include "namespaces/ns.h"
#include "netns/netns.h"
#include "rootfs/rootfs.h"
#include "runtime/apparmor.h"
#include "runtime/console.h"
#include "runtime/hooks.h"
#include "runtime/launch.h"
#include "runtime/notify.h"
#include "runtime/process.h"

/* Until this, in a new user namespace, the init's host uid is still the
 * caller's — root's, the owner of berth's binary: nothing of the
 * container's may run before it (a root sandbox job runs root's binary
 * itself, with no protected copy: selfexe_job_cannot_write).  */
static int become_root(const struct spec *spec, struct error **err)
{
	if (!ns_creates_userns(spec))
		return 0;
	if (setresgid(0, 0, 0) < 0)
		return error_set(err, errno, "user namespace: become gid 0 (is 0 mapped?)");
	if (setresuid(0, 0, 0) < 0)
		return error_set(err, errno, "user namespace: become uid 0 (is 0 mapped?)");
	/* a uid change clears the parent-death signal */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	return 0;
}

/* a new network namespace starts with lo down; with a bridge the parent
 * has done it already */
static int loopback_up(const struct launch *l, struct error **err)
{
	if (!ns_new(l->spec, SPEC_NS_NET) || launch_wants_bridge(l))
		return 0;
	return netns_loopback_up(-1, err);
}

static int set_names(const struct spec *spec, struct error **err)
{
	if (spec->hostname != NULL && sethostname(spec->hostname, strlen(spec->hostname)) < 0)
		return error_set(err, errno, "hostname \"%s\"", spec->hostname);
	if (spec->domainname != NULL &&
	    setdomainname(spec->domainname, strlen(spec->domainname)) < 0)
		return error_set(err, errno, "domainname \"%s\"", spec->domainname);
	return 0;
}

static int apply_sysctl(const struct spec *spec, struct error **err)
{
	for (size_t i = 0; i < spec->linux.n_sysctl; i++) {
		cleanup_free char *path = xasprintf("/proc/sys/%s", spec->linux.sysctl_keys[i]);

		/* keys are dotted; a dot inside one name part is kept as '/'
		 * (spec.h): swap the two to get the /proc/sys path */
		for (char *p = path + strlen("/proc/sys/"); *p; p++)
			*p = *p == '.' ? '/' : *p == '/' ? '.' : *p;
		if (write_str_at(AT_FDCWD, path, spec->linux.sysctl_values[i], err) < 0)
			return error_wrap(err, "linux.sysctl \"%s\"", spec->linux.sysctl_keys[i]);
	}
	return 0;
}

static int container_hooks(struct launch *l, enum spec_hook_kind kind, struct error **err)
{
	cleanup_jsonw struct jsonw *w = NULL;

	if (l->spec->hooks[kind].n == 0)
		return 0;
	w = jsonw_new();
	spec_state_write(w, l->state, kind == SPEC_HOOK_START_CONTAINER ? "created" : "creating",
			 false);
	return hooks_run(l->spec, kind, jsonw_buf(w), err);
}

/* SCMP_ACT_NOTIFY: the message for the listener the parent connected
 * to, as runc sends it for an init ("creating": its process has not run
 * yet); built before the filter is loaded, as it cannot be after */
static char *listener_message(const struct launch *l)
{
	cleanup_jsonw struct jsonw *w = NULL;

	if (l->listener_fd < 0)
		return NULL;
	w = jsonw_new();
	spec_state_write(w, l->state, "creating", false);
	return seccomp_listener_message(jsonw_buf(w), l->state->pid,
					l->spec->linux.seccomp->listener_metadata);
}

/* As pid 1 of its namespace, the init ignores every signal it has no
 * handler for, even from the host.  While it waits for `start`, the usual
 * terminating signals must still end it (kill on a created container). */
static void die_on_signal(int sig)
{
	_exit(128 + sig);
}

static void catch_terminating_signals(void)
{
	static const int sigs[] = {SIGTERM, SIGINT,  SIGHUP,  SIGQUIT,
				   SIGUSR1, SIGUSR2, SIGALRM, SIGPIPE};
	struct sigaction sa = {.sa_handler = die_on_signal};

	/* process_reset_signals() sets them back before the exec */
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

/* create: after COMMIT, open exec.fifo for writing, which blocks until
 * `berth start` opens it for reading.  The fd stays open, close-on-exec,
 * through the startContainer hooks: `start` sees EOF only once the
 * process really runs (so poststart comes after it, as the spec orders),
 * or reads the error text fail() writes into it.  */
static int wait_for_start(struct launch *l, int sync_fd, int *fifo, struct error **err)
{
	catch_terminating_signals();
	if (sync_expect(sync_fd, l->fifo_dir_fd < 0 ? SYNC_START : SYNC_COMMIT, NULL, err) < 0)
		return -1;
	/* recorded in the state file: from here the init may outlive berth
	 * — but never a sandbox's, whose berth is its only keeper */
	if (!l->die_with_parent)
		prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
	if (l->fifo_dir_fd < 0)
		return 0;
	/* berth waits for this before it exits: until now its death kills us */
	if (sync_send(sync_fd, SYNC_COMMITTED, err) < 0)
		return -1;
	*fifo = openat(l->fifo_dir_fd, "exec.fifo", O_WRONLY | O_CLOEXEC);
	if (*fifo < 0)
		return error_set(err, errno, "open exec.fifo");
	return 0;
}

static int prepare(struct launch *l, int sync_fd, struct rootfs_ctx *rc, struct error **err)
{
	int64_t pid = 0;
	const struct spec *spec = l->spec;

	if (rt_idmap_layers_receive(l->rootfs, sync_fd, err) < 0 ||
	    sync_expect_value(sync_fd, SYNC_PARENT_DONE, &pid, err) < 0)
		return -1;
	l->state->pid = (pid_t)pid;
	if (become_root(spec, err) < 0 || ns_join(spec, err) < 0 ||
	    ns_unshare_late(spec, err) < 0 || set_names(spec, err) < 0 || loopback_up(l, err) < 0)
		return -1;
	/* maps and clock offsets are written (both need a dumpable process):
	 * from here no process of the container may open our /proc files,
	 * /proc/<pid>/exe above all (CVE-2019-5736; see core/selfexe.h) */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return error_set(err, errno, "prctl(PR_SET_DUMPABLE)");
	log_debug("init: namespaces ready");
	if (rootfs_prepare(rc, err) < 0)
		return -1;
	log_debug("init: rootfs prepared");
	if (spec->hooks[SPEC_HOOK_PRESTART].n + spec->hooks[SPEC_HOOK_CREATE_RUNTIME].n > 0 &&
	    (sync_send(sync_fd, SYNC_RUNTIME_HOOKS, err) < 0 ||
	     sync_expect(sync_fd, SYNC_RUNTIME_HOOKS_DONE, NULL, err) < 0))
		return -1;
	if (container_hooks(l, SPEC_HOOK_CREATE_CONTAINER, err) < 0 || rootfs_pivot(rc, err) < 0 ||
	    apply_sysctl(spec, err) < 0)
		return -1;
	if (spec->process->terminal) {
		cleanup_close int master = console_setup(spec->process, true, err);

		if (master < 0 || sync_send_fd(sync_fd, SYNC_PTY, master, err) < 0)
			return -1;
	}
	return process_make_cwd(spec->process, rc->root_fd, err) < 0 ? -1 : rootfs_finish(rc, err);
}

/* what the user's process is set up from: the config's, the launch's */
static struct proc_ctx proc_ctx_of(const struct launch *l)
{
	const struct spec *spec = l->spec;

	return (struct proc_ctx){
		.proc = spec->process,
		.seccomp = spec->linux.seccomp,
		.keyring = l->new_keyring ? l->state->id : NULL,
		.has_personality = spec->linux.has_personality,
		.personality = spec->linux.personality,
		.preserve_fds = l->preserve_fds,
		.listen_fds = l->listen_fds,
		.listener_fd = l->listener_fd,
		.prog = l->seccomp, /* compiled or from the cache, before the clone */
		.reaper = l->reaper,
		.apparmor = spec->process->apparmor_profile,
		.apparmor_procfd = -1,
		.notify_socket = l->rootfs->notify_dir != NULL ? NOTIFY_SOCKET_IN_CONTAINER : NULL,
	};
}

/* the cgroup's v1 part, as the rootfs shows it (kept until exec) */
static void cgroup_v1_view(const struct cg *cg, struct rootfs_ctx *rc)
{
	size_t n = cg != NULL ? cg_v1_count(cg) : 0;
	const char **names = xcalloc(n + 1, sizeof(*names));
	const char **mounts = xcalloc(n + 1, sizeof(*mounts));
	const char **paths = xcalloc(n + 1, sizeof(*paths));

	for (size_t i = 0; i < n; i++)
		cg_v1_at(cg, i, &names[i], &mounts[i], &paths[i]);
	rc->cgroup_v1_names = names;
	rc->cgroup_v1_mounts = mounts;
	rc->cgroup_v1_paths = paths;
	rc->n_cgroup_v1 = n;
}

/* what comes before anything of the container's */
static int first_steps(struct launch *l, struct rootfs_ctx *rc, struct error **err)
{
	/* berth dying before the container is ready must take us along */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	/* our v1 cgroups, first of all, as a thread moving itself: the parent
	 * moving our pid would wait on the kernel's global lock (create_v1.c) */
	if (l->cg != NULL && cg_init_places_itself(l->cg) && cg_place(l->cg, 0, err) < 0)
		return -1;
	/* a session (and process group) of its own: kill(0, ...) or a
	 * terminal's job control inside must never reach the caller's
	 * process group on the host */
	setsid();
	umask(0);
	cgroup_v1_view(l->cg, rc);
	if (rc->userns)
		rootfs_open_bind_sources(rc);
	return 0;
}

_Noreturn void init_main(struct launch *l, int sync_fd)
{
	const struct spec *spec = l->spec;
	struct error *err = NULL;
	bool ready = false;
	int fifo = -1;
	struct rootfs_ctx rc = {
		.spec = spec,
		.bundle = l->state->bundle,
		.plan = l->rootfs,
		.cgroup_path = l->cg != NULL ? cg_path(l->cg) : NULL,
		.userns = ns_creates_userns(spec),
		.no_pivot = l->no_pivot,
		.console = spec->process->terminal,
		.notify_src_fd = -1,
	};
	struct proc_ctx pc = proc_ctx_of(l);

	if (first_steps(l, &rc, &err) < 0)
		goto fail;
	/* the host's /proc, before any mount of the container's */
	if (pc.apparmor != NULL && (pc.apparmor_procfd = apparmor_proc_open(&err)) < 0)
		goto fail;
	if (prepare(l, sync_fd, &rc, &err) < 0 || process_resolve(&pc, &err) < 0 ||
	    process_rlimits(&pc, &err) < 0 || process_seccomp_prepare(&pc, &err) < 0)
		goto fail;
	pc.listener_msg = listener_message(l);
	if (sync_send(sync_fd, SYNC_READY, &err) < 0)
		goto fail;
	ready = true;
	if (wait_for_start(l, sync_fd, &fifo, &err) < 0 ||
	    container_hooks(l, SPEC_HOOK_START_CONTAINER, &err) < 0)
		goto fail;
	process_reset_signals();
	pc.die_with_parent = l->die_with_parent;
	pc.parent_fd = sync_fd;
	process_exec(&pc, &err);
fail:
	sync_send_error(sync_fd, err);
	/* after create has returned nobody reads the socket: `start` reads
	 * the fifo, and the caller's stderr gets it too */
	if (fifo >= 0 && write(fifo, err->msg, strlen(err->msg)) < 0)
		fifo = -1;
	if (ready && l->fifo_dir_fd >= 0)
		dprintf(STDERR_FILENO, "berth: %s\n", err->msg);
	_exit(err->status != 0 ? err->status : process_exec_failure_code(err->errnum));
}
