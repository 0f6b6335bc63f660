/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/create.c — `create` and `run`: from a bundle to a ready init.
 *
 * The orchestration reads as a checklist; each step lives in its own
 * module.  Everything acquired is recorded in the state file as soon as
 * it exists, so that `delete --force` after a berth killed at any step
 * finds it again; on an error here, rollback() undoes it right away.  */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "runtime/fault.h"
#include "core/file.h"
#include "core/mem.h"
#include "core/log.h"
#include "runtime/selfexe.h"
#include "runtime/sync.h"
#include "namespaces/ns.h"
#include "rootfs/overlay.h"
#include "runtime/console.h"
#include "runtime/container.h"
#include "runtime/criu_stdio.h"
#include "runtime/create.h"
#include "runtime/runtime.h"
#include "runtime/seccomp.h"

/* the sandbox's options, or else the bundle's org.berth.* annotations */
static int extensions(struct creation *cr, struct error **err)
{
	const struct rt_create_opts *o = cr->o;
	struct spec_hostconf conf;

	if (cr->g->host_annotations >= 0)
		conf.host_annotations = cr->g->host_annotations == 1;
	else if (spec_hostconf_load(spec_hostconf_path(getenv("BERTH_CONFIG")), &conf, err) < 0)
		return -1;
	if (spec_ext_read(cr->spec, conf.host_annotations, &cr->ext, err) < 0)
		return -1;
	cr->net = o->net;
	if (cr->net == NULL && cr->ext.bridge) {
		cr->ext_net = (struct netns_request){
			.mode = NETNS_BRIDGE,
			.id = o->id,
			.bridge = cr->ext.bridge_name,
			.subnet = cr->ext.subnet,
			.mtu = cr->ext.mtu,
			.state_root = cr->g->root,
		};
		cr->net = &cr->ext_net;
	}
	if (cr->net != NULL && cr->net->mode == NETNS_BRIDGE && cr->g->rootless)
		return error_set(err, 0,
				 "bridge networking needs root: a rootless container can use no "
				 "network namespace (the host's) or one with only loopback");
	return 0;
}

static int load_config(struct creation *cr, struct error **err)
{
	const struct rt_create_opts *o = cr->o;

	if (o->config_json != NULL) {
		cr->config = xstrdup(o->config_json);
		cr->config_len = o->config_len;
	} else {
		cleanup_free char *path = xasprintf("%s/config.json", o->bundle);

		if (read_file_at(AT_FDCWD, path, &cr->config, &cr->config_len, err) < 0)
			return error_wrap(err, "config.json");
	}
	if (o->config_parse != NULL) {
		cr->spec = spec_parse(o->config_parse, o->config_parse_len, err);
		if (cr->spec != NULL)
			cr->spec->linux.seccomp = o->seccomp();
	} else {
		cr->spec = spec_parse(cr->config, cr->config_len, err);
	}
	if (cr->spec == NULL)
		return -1;
	log_debug("step: config parsed");
	/* the init, and what it execs, must never run berth's own file
	 * (runtime/selfexe.h); the state root is overlayfs' spare layer, so
	 * it must exist first */
	{
		cleanup_close int root_fd = container_root_open(cr->g->root, true, err);

		if (root_fd < 0 || selfexe_protect(cr->g->root, err) < 0)
			return -1;
	}
	return extensions(cr, err);
}

/* which linux.devices the device rules leave unwritable: a node bound
 * from the host in a user namespace is then bound read-only */
static int plan_devices(struct creation *cr, struct error **err)
{
	const struct spec_linux *l = &cr->spec->linux;

	if (l->n_devices == 0)
		return 0;
	cr->rootfs.device_readonly = xcalloc(l->n_devices, sizeof(bool));
	for (size_t i = 0; i < l->n_devices; i++) {
		bool writable;

		if (cg_device_allows(l, &l->devices[i], SPEC_DEV_WRITE, &writable, err) < 0)
			return error_wrap(err, "linux.devices[%zu]", i);
		cr->rootfs.device_readonly[i] = !writable;
	}
	return 0;
}

