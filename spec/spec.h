/* SPDX-License-Identifier: Apache-2.0 */
/* spec/spec.h — the OCI runtime configuration as berth uses it.
 *
 * spec/ turns config.json (or an exec process JSON, or an update resources
 * JSON) into these typed structs and validates all of it before any
 * namespace or process exists.  Every string the kernel needs decoded
 * (mount options, capability, rlimit, signal, namespace names, seccomp
 * actions/arches/operators) is decoded here, once.  Nothing outside spec/
 * ever sees a JSON value; other modules only read these structs.
 *
 * Optional scalars carry a `set` flag: absent and zero differ in the OCI
 * spec (docker sends zero-valued resources that mean "not set").  */
#ifndef BERTH_SPEC_SPEC_H
#define BERTH_SPEC_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/error.h"

/* gcc and clang predefine `linux` as 1 in GNU modes; struct spec has a
 * member of that name.  (Test for Linux with __linux__.)  */
#undef linux

/* The runtime-spec version berth implements (written by `berth spec`);
 * any 1.x config is accepted.  */
#define SPEC_OCI_VERSION "1.2.0"

struct opt_u64 {
	bool set;
	uint64_t v;
};

struct opt_i64 {
	bool set;
	int64_t v;
};

/* ---- root, mounts ------------------------------------------------------ */

struct spec_root {
	char *path; /* as written: absolute, or relative to the bundle */
	bool readonly;
};

struct spec_idmap {
	uint32_t container_id;
	uint32_t host_id;
	uint32_t size;
};

struct spec_mount {
	char *destination; /* absolute path inside the container */
	char *type;	   /* NULL for a bind mount without a type */
	char *source;	   /* may be NULL (tmpfs, proc, ...) */
	char **options;	   /* raw, NULL-terminated (kept for state/hooks) */

	/* decoded options */
	unsigned long flags;	   /* MS_* to pass to mount(2), incl. MS_BIND|MS_REC */
	unsigned long clear_flags; /* MS_* explicitly cleared ("rw", "suid", ...) */
	unsigned long propagation; /* 0 or MS_SHARED/MS_SLAVE/MS_PRIVATE/MS_UNBINDABLE [|MS_REC] */
	uint64_t rec_attr_set;	   /* MOUNT_ATTR_* set recursively (rro, rnosuid, ...) */
	uint64_t rec_attr_clr;	   /* MOUNT_ATTR_* cleared recursively (rrw, rsuid, ...) */
	bool bind;		   /* MS_BIND given ("bind"/"rbind" or type "bind") */
	char *data;		   /* remaining options, comma-joined, or NULL */
	bool tmpcopyup;		   /* "tmpcopyup": copy the underlying dir's
				       content into the new tmpfs (runc, crun) */

	/* an idmapped bind mount: "idmap"/"ridmap", or uidMappings and
	 * gidMappings given; the source's owners are seen through these
	 * maps, or without them through linux.uidMappings/gidMappings */
	bool idmap;
	bool idmap_recursive; /* "ridmap": every submount too */
	struct spec_idmap *uid_mappings;
	size_t n_uid_mappings;
	struct spec_idmap *gid_mappings;
	size_t n_gid_mappings;
};

/* ---- process ----------------------------------------------------------- */

struct spec_user {
	uint32_t uid;
	uint32_t gid;
	bool has_umask;
	mode_t umask;
	uint32_t *additional_gids;
	size_t n_additional_gids;
};

/* capability sets as bit masks (bit N = capability number N) */
struct spec_capabilities {
	uint64_t bounding;
	uint64_t effective;
	uint64_t permitted;
	uint64_t inheritable;
	uint64_t ambient;
};

struct spec_rlimit {
	int resource; /* RLIMIT_* */
	uint64_t soft;
	uint64_t hard;
};

struct spec_io_priority {
	bool set;
	int class;    /* IOPRIO_CLASS_RT=1, _BE=2, _IDLE=3 */
	int priority; /* 0..7 */
};

struct spec_scheduler {
	bool set;
	int policy; /* SCHED_OTHER, SCHED_FIFO, ... */
	int nice;
	int priority;
	uint64_t flags; /* SCHED_FLAG_* bits */
	uint64_t runtime;
	uint64_t deadline;
	uint64_t period;
};

