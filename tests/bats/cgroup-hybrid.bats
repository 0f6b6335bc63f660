#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# cgroups on this hybrid host: v1 controllers at /sys/fs/cgroup/*, and a
# cgroup2 mount at /sys/fs/cgroup/unified with only hugetlb.  berth uses
# the cgroup2 mount: placement, freezer, cgroup.kill, the BPF device
# filter and hugetlb work there; limits of the missing controllers fail
# clearly, weights are warned about, zero values are no request at all.

load helpers
load lib/cli

UNIFIED=/sys/fs/cgroup/unified

setup() {
	helpers_setup
	[ "$CG_ROOT" = "$UNIFIED" ] ||
		skip "this suite describes the hybrid host; $CG_ROOT is a pure cgroup v2 hierarchy"
}

# the exact refusal for a limit ($1) of a missing controller ($2)
needs() {
	echo "cgroup: $1 needs the \"$2\" controller, which $UNIFIED does not have (hybrid cgroup v1/v2 host)"
}

# try_create JQ-FILTER: create with the default bundle edited
try_create() {
	make_bundle "$1"
	run detached create -b "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid" "$ID"
}

# own_cgroup NAME: a cgroup of the test's own on the cgroup2 mount, in
# $OWN_CG; removed at teardown
own_cgroup() {
	OWN_CG=$UNIFIED/$1
	mkdir "$OWN_CG"
	on_teardown "rmdir '$OWN_CG'"
}

@test "hybrid: the container's cgroup is on the cgroup2 mount, and the state records it" {
	make_bundle
	set_args /bin/sleep 1000
	detached run -d -b "$BUNDLE" "$ID"
	pid=$(init_pid)
	[ "$(grep ^0:: "/proc/$pid/cgroup")" = "0::/berth/$ID" ]
	grep -qx "$pid" "$UNIFIED/berth/$ID/cgroup.procs"
	# the v1 hierarchies are not touched
	[ ! -e "/sys/fs/cgroup/memory/berth/$ID" ]
	[ ! -e "/sys/fs/cgroup/pids/berth/$ID" ]
	[ ! -e "/sys/fs/cgroup/freezer/berth/$ID" ]
}

# sleepers_with_sub: a running container of two sleeps in $cg (on the
# cgroup2 mount), one of them ($moved) moved into the sub-cgroup $cg/sub
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

@test "hybrid: the freezer of the cgroup2 mount pauses, also processes in sub-cgroups" {
	sleepers_with_sub
	berth pause "$ID"
	grep -qx 'frozen 1' "$cg/cgroup.events"
	grep -qx 'frozen 1' "$cg/sub/cgroup.events"
	[ "$(state_of "$ID")" = paused ]
	berth resume "$ID"
	grep -qx 'frozen 0' "$cg/sub/cgroup.events"
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

@test "hybrid: the BPF device filter denies a device that is not allowed" {
	make_bundle '.mounts += [{"destination": "/dev/fuse", "type": "bind", "source": "/dev/fuse", "options": ["bind"]}]'
	set_args /bin/sh -c 'probe open /dev/fuse r; probe open /dev/fuse w; probe open /dev/null w; probe open /dev/zero r'
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "$(echo $output)" = "EPERM EPERM ok ok" ]
	# the host itself can open it: the refusal is the filter's
	exec 9</dev/fuse
	exec 9<&-
}

@test "hybrid: a device allow rule grants exactly its access" {
	make_bundle '.mounts += [{"destination": "/dev/fuse", "type": "bind", "source": "/dev/fuse", "options": ["bind"]}]
		| .linux.resources.devices += [{"allow": true, "type": "c", "major": 10, "minor": 229, "access": "r"}]'
	set_args /bin/sh -c 'probe open /dev/fuse r; probe open /dev/fuse w'
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "$(echo $output)" = "ok EPERM" ]
}

@test "hybrid: mknod of a denied device is refused even with CAP_MKNOD" {
	make_bundle "$(caps_add CAP_MKNOD)"
	set_args /bin/sh -c 'probe mknod /dev/mem2 c 1 1; probe mknod /dev/null2 c 1 3; probe open /dev/null2 w'
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "$(echo $output)" = "EPERM ok ok" ]
}

