#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# create, start, state: the two-step lifecycle containerd drives.

load helpers

@test "create: leaves the container created, blocked before the process" {
	make_bundle
	set_args /bin/sh -c 'echo started > /tmp/marker; sleep 100'
	edit_config '.root.readonly = false'
	run detached create -b "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid" "$ID"
	assert_status 0
	[ "$(state_of "$ID")" = created ]
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	# the init exists, in its cgroup, but the user's process has not run
	grep -qx "$pid" "$CG_ROOT/berth/$ID/cgroup.procs"
	[ ! -e "$TEST_ROOTFS/tmp/marker" ]
	run cat /proc/$pid/cmdline
	assert_not_contains "sleep"
}

@test "create: the pid file holds the init's pid without a newline" {
	make_bundle
	detached create -b "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid" "$ID"
	[ "$(wc -l < "$BATS_TEST_TMPDIR/pid")" = 0 ]
	[ "$(cat "$BATS_TEST_TMPDIR/pid")" = "$(berth state "$ID" | jq .pid)" ]
}

@test "start: runs the process and the status becomes running" {
	make_bundle
	set_args /bin/sleep 100
	detached create -b "$BUNDLE" "$ID"
	run berth start "$ID"
	assert_status 0
	[ "$(state_of "$ID")" = running ]
	pid=$(berth state "$ID" | jq .pid)
	run cat /proc/$pid/cmdline
	assert_contains "sleep"
}

@test "start: a container can only be started once" {
	make_bundle
	set_args /bin/sleep 100
	detached create -b "$BUNDLE" "$ID"
	berth start "$ID"
	run berth start "$ID"
	assert_status 1
	assert_contains "must be created"
}

@test "start: the process's output goes to create's stdout" {
	make_bundle
	set_args /bin/echo from-the-container
	detached create -b "$BUNDLE" "$ID"
	berth start "$ID"
	wait_for grep -q from-the-container "$BATS_TEST_TMPDIR/out"
	wait_until '[ "$(state_of "$ID")" = stopped ]'
}

@test "state: reports the OCI fields" {
	make_bundle '.annotations = {"a.b": "c"}'
	set_args /bin/sleep 100
	detached create -b "$BUNDLE" "$ID"
	run berth state "$ID"
	assert_status 0
	[ "$(jq -r .id <<<"$output")" = "$ID" ]
	[ "$(jq -r .bundle <<<"$output")" = "$BUNDLE" ]
	[ "$(jq -r .ociVersion <<<"$output")" = 1.2.0 ]
	[ "$(jq -r '.annotations["a.b"]' <<<"$output")" = c ]
	[[ "$(jq -r .created <<<"$output")" =~ ^20[0-9-]+T[0-9:]+\.[0-9]{9}Z$ ]]
}

@test "state: a container whose process exited is stopped with pid 0" {
	make_bundle
	set_args /bin/true
	detached create -b "$BUNDLE" "$ID"
	berth start "$ID"
	wait_until '[ "$(state_of "$ID")" = stopped ]'
	[ "$(berth state "$ID" | jq .pid)" = 0 ]
}

@test "state: an unknown container does not exist" {
	run berth state nope
	assert_status 1
	assert_contains 'container "nope" does not exist'
}

@test "state: without --root uses /run/berth" {
	make_bundle
	set_args /bin/sleep 100
	"$BERTH" run -d -b "$BUNDLE" "$ID" >/dev/null 2>&1 </dev/null
	run "$BERTH" state "$ID"
	"$BERTH" delete --force "$ID"
	assert_status 0
	[ "$(jq -r .status <<<"$output")" = running ]
	[ ! -e "/run/berth/$ID" ]
}

@test "create: a terminating signal ends a created container" {
	make_bundle
	detached create -b "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid" "$ID"
	berth kill "$ID" TERM
	wait_until '[ "$(state_of "$ID")" = stopped ]'
}
