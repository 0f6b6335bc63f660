#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# berth sandbox limits, on a pure cgroup v2 kernel (tests/vm/vm-run).

load ../bats/helpers

export WAIT_FOR_SECONDS=60

@test "sandbox --pids contains a fork bomb" {
	run "$BERTH" --root "$ROOT" sandbox --rootfs "$TEST_ROOTFS" --pids 20 \
		--stats "$BATS_TEST_TMPDIR/stats.json" -- /bin/probe forkbomb 500
	made=$(head -n1 <<<"$output")
	[ "$made" -lt 20 ]
	[ "$(jq .pidsPeak "$BATS_TEST_TMPDIR/stats.json")" -le 20 ] ||
		[ "$(jq .pidsPeak "$BATS_TEST_TMPDIR/stats.json")" = null ]
}

@test "sandbox --memory OOM-kills a hog and --stats says so" {
	run "$BERTH" --root "$ROOT" sandbox --rootfs "$TEST_ROOTFS" --memory 32m \
		--stats "$BATS_TEST_TMPDIR/stats.json" -- /bin/probe hog 64
	assert_status 137
	st=$BATS_TEST_TMPDIR/stats.json
	[ "$(jq .exitCode "$st")" = 137 ]
	[ "$(jq .signal "$st")" = 9 ]
	[ "$(jq .oomKills "$st")" -ge 1 ]
	[ "$(jq .memoryPeakBytes "$st")" -gt 16000000 ]
	[ "$(jq .timedOut "$st")" = false ]
}

@test "sandbox --cpus sets cpu.max" {
	run "$BERTH" --root "$ROOT" sandbox --rootfs "$TEST_ROOTFS" --cpus 0.5 -- cat /sys/fs/cgroup/cpu.max
	assert_status 0
	assert_line_eq "$output" "50000 100000"
}
