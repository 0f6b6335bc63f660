#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# cgroups on this hybrid host: v1 controllers at /sys/fs/cgroup/<name>,
# and a cgroup2 mount at /sys/fs/cgroup/unified with only hugetlb.  A
# container gets a cgroup in the cgroup2 tree (placement, cgroup.kill, the
# eBPF device filter, hugetlb) and one in every v1 hierarchy (memory, cpu,
# cpuset, pids, blkio, devices, freezer, name=systemd).  A limit of a
# controller no hierarchy has fails clearly, a weight the host cannot
# apply is warned about, zero values are no request at all.  The limits'
# effects: cgroup-v1.bats.

load helpers
load lib/cli

UNIFIED=/sys/fs/cgroup/unified

setup() {
	helpers_setup
	[ "$CG_ROOT" = "$UNIFIED" ] ||
		skip "this suite describes the hybrid host; $CG_ROOT is a pure cgroup v2 hierarchy"
}

# the exact refusal for a limit ($1) of a controller ($2) no hierarchy has
nowhere() {
	echo "cgroup: $1 needs the \"$2\" controller, which this host has neither in $UNIFIED nor as a cgroup v1 hierarchy"
}

# try_create JQ-FILTER: create with the default bundle edited
try_create() {
	make_bundle "$1"
	run detached create -b "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid" "$ID"
}

# own_cgroup NAME: a cgroup of the test's own in every hierarchy (a v1
# cpuset gets its parent's cpus and mems), named $OWN (relative); removed
# at teardown
own_cgroup() {
	OWN=/$1
	own_cgroups "$OWN"
}

# the line of hierarchy $2 ("memory", "0:") in /proc/$1/cgroup, path only
proc_cg() {
	awk -F: -v h="$2" '$2 == h || ($1 == 0 && h == "") {print $3}' "/proc/$1/cgroup"
}

@test "hybrid: create places the init in its cgroup of the cgroup2 tree and of every v1 hierarchy, and the state records them" {
	make_bundle
	set_args /bin/sleep 1000
	detached create -b "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid" "$ID"
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	# every line of /proc/<init>/cgroup, before start
	[ "$(awk -F: '$3 != "/berth/'"$ID"'"' "/proc/$pid/cgroup")" = "" ]
	[ "$(wc -l < "/proc/$pid/cgroup")" = "$(($(wc -w <<<"$V1_MOUNTS") + 1))" ]
	grep -qx "$pid" "$UNIFIED/berth/$ID/cgroup.procs"
	for h in $V1_MOUNTS; do
		grep -qx "$pid" "$h/berth/$ID/cgroup.procs"
	done
	state=$(cat "$ROOT/$ID/state.json")
	[ "$(jq -r .berth.cgroup <<<"$state")" = "$UNIFIED/berth/$ID" ]
	[ "$(jq -r '.berth.cgroupV1.memory' <<<"$state")" = "$(v1_mount memory)/berth/$ID" ]
	[ "$(jq -r '.berth.cgroupV1["name=systemd"]' <<<"$state")" = "$(v1_mount name=systemd)/berth/$ID" ]
}

@test "hybrid: an exec'd process joins every cgroup of the container" {
	make_bundle
	set_args /bin/sleep 1000
	detached run -d -b "$BUNDLE" "$ID"
	run berth exec "$ID" cat /proc/self/cgroup
	assert_status 0
	[ "$(awk -F: '$3 != "/berth/'"$ID"'"' <<<"$output")" = "" ]
	[ "$(wc -l <<<"$output")" = "$(($(wc -w <<<"$V1_MOUNTS") + 1))" ]
}

# sleepers_with_sub: a running container of two sleeps, one of them
# ($moved) moved into the sub-cgroup $cg/sub of the cgroup2 tree
sleepers_with_sub() {
	make_bundle
	set_args /bin/sh -c 'sleep 1000 & exec sleep 1001'
	detached run -d -b "$BUNDLE" "$ID"
	cg=$UNIFIED/berth/$ID
	wait_until '[ "$(wc -l < "$cg/cgroup.procs")" = 2 ]'
	mkdir "$cg/sub"
	moved=$(tail -1 "$cg/cgroup.procs")
	echo "$moved" > "$cg/sub/cgroup.procs"
}

@test "hybrid: pause freezes with the v1 freezer, processes in sub-cgroups too" {
	sleepers_with_sub
	berth pause "$ID"
	[ "$(cat "$(v1_mount freezer)/berth/$ID/freezer.state")" = FROZEN ]
	[ "$(state_of "$ID")" = paused ]
	# the process moved to a cgroup2 sub-cgroup is still in the v1 freezer
	grep -qx "$moved" "$(v1_mount freezer)/berth/$ID/cgroup.procs"
	berth resume "$ID"
	[ "$(cat "$(v1_mount freezer)/berth/$ID/freezer.state")" = THAWED ]
	[ "$(state_of "$ID")" = running ]
}

