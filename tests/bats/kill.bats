#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# kill: signals by number or name, to the init or (--all) to every
# process of the container.  containerd sends numbers (kill ID 15,
# kill --all ID 9); people type names.

load helpers
load lib/cli

# a container whose init reports every signal it catches on stdout
# ($BATS_TEST_TMPDIR/out): "got-TERM", "got-USR1", ...
catcher() {
	make_bundle
	set_argv /bin/sh -c 'for s in HUP INT QUIT USR1 USR2 TERM; do trap "echo got-$s" $s; done
		echo ready; while :; do sleep 0.1; done'
	detached run -d -b "$BUNDLE" "$ID"
	wait_for grep -q ready "$BATS_TEST_TMPDIR/out"
}

got() {
	grep -c "^got-$1\$" "$BATS_TEST_TMPDIR/out" || true
}

# kill_exit SIGNAL: the status `run` gives when the init gets SIGNAL
kill_exit() {
	make_bundle
	set_args /bin/sleep 1000
	"$BERTH" --root "$ROOT" run -b "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1 3>&- &
	local runner=$! rc=0
	wait_until '[ "$(state_of "$ID" 2>/dev/null)" = running ]'
	berth kill "$ID" "$1"
	wait "$runner" || rc=$?
	echo "$rc"
}

@test "kill 9: the init dies of SIGKILL (run exits 137)" {
	[ "$(kill_exit 9)" = 137 ]
}

@test "kill KILL and kill SIGKILL: the same signal" {
	[ "$(kill_exit KILL)" = 137 ]
	[ "$(kill_exit SIGKILL)" = 137 ]
}

@test "kill: TERM, SIGTERM, 15 and sigterm all deliver SIGTERM" {
	catcher
	n=0
	for sig in TERM SIGTERM 15 sigterm; do
		berth kill "$ID" "$sig"
		n=$((n + 1))
		wait_until '[ "$(got TERM)" = "$n" ]'
	done
	[ "$(got USR1)$(got HUP)" = 00 ]
	[ "$(state_of "$ID")" = running ]
}

@test "kill: names and numbers of other signals reach the process" {
	catcher
	berth kill "$ID" USR1
	wait_until '[ "$(got USR1)" = 1 ]'
	berth kill "$ID" 10
	wait_until '[ "$(got USR1)" = 2 ]'
	berth kill "$ID" SIGHUP
	wait_until '[ "$(got HUP)" = 1 ]'
	berth kill "$ID" 2
	wait_until '[ "$(got INT)" = 1 ]'
	berth kill "$ID" quit
	wait_until '[ "$(got QUIT)" = 1 ]'
	berth kill "$ID" SIGUSR2
	wait_until '[ "$(got USR2)" = 1 ]'
	[ "$(got TERM)" = 0 ]
}

@test "kill: without a signal sends SIGTERM" {
	catcher
	berth kill "$ID"
	wait_until '[ "$(got TERM)" = 1 ]'
	[ "$(got KILL)$(got HUP)" = 00 ]
}

@test "kill: SIGTERM ends a process that does not catch it" {
	make_bundle
	set_argv /bin/sh -c 'echo ready; exec sleep 1000'
	edit_config '.linux.namespaces |= map(select(.type != "pid"))'
	detached run -d -b "$BUNDLE" "$ID"
	pid=$(init_pid)
	berth kill "$ID" TERM
	wait_until '[ "$(state_of "$ID")" = stopped ]'
	pid_gone "$pid"
}

@test "kill --all: reaches every process, not only the init" {
	make_bundle
	set_argv /bin/sh -c '
		(trap "echo child-got-TERM; exit 0" TERM; while :; do sleep 0.1; done) &
		trap "echo init-got-TERM" TERM
		echo ready; while :; do sleep 0.1; done'
	detached run -d -b "$BUNDLE" "$ID"
	wait_for grep -q ready "$BATS_TEST_TMPDIR/out"
	berth exec -d "$ID" sh -c 'trap "echo exec-got-TERM; exit 0" TERM; while :; do sleep 0.1; done' \
		>"$BATS_TEST_TMPDIR/exec.out" 2>&1 </dev/null
	wait_until '[ "$(cg_pids "$(cg_of "$ID")" | wc -l)" -ge 4 ]'
	run berth kill --all "$ID" TERM
	assert_status 0
	wait_for grep -q child-got-TERM "$BATS_TEST_TMPDIR/out"
	wait_for grep -q init-got-TERM "$BATS_TEST_TMPDIR/out"
	wait_for grep -q exec-got-TERM "$BATS_TEST_TMPDIR/exec.out"
}

