/* cmd/simple.c — the verbs that take only an id: start, state, pause,
 * resume; and delete and kill with their one flag each.  */
#define _GNU_SOURCE
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd/cmd.h"
#include "spec/spec.h"

/* no options but --help; the id is the one argument */
static int only_id(struct cmd_ctx *ctx, int argc, char **argv, const char **id, struct error **err)
{
	static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {0}};
	int c;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'h')
			return cmd_help(ctx, NULL), 1;
		return cmd_usage(ctx, err, "unknown option '%s'", argv[optind - 1]);
	}
	return cmd_one_id(ctx, argc, argv, id, err);
}

CMD_DECLARE(start)
{
	const char *id;
	int rc = only_id(ctx, argc, argv, &id, err);

	return rc != 0 ? (rc < 0 ? -1 : 0) : rt_start(&ctx->g, id, err);
}

CMD_DECLARE(state)
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

CMD_DECLARE(pause)
{
	const char *id;
	int rc = only_id(ctx, argc, argv, &id, err);

	return rc != 0 ? (rc < 0 ? -1 : 0) : rt_pause(&ctx->g, id, true, err);
}

CMD_DECLARE(resume)
{
	const char *id;
	int rc = only_id(ctx, argc, argv, &id, err);

	return rc != 0 ? (rc < 0 ? -1 : 0) : rt_pause(&ctx->g, id, false, err);
}

CMD_DECLARE(delete)
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

CMD_DECLARE(kill)
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
