/* SPDX-License-Identifier: Apache-2.0 */
/* cgroups/internal.h — what the files of cgroups/ share with each other (and
 * with tests/unit/test-cgroups*.c).  Nothing outside cgroups/ includes it.
 *
 *   hierarchy.c  finding the cgroup2 mount, berth's own cgroup, cgroupsPath
 *   convert.c    pure v1 -> v2 value conversions (shares, swap, blkio weight)
 *   plan.c       linux.resources -> the list of cgroupfs writes
 *   check.c      controller availability along the path (hard/soft policy)
 *   create.c     cg_create / cg_open / cg_destroy, created-dir marks
 *   apply.c      writing a plan, cg_update
 *   devices.c    device rule emulation and eBPF program generation (pure)
 *   bpf.c        loading and attaching the device program (bpf(2))
 *   control.c    enter, freeze, kill, pids
 *   stats.c      runc's Stats JSON
 *   events.c     `berth events`
 *   systemd.c    the systemd driver's unit name and properties (pure)
 *   systemd_bus.c  talking to systemd over D-Bus (libdbus-1)               */
#ifndef BERTH_CGROUPS_INTERNAL_H
#define BERTH_CGROUPS_INTERNAL_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cgroups/cgroup.h"
#include "core/error.h"
#include "spec/spec.h"

struct cg {
	char *path;    /* absolute, e.g. /sys/fs/cgroup/berth/abc */
	char *mount;   /* the cgroup2 mount point it lives under */
	int dirfd;     /* O_RDONLY|O_DIRECTORY: file access and bpf */
	int pathfd;    /* O_PATH|O_DIRECTORY: CLONE_INTO_CGROUP */
	bool rootless; /* no device filter: bpf needs CAP_SYS_ADMIN */
	/* a device filter waiting for cg_devices_attach() (the request's
	 * rules: valid as long as the request's spec) */
	bool devices_pending;
	int dev_prog; /* its program, loaded ahead by cg_devices_prepare(); -1 */
	const struct spec_dev_rule *dev_rules;
	size_t n_dev_rules;
	const struct spec_device *devs;
	size_t n_devs;
};

/* open.c: a handle on an existing directory (both fds opened) */
int cg_alloc(const char *path, const char *mount, bool rootless, struct cg **out,
	     struct error **err);

/* ---- hierarchy.c ------------------------------------------------------- */

struct cg_hierarchy {
	char *mount; /* cgroup2 mount point, NULL when there is none */
	bool hybrid; /* cgroup v1 hierarchies are mounted as well */
	char *own;   /* berth's cgroup below the mount: "/" or "/a/b" */
};

int cg_hierarchy_find(struct cg_hierarchy *h, struct error **err);
void cg_hierarchy_clear(struct cg_hierarchy *h);

/* The cgroup2 mount point that holds `path` (longest prefix), or NULL. */
char *cg_mount_of(const char *path);

/* cgroupsPath -> a clean path below the mount ("/berth/abc"); see
 * cg_create() for the rules.  */
int cg_path_resolve(const struct cg_hierarchy *h, const char *cgroups_path, const char *id,
		    bool systemd, bool rootless, char **rel, struct error **err);

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

enum cg_ctrl {
	CG_CTRL_CPUSET = 1 << 0,
	CG_CTRL_CPU = 1 << 1,
	CG_CTRL_IO = 1 << 2,
	CG_CTRL_MEMORY = 1 << 3,
	CG_CTRL_HUGETLB = 1 << 4,
	CG_CTRL_PIDS = 1 << 5,
	CG_CTRL_RDMA = 1 << 6,
	CG_CTRL_MISC = 1 << 7,
};

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
	char *what; /* "memory limit", for messages */
	char *file; /* "memory.max" */
	char *value;
	char *alt_file; /* written instead when `file` is missing */
	char *alt_value;
	bool missing_ok; /* a missing file is no error (swap "max"/"0") */
};

struct cg_plan {
	struct cg_write *v;
	size_t n, cap;
};

/* Pure: the writes for `res` (only the fields set and non-zero).
 * cur_cpu_max: the cgroup's current cpu.max when updating (so a period
 * alone keeps the quota), NULL when creating.  */
int cg_plan_build(const struct spec_resources *res, const char *cur_cpu_max, struct cg_plan *plan,
		  struct error **err);
void cg_plan_clear(struct cg_plan *plan);
void cg_plan_drop(struct cg_plan *plan, size_t i);
bool cg_plan_has_hard(const struct cg_plan *plan);
/* controllers of the remaining writes */
unsigned cg_plan_ctrls(const struct cg_plan *plan);

/* ---- create.c ---------------------------------------------------------- */

/* Mark a directory berth just made; is it one (by berth's own user)? */
void cg_mark_created(const char *path);
bool cg_is_marked(const char *path);

/* ---- check.c ----------------------------------------------------------- */

/* Apply the policy for controllers the cgroup cannot have: hard writes
 * needing one of `missing` fail with
 *   <what> needs the "<ctrl>" controller, which <which>
 * soft ones are logged as not applied and dropped, default ones dropped.
 * include_core: writes of core files (ctrl 0) are impossible too (no
 * cgroup2 hierarchy at all).  */
int cg_plan_filter(struct cg_plan *plan, unsigned missing, bool include_core, const char *which,
		   struct error **err);

/* A rootless user without delegation: every write is impossible:
 *   <what> needs a delegated cgroup: <reason>                          */
/* the same when there is no cgroup at all: "<what> asked, but <reason>" */
int cg_plan_refuse_reason(struct cg_plan *plan, const char *reason, struct error **err);
int cg_plan_refuse(struct cg_plan *plan, const char *reason, struct error **err);

/* Walk the levels from the mount root down to the container's parent and
 * filter the plan by what each existing level has (see check.c).  */
int cg_check_path(const char *mount, const char *rel, bool hybrid, struct cg_plan *plan,
		  struct error **err);

/* ---- apply.c ----------------------------------------------------------- */

int cg_plan_apply(int dirfd, const char *path, const struct cg_plan *plan, struct error **err);

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

/* ---- control.c --------------------------------------------------------- */

/* Value of `key` in a flat-keyed file text ("populated 1\nfrozen 0\n"). */
bool cg_kv_find(const char *text, const char *key, uint64_t *value);

/* Wait until path/cgroup.events has "key want", up to timeout_ms, using
 * inotify.  A removed cgroup counts as "populated 0"/"frozen 0".  */
int cg_wait_event(const char *path, const char *key, uint64_t want, int timeout_ms,
		  struct error **err);

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

#endif
