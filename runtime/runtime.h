/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/runtime.h — the lifecycle verbs, as cmd/ calls them.
 *
 * Each function does one verb end to end and either succeeds or leaves
 * nothing behind (no mount, cgroup, veth, process or state directory).
 * Errors use the phrasings callers match: "container \"x\" does not
 * exist", "container not running".  */
#ifndef BERTH_RUNTIME_RUNTIME_H
#define BERTH_RUNTIME_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroups/cgroup.h"
#include "core/error.h"
#include "netns/netns.h"
#include "spec/spec.h"

struct rt_global {
	const char *root; /* state root (--root) */
	enum cg_manager cgroup_manager;
	bool systemd_cgroup;
	bool rootless; /* not root in the initial user namespace */
	/* org.berth.* annotations that reach the host are honoured (1) or
	 * refused (0), from --host-annotations; -1: the administrator's
	 * settings file decides (spec_hostconf_load) */
	int host_annotations;
};

struct rt_create_opts {
	const char *id;
	const char *bundle;	    /* absolute */
	const char *pid_file;	    /* NULL: none */
	const char *console_socket; /* NULL: none */
	bool no_pivot;
	bool no_new_keyring;
	int preserve_fds;
	bool detach; /* run -d */
	bool keep;   /* run --keep: no delete after exit */
	/* a config built in memory (sandbox) instead of <bundle>/config.json */
	const char *config_json;
	size_t config_len;
	/* the sandbox's: what is parsed is config_json without its
	 * linux.seccomp, which seccomp() builds (the state keeps all of it) */
	const char *config_parse;
	size_t config_parse_len;
	struct spec_seccomp *(*seccomp)(void);
	/* berth's own extensions (sandbox, or the bundle's annotations) */
	const struct netns_request *net;
	char **layers;	      /* lowest layer first */
	bool layers_idmapped; /* through the user namespace's mappings */
	bool overlay_on_tmpfs;
	/* run in the foreground only */
	unsigned timeout_ms;	/* stop the job after this; exit 124 */
	unsigned stop_grace_ms; /* sandbox: SIGTERM (or berth's signal) to SIGKILL */
	const char *stats_file; /* usage report at the end */
	bool sandbox;		/* SIGINT/SIGTERM stop the job, not forward */
	bool init_reaper;	/* sandbox --init: a pid 1 of berth's (reaper.c) */
};

int rt_create(const struct rt_global *g, const struct rt_create_opts *o, struct error **err);
int rt_start(const struct rt_global *g, const char *id, struct error **err);

/* create + start (+ wait and delete, unless detached).  *exit_status is
 * the container's: its code, or 128+N when killed by signal N.  */
int rt_run(const struct rt_global *g, const struct rt_create_opts *o, int *exit_status,
	   struct error **err);

/* Delete every sandbox whose owning berth is gone (reclaim.c): called by
 * every verb, never fails it.  */
void rt_reclaim_orphans(const struct rt_global *g);

int rt_kill(const struct rt_global *g, const char *id, int sig, bool all, struct error **err);
int rt_delete(const struct rt_global *g, const char *id, bool force, struct error **err);
int rt_pause(const struct rt_global *g, const char *id, bool pause, struct error **err);

/* state JSON of one container, or of all (a JSON array), into *out */
int rt_state(const struct rt_global *g, const char *id, char **out, struct error **err);
struct rt_list_entry {
	char *id;
	pid_t pid;
	char *status;
	char *bundle;
	char *created;
	char *owner;
};
int rt_list(const struct rt_global *g, struct rt_list_entry **entries, size_t *n, char **json_out,
	    struct error **err);
void rt_list_free(struct rt_list_entry *entries, size_t n);

int rt_ps(const struct rt_global *g, const char *id, pid_t **pids, size_t *n, struct error **err);
int rt_update(const struct rt_global *g, const char *id, const struct spec_resources *res,
	      struct error **err);
int rt_events(const struct rt_global *g, const char *id, bool stats_only, unsigned interval_ms,
	      struct error **err);

struct rt_exec_opts {
	const char *id;
	const struct spec_process *process; /* --process, or NULL: CLI form */
	/* CLI form: applied on top of the container's config.process */
	char **args;
	char **env; /* appended */
	const char *cwd;
	bool has_user;
	uid_t uid;
	gid_t gid;
	const uint32_t *additional_gids; /* checked by spec_flag_id */
	size_t n_additional_gids;
	int *caps; /* added to every set */
	size_t n_caps;
	bool no_new_privs;
	bool tty;
	const char *apparmor;
	/* both forms */
	/* --cgroup: run in an existing cgroup below the container's; per
	 * entry the controllers ("cpu,cpuacct", or NULL: the cgroup v2
	 * tree) and the path, checked by spec_flag_subcgroup */
	char **sub_cgroup_controllers;
	char **sub_cgroup_paths;
	size_t n_sub_cgroups;
	bool detach;
	const char *pid_file;
	const char *console_socket;
	int preserve_fds;
};

int rt_exec(const struct rt_global *g, const struct rt_exec_opts *o, int *exit_status,
	    struct error **err);

/* checkpoint and restore through CRIU (runc's flags and defaults) */
struct rt_criu_opts {
	const char *id;
	const char *image_path;	 /* absolute; made (0700) when missing */
	const char *work_path;	 /* NULL: the image dir holds the log */
	const char *parent_path; /* checkpoint: relative to image_path */
	bool leave_running, tcp_established, ext_unix_sk, shell_job, file_locks;
	bool pre_dump, auto_dedup;
	int cg_mode;	   /* enum criu_cg_mode (runtime/criu.h) */
	unsigned empty_ns; /* CLONE_NEW* flags asked for by --empty-ns */
	/* restore only */
	const char *bundle; /* absolute */
	bool detach;
	const char *pid_file;
	const char *console_socket;
};

/* Checkpoint a running (or paused) container into image_path.  Without
 * --leave-running or --pre-dump CRIU ends its processes: the container
 * is then "stopped", for `delete` (or a restore).  */
int rt_checkpoint(const struct rt_global *g, const struct rt_criu_opts *o, struct error **err);

/* Restore a container from image_path and the bundle's config.json, as
 * a new container `id` ("running", the restored init's pid in its state,
 * in its own cgroup).  A stopped container of that id (what a checkpoint
 * leaves) is deleted first.  In the foreground: wait, return its exit
 * status in *exit_status, delete it.  On failure nothing is left.  */
int rt_restore(const struct rt_global *g, const struct rt_criu_opts *o, int *exit_status,
	       struct error **err);

/* Write `pid` to `path` atomically, without a trailing newline.  */
int rt_write_pid_file(const char *path, pid_t pid, struct error **err);

/* This host can make an idmapped mount: the kernel has
 * mount_setattr(MOUNT_ATTR_IDMAP) and the root filesystem takes it
 * (`features`; needs CAP_SYS_ADMIN, so false for an unprivileged user).  */
bool rt_idmap_supported(void);

#endif
