/* SPDX-License-Identifier: Apache-2.0 */
/* cgroups/internal.h — what the files of cgroups/ share with each other (and
 * with tests/unit/test-cgroups*.c).  Nothing outside cgroups/ includes it.
 *
 *   layout.c     the host's hierarchies (mountinfo, /proc/self/cgroup): the
 *                cgroup2 mount, each v1 hierarchy, each controller's home
 *   hierarchy.c  cgroupsPath -> a path in each hierarchy
 *   convert.c    pure v1 -> v2 value conversions (shares, swap, blkio weight)
 *   plan.c       linux.resources -> the list of cgroupfs writes (common part,
 *                dispatch per controller home; v2 builders: plan_v2.c,
 *                v1 builders: plan_v1.c)
 *   check.c      controller availability along the path (hard/soft policy)
 *   create.c     cg_create, created-dir marks (v1 directories: create_v1.c)
 *   open.c       cg_open, the handle
 *   apply.c      writing a plan, cg_update
 *   devices.c    device rule emulation and eBPF program generation (pure)
 *   devices_v1.c the same rules as devices.allow/deny writes (v1 controller)
 *   bpf.c        loading and attaching the device program (bpf(2))
 *   control.c    enter, freeze, kill, pids (v1 freezer: freezer_v1.c)
 *   stats.c      runc's Stats JSON (v1 sections: stats_v1.c)
 *   events.c     `berth events`
 *   systemd.c    the systemd driver's unit name and properties (pure)
 *   systemd_bus.c  talking to systemd over D-Bus (libdbus-1)
 *   systemd_scope.c  the systemd driver: create, attach, update, stop     */
#ifndef BERTH_CGROUPS_INTERNAL_H
#define BERTH_CGROUPS_INTERNAL_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cgroups/cgroup.h"
#include "core/error.h"
#include "spec/spec.h"

/* CG_CTRL_* bits (plan.c): a controller, whichever hierarchy holds it */
enum cg_ctrl {
	CG_CTRL_CPUSET = 1 << 0,
	CG_CTRL_CPU = 1 << 1,
	CG_CTRL_IO = 1 << 2, /* "blkio" on cgroup v1 */
	CG_CTRL_MEMORY = 1 << 3,
	CG_CTRL_HUGETLB = 1 << 4,
	CG_CTRL_PIDS = 1 << 5,
	CG_CTRL_RDMA = 1 << 6,
	CG_CTRL_MISC = 1 << 7,
	/* cgroup v1 only: v2 has these as core features or not at all */
	CG_CTRL_CPUACCT = 1 << 8,
	CG_CTRL_DEVICES = 1 << 9,
	CG_CTRL_FREEZER = 1 << 10,
	CG_CTRL_NET_CLS = 1 << 11,
	CG_CTRL_NET_PRIO = 1 << 12,
	CG_CTRL_PERF_EVENT = 1 << 13,
};
#define CG_N_CTRLS  14
#define CG_V2_CTRLS 0xffu /* the bits a cgroup2 tree can list */

/* Where a controller lives: the cgroup2 tree, a v1 hierarchy (an index
 * >= 0 into the hierarchy list), or nowhere.  */
/* the parent of every cgroup without a cgroupsPath: /berth/<id> (root;
 * kept when empty, destroy.c) or berth/<id> below a rootless caller's own */
#define CG_DEFAULT_PARENT "berth"

#define CG_HOME_NONE (-2)
#define CG_HOME_V2   (-1)

struct cg_homes {
	int of[CG_N_CTRLS]; /* by bit number */
	int core;	    /* cgroup.* files: CG_HOME_V2 or CG_HOME_NONE */
	bool has_v1;	    /* v1 hierarchies exist (hybrid or v1 host) */
};

/* The home of one CG_CTRL_* bit (0: a core file).  NULL homes: a pure
 * cgroup v2 host, everything in the v2 tree.  */