struct spec_process {
	bool terminal;
	bool has_console_size;
	unsigned int console_height;
	unsigned int console_width;
	struct spec_user user;
	char **args;	       /* non-empty, NULL-terminated */
	char **env;	       /* NULL-terminated ("K=V"), may be empty */
	char *cwd;	       /* absolute */
	bool has_capabilities; /* false: no "capabilities" object at all */
	struct spec_capabilities caps;
	struct spec_rlimit *rlimits;
	size_t n_rlimits;
	bool no_new_privileges;
	struct opt_i64 oom_score_adj;
	char *apparmor_profile; /* NULL or non-empty */
	char *selinux_label;	/* NULL or non-empty */
	struct spec_io_priority io_priority;
	struct spec_scheduler scheduler;
};

/* ---- hooks ------------------------------------------------------------- */

enum spec_hook_kind {
	SPEC_HOOK_PRESTART,
	SPEC_HOOK_CREATE_RUNTIME,
	SPEC_HOOK_CREATE_CONTAINER,
	SPEC_HOOK_START_CONTAINER,
	SPEC_HOOK_POSTSTART,
	SPEC_HOOK_POSTSTOP,
	SPEC_HOOK_KIND_COUNT
};

struct spec_hook {
	char *path;  /* absolute */
	char **args; /* NULL-terminated, may be NULL */
	char **env;  /* NULL-terminated, may be NULL */
	int timeout; /* seconds, 0 = none */
};

struct spec_hook_list {
	struct spec_hook *v;
	size_t n;
};

/* ---- linux: namespaces, ids, devices ----------------------------------- */

enum spec_ns {
	SPEC_NS_USER, /* first: created before the others own them */
	SPEC_NS_PID,
	SPEC_NS_NET,
	SPEC_NS_MNT,
	SPEC_NS_IPC,
	SPEC_NS_UTS,
	SPEC_NS_CGROUP,
	SPEC_NS_TIME,
	SPEC_NS_COUNT
};

struct spec_namespace {
	bool present; /* listed in linux.namespaces */
	char *path;   /* NULL: create a new one; else join (setns) */
};

struct spec_device {
	char type;  /* 'c', 'b', 'u' (unbuffered char), 'p' (fifo) */
	char *path; /* absolute, inside the container */
	int64_t major;
	int64_t minor;
	bool has_file_mode;
	mode_t file_mode; /* permission bits only */
	bool has_uid;
	uint32_t uid;
	bool has_gid;
	uint32_t gid;
};

struct spec_time_offset {
	bool set;
	int64_t secs;
	uint32_t nanosecs;
};

/* ---- linux.resources (applied by cgroups/) ----------------------------- */

enum spec_dev_access {
	SPEC_DEV_READ = 1,
	SPEC_DEV_WRITE = 2,
	SPEC_DEV_MKNOD = 4,
};

struct spec_dev_rule {
	bool allow;
	char type;	     /* 'a' (all), 'c', 'b' */
	int64_t major;	     /* -1: any */
	int64_t minor;	     /* -1: any */
	unsigned int access; /* enum spec_dev_access bits; 0 means "rwm" */
};

struct spec_memory {
	struct opt_i64 limit; /* -1 = unlimited */
	struct opt_i64 reservation;
	struct opt_i64 swap;	   /* memory+swap, as in the OCI spec */
	struct opt_i64 kernel;	   /* v1 only: rejected when non-zero */
	struct opt_i64 kernel_tcp; /* v1 only */
	struct opt_u64 swappiness; /* v1 only */
	bool disable_oom_killer;
	bool use_hierarchy;
	bool check_before_update;
};

struct spec_cpu {
	struct opt_u64 shares;
	struct opt_i64 quota; /* -1 = max */
	struct opt_u64 burst;
	struct opt_u64 period;
	struct opt_i64 realtime_runtime;
	struct opt_u64 realtime_period;
	char *cpus; /* cpuset list or NULL */
	char *mems;
	struct opt_i64 idle;
};

struct spec_weight_device {
	int64_t major;
	int64_t minor;
	struct opt_u64 weight;
	struct opt_u64 leaf_weight;
};

struct spec_throttle_device {
	int64_t major;
	int64_t minor;
	uint64_t rate;
};

struct spec_throttle_list {
	struct spec_throttle_device *v;
	size_t n;
};

struct spec_blkio {
	struct opt_u64 weight;
	struct opt_u64 leaf_weight;
	struct spec_weight_device *weight_devices;
	size_t n_weight_devices;
	struct spec_throttle_list read_bps;
	struct spec_throttle_list write_bps;
	struct spec_throttle_list read_iops;
	struct spec_throttle_list write_iops;
};

