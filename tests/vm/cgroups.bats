#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# cgroup v2 limits, freezer, device filter and stats — on a pure cgroup v2
# kernel (run inside tests/vm/vm-run, where every controller is enabled).
# Each test reads the kernel's own files and counters.

load ../bats/helpers

# software emulation: everything is ~25 times slower than on the host
export WAIT_FOR_SECONDS=60

setup_file() {
	if [ ! -f /sys/fs/cgroup/cgroup.controllers ] ||
		! grep -qw memory /sys/fs/cgroup/cgroup.controllers; then
		echo "not a pure cgroup v2 host with controllers: run me in tests/vm/vm-run" >&2
		return 1
	fi
}

cg() { # the container's cgroup dir
	echo "$CG_ROOT/berth/$ID"
}

@test "memory.max OOM-kills a hog: exit 137, oom_kill counted, an oom event" {
	make_bundle '.linux.resources.memory = {"limit": 33554432, "swap": 33554432}'
	set_args /bin/sh -c 'sleep 1; exec /bin/probe hog 64'
	detached run -d -b "$BUNDLE" "$ID"
	berth events --interval 100ms "$ID" > "$BATS_TEST_TMPDIR/events" &
	events=$!
	wait_until '[ "$(state_of "$ID")" = stopped ]'
	wait "$events" || true
	[ "$(cat "$(cg)/memory.max")" = 33554432 ]
	[ "$(awk '$1 == "oom_kill" {print $2}' "$(cg)/memory.events")" -ge 1 ]
	grep -q '"type":"oom"' "$BATS_TEST_TMPDIR/events"
	berth delete "$ID"
}

@test "run: the OOM-killed init makes berth exit 137" {
	make_bundle '.linux.resources.memory = {"limit": 33554432, "swap": 33554432}'
	set_args /bin/probe hog 64
	run berth run -b "$BUNDLE" "$ID"
	assert_status 137
}

@test "memory.low and memory.swap.max are written as converted" {
	make_bundle '.linux.resources.memory = {"limit": 33554432, "reservation": 16777216, "swap": 67108864}'
	set_args /bin/sleep 100
	detached run -d -b "$BUNDLE" "$ID"
	[ "$(cat "$(cg)/memory.low")" = 16777216 ]
	# OCI swap is memory+swap: 64 MiB - 32 MiB
	[ "$(cat "$(cg)/memory.swap.max")" = 33554432 ]
}

@test "pids.max stops a fork loop" {
	make_bundle '.linux.resources.pids = {"limit": 10}'
	set_args /bin/probe forkbomb 50
	run berth run --keep -b "$BUNDLE" "$ID"
	# the init itself and at most 9 children: forks 10..50 were refused
	[ "$(head -n1 <<<"$output")" -le 9 ]
	[ "$(cat "$(cg)/pids.max")" = 10 ]
	[ "$(awk '$1 == "max" {print $2}' "$(cg)/pids.events")" -gt 0 ]
	berth delete "$ID"
}

@test "cpu.max throttles a busy loop" {
	make_bundle '.linux.resources.cpu = {"quota": 20000, "period": 100000}'
	set_args /bin/sh -c '/bin/probe burn 150 >/dev/null; grep nr_throttled /sys/fs/cgroup/cpu.stat'
	edit_config '.linux.namespaces += [{"type": "cgroup"}]'
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	throttled=$(awk '{print $2}' <<<"$output")
	[ "$throttled" -gt 0 ]
}

# runc's and crun's shares -> weight conversion, computed independently
weight_of() {
	awk -v s="$1" 'BEGIN { l = log(s) / log(2); e = (l * l + 125 * l) / 612.0 - 7.0 / 34.0;
		w = 10 ^ e; i = int(w); if (i < w) i++; print i }'
}

@test "cpu.weight from shares follows the runc/crun formula" {
	for shares in 2 512 1024 4096 262143; do
		make_bundle ".linux.resources.cpu = {\"shares\": $shares}"
		set_args /bin/sleep 100
		detached run -d -b "$BUNDLE" "$ID"
		want=$(weight_of "$shares")
		[ "$shares" = 2 ] && want=1
		got=$(cat "$(cg)/cpu.weight")
		[ "$got" = "$want" ] || { echo "shares $shares: weight $got, want $want" >&2; return 1; }
		berth delete --force "$ID"
	done
}

@test "cpuset pins the container to the given CPUs" {
	make_bundle '.linux.resources.cpu = {"cpus": "1"}'
	run_sh 'grep Cpus_allowed_list /proc/self/status'
	assert_status 0
	[ "$(awk '{print $2}' <<<"$output")" = 1 ]
}

@test "io.max limits a loop device" {
	img=$BATS_TEST_TMPDIR/disk.img
	truncate -s 16M "$img"
	loop=$(losetup -f --show "$img")
	maj=$((0x$(stat -c %t "$loop")))
	min=$((0x$(stat -c %T "$loop")))
	make_bundle ".linux.resources.blockIO = {\"throttleWriteBpsDevice\": [{\"major\": $maj, \"minor\": $min, \"rate\": 2097152}]}"
	set_args /bin/sleep 100
	detached run -d -b "$BUNDLE" "$ID"
	line=$(grep "^$maj:$min " "$(cg)/io.max")
	berth delete --force "$ID"
	losetup -d "$loop"
	[[ "$line" == *"wbps=2097152"* ]]
}