@test "hybrid: kill --all and ps reach processes in sub-cgroups; delete removes them" {
	sleepers_with_sub
	run berth ps --format json "$ID"
	[ "$(jq "index($moved) != null" <<<"$output")" = true ]
	[ "$(jq length <<<"$output")" = 2 ]
	berth kill --all "$ID" KILL
	wait_for pid_gone "$moved"
	[ -z "$(cat "$cg/sub/cgroup.procs")" ]
	berth delete "$ID"
	[ ! -e "$cg" ]
}

@test "hybrid: the device rules hold: a device that is not allowed cannot be opened" {
	make_bundle '.mounts += [{"destination": "/dev/fuse", "type": "bind", "source": "/dev/fuse", "options": ["bind"]}]'
	set_args /bin/sh -c 'probe open /dev/fuse r; probe open /dev/fuse w; probe open /dev/null w; probe open /dev/zero r'
	run berth run --keep -b "$BUNDLE" "$ID"
	assert_status 0
	[ "$(echo $output)" = "EPERM EPERM ok ok" ]
	# the v1 devices list holds the rules too (the eBPF filter: devices.bats)
	list=$(cat "$(v1_mount devices)/berth/$ID/devices.list")
	grep -qx 'c 1:3 rwm' <<<"$list"
	! grep -q '^a ' <<<"$list"
	! grep -q '^c 10:229' <<<"$list"
	berth delete "$ID"
	# the host itself can open it: the refusal is the container's
	exec 9</dev/fuse
	exec 9<&-
}

@test "hybrid: a device allow rule grants exactly its access" {
	make_bundle '.mounts += [{"destination": "/dev/fuse", "type": "bind", "source": "/dev/fuse", "options": ["bind"]}]
		| .linux.resources.devices += [{"allow": true, "type": "c", "major": 10, "minor": 229, "access": "r"}]'
	set_args /bin/sh -c 'probe open /dev/fuse r; probe open /dev/fuse w; grep "^c 10:229 " /sys/fs/cgroup/devices/devices.list'
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "$(echo $output)" = "ok EPERM c 10:229 r" ]
}

@test "hybrid: mknod of a denied device is refused even with CAP_MKNOD" {
	make_bundle "$(caps_add CAP_MKNOD)"
	set_args /bin/sh -c 'probe mknod /dev/mem2 c 1 1; probe mknod /dev/null2 c 1 3; probe open /dev/null2 w'
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "$(echo $output)" = "EPERM ok ok" ]
}

@test "hybrid: a limit of a controller no hierarchy has fails naming it, and leaves nothing" {
	declare -A cases=(
		['.linux.resources.rdma = {"mlx5_0": {"hcaHandles": 3}}']="$(nowhere "rdma limit" rdma)"
		['.linux.resources.network = {"classID": 1048577}']="$(nowhere "network classID" net_cls)"
		['.linux.resources.network = {"priorities": [{"name": "eth0", "priority": 5}]}']="$(nowhere "network priority" net_prio)"
	)
	for filter in "${!cases[@]}"; do
		try_create "$filter"
		[ "$status" = 1 ] || { echo "$filter: status $status" >&2; false; }
		[ "$output" = "berth: ${cases[$filter]}" ] || { echo "$filter: $output" >&2; false; }
		assert_container_gone "$ID"
		for h in $V1_MOUNTS; do
			[ ! -e "$h/berth/$ID" ]
		done
	done
}

@test "hybrid: settings cgroup v1 cannot take are refused clearly (kernel memory, a unified key of a v1 controller)" {
	try_create '.linux.resources.memory = {"kernel": 1048576}'
	assert_status 1
	assert_error_eq "cgroup: memory.kernel: kernel memory limits are obsolete (cgroup v1 only, and ignored by its recent kernels); remove it"
	try_create '.linux.resources.unified = {"memory.max": "100M"}'
	assert_status 1
	assert_error_eq "cgroup: unified 'memory.max' is a cgroup v2 file, but the \"memory\" controller is a cgroup v1 hierarchy on this host (set it with linux.resources instead)"
	assert_container_gone "$ID"
}

