/* SPDX-License-Identifier: Apache-2.0 */
/* cmd/simple.c — the verbs that take nothing but an id: start, state,
 * pause and resume.  */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd/cmd.h"

/* no options but --help; the id is the one argument */
static int only_id(struct cmd_ctx *ctx, int argc, char **argv, const char **id, struct error **err)
{
	static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {0}};
	int c;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'h') {
			cmd_help(ctx, NULL);
			return 1;
		}
		return cmd_usage(ctx, err, "unknown option '%s'", argv[optind - 1]);
	}
	return cmd_one_id(ctx, argc, argv, id, err);
}

int cmd_start(struct cmd_ctx *ctx, int argc, char **argv, struct error **err)
{
	const char *id;
	int rc = only_id(ctx, argc, argv, &id, err);

	return rc != 0 ? (rc < 0 ? -1 : 0) : rt_start(&ctx->g, id, err);
}

int cmd_state(struct cmd_ctx *ctx, int argc, char **argv, struct error **err)
{
	const char *id;
	char *json = NULL;
	int rc = only_id(ctx, argc, argv, &id, err);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (rt_state(&ctx->g, id, &json, err) < 0)
		return -1;
	printf("%s\n", json);
	free(json);
	return 0;
}

int cmd_pause(struct cmd_ctx *ctx, int argc, char **argv, struct error **err)
{
	const char *id;
	int rc = only_id(ctx, argc, argv, &id, err);

	return rc != 0 ? (rc < 0 ? -1 : 0) : rt_pause(&ctx->g, id, true, err);
}

int cmd_resume(struct cmd_ctx *ctx, int argc, char **argv, struct error **err)
{
	const char *id;
	int rc = only_id(ctx, argc, argv, &id, err);

	return rc != 0 ? (rc < 0 ? -1 : 0) : rt_pause(&ctx->g, id, false, err);
}
