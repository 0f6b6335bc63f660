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
#include "core/fsutil.h"
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

enum {
	OPT_MEM = 256,
	OPT_MEMRES,
	OPT_SWAP,
	OPT_SHARES,
	OPT_QUOTA,
	OPT_PERIOD,
	OPT_RTRUN,
	OPT_RTPER,
	OPT_CPUS,
	OPT_MEMS,
	OPT_PIDS,
	OPT_BLKIO,
	OPT_KMEM,
	OPT_KTCP,
	OPT_L3,
	OPT_MBW
};

static int number(struct cmd_ctx *ctx, const char *opt, const char *s, bool size, long long *v,
		  struct error **err)
{
	char *end;

	if (size) {
		if (cmd_parse_size(s, v) == 0)
			return 0;
	} else {
		errno = 0;
		*v = strtoll(s, &end, 10);
		if (errno == 0 && end != s && *end == '\0')
			return 0;
	}
	return cmd_usage(ctx, err, "%s: \"%s\" is not a valid %s", opt, s,
			 size ? "size" : "number");
}

static void set_i64(struct opt_i64 *o, long long v)
{
	o->set = true;
	o->v = v;
}

static void set_u64(struct opt_u64 *o, long long v)
{
	o->set = true;
	o->v = (uint64_t)v;
}

/* one runc-style flag into the resources struct */
static int apply_flag(struct cmd_ctx *ctx, int c, const char *arg, struct spec_resources *r,
		      struct error **err)
{
	static const struct {
		int c;
		const char *name;
		bool size;
	} names[] = {
		{OPT_MEM, "--memory", true},
		{OPT_MEMRES, "--memory-reservation", true},
		{OPT_SWAP, "--memory-swap", true},
		{OPT_SHARES, "--cpu-shares", false},
		{OPT_QUOTA, "--cpu-quota", false},
		{OPT_PERIOD, "--cpu-period", false},
		{OPT_RTRUN, "--cpu-rt-runtime", false},
		{OPT_RTPER, "--cpu-rt-period", false},
		{OPT_PIDS, "--pids-limit", false},
		{OPT_BLKIO, "--blkio-weight", false},
	};
	long long v = 0;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].c == c && number(ctx, names[i].name, arg, names[i].size, &v, err) < 0)
			return -1;
	switch (c) {
	case OPT_MEM:
		r->has_memory = true;
		set_i64(&r->memory.limit, v);
		break;
	case OPT_MEMRES:
		r->has_memory = true;
		set_i64(&r->memory.reservation, v);
		break;
	case OPT_SWAP:
		r->has_memory = true;
		set_i64(&r->memory.swap, v);
		break;
	case OPT_SHARES:
		r->has_cpu = true;
		set_u64(&r->cpu.shares, v);
		break;
	case OPT_QUOTA:
		r->has_cpu = true;
		set_i64(&r->cpu.quota, v);
		break;
	case OPT_PERIOD:
		r->has_cpu = true;
		set_u64(&r->cpu.period, v);
		break;
	case OPT_RTRUN:
		r->has_cpu = true;
		set_i64(&r->cpu.realtime_runtime, v);
		break;
	case OPT_RTPER:
		r->has_cpu = true;
		set_u64(&r->cpu.realtime_period, v);
		break;
	case OPT_CPUS:
		r->has_cpu = true;
		free(r->cpu.cpus);
		r->cpu.cpus = xstrdup(arg);
		break;
	case OPT_MEMS:
		r->has_cpu = true;
		free(r->cpu.mems);
		r->cpu.mems = xstrdup(arg);
		break;
	case OPT_PIDS: set_i64(&r->pids_limit, v); break;
	case OPT_BLKIO:
		if (v < 10 || v > 1000)
			return cmd_usage(ctx, err, "--blkio-weight: must be 10..1000");
		r->has_blkio = true;
		set_u64(&r->blkio.weight, v);
		break;
	case OPT_KMEM:
	case OPT_KTCP:
		return error_set(err, 0,
				 "update: kernel memory limits exist only in cgroup v1, which "
				 "berth does not manage");
	default: return error_set(err, 0, "update: Intel RDT is not supported by berth");
	}
	return 0;
}

static struct spec_resources *load_resources(const char *path, struct error **err)
{
	cleanup_free char *buf = NULL;
	size_t len;

	if (read_file_at(AT_FDCWD, strcmp(path, "-") == 0 ? "/dev/stdin" : path, &buf, &len, err) <
	    0)
		return error_wrap(err, "update: --resources"), NULL;
	return spec_resources_parse(buf, len, "resources.json", err);
}

CMD_DECLARE(update)
{
	static const struct option opts[] = {
		{"resources", required_argument, NULL, 'r'},
		{"memory", required_argument, NULL, OPT_MEM},
		{"memory-reservation", required_argument, NULL, OPT_MEMRES},
		{"memory-swap", required_argument, NULL, OPT_SWAP},
		{"cpu-share", required_argument, NULL, OPT_SHARES},
		{"cpu-shares", required_argument, NULL, OPT_SHARES},
		{"cpu-quota", required_argument, NULL, OPT_QUOTA},
		{"cpu-period", required_argument, NULL, OPT_PERIOD},
		{"cpu-rt-runtime", required_argument, NULL, OPT_RTRUN},
		{"cpu-rt-period", required_argument, NULL, OPT_RTPER},
		{"cpuset-cpus", required_argument, NULL, OPT_CPUS},
		{"cpuset-mems", required_argument, NULL, OPT_MEMS},
		{"pids-limit", required_argument, NULL, OPT_PIDS},
		{"blkio-weight", required_argument, NULL, OPT_BLKIO},
		{"kernel-memory", required_argument, NULL, OPT_KMEM},
		{"kernel-memory-tcp", required_argument, NULL, OPT_KTCP},
		{"l3-cache-schema", required_argument, NULL, OPT_L3},
		{"mem-bw-schema", required_argument, NULL, OPT_MBW},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct spec_resources flags = {0};
	struct spec_resources *from_file = NULL;
	const char *id, *file = NULL;
	int c, rc = -1;

	while ((c = getopt_long(argc, argv, "+r:h", opts, NULL)) != -1) {
		if (c == 'r')
			file = optarg;
		else if (c == 'h')
			return cmd_help(ctx, update_help);
		else if (c == '?')
			return cmd_usage(ctx, err, "unknown option '%s'", argv[optind - 1]);
		else if (apply_flag(ctx, c, optarg, &flags, err) < 0)
			goto out;
	}
	if (cmd_one_id(ctx, argc, argv, &id, err) < 0)
		goto out;
	if (file != NULL) {
		from_file = load_resources(file, err);
		if (from_file == NULL)
			goto out;
	}
	rc = rt_update(&ctx->g, id, from_file ? from_file : &flags, err);
out:
	spec_resources_free(from_file);
	free(flags.cpu.cpus);
	free(flags.cpu.mems);
	return rc;
}
