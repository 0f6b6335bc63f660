/* SPDX-License-Identifier: Apache-2.0 */
/* cmd/main.c — global options, the verb table, and the one place where
 * an error becomes output (stderr and --log) and an exit status.  */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "core/mem.h"
#include "core/log.h"
#include "runtime/selfexe.h"

static const struct cmd commands[] = {
	{"create", cmd_create, "[options] ID",
	 "create a container from a bundle (blocked before the process)", 0},
	{"start", cmd_start, "ID", "start the process of a created container", 0},
	{"run", cmd_run, "[options] ID", "create and start a container, and wait for it", 0},
	{"state", cmd_state, "ID", "print the state of a container", 0},
	{"kill", cmd_kill, "[--all] ID [SIGNAL]",
	 "send a signal to the container's init (or all its processes)", 0},
	{"delete", cmd_delete, "[--force] ID", "delete a container and everything it holds", 0},
	{"list", cmd_list, "[--format table|json] [-q]", "list containers", 0},
	{"ps", cmd_ps, "[--format table|json] ID [ps options]", "list the processes of a container",
	 0},
	{"exec", cmd_exec, "[options] ID [COMMAND [ARG...]]",
	 "run a new process in a running container", 0},
	{"pause", cmd_pause, "ID", "freeze every process of a container", 0},
	{"resume", cmd_resume, "ID", "thaw a paused container", 0},
	{"update", cmd_update, "[options] ID", "change the resource limits of a running container",
	 0},
	{"events", cmd_events, "[--stats] [--interval D] ID", "print resource usage and OOM events",
	 0},
	{"checkpoint", cmd_checkpoint, "[options] ID", "checkpoint a running container with CRIU",
	 0},
	{"restore", cmd_restore, "[options] ID", "restore a container from a CRIU checkpoint", 0},
	{"spec", cmd_spec, "[--rootless] [--bundle DIR]", "write a default config.json", 0},
	{"features", cmd_features, "", "print what this runtime supports (JSON)", 0},
	{"sandbox", cmd_sandbox, "[options] -- CMD [ARG...]",
	 "run one job in a fresh locked-down container (docker-lite)", 125},
	{"image", cmd_image, "ls|prune", "list or prune the cache of unpacked image layers", 0},
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

struct globals {
	const char *log_path;
	bool log_json;
	bool debug;
	const char *root;
	const char *rootless;
	const char *cgroup_manager;
	const char *host_annotations;
	bool systemd_cgroup;
};

static void usage(FILE *out)
{
	fprintf(out, "usage: berth [global options] COMMAND [options] [args]\n\n"
		     "berth is a small, fast OCI container runtime.\n\ncommands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\nglobal options:\n"
		     "  --root DIR              state directory (default /run/berth;\n"
		     "                          $XDG_RUNTIME_DIR/berth for an unprivileged user)\n"
		     "  --log FILE              write errors (and debug lines) to FILE\n"
		     "  --log-format text|json  format of the log file (default text)\n"
		     "  --debug                 log debug messages\n"
		     "  --systemd-cgroup        the systemd cgroup driver: a transient scope,\n"
		     "                          cgroupsPath as slice:prefix:name\n"
		     "  --cgroup-manager cgroupfs|systemd|disabled\n"
		     "                          systemd: as --systemd-cgroup; disabled: run\n"
		     "                          without any cgroup\n"
		     "  --rootless true|false|auto\n"
		     "  --host-annotations true|false\n"
		     "                          honour org.berth.* annotations that reach the\n"
		     "                          host (default: /etc/berth/berth.conf, else true)\n"
		     "  --version, --help\n");
}

static void version(void)
{
	printf("berth version %s\ncommit: %s\nspec: %s\n", BERTH_VERSION, BERTH_COMMIT,
	       SPEC_OCI_VERSION);
}

/* parse options before the verb; returns the index of the verb, or -1 */
static int parse_globals(int argc, char **argv, struct globals *gl, struct error **err)
{
	static const struct option opts[] = {
		{"root", required_argument, NULL, 'r'},
		{"log", required_argument, NULL, 'l'},
		{"log-format", required_argument, NULL, 'f'},
		{"debug", no_argument, NULL, 'd'},
		{"systemd-cgroup", no_argument, NULL, 's'},
		{"cgroup-manager", required_argument, NULL, 'c'},
		{"rootless", required_argument, NULL, 'R'},
		{"host-annotations", required_argument, NULL, 'H'},
		{"criu", required_argument, NULL, 'C'},
		{"version", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+hv", opts, NULL)) != -1) {
		switch (c) {
		case 'r': gl->root = optarg; break;
		case 'l': gl->log_path = optarg; break;
		case 'f':
			if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0)
				return error_set(err, 0,
						 "--log-format: must be text or json, not \"%s\"",
						 optarg);
			gl->log_json = strcmp(optarg, "json") == 0;
			break;
		case 'd': gl->debug = true; break;
		case 's': gl->systemd_cgroup = true; break;
		case 'c': gl->cgroup_manager = optarg; break;
		case 'R': gl->rootless = optarg; break;
		case 'H': gl->host_annotations = optarg; break;
		case 'C': setenv("BERTH_CRIU", optarg, 1); break; /* runc's --criu PATH */
		case 'v': version(); exit(0);
		case 'h': usage(stdout); exit(0);
		default: return error_set(err, 0, "unknown global option '%s'", argv[optind - 1]);
		}
	}
	return optind;
}

static bool want_rootless(const struct globals *gl, struct error **err)
{
	if (gl->rootless == NULL || strcmp(gl->rootless, "auto") == 0)
		return geteuid() != 0;
	if (strcmp(gl->rootless, "true") == 0)
		return true;
	if (strcmp(gl->rootless, "false") != 0)
		error_set(err, 0, "--rootless: must be true, false or auto");
	return false;
}

/* rootless state lives in $XDG_RUNTIME_DIR/berth, or in a private
 * directory under /tmp when that is unset */
static char *default_root(bool rootless)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");

	if (!rootless)
		return xstrdup("/run/berth");
	if (xdg != NULL && xdg[0] == '/')
		return xasprintf("%s/berth", xdg);
	return xasprintf("/tmp/berth-%u", (unsigned)getuid());
}

