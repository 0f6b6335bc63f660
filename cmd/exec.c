/* SPDX-License-Identifier: Apache-2.0 */
/* cmd/exec.c — `exec`: --process FILE (containerd, conmon) or the CLI
 * form on top of the container's own process config.  */
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

static const char exec_help[] =
	"  -p, --process FILE        process JSON (as in config.json's \"process\")\n"
	"  -t, --tty                 allocate a pty\n"
	"  -e, --env K=V             add or replace an environment variable\n"
	"      --cwd DIR             working directory inside the container\n"
	"  -u, --user UID[:GID]      run as this user\n"
	"  -g, --additional-gids GID supplementary group (repeatable)\n"
	"  -c, --cap CAP             add a capability (repeatable)\n"
	"      --no-new-privs        set no_new_privs\n"
	"  -d, --detach              do not wait for the process\n"
	"      --pid-file FILE       write the process's pid to FILE\n"
	"      --console-socket PATH send the pty master to this AF_UNIX socket\n"
	"      --preserve-fds N      pass fds 3..3+N-1 on\n"
	"      --cgroup [CTRL:]PATH  run in this existing cgroup below the container's\n";

enum {
	OPT_CWD = 256,
	OPT_NNP,
	OPT_PID,
	OPT_CONSOLE,
	OPT_PRESERVE,
	OPT_LABEL,
	OPT_APPARMOR,
	OPT_IGNORE,
	OPT_CGROUP
};

struct exec_args {
	struct rt_exec_opts o;
	const char *process_file;
	char **env, **cg_ctrls, **cg_paths;
	uint32_t *gids;
	int *caps;
	size_t n_env;
};

static void push(char ***v, size_t *n, const char *s)
{
	*v = xreallocarray(*v, *n + 2, sizeof(char *));
	(*v)[(*n)++] = (char *)s;
	(*v)[*n] = NULL;
}

static int parse_user(const char *s, struct rt_exec_opts *o, struct error **err)
{
	uint32_t uid, gid = 0;
	bool has_gid;

	if (spec_flag_user("--user", s, &uid, &gid, &has_gid, err) < 0)
		return -1;
	o->has_user = true;
	o->uid = (uid_t)uid;
	o->gid = (gid_t)gid;
	return 0;
}

static int add_gid(struct exec_args *a, const char *s, struct error **err)
{
	uint32_t gid;

	if (spec_flag_id("--additional-gids", s, &gid, err) < 0)
		return -1;
	a->gids = xreallocarray(a->gids, a->o.n_additional_gids + 1, sizeof(uint32_t));
	a->gids[a->o.n_additional_gids++] = gid;
	a->o.additional_gids = a->gids;
	return 0;
}

static int add_sub_cgroup(struct exec_args *a, const char *s, struct error **err)
{
	char *ctrls, *path;
	size_t n = a->o.n_sub_cgroups;

	if (spec_flag_subcgroup("--cgroup", s, &ctrls, &path, err) < 0)
		return -1;
	a->cg_ctrls = xreallocarray(a->cg_ctrls, n + 1, sizeof(char *));
	a->cg_paths = xreallocarray(a->cg_paths, n + 1, sizeof(char *));
	a->cg_ctrls[n] = ctrls;
	a->cg_paths[n] = path;
	a->o.sub_cgroup_controllers = a->cg_ctrls;
	a->o.sub_cgroup_paths = a->cg_paths;
	a->o.n_sub_cgroups = n + 1;
	return 0;
}

static int add_cap(struct exec_args *a, const char *name, struct error **err)
{
	int cap;

	if (spec_flag_capability("--cap", name, &cap, err) < 0)
		return -1;
	a->caps = xreallocarray(a->caps, a->o.n_caps + 1, sizeof(int));
	a->caps[a->o.n_caps++] = cap;
	a->o.caps = a->caps;
	return 0;
}

