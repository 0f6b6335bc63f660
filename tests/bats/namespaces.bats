#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# namespaces: each requested namespace is new (its inode differs from the
# host's), each one not requested is the host's, a namespace given by path
# is joined, and the uts, pid, network and time namespaces show their
# effects.

load helpers
load lib/iso

ALL_NS="cgroup ipc mnt net pid time user uts"

# ns_ids: "name id" lines of the container's namespaces
ns_ids_in_ctr() {
	run_sh "for n in $ALL_NS; do echo \$n \$(readlink /proc/self/ns/\$n); done"
	assert_status 0
}

host_ns() {
	readlink "/proc/self/ns/$1"
}

ctr_ns() {
	awk -v n="$1" '$1 == n {print $2}' <<<"$output"
}

@test "namespaces: hostname and domainname are set in the new uts namespace only" {
	make_bundle '.hostname = "ctr-host" | .domainname = "ctr.example"'
	host_before=$(hostname)
	run_sh 'hostname; cat /proc/sys/kernel/domainname'
	assert_status 0
	assert_line_eq "$output" "ctr-host
ctr.example"
	[ "$(hostname)" = "$host_before" ]
	[ "$(cat /proc/sys/kernel/domainname)" != ctr.example ]
}

@test "namespaces: a hostname longer than the kernel allows is refused before anything is created" {
	make_bundle ".hostname = \"$(printf 'h%.0s' $(seq 65))\""
	set_args true
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains hostname
	assert_no_state
}

@test "namespaces: every requested namespace differs from the host's" {
	make_bundle '.linux.namespaces = [{"type": "pid"}, {"type": "network"}, {"type": "ipc"},
		{"type": "uts"}, {"type": "mount"}, {"type": "cgroup"}, {"type": "time"}, {"type": "user"}] |
		.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	ns_ids_in_ctr
	for n in $ALL_NS; do
		[ -n "$(ctr_ns $n)" ]
		if [ "$(ctr_ns $n)" = "$(host_ns $n)" ]; then
			echo "$n namespace is the host's: $(ctr_ns $n)" >&2
			return 1
		fi
	done
}

@test "namespaces: namespaces that are not requested are the host's" {
	make_bundle '.linux.namespaces = [{"type": "mount"}] | del(.hostname)'
	ns_ids_in_ctr
	for n in cgroup ipc net pid time user uts; do
		if [ "$(ctr_ns $n)" != "$(host_ns $n)" ]; then
			echo "$n namespace is not the host's: $(ctr_ns $n) vs $(host_ns $n)" >&2
			return 1
		fi
	done
	[ "$(ctr_ns mnt)" != "$(host_ns mnt)" ]
}

@test "namespaces: the process is pid 1 of its pid namespace and sees only its own" {
	make_bundle
	run_sh 'echo $$; cat /proc/1/cmdline | tr "\0" " "; echo; ls /proc | grep -c "^[0-9]*$"'
	assert_status 0
	assert_line_eq "${lines[0]}" 1
	assert_contains "/bin/sh -c"
	# sh, and the ls and grep of the pipe
	[ "${lines[2]}" -le 3 ]
}

@test "namespaces: the network namespace has only lo, and it is up" {
	make_bundle
	run_sh 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "; ip -o link show lo; ip -o addr show lo'
	assert_status 0
	assert_line_eq "${lines[0]}" lo
	[[ "${lines[1]}" == *"<LOOPBACK,UP,LOWER_UP>"* ]]
	assert_contains "inet 127.0.0.1/8"
}

@test "namespaces: a network namespace given by path is joined" {
	make_bundle
	name=bt$$-${BATS_SUITE_TEST_NUMBER}
	ip netns add "$name"
	on_teardown "ip netns del '$name'"
	ip -n "$name" addr add 10.123.45.67/32 dev lo
	edit_config ".linux.namespaces = [.linux.namespaces[] |
		if .type == \"network\" then .path = \"/run/netns/$name\" else . end]"
	run_sh 'readlink /proc/self/ns/net; ip -o addr show lo'
	assert_status 0
	assert_line_eq "${lines[0]}" "net:[$(stat -L -c %i "/run/netns/$name")]"
	assert_contains "inet 10.123.45.67/32"
}

