/* SPDX-License-Identifier: Apache-2.0 */
/* tests/unit/test-criu-acl.c — the image dir opened to a restored user
 * namespace's root (runtime/criu_acl.c): while granted, a process of
 * that host uid (and no other) reads the images through the dir; after
 * the revoke every file has its own mode and ACL (or none) again; the
 * same for the dump a "parent" link leads to (--parent-path); never a
 * file that is not one of CRIU's images, a hard link to another file, or
 * a dir a "parent" link leads to away from the image dir.  Needs root (the reader
 * changes its uid) and a /tmp with POSIX ACLs.  */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "runtime/criu_acl.h"
#include "tests/unit/tap.h"

#define ACL_XATTR "system.posix_acl_access"

/* can host uid `uid` (no capabilities) read dir/name? */
static bool readable_by(const char *dir, const char *name, uid_t uid)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		char path[512];
		int fd;

		snprintf(path, sizeof(path), "%s/%s", dir, name);
		if (setgroups(0, NULL) < 0 || setgid(uid) < 0 || setuid(uid) < 0)
			_exit(2);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		_exit(fd >= 0 ? 0 : 1);
	}
	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static mode_t mode_of(int dir, const char *name)
{
	struct stat st;

	return fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 ? st.st_mode & 07777 : 0;
}

static void make_file(int dir, const char *name, mode_t mode)
{
	int fd = openat(dir, name, O_WRONLY | O_CREAT | O_CLOEXEC, mode);

	if (fd >= 0) {
		fchmod(fd, mode);
		close(fd);
	}
}

/* an ACL of the file's own: u::rw-, u:4242:r--, g::---, m::r--, o::--- */
struct own_acl {
	uint32_t version;
	struct {
		uint16_t tag, perm;
		uint32_t id;
	} e[5];
};

static const struct own_acl own = {2,
				   {{0x01, 6, UINT32_MAX},
				    {0x02, 4, 4242},
				    {0x04, 0, UINT32_MAX},
				    {0x10, 4, UINT32_MAX},
				    {0x20, 0, UINT32_MAX}}};

static void clean(const char *top)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	if (system(cmd) != 0)
		TAP_NOTE("could not remove %s", top);
}

