#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# shellcheck disable=SC2016 # single-quoted snippets: the container's shell expands them
# sdnotify: berth started with NOTIFY_SOCKET (a systemd Type=notify
# service, podman --sdnotify=container) gives the container its own socket
# at /run/notify/notify.sock and relays what it sends to the caller's, as
# runc does.  The caller here is tests/tools/notify-listen, which logs
# every datagram; the container runs tests/tools/notify-send.

load helpers
load lib/cli

# listen [SOCKET]: the caller's end on SOCKET (default a path in the test
# dir; "@name" abstract), logged to $LOG; exports NOTIFY_SOCKET
listen() {
	[ -x "$TOOLS/notify-listen" ] || { echo "no $TOOLS/notify-listen (run make test-tools)" >&2; return 1; }
	SOCK=${1:-$BATS_TEST_TMPDIR/host.sock}
	LOG=$BATS_TEST_TMPDIR/notify.log
	"$TOOLS/notify-listen" "$SOCK" "$LOG" 3>&- &
	on_teardown "kill $!"
	wait_until "[ -e '$LOG' ]"
	export NOTIFY_SOCKET=$SOCK
}

# notify_bundle [JQ-FILTER]: notify-send bound at /ns, and $MARK (every
# uid may write) at /mark for the order of events
notify_bundle() {
	MARK=$BATS_TEST_TMPDIR/mark
	mkdir -p "$MARK"
	chmod 0777 "$MARK"
	make_bundle "${1:-.}"
	add_bind "$TOOLS/notify-send" /ns ro
	add_bind "$MARK" /mark
}

# the lines of the logged datagram that holds READY=1
ready_datagram() {
	awk '/^from /{d=""} {d=d $0 "\n"} /^READY=1$/{r=1} /^--$/{if (r) {printf "%s", d; exit}}' "$LOG"
}

@test "sdnotify: the container's NOTIFY_SOCKET is /run/notify/notify.sock (the config's replaced), its socket is there, exec gets none" {
	listen
	notify_bundle '.process.env += ["NOTIFY_SOCKET=/from/the/config"]'
	set_args /ns READY=1
	detached create -b "$BUNDLE" "$ID"
	berth start "$ID"
	run berth exec "$ID" sh -c 'tr "\0" "\n" </proc/1/environ | grep ^NOTIFY_SOCKET=; test -S /run/notify/notify.sock && echo socket; echo "exec:$NOTIFY_SOCKET"; echo fds: $(ls /proc/1/fd)'
	assert_status 0
	assert_line_eq "${lines[0]}" "NOTIFY_SOCKET=/run/notify/notify.sock"
	assert_line_eq "${lines[1]}" socket
	# exec runs with the config's env as it is: never the container's socket
	assert_line_eq "${lines[2]}" "exec:/from/the/config"
	# no socket of berth's (nor any other fd of the host) in the container
	assert_line_eq "${lines[3]}" "fds: 0 1 2"
	# read-only, no devices, setuid or exec, like runc's
	run berth exec "$ID" sh -c 'grep " /run/notify " /proc/self/mountinfo'
	assert_contains " /run/notify ro,nosuid,nodev,noexec"
}

@test "sdnotify: start returns only after READY=1, relayed with STATUS and MAINPID of the init's host pid" {
	listen
	notify_bundle
	# the container's own MAINPID (a pid of its namespace) is not relayed
	set_args /ns -d 800 -m /mark/before-ready STATUS=warming READY=1 MAINPID=1
	detached create -b "$BUNDLE" "$ID"
	[ ! -e "$MARK/before-ready" ]
	berth start "$ID"
	# no waiting here: start returned, so READY=1 had been sent and read
	[ -e "$MARK/before-ready" ]
	run ready_datagram
	assert_contains "STATUS=warming"
	assert_contains "MAINPID=$(init_pid)"
	[ "$(grep -c '^MAINPID=' "$LOG")" = 1 ]
	# sent by berth, with BARRIER=1 and its fd after it
	[ "$(sed -n 1p <<<"$output")" != "from $(init_pid)" ]
	grep -qx BARRIER=1 "$LOG"
	[ "$(state_of "$ID")" = running ]
}

