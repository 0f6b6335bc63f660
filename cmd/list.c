/* SPDX-License-Identifier: Apache-2.0 */
/* cmd/list.c — `list` (table, JSON or ids) and `ps`.  */
#define _GNU_SOURCE
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "core/cleanup.h"
#include "core/mem.h"
#include "core/jsonw.h"

static int parse_format(struct cmd_ctx *ctx, const char *s, bool *json, struct error **err)
{
	if (strcmp(s, "json") == 0)
		*json = true;
	else if (strcmp(s, "table") == 0)
		*json = false;
	else
		return cmd_usage(ctx, err, "--format: must be table or json, not \"%s\"", s);
	return 0;
}

int cmd_list(struct cmd_ctx *ctx, int argc, char **argv, struct error **err)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct rt_list_entry *v = NULL;
	cleanup_free char *json_text = NULL;
	bool json = false, quiet = false;
	size_t n = 0;
	int c;

	while ((c = getopt_long(argc, argv, "+f:qh", opts, NULL)) != -1) {
		if (c == 'f') {
			if (parse_format(ctx, optarg, &json, err) < 0)
				return -1;
		} else if (c == 'q') {
			quiet = true;
		} else if (c == 'h') {
			return cmd_help(ctx,
					"  -f, --format table|json\n  -q, --quiet   ids only\n");
		} else {
			return cmd_usage(ctx, err, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cmd_usage(ctx, err, "unexpected argument \"%s\"", argv[optind]);
	if (rt_list(&ctx->g, &v, &n, json ? &json_text : NULL, err) < 0)
		return -1;
	if (json)
		printf("%s\n", json_text);
	else if (quiet)
		for (size_t i = 0; i < n; i++)
			printf("%s\n", v[i].id);
	else {
		printf("%-12s %-8s %-10s %-40s %-32s %s\n", "ID", "PID", "STATUS", "BUNDLE",
		       "CREATED", "OWNER");
		for (size_t i = 0; i < n; i++)
			printf("%-12s %-8d %-10s %-40s %-32s %s\n", v[i].id, (int)v[i].pid,
			       v[i].status, v[i].bundle, v[i].created, v[i].owner);
	}
	rt_list_free(v, n);
	return 0;
}

static bool has_pid(const pid_t *pids, size_t n, long pid)
{
	for (size_t i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/* column index of "PID" in a ps header line, -1 if absent */
static int pid_column(char *header)
{
	int col = 0;

	for (char *save = NULL, *t = strtok_r(header, " \t\n", &save); t;
	     t = strtok_r(NULL, " \t\n", &save), col++)
		if (strcmp(t, "PID") == 0)
			return col;
	return -1;
}

static long field_at(const char *line, int col)
{
	cleanup_free char *copy = xstrdup(line);
	char *save = NULL, *t = strtok_r(copy, " \t\n", &save);

	for (int i = 0; t != NULL && i < col; i++)
		t = strtok_r(NULL, " \t\n", &save);
	return t != NULL ? strtol(t, NULL, 10) : -1;
}

/* run ps(1) with the caller's options and keep the container's lines */
static int ps_table(struct cmd_ctx *ctx, char **ps_args, const pid_t *pids, size_t n,
		    struct error **err)
{
	size_t na = strv_len(ps_args);
	char **argv = xcalloc(na + 3, sizeof(char *));
	cleanup_free char *header_copy = NULL;
	char *line = NULL;
	size_t cap = 0;
	FILE *out;
	int fds[2], col = -1, status;
	pid_t child;

	argv[0] = (char *)"ps";
	if (na == 0)
		argv[1] = (char *)"-ef";
	for (size_t i = 0; i < na; i++)
		argv[1 + i] = ps_args[i];
	if (pipe2(fds, O_CLOEXEC) < 0)
		return free(argv), error_set(err, errno, "ps: pipe");
	child = fork();
	if (child == 0) {
		dup2(fds[1], 1);
		execvp("ps", argv);
		_exit(127);
	}
	free(argv);
	close(fds[1]);
	if (child < 0)
		return close(fds[0]), error_set(err, errno, "ps: fork");
	out = fdopen(fds[0], "r");
	for (bool first = true; out && getline(&line, &cap, out) > 0; first = false) {
		if (first) {
			header_copy = xstrdup(line);
			col = pid_column(header_copy);
			fputs(line, stdout);
		} else if (col >= 0 && has_pid(pids, n, field_at(line, col))) {
			fputs(line, stdout);
		}
	}
	free(line);
	if (out)
		fclose(out);
	waitpid(child, &status, 0);
	if (col < 0)
		return cmd_usage(ctx, err, "ps output has no PID column");
	return 0;
}

int cmd_ps(struct cmd_ctx *ctx, int argc, char **argv, struct error **err)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	pid_t *pids = NULL;
	bool json = false;
	size_t n = 0;
	int c, rc = 0;

	while ((c = getopt_long(argc, argv, "+f:h", opts, NULL)) != -1) {
		if (c == 'f') {
			if (parse_format(ctx, optarg, &json, err) < 0)
				return -1;
		} else if (c == 'h') {
			return cmd_help(
				ctx,
				"  -f, --format table|json  (table runs ps(1), default -ef)\n");
		} else {
			return cmd_usage(ctx, err, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cmd_usage(ctx, err, "a container id is required");
	if (rt_ps(&ctx->g, argv[optind], &pids, &n, err) < 0)
		return -1;
	if (json) {
		cleanup_jsonw struct jsonw *w = jsonw_new();

		jsonw_arr_open(w);
		for (size_t i = 0; i < n; i++)
			jsonw_int(w, pids[i]);
		jsonw_arr_close(w);
		printf("%s\n", jsonw_buf(w));
	} else {
		fflush(stdout);
		rc = ps_table(ctx, argv + optind + 1, pids, n, err);
	}
	free(pids);
	return rc;
}