@test "namespaces: a second container joins the first's network and uts namespaces by /proc/PID/ns" {
	make_bundle '.hostname = "first-ctr"'
	start_sleeper
	pid=$(init_pid)
	first=$ID
	ID=$ID-second
	BUNDLE=$BATS_TEST_TMPDIR/bundle2
	make_bundle "del(.hostname) | .linux.namespaces = [.linux.namespaces[] |
		if .type == \"network\" then .path = \"/proc/$pid/ns/net\"
		elif .type == \"uts\" then .path = \"/proc/$pid/ns/uts\" else . end]"
	run_sh 'hostname; readlink /proc/self/ns/net; readlink /proc/self/ns/uts'
	assert_status 0
	assert_line_eq "${lines[0]}" first-ctr
	assert_line_eq "${lines[1]}" "$(readlink /proc/$pid/ns/net)"
	assert_line_eq "${lines[2]}" "$(readlink /proc/$pid/ns/uts)"
	ID=$first
}

@test "namespaces: a namespace path that is not a namespace fails clearly and leaves nothing" {
	make_bundle '.linux.namespaces = [.linux.namespaces[] |
		if .type == "network" then .path = "/etc/hostname" else . end]'
	set_args true
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "network namespace '/etc/hostname'"
	assert_no_state
}

@test "namespaces: a namespace path of the wrong type fails clearly" {
	make_bundle '.linux.namespaces = [.linux.namespaces[] |
		if .type == "network" then .path = "/proc/self/ns/uts" else . end]'
	set_args true
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "network namespace"
	assert_no_state
}

@test "namespaces: time namespace offsets shift the monotonic and boot clocks" {
	make_bundle '.linux.namespaces += [{"type": "time"}] |
		.linux.timeOffsets = {"monotonic": {"secs": 864000, "nanosecs": 0},
				      "boottime": {"secs": 1728000, "nanosecs": 0}}'
	run_sh 'cut -d. -f1 /proc/uptime; tr -s " " < /proc/self/timens_offsets'
	assert_status 0
	host_up=$(cut -d. -f1 /proc/uptime)
	# boottime drives /proc/uptime: it is at least the offset ahead
	[ "${lines[0]}" -ge $((host_up + 1728000 - 5)) ]
	[ "${lines[0]}" -lt $((host_up + 1728000 + 600)) ]
	assert_line_eq "${lines[1]}" "monotonic 864000 0"
	assert_line_eq "${lines[2]}" "boottime 1728000 0"
}

@test "namespaces: time offsets without a new time namespace are refused" {
	make_bundle '.linux.timeOffsets = {"monotonic": {"secs": 10, "nanosecs": 0}}'
	set_args true
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "linux.timeOffsets: needs a new time namespace"
	assert_no_state
}

@test "namespaces: an ipc namespace hides the host's System V objects" {
	make_bundle
	qid=$(ipcmk -Q | grep -o '[0-9]*$')
	on_teardown "ipcrm -q $qid"
	# the host has the queue ...
	grep -q " $qid " /proc/sysvipc/msg
	run_sh 'wc -l < /proc/sysvipc/msg'
	assert_status 0
	# ... the container only the header line
	assert_line_eq "$output" 1
	# and without an ipc namespace it is shared
	edit_config '.linux.namespaces = [.linux.namespaces[] | select(.type != "ipc")] |
		.mounts = [.mounts[] | select(.type != "mqueue")]'
	run_sh "grep -c ' $qid ' /proc/sysvipc/msg"
	assert_line_eq "$output" 1
}

@test "namespaces: without a pid namespace the process is not pid 1 and sees the host's" {
	make_bundle '.linux.namespaces = [.linux.namespaces[] | select(.type != "pid")]'
	start_sleeper
	pid=$(init_pid)
	in_ctr sh -c 'test -d /proc/1 && cat /proc/1/comm; test -d /proc/'"$pid"' && echo sees-the-init'
	assert_status 0
	assert_line_eq "${lines[0]}" "$(cat /proc/1/comm)"
	assert_line_eq "${lines[1]}" sees-the-init
	[ "$pid" != 1 ]
}
