#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# dockerd with its default cgroup driver on a systemd cgroup v2 host
# (native.cgroupdriver=systemd) and berth as its runtime: each container is
# docker-ID.scope in system.slice.

# Container command lines are single-quoted on purpose: they expand inside.
# shellcheck disable=SC2016

load ../clients/lib/common
load ../clients/lib/dockerd
load clients

setup_file() {
	require_systemd
	make_tmp dksd
	ensure_images
	dockerd_start
	dk_import
}

teardown_file() {
	local left
	dockerd_stop
	left=$(systemctl list-units --all --plain --no-legend 'docker-*.scope' | awk '{print $1}')
	[[ -z $left ]] || die "scopes left: $left"
}

# start ARGS...: a detached sleeper; $ID its full id, $UNIT its scope
start() {
	ID=$(dk run -d --runtime berth --network none "$@" localhost/berth-bb:1 /bin/sleep 1000) ||
		die "docker run failed: $ID"
	UNIT=docker-$ID.scope
}

@test "docker run --memory --cpus: the container is docker-ID.scope in system.slice, with its limits" {
	start --memory 64m --cpus 0.5
	assert_scope "$UNIT" system.slice
	assert_eq 67108864 "$(prop "$UNIT" MemoryMax)" MemoryMax
	assert_eq 500ms "$(prop "$UNIT" CPUQuotaPerSecUSec)" CPUQuotaPerSecUSec
	assert_eq 67108864 "$(cat "$(scope_dir "$UNIT")/memory.max")" memory.max
	assert_eq "50000 100000" "$(cat "$(scope_dir "$UNIT")/cpu.max")" cpu.max
	grep -qx "$(dk inspect --format '{{.State.Pid}}' "$ID")" "$(scope_dir "$UNIT")/cgroup.procs"
	dk rm -f "$ID" >/dev/null
	assert_unit_gone "$UNIT"
}

@test "docker exec runs in the container's scope" {
	start --memory 64m
	run dk exec "$ID" cat /sys/fs/cgroup/memory.max
	assert_eq 0 "$status" "exec status"
	assert_eq 67108864 "$output" "memory.max seen by exec"
	dk rm -f "$ID" >/dev/null
}

@test "docker stats --no-stream reads the scope's usage and limit" {
	start --memory 64m
	run dk stats --no-stream --format '{{.MemUsage}}' "$ID"
	assert_eq 0 "$status" "stats status"
	assert_match "$output" '^[0-9.]+[KMG]?i?B / 64MiB$'
	[[ $output != 0B* ]] || die "usage is zero: $output"
	dk rm -f "$ID" >/dev/null
}

@test "docker update --memory changes the unit's MemoryMax and the scope's memory.max" {
	start --memory 64m
	dk update --memory 128m --memory-swap 256m "$ID" >/dev/null
	assert_eq 134217728 "$(prop "$UNIT" MemoryMax)" MemoryMax
	assert_eq 134217728 "$(cat "$(scope_dir "$UNIT")/memory.max")" memory.max
	assert_eq 134217728 "$(dk exec "$ID" cat /sys/fs/cgroup/memory.max)" "memory.max inside"
	dk rm -f "$ID" >/dev/null
}

@test "an OOM kill in the scope is reported by docker: the worker gets 137, the container OOMKilled" {
	run dk run --name oom --runtime berth --network none --memory 16m --memory-swap 16m \
		localhost/berth-bb:1 /bin/sh -c "$OOM_JOB"
	assert_contains "$output" worker=137
	assert_eq true "$(dk inspect --format '{{.State.OOMKilled}}' oom)" OOMKilled
	dk rm oom >/dev/null
}
