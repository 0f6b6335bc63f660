/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/launch.h — starting a container's init process.
 *
 * launch_init() clones the init straight into its namespaces and cgroup
 * and drives the protocol of core/sync.h up to SYNC_READY: the init is
 * then fully set up and blocked before the user's process, waiting either
 * on exec.fifo (create; `start` opens the fifo) or on SYNC_START (run).
 * The child side lives in init.c.  */
#ifndef BERTH_RUNTIME_LAUNCH_H
#define BERTH_RUNTIME_LAUNCH_H

#include <stdbool.h>
#include <sys/types.h>

#include "cgroups/cgroup.h"
#include "core/error.h"
#include "netns/netns.h"
#include "netns/pasta.h"
#include "rootfs/rootfs.h"
#include "runtime/seccomp.h"
#include "spec/spec.h"
#include "spec/state.h"

struct launch {
	/* inputs */
	const struct spec *spec;
	struct spec_state *state;	  /* id, bundle, annotations: for hooks */
	const struct rootfs_plan *rootfs; /* where the root comes from */
	struct cg *cg;			  /* NULL: no cgroup */
	const struct netns_request *net;  /* NULL or mode none: lo only */
	int fifo_dir_fd;		  /* O_PATH state dir: wait on exec.fifo; -1: SYNC_START */
	int lock_fd;			  /* the state dir lock: closed in the child,
					   or the init would hold it until exec */
	bool no_pivot;
	bool new_keyring;
	int preserve_fds; /* incl. LISTEN_FDS */
	int listen_fds;
	int etc_dir_fd;	      /* the state dir, where the network's /etc files
			   are written, or -1 (rootfs->etc_files names it) */
	bool reaper;	      /* --init: the init forks the process, stays pid 1 */
	bool die_with_parent; /* sandbox: the job dies with berth, also
				 after it runs (parent-death signal kept) */

	/* outputs */
	struct seccomp_prog seccomp; /* compiled (or from the cache) before
					the clone; the init only loads it */
	int listener_fd;	     /* linux.seccomp.listenerPath, connected before the
			    clone for the init (which sends the notify fd on
			    it); the parent's copy is closed after it, or -1 */
	pid_t pid;
	int pidfd;
	int sync_fd;	/* parent end, open until launch_done */
	int pty_master; /* with process.terminal, else -1 */
	bool has_lease;
	struct netns_lease lease;
	struct netns_pasta pasta; /* --network pasta: stopped by launch_done */
};

/* Clone the init and take it up to SYNC_READY.  On failure the child is
 * killed and reaped and its network undone; the caller removes the
 * cgroup and the state directory.  */
int launch_init(struct launch *l, struct error **err);

/* run: let the init exec the process now; 0 once execve() succeeded.  */
int launch_start(struct launch *l, struct error **err);

/* Kill (SIGKILL) and reap the child if it is still ours.  */
void launch_abort(struct launch *l);

/* Close the parent's fds (sync socket, pidfd, pty master).  */
void launch_done(struct launch *l);

/* a new network namespace wired to a bridge (else only lo comes up) */
bool launch_wants_bridge(const struct launch *l);

/* idmap.c: the idmapped trees of rootfs->layers_idmapped's layers, made
 * through the init's user namespace once its maps are written and sent
 * to it (SYNC_LAYER, one per layer); the init takes them into
 * plan->layer_trees.  Both do nothing for other plans.  */
int rt_idmap_layers_send(const struct launch *l, struct error **err);
int rt_idmap_layers_receive(const struct rootfs_plan *plan, int sync_fd, struct error **err);

/* The init, in the child after clone3(); never returns.  */
_Noreturn void init_main(struct launch *l, int sync_fd);

#endif