int cg_home(const struct cg_homes *h, unsigned ctrl);

/* One v1 hierarchy a container has a cgroup in.  */
struct cg_v1dir {
	char *name;	/* "memory", "cpu,cpuacct", "name=systemd" */
	char *mount;	/* where the hierarchy is mounted */
	char *path;	/* the container's cgroup, absolute */
	unsigned ctrls; /* CG_CTRL_* bits; 0 for a named hierarchy */
	int dirfd;	/* O_RDONLY|O_DIRECTORY */
};

struct cg_pending; /* systemd_scope.c */

struct cg {
	/* the cgroup2 part; NULL/-1 on a host without one (v1 only) */
	char *path;  /* absolute, e.g. /sys/fs/cgroup/berth/abc */
	char *mount; /* the cgroup2 mount point it lives under */
	int dirfd;   /* O_RDONLY|O_DIRECTORY: file access and bpf */
	int pathfd;  /* O_PATH|O_DIRECTORY: CLONE_INTO_CGROUP */
	/* the v1 part: one cgroup per mounted v1 hierarchy (hybrid, v1) */
	struct cg_v1dir *v1;
	size_t n_v1;
	struct cg_homes homes; /* each controller's home for this cgroup */
	bool rootless;	       /* no device filter: bpf needs CAP_SYS_ADMIN */
	/* a device filter waiting for cg_devices_attach() (the request's
	 * rules: valid as long as the request's spec) */
	bool devices_pending;
	int dev_prog; /* its program, loaded ahead by cg_devices_prepare(); -1 */
	const struct spec_dev_rule *dev_rules;
	size_t n_dev_rules;
	const struct spec_device *devs;
	size_t n_devs;
	/* the systemd driver: the scope (NULL: cgroupfs), of the user's own
	 * manager?, and what cg_attach() still has to do (NULL once done) */
	char *unit;
	bool unit_user;
	struct cg_pending *pending;
};

/* for messages: the v2 path, else the first v1 one */
static inline const char *cg_where(const struct cg *cg)
{
	if (cg->path != NULL)
		return cg->path;
	return cg->n_v1 > 0 ? cg->v1[0].path : "?";
}

/* open.c: a handle on existing directories: the v2 one (path may be NULL)
 * and the v1 ones (moved into the handle; their fds opened here) */
int cg_alloc(const char *path, const char *mount, struct cg_v1dir *v1, size_t n_v1, bool rootless,
	     struct cg **out, struct error **err);

/* The v1 directory holding a controller, or NULL */
const struct cg_v1dir *cg_v1_of(const struct cg *cg, unsigned ctrl);

/* An fd for a controller's files: its v1 directory, else the v2 one (-1
 * when the cgroup has neither).  */
int cg_fd_of(const struct cg *cg, unsigned ctrl);

/* The homes of an open cgroup: its v1 directories, the rest in v2. */
void cg_homes_of_cg(const struct cg *cg, struct cg_homes *h);

/* ---- layout.c ---------------------------------------------------------- */

/* One mounted cgroup v1 hierarchy.  */
struct cg_v1h {
	char *name;	/* its controllers as mounted ("cpu,cpuacct") or
			   "name=X" */
	char *mount;	/* mount point */
	char *own;	/* berth's own cgroup in it, relative to the mount */
	unsigned ctrls; /* CG_CTRL_* bits */
	bool unusable;	/* rootless without delegation: no cgroup here */
};

struct cg_layout {
	char *mount;	   /* cgroup2 mount point, NULL when there is none */
	char *own;	   /* berth's cgroup below it: "/" or "/a/b" */
	bool hybrid;	   /* cgroup v1 hierarchies are mounted as well */
	unsigned v2_ctrls; /* the controllers of the cgroup2 root */
	struct cg_v1h *v1; /* the v1 hierarchies berth joins */
	size_t n_v1;
};

