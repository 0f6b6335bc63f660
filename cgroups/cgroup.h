/* SPDX-License-Identifier: Apache-2.0 */
/* cgroups/cgroup.h — berth's cgroup manager.
 *
 * Two drivers.  cgroupfs (the default): berth makes and writes the
 * directories itself, as described below.  systemd (--systemd-cgroup,
 * --cgroup-manager=systemd; pure cgroup v2 hosts): the cgroup is a
 * transient scope systemd starts over D-Bus with the limits it has
 * properties for (cgroups/systemd*.c); the rest is written into the
 * scope's files with the same plan as cgroupfs.
 *
 * berth writes cgroupfs itself, like crun's default driver.  cgroup v2 is
 * the primary path; cgroup v1 is a faithful legacy backend behind the same
 * plan (plan.c) and apply (apply.c).  Each controller has a home on the
 * host (layout.c): the cgroup2 tree when its root has the controller, else
 * the v1 hierarchy that has it.  So a container has:
 *   - pure cgroup v2 host: one cgroup in the cgroup2 tree;
 *   - hybrid host (v1 controllers plus a cgroup2 mount such as
 *     /sys/fs/cgroup/unified with few or no controllers): a cgroup in
 *     every mounted v1 hierarchy AND one in the cgroup2 tree;
 *   - v1-only host: a cgroup in every mounted v1 hierarchy.
 * Each limit is written where its controller lives, converted as runc
 * does.  The policy where no hierarchy has a controller:
 *   - a HARD limit (memory, pids, cpu quota/burst, cpuset, blkio throttle,
 *     hugetlb, rdma, net_cls/net_prio, a unified key) fails before the
 *     container exists:
 *       cgroup: rdma limit needs the "rdma" controller, which this host
 *       has neither in /sys/fs/cgroup/unified nor as a cgroup v1 hierarchy
 *   - a SOFT weight (cpu shares, cpu idle, blkio weights) is logged as not
 *     applied and the container runs;
 *   - zero or absent values, and "unlimited" values, are not requests.
 * Device rules are enforced by the eBPF filter on the cgroup2 part and by
 * the v1 devices controller where that is mounted; with neither, a root
 * `create` is refused.
 *
 * Not here: the launcher's use of cg_dirfd() with clone3(CLONE_INTO_CGROUP)
 * and cg_place() (runtime/), parsing linux.resources (spec/).  */
#ifndef BERTH_CGROUPS_CGROUP_H
#define BERTH_CGROUPS_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/error.h"
#include "spec/spec.h"

struct jsonw;

enum cg_manager { CG_MANAGER_CGROUPFS, CG_MANAGER_DISABLED };

struct cg_request {
	const char *id;				/* container id */
	const char *cgroups_path;		/* spec linux.cgroupsPath, or NULL */
	const struct spec_resources *resources; /* may be NULL */
	enum cg_manager manager;
	bool systemd;  /* --systemd-cgroup was given */
	bool rootless; /* not root in the initial user ns */
	/* attach the device filter later, with cg_devices_attach(): the init
	 * must create linux.devices nodes that it may not use itself */
	bool defer_devices;
	/* v1 cgroups only where needed: in the hierarchies the plan writes
	 * to, and — without a cgroup2 tree — in devices (the device rules)
	 * and freezer (signalling every process, cg_signal_all); with one,
	 * its eBPF filter and freezer do both.  Each v1 directory made and joined
	 * costs a start time (cpuset most) that a job without limits or
	 * usage report would pay for nothing; the cgroup2 part, when there
	 * is one, still holds the job whole for kill and clean-up.  */
	bool v1_needed_only;
	/* Optional: spec linux.devices.  A default device rule (/dev/null,
	 * /dev/zero, ...) whose path the spec redefines is dropped, as runc
	 * does.  NULL/0 keeps every default.  */
	const struct spec_device *devices;
	size_t n_devices;
};

struct cg; /* an open container cgroup */

/* Before clone: find the hierarchies, resolve the paths, check every
 * requested limit can be honoured, create the directories (and parents,
 * each marked as berth's) in the cgroup2 tree and in every v1 hierarchy,
 * enable the controllers in cgroup.subtree_control along the v2 path,
 * apply all resources including the device rules.
 *
 * Paths: NULL -> "/berth/<id>" (rootless: "berth/<id>"); absolute -> below
 * each hierarchy's mount; relative -> in the cgroup2 tree below the PARENT
 * of berth's own cgroup (as runc: berth's own cgroup holds processes, so
 * by the no-internal-process rule it cannot enable controllers for a
 * child), in a v1 hierarchy below berth's own cgroup there (runc's v1
 * rule).  ".." is rejected.
 *
 * *out = NULL (and 0) when no cgroup is used: manager disabled, or
 * rootless without delegation, each only when no hard limit is asked.
 * On failure nothing berth created is left behind.  */
