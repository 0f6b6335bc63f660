/* core/mountinfo.h — reading /proc/self/mountinfo, for the cgroup
 * manager (where cgroup2 is mounted) and the rootfs (the mount holding the
 * bundle's root).  */
#ifndef BERTH_CORE_MOUNTINFO_H
#define BERTH_CORE_MOUNTINFO_H

#include <stdbool.h>

struct mountinfo_entry {
	char *root;   /* the mount's root inside its filesystem */
	char *point;  /* where it is mounted (octal escapes decoded) */
	char *fstype; /* "cgroup2", "ext4" ... */
};

/* Split one line ("36 25 0:30 / /sys/fs/cgroup rw,... shared:9 - cgroup2
 * cgroup2 rw") in place; false for a malformed line.  */
bool mountinfo_parse_line(char *line, struct mountinfo_entry *m);

/* The mount point of the mount holding `path` (absolute): the longest
 * mount point that is a whole-component prefix of it, among mounts of
 * `fstype` (NULL: any).  Malloc'd; NULL when there is none or mountinfo
 * cannot be read.  */
char *mountinfo_mount_of(const char *path, const char *fstype);

#endif
