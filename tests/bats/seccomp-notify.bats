#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# seccomp-notify: SCMP_ACT_NOTIFY and linux.seccomp.listenerPath as the
# runtime-spec says and runc does: the notify fd and the container process
# state reach the listener (tests/tools/seccomp-listener), which answers
# mkdir and chmod with a fake success; the container never hangs on a
# listener that died.

load helpers
load lib/iso

TOOLS=${TOOLS:-$REPO/build/tests/tools}

# start_listener [MODE]: the listener on $SOCK, recording in $LDIR
start_listener() {
	[ -x "$TOOLS/seccomp-listener" ] || { echo "no $TOOLS/seccomp-listener (run make test-tools)" >&2; return 1; }
	SOCK=$BATS_TEST_TMPDIR/listener.sock
	LDIR=$BATS_TEST_TMPDIR/listener
	mkdir -p "$LDIR"
	"$TOOLS/seccomp-listener" "$SOCK" "$LDIR" "$@" 3>&- &
	LPID=$!
	on_teardown "kill $LPID"
	wait_until "[ -e '$LDIR/ready' ]"
}

# notify_bundle: mkdir and chmod go to the listener, everything else runs
notify_bundle() {
	make_bundle "$@"
	edit_config ".linux.seccomp = {\"defaultAction\": \"SCMP_ACT_ALLOW\",
		\"listenerPath\": \"$SOCK\", \"listenerMetadata\": \"meta-$ID\",
		\"syscalls\": [{\"names\": [\"mkdir\", \"mkdirat\", \"chmod\", \"fchmodat\"],
			\"action\": \"SCMP_ACT_NOTIFY\"}]}"
}

SCRIPT='mkdir /tmp/made && echo "mkdir: ok"; ls -d /tmp/made 2>&1; chmod 0 /tmp && echo "chmod: ok"; stat -c %a /tmp'

assert_faked() {
	assert_contains "mkdir: ok"
	assert_contains "/tmp/made: No such file or directory"
	assert_contains "chmod: ok"
	assert_contains "1777"
}

# state N: the JSON of the listener's Nth connection
state() {
	cat "$LDIR/state-$1.json"
}

@test "seccomp notify: run hands the listener the fd, which answers mkdir and chmod" {
	start_listener
	notify_bundle
	args /bin/sh -c "$SCRIPT"
	run timeout 30 "$BERTH" --root "$ROOT" run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_faked
	grep -qE '^(mkdir|mkdirat) ' "$LDIR/log"
	grep -qE '^(chmod|fchmodat) ' "$LDIR/log"
	grep -qx 'fds 1' "$LDIR/log"
}

@test "seccomp notify: the listener gets the container process state with the metadata (create + start)" {
	start_listener
	notify_bundle
	args /bin/sh -c "$SCRIPT"
	detached create -b "$BUNDLE" "$ID"
	pid=$(berth state "$ID" | jq .pid)
	berth start "$ID"
	wait_until '[ "$(state_of "$ID")" = stopped ]'
	output=$(cat "$BATS_TEST_TMPDIR/out")
	assert_faked
	state 1 | jq -e --arg id "$ID" --argjson pid "$pid" --arg bundle "$BUNDLE" '
		.ociVersion != null and .fds == ["seccompFd"] and .metadata == "meta-\($id)"
		and .pid == $pid and .state.id == $id and .state.pid == $pid
		and .state.status == "creating" and .state.bundle == $bundle' >/dev/null
	berth delete "$ID"
}

@test "seccomp notify: exec hands the listener its own fd, with its pid and a running state" {
	start_listener
	notify_bundle
	start_sleeper
	init=$(berth state "$ID" | jq .pid)
	run timeout 30 "$BERTH" --root "$ROOT" exec --pid-file "$BATS_TEST_TMPDIR/exec.pid" "$ID" /bin/sh -c "$SCRIPT"
	assert_status 0
	assert_faked
	state 2 | jq -e --arg id "$ID" --argjson init "$init" --argjson pid "$(cat "$BATS_TEST_TMPDIR/exec.pid")" '
		.fds == ["seccompFd"] and .pid == $pid and .pid != $init
		and .state.pid == $init and .state.status == "running" and .metadata == "meta-\($id)"' >/dev/null
	[ "$(grep -c '^fds 1$' "$LDIR/log")" = 2 ]
}

@test "seccomp notify: a listener that dies with the fd leaves the container an error, not a hang" {
	start_listener die-after-fd
	notify_bundle
	args /bin/sh -c 'mkdir /tmp/made; echo "mkdir rc=$?"'
	run timeout 30 "$BERTH" --root "$ROOT" run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_contains "Function not implemented"
	assert_contains "mkdir rc=1"
}

@test "seccomp notify: a listener gone before it got the fd fails start, naming listenerPath" {
	start_listener die-on-accept
	notify_bundle
	args /bin/sh -c 'mkdir /tmp/made; echo never'
	detached create -b "$BUNDLE" "$ID"
	wait_until "! kill -0 $LPID 2>/dev/null"
	run timeout 30 "$BERTH" --root "$ROOT" start "$ID"
	assert_status 1
	assert_contains "linux.seccomp.listenerPath: send the seccomp notify fd: Broken pipe"
	run cat "$BATS_TEST_TMPDIR/out"
	assert_not_contains never
}

@test "seccomp notify: listenerPath without any SCMP_ACT_NOTIFY rule is refused naming the field" {
	SOCK=$BATS_TEST_TMPDIR/listener.sock
	notify_bundle
	edit_config '.linux.seccomp.syscalls[0].action = "SCMP_ACT_ERRNO"'
	set_args true
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "linux.seccomp.listenerPath: set, but no rule uses SCMP_ACT_NOTIFY"
	assert_no_state
}

@test "seccomp notify: SCMP_ACT_NOTIFY on sendmsg, which would never be answered, is refused" {
	SOCK=$BATS_TEST_TMPDIR/listener.sock
	notify_bundle
	edit_config '.linux.seccomp.syscalls[0].names += ["sendmsg"]'
	set_args true
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains 'linux.seccomp.syscalls[0].names[4]: SCMP_ACT_NOTIFY on sendmsg'
	assert_no_state
}

@test "seccomp notify: with a 2014-style allow-list and no noNewPrivileges the listener still answers" {
	start_listener
	notify_bundle '.process.noNewPrivileges = false'
	names=$(grep -o '^#define __NR_[a-z0-9_]* [0-9]*' /usr/include/x86_64-linux-gnu/asm/unistd_64.h |
		awk '$3 <= 321 && $2 != "__NR_mkdir" && $2 != "__NR_mkdirat" && $2 != "__NR_chmod" && $2 != "__NR_fchmodat" {sub("__NR_", "", $2); print $2}' | jq -R . | jq -sc .)
	edit_config ".linux.seccomp.defaultAction = \"SCMP_ACT_ERRNO\" |
		.linux.seccomp.syscalls += [{\"names\": $names, \"action\": \"SCMP_ACT_ALLOW\"}]"
	args /bin/sh -c "$SCRIPT"
	run timeout 30 "$BERTH" --root "$ROOT" run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_faked
}