/* the one rootfs plan: the sandbox's layers, or the bundle's
 * org.berth.rootfs.layers, or its root.path (rootfs/plan.c) */
static int plan_rootfs(struct creation *cr, struct error **err)
{
	const struct rt_create_opts *o = cr->o;
	struct rootfs_plan_request req = {
		.root_path = cr->spec->root.path,
		.bundle = o->bundle,
		.layers = o->layers != NULL ? o->layers : cr->ext.layers,
		.overlay_tmpfs = o->overlay_on_tmpfs || cr->ext.overlay_tmpfs,
		.state_root = cr->g->root,
		.layers_idmapped = o->layers_idmapped,
		.owner_uid = ns_host_uid(cr->spec, 0),
		.owner_gid = ns_host_gid(cr->spec, 0),
		.state_dir = cr->c.dir,
		.state_dir_fd = cr->c.dir_fd,
		.etc_files = cr->net != NULL && cr->net->mode == NETNS_BRIDGE,
		/* a sandbox's job never talks to the caller's service manager */
		.notify = cr->notify_caller != NULL,
	};

	if (rootfs_plan_make(&req, &cr->rootfs, err) < 0)
		return -1;
	if (plan_devices(cr, err) < 0)
		return -1;
	return rt_idmap_prepare(cr->spec, o->bundle, &cr->rootfs, err);
}

static int check_preserved_fds(int n, struct error **err)
{
	for (int fd = 3; fd < 3 + n; fd++)
		if (fcntl(fd, F_GETFD) < 0)
			return error_set(err, errno, "--preserve-fds: fd %d", fd);
	return 0;
}

/* listen fds from systemd socket activation, passed on like runc does:
 * only when they were meant for this very process (LISTEN_PID) */
static int listen_fds(void)
{
	const char *s = getenv("LISTEN_FDS");
	const char *pid = getenv("LISTEN_PID");
	int n = s != NULL ? atoi(s) : 0;

	if (pid == NULL || atoi(pid) != (int)getpid())
		return 0;
	return n > 0 && n < 1024 ? n : 0;
}

/* The socket `start` (or this run) relays the container's sd_notify
 * messages to: the caller's NOTIFY_SOCKET, which must be one it can send
 * to, or else podman's conmon's in the bundle (notify.h).  A sandbox's
 * job never talks to the caller's service manager.  */
static int find_notify(struct creation *cr, struct error **err)
{
	const char *caller = notify_caller_socket();

	if (cr->o->sandbox)
		return 0;
	if (caller != NULL) {
		if (notify_check_caller(caller, err) < 0)
			return -1;
		cr->notify_caller = xstrdup(caller);
		return 0;
	}
	cr->notify_caller = notify_bundle_socket(cr->spec, cr->o->bundle);
	return 0;
}

/* `start` runs without NOTIFY_SOCKET under podman: it finds the bundle's
 * socket here (only in the state dir berth wrote) */
static int record_notify(struct creation *cr, struct error **err)
{
	if (cr->mode != CREATE_DETACHED || cr->notify_caller == NULL ||
	    notify_caller_socket() != NULL)
		return 0;
	if (atomic_write_at(cr->c.dir_fd, NOTIFY_RECORD_NAME, cr->notify_caller,
			    strlen(cr->notify_caller), 0600, err) < 0)
		return error_wrap(err, "save the notify socket");
	return 0;
}

static int check_console(const struct creation *cr, struct error **err)
{
	bool terminal = cr->spec->process->terminal;
	bool detached = cr->mode != CREATE_FOREGROUND;

	if (terminal && detached && cr->o->console_socket == NULL)
		return error_set(err, 0,
				 "process.terminal is true but no --console-socket was given "
				 "(a detached container needs one for its pty)");
	if (!terminal && cr->o->console_socket != NULL)
		return error_set(err, 0, "--console-socket needs process.terminal: true");
	return 0;
}

