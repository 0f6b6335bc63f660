/* SPDX-License-Identifier: Apache-2.0 */
/* cmd/kill.c — `kill [--all] ID [SIGNAL]`.  */
#define _GNU_SOURCE
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>

#include "cmd/cmd.h"
#include "spec/spec.h"

int cmd_kill(struct cmd_ctx *ctx, int argc, char **argv, struct error **err)
{
	static const struct option opts[] = {
		{"all", no_argument, NULL, 'a'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	bool all = false;
	int c, sig = SIGTERM;

	while ((c = getopt_long(argc, argv, "+ah", opts, NULL)) != -1) {
		if (c == 'a')
			all = true;
		else if (c == 'h')
			return cmd_help(
				ctx,
				"  -a, --all     signal every process of the container\n"
				"SIGNAL: a number or a name (KILL, SIGKILL); default SIGTERM\n");
		else
			return cmd_usage(ctx, err, "unknown option '%s'", argv[optind - 1]);
	}
	if (optind >= argc)
		return cmd_usage(ctx, err, "a container id is required");
	if (optind + 2 < argc)
		return cmd_usage(ctx, err, "unexpected argument \"%s\"", argv[optind + 2]);
	if (optind + 1 < argc && spec_signal_parse(argv[optind + 1], &sig, err) < 0)
		return error_wrap(err, "kill");
	return rt_kill(&ctx->g, argv[optind], sig, all, err);
}
