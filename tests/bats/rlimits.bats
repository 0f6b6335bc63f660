#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# rlimits: process.rlimits as the process sees them (busybox ulimit and
# /proc/self/limits) and as the kernel enforces them.  berth has no
# CAP_SYS_RESOURCE here, so a hard limit above the caller's must fail.

load helpers
load lib/iso

U64_MAX=18446744073709551615

# limits ROW: "soft hard" of a /proc/self/limits row in $output
limits_row() {
	grep "^$1 " <<<"$output" | sed "s/^$1 *//" | awk '{print $1, $2}'
}

@test "rlimits: the default spec's RLIMIT_NOFILE 1024/1024 is what the process has" {
	make_bundle
	run_sh 'ulimit -n; ulimit -Hn'
	assert_status 0
	assert_line_eq "$output" "1024
1024"
}

@test "rlimits: soft and hard limits of NOFILE, NPROC and CORE are as configured" {
	make_bundle '.process.rlimits = [
		{"type": "RLIMIT_NOFILE", "soft": 512, "hard": 2048},
		{"type": "RLIMIT_NPROC", "soft": 300, "hard": 600},
		{"type": "RLIMIT_CORE", "soft": 0, "hard": "U64_MAX"}]'
	args sh -c 'echo $(ulimit -Sn) $(ulimit -Hn) $(ulimit -Su) $(ulimit -Hu) $(ulimit -Sc) $(ulimit -Hc); cat /proc/self/limits'
	# jq would turn 2^64-1 into a float: write the literal, last
	sed -i "s/\"U64_MAX\"/$U64_MAX/" "$BUNDLE/config.json"
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_line_eq "${lines[0]}" "512 2048 300 600 0 unlimited"
	assert_line_eq "$(limits_row 'Max open files')" "512 2048"
	assert_line_eq "$(limits_row 'Max processes')" "300 600"
	assert_line_eq "$(limits_row 'Max core file size')" "0 unlimited"
}

@test "rlimits: limits not in the config are inherited unchanged" {
	make_bundle '.process.rlimits = []'
	host=$(ulimit -Hn)
	run_sh 'ulimit -Hn'
	assert_status 0
	assert_line_eq "$output" "$host"
}

@test "rlimits: RLIMIT_FSIZE is enforced on the process" {
	make_bundle '.process.rlimits += [{"type": "RLIMIT_FSIZE", "soft": 4096, "hard": 4096}]'
	add_mount '{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs"}'
	run_sh 'dd if=/dev/zero of=/tmp/big bs=1k count=16 2>/dev/null; echo "dd=$?"; stat -c %s /tmp/big'
	assert_status 0
	# killed by SIGXFSZ (128 + 25) at the limit
	assert_line_eq "$output" "dd=153
4096"
}

@test "rlimits: a lowered hard limit cannot be raised again inside" {
	make_bundle '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 256, "hard": 256}]'
	run_sh 'ulimit -Hn 512 2>/dev/null && echo raised; ulimit -Hn'
	assert_line_eq "$output" 256
}

@test "rlimits: processes started with exec get the configured limits" {
	make_bundle '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 333, "hard": 444}]'
	start_sleeper
	in_ctr sh -c 'echo $(ulimit -Sn) $(ulimit -Hn)'
	assert_status 0
	assert_line_eq "$output" "333 444"
}

@test "rlimits: a hard limit above the caller's fails naming the rlimit and CAP_SYS_RESOURCE, leaving nothing" {
	host=$(ulimit -Hn)
	[ "$host" != unlimited ]
	make_bundle ".process.rlimits = [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 1024, \"hard\": $((host + 1))}]"
	set_args true
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains RLIMIT_NOFILE
	assert_contains CAP_SYS_RESOURCE
	assert_no_state
	[ -z "$(berth list -q)" ]
}

@test "rlimits: create fails the same way and leaves no created container" {
	host=$(ulimit -Hn)
	make_bundle ".process.rlimits = [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 1024, \"hard\": $((host + 1))}]"
	run detached create -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains RLIMIT_NOFILE
	assert_contains CAP_SYS_RESOURCE
	assert_no_state
}

@test "rlimits: soft above hard is refused before anything is created" {
	make_bundle '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 2048, "hard": 1024}]'
	set_args true
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "soft limit exceeds hard limit"
	assert_contains rlimits
	assert_no_state
}

@test "rlimits: an unknown rlimit type is refused naming it" {
	make_bundle '.process.rlimits = [{"type": "RLIMIT_BOGUS", "soft": 1, "hard": 1}]'
	set_args true
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains RLIMIT_BOGUS
	assert_no_state
}
