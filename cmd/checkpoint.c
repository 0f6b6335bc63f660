/* SPDX-License-Identifier: Apache-2.0 */
/* cmd/checkpoint.c — `checkpoint` and `restore` (they share the CRIU
 * flags), with runc's names and defaults: --image-path defaults to
 * ./checkpoint, --work-path to the image dir, --manage-cgroups-mode to
 * CRIU's own default (soft).  */
#define _GNU_SOURCE
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/cleanup.h"
#include "runtime/criu.h"

static const char common_help[] =
	"      --image-path DIR      CRIU image files (default: ./checkpoint)\n"
	"      --work-path DIR       CRIU work files and log (default: the image dir)\n"
	"      --tcp-established     allow open TCP connections\n"
	"      --ext-unix-sk         allow external unix sockets\n"
	"      --shell-job           allow shell jobs (a terminal from outside)\n"
	"      --file-locks          handle file locks\n"
	"      --manage-cgroups-mode soft|full|strict|ignore\n"
	"      --empty-ns network    a namespace made empty, not restored\n"
	"      --auto-dedup          deduplicate memory images\n";
static const char checkpoint_help[] =
	"      --leave-running       keep the container running after the checkpoint\n"
	"      --pre-dump            dump memory only, leaving the container running\n"
	"      --parent-path DIR     previous images (pre-dump), relative to --image-path\n";
static const char restore_help[] =
	"  -b, --bundle DIR          bundle directory (default: current directory)\n"
	"  -d, --detach              do not wait for the restored container\n"
	"      --pid-file FILE       write the restored init's pid to FILE\n"
	"      --console-socket PATH send the restored pty master to this socket\n";

enum {
	OPT_IMAGE = 256,
	OPT_WORK,
	OPT_PARENT,
	OPT_LEAVE,
	OPT_TCP,
	OPT_UNIX,
	OPT_SHELL,
	OPT_LOCKS,
	OPT_PRE,
	OPT_CGMODE,
	OPT_EMPTY,
	OPT_DEDUP,
	OPT_PID,
	OPT_CONSOLE,
	OPT_IGNORED,
	OPT_UNSUPPORTED,
};

static const struct option criu_opts[] = {
	{"image-path", required_argument, NULL, OPT_IMAGE},
	{"work-path", required_argument, NULL, OPT_WORK},
	{"parent-path", required_argument, NULL, OPT_PARENT},
	{"leave-running", no_argument, NULL, OPT_LEAVE},
	{"tcp-established", no_argument, NULL, OPT_TCP},
	{"ext-unix-sk", no_argument, NULL, OPT_UNIX},
	{"shell-job", no_argument, NULL, OPT_SHELL},
	{"file-locks", no_argument, NULL, OPT_LOCKS},
	{"pre-dump", no_argument, NULL, OPT_PRE},
	{"manage-cgroups-mode", required_argument, NULL, OPT_CGMODE},
	{"empty-ns", required_argument, NULL, OPT_EMPTY},
	{"auto-dedup", no_argument, NULL, OPT_DEDUP},
	{"bundle", required_argument, NULL, 'b'},
	{"detach", no_argument, NULL, 'd'},
	{"pid-file", required_argument, NULL, OPT_PID},
	{"console-socket", required_argument, NULL, OPT_CONSOLE},
	/* runc's, with nothing to do in berth */
	{"no-subreaper", no_argument, NULL, OPT_IGNORED},
	{"no-pivot", no_argument, NULL, OPT_IGNORED},
	/* runc's, not supported: refused by name */
	{"lazy-pages", no_argument, NULL, OPT_UNSUPPORTED},
	{"page-server", required_argument, NULL, OPT_UNSUPPORTED},
	{"status-fd", required_argument, NULL, OPT_UNSUPPORTED},
	{"lsm-profile", required_argument, NULL, OPT_UNSUPPORTED},
	{"lsm-mount-context", required_argument, NULL, OPT_UNSUPPORTED},
	{"help", no_argument, NULL, 'h'},
	{0},
};

static int cg_mode(const char *s, int *mode, struct error **err)
{
	static const struct {
		const char *name;
		int mode;
	} modes[] = {{"soft", CRIU_CG_SOFT},
		     {"full", CRIU_CG_FULL},
		     {"strict", CRIU_CG_STRICT},
		     {"ignore", CRIU_CG_IGNORE}};

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(s, modes[i].name) == 0) {
			*mode = modes[i].mode;
			return 0;
		}
	return error_set(err, 0,
			 "--manage-cgroups-mode: must be soft, full, strict or ignore, not \"%s\"",
			 s);
}

