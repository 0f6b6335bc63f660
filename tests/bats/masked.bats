#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# masked: linux.maskedPaths hide (files read empty, directories are empty
# and read-only) and linux.readonlyPaths refuse writes.  Each is checked
# against a control run without the list, so a no-op cannot pass.

load helpers
load lib/iso

@test "masked: masked files read empty, unmasked they have content" {
	make_bundle '.linux.maskedPaths = ["/proc/timer_list", "/proc/keys", "/proc/kcore"]'
	run_sh 'wc -c < /proc/timer_list; wc -c < /proc/keys'
	assert_status 0
	assert_line_eq "$output" "0
0"
	edit_config '.linux.maskedPaths = []'
	run_sh 'wc -c < /proc/timer_list'
	assert_status 0
	[ "$output" -gt 0 ]
}

@test "masked: the default spec masks /proc/keys, /proc/timer_list and /sys/firmware" {
	make_bundle
	run_sh 'wc -c < /proc/keys; wc -c < /proc/timer_list; ls -A /sys/firmware | wc -l'
	assert_status 0
	assert_line_eq "$output" "0
0
0"
	# the host has something there to hide
	[ -n "$(ls -A /sys/firmware)" ]
}

@test "masked: a masked file cannot be written through" {
	make_bundle '.linux.maskedPaths = ["/proc/timer_list"]'
	run_sh 'echo x > /proc/timer_list 2>/dev/null; wc -c < /proc/timer_list'
	assert_line_eq "${lines[-1]}" 0
}

@test "masked: a masked directory is empty and read-only" {
	make_bundle '.linux.maskedPaths = ["/sys/firmware"] | .mounts = [.mounts[] |
		if .destination == "/sys" then .options = ["nosuid", "noexec", "nodev"] else . end]'
	run_sh 'ls -A /sys/firmware | wc -l; probe create /sys/firmware/x'
	assert_status 0
	assert_line_eq "$output" "0
EROFS"
	edit_config '.linux.maskedPaths = []'
	run_sh 'ls -A /sys/firmware | wc -l'
	[ "$output" -gt 0 ]
}

@test "masked: a masked file of the image is hidden" {
	make_bundle '.linux.maskedPaths = ["/etc/secret-conf"]'
	own_rootfs
	echo image-secret > "$ROOTFS/etc/secret-conf"
	run_sh 'cat /etc/secret-conf; echo "[end]"'
	assert_status 0
	assert_line_eq "$output" "[end]"
}

@test "masked: masked paths that do not exist are fine and are not created" {
	make_bundle '.linux.maskedPaths = ["/proc/scsi", "/no/such/path", "/proc/no_such_file"]'
	own_rootfs
	run_sh 'ls /no 2>&1 >/dev/null | grep -c "No such file"; echo ran'
	assert_status 0
	assert_line_eq "$output" "1
ran"
	[ ! -e "$ROOTFS/no" ]
}

@test "masked: readonly paths refuse writes, without them the same opens succeed" {
	# (this kernel has no /proc/sysrq-trigger: a file and a directory of
	# /proc/sys stand in; opening for writing is enough, nothing is written)
	make_bundle '.linux.readonlyPaths = ["/proc/sys/kernel/hostname", "/proc/sys/net"]'
	sh_in 'probe open /proc/sys/kernel/hostname w; probe open /proc/sys/net/core/somaxconn w
		probe open /proc/sys/kernel/domainname w; cat /proc/sys/net/core/somaxconn'
	assert_status 0
	assert_line_eq "${lines[0]}" EROFS
	assert_line_eq "${lines[1]}" EROFS
	assert_line_eq "${lines[2]}" ok
	[ "${lines[3]}" -gt 0 ]
	edit_config '.linux.readonlyPaths = []'
	run_sh 'probe open /proc/sys/kernel/hostname w; probe open /proc/sys/net/core/somaxconn w'
	assert_status 0
	assert_line_eq "$output" "ok
ok"
}

@test "masked: the default spec makes /proc/sys, /proc/fs and /proc/irq read-only" {
	make_bundle
	sh_in 'probe open /proc/sys/vm/drop_caches w; probe open /proc/sys/kernel/hostname w
		probe open /proc/irq/default_smp_affinity w; probe open /proc/fs/ext4 r
		if test -e /proc/sysrq-trigger; then probe open /proc/sysrq-trigger w; else echo EROFS; fi'
	assert_status 0
	assert_line_eq "$output" "EROFS
EROFS
EROFS
ok
EROFS"
	run_sh 'cat /proc/self/mountinfo'
	assert_opts "$(mnt_opts /proc/sys)" ro
	assert_opts "$(mnt_opts /proc/irq)" ro
	assert_opts "$(mnt_opts /proc/fs)" ro
}

@test "masked: a read-only path of the image refuses writes while / is writable" {
	make_bundle '.root.readonly = false | .linux.readonlyPaths = ["/etc"]'
	own_rootfs
	run_sh 'probe create /etc/new; probe create /tmp/new'
	assert_status 0
	assert_line_eq "$output" "EROFS
ok"
	[ ! -e "$ROOTFS/etc/new" ]
}

@test "masked: readonly paths that do not exist are fine and are not created" {
	make_bundle '.linux.readonlyPaths = ["/proc/bus", "/no/such/dir"]'
	own_rootfs
	run_sh 'echo ran'
	assert_status 0
	assert_line_eq "$output" ran
	[ ! -e "$ROOTFS/no" ]
}

@test "masked: the container cannot unmount a mask without CAP_SYS_ADMIN" {
	make_bundle
	run_sh 'umount /proc/keys 2>/dev/null; wc -c < /proc/keys'
	assert_line_eq "${lines[-1]}" 0
}