@test "hybrid: cpu shares are applied to the v1 cpu.shares, without a word" {
	make_bundle '.linux.resources.cpu = {"shares": 512}'
	set_args /bin/cat /sys/fs/cgroup/cpu/cpu.shares
	berth run -b "$BUNDLE" "$ID" >"$BATS_TEST_TMPDIR/o" 2>"$BATS_TEST_TMPDIR/e"
	[ "$(cat "$BATS_TEST_TMPDIR/o")" = 512 ]
	[ ! -s "$BATS_TEST_TMPDIR/e" ] || { cat "$BATS_TEST_TMPDIR/e" >&2; false; }
}

@test "hybrid: a blockIO weight without a proportional io scheduler is a warning, and the container runs" {
	[ ! -e "$(v1_mount blkio)/blkio.weight" ] && [ ! -e "$(v1_mount blkio)/blkio.bfq.weight" ] ||
		skip "this host's blkio hierarchy takes weights"
	make_bundle '.linux.resources.blockIO = {"weight": 500}'
	set_args /bin/echo ran
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_contains "warning: cgroup: blkio weight not applied: '$(v1_mount blkio)/berth/$ID/blkio.bfq.weight' does not exist"
	assert_contains ran
}

@test "hybrid: docker's zero-valued memory, cpu and blockIO objects run without a word" {
	make_bundle '.linux.resources = {"memory": {"disableOOMKiller": false}, "cpu": {"shares": 0}, "blockIO": {"weight": 0},
		"devices": [{"allow": false, "access": "rwm"},
			{"allow": true, "type": "c", "major": 1, "minor": 5, "access": "rwm"},
			{"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rwm"},
			{"allow": true, "type": "c", "major": 1, "minor": 9, "access": "rwm"},
			{"allow": true, "type": "c", "major": 1, "minor": 8, "access": "rwm"},
			{"allow": true, "type": "c", "major": 5, "minor": 0, "access": "rwm"},
			{"allow": true, "type": "c", "major": 10, "minor": 200, "access": "rwm"}]}'
	set_args /bin/echo ran
	berth run -b "$BUNDLE" "$ID" >"$BATS_TEST_TMPDIR/o" 2>"$BATS_TEST_TMPDIR/e"
	[ "$(cat "$BATS_TEST_TMPDIR/o")" = ran ]
	[ ! -s "$BATS_TEST_TMPDIR/e" ] || { cat "$BATS_TEST_TMPDIR/e" >&2; false; }
}

@test "hybrid: unlimited values are written as unlimited (pids 0 and -1, memory -1, swap -1)" {
	for filter in '.linux.resources.pids = {"limit": 0}' '.linux.resources.pids = {"limit": -1}' \
		'.linux.resources.memory = {"limit": -1, "swap": -1}'; do
		make_bundle "$filter"
		set_args /bin/sh -c 'cat /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/memory/memory.limit_in_bytes'
		run berth run -b "$BUNDLE" "$ID"
		[ "$status" = 0 ] || { echo "$filter: $output" >&2; false; }
		[ "$(echo $output)" = "max 9223372036854771712" ]
	done
}

@test "hybrid: the containerd CRI sandbox's resources run: cpu shares 2 and devices denied" {
	make_bundle '.linux.resources = {"devices": [{"allow": false, "access": "rwm"}], "cpu": {"shares": 2}}'
	set_args /bin/cat /sys/fs/cgroup/cpu/cpu.shares
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "$output" = 2 ]
}

@test "hybrid: a hugetlb limit applies to the cgroup2 tree, where this host has that controller" {
	make_bundle '.linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 4194304}]'
	set_args /bin/sleep 1000
	detached run -d -b "$BUNDLE" "$ID"
	[ "$(cat "$UNIFIED/berth/$ID/hugetlb.2MB.max")" = 4194304 ]
}

@test "hybrid: --cgroup-manager=disabled runs without any cgroup: /proc/self/cgroup is the caller's" {
	own_cgroup "bt$$-$BATS_SUITE_TEST_NUMBER-caller"
	make_bundle
	set_args /bin/cat /proc/self/cgroup
	run sh -c 'echo $$ > "$1/cgroup.procs" && exec "$2" --root "$3" --cgroup-manager=disabled run -b "$4" "$5"' \
		sh "$UNIFIED$OWN" "$BERTH" "$ROOT" "$BUNDLE" "$ID"
	assert_status 0
	grep -qx "0::$OWN" <<<"$output"
	# every v1 line is the caller's too
	[ "$(grep -v ^0:: <<<"$output")" = "$(grep -v ^0:: /proc/self/cgroup)" ]
	for h in "$UNIFIED" $V1_MOUNTS; do
		[ ! -e "$h/berth/$ID" ]
	done
}

