#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# mounts: what the container's /proc/self/mountinfo shows for each config
# mount, and what the mounts really allow (writes, exec, propagation).

load helpers
load lib/iso

mountinfo() {
	sh_in 'cat /proc/self/mountinfo'
	assert_status 0
}

@test "mounts: the default mounts have their fs types and flags" {
	make_bundle
	mountinfo
	[ "$(mnt_fstype /proc)" = proc ]
	[ "$(mnt_fstype /dev)" = tmpfs ]
	assert_opts "$(mnt_opts /dev)" rw nosuid '!noexec' '!relatime' '!noatime'
	assert_opts "$(mnt_super /dev)" mode=755 size=65536k
	[ "$(mnt_fstype /dev/pts)" = devpts ]
	assert_opts "$(mnt_opts /dev/pts)" nosuid noexec
	assert_opts "$(mnt_super /dev/pts)" gid=5 mode=620 ptmxmode=666
	[ "$(mnt_fstype /dev/shm)" = tmpfs ]
	assert_opts "$(mnt_opts /dev/shm)" nosuid nodev noexec
	[ "$(mnt_fstype /dev/mqueue)" = mqueue ]
	assert_opts "$(mnt_opts /dev/mqueue)" nosuid nodev noexec
	[ "$(mnt_fstype /sys)" = sysfs ]
	assert_opts "$(mnt_opts /sys)" ro nosuid nodev noexec
	if [ -n "$V1_MOUNTS" ]; then
		# hybrid host: a tmpfs holding the v1 hierarchies and unified
		[ "$(mnt_fstype /sys/fs/cgroup)" = tmpfs ]
		[ "$(mnt_fstype /sys/fs/cgroup/memory)" = cgroup ]
		assert_opts "$(mnt_opts /sys/fs/cgroup/memory)" ro nosuid nodev noexec relatime
		[ "$(mnt_fstype /sys/fs/cgroup/unified)" = cgroup2 ]
	else
		[ "$(mnt_fstype /sys/fs/cgroup)" = cgroup2 ]
	fi
	assert_opts "$(mnt_opts /sys/fs/cgroup)" ro nosuid nodev noexec relatime
}

@test "mounts: a tmpfs gets its flags, size and mode, and they hold" {
	make_bundle
	add_mount '{"destination": "/run", "type": "tmpfs", "source": "tmpfs",
		"options": ["nosuid", "nodev", "noexec", "noatime", "size=1m", "mode=0710"]}'
	mountinfo
	[ "$(mnt_fstype /run)" = tmpfs ]
	assert_opts "$(mnt_opts /run)" rw nosuid nodev noexec noatime
	assert_opts "$(mnt_super /run)" size=1024k mode=710
	sh_in 'stat -c %a /run
		dd if=/dev/zero of=/run/big bs=1k count=2048 2>&1 | grep -o "No space left on device"
		printf "#!/bin/sh\necho ran\n" > /run/x; chmod 755 /run/x; /run/x || echo noexec-refused'
	assert_status 0
	assert_line_eq "$(sed -n 1p <<<"$output")" 710
	assert_line_eq "$(sed -n 2p <<<"$output")" "No space left on device"
	assert_not_contains ran
	assert_contains noexec-refused
}

@test "mounts: access-time options relatime, strictatime and noatime show as asked" {
	make_bundle
	add_mount '{"destination": "/run", "type": "tmpfs", "source": "tmpfs", "options": ["relatime"]}'
	add_mount '{"destination": "/home", "type": "tmpfs", "source": "tmpfs", "options": ["strictatime"]}'
	add_mount '{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["noatime", "nodiratime"]}'
	mountinfo
	assert_opts "$(mnt_opts /run)" relatime '!noatime'
	assert_opts "$(mnt_opts /home)" '!relatime' '!noatime'
	assert_opts "$(mnt_opts /tmp)" noatime nodiratime '!relatime'
}

@test "mounts: a read-only tmpfs refuses writes with EROFS" {
	make_bundle
	add_mount '{"destination": "/run", "type": "tmpfs", "source": "tmpfs", "options": ["ro"]}'
	sh_in 'grep " /run " /proc/self/mountinfo; probe create /run/f'
	assert_status 0
	assert_opts "$(awk '{print $6}' <<<"${lines[0]}")" ro
	assert_line_eq "${lines[1]}" EROFS
}