@test "kill --all 9: leaves the cgroup empty" {
	make_bundle
	set_argv /bin/sh -c 'sleep 1000 & sleep 1001 & exec sleep 1002'
	detached run -d -b "$BUNDLE" "$ID"
	detached exec -d "$ID" sleep 1003
	wait_until '[ "$(cg_pids "$(cg_of "$ID")" | wc -l)" = 4 ]'
	pids=$(cg_pids "$(cg_of "$ID")")
	berth kill --all "$ID" 9
	wait_until '[ -z "$(cg_pids "$(cg_of "$ID")")" ]'
	for p in $pids; do wait_for pid_gone "$p"; done
	wait_until '[ "$(state_of "$ID")" = stopped ]'
}

@test "kill --all: reaches processes left behind when the init exited (no pid namespace)" {
	make_bundle '.linux.namespaces |= map(select(.type != "pid"))'
	set_argv /bin/sh -c 'sleep 1005 >/dev/null 2>&1 & echo $! ; exit 0'
	detached run -d -b "$BUNDLE" "$ID"
	wait_until '[ "$(state_of "$ID")" = stopped ]'
	wait_for grep -q . "$BATS_TEST_TMPDIR/out"
	left=$(cg_pids "$(cg_of "$ID")")
	[ -n "$left" ]
	pid_alive "$left"
	run berth kill --all "$ID" KILL
	assert_status 0
	wait_for pid_gone "$left"
	[ -z "$(cg_pids "$(cg_of "$ID")")" ]
}

@test "kill: a stopped container says container not running" {
	make_bundle
	set_args /bin/true
	detached run -d -b "$BUNDLE" "$ID"
	wait_until '[ "$(state_of "$ID")" = stopped ]'
	for sig in TERM 9 KILL; do
		run berth kill "$ID" "$sig"
		assert_status 1
		assert_error_eq "container not running"
	done
}

@test "kill: an unknown signal name is refused and nothing is sent" {
	catcher
	run berth kill "$ID" FOO
	assert_status 1
	assert_error_eq 'kill: unknown signal "FOO"'
	run berth kill "$ID" SIGNOPE
	assert_status 1
	assert_contains 'unknown signal "SIGNOPE"'
	run berth kill "$ID" 99
	assert_status 1
	assert_contains 'unknown signal "99"'
	run berth kill "$ID" 0x9
	assert_status 1
	assert_contains 'unknown signal'
	[ "$(state_of "$ID")" = running ]
	[ "$(cut -c1-4 "$BATS_TEST_TMPDIR/out" | grep -c got-)" = 0 ]
}

@test "kill: a container that does not exist" {
	run berth kill nope KILL
	assert_status 1
	assert_error_eq 'container "nope" does not exist'
}

@test "kill: KILL ends a created container before it starts" {
	make_bundle
	detached create -b "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid" "$ID"
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	berth kill "$ID" KILL
	wait_until '[ "$(state_of "$ID")" = stopped ]'
	pid_gone "$pid"
}

@test "kill: KILL ends a paused container" {
	make_bundle
	set_args /bin/sleep 1000
	detached run -d -b "$BUNDLE" "$ID"
	pid=$(init_pid)
	berth pause "$ID"
	[ "$(state_of "$ID")" = paused ]
	berth kill "$ID" KILL
	wait_for pid_gone "$pid"
	[ "$(state_of "$ID")" = stopped ]
}

@test "kill: extra arguments are refused" {
	catcher
	run berth kill "$ID" TERM extra
	assert_status 1
	assert_contains 'unexpected argument "extra"'
	[ "$(got TERM)" = 0 ]
}
