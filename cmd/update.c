/* SPDX-License-Identifier: Apache-2.0 */
/* cmd/update.c — `update`: new limits for a running container, from a
 * LinuxResources JSON (--resources FILE, or - for stdin) or runc's flags. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/cleanup.h"
#include "core/file.h"
#include "core/mem.h"
#include "spec/spec.h"

static const char update_help[] =
	"  -r, --resources FILE|-    LinuxResources JSON (\"-\": stdin)\n"
	"      --memory SIZE         memory limit (e.g. 64m)\n"
	"      --memory-reservation SIZE\n"
	"      --memory-swap SIZE    memory+swap limit (-1: unlimited)\n"
	"      --cpu-shares N        relative weight (converted to cpu.weight)\n"
	"      --cpu-quota N         microseconds per period (-1: unlimited)\n"
	"      --cpu-period N        microseconds\n"
	"      --cpu-rt-runtime N, --cpu-rt-period N\n"
	"      --cpuset-cpus LIST, --cpuset-mems LIST\n"
	"      --pids-limit N        (-1 or 0: unlimited)\n"
	"      --blkio-weight N      10..1000\n";

/* every resource flag is OPT_RES: spec/ knows them by name */
enum { OPT_RES = 256, OPT_KMEM, OPT_RDT };

/* flags and values as given, for spec_resources_from_flags() */
struct flag_list {
	char **flags, **values;
	size_t n;
};

static void flag_push(struct flag_list *l, const char *flag, const char *value)
{
	l->flags = xreallocarray(l->flags, l->n + 1, sizeof(char *));
	l->values = xreallocarray(l->values, l->n + 1, sizeof(char *));
	l->flags[l->n] = xasprintf("--%s", flag);
	l->values[l->n++] = xstrdup(value);
}

static void flag_list_clear(struct flag_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->flags[i]);
		free(l->values[i]);
	}
	free(l->flags);
	free(l->values);
}

static struct spec_resources *load_resources(const char *path, struct error **err)
{
	cleanup_free char *buf = NULL;
	size_t len;

	if (read_file_at(AT_FDCWD, strcmp(path, "-") == 0 ? "/dev/stdin" : path, &buf, &len, err) <
	    0) {
		error_wrap(err, "update: --resources");
		return NULL;
	}
	return spec_resources_parse(buf, len, "resources.json", err);
}

static const struct option update_opts[] = {
	{"resources", required_argument, NULL, 'r'},
	{"memory", required_argument, NULL, OPT_RES},
	{"memory-reservation", required_argument, NULL, OPT_RES},
	{"memory-swap", required_argument, NULL, OPT_RES},
	{"cpu-share", required_argument, NULL, OPT_RES},
	{"cpu-shares", required_argument, NULL, OPT_RES},
	{"cpu-quota", required_argument, NULL, OPT_RES},
	{"cpu-period", required_argument, NULL, OPT_RES},
	{"cpu-rt-runtime", required_argument, NULL, OPT_RES},
	{"cpu-rt-period", required_argument, NULL, OPT_RES},
	{"cpuset-cpus", required_argument, NULL, OPT_RES},
	{"cpuset-mems", required_argument, NULL, OPT_RES},
	{"pids-limit", required_argument, NULL, OPT_RES},
	{"blkio-weight", required_argument, NULL, OPT_RES},
	{"kernel-memory", required_argument, NULL, OPT_KMEM},
	{"kernel-memory-tcp", required_argument, NULL, OPT_KMEM},
	{"l3-cache-schema", required_argument, NULL, OPT_RDT},
	{"mem-bw-schema", required_argument, NULL, OPT_RDT},
	{"help", no_argument, NULL, 'h'},
	{0},
};

/* the options into `flags` (or *file): 0, 1 for --help, -1 */
static int parse(struct cmd_ctx *ctx, int argc, char **argv, struct flag_list *flags,
		 const char **file, struct error **err)
{
	int c, i = 0;

	while ((c = getopt_long(argc, argv, "+r:h", update_opts, &i)) != -1) {
		if (c == 'r')
			*file = optarg;
		else if (c == 'h') {
			cmd_help(ctx, update_help);
			return 1;
		} else if (c == '?')
			return cmd_usage(ctx, err, "unknown option '%s'", argv[optind - 1]);
		else if (c == OPT_KMEM)
			return error_set(err, 0,
					 "update: --%s: kernel memory limits are obsolete (cgroup "
					 "v1 only, and ignored by its recent kernels)",
					 update_opts[i].name);
		else if (c == OPT_RDT)
			return error_set(err, 0,
					 "update: --%s: Intel RDT is not supported by berth",
					 update_opts[i].name);
		else
			flag_push(flags, update_opts[i].name, optarg);
	}
	return 0;
}

int cmd_update(struct cmd_ctx *ctx, int argc, char **argv, struct error **err)
{
	struct flag_list flags = {0};
	struct spec_resources *res = NULL;
	const char *id, *file = NULL;
	int rc = parse(ctx, argc, argv, &flags, &file, err);

	if (rc != 0 || cmd_one_id(ctx, argc, argv, &id, err) < 0) {
		rc = rc > 0 ? 0 : -1;
		goto out;
	}
	rc = -1;
	if (file != NULL)
		res = load_resources(file, err);
	else if ((res = spec_resources_from_flags(flags.flags, flags.values, flags.n, err)) == NULL)
		error_wrap(err, "update");
	if (res != NULL)
		rc = rt_update(&ctx->g, id, res, err);
out:
	spec_resources_free(res);
	flag_list_clear(&flags);
	return rc;
}
