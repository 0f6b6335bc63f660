#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# userns: a new user namespace with uid/gid mappings — what ids the
# process has inside, which ids its files get on the host, and what its
# capabilities do (and do not) reach.

load helpers
load lib/iso

userns_bundle() {
	make_bundle '.linux.namespaces += [{"type": "user"}] |
		.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	[ -z "$1" ] || edit_config "$1"
}

@test "userns: uid_map and gid_map show the mapping and the process is root inside" {
	userns_bundle
	run_sh 'cat /proc/self/uid_map /proc/self/gid_map; id'
	assert_status 0
	assert_line_eq "$(echo ${lines[0]})" "0 100000 65536"
	assert_line_eq "$(echo ${lines[1]})" "0 100000 65536"
	assert_line_eq "${lines[2]}" "uid=0(root) gid=0(root)"
}

@test "userns: the container's user namespace is not the host's" {
	userns_bundle
	run_sh 'readlink /proc/self/ns/user'
	assert_status 0
	[ "$output" != "$(readlink /proc/self/ns/user)" ]
	[[ "$output" == user:* ]]
}

@test "userns: an exec'd process joins the container's user namespace" {
	userns_bundle
	start_sleeper
	in_ctr sh -c 'cat /proc/self/uid_map; id -u; readlink /proc/self/ns/user; readlink /proc/1/ns/user'
	assert_status 0
	assert_line_eq "$(echo ${lines[0]})" "0 100000 65536"
	assert_line_eq "${lines[1]}" 0
	assert_line_eq "${lines[2]}" "${lines[3]}"
	[ "${lines[2]}" != "$(readlink /proc/self/ns/user)" ]
}

@test "userns: several mapping ranges are all written" {
	userns_bundle '.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 1000},
		{"containerID": 1000, "hostID": 300000, "size": 500}] |
		.process.user = {"uid": 1200, "gid": 0}'
	run_sh 'cat /proc/self/uid_map; id -u'
	assert_status 0
	assert_line_eq "$(echo ${lines[0]})" "0 100000 1000"
	assert_line_eq "$(echo ${lines[1]})" "1000 300000 500"
	assert_line_eq "${lines[2]}" 1200
}

# on the host, a world-writable directory anyone can reach
shared_dir() {
	SHARED=$(open_dir)
	chmod 777 "$SHARED"
}

@test "userns: files made in a writable bind mount belong to the mapped ids on the host" {
	userns_bundle
	shared_dir
	bind_mount "$SHARED" /home rbind
	run_sh 'touch /home/by-root && stat -c %u:%g /home/by-root'
	assert_status 0
	assert_line_eq "$output" 0:0
	[ "$(stat -c %u:%g "$SHARED/by-root")" = 100000:100000 ]
}

@test "userns: a non-root process's files map to hostID + uid" {
	userns_bundle '.process.user = {"uid": 1000, "gid": 1001}'
	shared_dir
	bind_mount "$SHARED" /home rbind
	run_sh 'touch /home/f && stat -c %u:%g /home/f'
	assert_status 0
	assert_line_eq "$output" 1000:1001
	[ "$(stat -c %u:%g "$SHARED/f")" = 101000:101001 ]
}

@test "userns: a bind source the mapped root cannot reach on the host still mounts" {
	# $BATS_TEST_TMPDIR is below a 0700 directory: uid 100000 cannot
	# walk to it, so the source must be opened on the host's side (runc
	# does so since 1.1) and not by the container's root
	userns_bundle
	mkdir -m 777 "$BATS_TEST_TMPDIR/private"
	echo reached > "$BATS_TEST_TMPDIR/private/f"
	chmod 644 "$BATS_TEST_TMPDIR/private/f"
	bind_mount "$BATS_TEST_TMPDIR/private" /home rbind
	run_sh 'cat /home/f'
	assert_status 0
	assert_line_eq "$output" reached
}

@test "userns: host files of unmapped owners show as the overflow id" {
	userns_bundle
	run_sh 'stat -c %u:%g /etc/passwd'
	assert_status 0
	assert_line_eq "$output" 65534:65534
}

@test "userns: CapEff inside is exactly the spec's" {
	userns_bundle
	run_sh 'grep ^Cap /proc/self/status'
	assert_status 0
	assert_line_eq "$(status_caps CapEff)" "$(caps_sorted CAP_AUDIT_WRITE CAP_KILL CAP_NET_BIND_SERVICE)"
	assert_line_eq "$(status_caps CapBnd)" "$(caps_sorted CAP_AUDIT_WRITE CAP_KILL CAP_NET_BIND_SERVICE)"
}

@test "userns: CAP_SYS_ADMIN inside mounts in the container's namespaces" {
	userns_bundle "$(caps_add CAP_SYS_ADMIN)"
	run_sh 'mount -t tmpfs inner /tmp && touch /tmp/x && echo mounted'
	assert_status 0
	assert_line_eq "$output" mounted
}

@test "userns: root inside cannot read a host root-only file, even with CAP_DAC_OVERRIDE" {
	dir=$(open_dir)
	echo host-secret > "$dir/secret"
	chmod 600 "$dir/secret"
	# the control: without a user namespace DAC_OVERRIDE reads it
	make_bundle "$(caps_add CAP_DAC_OVERRIDE)"
	bind_mount "$dir/secret" /etc/hostname bind
	run_sh 'cat /etc/hostname'
	assert_line_eq "$output" host-secret
	edit_config '.linux.namespaces += [{"type": "user"}] |
		.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	run_sh 'probe open /etc/hostname r; cat /etc/hostname'
	assert_line_eq "${lines[0]}" EACCES
	assert_not_contains host-secret
}

@test "userns: setgroups is allowed and additionalGids apply" {
	userns_bundle '.process.user = {"uid": 0, "gid": 0, "additionalGids": [5, 100]}'
	run_sh 'cat /proc/self/setgroups; grep ^Groups: /proc/self/status'
	assert_status 0
	assert_line_eq "${lines[0]}" allow
	assert_line_eq "$(echo ${lines[1]})" "Groups: 5 100"
}

@test "userns: the default device nodes work without mknod" {
	userns_bundle
	run_sh 'echo x > /dev/null && head -c 4 /dev/zero | od -An -tx1 | tr -d " " && test -c /dev/null && echo char'
	assert_status 0
	assert_line_eq "$output" "00000000
char"
}

@test "userns: a process uid outside the mapping is refused clearly and leaves nothing" {
	userns_bundle '.process.user = {"uid": 70000, "gid": 0}'
	set_args true
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "process.user.uid: 70000 is not mapped by linux.uidMappings"
	assert_no_state
}

@test "userns: an additional gid outside the mapping is refused clearly" {
	userns_bundle '.process.user = {"uid": 0, "gid": 0, "additionalGids": [70000]}'
	set_args true
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "70000 is not mapped by linux.gidMappings"
	assert_no_state
}

@test "userns: a new user namespace without mappings is refused clearly" {
	make_bundle '.linux.namespaces += [{"type": "user"}]'
	set_args true
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "linux.uidMappings: required with a new user namespace"
	assert_no_state
}

@test "userns: mappings the kernel refuses (overlapping) fail naming uid_map and leave nothing" {
	userns_bundle '.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 1000},
		{"containerID": 500, "hostID": 200000, "size": 1000}]'
	set_args true
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains uid_map
	assert_no_state
}
