/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/lifecycle.c — start, kill, delete, pause/resume.  */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "core/cleanup.h"

#include "core/jsonw.h"
#include "core/log.h"
#include "core/syscalls.h"
#include "runtime/container.h"
#include "runtime/hooks.h"
#include "runtime/notify.h"
#include "runtime/runtime.h"

/* a pidfd for the init, only if it is still the process we started */
static int open_init(struct container *c, struct error **err)
{
	bool zombie;
	int fd = sys_pidfd_open(c->st.pid, 0);

	if (fd < 0)
		return error_set(err, 0, "container not running");
	if (container_pid_start(c->st.pid, &zombie) != c->st.pid_start || zombie) {
		close(fd);
		return error_set(err, 0, "container not running");
	}
	return fd;
}

/* Open the fifo (which lets the waiting init go on) and wait until the
 * init closes it by exec'ing its process — or writes why it could not. */
static int open_fifo(struct container *c, int pidfd, struct error **err)
{
	cleanup_close int fifo = openat(c->dir_fd, "exec.fifo", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	char text[1024];
	ssize_t n;

	if (fifo < 0)
		return error_set(err, errno, "open exec.fifo");
	for (;;) {
		struct pollfd p[2] = {{.fd = fifo, .events = POLLIN},
				      {.fd = pidfd, .events = POLLIN}};

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return error_set(err, errno, "wait for the container init");
		}
		if (p[0].revents & (POLLIN | POLLHUP))
			break;
		/* dead before it even opened the fifo */
		if (p[1].revents & POLLIN)
			return error_set(err, 0, "container init exited before start");
	}
	n = read(fifo, text, sizeof(text) - 1);
	if (n > 0) {
		text[n] = '\0';
		return error_set(err, 0, "start: %s", text);
	}
	return 0;
}

/* NOTIFY_SOCKET set (or the bundle's socket recorded by create, for
 * podman), and the container was created with it: bind its socket before
 * the process can send, relay to the caller (notify.h) */
static int open_notify(struct container *c, struct notify_relay *r, struct error **err)
{
	const char *caller = notify_caller_socket();
	cleanup_free char *recorded = NULL;
	size_t len;

	notify_relay_init(r);
	if (caller == NULL) {
		if (container_read(c, NOTIFY_RECORD_NAME, &recorded, &len, err) < 0) {
			if ((*err)->errnum != ENOENT)
				return -1;
			error_freep(err);
			return 0;
		}
		caller = recorded;
	}
	if (notify_relay_open(r, c->dir_fd, caller, err) < 0)
		return -1;
	r->mainpid = c->st.pid;
	return 0;
}

int rt_start(const struct rt_global *g, const char *id, struct error **err)
{
	struct container c;
	cleanup_close int pidfd = -1;
	struct spec *spec = NULL;
	struct notify_relay notify;
	enum container_status s;
	int rc = -1;

	notify_relay_init(&notify);
	if (container_open(g->root, id, true, &c, err) < 0)
		goto out;
	s = container_status(&c);
	if (s != STATUS_CREATED) {
		error_set(err, 0, "cannot start a container in status %s (must be created)",
			  container_status_name(s));
		goto out;
	}
	pidfd = open_init(&c, err);
	if (pidfd < 0 || open_notify(&c, &notify, err) < 0 || open_fifo(&c, pidfd, err) < 0)
		goto out;
	unlinkat(c.dir_fd, "exec.fifo", 0);
	/* state, kill and delete must not wait for READY=1 */
	flock(c.dir_fd, LOCK_UN);
	spec = container_saved_spec(&c, err);
	if (spec == NULL)
		goto out;
	if (spec->hooks[SPEC_HOOK_POSTSTART].n > 0) {
		cleanup_jsonw struct jsonw *w = jsonw_new();

		spec_state_write(w, &c.st, "running", false);
		hooks_run_warn(spec, SPEC_HOOK_POSTSTART, jsonw_buf(w));
	}
	/* runc's: the caller's TimeoutStartSec bounds a container that never
	 * says READY=1; one that exits first fails start */
	if (notify_relay_active(&notify) && notify_relay_wait_ready(&notify, pidfd, err) < 0)
		goto out;
	rc = 0;
out:
	notify_relay_close(&notify);
	spec_free(spec);
	container_close(&c);
	return rc;
}

