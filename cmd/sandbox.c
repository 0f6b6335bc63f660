/* SPDX-License-Identifier: Apache-2.0 */
/* cmd/sandbox.c — `sandbox`: run one CI job in a fresh, locked-down
 * container built from image layers; see runtime/sandbox.h.  */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "spec/spec.h"
#include "core/mem.h"
#include "runtime/sandbox.h"

static const char sandbox_help[] =
	"      --image DIR          an image layer (repeatable, lowest first)\n"
	"      --image oci:DIR[:TAG] | oci-archive:FILE[:TAG] | docker-archive:FILE[:NAME:TAG]\n"
	"                           an image: its layers, and its config's Entrypoint,\n"
	"                           Cmd, Env, WorkingDir and User as defaults\n"
	"      --entrypoint CMD     replace the image's Entrypoint (\"\" for none)\n"
	"      --rootfs DIR         a single-layer image (same as one --image)\n"
	"  -v, --volume SRC:DST[:ro] bind a host path into the job\n"
	"  -e, --env K=V            add an environment variable\n"
	"  -w, --workdir DIR        working directory (default /)\n"
	"      --user UID[:GID]     run as this user (default 0)\n"
	"      --memory SIZE        memory limit (e.g. 512m)\n"
	"      --cpus N             CPU limit (e.g. 1.5)\n"
	"      --pids N             process limit\n"
	"      --timeout DURATION   kill the whole job after it (e.g. 30s, 5m): exit 124\n"
	"      --network MODE       none (default: loopback only), host,\n"
	"                           bridge[=NAME] (veth on a bridge), ns:PATH (join)\n"
	"      --read-only          the root filesystem is read-only\n"
	"      --overlay-tmpfs      keep the job's writes on a tmpfs\n"
	"      --tmpfs DST          a tmpfs at DST (repeatable)\n"
	"      --hostname NAME\n"
	"      --stats FILE         write a JSON usage report at the end\n"
	"  -t, --tty                give the job a terminal\n"
	"      --print-spec         print the config the job would run with\n"
	"      -- CMD [ARG...]      the job\n";

enum {
	OPT_IMAGE = 256,
	OPT_ROOTFS,
	OPT_USER,
	OPT_MEMORY,
	OPT_CPUS,
	OPT_PIDS,
	OPT_TIMEOUT,
	OPT_NETWORK,
	OPT_RO,
	OPT_TMPFS,
	OPT_HOSTNAME,
	OPT_STATS,
	OPT_PRINT,
	OPT_OVLTMPFS,
	OPT_ENTRYPOINT
};

struct lists {
	char **layers, **volumes, **env, **tmpfs;
	size_t n_layers, n_volumes, n_env, n_tmpfs;
	const char *entrypoint;
};

static void push(char ***v, size_t *n, const char *s)
{
	*v = xreallocarray(*v, *n + 2, sizeof(char *));
	(*v)[(*n)++] = xstrdup(s);
	(*v)[*n] = NULL;
}

static int parse_user(const char *s, struct rt_sandbox_opts *o, struct error **err)
{
	uint32_t uid, gid = 0;
	bool has_gid;

	if (spec_flag_user("--user", s, &uid, &gid, &has_gid, err) < 0)
		return -1;
	o->uid = (uid_t)uid;
	o->gid = has_gid ? (gid_t)gid : (gid_t)uid;
	o->has_user = true;
	return 0;
}

/* the numeric flags, each checked by spec/ */
static int number_option(int c, struct rt_sandbox_opts *o, struct error **err)
{
	int64_t v;
	uint64_t u;

	switch (c) {
	case OPT_MEMORY:
		if (spec_flag_size("--memory", optarg, false, &v, err) < 0)
			return -1;
		if (v == 0)
			return error_set(err, 0, "--memory: \"%s\" is not more than 0", optarg);
		o->memory = v;
		return 0;
	case OPT_CPUS:
		if (spec_flag_cpus("--cpus", optarg, &u, err) < 0)
			return -1;
		o->cpus_milli = (long long)u;
		return 0;
	case OPT_PIDS:
		if (spec_flag_int("--pids", optarg, 1, INT64_MAX, &v, err) < 0)
			return -1;
		o->pids = v;
		return 0;
	default:
		if (spec_flag_duration("--timeout", optarg, &u, err) < 0)
			return -1;
		o->timeout_ms = (unsigned)u;
		return 0;
	}
}