static int setup_dirs(struct creation *cr, struct error **err)
{
	if (container_new(cr->g->root, cr->o->id, &cr->c, err) < 0) {
		if (cr->c.dir_fd >= 0 && (*err)->msg != NULL &&
		    strstr((*err)->msg, "already exists") == NULL)
			cr->have_dir = true;
		return -1;
	}
	cr->have_dir = true;
	if (atomic_write_at(cr->c.dir_fd, "config.json", cr->config, cr->config_len, 0600, err) < 0)
		return error_wrap(err, "save config.json");
	return 0;
}

static void fill_state(struct creation *cr)
{
	struct spec_state *st = &cr->c.st;
	const struct spec *spec = cr->spec;

	st->id = xstrdup(cr->o->id);
	st->bundle = xstrdup(cr->o->bundle);
	st->rootfs = xstrdup(cr->rootfs.root);
	st->oci_version = xstrdup(spec->oci_version);
	st->owner = xstrdup("");
	st->n_annotations = spec->n_annotations;
	st->annotation_keys = strv_dup(spec->annotation_keys);
	st->annotation_values = strv_dup(spec->annotation_values);
	st->has_userns = ns_creates_userns(spec);
	st->sealed = selfexe_runs_copy();
	st->no_new_keyring = cr->o->no_new_keyring;
	st->has_poststop = spec->hooks[SPEC_HOOK_POSTSTOP].n > 0;
	if (cr->o->sandbox)
		container_owner_record(st);
}

/* SCHED_FIFO/SCHED_RR in a v1 cpu cgroup without realtime cpu time
 * fails in the init with a bare EPERM: say why, before anything runs */
static int check_realtime(const struct creation *cr, struct error **err)
{
	const struct spec_scheduler *s = &cr->spec->process->scheduler;
	const char *where = NULL;

	if (cr->cg == NULL || !s->set || (s->policy != SCHED_FIFO && s->policy != SCHED_RR) ||
	    cg_has_realtime(cr->cg, &where))
		return 0;
	return error_set(err, 0,
			 "process.scheduler: %s needs realtime cpu time, and the container's cpu "
			 "cgroup '%s' has none (cgroup v1 realtime group scheduling: its "
			 "cpu.rt_runtime_us is 0); set linux.resources.cpu.realtimeRuntime, within "
			 "what its parent cgroup has",
			 s->policy == SCHED_FIFO ? "SCHED_FIFO" : "SCHED_RR", where);
}

static int setup_cgroup(struct creation *cr, struct error **err)
{
	struct cg_request req = {
		.id = cr->o->id,
		.cgroups_path = cr->spec->linux.cgroups_path,
		.resources = cr->spec->linux.has_resources ? &cr->spec->linux.resources : NULL,
		.devices = cr->spec->linux.devices,
		.n_devices = cr->spec->linux.n_devices,
		.manager = cr->g->cgroup_manager,
		.systemd = cr->g->systemd_cgroup,
		.rootless = cr->g->rootless,
		.defer_devices = true, /* attached at SYNC_READY: see launch.c */
		/* a sandbox's usage report reads the v1 memory, cpu and pids
		 * cgroups; without one its job needs only what its limits do */
		.v1_needed_only = cr->o->sandbox && cr->o->stats_file == NULL,
	};

	if (cg_create(&req, &cr->cg, err) < 0)
		return -1;
	/* made, not yet recorded: after a berth killed here, delete (and the
	 * sandbox reclaim) finds them by the id (rt_delete, cgroups/unrecorded.c) */
	fault_point("cgroup-made");
	/* an image layer may carry device nodes, and the job has CAP_MKNOD:
	 * as root, only the cgroup device filter keeps the host's disks out
	 * of reach (in a user namespace the kernel refuses devices anyway) */
	if (cr->o->sandbox && cr->cg == NULL && !cr->g->rootless)
		return error_set(err, 0,
				 "sandbox: without a cgroup (--cgroup-manager=disabled) the device "
				 "rules cannot be enforced");
	if (cr->cg != NULL)
		container_cgroup_record(&cr->c, cr->cg);
	if (check_realtime(cr, err) < 0)
		return -1;
	/* from here on delete --force can find the cgroup */
	return container_save(&cr->c, err);
}

