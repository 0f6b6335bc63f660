/* SPDX-License-Identifier: Apache-2.0 */
/* namespaces/ns.c — which namespaces are created, which joined, and when.
 *
 * New namespaces come from clone3() flags, in one step, so the new user
 * namespace owns all the others.  Two exceptions are unshared later by
 * the child: the cgroup namespace must be rooted at the container's cgroup,
 * which the child is only in once clone3() returns (the kernel copies
 * namespaces before CLONE_INTO_CGROUP moves the child); and a time
 * namespace's clock offsets can only be written before any process lives
 * in it, so the child unshares it, writes the offsets, and enters it at
 * execve().  */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/file.h"
#include "namespaces/ns.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

bool ns_new(const struct spec *spec, enum spec_ns ns)
{
	return spec->linux.ns[ns].present && spec->linux.ns[ns].path == NULL;
}

bool ns_joined(const struct spec *spec, enum spec_ns ns)
{
	return spec->linux.ns[ns].present && spec->linux.ns[ns].path != NULL;
}

bool ns_creates_userns(const struct spec *spec)
{
	return ns_new(spec, SPEC_NS_USER);
}

unsigned long long ns_clone_flags(const struct spec *spec)
{
	unsigned long long flags = 0;

	for (int ns = 0; ns < SPEC_NS_COUNT; ns++) {
		if (ns == SPEC_NS_CGROUP || ns == SPEC_NS_TIME)
			continue;
		if (ns_new(spec, (enum spec_ns)ns))
			flags |= (unsigned long long)spec_ns_clone_flag((enum spec_ns)ns);
	}
	return flags;
}

static int join_one(const struct spec *spec, enum spec_ns ns, int fd, struct error **err)
{
	if (setns(fd, spec_ns_clone_flag(ns)) < 0)
		return error_set(err, errno, "join %s namespace '%s'", spec_ns_name(ns),
				 spec->linux.ns[ns].path);
	return 0;
}

static int open_ns(const struct spec *spec, enum spec_ns ns, struct error **err)
{
	int fd = open(spec->linux.ns[ns].path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return error_set(err, errno, "open %s namespace '%s'", spec_ns_name(ns),
				 spec->linux.ns[ns].path);
	return fd;
}

int ns_join_for_children(const struct spec *spec, struct error **err)
{
	static const enum spec_ns later[] = {SPEC_NS_PID, SPEC_NS_TIME};

	for (size_t i = 0; i < sizeof(later) / sizeof(later[0]); i++) {
		cleanup_close int fd = -1;

		if (!ns_joined(spec, later[i]))
			continue;
		fd = open_ns(spec, later[i], err);
		if (fd < 0 || join_one(spec, later[i], fd, err) < 0)
			return -1;
	}
	return 0;
}

int ns_join(const struct spec *spec, struct error **err)
{
	int fds[SPEC_NS_COUNT];
	int rc = 0;

	/* open everything first: after joining a mount namespace the paths
	 * would resolve in the container's view */
	for (int ns = 0; ns < SPEC_NS_COUNT; ns++) {
		fds[ns] = -1;
		if (ns == SPEC_NS_PID || ns == SPEC_NS_TIME || !ns_joined(spec, (enum spec_ns)ns))
			continue;
		fds[ns] = open_ns(spec, (enum spec_ns)ns, err);
		if (fds[ns] < 0) {
			rc = -1;
			goto out;
		}
	}
	/* user last: host root keeps the rights to join the others; an
	 * unprivileged caller may need the user namespace first, so a
	 * refused join is retried once the user namespace is entered */
	for (int ns = SPEC_NS_USER + 1; ns < SPEC_NS_COUNT && rc == 0; ns++) {
		if (fds[ns] < 0)
			continue;
		if (setns(fds[ns], spec_ns_clone_flag((enum spec_ns)ns)) == 0) {
			close(fds[ns]);
			fds[ns] = -1;
		} else if (errno != EPERM || fds[SPEC_NS_USER] < 0) {
			rc = join_one(spec, (enum spec_ns)ns, fds[ns], err);
		}
	}
	if (rc == 0 && fds[SPEC_NS_USER] >= 0)
		rc = join_one(spec, SPEC_NS_USER, fds[SPEC_NS_USER], err);
	for (int ns = SPEC_NS_USER + 1; ns < SPEC_NS_COUNT && rc == 0; ns++)
		if (fds[ns] >= 0)
			rc = join_one(spec, (enum spec_ns)ns, fds[ns], err);
out:
	for (int ns = 0; ns < SPEC_NS_COUNT; ns++)
		if (fds[ns] >= 0)
			close(fds[ns]);
	return rc;
}

static int write_time_offsets(const struct spec *spec, struct error **err)
{
	const struct spec_time_offset *mono = &spec->linux.time_monotonic;
	const struct spec_time_offset *boot = &spec->linux.time_boottime;
	char buf[128] = "";
	size_t len = 0;

	/* clock ids: CLOCK_MONOTONIC 1, CLOCK_BOOTTIME 7 */
	if (mono->set)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "1 %lld %u\n",
					(long long)mono->secs, mono->nanosecs);
	if (boot->set)
		snprintf(buf + len, sizeof(buf) - len, "7 %lld %u\n", (long long)boot->secs,
			 boot->nanosecs);
	if (buf[0] == '\0')
		return 0;
	if (write_str_at(AT_FDCWD, "/proc/self/timens_offsets", buf, err) < 0)
		return error_wrap(err, "time namespace offsets");
	return 0;
}

int ns_unshare_late(const struct spec *spec, struct error **err)
{
	if (ns_new(spec, SPEC_NS_CGROUP) && unshare(CLONE_NEWCGROUP) < 0)
		return error_set(err, errno, "create cgroup namespace");
	if (ns_new(spec, SPEC_NS_TIME)) {
		if (unshare(CLONE_NEWTIME) < 0)
			return error_set(err, errno, "create time namespace");
		if (write_time_offsets(spec, err) < 0)
			return -1;
	}
	return 0;
}
