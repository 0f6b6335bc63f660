/* SPDX-License-Identifier: Apache-2.0 */
/* cmd/sandbox.c — `sandbox`: run one CI job in a fresh, locked-down
 * container built from image layers; see runtime/sandbox.h.  */
#define _GNU_SOURCE
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/cleanup.h"
#include "core/file.h"
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
	"  -e, --env NAME[=VALUE]   add an environment variable (NAME alone: berth's\n"
	"                           value, skipped when unset)\n"
	"      --env-file FILE      variables from FILE: NAME=VALUE or NAME lines,\n"
	"                           # comments (-e wins over it)\n"
	"  -w, --workdir DIR        working directory (default /)\n"
	"      --ulimit NAME=SOFT[:HARD] a resource limit (nofile, nproc, core, ...)\n"
	"      --user NAME|UID[:GROUP|GID] run as this user (default 0); names and\n"
	"                           HOME from the image's /etc/passwd and /etc/group\n"
	"      --userns auto|host   auto (default): the job's ids are a range of its\n"
	"                           own (root: berth-sandbox's in /etc/subuid; rootless:\n"
	"                           the caller's); host: root's job is the host's root\n"
	"      --output-owner UID[:GID] files the job's root writes to -v volumes are\n"
	"                           UID:GID's on the host (root, --userns auto)\n"
	"      --memory SIZE        memory limit (e.g. 512m, 1.5g; at least 6m)\n"
	"      --cpus N             CPU limit (e.g. 1.5)\n"
	"      --pids N             process limit\n"
	"      --timeout DURATION   then SIGTERM to the job, SIGKILL to all of it after\n"
	"                           --stop-grace (e.g. 30s, 1m30s): exit 124\n"
	"      --stop-grace DURATION from SIGTERM (timeout, or a signal to berth) to\n"
	"                           SIGKILL (default 10s; 0: at once)\n"
	"      --network MODE       none (default: loopback only), pasta (outbound\n"
	"                           TCP/UDP through passt's pasta), host,\n"
	"                           bridge[=NAME] (veth on a bridge), ns:PATH (join)\n"
	"      --read-only          the root filesystem is read-only\n"
	"      --overlay-tmpfs      keep the job's writes on a tmpfs\n"
	"      --tmpfs DST[:OPTS]   a tmpfs at DST (repeatable); OPTS: size=SIZE,\n"
	"                           mode=OCTAL, ro, noexec, nosuid, nodev, ...\n"
	"      --hostname NAME\n"
	"      --stats FILE         write a JSON usage report at the end\n"
	"  -t, --tty                give the job a terminal\n"
	"      --init               a minimal pid 1 (berth's own) that reaps zombies\n"
	"                           and forwards signals to the job\n"
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
	OPT_GRACE,
	OPT_INIT,
	OPT_ULIMIT,
	OPT_ENVFILE,
	OPT_ENTRYPOINT,
	OPT_USERNS,
	OPT_OUTPUT_OWNER
};

struct lists {
	char **layers, **volumes, **env, **tmpfs, **ulimits, **env_file;
	size_t n_layers, n_volumes, n_env, n_tmpfs, n_ulimits, n_env_file;
	const char *entrypoint;
	const char *user;
};

static void push(char ***v, size_t *n, const char *s)
{
	*v = xreallocarray(*v, *n + 2, sizeof(char *));
	(*v)[(*n)++] = xstrdup(s);
	(*v)[*n] = NULL;
}

/* --output-owner UID[:GID] (GID: the UID); never the host's root, whom
 * the job's root is never to be */
static int output_owner(const char *s, struct rt_sandbox_opts *o, struct error **err)
{
	uint32_t uid, gid = 0;
	bool has_gid;

	if (spec_flag_user("--output-owner", s, &uid, &gid, &has_gid, err) < 0)
		return -1;
	if (!has_gid)
		gid = uid;
	if (uid == 0 || gid == 0)
		return error_set(err, 0,
				 "--output-owner: \"%s\": not 0 (the job's root never writes "
				 "as the host's root; --userns host does)",
				 s);
	o->output_uid = (uid_t)uid;
	o->output_gid = (gid_t)gid;
	o->has_output_owner = true;
	return 0;
}

/* --user: resolved in the image's files once its layers are known
 * (cmd/image.c) */
