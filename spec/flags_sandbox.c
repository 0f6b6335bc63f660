/* SPDX-License-Identifier: Apache-2.0 */
/* spec/flags_sandbox.c — the values of `sandbox`'s docker-like flags:
 * --tmpfs DST[:OPTIONS], --ulimit NAME=SOFT[:HARD], -e NAME[=VALUE] and
 * --env-file FILE.  Pure parsing, like flags.c: every error names the
 * flag (or the file and line) and quotes the value; nothing here reads
 * the environment or the filesystem.  */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/cleanup.h"
#include "core/mem.h"
#include "spec/internal.h"

/* append `s` (taken over) to a NULL-terminated list */
static void push(char ***v, size_t *n, char *s)
{
	*v = xreallocarray(*v, *n + 2, sizeof(char *));
	(*v)[(*n)++] = s;
	(*v)[*n] = NULL;
}

/* the mount options a --tmpfs may take besides size= and mode= */
static const char *const tmpfs_plain[] = {"ro",	     "rw",	 "noexec",	"exec",
					  "nosuid",  "suid",	 "nodev",	"dev",
					  "noatime", "relatime", "strictatime", NULL};

static bool plain_option(const char *o)
{
	for (const char *const *p = tmpfs_plain; *p; p++)
		if (strcmp(*p, o) == 0)
			return true;
	return false;
}

static int tmpfs_option(const char *flag, const char *whole, const char *o, char ***opts, size_t *n,
			struct error **err)
{
	int64_t size;

	if (strncmp(o, "size=", 5) == 0) {
		if (spec_flag_size(flag, o + 5, false, &size, err) < 0)
			return -1;
		if (size <= 0)
			return error_set(err, 0, "%s: %s: size must be more than 0", flag,
					 quote(whole).s);
		push(opts, n, xasprintf("size=%lld", (long long)size));
		return 0;
	}
	if (strncmp(o, "mode=", 5) == 0) {
		char *end;
		unsigned long mode = strtoul(o + 5, &end, 8);

		if (o[5] == '\0' || *end != '\0' || mode > 07777)
			return error_set(err, 0, "%s: %s: mode must be octal, at most 7777", flag,
					 quote(whole).s);
		push(opts, n, xasprintf("mode=%04lo", mode));
		return 0;
	}
	if (!plain_option(o))
		return error_set(err, 0,
				 "%s: %s: unknown option %s (size=, mode=, ro, noexec, exec, "
				 "nosuid, nodev, ...)",
				 flag, quote(whole).s, quote(o).s);
	push(opts, n, xstrdup(o));
	return 0;
}

/* a ".." component: the destination must name one place */
static bool has_dotdot(const char *p)
{
	size_t n = strlen(p);

	return strstr(p, "/../") != NULL || (n >= 3 && strcmp(p + n - 3, "/..") == 0);
}

int spec_flag_tmpfs(const char *flag, const char *s, char **dst, char ***options,
		    struct error **err)
{
	cleanup_free char *copy = xstrdup(s);
	char *colon = strchr(copy, ':'), *save = NULL;
	char **opts = NULL;
	size_t n = 0;

	if (colon != NULL)
		*colon++ = '\0';
	if (copy[0] != '/')
		return error_set(err, 0, "%s: %s: the destination must be an absolute path", flag,
				 quote(s).s);
	if (has_dotdot(copy))
		return error_set(err, 0, "%s: %s: the destination must not contain ..", flag,
				 quote(s).s);
	for (char *o = colon != NULL ? strtok_r(colon, ",", &save) : NULL; o != NULL;
	     o = strtok_r(NULL, ",", &save)) {
		if (tmpfs_option(flag, s, o, &opts, &n, err) < 0) {
			strv_free(opts);
			return -1;
		}
	}
	*dst = steal_ptr(copy);
	*options = opts;
	return 0;
}

/* docker's --ulimit names, the RLIMIT_ they stand for */
static const struct {
	const char *name, *rlimit;
} ulimits[] = {
	{"as", "RLIMIT_AS"},
	{"core", "RLIMIT_CORE"},
	{"cpu", "RLIMIT_CPU"},
	{"data", "RLIMIT_DATA"},
	{"fsize", "RLIMIT_FSIZE"},
	{"locks", "RLIMIT_LOCKS"},
	{"memlock", "RLIMIT_MEMLOCK"},
	{"msgqueue", "RLIMIT_MSGQUEUE"},
	{"nice", "RLIMIT_NICE"},
	{"nofile", "RLIMIT_NOFILE"},
	{"nproc", "RLIMIT_NPROC"},
	{"rss", "RLIMIT_RSS"},
	{"rtprio", "RLIMIT_RTPRIO"},
	{"rttime", "RLIMIT_RTTIME"},
	{"sigpending", "RLIMIT_SIGPENDING"},
	{"stack", "RLIMIT_STACK"},
};

