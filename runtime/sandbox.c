/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/sandbox.c — the sandbox's config, built in memory, and its run.
 * The config goes through spec_parse() like any bundle's: one validator
 * for both.  Profile: sandbox_profile.c.  Waiting, timeout, stats: run.c. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/mem.h"
#include "core/jsonw.h"
#include "runtime/container.h"
#include "runtime/sandbox.h"
#include "runtime/selfexe.h"

/* Docker's default capability set */
static const char *const default_caps[] = {
	"CAP_CHOWN",
	"CAP_DAC_OVERRIDE",
	"CAP_FSETID",
	"CAP_FOWNER",
	"CAP_MKNOD",
	"CAP_NET_RAW",
	"CAP_SETGID",
	"CAP_SETUID",
	"CAP_SETFCAP",
	"CAP_SETPCAP",
	"CAP_NET_BIND_SERVICE",
	"CAP_SYS_CHROOT",
	"CAP_KILL",
	"CAP_AUDIT_WRITE",
	NULL,
};

static void mount(struct jsonw *w, const char *dst, const char *type, const char *src,
		  const char *const *options)
{
	jsonw_obj_open(w);
	jsonw_kv_str(w, "destination", dst);
	jsonw_kv_str(w, "type", type);
	jsonw_kv_str(w, "source", src);
	jsonw_kv_strv(w, "options", options);
	jsonw_obj_close(w);
}

/* the defaults, then the image's Env, --env-file and -e (cmd/sandbox.c
 * joined them in that order): the last of each name wins (execve would
 * keep every copy, and getenv() take the first) */
static void env(struct jsonw *w, const struct rt_sandbox_opts *o)
{
	size_t n_env = strv_len(o->env), n = 0;
	cleanup_free char **all = xcalloc(n_env + 4, sizeof(char *));
	cleanup_free char *home = o->home != NULL ? xasprintf("HOME=%s", o->home) : NULL;

	all[n++] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	if (o->tty)
		all[n++] = "TERM=xterm";
	if (home != NULL)
		all[n++] = home;
	for (size_t i = 0; i < n_env; i++)
		all[n++] = o->env[i];
	jsonw_key(w, "env");
	jsonw_arr_open(w);
	for (size_t i = 0; i < n; i++) {
		size_t name = strcspn(all[i], "=") + 1;
		bool later = false;

		for (size_t j = i + 1; j < n && !later; j++)
			later = strncmp(all[i], all[j], name) == 0;
		if (!later)
			jsonw_str(w, all[i]);
	}
	jsonw_arr_close(w);
}

/* --ulimit NAME=SOFT[:HARD] as process.rlimits */
static int rlimits(struct jsonw *w, char **ulimits, struct error **err)
{
	if (ulimits == NULL || ulimits[0] == NULL)
		return 0;
	jsonw_key(w, "rlimits");
	jsonw_arr_open(w);
	for (char **u = ulimits; *u; u++) {
		const char *type;
		uint64_t soft, hard;

		if (spec_flag_ulimit("--ulimit", *u, &type, &soft, &hard, err) < 0)
			return -1;
		jsonw_obj_open(w);
		jsonw_kv_str(w, "type", type);
		jsonw_kv_uint(w, "soft", soft);
		jsonw_kv_uint(w, "hard", hard);
		jsonw_obj_close(w);
	}
	jsonw_arr_close(w);
	return 0;
}

static int process(struct jsonw *w, const struct rt_sandbox_opts *o, struct error **err)
{
	jsonw_key(w, "process");
	jsonw_obj_open(w);
	jsonw_kv_bool(w, "terminal", o->tty);
	jsonw_key(w, "user");
	jsonw_obj_open(w);
	jsonw_kv_uint(w, "uid", o->has_user ? o->uid : 0);
	jsonw_kv_uint(w, "gid", o->has_user ? o->gid : 0);
	jsonw_obj_close(w);
	jsonw_kv_strv(w, "args", (const char *const *)o->args);
	env(w, o);
	jsonw_kv_str(w, "cwd", o->workdir ? o->workdir : "/");
	jsonw_key(w, "capabilities");
	jsonw_obj_open(w);
	jsonw_kv_strv(w, "bounding", default_caps);
	jsonw_kv_strv(w, "effective", default_caps);
	jsonw_kv_strv(w, "permitted", default_caps);
	jsonw_obj_close(w);
	jsonw_kv_bool(w, "noNewPrivileges", true);
	if (rlimits(w, o->ulimits, err) < 0)
		return -1;
	jsonw_obj_close(w);
	return 0;
}