static int parse_user(const char *s, struct lists *l, struct error **err)
{
	if (s[0] == '\0' || s[0] == ':' || strchr(s, '\n') != NULL)
		return error_set(err, 0, "--user: \"%s\": expected NAME|UID[:GROUP|GID]", s);
	l->user = s;
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
		/* below it the job's own runtime is OOM-killed before the
		 * job runs (docker's minimum too) */
		if (v < 6 * 1024 * 1024)
			return error_set(err, 0,
					 "--memory: \"%s\" is below the minimum of 6m the job "
					 "needs to start",
					 optarg);
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
	case OPT_GRACE:
		if (strcmp(optarg, "0") == 0) {
			o->stop_grace_ms = 0;
			return 0;
		}
		if (spec_flag_duration("--stop-grace", optarg, &u, err) < 0)
			return -1;
		o->stop_grace_ms = (unsigned)u;
		return 0;
	default:
		if (spec_flag_duration("--timeout", optarg, &u, err) < 0)
			return -1;
		o->timeout_ms = (unsigned)u;
		return 0;
	}
}

/* -e NAME=VALUE, or NAME alone: berth's own value, none when unset (as
 * docker) */
static int env_entry(const char *flag, const char *s, char ***v, size_t *n, struct error **err)
{
	size_t name_len;
	const char *inherited;

	if (spec_flag_env(flag, s, &name_len, err) < 0)
		return -1;
	if (s[name_len] == '=') {
		push(v, n, s);
		return 0;
	}
	inherited = getenv(s);
	if (inherited != NULL) {
		cleanup_free char *entry = xasprintf("%s=%s", s, inherited);

		push(v, n, entry);
	}
	return 0;
}

static int env_file(const char *path, struct lists *l, struct error **err)
{
	cleanup_free char *text = NULL;
	cleanup_strv char **entries = NULL;
	size_t len;

	if (read_file_at(AT_FDCWD, path, &text, &len, err) < 0)
		return error_wrap(err, "--env-file");
	if (spec_env_file_parse(path, text, len, &entries, err) < 0)
		return -1;
	for (char **e = entries; *e; e++)
		if (env_entry("--env-file", *e, &l->env_file, &l->n_env_file, err) < 0)
			return -1;
	return 0;
}

/* --user, --userns, --output-owner: whose ids the job runs with */
static int ids_option(struct cmd_ctx *ctx, int c, struct rt_sandbox_opts *o, struct lists *l,
		      struct error **err)
{
	if (c == OPT_USER)
		return parse_user(optarg, l, err);
	if (c == OPT_OUTPUT_OWNER)
		return output_owner(optarg, o, err);
	if (strcmp(optarg, "auto") != 0 && strcmp(optarg, "host") != 0)
		return cmd_usage(ctx, err, "--userns: must be auto or host, not \"%s\"", optarg);
	o->userns_host = strcmp(optarg, "host") == 0;
	return 0;
}

