#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# caps: the five capability sets of the container's process, exactly as
# the config says, and what a missing capability really prevents.

load helpers
load lib/iso

# set_caps BND EFF PRM INH AMB: each a space-separated list of names
set_caps() {
	edit_config ".process.capabilities = {
		\"bounding\": $(caps_json $1), \"effective\": $(caps_json $2),
		\"permitted\": $(caps_json $3), \"inheritable\": $(caps_json $4),
		\"ambient\": $(caps_json $5)}"
}

# add_cap NAME: into bounding, effective and permitted
add_cap() {
	edit_config "$(caps_add "$1")"
}

status_dump() {
	run_sh 'grep ^Cap /proc/self/status'
	assert_status 0
}

@test "caps: the default spec gives exactly AUDIT_WRITE, KILL and NET_BIND_SERVICE" {
	make_bundle
	status_dump
	want=$(caps_sorted CAP_AUDIT_WRITE CAP_KILL CAP_NET_BIND_SERVICE)
	assert_line_eq "$(status_caps CapEff)" "$want"
	assert_line_eq "$(status_caps CapPrm)" "$want"
	assert_line_eq "$(status_caps CapBnd)" "$want"
	assert_line_eq "$(status_caps CapInh)" ""
	assert_line_eq "$(status_caps CapAmb)" ""
}

@test "caps: each of the five sets is exactly what the config lists" {
	make_bundle '.process.user = {"uid": 1000, "gid": 1000}'
	set_caps "CAP_CHOWN CAP_KILL CAP_SETUID CAP_SETGID CAP_NET_RAW CAP_SYS_CHROOT" \
		"CAP_CHOWN CAP_NET_RAW" \
		"CAP_CHOWN CAP_KILL CAP_NET_RAW CAP_SYS_CHROOT" \
		"CAP_KILL CAP_SYS_CHROOT CAP_NET_RAW" \
		"CAP_NET_RAW CAP_SYS_CHROOT"
	status_dump
	assert_line_eq "$(status_caps CapBnd)" "$(caps_sorted CAP_CHOWN CAP_KILL CAP_SETUID CAP_SETGID CAP_NET_RAW CAP_SYS_CHROOT)"
	assert_line_eq "$(status_caps CapInh)" "$(caps_sorted CAP_KILL CAP_SYS_CHROOT CAP_NET_RAW)"
	assert_line_eq "$(status_caps CapAmb)" "$(caps_sorted CAP_NET_RAW CAP_SYS_CHROOT)"
	# after execve a non-root process keeps its ambient set only
	assert_line_eq "$(status_caps CapPrm)" "$(caps_sorted CAP_NET_RAW CAP_SYS_CHROOT)"
	assert_line_eq "$(status_caps CapEff)" "$(caps_sorted CAP_NET_RAW CAP_SYS_CHROOT)"
}

@test "caps: for root with no_new_privs, the effective set after exec is the permitted set" {
	make_bundle
	set_caps "CAP_CHOWN CAP_KILL CAP_SETUID CAP_NET_RAW" \
		"CAP_CHOWN" \
		"CAP_CHOWN CAP_KILL" \
		"CAP_NET_RAW" \
		""
	status_dump
	assert_line_eq "$(status_caps CapBnd)" "$(caps_sorted CAP_CHOWN CAP_KILL CAP_SETUID CAP_NET_RAW)"
	assert_line_eq "$(status_caps CapPrm)" "$(caps_sorted CAP_CHOWN CAP_KILL)"
	assert_line_eq "$(status_caps CapEff)" "$(caps_sorted CAP_CHOWN CAP_KILL)"
	assert_line_eq "$(status_caps CapInh)" CAP_NET_RAW
}

@test "caps: empty sets leave the process with no capability at all" {
	make_bundle
	set_caps "" "" "" "" ""
	status_dump
	for set in CapEff CapPrm CapBnd CapInh CapAmb; do
		assert_line_eq "$(status_caps $set)" ""
	done
}

@test "caps: no capabilities object at all means no capabilities" {
	make_bundle 'del(.process.capabilities)'
	status_dump
	for set in CapEff CapPrm CapBnd CapInh CapAmb; do
		assert_line_eq "$(status_caps $set)" ""
	done
}

@test "caps: every capability the host has can be given" {
	make_bundle
	all=$(host_caps)
	set_caps "$all" "$all" "$all" "$all" ""
	status_dump
	assert_line_eq "$(status_caps CapEff)" "$all"
	assert_line_eq "$(status_caps CapBnd)" "$all"
	assert_line_eq "$(status_caps CapInh)" "$all"
}

