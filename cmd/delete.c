/* SPDX-License-Identifier: Apache-2.0 */
/* cmd/delete.c — `delete [--force] ID`.  */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdbool.h>

#include "cmd/cmd.h"

int cmd_delete(struct cmd_ctx *ctx, int argc, char **argv, struct error **err)
{
	static const struct option opts[] = {
		{"force", no_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	bool force = false;
	const char *id;
	int c;

	while ((c = getopt_long(argc, argv, "+fh", opts, NULL)) != -1) {
		if (c == 'f')
			force = true;
		else if (c == 'h')
			return cmd_help(
				ctx, "  -f, --force   kill the container first if it still runs\n");
		else
			return cmd_usage(ctx, err, "unknown option '%s'", argv[optind - 1]);
	}
	if (cmd_one_id(ctx, argc, argv, &id, err) < 0)
		return -1;
	return rt_delete(&ctx->g, id, force, err);
}
