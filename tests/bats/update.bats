#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# update on this hybrid host: the memory, cpu, cpuset, pids and blkio
# controllers are cgroup v1 hierarchies, the cgroup2 mount berth also uses
# has only hugetlb.  Each limit changes where its controller lives, live;
# a controller the host has nowhere fails clearly.  (The cgroup v2 limits
# are tested on a pure cgroup v2 VM.)

load helpers
load lib/cli

# the message for a limit of controller $2 ($1 names the limit) that no
# hierarchy of this host has
nowhere() {
	echo "cgroup: update '$(cg_of "$ID")': $1 needs the \"$2\" controller, which this host has neither in $CG_ROOT nor as a cgroup v1 hierarchy"
}

hybrid_only() {
	[ -n "$V1_MOUNTS" ] ||
		skip "this suite describes the hybrid host; $CG_ROOT is a pure cgroup v2 hierarchy"
}

setup() {
	helpers_setup
	hybrid_only
	sleeper '.linux.resources.memory = {"limit": 67108864, "swap": 134217728}'
}

@test "update --memory: memory.limit_in_bytes changes live, raised past the old memsw limit and lowered again" {
	mem=$(cg_v1_of memory)
	[ "$(cat "$mem/memory.limit_in_bytes")" = 67108864 ]
	# raising both: memory+swap must go first (the kernel keeps limit <= memsw)
	run berth update --memory 256m --memory-swap 512m "$ID"
	assert_status 0
	[ "$(cat "$mem/memory.limit_in_bytes")" = 268435456 ]
	[ "$(cat "$mem/memory.memsw.limit_in_bytes")" = 536870912 ]
	# lowering both: the limit first
	run berth update --memory 32m --memory-swap 48m "$ID"
	assert_status 0
	[ "$(cat "$mem/memory.limit_in_bytes")" = 33554432 ]
	[ "$(cat "$mem/memory.memsw.limit_in_bytes")" = 50331648 ]
	[ "$(state_of "$ID")" = running ]
}

@test "update --memory: below the container's usage, the kernel's refusal is explained" {
	# tmpfs pages stay charged to the container's memory cgroup
	berth exec "$ID" /bin/sh -c 'dd if=/dev/zero of=/dev/shm/fill bs=1M count=40 2>/dev/null'
	mem=$(cg_v1_of memory)
	wait_until '[ "$(cat "$mem/memory.usage_in_bytes")" -gt 41943040 ]'
	run berth update --memory 8m --memory-swap 8m "$ID"
	assert_status 1
	assert_contains "unable to set memory limit to 8388608 (current usage: "
	[ "$(cat "$mem/memory.limit_in_bytes")" = 67108864 ]
}

@test "update --pids-limit: pids.max of the v1 pids cgroup" {
	run berth update --pids-limit 10 "$ID"
	assert_status 0
	[ "$(cat "$(cg_v1_of pids)/pids.max")" = 10 ]
	run berth update --pids-limit 0 "$ID"
	assert_status 0
	[ "$(cat "$(cg_v1_of pids)/pids.max")" = max ]
}

@test "update --cpu-quota, --cpu-period, --cpuset-cpus and --cpu-shares: the v1 cpu and cpuset files" {
	run berth update --cpu-quota 50000 --cpu-period 200000 --cpuset-cpus 0 --cpu-shares 512 "$ID"
	assert_status 0
	[ -z "$output" ]
	cpu=$(cg_v1_of cpu)
	[ "$(cat "$cpu/cpu.cfs_quota_us")" = 50000 ]
	[ "$(cat "$cpu/cpu.cfs_period_us")" = 200000 ]
	[ "$(cat "$cpu/cpu.shares")" = 512 ]
	[ "$(cat "$(cg_v1_of cpuset)/cpuset.cpus")" = 0 ]
	# the running init is pinned
	[ "$(awk '/^Cpus_allowed_list/ {print $2}' "/proc/$(init_pid)/status")" = 0 ]
}

@test "update --cpu-shares: a value the kernel clamps fails with its bound, as runc" {
	run berth update --cpu-shares 1 "$ID"
	assert_status 1
	assert_contains "cpu shares 1: the minimum allowed is 2"
}

