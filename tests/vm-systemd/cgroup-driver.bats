#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# The systemd cgroup driver (--systemd-cgroup, --cgroup-manager=systemd)
# against a real systemd 252 as PID 1 on a pure cgroup v2 hierarchy: run
# inside `tests/vm/vm-run --systemd` (tests/run.sh vm-systemd).  Each test
# reads what systemd itself says (systemctl show) and the kernel's files.

bats_require_minimum_version 1.5.0

load ../bats/helpers
load ../bats/lib/cli

# software emulation: everything is ~25 times slower than on the host
export WAIT_FOR_SECONDS=60

setup_file() {
	if [ "$(ps -o comm= -p 1)" != systemd ] || [ ! -f /sys/fs/cgroup/cgroup.controllers ]; then
		echo "systemd is not PID 1 on pure cgroup v2: run me in tests/vm/vm-run --systemd" >&2
		return 1
	fi
}

# every verb through the systemd driver
berth() {
	"$BERTH" --root "$ROOT" --systemd-cgroup "$@"
}

teardown() {
	local id
	for id in $(berth list -q 2>/dev/null); do
		berth delete --force "$id" >/dev/null 2>&1 || true
	done
	assert_no_leaks
	# no unit of this test's containers, loaded, failed or active
	left=$(systemctl list-units --all --plain --no-legend "*bt$$-*" | awk '{print $1}')
	if [ -n "$left" ]; then
		echo "units left: $left" >&2
		systemctl reset-failed "*bt$$-*" 2>/dev/null
		systemctl stop "*bt$$-*" 2>/dev/null
		return 1
	fi
	if [ -n "$(find /sys/fs/cgroup -name "*bt$$-*" 2>/dev/null)" ]; then
		echo "cgroups left: $(find /sys/fs/cgroup -name "*bt$$-*")" >&2
		return 1
	fi
}

unit() { echo "berth-${1:-$ID}.scope"; }
scope() { echo "/sys/fs/cgroup/system.slice/$(unit "$@")"; }
prop() { systemctl show -P "$1" "${2:-$(unit)}"; }

@test "the container's cgroup is the transient scope system.slice/berth-ID.scope, active, with the init in it" {
	sleeper
	[ "$(prop ActiveState)" = active ]
	[ "$(prop ControlGroup)" = "/system.slice/$(unit)" ]
	[ "$(prop Delegate)" = yes ]
	grep -qx "0::/system.slice/$(unit)" "/proc/$(init_pid)/cgroup"
	grep -qx "$(init_pid)" "$(scope)/cgroup.procs"
	[ "$(berth state "$ID" | jq -r .status)" = running ]
}

@test "--cgroup-manager=systemd is the same driver" {
	make_bundle
	set_args /bin/sleep 1000
	"$BERTH" --root "$ROOT" --cgroup-manager=systemd run -d -b "$BUNDLE" "$ID" >/dev/null 2>&1 </dev/null
	[ "$(prop ActiveState)" = active ]
	"$BERTH" --root "$ROOT" --cgroup-manager=systemd delete --force "$ID"
	[ "$(prop LoadState)" = not-found ]
}

@test "memory, pids and cpu limits are properties systemd reports and values in the scope's files" {
	sleeper '.linux.resources = {"memory": {"limit": 67108864, "reservation": 33554432},
		"pids": {"limit": 30}, "cpu": {"quota": 20000, "period": 100000, "shares": 2048}}'
	[ "$(prop MemoryMax)" = 67108864 ]
	[ "$(prop MemoryLow)" = 33554432 ]
	[ "$(prop TasksMax)" = 30 ]
	[ "$(prop CPUQuotaPerSecUSec)" = 200ms ]
	[ "$(cat "$(scope)/memory.max")" = 67108864 ]
	[ "$(cat "$(scope)/memory.low")" = 33554432 ]
	[ "$(cat "$(scope)/pids.max")" = 30 ]
	[ "$(cat "$(scope)/cpu.max")" = "20000 100000" ]
	# runc's conversion: shares 2048 -> weight 170
	[ "$(prop CPUWeight)" = "$(cat "$(scope)/cpu.weight")" ]
}

@test "pids.limit 0 and -1 mean no limit: TasksMax infinity" {
	for limit in 0 -1; do
		sleeper ".linux.resources.pids.limit = $limit"
		[ "$(prop TasksMax)" = infinity ]
		[ "$(cat "$(scope)/pids.max")" = max ]
		berth delete --force "$ID"
	done
}

