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
#include "core/fsutil.h"
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
	"      --preserve-fds N      pass fds 3..3+N-1 on\n";

enum {
	OPT_CWD = 256,
	OPT_NNP,
	OPT_PID,
	OPT_CONSOLE,
	OPT_PRESERVE,
	OPT_LABEL,
	OPT_APPARMOR,
	OPT_IGNORE
};

struct exec_args {
	struct rt_exec_opts o;
	const char *process_file;
	char **env, **gids;
	int *caps;
	size_t n_env, n_gids;
};

static void push(char ***v, size_t *n, const char *s)
{
	*v = realloc(*v, (*n + 2) * sizeof(char *));
	if (*v == NULL)
		abort();
	(*v)[(*n)++] = (char *)s;
	(*v)[*n] = NULL;
}

static int parse_user(struct cmd_ctx *ctx, const char *s, struct rt_exec_opts *o,
		      struct error **err)
{
	char *end;
	unsigned long uid = strtoul(s, &end, 10), gid = 0;

	if (end == s || (*end != '\0' && *end != ':'))
		return cmd_usage(ctx, err, "--user: \"%s\" is not UID[:GID]", s);
	if (*end == ':') {
		const char *g = end + 1;

		gid = strtoul(g, &end, 10);
		if (end == g || *end != '\0')
			return cmd_usage(ctx, err, "--user: \"%s\" is not UID[:GID]", s);
	}
	o->has_user = true;
	o->uid = (uid_t)uid;
	o->gid = (gid_t)gid;
	return 0;
}

static int add_cap(struct exec_args *a, const char *name, struct error **err)
{
	cleanup_free char *full =
		strncasecmp(name, "CAP_", 4) == 0 ? xstrdup(name) : xasprintf("CAP_%s", name);
	int cap;

	for (char *p = full; *p; p++)
		*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
	if (spec_capability_parse(full, &cap, err) < 0)
		return error_wrap(err, "exec: --cap");
	a->caps = realloc(a->caps, (a->o.n_caps + 1) * sizeof(int));
	if (a->caps == NULL)
		abort();
	a->caps[a->o.n_caps++] = cap;
	a->o.caps = a->caps;
	return 0;
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
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct rt_exec_opts *o = &a->o;
	int c;

	while ((c = getopt_long(argc, argv, "+p:te:u:g:c:dh", opts, NULL)) != -1) {
		switch (c) {
		case 'p': a->process_file = optarg; break;
		case 't': o->tty = true; break;
		case 'e': push(&a->env, &a->n_env, optarg); break;
		case OPT_CWD: o->cwd = optarg; break;
		case 'u':
			if (parse_user(ctx, optarg, o, err) < 0)
				return -1;
			break;
		case 'g': push(&a->gids, &a->n_gids, optarg); break;
		case 'c':
			if (add_cap(a, optarg, err) < 0)
				return -1;
			break;
		case OPT_NNP: o->no_new_privs = true; break;
		case 'd': o->detach = true; break;
		case OPT_PID: o->pid_file = optarg; break;
		case OPT_CONSOLE: o->console_socket = optarg; break;
		case OPT_PRESERVE:
			if (cmd_parse_int(ctx, "--preserve-fds", optarg, &o->preserve_fds, err) < 0)
				return -1;
			break;
		case OPT_LABEL:
			return error_set(
				err, 0, "exec: --process-label: SELinux is not supported by berth");
		case OPT_APPARMOR: o->apparmor = optarg; break;
		case OPT_IGNORE: break;
		case 'h': cmd_help(ctx, exec_help); return 1;
		default: return cmd_usage(ctx, err, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cmd_usage(ctx, err, "a container id is required");
	o->id = argv[optind++];
	if (a->process_file == NULL && optind >= argc)
		return cmd_usage(ctx, err, "a command (or --process FILE) is required");
	o->args = argv + optind;
	o->env = a->env;
	o->additional_gids = a->gids;
	return 0;
}

static struct spec_process *load_process(const char *path, struct error **err)
{
	cleanup_free char *buf = NULL;
	size_t len;

	if (read_file_at(AT_FDCWD, path, &buf, &len, err) < 0)
		return error_wrap(err, "exec: --process"), NULL;
	return spec_process_parse(buf, len, "process.json", err);
}

CMD_DECLARE(exec)
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
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	return status;
}
