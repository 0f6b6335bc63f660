#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# berth sandbox: exit codes a CI runner can trust (docker/podman's
# convention) — 125 berth's own failure, 126 cannot execute, 127 not
# found, else the job's own status (124 for --timeout: sandbox-timeout).

load helpers
bats_require_minimum_version 1.5.0

sandbox() {
	"$BERTH" --root "$ROOT" sandbox --rootfs "$TEST_ROOTFS" "$@"
}

@test "sandbox exit: a bad flag, a bad value or a missing image exits 125, naming the flag" {
	run sandbox --no-such-flag -- /bin/true
	assert_status 125
	assert_contains "--no-such-flag"
	run sandbox --memory lots -- /bin/true
	assert_status 125
	assert_contains "--memory"
	run "$BERTH" --root "$ROOT" sandbox --image "$BATS_TEST_TMPDIR/no-such-image" -- /bin/true
	assert_status 125
	assert_contains "no-such-image"
	run sandbox
	assert_status 125
	assert_contains "a command is required"
}

@test "sandbox exit: a command that is not found exits 127, by path or on PATH" {
	run -127 sandbox -- /no/such/command
	assert_status 127
	assert_contains "/no/such/command"
	run -127 sandbox -- no-such-command
	assert_status 127
	assert_contains "not found"
}

@test "sandbox exit: a command that cannot be executed exits 126" {
	run sandbox -- /etc/passwd
	assert_status 126
	assert_contains "permission denied"
	run sandbox -- /etc
	assert_status 126
}

@test "sandbox exit: otherwise the status is the job's own, 1 and 125 included" {
	run sandbox -- /bin/sh -c 'exit 1'
	assert_status 1
	run sandbox -- /bin/sh -c 'echo ran; exit 125'
	assert_status 125
	assert_contains "ran"
	run sandbox -- /bin/sh -c 'exit 0'
	assert_status 0
}
