/* SPDX-License-Identifier: Apache-2.0 */
/* cmd/spec.c — `spec`: write a default config.json, never over one.  */
#define _GNU_SOURCE
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "core/cleanup.h"
#include "core/mem.h"
#include "spec/spec.h"

int cmd_spec(struct cmd_ctx *ctx, int argc, char **argv, struct error **err)
{
	static const struct option opts[] = {
		{"rootless", no_argument, NULL, 'r'},
		{"bundle", required_argument, NULL, 'b'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	cleanup_free char *json = NULL;
	cleanup_free char *path = NULL;
	cleanup_close int fd = -1;
	const char *bundle = ".";
	bool rootless = false;
	size_t len;
	int c;

	while ((c = getopt_long(argc, argv, "+b:h", opts, NULL)) != -1) {
		if (c == 'r')
			rootless = true;
		else if (c == 'b')
			bundle = optarg;
		else if (c == 'h')
			return cmd_help(
				ctx,
				"      --rootless     a config for an unprivileged user\n"
				"  -b, --bundle DIR   where to write config.json (default .)\n");
		else
			return cmd_usage(ctx, err, "unknown option '%s'", argv[optind - 1]);
	}
	if (optind < argc)
		return cmd_usage(ctx, err, "unexpected argument \"%s\"", argv[optind]);
	json = spec_default_json(rootless, getuid(), getgid());
	path = xasprintf("%s/config.json", bundle);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		if (errno == EEXIST)
			return error_set(err, 0, "spec: '%s' exists; remove it first", path);
		return error_set(err, errno, "spec: create '%s'", path);
	}
	len = strlen(json);
	if (write(fd, json, len) != (ssize_t)len)
		return error_set(err, errno, "spec: write '%s'", path);
	return 0;
}