/* a one-id mapping: the mount's owner `id` as the job's root */
static void one_id(struct jsonw *w, const char *key, unsigned id, unsigned job_root)
{
	jsonw_key(w, key);
	jsonw_arr_open(w);
	jsonw_obj_open(w);
	jsonw_kv_uint(w, "containerID", id);
	jsonw_kv_uint(w, "hostID", job_root);
	jsonw_kv_uint(w, "size", 1);
	jsonw_obj_close(w);
	jsonw_arr_close(w);
}

/* --output-owner: the volume idmapped so that what the job's root (a
 * host id of the range) writes lands on the disk as UID:GID, and what
 * UID:GID owns is the job root's */
static void owned_volume(struct jsonw *w, const char *src, const char *dst, bool ro,
			 const struct rt_sandbox_opts *o, const struct sandbox_ids *ids)
{
	static const char *const rw_opts[] = {"rbind", "rprivate", "nosuid",
					      "nodev", "idmap",	   NULL};
	static const char *const ro_opts[] = {"rbind", "rprivate", "nosuid", "nodev",
					      "ro",    "rro",	   "idmap",  NULL};

	jsonw_obj_open(w);
	jsonw_kv_str(w, "destination", dst);
	jsonw_kv_str(w, "type", "bind");
	jsonw_kv_str(w, "source", src);
	jsonw_kv_strv(w, "options", ro ? ro_opts : rw_opts);
	one_id(w, "uidMappings", o->output_uid, ids->map.uid_start);
	one_id(w, "gidMappings", o->output_gid, ids->map.gid_start);
	jsonw_obj_close(w);
}

/* -v SRC:DST[:ro] -> a recursive bind; both paths must be absolute */
static int volume(struct jsonw *w, const char *spec, const struct rt_sandbox_opts *o,
		  const struct sandbox_ids *ids, struct error **err)
{
	cleanup_free char *copy = xstrdup(spec);
	char *dst = strchr(copy, ':'), *mode;
	static const char *const rw[] = {"rbind", "rprivate", "nosuid", "nodev", NULL};
	static const char *const ro[] = {"rbind", "rprivate", "nosuid", "nodev", "ro", "rro", NULL};

	if (dst == NULL)
		return error_set(err, 0, "-v \"%s\": expected SRC:DST[:ro]", spec);
	*dst++ = '\0';
	mode = strchr(dst, ':');
	if (mode != NULL)
		*mode++ = '\0';
	if (copy[0] != '/' || dst[0] != '/')
		return error_set(err, 0, "-v \"%s\": both paths must be absolute", spec);
	if (mode != NULL && strcmp(mode, "ro") != 0 && strcmp(mode, "rw") != 0)
		return error_set(err, 0, "-v \"%s\": the mode must be ro or rw", spec);
	if (access(copy, F_OK) < 0)
		return error_set(err, errno, "-v \"%s\": '%s'", spec, copy);
	if (o->has_output_owner)
		owned_volume(w, copy, dst, mode && strcmp(mode, "ro") == 0, o, ids);
	else
		mount(w, dst, "bind", copy, mode && strcmp(mode, "ro") == 0 ? ro : rw);
	return 0;
}

/* --tmpfs DST[:OPTIONS]: nosuid, nodev and mode 1777 unless the options
 * say otherwise (a later option wins, as in mount(8)) */
static int tmpfs(struct jsonw *w, const char *spec, struct error **err)
{
	cleanup_free char *dst = NULL;
	cleanup_strv char **given = NULL;
	size_t n = 0;
	cleanup_free const char **opts = NULL;
	bool mode = false;

	if (spec_flag_tmpfs("--tmpfs", spec, &dst, &given, err) < 0)
		return -1;
	opts = xcalloc(strv_len(given) + 4, sizeof(char *));
	opts[n++] = "nosuid";
	opts[n++] = "nodev";
	for (char **g = given; g && *g; g++) {
		opts[n++] = *g;
		mode = mode || strncmp(*g, "mode=", 5) == 0;
	}
	if (!mode)
		opts[n++] = "mode=1777";
	mount(w, dst, "tmpfs", "tmpfs", opts);
	return 0;
}

