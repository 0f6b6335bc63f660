#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# sysctl: linux.sysctl values land in the container's namespaces only;
# sysctls that are not namespaced (they would change the host) are refused.

load helpers
load lib/iso

@test "sysctl: network, ipc and mqueue sysctls are visible inside and not on the host" {
	# (keys nothing else on this host changes while the test runs)
	host_fin=$(cat /proc/sys/net/ipv4/tcp_fin_timeout)
	host_msgmax=$(cat /proc/sys/kernel/msgmax)
	host_somax=$(cat /proc/sys/net/core/somaxconn)
	host_mq=$(cat /proc/sys/fs/mqueue/msg_max)
	want_fin=$((host_fin + 7))
	make_bundle ".linux.sysctl = {\"net.ipv4.tcp_fin_timeout\": \"$want_fin\",
		\"kernel.msgmax\": \"12345\", \"net.core.somaxconn\": \"777\",
		\"fs.mqueue.msg_max\": \"33\", \"net.ipv4.ping_group_range\": \"0 2147483647\"}"
	run_sh 'cat /proc/sys/net/ipv4/tcp_fin_timeout /proc/sys/kernel/msgmax /proc/sys/net/core/somaxconn /proc/sys/fs/mqueue/msg_max /proc/sys/net/ipv4/ping_group_range'
	assert_status 0
	assert_line_eq "$output" "$want_fin
12345
777
33
0	2147483647"
	[ "$(cat /proc/sys/net/ipv4/tcp_fin_timeout)" = "$host_fin" ]
	[ "$(cat /proc/sys/kernel/msgmax)" = "$host_msgmax" ]
	[ "$(cat /proc/sys/net/core/somaxconn)" = "$host_somax" ]
	[ "$(cat /proc/sys/fs/mqueue/msg_max)" = "$host_mq" ]
}

@test "sysctl: the values stay while /proc/sys is read-only to the process" {
	make_bundle '.linux.sysctl = {"net.core.somaxconn": "555"}'
	run_sh 'cat /proc/sys/net/core/somaxconn; probe open /proc/sys/net/core/somaxconn w'
	assert_status 0
	assert_line_eq "$output" "555
EROFS"
}

@test "sysctl: a sysctl that is not namespaced is refused with the message and the host is untouched" {
	before=$(cat /proc/sys/kernel/pid_max)
	make_bundle '.linux.sysctl = {"kernel.pid_max": "4194000"}'
	set_args true
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains 'linux.sysctl["kernel.pid_max"]: not namespaced, it would change the host'
	assert_no_state
	[ "$(cat /proc/sys/kernel/pid_max)" = "$before" ]
}

@test "sysctl: vm and fs sysctls are refused too" {
	for key in vm.swappiness fs.file-max kernel.panic; do
		make_bundle ".linux.sysctl = {\"$key\": \"1\"}"
		set_args true
		run berth run -b "$BUNDLE" "$ID"
		assert_status 1
		assert_contains "linux.sysctl[\"$key\"]: not namespaced"
		assert_no_state
	done
}

@test "sysctl: a net sysctl without a network namespace is refused" {
	make_bundle '.linux.namespaces = [.linux.namespaces[] | select(.type != "network")] |
		.linux.sysctl = {"net.ipv4.tcp_fin_timeout": "17"}'
	before=$(cat /proc/sys/net/ipv4/tcp_fin_timeout)
	set_args true
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains 'linux.sysctl["net.ipv4.tcp_fin_timeout"]: needs a new network namespace'
	assert_no_state
	[ "$(cat /proc/sys/net/ipv4/tcp_fin_timeout)" = "$before" ]
}

@test "sysctl: an ipc sysctl without an ipc namespace is refused" {
	make_bundle '.linux.namespaces = [.linux.namespaces[] | select(.type != "ipc")] |
		.mounts = [.mounts[] | select(.type != "mqueue")] |
		.linux.sysctl = {"kernel.msgmax": "9999"}'
	before=$(cat /proc/sys/kernel/msgmax)
	set_args true
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains 'linux.sysctl["kernel.msgmax"]: needs a new ipc namespace'
	assert_no_state
	[ "$(cat /proc/sys/kernel/msgmax)" = "$before" ]
}

@test "sysctl: a value the kernel rejects fails naming the key and leaves nothing" {
	make_bundle '.linux.sysctl = {"net.ipv4.ip_forward": "banana"}'
	set_args true
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains 'net.ipv4.ip_forward'
	assert_no_state
}

@test "sysctl: a key that does not exist fails naming it and leaves nothing" {
	make_bundle '.linux.sysctl = {"net.ipv4.no_such_knob": "1"}'
	set_args true
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains 'net.ipv4.no_such_knob'
	assert_no_state
}

@test "sysctl: a key written with slashes is not a way out of /proc/sys" {
	before=$(cat /proc/sys/kernel/pid_max)
	for key in net/../../kernel/pid_max net.ipv4/../../kernel/pid_max net.ipv4.conf.all/../../../../kernel/pid_max; do
		make_bundle ".linux.sysctl = {\"$key\": \"4194000\"}"
		set_args true
		run berth run -b "$BUNDLE" "$ID"
		assert_status 1
		assert_no_state
		[ "$(cat /proc/sys/kernel/pid_max)" = "$before" ]
	done
}

@test "sysctl: hostname and kernel.hostname with different values are refused naming both" {
	make_bundle '.hostname = "alpha" | .linux.sysctl = {"kernel.hostname": "beta"}'
	set_args true
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains 'hostname "alpha" and linux.sysctl["kernel.hostname"] "beta" disagree'
	assert_no_state
	make_bundle '.domainname = "one.test" | .linux.sysctl = {"kernel.domainname": "two.test"}'
	set_args true
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains 'domainname "one.test" and linux.sysctl["kernel.domainname"] "two.test" disagree'
	assert_no_state
}

@test "sysctl: hostname and kernel.hostname (domainname and kernel.domainname) with one value both hold" {
	make_bundle '.hostname = "alpha" | .domainname = "one.test" |
		.linux.sysctl = {"kernel.hostname": "alpha", "kernel.domainname": "one.test"}'
	run_sh 'hostname; cat /proc/sys/kernel/domainname'
	assert_status 0
	assert_line_eq "$output" "alpha
one.test"
}
