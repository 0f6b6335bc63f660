/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/launch.c — the parent's side of starting a container init.
 *
 * One clone3() creates the child in every new namespace at once (the new
 * user namespace owns the others) and, with CLONE_INTO_CGROUP, in its
 * final cgroup: there is never a moment when the container's first
 * process runs outside its limits, and no helper process or re-exec of
 * berth is needed.  */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "runtime/fault.h"
#include "core/file.h"
#include "core/jsonw.h"
#include "core/log.h"
#include "runtime/sync.h"
#include "core/syscalls.h"
#include "namespaces/ns.h"
#include "runtime/hooks.h"
#include "runtime/launch.h"
#include "runtime/seccomp.h"

bool launch_wants_bridge(const struct launch *l)
{
	return ns_new(l->spec, SPEC_NS_NET) && l->net != NULL && l->net->mode == NETNS_BRIDGE;
}

static bool has_runtime_hooks(const struct spec *spec)
{
	return spec->hooks[SPEC_HOOK_PRESTART].n > 0 || spec->hooks[SPEC_HOOK_CREATE_RUNTIME].n > 0;
}

/* The parent enters a pid or time namespace given by path only "for
 * children"; it restores its own afterwards, so hooks it runs later are
 * not born inside the container's namespaces.  */
static int save_for_children(const struct spec *spec, int saved[2], struct error **err)
{
	/* nothing joined: nothing to restore, and no syscalls spent */
	if (!ns_joined(spec, SPEC_NS_PID) && !ns_joined(spec, SPEC_NS_TIME))
		return 0;
	saved[0] = open("/proc/self/ns/pid_for_children", O_RDONLY | O_CLOEXEC);
	saved[1] = open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
	if (saved[0] < 0)
		return error_set(err, errno, "open own pid namespace");
	return 0;
}

static void restore_for_children(int saved[2])
{
	if (saved[0] >= 0) {
		setns(saved[0], CLONE_NEWPID);
		close(saved[0]);
	}
	if (saved[1] >= 0) {
		setns(saved[1], CLONE_NEWTIME);
		close(saved[1]);
	}
}

static pid_t clone_child(struct launch *l, int child_fd, struct error **err)
{
	struct clone_args args = {
		.flags = ns_clone_flags(l->spec) | CLONE_PIDFD,
		.pidfd = (uint64_t)(uintptr_t)&l->pidfd,
		.exit_signal = SIGCHLD,
	};
	pid_t pid;

	/* the cgroup2 part; the v1 ones and a systemd scope: cg_attach() in
	 * parent_setup() */
	if (l->cg != NULL && cg_dirfd(l->cg) >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)cg_dirfd(l->cg);
	}
	pid = sys_clone3(&args);
	if (pid == 0) {
		close(l->sync_fd);
		if (l->lock_fd >= 0)
			close(l->lock_fd);
		init_main(l, child_fd);
	}
	if (pid < 0)
		return error_set(err, errno, "clone3");
	return pid;
}

static int write_oom_score(const struct launch *l, struct error **err)
{
	const struct opt_i64 *adj = &l->spec->process->oom_score_adj;
	char path[64], val[32];

	if (!adj->set)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)l->pid);
	snprintf(val, sizeof(val), "%lld", (long long)adj->v);
	if (write_str_at(AT_FDCWD, path, val, err) < 0) {
		if ((*err)->errnum == EACCES || (*err)->errnum == EPERM)
			return error_set(err, (*err)->errnum,
					 "process.oomScoreAdj: setting %lld (below the "
					 "current value) needs CAP_SYS_RESOURCE, which "
					 "berth does not have",
					 (long long)adj->v);
		return error_wrap(err, "process.oomScoreAdj");
	}
	return 0;
}

/* the container's /etc/hosts, hostname and resolv.conf, bound over its
 * own by the init (rootfs_bind_etc_files) */
static int write_etc_files(struct launch *l, struct error **err)
{
	const char *host = l->spec->hostname != NULL ? l->spec->hostname : l->state->id;

	if (l->etc_dir_fd < 0)
		return 0;
	return netns_write_etc_files(l->etc_dir_fd, &l->lease, host, err);
}

/* bridge: the veth pair, the address and the /etc files, from the parent
 * (the init brings up lo itself otherwise: see init.c) */
static int setup_network(struct launch *l, struct error **err)
{
	char path[64];
	cleanup_close int fd = -1;

	if (l->net != NULL && l->net->mode == NETNS_PASTA && ns_new(l->spec, SPEC_NS_NET))
		return netns_pasta_start(&l->pasta, l->pid, err);
	if (!launch_wants_bridge(l))
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)l->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return error_set(err, errno, "network: open '%s'", path);
	if (netns_bridge_setup(l->net, fd, &l->lease, err) < 0)
		return -1;
	l->has_lease = true;
	return write_etc_files(l, err);
}