@test "caps: ambient capabilities reach a non-root process's effective set" {
	make_bundle '.process.user = {"uid": 1000, "gid": 1000}'
	c="CAP_CHOWN CAP_NET_BIND_SERVICE"
	set_caps "$c" "$c" "$c" "$c" "$c"
	status_dump
	assert_line_eq "$(status_caps CapAmb)" "$(caps_sorted $c)"
	assert_line_eq "$(status_caps CapEff)" "$(caps_sorted $c)"
	assert_line_eq "$(status_caps CapPrm)" "$(caps_sorted $c)"
	run_sh 'grep ^Uid /proc/self/status'
	assert_line_eq "$(echo $output)" "Uid: 1000 1000 1000 1000"
}

@test "caps: a non-root process without ambient capabilities has none after exec" {
	make_bundle '.process.user = {"uid": 1000, "gid": 1000}'
	c="CAP_CHOWN CAP_NET_BIND_SERVICE"
	set_caps "$c" "$c" "$c" "" ""
	status_dump
	assert_line_eq "$(status_caps CapEff)" ""
	assert_line_eq "$(status_caps CapPrm)" ""
	assert_line_eq "$(status_caps CapBnd)" "$(caps_sorted $c)"
}

@test "caps: an ambient capability really works for a non-root user" {
	make_bundle '.process.user = {"uid": 1000, "gid": 1000}'
	c="CAP_CHOWN"
	set_caps "$c" "$c" "$c" "$c" "$c"
	add_mount '{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["mode=1777"]}'
	run_sh 'touch /tmp/f && probe chown /tmp/f 0 0 && stat -c %u:%g /tmp/f'
	assert_status 0
	assert_line_eq "$output" "ok
0:0"
}

# a capability's action, with and without it: the pair shows that the
# capability (and nothing else) decides
@test "caps: without CAP_CHOWN chown fails, with it chown works" {
	make_bundle
	add_mount '{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs"}'
	run_sh 'touch /tmp/f; probe chown /tmp/f 1 1; stat -c %u:%g /tmp/f'
	assert_status 0
	assert_line_eq "$output" "EPERM
0:0"
	add_cap CAP_CHOWN
	run_sh 'touch /tmp/f; probe chown /tmp/f 1 1; stat -c %u:%g /tmp/f'
	assert_status 0
	assert_line_eq "$output" "ok
1:1"
}

@test "caps: without CAP_MKNOD mknod fails, with it mknod works" {
	make_bundle
	run_sh 'probe mknod /dev/null2 c 1 3'
	assert_line_eq "$output" EPERM
	add_cap CAP_MKNOD
	run_sh 'probe mknod /dev/null2 c 1 3; test -c /dev/null2 && echo made'
	assert_line_eq "$output" "ok
made"
}

@test "caps: without CAP_NET_RAW a raw socket is refused, with it allowed" {
	make_bundle
	run_sh 'probe raw-socket'
	assert_line_eq "$output" EPERM
	add_cap CAP_NET_RAW
	run_sh 'probe raw-socket'
	assert_line_eq "$output" ok
}

@test "caps: without CAP_SYS_ADMIN mount fails, with it mount works" {
	make_bundle
	run_sh 'probe mount'
	assert_line_eq "$output" EPERM
	add_cap CAP_SYS_ADMIN
	run_sh 'probe mount'
	assert_line_eq "$output" ok
}

@test "caps: a capability only in the bounding set is not usable" {
	make_bundle
	set_caps "CAP_CHOWN" "" "" "" ""
	add_mount '{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs"}'
	run_sh 'touch /tmp/f; probe chown /tmp/f 1 1'
	assert_line_eq "$output" EPERM
}

@test "caps: a capability dropped from the bounding set cannot come back through a setuid-root exec" {
	make_bundle '.process.user = {"uid": 1000, "gid": 1000} | .process.noNewPrivileges = false'
	own_rootfs
	cp "$ROOTFS/bin/probe" "$ROOTFS/bin/suid-probe"
	chmod 4755 "$ROOTFS/bin/suid-probe"
	set_caps "CAP_KILL" "" "" "" ""
	args /bin/suid-probe status
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	# the exec made it euid 0, yet only the bounding set's capability
	assert_line_eq "$(awk '$1 == "Uid:" {print $2, $3}' <<<"$output")" "1000 0"
	assert_line_eq "$(status_caps CapEff)" CAP_KILL
}

@test "caps: an unknown capability name fails clearly and leaves nothing" {
	make_bundle '.process.capabilities.effective += ["CAP_BOGUS"]'
	set_args true
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains 'unknown capability "CAP_BOGUS"'
	assert_no_state
}

@test "caps: exec --cap adds the capability to the exec'd process only" {
	make_bundle
	start_sleeper
	run berth exec --cap CAP_CHOWN "$ID" grep ^CapEff /proc/self/status
	assert_status 0
	assert_line_eq "$(status_caps CapEff)" "$(caps_sorted CAP_AUDIT_WRITE CAP_KILL CAP_NET_BIND_SERVICE CAP_CHOWN)"
	in_ctr grep ^CapEff /proc/self/status
	assert_line_eq "$(status_caps CapEff)" "$(caps_sorted CAP_AUDIT_WRITE CAP_KILL CAP_NET_BIND_SERVICE)"
}
