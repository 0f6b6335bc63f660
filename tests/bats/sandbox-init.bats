#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# berth sandbox --init: a minimal pid 1 of berth's own, as docker's
# --init — it reaps orphans, forwards signals to the job and exits with
# the job's status; and it is no door to berth's binary.

load helpers

sandbox() {
	"$BERTH" --root "$ROOT" sandbox --rootfs "$TEST_ROOTFS" "$@"
}

# pid 1 is `sleep` (it never waits); a helper double-forks a short
# sleep, whose parent is then pid 1, and looks for zombies
ZOMBIE_JOB='sh -c "(sleep 0.1 &); sleep 0.6; ps -o stat,comm" & exec sleep 1'

@test "sandbox init: without --init an orphan of a daemonising helper stays a zombie" {
	run sandbox -- /bin/sh -c "$ZOMBIE_JOB"
	assert_status 0
	assert_contains "Z    sleep"
}

@test "sandbox init: with --init the orphan is reaped, and pid 1 is the init" {
	run sandbox --init -- /bin/sh -c "$ZOMBIE_JOB"
	assert_status 0
	assert_not_contains "Z "
	run sandbox --init -- /bin/sh -c 'ps -o pid,comm | grep "^ *1 "'
	assert_status 0
	assert_contains "init"
}

@test "sandbox init: kill -SEGV \$\$ from the job ends it with 139, as under docker --init" {
	run sandbox -- /bin/sh -c 'kill -SEGV $$; echo survived'
	assert_contains "survived"
	run sandbox --init -- /bin/sh -c 'kill -SEGV $$; echo survived'
	assert_status 139
	assert_not_contains "survived"
}

@test "sandbox init: the job's own exit status passes through" {
	run sandbox --init -- /bin/sh -c 'exit 42'
	assert_status 42
	run sandbox --init -- /bin/sh -c 'exit 0'
	assert_status 0
}

@test "sandbox init: a signal to berth reaches the job through the init" {
	"$BERTH" --root "$ROOT" sandbox --rootfs "$TEST_ROOTFS" --init -- \
		/bin/sh -c "trap 'echo got TERM; exit 5' TERM; echo started; sleep 100 & wait" \
		>"$BATS_TEST_TMPDIR/out" 2>&1 </dev/null &
	pid=$!
	wait_until "grep -q started '$BATS_TEST_TMPDIR/out'"
	kill -TERM "$pid"
	wait "$pid" || rc=$?
	[ "${rc:-0}" = 5 ]
	grep -q "got TERM" "$BATS_TEST_TMPDIR/out"
}

@test "sandbox init: pid 1 is berth's own image, which the job can neither read nor reach" {
	run sandbox --init -- /bin/sh -c 'readlink /proc/1/exe; echo "readlink=$?"; cat /proc/1/exe >/dev/null; echo "read=$?"; probe readlink-exe 1'
	assert_contains "readlink=1"
	assert_contains "read=1"
	assert_contains "EACCES"
	assert_not_contains "$BERTH"
}