struct spec_hugepage_limit {
	char *page_size; /* e.g. "2MB", "1GB" */
	uint64_t limit;
};

struct spec_net_priority {
	char *name; /* an interface name: no '/', no white space */
	uint32_t priority;
};

struct spec_rdma_limit {
	char *device;
	struct opt_u64 hca_handles;
	struct opt_u64 hca_objects;
};

struct spec_resources {
	struct spec_dev_rule *devices;
	size_t n_devices;
	bool has_memory;
	struct spec_memory memory;
	bool has_cpu;
	struct spec_cpu cpu;
	struct opt_i64 pids_limit; /* <= 0 means unlimited */
	bool has_blkio;
	struct spec_blkio blkio;
	struct spec_hugepage_limit *hugepages;
	size_t n_hugepages;
	struct spec_rdma_limit *rdma;
	size_t n_rdma;
	char **unified_keys; /* validated names: no '/', no ".." */
	char **unified_values;
	size_t n_unified;
	bool has_network; /* v1 net_cls/net_prio: ignored on a pure v2 host */
	struct opt_u64 net_class_id;
	struct spec_net_priority *net_priorities;
	size_t n_net_priorities;
};

/* ---- linux.seccomp ----------------------------------------------------- */

/* The config's name of an SCMP_ARCH_* value ("SCMP_ARCH_X86_64"), or
 * "architecture" for one berth does not know.  */
const char *spec_seccomp_arch_name(uint32_t arch);

struct spec_seccomp_arg {
	unsigned int index; /* 0..5 */
	uint64_t value;
	uint64_t value_two;
	int op; /* enum scmp_compare */
};

struct spec_seccomp_rule {
	char **names;	 /* NULL-terminated; resolved at load time */
	uint32_t action; /* full SCMP_ACT_* value, errno folded in */
	struct spec_seccomp_arg *args;
	size_t n_args;
};

struct spec_seccomp {
	uint32_t default_action; /* full SCMP_ACT_* value */
	uint32_t *arches;	 /* SCMP_ARCH_* values */
	size_t n_arches;
	uint32_t flags;	     /* SECCOMP_FILTER_FLAG_* bits */
	bool has_flags;	     /* "flags" given, even empty: without it
					   runc and crun add SPEC_ALLOW */
	char *listener_path; /* for SCMP_ACT_NOTIFY, or NULL */
	char *listener_metadata;
	struct spec_seccomp_rule *rules;
	size_t n_rules;
	bool uses_notify; /* some action is SCMP_ACT_NOTIFY */
	/* spec_parse_saved(): the rules were not decoded (n_rules is 0, and
	 * means nothing); such a profile is never compiled */
	bool rules_deferred;
};

/* A profile spec_parse() did not make (the sandbox's, built directly),
 * freed as spec_free() frees one it made.  */
void spec_seccomp_free(struct spec_seccomp *s);

/* ---- linux ------------------------------------------------------------- */

struct spec_linux {
	struct spec_namespace ns[SPEC_NS_COUNT];
	struct spec_idmap *uid_mappings;
	size_t n_uid_mappings;
	struct spec_idmap *gid_mappings;
	size_t n_gid_mappings;
	struct spec_time_offset time_monotonic;
	struct spec_time_offset time_boottime;
	struct spec_device *devices;
	size_t n_devices;
	char *cgroups_path; /* NULL: default */
	bool has_resources;
	struct spec_resources resources;
	char **sysctl_keys; /* dotted form, also when written with
					   '/'; a dot inside a name is '/'
					   ("net.ipv4.conf.eth0/100.rp_filter"):
					   swap '.' and '/' for /proc/sys */
	char **sysctl_values;
	size_t n_sysctl;
	struct spec_seccomp *seccomp;	  /* NULL: no seccomp */
	unsigned long rootfs_propagation; /* MS_* | MS_REC, 0 = default (rprivate) */
	char **masked_paths;		  /* NULL-terminated */
	char **readonly_paths;		  /* NULL-terminated */
	char *mount_label;		  /* NULL or non-empty */
	bool has_personality;
	unsigned long personality; /* PER_LINUX or PER_LINUX32 */
};

/* ---- the whole config -------------------------------------------------- */

struct spec {
	char *oci_version;
	struct spec_root root;
	struct spec_mount *mounts;
	size_t n_mounts;
	struct spec_process *process; /* required: never NULL after spec_parse */
	char *hostname;		      /* NULL or as given */
	char *domainname;
	struct spec_hook_list hooks[SPEC_HOOK_KIND_COUNT];
	char **annotation_keys;
	char **annotation_values;
	size_t n_annotations;
	bool has_linux;
	struct spec_linux linux;
};

