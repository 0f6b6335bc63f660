/* SPDX-License-Identifier: Apache-2.0 */
/* namespaces/idmap.c — uid/gid mappings of a new user namespace.
 *
 * Written by the parent: the child cannot map ids it does not hold.  Root
 * writes the maps directly.  An unprivileged caller may map only its own
 * uid/gid (and must first deny setgroups(2), or the kernel refuses the
 * gid map); anything more goes through the setuid helpers newuidmap and
 * newgidmap, which check /etc/subuid and /etc/subgid.  The same maps make
 * the user namespaces that idmapped mounts are seen through
 * (ns_userns_fd).  */
#define _GNU_SOURCE
#include <fcntl.h>
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/file.h"
#include "core/mem.h"
#include "core/syscalls.h"
#include "namespaces/ns.h"

extern char **environ;

static char *map_text(const struct spec_idmap *m, size_t n)
{
	char *text = xstrdup("");

	for (size_t i = 0; i < n; i++) {
		char *next =
			xasprintf("%s%u %u %u\n", text, m[i].container_id, m[i].host_id, m[i].size);

		free(text);
		text = next;
	}
	return text;
}

/* the maps only name the caller's own id: the kernel allows that */
static bool map_is_self(const struct spec_idmap *m, size_t n, unsigned id)
{
	return n == 1 && m[0].size == 1 && m[0].host_id == id;
}

static int write_map(pid_t pid, const char *file, const char *text, struct error **err)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	if (write_str_at(AT_FDCWD, path, text, err) < 0)
		return error_wrap(err, "user namespace: %s", file);
	return 0;
}

/* The ranges /etc/subuid (or subgid) grants the caller, as text such as
 * "100000-165535", or NULL when it grants none.  Lines are keyed by user
 * name (NULL: uid not in /etc/passwd) or by uid.  */
