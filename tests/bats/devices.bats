#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# devices: the /dev a container gets — default nodes, linux.devices,
# symlinks, a private devpts — and the cgroup device filter that decides
# which nodes may actually be used.

load helpers
load lib/iso

# devices_in_ctr PATH...: "path type major:minor mode uid:gid" of each
# node inside the container (type c, b or p; numbers in decimal)
devices_in_ctr() {
	args /bin/sh -c 'for n in "$@"; do
		t=-; [ -c "$n" ] && t=c; [ -b "$n" ] && t=b; [ -p "$n" ] && t=p
		set -- $(stat -c "%t %T %a %u %g" "$n") || continue
		printf "%s %s %d:%d %s %s:%s\n" "$n" "$t" "0x$1" "0x$2" "$3" "$4" "$5"
		done' sh "$@"
	run berth run -b "$BUNDLE" "$ID"
}

@test "devices: the default nodes exist with their numbers and mode 666" {
	make_bundle
	devices_in_ctr /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty
	assert_status 0
	assert_line_eq "$output" "/dev/null c 1:3 666 0:0
/dev/zero c 1:5 666 0:0
/dev/full c 1:7 666 0:0
/dev/random c 1:8 666 0:0
/dev/urandom c 1:9 666 0:0
/dev/tty c 5:0 666 0:0"
}

@test "devices: the default nodes work" {
	make_bundle
	sh_in 'echo gone > /dev/null && echo null-ok
		head -c 8 /dev/zero | od -An -tx1 | tr -d " "
		echo x 2>/dev/null > /dev/full || echo full-refused
		head -c 16 /dev/urandom | wc -c
		head -c 16 /dev/random | wc -c'
	assert_status 0
	assert_line_eq "$output" "null-ok
0000000000000000
full-refused
16
16"
}

@test "devices: /dev/full gives ENOSPC, not some other error" {
	make_bundle
	sh_in 'echo x > /dev/full'
	assert_status 1
	assert_contains "No space left on device"
}

@test "devices: linux.devices creates char, block and fifo nodes with fileMode, uid and gid" {
	make_bundle '.linux.devices = [
		{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11, "fileMode": 416, "uid": 1, "gid": 5},
		{"path": "/dev/loop7", "type": "b", "major": 7, "minor": 7, "fileMode": 384, "uid": 0, "gid": 6},
		{"path": "/dev/myfifo", "type": "p", "fileMode": 420, "uid": 65534, "gid": 65534},
		{"path": "/dev/sub/dir/zero2", "type": "c", "major": 1, "minor": 5}]'
	devices_in_ctr /dev/kmsg /dev/loop7 /dev/myfifo /dev/sub/dir/zero2
	assert_status 0
	assert_line_eq "$output" "/dev/kmsg c 1:11 640 1:5
/dev/loop7 b 7:7 600 0:6
/dev/myfifo p 0:0 644 65534:65534
/dev/sub/dir/zero2 c 1:5 666 0:0"
}

@test "devices: a linux.devices entry for a default node replaces it, and it still works" {
	# as in runc, redefining a default node drops its default rule: the
	# config allows it itself
	make_bundle '.linux.devices = [{"path": "/dev/null", "type": "c", "major": 1, "minor": 3, "fileMode": 432, "uid": 0, "gid": 5}] |
		.linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rwm"}]'
	devices_in_ctr /dev/null
	assert_status 0
	assert_line_eq "$output" "/dev/null c 1:3 660 0:5"
	run_sh 'probe open /dev/null w; grep -c " /dev/null " /proc/self/mountinfo; true'
	assert_status 0
	# a node of the container's own, not a bind of the host's
	assert_line_eq "$output" "ok
0"
}

@test "devices: a linux.devices node the filter allows gets its fileMode, uid and gid" {
	make_bundle '.linux.devices = [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 416, "uid": 1, "gid": 5}] |
		.linux.resources.devices += [{"allow": true, "type": "c", "major": 10, "minor": 229, "access": "rwm"}]'
	devices_in_ctr /dev/fuse
	assert_status 0
	assert_line_eq "$output" "/dev/fuse c 10:229 640 1:5"
}

@test "devices: a linux.devices node at a path the host does not have is created" {
	make_bundle '.linux.devices = [{"path": "/dev/berth-test-node", "type": "c", "major": 10, "minor": 229, "fileMode": 438}]'
	[ ! -e /dev/berth-test-node ]
	devices_in_ctr /dev/berth-test-node
	assert_status 0
	assert_line_eq "$output" "/dev/berth-test-node c 10:229 666 0:0"
}

@test "devices: the /dev symlinks point where every runtime points them" {
	make_bundle
	run_sh 'for l in fd stdin stdout stderr ptmx; do echo "$l $(readlink /dev/$l)"; done'
	assert_status 0
	assert_line_eq "$output" "fd /proc/self/fd
stdin /proc/self/fd/0
stdout /proc/self/fd/1
stderr /proc/self/fd/2
ptmx pts/ptmx"
}

@test "devices: /dev/pts is a new devpts instance, not the host's" {
	make_bundle
	run_sh 'cat /proc/self/mountinfo; ls /dev/pts; probe open /dev/ptmx w'
	assert_status 0
	[ "$(mnt_fstype /dev/pts)" = devpts ]
	assert_opts "$(mnt_super /dev/pts)" ptmxmode=666 mode=620 gid=5
	ctr_dev=$(mnt_line /dev/pts | awk '{print $3}')
	host_dev=$(awk '$5 == "/dev/pts" {print $3}' /proc/self/mountinfo)
	[ -n "$ctr_dev" ] && [ "$ctr_dev" != "$host_dev" ]
	# nothing but its own ptmx: no host pty shows up
	[ "$(grep -cx -e ptmx -e '[0-9]*' <<<"$output")" = 1 ]
	assert_line_eq "${lines[-1]}" ok
}

