/* SPDX-License-Identifier: Apache-2.0 */
/* image/defaults.c — the image config's Entrypoint, Cmd, Env and User as
 * the job's defaults, with docker's rules for what the flags override:
 * arguments after -- replace Cmd and keep Entrypoint; --entrypoint
 * replaces Entrypoint and drops Cmd; -e NAME=VALUE replaces the image's
 * NAME.  User names come from the image's own /etc/passwd and /etc/group,
 * read inside its layers (top first), never the host's.  */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/file.h"
#include "core/mem.h"
#include "core/syscalls.h"
#include "image/image.h"

static void push(char ***v, size_t *n, const char *s)
{
	*v = xreallocarray(*v, *n + 2, sizeof(char *));
	(*v)[(*n)++] = xstrdup(s);
	(*v)[*n] = NULL;
}

char **image_job_args(const struct image *img, char *const *args, const char *entrypoint,
		      struct error **err)
{
	char **out = NULL;
	size_t n = 0;
	bool have_args = args != NULL && args[0] != NULL;

	if (entrypoint != NULL && entrypoint[0] != '\0')
		push(&out, &n, entrypoint);
	for (char **e = img->entrypoint; entrypoint == NULL && e && *e; e++)
		push(&out, &n, *e);
	for (char *const *a = have_args ? args : NULL; a && *a; a++)
		push(&out, &n, *a);
	for (char **c = img->cmd; !have_args && entrypoint == NULL && c && *c; c++)
		push(&out, &n, *c);
	if (n == 0)
		error_set(err, 0,
			  "sandbox: no command: the image has no Entrypoint or Cmd "
			  "(give one after --)");
	return out;
}

static size_t name_len(const char *kv)
{
	const char *eq = strchr(kv, '=');

	return eq ? (size_t)(eq - kv) : strlen(kv);
}

char **image_job_env(const struct image *img, char *const *env)
{
	char **out = strv_dup(img->env);
	size_t n = strv_len(out);

	for (char *const *e = env; e && *e; e++) {
		size_t len = name_len(*e), i;

		for (i = 0; i < n; i++)
			if (name_len(out[i]) == len && strncmp(out[i], *e, len) == 0)
				break;
		if (i < n) {
			free(out[i]);
			out[i] = xstrdup(*e);
		} else {
			push(&out, &n, *e);
		}
	}
	return out;
}

/* etc/passwd or etc/group of the image: the top layer that has it (or
 * deletes it with a whiteout) decides */
static char *image_file(const struct image *img, const char *name)
{
	struct open_how how = {.flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW,
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};

	for (size_t i = strv_len(img->layers); i-- > 0;) {
		cleanup_close int dir = open(img->layers[i], O_PATH | O_DIRECTORY | O_CLOEXEC);
		cleanup_close int fd = dir < 0 ? -1 : sys_openat2(dir, name, &how);
		struct stat st;
		char *buf = NULL;
		size_t len;

		if (fd < 0 && dir >= 0 && fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0))
			return NULL; /* whited out */
		if (fd < 0)
			continue;
		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
		    read_fd(fd, name, &buf, &len, NULL) < 0)
			return NULL;
		return buf;
	}
	return NULL;
}

/* the id of `name` (field 0) in a passwd or group text; *gid from a
 * passwd line's field 3 */
static bool lookup(char *text, const char *name, bool numeric, unsigned long *id,
		   unsigned long *gid)
{
	for (char *save = NULL, *l = text ? strtok_r(text, "\n", &save) : NULL; l;
	     l = strtok_r(NULL, "\n", &save)) {
		char *f[4] = {0}, *end;
		int n = 0;

		for (char *rest = l, *t; n < 4 && (t = strsep(&rest, ":")) != NULL;)
			f[n++] = t;
		if (n < 3 || (numeric ? strcmp(f[2], name) : strcmp(f[0], name)) != 0)
			continue;
		*id = strtoul(f[2], &end, 10);
		if (*end != '\0')
			continue;
		if (gid != NULL && n == 4)
			*gid = strtoul(f[3], &end, 10);
		return true;
	}
	return false;
}

static bool is_number(const char *s)
{
	return s[0] != '\0' && strspn(s, "0123456789") == strlen(s) && strlen(s) <= 10;
}

int image_job_user(const struct image *img, uid_t *uid, gid_t *gid, struct error **err)
{
	cleanup_free char *u = xstrdup(img->user);
	cleanup_free char *passwd = image_file(img, "etc/passwd");
	cleanup_free char *group = NULL;
	char *g = strchr(u, ':');
	unsigned long id = 0, pgid = 0;

	if (g != NULL)
		*g++ = '\0';
	if (lookup(passwd, u, is_number(u), &id, &pgid))
		*uid = (uid_t)id;
	else if (is_number(u))
		*uid = (uid_t)strtoul(u, NULL, 10);
	else
		return error_set(err, 0,
				 "sandbox: the image's User \"%s\": no such user in its "
				 "/etc/passwd (use --user UID)",
				 img->user);
	*gid = (gid_t)pgid;
	if (g == NULL)
		return 0;
	if (is_number(g)) {
		*gid = (gid_t)strtoul(g, NULL, 10);
		return 0;
	}
	group = image_file(img, "etc/group");
	if (!lookup(group, g, false, &id, NULL))
		return error_set(err, 0,
				 "sandbox: the image's User \"%s\": no group \"%s\" in its "
				 "/etc/group",
				 img->user, g);
	*gid = (gid_t)id;
	return 0;
}