/* what the grant must never open: refused whole, nothing left granted */
static void refused(const char *top, const char *what, const char *text)
{
	char img[96];
	cleanup_close int dir = -1;
	struct criu_acl_grant *g = NULL;
	struct error *err = NULL;

	snprintf(img, sizeof(img), "%s/img", top);
	dir = open(img, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK(criu_acl_grant(dir, 100000, &g, &err) < 0 && g == NULL && err != NULL &&
		      strstr(err->msg, text) != NULL,
	      "%s: refused (%s)", what, err != NULL ? err->msg : "granted");
	CHECK(!readable_by(img, "inventory.img", 100000) && mode_of(dir, ".") == 0700 &&
		      fgetxattr(dir, ACL_XATTR, NULL, 0) < 0,
	      "%s: nothing left granted", what);
	error_free(err);
}

/* a hard link to a file outside, a parent link elsewhere, a log */
static void refusals(const char *top)
{
	char secret[96], path[96];
	cleanup_close int dir = -1;

	snprintf(path, sizeof(path), "%s/img", top);
	dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	make_file(dir, "restore.log", 0600);
	snprintf(secret, sizeof(secret), "%s/secret", top);
	make_file(AT_FDCWD, secret, 0600);
	snprintf(path, sizeof(path), "%s/img/stolen.img", top);
	if (link(secret, path) < 0)
		TAP_NOTE("link: %s", strerror(errno));
	refused(top, "a hard link among the images", "more than one link");
	CHECK(!readable_by(top, "secret", 100000), "the hard-linked file stays closed");
	unlink(path);
	/* a parent link to a dir that is not beside the image dir */
	snprintf(path, sizeof(path), "%s/p1/deeper", top);
	mkdir(path, 0700);
	unlinkat(dir, "parent", 0);
	if (symlinkat(path, dir, "parent") < 0)
		TAP_NOTE("symlink: %s", strerror(errno));
	refused(top, "a parent link away from the image dir",
		"not a dir of the same owner beside it");
	unlinkat(dir, "parent", 0);
	if (symlinkat("/etc", dir, "parent") < 0)
		TAP_NOTE("symlink: %s", strerror(errno));
	refused(top, "a parent link to /etc", "beside it");
	CHECK(getxattr("/etc", ACL_XATTR, NULL, 0) < 0, "/etc has no ACL entry");
	unlinkat(dir, "parent", 0);
	{
		struct criu_acl_grant *g = NULL;
		struct error *err = NULL;

		CHECK(criu_acl_grant(dir, 100000, &g, &err) == 0, "no parent link: granted");
		snprintf(path, sizeof(path), "%s/img", top);
		CHECK(readable_by(path, "inventory.img", 100000) &&
			      !readable_by(path, "restore.log", 100000),
		      "an image is opened, a log beside it is not");
		criu_acl_revoke(g);
		error_free(err);
	}
}

int main(void)
{
	char top[] = "/tmp/berth-acl.XXXXXX";
	char img[64], parent[64];
	cleanup_close int dir = -1;
	cleanup_close int with_acl = -1;
	struct criu_acl_grant *g = NULL;
	struct error *err = NULL;
	struct own_acl back;

	if (geteuid() != 0)
		return tap_skip_all("needs root");
	if (mkdtemp(top) == NULL)
		return tap_skip_all("mkdtemp");
	chmod(top, 0755);
	snprintf(img, sizeof(img), "%s/img", top);
	snprintf(parent, sizeof(parent), "%s/p1", top);
	mkdir(img, 0700);
	mkdir(parent, 0700);
	dir = open(img, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	make_file(dir, "inventory.img", 0600);
	make_file(dir, "pages-1.img", 0644);
	make_file(dir, "with-acl.img", 0600);
	{
		cleanup_close int p = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		make_file(p, "pages-1.img", 0600);
	}
	if (symlinkat("../p1", dir, "parent") < 0)
		TAP_NOTE("symlink: %s", strerror(errno));
	with_acl = openat(dir, "with-acl.img", O_RDONLY | O_CLOEXEC);
	if (fsetxattr(with_acl, ACL_XATTR, &own, sizeof(own), 0) < 0) {
		clean(top);
		return tap_skip_all("no POSIX ACLs on /tmp");
	}

	CHECK(!readable_by(img, "inventory.img", 100000), "before: uid 100000 cannot read");
	CHECK(criu_acl_grant(dir, 100000, &g, &err) == 0, "grant: %s",
	      err != NULL ? err->msg : "ok");
	CHECK(readable_by(img, "inventory.img", 100000), "granted: uid 100000 reads a 0600 image");
	CHECK(readable_by(img, "pages-1.img", 100000), "granted: and a 0644 one");
	CHECK(readable_by(img, "with-acl.img", 100000), "granted: and one with an ACL of its own");
	CHECK(!readable_by(img, "inventory.img", 100001), "granted: uid 100001 still cannot");
	CHECK(readable_by(parent, "pages-1.img", 100000),
	      "granted: and the images of the dump the parent link leads to");
	criu_acl_revoke(g);
	CHECK(!readable_by(img, "inventory.img", 100000), "revoked: uid 100000 cannot read");
	CHECK(mode_of(dir, ".") == 0700, "revoked: the dir is 0700 again");
	CHECK(mode_of(dir, "inventory.img") == 0600, "revoked: 0600 again");
	CHECK(mode_of(dir, "pages-1.img") == 0644, "revoked: 0644 again");
	CHECK(!readable_by(parent, "pages-1.img", 100000) && mode_of(AT_FDCWD, parent) == 0700 &&
		      getxattr(parent, ACL_XATTR, NULL, 0) < 0,
	      "revoked: the parent dump's dir and images are root's alone again");
	CHECK(fgetxattr(dir, ACL_XATTR, NULL, 0) < 0 && errno == ENODATA,
	      "revoked: no ACL on the dir");
	CHECK(fgetxattr(with_acl, ACL_XATTR, &back, sizeof(back)) == sizeof(back) &&
		      memcmp(&back, &own, sizeof(own)) == 0,
	      "revoked: the file's own ACL is back");
	refusals(top);
	error_free(err);
	clean(top);
	return tap_done();
}