@test "hugetlb limits are written when the kernel has hugepages" {
	[ -e /sys/fs/cgroup/hugetlb.2MB.max ] || [ -n "$(ls /sys/kernel/mm/hugepages 2>/dev/null)" ] ||
		skip "this kernel has no hugepage sizes"
	make_bundle '.linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 4194304}]'
	set_args /bin/sleep 100
	detached run -d -b "$BUNDLE" "$ID"
	[ "$(cat "$(cg)/hugetlb.2MB.max")" = 4194304 ]
}

@test "a denied device cannot be opened or created; an allowed one can" {
	make_bundle '.linux.devices = [{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11, "fileMode": 438}]
		| '"$(caps_add CAP_MKNOD)"
	# mknod on the container's /dev (a tmpfs): the rootfs may sit on 9p
	# (a checkout under /tmp), where mknod fails with ENXIO whatever the
	# device filter says
	run_sh 'probe open /dev/kmsg w; probe mknod /dev/k c 1 11; probe open /dev/null w'
	assert_status 0
	assert_line_eq "$output" $'EPERM\nEPERM\nok'
	edit_config '.linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "minor": 11, "access": "rwm"}]'
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_line_eq "$output" $'ok\nok\nok'
}

@test "pause freezes every process and resume thaws them" {
	make_bundle '.root.readonly = false'
	set_args /bin/sh -c 'i=0; while :; do i=$((i+1)); echo $i > /tmp/count; sleep 0.05; done'
	detached run -d -b "$BUNDLE" "$ID"
	pid=$(berth state "$ID" | jq .pid)
	berth pause "$ID"
	[ "$(state_of "$ID")" = paused ]
	grep -qx "frozen 1" "$(cg)/cgroup.events"
	a=$(cat "/proc/$pid/root/tmp/count")
	sleep 0.5
	b=$(cat "/proc/$pid/root/tmp/count")
	[ "$a" = "$b" ]
	berth resume "$ID"
	[ "$(state_of "$ID")" = running ]
	grep -qx "frozen 0" "$(cg)/cgroup.events"
	wait_until '[ "$(cat "/proc/$pid/root/tmp/count")" != "$b" ]'
}

@test "update --memory changes memory.max of a running container" {
	make_bundle '.linux.resources.memory = {"limit": 67108864}'
	set_args /bin/sleep 100
	detached run -d -b "$BUNDLE" "$ID"
	berth update --memory 128m "$ID"
	[ "$(cat "$(cg)/memory.max")" = 134217728 ]
	echo '{"pids": {"limit": 42}}' | berth update --resources - "$ID"
	[ "$(cat "$(cg)/pids.max")" = 42 ]
}

@test "events --stats is runc's JSON with the memory in use" {
	make_bundle
	set_args /bin/sleep 100
	detached run -d -b "$BUNDLE" "$ID"
	run berth events --stats "$ID"
	assert_status 0
	[ "$(jq -r .type <<<"$output")" = stats ]
	[ "$(jq -r .id <<<"$output")" = "$ID" ]
	[ "$(jq .data.memory.usage.usage <<<"$output")" -gt 0 ]
	[ "$(jq .data.pids.current <<<"$output")" -ge 1 ]
	jq -e '.data.cpu.usage.total >= 0' <<<"$output"
}

@test "100 run/delete cycles leave no cgroup behind" {
	make_bundle '.linux.resources.pids = {"limit": 100}'
	set_args /bin/true
	for i in $(seq 100); do
		berth run -b "$BUNDLE" "$ID-$i" || { echo "run $i failed" >&2; return 1; }
	done
	[ -z "$(ls -d "$CG_ROOT"/berth/"$ID"-* 2>/dev/null)" ]
	[ ! -e "$CG_ROOT/berth" ] || [ -z "$(find "$CG_ROOT/berth" -mindepth 1 -type d)" ]
}

@test "a relative cgroupsPath lands below the cgroup berth runs in" {
	mkdir -p "$CG_ROOT/bt-outer/self"
	echo $$ > "$CG_ROOT/bt-outer/self/cgroup.procs"
	make_bundle ".linux.cgroupsPath = \"rel-$ID\""
	run_sh 'cat /proc/self/cgroup'
	echo $$ > "$CG_ROOT/cgroup.procs"
	rmdir "$CG_ROOT/bt-outer/self" "$CG_ROOT/bt-outer" 2>/dev/null || true
	assert_status 0
	# runc's rule: below the parent of berth's own cgroup, since a
	# cgroup that holds processes cannot hand controllers to children
	assert_line_eq "$output" "0::/bt-outer/rel-$ID"
}

@test "the cgroup manager's C tests pass against this pure cgroup v2 hierarchy, none skipped" {
	# on the hybrid host test-cgroups-v2 can only skip: this is where it runs
	for t in test-cgroups test-cgroups-v2; do
		run "$REPO/build/tests/$t"
		assert_status 0
		# TAP: a plan, checks, none failed, and not a plan of none
		assert_contains $'\nok '
		grep -qE '^1\.\.[1-9][0-9]*$' <<<"$output"
		assert_not_contains "not ok "
		assert_not_contains "# SKIP"
	done
}