@test "hybrid: a memory limit fails create with the exact message and leaves nothing" {
	try_create '.linux.resources.memory = {"limit": 67108864}'
	assert_status 1
	assert_error_eq "$(needs "memory limit" memory)"
	assert_container_gone "$ID"
	[ ! -e "$BATS_TEST_TMPDIR/pid" ]
}

@test "hybrid: every hard limit of a missing controller fails naming it" {
	declare -A cases=(
		['.linux.resources.pids = {"limit": 2048}']="$(needs "pids limit" pids)"
		['.linux.resources.cpu = {"quota": 50000, "period": 100000}']="$(needs "cpu quota" cpu)"
		['.linux.resources.cpu = {"cpus": "0"}']="$(needs "cpuset cpus" cpuset)"
		['.linux.resources.blockIO = {"throttleReadBpsDevice": [{"major": 254, "minor": 0, "rate": 1048576}]}']="$(needs "blkio throttle" io)"
		['.linux.resources.unified = {"memory.max": "100M"}']="$(needs "unified 'memory.max'" memory)"
	)
	for filter in "${!cases[@]}"; do
		try_create "$filter"
		[ "$status" = 1 ] || { echo "$filter: status $status" >&2; false; }
		[ "$output" = "berth: ${cases[$filter]}" ] || { echo "$filter: $output" >&2; false; }
		assert_container_gone "$ID"
	done
}

@test "hybrid: cpu shares alone are a warning, and the container runs" {
	make_bundle '.linux.resources.cpu = {"shares": 512}'
	set_args /bin/echo ran
	berth run -b "$BUNDLE" "$ID" >"$BATS_TEST_TMPDIR/o" 2>"$BATS_TEST_TMPDIR/e"
	[ "$(cat "$BATS_TEST_TMPDIR/o")" = ran ]
	[ "$(cat "$BATS_TEST_TMPDIR/e")" = "berth: warning: cgroup: cpu shares not applied: it needs the \"cpu\" controller, which $UNIFIED does not have (hybrid cgroup v1/v2 host)" ]
}

