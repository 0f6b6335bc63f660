#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# ps: the processes of a container.  containerd's shim parses
# `ps --format json` (host pids); people read the ps(1) table.

load helpers
load lib/cli

# a container with an init, two children and one exec'd process, each of
# them sleep by now: a child the shell has forked is "sh" until its exec
busy() {
	make_bundle "${1:-.}"
	set_args /bin/sh -c 'sleep 1000 & sleep 1001 & exec sleep 1002'
	detached run -d -b "$BUNDLE" "$ID"
	detached exec -d --pid-file "$BATS_TEST_TMPDIR/exec.pid" "$ID" sleep 1003
	wait_until 'all_sleep 4'
}

# all_sleep N: the container has N processes, and each of them is sleep
all_sleep() {
	local p comm n=0
	for p in $(cg_pids "$(cg_of "$ID")"); do
		read -r comm 2>/dev/null <"/proc/$p/comm" && [ "$comm" = sleep ] || return 1
		n=$((n + 1))
	done
	[ "$n" = "$1" ]
}

@test "ps --format json: the host pids of every process in the container" {
	busy
	run berth ps --format json "$ID"
	assert_status 0
	[ "$(jq -r 'type' <<<"$output")" = array ]
	[ "$(jq -r 'map(type == "number") | all' <<<"$output")" = true ]
	[ "$(jq -r '.[]' <<<"$output" | sort -n)" = "$(cg_pids "$(cg_of "$ID")")" ]
	[ "$(jq "index($(init_pid)) != null" <<<"$output")" = true ]
	[ "$(jq "index($(cat "$BATS_TEST_TMPDIR/exec.pid")) != null" <<<"$output")" = true ]
	# each is a host pid running one of our sleeps
	for p in $(jq -r '.[]' <<<"$output"); do
		[[ "$(tr '\0' ' ' < "/proc/$p/cmdline")" =~ ^sleep\ 100[0-3]\ $ ]]
	done
}

@test "ps --format json: the same pids with the --format=json spelling" {
	busy
	run berth ps --format=json "$ID"
	assert_status 0
	[ "$(jq length <<<"$output")" = 4 ]
}

@test "ps: the table has a PID header and only the container's processes" {
	busy
	run berth ps "$ID"
	assert_status 0
	header=$(head -1 <<<"$output")
	col=$(awk '{for (i = 1; i <= NF; i++) if ($i == "PID") print i}' <<<"$header")
	[ -n "$col" ]
	[ "$(wc -l <<<"$output")" = 5 ]
	got=$(tail -n +2 <<<"$output" | awk -v c="$col" '{print $c}' | sort -n)
	[ "$got" = "$(cg_pids "$(cg_of "$ID")")" ]
	assert_not_contains "bats"
	assert_contains "sleep 1003"
}

@test "ps: extra arguments go to ps(1)" {
	busy
	run berth ps "$ID" -eo pid,comm
	assert_status 0
	[[ "$(head -1 <<<"$output")" =~ ^\ *PID\ +COMMAND$ ]]
	[ "$(wc -l <<<"$output")" = 5 ]
	[ "$(tail -n +2 <<<"$output" | awk '{print $2}' | sort -u)" = sleep ]
	[ "$(tail -n +2 <<<"$output" | awk '{print $1}' | sort -n)" = "$(cg_pids "$(cg_of "$ID")")" ]
}

@test "ps: ps options without a PID column are refused clearly" {
	busy
	run berth ps "$ID" -eo comm
	assert_status 1
	assert_contains "no PID column"
}

@test "ps --format json: a stopped container has no processes" {
	make_bundle
	set_args /bin/true
	detached run -d -b "$BUNDLE" "$ID"
	wait_until '[ "$(state_of "$ID")" = stopped ]'
	run berth ps --format json "$ID"
	assert_status 0
	[ "$(jq -c . <<<"$output")" = "[]" ]
}

@test "ps --format json: a created container lists its init" {
	make_bundle
	detached create -b "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid" "$ID"
	run berth ps --format json "$ID"
	assert_status 0
	[ "$(jq -c . <<<"$output")" = "[$(cat "$BATS_TEST_TMPDIR/pid")]" ]
}

@test "ps: a container that does not exist" {
	run berth ps --format json nope
	assert_status 1
	assert_error_eq 'container "nope" does not exist'
}

@test "ps: a bad format is refused" {
	busy
	run berth ps --format xml "$ID"
	assert_status 1
	assert_contains 'must be table or json, not "xml"'
}