@test "update: unlimited values are not requests (pids 0 and -1, memory -1)" {
	for args in "--pids-limit 0" "--pids-limit -1" "--memory -1" "--memory-swap -1"; do
		run berth update $args "$ID"
		[ "$status" = 0 ] || { echo "update $args: $output" >&2; false; }
		[ -z "$output" ]
	done
}

@test "update --resources -: the LinuxResources JSON is read from stdin" {
	run berth update --resources - "$ID" <<<'{"memory": {"limit": 100663296, "swap": 134217728}}'
	assert_status 0
	[ "$(cat "$(cg_v1_of memory)/memory.limit_in_bytes")" = 100663296 ]
	run berth update --resources - "$ID" <<<'{"rdma": {"mlx5_0": {"hcaHandles": 3}}}'
	assert_status 1
	assert_error_eq "$(nowhere "rdma limit" rdma)"
	run berth update --resources=- "$ID" <<<'{"hugepageLimits": [{"pageSize": "2MB", "limit": 4194304}]}'
	assert_status 0
	[ "$(cat "$(cg_of "$ID")/hugetlb.2MB.max")" = 4194304 ]
}

@test "update --resources FILE: the podman form, applied to the cgroup" {
	echo '{"hugepageLimits": [{"pageSize": "2MB", "limit": 8388608}]}' > "$BATS_TEST_TMPDIR/r.json"
	run berth update --resources "$BATS_TEST_TMPDIR/r.json" "$ID"
	assert_status 0
	[ "$(cat "$(cg_of "$ID")/hugetlb.2MB.max")" = 8388608 ]
	run berth update -r "$BATS_TEST_TMPDIR/r.json" "$ID"
	assert_status 0
}

@test "update --resources: docker's zero-valued objects change nothing and succeed" {
	run berth update --resources - "$ID" <<<'{"memory": {"disableOOMKiller": false}, "cpu": {"shares": 0}, "blockIO": {"weight": 0}, "pids": {"limit": 0}}'
	assert_status 0
	[ -z "$output" ]
}

@test "update --resources: bad JSON gives the error with its JSON path" {
	run berth update --resources - "$ID" <<<'{"memory": {"swappiness": 200}}'
	assert_status 1
	assert_error_eq "resources.json: memory.swappiness: must be an integer in 0..100"
	run berth update --resources - "$ID" <<<'{"memory": {"limit": "64m"}}'
	assert_status 1
	assert_contains "memory.limit"
	run berth update --resources - "$ID" <<<'{"memory": {"limit": 1}'
	assert_status 1
	assert_error_eq "resources.json: invalid JSON: premature EOF"
	run berth update --resources - "$ID" <<<'[]'
	assert_status 1
	assert_error_eq "resources.json: must be an object"
	[ "$(state_of "$ID")" = running ]
}

@test "update --resources: a file that does not exist is named" {
	run berth update --resources "$BATS_TEST_TMPDIR/nope.json" "$ID"
	assert_status 1
	assert_error_eq "update: --resources: open '$BATS_TEST_TMPDIR/nope.json': No such file or directory"
}

@test "update: flag values are checked" {
	run berth update --memory lots "$ID"
	assert_status 1
	assert_contains '--memory: "lots" is not a size'
	run berth update --blkio-weight 5 "$ID"
	assert_status 1
	assert_contains "--blkio-weight: must be in 10..1000"
	run berth update --kernel-memory 1m "$ID"
	assert_status 1
	assert_contains "--kernel-memory: kernel memory limits are obsolete"
	run berth update --resources - "$ID" <<<'{"memory": {"kernel": 1048576}}'
	assert_status 1
	assert_contains "memory.kernel: kernel memory limits are obsolete"
}

@test "update: a stopped container fails" {
	berth kill "$ID" KILL
	wait_until '[ "$(state_of "$ID")" = stopped ]'
	run berth update --resources - "$ID" <<<'{"hugepageLimits": [{"pageSize": "2MB", "limit": 4194304}]}'
	assert_status 1
	assert_error_eq "container not running"
	run berth update --pids-limit 10 "$ID"
	assert_status 1
	assert_error_eq "container not running"
}

@test "update: a container that does not exist" {
	run berth update --pids-limit 10 nope
	assert_status 1
	assert_error_eq 'container "nope" does not exist'
}
