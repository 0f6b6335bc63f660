#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# fds: exactly stdio, plus the fds --preserve-fds and LISTEN_FDS ask for,
# reach the container's process; nothing of berth's or the caller's leaks.

load helpers
load lib/iso

# the fd numbers the probe sees, on one line
fd_list='probe fds | cut -d" " -f1 | sort -n | xargs'

mkfiles() {
	local i
	for i in "$@"; do
		echo "content-$i" > "$BATS_TEST_TMPDIR/f$i"
	done
}

# berth_with_fds ARGS...: berth with fds 3..6 on f3..f6 and 9 on f9
berth_with_fds() {
	mkfiles 3 4 5 6 9
	local t=$BATS_TEST_TMPDIR
	"$BERTH" --root "$ROOT" "$@" 3<"$t/f3" 4<"$t/f4" 5<"$t/f5" 6<"$t/f6" 9<"$t/f9"
}

@test "fds: only 0, 1 and 2 are open in the container, whatever berth was given" {
	make_bundle
	set_args sh -c "$fd_list"
	run berth_with_fds run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_line_eq "$output" "0 1 2"
}

@test "fds: --preserve-fds 2 passes exactly fds 3 and 4" {
	make_bundle
	set_args sh -c "$fd_list; cat <&3; cat <&4"
	run berth_with_fds run --preserve-fds 2 -b "$BUNDLE" "$ID"
	assert_status 0
	assert_line_eq "$output" "0 1 2 3 4
content-3
content-4"
}

@test "fds: --preserve-fds passes the fds through create and start" {
	make_bundle
	set_args sh -c "$fd_list; cat <&3"
	mkfiles 3 4
	"$BERTH" --root "$ROOT" create --preserve-fds 1 -b "$BUNDLE" "$ID" \
		3<"$BATS_TEST_TMPDIR/f3" 4<"$BATS_TEST_TMPDIR/f4" \
		>"$BATS_TEST_TMPDIR/out" 2>&1 </dev/null
	# start's own fds must not matter
	berth_with_fds start "$ID"
	wait_for status_is stopped
	assert_line_eq "$(cat "$BATS_TEST_TMPDIR/out")" "0 1 2 3
content-3"
}

@test "fds: --preserve-fds naming a closed fd fails clearly and leaves nothing" {
	make_bundle
	set_args true
	run berth run --preserve-fds 8 -b "$BUNDLE" "$ID" 3</dev/null 4</dev/null
	assert_status 1
	assert_contains "--preserve-fds: fd"
	assert_no_state
}

@test "fds: an exec'd process gets only stdio, or the fds it preserves" {
	make_bundle
	start_sleeper
	run berth_with_fds exec "$ID" sh -c "$fd_list"
	assert_status 0
	assert_line_eq "$output" "0 1 2"
	run berth_with_fds exec --preserve-fds 1 "$ID" sh -c "$fd_list; cat <&3"
	assert_status 0
	assert_line_eq "$output" "0 1 2 3
content-3"
}

@test "fds: LISTEN_FDS passes the socket-activation fds and sets LISTEN_FDS" {
	make_bundle
	mkfiles 3 4 5
	set_args sh -c "$fd_list; echo \$LISTEN_FDS \$LISTEN_PID; cat <&3 <&4"
	t=$BATS_TEST_TMPDIR
	run sh -c 'LISTEN_FDS=2 LISTEN_PID=$$ exec "$@"' sh \
		"$BERTH" --root "$ROOT" run -b "$BUNDLE" "$ID" 3<"$t/f3" 4<"$t/f4" 5<"$t/f5"
	assert_status 0
	assert_line_eq "${lines[0]}" "0 1 2 3 4"
	assert_line_eq "${lines[1]}" "2 1"
}

@test "fds: LISTEN_FDS and --preserve-fds add up, listen fds first" {
	make_bundle
	mkfiles 3 4 5 6
	set_args sh -c "$fd_list; echo \$LISTEN_FDS; cat <&5"
	t=$BATS_TEST_TMPDIR
	run sh -c 'LISTEN_FDS=2 LISTEN_PID=$$ exec "$@"' sh \
		"$BERTH" --root "$ROOT" run --preserve-fds 1 -b "$BUNDLE" "$ID" \
		3<"$t/f3" 4<"$t/f4" 5<"$t/f5" 6<"$t/f6"
	assert_status 0
	assert_line_eq "$output" "0 1 2 3 4 5
2
content-5"
}

@test "fds: LISTEN_FDS meant for another process is ignored" {
	make_bundle
	mkfiles 3 4
	set_args sh -c "$fd_list; echo \"[\$LISTEN_FDS]\""
	t=$BATS_TEST_TMPDIR
	# LISTEN_PID names some other process: the fds are not for berth
	run env LISTEN_FDS=1 LISTEN_PID=1 "$BERTH" --root "$ROOT" run -b "$BUNDLE" "$ID" 3<"$t/f3" 4<"$t/f4"
	assert_status 0
	assert_line_eq "$output" "0 1 2
[]"
}
