/* SPDX-License-Identifier: Apache-2.0 */
/* core/mountinfo.c — /proc/self/mountinfo lines and the mount holding a
 * path.  */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include "core/cleanup.h"
#include "core/mem.h"
#include "core/mountinfo.h"
#include "core/syscalls.h"

/* mountinfo escapes space, tab, newline and backslash as \ooo */
static void unescape_octal(char *s)
{
	char *out = s;

	for (char *p = s; *p; p++) {
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' &&
		    p[3] >= '0' && p[3] <= '7') {
			*out++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
			p += 3;
		} else {
			*out++ = *p;
		}
	}
	*out = '\0';
}

/* Fields: id, parent, major:minor, root, mount point, options, optional
 * fields up to a lone "-", then the filesystem type, the source and the
 * super options.  */
bool mountinfo_parse_line(char *line, struct mountinfo_entry *m)
{
	char *save = NULL, *tok;
	int field = 0;
	int post = -1; /* after the "-": 1 type, 2 source, 3 options */

	memset(m, 0, sizeof(*m));
	m->super_opts = (char *)"";
	for (tok = strtok_r(line, " \n", &save); tok != NULL && post < 3;
	     tok = strtok_r(NULL, " \n", &save), field++) {
		if (post >= 0)
			post++;
		if (post == 1)
			m->fstype = tok;
		else if (post == 3)
			m->super_opts = tok;
		else if (post >= 0)
			continue;
		else if (field == 0)
			m->id = strtoull(tok, NULL, 10);
		else if (field == 1)
			m->parent = strtoull(tok, NULL, 10);
		else if (field == 2)
			m->dev = tok;
		else if (field == 3)
			m->root = tok;
		else if (field == 4)
			m->point = tok;
		else if (field > 5 && strcmp(tok, "-") == 0)
			post = 0;
	}
	if (m->root == NULL || m->point == NULL || m->fstype == NULL)
		return false;
	unescape_octal(m->root);
	unescape_octal(m->point);
	return true;
}

static bool holds(const char *point, const char *path, size_t len)
{
	if (strcmp(point, "/") == 0)
		return true;
	return strncmp(path, point, len) == 0 && (path[len] == '/' || path[len] == '\0');
}

struct mountinfo {
	bool read;  /* a lazy one is read on its first lookup statmount cannot answer */
	char *text; /* the entries point into it */
	struct mountinfo_entry *v;
	size_t n;
};

static bool load(struct mountinfo *mi)
{
	cleanup_fclose FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line, *next;
	size_t cap = 0, len = 0;
	char buf[4096];
	size_t got;

	mi->read = true;
	if (f == NULL)
		return false;
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (len + got + 1 > cap) {
			cap = (len + got + 1) * 2;
			mi->text = xrealloc(mi->text, cap);
		}
		memcpy(mi->text + len, buf, got);
		len += got;
	}
	if (mi->text == NULL)
		return true;
	mi->text[len] = '\0';
	for (line = mi->text; *line != '\0'; line = next) {
		next = strchr(line, '\n');
		next = next != NULL ? (*next = '\0', next + 1) : line + strlen(line);
		mi->v = xreallocarray(mi->v, mi->n + 1, sizeof(*mi->v));
		if (mountinfo_parse_line(line, &mi->v[mi->n]))
			mi->n++;
	}
	return true;
}

struct mountinfo *mountinfo_read(void)
{
	struct mountinfo *mi = xcalloc(1, sizeof(*mi));

	if (!load(mi)) {
		mountinfo_free(mi);
		return NULL;
	}
	return mi;
}

struct mountinfo *mountinfo_lazy(void)
{
	return xcalloc(1, sizeof(struct mountinfo));
}

void mountinfo_free(struct mountinfo *mi)
{
	if (mi == NULL)
		return;
	free(mi->text);
	free(mi->v);
	free(mi);
}

/* Linux 6.8; older headers do not have it */
#ifndef STATX_MNT_ID_UNIQUE
#define STATX_MNT_ID_UNIQUE 0x00004000U
#endif

