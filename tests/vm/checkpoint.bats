#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# checkpoint and restore through CRIU, on the VM's Debian 6.1 kernel
# (where CRIU 3.17 works; the host's kernel fails its vDSO check, see
# tests/bats/checkpoint.bats).  A counter loop proves the restored
# container goes on from where it was, not from 0.

load ../bats/helpers
load ../bats/lib/iso
load ../bats/lib/forged

export WAIT_FOR_SECONDS=60

teardown() {
	[ -z "${PEER:-}" ] || kill "$PEER" 2>/dev/null || true
	[ -z "${NETNS:-}" ] || ip netns del "$NETNS" 2>/dev/null || true
	iso_teardown
	[ -z "${BR:-}" ] || ip link del "$BR" 2>/dev/null || true
}

# a counter in the shell's memory, appended to a log on a tmpfs (which
# CRIU saves and restores with the container); /run/c/stop ends it with
# status 7 and a last line on its stdout; $1: more of the config (jq)
counter_bundle() {
	make_bundle '.mounts += [{"destination": "/run/c", "type": "tmpfs", "source": "tmpfs"}]'
	[ -z "${1:-}" ] || edit_config "$1"
	set_args /bin/sh -c 'i=0; while [ ! -e /run/c/stop ]; do i=$((i+1)); echo $i >> /run/c/log
		sleep 0.2; done; echo "ended at $i"; exit 7'
}

counter() { # run detached, until it has counted to 3
	counter_bundle
	detached run -d -b "$BUNDLE" "$ID"
	wait_until '[ "$(last_of "$ID" 2>/dev/null || echo 0)" -ge 3 ]'
}

log_of() { # the counter's log, through the container's init
	cat "/proc/$(berth state "$1" | jq .pid)/root/run/c/log"
}

last_of() {
	log_of "$1" | tail -n1
}

@test "checkpoint stops the container; restore in the foreground continues the counter from where it was and returns its exit status" {
	counter
	berth checkpoint --image-path "$BATS_TEST_TMPDIR/img" "$ID"
	[ "$(state_of "$ID")" = stopped ]
	# without -d: berth waits for the restored init, whose stdout is now
	# the restoring berth's (its checkpointed stdout was a file of berth's)
	berth restore --image-path "$BATS_TEST_TMPDIR/img" -b "$BUNDLE" "$ID" </dev/null \
		>"$BATS_TEST_TMPDIR/restored" 2>&1 3>&- &
	rpid=$!
	wait_until '[ "$(state_of "$ID" 2>/dev/null)" = running ]'
	pid=$(berth state "$ID" | jq .pid)
	grep -qx "$pid" "$CG_ROOT/berth/$ID/cgroup.procs"
	before=$(log_of "$ID" | wc -l)
	wait_until '[ "$(last_of "$ID")" -gt "$before" ]'
	# one run of numbers, never started again from 1
	log_of "$ID" | awk 'NR != $1 { exit 1 }'
	[ "$(log_of "$ID" | grep -cx 1)" = 1 ]
	touch "/proc/$pid/root/run/c/stop"
	rc=0
	wait "$rpid" || rc=$?
	[ "$rc" = 7 ]
	grep -q '^ended at [0-9]' "$BATS_TEST_TMPDIR/restored"
	# and the foreground restore deleted it, as run does
	run berth state "$ID"
	assert_contains "does not exist"
}

# dash does this for a moment on every `echo >>log` of a builtin (the
# caller's fd 1 kept at fd 10): a checkpoint that read the init's fds
# just then named the wrong file the caller's (CI saw CRIU fail with
# "Can't lookup mount" for the caller's file at the other fd).
@test "a shell that moved the caller's stdout to fd 3 and its own file to fd 1 is checkpointed and restored twice: fd 3 is each restoring berth's stdout, fd 1 stays its own file" {
	make_bundle '.mounts += [{"destination": "/run/c", "type": "tmpfs", "source": "tmpfs"}]'
	set_args /bin/sh -c 'exec 3>&1 >/run/c/own; echo started >&3; i=0
		while [ ! -e /run/c/stop ]; do i=$((i+1)); echo $i >> /run/c/log; echo "own $i"
		sleep 0.2; done; echo "ended at $i" >&3; exit 7'
	# appended to, as a log is: CRIU checks the size of a file of the
	# caller's it restores unless it is opened O_APPEND
	berth run -d -b "$BUNDLE" "$ID" </dev/null >>"$BATS_TEST_TMPDIR/out"
	wait_until '[ "$(last_of "$ID" 2>/dev/null || echo 0)" -ge 3 ]'
	grep -qx started "$BATS_TEST_TMPDIR/out"
	for round in 1 2; do
		dump_or_show "$BATS_TEST_TMPDIR/img$round"
		[ "$(state_of "$ID")" = stopped ]
		berth restore -d --image-path "$BATS_TEST_TMPDIR/img$round" -b "$BUNDLE" "$ID" \
			</dev/null >"$BATS_TEST_TMPDIR/out$round" 2>"$BATS_TEST_TMPDIR/err$round" || {
			cat "$BATS_TEST_TMPDIR/err$round" >&2
			grep -E 'Error|Warn' "$BATS_TEST_TMPDIR/img$round/restore.log" >&2
			false
		}
		n=$(last_of "$ID")
		wait_until '[ "$(last_of "$ID")" -gt "$n" ]'
	done
	pid=$(berth state "$ID" | jq .pid)
	# its own stdout is one run of "own N" lines, on across both restores
	own=/proc/$pid/root/run/c/own
	[ "$(sed -n 1p "$own")" = "own 1" ]
	awk '$0 != "own " NR { exit 1 }' "$own"
	[ "$(wc -l <"$own")" -ge "$n" ]
	touch "/proc/$pid/root/run/c/stop"
	wait_until '[ "$(state_of "$ID")" = stopped ]'
	# fd 3 went to each restore's stdout in turn, never the container's file
	grep -q '^ended at [0-9]' "$BATS_TEST_TMPDIR/out2"
	[ ! -s "$BATS_TEST_TMPDIR/out1" ]
	! grep -q '^own' "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/out2"
}

