#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# berth sandbox: never an orphan, never a leftover — a sandbox whose berth
# is killed (kill -9 of a CI runner) takes its job along, and any later
# berth reclaims what it left: state dir, cgroup, writable layer.

load helpers

# sandbox_bg ARGS...: berth sandbox in the background (stdio to files,
# never a pipe bats waits on); its pid in $BERTH_PID
sandbox_bg() {
	"$BERTH" --root "$ROOT" sandbox --rootfs "$TEST_ROOTFS" "$@" \
		>"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" </dev/null &
	BERTH_PID=$!
}

# the job's processes on the host: a command line that begins with the
# marker ("sleep N"), so that berth's own, which holds it as an argument,
# never counts as the job
job_alive() {
	pgrep -f "^$1" >/dev/null
}

# no cgroup of that name below berth's, in any hierarchy
assert_no_cgroup_named() {
	local h
	for h in "$CG_ROOT" $V1_MOUNTS; do
		[ ! -e "$h/berth/$1" ] || { echo "cgroup left: $h/berth/$1" >&2; return 1; }
	done
}

# true when no job process is left within 2 s (checked every 0.1 s)
job_gone_within_2s() {
	for _ in $(seq 20); do
		job_alive "$1" || return 0
		sleep 0.1
	done
	! job_alive "$1"
}

@test "sandbox orphan: kill -9 of berth mid-job kills every job process within 2 s" {
	marker=4242$$
	sandbox_bg -- /bin/sh -c "sleep $marker & sleep $marker & sleep $marker"
	wait_until "job_alive 'sleep $marker' && [ -n \"\$(ls -d \"\$ROOT\"/sandbox-* 2>/dev/null)\" ]"
	kill -9 "$BERTH_PID"
	wait "$BERTH_PID" || true
	job_gone_within_2s "sleep $marker"
}

@test "sandbox orphan: the death signal holds for a job run as another user" {
	marker=4343$$
	sandbox_bg --user 1000:1000 -- /bin/sh -c "sleep $marker"
	wait_until "job_alive 'sleep $marker'"
	kill -9 "$BERTH_PID"
	wait "$BERTH_PID" || true
	job_gone_within_2s "sleep $marker"
}

@test "sandbox orphan: the state records its owner, and a later berth list reclaims state dir and cgroup" {
	marker=4444$$
	sandbox_bg --pids 50 -- /bin/sh -c "echo x > /written; sleep $marker"
	wait_until "job_alive 'sleep $marker'"
	dir=$(ls -d "$ROOT"/sandbox-*)
	[ "$(jq .berth.sandboxOwner.pid "$dir/state.json")" = "$BERTH_PID" ]
	[ "$(jq .berth.sandboxOwner.start "$dir/state.json")" = "$(awk '{print $22}' /proc/"$BERTH_PID"/stat)" ]
	cg=$(jq -r .berth.cgroup "$dir/state.json")
	kill -9 "$BERTH_PID"
	wait "$BERTH_PID" || true
	wait_until "! job_alive 'sleep $marker'"
	# left behind until some berth runs
	[ -d "$dir" ]
	run berth list -q
	assert_status 0
	[ -z "$output" ]
	[ ! -e "$dir" ]
	if [ "$cg" != null ]; then
		[ ! -e "$CG_ROOT$cg" ]
	fi
}

@test "sandbox orphan: a sandbox whose berth is alive is left alone" {
	marker=4545$$
	sandbox_bg -- /bin/sh -c "sleep $marker"
	wait_until "job_alive 'sleep $marker'"
	run berth list -q
	assert_contains "sandbox-"
	job_alive "sleep $marker"
	kill -TERM "$BERTH_PID"
	wait "$BERTH_PID" || true
}

@test "sandbox orphan: a running sandbox is judged from its name, its maker's pid and start time: another berth opens no state of it" {
	marker=4646$$
	sandbox_bg -- /bin/sh -c "sleep $marker"
	wait_until "job_alive 'sleep $marker'"
	dir=$(ls -d "$ROOT"/sandbox-*)
	# sandbox-<pid>-<start, hex>-<...>
	[[ "${dir##*/}" == "sandbox-$BERTH_PID-$(printf %x "$(awk '{print $22}' /proc/"$BERTH_PID"/stat)")-"* ]]
	command -v strace >/dev/null || skip "needs strace (Debian package strace)"
	# a verb that reads no container of its own: only the reclaim looks
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -qq -e trace=openat,open -o "$BATS_TEST_TMPDIR/trace" \
		"$BERTH" --root "$ROOT" state no-such-container || true
	cat "$BATS_TEST_TMPDIR/trace"
	grep -q "/proc/$BERTH_PID/stat" "$BATS_TEST_TMPDIR/trace"
	! grep -q "state.json" "$BATS_TEST_TMPDIR/trace"
	! grep -q "\"${dir##*/}\"" "$BATS_TEST_TMPDIR/trace"
	job_alive "sleep $marker"
	kill -TERM "$BERTH_PID"
	wait "$BERTH_PID" || true
}

@test "sandbox orphan: with --init too, kill -9 of berth ends the job and the next berth reclaims it" {
	marker=4646$$
	sandbox_bg --init -- /bin/sh -c "sleep $marker & sleep $marker"
	wait_until "pgrep -f '^sleep $marker' >/dev/null"
	kill -9 "$BERTH_PID"
	wait "$BERTH_PID" || true
	for _ in $(seq 20); do
		pgrep -f "^sleep $marker" >/dev/null || break
		sleep 0.1
	done
	! pgrep -f "^sleep $marker" >/dev/null
	run berth list -q
	assert_status 0
	[ -z "$output" ]
}

@test "sandbox orphan: a berth killed after making the job's cgroups, before recording them, leaves nothing the next berth does not reclaim" {
	run env BERTH_FAULT_STEP=cgroup-made "$BERTH" --root "$ROOT" sandbox --rootfs "$TEST_ROOTFS" \
		-- /bin/true </dev/null
	[ "$status" = 137 ]
	id=$(basename "$(ls -d "$ROOT"/sandbox-*)")
	# made, and marked as berth's, but not in the state
	[ -d "$CG_ROOT/berth/$id" ]
	[ "$(jq .berth.cgroup "$ROOT/$id/state.json" 2>/dev/null || echo null)" = null ]
	run berth list -q
	assert_status 0
	[ ! -e "$ROOT/$id" ]
	assert_no_cgroup_named "$id"
}

@test "sandbox orphan: a v1 cpuset a killed berth made but had not yet renamed (NAME.berth-PID) is reclaimed too" {
	cpuset=$(v1_mount cpuset)
	[ -n "$cpuset" ] || skip "no v1 cpuset hierarchy on this host"
	# --stats: a cgroup in every hierarchy, the cpuset one too
	run env BERTH_FAULT_STEP=cgroup-made "$BERTH" --root "$ROOT" sandbox --rootfs "$TEST_ROOTFS" \
		--stats "$BATS_TEST_TMPDIR/s.json" -- /bin/true </dev/null
	[ "$status" = 137 ]
	id=$(basename "$(ls -d "$ROOT"/sandbox-*)")
	pid=${id#sandbox-}
	pid=${pid%%-*}
	# as if killed between the cpuset's mkdir and its rename
	mv "$cpuset/berth/$id" "$cpuset/berth/$id.berth-$pid"
	run berth list -q
	assert_status 0
	[ ! -e "$cpuset/berth/$id.berth-$pid" ]
	assert_no_cgroup_named "$id"
}