@test "hybrid: a blockIO weight is a warning, and the container runs" {
	make_bundle '.linux.resources.blockIO = {"weight": 500}'
	set_args /bin/echo ran
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_contains 'warning: cgroup: blkio weight not applied: it needs the "io" controller'
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

@test "hybrid: unlimited values are no request (pids 0 and -1, memory -1, swap -1)" {
	for filter in '.linux.resources.pids = {"limit": 0}' '.linux.resources.pids = {"limit": -1}' \
		'.linux.resources.memory = {"limit": -1, "swap": -1}'; do
		make_bundle "$filter"
		set_args /bin/echo ran
		run berth run -b "$BUNDLE" "$ID"
		[ "$status" = 0 ] || { echo "$filter: $output" >&2; false; }
		assert_line_eq "$output" ran
	done
}

@test "hybrid: the containerd CRI sandbox's resources run, with the weight warned about" {
	make_bundle '.linux.resources = {"devices": [{"allow": false, "access": "rwm"}], "cpu": {"shares": 2}}'
	set_args /bin/echo ran
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_contains "cpu shares not applied"
	assert_contains ran
}

@test "hybrid: a hugetlb limit applies: the one controller this mount has" {
	make_bundle '.linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 4194304}]'
	set_args /bin/sleep 1000
	detached run -d -b "$BUNDLE" "$ID"
	[ "$(cat "$UNIFIED/berth/$ID/hugetlb.2MB.max")" = 4194304 ]
}

@test "hybrid: --cgroup-manager=disabled runs without any cgroup: /proc/self/cgroup is the caller's" {
	own_cgroup "bt-caller-$$-$BATS_SUITE_TEST_NUMBER"
	caller=$OWN_CG
	make_bundle
	set_args /bin/cat /proc/self/cgroup
	run sh -c 'echo $$ > "$1/cgroup.procs" && exec "$2" --root "$3" --cgroup-manager=disabled run -b "$4" "$5"' \
		sh "$caller" "$BERTH" "$ROOT" "$BUNDLE" "$ID"
	assert_status 0
	grep -qx "0::/${caller#"$UNIFIED"/}" <<<"$output"
	# every v1 line is the caller's too
	[ "$(grep -v ^0:: <<<"$output")" = "$(grep -v ^0:: /proc/self/cgroup)" ]
	[ ! -e "$UNIFIED/berth/$ID" ]
}

@test "hybrid: --cgroup-manager disabled leaves no cgroup while the container runs" {
	make_bundle
	set_args /bin/sleep 1000
	"$BERTH" --root "$ROOT" --cgroup-manager disabled run -d -b "$BUNDLE" "$ID" >/dev/null 2>&1 </dev/null
	pid=$(init_pid)
	[ "$(grep ^0:: "/proc/$pid/cgroup")" = "$(grep ^0:: /proc/self/cgroup)" ]
	[ ! -e "$UNIFIED/berth/$ID" ]
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

@test "hybrid: an absolute linux.cgroupsPath lands below the cgroup2 mount" {
	path=/bt-abs-$$-$BATS_SUITE_TEST_NUMBER/leaf
	on_teardown "rmdir '$UNIFIED$path' '$UNIFIED${path%/leaf}' 2>/dev/null || true"
	make_bundle ".linux.cgroupsPath = \"$path\""
	set_args /bin/sleep 1000
	detached run -d -b "$BUNDLE" "$ID"
	pid=$(init_pid)
	grep -qx "$pid" "$UNIFIED$path/cgroup.procs"
	[ "$(grep ^0:: "/proc/$pid/cgroup")" = "0::$path" ]
	[ ! -e "$UNIFIED/berth/$ID" ]
	berth delete --force "$ID"
	# the leaf and the parent berth made for it are gone
	[ ! -e "$UNIFIED$path" ]
	[ ! -e "$UNIFIED${path%/leaf}" ]
}

@test "hybrid: delete keeps a parent cgroup that berth did not make" {
	own_cgroup "bt-parent-$$-$BATS_SUITE_TEST_NUMBER"
	parent=$OWN_CG
	make_bundle ".linux.cgroupsPath = \"/${parent#"$UNIFIED"/}/leaf\""
	set_args /bin/sleep 1000
	detached run -d -b "$BUNDLE" "$ID"
	grep -qx "$(init_pid)" "$parent/leaf/cgroup.procs"
	berth delete --force "$ID"
	[ ! -e "$parent/leaf" ]
	[ -d "$parent" ]
}

@test "hybrid: a relative linux.cgroupsPath lands below the parent of berth's own cgroup" {
	own_cgroup "bt-rel-$$-$BATS_SUITE_TEST_NUMBER"
	top=$OWN_CG
	caller=$top/caller
	mkdir "$caller"
	on_teardown "rmdir '$caller'"
	make_bundle '.linux.cgroupsPath = "rel/leaf"'
	set_args /bin/sleep 1000
	sh -c 'echo $$ > "$1/cgroup.procs" && exec "$2" --root "$3" run -d -b "$4" "$5"' \
		sh "$caller" "$BERTH" "$ROOT" "$BUNDLE" "$ID" >/dev/null 2>&1 </dev/null
	pid=$(init_pid)
	grep -qx "$pid" "$top/rel/leaf/cgroup.procs"
	[ "$(grep ^0:: "/proc/$pid/cgroup")" = "0::/${top#"$UNIFIED"/}/rel/leaf" ]
}

@test "hybrid: without cgroupsPath the cgroup is /berth/ID wherever berth runs" {
	own_cgroup "bt-default-$$-$BATS_SUITE_TEST_NUMBER"
	caller=$OWN_CG
	make_bundle
	set_args /bin/sleep 1000
	sh -c 'echo $$ > "$1/cgroup.procs" && exec "$2" --root "$3" run -d -b "$4" "$5"' \
		sh "$caller" "$BERTH" "$ROOT" "$BUNDLE" "$ID" >/dev/null 2>&1 </dev/null
	[ "$(grep ^0:: "/proc/$(init_pid)/cgroup")" = "0::/berth/$ID" ]
}

@test "hybrid: a cgroupsPath with .. is refused" {
	try_create '.linux.cgroupsPath = "../escape"'
	assert_status 1
	assert_contains '".." is not allowed'
	assert_root_empty
}
