#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# checkpoint and restore on a hybrid cgroup host (v1 controllers, a
# cgroup2 mount at /sys/fs/cgroup/unified without them), in a VM booted
# with `vm-run --hybrid`: the dev host's layout, on a kernel where CRIU
# works.  A container's /sys/fs/cgroup is then a tmpfs of binds, one per
# hierarchy, each of which CRIU must be told is external.  A counter loop
# proves the restored container goes on from where it was, not from 0.

load ../bats/helpers
load ../bats/lib/cli

export WAIT_FOR_SECONDS=60

setup() {
	helpers_setup
	[ -n "$V1_MOUNTS" ] || fail "no cgroup v1 hierarchy is mounted: run under vm-run --hybrid"
	[ "$CG_ROOT" = /sys/fs/cgroup/unified ] || fail "cgroup2 is not at /sys/fs/cgroup/unified"
}

# a parent cgroup of the test's own in every hierarchy (the cpuset one
# with its parent's cpus and mems), removed at teardown; the counter's
# cgroups are $PARENT/c.  A counter in the shell's memory, appended to a
# log on a tmpfs (which CRIU saves with the container); $1: more config
v1_counter() {
	PARENT=/bt$$-$BATS_SUITE_TEST_NUMBER-parent
	own_cgroups "$PARENT"
	make_bundle ".linux.cgroupsPath = \"$PARENT/c\" |
		.linux.resources.memory = {\"limit\": 67108864} |
		.linux.resources.pids = {\"limit\": 30} |
		.mounts += [{\"destination\": \"/run/c\", \"type\": \"tmpfs\", \"source\": \"tmpfs\"}] |
		${1:-.}"
	set_args /bin/sh -c 'i=0; while [ ! -e /run/c/stop ]; do i=$((i+1)); echo $i >> /run/c/log
		sleep 0.2; done; echo "ended at $i"; exit 7'
	detached run -d -b "$BUNDLE" "$ID"
	wait_until '[ "$(last_of "$ID" 2>/dev/null || echo 0)" -ge 3 ]'
}

log_of() { # the counter's log, through the container's init
	cat "/proc/$(berth state "$1" | jq .pid)/root/run/c/log"
}

last_of() {
	log_of "$1" | tail -n1
}

# the counter $1 went on after its restore, one run of numbers from 1
assert_counts_on() {
	local id=$1 n
	n=$(log_of "$id" | wc -l)
	wait_until '[ "$(last_of "$id")" -gt "$n" ]'
	log_of "$id" | awk 'NR != $1 { exit 1 }'
}

# container $1's init is in cgroup $2 of cgroup2 and of every v1
# hierarchy, with the limits of v1_counter read back from the kernel
assert_in_cgroups() {
	local pid h
	pid=$(berth state "$1" | jq .pid)
	for h in "$CG_ROOT" $V1_MOUNTS; do
		grep -qx "$pid" "$h$2/cgroup.procs" || fail "$pid is not in $h$2"
	done
	[ "$(cat "$(v1_mount memory)$2/memory.limit_in_bytes")" = 67108864 ]
	[ "$(cat "$(v1_mount pids)$2/pids.max")" = 30 ]
}

dump_or_show() { # checkpoint [FLAGS...] into IMG (the last argument)
	local img=${*: -1}
	berth checkpoint "${@:1:$#-1}" --image-path "$img" "$ID" || {
		grep -E 'Error|Warn' "$img/dump.log" >&2
		return 1
	}
}

restore_or_show() { # restore -d ID from IMG
	berth restore -d --image-path "$2" -b "$BUNDLE" "$1" </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1 || {
		grep -E 'Error|Warn' "$2/restore.log" >&2
		return 1
	}
}

@test "hybrid: checkpoint and restore of a container with v1 limits: the counter goes on, in its cgroup of every hierarchy, the limits read back from the kernel and from inside" {
	v1_counter
	dump_or_show "$BATS_TEST_TMPDIR/img"
	[ "$(state_of "$ID")" = stopped ]
	restore_or_show "$ID" "$BATS_TEST_TMPDIR/img"
	[ "$(state_of "$ID")" = running ]
	assert_in_cgroups "$ID" "$PARENT/c"
	assert_counts_on "$ID"
	[ "$(log_of "$ID" | grep -cx 1)" = 1 ]
	# inside: its /sys/fs/cgroup binds are its own cgroups again
	run berth exec "$ID" cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max
	assert_status 0
	[ "$(echo $output)" = "67108864 30" ]
	run berth exec "$ID" sh -c 'grep " /sys/fs/cgroup/" /proc/self/mountinfo'
	for h in $V1_MOUNTS; do
		grep -q " $PARENT/c /sys/fs/cgroup/${h##*/} ro,.* - cgroup " <<<"$output" ||
			fail "no bind of $PARENT/c at /sys/fs/cgroup/${h##*/}: $output"
	done
	grep -q " $PARENT/c /sys/fs/cgroup/unified ro,.* - cgroup2 " <<<"$output"
	berth delete --force "$ID"
	for h in "$CG_ROOT" $V1_MOUNTS; do
		[ ! -e "$h$PARENT/c" ]
	done
}

@test "hybrid: checkpoint --leave-running keeps it running; restore into a new id with another cgroupsPath runs the copy in the new cgroups of every hierarchy" {
	v1_counter
	dump_or_show --leave-running "$BATS_TEST_TMPDIR/img"
	[ "$(state_of "$ID")" = running ]
	assert_in_cgroups "$ID" "$PARENT/c"
	at=$(last_of "$ID")
	wait_until '[ "$(last_of "$ID")" -gt "$at" ]'
	berth delete --force "$ID"
	edit_config ".linux.cgroupsPath = \"$PARENT/c2\""
	restore_or_show "$ID-new" "$BATS_TEST_TMPDIR/img"
	[ "$(state_of "$ID-new")" = running ]
	assert_in_cgroups "$ID-new" "$PARENT/c2"
	run berth exec "$ID-new" sh -c 'grep " /sys/fs/cgroup/memory " /proc/self/mountinfo'
	grep -q " $PARENT/c2 /sys/fs/cgroup/memory " <<<"$output"
	assert_counts_on "$ID-new"
	berth delete --force "$ID-new"
	for h in "$CG_ROOT" $V1_MOUNTS; do
		[ ! -e "$h$PARENT/c2" ]
	done
}

@test "hybrid: a paused container is checkpointed through its v1 freezer: --leave-running leaves it paused, a dump ends it, and restore continues the counter" {
	v1_counter
	berth pause "$ID"
	fz=$(v1_mount freezer)$PARENT/c
	[ "$(cat "$fz/freezer.state")" = FROZEN ]
	# CRIU froze through the cgroup2 one before: the v1 freezer's
	# processes, stopped in D, could not be seized (a 10 s timeout)
	dump_or_show --leave-running "$BATS_TEST_TMPDIR/pre"
	[ "$(state_of "$ID")" = paused ]
	[ "$(cat "$fz/freezer.state")" = FROZEN ]
	dump_or_show "$BATS_TEST_TMPDIR/img"
	[ "$(state_of "$ID")" = stopped ]
	restore_or_show "$ID" "$BATS_TEST_TMPDIR/img"
	[ "$(state_of "$ID")" = running ]
	[ "$(cat "$fz/freezer.state")" = THAWED ]
	assert_in_cgroups "$ID" "$PARENT/c"
	assert_counts_on "$ID"
}

@test "hybrid: checkpoint and restore of a container in a cgroup namespace: inside, every hierarchy is still its root, and its cgroups are the bundle's" {
	v1_counter '.linux.namespaces += [{"type": "cgroup"}]'
	dump_or_show "$BATS_TEST_TMPDIR/img"
	restore_or_show "$ID" "$BATS_TEST_TMPDIR/img"
	[ "$(state_of "$ID")" = running ]
	assert_in_cgroups "$ID" "$PARENT/c"
	assert_counts_on "$ID"
	run berth exec "$ID" cat /proc/self/cgroup
	assert_status 0
	[ "${#lines[@]}" -gt 5 ]
	for l in "${lines[@]}"; do
		[ "${l##*:}" = / ] || fail "not the namespace's root: $l"
	done
	run berth exec "$ID" cat /sys/fs/cgroup/pids/pids.max
	[ "$output" = 30 ]
}