/* struct statmount (linux/mount.h, 6.8) up to mnt_point; its strings
 * are offsets into the bytes past its 512 */
struct statmount_head {
	uint32_t size, mnt_opts;
	uint64_t mask;
	uint32_t sb_dev_major, sb_dev_minor;
	uint64_t sb_magic;
	uint32_t sb_flags, fs_type;
	uint64_t mnt_id, mnt_parent_id;
	uint32_t mnt_id_old, mnt_parent_id_old;
	uint64_t mnt_attr, mnt_propagation, mnt_peer_group, mnt_master, propagate_from;
	uint32_t mnt_root, mnt_point;
};
#define STATMOUNT_STR	    512
#define STATMOUNT_SB_BASIC  0x01ULL
#define STATMOUNT_MNT_ROOT  0x08ULL
#define STATMOUNT_MNT_POINT 0x10ULL
#define STATMOUNT_FS_TYPE   0x20ULL

/* statmount(2) of the mount holding dirfd/path (statx's flags): its
 * result, or -1 with ENOSYS where statx gives no unique mount id (before
 * Linux 6.8) */
static int statmount_of(int dirfd, const char *path, int flags, uint64_t mask, void *buf,
			size_t size)
{
	struct statx stx;

	if (statx(dirfd, path, flags, STATX_MNT_ID_UNIQUE, &stx) < 0)
		return -1;
	if (!(stx.stx_mask & STATX_MNT_ID_UNIQUE)) {
		errno = ENOSYS;
		return -1;
	}
	return sys_statmount(stx.stx_mnt_id, mask, buf, size);
}

/* statmount of the mount holding `path` (statx's flags), for the
 * strings `want` asks (STATMOUNT_MNT_ROOT, _MNT_POINT, _FS_TYPE): false
 * (and nothing to free) before Linux 6.8, on any error, or when the
 * kernel's offsets fall outside the buffer.  The strings point into *buf,
 * the caller's to free; the kernel NUL-terminates them, and the spare
 * byte past the size given stays 0 whatever it wrote.  */
struct mount_strings {
	const char *root, *point, *type;
};

static bool statmount_strings(const char *path, int flags, uint64_t want, void **buf,
			      struct mount_strings *ms)
{
	union {
		struct statmount_head h;
		char bytes[STATMOUNT_STR + 3 * PATH_MAX];
	} *sm = xcalloc(1, sizeof(*sm));
	const char *str = sm->bytes + STATMOUNT_STR;
	const size_t max = sizeof(*sm) - STATMOUNT_STR;

	if (statmount_of(AT_FDCWD, path, flags, want, sm, sizeof(*sm) - 1) < 0 ||
	    (sm->h.mask & want) != want || sm->h.mnt_root >= max || sm->h.mnt_point >= max ||
	    sm->h.fs_type >= max) {
		free(sm);
		return false;
	}
	ms->root = str + sm->h.mnt_root;
	ms->point = str + sm->h.mnt_point;
	ms->type = str + sm->h.fs_type;
	*buf = sm;
	return true;
}

/* the mount point of the mount holding `path`, by statx and one statmount
 * (~1 us, where reading the table is ~20 in a new process): true when
 * that answered, *point NULL when the mount is not of `fstype`; false
 * (ask the table) before Linux 6.8, for a path that does not exist, or
 * on any error */
static bool point_by_statmount(const char *path, const char *fstype, char **point)
{
	cleanup_free void *buf = NULL;
	struct mount_strings ms;

	*point = NULL;
	/* "": a mount outside our root, which mountinfo does not list */
	if (!statmount_strings(path, 0, STATMOUNT_MNT_POINT | STATMOUNT_FS_TYPE, &buf, &ms) ||
	    ms.point[0] == '\0')
		return false;
	/* the type has no subtype ("fuse", where mountinfo says
	 * "fuse.sshfs"): callers ask for cgroup, cgroup2 or any */
	if (fstype == NULL || strcmp(ms.type, fstype) == 0)
		*point = xstrdup(ms.point);
	return true;
}

