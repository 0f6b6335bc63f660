#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# process.oomScoreAdj.  This host has no CAP_SYS_RESOURCE in its bounding
# set, so raising works and lowering below the minimum (0 here) must fail
# with a message naming the setting and the capability.

load helpers
load lib/cli

oom_bundle() {
	make_bundle "$1"
	set_args /bin/cat /proc/self/oom_score_adj
}

# berth run from a shell whose oom_score_adj is $1
run_with_adj() {
	run sh -c 'echo "$1" > /proc/self/oom_score_adj && shift && exec "$@"' \
		sh "$1" "$BERTH" --root "$ROOT" run -b "$BUNDLE" "$ID"
}

@test "oom: raising oomScoreAdj is visible in the container" {
	oom_bundle '.process.oomScoreAdj = 500'
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_line_eq "$output" 500
	oom_bundle '.process.oomScoreAdj = 1000'
	run berth run -b "$BUNDLE" "$ID"
	assert_line_eq "$output" 1000
}

@test "oom: the value is set on the init before create returns" {
	oom_bundle '.process.oomScoreAdj = 321'
	detached create -b "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid" "$ID"
	[ "$(cat "/proc/$(cat "$BATS_TEST_TMPDIR/pid")/oom_score_adj")" = 321 ]
}

@test "oom: without oomScoreAdj the container keeps its caller's" {
	oom_bundle
	run berth run -b "$BUNDLE" "$ID"
	assert_line_eq "$output" "$(cat /proc/self/oom_score_adj)"
	run_with_adj 300
	assert_status 0
	assert_line_eq "$output" 300
}

@test "oom: the current value is fine" {
	oom_bundle ".process.oomScoreAdj = $(cat /proc/self/oom_score_adj)"
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_line_eq "$output" "$(cat /proc/self/oom_score_adj)"
}

@test "oom: lowering below the minimum fails with the CAP_SYS_RESOURCE message and leaves nothing" {
	oom_bundle '.process.oomScoreAdj = -100'
	run detached create -b "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid" "$ID"
	assert_status 1
	assert_contains "process.oomScoreAdj: setting -100"
	assert_contains "needs CAP_SYS_RESOURCE, which berth does not have"
	assert_container_gone "$ID"
	[ ! -e "$BATS_TEST_TMPDIR/pid" ]
}

@test "oom: -1000 (never kill) is refused the same way by run" {
	oom_bundle '.process.oomScoreAdj = -1000'
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "process.oomScoreAdj: setting -1000"
	assert_contains "CAP_SYS_RESOURCE"
	assert_root_empty
}

@test "oom: a caller at 300 may still give its container 200 (the kernel's minimum is 0)" {
	oom_bundle '.process.oomScoreAdj = 200'
	run_with_adj 300
	assert_status 0
	assert_line_eq "$output" 200
}

@test "oom: out of range is a config error" {
	oom_bundle '.process.oomScoreAdj = 1001'
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_error_eq "config.json: process.oomScoreAdj: must be an integer in -1000..1000"
	assert_root_empty
}