static int option(struct cmd_ctx *ctx, int c, struct rt_sandbox_opts *o, struct lists *l,
		  struct error **err)
{
	switch (c) {
	case OPT_IMAGE:
	case OPT_ROOTFS: push(&l->layers, &l->n_layers, optarg); break;
	case 'v': push(&l->volumes, &l->n_volumes, optarg); break;
	case 'e': return env_entry("-e", optarg, &l->env, &l->n_env, err);
	case OPT_ENVFILE: return env_file(optarg, l, err);
	case OPT_ULIMIT: push(&l->ulimits, &l->n_ulimits, optarg); break;
	case OPT_TMPFS: push(&l->tmpfs, &l->n_tmpfs, optarg); break;
	case 'w':
		if (optarg[0] != '/')
			return error_set(err, 0, "--workdir: \"%s\" is not an absolute path",
					 optarg);
		o->workdir = optarg;
		break;
	case OPT_ENTRYPOINT: l->entrypoint = optarg; break;
	case OPT_HOSTNAME: o->hostname = optarg; break;
	case OPT_STATS: o->stats_file = optarg; break;
	case OPT_RO: o->read_only = true; break;
	case OPT_OVLTMPFS: o->overlay_tmpfs = true; break;
	case OPT_PRINT: o->print_spec = true; break;
	case 't': o->tty = true; break;
	case OPT_INIT: o->init = true; break;
	case OPT_USER:
	case OPT_OUTPUT_OWNER:
	case OPT_USERNS: return ids_option(ctx, c, o, l, err);
	case OPT_MEMORY:
	case OPT_CPUS:
	case OPT_PIDS:
	case OPT_TIMEOUT:
	case OPT_GRACE: return number_option(c, o, err);
	case OPT_NETWORK:
		if (strcmp(optarg, "none") == 0) {
			o->network = NETNS_NONE;
		} else if (strcmp(optarg, "host") == 0) {
			o->network = NETNS_HOST;
		} else if (strcmp(optarg, "pasta") == 0) {
			o->network = NETNS_PASTA;
		} else if (strcmp(optarg, "bridge") == 0 || strncmp(optarg, "bridge=", 7) == 0) {
			o->network = NETNS_BRIDGE;
			o->bridge = optarg[6] == '=' ? optarg + 7 : NULL;
		} else if (strncmp(optarg, "ns:", 3) == 0 && optarg[3] == '/') {
			o->network = NETNS_JOIN;
			o->netns_path = optarg + 3;
		} else {
			return cmd_usage(
				ctx, err,
				"--network: must be none, pasta, host, bridge[=NAME] or ns:PATH, "
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
	strv_free(l->ulimits);
	strv_free(l->env_file);
}

/* --env-file's entries, then -e's, as one list: the later of a name wins
 * over the image's Env (image/defaults.c) and in the job's env alike */
static void env_join(struct lists *l)
{
	for (size_t i = 0; i < l->n_env; i++)
		push(&l->env_file, &l->n_env_file, l->env[i]);
	strv_free(l->env);
	l->env = l->env_file;
	l->n_env = l->n_env_file;
	l->env_file = NULL;
	l->n_env_file = 0;
}

static const struct option sandbox_opts[] = {
	{"image", required_argument, NULL, OPT_IMAGE},
	{"rootfs", required_argument, NULL, OPT_ROOTFS},
	{"volume", required_argument, NULL, 'v'},
	{"env", required_argument, NULL, 'e'},
	{"env-file", required_argument, NULL, OPT_ENVFILE},
	{"ulimit", required_argument, NULL, OPT_ULIMIT},
	{"workdir", required_argument, NULL, 'w'},
	{"user", required_argument, NULL, OPT_USER},
	{"memory", required_argument, NULL, OPT_MEMORY},
	{"cpus", required_argument, NULL, OPT_CPUS},
	{"pids", required_argument, NULL, OPT_PIDS},
	{"timeout", required_argument, NULL, OPT_TIMEOUT},
	{"stop-grace", required_argument, NULL, OPT_GRACE},
	{"network", required_argument, NULL, OPT_NETWORK},
	{"read-only", no_argument, NULL, OPT_RO},
	{"overlay-tmpfs", no_argument, NULL, OPT_OVLTMPFS},
	{"tmpfs", required_argument, NULL, OPT_TMPFS},
	{"hostname", required_argument, NULL, OPT_HOSTNAME},
	{"stats", required_argument, NULL, OPT_STATS},
	{"tty", no_argument, NULL, 't'},
	{"init", no_argument, NULL, OPT_INIT},
	{"print-spec", no_argument, NULL, OPT_PRINT},
	{"entrypoint", required_argument, NULL, OPT_ENTRYPOINT},
	{"userns", required_argument, NULL, OPT_USERNS},
	{"output-owner", required_argument, NULL, OPT_OUTPUT_OWNER},
	{"help", no_argument, NULL, 'h'},
	{0},
};

int cmd_sandbox(struct cmd_ctx *ctx, int argc, char **argv, struct error **err)
{
	struct rt_sandbox_opts o = {.network = NETNS_NONE, .stop_grace_ms = 10000};
	struct lists l = {0};
	struct cmd_sandbox_images si = {0};
	int c, rc = 0, status = 0;

	while (rc == 0 && (c = getopt_long(argc, argv, "+v:e:w:th", sandbox_opts, NULL)) != -1) {
		if (c == '?')
			rc = cmd_usage(ctx, err, "unknown option '%s'", argv[optind - 1]);
		else
			rc = option(ctx, c, &o, &l, err);
	}
	if (rc == 0) {
		env_join(&l);
		o.layers = l.layers;
		o.volumes = l.volumes;
		o.env = l.env;
		o.ulimits = l.ulimits;
		o.tmpfs = l.tmpfs;
		o.args = argv + optind;
		si.entrypoint = l.entrypoint;
		si.user = l.user;
		rc = cmd_sandbox_images(ctx, &si, &o, err);
	}
	if (rc == 0)
		rc = rt_sandbox(&ctx->g, &o, &status, err);
	cmd_sandbox_images_free(&si);
	lists_free(&l);
	/* berth's own failure: 125 (main.c); a command that cannot run: the
	 * 126 or 127 its error carries */
	if (rc < 0)
		return *err != NULL && (*err)->status != 0 ? (*err)->status : -1;
	return rc > 0 ? 0 : status;
}