@test "a cgroupsPath slice:prefix:name is prefix-name.scope in the nested slices, which systemd makes" {
	sleeper ".linux.cgroupsPath = \"kubepods-burstable-pod$$.slice:cri-containerd:$ID\""
	local dir=/sys/fs/cgroup/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod$$.slice
	[ "$(prop ActiveState "cri-containerd-$ID.scope")" = active ]
	[ "$(prop Slice "cri-containerd-$ID.scope")" = "kubepods-burstable-pod$$.slice" ]
	grep -qx "0::${dir#/sys/fs/cgroup}/cri-containerd-$ID.scope" "/proc/$(init_pid)/cgroup"
	[ "$(berth state "$ID" | jq -r .id)" = "$ID" ]
	berth delete --force "$ID"
	[ ! -e "$dir/cri-containerd-$ID.scope" ]
	[ "$(prop LoadState "cri-containerd-$ID.scope")" = not-found ]
	systemctl stop kubepods.slice
}

@test "update changes the unit's properties, and they survive systemd re-applying them" {
	sleeper '.linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 30}}'
	berth update --memory 128M --pids-limit 40 --cpu-quota 50000 --cpu-period 100000 "$ID"
	[ "$(prop MemoryMax)" = 134217728 ]
	[ "$(prop TasksMax)" = 40 ]
	# a reload re-realizes every unit's cgroup from its properties: a
	# runtime that only wrote the files would see them reset here
	systemctl daemon-reload
	systemctl set-property --runtime "$(unit)" CPUAccounting=yes
	[ "$(cat "$(scope)/memory.max")" = 134217728 ]
	[ "$(cat "$(scope)/pids.max")" = 40 ]
	[ "$(cat "$(scope)/cpu.max")" = "50000 100000" ]
}

@test "what systemd has no property for is written into the scope: hugetlb, unified keys" {
	sleeper '.linux.resources = {"hugepageLimits": [{"pageSize": "2MB", "limit": 4194304}],
		"unified": {"memory.oom.group": "1", "cpu.idle": "1"}}'
	[ "$(cat "$(scope)/hugetlb.2MB.max")" = 4194304 ]
	[ "$(cat "$(scope)/memory.oom.group")" = 1 ]
	[ "$(cat "$(scope)/cpu.idle")" = 1 ]
}

@test "pause and resume freeze and thaw the scope" {
	sleeper
	berth pause "$ID"
	grep -qx 'frozen 1' "$(scope)/cgroup.events"
	[ "$(state_of "$ID")" = paused ]
	berth resume "$ID"
	grep -qx 'frozen 0' "$(scope)/cgroup.events"
	[ "$(state_of "$ID")" = running ]
}

@test "exec runs inside the scope" {
	sleeper
	run berth exec "$ID" /bin/sh -c 'echo $$; cat /proc/self/cgroup'
	# the container sees its own cgroup namespace root
	assert_contains "0::/"
	berth exec -d "$ID" /bin/sleep 200
	[ "$(wc -l < "$(scope)/cgroup.procs")" -ge 2 ]
	run berth ps --format json "$ID"
	[ "$(jq length <<<"$output")" -ge 2 ]
}

@test "events --stats reads the scope's counters" {
	sleeper '.linux.resources.pids.limit = 30'
	run berth events --stats "$ID"
	assert_status 0
	[ "$(jq -r .data.pids.limit <<<"$output")" = 30 ]
	[ "$(jq -r .data.pids.current <<<"$output")" -ge 1 ]
	[ "$(jq -r .data.memory.usage.usage <<<"$output")" -gt 0 ]
}

@test "an OOM kill in the scope is an oom event and exit 137; delete leaves no failed unit" {
	make_bundle '.linux.resources.memory = {"limit": 33554432, "swap": 33554432}'
	set_args /bin/sh -c 'sleep 1; exec /bin/probe hog 64'
	detached run -d -b "$BUNDLE" "$ID"
	berth events --interval 100ms "$ID" >"$BATS_TEST_TMPDIR/events" &
	wait_until '[ "$(state_of "$ID")" = stopped ]'
	wait $! || true
	grep -q '"type":"oom"' "$BATS_TEST_TMPDIR/events"
	berth delete "$ID"
	[ "$(prop LoadState)" = not-found ]
	run berth run -b "$BUNDLE" "$ID"
	assert_status 137
}

