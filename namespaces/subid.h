/* SPDX-License-Identifier: Apache-2.0 */
/* namespaces/subid.h — /etc/subuid and /etc/subgid: which host ids a user
 * may map into a user namespace.
 *
 * Two halves.  The parser (subid.c) is pure: text in, ranges out, and the
 * questions berth asks of them (a user's range, the lowest free block);
 * a libFuzzer target feeds it anything (fuzz/fuzz-subid.c).  The files'
 * owners (subid_alloc.c): the sandbox's own range, made once under a lock
 * when missing, and the caller's range for a rootless job.  */
#ifndef BERTH_NAMESPACES_SUBID_H
#define BERTH_NAMESPACES_SUBID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/error.h"

/* one line: OWNER:START:COUNT, OWNER a user name or a uid in decimal */
struct ns_subid_range {
	char *owner;
	uint32_t start;
	uint32_t count; /* at least 1; start + count - 1 fits in 32 bits */
};

struct ns_subid_file {
	struct ns_subid_range *ranges;
	size_t n;
};

/* Parse the text of a subuid or subgid file (`name` for messages).  Empty
 * lines and '#' comments are skipped; any other line must be a range, or
 * the whole file is refused naming the line: a line berth cannot read may
 * be a range it must not hand out again.  */
int ns_subid_parse(const char *name, const char *text, size_t len, struct ns_subid_file *out,
		   struct error **err);
void ns_subid_clear(struct ns_subid_file *f);

/* The first range of the user (lines keyed by `name`, or by `uid` in
 * decimal; name NULL: by uid only, uid (uid_t)-1: by name only) holding
 * at least `min` ids, or NULL.  */
const struct ns_subid_range *ns_subid_find(const struct ns_subid_file *f, const char *name,
					   uid_t uid, uint32_t min);

/* Whether a range of the user (keyed as for ns_subid_find) holds `id`.  */
bool ns_subid_covers(const struct ns_subid_file *f, const char *name, uid_t uid, uint32_t id);

/* The lowest block of `size` ids, starting at a multiple of `size` and at
 * or above `floor`, that overlaps no range of `a` nor of `b` (so one start
 * serves both files).  false when none is left below 2^32.  */
bool ns_subid_free_block(const struct ns_subid_file *a, const struct ns_subid_file *b,
			 uint32_t floor, uint32_t size, uint32_t *start);

/* A name fit to key a line of the files, and to be a user's name: what
 * useradd accepts by default, 1-32 of [a-z0-9_-], not starting with '-'
 * or a digit.  */
bool ns_subid_name_ok(const char *name);

/* The ids a job's user namespace maps: container ids 0..count-1 from host
 * uid_start/gid_start, after `self` (rootless: the caller's own uid and
 * gid as container id 0, the range from container id 1).  */
struct ns_subid_map {
	bool self;
	uid_t self_uid;
	gid_t self_gid;
	uint32_t uid_start, gid_start, count;
};

/* The sandbox's range, as root: the user `name` (BERTH_SANDBOX_USER, or
 * "berth-sandbox") and a block of 65536 ids it owns in both files.  Read
 * without a lock or a subprocess when both exist; otherwise made: the
 * user by useradd(8), the range (the lowest free block, aligned, from
 * 100000) written to both files atomically under flock(2) on /etc/subuid.  */
int ns_sandbox_range(struct ns_subid_map *out, struct error **err);

/* The caller's own range, for a rootless job: its uid and gid as root,
 * its subordinate ids (at most 65536) as 1..N.  An error names the file
 * and the user when either file grants none.  */
int ns_caller_range(struct ns_subid_map *out, struct error **err);

/* Whether /etc/subuid lets the calling user map host uid `id` into a user
 * namespace (through newuidmap).  No file: false; a file berth cannot read
 * or parse: -1 with *err; true when it cannot be known from the files (a
 * user /etc/passwd does not name, a "subid:" source in nsswitch.conf).  */
int ns_caller_may_map_uid(uid_t id, bool *may, struct error **err);

#endif
