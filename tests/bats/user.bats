#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# user: process.user — uid, gid, additional groups, umask — and HOME.

load helpers
load lib/iso

# the ids line of /proc/self/status in $output, tabs squeezed
status_ids() {
	awk -v f="$1:" '$1 == f {$1 = ""; print substr($0, 2)}' <<<"$output"
}

@test "user: uid, gid and additionalGids show in id and /proc/self/status" {
	make_bundle '.process.user = {"uid": 1000, "gid": 1001, "additionalGids": [5, 2000]}'
	run_sh 'id; grep -e ^Uid: -e ^Gid: -e ^Groups: /proc/self/status'
	assert_status 0
	assert_line_eq "${lines[0]}" "uid=1000 gid=1001 groups=5(tty),2000"
	assert_line_eq "$(status_ids Uid)" "1000 1000 1000 1000"
	assert_line_eq "$(status_ids Gid)" "1001 1001 1001 1001"
	assert_line_eq "$(status_ids Groups)" "5 2000"
}

@test "user: the caller's supplementary groups never reach the container" {
	make_bundle '.process.user = {"uid": 0, "gid": 0}'
	set_args grep ^Groups: /proc/self/status
	run setpriv --groups 4,27,100 "$BERTH" --root "$ROOT" run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_line_eq "$(status_ids Groups)" ""
	# and additionalGids replace them, not add to them
	edit_config '.process.user.additionalGids = [7]'
	run setpriv --groups 4,27,100 "$BERTH" --root "$ROOT" run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_line_eq "$(status_ids Groups)" 7
}

@test "user: a uid with no /etc/passwd entry works" {
	make_bundle '.process.user = {"uid": 4321, "gid": 8765}'
	run_sh 'id -u; id -g'
	assert_status 0
	assert_line_eq "$output" "4321
8765"
}

@test "user: umask 0077 gives private files and directories" {
	make_bundle '.process.user.umask = 63'
	add_mount '{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs"}'
	run_sh 'umask; touch /tmp/f; mkdir /tmp/d; stat -c %a /tmp/f /tmp/d'
	assert_status 0
	assert_line_eq "$output" "0077
600
700"
}

@test "user: without a umask files get 0022's modes" {
	make_bundle 'del(.process.user.umask)'
	add_mount '{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs"}'
	run_sh 'umask; touch /tmp/f; mkdir /tmp/d; stat -c %a /tmp/f /tmp/d'
	assert_status 0
	assert_line_eq "$output" "0022
644
755"
}

@test "user: a non-root user cannot read a root-only file that root can" {
	make_bundle
	own_rootfs
	echo top-secret > "$ROOTFS/root/secret"
	chmod 600 "$ROOTFS/root/secret"
	chmod 755 "$ROOTFS/root"
	run_sh 'probe open /root/secret r; cat /root/secret'
	assert_status 0
	assert_line_eq "$output" "ok
top-secret"
	edit_config '.process.user = {"uid": 1000, "gid": 1000}'
	run_sh 'probe open /root/secret r; cat /root/secret 2>&1'
	assert_line_eq "${lines[0]}" EACCES
	assert_not_contains top-secret
}

@test "user: a non-root user cannot write to root's directories" {
	make_bundle '.root.readonly = false | .process.user = {"uid": 1000, "gid": 1000}'
	own_rootfs
	run_sh 'probe create /etc/new; probe create /root/new'
	assert_status 0
	assert_line_eq "$output" "EACCES
EACCES"
	[ ! -e "$ROOTFS/etc/new" ]
}

@test "user: HOME comes from /etc/passwd when the config does not set it" {
	make_bundle
	set_args sh -c 'echo $HOME'
	run berth run -b "$BUNDLE" "$ID"
	assert_line_eq "$output" /root
	edit_config '.process.user = {"uid": 1, "gid": 1}'
	run berth run -b "$BUNDLE" "$ID"
	assert_line_eq "$output" /usr/sbin
	edit_config '.process.user = {"uid": 4321, "gid": 4321}'
	run berth run -b "$BUNDLE" "$ID"
	assert_line_eq "$output" /
}

@test "user: HOME from the config is kept as it is" {
	make_bundle '.process.env += ["HOME=/somewhere/else"]'
	set_args sh -c 'echo $HOME'
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_line_eq "$output" /somewhere/else
}

@test "user: HOME is read from the container's /etc/passwd, not the host's" {
	make_bundle '.process.user = {"uid": 4321, "gid": 4321}'
	own_rootfs
	echo 'app:x:4321:4321::/srv/app:/bin/sh' >> "$ROOTFS/etc/passwd"
	set_args sh -c 'echo $HOME'
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_line_eq "$output" /srv/app
}

@test "user: exec -u runs the process as that user" {
	make_bundle
	start_sleeper
	run berth exec -u 1000:1001 -g 5 "$ID" sh -c 'id; echo $HOME'
	assert_status 0
	assert_line_eq "$output" "uid=1000 gid=1001 groups=5(tty)
/"
}
