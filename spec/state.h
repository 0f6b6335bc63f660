/* SPDX-License-Identifier: Apache-2.0 */
/* spec/state.h — the OCI state JSON, plus berth's private part.
 *
 * The file <root>/<id>/state.json holds the OCI fields (what `berth state`
 * prints) and an object "berth" with what later verbs need to find the
 * container's resources again: the init's start time (to tell a reused
 * pid apart), its cgroups (the cgroup2 one, and one per v1 hierarchy on
 * hybrid and v1 hosts), network lease, overlay directories and the
 * init's stdio as a checkpoint names it.  */
#ifndef BERTH_SPEC_STATE_H
#define BERTH_SPEC_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/error.h"
#include "core/jsonw.h"

struct spec_state {
	char *oci_version;
	char *id;
	pid_t pid;
	char *bundle;
	char *rootfs;
	char *created; /* RFC3339 with nanoseconds */
	char *owner;
	char **annotation_keys;
	char **annotation_values;
	size_t n_annotations;

	/* berth's own */
	uint64_t pid_start;	/* /proc/PID/stat field 22 */
	char *cgroup;		/* absolute cgroup2 path, or NULL */
	char **cgroup_v1_names; /* the v1 hierarchies ("memory", "cpu,cpuacct") */
	char **cgroup_v1_paths; /* and the container's cgroup in each */
	size_t n_cgroup_v1;
	char *systemd_unit;  /* the systemd driver's scope, or NULL */
	bool systemd_user;   /* ... of the user's own manager */
	bool has_userns;     /* init is in a new user namespace */
	bool sealed;	     /* init runs from a protected copy of berth */
	bool no_new_keyring; /* created with --no-new-keyring */
	bool has_poststop;   /* config has poststop hooks (delete reads it) */
	char *net_bridge;    /* bridge lease, or NULL */
	char *net_host_ifname;
	char *net_address;
	unsigned int net_prefix;
	char *net_gateway;
	char *net_mac;
	char *net_ipam_dir;
	char *overlay_dir; /* upper/work parent to remove, or NULL */
	/* the init's seccomp program in the state root's cache (its entry's
	 * name): exec loads it without reading the profile's rules; NULL
	 * without a profile, a cache, or in an older berth's state */
	char *seccomp_key;
	/* the init's fds 0-2 as CRIU names them (runtime/criu_stdio.h), taken
	 * before it ran the user's process; NULL in an older berth's state */
	char *stdio[3];
	/* a sandbox's owner, the berth that runs it in the foreground: once
	 * it is gone, any later berth reclaims the sandbox (0: not one) */
	pid_t owner_pid;
	uint64_t owner_start; /* its /proc/PID/stat start time */
	uint64_t owner_pidns; /* inode of its pid namespace */
};

/* OCI state object (for `state`, `list`, hooks' stdin); `status` given by
 * the caller.  With `private`, the "berth" object is included too.  */
void spec_state_write(struct jsonw *w, const struct spec_state *st, const char *status,
		      bool private);

int spec_state_parse(const char *json, size_t len, struct spec_state *st, struct error **err);

/* descriptors.json of a checkpoint's image dir (runc's format): the
 * init's fds 0, 1 and 2 as CRIU names them, an array of three strings.
 * An image dir may come from another host: anything else is refused.
 * out[] is set only on success (free each).  */
int spec_descriptors_parse(const char *json, size_t len, char *out[3], struct error **err);
void spec_state_clear(struct spec_state *st);

#endif
