#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# podman with its systemd cgroup manager (Debian's default on a systemd
# host) and berth as its runtime: each container is libpod-ID.scope in
# machine.slice, started by berth over D-Bus, its limits set by systemd.

# Container command lines are single-quoted on purpose: they expand inside.
# shellcheck disable=SC2016

bats_require_minimum_version 1.5.0

load ../clients/lib/common
load ../clients/lib/podman
load clients

setup_file() {
	require_systemd
	make_tmp pmsd
	ensure_images
	podman_setup
}

teardown_file() {
	local left
	podman_stop
	left=$(systemctl list-units --all --plain --no-legend 'libpod-*.scope' | awk '{print $1}' | grep -v conmon)
	[[ -z $left ]] || die "scopes left: $left"
}

setup() {
	R=$T/rootfs-$BATS_TEST_NUMBER
	copy_rootfs "$R"
}

# start NAME ARGS...: a detached sleeper; $ID its full id, $UNIT its scope
start() {
	local name=$1
	shift
	ID=$(pm_run -d --name "$name" "$@" --rootfs "$R" /bin/sleep 1000) || die "podman run failed: $ID"
	UNIT=libpod-$ID.scope
}

@test "podman run --memory --pids-limit: the container is libpod-ID.scope in machine.slice, with systemd's and the kernel's limits" {
	start lim --memory 64m --pids-limit 50
	assert_scope "$UNIT" machine.slice
	assert_eq 67108864 "$(prop "$UNIT" MemoryMax)" MemoryMax
	assert_eq 50 "$(prop "$UNIT" TasksMax)" TasksMax
	assert_eq 67108864 "$(cat "$(scope_dir "$UNIT")/memory.max")" memory.max
	assert_eq 50 "$(cat "$(scope_dir "$UNIT")/pids.max")" pids.max
	# the init is in it (podman's cgroup namespace: the scope is its root)
	grep -qx "$(pm inspect --format '{{.State.Pid}}' "$ID")" "$(scope_dir "$UNIT")/cgroup.procs"
	pm rm -f -t 0 "$ID" >/dev/null
	assert_unit_gone "$UNIT"
}

@test "podman's default pids limit (2048) is the scope's TasksMax" {
	start dflt
	assert_eq 2048 "$(prop "$UNIT" TasksMax)" TasksMax
	assert_eq 2048 "$(cat "$(scope_dir "$UNIT")/pids.max")" pids.max
	pm rm -f -t 0 "$ID" >/dev/null
}

@test "podman exec runs in the container's scope" {
	start ex --memory 64m
	run pm exec "$ID" /bin/sh -c 'cat /sys/fs/cgroup/memory.max; sleep 1000 & echo $!'
	assert_eq 0 "$status" "exec status"
	assert_eq 67108864 "${lines[0]}" "memory.max seen by exec"
	# the exec'd process's child, seen from the host, is in the scope
	[[ $(wc -l < "$(scope_dir "$UNIT")/cgroup.procs") -ge 2 ]] || die "exec'd process not in $UNIT"
	pm rm -f -t 0 "$ID" >/dev/null
}

@test "podman stats --no-stream reads the scope: its memory limit and usage" {
	start st --memory 64m
	run pm stats --no-stream --format '{{.MemUsage}}' "$ID"
	assert_eq 0 "$status" "stats status"
	assert_match "$output" '^[0-9.]+[kMG]?B / 67\.11MB$'
	[[ $output != 0B* ]] || die "usage is zero: $output"
	pm rm -f -t 0 "$ID" >/dev/null
}

@test "podman pause and unpause freeze and thaw the scope" {
	start pz
	pm pause "$ID"
	grep -qx 'frozen 1' "$(scope_dir "$UNIT")/cgroup.events"
	assert_eq paused "$(pm inspect --format '{{.State.Status}}' "$ID")" state
	pm unpause "$ID"
	grep -qx 'frozen 0' "$(scope_dir "$UNIT")/cgroup.events"
	assert_eq running "$(pm inspect --format '{{.State.Status}}' "$ID")" state
	pm rm -f -t 0 "$ID" >/dev/null
}

@test "podman stop ends the container and its scope; rm leaves no unit or cgroup" {
	start sp
	pm stop -t 1 "$ID" >/dev/null
	assert_eq exited "$(pm inspect --format '{{.State.Status}}' "$ID")" state
	assert_unit_gone "$UNIT"
	pm rm "$ID" >/dev/null
	assert_unit_gone "$UNIT"
	! "$RUNTIME" state "$ID" >/dev/null 2>&1 || die "runtime state remains"
}

