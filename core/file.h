/* SPDX-License-Identifier: Apache-2.0 */
/* core/file.h — small file helpers shared by every module: whole-file
 * reads and writes, atomic replacement, mkdir -p, rm -rf, the passwd
 * file.  All fds O_CLOEXEC.  Allocation helpers: mem.h.  */
#ifndef BERTH_CORE_FILE_H
#define BERTH_CORE_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/error.h"

/* Read a whole file (relative to dirfd, or AT_FDCWD) into a NUL-terminated
 * buffer.  Files in /proc and cgroupfs report size 0: read until EOF.  */
int read_file_at(int dirfd, const char *path, char **buf, size_t *len, struct error **err);
/* the same, failing EFBIG past `max` bytes (read_fd_max) */
int read_file_at_max(int dirfd, const char *path, size_t max, char **buf, size_t *len,
		     struct error **err);

/* The same from an open fd; `path` names it in errors.  */
int read_fd(int fd, const char *path, char **buf, size_t *len, struct error **err);
/* the same, failing EFBIG past `max` bytes: for a file someone else may
 * make endless (a symlink to /dev/zero in a container) */
int read_fd_max(int fd, const char *path, size_t max, char **buf, size_t *len, struct error **err);

/* The whole text of a file, or NULL when it cannot be read (missing,
 * a controller's file a hierarchy lacks...) or is larger than
 * SMALL_FILE_MAX: for optional files, kernel files and /etc/passwd, which
 * exec reads inside the container (passwd_field).  */
#define SMALL_FILE_MAX (16 * 1024 * 1024)
char *read_file_or_null(int dirfd, const char *path);

/* Field `field` (0: the name ... 5: the home directory) of uid's line in
 * a passwd file, read directly: berth is linked statically, and glibc's
 * getpwuid() would load NSS modules for it.  Malloc'd; NULL when the file
 * has no line for uid or cannot be read.  */
char *passwd_field(const char *path, uid_t uid, int field);

/* Write `len` bytes to an existing file (cgroup, /proc, sysctl files):
 * O_WRONLY|O_TRUNC, no create.  */
int write_file_at(int dirfd, const char *path, const char *buf, size_t len, struct error **err);
int write_str_at(int dirfd, const char *path, const char *s, struct error **err);

/* Replace dirfd/name atomically: write a temp file in the same directory,
 * fsync is skipped on purpose (state files are recreated on reboot),
 * then rename over the target.  Readers see the old or the new file.  */
int atomic_write_at(int dirfd, const char *name, const char *buf, size_t len, mode_t mode,
		    struct error **err);

/* mkdir -p with `mode` for created components; existing dirs are fine. */
int mkdir_p(const char *path, mode_t mode, struct error **err);

/* rm -rf of dirfd/name that never crosses a mount point or follows a
 * symlink.  Missing is fine.  */
int remove_tree_at(int dirfd, const char *name, struct error **err);

#endif
