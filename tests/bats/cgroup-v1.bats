#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# The cgroup v1 controllers of this hybrid host, proven by their effects:
# each limit is read back from the kernel's own v1 files and counters, and
# seen from inside the container.  Every test makes its own parent cgroup
# in each hierarchy (cgroupsPath <parent>/c) and removes it; berth must
# leave the parent alone.  With the cgroup2 mount hidden in a private
# mount namespace, the same host is a v1-only host.

load helpers
load lib/cli

setup() {
	helpers_setup
	[ -n "$V1_MOUNTS" ] || skip "no cgroup v1 hierarchy is mounted here"
}

# v1_bundle [JQ-FILTER]: the default bundle, in a parent cgroup of the
# test's own ($PARENT in every hierarchy, a cpuset one with its parent's
# cpus and mems); the container's cgroups are $PARENT/c
v1_bundle() {
	PARENT=/bt$$-$BATS_SUITE_TEST_NUMBER-parent
	own_cgroups "$PARENT"
	make_bundle ".linux.cgroupsPath = \"$PARENT/c\" | ${1:-.}"
}

# the container's cgroup in the v1 hierarchy of controller $1
cg1() {
	echo "$(v1_mount "$1")$PARENT/c"
}

# a key's value in a flat-keyed file ("oom_kill 1")
kv() {
	awk -v k="$2" '$1 == k {print $2}' "$1"
}

@test "v1: a memory limit OOM-kills a hog: exit 137, memory.failcnt and memory.oom_control count it" {
	v1_bundle '.linux.resources.memory = {"limit": 33554432}'
	set_args /bin/probe hog 64
	run berth run --keep -b "$BUNDLE" "$ID"
	assert_status 137
	[ "$(cat "$(cg1 memory)/memory.limit_in_bytes")" = 33554432 ]
	[ "$(cat "$(cg1 memory)/memory.failcnt")" -gt 0 ]
	[ "$(kv "$(cg1 memory)/memory.oom_control" oom_kill)" = 1 ]
	berth delete "$ID"
}

@test "v1: events reports the OOM kill, from memory.oom_control's eventfd" {
	v1_bundle '.linux.resources.memory = {"limit": 33554432}'
	set_args /bin/sh -c 'sleep 1; exec /bin/probe hog 64'
	detached run -d -b "$BUNDLE" "$ID"
	berth events --interval 10s "$ID" > "$BATS_TEST_TMPDIR/events" &
	events=$!
	wait_until '[ "$(state_of "$ID")" = stopped ]'
	wait "$events"
	[ "$(grep -c '"type":"oom"' "$BATS_TEST_TMPDIR/events")" = 1 ]
	[ "$(kv "$(cg1 memory)/memory.oom_control" oom_kill)" = 1 ]
	berth delete "$ID"
}

@test "v1: disableOOMKiller and swappiness reach memory.oom_control and memory.swappiness" {
	v1_bundle '.linux.resources.memory = {"limit": 33554432, "disableOOMKiller": true, "swappiness": 0, "reservation": 16777216}'
	set_args /bin/sleep 1000
	detached run -d -b "$BUNDLE" "$ID"
	[ "$(kv "$(cg1 memory)/memory.oom_control" oom_kill_disable)" = 1 ]
	[ "$(cat "$(cg1 memory)/memory.swappiness")" = 0 ]
	[ "$(cat "$(cg1 memory)/memory.soft_limit_in_bytes")" = 16777216 ]
}

@test "v1: a pids limit stops a fork loop" {
	v1_bundle '.linux.resources.pids = {"limit": 10}'
	set_args /bin/probe forkbomb 50
	run berth run --keep -b "$BUNDLE" "$ID"
	# the init itself and at most 9 children: forks 10..50 were refused
	[ "$(head -n1 <<<"$output")" -le 9 ]
	[ "$(cat "$(cg1 pids)/pids.max")" = 10 ]
	[ "$(kv "$(cg1 pids)/pids.events" max)" -gt 0 ]
	berth delete "$ID"
}