bool mountinfo_top_of(const char *path, const char *fstype, char **root)
{
	const uint64_t want = STATMOUNT_MNT_ROOT | STATMOUNT_MNT_POINT | STATMOUNT_FS_TYPE;
	cleanup_free void *buf = NULL;
	struct mount_strings ms;

	*root = NULL;
	if (!statmount_strings(path, AT_SYMLINK_NOFOLLOW, want, &buf, &ms) ||
	    strcmp(ms.type, fstype) != 0 || strcmp(ms.point, path) != 0)
		return false;
	*root = xstrdup(ms.root);
	return true;
}

char *mountinfo_mount_of_in(struct mountinfo *mi, const char *path, const char *fstype)
{
	char *best = NULL;
	size_t best_len = 0;
	struct statx stx;
	bool by_id;

	if (point_by_statmount(path, fstype, &best))
		return best;
	if (mi != NULL && !mi->read)
		load(mi);
	by_id = statx(AT_FDCWD, path, 0, STATX_MNT_ID, &stx) == 0 && (stx.stx_mask & STATX_MNT_ID);
	for (size_t i = 0; mi != NULL && i < mi->n; i++) {
		const struct mountinfo_entry *m = &mi->v[i];
		size_t len;

		if (by_id) {
			if (m->id != stx.stx_mnt_id)
				continue;
			return fstype == NULL || strcmp(m->fstype, fstype) == 0 ? xstrdup(m->point)
										: NULL;
		}
		if (fstype != NULL && strcmp(m->fstype, fstype) != 0)
			continue;
		len = strlen(m->point);
		if ((best != NULL && len <= best_len) || !holds(m->point, path, len))
			continue;
		free(best);
		best = xstrdup(m->point);
		best_len = len;
	}
	return best;
}

char *mountinfo_mount_of(const char *path, const char *fstype)
{
	struct mountinfo *mi = mountinfo_lazy();
	char *point = mountinfo_mount_of_in(mi, path, fstype);

	mountinfo_free(mi);
	return point;
}

static bool has_id(unsigned long long id)
{
	cleanup_fclose FILE *f = fopen("/proc/self/mountinfo", "re");
	cleanup_free char *line = NULL;
	size_t cap = 0;

	while (f != NULL && getline(&line, &cap, f) > 0) {
		struct mountinfo_entry m;

		if (mountinfo_parse_line(line, &m) && m.id == id)
			return true;
	}
	return false;
}

bool mountinfo_fd_attached(int fd)
{
	struct statx stx;

	/* one statmount instead of the whole table (~20 us in a new
	 * process): 0 is "there", ENOENT "not in this namespace" — but only
	 * from the kernel itself: under a seccomp filter of our caller's,
	 * which may answer any errno, the table decides.  Anything else asks
	 * it too: ENOSYS before 6.8, and EPERM, the kernel's for a mount
	 * above our root */
	uint64_t buf[STATMOUNT_STR / sizeof(uint64_t)];

	if (statmount_of(fd, "", AT_EMPTY_PATH, STATMOUNT_SB_BASIC, buf, sizeof(buf)) == 0)
		return true;
	if (errno == ENOENT && prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 0)
		return false;
	if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) < 0 || !(stx.stx_mask & STATX_MNT_ID))
		return true;
	return has_id(stx.stx_mnt_id);
}

static char *fstype_of_id(unsigned long long id)
{
	cleanup_fclose FILE *f = fopen("/proc/self/mountinfo", "re");
	cleanup_free char *line = NULL;
	size_t cap = 0;

	while (f != NULL && getline(&line, &cap, f) > 0) {
		struct mountinfo_entry m;

		if (mountinfo_parse_line(line, &m) && m.id == id)
			return xstrdup(m.fstype);
	}
	return NULL;
}

char *mountinfo_fstype_of(const char *path)
{
	struct statx stx;

	if (statx(AT_FDCWD, path, 0, STATX_MNT_ID, &stx) < 0 || !(stx.stx_mask & STATX_MNT_ID))
		return NULL;
	return fstype_of_id(stx.stx_mnt_id);
}
