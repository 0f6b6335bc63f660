/* SPDX-License-Identifier: Apache-2.0 */
/* cgroups/cgroup.h — berth's cgroup v2 manager (cgroupfs driver).
 *
 * berth writes cgroupfs itself, like crun's default driver.  It must be right
 * on pure cgroup v2 hosts (/sys/fs/cgroup is cgroup2 with controllers) and on
 * hybrid hosts (v1 controllers plus a cgroup2 mount, e.g.
 * /sys/fs/cgroup/unified, that has few or no controllers).  The policy where
 * the hierarchy lacks a controller:
 *   - a HARD limit (memory, pids, cpu quota/burst, cpuset, io.max, hugetlb,
 *     rdma, a unified key of a controller) fails before the container exists:
 *       cgroup: memory limit needs the "memory" controller, which
 *       /sys/fs/cgroup/unified does not have (hybrid cgroup v1/v2 host)
 *   - a SOFT weight (cpu shares, cpu idle, blkio weights) is logged as not
 *     applied and the container runs;
 *   - zero or absent values, and "unlimited" values, are not requests.
 * A host with no cgroup2 mount at all follows the same policy.
 *
 * Not here: the launcher's use of cg_dirfd() with clone3(CLONE_INTO_CGROUP)
 * (runtime/), parsing linux.resources (spec/).  */
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
	/* Optional: spec linux.devices.  A default device rule (/dev/null,
	 * /dev/zero, ...) whose path the spec redefines is dropped, as runc
	 * does.  NULL/0 keeps every default.  */
	const struct spec_device *devices;
	size_t n_devices;
};

struct cg; /* an open container cgroup */

/* Before clone: find the hierarchy, resolve the path, check every requested
 * limit can be honoured, create the directory (and parents, each marked as
 * berth's), enable the controllers in cgroup.subtree_control along the path,
 * apply all resources including the eBPF device filter.
 *
 * Paths: NULL -> "/berth/<id>" (rootless: "berth/<id>"); absolute -> below
 * the cgroup2 mount; relative -> below the PARENT of berth's own cgroup (as
 * runc: berth's own cgroup holds processes, so by the no-internal-process
 * rule it cannot enable controllers for a child).  ".." is rejected.
 *
 * *out = NULL (and 0) when no cgroup is used: manager disabled, no cgroup2
 * hierarchy, or rootless without delegation, each only when no hard limit
 * is asked.  On failure nothing berth created is left behind.  */
int cg_create(const struct cg_request *req, struct cg **out, struct error **err);

/* Whether linux.resources.devices (plus the default devices, as the
 * device filter has them) grants `access` (SPEC_DEV_READ|WRITE|MKNOD) on
 * device `d`: what a node bound from the host may be used for.  */
int cg_device_allows(const struct spec_linux *l, const struct spec_device *d, unsigned access,
		     bool *allowed, struct error **err);

/* Reopen a container cgroup from the path cg_path() returned.  */
int cg_open(const char *path, struct cg **out, struct error **err);

/* Load the deferred device filter without attaching it: the verifier's
 * work, done while the init prepares its rootfs.  Optional; nothing to do
 * when nothing was deferred.  */
int cg_devices_prepare(struct cg *cg, struct error **err);

/* Attach the device filter a request deferred (defer_devices), loading it
 * first unless cg_devices_prepare() did; nothing to do otherwise.  Before
 * any process of the container runs.  */
int cg_devices_attach(struct cg *cg, struct error **err);

/* Absolute filesystem path (saved in the state file).  */
const char *cg_path(const struct cg *cg);

/* O_PATH|O_DIRECTORY|O_CLOEXEC fd of the cgroup for clone3's
 * CLONE_INTO_CGROUP; owned by cg.  */
int cg_dirfd(const struct cg *cg);

/* Move pid into the cgroup (write cgroup.procs): the fallback when
 * CLONE_INTO_CGROUP is unavailable, and `exec`.  */
int cg_enter(const struct cg *cg, pid_t pid, struct error **err);

/* Write cgroup.freeze and wait until cgroup.events says "frozen 1"
 * (or "frozen 0" when thawing).  */
int cg_freeze(const struct cg *cg, bool frozen, struct error **err);
int cg_is_frozen(const struct cg *cg, bool *frozen, struct error **err);

/* Signal every process.  SIGKILL uses cgroup.kill when the kernel has it;
 * otherwise (and for other signals) the cgroup is frozen while each pid
 * from cgroup.procs (recursive) is signalled, so no process can fork away
 * and no pid can be recycled in between.  */
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
 * {"type":"oom","id":..} line whenever memory.events oom_kill grows
 * (inotify on memory.events and cgroup.events), returning when the cgroup
 * is empty or removed.  Lines go to out_fd.  */
int cg_events_run(const struct cg *cg, const char *id, bool stats_only, unsigned interval_ms,
		  int out_fd, struct error **err);

/* Kill what remains (cgroup.kill), wait until empty, remove the container
 * cgroup (and any cgroups the container made inside it), then the empty
 * parents that berth created.  A directory berth did not create is never
 * removed.  cg stays valid for cg_free().  */
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
