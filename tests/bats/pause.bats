#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# pause / resume: the cgroup v2 freezer, or the v1 freezer on a hybrid
# host.

load helpers
load lib/cli

# a container counting up in $BATS_TEST_TMPDIR/shared/count (host side)
counter() {
	mkdir -p "$BATS_TEST_TMPDIR/shared"
	make_bundle
	add_bind "$BATS_TEST_TMPDIR/shared" /home
	set_args /bin/sh -c 'i=0; while :; do i=$((i + 1)); echo $i > /home/count.tmp; mv /home/count.tmp /home/count; done'
	detached run -d -b "$BUNDLE" "$ID"
	wait_for test -s "$BATS_TEST_TMPDIR/shared/count"
}

count() {
	cat "$BATS_TEST_TMPDIR/shared/count"
}

@test "pause: freezes every process; the state says paused" {
	counter
	run berth pause "$ID"
	assert_status 0
	[ -z "$output" ]
	frozen "$ID"
	[ "$(state_of "$ID")" = paused ]
	[ "$(berth list --format json | jq -r '.[0].status')" = paused ]
	[ "$(berth list | awk 'NR == 2 {print $3}')" = paused ]
	# the counter does not move while frozen
	before=$(count)
	sleep 0.5
	[ "$(count)" = "$before" ]
}

@test "resume: thaws; the counter moves again and the state says running" {
	counter
	berth pause "$ID"
	frozen_at=$(count)
	run berth resume "$ID"
	assert_status 0
	[ -z "$output" ]
	! frozen "$ID"
	[ "$(state_of "$ID")" = running ]
	wait_until '[ "$(count)" -gt "$frozen_at" ]'
}

@test "pause: a process exec'd into the container is frozen too" {
	make_bundle
	set_args /bin/sleep 1000
	detached run -d -b "$BUNDLE" "$ID"
	detached exec -d --pid-file "$BATS_TEST_TMPDIR/exec.pid" "$ID" sleep 1001
	pid=$(cat "$BATS_TEST_TMPDIR/exec.pid")
	berth pause "$ID"
	# a frozen task reports it in its cgroup and sits in the freezer
	grep -qx "$pid" "$(cg_of "$ID")/cgroup.procs"
	frozen "$ID"
	# hybrid: in the container's v1 freezer cgroup too
	[ -z "$(cg_v1_of freezer)" ] || grep -qx "$pid" "$(cg_v1_of freezer)/cgroup.procs"
	berth resume "$ID"
	pid_alive "$pid"
}

@test "pause: a stopped container fails clearly" {
	make_bundle
	set_args /bin/true
	detached run -d -b "$BUNDLE" "$ID"
	wait_until '[ "$(state_of "$ID")" = stopped ]'
	run berth pause "$ID"
	assert_status 1
	assert_error_eq "container not running"
	[ "$(state_of "$ID")" = stopped ]
}

@test "pause: twice is refused the second time" {
	make_bundle
	set_args /bin/sleep 1000
	detached run -d -b "$BUNDLE" "$ID"
	berth pause "$ID"
	run berth pause "$ID"
	assert_status 1
	assert_contains "not running"
	[ "$(state_of "$ID")" = paused ]
}

@test "resume: a container that is not paused is refused" {
	make_bundle
	set_args /bin/sleep 1000
	detached run -d -b "$BUNDLE" "$ID"
	run berth resume "$ID"
	assert_status 1
	assert_error_eq "container not paused"
	[ "$(state_of "$ID")" = running ]
}

@test "pause / resume: a container that does not exist" {
	run berth pause nope
	assert_status 1
	assert_error_eq 'container "nope" does not exist'
	run berth resume nope
	assert_status 1
	assert_error_eq 'container "nope" does not exist'
}

@test "pause: a container without a cgroup (--cgroup-manager disabled) is refused" {
	make_bundle
	set_args /bin/sleep 1000
	"$BERTH" --root "$ROOT" --cgroup-manager disabled run -d -b "$BUNDLE" "$ID" \
		>/dev/null 2>&1 </dev/null
	run berth pause "$ID"
	assert_status 1
	assert_contains "no cgroup"
	[ "$(state_of "$ID")" = running ]
}