@test "hybrid: --cgroup-manager disabled leaves no cgroup while the container runs" {
	make_bundle
	set_args /bin/sleep 1000
	"$BERTH" --root "$ROOT" --cgroup-manager disabled run -d -b "$BUNDLE" "$ID" >/dev/null 2>&1 </dev/null
	pid=$(init_pid)
	[ "$(cat "/proc/$pid/cgroup")" = "$(cat /proc/self/cgroup)" ]
	[ ! -e "$UNIFIED/berth/$ID" ]
	[ ! -e "$(v1_mount memory)/berth/$ID" ]
	run berth ps --format json "$ID"
	assert_status 1
	assert_contains "has no cgroup"
}

@test "hybrid: --cgroup-manager disabled refuses a hard limit it cannot apply" {
	make_bundle '.linux.resources.memory = {"limit": 67108864}'
	set_args /bin/true
	run "$BERTH" --root "$ROOT" --cgroup-manager disabled run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "memory limit"
	assert_contains "disabled"
	assert_root_empty
}

@test "hybrid: --cgroup-manager disabled warns about a weight it cannot apply" {
	make_bundle '.linux.resources.cpu = {"shares": 512}'
	set_args /bin/echo ran
	run "$BERTH" --root "$ROOT" --cgroup-manager disabled run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_contains "ran"
	assert_contains "cpu shares not applied"
}

@test "hybrid: an absolute linux.cgroupsPath lands below every hierarchy's mount, and delete removes what berth made" {
	path=/bt$$-$BATS_SUITE_TEST_NUMBER/leaf
	make_bundle ".linux.cgroupsPath = \"$path\""
	set_args /bin/sleep 1000
	detached run -d -b "$BUNDLE" "$ID"
	pid=$(init_pid)
	for h in "$UNIFIED" $V1_MOUNTS; do
		grep -qx "$pid" "$h$path/cgroup.procs"
	done
	[ "$(proc_cg "$pid" "")" = "$path" ]
	[ "$(proc_cg "$pid" memory)" = "$path" ]
	[ ! -e "$UNIFIED/berth/$ID" ]
	berth delete --force "$ID"
	# the leaf and the parent berth made for it are gone, everywhere
	for h in "$UNIFIED" $V1_MOUNTS; do
		[ ! -e "$h$path" ]
		[ ! -e "$h${path%/leaf}" ]
	done
}

@test "hybrid: delete keeps berth's default parent /berth for the next container, in every hierarchy but cpuset" {
	make_bundle
	set_args /bin/true
	berth run -b "$BUNDLE" "$ID"
	for h in "$UNIFIED" $V1_MOUNTS; do
		[ ! -e "$h/berth/$ID" ]
		if [ "${h##*/}" = cpuset ]; then
			# made with the cpus and mems of its day: gone once empty
			[ ! -e "$h/berth" ] || [ -n "$(find "$h/berth" -mindepth 1 -maxdepth 1 -type d)" ]
		else
			[ -d "$h/berth" ]
		fi
	done
	# and the next container lands in it
	set_args /bin/cat /proc/self/cgroup
	run berth run -b "$BUNDLE" "$ID-2"
	assert_status 0
	assert_contains "memory:/berth/$ID-2"
	[ ! -e "$UNIFIED/berth/$ID-2" ]
}

@test "hybrid: a cgroupsPath of /berth itself, the default parent, is refused naming the field, and nothing is made" {
	make_bundle '.linux.cgroupsPath = "/berth"'
	set_args /bin/true
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "cgroupsPath '/berth' names /berth, the parent every container without a cgroupsPath shares"
	assert_container_gone "$ID"
	[ "$(pgrep -fc "^/bin/true$" || true)" = 0 ]
}

@test "hybrid: delete keeps a parent cgroup that berth did not make, in every hierarchy" {
	own_cgroup "bt$$-$BATS_SUITE_TEST_NUMBER-parent"
	make_bundle ".linux.cgroupsPath = \"$OWN/leaf\""
	set_args /bin/sleep 1000
	detached run -d -b "$BUNDLE" "$ID"
	for h in "$UNIFIED" $V1_MOUNTS; do
		grep -qx "$(init_pid)" "$h$OWN/leaf/cgroup.procs"
	done
	berth delete --force "$ID"
	for h in "$UNIFIED" $V1_MOUNTS; do
		[ ! -e "$h$OWN/leaf" ]
		[ -d "$h$OWN" ]
	done
}