/* --host-annotations; without it (-1) the administrator's settings file
 * decides, read only by the verbs that create a container */
static int host_settings(const struct globals *gl, struct rt_global *g, struct error **err)
{
	g->host_annotations = -1;
	if (gl->host_annotations == NULL)
		return 0;
	if (strcmp(gl->host_annotations, "true") != 0 && strcmp(gl->host_annotations, "false") != 0)
		return error_set(err, 0, "--host-annotations: must be true or false, not \"%s\"",
				 gl->host_annotations);
	g->host_annotations = strcmp(gl->host_annotations, "true") == 0;
	return 0;
}

/* runc's --systemd-cgroup, crun's --cgroup-manager: one driver */
static int cgroup_settings(const struct globals *gl, struct rt_global *g, struct error **err)
{
	const char *m = gl->cgroup_manager;

	g->systemd_cgroup = gl->systemd_cgroup;
	g->cgroup_manager = CG_MANAGER_CGROUPFS;
	if (m == NULL)
		return 0;
	if (strcmp(m, "disabled") == 0)
		g->cgroup_manager = CG_MANAGER_DISABLED;
	else if (strcmp(m, "systemd") == 0)
		g->systemd_cgroup = true;
	else if (strcmp(m, "cgroupfs") != 0)
		return error_set(
			err, 0,
			"--cgroup-manager: must be cgroupfs, systemd or disabled, not \"%s\"", m);
	if (gl->systemd_cgroup && strcmp(m, "systemd") != 0)
		return error_set(err, 0, "--systemd-cgroup and --cgroup-manager %s: choose one", m);
	return 0;
}

static int setup_global(const struct globals *gl, struct cmd_ctx *ctx, struct error **err)
{
	struct rt_global *g = &ctx->g;

	g->rootless = want_rootless(gl, err);
	if (*err != NULL)
		return -1;
	g->root = gl->root != NULL ? xstrdup(gl->root) : default_root(g->rootless);
	if (cgroup_settings(gl, g, err) < 0 || host_settings(gl, g, err) < 0)
		return -1;
	if (g->rootless && gl->root == NULL && mkdir(g->root, 0700) < 0 && errno != EEXIST)
		return error_set(err, errno, "state root '%s'", g->root);
	return 0;
}