static int mounts(struct jsonw *w, const struct rt_sandbox_opts *o, const struct sandbox_ids *ids,
		  struct error **err)
{
	static const char *const tmp[] = {"nosuid", "nodev", "mode=1777", NULL};
	bool rootless = ids->rootless;
	/* a sysfs belongs to the network namespace's owner: the host's one
	 * can only be bound */
	bool bind_sys = rootless || (ids->userns && o->network == NETNS_HOST);
	static const char *const proc[] = {"nosuid", "noexec", "nodev", NULL};
	static const char *const dev[] = {"nosuid", "strictatime", "mode=755", "size=65536k", NULL};
	static const char *const pts[] = {"nosuid",    "noexec", "newinstance", "ptmxmode=0666",
					  "mode=0620", "gid=5",	 NULL};
	static const char *const pts_rootless[] = {"nosuid",	    "noexec",	 "newinstance",
						   "ptmxmode=0666", "mode=0620", NULL};
	static const char *const shm[] = {"nosuid",    "noexec",      "nodev",
					  "mode=1777", "size=65536k", NULL};
	static const char *const sys[] = {"nosuid", "noexec", "nodev", "ro", NULL};
	static const char *const sys_rootless[] = {"rbind", "nosuid", "noexec",
						   "nodev", "ro",     NULL};

	jsonw_key(w, "mounts");
	jsonw_arr_open(w);
	mount(w, "/proc", "proc", "proc", proc);
	mount(w, "/dev", "tmpfs", "tmpfs", dev);
	mount(w, "/dev/pts", "devpts", "devpts", rootless ? pts_rootless : pts);
	mount(w, "/dev/shm", "tmpfs", "shm", shm);
	mount(w, "/dev/mqueue", "mqueue", "mqueue", proc);
	if (bind_sys)
		mount(w, "/sys", "bind", "/sys", sys_rootless);
	else
		mount(w, "/sys", "sysfs", "sysfs", sys);
	mount(w, "/sys/fs/cgroup", "cgroup2", "cgroup", sys);
	if (ids->tmp_tmpfs)
		mount(w, "/tmp", "tmpfs", "tmpfs", tmp);
	for (char **t = o->tmpfs; t && *t; t++)
		if (tmpfs(w, *t, err) < 0)
			return -1;
	for (char **v = o->volumes; v && *v; v++)
		if (volume(w, *v, o, ids, err) < 0)
			return -1;
	jsonw_arr_close(w);
	return 0;
}

static void resources(struct jsonw *w, const struct rt_sandbox_opts *o)
{
	jsonw_key(w, "resources");
	jsonw_obj_open(w);
	spec_write_devices_deny_all(w);
	if (o->memory > 0) {
		jsonw_key(w, "memory");
		jsonw_obj_open(w);
		jsonw_kv_int(w, "limit", o->memory);
		jsonw_kv_int(w, "swap", o->memory); /* memory+swap: no swap */
		jsonw_obj_close(w);
	}
	if (o->cpus_milli > 0) {
		jsonw_key(w, "cpu");
		jsonw_obj_open(w);
		jsonw_kv_int(w, "quota", o->cpus_milli * 100);
		jsonw_kv_uint(w, "period", 100000);
		jsonw_obj_close(w);
	}
	if (o->pids > 0) {
		jsonw_key(w, "pids");
		jsonw_obj_open(w);
		jsonw_kv_int(w, "limit", o->pids);
		jsonw_obj_close(w);
	}
	jsonw_obj_close(w);
}

/* container ids 0..count-1 (after the caller's own as 0, rootless) */
static void idmaps(struct jsonw *w, const char *key, const struct ns_subid_map *m, bool uids)
{
	jsonw_key(w, key);
	jsonw_arr_open(w);
	if (m->self) {
		jsonw_obj_open(w);
		jsonw_kv_uint(w, "containerID", 0);
		jsonw_kv_uint(w, "hostID", uids ? m->self_uid : m->self_gid);
		jsonw_kv_uint(w, "size", 1);
		jsonw_obj_close(w);
	}
	jsonw_obj_open(w);
	jsonw_kv_uint(w, "containerID", m->self ? 1 : 0);
	jsonw_kv_uint(w, "hostID", uids ? m->uid_start : m->gid_start);
	jsonw_kv_uint(w, "size", m->count);
	jsonw_obj_close(w);
	jsonw_arr_close(w);
}

