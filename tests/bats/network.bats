#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Built-in networking (netns/): berth runs inside a network namespace the
# test creates, so its bridge lives there and the host's interfaces are
# never touched.  No traffic leaves that namespace.

load helpers

setup() {
	HOSTNS=bt-net-$$-$BATS_SUITE_TEST_NUMBER
	ip netns add "$HOSTNS"
	ip -n "$HOSTNS" link set lo up
	HOST_LINKS_BEFORE=$(ip -o link | awk '{print $2}' | sort)
	# defined by helpers.bash
	state_root_reachable
	ROOT=$BATS_TEST_TMPDIR/state
	BUNDLE=$BATS_TEST_TMPDIR/bundle
	ID=bt$$-${BATS_SUITE_TEST_NUMBER}
	MOUNTS_BEFORE=$(mount_count)
}

teardown() {
	local id
	for id in $(in_ns "$BERTH" --root "$ROOT" list -q 2>/dev/null); do
		in_ns "$BERTH" --root "$ROOT" delete --force "$id" >/dev/null 2>&1 || true
	done
	ip netns del "$HOSTNS" 2>/dev/null || true
	[ "$(ip -o link | awk '{print $2}' | sort)" = "$HOST_LINKS_BEFORE" ] ||
		{ echo "the host's interfaces changed" >&2; return 1; }
	assert_no_leaks
}

# the test's "host": its own network namespace, everything else shared
in_ns() {
	nsenter --net="/run/netns/$HOSTNS" "$@"
}

bridge_bundle() {
	make_bundle ".annotations = {\"org.berth.network\": \"bridge\"}"
}

@test "network: a bridged container gets eth0 with an address, lo, and a default route" {
	bridge_bundle
	set_args /bin/sh -c 'ip -4 -o addr show dev eth0; ip -o link show dev lo; ip route'
	run in_ns "$BERTH" --root "$ROOT" run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_contains "inet 10.90.0.2/16"
	assert_contains "LOWER_UP"
	assert_contains "default via 10.90.0.1 dev eth0"
	# the bridge, on the test's host side
	run ip -n "$HOSTNS" -4 -o addr show dev berth0
	assert_contains "10.90.0.1/16"
}

@test "network: two containers on one bridge reach each other" {
	bridge_bundle
	set_args /bin/sh -c 'echo pong | nc -l -p 7777'
	in_ns "$BERTH" --root "$ROOT" run -d -b "$BUNDLE" "$ID-server" </dev/null >/dev/null 2>&1
	server=$(in_ns "$BERTH" --root "$ROOT" state "$ID-server" | jq .pid)
	addr=$(nsenter --net="/proc/$server/ns/net" ip -4 -o addr show dev eth0 | awk '{print $4}' | cut -d/ -f1)
	set_args /bin/sh -c "for i in 1 2 3 4 5 6 7 8 9 10; do echo ping | nc -w 1 $addr 7777 && exit 0; sleep 0.2; done; exit 1"
	run in_ns "$BERTH" --root "$ROOT" run -b "$BUNDLE" "$ID-client"
	assert_status 0
	assert_contains pong
}

@test "network: the container's /etc/hosts, hostname and resolv.conf, without touching the rootfs" {
	make_bundle '.annotations = {"org.berth.network": "bridge"} | .hostname = "web1"'
	set_args /bin/sh -c 'cat /etc/hosts /etc/hostname /etc/resolv.conf'
	before=$(cat "$TEST_ROOTFS/etc/hosts")
	run in_ns "$BERTH" --root "$ROOT" run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_contains $'10.90.0.2\tweb1'
	assert_contains "nameserver"
	[ "$(cat "$TEST_ROOTFS/etc/hosts")" = "$before" ]
}

@test "network: without a bridge a new network namespace has only lo, up" {
	make_bundle
	set_args /bin/sh -c 'ip -o link'
	run in_ns "$BERTH" --root "$ROOT" run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "$(wc -l <<<"$output")" = 1 ]
	assert_contains "lo:"
	assert_contains "UP"
}

@test "network: delete removes the host veth and releases the address" {
	bridge_bundle
	set_args /bin/sleep 100
	in_ns "$BERTH" --root "$ROOT" run -d -b "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
	veth=$(jq -r .berth.net.hostIfname "$ROOT/$ID/state.json")
	ip -n "$HOSTNS" link show "$veth" >/dev/null
	in_ns "$BERTH" --root "$ROOT" delete --force "$ID"
	! ip -n "$HOSTNS" link show "$veth" >/dev/null 2>&1
	# the address is free again: the next container gets it
	set_args /bin/sh -c 'ip -4 -o addr show dev eth0'
	run in_ns "$BERTH" --root "$ROOT" run -b "$BUNDLE" "$ID-2"
	assert_contains "inet 10.90.0.2/16"
}

@test "network: after kill -9 of the container, delete still cleans up" {
	bridge_bundle
	set_args /bin/sleep 100
	in_ns "$BERTH" --root "$ROOT" run -d -b "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
	veth=$(jq -r .berth.net.hostIfname "$ROOT/$ID/state.json")
	pid=$(jq .pid "$ROOT/$ID/state.json")
	kill -9 "$pid"
	wait_until "[ \"\$(in_ns '$BERTH' --root '$ROOT' state '$ID' | jq -r .status)\" = stopped ]"
	in_ns "$BERTH" --root "$ROOT" delete "$ID"
	! ip -n "$HOSTNS" link show "$veth" >/dev/null 2>&1
	assert_root_empty
}

@test "network: parallel starts get distinct addresses" {
	bridge_bundle
	set_args /bin/sleep 100
	for i in 1 2 3 4 5 6; do
		in_ns "$BERTH" --root "$ROOT" run -d -b "$BUNDLE" "$ID-$i" </dev/null >/dev/null 2>&1 &
	done
	wait
	addrs=$(for i in 1 2 3 4 5 6; do jq -r .berth.net.address "$ROOT/$ID-$i/state.json"; done | sort -u | wc -l)
	[ "$addrs" = 6 ]
}

@test "network: a bridge annotation without a network namespace is refused" {
	make_bundle '.annotations = {"org.berth.network": "bridge"} | .linux.namespaces |= map(select(.type != "network"))'
	run in_ns "$BERTH" --root "$ROOT" run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "needs a new network namespace"
}

@test "network: sandbox --network bridge wires the job" {
	run in_ns "$BERTH" --root "$ROOT" sandbox --rootfs "$TEST_ROOTFS" --network bridge -- \
		/bin/sh -c 'ip -4 -o addr show dev eth0; ping -c1 -W2 10.90.0.1 >/dev/null && echo reached-gateway'
	assert_status 0
	assert_contains "inet 10.90.0."
	assert_contains reached-gateway
}