/* A process frozen by the cgroup v1 freezer does not die of SIGKILL until
 * it is thawed: a paused container is thawed after a SIGKILL, as runc
 * does (the cgroup2 freezer lets a fatal signal through anyway).  */
static void thaw_after_kill(const struct container *c)
{
	struct cg *cg = NULL;
	struct error *e = NULL;
	bool frozen = false;

	if (container_cgroup_open(c, &cg, &e) == 0 && cg_is_frozen(cg, &frozen, &e) == 0 && frozen)
		cg_freeze(cg, false, &e);
	if (e != NULL)
		log_debug("kill: thaw: %s", e->msg);
	error_free(e);
	cg_free(cg);
}

int rt_kill(const struct rt_global *g, const char *id, int sig, bool all, struct error **err)
{
	struct container c;
	cleanup_close int pidfd = -1;
	int rc = -1;

	if (container_open(g->root, id, false, &c, err) < 0)
		goto out;
	if (all && container_has_cgroup(&c)) {
		struct cg *cg = NULL;

		if (container_status(&c) == STATUS_STOPPED && sig != SIGKILL) {
			error_set(err, 0, "container not running");
			goto out;
		}
		if (container_cgroup_open(&c, &cg, err) == 0)
			rc = cg_signal_all(cg, sig, err);
		cg_free(cg);
		goto out;
	}
	pidfd = open_init(&c, err);
	if (pidfd < 0)
		goto out;
	if (sys_pidfd_send_signal(pidfd, sig) < 0) {
		error_set(err, errno == ESRCH ? 0 : errno,
			  errno == ESRCH ? "container not running" : "kill");
		goto out;
	}
	if (sig == SIGKILL && container_has_cgroup(&c))
		thaw_after_kill(&c);
	rc = 0;
out:
	container_close(&c);
	return rc;
}

/* kill everything of the container and wait until it is gone */
static int stop_all(struct container *c, struct cg *cg, struct error **err)
{
	cleanup_close int pidfd = -1;
	struct error *ignored = NULL;
	struct pollfd p;

	pidfd = open_init(c, &ignored);
	error_free(ignored);
	if (pidfd >= 0)
		sys_pidfd_send_signal(pidfd, SIGKILL);
	/* every other process too; this also thaws a v1 freezer, without
	 * which no frozen process, the init included, could die */
	if (cg != NULL && cg_signal_all(cg, SIGKILL, err) < 0)
		return -1;
	p = (struct pollfd){.fd = pidfd, .events = POLLIN};
	/* a pidfd turns readable when the process has exited */
	while (pidfd >= 0 && poll(&p, 1, 10000) < 0 && errno == EINTR)
		;
	return 0;
}

static void teardown_network(struct container *c)
{
	struct netns_lease lease;
	struct error *e = NULL;

	if (c->st.net_bridge == NULL)
		return;
	memset(&lease, 0, sizeof(lease));
	snprintf(lease.bridge, sizeof(lease.bridge), "%s", c->st.net_bridge);
	snprintf(lease.host_ifname, sizeof(lease.host_ifname), "%s",
		 c->st.net_host_ifname ? c->st.net_host_ifname : "");
	snprintf(lease.address, sizeof(lease.address), "%s",
		 c->st.net_address ? c->st.net_address : "");
	lease.prefix = c->st.net_prefix;
	if (netns_teardown(&lease, c->st.net_ipam_dir, &e) < 0) {
		log_warn("%s", e->msg);
		error_free(e);
	}
}

/* poststop hooks: from the caller's parsed config, or (only when the
 * state says there are some) from the config saved in the state dir */
static void poststop(struct container *c, const struct spec *known)
{
	struct error *e = NULL;
	struct spec *loaded = NULL;
	const struct spec *spec = known;
	cleanup_jsonw struct jsonw *w = NULL;

	if (spec == NULL) {
		if (!c->st.has_poststop)
			return;
		spec = loaded = container_saved_spec(c, &e);
		if (spec == NULL) {
			log_warn("poststop hooks: %s", e->msg);
			error_free(e);
			return;
		}
	}
	if (spec->hooks[SPEC_HOOK_POSTSTOP].n > 0) {
		w = jsonw_new();
		spec_state_write(w, &c->st, "stopped", false);
		hooks_run_warn(spec, SPEC_HOOK_POSTSTOP, jsonw_buf(w));
	}
	spec_free(loaded);
}