# ---- the cgroup device filter -----------------------------------------------

@test "devices: a node the cgroup filter does not allow exists but cannot be opened" {
	make_bundle '.linux.devices = [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 438}]'
	run_sh 'test -c /dev/fuse && echo exists; probe open /dev/fuse r; probe open /dev/fuse w'
	assert_status 0
	assert_line_eq "$output" "exists
EPERM
EPERM"
}

@test "devices: an allowed node can be used with exactly the access bits granted" {
	make_bundle '.linux.devices = [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 438}] |
		.linux.resources.devices += [{"allow": true, "type": "c", "major": 10, "minor": 229, "access": "r"}]'
	run_sh 'probe open /dev/fuse r; probe open /dev/fuse w'
	assert_status 0
	assert_line_eq "$output" "ok
EPERM"
}

@test "devices: a deny rule after an allow takes the access away again" {
	make_bundle '.linux.devices = [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 438}] |
		.linux.resources.devices += [{"allow": true, "type": "c", "major": 10, "minor": 229, "access": "rw"},
					     {"allow": false, "type": "c", "major": 10, "minor": 229, "access": "w"}]'
	run_sh 'probe open /dev/fuse r; probe open /dev/fuse w'
	assert_status 0
	assert_line_eq "$output" "ok
EPERM"
}

@test "devices: without CAP_MKNOD mknod fails, even for an allowed device" {
	make_bundle
	run_sh 'probe mknod /dev/null2 c 1 3'
	assert_status 0
	assert_line_eq "$output" EPERM
}

@test "devices: with CAP_MKNOD a denied device still cannot be made, an allowed one can" {
	make_bundle "$(caps_add CAP_MKNOD)"
	sh_in 'probe mknod /dev/fuse2 c 10 229; test -e /dev/fuse2 || echo absent
		probe mknod /dev/null2 c 1 3; echo x > /dev/null2 && echo usable'
	assert_status 0
	assert_line_eq "$output" "EPERM
absent
ok
usable"
}

@test "devices: with CAP_MKNOD a device allowed only for mknod can be made but not opened" {
	make_bundle "$(caps_add CAP_MKNOD)"' |
		.linux.resources.devices += [{"allow": true, "type": "c", "major": 10, "minor": 229, "access": "m"}]'
	run_sh 'probe mknod /dev/fuse2 c 10 229; probe open /dev/fuse2 r'
	assert_status 0
	assert_line_eq "$output" "ok
EPERM"
}

@test "devices: the default filter allows the pty devices" {
	make_bundle
	run_sh 'probe open /dev/ptmx w; probe open /dev/pts/ptmx w'
	assert_status 0
	assert_line_eq "$output" "ok
ok"
}

@test "devices: with an allow-all rule every device node can be opened" {
	make_bundle '.linux.devices = [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 438}] |
		.linux.resources.devices = [{"allow": true, "access": "rwm"}]'
	run_sh 'probe open /dev/fuse r'
	assert_status 0
	assert_line_eq "$output" ok
}

# ---- nodes bound from the host in a user namespace ----------------------

# a user-namespaced bundle listing /dev/zero (writable) and /dev/full, whose
# write access the rules take away
userns_device_bundle() {
	make_bundle '.linux.namespaces += [{"type": "user"}] |
		.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		.linux.devices = [{"path": "/dev/zero", "type": "c", "major": 1, "minor": 5},
				  {"path": "/dev/full", "type": "c", "major": 1, "minor": 7}] |
		.linux.resources.devices = [{"allow": false, "access": "rwm"},
			{"allow": true, "type": "c", "major": 1, "minor": 5, "access": "rwm"},
			{"allow": true, "type": "c", "major": 1, "minor": 7, "access": "r"}]'
}

@test "devices: in a user namespace, nodes bound from the host are nosuid and noexec, as on devtmpfs" {
	userns_device_bundle
	run_sh 'grep -E " /dev/(zero|full) " /proc/self/mountinfo'
	assert_status 0
	local zero full
	zero=$(grep " /dev/zero " <<<"$output" | cut -d' ' -f6)
	full=$(grep " /dev/full " <<<"$output" | cut -d' ' -f6)
	[[ ",$zero," == *,nosuid,* && ",$zero," == *,noexec,* ]] || { echo "zero: $zero" >&2; return 1; }
	[[ ",$full," == *,nosuid,* && ",$full," == *,noexec,* ]] || { echo "full: $full" >&2; return 1; }
	# /dev/zero may be written: bound read-write
	[[ ",$zero," == *,rw,* ]] || { echo "zero: $zero" >&2; return 1; }
}

@test "devices: in a user namespace, a node the rules deny writing is bound read-only" {
	userns_device_bundle
	run_sh 'grep " /dev/full " /proc/self/mountinfo | cut -d" " -f6; echo x > /dev/full; echo rc=$?'
	local opts=${lines[0]}
	[[ ",$opts," == *,ro,* ]] || { echo "full: $opts" >&2; return 1; }
	assert_contains "rc=1"
}