/* The host's layout: /proc/self/cgroup, /proc/self/mountinfo (but on a
 * pure cgroup2 host, cg_layout_pure_v2) and the cgroup2 root's
 * cgroup.controllers.  */
int cg_layout_find(struct cg_layout *l, struct error **err);

/* The same from their texts (pure; v2_ctrls: the cgroup2 root's
 * cgroup.controllers, NULL when unknown).  */
int cg_layout_parse(const char *mountinfo, const char *proc_cgroup, const char *v2_ctrls,
		    struct cg_layout *l, struct error **err);

/* A pure cgroup2 host's layout without the mount table: /proc/self/cgroup's
 * text has the "0::" line alone and `point` is where the visible cgroup2
 * mount is mounted (statmount, Linux 6.8+).  false: the table must be read
 * (l left empty).  v2_ctrls is not filled.  */
bool cg_layout_pure_v2(const char *proc_cgroup, const char *point, struct cg_layout *l);
void cg_layout_clear(struct cg_layout *l);

/* Each controller's home: in the v2 tree if its root lists it, else the
 * v1 hierarchy that has it, else none.  */
void cg_layout_homes(const struct cg_layout *l, struct cg_homes *h);

/* "rw,cpu,cpuacct" -> CG_CTRL_CPU|CG_CTRL_CPUACCT, *name "cpu,cpuacct"
 * (malloc'd; the options that name the hierarchy, nothing else).  0 and
 * NULL name when it names nothing berth joins.  */
unsigned cg_v1_options(const char *super_opts, char **name);

/* The v1 name of a controller bit ("blkio" for CG_CTRL_IO) */
const char *cg_ctrl_v1_name(unsigned ctrl);

/* The cgroup2 mount point that holds `path` (longest prefix), or NULL. */
char *cg_mount_of(const char *path);

/* ---- hierarchy.c ------------------------------------------------------- */

/* cgroupsPath -> a clean path below the cgroup2 mount ("/berth/abc"); see
 * cg_create() for the rules.  */
int cg_path_resolve(const struct cg_layout *l, const char *cgroups_path, const char *id,
		    bool systemd, bool rootless, char **rel, struct error **err);

/* The same path in a v1 hierarchy: absolute -> as is; relative -> below
 * berth's OWN cgroup there (runc's rule: v1 has no no-internal-process
 * rule, so a cgroup's processes may have children cgroups).  */
int cg_path_resolve_v1(const struct cg_v1h *h, const char *cgroups_path, const char *id,
		       bool rootless, char **rel, struct error **err);

/* ---- convert.c --------------------------------------------------------- */

/* cpu.shares (2..262144) -> cpu.weight (1..10000); 0 stays 0 (unset).
 * runc >= 1.3 / crun >= 1.23 quadratic fit in log space: 2 -> 1,
 * 1024 -> 100, 262144 -> 10000.  */
uint64_t cg_shares_to_weight(uint64_t shares);

/* blkio weight (10..1000) -> io.weight (1..10000); 0 stays 0.  */
uint64_t cg_blkio_to_io_weight(uint64_t weight);

/* OCI memory.swap is memory+swap; memory.swap.max is swap alone.
 * Returns 0 and *swap (-1 = max, 0 = not set) or -1 with a message.  */
int cg_swap_to_v2(int64_t memory_swap, int64_t memory, int64_t *swap, struct error **err);

/* ---- plan.c ------------------------------------------------------------ */

const char *cg_ctrl_name(unsigned ctrl);		  /* one bit -> "memory" */
unsigned cg_ctrl_from_name(const char *name, size_t len); /* 0: unknown */
unsigned cg_ctrl_parse_list(const char *text);		  /* "cpu io memory" */

enum cg_kind {
	CG_HARD,    /* a limit: missing controller -> error */
	CG_SOFT,    /* a weight: missing controller -> warning, skipped */
	CG_DEFAULT, /* the fresh-cgroup default ("max"): skipped silently */
};