static int option(struct cmd_ctx *ctx, int c, struct rt_sandbox_opts *o, struct lists *l,
		  struct error **err)
{
	switch (c) {
	case OPT_IMAGE:
	case OPT_ROOTFS: push(&l->layers, &l->n_layers, optarg); break;
	case 'v': push(&l->volumes, &l->n_volumes, optarg); break;
	case 'e': push(&l->env, &l->n_env, optarg); break;
	case OPT_TMPFS: push(&l->tmpfs, &l->n_tmpfs, optarg); break;
	case 'w': o->workdir = optarg; break;
	case OPT_ENTRYPOINT: l->entrypoint = optarg; break;
	case OPT_HOSTNAME: o->hostname = optarg; break;
	case OPT_STATS: o->stats_file = optarg; break;
	case OPT_RO: o->read_only = true; break;
	case OPT_OVLTMPFS: o->overlay_tmpfs = true; break;
	case OPT_PRINT: o->print_spec = true; break;
	case 't': o->tty = true; break;
	case OPT_USER: return parse_user(optarg, o, err);
	case OPT_MEMORY:
	case OPT_CPUS:
	case OPT_PIDS:
	case OPT_TIMEOUT: return number_option(c, o, err);
	case OPT_NETWORK:
		if (strcmp(optarg, "none") == 0) {
			o->network = NETNS_NONE;
		} else if (strcmp(optarg, "host") == 0) {
			o->network = NETNS_HOST;
		} else if (strcmp(optarg, "bridge") == 0 || strncmp(optarg, "bridge=", 7) == 0) {
			o->network = NETNS_BRIDGE;
			o->bridge = optarg[6] == '=' ? optarg + 7 : NULL;
		} else if (strncmp(optarg, "ns:", 3) == 0 && optarg[3] == '/') {
			o->network = NETNS_JOIN;
			o->netns_path = optarg + 3;
		} else {
			return cmd_usage(ctx, err,
					 "--network: must be none, host, bridge[=NAME] or ns:PATH, "
					 "not \"%s\"",
					 optarg);
		}
		break;
	case 'h': cmd_help(ctx, sandbox_help); return 1;
	default: return cmd_usage(ctx, err, "unknown option '%s'", ctx->verb);
	}
	return 0;
}

static void lists_free(struct lists *l)
{
	strv_free(l->layers);
	strv_free(l->volumes);
	strv_free(l->env);
	strv_free(l->tmpfs);
}

int cmd_sandbox(struct cmd_ctx *ctx, int argc, char **argv, struct error **err)
{
	static const struct option opts[] = {
		{"image", required_argument, NULL, OPT_IMAGE},
		{"rootfs", required_argument, NULL, OPT_ROOTFS},
		{"volume", required_argument, NULL, 'v'},
		{"env", required_argument, NULL, 'e'},
		{"workdir", required_argument, NULL, 'w'},
		{"user", required_argument, NULL, OPT_USER},
		{"memory", required_argument, NULL, OPT_MEMORY},
		{"cpus", required_argument, NULL, OPT_CPUS},
		{"pids", required_argument, NULL, OPT_PIDS},
		{"timeout", required_argument, NULL, OPT_TIMEOUT},
		{"network", required_argument, NULL, OPT_NETWORK},
		{"read-only", no_argument, NULL, OPT_RO},
		{"overlay-tmpfs", no_argument, NULL, OPT_OVLTMPFS},
		{"tmpfs", required_argument, NULL, OPT_TMPFS},
		{"hostname", required_argument, NULL, OPT_HOSTNAME},
		{"stats", required_argument, NULL, OPT_STATS},
		{"tty", no_argument, NULL, 't'},
		{"print-spec", no_argument, NULL, OPT_PRINT},
		{"entrypoint", required_argument, NULL, OPT_ENTRYPOINT},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct rt_sandbox_opts o = {.network = NETNS_NONE};
	struct lists l = {0};
	struct cmd_sandbox_images si = {0};
	int c, rc = 0, status = 0;

	while (rc == 0 && (c = getopt_long(argc, argv, "+v:e:w:th", opts, NULL)) != -1) {
		if (c == '?')
			rc = cmd_usage(ctx, err, "unknown option '%s'", argv[optind - 1]);
		else
			rc = option(ctx, c, &o, &l, err);
	}
	if (rc == 0) {
		o.layers = l.layers;
		o.volumes = l.volumes;
		o.env = l.env;
		o.tmpfs = l.tmpfs;
		o.args = argv + optind;
		si.entrypoint = l.entrypoint;
		rc = cmd_sandbox_images(ctx, &si, &o, err);
	}
	if (rc == 0)
		rc = rt_sandbox(&ctx->g, &o, &status, err);
	cmd_sandbox_images_free(&si);
	lists_free(&l);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	return status;
}
