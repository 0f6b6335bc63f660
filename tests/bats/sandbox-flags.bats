#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# berth sandbox: the docker-like flags a CI job uses — --tmpfs with
# options, --ulimit, -e NAME (inherited), --env-file — and errors that
# name the flag, never a config.json the user did not write.

load helpers

sandbox() {
	"$BERTH" --root "$ROOT" sandbox --rootfs "$TEST_ROOTFS" "$@"
}

@test "sandbox flags: --tmpfs DST:size=,mode= mounts a sized tmpfs at DST, not a directory named after the options" {
	run sandbox --tmpfs /scratch:size=10m,mode=700 -- /bin/sh -c \
		'grep " /scratch " /proc/self/mountinfo; stat -c %a /scratch; ls / | grep -c size= || true'
	assert_status 0
	assert_contains "tmpfs tmpfs rw,size=10240k,mode=700"
	assert_contains "nosuid,nodev"
	[ "$(sed -n 2p <<<"$output")" = 700 ]
	[ "$(sed -n 3p <<<"$output")" = 0 ]
}

@test "sandbox flags: --tmpfs with a bad option or size fails naming --tmpfs, and creates nothing" {
	run sandbox --tmpfs /scratch:size=lots -- /bin/true
	assert_status 125
	assert_contains "--tmpfs"
	assert_contains "lots"
	run sandbox --tmpfs /scratch:exec=maybe -- /bin/true
	assert_status 125
	assert_contains '--tmpfs: "/scratch:exec=maybe": unknown option'
	run sandbox --tmpfs scratch -- /bin/true
	assert_status 125
	assert_contains "--tmpfs"
	assert_root_empty
}

@test "sandbox flags: --ulimit NAME=SOFT[:HARD] sets the job's limits, with docker's names" {
	run sandbox --ulimit nofile=100:200 --ulimit core=0 --ulimit nproc=500 -- \
		/bin/sh -c 'ulimit -Sn; ulimit -Hn; ulimit -c; ulimit -u'
	assert_status 0
	assert_line_eq "$output" $'100\n200\n0\n500'
	run sandbox --ulimit nofile=200:100 -- /bin/true
	assert_status 125
	assert_contains "--ulimit"
	run sandbox --ulimit files=10 -- /bin/true
	assert_status 125
	assert_contains '--ulimit: "files=10": unknown limit'
}

@test "sandbox flags: -e NAME takes berth's own value, and is skipped when unset" {
	unset BERTH_TEST_UNSET
	BERTH_TEST_VAR='from the runner' run sandbox -e BERTH_TEST_VAR -e BERTH_TEST_UNSET -e X=1 -- \
		/bin/sh -c 'echo "[$BERTH_TEST_VAR]"; env | grep -c BERTH_TEST_UNSET; echo "$X"'
	assert_status 0
	assert_line_eq "$output" $'[from the runner]\n0\n1'
}

@test "sandbox flags: --env-file takes docker's format, and -e wins over it" {
	printf '# a comment\n\nA=from file\nB=b=c\n  C\nD=file\n' > "$BATS_TEST_TMPDIR/env"
	C='inherited' run sandbox --env-file "$BATS_TEST_TMPDIR/env" -e D=flag -- \
		/bin/sh -c 'echo "$A|$B|$C|$D"; env | grep -c "^D="'
	assert_status 0
	assert_line_eq "$output" $'from file|b=c|inherited|flag\n1'
	printf 'GOOD=1\nBAD NAME=2\n' > "$BATS_TEST_TMPDIR/bad"
	run sandbox --env-file "$BATS_TEST_TMPDIR/bad" -- /bin/true
	assert_status 125
	assert_contains "line 2"
	run sandbox --env-file "$BATS_TEST_TMPDIR/missing" -- /bin/true
	assert_status 125
	assert_contains "--env-file"
}

@test "sandbox flags: errors about sandbox flags name the flag, never config.json" {
	for args in "-w relative" "-e =x" "--memory 1k" "--tmpfs relative" "--ulimit nofile=x"; do
		# shellcheck disable=SC2086
		run sandbox $args -- /bin/true
		assert_status 125
		assert_not_contains "config.json"
		assert_contains "${args%% *}"
	done
	run sandbox -e 'BAD NAME=1' -- /bin/true
	assert_status 125
	assert_contains "-e"
	assert_not_contains "config.json"
}

@test "sandbox flags: a PATH given with -e replaces the default, once" {
	run sandbox -e PATH=/bin -- /bin/sh -c 'env | grep -c "^PATH="; echo "$PATH"'
	assert_status 0
	assert_line_eq "$output" $'1\n/bin'
}