# podman 4.3 with conmon 2.1.6 says OOMKilled=false here whatever the
# runtime (runc and crun too, measured in this VM): what it shows is the
# worker's 137 and the scope's own OOM count, which `podman stats` and
# systemd read.
@test "an OOM kill in the scope: the worker gets 137 and the scope's memory.events counts it" {
	start oom --memory 16m --memory-swap 16m
	run pm exec "$ID" /bin/sh -c "${OOM_JOB%; sleep 3}"
	assert_contains "$output" worker=137
	grep -qx 'oom_kill [1-9][0-9]*' "$(scope_dir "$UNIT")/memory.events" ||
		die "no oom_kill in $(scope_dir "$UNIT")/memory.events: $(cat "$(scope_dir "$UNIT")/memory.events")"
	assert_eq running "$(pm inspect --format '{{.State.Status}}' "$ID")" "the container lives on"
	pm rm -f -t 0 "$ID" >/dev/null
}

# podman 4.3 hands the runtime no NOTIFY_SOCKET (neither create, run by
# conmon, nor start): it puts NOTIFY_SOCKET=/run/notify/notify.sock in the
# config's process.env and binds <bundle>/notify on /run/notify, where
# conmon listens and relays to podman's own NOTIFY_SOCKET.  `podman run
# -d` returns when the runtime's `start` does.
@test "podman run -d --sdnotify=container returns only after the container's READY=1, which reaches podman's NOTIFY_SOCKET with MAINPID of conmon" {
	local sock=$T/notify-$BATS_TEST_NUMBER.sock log=$T/notify-$BATS_TEST_NUMBER.log lp
	cp "$REPO_DIR/build/tests/tools/notify-send" "$R/ns"
	"$REPO_DIR/build/tests/tools/notify-listen" "$sock" "$log" &
	lp=$!
	wait_for 10 test -e "$log" || die "notify-listen did not start"
	# 3 s, then /mark, then READY=1: the mark must be there on return
	ID=$(NOTIFY_SOCKET=$sock pm_run -d --name sdn --sdnotify=container --rootfs "$R" \
		/ns -d 3000 -m /mark READY=1) || die "podman run failed: $ID"
	local early=no
	[[ -e $R/mark ]] || early=yes
	wait_for 30 grep -qx READY=1 "$log" || early="$early, and no READY=1 reached podman's socket"
	kill "$lp"
	[[ $early == no ]] || die "podman run -d returned before the container's READY=1 ($early): $(cat "$log")"
	grep -qx "MAINPID=$(pm inspect --format '{{.State.ConmonPid}}' "$ID")" "$log" ||
		die "MAINPID is not conmon's: $(cat "$log")"
	assert_scope "libpod-$ID.scope" machine.slice
	pm rm -f -t 0 "$ID" >/dev/null
}

# podman 4.3 calls the runtime as runc: `checkpoint --image-path
# <userdata>/checkpoint --work-path <userdata> ID` (after `checkpoint
# --help`), and conmon runs `restore --bundle <userdata> --pid-file F
# --detach --image-path <userdata>/checkpoint --work-path <userdata> ID`
# with the global --systemd-cgroup --log-format=json --log F first.
@test "podman container checkpoint and restore: the counter goes on from where it was, in a libpod scope again" {
	local img n
	ID=$(pm_run -d --name ck --rootfs "$R" /bin/sh -c \
		'i=0; while :; do i=$((i+1)); echo $i >> /log; sleep 0.2; done') || die "podman run failed: $ID"
	wait_for 30 eval '[[ $(wc -l < "$R/log") -ge 3 ]]' || die "the counter did not start"
	pm container checkpoint "$ID" >/dev/null
	assert_eq exited "$(pm inspect --format '{{.State.Status}}' "$ID")" "state after checkpoint"
	img=$T/root/overlay-containers/$ID/userdata/checkpoint
	[[ -s $img/inventory.img && -s $img/descriptors.json ]] || die "no CRIU images in $img: $(ls "$img")"
	n=$(wc -l < "$R/log")
	pm container restore "$ID" >/dev/null
	assert_eq running "$(pm inspect --format '{{.State.Status}}' "$ID")" "state after restore"
	wait_for 30 eval '[[ $(wc -l < "$R/log") -gt $n ]]' || die "the restored counter does not go on"
	# one run of numbers: restored from memory, never started again at 1
	awk 'NR != $1 { exit 1 }' "$R/log" || die "the counter started again: $(tr '\n' ' ' < "$R/log")"
	assert_scope "libpod-$ID.scope" machine.slice
	grep -qx "$(pm inspect --format '{{.State.Pid}}' "$ID")" "$(scope_dir "libpod-$ID.scope")/cgroup.procs"
	pm rm -f -t 0 "$ID" >/dev/null
}
