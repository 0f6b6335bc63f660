/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/container.c — state directory, lock, state.json, status.  */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroups/cgroup.h"
#include "core/cleanup.h"
#include "core/procstat.h"
#include "core/file.h"
#include "core/mem.h"
#include "core/jsonw.h"
#include "netns/netns.h"
#include "runtime/container.h"

int container_id_check(const char *id, struct error **err)
{
	size_t n = strlen(id);

	if (n == 0 || n > 1024 || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
		return error_set(err, 0, "invalid container id \"%s\"", id);
	for (const char *p = id; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("_+.-", *p) != NULL)
			continue;
		return error_set(
			err, 0,
			"invalid container id \"%s\": only letters, digits and _+.- are allowed",
			id);
	}
	return 0;
}

static int lock_dir(struct container *c, bool exclusive, struct error **err)
{
	struct stat st;

	while (flock(c->dir_fd, exclusive ? LOCK_EX : LOCK_SH) < 0) {
		if (errno != EINTR)
			return error_set(err, errno, "lock '%s'", c->dir);
	}
	/* deleted while we waited for the lock */
	if (fstat(c->dir_fd, &st) < 0 || st.st_nlink == 0)
		return error_set(err, 0, "container \"%s\" does not exist", c->id);
	return 0;
}

int container_relock(struct container *c, struct error **err)
{
	return lock_dir(c, true, err);
}

/* State berth trusts (it runs the saved config's hooks) must be its own:
 * owned by the caller and writable by no one else, as systemd checks
 * $XDG_RUNTIME_DIR.  A directory another user planted in /tmp, or made
 * group-writable, is refused, naming what is wrong.  */
static int check_trusted(int fd, const char *path, struct error **err)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return error_set(err, errno, "'%s'", path);
	if (st.st_uid != geteuid())
		return error_set(err, EPERM,
				 "'%s' is owned by uid %u, not by the caller (uid %u): refusing "
				 "to trust its state",
				 path, (unsigned)st.st_uid, (unsigned)geteuid());
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return error_set(err, EPERM,
				 "'%s' has mode %04o: writable by group or others, refusing to "
				 "trust its state",
				 path, (unsigned)(st.st_mode & 07777));
	return 0;
}

/* openat that never follows a symlink in the last component, then the
 * ownership check */
static int open_trusted(int dirfd, const char *name, int flags, const char *path,
			struct error **err)
{
	cleanup_close int fd = openat(dirfd, name, flags | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0) {
		if (errno == ELOOP || errno == ENOTDIR)
			return error_set(err, errno, "'%s' is not a directory or is a symlink",
					 path);
		return error_set(err, errno, "open '%s'", path);
	}
	if (check_trusted(fd, path, err) < 0)
		return -1;
	return steal_fd(fd);
}