@test "sdnotify: start fails naming READY=1 when the container exits without it; delete leaves nothing" {
	listen
	notify_bundle
	set_args /ns -d 200 -x 3 STATUS=giving-up
	detached create -b "$BUNDLE" "$ID"
	run timeout 20 "$BERTH" --root "$ROOT" start "$ID"
	assert_status 1
	assert_contains "container exited before it sent READY=1"
	# what it said before it went is relayed
	grep -qx STATUS=giving-up "$LOG"
	[ "$(grep -c '^READY=' "$LOG")" = 0 ]
	[ "$(state_of "$ID")" = stopped ]
	berth delete "$ID"
	assert_root_empty
}

@test "sdnotify: run -d returns after READY=1 with MAINPID of the init" {
	listen
	notify_bundle
	set_args /ns -d 500 -m /mark/before-ready READY=1
	detached run -d -b "$BUNDLE" "$ID"
	[ -e "$MARK/before-ready" ]
	grep -qx "MAINPID=$(init_pid)" "$LOG"
	[ "$(state_of "$ID")" = running ]
}

@test "sdnotify: run -d of a container that exits before READY=1 fails and leaves nothing" {
	listen
	notify_bundle
	set_args /ns -x 0 STATUS=no
	run timeout 20 "$BERTH" --root "$ROOT" run -d -b "$BUNDLE" "$ID" </dev/null
	assert_status 1
	assert_contains "container exited before it sent READY=1"
	assert_root_empty
}

@test "sdnotify: run in the foreground relays READY=1 with berth's own pid as MAINPID" {
	listen
	notify_bundle
	set_args /ns -x 7 STATUS=up READY=1
	run timeout 20 "$BERTH" --root "$ROOT" run -b "$BUNDLE" "$ID"
	assert_status 7
	run ready_datagram
	assert_contains "STATUS=up"
	# berth is the caller's main process while it runs (runc's choice):
	# the MAINPID it names is the sender's own
	local from
	from=$(sed -n 's/^from //p' <<<"$output")
	assert_contains "MAINPID=$from"
}

# CI saw READY=1 lost: the container sent it and exited before berth's
# wait began, and the wait, finding it gone, never read the socket
@test "sdnotify: run in the foreground relays the READY=1 a container sent just before it exited, even when berth sees the exit first" {
	listen
	notify_bundle
	set_args /ns -x 7 STATUS=up READY=1
	# every wait4 of berth's starts half a second late: the container has
	# sent READY=1 and exited before berth's wait first looks
	# (LeakSanitizer cannot run under ptrace: the ASan pass)
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
	run timeout 20 strace -qq -o /dev/null -e trace=wait4 -e inject=wait4:delay_enter=500000 \
		"$BERTH" --root "$ROOT" run -b "$BUNDLE" "$ID"
	assert_status 7
	run ready_datagram
	assert_contains "STATUS=up"
	from=$(sed -n 's/^from //p' <<<"$output")
	assert_contains "MAINPID=$from"
	assert_root_empty
}

@test "sdnotify: without NOTIFY_SOCKET nothing is mounted at /run/notify and the state has no notify dir" {
	unset NOTIFY_SOCKET
	make_bundle
	set_args /bin/sleep 1000
	detached run -d -b "$BUNDLE" "$ID"
	run berth exec "$ID" sh -c 'grep -c " /run/notify " /proc/self/mountinfo; echo "env:$(tr "\0" "\n" </proc/1/environ | grep NOTIFY)"'
	assert_line_eq "${lines[0]}" 0
	assert_line_eq "${lines[1]}" "env:"
	[ ! -e "$ROOT/$ID/notify" ]
}

@test "sdnotify: an abstract NOTIFY_SOCKET (@name) gets READY=1" {
	listen "@berth-test-$ID"
	notify_bundle
	set_args /ns READY=1
	detached run -d -b "$BUNDLE" "$ID"
	grep -qx "MAINPID=$(init_pid)" "$LOG"
}

