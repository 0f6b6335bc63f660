#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# docker 20.10: a private dockerd with the runtime under test added as
# runtime "berth" (--add-runtime berth=$RUNTIME), the busybox rootfs
# imported as an image, containers run with --runtime berth --network none.
# dockerd's own containerd and runc shim call the runtime.

# Container command lines are single-quoted on purpose: they expand inside.
# shellcheck disable=SC2016

bats_require_minimum_version 1.5.0

load lib/common
load lib/dockerd

setup_file() {
	make_tmp dk
	ensure_images
	dockerd_start
	dk_import
}

teardown_file() {
	dockerd_stop
}

IMAGE=localhost/berth-bb:1

dk_run() {
	dk run --runtime berth --network none "$@"
}

# The runtime's state for a docker container (docker's shim passes
# --root <exec-root>/runtime-runc/moby).
runtime_state() {
	"$RUNTIME" --root "$T/exec/runtime-runc/moby" state "$1"
}

# The pty tests end the container with a short sleep: when a terminal
# process exits right after writing, the caller's copy loop can lose the
# last output (a client-side race, seen with runc too).
in_pty() {
	script -qec "stty rows $1 cols $2; $3" /dev/null < /dev/null | tr -d '\r\0'
}

@test "docker run --runtime berth prints the command's output and returns its exit code" {
	run dk_run --rm "$IMAGE" /bin/sh -c 'echo hello; echo to-stderr >&2; exit 3'
	assert_eq 3 "$status" "exit code"
	assert_contains "$output" "hello"
	assert_contains "$output" "to-stderr"
}

@test "docker run --runtime berth runs the container with the runtime under test" {
	local id st
	id=$(dk_run -d "$IMAGE" /bin/sleep 1000)
	st=$(runtime_state "$id")
	dk rm -f "$id" >/dev/null
	assert_eq running "$(jq -r .status <<< "$st")" "the runtime's status for the container"
	assert_eq "$id" "$(jq -r .id <<< "$st")" "id"
}

@test "docker exec runs a second process in the running container" {
	dk_run -d --name exec1 "$IMAGE" /bin/sleep 1000
	run dk exec exec1 /bin/sh -c 'echo exec-out; tr "\0" " " < /proc/1/cmdline; exit 5'
	dk rm -f exec1 >/dev/null
	assert_eq 5 "$status" "exit code"
	assert_eq $'exec-out\n/bin/sleep 1000 ' "$output" "output"
}

@test "docker exec -t gives the exec'd process a pty of the caller's size" {
	dk_run -d --name exect "$IMAGE" /bin/sleep 1000
	local out
	# docker resizes the pty just after start: wait for the size to land
	out=$(in_pty 21 61 "$(dk_words exec -t exect /bin/sh -c \
		'i=0; while [ "$(stty size 2>/dev/null)" != "21 61" ] && [ $i -lt 40 ]; do sleep 0.05; i=$((i+1)); done; tty; stty size; sleep 0.5')")
	dk rm -f exect >/dev/null
	assert_match "$out" $'/dev/pts/[0-9]+\n'
	assert_contains "$out" "21 61"
}

@test "docker stop sends SIGTERM and records the exit code of the container's trap" {
	dk_run -d --name stop1 "$IMAGE" /bin/sh -c \
		'trap "exit 9" TERM; touch /tmp/ready; while :; do sleep 0.05; done'
	wait_for 10 dk exec stop1 test -e /tmp/ready
	run dk stop -t 10 stop1
	assert_eq 0 "$status" "docker stop exit code"
	local st
	st=$(dk inspect stop1 --format '{{.State.Status}} {{.State.ExitCode}}')
	dk rm stop1 >/dev/null
	assert_eq "exited 9" "$st" "state after stop"
}

@test "docker rm removes a stopped container and the runtime forgets it" {
	local id
	id=$(dk_run -d "$IMAGE" /bin/sh -c 'exit 0')
	wait_for 10 eval "[[ \$(dk inspect $id --format '{{.State.Status}}') == exited ]]"
	run dk rm "$id"
	assert_eq 0 "$status" "docker rm exit code"
	assert_eq "" "$(dk ps -aq)" "containers listed"
	run runtime_state "$id"
	[[ $status -ne 0 ]] || die "the runtime still has state for $id: $output"
	assert_empty_dir "$T/exec/runtime-runc/moby"
}

@test "a command that does not exist fails with the runtime's message and exit 127" {
	run -127 dk_run --rm "$IMAGE" /bin/nope
	assert_contains "$output" "OCI runtime create failed: "
	if runtime_is_berth; then
		# berth-specific text
		assert_match "$output" 'OCI runtime create failed: (.*: )?exec "/bin/nope": no such file or directory'
	else
		assert_match "$output" 'OCI runtime create failed: .*"/bin/nope".*no such file or directory'
	fi
}

@test "docker run --memory 64m --pids-limit 50: the limits hold in the container's own v1 cgroups" {
	# the limits as the container reads them, then a fork loop past 50 (a
	# shell that cannot fork exits; the count is read with builtins only)
	run dk_run --rm --memory 64m --pids-limit 50 "$IMAGE" /bin/sh -c '
		cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max
		sh -c "i=0; while [ \$i -lt 60 ]; do sleep 100 & i=\$((i+1)); done" 2>/dev/null
		while read -r k v; do echo "$k $v"; done < /sys/fs/cgroup/pids/pids.events'
	assert_eq 0 "$status" "exit code: $output"
	assert_eq 67108864 "${lines[0]}" "memory.limit_in_bytes"
	assert_eq 50 "${lines[1]}" "pids.max"
	assert_match "${lines[2]}" '^max [1-9][0-9]*$'
	# a hog past 64 MiB is OOM-killed: exit 137, and docker saw the OOM
	run dk_run --name hog1 --memory 64m "$IMAGE" /bin/sh -c 'tail /dev/zero'
	assert_eq 137 "$status" "hog exit code"
	assert_eq true "$(dk inspect hog1 --format '{{.State.OOMKilled}}')" "OOMKilled"
	dk rm hog1 >/dev/null
}

@test "docker stats shows the container's own memory usage and limit" {
	local out usage limit
	dk_run -d --name stats1 --memory 64m "$IMAGE" /bin/sh -c \
		'dd if=/dev/zero of=/dev/shm/fill bs=1M count=8 2>/dev/null; exec sleep 1000'
	wait_for 10 dk exec stats1 test -e /dev/shm/fill
	out=$(dk stats --no-stream --format '{{.MemUsage}}' stats1)
	dk rm -f stats1 >/dev/null
	# "9.1MiB / 64MiB": the container's cgroup, not the daemon's
	usage=${out%% / *}
	limit=${out##* / }
	assert_eq 64MiB "$limit" "memory limit in docker stats ($out)"
	assert_match "$usage" '^[0-9.]+MiB$'
	[[ ${usage%%.*} -ge 8 && ${usage%%.*} -lt 64 ]] || die "usage $usage is not the container's"
}
