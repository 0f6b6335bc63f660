#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# env: the process's environment, working directory and executable lookup.

load helpers
load lib/iso

@test "env: the environment is exactly the configured one plus HOME" {
	make_bundle '.process.env = ["PATH=/bin", "A=1", "B=two words", "EMPTY=", "X=a=b"]'
	set_args env
	LEAKY_FROM_HOST=1 run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_line_eq "$(sort <<<"$output")" "A=1
B=two words
EMPTY=
HOME=/root
PATH=/bin
X=a=b"
}

@test "env: nothing of berth's own environment reaches the container" {
	make_bundle '.process.env = ["PATH=/bin"]'
	set_args env
	run env -i PATH="$PATH" SECRET_TOKEN=hunter2 LISTEN_PID=1 "$BERTH" --root "$ROOT" run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_not_contains SECRET_TOKEN
	assert_not_contains hunter2
	assert_not_contains LISTEN
}

@test "env: an empty env gives only HOME" {
	make_bundle '.process.env = []'
	set_args /bin/env
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_line_eq "$output" "HOME=/root"
}

@test "env: a missing cwd is created, as runc does" {
	make_bundle '.process.cwd = "/work/dir/deep"'
	own_rootfs
	run_sh 'pwd; probe cwd'
	assert_status 0
	assert_line_eq "$output" "/work/dir/deep
/work/dir/deep"
	[ -d "$ROOTFS/work/dir/deep" ]
	[ ! -e /work/dir ]
}

@test "env: a missing cwd is created even with a read-only root" {
	make_bundle '.process.cwd = "/made/here" | .root.readonly = true'
	own_rootfs
	run_sh 'probe cwd'
	assert_status 0
	assert_line_eq "$output" /made/here
	[ -d "$ROOTFS/made/here" ]
}

@test "env: a cwd that is a file fails clearly and leaves nothing" {
	make_bundle '.process.cwd = "/etc/passwd"'
	set_args true
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "process.cwd '/etc/passwd'"
	assert_contains "Not a directory"
	assert_no_state
}

# a host directory with a marker, and the same path inside the rootfs
# with another: a symlink in the image pointing at the path must reach
# the rootfs's copy, never the host's
two_targets() {
	HOST_T=$BATS_TEST_TMPDIR/host-target
	mkdir "$HOST_T"
	echo host-only > "$HOST_T/host-marker"
	mkdir -p "$ROOTFS$HOST_T"
	echo in-rootfs > "$ROOTFS$HOST_T/rootfs-marker"
}

@test "env: a cwd through an absolute symlink stays inside the rootfs" {
	make_bundle '.process.cwd = "/escape"'
	own_rootfs
	two_targets
	ln -s "$HOST_T" "$ROOTFS/escape"
	run_sh 'ls -A; cat ../../../../../../../../../..$(probe cwd)/host-marker 2>&1'
	assert_status 1
	assert_line_eq "${lines[0]}" rootfs-marker
	assert_not_contains host-only
	# and a missing directory below it is made in the rootfs
	edit_config '.process.cwd = "/escape/newdir"'
	run_sh 'probe cwd'
	assert_status 0
	assert_line_eq "$output" "$HOST_T/newdir"
	[ -d "$ROOTFS$HOST_T/newdir" ]
	[ ! -e "$HOST_T/newdir" ]
}

@test "env: a cwd through a ../.. symlink stays inside the rootfs" {
	make_bundle '.process.cwd = "/up"'
	own_rootfs
	two_targets
	ln -s "../../../../../../../../../../..$HOST_T" "$ROOTFS/up"
	run_sh 'ls -A; cat ../../../../../../../../../..$(probe cwd)/host-marker 2>&1'
	assert_status 1
	assert_line_eq "${lines[0]}" rootfs-marker
	assert_not_contains host-only
	edit_config '.process.cwd = "/up/newdir"'
	run_sh 'probe cwd'
	assert_status 0
	assert_line_eq "$output" "$HOST_T/newdir"
	[ ! -e "$HOST_T/newdir" ]
}

@test "env: args[0] is looked up in the config's PATH, skipping non-executables" {
	make_bundle '.process.env = ["PATH=/opt/a:/opt/b"]'
	own_rootfs
	mkdir -p "$ROOTFS/opt/a" "$ROOTFS/opt/b"
	printf '#!/bin/sh\necho from-a\n' > "$ROOTFS/opt/a/mytool"
	chmod 644 "$ROOTFS/opt/a/mytool"
	printf '#!/bin/sh\necho from-b\n' > "$ROOTFS/opt/b/mytool"
	chmod 755 "$ROOTFS/opt/b/mytool"
	set_args mytool
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_line_eq "$output" from-b
}

@test "env: args[0] is not looked up in the host's PATH" {
	make_bundle '.process.env = ["PATH=/nowhere"]'
	set_args sh -c true
	run berth run -b "$BUNDLE" "$ID"
	# (callers such as docker turn these texts into 127 and 126)
	assert_status 1
	assert_contains 'exec "sh": executable file not found in $PATH'
	assert_no_state
}

@test "env: without PATH in the env the default PATH is searched" {
	make_bundle '.process.env = ["A=1"]'
	set_args probe cwd
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_line_eq "$output" /
}

@test "env: a missing or non-executable args[0] fails with the errno text callers match" {
	make_bundle
	own_rootfs
	printf '#!/bin/sh\necho never\n' > "$ROOTFS/bin/not-exec"
	chmod 644 "$ROOTFS/bin/not-exec"
	set_args /bin/no-such-binary
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "no such file or directory"
	assert_no_state
	set_args /bin/not-exec
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "permission denied"
	assert_not_contains never
}

@test "env: LISTEN_FDS from systemd socket activation becomes LISTEN_FDS and LISTEN_PID=1" {
	make_bundle '.process.env = ["PATH=/bin"]'
	echo activated > "$BATS_TEST_TMPDIR/sock-stand-in"
	set_args sh -c 'env | grep ^LISTEN_ | sort; cat <&3'
	run sh -c 'LISTEN_FDS=1 LISTEN_PID=$$ exec "$0" --root "$1" run -b "$2" "$3" 3<"$4"' \
		"$BERTH" "$ROOT" "$BUNDLE" "$ID" "$BATS_TEST_TMPDIR/sock-stand-in"
	assert_status 0
	assert_line_eq "$output" "LISTEN_FDS=1
LISTEN_PID=1
activated"
}
