#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# delete: remove a container and everything it holds (state dir, cgroup,
# processes).  containerd runs `delete ID` then `delete --force ID` on the
# same id, and treats "does not exist" as already gone.

load helpers
load lib/cli

@test "delete: a stopped container leaves no state dir, cgroup or process" {
	make_bundle
	set_args /bin/true
	detached run -d -b "$BUNDLE" "$ID"
	wait_until '[ "$(state_of "$ID")" = stopped ]'
	[ -d "$ROOT/$ID" ]
	[ -d "$(cg_of "$ID")" ]
	run berth delete "$ID"
	assert_status 0
	[ -z "$output" ]
	assert_container_gone "$ID"
	run berth list -q
	[ -z "$output" ]
}

@test "delete: a created container kills its init" {
	make_bundle
	detached create -b "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid" "$ID"
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	pid_alive "$pid"
	run berth delete "$ID"
	assert_status 0
	wait_for pid_gone "$pid"
	assert_container_gone "$ID" "$pid"
}

@test "delete: a running container is refused without --force, and keeps running" {
	make_bundle
	set_args /bin/sleep 1000
	detached run -d -b "$BUNDLE" "$ID"
	pid=$(init_pid)
	run berth delete "$ID"
	assert_status 1
	assert_error_eq "cannot delete container \"$ID\" that is not stopped: running"
	[ "$(state_of "$ID")" = running ]
	pid_alive "$pid"
	grep -qx "$pid" "$(cg_of "$ID")/cgroup.procs"
}

@test "delete: a paused container is refused without --force" {
	make_bundle
	set_args /bin/sleep 1000
	detached run -d -b "$BUNDLE" "$ID"
	berth pause "$ID"
	run berth delete "$ID"
	assert_status 1
	assert_contains "not stopped: paused"
	[ "$(state_of "$ID")" = paused ]
}

@test "delete --force: a running container with several processes leaves nothing" {
	make_bundle
	set_args /bin/sh -c 'sleep 1000 & sleep 1001 & exec sleep 1002'
	detached run -d -b "$BUNDLE" "$ID"
	detached exec -d "$ID" sleep 1003
	wait_until '[ "$(cg_pids "$(cg_of "$ID")" | wc -l)" = 4 ]'
	pids=$(cg_pids "$(cg_of "$ID")")
	run berth delete --force "$ID"
	assert_status 0
	[ -z "$output" ]
	for p in $pids; do wait_for pid_gone "$p"; done
	assert_container_gone "$ID"
}

@test "delete -f: a running container without a pid namespace: every process dies" {
	make_bundle '.linux.namespaces |= map(select(.type != "pid"))'
	set_args /bin/sh -c 'sleep 1000 & exec sleep 1002'
	detached run -d -b "$BUNDLE" "$ID"
	wait_until '[ "$(cg_pids "$(cg_of "$ID")" | wc -l)" = 2 ]'
	pids=$(cg_pids "$(cg_of "$ID")")
	run berth delete -f "$ID"
	assert_status 0
	for p in $pids; do wait_for pid_gone "$p"; done
	assert_container_gone "$ID"
}

@test "delete --force: a paused container leaves nothing" {
	make_bundle
	set_args /bin/sh -c 'sleep 1000 & exec sleep 1002'
	detached run -d -b "$BUNDLE" "$ID"
	wait_until '[ "$(cg_pids "$(cg_of "$ID")" | wc -l)" = 2 ]'
	pids=$(cg_pids "$(cg_of "$ID")")
	berth pause "$ID"
	[ "$(state_of "$ID")" = paused ]
	run berth delete --force "$ID"
	assert_status 0
	for p in $pids; do wait_for pid_gone "$p"; done
	assert_container_gone "$ID"
}

@test "delete --force: a created container leaves nothing" {
	make_bundle
	detached create -b "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid" "$ID"
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	run berth delete --force "$ID"
	assert_status 0
	wait_for pid_gone "$pid"
	assert_container_gone "$ID" "$pid"
}

@test "delete: a container that does not exist says does not exist" {
	run berth delete nope
	assert_status 1
	assert_error_eq 'container "nope" does not exist'
}

@test "delete --force: a container that does not exist succeeds silently" {
	run berth delete --force nope
	assert_status 0
	[ -z "$output" ]
	assert_root_empty
}

@test "delete then delete --force: the containerd sequence" {
	make_bundle
	set_args /bin/true
	detached run -d -b "$BUNDLE" "$ID"
	wait_until '[ "$(state_of "$ID")" = stopped ]'
	run berth delete "$ID"
	assert_status 0
	run berth delete "$ID"
	assert_status 1
	assert_contains "does not exist"
	run berth delete --force "$ID"
	assert_status 0
	[ -z "$output" ]
}

@test "delete --force: an invalid id is still an error" {
	run berth delete --force "../x"
	assert_status 1
	assert_contains 'invalid container id "../x"'
}

@test "delete: after the container was deleted, its id can be used again" {
	make_bundle
	set_args /bin/sleep 1000
	detached run -d -b "$BUNDLE" "$ID"
	berth delete --force "$ID"
	run detached run -d -b "$BUNDLE" "$ID"
	assert_status 0
	[ "$(state_of "$ID")" = running ]
}

@test "delete: needs an id" {
	run berth delete
	assert_status 1
	assert_contains "a container id is required"
}