@test "hybrid: a parent cpuset berth did not make and that has no cpus is named, not filled" {
	own_cgroup "bt$$-$BATS_SUITE_TEST_NUMBER-parent"
	cpuset=$(v1_mount cpuset)
	mkdir "$cpuset$OWN/empty"
	on_teardown "rmdir '$cpuset$OWN/empty'"
	try_create ".linux.cgroupsPath = \"$OWN/empty/leaf\""
	assert_status 1
	assert_error_eq "cgroup: '$cpuset$OWN/empty' has an empty cpuset.cpus, and berth did not create it: a cgroup below it could not hold a process"
	[ -z "$(cat "$cpuset$OWN/empty/cpuset.cpus")" ]
	for h in "$UNIFIED" $V1_MOUNTS; do
		[ ! -e "$h$OWN/empty/leaf" ]
	done
}

@test "hybrid: an existing leaf cpuset berth did not make and that has no mems is named, not joined, and kept" {
	own_cgroup "bt$$-$BATS_SUITE_TEST_NUMBER-parent"
	cpuset=$(v1_mount cpuset)
	mkdir "$cpuset$OWN/leaf"
	on_teardown "rmdir '$cpuset$OWN/leaf'"
	cat "$cpuset$OWN/cpuset.cpus" >"$cpuset$OWN/leaf/cpuset.cpus"
	try_create ".linux.cgroupsPath = \"$OWN/leaf\""
	assert_status 1
	assert_error_eq "cgroup: '$cpuset$OWN/leaf' has an empty cpuset.mems (a cpuset berth did not create): a process cannot join it"
	[ -d "$cpuset$OWN/leaf" ]
	[ -z "$(cat "$cpuset$OWN/leaf/cgroup.procs")" ]
	for h in "$UNIFIED" $V1_MOUNTS; do
		[ "$h" = "$cpuset" ] || [ ! -e "$h$OWN/leaf" ]
	done
}

@test "hybrid: a relative linux.cgroupsPath: below the parent of berth's own cgroup in cgroup2, below its own cgroup in v1 (runc's rules)" {
	own_cgroup "bt$$-$BATS_SUITE_TEST_NUMBER-top"
	for h in "$UNIFIED" $V1_MOUNTS; do
		mkdir "$h$OWN/caller"
		on_teardown "rmdir '$h$OWN/caller'"
	done
	cpuset=$(v1_mount cpuset)
	cat "$cpuset/cpuset.cpus" > "$cpuset$OWN/caller/cpuset.cpus"
	cat "$cpuset/cpuset.mems" > "$cpuset$OWN/caller/cpuset.mems"
	make_bundle '.linux.cgroupsPath = "rel/leaf"'
	set_args /bin/sleep 1000
	# the caller moves itself into its own cgroups first
	env B="$BERTH" R="$ROOT" BU="$BUNDLE" I="$ID" \
		sh -c 'for h in "$@"; do echo $$ > "$h/cgroup.procs"; done; exec "$B" --root "$R" run -d -b "$BU" "$I"' \
		sh $(for h in "$UNIFIED" $V1_MOUNTS; do echo "$h$OWN/caller"; done) >/dev/null 2>&1 </dev/null
	pid=$(init_pid)
	[ "$(proc_cg "$pid" "")" = "$OWN/rel/leaf" ]
	[ "$(proc_cg "$pid" memory)" = "$OWN/caller/rel/leaf" ]
	grep -qx "$pid" "$(v1_mount memory)$OWN/caller/rel/leaf/cgroup.procs"
	berth delete --force "$ID"
	for h in "$UNIFIED" $V1_MOUNTS; do
		[ ! -e "$h$OWN/rel" ] && [ ! -e "$h$OWN/caller/rel" ]
	done
}

@test "hybrid: without cgroupsPath the cgroup is /berth/ID in every hierarchy, wherever berth runs" {
	own_cgroup "bt$$-$BATS_SUITE_TEST_NUMBER-caller"
	make_bundle
	set_args /bin/sleep 1000
	sh -c 'echo $$ > "$1/cgroup.procs" && echo $$ > "$2/cgroup.procs" && exec "$3" --root "$4" run -d -b "$5" "$6"' \
		sh "$UNIFIED$OWN" "$(v1_mount memory)$OWN" "$BERTH" "$ROOT" "$BUNDLE" "$ID" >/dev/null 2>&1 </dev/null
	[ "$(awk -F: '$3 != "/berth/'"$ID"'"' "/proc/$(init_pid)/cgroup")" = "" ]
}

@test "hybrid: a cgroupsPath with .. is refused" {
	try_create '.linux.cgroupsPath = "../escape"'
	assert_status 1
	assert_contains '".." is not allowed'
	assert_root_empty
}
