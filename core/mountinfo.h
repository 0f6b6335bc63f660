/* SPDX-License-Identifier: Apache-2.0 */
/* core/mountinfo.h — reading /proc/self/mountinfo, for the cgroup
 * manager (where cgroup2 is mounted) and the rootfs (the mount holding the
 * bundle's root).  */
#ifndef BERTH_CORE_MOUNTINFO_H
#define BERTH_CORE_MOUNTINFO_H

#include <stdbool.h>

struct mountinfo_entry {
	unsigned long long id;	   /* the mount id, as statx() reports it */
	unsigned long long parent; /* the id of the mount it is on */
	char *dev;		   /* "0:31": the filesystem's device */
	char *root;		   /* the mount's root inside its filesystem */
	char *point;		   /* where it is mounted (octal escapes decoded) */
	char *fstype;		   /* "cgroup2", "ext4" ... */
	char *super_opts;	   /* "rw,memory": the filesystem's options, or "" */
};

/* Split one line ("36 25 0:30 / /sys/fs/cgroup rw,... shared:9 - cgroup2
 * cgroup2 rw") in place; false for a malformed line.  */
bool mountinfo_parse_line(char *line, struct mountinfo_entry *m);

/* The mount point of the mount holding `path` (absolute), if that mount
 * is of `fstype` (NULL: any).  Found by the mount id statx() reports for
 * the path — a mount hidden under a later one over a parent directory
 * is never taken for it; for a path that does not exist (yet), the longest
 * mount point of that type that is a whole-component prefix of it.
 * Malloc'd; NULL when there is none or mountinfo cannot be read.  */
char *mountinfo_mount_of(const char *path, const char *fstype);

/* One reading of mountinfo for several lookups in a row (a container's
 * ten cgroup directories: one read instead of ten).  NULL when it cannot
 * be read; mountinfo_mount_of_in() then finds nothing.  A lazy one is
 * read only when a lookup needs it: from Linux 6.8 statmount(2) answers
 * each lookup of a path that exists, and the table is never read.  */
struct mountinfo;
struct mountinfo *mountinfo_read(void);
struct mountinfo *mountinfo_lazy(void);
char *mountinfo_mount_of_in(struct mountinfo *mi, const char *path, const char *fstype);
void mountinfo_free(struct mountinfo *mi);

/* The filesystem type ("ext4", "tmpfs" ...) of the mount holding `path`,
 * found by its statx mount id; malloc'd, NULL when unknown.  */
char *mountinfo_fstype_of(const char *path);

/* true when `path` (absolute, no symlink at its end) is the very point a
 * mount of `fstype` is mounted on, the visible one there; *root: the
 * directory of its filesystem it shows (mountinfo's 4th field).  By
 * statx and statmount: false before Linux 6.8, and for anything else.  */
bool mountinfo_top_of(const char *path, const char *fstype, char **root);

/* The mount holding `fd` is one of this process's mount namespace —
 * false for a detached mount (fsmount() never moved anywhere); true when
 * it cannot be told.  */
bool mountinfo_fd_attached(int fd);

#endif
