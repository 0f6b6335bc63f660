#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# podman 4 + conmon driving the runtime under test (--runtime $RUNTIME).
#
# Containers run from a private copy of the busybox rootfs (--rootfs), with
# no network (--network none) and podman's storage, run dir and config
# under the file's temp dir.  conmon calls create/exec; podman itself calls
# start/kill/delete.

# Container command lines are single-quoted on purpose: they expand inside.
# shellcheck disable=SC2016

bats_require_minimum_version 1.5.0

load lib/common
load lib/podman

setup_file() {
	make_tmp pm
	ensure_images
	podman_setup
}

teardown_file() {
	podman_stop
}

setup() {
	R=$T/rootfs-$BATS_TEST_NUMBER
	copy_rootfs "$R"
}

# The pty tests end the container with a short sleep: when a terminal
# process exits right after writing, the caller's copy loop can lose the
# last output (a client-side race, seen with runc too).
# in_pty ROWS COLS CMDLINE: CMDLINE in a fresh pseudo-terminal of that size.
# up to 2 s for the terminal to reach the size in $1 (see exec -t below)
wait_size='i=0; while [ "$(stty size 2>/dev/null)" != "$1" ] && [ $i -lt 40 ]; do sleep 0.05; i=$((i+1)); done'

in_pty() {
	script -qec "stty rows $1 cols $2; $3" /dev/null < /dev/null | tr -d '\r\0'
}

# runtime_knows ID: the runtime (on its default root, as podman runs it)
# has state for ID.
runtime_knows() {
	"$RUNTIME" state "$1" >/dev/null 2>&1
}

@test "podman run --rm prints the command's output, returns its exit code and leaves no runtime state" {
	run pm_run --rm --cidfile "$T/run1.cid" --rootfs "$R" /bin/sh -c 'echo hello; echo to-stderr >&2; exit 3'
	assert_eq 3 "$status" "exit code"
	assert_contains "$output" "hello"
	assert_contains "$output" "to-stderr"
	local id
	id=$(cat "$T/run1.cid")
	! runtime_knows "$id" || die "the runtime still has state for $id after podman run --rm"
}

@test "podman run applies the rlimits podman asks for" {
	# containers.conf: nofile 20000:20000 (a process rlimit set by the runtime)
	run pm_run --rm --rootfs "$R" /bin/sh -c 'ulimit -n; ulimit -Hn'
	assert_eq 0 "$status" "exit code"
	assert_eq $'20000\n20000' "$output" "nofile soft and hard"
}

@test "podman run runs the container with the runtime under test" {
	pm_run -d --name which1 --rootfs "$R" /bin/sleep 1000
	local id st
	id=$(pm inspect which1 --format '{{.Id}}')
	st=$("$RUNTIME" state "$id")
	pm rm -f -t 0 which1
	assert_eq "$id running" "$(jq -r '"\(.id) \(.status)"' <<< "$st")" "the runtime's state"
}

@test "podman exec runs a second process in the running container" {
	pm_run -d --name exec1 --rootfs "$R" /bin/sleep 1000
	run pm exec exec1 /bin/sh -c 'echo exec-out; tr "\0" " " < /proc/1/cmdline; exit 6'
	pm rm -f -t 0 exec1
	assert_eq 6 "$status" "exit code"
	assert_eq $'exec-out\n/bin/sleep 1000 ' "$output" "output"
}

@test "podman run -t gives the container a pty of the caller's size" {
	local out
	out=$(in_pty 22 66 "$(pm_words run --rm -t --cgroup-parent "$PM_CGROUP" --network none \
		--rootfs "$R" /bin/sh -c 'tty; stty size; sleep 0.5')")
	assert_match "$out" $'/dev/pts/[0-9]+\n'
	assert_contains "$out" "22 66"
}

@test "podman exec -t gives the exec'd process a pty of the caller's size" {
	pm_run -d --name exect --rootfs "$R" /bin/sleep 1000
	local out
	# podman's exec process JSON has no consoleSize: conmon resizes the
	# pty once it holds the master, so the first instant may see 0 0
	out=$(in_pty 25 77 "$(pm_words exec -t exect /bin/sh -c \
		"set -- '25 77'; $wait_size; tty; stty size; sleep 0.5")")
	pm rm -f -t 0 exect
	assert_match "$out" $'/dev/pts/[0-9]+\n'
	assert_contains "$out" "25 77"
}

@test "podman stop sends SIGTERM and records the exit code of the container's trap" {
	pm_run -d --name stop1 --rootfs "$R" /bin/sh -c \
		'trap "echo stopped > /tmp/stopped; exit 9" TERM; while :; do sleep 0.05; done'
	run pm stop -t 10 stop1
	assert_eq 0 "$status" "podman stop exit code"
	local st
	st=$(pm inspect stop1 --format '{{.State.Status}} {{.State.ExitCode}}')
	assert_eq "exited 9" "$st" "state after stop"
	assert_eq stopped "$(cat "$R/tmp/stopped")" "trap output"
	pm rm stop1
}

@test "podman rm removes a stopped container and the runtime forgets it" {
	pm_run -d --name rm1 --rootfs "$R" /bin/sh -c 'exit 0'
	local id
	id=$(pm inspect rm1 --format '{{.Id}}')
	wait_for 10 eval "[[ \$(pm inspect rm1 --format '{{.State.Status}}') == exited ]]"
	run pm rm rm1
	assert_eq 0 "$status" "podman rm exit code"
	run pm ps -a --format '{{.Names}}'
	[[ $output != *rm1* ]] || die "rm1 still listed: $output"
	! runtime_knows "$id" || die "the runtime still has state for $id"
}

@test "a command that does not exist shows the runtime's message and exits 127" {
	run -127 pm_run --rm --rootfs "$R" /bin/nope
	if runtime_is_berth; then
		# berth-specific text, read by podman from the runtime's JSON log
		assert_contains "$output" 'exec "/bin/nope": no such file or directory'
	else
		assert_match "$output" '"/bin/nope".*no such file or directory'
	fi
}

@test "podman run with podman's default pids limit: pids.max is 2048 in the container's own cgroup" {
	run pm_run --rm --rootfs "$R" /bin/sh -c 'cat /sys/fs/cgroup/pids/pids.max; cut -d: -f3 /proc/self/cgroup | sort -u'
	assert_eq 0 "$status" "exit code: $output"
	assert_eq 2048 "${lines[0]}" "pids.max (containers.conf default)"
	assert_match "${lines[1]}" "^$PM_CGROUP/libpod-[0-9a-f]{64}\$"
}

@test "podman stats reports the container's own memory usage and limit" {
	local out
	pm_run -d --name stats1 --memory 64m --rootfs "$R" /bin/sh -c \
		'dd if=/dev/zero of=/dev/shm/fill bs=1M count=8 2>/dev/null; exec sleep 1000'
	wait_for 10 pm exec stats1 test -e /dev/shm/fill
	run pm stats --no-stream --format '{{.MemUsage}}' stats1
	pm rm -f -t 0 stats1
	assert_eq 0 "$status" "podman stats exit code: $output"
	assert_match "$output" '^[0-9.]+MB / 67.11MB$'
	[[ ${output%%.*} -ge 8 && ${output%%.*} -lt 64 ]] || die "usage $output is not the container's"
}