int container_root_open(const char *root, bool create, struct error **err)
{
	int fd;

	/* made (with its parents) only when missing: every start opens it
	 * more than once */
	if (create && faccessat(AT_FDCWD, root, F_OK, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT &&
	    mkdir_p(root, 0711, err) < 0)
		return error_wrap(err, "state root");
	fd = open_trusted(AT_FDCWD, root, O_RDONLY | O_DIRECTORY, root, err);
	if (fd < 0)
		return error_wrap(err, "state root");
	return fd;
}

int container_new(const char *root, const char *id, struct container *c, struct error **err)
{
	memset(c, 0, sizeof(*c));
	c->dir_fd = c->root_fd = -1;
	if (container_id_check(id, err) < 0)
		return -1;
	c->id = xstrdup(id);
	c->root_fd = container_root_open(root, true, err);
	if (c->root_fd < 0)
		return -1;
	c->dir = xasprintf("%s/%s", root, id);
	/* 0711: the init, maybe running as a mapped uid in a user
	 * namespace, must reach exec.fifo by name */
	if (mkdirat(c->root_fd, id, 0711) < 0) {
		if (errno == EEXIST)
			return error_set(err, 0, "container \"%s\" already exists", id);
		return error_set(err, errno, "create state dir '%s'", c->dir);
	}
	c->dir_fd = open_trusted(c->root_fd, id, O_RDONLY | O_DIRECTORY, c->dir, err);
	if (c->dir_fd < 0) {
		/* made group-writable by a default ACL, say: ours to remove */
		unlinkat(c->root_fd, id, AT_REMOVEDIR);
		return error_wrap(err, "state dir");
	}
	return lock_dir(c, true, err);
}

int container_read(struct container *c, const char *name, char **buf, size_t *len,
		   struct error **err)
{
	cleanup_free char *path = xasprintf("%s/%s", c->dir, name);
	cleanup_close int fd = open_trusted(c->dir_fd, name, O_RDONLY, path, err);

	if (fd < 0)
		return -1;
	return read_fd(fd, path, buf, len, err);
}

struct spec *container_saved_spec(struct container *c, struct error **err)
{
	cleanup_free char *buf = NULL;
	size_t len;

	if (container_read(c, "config.json", &buf, &len, err) < 0)
		return NULL;
	return spec_parse(buf, len, err);
}

int container_open(const char *root, const char *id, bool exclusive, struct container *c,
		   struct error **err)
{
	cleanup_free char *buf = NULL;
	size_t len;

	memset(c, 0, sizeof(*c));
	c->dir_fd = c->root_fd = -1;
	if (container_id_check(id, err) < 0)
		return -1;
	c->id = xstrdup(id);
	c->dir = xasprintf("%s/%s", root, id);
	c->root_fd = container_root_open(root, false, err);
	if (c->root_fd < 0) {
		if ((*err)->errnum != ENOENT)
			return -1;
		error_freep(err);
		return error_set(err, 0, "container \"%s\" does not exist", id);
	}
	c->dir_fd = openat(c->root_fd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (c->dir_fd < 0) {
		if (errno == ENOENT)
			return error_set(err, 0, "container \"%s\" does not exist", id);
		return error_set(err, errno, "open state dir '%s'", c->dir);
	}
	if (check_trusted(c->dir_fd, c->dir, err) < 0)
		return error_wrap(err, "state dir");
	if (lock_dir(c, exclusive, err) < 0)
		return -1;
	if (container_read(c, "state.json", &buf, &len, err) < 0) {
		/* a create that died before writing its state: the dir is
		 * there but holds no container yet */
		if ((*err)->errnum == ENOENT) {
			error_freep(err);
			c->st.id = xstrdup(id);
			return 0;
		}
		return error_wrap(err, "container \"%s\"", id);
	}
	if (spec_state_parse(buf, len, &c->st, err) < 0)
		return error_wrap(err, "container \"%s\"", id);
	return 0;
}

int container_save(struct container *c, struct error **err)
{
	cleanup_jsonw struct jsonw *w = jsonw_new();

	spec_state_write(w, &c->st, "created", true);
	return atomic_write_at(c->dir_fd, "state.json", jsonw_buf(w), jsonw_len(w), 0600, err);
}

uint64_t container_pid_start(pid_t pid, bool *zombie)
{
	struct proc_stat ps;

	*zombie = false;
	if (!proc_stat_read(pid, &ps))
		return 0;
	*zombie = ps.state == 'Z' || ps.state == 'X';
	return ps.start;
}

enum container_status container_status_open(struct container *c, struct cg **out)
{
	struct cg *cg = NULL;
	struct error *ignored = NULL;
	bool zombie, frozen = false;
	uint64_t start;
	struct stat st;

	*out = NULL;
	if (c->st.pid <= 0)
		return c->st.created == NULL ? STATUS_CREATING : STATUS_STOPPED;
	start = container_pid_start(c->st.pid, &zombie);
	if (start == 0 || zombie || start != c->st.pid_start)
		return STATUS_STOPPED;
	if (fstatat(c->dir_fd, "exec.fifo", &st, AT_SYMLINK_NOFOLLOW) == 0)
		return STATUS_CREATED;
	if (!container_has_cgroup(c) || container_cgroup_open(c, &cg, &ignored) < 0) {
		error_free(ignored);
		return STATUS_RUNNING;
	}
	if (cg_is_frozen(cg, &frozen, &ignored) < 0)
		error_free(ignored);
	*out = cg;
	return frozen ? STATUS_PAUSED : STATUS_RUNNING;
}

enum container_status container_status(struct container *c)
{
	struct cg *cg = NULL;
	enum container_status s = container_status_open(c, &cg);

	cg_free(cg);
	return s;
}

const char *container_status_name(enum container_status s)
{
	switch (s) {
	case STATUS_CREATING: return "creating";
	case STATUS_CREATED: return "created";
	case STATUS_RUNNING: return "running";
	case STATUS_PAUSED: return "paused";
	default: return "stopped";
	}
}

bool container_has_cgroup(const struct container *c)
{
	return c->st.cgroup != NULL || c->st.n_cgroup_v1 > 0 || c->st.systemd_unit != NULL;
}

int container_cgroup_open(const struct container *c, struct cg **cg, struct error **err)
{
	if (c->st.systemd_unit != NULL)
		return cg_open_unit(c->st.cgroup, c->st.systemd_unit, c->st.systemd_user, cg, err);
	return cg_open(c->st.cgroup, c->st.cgroup_v1_names, c->st.cgroup_v1_paths,
		       c->st.n_cgroup_v1, cg, err);
}

void container_cgroup_record(struct container *c, const struct cg *cg)
{
	struct spec_state *st = &c->st;
	size_t n = cg_v1_count(cg);
	const char *unit = cg_unit(cg, &st->systemd_user);

	for (size_t i = 0; i < st->n_cgroup_v1; i++) {
		free(st->cgroup_v1_names[i]);
		free(st->cgroup_v1_paths[i]);
	}
	free(st->cgroup_v1_names);
	free(st->cgroup_v1_paths);
	free(st->cgroup);
	free(st->systemd_unit);
	st->systemd_unit = unit != NULL ? xstrdup(unit) : NULL;
	st->cgroup = cg_path(cg) != NULL ? xstrdup(cg_path(cg)) : NULL;
	st->cgroup_v1_names = xcalloc(n + 1, sizeof(char *));
	st->cgroup_v1_paths = xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		const char *name, *mount, *path;

		cg_v1_at(cg, i, &name, &mount, &path);
		st->cgroup_v1_names[i] = xstrdup(name);
		st->cgroup_v1_paths[i] = xstrdup(path);
	}
	st->n_cgroup_v1 = n;
}

int container_remove(struct container *c, struct error **err)
{
	/* relative to the root opened and checked once: never by path */
	if (remove_tree_at(c->root_fd, c->id, err) < 0)
		return error_wrap(err, "remove state of \"%s\"", c->id);
	return 0;
}

void container_close(struct container *c)
{
	if (c->dir_fd >= 0)
		close(c->dir_fd);
	if (c->root_fd >= 0)
		close(c->root_fd);
	c->dir_fd = c->root_fd = -1;
	spec_state_clear(&c->st);
	free(c->id);
	free(c->dir);
	c->id = c->dir = NULL;
}

static uint64_t own_pidns(void)
{
	struct stat st;

	return stat("/proc/self/ns/pid", &st) == 0 ? (uint64_t)st.st_ino : 0;
}

uint64_t container_self_start(void)
{
	static uint64_t start;
	bool zombie;

	if (start == 0)
		start = container_pid_start(getpid(), &zombie);
	return start;
}

void container_owner_record(struct spec_state *st)
{
	st->owner_pid = getpid();
	st->owner_start = container_self_start();
	st->owner_pidns = own_pidns();
}

bool container_owner_gone(const struct spec_state *st)
{
	bool zombie;
	uint64_t start;

	if (st->owner_pid <= 0 || st->owner_pidns != own_pidns())
		return false;
	start = container_pid_start(st->owner_pid, &zombie);
	/* a pid reused since has another start time */
	return start == 0 || zombie || start != st->owner_start;
}

void container_lease_record(struct container *c, const struct netns_lease *ls, const char *ipam_dir)
{
	struct spec_state *st = &c->st;

	free(st->net_bridge);
	free(st->net_host_ifname);
	free(st->net_address);
	free(st->net_gateway);
	free(st->net_mac);
	free(st->net_ipam_dir);
	st->net_bridge = xstrdup(ls->bridge);
	st->net_host_ifname = xstrdup(ls->host_ifname);
	st->net_address = xstrdup(ls->address);
	st->net_prefix = ls->prefix;
	st->net_gateway = xstrdup(ls->gateway);
	st->net_mac = xstrdup(ls->mac);
	st->net_ipam_dir = ipam_dir != NULL ? xstrdup(ipam_dir) : NULL;
}