static int make_fifo(struct creation *cr, struct error **err)
{
	uid_t uid = ns_host_uid(cr->spec, 0);
	gid_t gid = ns_host_gid(cr->spec, 0);

	if (cr->mode != CREATE_DETACHED)
		return 0;
	if (mkfifoat(cr->c.dir_fd, "exec.fifo", 0600) < 0)
		return error_set(err, errno, "create exec.fifo");
	if (uid == geteuid() && gid == getegid())
		return 0;
	/* the init opens it as the container's root, maybe a mapped uid */
	if (geteuid() == 0) {
		if (fchownat(cr->c.dir_fd, "exec.fifo", uid, gid, 0) < 0)
			return error_set(err, errno, "chown exec.fifo to %u:%u", uid, gid);
		return 0;
	}
	/* rootless, root mapped to a subordinate id: the caller cannot chown,
	 * so let others write; the state root (0700) keeps them away anyway */
	if (fchmodat(cr->c.dir_fd, "exec.fifo", 0622, 0) < 0)
		return error_set(err, errno, "chmod exec.fifo");
	return 0;
}

static int launch(struct creation *cr, struct error **err)
{
	struct launch *l = &cr->l;

	memset(l, 0, sizeof(*l));
	l->spec = cr->spec;
	l->state = &cr->c.st;
	l->rootfs = &cr->rootfs;
	l->cg = cr->cg;
	l->net = cr->net;
	l->lock_fd = cr->c.dir_fd;
	l->fifo_dir_fd = -1;
	if (cr->mode == CREATE_DETACHED) {
		cr->fifo_dir_fd = openat(cr->c.dir_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (cr->fifo_dir_fd < 0)
			return error_set(err, errno, "open state dir");
		l->fifo_dir_fd = cr->fifo_dir_fd;
	}
	l->no_pivot = cr->o->no_pivot;
	l->die_with_parent = cr->o->sandbox && cr->mode == CREATE_FOREGROUND;
	l->reaper = cr->o->init_reaper;
	l->new_keyring = !cr->o->no_new_keyring;
	l->listen_fds = listen_fds();
	l->preserve_fds = cr->o->preserve_fds + l->listen_fds;
	l->etc_dir_fd = cr->rootfs.etc_files != NULL ? cr->c.dir_fd : -1;
	/* the filter before the clone: from the cache, or compiled once for
	 * every later start (runtime/seccomp_cache.c) */
	if (cr->spec->linux.seccomp != NULL &&
	    seccomp_prog_cached(cr->spec->linux.seccomp, cr->c.root_fd, &l->seccomp, err) < 0)
		return -1;
	if (l->seccomp.key[0] != '\0')
		cr->c.st.seccomp_key = xstrdup(l->seccomp.key);
	if (launch_init(l, err) < 0)
		return -1;
	cr->launched = true;
	/* the init has attached its own copies */
	rootfs_plan_close_idmaps(&cr->rootfs);
	return 0;
}

static int record_init(struct creation *cr, struct error **err)
{
	struct spec_state *st = &cr->c.st;
	bool zombie;
	char now[48];

	st->pid = cr->l.pid;
	st->pid_start = container_pid_start(cr->l.pid, &zombie);
	/* what a checkpoint will call the caller's files (only root can
	 * checkpoint, and never a sandbox job): the init waits for start,
	 * so they are still the ones it was given */
	if (geteuid() == 0 && !cr->o->sandbox)
		criu_stdio_record(st, cr->l.pid);
	/* a systemd scope is only where systemd put it now (a user
	 * manager's: below its own cgroup) */
	if (cr->cg != NULL && cg_unit(cr->cg, NULL) != NULL)
		container_cgroup_record(&cr->c, cr->cg);
	log_rfc3339_now(now, sizeof(now));
	st->created = xstrdup(now);
	if (cr->l.has_lease)
		container_lease_record(&cr->c, &cr->l.lease, cr->net->ipam_dir);
	if (container_save(&cr->c, err) < 0)
		return -1;
	if (cr->o->pid_file != NULL && rt_write_pid_file(cr->o->pid_file, cr->l.pid, err) < 0)
		return -1;
	if (cr->o->console_socket != NULL && cr->l.pty_master >= 0) {
		if (console_send(cr->o->console_socket, cr->l.pty_master, err) < 0)
			return -1;
		close(steal_fd(cr->l.pty_master));
	}
	return 0;
}

void creation_rollback(struct creation *cr)
{
	struct error *e = NULL;

	if (cr->launched)
		launch_abort(&cr->l);
	if (cr->cg != NULL && cg_destroy(cr->cg, &e) < 0) {
		log_warn("rollback: %s", e->msg);
		error_freep(&e);
	}
	if (cr->have_dir && container_remove(&cr->c, &e) < 0) {
		log_warn("rollback: %s", e->msg);
		error_freep(&e);
	}
}

void creation_free(struct creation *cr)
{
	if (cr->fifo_dir_fd >= 0)
		close(cr->fifo_dir_fd);
	if (cr->launched)
		launch_done(&cr->l);
	notify_relay_close(&cr->notify);
	free(cr->notify_caller);
	cg_free(cr->cg);
	cr->cg = NULL;
	container_close(&cr->c);
	spec_free(cr->spec);
	free(cr->config);
	rootfs_plan_clear(&cr->rootfs);
	seccomp_prog_clear(&cr->l.seccomp);
	spec_ext_clear(&cr->ext);
	memset(cr, 0, sizeof(*cr));
}

int creation_run(struct creation *cr, struct error **err)
{
	cr->c.dir_fd = cr->c.root_fd = -1;
	notify_relay_init(&cr->notify);
	if (container_id_check(cr->o->id, err) < 0 || load_config(cr, err) < 0 ||
	    host_checks(cr, err) < 0 || check_console(cr, err) < 0 || find_notify(cr, err) < 0 ||
	    check_preserved_fds(cr->o->preserve_fds, err) < 0)
		return -1;
	/* each fault_point: a step a test may kill berth at (runtime/fault.h) */
	if (setup_dirs(cr, err) < 0 || plan_rootfs(cr, err) < 0 || record_notify(cr, err) < 0)
		goto fail;
	fault_point("state-dir");
	log_debug("step: state dir");
	fill_state(cr);
	if (setup_cgroup(cr, err) < 0)
		goto fail;
	fault_point("cgroup");
	log_debug("step: cgroup");
	if (make_fifo(cr, err) < 0)
		goto fail;
	fault_point("fifo");
	if (launch(cr, err) < 0)
		goto fail;
	fault_point("ready");
	if (record_init(cr, err) < 0)
		goto fail;
	fault_point("state");
	log_debug("step: state saved");
	if (cr->mode == CREATE_DETACHED &&
	    (sync_send(cr->l.sync_fd, SYNC_COMMIT, err) < 0 ||
	     sync_expect(cr->l.sync_fd, SYNC_COMMITTED, NULL, err) < 0))
		goto fail;
	return 0;
fail:
	creation_rollback(cr);
	return -1;
}

int rt_create(const struct rt_global *g, const struct rt_create_opts *o, struct error **err)
{
	struct creation cr = {.g = g, .o = o, .mode = CREATE_DETACHED, .fifo_dir_fd = -1};
	int rc = creation_run(&cr, err);

	creation_free(&cr);
	return rc;
}

int rt_write_pid_file(const char *path, pid_t pid, struct error **err)
{
	cleanup_free char *copy = xstrdup(path);
	char *slash = strrchr(copy, '/');
	const char *dir = ".", *base = copy;
	cleanup_close int dfd = -1;
	char num[32];

	if (slash != NULL) {
		*slash = '\0';
		dir = copy[0] ? copy : "/";
		base = slash + 1;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return error_set(err, errno, "pid file '%s'", path);
	snprintf(num, sizeof(num), "%d", (int)pid);
	if (atomic_write_at(dfd, base, num, strlen(num), 0644, err) < 0)
		return error_wrap(err, "pid file '%s'", path);
	return 0;
}
