#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# checkpoint and restore through CRIU, on the VM's Debian 6.1 kernel
# (where CRIU 3.17 works; the host's kernel fails its vDSO check, see
# tests/bats/checkpoint.bats).  A counter loop proves the restored
# container goes on from where it was, not from 0.

load ../bats/helpers

export WAIT_FOR_SECONDS=60

# a counter in the shell's memory, appended to a log on a tmpfs (which
# CRIU saves and restores with the container)
counter() {
	make_bundle '.mounts += [{"destination": "/run/c", "type": "tmpfs", "source": "tmpfs"}]'
	set_args /bin/sh -c 'i=0; while :; do i=$((i+1)); echo $i >> /run/c/log; sleep 0.2; done'
	detached run -d -b "$BUNDLE" "$ID"
}

log_of() { # the counter's log, through the container's init
	cat "/proc/$(berth state "$1" | jq .pid)/root/run/c/log"
}

last_of() {
	log_of "$1" | tail -n1
}

@test "checkpoint stops the container and restore continues the counter from where it was" {
	counter
	wait_until '[ "$(last_of "$ID" 2>/dev/null || echo 0)" -ge 3 ]'
	berth checkpoint --image-path "$BATS_TEST_TMPDIR/img" "$ID"
	[ "$(state_of "$ID")" = stopped ]
	berth restore -d --image-path "$BATS_TEST_TMPDIR/img" -b "$BUNDLE" "$ID" </dev/null \
		>"$BATS_TEST_TMPDIR/out" 2>&1
	[ "$(state_of "$ID")" = running ]
	pid=$(berth state "$ID" | jq .pid)
	grep -qx "$pid" "$CG_ROOT/berth/$ID/cgroup.procs"
	before=$(log_of "$ID" | wc -l)
	wait_until '[ "$(last_of "$ID")" -gt "$before" ]'
	# one run of numbers, never started again from 1
	log_of "$ID" | awk 'NR != $1 { exit 1 }'
	[ "$(log_of "$ID" | grep -cx 1)" = 1 ]
}

@test "checkpoint --leave-running keeps it running, and restore into a new id continues" {
	counter
	wait_until '[ "$(last_of "$ID" 2>/dev/null || echo 0)" -ge 3 ]'
	berth checkpoint --leave-running --image-path "$BATS_TEST_TMPDIR/img" "$ID"
	[ "$(state_of "$ID")" = running ]
	at=$(last_of "$ID")
	wait_until '[ "$(last_of "$ID")" -gt "$at" ]'
	berth delete --force "$ID"
	berth restore -d --image-path "$BATS_TEST_TMPDIR/img" -b "$BUNDLE" "$ID-new" </dev/null \
		>"$BATS_TEST_TMPDIR/out" 2>&1
	[ "$(state_of "$ID-new")" = running ]
	[ -d "$CG_ROOT/berth/$ID-new" ]
	n=$(log_of "$ID-new" | wc -l)
	wait_until '[ "$(last_of "$ID-new")" -gt "$n" ]'
	log_of "$ID-new" | awk 'NR != $1 { exit 1 }'
	berth delete --force "$ID-new"
}
