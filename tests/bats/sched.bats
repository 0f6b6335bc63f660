#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# process.ioPriority and process.scheduler, as the container's process
# sees them: busybox ionice, and the policy, nice and rt_priority fields of
# /proc/self/stat (19 nice, 40 rt_priority, 41 policy).  berth applies both
# before it drops privileges, so a real-time policy works for a root
# container whatever capabilities the process keeps.

load helpers
load lib/iso
load lib/cli

# "nice rt_priority policy" of the shell that runs in the container (awk
# reads its parent's, the sh itself: $PPID in /proc)
stat_sched='awk "{print \$19, \$40, \$41}" /proc/$$/stat'

@test "sched: ioPriority best-effort level 6 is the process's I/O priority" {
	make_bundle '.process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 6}'
	run_sh 'ionice'
	assert_status 0
	assert_line_eq "$output" "best-effort: prio 6"
}

@test "sched: ioPriority IOPRIO_CLASS_IDLE makes the process idle for I/O" {
	make_bundle '.process.ioPriority = {"class": "IOPRIO_CLASS_IDLE"}'
	run_sh 'ionice'
	assert_status 0
	assert_line_eq "$output" "idle"
}

@test "sched: without ioPriority or scheduler the process keeps its caller's" {
	make_bundle
	run_sh "ionice; $stat_sched"
	assert_status 0
	assert_line_eq "${lines[1]}" "0 0 0"
	[[ "${lines[0]}" != idle ]]
}

@test "sched: SCHED_BATCH with nice 7 is the policy and nice value the process has" {
	make_bundle '.process.scheduler = {"policy": "SCHED_BATCH", "nice": 7}'
	run_sh "$stat_sched"
	assert_status 0
	# SCHED_BATCH is 3
	assert_line_eq "$output" "7 0 3"
}

# rt_parent: where the cpu controller is a v1 hierarchy with realtime
# group scheduling (hybrid host), a realtime task needs realtime cpu time
# in its cgroup and each parent: a parent cgroup of the test's own gets
# 10 ms a second, the container the same (jq filter in $RT); nothing
# elsewhere
rt_parent() {
	local cpu
	RT=.
	cpu=$(v1_mount cpu)
	[ -n "$cpu" ] && [ -e "$cpu/cpu.rt_runtime_us" ] || return 0
	mkdir "$cpu/bt$$-$BATS_SUITE_TEST_NUMBER-rt"
	on_teardown "rmdir '$cpu/bt$$-$BATS_SUITE_TEST_NUMBER-rt'"
	echo 10000 > "$cpu/bt$$-$BATS_SUITE_TEST_NUMBER-rt/cpu.rt_runtime_us"
	RT=".linux.cgroupsPath = \"/bt$$-$BATS_SUITE_TEST_NUMBER-rt/c\"
		| .linux.resources.cpu = {\"realtimeRuntime\": 10000, \"realtimePeriod\": 1000000}"
}

@test "sched: SCHED_RR priority 10 is applied even though the process has no CAP_SYS_NICE" {
	rt_parent
	make_bundle ".process.scheduler = {\"policy\": \"SCHED_RR\", \"priority\": 10} | $RT"
	run_sh "$stat_sched; grep CapEff /proc/self/status"
	assert_status 0
	# SCHED_RR is 2; the default spec keeps no CAP_SYS_NICE (bit 23)
	assert_line_eq "${lines[0]}" "0 10 2"
	eff=$(awk '{print $2}' <<<"${lines[1]}")
	[ $(((16#$eff >> 23) & 1)) -eq 0 ]
}

@test "sched: SCHED_FIFO in a v1 cpu cgroup without realtime cpu time is refused, naming it" {
	[ -e "$(v1_mount cpu)/cpu.rt_runtime_us" ] || skip "no cgroup v1 realtime group scheduling here"
	make_bundle '.process.scheduler = {"policy": "SCHED_FIFO", "priority": 5}'
	set_args /bin/true
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_error_eq "process.scheduler: SCHED_FIFO needs realtime cpu time, and the container's cpu cgroup '$(v1_mount cpu)/berth/$ID' has none (cgroup v1 realtime group scheduling: its cpu.rt_runtime_us is 0); set linux.resources.cpu.realtimeRuntime, within what its parent cgroup has"
	assert_root_empty
	[ ! -e "$(v1_mount cpu)/berth/$ID" ]
}

@test "sched: SCHED_DEADLINE with its runtime, deadline and period is the process's policy" {
	# a deadline task may not fork: the process is cat itself
	make_bundle '.process.scheduler = {"policy": "SCHED_DEADLINE", "runtime": 1000000,
		"deadline": 5000000, "period": 10000000}'
	set_args /bin/cat /proc/self/stat
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	# SCHED_DEADLINE is 6
	[ "$(awk '{print $41}' <<<"$output")" = 6 ]
}

@test "sched: an inconsistent SCHED_DEADLINE is refused before anything runs" {
	make_bundle '.process.scheduler = {"policy": "SCHED_DEADLINE", "runtime": 2000000,
		"deadline": 1000000, "period": 1000000}'
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_error_eq 'config.json: process.scheduler: SCHED_DEADLINE needs 0 < runtime <= deadline <= period'
	assert_no_state
}

@test "sched: an unknown policy is refused before anything runs" {
	make_bundle '.process.scheduler = {"policy": "SCHED_NOPE"}'
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_error_eq 'config.json: process.scheduler.policy: unknown policy "SCHED_NOPE"'
	assert_no_state
}

@test "sched: exec --process applies the process JSON's scheduler and ioPriority" {
	sleeper
	cat > "$BATS_TEST_TMPDIR/process.json" <<-'EOF'
	{
	  "args": ["/bin/sh", "-c", "ionice; awk '{print $19, $41}' /proc/$$/stat"],
	  "user": { "uid": 0, "gid": 0 },
	  "cwd": "/",
	  "scheduler": { "policy": "SCHED_IDLE" },
	  "ioPriority": { "class": "IOPRIO_CLASS_BE", "priority": 2 }
	}
	EOF
	run berth exec --process "$BATS_TEST_TMPDIR/process.json" "$ID"
	assert_status 0
	# SCHED_IDLE is 5
	assert_line_eq "$output" $'best-effort: prio 2\n0 5'
}
