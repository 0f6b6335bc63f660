/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/restore.c — `restore`: a container from CRIU images and the
 * bundle's config.json (runc's semantics).
 *
 * The checklist: a state dir and the container's cgroup, made as
 * `create` makes them; then `criu swrk` is started in a mount namespace
 * of its own, where the bundle's root is bound on <state dir>/criu-root
 * (CRIU wants the root to be a mount point: that mount never exists on
 * the host), and moved into the cgroup before it restores anything, so
 * every restored process lands there (cg_root tells CRIU where that is).
 * CRIU restores the tree as berth's child (rst_sibling) and reports the
 * new init's pid; the state records it, and the container is "running".
 * In a new user namespace (CRIU makes it again from the images' maps)
 * CRIU reads the images as that namespace's root: they are opened to it
 * for as long as CRIU runs (criu_acl.c).
 * An overlay root (org.berth.rootfs.layers) is made as `create` makes
 * it, its upper filled from the image dir's rootfs diff, and mounted on
 * <state dir>/merged (the root CRIU is given) instead of the bind, for as
 * long as CRIU runs (criu_rootfs.h).
 * On any failure the restored processes, the cgroup and the state dir
 * are removed again: nothing is left half-restored.  */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/file.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/syscalls.h"
#include "namespaces/ns.h"
#include "rootfs/overlay.h"
#include "runtime/console.h"
#include "runtime/container.h"
#include "runtime/criu.h"
#include "runtime/criu_acl.h"
#include "runtime/criu_net.h"
#include "runtime/criu_rootfs.h"
#include "runtime/criu_spec.h"
#include "runtime/criu_stdio.h"
#include "runtime/runtime.h"
#include "runtime/wait.h"

#define MAX_EXTRA 16

struct restoring {
	const struct rt_global *g;
	const struct rt_criu_opts *o;
	char *config;
	size_t config_len;
	struct spec *spec;
	struct container c;
	bool have_dir;
	struct cg *cg;
	struct criu_net net;  /* a bridged container's new network */
	pid_t pid;	      /* the restored init, once CRIU says */
	int img_fd, work_fd;  /* CRIU opens them through /proc/<berth>/fd */
	int extra[MAX_EXTRA]; /* CRIU's fds 4, 5, ...: inherited by key */
	size_t n_extra;
	char *root_dir; /* <state dir>/criu-root, or the overlay's merged dir */
	bool overlay;	/* an overlay root of the bundle's layers */
	struct rootfs_plan plan;
	char *log_path;
	struct criu_request req;
	char *stdio[3]; /* descriptors.json: the checkpointed init's names */
};

static int load_bundle(struct restoring *rs, struct error **err)
{
	cleanup_free char *path = xasprintf("%s/config.json", rs->o->bundle);

	if (read_file_at(AT_FDCWD, path, &rs->config, &rs->config_len, err) < 0)
		return error_wrap(err, "config.json");
	rs->spec = spec_parse(rs->config, rs->config_len, err);
	if (rs->spec == NULL)
		return -1;
	return 0;
}

/* a stopped container of this id (what a checkpoint leaves) goes first,
 * as runc's checkpoint would have removed it; any other status stays */
static int replace_stopped(const struct restoring *rs, struct error **err)
{
	struct container c;
	enum container_status s;

	if (container_open(rs->g->root, rs->o->id, false, &c, err) < 0) {
		if (strstr((*err)->msg, "does not exist") == NULL)
			return -1;
		error_freep(err);
		container_close(&c);
		return 0;
	}
	s = container_status(&c);
	container_close(&c);
	if (s != STATUS_STOPPED)
		return error_set(err, 0, "container \"%s\" already exists and is %s", rs->o->id,
				 container_status_name(s));
	return rt_delete(rs->g, rs->o->id, false, err);
}

static int fill_state(struct restoring *rs, struct error **err)
{
	struct spec_state *st = &rs->c.st;
	const struct spec *spec = rs->spec;
	cleanup_free char *root = spec->root.path[0] == '/'
					  ? xstrdup(spec->root.path)
					  : xasprintf("%s/%s", rs->o->bundle, spec->root.path);
	char real[PATH_MAX];

	if (rs->overlay)
		snprintf(real, sizeof(real), "%s", rs->plan.root);
	else if (realpath(root, real) == NULL)
		return error_set(err, errno, "root.path '%s'", root);
	st->id = xstrdup(rs->o->id);
	st->bundle = xstrdup(rs->o->bundle);
	st->rootfs = xstrdup(real);
	st->oci_version = xstrdup(spec->oci_version);
	st->owner = xstrdup("");
	st->n_annotations = spec->n_annotations;
	st->annotation_keys = strv_dup(spec->annotation_keys);
	st->annotation_values = strv_dup(spec->annotation_values);
	st->has_poststop = spec->hooks[SPEC_HOOK_POSTSTOP].n > 0;
	/* exec joins the restored user namespace as it joins a created one */
	st->has_userns = ns_creates_userns(spec);
	return 0;
}

static int setup_state(struct restoring *rs, struct error **err)
{
	if (container_new(rs->g->root, rs->o->id, &rs->c, err) < 0) {
		if (rs->c.dir_fd >= 0 && strstr((*err)->msg, "already exists") == NULL)
			rs->have_dir = true;
		return -1;
	}
	rs->have_dir = true;
	if (atomic_write_at(rs->c.dir_fd, "config.json", rs->config, rs->config_len, 0600, err) < 0)
		return error_wrap(err, "save config.json");
	if (rs->overlay) {
		/* the overlay's dirs, its upper filled from the checkpoint */
		if (criu_rootfs_restore_prepare(rs->g, rs->spec, &rs->c, rs->img_fd,
						rs->o->image_path, &rs->plan, err) < 0)
			return -1;
		rs->root_dir = xstrdup(rs->plan.root);
	} else {
		if (mkdirat(rs->c.dir_fd, "criu-root", 0755) < 0)
			return error_set(err, errno, "create '%s/criu-root'", rs->c.dir);
		rs->root_dir = xasprintf("%s/criu-root", rs->c.dir);
	}
	if (fill_state(rs, err) < 0)
		return -1;
	return container_save(&rs->c, err);
}

static int setup_cgroup(struct restoring *rs, struct error **err)
{
	struct cg_request req = {
		.id = rs->o->id,
		.cgroups_path = rs->spec->linux.cgroups_path,
		.resources = rs->spec->linux.has_resources ? &rs->spec->linux.resources : NULL,
		.devices = rs->spec->linux.devices,
		.n_devices = rs->spec->linux.n_devices,
		.manager = rs->g->cgroup_manager,
		.systemd = rs->g->systemd_cgroup,
		.rootless = rs->g->rootless,
	};

	if (cg_create(&req, &rs->cg, err) < 0)
		return -1;
	if (rs->cg != NULL)
		container_cgroup_record(&rs->c, rs->cg);
	return container_save(&rs->c, err);
}

static int add_extra(struct restoring *rs, int fd, struct error **err)
{
	if (rs->n_extra >= MAX_EXTRA)
		return error_set(err, 0, "restore: too many descriptors for CRIU");
	rs->extra[rs->n_extra++] = fd;
	return 0;
}

static int open_dirs(struct restoring *rs, struct error **err)
{
	const struct rt_criu_opts *o = rs->o;

	rs->img_fd = open(o->image_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rs->img_fd < 0)
		return error_set(err, errno, "--image-path '%s'", o->image_path);
	if (o->work_path != NULL) {
		if (mkdir_p(o->work_path, 0700, err) < 0)
			return error_wrap(err, "--work-path");
		rs->work_fd = open(o->work_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (rs->work_fd < 0)
			return error_set(err, errno, "--work-path '%s'", o->work_path);
	}
	rs->log_path =
		xasprintf("%s/restore.log", o->work_path != NULL ? o->work_path : o->image_path);
	return criu_rootfs_restore_check(rs->g, rs->spec, rs->img_fd, o->image_path, &rs->overlay,
					 err);
}

/* descriptors.json: an init's stdio that was a pipe (containerd's, a
 * shell's) or a file of the caller's is this berth's own stdio now,
 * handed to CRIU by its name */
static int inherit_stdio(struct restoring *rs, int img, struct error **err)
{
	cleanup_free char *buf = NULL;
	size_t len;

	if (read_file_at(img, CRIU_DESCRIPTORS, &buf, &len, err) < 0 ||
	    spec_descriptors_parse(buf, len, rs->stdio, err) < 0)
		return error_wrap(err, "checkpoint image '%s'", rs->o->image_path);
	for (int fd = 0; fd < 3; fd++) {
		if (!criu_stdio_external(rs->stdio[fd]))
			continue;
		criu_add_inherit(&rs->req, rs->stdio[fd], 4 + (int)rs->n_extra);
		if (add_extra(rs, fd, err) < 0)
			return -1;
	}
	return 0;
}

static int fill_request(struct restoring *rs, struct error **err)
{
	const struct rt_criu_opts *o = rs->o;
	struct criu_request *r = &rs->req;
	int ns_fds[MAX_EXTRA];
	size_t n_ns = 0;

	criu_request_init(r, CRIU_RESTORE);
	r->images_dir_fd = rs->img_fd;
	r->work_dir_fd = rs->work_fd;
	r->log_file = xstrdup("restore.log");
	r->root = xstrdup(rs->root_dir);
	r->rst_sibling = true;
	r->evasive_devices = true;
	r->orphan_pts_master = true;
	r->tcp_established = o->tcp_established;
	r->ext_unix_sk = o->ext_unix_sk;
	r->shell_job = o->shell_job;
	r->file_locks = o->file_locks;
	r->auto_dedup = o->auto_dedup;
	r->cg_mode = (enum criu_cg_mode)o->cg_mode;
	r->empty_ns = CLONE_NEWNET | o->empty_ns;
	/* no second network lock where the dump's still stands */
	if (criu_spec_netns_still_locked(rs->spec, rs->img_fd))
		r->empty_ns &= ~(unsigned)CLONE_NEWNET;
	criu_spec_restore_mounts(r, rs->spec, o->bundle, rs->cg);
	if (inherit_stdio(rs, rs->img_fd, err) < 0)
		return -1;
	/* a bridged container's new network namespace, wired already */
	if (rs->net.netns_fd >= 0) {
		criu_net_request(&rs->net, &rs->c, r, 4 + (int)rs->n_extra);
		if (add_extra(rs, rs->net.netns_fd, err) < 0)
			return -1;
		rs->net.netns_fd = -1; /* closed with the other extra fds */
	}
	/* the namespace fds come after the stdio ones: CRIU numbers them on */
	if (criu_spec_restore_namespaces(r, rs->spec, 4 + (int)rs->n_extra, ns_fds, &n_ns, err) < 0)
		return -1;
	for (size_t i = 0; i < n_ns; i++)
		if (add_extra(rs, ns_fds[i], err) < 0)
			return -1;
	return 0;
}

/* CRIU itself into the container's cgroup, then tell it where that is:
 * the restored tasks go below it (runc reads /proc/PID/cgroup too) */
static int criu_cgroup(struct restoring *rs, pid_t criu, struct error **err)
{
	char path[64];
	cleanup_free char *buf = NULL;
	size_t len;

	if (rs->cg == NULL)
		return 0;
	if (cg_unit(rs->cg, NULL) == NULL && cg_path(rs->cg) != NULL &&
	    cg_enter(rs->cg, criu, err) < 0)
		return -1;
	if (cg_attach(rs->cg, criu, err) < 0)
		return -1;
	container_cgroup_record(&rs->c, rs->cg);
	if (container_save(&rs->c, err) < 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)criu);
	if (read_file_at(AT_FDCWD, path, &buf, &len, err) < 0)
		return -1;
	for (char *line = strtok(buf, "\n"); line != NULL; line = strtok(NULL, "\n")) {
		char *ctrl = strchr(line, ':'), *cgpath;

		if (ctrl == NULL || (cgpath = strchr(ctrl + 1, ':')) == NULL)
			continue;
		*cgpath++ = '\0';
		ctrl++;
		criu_add_cg_root(&rs->req, ctrl[0] != '\0' ? ctrl : NULL, cgpath);
	}
	return 0;
}

static int on_notify(void *arg, const struct criu_reply *n, int fd, struct error **err)
{
	struct restoring *rs = arg;
	int rc = 0;

	if (strcmp(n->script, "post-restore") == 0 && n->pid > 0)
		rs->pid = n->pid;
	if (strcmp(n->script, "orphan-pts-master") == 0 && fd >= 0) {
		/* the restored terminal's master, for the caller as at create */
		if (rs->o->console_socket == NULL)
			rc = error_set(err, 0,
				       "the checkpointed container has a terminal: restore needs "
				       "--console-socket");
		else
			rc = console_send(rs->o->console_socket, fd, err);
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

static int run_criu(struct restoring *rs, struct error **err)
{
	struct criu_session s = {.pid = -1, .sock = -1, .errfd = -1};
	struct criu_spawn sp = {
		.extra_fds = rs->extra, .n_extra = rs->n_extra, .log_path = rs->log_path};
	struct criu_reply reply;
	struct criu_acl_grant *grant = NULL;
	int rc = -1;

	/* CRIU wants the root to be a mount point (runc binds it too); a
	 * private mount namespace for CRIU alone made CRIU 3.17 fail to
	 * mount its cgroup yard, so the bind is on the host for as long as
	 * CRIU runs, and detached right after */
	if (rs->overlay) {
		/* the bundle's layers again, checked as at create, with the
		 * upper the checkpoint's diff filled */
		if (rootfs_overlay_mount(&rs->plan, false, err) < 0)
			return -1;
	} else if (mount(rs->c.st.rootfs, rs->root_dir, NULL, MS_BIND | MS_REC, NULL) < 0) {
		error_set(err, errno, "bind '%s' on '%s'", rs->c.st.rootfs, rs->root_dir);
		return -1;
	}
	/* in a new user namespace CRIU reads the images as its root */
	if (ns_creates_userns(rs->spec) &&
	    criu_acl_grant(rs->img_fd, ns_host_uid(rs->spec, 0), &grant, err) < 0)
		goto out;
	if (criu_net_attach_files(&rs->net, &rs->c, err) < 0 || criu_start(&sp, &s, err) < 0)
		goto out;
	if (criu_cgroup(rs, s.pid, err) < 0)
		goto out;
	if (criu_run(&s, &rs->req, on_notify, rs, &reply, err) < 0)
		goto out;
	if (reply.pid > 0)
		rs->pid = reply.pid;
	if (rs->pid <= 0) {
		error_set(err, 0, "criu: restored, but named no process");
		goto out;
	}
	rc = 0;
out:
	criu_finish(&s);
	criu_acl_revoke(grant);
	criu_net_detach_files(&rs->net, &rs->c);
	umount2(rs->root_dir, MNT_DETACH);
	return rc;
}

static int record(struct restoring *rs, struct error **err)
{
	struct spec_state *st = &rs->c.st;
	bool zombie;
	char now[48];

	st->pid = rs->pid;
	st->pid_start = container_pid_start(rs->pid, &zombie);
	/* the files handed over are berth's own now: named as create names
	 * them, for the next checkpoint (what CRIU restored keeps its name) */
	for (int fd = 0; fd < 3; fd++) {
		char *name = NULL;

		if (rs->stdio[fd] != NULL && criu_stdio_external(rs->stdio[fd]))
			name = criu_stdio_name(getpid(), fd);
		free(st->stdio[fd]);
		st->stdio[fd] =
			name != NULL ? name : xstrdup(rs->stdio[fd] != NULL ? rs->stdio[fd] : "");
	}
	log_rfc3339_now(now, sizeof(now));
	free(st->created);
	st->created = xstrdup(now);
	if (container_save(&rs->c, err) < 0)
		return -1;
	unlinkat(rs->c.dir_fd, "criu-root", AT_REMOVEDIR);
	if (rs->o->pid_file != NULL && rt_write_pid_file(rs->o->pid_file, rs->pid, err) < 0)
		return -1;
	return 0;
}

static void rollback(struct restoring *rs)
{
	struct error *e = NULL;
	int st;

	if (rs->pid > 0)
		kill(rs->pid, SIGKILL);
	/* the cgroup's way before the wait: it thaws what a freezer holds
	 * (a frozen task dies only once thawed) */
	if (rs->cg != NULL && cg_signal_all(rs->cg, SIGKILL, &e) < 0)
		error_freep(&e);
	if (rs->pid > 0)
		waitpid(rs->pid, &st, 0);
	criu_net_undo(&rs->net);
	if (rs->cg != NULL && cg_destroy(rs->cg, &e) < 0) {
		log_warn("rollback: %s", e->msg);
		error_freep(&e);
	}
	if (rs->have_dir && container_remove(&rs->c, &e) < 0) {
		log_warn("rollback: %s", e->msg);
		error_freep(&e);
	}
}

static void restoring_free(struct restoring *rs)
{
	if (rs->img_fd >= 0)
		close(rs->img_fd);
	if (rs->work_fd >= 0)
		close(rs->work_fd);
	/* the namespace fds (after berth's own stdio) are ours too */
	for (size_t i = 0; i < rs->n_extra; i++)
		if (rs->extra[i] > 2)
			close(rs->extra[i]);
	if (rs->net.netns_fd >= 0)
		close(rs->net.netns_fd);
	criu_request_clear(&rs->req);
	rootfs_plan_clear(&rs->plan);
	cg_free(rs->cg);
	container_close(&rs->c);
	spec_free(rs->spec);
	free(rs->config);
	free(rs->root_dir);
	free(rs->log_path);
	for (int fd = 0; fd < 3; fd++)
		free(rs->stdio[fd]);
}

static int restore_steps(struct restoring *rs, struct error **err)
{
	/* the image dir first: what it holds is checked before anything
	 * is made */
	if (load_bundle(rs, err) < 0 || open_dirs(rs, err) < 0 || replace_stopped(rs, err) < 0)
		return -1;
	if (setup_state(rs, err) < 0 || setup_cgroup(rs, err) < 0 ||
	    criu_net_setup(&rs->net, rs->g, rs->spec, &rs->c, rs->img_fd, err) < 0 ||
	    fill_request(rs, err) < 0 || run_criu(rs, err) < 0 || record(rs, err) < 0) {
		rollback(rs);
		return -1;
	}
	return 0;
}

/* in the foreground: the restored init is berth's child (rst_sibling);
 * signals are forwarded to it, and its status is berth's */
static int foreground(const struct rt_global *g, const char *id, pid_t pid, int sigfd,
		      int *exit_status, struct error **err)
{
	struct wait_ctx w = {.pid = pid, .sigfd = sigfd, .timerfd = -1};
	enum wait_end end;
	int status = 0, stop_sig = 0, rc;
	struct error *e = NULL;

	w.pidfd = sys_pidfd_open(pid, 0);
	rc = wait_forward(&w, &status, &end, &stop_sig, err);
	if (w.pidfd >= 0)
		close(w.pidfd);
	if (rc < 0)
		return -1;
	*exit_status = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
	if (rt_delete(g, id, true, &e) < 0)
		error_free(e);
	return 0;
}

int rt_restore(const struct rt_global *g, const struct rt_criu_opts *o, int *exit_status,
	       struct error **err)
{
	struct restoring rs = {.g = g, .o = o, .img_fd = -1, .work_fd = -1, .net.netns_fd = -1};
	cleanup_close int sigfd = -1;
	sigset_t old;
	int rc;

	*exit_status = 0;
	if (geteuid() != 0 || g->rootless)
		return error_set(err, EPERM, "restore needs root (CRIU does)");
	if (container_id_check(o->id, err) < 0)
		return -1;
	rs.c.dir_fd = rs.c.root_fd = -1;
	/* before CRIU starts: no signal to forward is lost */
	if (!o->detach && (sigfd = wait_block_signals(&old, err)) < 0)
		return -1;
	rc = restore_steps(&rs, err);
	if (rc < 0)
		error_wrap(err, "restore \"%s\"", o->id);
	else
		log_debug("restore: \"%s\" from '%s', init %d", o->id, o->image_path, (int)rs.pid);
	restoring_free(&rs);
	if (rc == 0 && !o->detach)
		rc = foreground(g, o->id, rs.pid, sigfd, exit_status, err);
	return rc;
}
