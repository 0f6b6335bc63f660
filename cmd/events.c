/* SPDX-License-Identifier: Apache-2.0 */
/* cmd/events.c — `events`: stats and OOM events as JSON lines.  */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "spec/spec.h"

int cmd_events(struct cmd_ctx *ctx, int argc, char **argv, struct error **err)
{
	static const struct option opts[] = {
		{"stats", no_argument, NULL, 's'},
		{"interval", required_argument, NULL, 'i'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	uint64_t interval = 5000;
	bool stats = false;
	const char *id;
	int c;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 's')
			stats = true;
		else if (c == 'i') {
			if (spec_flag_duration("--interval", optarg, &interval, err) < 0)
				return -1;
		} else if (c == 'h')
			return cmd_help(
				ctx,
				"      --stats          print one stats object and exit\n"
				"      --interval D     time between stats lines (default 5s)\n");
		else
			return cmd_usage(ctx, err, "unknown option '%s'", argv[optind - 1]);
	}
	if (cmd_one_id(ctx, argc, argv, &id, err) < 0)
		return -1;
	return rt_events(&ctx->g, id, stats, (unsigned)interval, err);
}
