/* cmd/events.c — `events`: stats and OOM events as JSON lines.  */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"

/* "5s", "500ms", "1m", "2" (seconds) -> milliseconds */
static int parse_duration(const char *s, unsigned *ms)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || v <= 0)
		return -1;
	if (strcmp(end, "ms") == 0)
		*ms = (unsigned)v;
	else if (*end == '\0' || strcmp(end, "s") == 0)
		*ms = (unsigned)(v * 1000);
	else if (strcmp(end, "m") == 0)
		*ms = (unsigned)(v * 60000);
	else
		return -1;
	return *ms > 0 ? 0 : -1;
}

CMD_DECLARE(events)
{
	static const struct option opts[] = {
		{"stats", no_argument, NULL, 's'},
		{"interval", required_argument, NULL, 'i'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	unsigned interval = 5000;
	bool stats = false;
	const char *id;
	int c;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 's')
			stats = true;
		else if (c == 'i') {
			if (parse_duration(optarg, &interval) < 0)
				return cmd_usage(
					ctx, err,
					"--interval: \"%s\" is not a duration (e.g. 5s, 500ms)",
					optarg);
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
	return rt_events(&ctx->g, id, stats, interval, err);
}