@test "v1: a cpu quota throttles a busy loop: nr_throttled grows in cpu.stat" {
	v1_bundle '.linux.resources.cpu = {"quota": 20000, "period": 100000}'
	set_args /bin/sh -c '/bin/probe burn 150 >/dev/null; grep nr_throttled /sys/fs/cgroup/cpu/cpu.stat'
	run berth run --keep -b "$BUNDLE" "$ID"
	assert_status 0
	[ "$(awk '{print $2}' <<<"$output")" -gt 0 ]
	[ "$(cat "$(cg1 cpu)/cpu.cfs_quota_us")" = 20000 ]
	[ "$(kv "$(cg1 cpu)/cpu.stat" nr_throttled)" -gt 0 ]
	berth delete "$ID"
}

@test "v1: cpuset pins the container to the cpus asked" {
	v1_bundle '.linux.resources.cpu = {"cpus": "1", "mems": "0"}'
	set_args /bin/sh -c 'grep Cpus_allowed_list /proc/self/status; cat /sys/fs/cgroup/cpuset/cpuset.cpus'
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "$(echo $output)" = "Cpus_allowed_list: 1 1" ]
}

@test "v1: without cpus asked, the container's cpuset gets its parent's" {
	v1_bundle
	set_args /bin/cat /sys/fs/cgroup/cpuset/cpuset.cpus /sys/fs/cgroup/cpuset/cpuset.mems
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "$(echo $output)" = "$(echo $(cat "$(v1_mount cpuset)/cpuset.cpus" "$(v1_mount cpuset)/cpuset.mems"))" ]
}