static void linux_section(struct jsonw *w, const struct rt_sandbox_opts *o,
			  const struct sandbox_ids *ids, size_t *seccomp_at)
{
	static const char *const ns[] = {"pid", "mount", "ipc", "uts", "cgroup", NULL};

	jsonw_key(w, "linux");
	jsonw_obj_open(w);
	jsonw_key(w, "namespaces");
	jsonw_arr_open(w);
	for (const char *const *n = ns; *n; n++) {
		jsonw_obj_open(w);
		jsonw_kv_str(w, "type", *n);
		jsonw_obj_close(w);
	}
	if (o->network != NETNS_HOST) {
		jsonw_obj_open(w);
		jsonw_kv_str(w, "type", "network");
		if (o->network == NETNS_JOIN)
			jsonw_kv_str(w, "path", o->netns_path);
		jsonw_obj_close(w);
	}
	if (ids->userns) {
		jsonw_obj_open(w);
		jsonw_kv_str(w, "type", "user");
		jsonw_obj_close(w);
	}
	jsonw_arr_close(w);
	if (ids->userns) {
		idmaps(w, "uidMappings", &ids->map, true);
		idmaps(w, "gidMappings", &ids->map, false);
	}
	resources(w, o);
	jsonw_kv_strv(w, "maskedPaths", spec_default_masked);
	jsonw_kv_strv(w, "readonlyPaths", spec_default_readonly);
	/* last in "linux", itself last: the text up to here, closed, is the
	 * config without it (rt_sandbox) */
	*seccomp_at = jsonw_len(w);
	sandbox_seccomp_write(w);
	jsonw_obj_close(w);
}

char *sandbox_config(const struct rt_sandbox_opts *o, const struct sandbox_ids *ids,
		     size_t *seccomp_at, struct error **err)
{
	cleanup_jsonw struct jsonw *w = jsonw_new();

	jsonw_set_pretty(w, true);
	jsonw_obj_open(w);
	jsonw_kv_str(w, "ociVersion", SPEC_OCI_VERSION);
	jsonw_key(w, "root");
	jsonw_obj_open(w);
	jsonw_kv_str(w, "path", "rootfs");
	jsonw_kv_bool(w, "readonly", o->read_only);
	jsonw_obj_close(w);
	if (process(w, o, err) < 0)
		return NULL;
	jsonw_kv_str(w, "hostname", o->hostname ? o->hostname : "sandbox");
	if (mounts(w, o, ids, err) < 0)
		return NULL;
	linux_section(w, o, ids, seccomp_at);
	jsonw_obj_close(w);
	jsonw_raw(w, "\n");
	return xstrdup(jsonw_buf(w));
}

/* --image paths are the caller's own: symlinks and relative paths are
 * resolved here, so the layer check (no symlink) sees the real dirs */
static char **real_layers(char **layers, struct error **err)
{
	size_t n = strv_len(layers);
	char **out = xcalloc(n + 1, sizeof(char *));

	for (size_t i = 0; i < n; i++) {
		out[i] = realpath(layers[i], NULL);
		if (out[i] == NULL) {
			error_set(err, errno, "sandbox: --image '%s'", layers[i]);
			strv_free(out);
			return NULL;
		}
	}
	return out;
}

/* --tmpfs /tmp or -v ...:/tmp: the job's /tmp is the user's choice */
static bool tmp_given(const struct rt_sandbox_opts *o)
{
	for (char **t = o->tmpfs; t && *t; t++)
		if (strncmp(*t, "/tmp", 4) == 0 && strchr(":/", (*t)[4]) != NULL)
			return true;
	for (char **v = o->volumes; v && *v; v++) {
		const char *dst = strchr(*v, ':');

		if (dst != NULL && strncmp(dst + 1, "/tmp", 4) == 0 && strchr(":/", dst[5]) != NULL)
			return true;
	}
	return false;
}

static bool mapped(unsigned id, unsigned self, unsigned start, unsigned count)
{
	return id == self || (id >= start && id - start < count);
}

/* Rootless: the image's /tmp (the top layer that has one decides) owned
 * by an id the job does not map, root's say: the overlay cannot copy it
 * up to write in it (EOVERFLOW), so the job gets a tmpfs there.  */
static bool tmp_unmapped(char *const *layers, const struct ns_subid_map *m)
{
	for (size_t i = strv_len(layers); i-- > 0;) {
		cleanup_free char *tmp = xasprintf("%s/tmp", layers[i]);
		struct stat st;

		if (lstat(tmp, &st) < 0)
			continue;
		return !mapped(st.st_uid, m->self_uid, m->uid_start, m->count) ||
		       !mapped(st.st_gid, m->self_gid, m->gid_start, m->count);
	}
	return false;
}