static char *granted_ranges(const char *file, uid_t uid, const char *name)
{
	cleanup_free char *buf = read_file_or_null(AT_FDCWD, file);
	char uidtxt[16];
	char *out = NULL;

	if (buf == NULL)
		return NULL;
	snprintf(uidtxt, sizeof(uidtxt), "%u", (unsigned)uid);
	for (char *save = NULL, *l = strtok_r(buf, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		char *who = l, *start = strchr(l, ':'), *count;
		unsigned long s, n;

		if (start == NULL || (count = strchr(start + 1, ':')) == NULL)
			continue;
		*start++ = '\0';
		*count++ = '\0';
		if (strcmp(who, uidtxt) != 0 && (name == NULL || strcmp(who, name) != 0))
			continue;
		s = strtoul(start, NULL, 10);
		n = strtoul(count, NULL, 10);
		if (n == 0)
			continue;
		char *next =
			xasprintf("%s%s%lu-%lu", out ? out : "", out ? ", " : "", s, s + n - 1);
		free(out);
		out = next;
	}
	return out;
}

/* the host id ranges asked for, for messages: "100000-165535, ..." */
static char *wanted_ranges(const struct spec_idmap *m, size_t n)
{
	char *wanted = xstrdup("");

	for (size_t i = 0; i < n; i++) {
		char *next = xasprintf("%s%s%u-%u", wanted, *wanted ? ", " : "", m[i].host_id,
				       m[i].host_id + m[i].size - 1);

		free(wanted);
		wanted = next;
	}
	return wanted;
}

/* why the helper refused: the ranges asked for against those granted */
static int helper_refused(const char *subfile, const struct spec_idmap *m, size_t n,
			  struct error **err)
{
	cleanup_free char *name = passwd_field("/etc/passwd", getuid(), 0);
	cleanup_free char *granted = granted_ranges(subfile, getuid(), name);
	cleanup_free char *wanted = wanted_ranges(m, n);

	if (granted == NULL)
		/* a user only a directory service knows: say what was not checked */
		return error_set(
			err, 0,
			"user namespace: %s has no range for uid %u%s, so host ids %s "
			"cannot be mapped (add a line such as '%u:100000:65536')",
			subfile, (unsigned)getuid(),
			name != NULL
				? ""
				: " (not in /etc/passwd: lines keyed by a name were not checked)",
			wanted, (unsigned)getuid());
	return error_set(err, 0,
			 "user namespace: host ids %s are not all within what %s grants "
			 "uid %u (%s, plus the uid itself)",
			 wanted, subfile, (unsigned)getuid(), granted);
}

/* newuidmap PID cid hid size [cid hid size ...], started with its stderr
 * on /dev/null (a message naming what is missing replaces it): the
 * helper's pid, or -1 with *err */
static pid_t start_helper(const char *helper, pid_t pid, const struct spec_idmap *m, size_t n,
			  struct error **err)
{
	char **argv = xcalloc(3 * n + 3, sizeof(char *));
	posix_spawn_file_actions_t fa;
	pid_t child = -1;
	size_t a = 0;
	int rc;

	argv[a++] = xstrdup(helper);
	argv[a++] = xasprintf("%d", (int)pid);
	for (size_t i = 0; i < n; i++) {
		argv[a++] = xasprintf("%u", m[i].container_id);
		argv[a++] = xasprintf("%u", m[i].host_id);
		argv[a++] = xasprintf("%u", m[i].size);
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	rc = posix_spawnp(&child, helper, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	strv_free(argv);
	if (rc == ENOENT)
		return error_set(err, 0,
				 "user namespace: %s not found (install the uidmap package)",
				 helper);
	if (rc != 0)
		return error_set(err, rc, "user namespace: start %s", helper);
	return child;
}

/* wait for a helper started above (none: -1, nothing to do): NULL, or
 * why it failed */
static struct error *finish_helper(pid_t child, const char *subfile, const struct spec_idmap *m,
				   size_t n)
{
	struct error *e = NULL;
	int status;

	if (child < 0)
		return NULL;
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR) {
			error_set(&e, errno, "user namespace: wait for the id map helper");
			return e;
		}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		helper_refused(subfile, m, n, &e);
	return e;
}

/* the first failure is the one said */
static void keep_first(struct error **first, struct error *next)
{
	if (*first == NULL)
		*first = next;
	else
		error_free(next);
}

/* the gid map the caller may write itself: setgroups denied first (the
 * kernel wants that before an unprivileged gid map, so that dropping a
 * group can't grant access) */
static int write_self_gid_map(pid_t pid, const char *gids, struct error **err)
{
	if (write_map(pid, "setgroups", "deny", err) < 0 ||
	    write_map(pid, "gid_map", gids, err) < 0)
		return -1;
	return 0;
}

/* Unprivileged: the caller's own id is written here, anything more by
 * newuidmap and newgidmap, both at once (each is a setuid program's
 * whole start), both waited for whatever the other did.  */
static int write_idmaps_unprivileged(pid_t pid, const struct spec_idmap *um, size_t nu,
				     const struct spec_idmap *gm, size_t ng, struct error **err)
{
	cleanup_free char *uids = map_text(um, nu);
	cleanup_free char *gids = map_text(gm, ng);
	bool uself = map_is_self(um, nu, geteuid()), gself = map_is_self(gm, ng, getegid());
	struct error *e = NULL;
	pid_t uh = -1, gh = -1;

	if (!uself)
		uh = start_helper("newuidmap", pid, um, nu, &e);
	if (e == NULL && !gself)
		gh = start_helper("newgidmap", pid, gm, ng, &e);
	if (e == NULL && uself)
		write_map(pid, "uid_map", uids, &e);
	if (e == NULL && gself)
		write_self_gid_map(pid, gids, &e);
	keep_first(&e, finish_helper(uh, "/etc/subuid", um, nu));
	keep_first(&e, finish_helper(gh, "/etc/subgid", gm, ng));
	if (e != NULL) {
		*err = e;
		return -1;
	}
	return 0;
}

static int write_idmaps(pid_t pid, const struct spec_idmap *um, size_t nu,
			const struct spec_idmap *gm, size_t ng, struct error **err)
{
	cleanup_free char *uids = NULL, *gids = NULL;

	if (geteuid() != 0)
		return write_idmaps_unprivileged(pid, um, nu, gm, ng, err);
	uids = map_text(um, nu);
	gids = map_text(gm, ng);
	if (write_map(pid, "uid_map", uids, err) < 0 || write_map(pid, "gid_map", gids, err) < 0)
		return -1;
	return 0;
}

int ns_write_idmaps(pid_t pid, const struct spec *spec, struct error **err)
{
	const struct spec_linux *l = &spec->linux;

	return write_idmaps(pid, l->uid_mappings, l->n_uid_mappings, l->gid_mappings,
			    l->n_gid_mappings, err);
}

/* A child that lives in a new user namespace until `hold` closes. */
static pid_t userns_holder(int hold[2], struct error **err)
{
	struct clone_args args = {.flags = CLONE_NEWUSER, .exit_signal = SIGCHLD};
	pid_t pid;
	char c;

	if (pipe2(hold, O_CLOEXEC) < 0)
		return error_set(err, errno, "user namespace for an idmapped mount: pipe");
	pid = sys_clone3(&args);
	if (pid == 0) {
		close(hold[1]);
		while (read(hold[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(hold[0]);
	if (pid < 0) {
		close(hold[1]);
		return error_set(err, errno, "user namespace for an idmapped mount: clone3");
	}
	return pid;
}

int ns_userns_fd(const struct spec_idmap *uids, size_t n_uids, const struct spec_idmap *gids,
		 size_t n_gids, struct error **err)
{
	int hold[2], fd = -1;
	pid_t pid = userns_holder(hold, err);
	char path[64];

	if (pid < 0)
		return -1;
	if (write_idmaps(pid, uids, n_uids, gids, n_gids, err) == 0) {
		snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			error_set(err, errno, "open '%s'", path);
	}
	/* the fd keeps the namespace: its only process may go */
	close(hold[1]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return fd;
}

/* with no mappings in the spec (a joined user namespace), ids pass as is */
static unsigned lookup(const struct spec_idmap *m, size_t n, unsigned id)
{
	if (n == 0)
		return id;
	for (size_t i = 0; i < n; i++)
		if (id >= m[i].container_id && id - m[i].container_id < m[i].size)
			return m[i].host_id + (id - m[i].container_id);
	return 65534; /* the kernel's overflow id */
}

uid_t ns_host_uid(const struct spec *spec, uid_t container_uid)
{
	if (!spec->linux.ns[SPEC_NS_USER].present)
		return container_uid;
	return lookup(spec->linux.uid_mappings, spec->linux.n_uid_mappings, container_uid);
}

gid_t ns_host_gid(const struct spec *spec, gid_t container_gid)
{
	if (!spec->linux.ns[SPEC_NS_USER].present)
		return container_gid;
	return lookup(spec->linux.gid_mappings, spec->linux.n_gid_mappings, container_gid);
}
