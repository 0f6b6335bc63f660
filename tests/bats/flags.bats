#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# flags: every numeric and list flag of exec, update, sandbox (and the
# --preserve-fds and --interval of the others) is checked by spec/ before
# anything happens: a malformed value is refused naming the flag and
# quoting the value, and nothing runs, changes or is left behind.

load helpers
load lib/cli

# refused FLAG VALUE CMD...: CMD fails and its message names FLAG and VALUE
refused() {
	local flag=$1 value=$2
	shift 2
	run "$@"
	if [ "$status" -eq 0 ]; then
		echo "$flag $value was accepted" >&2
		return 1
	fi
	assert_contains "$flag"
	assert_contains "\"$value\""
}

@test "flags: exec -g with a non-number or out-of-range gid is refused and runs nothing" {
	sleeper
	local v
	for v in abc 12x -1 4294967295 "" 1.5; do
		refused --additional-gids "$v" berth exec -g "$v" "$ID" touch /tmp/ran
	done
	run berth exec "$ID" ls /tmp/ran
	assert_status 1
	# a good one still works: the group is the process's
	run berth exec -g 1234 "$ID" grep ^Groups: /proc/self/status
	assert_status 0
	assert_contains 1234
}

@test "flags: exec -u with a malformed UID[:GID] is refused" {
	sleeper
	local v
	for v in bob 1:x x:1 -1 4294967295 1: :1 "1 "; do
		refused --user "$v" berth exec -u "$v" "$ID" true
	done
}

@test "flags: exec --cap with an unknown capability and --preserve-fds with a bad count are refused" {
	sleeper
	refused --cap CAP_FLY berth exec --cap CAP_FLY "$ID" true
	refused --cap "" berth exec --cap "" "$ID" true
	local v
	for v in x -1 2000000 1e3; do
		refused --preserve-fds "$v" berth exec --preserve-fds "$v" "$ID" true
	done
}

@test "flags: create and run refuse a bad --preserve-fds and leave nothing" {
	make_bundle
	set_args true
	refused --preserve-fds x berth create --preserve-fds x -b "$BUNDLE" "$ID"
	refused --preserve-fds -3 berth run --preserve-fds=-3 -b "$BUNDLE" "$ID"
	assert_root_empty
}

@test "flags: update's size flags refuse what is not a size" {
	sleeper
	local f v
	for f in --memory --memory-reservation --memory-swap; do
		for v in lots 1x -2 1.5.5 "" 64mb2; do
			refused "$f" "$v" berth update "$f" "$v" "$ID"
		done
	done
}

@test "flags: update's number flags refuse what is not a whole number" {
	sleeper
	local f v
	for f in --cpu-shares --cpu-quota --cpu-period --cpu-rt-runtime --cpu-rt-period \
		--pids-limit --blkio-weight; do
		for v in x 1.5 "" 10k 0x10; do
			refused "$f" "$v" berth update "$f" "$v" "$ID"
		done
	done
}

@test "flags: update's list flags refuse what is not a cpu list" {
	sleeper
	local f v
	for f in --cpuset-cpus --cpuset-mems; do
		for v in a 0- 3-1 "0,,1" "1;2"; do
			run berth update "$f" "$v" "$ID"
			assert_status 1
			assert_contains "$f: must be a list like \"0-3,7\""
		done
	done
}

@test "flags: update's ranges are config.json's, named by the flag" {
	sleeper
	run berth update --blkio-weight 5 "$ID"
	assert_status 1
	assert_contains "update: --blkio-weight: must be in 10..1000"
	run berth update --cpu-period 5 "$ID"
	assert_status 1
	assert_contains "update: --cpu-period: must be 0 or in 1000..1000000"
	run berth update --memory 128m --memory-swap 64m "$ID"
	assert_status 1
	assert_contains "update: --memory-swap: must be at least the memory limit"
	run berth update --cpu-quota -5 "$ID"
	assert_status 1
	assert_contains "--cpu-quota"
}

@test "flags: sandbox's numeric flags refuse malformed values and leave nothing" {
	local v
	for v in x 0 -1 1.5.5 ""; do
		refused --memory "$v" "$BERTH" --root "$ROOT" sandbox --memory "$v" --rootfs "$TEST_ROOTFS" -- true
	done
	for v in x 0 -1 5000 ""; do
		refused --cpus "$v" "$BERTH" --root "$ROOT" sandbox --cpus "$v" --rootfs "$TEST_ROOTFS" -- true
	done
	for v in x 0 -1 1.5 ""; do
		refused --pids "$v" "$BERTH" --root "$ROOT" sandbox --pids "$v" --rootfs "$TEST_ROOTFS" -- true
	done
	for v in soon 0 1x 5d -1s ""; do
		refused --timeout "$v" "$BERTH" --root "$ROOT" sandbox --timeout "$v" --rootfs "$TEST_ROOTFS" -- true
	done
	for v in bob 1:x -1; do
		refused --user "$v" "$BERTH" --root "$ROOT" sandbox --user "$v" --rootfs "$TEST_ROOTFS" -- true
	done
	assert_root_empty
}

@test "flags: sandbox takes sizes with fractions and durations in Go's form" {
	run "$BERTH" --root "$ROOT" sandbox --print-spec --memory 1.5g --timeout 1m30s \
		--rootfs "$TEST_ROOTFS" -- true
	assert_status 0
	assert_line_eq "$(jq .linux.resources.memory.limit <<<"$output")" 1610612736
}

@test "flags: events --interval refuses what is not a duration" {
	sleeper
	local v
	for v in soon 0 1x ""; do
		refused --interval "$v" berth events --interval "$v" "$ID"
	done
}
