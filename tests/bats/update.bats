#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# update on this hybrid host: the cgroup2 mount berth uses has only the
# hugetlb controller.  Hard limits of the missing controllers fail with a
# clear error, weights are warned about, hugetlb limits really apply.
# (The limits themselves are tested on a pure cgroup v2 VM.)

load helpers
load lib/cli

# the message for a limit of controller $2 ($1 names the limit)
needs() {
	echo "cgroup: update '$(cg_of "$ID")': $1 needs the \"$2\" controller, which $CG_ROOT does not have (hybrid cgroup v1/v2 host)"
}

hybrid_only() {
	[ "$CG_ROOT" = /sys/fs/cgroup/unified ] ||
		skip "this suite describes the hybrid host; $CG_ROOT is a pure cgroup v2 hierarchy"
}

setup() {
	helpers_setup
	hybrid_only
	sleeper
}

@test "update --memory: fails with the clear controller error and changes nothing" {
	run berth update --memory 64m "$ID"
	assert_status 1
	assert_error_eq "$(needs "memory limit" memory)"
	[ ! -e "$(cg_of "$ID")/memory.max" ]
	[ "$(state_of "$ID")" = running ]
}

@test "update --pids-limit: fails with the clear controller error" {
	run berth update --pids-limit 10 "$ID"
	assert_status 1
	assert_error_eq "$(needs "pids limit" pids)"
	[ "$(state_of "$ID")" = running ]
}

@test "update --cpu-quota and --cpuset-cpus: fail naming their controllers" {
	run berth update --cpu-quota 50000 "$ID"
	assert_status 1
	assert_error_eq "$(needs "cpu quota" cpu)"
	run berth update --cpuset-cpus 0 "$ID"
	assert_status 1
	assert_error_eq "$(needs "cpuset cpus" cpuset)"
}

@test "update --cpu-shares: a weight is only warned about" {
	run berth update --cpu-shares 512 "$ID"
	assert_status 0
	assert_contains 'warning: cgroup: cpu shares not applied: it needs the "cpu" controller'
	[ "$(state_of "$ID")" = running ]
}

@test "update: unlimited values are not requests (pids 0 and -1, memory -1)" {
	for args in "--pids-limit 0" "--pids-limit -1" "--memory -1" "--memory-swap -1"; do
		run berth update $args "$ID"
		[ "$status" = 0 ] || { echo "update $args: $output" >&2; false; }
		[ -z "$output" ]
	done
}

@test "update --resources -: the LinuxResources JSON is read from stdin" {
	run berth update --resources - "$ID" <<<'{"memory": {"limit": 67108864}}'
	assert_status 1
	assert_error_eq "$(needs "memory limit" memory)"
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