static const struct cmd *find_command(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* an error ends the command with `status` when the verb chose one (the
 * sandbox's 125, 126, 127), else 1 */
static int finish(struct error *err, int status)
{
	if (err != NULL) {
		log_final_error(err);
		error_free(err);
		if (status <= 1)
			status = 1;
	}
	log_close();
	return status;
}

int main(int argc, char **argv)
{
	struct globals gl = {0};
	struct cmd_ctx ctx = {0};
	struct error *err = NULL;
	const struct cmd *cmd;
	int first, status, fail;

	struct error *log_err = NULL;

	mem_prefault_heap();
	selfexe_init(argv);
	first = parse_globals(argc, argv, &gl, &err);
	/* the log file first: callers read it even when nothing fails */
	if (log_open(gl.log_path, gl.log_json, gl.debug, &log_err) < 0) {
		error_free(err);
		return finish(log_err, 1);
	}
	if (err != NULL)
		return finish(err, 1);
	log_debug("berth %s", argc > 1 ? argv[first < argc ? first : 0] : "");
	if (first >= argc) {
		usage(stderr);
		return finish(NULL, 2);
	}
	cmd = find_command(argv[first]);
	if (cmd == NULL) {
		error_set(&err, 0, "unknown command \"%s\" (see 'berth --help')", argv[first]);
		return finish(err, 1);
	}
	ctx.verb = cmd->name;
	fail = cmd->fail_status != 0 ? cmd->fail_status : 1;
	if (setup_global(&gl, &ctx, &err) < 0) {
		free((char *)ctx.g.root);
		return finish(err, fail);
	}
	/* a sandbox whose berth was killed left its state: any berth
	 * reclaims it (one readdir of the state root) */
	rt_reclaim_orphans(&ctx.g);
	optind = 0; /* restart getopt for the verb */
	status = cmd->run(&ctx, argc - first, argv + first, &err);
	free((char *)ctx.g.root);
	/* a verb that failed returns -1, or the status its error calls for */
	return finish(err, status < 0 || (err != NULL && status == 0) ? fail : status);
}

/* ---- helpers shared by the verbs ---------------------------------------- */

int cmd_usage(struct cmd_ctx *ctx, struct error **err, const char *fmt, ...)
{
	char *text = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	error_set(err, 0, "%s: %s (see 'berth %s --help')", ctx->verb, n >= 0 ? text : "bad usage",
		  ctx->verb);
	free(text);
	return -1;
}

int cmd_help(struct cmd_ctx *ctx, const char *options)
{
	const struct cmd *cmd = find_command(ctx->verb);

	printf("usage: berth %s %s\n\n%s\n", cmd->name, cmd->args, cmd->summary);
	if (options != NULL && options[0] != '\0')
		printf("\noptions:\n%s", options);
	return 0;
}

int cmd_one_id(struct cmd_ctx *ctx, int argc, char **argv, const char **id, struct error **err)
{
	if (optind >= argc)
		return cmd_usage(ctx, err, "a container id is required");
	if (optind + 1 < argc)
		return cmd_usage(ctx, err, "unexpected argument \"%s\"", argv[optind + 1]);
	*id = argv[optind];
	return 0;
}

char *cmd_abs_path(const char *path)
{
	char cwd[4096];

	if (path != NULL && path[0] == '/')
		return xstrdup(path);
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return xstrdup(path != NULL ? path : ".");
	if (path == NULL || strcmp(path, ".") == 0)
		return xstrdup(cwd);
	return xasprintf("%s/%s", cwd, path);
}

int cmd_preserve_fds(const char *s, int *n, struct error **err)
{
	int64_t v;

	if (spec_flag_int("--preserve-fds", s, 0, 1 << 20, &v, err) < 0)
		return -1;
	*n = (int)v;
	return 0;
}
