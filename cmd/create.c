/* SPDX-License-Identifier: Apache-2.0 */
/* cmd/create.c — `create` and `run` (they share every flag but two).  */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd/cmd.h"
#include "core/cleanup.h"

static const char create_help[] =
	"  -b, --bundle DIR          bundle directory (default: current directory)\n"
	"      --pid-file FILE       write the init's pid to FILE\n"
	"      --console-socket PATH send the pty master to this AF_UNIX socket\n"
	"      --no-pivot            do not use pivot_root (e.g. ramfs roots)\n"
	"      --no-new-keyring      keep the caller's session keyring\n"
	"      --preserve-fds N      pass fds 3..3+N-1 on to the container\n";
static const char run_help[] =
	"  -d, --detach              do not wait for the container\n"
	"      --keep                do not delete the container after it exits\n";

enum { OPT_PID = 256, OPT_CONSOLE, OPT_NOPIVOT, OPT_KEYRING, OPT_PRESERVE, OPT_KEEP };

static int parse(struct cmd_ctx *ctx, int argc, char **argv, bool run, struct rt_create_opts *o,
		 struct error **err)
{
	static const struct option opts[] = {
		{"bundle", required_argument, NULL, 'b'},
		{"pid-file", required_argument, NULL, OPT_PID},
		{"console-socket", required_argument, NULL, OPT_CONSOLE},
		{"no-pivot", no_argument, NULL, OPT_NOPIVOT},
		{"no-new-keyring", no_argument, NULL, OPT_KEYRING},
		{"preserve-fds", required_argument, NULL, OPT_PRESERVE},
		{"detach", no_argument, NULL, 'd'},
		{"keep", no_argument, NULL, OPT_KEEP},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	const char *bundle = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "+b:dh", opts, NULL)) != -1) {
		switch (c) {
		case 'b': bundle = optarg; break;
		case OPT_PID: o->pid_file = optarg; break;
		case OPT_CONSOLE: o->console_socket = optarg; break;
		case OPT_NOPIVOT: o->no_pivot = true; break;
		case OPT_KEYRING: o->no_new_keyring = true; break;
		case OPT_PRESERVE:
			if (cmd_preserve_fds(optarg, &o->preserve_fds, err) < 0)
				return -1;
			break;
		case 'd':
			if (!run)
				return cmd_usage(ctx, err,
						 "unknown option '-d' (create always detaches)");
			o->detach = true;
			break;
		case OPT_KEEP:
			if (!run)
				return cmd_usage(ctx, err, "unknown option '--keep'");
			o->keep = true;
			break;
		case 'h':
			cmd_help(ctx, run ? create_help : create_help);
			if (run)
				fputs(run_help, stdout);
			return 1;
		default: return cmd_usage(ctx, err, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (cmd_one_id(ctx, argc, argv, &o->id, err) < 0)
		return -1;
	o->bundle = cmd_abs_path(bundle);
	return 0;
}

int cmd_create(struct cmd_ctx *ctx, int argc, char **argv, struct error **err)
{
	struct rt_create_opts o = {0};
	int rc = parse(ctx, argc, argv, false, &o, err);

	if (rc == 0)
		rc = rt_create(&ctx->g, &o, err);
	free((char *)o.bundle);
	return rc < 0 ? -1 : 0;
}

int cmd_run(struct cmd_ctx *ctx, int argc, char **argv, struct error **err)
{
	struct rt_create_opts o = {0};
	int status = 0;
	int rc = parse(ctx, argc, argv, true, &o, err);

	if (rc == 0)
		rc = rt_run(&ctx->g, &o, &status, err);
	free((char *)o.bundle);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	return status;
}