@test "v1: blkio throttles reach blkio.throttle.*_device" {
	dev=$(stat -c '%t:%T' "$(df --output=source / | tail -1)" 2>/dev/null) || skip "no block device for /"
	major=$((16#${dev%:*}))
	minor=$((16#${dev#*:}))
	v1_bundle ".linux.resources.blockIO = {\"throttleReadBpsDevice\": [{\"major\": $major, \"minor\": $minor, \"rate\": 1048576}],
		\"throttleWriteIOPSDevice\": [{\"major\": $major, \"minor\": $minor, \"rate\": 100}]}"
	set_args /bin/sleep 1000
	detached run -d -b "$BUNDLE" "$ID"
	[ "$(cat "$(cg1 blkio)/blkio.throttle.read_bps_device")" = "$major:$minor 1048576" ]
	[ "$(cat "$(cg1 blkio)/blkio.throttle.write_iops_device")" = "$major:$minor 100" ]
}

@test "v1: the devices cgroup alone denies a device, with the cgroup2 mount hidden (a v1-only host)" {
	v1_bundle '.mounts += [{"destination": "/dev/fuse", "type": "bind", "source": "/dev/fuse", "options": ["bind"]}]'
	edit_config "$(caps_add CAP_MKNOD)"
	set_args /bin/sh -c 'probe open /dev/fuse r; probe open /dev/null w; probe mknod /dev/mem2 c 1 1; cat /proc/self/cgroup'
	run unshare -m --propagation private sh -c 'umount /sys/fs/cgroup/unified && exec "$@"' sh \
		"$BERTH" --root "$ROOT" run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "$(sed -n 1,3p <<<"$output" | tr '\n' ' ')" = "EPERM ok EPERM " ]
	# no cgroup2 part at all: only v1 cgroups
	grep -qx '0::/' <<<"$output"
	grep -q "^[0-9]*:memory:$PARENT/c\$" <<<"$output"
	[ ! -e "$CG_ROOT$PARENT/c" ]
}

@test "v1: with no device enforcement at all (no cgroup2, no devices hierarchy) run is refused, unless --cgroup-manager=disabled" {
	make_bundle
	set_args /bin/echo ran
	hide='umount /sys/fs/cgroup/unified && umount /sys/fs/cgroup/devices && exec "$@"'
	run unshare -m --propagation private sh -c "$hide" sh "$BERTH" --root "$ROOT" run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_error_eq "cgroup: device rules cannot be enforced on this host: no cgroup2 hierarchy is mounted (for the eBPF device filter) and no cgroup v1 devices hierarchy either; --cgroup-manager=disabled runs without them"
	assert_root_empty
	for h in $V1_MOUNTS; do
		[ ! -e "$h/berth/$ID" ]
	done
	run unshare -m --propagation private sh -c "$hide" sh "$BERTH" --root "$ROOT" --cgroup-manager=disabled run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "$output" = ran ]
}

@test "v1: v1-only (cgroup2 hidden), limits, pause, stats and delete work without a cgroup2 part" {
	v1_bundle '.linux.resources.memory = {"limit": 67108864} | .linux.resources.pids = {"limit": 20}'
	set_args /bin/sleep 1000
	cat > "$BATS_TEST_TMPDIR/v1only.sh" <<-EOF
		set -e
		umount /sys/fs/cgroup/unified
		b() { "$BERTH" --root "$ROOT" "\$@"; }
		b run -d -b "$BUNDLE" "$ID" >/dev/null 2>&1 </dev/null
		cat "$(cg1 memory)/memory.limit_in_bytes" "$(cg1 pids)/pids.max"
		b pause "$ID"
		cat "$(cg1 freezer)/freezer.state"
		b state "$ID" | jq -r .status
		b resume "$ID"
		cat "$(cg1 freezer)/freezer.state"
		b events --stats "$ID" | jq .data.memory.usage.limit
		b ps --format json "$ID" | jq length
		b delete --force "$ID"
		ls -d "$(cg1 memory)" 2>/dev/null || echo gone
	EOF
	run unshare -m --propagation private sh "$BATS_TEST_TMPDIR/v1only.sh"
	assert_status 0
	[ "$(echo $output)" = "67108864 20 FROZEN paused THAWED 67108864 1 gone" ]
}

@test "v1: pause freezes (freezer.state FROZEN) and resume thaws" {
	mkdir -p "$BATS_TEST_TMPDIR/shared"
	v1_bundle
	add_bind "$BATS_TEST_TMPDIR/shared" /home
	set_args /bin/sh -c 'i=0; while :; do i=$((i+1)); echo $i > /home/count; sleep 0.05; done'
	detached run -d -b "$BUNDLE" "$ID"
	wait_for test -s "$BATS_TEST_TMPDIR/shared/count"
	berth pause "$ID"
	[ "$(cat "$(cg1 freezer)/freezer.state")" = FROZEN ]
	[ "$(state_of "$ID")" = paused ]
	before=$(cat "$BATS_TEST_TMPDIR/shared/count")
	sleep 0.5
	[ "$(cat "$BATS_TEST_TMPDIR/shared/count")" = "$before" ]
	berth resume "$ID"
	[ "$(cat "$(cg1 freezer)/freezer.state")" = THAWED ]
	wait_until '[ "$(cat "$BATS_TEST_TMPDIR/shared/count")" -gt "$before" ]'
	[ "$(state_of "$ID")" = running ]
}

@test "v1: update --memory changes memory.limit_in_bytes of the running container" {
	v1_bundle '.linux.resources.memory = {"limit": 67108864}'
	set_args /bin/sleep 1000
	detached run -d -b "$BUNDLE" "$ID"
	[ "$(cat "$(cg1 memory)/memory.limit_in_bytes")" = 67108864 ]
	berth update --memory 128m "$ID"
	[ "$(cat "$(cg1 memory)/memory.limit_in_bytes")" = 134217728 ]
	run berth exec "$ID" cat /sys/fs/cgroup/memory/memory.limit_in_bytes
	[ "$output" = 134217728 ]
}

@test "v1: update with device rules changes devices.list of the running container" {
	v1_bundle '.mounts += [{"destination": "/dev/fuse", "type": "bind", "source": "/dev/fuse", "options": ["bind"]}]'
	set_args /bin/sleep 1000
	detached run -d -b "$BUNDLE" "$ID"
	run berth exec "$ID" probe open /dev/fuse r
	[ "$output" = EPERM ]
	run berth update --resources - "$ID" <<<'{"devices": [{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 10, "minor": 229, "access": "r"}]}'
	assert_status 0
	list=$(cat "$(cg1 devices)/devices.list")
	grep -qx 'c 10:229 r' <<<"$list"
	grep -qx 'c 1:3 rwm' <<<"$list"
	run berth exec "$ID" /bin/sh -c 'probe open /dev/fuse r; probe open /dev/fuse w; probe open /dev/null w'
	[ "$(echo $output)" = "ok EPERM ok" ]
}

@test "v1: events --stats has the container's own memory usage, limit and pids, in runc's schema" {
	v1_bundle '.linux.resources.memory = {"limit": 67108864} | .linux.resources.pids = {"limit": 50}'
	set_args /bin/sh -c 'dd if=/dev/zero of=/dev/shm/fill bs=1M count=8 2>/dev/null; exec sleep 1000'
	detached run -d -b "$BUNDLE" "$ID"
	wait_until '[ "$(cat "$(cg1 memory)/memory.usage_in_bytes")" -gt 8388608 ]'
	run berth events --stats "$ID"
	assert_status 0
	data=$(jq -c .data <<<"$output")
	usage=$(jq .memory.usage.usage <<<"$data")
	# the container's cgroup alone: its limit, its 8 MiB, not the caller's
	[ "$(jq .memory.usage.limit <<<"$data")" = 67108864 ]
	[ "$usage" -gt 8388608 ] && [ "$usage" -lt 67108864 ]
	[ "$(jq .memory.usage.max <<<"$data")" -ge "$usage" ]
	[ "$(jq .memory.raw.shmem <<<"$data")" -ge 8388608 ]
	[ "$(jq .pids.current <<<"$data")" = 1 ]
	[ "$(jq .pids.limit <<<"$data")" = 50 ]
	[ "$(jq .cpu.usage.total <<<"$data")" -gt 0 ]
	[ "$(jq .cpu.usage.total <<<"$data")" -le "$(cat "$(cg1 cpuacct)/cpuacct.usage")" ]
	[ "$(jq '.cpu.usage.percpu | length' <<<"$data")" = "$(wc -w < "$(cg1 cpuacct)/cpuacct.usage_percpu")" ]
	[ "$(jq -c .cpuset.cpus <<<"$data")" = "[$(seq -s, 0 $(($(nproc) - 1)))]" ]
	[ "$(jq '.memory | has("swap") and has("kernel") and has("kernelTCP")' <<<"$data")" = true ]
}

@test "v1: /proc/<init>/cgroup shows the container's own path in every hierarchy, before start" {
	v1_bundle
	set_args /bin/sleep 1000
	detached create -b "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid" "$ID"
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	[ "$(awk -F: -v p="$PARENT/c" '$3 != p' "/proc/$pid/cgroup")" = "" ]
	for h in $V1_MOUNTS; do
		grep -qx "$pid" "$h$PARENT/c/cgroup.procs"
	done
}

# Moving another process's pid takes the kernel's global threadgroup lock
# and, after a quiet spell, an RCU grace period (7.5 ms here, most of a
# cold start); a thread moving itself ("0" into tasks) is spared it.
@test "v1: the init and an exec'd process join their v1 cgroups themselves, \"0\" into tasks, never by pid" {
	v1_bundle
	set_args /bin/sh -c 'cut -d: -f3 /proc/self/cgroup | sort -u'
	# LeakSanitizer cannot run under ptrace (the ASan pass)
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
	run strace -f -qq -y -e trace=write -e signal=none -o "$BATS_TEST_TMPDIR/run" \
		"$BERTH" --root "$ROOT" run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "$output" = "$PARENT/c" ]
	set_args /bin/sleep 1000
	detached run -d -b "$BUNDLE" "$ID"
	run strace -f -qq -y -e trace=write -e signal=none -o "$BATS_TEST_TMPDIR/exec" \
		"$BERTH" --root "$ROOT" exec "$ID" /bin/sh -c 'cut -d: -f3 /proc/self/cgroup | sort -u'
	assert_status 0
	[ "$output" = "$PARENT/c" ]
	for f in run exec; do
		for h in $V1_MOUNTS; do
			grep -q "write([0-9]*<$h$PARENT/c/tasks>, \"0\", 1) = 1" "$BATS_TEST_TMPDIR/$f"
		done
		! grep "cgroup.procs>" "$BATS_TEST_TMPDIR/$f"
	done
}

@test "v1: a user+cgroup-namespaced container sees only its own cgroups" {
	v1_bundle '.linux.resources.memory = {"limit": 67108864}
		| .linux.namespaces += [{"type": "user"}, {"type": "cgroup"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	set_args /bin/sh -c 'cut -d: -f3 /proc/self/cgroup | sort -u
		cat /sys/fs/cgroup/memory/memory.limit_in_bytes
		wc -l < /sys/fs/cgroup/memory/cgroup.procs
		ls /sys/fs/cgroup/memory | grep -c "^bt"
		probe open /sys/fs/cgroup/memory/memory.limit_in_bytes w
		grep -c " - cgroup " /proc/self/mountinfo'
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	# every hierarchy's root is the container's own cgroup
	[ "${lines[0]}" = / ]
	[ "${lines[1]}" = 67108864 ]
	# sh, cat, wc at most: the caller's processes are not there
	[ "${lines[2]}" -le 3 ]
	[ "${lines[3]}" = 0 ]
	# not writable: read-only, and its files are not the mapped root's
	[ "${lines[4]}" = EROFS ] || [ "${lines[4]}" = EACCES ]
	[ "${lines[5]}" = "$(wc -w <<<"$V1_MOUNTS")" ]
}

@test "v1: /sys/fs/cgroup inside is a read-only tmpfs with the container's v1 hierarchies and unified" {
	v1_bundle
	set_args /bin/sh -c 'grep " /sys/fs/cgroup" /proc/self/mountinfo; probe create /sys/fs/cgroup/x'
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	grep -q ' /sys/fs/cgroup ro,.* - tmpfs ' <<<"$output"
	for h in $V1_MOUNTS; do
		grep -q " $PARENT/c /sys/fs/cgroup/${h##*/} ro,.* - cgroup " <<<"$output"
	done
	grep -q " $PARENT/c /sys/fs/cgroup/unified ro,.* - cgroup2 " <<<"$output"
	[ "$(tail -1 <<<"$output")" = EROFS ]
}

@test "v1: delete removes every cgroup berth made and keeps the parent the test made" {
	v1_bundle
	set_args /bin/sleep 1000
	detached run -d -b "$BUNDLE" "$ID"
	for h in "$CG_ROOT" $V1_MOUNTS; do
		[ -d "$h$PARENT/c" ]
	done
	berth delete --force "$ID"
	for h in "$CG_ROOT" $V1_MOUNTS; do
		[ ! -e "$h$PARENT/c" ]
		[ -d "$h$PARENT" ]
	done
}

@test "v1: a realtime runtime larger than the parent's fails naming the parent's value" {
	v1_bundle '.linux.resources.cpu = {"realtimePeriod": 1000000, "realtimeRuntime": 10000}'
	set_args /bin/true
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "cpu realtime runtime: a cgroup's realtime runtime must fit in its parent's, and the parent's cpu.rt_runtime_us is 0"
	assert_root_empty
	[ ! -e "$(cg1 cpu)" ]
}

@test "v1: 200 run/delete cycles leave no cgroup in any hierarchy" {
	v1_bundle
	set_args /bin/grep -c ":$PARENT/c\$" /proc/self/cgroup
	want=$(($(wc -w <<<"$V1_MOUNTS") + 1))
	for i in $(seq 200); do
		# each one in its cgroup of every hierarchy
		[ "$(berth run -b "$BUNDLE" "$ID-$i")" = "$want" ] || { echo "run $i" >&2; false; }
	done
	for h in "$CG_ROOT" $V1_MOUNTS; do
		[ -z "$(find "$h$PARENT" -mindepth 1 -type d)" ] || { find "$h$PARENT" >&2; false; }
	done
}
