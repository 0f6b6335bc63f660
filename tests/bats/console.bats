#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# --console-socket: the runtime allocates the pty inside the container,
# makes it the process's stdio and /dev/console, applies consoleSize, and
# sends the master in ONE message with ONE fd and a non-empty payload
# (the pty name) to the caller's socket, without waiting for a reply.
# recvtty (tests/tools) plays the caller and checks that protocol.

load helpers
load lib/cli

# what a process reports about its terminal, one fact per line
REPORT='for fd in 0 1 2; do echo "fd$fd $(readlink /proc/$$/fd/$fd)"; done
echo "tty $(tty)"
echo "size $(stty size)"
echo "console $(stat -c %t:%T /dev/console)"
echo "ttydev $(stat -c %t:%T $(tty))"
read -r line; echo "input $line"'

tty_bundle() {
	make_bundle '.process.terminal = true | .process.consoleSize = {"height": 27, "width": 93}'
	set_argv /bin/sh -c "$REPORT"
}

fact() {
	sed -n "s/^$1 //p" "$BATS_TEST_TMPDIR/tty.out" | tr -d '\r'
}

info() {
	sed -n "s/^$1 //p" "$BATS_TEST_TMPDIR/tty.info"
}

# the facts every terminal process must show
assert_terminal() {
	local name
	name=$(fact tty)
	[[ "$name" =~ ^/dev/pts/[0-9]+$ ]] || { echo "tty: $name" >&2; return 1; }
	for fd in 0 1 2; do
		[ "$(fact "fd$fd")" = "$name" ] || { echo "fd$fd: $(fact "fd$fd")" >&2; return 1; }
	done
	# the payload is the pty's name, and the master sent is that pty's
	[ "$(info payload)" = "$name" ]
	[ "$(info pty)" = "$name" ]
	[ "$(fact input)" = "typed" ]
}

@test "create --console-socket: stdio and /dev/console are the pty, sized, named in the payload" {
	tty_bundle
	start_recvtty -i $'typed\n'
	run detached create -b "$BUNDLE" --console-socket "$SOCK" "$ID"
	assert_status 0
	berth start "$ID"
	wait_recvtty
	assert_terminal
	[ "$(fact size)" = "27 93" ]
	[ "$(fact console)" = "$(fact ttydev)" ]
	[ "$(fact ttydev | cut -d: -f1)" = 88 ]    # major 136: a pts
}

@test "create --console-socket: an image's own /dev/console (a FIFO, no tmpfs on /dev) is replaced, never opened" {
	tty_bundle
	# the image's /dev itself: no tmpfs mounted over it
	edit_config '.mounts |= map(select(.destination != "/dev"))'
	cp -a "$TEST_ROOTFS" "$BATS_TEST_TMPDIR/rootfs"
	edit_config ".root.path = \"$BATS_TEST_TMPDIR/rootfs\""
	rm -f "$BATS_TEST_TMPDIR/rootfs/dev/console"
	mkfifo "$BATS_TEST_TMPDIR/rootfs/dev/console"
	start_recvtty -i $'typed\n'
	# opening the FIFO for writing would block the init for good
	run timeout 20 "$BERTH" --root "$ROOT" create -b "$BUNDLE" --console-socket "$SOCK" "$ID"
	assert_status 0
	berth start "$ID"
	wait_recvtty
	assert_terminal
	[ "$(fact console)" = "$(fact ttydev)" ]
}

@test "run -d --console-socket: the same for a detached run" {
	tty_bundle
	start_recvtty -i $'typed\n'
	run detached run -d -b "$BUNDLE" --console-socket "$SOCK" "$ID"
	assert_status 0
	wait_recvtty
	assert_terminal
	[ "$(fact size)" = "27 93" ]
	[ "$(fact console)" = "$(fact ttydev)" ]
}