static int ulimit_value(const char *flag, const char *v, uint64_t *out, struct error **err)
{
	int64_t n;

	if (strcmp(v, "unlimited") == 0 || strcmp(v, "-1") == 0) {
		*out = UINT64_MAX; /* RLIM_INFINITY */
		return 0;
	}
	if (spec_flag_int(flag, v, 0, INT64_MAX, &n, err) < 0)
		return -1;
	*out = (uint64_t)n;
	return 0;
}

int spec_flag_ulimit(const char *flag, const char *s, const char **type, uint64_t *soft,
		     uint64_t *hard, struct error **err)
{
	cleanup_free char *copy = xstrdup(s);
	char *eq = strchr(copy, '='), *colon;

	if (eq == NULL)
		return error_set(err, 0, "%s: %s is not NAME=SOFT[:HARD]", flag, quote(s).s);
	*eq++ = '\0';
	*type = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(ulimits); i++)
		if (strcmp(copy, ulimits[i].name) == 0)
			*type = ulimits[i].rlimit;
	if (*type == NULL)
		return error_set(err, 0,
				 "%s: %s: unknown limit %s (nofile, nproc, core, stack, cpu, "
				 "fsize, memlock, ...)",
				 flag, quote(s).s, quote(copy).s);
	colon = strchr(eq, ':');
	if (colon != NULL)
		*colon++ = '\0';
	if (ulimit_value(flag, eq, soft, err) < 0 ||
	    ulimit_value(flag, colon != NULL ? colon : eq, hard, err) < 0)
		return -1;
	if (*soft > *hard)
		return error_set(err, 0, "%s: %s: the soft limit is above the hard one", flag,
				 quote(s).s);
	return 0;
}

int spec_flag_env(const char *flag, const char *s, size_t *name_len, struct error **err)
{
	size_t n = strcspn(s, "=");

	if (n == 0)
		return error_set(err, 0, "%s: %s: the variable has no name", flag, quote(s).s);
	for (size_t i = 0; i < n; i++)
		if (isspace((unsigned char)s[i]) || s[i] == '\0')
			return error_set(err, 0, "%s: %s: a variable name has no blanks", flag,
					 quote(s).s);
	*name_len = n;
	return 0;
}

/* one line of an --env-file: "NAME=VALUE" or "NAME" (inherited); blank
 * lines and "#" comments skipped; leading blanks of the name dropped, as
 * docker does */
static int env_line(const char *file, size_t lineno, char *line, char ***out, size_t *n,
		    struct error **err)
{
	cleanup_free char *flag = NULL;
	size_t name_len;

	while (isspace((unsigned char)*line))
		line++;
	if (*line == '\0' || *line == '#')
		return 0;
	flag = xasprintf("--env-file %s line %zu", file, lineno);
	if (spec_flag_env(flag, line, &name_len, err) < 0)
		return -1;
	push(out, n, xstrdup(line));
	return 0;
}

int spec_env_file_parse(const char *file, const char *text, size_t len, char ***out,
			struct error **err)
{
	cleanup_free char *copy = xstrndup(text, len);
	char **lines = NULL;
	size_t n = 0, lineno = 0;

	if (strlen(copy) != len)
		return error_set(err, 0, "--env-file %s: holds a NUL byte", quote(file).s);
	for (char *p = copy, *nl; p != NULL; p = nl) {
		nl = strchr(p, '\n');
		if (nl != NULL)
			*nl++ = '\0';
		if (nl == NULL && *p == '\0')
			break;
		if (*p != '\0' && p[strlen(p) - 1] == '\r')
			p[strlen(p) - 1] = '\0';
		if (env_line(file, ++lineno, p, &lines, &n, err) < 0) {
			strv_free(lines);
			return -1;
		}
	}
	*out = lines != NULL ? lines : xcalloc(1, sizeof(char *));
	return 0;
}