struct cg_write {
	unsigned ctrl; /* CG_CTRL_* bit, 0 for a core file */
	enum cg_kind kind;
	int backend; /* where it is written: CG_HOME_V2, a v1 index, or
			CG_HOME_NONE (check.c refuses or drops it) */
	char *what;  /* "memory limit", for messages */
	char *file;  /* "memory.max" */
	char *value;
	char *alt_file; /* written instead when `file` is missing */
	char *alt_value;
	bool missing_ok;   /* a missing file is no error (swap "max"/"0") */
	bool einval_later; /* EINVAL: retry once the plan's other writes are
			      done (v1 cpu period/burst before the quota) */
	bool readback;	   /* the kernel may clamp: read back, fail if it
			      kept another value (v1 cpu.shares) */
};

struct cg_plan {
	struct cg_write *v;
	size_t n, cap;
	const struct cg_homes *homes; /* while building */
};

/* What an update needs to know of the cgroup as it is.  */
struct cg_current {
	const char *cpu_max;	  /* v2 cpu.max ("max 100000"), or NULL */
	uint64_t v1_memory_limit; /* v1 memory.limit_in_bytes; 0: unknown */
};

/* Pure: the writes for `res` (only the fields set and non-zero), each
 * with its destination: the home of its controller (homes NULL: a pure
 * cgroup v2 host).  cur: the cgroup's current values when updating (a v2
 * period alone keeps the quota, v1 memory+swap are written in the order
 * the kernel accepts), NULL when creating.  */
int cg_plan_build(const struct spec_resources *res, const struct cg_homes *homes,
		  const struct cg_current *cur, struct cg_plan *plan, struct error **err);
void cg_plan_clear(struct cg_plan *plan);
void cg_plan_drop(struct cg_plan *plan, size_t i);
bool cg_plan_has_hard(const struct cg_plan *plan);
/* controllers of the remaining writes to the cgroup2 tree */
unsigned cg_plan_ctrls(const struct cg_plan *plan);
/* is anything left to write to that backend? */
bool cg_plan_uses(const struct cg_plan *plan, int backend);

