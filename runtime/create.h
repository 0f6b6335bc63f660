/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/create.h — internals shared by create.c, checks.c, run.c.  */
#ifndef BERTH_RUNTIME_CREATE_H
#define BERTH_RUNTIME_CREATE_H

#include "rootfs/rootfs.h"
#include "runtime/container.h"
#include "runtime/launch.h"
#include "runtime/notify.h"
#include "runtime/runtime.h"

enum create_mode {
	CREATE_DETACHED,     /* create: init waits on exec.fifo */
	CREATE_FOREGROUND,   /* run: berth stays and waits */
	CREATE_RUN_DETACHED, /* run -d: started, then berth exits */
};

struct creation {
	const struct rt_global *g;
	const struct rt_create_opts *o;
	enum create_mode mode;
	char *config;
	size_t config_len;
	struct spec *spec;
	struct rootfs_plan rootfs; /* made once, read by the launcher and init */
	struct container c;
	bool have_dir;
	struct cg *cg;
	struct launch l;
	bool launched;
	int fifo_dir_fd;	      /* O_PATH dup of the state dir for the init */
	struct spec_ext ext;	      /* the bundle's org.berth.* annotations */
	struct netns_request ext_net; /* from ext */
	const struct netns_request *net;
	struct notify_relay notify; /* run: the sd_notify relay (notify.h) */
	char *notify_caller;	    /* NOTIFY_SOCKET, or the bundle's (notify.h), or NULL */
};

/* every step up to a ready init; on failure everything is undone */
int creation_run(struct creation *cr, struct error **err);
void creation_rollback(struct creation *cr);
void creation_free(struct creation *cr);

/* idmap.c: the idmapped bind mounts' trees, into plan->idmap_fds,
 * before the clone (see rootfs_idmapped_tree); the image layers' come
 * after it (launch.h, rt_idmap_layers_send)  */
int rt_idmap_prepare(const struct spec *spec, const char *bundle, struct rootfs_plan *plan,
		     struct error **err);

/* checks.c: what the host must offer for this config, before anything
 * is created (LSMs, seccomp notify, a mount namespace, ...) */
int host_checks(const struct creation *cr, struct error **err);

#endif
