#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Concurrency: callers run verbs on the same container at once (the shim
# kills while the CRI asks for state; a user deletes while an exec is
# starting).  Every verb must either do its work or fail with one of the
# phrasings callers understand; none may crash, hang or corrupt the state.

load helpers
load lib/cli

# par NAME BERTH-ARGS...: run berth in the background; its status goes
# to $P/NAME.rc, its output to $P/NAME.out and .err
par() {
	local name=$1
	shift
	(
		rc=0
		"$BERTH" --root "$ROOT" "$@" >"$P/$name.out" 2>"$P/$name.err" </dev/null || rc=$?
		echo "$rc" > "$P/$name.rc"
	) 3>&- &
	PIDS+=($!)
}

wait_all() {
	local p
	for p in "${PIDS[@]}"; do
		wait "$p"
	done
	PIDS=()
}

# every job ended: status 0, or 1 with a message from the allowed list
# (a regex); never a crash (128+N) or any other message
assert_outcomes() {
	local allowed=$1 f name rc bad=0
	for f in "$P"/*.rc; do
		name=$(basename "$f" .rc)
		rc=$(cat "$f")
		if [ "$rc" = 0 ]; then
			continue
		fi
		# an exec'd process that had started when delete --force or the
		# init's death killed it: its own 128+9, as runc exec reports it
		# (berth exec is in no cgroup of the container's)
		if [[ $name == exec* ]] && [ "$rc" = 137 ] && [ ! -s "$P/$name.err" ]; then
			continue
		fi
		if [ "$rc" != 1 ] || ! grep -qE "^berth: ($allowed)\$" "$P/$name.err"; then
			echo "$name: status $rc: $(cat "$P/$name.err")" >&2
			bad=1
		fi
	done
	return "$bad"
}

show_outcomes() {
	local f
	for f in "$P"/*.rc; do
		echo "$(basename "$f" .rc): status $(cat "$f"): $(cat "${f%.rc}.err")" >&2
	done
}

setup() {
	helpers_setup
	P=$BATS_TEST_TMPDIR/par
	mkdir -p "$P"
	PIDS=()
}

@test "concurrency: 10 parallel state, exec, kill, ps and list on one running container" {
	make_bundle
	set_args /bin/sh -c 'trap "echo usr1" USR1; while :; do sleep 0.1; done'
	detached run -d -b "$BUNDLE" "$ID"
	for i in 1 2 3; do par "state$i" state "$ID"; done
	for i in 1 2; do par "exec$i" exec "$ID" sh -c "echo exec$i"; done
	for i in 1 2; do par "kill$i" kill "$ID" USR1; done
	for i in 1 2; do par "ps$i" ps --format json "$ID"; done
	par list list --format json
	wait_all
	assert_outcomes '^$'
	for i in 1 2 3; do
		[ "$(jq -r .status "$P/state$i.out")" = running ]
		[ "$(jq -r .pid "$P/state$i.out")" = "$(init_pid)" ]
	done
	for i in 1 2; do
		[ "$(cat "$P/exec$i.out")" = "exec$i" ]
		[ "$(jq -r 'type' "$P/ps$i.out")" = array ]
	done
	[ "$(jq -r '.[0].status' "$P/list.out")" = running ]
	[ "$(state_of "$ID")" = running ]
	# the exec'd processes are gone again; only the init (and its sleep)
	wait_until '[ "$(cg_pids "$(cg_of "$ID")" | wc -l)" -le 2 ]'
}

@test "concurrency: state, exec, kill, pause and delete --force at once, five times over" {
	make_bundle
	set_args /bin/sleep 1000
	# kill --all TERM may reach an exec'd process before it has started
	allowed='container "[^"]*" does not exist|container not running|container not paused|cannot exec in a paused container'
	allowed+='|the process was killed by signal 15 \(Terminated\) before it started'
	for round in 1 2 3 4 5; do
		id=$ID-$round
		detached run -d -b "$BUNDLE" "$id"
		pid=$(init_pid "$id")
		rm -f "$P"/*
		par delete delete --force "$id"
		for i in 1 2 3; do par "state$i" state "$id"; done
		for i in 1 2; do par "exec$i" exec "$id" true; done
		par kill1 kill "$id" KILL
		par kill2 kill --all "$id" TERM
		par pause pause "$id"
		par resume resume "$id"
		wait_all
		assert_outcomes "$allowed"
		# whatever state answered is a real status
		for i in 1 2 3; do
			[ "$(cat "$P/state$i.rc")" != 0 ] || [[ "$(jq -r .status "$P/state$i.out")" =~ ^(running|paused|stopped)$ ]]
		done
		[ "$(cat "$P/delete.rc")" = 0 ]
		wait_for pid_gone "$pid"
		assert_container_gone "$id" "$pid"
	done
}

@test "concurrency: 20 parallel runs of distinct ids all succeed and leave nothing" {
	make_bundle
	set_argv /bin/sh -c 'echo "hello from $(hostname)"'
	edit_config '.hostname = "par"'
	for i in $(seq 20); do par "run$i" run -b "$BUNDLE" "$ID-$i"; done
	wait_all
	for i in $(seq 20); do
		[ "$(cat "$P/run$i.rc")" = 0 ] || { echo "run$i: $(cat "$P/run$i.err")" >&2; false; }
		[ "$(cat "$P/run$i.out")" = "hello from par" ]
	done
	assert_root_empty
	[ -z "$(ls -d "$CG_ROOT"/berth/"$ID"-* 2>/dev/null)" ]
}

@test "concurrency: 20 parallel run -d then 20 parallel delete --force leave nothing" {
	make_bundle
	set_args /bin/sleep 1000
	for i in $(seq 20); do par "run$i" run -d -b "$BUNDLE" "$ID-$i"; done
	wait_all
	assert_outcomes '^$'
	[ "$(berth list -q | wc -l)" = 20 ]
	[ "$(berth list --format json | jq -r 'map(.status) | unique | join(",")')" = running ]
	pids=$(berth list --format json | jq -r '.[].pid')
	rm -f "$P"/*
	for i in $(seq 20); do par "delete$i" delete --force "$ID-$i"; done
	wait_all
	assert_outcomes '^$'
	for p in $pids; do wait_for pid_gone "$p"; done
	assert_root_empty
	[ -z "$(ls -d "$CG_ROOT"/berth/"$ID"-* 2>/dev/null)" ]
}

@test "concurrency: parallel creates of one id: exactly one wins, the others say it exists" {
	make_bundle
	set_args /bin/sleep 1000
	for i in $(seq 8); do par "create$i" create -b "$BUNDLE" "$ID"; done
	wait_all
	[ "$(cat "$P"/create*.rc | grep -c '^0$')" = 1 ] || { show_outcomes; false; }
	assert_outcomes "container \"$ID\" already exists"
	[ "$(state_of "$ID")" = created ]
	[ "$(cg_pids "$(cg_of "$ID")")" = "$(init_pid)" ]
}

@test "concurrency: parallel starts of one created container: exactly one starts it" {
	make_bundle
	set_args /bin/sleep 1000
	detached create -b "$BUNDLE" "$ID"
	for i in $(seq 6); do par "start$i" start "$ID"; done
	wait_all
	[ "$(cat "$P"/start*.rc | grep -c '^0$')" = 1 ] || { show_outcomes; false; }
	assert_outcomes 'cannot start a container in status (running|created) \(must be created\)'
	[ "$(state_of "$ID")" = running ]
}

@test "concurrency: parallel delete --force of one container: all succeed, nothing left" {
	make_bundle
	set_args /bin/sh -c 'sleep 1000 & exec sleep 1001'
	detached run -d -b "$BUNDLE" "$ID"
	pids=$(cg_pids "$(cg_of "$ID")")
	for i in $(seq 8); do par "delete$i" delete --force "$ID"; done
	wait_all
	assert_outcomes '^$'
	for p in $pids; do wait_for pid_gone "$p"; done
	assert_container_gone "$ID"
}

@test "concurrency: list while containers come and go never shows a half-made one" {
	make_bundle
	set_args /bin/sleep 1000
	for i in $(seq 10); do par "run$i" run -d -b "$BUNDLE" "$ID-$i"; done
	for i in $(seq 10); do par "list$i" list --format json; done
	wait_all
	assert_outcomes '^$'
	for i in $(seq 10); do
		jq -e 'type == "array"' "$P/list$i.out" >/dev/null
		[ "$(jq -r 'map(.status) | map(select(. != "created" and . != "running")) | length' "$P/list$i.out")" = 0 ]
		[ "$(jq -r 'map(select(.pid <= 0)) | length' "$P/list$i.out")" = 0 ]
	done
}

@test "concurrency: the init of a created container never dies with berth's exit (30 creates)" {
	make_bundle
	set_args /bin/sleep 1000
	dead=()
	for i in $(seq 30); do
		detached create -b "$BUNDLE" --pid-file "$P/pid$i" "$ID-$i"
		s=$(state_of "$ID-$i")
		[ "$s" = created ] || dead+=("$ID-$i: $s")
	done
	[ "${#dead[@]}" = 0 ] || { printf '%s\n' "${dead[@]}" >&2; false; }
}
