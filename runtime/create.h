/* runtime/create.h — internals shared by create.c, checks.c, run.c.  */
#ifndef BERTH_RUNTIME_CREATE_H
#define BERTH_RUNTIME_CREATE_H

#include "runtime/annotations.h"
#include "runtime/container.h"
#include "runtime/launch.h"
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
	char *rootfs;
	struct container c;
	bool have_dir;
	struct cg *cg;
	struct launch l;
	bool launched;
	int fifo_dir_fd;      /* O_PATH dup of the state dir for the init */
	struct berth_ext ext; /* the bundle's org.berth.* annotations */
	char **ext_layers;    /* lowest first: the sandbox's or the bundle's */
	bool overlay_tmpfs;
	const struct netns_request *net;
	char **layers; /* top first, as overlayfs wants them */
	char *upper, *work;
	char *overlay_dir; /* <state>/overlay */
};

/* every step up to a ready init; on failure everything is undone */
int creation_run(struct creation *cr, struct error **err);
void creation_rollback(struct creation *cr);
void creation_free(struct creation *cr);

/* checks.c: what the host must offer for this config, before anything
 * is created (LSMs, seccomp notify, a mount namespace, ...) */
int host_checks(const struct creation *cr, struct error **err);

/* checks.c: layers checked and the overlay directories made */
int creation_overlay(struct creation *cr, struct error **err);

#endif