int cg_create(const struct cg_request *req, struct cg **out, struct error **err);

/* Whether linux.resources.devices (plus the default devices, as the
 * device filter has them) grants `access` (SPEC_DEV_READ|WRITE|MKNOD) on
 * device `d`: what a node bound from the host may be used for.  */
int cg_device_allows(const struct spec_linux *l, const struct spec_device *d, unsigned access,
		     bool *allowed, struct error **err);

/* Reopen a container cgroup from the paths cg_path() and cg_v1_at()
 * gave: the cgroup2 one (NULL: none) and the v1 ones with their hierarchy
 * names.  Parts already removed are left out; none left is ENOENT.  */
int cg_open(const char *path, char *const *v1_names, char *const *v1_paths, size_t n_v1,
	    struct cg **out, struct error **err);

/* The cgroups the cgroupfs driver made for container `id` (at
 * `cgroups_path`, NULL: the default) and never recorded: its creator was
 * killed first.  Only directories that carry berth's mark; *out NULL when
 * there are none.  */
int cg_open_unrecorded(const char *cgroups_path, const char *id, bool rootless, struct cg **out,
		       struct error **err);

/* The systemd driver's: reopen the scope `unit` (of the user's own
 * manager: `user`) at `path` (ENOENT when it is gone: systemd removes a
 * scope whose last process died); cg_destroy() stops it.  A scope whose
 * cgroup is gone is stopped with cg_stop_unit() (StopUnit and
 * ResetFailedUnit are still owed: a failed scope stays listed).  */
int cg_open_unit(const char *path, const char *unit, bool user, struct cg **out,
		 struct error **err);
int cg_stop_unit(const char *unit, bool user, struct error **err);

/* The scope of a systemd-driven cgroup (saved in the state file), NULL
 * for the cgroupfs driver; *user: of the user's own manager.  */
const char *cg_unit(const struct cg *cg, bool *user);

/* Right after the clone: the init into its cgroups, unless it placed
 * itself (cg_init_places_itself()).  The systemd driver starts the scope
 * with it here (systemd makes no scope without a
 * process; the limits systemd has no property for are written then, the
 * device filter attached or made ready for cg_devices_attach()); then
 * cg_place() for the v1 hierarchies.  cg_path() is final afterwards.  */
int cg_attach(struct cg *cg, pid_t pid, struct error **err);

/* Load the deferred device filter without attaching it: the verifier's
 * work, done while the init prepares its rootfs.  Optional; nothing to do
 * when nothing was deferred.  */
int cg_devices_prepare(struct cg *cg, struct error **err);

/* Attach the device filter a request deferred (defer_devices), loading it
 * first unless cg_devices_prepare() did; nothing to do otherwise.  Before
 * any process of the container runs.  */
int cg_devices_attach(struct cg *cg, struct error **err);

/* Absolute filesystem path of the cgroup2 part (saved in the state
 * file); NULL when the host has no cgroup2 hierarchy.  */
const char *cg_path(const struct cg *cg);

/* The v1 part: i < cg_v1_count(); the hierarchy's name as mounted
 * ("memory", "cpu,cpuacct", "name=systemd"), its mount point, and the
 * container's cgroup in it.  Valid while cg is.  */
size_t cg_v1_count(const struct cg *cg);
void cg_v1_at(const struct cg *cg, size_t i, const char **name, const char **mount,
	      const char **path);

/* O_PATH|O_DIRECTORY|O_CLOEXEC fd of the cgroup2 part for clone3's
 * CLONE_INTO_CGROUP; owned by cg.  -1 when there is none.  */
int cg_dirfd(const struct cg *cg);

/* Move pid into the cgroup2 part (write cgroup.procs): the fallback when
 * CLONE_INTO_CGROUP is unavailable.  */
int cg_enter(const struct cg *cg, pid_t pid, struct error **err);

/* Move pid into the container's cgroup of every v1 hierarchy (nothing on
 * a pure v2 host), cpuset and devices first, as runc orders them; pid 0:
 * the calling thread itself, which the kernel does without its global
 * lock (see create_v1.c) — for single-threaded callers only.  The init
 * calls it for itself before it unshares its cgroup namespace (so the
 * namespace's roots are the container's own cgroups) and before `create`
 * returns (containerd's shim reads stats and OOM events from the init's
 * v1 cgroups); an exec'd process calls it for itself before it joins the
 * container.  */
int cg_place(const struct cg *cg, pid_t pid, struct error **err);

/* The init joins its v1 cgroups itself (cg_place(cg, 0)) as its first
 * step: there are v1 hierarchies and no systemd scope to start first
 * (systemd places the process, then cg_attach() the rest).  Otherwise
 * cg_attach() does it all from the parent.  */