/* one option (not --help): 0, -1 with *err, 1 for an unknown one */
static int option(int c, struct exec_args *a, struct error **err)
{
	struct rt_exec_opts *o = &a->o;

	switch (c) {
	case 'p': a->process_file = optarg; return 0;
	case 't': o->tty = true; return 0;
	case 'e': push(&a->env, &a->n_env, optarg); return 0;
	case OPT_CWD: o->cwd = optarg; return 0;
	case 'u': return parse_user(optarg, o, err);
	case 'g': return add_gid(a, optarg, err);
	case 'c': return add_cap(a, optarg, err);
	case OPT_NNP: o->no_new_privs = true; return 0;
	case 'd': o->detach = true; return 0;
	case OPT_PID: o->pid_file = optarg; return 0;
	case OPT_CONSOLE: o->console_socket = optarg; return 0;
	case OPT_PRESERVE: return cmd_preserve_fds(optarg, &o->preserve_fds, err);
	case OPT_LABEL:
		return error_set(err, 0,
				 "exec: --process-label: SELinux is not supported by berth");
	case OPT_APPARMOR: o->apparmor = optarg; return 0;
	case OPT_IGNORE: return 0;
	case OPT_CGROUP: return add_sub_cgroup(a, optarg, err);
	default: return 1;
	}
}

static int parse(struct cmd_ctx *ctx, int argc, char **argv, struct exec_args *a,
		 struct error **err)
{
	static const struct option opts[] = {
		{"process", required_argument, NULL, 'p'},
		{"tty", no_argument, NULL, 't'},
		{"env", required_argument, NULL, 'e'},
		{"cwd", required_argument, NULL, OPT_CWD},
		{"user", required_argument, NULL, 'u'},
		{"additional-gids", required_argument, NULL, 'g'},
		{"cap", required_argument, NULL, 'c'},
		{"no-new-privs", no_argument, NULL, OPT_NNP},
		{"detach", no_argument, NULL, 'd'},
		{"pid-file", required_argument, NULL, OPT_PID},
		{"console-socket", required_argument, NULL, OPT_CONSOLE},
		{"preserve-fds", required_argument, NULL, OPT_PRESERVE},
		{"process-label", required_argument, NULL, OPT_LABEL},
		{"apparmor", required_argument, NULL, OPT_APPARMOR},
		{"ignore-paused", no_argument, NULL, OPT_IGNORE},
		{"cgroup", required_argument, NULL, OPT_CGROUP},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct rt_exec_opts *o = &a->o;
	int c, rc;

	while ((c = getopt_long(argc, argv, "+p:te:u:g:c:dh", opts, NULL)) != -1) {
		if (c == 'h') {
			cmd_help(ctx, exec_help);
			return 1;
		}
		rc = option(c, a, err);
		if (rc > 0)
			return cmd_usage(ctx, err, "unknown option '%s'", argv[optind - 1]);
		if (rc < 0)
			return -1;
	}
	if (optind >= argc)
		return cmd_usage(ctx, err, "a container id is required");
	o->id = argv[optind++];
	if (a->process_file == NULL && optind >= argc)
		return cmd_usage(ctx, err, "a command (or --process FILE) is required");
	o->args = argv + optind;
	o->env = a->env;
	return 0;
}

static struct spec_process *load_process(const char *path, struct error **err)
{
	cleanup_free char *buf = NULL;
	size_t len;

	if (read_file_at(AT_FDCWD, path, &buf, &len, err) < 0) {
		error_wrap(err, "exec: --process");
		return NULL;
	}
	return spec_process_parse(buf, len, "process.json", err);
}

int cmd_exec(struct cmd_ctx *ctx, int argc, char **argv, struct error **err)
{
	struct exec_args a = {0};
	struct spec_process *proc = NULL;
	int status = 0, rc;

	rc = parse(ctx, argc, argv, &a, err);
	if (rc == 0 && a.process_file != NULL) {
		proc = load_process(a.process_file, err);
		if (proc == NULL)
			rc = -1;
		a.o.process = proc;
	}
	if (rc == 0)
		rc = rt_exec(&ctx->g, &a.o, &status, err);
	spec_process_free(proc);
	free(a.env);
	free(a.gids);
	free(a.caps);
	for (size_t i = 0; i < a.o.n_sub_cgroups; i++) {
		free(a.cg_ctrls[i]);
		free(a.cg_paths[i]);
	}
	free(a.cg_ctrls);
	free(a.cg_paths);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	return status;
}