/* what the child needs from the parent before it goes on */
static int parent_setup(struct launch *l, struct error **err)
{
	fault_point("clone");
	/* first: the init joins its cgroups (its v1 ones itself, when it
	 * can: cg_init_places_itself()) before it unshares its cgroup
	 * namespace (whose roots are then the container's own cgroups), and
	 * before `create` returns (the shim reads the init's v1 cgroups).
	 * The systemd driver starts the scope with it only now: systemd
	 * makes none without a process (and the clone went into berth's
	 * own cgroup) */
	if (l->cg != NULL && !cg_init_places_itself(l->cg) && cg_attach(l->cg, l->pid, err) < 0)
		return -1;
	if (ns_creates_userns(l->spec) && ns_write_idmaps(l->pid, l->spec, err) < 0)
		return -1;
	if (rt_idmap_layers_send(l, err) < 0)
		return -1;
	if (write_oom_score(l, err) < 0 || setup_network(l, err) < 0)
		return -1;
	fault_point("network");
	return sync_send_value(l->sync_fd, SYNC_PARENT_DONE, l->pid, err);
}

static int runtime_hooks(struct launch *l, struct error **err)
{
	cleanup_jsonw struct jsonw *w = jsonw_new();

	if (sync_expect(l->sync_fd, SYNC_RUNTIME_HOOKS, NULL, err) < 0)
		return -1;
	l->state->pid = l->pid;
	spec_state_write(w, l->state, "creating", false);
	if (hooks_run(l->spec, SPEC_HOOK_PRESTART, jsonw_buf(w), err) < 0 ||
	    hooks_run(l->spec, SPEC_HOOK_CREATE_RUNTIME, jsonw_buf(w), err) < 0) {
		sync_send_error(l->sync_fd, *err);
		return -1;
	}
	return sync_send(l->sync_fd, SYNC_RUNTIME_HOOKS_DONE, err);
}

/* SCMP_ACT_NOTIFY: the init hands its notify fd to the listener itself,
 * when it loads the filter after `start`; the path is reached from here,
 * on the host, before the init is in its own mount namespace.  A listener
 * that is not there fails `create`.  */
static int connect_listener(struct launch *l, struct error **err)
{
	const struct spec_seccomp *sc = l->spec->linux.seccomp;

	l->listener_fd = -1;
	if (sc == NULL || sc->listener_path == NULL)
		return 0;
	l->listener_fd = seccomp_listener_connect(sc->listener_path, err);
	return l->listener_fd < 0 ? -1 : 0;
}

int launch_init(struct launch *l, struct error **err)
{
	int sv[2], saved[2] = {-1, -1};

	l->pid = -1;
	l->pidfd = -1;
	l->pty_master = -1;
	l->has_lease = false;
	l->sync_fd = -1;
	netns_pasta_init(&l->pasta);
	if (connect_listener(l, err) < 0)
		return -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		close(steal_fd(l->listener_fd));
		return error_set(err, errno, "socketpair");
	}
	l->sync_fd = sv[0];
	if (save_for_children(l->spec, saved, err) < 0 || ns_join_for_children(l->spec, err) < 0) {
		restore_for_children(saved);
		close(sv[1]);
		if (l->listener_fd >= 0)
			close(steal_fd(l->listener_fd));
		return -1;
	}
	l->pid = clone_child(l, sv[1], err);
	restore_for_children(saved);
	close(sv[1]);
	/* the init has its own copy: the connection closes when it execs */
	if (l->listener_fd >= 0)
		close(steal_fd(l->listener_fd));
	if (l->pid < 0)
		return -1;
	log_debug("init cloned: pid %d", (int)l->pid);
	/* the verifier checks the device filter while the init builds its
	 * rootfs; attached only once the init has made its nodes */
	if (parent_setup(l, err) < 0 || cg_devices_prepare(l->cg, err) < 0 ||
	    (has_runtime_hooks(l->spec) && runtime_hooks(l, err) < 0) ||
	    (l->spec->process->terminal &&
	     sync_expect(l->sync_fd, SYNC_PTY, &l->pty_master, err) < 0) ||
	    sync_expect(l->sync_fd, SYNC_READY, NULL, err) < 0 ||
	    /* the init made its device nodes: from now on the filter holds,
	     * before any process of the container runs */
	    cg_devices_attach(l->cg, err) < 0) {
		launch_abort(l);
		return -1;
	}
	log_debug("init ready");
	return 0;
}

int launch_start(struct launch *l, struct error **err)
{
	if (sync_send(l->sync_fd, SYNC_START, err) < 0 || sync_expect_eof(l->sync_fd, err) < 0)
		return -1;
	return 0;
}

void launch_abort(struct launch *l)
{
	if (l->pid > 0) {
		if (l->pidfd >= 0)
			sys_pidfd_send_signal(l->pidfd, SIGKILL);
		else
			kill(l->pid, SIGKILL);
		while (waitpid(l->pid, NULL, 0) < 0 && errno == EINTR)
			;
		l->pid = -1;
	}
	if (l->has_lease) {
		struct error *ignored = NULL;

		if (netns_teardown(&l->lease, l->net->ipam_dir, &ignored) < 0) {
			log_warn("%s", ignored->msg);
			error_free(ignored);
		}
		l->has_lease = false;
	}
	launch_done(l);
}

void launch_done(struct launch *l)
{
	netns_pasta_stop(&l->pasta);
	if (l->sync_fd >= 0)
		close(l->sync_fd);
	if (l->pidfd >= 0)
		close(l->pidfd);
	if (l->pty_master >= 0)
		close(l->pty_master);
	l->sync_fd = l->pidfd = l->pty_master = -1;
}