@test "exec -t --console-socket -d: the exec'd process gets its own pty" {
	make_bundle
	set_args /bin/sleep 1000
	detached run -d -b "$BUNDLE" "$ID"
	start_recvtty -i $'typed\n'
	run detached exec -t -d --console-socket "$SOCK" "$ID" /bin/sh -c "$REPORT"
	assert_status 0
	wait_recvtty
	assert_terminal
}

@test "exec --process with terminal and consoleSize: the containerd form" {
	make_bundle
	set_args /bin/sleep 1000
	detached run -d -b "$BUNDLE" "$ID"
	jq -n --arg r "$REPORT" '{terminal: true, consoleSize: {height: 40, width: 132},
		user: {uid: 0, gid: 0}, args: ["/bin/sh", "-c", $r], cwd: "/", env: ["PATH=/bin"]}' \
		> "$BATS_TEST_TMPDIR/process.json"
	start_recvtty -i $'typed\n'
	run detached exec --process "$BATS_TEST_TMPDIR/process.json" --console-socket "$SOCK" \
		--detach --pid-file "$BATS_TEST_TMPDIR/exec.pid" "$ID"
	assert_status 0
	[[ "$(cat "$BATS_TEST_TMPDIR/exec.pid")" =~ ^[0-9]+$ ]]
	wait_recvtty
	assert_terminal
	[ "$(fact size)" = "40 132" ]
}

@test "console socket: the runtime does not wait for the caller to accept" {
	tty_bundle
	start_recvtty -i $'typed\n' -w "$BATS_TEST_TMPDIR/go"
	# recvtty accepts only once "go" exists: create must return before
	run timeout 20 "$BERTH" --root "$ROOT" create -b "$BUNDLE" --console-socket "$SOCK" "$ID" \
		</dev/null 3>&-
	assert_status 0
	[ "$(state_of "$ID")" = created ]
	touch "$BATS_TEST_TMPDIR/go"
	berth start "$ID"
	wait_recvtty
	assert_terminal
}

@test "console socket: berth's own stdout is not held by the container" {
	make_bundle '.process.terminal = true'
	set_args /bin/sleep 1000
	start_recvtty
	# a caller reading berth's stdout to EOF must not wait for the container
	run timeout 20 bash -c '"$0" --root "$1" run -d -b "$2" --console-socket "$3" "$4" </dev/null 2>&1 | cat' \
		"$BERTH" "$ROOT" "$BUNDLE" "$SOCK" "$ID"
	assert_status 0
	[ "$(state_of "$ID")" = running ]
	berth delete --force "$ID"
	wait_recvtty
}

@test "console socket: terminal true without --console-socket is refused and leaves nothing" {
	make_bundle '.process.terminal = true'
	run detached create -b "$BUNDLE" "$ID"
	assert_status 1
	assert_error_eq "process.terminal is true but no --console-socket was given (a detached container needs one for its pty)"
	assert_root_empty
	run detached run -d -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "no --console-socket was given"
	assert_root_empty
}

@test "console socket: --console-socket without terminal true is refused" {
	make_bundle
	start_recvtty
	run detached create -b "$BUNDLE" --console-socket "$SOCK" "$ID"
	assert_status 1
	assert_error_eq "--console-socket needs process.terminal: true"
	assert_root_empty
	kill "$RECVTTY_PID"
	wait "$RECVTTY_PID" || true
}

@test "console socket: a socket nobody listens on fails create and leaves nothing" {
	make_bundle '.process.terminal = true'
	run detached create -b "$BUNDLE" --console-socket "$BATS_TEST_TMPDIR/nobody.sock" "$ID"
	assert_status 1
	assert_error_eq "connect to console socket '$BATS_TEST_TMPDIR/nobody.sock': No such file or directory"
	assert_container_gone "$ID"
}

@test "exec -t -d without --console-socket is refused" {
	make_bundle
	set_args /bin/sleep 1000
	detached run -d -b "$BUNDLE" "$ID"
	run detached exec -t -d "$ID" true
	assert_status 1
	assert_error_eq "a detached exec with a terminal needs --console-socket"
	[ "$(cg_pids "$(cg_of "$ID")")" = "$(init_pid)" ]
}
