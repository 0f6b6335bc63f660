#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Faults: berth killed at every step of create, a full state disk.  After
# `delete --force` nothing may remain: no state, cgroup, mount or process.

load helpers
load lib/cli

STEPS="state-dir cgroup-made cgroup fifo clone network ready state"

# every process of the test's container, found by its command line
container_procs() {
	pgrep -f "probe burn 600000" || true
}

@test "faults: berth killed at each step of create leaves nothing delete --force cannot clean" {
	make_bundle
	set_args /bin/probe burn 600000
	for step in $STEPS; do
		run env BERTH_FAULT_STEP="$step" "$BERTH" --root "$ROOT" create -b "$BUNDLE" "$ID" \
			</dev/null >/dev/null 2>&1
		[ "$status" = 137 ] || { echo "step $step: status $status, want 137 (SIGKILL)" >&2; return 1; }
		run berth delete --force "$ID"
		[ "$status" = 0 ] || { echo "step $step: delete --force: $output" >&2; return 1; }
		[ ! -e "$ROOT/$ID" ] || { echo "step $step: state left" >&2; return 1; }
		[ ! -e "$CG_ROOT/berth/$ID" ] || { echo "step $step: cgroup left" >&2; return 1; }
		[ -z "$(container_procs)" ] || { echo "step $step: process left" >&2; return 1; }
	done
}

@test "faults: without a cgroup, a berth killed before recording the init leaves no orphan" {
	make_bundle
	set_args /bin/probe burn 600000
	for step in clone network ready state; do
		run env BERTH_FAULT_STEP="$step" "$BERTH" --root "$ROOT" --cgroup-manager disabled \
			create -b "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
		[ "$status" = 137 ]
		# the init dies with berth (parent-death signal until committed)
		wait_for test -z "$(pgrep -f "berth --root $ROOT")"
		berth --cgroup-manager disabled delete --force "$ID"
		[ ! -e "$ROOT/$ID" ]
	done
}

@test "faults: exec's process killed before it starts: berth says so, leaves nothing, the container runs on" {
	# the container can SIGKILL exec's process at any instruction before
	# its execve (it is in the container's pid namespace and cgroup); the
	# fault step kills it right after it has joined the namespaces
	sleeper
	run env BERTH_FAULT_STEP=exec-child "$BERTH" --root "$ROOT" exec "$ID" /bin/true
	assert_status 1
	assert_line_eq "$output" "berth: exec: the process was killed before it started"
	run env BERTH_FAULT_STEP=exec-child "$BERTH" --root "$ROOT" --log "$BATS_TEST_TMPDIR/log.json" \
		--log-format json exec "$ID" /bin/true
	assert_status 1
	# one JSON object, the error, as podman and containerd read it
	[ "$(jq -s length "$BATS_TEST_TMPDIR/log.json")" = 1 ]
	[ "$(jq -r '.level + ": " + .msg' "$BATS_TEST_TMPDIR/log.json")" = \
		"error: exec: the process was killed before it started" ]
	[ -z "$(pgrep -f "berth --root $ROOT .*exec")" ]
	[ "$(state_of "$ID")" = running ]
	run berth exec "$ID" echo still-running
	assert_status 0
	assert_line_eq "$output" "still-running"
}

@test "faults: exec into a container that may hold CAP_SYS_PTRACE forks its process: berth's memory is never shared with it" {
	# a process of the container with CAP_SYS_PTRACE could attach to a
	# child that shares berth's memory and write into berth: there exec
	# forks, and a killed child is the fork's "peer exited", not abandon()
	sleeper '.process.capabilities.bounding += ["CAP_SYS_PTRACE"]'
	run env BERTH_FAULT_STEP=exec-child "$BERTH" --root "$ROOT" exec "$ID" /bin/true
	assert_status 1
	assert_contains "peer exited before ready"
	assert_not_contains "killed before it started"
	run berth exec "$ID" echo still-running
	assert_line_eq "$output" "still-running"
}

@test "faults: a full disk for the state dir fails create cleanly" {
	make_bundle
	mkdir -p "$BATS_TEST_TMPDIR/small"
	mount -t tmpfs -o size=64k tmpfs "$BATS_TEST_TMPDIR/small"
	head -c 60k /dev/zero > "$BATS_TEST_TMPDIR/small/filler" 2>/dev/null || true
	# the bundle's config.json is copied into the state dir: make it big
	edit_config '.annotations = {"padding": "'"$(head -c 8192 /dev/zero | tr '\0' x)"'"}'
	run "$BERTH" --root "$BATS_TEST_TMPDIR/small/state" run -b "$BUNDLE" "$ID"
	left=$(ls -A "$BATS_TEST_TMPDIR/small/state" 2>/dev/null || true)
	umount "$BATS_TEST_TMPDIR/small"
	[ "$status" = 1 ]
	assert_contains "No space left on device"
	[ -z "$left" ]
	[ ! -e "$CG_ROOT/berth/$ID" ]
}