static void stop_unit_warn(const struct container *c)
{
	struct error *e = NULL;

	if (cg_stop_unit(c->st.systemd_unit, c->st.systemd_user, &e) < 0)
		log_warn("%s", e->msg);
	error_free(e);
}

int container_teardown(struct container *c, struct cg *cg, const struct spec *spec,
		       struct error **err)
{
	teardown_network(c);
	if (cg != NULL && cg_destroy(cg, err) < 0)
		return -1;
	/* a systemd scope whose cgroup is already gone: still stopped (a
	 * failed one would stay listed, and block the name); a manager gone
	 * away since must not make the container undeletable */
	if (cg == NULL && c->st.systemd_unit != NULL)
		stop_unit_warn(c);
	if (c->st.created != NULL)
		poststop(c, spec);
	return container_remove(c, err);
}

/* A creator killed between making its cgroups and recording them (a
 * crashed runner, kill -9) left directories the state does not name:
 * found from the saved config's cgroupsPath and the id, only those berth
 * marked as its own (cgroups/unrecorded.c).  NULL when there are none.  */
static struct cg *unrecorded_cgroup(const struct rt_global *g, struct container *c)
{
	struct error *e = NULL;
	struct spec *spec;
	struct cg *cg = NULL;

	/* only a creation that never finished (record_init sets created):
	 * a finished one without a cgroup has none to find */
	if (c->st.created != NULL || g->cgroup_manager == CG_MANAGER_DISABLED || g->systemd_cgroup)
		return NULL;
	spec = container_saved_spec(c, &e);
	if (spec == NULL) {
		error_free(e); /* killed before its config was saved: nothing made */
		return NULL;
	}
	if (cg_open_unrecorded(spec->linux.cgroups_path, c->id, g->rootless, &cg, &e) < 0) {
		log_warn("cgroup of \"%s\": %s", c->id, e->msg);
		error_free(e);
	}
	spec_free(spec);
	return cg;
}

int rt_delete(const struct rt_global *g, const char *id, bool force, struct error **err)
{
	struct container c;
	struct cg *cg = NULL;
	enum container_status s;
	int rc = -1;

	if (container_open(g->root, id, true, &c, err) < 0) {
		/* containerd deletes twice (delete, then delete --force): a
		 * forced delete of what is already gone succeeds, as in runc */
		if (force && container_id_check(id, NULL) == 0 &&
		    strstr((*err)->msg, "does not exist") != NULL) {
			error_freep(err);
			rc = 0;
		}
		goto out;
	}
	s = container_status(&c);
	if (!force && (s == STATUS_RUNNING || s == STATUS_PAUSED)) {
		error_set(err, 0, "cannot delete container \"%s\" that is not stopped: %s", id,
			  container_status_name(s));
		goto out;
	}
	if (container_has_cgroup(&c) && container_cgroup_open(&c, &cg, err) < 0) {
		/* already gone is fine: delete must be idempotent */
		error_freep(err);
		cg = NULL;
	}
	if (!container_has_cgroup(&c))
		cg = unrecorded_cgroup(g, &c);
	if (stop_all(&c, cg, err) < 0)
		goto out;
	rc = container_teardown(&c, cg, NULL, err);
out:
	cg_free(cg);
	container_close(&c);
	return rc;
}

int rt_pause(const struct rt_global *g, const char *id, bool pause, struct error **err)
{
	struct container c;
	struct cg *cg = NULL;
	enum container_status s;
	int rc = -1;

	if (container_open(g->root, id, true, &c, err) < 0)
		goto out;
	s = container_status(&c);
	if (pause && s != STATUS_RUNNING && s != STATUS_CREATED) {
		error_set(err, 0, "container not running");
		goto out;
	}
	if (!pause && s != STATUS_PAUSED) {
		error_set(err, 0, "container not paused");
		goto out;
	}
	if (!container_has_cgroup(&c)) {
		error_set(err, 0, "cannot %s container \"%s\": it has no cgroup",
			  pause ? "pause" : "resume", id);
		goto out;
	}
	if (container_cgroup_open(&c, &cg, err) < 0)
		goto out;
	rc = cg_freeze(cg, pause, err);
out:
	cg_free(cg);
	container_close(&c);
	return rc;
}