@test "delete --force of a running container, three times over (the last one paused): the scope is gone each time and nothing is printed" {
	# When the init dies, its pid namespace takes the exec'd processes
	# along, the scope is empty and systemd removes its cgroup, maybe
	# before berth signals the rest (there is nothing left to signal).
	# strace holds berth for 2 s after the init's SIGKILL: systemd always
	# wins that race here.
	for round in 1 2 3; do
		sleeper
		berth exec -d "$ID" /bin/sleep 300
		berth exec -d "$ID" /bin/sleep 300
		[ "$(prop ActiveState)" = active ]
		[ "$round" != 3 ] || berth pause "$ID"
		run --separate-stderr strace -f -o /dev/null -e trace=pidfd_send_signal \
			-e inject=pidfd_send_signal:delay_exit=2000000 \
			"$BERTH" --root "$ROOT" --systemd-cgroup delete --force "$ID"
		assert_status 0
		[ -z "$stderr" ] || { echo "round $round printed: $stderr" >&2; return 1; }
		[ "$(prop LoadState)" = not-found ]
		[ ! -e "$(scope)" ]
		[ ! -e "$ROOT/$ID" ]
	done
}

@test "kill --all, then delete: the unit is unknown to systemd and its cgroup gone" {
	sleeper
	berth exec -d "$ID" /bin/sleep 300
	berth kill --all "$ID" KILL
	wait_until '[ "$(state_of "$ID")" = stopped ]'
	berth delete "$ID"
	[ "$(prop LoadState)" = not-found ]
	[ ! -e "$(scope)" ]
}

@test "an init that exits: systemd drops the empty scope, delete succeeds and the name can be reused" {
	make_bundle
	set_args /bin/true
	detached run -d -b "$BUNDLE" "$ID"
	wait_until '[ "$(state_of "$ID")" = stopped ]'
	wait_until '[ ! -e "$(scope)" ]'
	berth delete "$ID"
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "$(prop LoadState)" = not-found ]
}

@test "create, then start: the scope exists from create on, with the init only" {
	make_bundle
	set_args /bin/sleep 1000
	detached create -b "$BUNDLE" "$ID"
	[ "$(prop ActiveState)" = active ]
	[ "$(cat "$(scope)/cgroup.procs")" = "$(init_pid)" ]
	berth start "$ID"
	[ "$(state_of "$ID")" = running ]
}

@test "device rules hold under systemd's own filter: a denied node cannot be opened, /dev/null can" {
	make_bundle '.linux.devices += [{"path": "/dev/mem2", "type": "c", "major": 1, "minor": 1,
		"fileMode": 438}]'
	set_args /bin/sh -c 'echo ok > /dev/null && echo null-ok; head -c1 /dev/mem2 >/dev/null 2>&1 || echo mem-denied'
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_contains null-ok
	assert_contains mem-denied
}

@test "update --device rules reach the scope without dropping systemd's program" {
	# c 240:0 has no driver: where the rules let the open through, the
	# kernel answers ENXIO; where they do not, EPERM
	sleeper '.linux.devices += [{"path": "/dev/local0", "type": "c", "major": 240, "minor": 0,
		"fileMode": 438}]'
	# systemd's (DevicePolicy) and berth's
	before=$(bpftool cgroup list "$(scope)" | grep -c device)
	[ "$before" -ge 2 ]
	run berth exec "$ID" probe open /dev/local0 r
	[ "$output" = EPERM ]
	berth update --resources - "$ID" <<<'{"devices": [{"allow": false, "access": "rwm"},
		{"allow": true, "type": "c", "major": 240, "minor": 0, "access": "r"}]}'
	systemctl show -P DeviceAllow "$(unit)" | grep -q '/dev/char/240:0 r'
	run berth exec "$ID" /bin/sh -c 'probe open /dev/local0 r; probe open /dev/local0 w; probe open /dev/null w'
	[ "$(echo $output)" = "ENXIO EPERM ok" ]
	[ "$(bpftool cgroup list "$(scope)" | grep -c device)" = "$before" ]
}

@test "a cgroupsPath that is not slice:prefix:name is refused naming it, and nothing is left" {
	make_bundle '.linux.cgroupsPath = "/not/a/slice"'
	set_args /bin/true
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains 'linux.cgroupsPath "/not/a/slice": the systemd cgroup driver expects "slice:prefix:name"'
	assert_root_empty
}

@test "a write that fails after systemd made the scope stops it again: no unit, no cgroup, no state" {
	make_bundle '.linux.resources.unified = {"memory.nonexistent": "1"}'
	set_args /bin/true
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "memory.nonexistent"
	assert_root_empty
	[ "$(prop LoadState)" = not-found ]
}
