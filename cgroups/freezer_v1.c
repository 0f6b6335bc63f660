/* SPDX-License-Identifier: Apache-2.0 */
/* cgroups/freezer_v1.c — pause and resume with the cgroup v1 freezer
 * (freezer.state), the way runc's fs driver does it.
 *
 * Writing FROZEN starts freezing; the state reads FREEZING until every
 * task stopped, which a task in vfork() or in an uninterruptible sleep can
 * delay indefinitely.  runc's loop: write FROZEN and read the state again
 * and again, briefly thawing every 50 tries (so a task blocked on another
 * frozen one can move on), sleeping a little every 25 and longer every
 * 200; 1000 tries in all.  A failure thaws again: a cgroup left FROZEN or
 * FREEZING would hang the container.  The cgroup2 freezer: control.c.  */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>

#include "cgroups/internal.h"
#include "core/cleanup.h"
#include "core/file.h"
#include "core/mem.h"

#define FREEZE_TRIES 1000

static void sleep_us(long us)
{
	struct timespec ts = {us / 1000000, (us % 1000000) * 1000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* freezer.state without its newline: THAWED, FREEZING or FROZEN */
static int read_state(const struct cg_v1dir *d, char *buf, size_t size, struct error **err)
{
	cleanup_free char *text = NULL;

	if (read_file_at(d->dirfd, "freezer.state", &text, NULL, err) < 0)
		return error_wrap(err, "cgroup: '%s'", d->path);
	text[strcspn(text, "\n")] = '\0';
	snprintf(buf, size, "%s", text);
	return 0;
}

static int write_state(const struct cg_v1dir *d, const char *state, struct error **err)
{
	if (write_str_at(d->dirfd, "freezer.state", state, err) < 0)
		return error_wrap(err, "cgroup: '%s'", d->path);
	return 0;
}

/* one try: 1 frozen, 0 still freezing, -1 failed */
static int try_freeze(const struct cg_v1dir *d, int i, long *backoff_us, struct error **err)
{
	char state[32];

	if (i % 50 == 49) {
		/* let a task blocked on a frozen one finish, then retry */
		if (write_state(d, "THAWED", err) < 0)
			return -1;
		sleep_us(10000);
	}
	if (write_state(d, "FROZEN", err) < 0)
		return -1;
	if (i % 25 == 24)
		sleep_us(10);
	if (i % 200 == 199) {
		sleep_us(*backoff_us);
		*backoff_us *= 2;
	}
	if (read_state(d, state, sizeof(state), err) < 0)
		return -1;
	if (strcmp(state, "FROZEN") == 0)
		return 1;
	if (strcmp(state, "FREEZING") == 0)
		return 0;
	return error_set(err, EIO, "cgroup: unexpected freezer state '%s' while freezing '%s'",
			 state, d->path);
}

int cg_v1_freeze(const struct cg_v1dir *d, bool frozen, struct error **err)
{
	struct error *ignored = NULL;
	long backoff_us = 1000000;

	if (!frozen)
		return write_state(d, "THAWED", err);
	for (int i = 0; i < FREEZE_TRIES; i++) {
		int r = try_freeze(d, i, &backoff_us, err);

		if (r == 1)
			return 0;
		if (r < 0)
			break;
	}
	if (*err == NULL)
		error_set(err, EBUSY, "cgroup: unable to freeze '%s': it stayed FREEZING", d->path);
	/* never leave a half-frozen container behind a failed pause */
	write_state(d, "THAWED", &ignored);
	error_free(ignored);
	return -1;
}

int cg_v1_is_frozen(const struct cg_v1dir *d, bool *frozen, struct error **err)
{
	cleanup_free char *self = NULL;
	char state[32];

	*frozen = false;
	for (int i = 0; i < 1000; i++) {
		if (read_state(d, state, sizeof(state), err) < 0)
			return -1;
		if (strcmp(state, "FREEZING") != 0)
			break;
		sleep_us(1000); /* it settles one way or the other */
	}
	if (strcmp(state, "FROZEN") != 0)
		return 0;
	/* frozen by an ancestor's freezer, not by a pause: not paused */
	self = read_file_or_null(d->dirfd, "freezer.self_freezing");

	*frozen = self == NULL || self[0] == '1';
	return 0;
}
