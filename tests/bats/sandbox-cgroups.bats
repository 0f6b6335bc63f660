#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# The sandbox's cgroups on a host with cgroup v1 hierarchies: a job is held
# whole by its cgroup2 cgroup (kill, freezing, the eBPF device filter), and
# has v1 cgroups only where something needs them: the controllers of the
# limits it was given (and devices and freezer on a v1-only host, where
# there is no cgroup2 tree to do their work).  Every other v1 cgroup would
# cost its start time for nothing.
# (--stats reads the v1 usage counters: sandbox.bats covers it.)

load helpers

# job_cgroups MARK [FLAG...]: /proc/PID/cgroup of a job running
# `sleep MARK`, seen from the host (inside, its cgroup namespace shows
# "/" everywhere), in $cgroups; the job is stopped afterwards
job_cgroups() {
	local mark=$1 pid berth_pid
	shift
	"$BERTH" --root "$ROOT" sandbox --rootfs "$TEST_ROOTFS" --stop-grace 0 "$@" \
		-- /bin/sleep "$mark" &
	berth_pid=$!
	# the job's own command line, never berth's (which holds it as an argument)
	wait_until "pgrep -f '^/bin/sleep $mark\$' >/dev/null"
	pid=$(pgrep -f "^/bin/sleep $mark\$")
	cgroups=$(cat "/proc/$pid/cgroup")
	kill -TERM "$berth_pid"
	wait "$berth_pid" || true
}

# in_sandbox_cgroup HIERARCHY: is the job in a sandbox-* cgroup there
# ("" for the cgroup2 tree, "memory", "cpu,cpuacct", "name=systemd")
in_sandbox_cgroup() {
	awk -F: -v h="$1" '$2 == h && $3 ~ /\/sandbox-[^\/]*$/ { found = 1 } END { exit !found }' \
		<<<"$cgroups"
}

@test "sandbox: a job without limits has a cgroup in the cgroup2 tree and none in any v1 hierarchy" {
	[ -n "$V1_MOUNTS" ] || skip "pure cgroup v2 host: no v1 hierarchies"
	[ -f "$CG_ROOT/cgroup.controllers" ] || skip "v1-only host: the job needs v1 devices and freezer cgroups"
	job_cgroups 1901
	in_sandbox_cgroup ""
	while IFS=: read -r _ h _; do
		[ -n "$h" ] || continue
		if in_sandbox_cgroup "$h"; then
			echo "a cgroup in $h: $cgroups" >&2
			return 1
		fi
	done <<<"$cgroups"
	assert_root_empty
}

# ... which leaves the device rules to the eBPF filter on the cgroup2 one:
# a node the rules do not allow (fuse, 10:229) cannot be opened by a root
# job (--userns host: a user namespace's overlay would be nodev anyway)
@test "sandbox: without a v1 devices cgroup, a device node the rules do not allow is still refused" {
	[ -f "$CG_ROOT/cgroup.controllers" ] || skip "no cgroup2 tree for the eBPF device filter"
	rootfs=$BATS_TEST_TMPDIR/rootfs
	cp -a "$TEST_ROOTFS" "$rootfs"
	mknod "$rootfs/fusenode" c 10 229
	mknod "$rootfs/nullnode" c 1 3
	run "$BERTH" --root "$ROOT" sandbox --userns host --rootfs "$rootfs" -- \
		/bin/sh -c 'probe open /fusenode r; probe open /nullnode r'
	assert_status 0
	[ "${lines[0]}" = EPERM ]
	[ "${lines[1]}" = ok ]
	assert_root_empty
}

@test "sandbox: --memory gives the job a v1 memory cgroup, and no cpu or pids one" {
	[ -n "$(v1_mount memory)" ] || skip "no v1 memory hierarchy"
	job_cgroups 1902 --memory 64m
	in_sandbox_cgroup ""
	in_sandbox_cgroup "$(awk -F: '$2 ~ /(^|,)memory(,|$)/ {print $2}' <<<"$cgroups")"
	for c in cpu pids; do
		h=$(awk -F: -v c="$c" '{ n = split($2, o, ","); for (i = 1; i <= n; i++) if (o[i] == c) print $2 }' <<<"$cgroups")
		if [ -n "$h" ] && in_sandbox_cgroup "$h"; then
			echo "a cgroup in $h: $cgroups" >&2
			return 1
		fi
	done
	assert_root_empty
}