@test "sdnotify: a read-only root still gets /run/notify, and stays read-only" {
	listen
	notify_bundle '.root.readonly = true'
	set_args /bin/sh -c '/ns READY=1 & touch /probe-rw 2>/dev/null && echo rw; wait'
	detached run -d -b "$BUNDLE" "$ID"
	grep -qx "MAINPID=$(init_pid)" "$LOG"
	[ ! -e "$TEST_ROOTFS/probe-rw" ]
	run cat "$BATS_TEST_TMPDIR/out"
	assert_not_contains rw
}

@test "sdnotify: in a user namespace the mapped root reaches the socket" {
	listen
	notify_bundle '.linux.namespaces += [{"type": "user"}] |
		.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	set_args /ns -m /mark/sent READY=1
	detached run -d -b "$BUNDLE" "$ID"
	grep -qx "MAINPID=$(init_pid)" "$LOG"
	[ "$(stat -c %u "$MARK/sent")" = 100000 ]
}

@test "sdnotify: a NOTIFY_SOCKET that is no socket address fails create naming it, leaving nothing" {
	make_bundle
	NOTIFY_SOCKET=relative/path run detached create -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "NOTIFY_SOCKET 'relative/path': not an absolute path"
	assert_root_empty
}

@test "sdnotify: start fails naming NOTIFY_SOCKET when nothing listens there" {
	listen
	notify_bundle
	set_args /ns READY=1
	detached create -b "$BUNDLE" "$ID"
	NOTIFY_SOCKET=$BATS_TEST_TMPDIR/nobody.sock run berth start "$ID"
	assert_status 1
	assert_contains "connect to NOTIFY_SOCKET '$BATS_TEST_TMPDIR/nobody.sock'"
	[ "$(state_of "$ID")" = created ]
}

# podman_layout [DIR]: what podman 4.3 --sdnotify=container hands the
# runtime, with no NOTIFY_SOCKET in berth's environment: conmon's socket
# at DIR/notify.sock (default: the bundle's notify/, podman's place),
# DIR bound on /run/notify, NOTIFY_SOCKET=/run/notify/notify.sock in
# process.env.  Its listener logs to $LOG.
podman_layout() {
	local dir=${1:-$BUNDLE/notify}
	mkdir -p "$dir"
	listen "$dir/notify.sock"
	unset NOTIFY_SOCKET
	add_bind "$dir" /run/notify
	edit_config '.process.env += ["NOTIFY_SOCKET=/run/notify/notify.sock"]'
}

@test "sdnotify: podman's layout (conmon's socket in the bundle, no NOTIFY_SOCKET): start returns only after READY=1, relayed there with MAINPID of the init" {
	notify_bundle
	set_args /ns -d 800 -m /mark/before-ready STATUS=warming READY=1
	podman_layout
	detached create -b "$BUNDLE" "$ID"
	berth start "$ID"
	[ -e "$MARK/before-ready" ]
	run ready_datagram
	assert_contains "STATUS=warming"
	assert_contains "MAINPID=$(init_pid)"
	# the container's socket is berth's, on top of the bundle's dir
	run berth exec "$ID" sh -c 'test -S /run/notify/notify.sock && echo socket; grep -c " /run/notify " /proc/self/mountinfo'
	assert_line_eq "${lines[0]}" socket
	assert_line_eq "${lines[1]}" 2
	[ "$(state_of "$ID")" = running ]
}

@test "sdnotify: podman's layout: run -d returns after READY=1" {
	notify_bundle
	set_args /ns -d 800 -m /mark/before-ready READY=1
	podman_layout
	berth run -d -b "$BUNDLE" "$ID" </dev/null
	[ -e "$MARK/before-ready" ]
	run ready_datagram
	assert_contains "MAINPID=$(init_pid)"
}

@test "sdnotify: a socket dir bound on /run/notify from outside the bundle is the container's own business: berth neither waits nor relays" {
	notify_bundle
	set_args /ns -d 800 -m /mark/before-ready READY=1
	podman_layout "$BATS_TEST_TMPDIR/elsewhere"
	detached create -b "$BUNDLE" "$ID"
	berth start "$ID"
	[ ! -e "$MARK/before-ready" ]
	# the container reaches that socket itself, berth relays nothing
	wait_until "grep -qx READY=1 '$LOG'"
	! grep -q '^MAINPID=' "$LOG"
	[ ! -e "$ROOT/$ID/notify" ]
}
