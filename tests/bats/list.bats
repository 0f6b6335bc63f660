#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# list: every container of a state root, as a table, ids, or the JSON
# array of state objects podman and others parse.

load helpers
load lib/cli

# four containers, one in each status: ${ID}-a created, -b running,
# -c paused, -d stopped
four_statuses() {
	make_bundle
	set_args /bin/sleep 1000
	detached create -b "$BUNDLE" "$ID-a"
	detached run -d -b "$BUNDLE" "$ID-b"
	detached run -d -b "$BUNDLE" "$ID-c"
	berth pause "$ID-c"
	set_args /bin/true
	detached run -d -b "$BUNDLE" "$ID-d"
	wait_until '[ "$(state_of "$ID-d")" = stopped ]'
}

@test "list: a state root that does not exist gives just the header" {
	run berth list
	assert_status 0
	[ "$(wc -l <<<"$output")" = 1 ]
	[[ "$output" =~ ^ID\ +PID\ +STATUS\ +BUNDLE\ +CREATED\ +OWNER ]]
	run berth list -q
	assert_status 0
	[ -z "$output" ]
	run berth list --format json
	assert_status 0
	[ "$(jq -c . <<<"$output")" = "[]" ]
}

@test "list: an empty state root gives an empty array" {
	mkdir -p "$ROOT"
	run berth list --format json
	assert_status 0
	[ "$(jq -c . <<<"$output")" = "[]" ]
	run berth list --format=table
	[ "$(wc -l <<<"$output")" = 1 ]
}

@test "list: one table row per container with its id, pid, status and bundle" {
	four_statuses
	run berth list
	assert_status 0
	[ "$(wc -l <<<"$output")" = 5 ]
	header=$(head -1 <<<"$output")
	[[ "$header" =~ ^ID\ +PID\ +STATUS\ +BUNDLE\ +CREATED\ +OWNER ]]
	for want in "a created" "b running" "c paused" "d stopped"; do
		set -- $want
		row=$(grep "^$ID-$1 " <<<"$output")
		read -r id pid status bundle created <<<"$row"
		[ "$id" = "$ID-$1" ]
		[ "$status" = "$2" ]
		[ "$bundle" = "$BUNDLE" ]
		[ "$pid" = "$(berth state "$ID-$1" | jq .pid)" ]
		is_rfc3339_nano "$created"
	done
	[ "$(grep "^$ID-d " <<<"$output" | awk '{print $2}')" = 0 ]
}

@test "list -q: the ids only, one per line, sorted" {
	four_statuses
	run berth list -q
	assert_status 0
	[ "$output" = "$(printf '%s\n' "$ID-a" "$ID-b" "$ID-c" "$ID-d")" ]
	run berth list --quiet
	[ "$(wc -l <<<"$output")" = 4 ]
}

@test "list --format json: an array of state objects with the exact statuses" {
	four_statuses
	run berth list --format json
	assert_status 0
	[ "$(jq -r 'type' <<<"$output")" = array ]
	[ "$(jq length <<<"$output")" = 4 ]
	[ "$(jq -r 'map(.id + "=" + .status) | join(" ")' <<<"$output")" = \
		"$ID-a=created $ID-b=running $ID-c=paused $ID-d=stopped" ]
	for i in 0 1 2 3; do
		obj=$(jq ".[$i]" <<<"$output")
		id=$(jq -r .id <<<"$obj")
		# the same object `state` prints
		[ "$(jq -S . <<<"$obj")" = "$(berth state "$id" | jq -S .)" ]
		[ "$(jq -r '[has("ociVersion", "id", "pid", "status", "bundle", "rootfs", "created")] | all' <<<"$obj")" = true ]
		[ "$(jq -r .bundle <<<"$obj")" = "$BUNDLE" ]
		[ "$(jq -r .rootfs <<<"$obj")" = "$TEST_ROOTFS" ]
		is_rfc3339_nano "$(jq -r .created <<<"$obj")"
	done
	[ "$(jq '.[3].pid' <<<"$output")" = 0 ]
	[ "$(jq '.[1].pid' <<<"$output")" = "$(init_pid "$ID-b")" ]
}

@test "list --format json: annotations are in the state objects" {
	make_bundle '.annotations = {"org.example.k": "v"}'
	set_args /bin/sleep 1000
	detached run -d -b "$BUNDLE" "$ID"
	run berth list --format=json
	assert_status 0
	[ "$(jq -r '.[0].annotations["org.example.k"]' <<<"$output")" = v ]
}

@test "list: a deleted container disappears" {
	four_statuses
	berth delete --force "$ID-b"
	run berth list -q
	[ "$output" = "$(printf '%s\n' "$ID-a" "$ID-c" "$ID-d")" ]
}

@test "list: a bad format is refused" {
	run berth list --format yaml
	assert_status 1
	assert_contains 'must be table or json, not "yaml"'
}