@test "mounts: a directory bind mount shows the host's files and writes reach the host" {
	make_bundle
	mkdir "$BATS_TEST_TMPDIR/src"
	echo from-host > "$BATS_TEST_TMPDIR/src/f"
	bind_mount "$BATS_TEST_TMPDIR/src" /home rbind
	sh_in 'cat /home/f; echo from-container > /home/g'
	assert_status 0
	assert_line_eq "$output" from-host
	[ "$(cat "$BATS_TEST_TMPDIR/src/g")" = from-container ]
}

@test "mounts: a file bind mount on a new path creates a file mount point in the rootfs" {
	make_bundle
	own_rootfs
	echo file-content > "$BATS_TEST_TMPDIR/onefile"
	bind_mount "$BATS_TEST_TMPDIR/onefile" /etc/conf.d/one.conf bind
	sh_in 'cat /etc/conf.d/one.conf; grep " /etc/conf.d/one.conf " /proc/self/mountinfo | wc -l'
	assert_status 0
	assert_line_eq "${lines[0]}" file-content
	assert_line_eq "${lines[1]}" 1
	# the mount point is a regular (empty) file in the rootfs
	[ -f "$ROOTFS/etc/conf.d/one.conf" ] && [ ! -s "$ROOTFS/etc/conf.d/one.conf" ]
}

@test "mounts: a read-only bind mount refuses writes with EROFS and the host file is unchanged" {
	make_bundle
	mkdir "$BATS_TEST_TMPDIR/src"
	echo original > "$BATS_TEST_TMPDIR/src/f"
	bind_mount "$BATS_TEST_TMPDIR/src" /home rbind ro
	sh_in 'grep " /home " /proc/self/mountinfo; probe open /home/f w; probe create /home/new'
	assert_status 0
	assert_opts "$(awk '{print $6}' <<<"${lines[0]}")" ro
	assert_line_eq "${lines[1]}" EROFS
	assert_line_eq "${lines[2]}" EROFS
	[ "$(cat "$BATS_TEST_TMPDIR/src/f")" = original ]
	[ ! -e "$BATS_TEST_TMPDIR/src/new" ]
}

@test "mounts: bind does not bring submounts, rbind does" {
	make_bundle
	mkdir -p "$BATS_TEST_TMPDIR/src/sub"
	host_tmpfs "$BATS_TEST_TMPDIR/src/sub"
	echo in-submount > "$BATS_TEST_TMPDIR/src/sub/f"
	bind_mount "$BATS_TEST_TMPDIR/src" /home bind
	bind_mount "$BATS_TEST_TMPDIR/src" /run rbind
	sh_in 'ls /home/sub; echo ---; cat /run/sub/f'
	assert_status 0
	assert_line_eq "$output" "---
in-submount"
}

@test "mounts: ro on an rbind makes the top read-only, rro makes the submounts read-only too" {
	make_bundle
	mkdir -p "$BATS_TEST_TMPDIR/src/sub"
	host_tmpfs "$BATS_TEST_TMPDIR/src/sub"
	bind_mount "$BATS_TEST_TMPDIR/src" /home rbind ro
	bind_mount "$BATS_TEST_TMPDIR/src" /run rbind rro
	sh_in 'probe create /home/top; probe create /run/top; probe create /run/sub/f
		grep " /run/sub " /proc/self/mountinfo'
	assert_status 0
	assert_line_eq "${lines[0]}" EROFS
	assert_line_eq "${lines[1]}" EROFS
	assert_line_eq "${lines[2]}" EROFS
	assert_opts "$(awk '{print $6}' <<<"${lines[3]}")" ro
	# and the host's submount stays writable
	touch "$BATS_TEST_TMPDIR/src/sub/host-can-write"
}

@test "mounts: recursive rnosuid, rnodev and rnoexec reach the submounts" {
	make_bundle
	mkdir -p "$BATS_TEST_TMPDIR/src/sub"
	host_tmpfs "$BATS_TEST_TMPDIR/src/sub"
	bind_mount "$BATS_TEST_TMPDIR/src" /run rbind rnosuid rnodev rnoexec
	mountinfo
	assert_opts "$(mnt_opts /run/sub)" nosuid nodev noexec
	assert_opts "$(mnt_opts /run)" nosuid nodev noexec
}

