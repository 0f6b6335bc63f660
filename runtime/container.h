/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/container.h — one container's state directory.
 *
 * <root>/<id>/ holds state.json, a copy of config.json (exec and the
 * poststop hooks need the config the container was created with, not
 * whatever the bundle holds later), exec.fifo while the container is
 * "created", and overlay upper/work dirs.  Every verb holds a flock on
 * the directory while it works, so two berth commands on one id are
 * serialised; a verb that got the lock after a delete sees the directory
 * unlinked and reports that the container does not exist.  */
#ifndef BERTH_RUNTIME_CONTAINER_H
#define BERTH_RUNTIME_CONTAINER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/error.h"
#include "spec/spec.h"
#include "spec/state.h"

struct netns_lease;

struct container {
	char *id;
	char *dir;   /* <root>/<id>, for messages and the hooks */
	int root_fd; /* the state root, opened and checked once */
	int dir_fd;  /* O_RDONLY|O_DIRECTORY, carries the lock */
	struct spec_state st;
};

enum container_status {
	STATUS_CREATING, /* state dir exists, init not ready yet */
	STATUS_CREATED,
	STATUS_RUNNING,
	STATUS_PAUSED,
	STATUS_STOPPED,
};

/* A container id is 1..1024 characters of [A-Za-z0-9_+.-], not "." or "..". */
int container_id_check(const char *id, struct error **err);

/* mkdir <root> (0711) and <root>/<id> (0711), exclusively locked; the
 * root must pass container_root_open's checks.
 * Fails with "container \"ID\" already exists".  */
int container_new(const char *root, const char *id, struct container *c, struct error **err);

/* Open, lock (exclusive or shared) and load an existing container.
 * Fails with "container \"ID\" does not exist".  */
int container_open(const char *root, const char *id, bool exclusive, struct container *c,
		   struct error **err);

/* Take the exclusive lock again on a container this process holds open
 * (its dir_fd); fails as "does not exist" if it was deleted meanwhile.  */
int container_relock(struct container *c, struct error **err);

int container_save(struct container *c, struct error **err);

/* The state root, opened (and made, 0711, when `create`): a directory,
 * not a symlink, owned by the caller and writable by no one else, or an
 * error naming the path, its owner and its mode.  */
int container_root_open(const char *root, bool create, struct error **err);

/* Read a file of the container's state dir (config.json, state.json):
 * never through a symlink, and only when owned by the caller and not
 * writable by group or others.  */
int container_read(struct container *c, const char *name, char **buf, size_t *len,
		   struct error **err);

/* The config the container was created from (config.json of its state
 * dir, read as above), parsed; spec_free() it.  */
struct spec *container_saved_spec(struct container *c, struct error **err);

struct cg;

/* The OCI status, computed from the process, the fifo and the freezer.
 * container_status_open() also hands over the cgroups it opened to read
 * the freezer (*cg: NULL when it opened none), for a caller that needs
 * them next: opening them twice costs an exec a tenth of its time.  */
enum container_status container_status(struct container *c);
enum container_status container_status_open(struct container *c, struct cg **cg);
const char *container_status_name(enum container_status s);

/* What delete does once no process is left: network, cgroup, poststop
 * hooks (from `spec` when the caller has it parsed, else from the saved
 * config when the state says there are some), state directory.  */
struct spec;
int container_teardown(struct container *c, struct cg *cg, const struct spec *spec,
		       struct error **err);

/* The container's cgroups as the state records them: does it have any
 * (a cgroup2 one, v1 ones, both, or a systemd scope), open them, record
 * them (again: replacing what was recorded).  */
bool container_has_cgroup(const struct container *c);
int container_cgroup_open(const struct container *c, struct cg **cg, struct error **err);
void container_cgroup_record(struct container *c, const struct cg *cg);

/* The bridge lease (netns_bridge_setup's) as the state records it, for
 * delete to tear down; ipam_dir NULL: the default.  */
void container_lease_record(struct container *c, const struct netns_lease *ls,
			    const char *ipam_dir);

/* Remove the state directory (caller holds the lock).  */
int container_remove(struct container *c, struct error **err);

void container_close(struct container *c);

/* /proc/PID/stat start time (field 22); 0 if the process is gone,
 * and *zombie set when it has exited but is not reaped yet.  */
uint64_t container_pid_start(pid_t pid, bool *zombie);

/* this process's own start time, read once (a sandbox's id and its owner
 * record both carry it) */
uint64_t container_self_start(void);

/* Record this process as the sandbox's owner (pid, start time, pid
 * namespace); container_owner_gone: that owner has exited (true only
 * when this berth can tell: same pid namespace).  */
void container_owner_record(struct spec_state *st);
bool container_owner_gone(const struct spec_state *st);

#endif
