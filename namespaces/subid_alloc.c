/* SPDX-License-Identifier: Apache-2.0 */
/* namespaces/subid_alloc.c — the ranges of /etc/subuid and /etc/subgid a
 * sandbox job is mapped from: as root, the range of berth's own user
 * (made when missing); rootless, the caller's.  The files' text is read
 * by subid.c.
 *
 * The sandbox's range is on the path of every job start, so the common
 * case is two small reads and no lock.  Making it is rare (once per host)
 * and careful: useradd(8) for the user, then under flock(2) on
 * /etc/subuid both files are read again, a free block is chosen in both,
 * and each file is replaced by rename(2), never rewritten in place.  A
 * lock taken on a file another berth has just replaced is dropped and
 * taken again on the new one.  */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/file.h"
#include "core/mem.h"
#include "namespaces/subid.h"

#define SUBUID	      "/etc/subuid"
#define SUBGID	      "/etc/subgid"
#define SANDBOX_IDS   65536u
#define SANDBOX_FLOOR 100000u /* where useradd's own ranges start (SUB_UID_MIN) */

/* a missing file grants nothing; an unreadable one is an error */
static int load(const char *path, struct ns_subid_file *f, struct error **err)
{
	cleanup_free char *text = NULL;
	size_t len = 0;

	memset(f, 0, sizeof(*f));
	if (read_file_at(AT_FDCWD, path, &text, &len, err) < 0) {
		if ((*err)->errnum != ENOENT)
			return -1;
		error_freep(err);
		return 0;
	}
	return ns_subid_parse(path, text, len, f, err);
}

