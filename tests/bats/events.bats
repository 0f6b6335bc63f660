#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# events: resource statistics as JSON lines in runc's schema
# ({"type":"stats","id":ID,"data":{cpu,memory,pids,blkio,hugetlb,...}}).

load helpers
load lib/cli

# the cgroup's cpu time in ns: cpu.stat's usage_usec, or the v1
# cpuacct.usage where the cpu accounting is a v1 hierarchy (hybrid host)
usage_ns() {
	local acct
	acct=$(cg_v1_of cpuacct)
	if [ -n "$acct" ]; then
		cat "$acct/cpuacct.usage"
	else
		echo $(($(awk '/^usage_usec/ {print $2}' "$(cg_of "$ID")/cpu.stat") * 1000))
	fi
}

@test "events --stats: one JSON line of type stats with the container id" {
	make_bundle
	set_args /bin/sleep 1000
	detached run -d -b "$BUNDLE" "$ID"
	run berth events --stats "$ID"
	assert_status 0
	[ "${#lines[@]}" = 1 ]
	jq -e . <<<"$output" >/dev/null
	[ "$(jq -r .type <<<"$output")" = stats ]
	[ "$(jq -r .id <<<"$output")" = "$ID" ]
}

@test "events --stats: the data has runc's schema keys" {
	make_bundle
	set_args /bin/sleep 1000
	detached run -d -b "$BUNDLE" "$ID"
	run berth events --stats "$ID"
	assert_status 0
	data=$(jq -c .data <<<"$output")
	for key in cpu cpuset memory pids blkio hugetlb intel_rdt network_interfaces; do
		[ "$(jq "has(\"$key\")" <<<"$data")" = true ] || { echo "no data.$key" >&2; false; }
	done
	[ "$(jq '.cpu.usage | has("total") and has("kernel") and has("user")' <<<"$data")" = true ]
	[ "$(jq '.cpu | has("throttling")' <<<"$data")" = true ]
	[ "$(jq '.memory.usage | has("limit") and has("failcnt")' <<<"$data")" = true ]
	[ "$(jq '.memory | has("swap") and has("kernel") and has("kernelTCP")' <<<"$data")" = true ]
	[ "$(jq '.hugetlb | type' <<<"$data")" = '"object"' ]
	[ "$(jq '[.cpu.usage.total, .cpu.usage.kernel, .cpu.usage.user] | map(type == "number") | all' <<<"$data")" = true ]
}

@test "events --stats: the cpu usage is the cgroup's, in nanoseconds" {
	make_bundle
	set_args /bin/sh -c 'probe burn 200; exec sleep 1000'
	detached run -d -b "$BUNDLE" "$ID"
	wait_for grep -q ok "$BATS_TEST_TMPDIR/out"
	before=$(usage_ns)
	run berth events --stats "$ID"
	after=$(usage_ns)
	total=$(jq .data.cpu.usage.total <<<"$output")
	[ "$total" -ge "$before" ]
	[ "$total" -le "$after" ]
	[ "$total" -gt 0 ]
}

@test "events --stats: pids.current counts the container's processes" {
	make_bundle
	set_args /bin/sh -c 'sleep 1000 & sleep 1001 & exec sleep 1002'
	detached run -d -b "$BUNDLE" "$ID"
	wait_until '[ "$(cg_pids "$(cg_of "$ID")" | wc -l)" = 3 ]'
	run berth events --stats "$ID"
	[ "$(jq .data.pids.current <<<"$output")" = 3 ]
}

@test "events --stats: one hugetlb entry per page size of this host" {
	make_bundle
	set_args /bin/sleep 1000
	detached run -d -b "$BUNDLE" "$ID"
	run berth events --stats "$ID"
	got=$(jq -r '.data.hugetlb | keys[]' <<<"$output" | sort)
	want=$(ls "$(cg_of "$ID")" | sed -n 's/^hugetlb\.\([0-9]*[KMG]B\)\.current$/\1/p' | sort)
	[ -n "$want" ]
	[ "$got" = "$want" ]
}

@test "events --interval 200ms: streams stats lines and ends when the container dies" {
	make_bundle
	set_args /bin/sleep 1000
	detached run -d -b "$BUNDLE" "$ID"
	"$BERTH" --root "$ROOT" events --interval 200ms "$ID" > "$BATS_TEST_TMPDIR/events" 2>&1 3>&- &
	events_pid=$!
	wait_until '[ "$(wc -l < "$BATS_TEST_TMPDIR/events")" -ge 3 ]'
	berth kill "$ID" KILL
	rc=0
	wait "$events_pid" || rc=$?
	[ "$rc" = 0 ]
	n=$(wc -l < "$BATS_TEST_TMPDIR/events")
	[ "$n" -ge 3 ]
	# every line is one stats object of this container
	[ "$(jq -s "map(.type == \"stats\" and .id == \"$ID\") | all" "$BATS_TEST_TMPDIR/events")" = true ]
	[ "$(jq -s length "$BATS_TEST_TMPDIR/events")" = "$n" ]
}

@test "events --interval: also the --interval=5s spelling, and a bad duration is refused" {
	make_bundle
	set_args /bin/sleep 1000
	detached run -d -b "$BUNDLE" "$ID"
	run berth events --interval=soon "$ID"
	assert_status 1
	assert_contains '--interval: "soon" is not a duration'
	run berth events --interval 0s "$ID"
	assert_status 1
}

@test "events: a stopped container says container not running" {
	make_bundle
	set_args /bin/true
	detached run -d -b "$BUNDLE" "$ID"
	wait_until '[ "$(state_of "$ID")" = stopped ]'
	run berth events --stats "$ID"
	assert_status 1
	assert_error_eq "container not running"
}

@test "events: a container that does not exist" {
	run berth events --stats nope
	assert_status 1
	assert_error_eq 'container "nope" does not exist'
}
