/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/criu_acl.c — the image dir opened to a restored user
 * namespace's root.  CRIU 3.17 creates the user namespace first and then
 * reads most images from inside the restored tree, as that namespace's
 * root — a host id such as 100000, which the 0600 files of a 0700 dir
 * made by root keep out ("Unable to open tty-info.img: Permission
 * denied").  CRIU's own tests map host root into the namespace, which
 * hides this; a container's mapping (podman --uidmap 0:100000:65536)
 * does not.  So for as long as CRIU runs, one POSIX ACL entry gives that
 * host uid read access to each image and search access to the dir (and
 * to those of a --parent-path chain); then each file gets back its own
 * ACL (or none) and its mode.  Nothing else is opened up: the caller's
 * other ids, the dirs above, the work dir, a file that is not one of
 * CRIU's images (*.img, one link, the dir owner's), a "parent" link that
 * leads anywhere but to a dir beside this one.  If berth dies while CRIU
 * runs, the entries stay (getfacl shows them).  */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdbool.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/log.h"
#include "core/mem.h"
#include "runtime/criu_acl.h"

#define ACL_XATTR "system.posix_acl_access"

/* the kernel's xattr form of an access ACL (linux/posix_acl_xattr.h):
 * a version, then entries sorted by tag and id, all little-endian */
#define ACL_XATTR_VERSION 2
enum {
	ACL_USER_OBJ = 0x01,
	ACL_USER = 0x02,
	ACL_GROUP_OBJ = 0x04,
	ACL_MASK = 0x10,
	ACL_OTHER = 0x20
};
#define ACL_NO_ID UINT32_MAX

struct acl_entry {
	uint16_t tag, perm;
	uint32_t id;
};

struct acl_xattr {
	uint32_t version;
	struct acl_entry e[5];
};

/* one file or dir as it was: its dir (one of the grant's), its name
 * there ("." for the dir), mode, and its own ACL when it had one */
struct saved {
	int dir;
	char *name;
	mode_t mode;
	char *acl;
	ssize_t acl_len;
};

/* a --parent-path chain longer than this is not followed further */
#define MAX_CHAIN 32

struct criu_acl_grant {
	int dirs[MAX_CHAIN]; /* the image dir, then its "parent" chain */
	size_t n_dirs;
	struct saved *v;
	size_t n;
};

static struct acl_entry entry(uint16_t tag, unsigned perm, uint32_t id)
{
	return (struct acl_entry){htole16(tag), htole16((uint16_t)(perm & 7)), htole32(id)};
}

/* the mode's owner, group and other bits, plus `uid` with `perm`; the
 * mask lets both the group and that entry through */
static void acl_for(struct acl_xattr *a, mode_t mode, uid_t uid, unsigned perm)
{
	unsigned grp = (mode >> 3) & 7;

	a->version = htole32(ACL_XATTR_VERSION);
	a->e[0] = entry(ACL_USER_OBJ, mode >> 6, ACL_NO_ID);
	a->e[1] = entry(ACL_USER, perm, (uint32_t)uid);
	a->e[2] = entry(ACL_GROUP_OBJ, grp, ACL_NO_ID);
	a->e[3] = entry(ACL_MASK, grp | perm, ACL_NO_ID);
	a->e[4] = entry(ACL_OTHER, mode, ACL_NO_ID);
}

/* each file's own ACL (or none) and mode again; best effort */
static void put_back(const struct saved *s)
{
	int fd = openat(s->dir, s->name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return;
	if (s->acl != NULL)
		fsetxattr(fd, ACL_XATTR, s->acl, (size_t)s->acl_len, 0);
	else
		fremovexattr(fd, ACL_XATTR);
	if (fchmod(fd, s->mode) < 0)
		log_warn("restore: mode of image '%s' not put back: %s", s->name, strerror(errno));
	close(fd);
}

/* grant `perm` on one entry of the dir, and remember what it was */
static int grant_one(struct criu_acl_grant *g, int dir, const char *name, uid_t uid, unsigned perm,
		     struct error **err)
{
	cleanup_close int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct saved s = {.dir = dir, .acl_len = -1};
	struct acl_xattr a;
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0)
		return error_set(err, errno, "image '%s'", name);
	s.acl_len = fgetxattr(fd, ACL_XATTR, NULL, 0);
	if (s.acl_len > 0) {
		s.acl = xcalloc(1, (size_t)s.acl_len);
		s.acl_len = fgetxattr(fd, ACL_XATTR, s.acl, (size_t)s.acl_len);
		if (s.acl_len < 0) {
			free(s.acl);
			return error_set(err, errno, "image '%s': read its ACL", name);
		}
	}
	s.name = xstrdup(name);
	s.mode = st.st_mode & 07777;
	acl_for(&a, s.mode, uid, perm);
	g->v = xrealloc(g->v, (g->n + 1) * sizeof(*g->v));
	g->v[g->n++] = s;
	if (fsetxattr(fd, ACL_XATTR, &a, sizeof(a), 0) < 0)
		return error_set(err, errno, "image '%s': grant uid %u read access (POSIX ACL)",
				 name, (unsigned)uid);
	return 0;
}