static bool user_exists(const char *name)
{
	cleanup_free char *text = read_file_or_null(AT_FDCWD, "/etc/passwd");
	size_t n = strlen(name);

	for (char *l = text; l != NULL && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (strncmp(l, name, n) == 0 && l[n] == ':')
			return true;
	return false;
}

/* useradd --system: no home, no shell, no subordinate ids of its own */
static int add_user(const char *name, struct error **err)
{
	char *const argv[] = {"useradd", "--system",	      "--no-create-home",
			      "--shell", "/usr/sbin/nologin", (char *)name,
			      NULL};
	int status = 0;
	pid_t pid = fork();

	if (pid < 0)
		return error_set(err, errno, "sandbox: fork useradd");
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);

		if (devnull >= 0)
			dup2(devnull, STDOUT_FILENO);
		execvp(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	/* another berth may have made it in the meantime */
	if (user_exists(name))
		return 0;
	return error_set(err, 0,
			 "sandbox: 'useradd --system %s' failed (%s %d): create the user, or name "
			 "another in BERTH_SANDBOX_USER",
			 name, WIFEXITED(status) ? "exit" : "signal",
			 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}

/* /etc/subuid, opened and locked; retried when it was replaced while we
 * waited for the lock (the lock would then guard a file nobody reads) */
static int lock_subuid(struct error **err)
{
	for (int tries = 0; tries < 100; tries++) {
		int fd = open(SUBUID, O_RDONLY | O_CREAT | O_CLOEXEC, 0644);
		struct stat held, now;

		if (fd < 0)
			return error_set(err, errno, "sandbox: open '%s'", SUBUID);
		if (flock(fd, LOCK_EX) < 0) {
			error_set(err, errno, "sandbox: lock '%s'", SUBUID);
			close(fd);
			return -1;
		}
		if (fstat(fd, &held) == 0 && stat(SUBUID, &now) == 0 && held.st_ino == now.st_ino &&
		    held.st_dev == now.st_dev)
			return fd;
		close(fd);
	}
	return error_set(err, EBUSY, "sandbox: lock '%s': replaced again and again", SUBUID);
}

/* the file with one line more, replacing the old one in a single rename:
 * a reader sees the old text or the new, never half of it */
static int append_line(const char *path, const char *line, struct error **err)
{
	cleanup_free char *old = read_file_or_null(AT_FDCWD, path);
	cleanup_free char *text = NULL;
	cleanup_free char *tmp = xasprintf("%s.berth-XXXXXX", path);
	size_t n = old != NULL ? strlen(old) : 0;
	cleanup_close int fd = mkostemp(tmp, O_CLOEXEC);
	ssize_t w;

	if (fd < 0)
		return error_set(err, errno, "sandbox: temp file for '%s'", path);
	text = xasprintf("%s%s%s", n > 0 ? old : "", n > 0 && old[n - 1] != '\n' ? "\n" : "", line);
	w = write(fd, text, strlen(text));
	if (w != (ssize_t)strlen(text) || fchmod(fd, 0644) < 0 || fsync(fd) < 0 ||
	    rename(tmp, path) < 0) {
		error_set(err, w < 0 || errno ? errno : EIO, "sandbox: write '%s'", path);
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* under the lock: read both files again, add what is still missing */
static int make_range(const char *name, struct ns_subid_map *out, struct error **err)
{
	cleanup_close int lock = lock_subuid(err);
	struct ns_subid_file u = {0}, g = {0};
	const struct ns_subid_range *ur, *gr;
	uint32_t start = 0;
	int rc = -1;

	if (lock < 0)
		return -1;
	if (load(SUBUID, &u, err) < 0 || load(SUBGID, &g, err) < 0)
		goto out;
	ur = ns_subid_find(&u, name, (uid_t)-1, SANDBOX_IDS);
	gr = ns_subid_find(&g, name, (uid_t)-1, SANDBOX_IDS);
	if (ur == NULL || gr == NULL) {
		cleanup_free char *line = NULL;

		if (!ns_subid_free_block(&u, &g, SANDBOX_FLOOR, SANDBOX_IDS, &start)) {
			error_set(err, 0, "sandbox: no free block of %u ids left in %s and %s",
				  SANDBOX_IDS, SUBUID, SUBGID);
			goto out;
		}
		line = xasprintf("%s:%u:%u\n", name, start, SANDBOX_IDS);
		if ((ur == NULL && append_line(SUBUID, line, err) < 0) ||
		    (gr == NULL && append_line(SUBGID, line, err) < 0))
			goto out;
	}
	out->uid_start = ur != NULL ? ur->start : start;
	out->gid_start = gr != NULL ? gr->start : start;
	rc = 0;
out:
	ns_subid_clear(&u);
	ns_subid_clear(&g);
	return rc;
}

int ns_sandbox_range(struct ns_subid_map *out, struct error **err)
{
	const char *name = getenv("BERTH_SANDBOX_USER");
	struct ns_subid_file u = {0}, g = {0};
	const struct ns_subid_range *ur = NULL, *gr = NULL;
	bool found;

	if (name == NULL || name[0] == '\0')
		name = "berth-sandbox";
	if (!ns_subid_name_ok(name))
		return error_set(err, 0,
				 "sandbox: BERTH_SANDBOX_USER \"%s\" is not a user name "
				 "([a-z_][a-z0-9_-]*, at most 32)",
				 name);
	memset(out, 0, sizeof(*out));
	out->count = SANDBOX_IDS;
	/* the common case: both ranges exist, nothing to lock or make */
	if (load(SUBUID, &u, err) == 0 && load(SUBGID, &g, err) == 0) {
		ur = ns_subid_find(&u, name, (uid_t)-1, SANDBOX_IDS);
		gr = ns_subid_find(&g, name, (uid_t)-1, SANDBOX_IDS);
	}
	found = ur != NULL && gr != NULL && user_exists(name);
	if (found) {
		out->uid_start = ur->start;
		out->gid_start = gr->start;
	}
	ns_subid_clear(&u);
	ns_subid_clear(&g);
	if (*err != NULL)
		return -1;
	if (!found &&
	    ((user_exists(name) ? 0 : add_user(name, err)) < 0 || make_range(name, out, err) < 0))
		return -1;
	/* a job's root would be the host's */
	if (out->uid_start == 0 || out->gid_start == 0)
		return error_set(err, 0, "sandbox: the range of '%s' in %s or %s starts at 0", name,
				 SUBUID, SUBGID);
	return 0;
}

int ns_caller_range(struct ns_subid_map *out, struct error **err)
{
	uid_t uid = getuid();
	cleanup_free char *name = passwd_field("/etc/passwd", uid, 0);
	struct ns_subid_file u = {0}, g = {0};
	const struct ns_subid_range *ur, *gr;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (load(SUBUID, &u, err) < 0 || load(SUBGID, &g, err) < 0)
		goto out;
	ur = ns_subid_find(&u, name, uid, 1);
	gr = ns_subid_find(&g, name, uid, 1);
	if (ur == NULL || gr == NULL) {
		error_set(err, 0,
			  "sandbox: %s has no range for user '%s' (uid %u): a rootless job maps "
			  "its ids 1-65536 from one (as root, add a line such as "
			  "'%s:100000:65536' to %s and %s)",
			  ur == NULL ? SUBUID : SUBGID, name != NULL ? name : "?", (unsigned)uid,
			  name != NULL ? name : "UID", SUBUID, SUBGID);
		goto out;
	}
	out->self = true;
	out->self_uid = uid;
	out->self_gid = getgid();
	out->uid_start = ur->start;
	out->gid_start = gr->start;
	out->count = ur->count < gr->count ? ur->count : gr->count;
	if (out->count > SANDBOX_IDS)
		out->count = SANDBOX_IDS;
	rc = 0;
out:
	ns_subid_clear(&u);
	ns_subid_clear(&g);
	return rc;
}

/* shadow-utils' newuidmap may take subordinate ids from NSS ("subid:" in
 * nsswitch.conf) instead of the files berth reads */
static bool subids_from_nss(void)
{
	cleanup_free char *text = read_file_or_null(AT_FDCWD, "/etc/nsswitch.conf");

	for (char *l = text; l != NULL && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		l += strspn(l, " \t");
		if (strncmp(l, "subid:", 6) == 0)
			return true;
	}
	return false;
}

int ns_caller_may_map_uid(uid_t id, bool *may, struct error **err)
{
	uid_t uid = getuid();
	cleanup_free char *name = passwd_field("/etc/passwd", uid, 0);
	struct ns_subid_file u = {0};

	/* a user /etc/passwd does not name (LDAP, SSSD), or ranges from NSS:
	 * what newuidmap grants is not known here */
	*may = true;
	if (name == NULL || subids_from_nss())
		return 0;
	if (load(SUBUID, &u, err) < 0)
		return -1;
	*may = ns_subid_covers(&u, name, uid, id);
	ns_subid_clear(&u);
	return 0;
}
