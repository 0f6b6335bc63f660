#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# berth sandbox: --timeout and the signals berth gets — SIGTERM to the
# job first, SIGKILL of the whole job after --stop-grace (or at a second
# signal); 124 when the deadline passed, else the job's own status.

load helpers
bats_require_minimum_version 1.5.0

# a job that traps SIGTERM: says so, and exits with $1
trapping_job() {
	echo "trap 'echo got TERM; exit $1' TERM; echo started; sleep 100 & wait"
}

# a job that shrugs SIGTERM off
stubborn_job() {
	echo "trap 'echo ignored TERM' TERM; trap 'echo ignored INT' INT; echo started; while :; do sleep 100 & wait; done"
}

sandbox_bg() {
	"$BERTH" --root "$ROOT" sandbox --rootfs "$TEST_ROOTFS" "$@" \
		>"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" </dev/null &
	BERTH_PID=$!
	wait_until "grep -q started '$BATS_TEST_TMPDIR/out'"
}

ms_since() {
	echo $(( ($(date +%s%N) - $1) / 1000000 ))
}

@test "sandbox timeout: --timeout sends SIGTERM first, says so in one line on stderr, and exits 124" {
	run --separate-stderr "$BERTH" --root "$ROOT" sandbox --rootfs "$TEST_ROOTFS" \
		--timeout 500ms --stats "$BATS_TEST_TMPDIR/s.json" -- /bin/sh -c "$(trapping_job 0)"
	assert_status 124
	assert_contains "got TERM"
	[ "$(grep -c "timeout 500ms reached" <<<"$stderr")" = 1 ]
	[[ "$stderr" == *"SIGKILL to all of it in 10s"* ]]
	[ "$(jq .timedOut "$BATS_TEST_TMPDIR/s.json")" = true ]
	[ "$(jq .exitCode "$BATS_TEST_TMPDIR/s.json")" = 124 ]
}

@test "sandbox timeout: a job that ignores SIGTERM is killed, all of it, after --stop-grace" {
	start=$(date +%s%N)
	run sandbox_fg --timeout 500ms --stop-grace 1s -- /bin/sh -c "$(stubborn_job)"
	elapsed=$(ms_since "$start")
	assert_status 124
	assert_contains "ignored TERM"
	[ "$elapsed" -ge 1400 ]
	[ "$elapsed" -lt 5000 ]
	! pgrep -f "^sleep 100$" >/dev/null
}

@test "sandbox timeout: SIGTERM to berth reaches the job without -t, and its own status is berth's" {
	sandbox_bg -- /bin/sh -c "$(trapping_job 7)"
	kill -TERM "$BERTH_PID"
	wait "$BERTH_PID" || rc=$?
	[ "${rc:-0}" = 7 ]
	grep -q "got TERM" "$BATS_TEST_TMPDIR/out"
	assert_root_empty
}

@test "sandbox timeout: SIGINT to berth is forwarded too, and a second signal kills the whole job at once" {
	sandbox_bg -- /bin/sh -c "$(stubborn_job)"
	start=$(date +%s%N)
	kill -INT "$BERTH_PID"
	sleep 0.3
	kill -TERM "$BERTH_PID"
	wait "$BERTH_PID" || rc=$?
	[ "$(ms_since "$start")" -lt 3000 ]
	[ "${rc:-0}" = 137 ]
	! pgrep -f "^sleep 100$" >/dev/null
}

@test "sandbox timeout: a job that ignores berth's SIGTERM is killed after the grace" {
	sandbox_bg --stop-grace 500ms --stats "$BATS_TEST_TMPDIR/s.json" -- /bin/sh -c "$(stubborn_job)"
	start=$(date +%s%N)
	kill -TERM "$BERTH_PID"
	wait "$BERTH_PID" || rc=$?
	[ "$(ms_since "$start")" -ge 400 ]
	[ "${rc:-0}" = 137 ]
	grep -q "ignored TERM" "$BATS_TEST_TMPDIR/out"
	[ "$(jq .interrupted "$BATS_TEST_TMPDIR/s.json")" = true ]
	[ "$(jq .signal "$BATS_TEST_TMPDIR/s.json")" = 9 ]
	! pgrep -f "^sleep 100$" >/dev/null
}

@test "sandbox timeout: durations like 1m30s and 1.5s, sizes like 1.5g" {
	run sandbox_fg --timeout 1m30s --stop-grace 1.5s --memory 1.5g --print-spec -- /bin/true
	assert_status 0
	[ "$(jq .linux.resources.memory.limit <<<"$output")" = 1610612736 ]
	run sandbox_fg --stop-grace soon -- /bin/true
	assert_status 125
	assert_contains "--stop-grace"
}

sandbox_fg() {
	"$BERTH" --root "$ROOT" sandbox --rootfs "$TEST_ROOTFS" "$@"
}