static bool is_image(const char *name)
{
	size_t n = strlen(name);

	return n > 4 && strcmp(name + n - 4, ".img") == 0;
}

/* one of CRIU's images, as it wrote it: a regular file of the dir's
 * owner with one link — never another file hard-linked in, which the
 * grant would open to the container's root */
static int check_image(int dir, const char *name, const struct stat *d, bool *grant,
		       struct error **err)
{
	struct stat st;

	*grant = false;
	if (!is_image(name) || fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    !S_ISREG(st.st_mode))
		return 0;
	if (st.st_nlink != 1 || st.st_uid != d->st_uid)
		return error_set(err, 0, "image '%s': %s; not opened to the container's root", name,
				 st.st_nlink != 1 ? "a file with more than one link"
						  : "not the image dir owner's");
	*grant = true;
	return 0;
}

/* the dir (search) and CRIU's images in it (read): not its "parent"
 * link, not the logs or berth's own records */
static int grant_dir(struct criu_acl_grant *g, int dir, uid_t uid, struct error **err)
{
	struct stat ds;
	DIR *d;
	int rc;

	if (fstat(dir, &ds) < 0)
		return error_set(err, errno, "image dir");
	rc = grant_one(g, dir, ".", uid, 5, err);
	if (rc < 0)
		return -1;
	d = fdopendir(fcntl(dir, F_DUPFD_CLOEXEC, 3));
	if (d == NULL)
		return error_set(err, errno, "image dir");
	for (struct dirent *e; rc == 0 && (e = readdir(d)) != NULL;) {
		bool grant;

		rc = check_image(dir, e->d_name, &ds, &grant, err);
		if (rc == 0 && grant)
			rc = grant_one(g, dir, e->d_name, uid, 4, err);
	}
	closedir(d);
	return rc;
}

/* the "parent" link of a --parent-path dump, followed only to a dir
 * beside the image dir (runc's "../P1"), of the same owner, which no
 * group or other may write: never elsewhere on the host, whatever the
 * link (an image dir may come from elsewhere) says.  -1 for none; an
 * error when it leads astray.  */
static int open_parent(int dir, struct error **err)
{
	cleanup_close int up = openat(dir, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int p = openat(dir, "parent", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int pup = -1;
	struct stat ds, ps, a, b;

	if (p < 0)
		return -1;
	pup = openat(p, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (up < 0 || pup < 0 || fstat(dir, &ds) < 0 || fstat(p, &ps) < 0 || fstat(up, &a) < 0 ||
	    fstat(pup, &b) < 0)
		return error_set(err, errno, "image dir: its parent dump");
	if (a.st_dev != b.st_dev || a.st_ino != b.st_ino || ps.st_uid != ds.st_uid ||
	    (ps.st_mode & (S_IWGRP | S_IWOTH)) ||
	    (ps.st_dev == ds.st_dev && ps.st_ino == ds.st_ino))
		return error_set(
			err, 0,
			"image dir: its parent dump is not a dir of the same owner beside it "
			"(--parent-path ../NAME); not opened to the container's root");
	return steal_fd(p);
}

int criu_acl_grant(int img, uid_t uid, struct criu_acl_grant **g, struct error **err)
{
	struct criu_acl_grant *gr = xcalloc(1, sizeof(*gr));
	int dir = fcntl(img, F_DUPFD_CLOEXEC, 3);
	int rc = 0;

	*g = NULL;
	/* the images, then those of each --parent-path dump before them
	 * (CRIU reads unchanged pages there: "Can't open parent path") */
	while (rc == 0 && dir >= 0 && gr->n_dirs < MAX_CHAIN) {
		gr->dirs[gr->n_dirs++] = dir;
		rc = grant_dir(gr, dir, uid, err);
		dir = rc == 0 ? open_parent(dir, err) : -1;
		if (dir < 0 && *err != NULL)
			rc = -1;
	}
	if (dir >= 0)
		close(dir);
	if (rc == 0 && gr->n_dirs == 0)
		rc = error_set(err, errno, "image dir");
	if (rc < 0) {
		criu_acl_revoke(gr);
		return error_wrap(err, "restore in a user namespace");
	}
	*g = gr;
	return 0;
}

void criu_acl_revoke(struct criu_acl_grant *g)
{
	if (g == NULL)
		return;
	/* in reverse: each dir after its files */
	for (size_t i = g->n; i-- > 0;) {
		put_back(&g->v[i]);
		free(g->v[i].name);
		free(g->v[i].acl);
	}
	free(g->v);
	for (size_t i = 0; i < g->n_dirs; i++)
		close(g->dirs[i]);
	free(g);
}
