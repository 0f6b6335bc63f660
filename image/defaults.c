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
 * deletes it with a whiteout) decides; resolved inside each layer, so a
 * symlink in the image never leads out of it */
static char *image_file(char *const *layers, const char *name)
{
	struct open_how how = {.flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW,
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};

	for (size_t i = strv_len(layers); i-- > 0;) {
		cleanup_close int dir = open(layers[i], O_PATH | O_DIRECTORY | O_CLOEXEC);
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

/* the line of `name` (field 0, or the id in field 2 when numeric) in a
 * passwd or group text: its id, and a passwd line's gid and home */
static bool lookup(char *text, const char *name, bool numeric, unsigned long *id,
		   unsigned long *gid, char **home)
{
	for (char *save = NULL, *l = text ? strtok_r(text, "\n", &save) : NULL; l;
	     l = strtok_r(NULL, "\n", &save)) {
		char *f[7] = {0}, *end;
		int n = 0;

		for (char *rest = l, *t; n < 7 && (t = strsep(&rest, ":")) != NULL;)
			f[n++] = t;
		if (n < 3 || (numeric ? strcmp(f[2], name) : strcmp(f[0], name)) != 0)
			continue;
		*id = strtoul(f[2], &end, 10);
		if (*end != '\0' || f[2][0] == '\0')
			continue;
		if (gid != NULL && n >= 4)
			*gid = strtoul(f[3], &end, 10);
		if (home != NULL && n >= 6 && f[5][0] == '/')
			*home = xstrdup(f[5]);
		return true;
	}
	return false;
}

static bool is_number(const char *s)
{
	return s[0] != '\0' && strspn(s, "0123456789") == strlen(s) && strlen(s) <= 10;
}

static int group_id(char *const *layers, const char *what, const char *user, const char *g,
		    gid_t *gid, struct error **err)
{
	cleanup_free char *group = NULL;
	unsigned long id = 0;

	if (is_number(g)) {
		*gid = (gid_t)strtoul(g, NULL, 10);
		return 0;
	}
	group = image_file(layers, "etc/group");
	if (!lookup(group, g, false, &id, NULL, NULL))
		return error_set(err, 0, "%s \"%s\": no group \"%s\" in the image's /etc/group",
				 what, user, g);
	*gid = (gid_t)id;
	return 0;
}

int image_user_lookup(char *const *layers, const char *user, const char *what, bool gid_is_uid,
		      uid_t *uid, gid_t *gid, char **home, struct error **err)
{
	cleanup_free char *u = xstrdup(user);
	cleanup_free char *passwd = image_file(layers, "etc/passwd");
	char *g = strchr(u, ':');
	unsigned long id = 0, pgid = 0;
	bool numeric;

	*home = NULL;
	if (g != NULL)
		*g++ = '\0';
	numeric = is_number(u);
	if (lookup(passwd, u, numeric, &id, &pgid, home)) {
		*uid = (uid_t)id;
		*gid = (gid_t)pgid;
	} else if (numeric) {
		*uid = (uid_t)strtoul(u, NULL, 10);
		*gid = gid_is_uid ? (gid_t)*uid : 0;
	} else {
		return error_set(err, 0,
				 "%s \"%s\": no such user in the image's /etc/passwd (give a "
				 "UID)",
				 what, user);
	}
	if (g != NULL && group_id(layers, what, user, g, gid, err) < 0) {
		free(*home);
		*home = NULL;
		return -1;
	}
	return 0;
}

int image_job_user(const struct image *img, uid_t *uid, gid_t *gid, char **home, struct error **err)
{
	return image_user_lookup(img->layers, img->user, "sandbox: the image's User", false, uid,
				 gid, home, err);
}