/* Parse and validate a config.json text.  Errors read
 *   "config.json: process.args: must be a non-empty array of strings"
 * (the JSON path, then the reason).  The result is never modified after. */
struct spec *spec_parse(const char *json, size_t len, struct error **err);

/* The same, for the config a container's state keeps (read by exec): the
 * seccomp profile's rules (linux.seccomp.syscalls, most of a Docker-sized
 * config) are read and checked as JSON but not decoded, and the profile
 * says so (rules_deferred).  Its program comes from the seccomp cache
 * under the key the state names; else from spec_parse() of the same text. */
struct spec *spec_parse_saved(const char *json, size_t len, struct error **err);

/* Read <bundle>/config.json and spec_parse() it.  */
struct spec *spec_load(const char *bundle, struct error **err);

void spec_free(struct spec *spec);

/* An exec process JSON (runc exec --process FILE): the same object as
 * config.json's "process", validated the same way; `source` prefixes the
 * messages (e.g. "process.json").  */
struct spec_process *spec_process_parse(const char *json, size_t len, const char *source,
					struct error **err);
void spec_process_free(struct spec_process *process);

/* A LinuxResources JSON (runc update --resources FILE|-).  */
struct spec_resources *spec_resources_parse(const char *json, size_t len, const char *source,
					    struct error **err);
void spec_resources_free(struct spec_resources *res);

/* The config.json `berth spec` writes (like `runc spec`), pretty-printed,
 * NUL-terminated, malloc'd.  rootless: a user namespace mapping the
 * caller to root, no network namespace, no resources.  */
char *spec_default_json(bool rootless, uint32_t uid, uint32_t gid);

/* ---- writing configs (berth spec, berth sandbox) ------------------------ */

struct jsonw;

/* "key": [{"containerID": 0, "hostID": host_id, "size": 1}] */
void spec_write_idmap(struct jsonw *w, const char *key, uint32_t host_id);

/* "devices": [{"allow": false, "access": "rwm"}], inside "resources" */
void spec_write_devices_deny_all(struct jsonw *w);

/* The maskedPaths and readonlyPaths of a default config, NULL-ended:
 * runc's and docker's lists together. */
extern const char *const spec_default_masked[];
extern const char *const spec_default_readonly[];

/* ---- decoders shared with cmd/ and runtime/ ---------------------------- */

/* "9", "KILL", "SIGKILL", "RTMIN+3", "SIGRTMAX-1" -> signal number */
int spec_signal_parse(const char *name, int *sig, struct error **err);

/* "CAP_SYS_ADMIN" -> 21.  Names known to berth but above the running
 * kernel's cap_last_cap are accepted here; the launcher drops them.  */
int spec_capability_parse(const char *name, int *cap, struct error **err);
const char *spec_capability_name(int cap); /* NULL if unknown */
int spec_capability_last(void);		   /* highest number berth knows */

const char *spec_ns_name(enum spec_ns ns);		   /* "pid", "network", ... */
int spec_ns_clone_flag(enum spec_ns ns);		   /* CLONE_NEWPID, ... */
const char *spec_ns_proc_name(enum spec_ns ns);		   /* "pid", "net", "mnt", ... */
const char *spec_hook_kind_name(enum spec_hook_kind kind); /* "prestart", ... */

/* Decode one mount's option list into m->flags, clear_flags,
 * propagation, rec_attr_*, bind, tmpcopyup, idmap and data (m->type is
 * read: type "bind" alone makes a bind mount, as in crun).  Later options
 * win.  crun's "idmap=uids=...;gids=..." form fails: mappings go in
 * uidMappings/gidMappings.  `where` names the mount in errors
 * ("mounts[2].options").  */
int spec_mount_options_decode(struct spec_mount *m, char *const *options, const char *where,
			      struct error **err);

/* ---- command-line values (flags.c) ------------------------------------- */
/* cmd/ parses every flag value with these: errors name `flag` and quote
 * the value ("--memory: \"12x\" is not a size (e.g. 512m, 1.5g)").  */

/* an integer in lo..hi */
int spec_flag_int(const char *flag, const char *s, int64_t lo, int64_t hi, int64_t *out,
		  struct error **err);
/* "512m", "1.5g", "1024", "2k"... in bytes (binary units, an optional
 * trailing b); "-1" as -1 when `unlimited` */