@test "checkpoint --leave-running keeps it running, and restore into a new id continues" {
	counter
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

@test "a paused container is checkpointed: --leave-running leaves it paused, a dump ends it, and restore continues the counter" {
	counter
	berth pause "$ID"
	frozen "$ID"
	berth checkpoint --leave-running --image-path "$BATS_TEST_TMPDIR/pre" "$ID"
	[ "$(state_of "$ID")" = paused ]
	frozen "$ID"
	berth checkpoint --image-path "$BATS_TEST_TMPDIR/img" "$ID"
	[ "$(state_of "$ID")" = stopped ]
	berth restore -d --image-path "$BATS_TEST_TMPDIR/img" -b "$BUNDLE" "$ID" </dev/null \
		>"$BATS_TEST_TMPDIR/out" 2>&1
	[ "$(state_of "$ID")" = running ]
	run frozen "$ID"
	[ "$status" -ne 0 ]
	n=$(log_of "$ID" | wc -l)
	wait_until '[ "$(last_of "$ID")" -gt "$n" ]'
	log_of "$ID" | awk 'NR != $1 { exit 1 }'
	berth delete --force "$ID"
}

@test "a restore whose --pid-file cannot be written fails naming it, after CRIU restored the counter, and leaves no process, cgroup or state" {
	counter
	berth checkpoint --image-path "$BATS_TEST_TMPDIR/img" "$ID"
	berth delete "$ID"
	# its stdout the file it had, as the other restores
	rc=0
	berth restore -d --image-path "$BATS_TEST_TMPDIR/img" -b "$BUNDLE" \
		--pid-file "$BATS_TEST_TMPDIR/none/pid" "$ID" </dev/null \
		>"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" || rc=$?
	[ "$rc" -ne 0 ]
	grep -q "$BATS_TEST_TMPDIR/none/pid" "$BATS_TEST_TMPDIR/err"
	run berth state "$ID"
	[ "$status" -ne 0 ]
	[ ! -e "$CG_ROOT/berth/$ID" ]
	! pgrep -f 'while \[ ! -e /run/c/stop' >/dev/null
}

# the counter in a user namespace mapping 0 to 100000 (65536 ids, as
# podman --uidmap 0:100000:65536), on a writable copy of the rootfs owned
# by that mapped root, in a directory its ids can traverse.  Its stdout is
# a pipe, as a shim's or conmon's is: CRIU reopens a restored file of the
# caller's (a log) as the namespace's root, which a root-owned file
# refuses; /dev/null, open to anyone, is fine.  $1: more of the config.
userns_counter() {
	local top
	top=$(open_dir)
	cp -a "$TEST_ROOTFS" "$top/rootfs"
	chown -R 100000:100000 "$top/rootfs"
	ROOTFS=$top/rootfs
	counter_bundle ".root = {\"path\": \"$ROOTFS\", \"readonly\": false} |
		.linux.namespaces += [{\"type\": \"user\"}] |
		.linux.uidMappings = [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}] |
		.linux.gidMappings = [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}]"
	[ -z "${1:-}" ] || edit_config "$1"
	berth run -d -b "$BUNDLE" "$ID" </dev/null 2>/dev/null \
		> >(exec cat >"$BATS_TEST_TMPDIR/out")
}

# what a restored container in that user namespace shows: its maps seen
# from inside, and a file it writes on its rootfs owned by 100000 on the host
assert_mapped() {
	local id=$1 pid
	pid=$(berth state "$id" | jq .pid)
	[ "$(readlink "/proc/$pid/ns/user")" != "$(readlink /proc/self/ns/user)" ]
	run berth exec "$id" sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u; touch /by-root'
	assert_status 0
	assert_line_eq "$(echo ${lines[0]})" "0 100000 65536"
	assert_line_eq "$(echo ${lines[1]})" "0 100000 65536"
	assert_line_eq "${lines[2]}" 0
	[ "$(stat -c %u:%g "$ROOTFS/by-root")" = 100000:100000 ]
	# the restored counter's own log, written on after the restore
	[ "$(stat -c %u:%g "/proc/$pid/root/run/c/log")" = 100000:100000 ]
}

# restore -d ID from IMG, its stdout a new pipe into OUT; CRIU's errors
# shown when it fails
userns_restore() {
	local before
	before=$(stat -c '%n %a' "$2" "$2"/*.img)
	berth --log "$BATS_TEST_TMPDIR/rlog" restore -d --image-path "$2" -b "$BUNDLE" "$1" \
		</dev/null 2>/dev/null > >(exec cat >"$3") || {
		cat "$BATS_TEST_TMPDIR/rlog" >&2
		grep -E 'Error|Warn' "$2/restore.log" >&2
		return 1
	}
	# the images are as the checkpoint left them again: no ACL, same modes
	[ "$(stat -c '%n %a' "$2" "$2"/*.img)" = "$before" ]
	[ "$(stat -c %a "$2")" = 700 ]
	! python3 -c 'import os, sys; os.getxattr(sys.argv[1], "system.posix_acl_access")' \
		"$2/inventory.img" 2>/dev/null
}

dump_or_show() { # checkpoint [FLAGS...] into IMG (the last argument)
	local img=${*: -1}
	berth checkpoint "${@:1:$#-1}" --image-path "$img" "$ID" || {
		grep -E 'Error|Warn' "$img/dump.log" >&2
		return 1
	}
}

@test "checkpoint and restore of a container in a user namespace: the counter goes on, with the same maps inside, its files owned by the mapped root on the host, and its stdout a new pipe" {
	userns_counter
	wait_until '[ "$(last_of "$ID" 2>/dev/null || echo 0)" -ge 3 ]'
	dump_or_show "$BATS_TEST_TMPDIR/img"
	[ "$(state_of "$ID")" = stopped ]
	userns_restore "$ID" "$BATS_TEST_TMPDIR/img" "$BATS_TEST_TMPDIR/restored"
	[ "$(state_of "$ID")" = running ]
	pid=$(berth state "$ID" | jq .pid)
	grep -qx "$pid" "$CG_ROOT/berth/$ID/cgroup.procs"
	n=$(log_of "$ID" | wc -l)
	wait_until '[ "$(last_of "$ID")" -gt "$n" ]'
	log_of "$ID" | awk 'NR != $1 { exit 1 }'
	[ "$(log_of "$ID" | grep -cx 1)" = 1 ]
	assert_mapped "$ID"
	# (the restored tmpfs belongs to the user namespace: host root, unmapped
	# there, cannot create in it — EOVERFLOW)
	berth exec "$ID" touch /run/c/stop
	wait_until 'grep -q "^ended at [0-9]" "$BATS_TEST_TMPDIR/restored"'
}

@test "checkpoint --leave-running of a container in a user namespace keeps it running, and restore into a new id continues in a user namespace of its own" {
	userns_counter
	wait_until '[ "$(last_of "$ID" 2>/dev/null || echo 0)" -ge 3 ]'
	dump_or_show --leave-running "$BATS_TEST_TMPDIR/img"
	[ "$(state_of "$ID")" = running ]
	at=$(last_of "$ID")
	wait_until '[ "$(last_of "$ID")" -gt "$at" ]'
	old=$(readlink "/proc/$(berth state "$ID" | jq .pid)/ns/user")
	userns_restore "$ID-new" "$BATS_TEST_TMPDIR/img" "$BATS_TEST_TMPDIR/restored"
	[ "$(state_of "$ID-new")" = running ]
	[ "$(state_of "$ID")" = running ]
	[ -d "$CG_ROOT/berth/$ID-new" ]
	# a copy: a user namespace of its own, not the running original's
	[ "$(readlink "/proc/$(berth state "$ID-new" | jq .pid)/ns/user")" != "$old" ]
	n=$(log_of "$ID-new" | wc -l)
	wait_until '[ "$(last_of "$ID-new")" -gt "$n" ]'
	log_of "$ID-new" | awk 'NR != $1 { exit 1 }'
	assert_mapped "$ID-new"
	berth delete --force "$ID-new"
}

@test "checkpoint --pre-dump and a dump with --parent-path of a container in a user namespace and a cgroup namespace: restore continues, and both image dirs are root's alone again" {
	userns_counter '.linux.namespaces += [{"type": "cgroup"}]'
	wait_until '[ "$(last_of "$ID" 2>/dev/null || echo 0)" -ge 3 ]'
	dump_or_show --pre-dump "$BATS_TEST_TMPDIR/p1"
	at=$(last_of "$ID")
	wait_until '[ "$(last_of "$ID")" -gt "$at" ]'
	dump_or_show --parent-path ../p1 "$BATS_TEST_TMPDIR/p2"
	before=$(stat -c '%n %a' "$BATS_TEST_TMPDIR/p1" "$BATS_TEST_TMPDIR"/p1/*.img)
	# the unchanged pages are read from p1, by the restored namespace's root
	userns_restore "$ID" "$BATS_TEST_TMPDIR/p2" "$BATS_TEST_TMPDIR/restored"
	[ "$(stat -c '%n %a' "$BATS_TEST_TMPDIR/p1" "$BATS_TEST_TMPDIR"/p1/*.img)" = "$before" ]
	[ "$(state_of "$ID")" = running ]
	pid=$(berth state "$ID" | jq .pid)
	[ "$(readlink "/proc/$pid/ns/cgroup")" != "$(readlink /proc/self/ns/cgroup)" ]
	n=$(log_of "$ID" | wc -l)
	[ "$n" -gt "$at" ]
	wait_until '[ "$(last_of "$ID")" -gt "$n" ]'
	log_of "$ID" | awk 'NR != $1 { exit 1 }'
	assert_mapped "$ID"
}

# the init's memory areas CRIU left in the parent images (crit decodes
# the pagemap; PE_PARENT: "these pages are in ../parent")
in_parent() {
	crit show "$1/pagemap-1.img" |
		jq '[.entries[] | select((.flags // "") | contains("PE_PARENT"))] | length'
}

@test "checkpoint --pre-dump leaves it running, and a dump with --parent-path leaves the unchanged pages in it; restore continues" {
	counter
	berth checkpoint --pre-dump --image-path "$BATS_TEST_TMPDIR/p1" "$ID"
	[ "$(state_of "$ID")" = running ]
	at=$(last_of "$ID")
	wait_until '[ "$(last_of "$ID")" -gt "$at" ]'
	# runc's semantics: the parent is named relative to the image dir
	berth checkpoint --parent-path ../p1 --image-path "$BATS_TEST_TMPDIR/p2" "$ID"
	[ "$(state_of "$ID")" = stopped ]
	[ "$(readlink "$BATS_TEST_TMPDIR/p2/parent")" = ../p1 ]
	[ "$(in_parent "$BATS_TEST_TMPDIR/p2")" -gt 0 ]
	[ "$(in_parent "$BATS_TEST_TMPDIR/p1")" = 0 ]
	berth restore -d --image-path "$BATS_TEST_TMPDIR/p2" -b "$BUNDLE" "$ID" </dev/null \
		>"$BATS_TEST_TMPDIR/out" 2>&1
	[ "$(state_of "$ID")" = running ]
	n=$(log_of "$ID" | wc -l)
	[ "$n" -gt "$at" ]
	wait_until '[ "$(last_of "$ID")" -gt "$n" ]'
	log_of "$ID" | awk 'NR != $1 { exit 1 }'
}

# A counter sent over TCP: the container joins a network namespace the
# test made (linux.namespaces path) and connects to a peer in it, outside
# the container, that accepts one connection only and logs what comes.
tcp_counter() {
	NETNS=berth-t$$-$BATS_TEST_NUMBER
	ip netns add "$NETNS"
	ip -n "$NETNS" link set lo up
	# nc execs cat on the accepted connection: one pid, no stdin to end
	ip netns exec "$NETNS" busybox nc -l -p 5555 \
		-e busybox sh -c "exec cat >$BATS_TEST_TMPDIR/recv" 3>&- &
	PEER=$!
	wait_until "ip netns exec $NETNS ss -Hltn | grep -q ':5555 '"
	make_bundle "(.linux.namespaces[] | select(.type == \"network\")) |=
		{type: \"network\", path: \"/run/netns/$NETNS\"}"
	set_args /bin/sh -c 'i=0; while :; do i=$((i+1)); echo $i; sleep 0.2; done | nc 127.0.0.1 5555'
	detached run -d -b "$BUNDLE" "$ID"
}

received() {
	tail -n1 "$BATS_TEST_TMPDIR/recv"
}

@test "checkpoint --tcp-established: the restored container goes on over the same TCP connection; without the flag CRIU's reason is named" {
	tcp_counter
	wait_until '[ "$(received || echo 0)" -ge 3 ]'
	run berth checkpoint --image-path "$BATS_TEST_TMPDIR/no" "$ID"
	assert_status 1
	assert_contains "criu: inet: Connected TCP socket, consider using --tcp-established option"
	assert_contains "(log: $BATS_TEST_TMPDIR/no/dump.log)"
	[ "$(state_of "$ID")" = running ]
	berth checkpoint --tcp-established --image-path "$BATS_TEST_TMPDIR/img" "$ID"
	[ "$(state_of "$ID")" = stopped ]
	at=$(received)
	berth restore -d --tcp-established --image-path "$BATS_TEST_TMPDIR/img" -b "$BUNDLE" \
		"$ID" </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1 || {
		cat "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/img/restore.log" >&2
		return 1
	}
	[ "$(state_of "$ID")" = running ]
	# the peer accepted once: what comes now came over the restored one
	wait_until '[ "$(received)" -gt "$((at + 2))" ]'
	awk 'NR != $1 { exit 1 }' "$BATS_TEST_TMPDIR/recv"
	# and the network is unlocked: no rule of CRIU's is left
	! ip netns exec "$NETNS" iptables-save | grep -q CRIU
}

# A bridged container (org.berth.network=bridge=$BR) sending its counter
# over TCP to a peer on that bridge: the test makes the bridge (berth
# reuses one of that name) and the peer's namespace, with a veth on the
# bridge and 10.90.0.250; the peer accepts one connection only.
bridge_peer() {
	BR=bc$$-$BATS_TEST_NUMBER NETNS=berth-b$$-$BATS_TEST_NUMBER
	ip link add "$BR" type bridge
	ip link set "$BR" up
	ip netns add "$NETNS"
	ip link add "${BR}p" type veth peer name eth0 netns "$NETNS"
	ip link set "${BR}p" master "$BR" up
	ip -n "$NETNS" addr add 10.90.0.250/16 dev eth0
	ip -n "$NETNS" link set eth0 up
	ip -n "$NETNS" link set lo up
	ip netns exec "$NETNS" busybox nc -l -p 5555 \
		-e busybox sh -c "exec cat >$BATS_TEST_TMPDIR/recv" 3>&- &
	PEER=$!
	wait_until "ip netns exec $NETNS ss -Hltn | grep -q ':5555 '"
}

addr_of() { # the address on the container's eth0
	nsenter --net="/proc/$(berth state "$1" | jq .pid)/ns/net" ip -4 -o addr show dev eth0 |
		awk '{print $4}'
}

@test "checkpoint --tcp-established of a bridged container: restored with its address on the bridge, a new veth, its /etc/hosts, and the same TCP connection to a peer on the bridge; a taken address or a bundle without the bridge is refused" {
	bridge_peer
	make_bundle ".annotations = {\"org.berth.network\": \"bridge=$BR\"}"
	set_args /bin/sh -c 'i=0; while :; do i=$((i+1)); echo $i; sleep 0.2; done | nc 10.90.0.250 5555'
	detached run -d -b "$BUNDLE" "$ID"
	wait_until '[ "$(received || echo 0)" -ge 3 ]'
	addr=$(addr_of "$ID")
	[ "$addr" = 10.90.0.2/16 ]
	netns_before=$(stat -Lc %i "/proc/$(berth state "$ID" | jq .pid)/ns/net")
	berth checkpoint --tcp-established --image-path "$BATS_TEST_TMPDIR/img" "$ID"
	[ "$(state_of "$ID")" = stopped ]
	[ "$(cat "$BATS_TEST_TMPDIR/img/network")" = 10.90.0.2 ]
	at=$(received)
	# refused before CRIU runs, leaving nothing: the stopped container
	# still holds the address, and a bundle without the bridge
	run berth restore -d --image-path "$BATS_TEST_TMPDIR/img" -b "$BUNDLE" "$ID-new"
	assert_status 1
	assert_contains "ipam: address 10.90.0.2 is leased to container \"$ID\""
	cp -r "$BUNDLE" "$BATS_TEST_TMPDIR/plain"
	jq 'del(.annotations)' "$BUNDLE/config.json" >"$BATS_TEST_TMPDIR/plain/config.json"
	run berth restore -d --image-path "$BATS_TEST_TMPDIR/img" -b "$BATS_TEST_TMPDIR/plain" "$ID-new"
	assert_status 1
	assert_contains "the checkpoint was made with bridge networking (address 10.90.0.2)"
	run berth state "$ID-new"
	assert_contains "does not exist"
	[ ! -e "$CG_ROOT/berth/$ID-new" ]
	[ "$(ip -o link show master "$BR" | wc -l)" = 1 ]
	grep -qx "id=$ID" /run/berth/net/*/"$BR"/10.90.0.2
	berth restore -d --tcp-established --image-path "$BATS_TEST_TMPDIR/img" -b "$BUNDLE" \
		"$ID" </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1 || {
		cat "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/img/restore.log" >&2
		return 1
	}
	[ "$(state_of "$ID")" = running ]
	pid=$(berth state "$ID" | jq .pid)
	# a new namespace, wired again: the same address, a veth on the bridge
	[ "$(stat -Lc %i "/proc/$pid/ns/net")" != "$netns_before" ]
	[ "$(addr_of "$ID")" = "$addr" ]
	veth=$(ip -o link show master "$BR" | awk -F'[ @]+' '$2 ~ /^vb/ { print $2 }')
	[ -n "$veth" ]
	[ "$(ip -o link show master "$BR" | wc -l)" = 2 ]
	host=$(jq -r --arg id "$ID" '.hostname // $id' "$BUNDLE/config.json")
	grep -q "^10.90.0.2[[:space:]]$host\$" "/proc/$pid/root/etc/hosts"
	# bound from a private tmpfs, as at create: no host path in its mountinfo,
	# and nothing of the restore's left mounted on the host
	[ "$(awk '$5 == "/etc/hosts" {print $4}' "/proc/$pid/mountinfo")" = /hosts ]
	[ "$(awk '$5 == "/etc/resolv.conf" {print $4}' "/proc/$pid/mountinfo")" = /resolv.conf ]
	! grep -q "criu-netfiles" /proc/self/mountinfo
	# the peer accepted once: what comes now came over the restored one
	wait_until '[ "$(received)" -gt "$((at + 2))" ]'
	awk 'NR != $1 { exit 1 }' "$BATS_TEST_TMPDIR/recv"
	! ip netns exec "$NETNS" iptables-save | grep -q CRIU
	! nsenter --net="/proc/$pid/ns/net" iptables-save | grep -q CRIU
	# delete takes the veth and the lease away again
	berth delete --force "$ID"
	! ip link show "$veth" 2>/dev/null
	! ls /run/berth/net/*/"$BR"/10.90.0.2 2>/dev/null
}

# recvtty (tests/tools): the caller's end of --console-socket; it copies
# what the container writes on the terminal to $1.out until it closes
recvtty() { # name [recvtty args]
	local name=$1
	shift
	"$(dirname "$BERTH")/build/tests/tools/recvtty" "$@" "$BATS_TEST_TMPDIR/$name.sock" \
		>"$BATS_TEST_TMPDIR/$name.out" 2>"$BATS_TEST_TMPDIR/$name.err" </dev/null 3>&- &
	wait_for test -S "$BATS_TEST_TMPDIR/$name.sock"
}

@test "restore --console-socket: a terminal container's counter goes on, on a new pty sent to the socket" {
	make_bundle '.process.terminal = true |
		.mounts += [{"destination": "/run/c", "type": "tmpfs", "source": "tmpfs"}]'
	set_args /bin/sh -c 'i=0; while [ ! -e /run/c/stop ]; do i=$((i+1)); echo $i >> /run/c/log
		sleep 0.2; done; read -r line; echo "got $line on $(tty)"; exit 7'
	recvtty tty1
	detached run -d --console-socket "$BATS_TEST_TMPDIR/tty1.sock" -b "$BUNDLE" "$ID"
	wait_until '[ "$(last_of "$ID" 2>/dev/null || echo 0)" -ge 3 ]'
	berth checkpoint --image-path "$BATS_TEST_TMPDIR/img" "$ID"
	# the terminal must go somewhere: refused, and nothing is left
	run berth restore -d --image-path "$BATS_TEST_TMPDIR/img" -b "$BUNDLE" "$ID-x"
	assert_status 1
	assert_contains "has a terminal: restore needs --console-socket"
	run berth state "$ID-x"
	assert_contains "does not exist"
	recvtty tty2 -i $'typed\n'
	rpid=$!
	berth restore -d --console-socket "$BATS_TEST_TMPDIR/tty2.sock" \
		--image-path "$BATS_TEST_TMPDIR/img" -b "$BUNDLE" "$ID" </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1
	[ "$(state_of "$ID")" = running ]
	n=$(log_of "$ID" | wc -l)
	wait_until '[ "$(last_of "$ID")" -gt "$n" ]'
	log_of "$ID" | awk 'NR != $1 { exit 1 }'
	touch "/proc/$(berth state "$ID" | jq .pid)/root/run/c/stop"
	wait "$rpid"
	# what recvtty typed on the new master reached the restored shell
	grep -q '^got typed on /dev/pts/' "$BATS_TEST_TMPDIR/tty2.out"
}

@test "checkpoint refuses while an exec'd process is not in init's tree, naming it; one init inherited is saved and restored with the counter" {
	counter
	berth exec -d "$ID" sleep 1234 </dev/null >/dev/null 2>&1
	run berth checkpoint --image-path "$BATS_TEST_TMPDIR/img" "$ID"
	assert_status 1
	assert_contains "(sleep) is in the container but not in its init's"
	[ "$(state_of "$ID")" = running ]
	pkill -xf 'sleep 1234'
	# orphaned inside the container, init is its parent now
	berth exec "$ID" sh -c 'sleep 4321 >/dev/null 2>&1 & exit 0'
	berth checkpoint --image-path "$BATS_TEST_TMPDIR/img" "$ID"
	! pgrep -xf 'sleep 4321'
	berth restore -d --image-path "$BATS_TEST_TMPDIR/img" -b "$BUNDLE" "$ID" </dev/null \
		>"$BATS_TEST_TMPDIR/out" 2>&1
	pid=$(berth state "$ID" | jq .pid)
	[ "$(awk '{print $4}' "/proc/$(pgrep -xf 'sleep 4321')/stat")" = "$pid" ]
	n=$(log_of "$ID" | wc -l)
	wait_until '[ "$(last_of "$ID")" -gt "$n" ]'
}

# A counter on an overlay root (org.berth.rootfs.layers): the test rootfs
# below, and an image layer the test makes above it.  Before counting it
# deletes a file of that layer (a whiteout in its writable layer),
# replaces the layer's /srv by a directory of its own (an opaque one) and
# writes over /opt/hello (a copy-up); each number also goes to a file
# /data/N of its root.  $1: more of the config (jq).
overlay_counter() {
	LAYERS=$(open_dir)
	mkdir -p "$LAYERS/app/opt" "$LAYERS/app/etc" "$LAYERS/app/srv"
	echo app >"$LAYERS/app/opt/hello"
	echo motd >"$LAYERS/app/etc/motd"
	touch "$LAYERS/app/srv/a" "$LAYERS/app/srv/b"
	LAYERS_SUM=$(layers_sum)
	make_bundle ".annotations = {\"org.berth.rootfs.layers\": \"$TEST_ROOTFS:$LAYERS/app\"} |
		.root.readonly = false |
		.mounts += [{\"destination\": \"/run/c\", \"type\": \"tmpfs\", \"source\": \"tmpfs\"}]"
	[ -z "${1:-}" ] || edit_config "$1"
	set_args /bin/sh -c 'rm /etc/motd; rm -rf /srv; mkdir /srv /data; echo c >/srv/c
		echo mine >/opt/hello; i=0
		while [ ! -e /run/c/stop ]; do i=$((i+1)); echo $i >> /run/c/log; echo $i >/data/$i
		sleep 0.2; done; exit 7'
	detached run -d -b "$BUNDLE" "$ID"
}

# restore -d ID from IMG; berth's and CRIU's errors shown when it fails
overlay_restore() {
	berth restore -d --image-path "$2" -b "$BUNDLE" "$1" </dev/null \
		>"$BATS_TEST_TMPDIR/out" 2>&1 || {
		cat "$BATS_TEST_TMPDIR/out" >&2
		grep -E 'Error|Warn' "$2/restore.log" >&2
		return 1
	}
}

# every file of both layers: name, size, mode, owner and mtime
layers_sum() {
	find "$TEST_ROOTFS" "$LAYERS/app" -printf '%p %s %m %u %T@\n' | sort | md5sum
}

# what container $1 sees on its root: the deletion, the opaque /srv, the
# copy-up, and its /data files up to the last number it logged
assert_overlay_root() {
	local r
	r=/proc/$(berth state "$1" | jq .pid)/root
	[ ! -e "$r/etc/motd" ]
	[ "$(ls "$r/srv")" = c ]
	[ "$(cat "$r/opt/hello")" = mine ]
	[ -x "$r/bin/busybox" ]
	n=$(tail -n1 "$r/run/c/log")
	for i in 1 "$((n / 2))" "$n"; do [ "$(cat "$r/data/$i")" = "$i" ]; done
}

@test "checkpoint and restore of a container on an overlay root of image layers: the counter goes on, its files, its deletion and its opaque dir are there, and the layers are unchanged" {
	overlay_counter
	wait_until '[ "$(last_of "$ID" 2>/dev/null || echo 0)" -ge 3 ]'
	berth checkpoint --image-path "$BATS_TEST_TMPDIR/img" "$ID"
	[ "$(state_of "$ID")" = stopped ]
	[ -s "$BATS_TEST_TMPDIR/img/rootfs-diff.tar" ]
	# the last number the frozen counter wrote on its root
	at=$(ls "$ROOT/$ID/overlay/upper/data" | sort -n | tail -n1)
	berth delete "$ID"
	[ ! -e "$ROOT/$ID" ]
	overlay_restore "$ID" "$BATS_TEST_TMPDIR/img"
	[ "$(state_of "$ID")" = running ]
	# the restored root is an overlay, not a bind, and no host mount is left
	pid=$(berth state "$ID" | jq .pid)
	grep -q " / / .* - overlay overlay " "/proc/$pid/mountinfo"
	! grep -q "$ROOT" /proc/self/mountinfo
	# the diff and the memory image were taken at one point: the restored
	# counter goes on from the number its last file holds
	[ "$(log_of "$ID" | sed -n "${at}p")" = "$at" ]
	wait_until '[ "$(last_of "$ID")" -gt "$((at + 2))" ]'
	log_of "$ID" | awk 'NR != $1 { exit 1 }'
	assert_overlay_root "$ID"
	[ "$(cat "$ROOT/$ID/overlay/upper/data/$((at + 1))")" = "$((at + 1))" ]
	[ "$(layers_sum)" = "$LAYERS_SUM" ]
	[ ! -e "$LAYERS/app/data" ]
	berth delete --force "$ID"
	[ ! -e "$ROOT/$ID" ]
}

@test "checkpoint --leave-running of a container on an overlay root, restored into a new id: both run, each on its own writable layer" {
	overlay_counter
	wait_until '[ "$(last_of "$ID" 2>/dev/null || echo 0)" -ge 3 ]'
	berth checkpoint --leave-running --image-path "$BATS_TEST_TMPDIR/img" "$ID"
	[ "$(state_of "$ID")" = running ]
	overlay_restore "$ID-new" "$BATS_TEST_TMPDIR/img"
	[ "$(state_of "$ID")" = running ]
	[ "$(state_of "$ID-new")" = running ]
	n=$(last_of "$ID-new")
	wait_until '[ "$(last_of "$ID-new")" -gt "$n" ]'
	assert_overlay_root "$ID-new"
	assert_overlay_root "$ID"
	berth exec "$ID" sh -c 'echo original >/mine'
	berth exec "$ID-new" sh -c 'echo copy >/mine; rm /opt/hello'
	run berth exec "$ID" cat /mine /opt/hello
	[ "$output" = "original
mine" ]
	run berth exec "$ID-new" sh -c 'cat /mine; ls /opt'
	[ "$output" = copy ]
	[ "$(cat "$ROOT/$ID-new/overlay/upper/mine")" = copy ]
	[ "$(cat "$ROOT/$ID/overlay/upper/mine")" = original ]
	[ "$(layers_sum)" = "$LAYERS_SUM" ]
	berth delete --force "$ID-new"
	[ ! -e "$ROOT/$ID-new" ]
	[ "$(state_of "$ID")" = running ]
}

@test "restore of an overlay root refuses a tampered rootfs-diff.tar naming the entry, and a missing one, before CRIU runs and leaving nothing" {
	overlay_counter
	wait_until '[ "$(last_of "$ID" 2>/dev/null || echo 0)" -ge 3 ]'
	img=$BATS_TEST_TMPDIR/img
	berth checkpoint --leave-running --image-path "$img" "$ID"
	d=$BATS_TEST_TMPDIR/forged
	forge_diffs "$d"
	for t in "${FORGED[@]}"; do
		cp "$d/${t%%:*}.tar" "$img/rootfs-diff.tar"
		rm -f "$img/restore.log"
		run berth restore -d --image-path "$img" -b "$BUNDLE" "$ID-new"
		assert_status 1
		assert_contains "restore \"$ID-new\": checkpoint image '$img': rootfs-diff.tar: ${t#*:}"
		[ ! -e "$img/restore.log" ]
		[ ! -e "$ROOT/$ID-new" ]
		[ ! -e "$CG_ROOT/berth/$ID-new" ]
		! grep -q "$ID-new" /proc/self/mountinfo
		[ ! -e "$TEST_ROOTFS/x" ] && [ ! -e "$LAYERS/x" ] && [ ! -e "$BATS_TEST_TMPDIR/x" ]
	done
	rm "$img/rootfs-diff.tar"
	run berth restore -d --image-path "$img" -b "$BUNDLE" "$ID-new"
	assert_status 1
	assert_contains "no rootfs-diff.tar, which the bundle's overlay root (org.berth.rootfs.layers) needs"
	[ ! -e "$ROOT/$ID-new" ]
	[ "$(layers_sum)" = "$LAYERS_SUM" ]
	[ "$(state_of "$ID")" = running ]
}

# a checkpoint of the overlay counter into $1 fails naming $2; the
# container keeps counting, and no diff is left in $1
assert_dump_refused() {
	local n
	run berth checkpoint --image-path "$1" "$ID"
	assert_status 1
	assert_contains "$2"
	[ "$(state_of "$ID")" = running ]
	n=$(last_of "$ID")
	wait_until '[ "$(last_of "$ID")" -gt "$((n + 2))" ]'
	[ ! -e "$1/rootfs-diff.tar" ] && [ ! -e "$1/.rootfs-diff.tar.tmp" ]
}

@test "checkpoint of an overlay root holding a file named .wh.x, or a 1 TiB sparse file, fails naming it; the container keeps counting and no diff is left" {
	overlay_counter
	wait_until '[ "$(last_of "$ID" 2>/dev/null || echo 0)" -ge 3 ]'
	img=$BATS_TEST_TMPDIR/img
	berth exec "$ID" sh -c 'echo x >/tmp/.wh.x'
	assert_dump_refused "$img" "'tmp/.wh.x': a name starting with '.wh.' cannot be represented in an OCI layer"
	# 1 MiB written at the end of 1 TiB: all but that is a hole
	berth exec "$ID" sh -c 'rm /tmp/.wh.x
		dd if=/dev/zero of=/big bs=1048576 seek=1048575 count=1 2>/dev/null'
	rm -rf "$img"
	assert_dump_refused "$img" "'big': a sparse file of 1099511627776 bytes"
	# the upper was left as the container made it
	[ "$(stat -c %s "$ROOT/$ID/overlay/upper/big")" = 1099511627776 ]
	assert_overlay_root "$ID"
}