bool cg_init_places_itself(const struct cg *cg);

/* exec --cgroup: existing cgroups below the container's, each given as a
 * path and the controllers whose v1 hierarchy it is in (NULL: the cgroup2
 * tree; at most one such), all reached without leaving the container's
 * cgroup (cgroups/sub.c).  cg_sub_dirfd() is the cgroup2 one to clone
 * into; cg_sub_place() moves a pid into the v1 ones (the container's own
 * where none was named), as cg_place() does (pid 0 too).  */
struct cg_sub;
int cg_sub_open(const struct cg *cg, char *const *controllers, char *const *paths, size_t n,
		struct cg_sub **out, struct error **err);
int cg_sub_dirfd(const struct cg_sub *s);
int cg_sub_place(const struct cg_sub *s, pid_t pid, struct error **err);
void cg_sub_free(struct cg_sub *s);

/* A realtime policy (SCHED_FIFO, SCHED_RR) needs realtime cpu time in the
 * task's cpu cgroup where the kernel groups it (cgroup v1 with realtime
 * group scheduling): false, and the directory in *where, when the
 * container's v1 cpu cgroup has none (cpu.rt_runtime_us 0).  */
bool cg_has_realtime(const struct cg *cg, const char **where);

/* Pause/resume: the v1 freezer where the container has one (hybrid, v1:
 * freezer.state, runc's retry loop until FROZEN), else cgroup.freeze,
 * waiting until cgroup.events says "frozen 1" (or "frozen 0").  */
int cg_freeze(const struct cg *cg, bool frozen, struct error **err);
/* The directory of that freezer (NULL: none), for CRIU to freeze through:
 * a paused container is then seen frozen already, not seized against a
 * second freezer that cannot stop its processes again.  */
const char *cg_freezer_path(const struct cg *cg);
int cg_is_frozen(const struct cg *cg, bool *frozen, struct error **err);

/* Signal every process.  SIGKILL uses cgroup.kill when the kernel has it
 * (a cgroup2 part); otherwise (and for other signals) the cgroup is frozen
 * while each pid from cgroup.procs (recursive) is signalled, so no process
 * can fork away and no pid can be recycled in between.  */
int cg_signal_all(const struct cg *cg, int sig, struct error **err);

/* Every pid in cgroup.procs of the cgroup and its descendants (malloc'd).  */
int cg_pids(const struct cg *cg, pid_t **pids, size_t *n, struct error **err);

/* Live update (runc update): only the fields that are set; hard limits on
 * a missing controller fail before anything is written.  Device rules, when
 * given, replace the eBPF filter with no window without one.  */
int cg_update(struct cg *cg, const struct spec_resources *res, struct error **err);

/* runc's Stats object (types/events.go), the "data" of `events --stats`:
 * cpu, cpuset, memory, pids, blkio, hugetlb, intel_rdt, network_interfaces.
 * Times in nanoseconds.  Sections of missing controllers hold zeros.  */
int cg_stats_write(const struct cg *cg, struct jsonw *w, struct error **err);

/* `berth events`: stats_only -> one {"type":"stats","id":..,"data":{..}}
 * line and return; else a stats line every interval_ms and an
 * {"type":"oom","id":..} line whenever the OOM kill count grows (v2:
 * memory.events, watched by inotify; v1: memory.oom_control, notified
 * through cgroup.event_control), returning when the cgroup is empty or
 * removed.  Lines go to out_fd.  */
int cg_events_run(const struct cg *cg, const char *id, bool stats_only, unsigned interval_ms,
		  int out_fd, struct error **err);

/* Kill what remains (cgroup.kill), wait until empty, remove the container
 * cgroup (and any cgroups the container made inside it), then the empty
 * parents that berth created, in every hierarchy.  A directory berth did
 * not create is never removed.  A systemd scope is stopped (and its
 * failed state reset) instead; systemd removes its cgroup.  cg stays
 * valid for cg_free().  */
int cg_destroy(struct cg *cg, struct error **err);

/* What a finished job used (berth sandbox --stats), read before
 * cg_destroy().  Each counter says whether this hierarchy has it.  */
struct cg_usage {
	bool has_cpu;
	uint64_t user_usec, system_usec;
	bool has_memory_peak;
	uint64_t memory_peak; /* bytes */
	bool has_oom_kills;
	uint64_t oom_kills;
	bool has_pids_peak;
	uint64_t pids_peak;
};
void cg_usage_read(const struct cg *cg, struct cg_usage *u);

void cg_free(struct cg *cg);
void cg_freep(struct cg **cg);
#define cleanup_cg __attribute__((cleanup(cg_freep)))

#endif