/* Which ids the job runs with, every flag checked first (nothing is made
 * for a refused run): as root its own range of berth's (made the first
 * time), rootless the caller's, none with --userns host.  */
static int job_ids(const struct rt_global *g, const struct rt_sandbox_opts *o, char *const *layers,
		   struct sandbox_ids *ids, struct error **err)
{
	memset(ids, 0, sizeof(*ids));
	ids->rootless = g->rootless;
	if (o->userns_host && g->rootless)
		return error_set(err, 0,
				 "--userns host: needs root (a rootless job always runs in a user "
				 "namespace)");
	if (o->has_output_owner && g->rootless)
		return error_set(err, 0,
				 "--output-owner: needs root (what a rootless job writes is the "
				 "caller's already)");
	if (o->has_output_owner && o->userns_host)
		return error_set(err, 0,
				 "--output-owner: needs the job's own user namespace, not "
				 "--userns host");
	if (o->userns_host)
		return 0;
	/* joining it takes CAP_SYS_ADMIN over the host's user namespace */
	if (!g->rootless && o->network == NETNS_JOIN)
		return error_set(err, 0,
				 "--network ns:PATH: a job in its own user namespace cannot join "
				 "the host's network namespaces (add --userns host)");
	ids->userns = true;
	if (!g->rootless)
		return ns_sandbox_range(&ids->map, err);
	if (ns_caller_range(&ids->map, err) < 0)
		return -1;
	ids->tmp_tmpfs = !tmp_given(o) && tmp_unmapped(layers, &ids->map);
	return 0;
}

/* The config is berth's, built from flags: an error found in it (by
 * spec/'s validator or a later step) names the flag it came from, never
 * a config.json the user did not write.  */
static void name_the_flag(struct error **err)
{
	static const struct {
		const char *path, *flag;
	} flags[] = {
		{"process.cwd", "--workdir"},	   {"process.user", "--user"},
		{"process.env", "-e/--env-file"},  {"process.rlimits", "--ulimit"},
		{"process.args", "the command"},   {"hostname", "--hostname"},
		{"mounts", "-v/--tmpfs"},	   {"linux.resources.memory", "--memory"},
		{"linux.resources.cpu", "--cpus"}, {"linux.resources.pids", "--pids"},
	};
	const char *msg = *err != NULL ? (*err)->msg : NULL;
	const char *rest, *colon;
	cleanup_free char *text = NULL;

	if (msg == NULL)
		return;
	rest = strncmp(msg, "config.json: ", 13) == 0 ? msg + 13 : msg;
	colon = strstr(rest, ": ");
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]) && colon != NULL; i++) {
		size_t n = strlen(flags[i].path);

		if (strncmp(rest, flags[i].path, n) == 0 && strchr(".[:", rest[n]) != NULL) {
			text = xasprintf("%s: %s", flags[i].flag, colon + 2);
			break;
		}
	}
	if (text == NULL && rest != msg)
		text = xasprintf("sandbox: %s", rest);
	if (text != NULL) {
		int errnum = (*err)->errnum, status = (*err)->status;

		error_set(err, 0, "%s", text);
		(*err)->errnum = errnum;
		(*err)->status = status;
	}
}

/* the layers' real paths and the job's ids */
static int job_layers_ids(const struct rt_global *g, const struct rt_sandbox_opts *o,
			  char ***layers, struct sandbox_ids *ids, struct error **err)
{
	if (o->args == NULL || o->args[0] == NULL)
		return error_set(err, 0, "sandbox: a command is required (after --)");
	if (o->layers == NULL || o->layers[0] == NULL)
		return error_set(err, 0, "sandbox: --image DIR or --rootfs DIR is required");
	*layers = real_layers(o->layers, err);
	if (*layers == NULL)
		return -1;
	return job_ids(g, o, *layers, ids, err);
}

/* berth runs from its protected copy (runtime/selfexe.h) before the job's
 * config is built: the re-exec starts the command over, so whatever came
 * before it (the config written and parsed) would be done twice.  A root
 * job in its own user namespace needs none when its ids cannot write the
 * binary: then berth starts once (cmd/early.c leaves the decision here).  */