@test "mounts: a relative bind source is resolved against the bundle, not the cwd" {
	make_bundle
	mkdir "$BUNDLE/data"
	echo in-bundle > "$BUNDLE/data/f"
	mkdir "$BATS_TEST_TMPDIR/elsewhere" "$BATS_TEST_TMPDIR/elsewhere/data"
	echo in-cwd > "$BATS_TEST_TMPDIR/elsewhere/data/f"
	bind_mount data /home rbind
	set_args cat /home/f
	cd "$BATS_TEST_TMPDIR/elsewhere"
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_line_eq "$output" in-bundle
}

@test "mounts: missing destinations are created inside the rootfs, never on the host" {
	make_bundle
	own_rootfs
	add_mount '{"destination": "/new/deep/dir", "type": "tmpfs", "source": "tmpfs"}'
	echo x > "$BATS_TEST_TMPDIR/f"
	bind_mount "$BATS_TEST_TMPDIR/f" /newfile/inside bind
	sh_in 'grep -c -e " /new/deep/dir " -e " /newfile/inside " /proc/self/mountinfo'
	assert_status 0
	assert_line_eq "$output" 2
	[ -d "$ROOTFS/new/deep/dir" ]
	[ -f "$ROOTFS/newfile/inside" ]
	[ ! -e /new ] && [ ! -e /newfile ]
}

@test "mounts: root.readonly true makes / read-only" {
	make_bundle '.root.readonly = true'
	own_rootfs
	sh_in 'awk "\$5 == \"/\"" /proc/self/mountinfo; probe create /written'
	assert_status 0
	assert_opts "$(awk '{print $6}' <<<"${lines[0]}")" ro
	assert_line_eq "${lines[1]}" EROFS
	[ ! -e "$ROOTFS/written" ]
}

@test "mounts: root.readonly false leaves / writable, writes land in the rootfs" {
	make_bundle '.root.readonly = false'
	own_rootfs
	sh_in 'awk "\$5 == \"/\"" /proc/self/mountinfo; probe create /written'
	assert_status 0
	assert_opts "$(awk '{print $6}' <<<"${lines[0]}")" rw
	assert_line_eq "${lines[1]}" ok
	[ -f "$ROOTFS/written" ]
}

@test "mounts: a bind over an existing file hides it, the rootfs file is unchanged" {
	make_bundle
	own_rootfs
	echo overridden > "$BATS_TEST_TMPDIR/hostname"
	bind_mount "$BATS_TEST_TMPDIR/hostname" /etc/hostname bind
	sh_in 'cat /etc/hostname'
	assert_status 0
	assert_line_eq "$output" overridden
	[ "$(cat "$ROOTFS/etc/hostname")" = berth-test ]
}

@test "mounts: mounts are made in order, a later one over an earlier one" {
	make_bundle
	mkdir "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
	echo first > "$BATS_TEST_TMPDIR/a/f"
	echo second > "$BATS_TEST_TMPDIR/b/f"
	bind_mount "$BATS_TEST_TMPDIR/a" /home rbind
	bind_mount "$BATS_TEST_TMPDIR/b" /home rbind
	add_mount '{"destination": "/run", "type": "tmpfs", "source": "tmpfs"}'
	bind_mount "$BATS_TEST_TMPDIR/a" /run/inner rbind
	sh_in 'cat /home/f; cat /run/inner/f; grep -c " /home " /proc/self/mountinfo'
	assert_status 0
	assert_line_eq "${lines[0]}" second
	assert_line_eq "${lines[1]}" first
	assert_line_eq "${lines[2]}" 2
	# /run/inner was made inside the tmpfs, not in the shared rootfs
	[ ! -e "$TEST_ROOTFS/run/inner" ]
}

@test "mounts: tmpcopyup copies the directory's content into the new tmpfs" {
	make_bundle
	own_rootfs
	mkdir -p "$ROOTFS/opt/app"
	echo shipped > "$ROOTFS/opt/app/conf"
	add_mount '{"destination": "/opt/app", "type": "tmpfs", "source": "tmpfs", "options": ["tmpcopyup"]}'
	sh_in 'cat /opt/app/conf; echo changed > /opt/app/conf; grep " /opt/app " /proc/self/mountinfo | wc -l'
	assert_status 0
	assert_line_eq "${lines[0]}" shipped
	assert_line_eq "${lines[1]}" 1
	# the copy is in the tmpfs: the rootfs keeps its file
	[ "$(cat "$ROOTFS/opt/app/conf")" = shipped ]
}