int spec_flag_size(const char *flag, const char *s, bool unlimited, int64_t *out,
		   struct error **err);
/* "500ms", "30s", "1m30s", "1h", "1.5h" (Go's units) or a bare number of
 * seconds, into milliseconds (at least 1) */
int spec_flag_duration(const char *flag, const char *s, uint64_t *ms, struct error **err);
/* "1.5" CPUs into milli-CPUs */
int spec_flag_cpus(const char *flag, const char *s, uint64_t *milli, struct error **err);
/* a numeric uid or gid (0..4294967294), and UID[:GID] */
int spec_flag_id(const char *flag, const char *s, uint32_t *id, struct error **err);
int spec_flag_user(const char *flag, const char *s, uint32_t *uid, uint32_t *gid, bool *has_gid,
		   struct error **err);
/* "CAP_NET_ADMIN", "NET_ADMIN", "net_admin" */
int spec_flag_capability(const char *flag, const char *s, int *cap, struct error **err);

/* exec --cgroup [CONTROLLER[,CONTROLLER]:]PATH: PATH (leading '/' taken
 * off) below the container's cgroup, never leaving it; *controllers NULL
 * without a prefix.  Both malloc'd.  */
int spec_flag_subcgroup(const char *flag, const char *s, char **controllers, char **path,
			struct error **err);

/* ---- sandbox's docker-like flags (flags_sandbox.c) --------------------- */
/* --tmpfs DST[:size=SIZE,mode=OCTAL,ro,noexec,...]: DST absolute (no
 * ".."), *options the mount options ("size=" in bytes), NULL if none */
int spec_flag_tmpfs(const char *flag, const char *s, char **dst, char ***options,
		    struct error **err);
/* --ulimit NAME=SOFT[:HARD] with docker's names (nofile, nproc, core...):
 * *type the RLIMIT_ name; "unlimited" or -1 is RLIM_INFINITY; HARD
 * defaults to SOFT, never below it */
int spec_flag_ulimit(const char *flag, const char *s, const char **type, uint64_t *soft,
		     uint64_t *hard, struct error **err);
/* -e NAME[=VALUE]: a name without blanks before any '='; its length */
int spec_flag_env(const char *flag, const char *s, size_t *name_len, struct error **err);
/* an --env-file's text (docker's format: "#" comments, blank lines,
 * NAME=VALUE, NAME alone to inherit) into its entries, in order  */
int spec_env_file_parse(const char *file, const char *text, size_t len, char ***out,
			struct error **err);

/* runc's `update` flags ("--memory", "--cpu-quota", "--cpuset-cpus", ...,
 * each with its value) as LinuxResources, decoded by the same tables as
 * config.json; errors name the flag.  */
struct spec_resources *spec_resources_from_flags(char *const *flags, char *const *values, size_t n,
						 struct error **err);

/* ---- berth's own annotations (annotations.c) --------------------------- */

/* org.berth.* annotations of a bundle, decoded and checked.  Strings point
 * into the spec.  */
struct spec_ext {
	char **layers; /* org.berth.rootfs.layers, lowest first, or NULL */
	bool overlay_tmpfs;
	bool bridge;		 /* org.berth.network=bridge[=NAME] */
	const char *bridge_name; /* NULL: the default bridge */
	const char *subnet;	 /* NULL: the default */
	unsigned int mtu;	 /* 0: the default */
};

/* Read them; `allow_host` false refuses those that reach the host
 * (layers, network), as the administrator's settings ask.  Unknown
 * org.berth.* keys are refused.  */
int spec_ext_read(const struct spec *spec, bool allow_host, struct spec_ext *ext,
		  struct error **err);
void spec_ext_clear(struct spec_ext *ext);

/* ---- the host administrator's settings (hostconf.c) -------------------- */

struct spec_hostconf {
	/* org.berth.rootfs.layers and org.berth.network*: annotations that
	 * mount host directories or wire host bridges (default true) */
	bool host_annotations;
};

void spec_hostconf_defaults(struct spec_hostconf *conf);

/* The settings file: `env` ($BERTH_CONFIG) when set, else
 * /etc/berth/berth.conf.  */
const char *spec_hostconf_path(const char *env);

/* Read the settings file; a missing file gives the defaults.  */
int spec_hostconf_load(const char *path, struct spec_hostconf *conf, struct error **err);

/* Parse its text ("key = value" lines, '#' comments); errors name
 * `path` and the line.  */
int spec_hostconf_parse(const char *text, const char *path, struct spec_hostconf *conf,
			struct error **err);

#endif
