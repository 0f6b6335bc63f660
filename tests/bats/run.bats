#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# run: create + start + wait + delete in one verb.

load helpers

@test "run: prints the process output and exits with its status" {
	make_bundle
	run_sh 'echo hello; exit 7'
	assert_status 7
	assert_line_eq "$output" "hello"
}

@test "run: a container killed by a signal gives 128+N" {
	make_bundle
	set_args /bin/sleep 100
	"$BERTH" --root "$ROOT" run -b "$BUNDLE" "$ID" &
	runner=$!
	wait_until '[ "$(state_of "$ID")" = running ]'
	berth kill "$ID" KILL
	wait "$runner" || rc=$?
	[ "${rc:-0}" = 137 ]
}

@test "run: deletes the container afterwards, leaving no state or cgroup" {
	make_bundle
	run_sh 'grep ^0:: /proc/self/cgroup'
	assert_status 0
	assert_line_eq "$output" "0::/berth/$ID"
	[ ! -e "$ROOT/$ID" ]
	[ ! -e "$CG_ROOT/berth/$ID" ]
}

@test "run: with a cgroup namespace the container's cgroup is its root" {
	make_bundle '.linux.namespaces += [{"type": "cgroup"}]'
	run_sh 'grep ^0:: /proc/self/cgroup'
	assert_status 0
	assert_line_eq "$output" "0::/"
}

@test "run: the container is in its own cgroup while it runs" {
	make_bundle
	set_args /bin/sleep 100
	detached run -d -b "$BUNDLE" "$ID"
	pid=$(berth state "$ID" | jq .pid)
	grep -qx "$pid" "$CG_ROOT/berth/$ID/cgroup.procs"
}

@test "run --keep: leaves a stopped container to delete" {
	make_bundle
	run_sh 'exit 3'
	berth delete "$ID" 2>/dev/null || true
	set_args /bin/true
	run berth run --keep -b "$BUNDLE" "$ID"
	assert_status 0
	[ "$(state_of "$ID")" = stopped ]
	[ "$(berth state "$ID" | jq .pid)" = 0 ]
	berth delete "$ID"
	[ ! -e "$ROOT/$ID" ]
}

@test "run -d: detaches and the container keeps running" {
	make_bundle
	set_args /bin/sleep 100
	run detached run -d --pid-file "$BATS_TEST_TMPDIR/pid" -b "$BUNDLE" "$ID"
	assert_status 0
	[ "$(state_of "$ID")" = running ]
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	[ "$pid" = "$(berth state "$ID" | jq .pid)" ]
	kill -0 "$pid"
}

@test "run: signals sent to berth reach the container" {
	make_bundle
	set_args /bin/sh -c 'trap "echo got TERM; exit 11" TERM; echo ready; while :; do sleep 0.1; done'
	"$BERTH" --root "$ROOT" run -b "$BUNDLE" "$ID" > "$BATS_TEST_TMPDIR/out" &
	runner=$!
	wait_for grep -q ready "$BATS_TEST_TMPDIR/out"
	kill -TERM "$runner"
	wait "$runner" || rc=$?
	[ "${rc:-0}" = 11 ]
	grep -q "got TERM" "$BATS_TEST_TMPDIR/out"
}

@test "run: stdin reaches the process" {
	make_bundle
	set_args /bin/sh -c 'read line; echo "read: $line"'
	run berth run -b "$BUNDLE" "$ID" <<<"typed"
	assert_status 0
	assert_line_eq "$output" "read: typed"
}

@test "run: an id that is already in use is refused" {
	make_bundle
	set_args /bin/sleep 100
	detached run -d -b "$BUNDLE" "$ID"
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "container \"$ID\" already exists"
}

@test "run: invalid container ids are refused before anything is created" {
	make_bundle
	for bad in "a/b" ".." "." "" "x y"; do
		run berth run -b "$BUNDLE" "$bad"
		[ "$status" -ne 0 ]
		assert_contains "id"
	done
	assert_root_empty
}

@test "create: signals the caller ignores are back to default in the container" {
	make_bundle
	set_args /bin/grep ^SigIgn: /proc/self/status
	# trap '' makes XCPU and VTALRM ignored in berth and so in the
	# init it clones; execve keeps ignored signals: berth must reset them
	bash -c "trap '' XCPU VTALRM; exec '$BERTH' --root '$ROOT' create -b '$BUNDLE' '$ID'" \
		>"$BATS_TEST_TMPDIR/out" 2>&1 </dev/null
	berth start "$ID"
	wait_until '[ "$(state_of "$ID")" = stopped ]'
	assert_line_eq "$(cat "$BATS_TEST_TMPDIR/out")" "SigIgn:	0000000000000000"
}

@test "run --no-pivot: the rootfs is / by move and chroot, and climbing out of a chroot stays in it" {
	make_bundle "$(caps_add CAP_SYS_CHROOT)"
	set_args /bin/sh -c 'stat -c %d:%i /; ls /; probe chroot-escape /dev/esc'
	run berth run --no-pivot -b "$BUNDLE" "$ID"
	assert_status 0
	# the very directory of the rootfs, and nothing of the host's /
	assert_line_eq "${lines[0]}" "$(stat -c %d:%i "$TEST_ROOTFS")"
	assert_line_eq "$(sed '1d;$d' <<<"$output")" "$(ls "$TEST_ROOTFS")"
	# the rootfs is stacked on the namespace's "/": ".." from above it
	# lands on it again (the host's root lies beneath, reachable only by
	# unmounting it: CAP_SYS_ADMIN, which is why --no-pivot is for
	# trusted roots)
	assert_line_eq "${lines[-1]}" "${lines[0]}"
}