@test "mounts: a bind source that does not exist fails clearly and leaves nothing" {
	make_bundle
	bind_mount "$BATS_TEST_TMPDIR/no-such-dir" /home rbind
	set_args true
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "$BATS_TEST_TMPDIR/no-such-dir"
	assert_contains "No such file or directory"
	assert_no_state
}

@test "mounts: an unknown filesystem type fails naming it and the destination" {
	make_bundle
	add_mount '{"destination": "/run", "type": "nosuchfs", "source": "x"}'
	set_args true
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains nosuchfs
	assert_contains "/run"
	assert_no_state
}

# ---- propagation ---------------------------------------------------------

# a shared host tmpfs at $SRC, as a bind source
shared_source() {
	SRC=$BATS_TEST_TMPDIR/src
	host_tmpfs "$SRC"
	mount --make-shared "$SRC"
	mkdir "$SRC/inner"
}

# host_mounts_late: the host mounts a tmpfs under $SRC after the container
# started; $output is what the container reads of it through /home
host_mounts_late() {
	mkdir "$SRC/late"
	mount -t tmpfs late "$SRC/late"
	echo late-mount > "$SRC/late/f"
	in_ctr cat /home/late/f
}

@test "propagation: an rslave bind sees mounts the host makes later" {
	make_bundle
	shared_source
	bind_mount "$SRC" /home rbind rslave
	start_sleeper
	host_mounts_late
	assert_status 0
	assert_line_eq "$output" late-mount
	in_ctr cat /proc/self/mountinfo
	[[ "$(mnt_optional /home)" == *master:* ]]
	[[ "$(mnt_optional /home)" != *shared:* ]]
}

@test "propagation: by default (rslave) a bind sees mounts the host makes later" {
	make_bundle
	shared_source
	bind_mount "$SRC" /home rbind
	start_sleeper
	host_mounts_late
	assert_status 0
	assert_line_eq "$output" late-mount
}

@test "propagation: rootfsPropagation rprivate cuts binds off from later host mounts" {
	make_bundle '.linux.rootfsPropagation = "rprivate"'
	shared_source
	bind_mount "$SRC" /home rbind
	start_sleeper
	host_mounts_late
	assert_not_contains late-mount
}

@test "propagation: mounts made in an rslave container never reach the host" {
	make_bundle
	shared_source
	bind_mount "$SRC" /home rbind rslave
	edit_config "$(caps_add CAP_SYS_ADMIN)"
	start_sleeper
	in_ctr sh -c 'mount -t tmpfs from-ctr /home/inner && echo mounted'
	assert_line_eq "$output" mounted
	! grep -q " $SRC/inner " /proc/self/mountinfo
}

@test "propagation: an rprivate bind does not see mounts the host makes later" {
	make_bundle
	shared_source
	bind_mount "$SRC" /home rbind rprivate
	start_sleeper
	host_mounts_late
	assert_not_contains late-mount
	in_ctr cat /proc/self/mountinfo
	[ -z "$(mnt_optional /home)" ]
}

@test "propagation: an rshared bind with rootfsPropagation rshared sends the container's mounts to the host" {
	make_bundle '.linux.rootfsPropagation = "rshared"'
	shared_source
	bind_mount "$SRC" /home rbind rshared
	edit_config "$(caps_add CAP_SYS_ADMIN)"
	start_sleeper
	in_ctr sh -c 'mount -t tmpfs from-ctr /home/inner && echo hi > /home/inner/f'
	assert_status 0
	grep -q " $SRC/inner " /proc/self/mountinfo
	[ "$(cat "$SRC/inner/f")" = hi ]
}

@test "propagation: rootfsPropagation shared makes / shared, private leaves it private" {
	make_bundle '.linux.rootfsPropagation = "rshared"'
	mountinfo
	[[ "$(mnt_optional /)" == *shared:* ]]
	edit_config '.linux.rootfsPropagation = "rprivate"'
	mountinfo
	[ -z "$(mnt_optional /)" ]
}