/* runc takes the spec's names; only the network namespace can be empty */
static int empty_ns(const char *s, unsigned *mask, struct error **err)
{
	if (strcmp(s, "network") != 0)
		return error_set(err, 0,
				 "--empty-ns: namespace \"%s\" is not supported (only network)", s);
	*mask |= CLONE_NEWNET;
	return 0;
}

/* the flags only one of the two verbs has */
static bool verb_has(bool restore, int c)
{
	switch (c) {
	case OPT_PARENT:
	case OPT_LEAVE:
	case OPT_PRE: return !restore;
	case 'b':
	case 'd':
	case OPT_PID:
	case OPT_CONSOLE: return restore;
	default: return true;
	}
}

static int one_opt(struct cmd_ctx *ctx, int c, struct rt_criu_opts *o, const char **image,
		   const char **work, const char **bundle, char **argv, struct error **err)
{
	switch (c) {
	case OPT_IMAGE: *image = optarg; return 0;
	case OPT_WORK: *work = optarg; return 0;
	case OPT_PARENT: o->parent_path = optarg; return 0;
	case OPT_LEAVE: o->leave_running = true; return 0;
	case OPT_TCP: o->tcp_established = true; return 0;
	case OPT_UNIX: o->ext_unix_sk = true; return 0;
	case OPT_SHELL: o->shell_job = true; return 0;
	case OPT_LOCKS: o->file_locks = true; return 0;
	case OPT_PRE: o->pre_dump = true; return 0;
	case OPT_CGMODE: return cg_mode(optarg, &o->cg_mode, err);
	case OPT_EMPTY: return empty_ns(optarg, &o->empty_ns, err);
	case OPT_DEDUP: o->auto_dedup = true; return 0;
	case 'b': *bundle = optarg; return 0;
	case 'd': o->detach = true; return 0;
	case OPT_PID: o->pid_file = optarg; return 0;
	case OPT_CONSOLE: o->console_socket = optarg; return 0;
	case OPT_IGNORED: return 0;
	case OPT_UNSUPPORTED:
		return error_set(err, ENOTSUP, "%s: not supported by berth", argv[optind - 1]);
	default: return cmd_usage(ctx, err, "unknown option '%s'", argv[optind - 1]);
	}
}

/* 1: --help was printed */
static int parse(struct cmd_ctx *ctx, int argc, char **argv, bool restore, struct rt_criu_opts *o,
		 struct error **err)
{
	const char *image = NULL, *work = NULL, *bundle = NULL;
	int c;

	o->cg_mode = CRIU_CG_DEFAULT;
	/* _only: long options with one dash too, as Go's flag package takes
	 * them; containerd's shim (go-runc) restores with "-no-subreaper" */
	while ((c = getopt_long_only(argc, argv, "+b:dh", criu_opts, NULL)) != -1) {
		if (c == 'h') {
			cmd_help(ctx, restore ? restore_help : checkpoint_help);
			fputs(common_help, stdout);
			return 1;
		}
		if (!verb_has(restore, c))
			return cmd_usage(ctx, err, "unknown option '%s'", argv[optind - 1]);
		if (one_opt(ctx, c, o, &image, &work, &bundle, argv, err) < 0)
			return -1;
	}
	if (cmd_one_id(ctx, argc, argv, &o->id, err) < 0)
		return -1;
	o->image_path = cmd_abs_path(image != NULL ? image : "checkpoint");
	o->work_path = work != NULL ? cmd_abs_path(work) : NULL;
	if (restore)
		o->bundle = cmd_abs_path(bundle);
	return 0;
}

static void opts_free(struct rt_criu_opts *o)
{
	free((char *)o->image_path);
	free((char *)o->work_path);
	free((char *)o->bundle);
}

int cmd_checkpoint(struct cmd_ctx *ctx, int argc, char **argv, struct error **err)
{
	struct rt_criu_opts o = {0};
	int rc = parse(ctx, argc, argv, false, &o, err);

	if (rc == 0)
		rc = rt_checkpoint(&ctx->g, &o, err);
	else if (rc > 0)
		rc = 0;
	opts_free(&o);
	return rc;
}

int cmd_restore(struct cmd_ctx *ctx, int argc, char **argv, struct error **err)
{
	struct rt_criu_opts o = {0};
	int status = 0;
	int rc = parse(ctx, argc, argv, true, &o, err);

	if (rc == 0)
		rc = rt_restore(&ctx->g, &o, &status, err);
	else if (rc > 0)
		rc = 0;
	opts_free(&o);
	return rc < 0 ? -1 : status;
}
