/* SPDX-License-Identifier: Apache-2.0 */
/* cmd/cmd.h — the command line: one table of verbs (main.c), one file per
 * verb — except that verbs which are variants of another share its file:
 * run with create (create.c), ps with list (list.c), and start, state,
 * pause and resume, which take nothing but an id, in simple.c; restore
 * with checkpoint (checkpoint.c).
 *
 * Each verb parses its own flags with getopt_long (both "--flag value"
 * and "--flag=value"), calls runtime/ and returns the exit status; on an
 * error it fills *err and returns -1, and only main() prints it.  */
#ifndef BERTH_CMD_CMD_H
#define BERTH_CMD_CMD_H

#include <stdbool.h>

#include "core/error.h"
#include "runtime/runtime.h"

struct cmd_ctx {
	struct rt_global g;
	const char *verb;
};

struct cmd {
	const char *name;
	int (*run)(struct cmd_ctx *ctx, int argc, char **argv, struct error **err);
	const char *args; /* usage after the verb */
	const char *summary;
	/* exit status of a failure of berth's own (0: 1); sandbox: 125, as
	 * docker and podman, so a job's own 1 is never taken for berth's */
	int fail_status;
};

/* The verbs, one function each: the command's argv (argv[0] is the verb)
 * in, the exit status out, or -1 with *err.  */
int cmd_create(struct cmd_ctx *ctx, int argc, char **argv, struct error **err);
int cmd_start(struct cmd_ctx *ctx, int argc, char **argv, struct error **err);
int cmd_run(struct cmd_ctx *ctx, int argc, char **argv, struct error **err);
int cmd_state(struct cmd_ctx *ctx, int argc, char **argv, struct error **err);
int cmd_kill(struct cmd_ctx *ctx, int argc, char **argv, struct error **err);
int cmd_delete(struct cmd_ctx *ctx, int argc, char **argv, struct error **err);
int cmd_list(struct cmd_ctx *ctx, int argc, char **argv, struct error **err);
int cmd_spec(struct cmd_ctx *ctx, int argc, char **argv, struct error **err);
int cmd_exec(struct cmd_ctx *ctx, int argc, char **argv, struct error **err);
int cmd_ps(struct cmd_ctx *ctx, int argc, char **argv, struct error **err);
int cmd_pause(struct cmd_ctx *ctx, int argc, char **argv, struct error **err);
int cmd_resume(struct cmd_ctx *ctx, int argc, char **argv, struct error **err);
int cmd_update(struct cmd_ctx *ctx, int argc, char **argv, struct error **err);
int cmd_events(struct cmd_ctx *ctx, int argc, char **argv, struct error **err);
int cmd_features(struct cmd_ctx *ctx, int argc, char **argv, struct error **err);
int cmd_sandbox(struct cmd_ctx *ctx, int argc, char **argv, struct error **err);
int cmd_image(struct cmd_ctx *ctx, int argc, char **argv, struct error **err);
int cmd_checkpoint(struct cmd_ctx *ctx, int argc, char **argv, struct error **err);
int cmd_restore(struct cmd_ctx *ctx, int argc, char **argv, struct error **err);

/* image.c: the sandbox's --image references (oci:, oci-archive:,
 * docker-archive:) become layer directories in o->layers, and the image
 * config's Entrypoint/Cmd, Env, WorkingDir and User fill what the flags
 * left unset.  Everything stays valid, and the layers locked against
 * prune, until cmd_sandbox_images_free().  */
struct image;
struct rt_sandbox_opts;
struct cmd_sandbox_images {
	const char *entrypoint; /* --entrypoint, NULL when not given */
	const char *user;	/* --user NAME|UID[:GROUP|GID], NULL when not given */
	char *home;		/* the job user's home in the image's /etc/passwd */
	struct image *imgs;
	size_t n_imgs;
	char **layers, **args, **env;
};
int cmd_sandbox_images(struct cmd_ctx *ctx, struct cmd_sandbox_images *si,
		       struct rt_sandbox_opts *o, struct error **err);
void cmd_sandbox_images_free(struct cmd_sandbox_images *si);

/* usage error for the verb: "create: <text> (see 'berth create --help')" */
int cmd_usage(struct cmd_ctx *ctx, struct error **err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* print the verb's usage and options; returns 0 */
int cmd_help(struct cmd_ctx *ctx, const char *options);

/* exactly one positional argument (the container id) after the flags */
int cmd_one_id(struct cmd_ctx *ctx, int argc, char **argv, const char **id, struct error **err);

/* "--bundle" made absolute (default: the current directory) */
char *cmd_abs_path(const char *path);

/* --preserve-fds N (0..2^20) */
int cmd_preserve_fds(const char *s, int *n, struct error **err);

#endif