/* plan.c's helpers for the builders of plan_v2.c and plan_v1.c */
struct cg_write *cg_plan_add(struct cg_plan *plan, unsigned ctrl, enum cg_kind kind,
			     const char *what, const char *file, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* -1 (any negative) as "max", else the number */
void cg_fmt_limit(char *buf, size_t size, int64_t v);
/* A name that becomes part of a file name: no '/', no "..". */
int cg_check_name(const char *name, const char *what, bool dots_ok, struct error **err);

/* plan_v2.c: one builder per resource group, for the cgroup2 files */
int cg_plan_memory_v2(const struct spec_memory *m, struct cg_plan *plan, struct error **err);
int cg_plan_cpu_v2(const struct spec_cpu *c, const char *cur_cpu_max, struct cg_plan *plan,
		   struct error **err);
void cg_plan_cpuset(const struct spec_cpu *c, struct cg_plan *plan); /* same files */
int cg_plan_blkio_v2(const struct spec_blkio *b, struct cg_plan *plan, struct error **err);
void cg_plan_hugetlb_v2(const struct spec_resources *res, struct cg_plan *plan);

/* plan_v1.c: the same for the v1 controllers, as runc's fs driver */
int cg_plan_memory_v1(const struct spec_memory *m, uint64_t cur_limit, struct cg_plan *plan,
		      struct error **err);
int cg_plan_cpu_v1(const struct spec_cpu *c, struct cg_plan *plan, struct error **err);
void cg_plan_blkio_v1(const struct spec_blkio *b, struct cg_plan *plan);
void cg_plan_hugetlb_v1(const struct spec_resources *res, struct cg_plan *plan);
void cg_plan_network(const struct spec_resources *res, struct cg_plan *plan);

/* ---- create.c ---------------------------------------------------------- */

/* Mark a directory berth just made; is it one (by berth's own user)? */
void cg_mark_created(const char *path);
bool cg_is_marked(const char *path);

/* The directories one create made, to roll back on failure */
struct cg_created {
	char **v; /* absolute paths, parents first */
	size_t n;
};
void cg_created_add(struct cg_created *c, const char *path);
bool cg_created_has(const struct cg_created *c, const char *path);
/* remove them, deepest first */
void cg_created_rollback(struct cg_created *c);

/* Run once(arg) again while it fails with ENOENT/ENODEV (a concurrent
 * destroy removed an empty parent berth made for another container), each
 * failed attempt rolled back; what the last one made goes to `made`.  */
int cg_make_retrying(int (*once)(const void *arg, struct cg_created *made, struct error **err),
		     const void *arg, struct cg_created *made, struct error **err);

/* The request's device rules into both enforcers the cgroup has: the
 * eBPF filter (cgroup2 part) and the v1 devices controller.  */
int cg_devices_all(const struct cg *cg, const struct spec_dev_rule *rules, size_t n,
		   const struct spec_device *devs, size_t n_devs, struct error **err);

/* ---- create_v1.c ------------------------------------------------------- */

/* mkdir mount+rel in a v1 hierarchy, each new directory marked.  In the
 * cpuset hierarchy a new directory gets its parent's cpuset.cpus and
 * cpuset.mems before it appears (made under a temporary name, filled,
 * renamed): a task cannot join an empty cpuset, and a concurrent create
 * must never see one half made.  An existing parent with an empty cpuset
 * (not berth's) fails, naming it.  */
int cg_v1_make(const struct cg_v1h *h, const char *rel, struct cg_created *made,
	       struct error **err);

/* Does the v1 cgroup (or a child) hold a process?  */
bool cg_v1_populated(const struct cg_v1dir *d);

/* An existing leaf must hold no process (recursively).  */
int cg_v1_check_empty(const struct cg_v1dir *d, struct error **err);

/* A cpuset leaf (d may be NULL) must have cpus and mems once the plan is
 * written.  */
int cg_v1_check_cpuset(const struct cg_v1dir *d, struct error **err);

/* open.c: drop the hierarchies the container has no cgroup in (after the
 * plan, whose backends index the layout, is written) */
void cg_v1_compact(struct cg *cg);

/* ---- check.c ----------------------------------------------------------- */

/* A refusal whose message is a whole sentence: errnum kept for the exit
 * status, its text left out.  -1.  */
int cg_refuse(struct error **err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Apply the policy for controllers the cgroup cannot have: hard writes
 * needing one of `missing` fail with
 *   <what> needs the "<ctrl>" controller, which <which>
 * soft ones are logged as not applied and dropped, default ones dropped.
 * include_core: writes of core files (ctrl 0) are impossible too (no
 * cgroup2 hierarchy at all).  */
int cg_plan_filter(struct cg_plan *plan, unsigned missing, bool include_core, const char *which,
		   struct error **err);

/* Leave out, each with a warning, the writes (limits too) needing one of
 * `ctrls`:  cgroup: <what> not applied: it needs the "<ctrl>" controller,
 * which <which>.  For a rootless systemd scope, whose manager was given
 * only some controllers (runc warns the same way).  */
void cg_plan_skip(struct cg_plan *plan, unsigned ctrls, const char *which);

/* The writes whose controller has no home on this host (backend
 * CG_HOME_NONE), with `which` from cg_nowhere(): "this host has neither in
 * /sys/fs/cgroup/unified nor as a cgroup v1 hierarchy" (malloc'd).  */
char *cg_nowhere(const char *v2_mount, bool has_v1);
int cg_plan_filter_none(struct cg_plan *plan, const char *which, struct error **err);

/* A rootless user without delegation: every write is impossible:
 *   <what> needs a delegated cgroup: <reason>                          */
/* the same when there is no cgroup at all: "<what> asked, but <reason>" */
int cg_plan_refuse_reason(struct cg_plan *plan, const char *reason, struct error **err);
int cg_plan_refuse(struct cg_plan *plan, const char *reason, struct error **err);
/* the same, only for the writes to one backend (a v1 hierarchy berth
 * cannot use) */
int cg_plan_refuse_backend(struct cg_plan *plan, int backend, const char *reason,
			   struct error **err);

/* Walk the levels from the mount root down to the container's parent and
 * filter the plan by what each existing level has (see check.c).  */
int cg_check_path(const char *mount, const char *rel, bool hybrid, struct cg_plan *plan,
		  struct error **err);

/* ---- apply.c ----------------------------------------------------------- */

/* Each write into its backend's directory, in order (einval_later ones
 * retried at the end).  */
int cg_plan_apply(const struct cg *cg, const struct cg_plan *plan, struct error **err);

/* ---- devices.c --------------------------------------------------------- */

struct cg_dev_exc {
	char type;	      /* 'c' or 'b' */
	int64_t major, minor; /* -1: any */
	unsigned access;      /* SPEC_DEV_* bits, never 0 */
};

/* The cgroup v1 device list, emulated exactly as runc does: a default
 * (allow all / deny all) and exceptions that all have the other verdict. */
struct cg_dev_emu {
	bool default_allow;
	struct cg_dev_exc *v;
	size_t n, cap;
};

int cg_dev_emu_apply(struct cg_dev_emu *e, const struct spec_dev_rule *rule, struct error **err);
void cg_dev_emu_clear(struct cg_dev_emu *e);

/* linux.resources.devices in order, then runc's default allowed devices
 * (minus those whose path `devs` redefines).  */
int cg_dev_rules_build(const struct spec_dev_rule *rules, size_t n, const struct spec_device *devs,
		       size_t n_devs, struct cg_dev_emu *out, struct error **err);

/* A BPF_PROG_TYPE_CGROUP_DEVICE program for the emulated list.  */
int cg_dev_program(const struct cg_dev_emu *e, struct bpf_insn **insns, size_t *n,
		   struct error **err);

/* ---- bpf.c ------------------------------------------------------------- */

/* Load (and so verify) a device program: its fd.  */
int cg_bpf_load(const struct bpf_insn *insns, size_t n, struct error **err);

/* Attach a loaded program to the cgroup with BPF_F_ALLOW_MULTI,
 * replacing (BPF_F_REPLACE) or, failing that, detaching only afterwards
 * every device program attached there before: never a window without a
 * filter.  */
int cg_bpf_attach(int cgfd, int prog, struct error **err);

/* Number of device programs attached directly to the cgroup.  */
int cg_bpf_count(int cgfd, unsigned *count, struct error **err);

/* linux.resources.devices (+ defaults) -> program -> loaded: its fd */
int cg_devices_load(const struct spec_dev_rule *rules, size_t n, const struct spec_device *devs,
		    size_t n_devs, struct error **err);

/* linux.resources.devices (+ defaults) -> program -> installed */
int cg_devices_install(int cgfd, const struct spec_dev_rule *rules, size_t n,
		       const struct spec_device *devs, size_t n_devs, struct error **err);

/* ---- devices_v1.c ------------------------------------------------------ */

/* devices.list -> the emulated list ("a *:* rwm": allow all, whatever
 * deny rules it hides) */
int cg_dev_list_parse(const char *text, struct cg_dev_emu *out, struct error **err);

/* One line for devices.allow (allow) or devices.deny: "c 1:3 rwm" */
struct cg_dev_line {
	bool allow;
	char text[64];
};

/* runc's minimally disruptive transition from `cur` to `target`: a reset
 * ("a *:* rwm") only when the default changes or `cur` is allow-all,
 * then the permissions each old rule loses, then those each new rule
 * gains, in (major, minor, type) order.  Pure.  */
void cg_dev_transition(const struct cg_dev_emu *cur, const struct cg_dev_emu *target,
		       struct cg_dev_line **lines, size_t *n);

/* Write the transition into a v1 devices cgroup and check that
 * devices.list is the target afterwards.  */
int cg_devices_v1_install(int dirfd, const char *path, const struct spec_dev_rule *rules, size_t n,
			  const struct spec_device *devs, size_t n_devs, struct error **err);

/* ---- freezer_v1.c ------------------------------------------------------ */

/* freezer.state: FROZEN with runc's retry loop (a task in vfork or a
 * stopped one can hold FREEZING), THAWED; never left half frozen.  */
int cg_v1_freeze(const struct cg_v1dir *d, bool frozen, struct error **err);
int cg_v1_is_frozen(const struct cg_v1dir *d, bool *frozen, struct error **err);

/* ---- stats.c / stats_v1.c ---------------------------------------------- */

/* a single-value file: a number, or "max" as UINT64_MAX */
bool cg_read_u64(int dirfd, const char *file, uint64_t *v);
/* omitempty numbers; a Stats entry {limit, usage, max, failcnt} */
void cg_json_omit(struct jsonw *w, const char *key, uint64_t v);
void cg_json_entry(struct jsonw *w, const char *key, uint64_t limit, uint64_t usage, uint64_t max,
		   uint64_t failcnt);
/* "0-2,4" -> [0,1,2,4]; nothing for a missing or empty list */
void cg_json_cpu_list(struct jsonw *w, const char *key, const char *text);
/* a flat-keyed file (memory.stat) as a map sorted by key */
void cg_json_raw(struct jsonw *w, char *text);
/* runc's page size names ("2MB"), sorted; returns how many (<= max) */
size_t cg_hugepage_sizes(char **names, size_t max);

/* the v1 sections of the Stats object, from the v1 directory `d` */
void cg_stats_v1_cpu(const struct cg_v1dir *cpu, const struct cg_v1dir *cpuacct, struct jsonw *w);
void cg_stats_v1_cpuset(const struct cg_v1dir *d, struct jsonw *w);
void cg_stats_v1_memory(const struct cg_v1dir *d, struct jsonw *w);
void cg_stats_v1_blkio(const struct cg_v1dir *d, struct jsonw *w);
void cg_stats_v1_hugetlb(const struct cg_v1dir *d, struct jsonw *w);
void cg_usage_v1(const struct cg *cg, struct cg_usage *u);
void cg_cputime_split(uint64_t total, uint64_t *user, uint64_t *sys);

/* memory.oom_control's oom_kill counter (v1) */
uint64_t cg_v1_oom_kills(int dirfd);

/* ---- control.c --------------------------------------------------------- */

/* Value of `key` in a flat-keyed file text ("populated 1\nfrozen 0\n"). */
bool cg_kv_find(const char *text, const char *key, uint64_t *value);

/* Wait until path/cgroup.events has "key want", up to timeout_ms, using
 * inotify.  A removed cgroup counts as "populated 0"/"frozen 0".  */
int cg_wait_event(const char *path, const char *key, uint64_t want, int timeout_ms,
		  struct error **err);

/* Does the container have a process left?  Wait until it has none (v2:
 * cgroup.events; v1 only: cgroup.procs, re-read every few ms).  */
bool cg_populated(const struct cg *cg);
int cg_wait_empty(const struct cg *cg, int timeout_ms, struct error **err);

/* ---- systemd.c --------------------------------------------------------- */

/* The scope a container is, from a systemd-form cgroupsPath.  */
struct cg_systemd_unit {
	char *slice; /* "system.slice" */
	char *unit;  /* "docker-abc.scope" */
	char *rel;   /* below the cgroup2 root: "/system.slice/docker-abc.scope" */
};

int cg_systemd_unit(const char *cgroups_path, const char *id, bool rootless,
		    struct cg_systemd_unit *u, struct error **err);
void cg_systemd_unit_clear(struct cg_systemd_unit *u);

/* "a-b-c.slice" -> "/a.slice/a-b.slice/a-b-c.slice"; "-.slice" -> "/" */
int cg_systemd_expand_slice(const char *slice, char **path, struct error **err);

/* A D-Bus unit property of the kinds systemd's scopes take. */
enum cg_prop_kind {
	CG_PROP_U64,   /* "t": u64 */
	CG_PROP_BOOL,  /* "b": u64 0/1 */
	CG_PROP_STR,   /* "s": str */
	CG_PROP_U32S,  /* "au": array of n uint32_t */
	CG_PROP_BYTES, /* "ay": array of n bytes */
	CG_PROP_PAIRS, /* "a(ss)": NULL-terminated char * pairs */
};

struct cg_prop {
	const char *name; /* a literal */
	enum cg_prop_kind kind;
	uint64_t u64;
	char *str;
	void *array;
	size_t n;
};

struct cg_props {
	struct cg_prop *v;
	size_t n, cap;
};

/* StartTransientUnit's properties for the container's scope: its slice,
 * Delegate, the init's pid, accounting, and every resource systemd can
 * express (cg_systemd_resource_props).  */
int cg_systemd_scope_props(const struct cg_request *req, const struct cg_systemd_unit *u, pid_t pid,
			   struct cg_props *p, struct error **err);

/* The resources alone (also for SetUnitProperties on update).  */
int cg_systemd_resource_props(const struct cg_request *req, struct cg_props *p, struct error **err);

void cg_props_remove(struct cg_props *p, const char *name);
void cg_props_clear(struct cg_props *p);

/* ---- systemd_bus.c ----------------------------------------------------- */

/* systemd runs as init here (/run/systemd/system exists) */
bool cg_systemd_running(void);

struct cg_bus; /* a connection to a systemd manager */

/* The system manager (root), or the user's own (`user`); fails naming
 * what is missing when systemd is not init or no manager answers.  */
int cg_bus_open(bool user, struct cg_bus **out, struct error **err);
void cg_bus_close(struct cg_bus *b);

/* StartTransientUnit(unit, props), waiting for its job; properties the
 * manager does not know are dropped from `props` and the call retried; a
 * failed unit of that name left behind is reset and the call retried.  */
int cg_bus_start_scope(struct cg_bus *b, const char *unit, struct cg_props *props,
		       struct error **err);

/* SetUnitProperties(unit, runtime, props), unknown ones dropped.  */
int cg_bus_set_props(struct cg_bus *b, const char *unit, struct cg_props *props,
		     struct error **err);

/* StopUnit and ResetFailedUnit; a unit already gone is stopped.  */
int cg_bus_stop_unit(struct cg_bus *b, const char *unit, struct error **err);

/* ---- systemd_scope.c --------------------------------------------------- */

/* cg_create() for --systemd-cgroup: everything checked and planned, the
 * manager connected; the scope itself is started by cg_systemd_attach()
 * with the init's pid (systemd makes no scope without a process).  */
int cg_systemd_create(const struct cg_request *req, struct cg **out, struct error **err);
int cg_systemd_attach(struct cg *cg, pid_t pid, struct error **err);
void cg_systemd_pending_free(struct cg *cg);
/* SetUnitProperties with what systemd can express of an update */
int cg_systemd_update(const struct cg *cg, const struct spec_resources *res, struct error **err);
/* StopUnit (a scope already gone is stopped) */
int cg_systemd_stop(const struct cg *cg, struct error **err);

/* create.c: enable `need` (CG_CTRL_* bits) in the subtree_control of each
 * level from the mount down to the parent of rel, as runc does below a
 * systemd scope for the controllers systemd does not manage (hugetlb,
 * rdma, misc).  */
int cg_v2_enable_along(const char *mount, const char *rel, unsigned need, struct error **err);

#endif