static int protect_self(const struct rt_global *g, const struct rt_sandbox_opts *o,
			const struct sandbox_ids *ids, struct error **err)
{
	cleanup_close int root_fd = container_root_open(g->root, true, err);

	if (root_fd < 0)
		return -1;
	/* --output-owner never maps root (cmd/sandbox.c): checked again
	 * here, where the job's reach is decided */
	if (ids->userns && !ids->rootless &&
	    !(o->has_output_owner && (o->output_uid == 0 || o->output_gid == 0)) &&
	    selfexe_job_cannot_write(&ids->map))
		return 0;
	return selfexe_protect(g->root, err);
}

/* The job's root, a host id of the range, walks the state root's path to
 * its writable layer: berth makes the root 0711, but one made before (or
 * by runc-era habits, 0700) would stop the job with EACCES.  Search
 * permission only: nobody else can list it, and each container's files
 * keep their own modes.  */
static int reachable_state_root(const struct rt_global *g, struct error **err)
{
	cleanup_close int fd = container_root_open(g->root, true, err);
	struct stat st;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		return error_set(err, errno, "state root '%s'", g->root);
	if ((st.st_mode & 0011) == 0011)
		return 0;
	if (fchmod(fd, (st.st_mode & 07777) | 0011) < 0)
		return error_set(err, errno,
				 "state root '%s': make it searchable (o+x) for the job's root",
				 g->root);
	return 0;
}

/* "sandbox-PID-START-NSEC": this berth, by pid and /proc start time, is
 * the job's owner; a later berth's reclaim reads that from the name
 * (reclaim.c) */
static char *job_id(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return xasprintf("sandbox-%d-%llx-%lx", (int)getpid(),
			 (unsigned long long)container_self_start(), (unsigned long)ts.tv_nsec);
}

/* the config as rt_run takes it: the whole text for the state, and the
 * same without its seccomp profile to parse, the profile coming built
 * (it is two thirds of the text and of its parse, and berth's own) */
static void run_config(struct rt_create_opts *co, const char *config, size_t seccomp_at,
		       char **parsed)
{
	co->config_json = config;
	co->config_len = strlen(config);
	*parsed = xasprintf("%.*s}}", (int)seccomp_at, config);
	co->config_parse = *parsed;
	co->config_parse_len = strlen(*parsed);
	co->seccomp = sandbox_seccomp_spec;
}

int rt_sandbox(const struct rt_global *g, const struct rt_sandbox_opts *o, int *exit_status,
	       struct error **err)
{
	cleanup_free char *config = NULL;
	cleanup_free char *parsed = NULL;
	cleanup_strv char **layers = NULL;
	struct sandbox_ids ids;
	size_t seccomp_at = 0;
	cleanup_free char *id = NULL;
	cleanup_free char *cwd = NULL;
	struct netns_request net = {
		.mode = o->network,
		.bridge = o->bridge,
		.state_root = g->root,
	};
	struct rt_create_opts co = {0};

	if (job_layers_ids(g, o, &layers, &ids, err) < 0 ||
	    (!o->print_spec && protect_self(g, o, &ids, err) < 0))
		return -1;
	config = sandbox_config(o, &ids, &seccomp_at, err);
	if (config == NULL)
		return -1;
	if (o->print_spec) {
		fputs(config, stdout);
		return 0;
	}
	if (ids.userns && !g->rootless && reachable_state_root(g, err) < 0)
		return -1;
	if (o->network == NETNS_BRIDGE && g->rootless)
		return error_set(err, 0,
				 "sandbox: --network bridge needs root (a rootless job can use "
				 "--network none)");
	if (o->network == NETNS_PASTA && netns_pasta_check(err) < 0)
		return -1;
	id = job_id();
	cwd = getcwd(NULL, 0);
	net.id = id;
	co.id = id;
	co.bundle = cwd != NULL ? cwd : "/";
	run_config(&co, config, seccomp_at, &parsed);
	co.layers = layers;
	/* as root the layers are idmapped to the job's range: a file the
	 * image gives root is the job's root's (rootless, they are the
	 * caller's, its root's already) */
	co.layers_idmapped = ids.userns && !g->rootless;
	co.overlay_on_tmpfs = o->overlay_tmpfs;
	co.net = &net;
	co.timeout_ms = o->timeout_ms;
	co.stop_grace_ms = o->stop_grace_ms;
	co.stats_file = o->stats_file;
	co.sandbox = true;
	co.init_reaper = o->init;
	if (rt_run(g, &co, exit_status, err) < 0) {
		name_the_flag(err);
		return -1;
	}
	return 0;
}
