#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# berth sandbox --userns: the job's root is never the host's root.  As root
# its ids are a 65536-id range of berth's own user in /etc/subuid and
# /etc/subgid (a fresh user per run here, through BERTH_SANDBOX_USER, made
# by the first job and removed at the end), the image layers idmapped to
# it; rootless, the caller's own subordinate range.

load helpers

RL_USER=berthtest
NORANGE_USER=berthnorange

setup_file() {
	export BERTH_SANDBOX_USER=btsbx$$
	ensure_subid_user "$RL_USER"
	if ! id "$NORANGE_USER" >/dev/null 2>&1; then
		useradd --no-create-home --shell /bin/sh "$NORANGE_USER"
	fi
	# useradd may have given it a range of its own (SUB_UID_COUNT)
	sed -i "/^$NORANGE_USER:/d" /etc/subuid /etc/subgid
}

teardown_file() {
	userdel "$BERTH_SANDBOX_USER" 2>/dev/null || true
	sed -i "/^$BERTH_SANDBOX_USER:/d" /etc/subuid /etc/subgid
	userdel "$NORANGE_USER" 2>/dev/null || true
}

sandbox() {
	"$BERTH" --root "$ROOT" sandbox --rootfs "$TEST_ROOTFS" "$@"
}

# the start of the test user's range in FILE
range_start() {
	awk -F: -v u="$BERTH_SANDBOX_USER" '$1 == u {print $2; exit}' "$1"
}

# as an unprivileged user, in a directory of its own
as_user() {
	local user=$1
	shift
	(cd / && runuser -u "$user" -- env -u XDG_RUNTIME_DIR HOME=/ "$@")
}

@test "sandbox userns: the job's root is a range of berth's own user, made the first time, never the host's root" {
	mkdir -p "$BATS_TEST_TMPDIR/out"
	chmod 777 "$BATS_TEST_TMPDIR/out"
	run sandbox -v "$BATS_TEST_TMPDIR/out:/out" -- /bin/sh -c \
		'id -u; cat /proc/self/uid_map /proc/self/gid_map; echo hi >/out/f'
	assert_status 0
	id "$BERTH_SANDBOX_USER"
	start=$(range_start /etc/subuid)
	gstart=$(range_start /etc/subgid)
	[ "$start" -ge 100000 ] && [ $((start % 65536)) = 0 ]
	[ "$(grep -c "^$BERTH_SANDBOX_USER:$start:65536\$" /etc/subuid)" = 1 ]
	# no range of another user overlaps it
	awk -F: -v u="$BERTH_SANDBOX_USER" -v s="$start" \
		'$1 != u && $2 < s + 65536 && s < $2 + $3 {exit 1}' /etc/subuid /etc/subgid
	[ "${lines[0]}" = 0 ]
	[ "$(awk '{print $1, $2, $3}' <<<"${lines[1]}")" = "0 $start 65536" ]
	[ "$(awk '{print $1, $2, $3}' <<<"${lines[2]}")" = "0 $gstart 65536" ]
	# what its root writes is the range's root's on the host
	[ "$(stat -c %u:%g "$BATS_TEST_TMPDIR/out/f")" = "$start:$gstart" ]
	# the next job reuses the range
	run sandbox -- cat /proc/self/uid_map
	[ "$(awk '{print $2}' <<<"$output")" = "$start" ]
	[ "$(grep -c "^$BERTH_SANDBOX_USER:" /etc/subuid)" = 1 ]
	assert_root_empty
}

@test "sandbox userns: image layers keep their in-image owners; the job's root writes over root's files" {
	L=$BATS_TEST_TMPDIR/layer
	mkdir -p "$L/home/dev"
	echo mine >"$L/home/dev/file"
	chown -R 1000:1001 "$L/home/dev"
	run sandbox --image "$L" -- /bin/sh -c \
		'ls -nd /bin/busybox /etc /home/dev/file | awk "{print \$3, \$4, \$NF}"
		 echo changed >>/etc/passwd && echo etc=ok; touch /home/dev/new; ls -n /home/dev/new | awk "{print \$3}"
		 awk "{print \"map\", \$2}" /proc/self/uid_map'
	assert_status 0
	# all that in a user namespace: root's files are not the host root's
	map=$(grep "^map " <<<"$output")
	[ -n "$map" ] && [ "$map" != "map 0" ]
	assert_contains "0 0 /bin/busybox"
	assert_contains "0 0 /etc"
	assert_contains "1000 1001 /home/dev/file"
	assert_contains "etc=ok"
	# the layers themselves are untouched
	[ "$(grep -c changed "$TEST_ROOTFS/etc/passwd")" = 0 ]
	[ ! -e "$L/home/dev/new" ]
	[ "$(stat -c %u:%g "$L/home/dev/file")" = 1000:1001 ]
}

@test "sandbox userns: the layers are idmapped through the job's own user namespace; no other is made for them" {
	command -v strace >/dev/null || skip "needs strace (Debian package strace)"
	local trace=$BATS_TEST_TMPDIR/trace
	# (LeakSanitizer cannot run under ptrace: the ASan build's leak check
	# is off for this one command)
	run env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -qq -o "$trace" -e trace=clone3,unshare -e signal=none \
		"$BERTH" --root "$ROOT" sandbox --rootfs "$TEST_ROOTFS" -- /bin/sh -c 'ls -n /bin/busybox'
	assert_status 0
	# still the image's root's file, seen as the job's root
	assert_contains " 0 "
	# one user namespace in all: the job's, made with its init
	[ "$(grep -c 'CLONE_NEWUSER' "$trace")" = 1 ]
	grep 'clone3(' "$trace" | grep 'CLONE_NEWUSER' | grep -q CLONE_NEWPID
}

@test "sandbox userns: --user NAME comes from the image's /etc/passwd and /etc/group, with its HOME" {
	L=$BATS_TEST_TMPDIR/layer
	mkdir -p "$L/etc"
	cp "$TEST_ROOTFS/etc/passwd" "$TEST_ROOTFS/etc/group" "$L/etc/"
	echo 'builder:x:1500:1600:CI:/home/builder:/bin/sh' >>"$L/etc/passwd"
	echo 'ci:x:1700:' >>"$L/etc/group"
	run sandbox --image "$L" --user builder -- /bin/sh -c 'echo "$(id -u):$(id -g) $HOME"'
	assert_status 0
	assert_line_eq "$output" "1500:1600 /home/builder"
	run sandbox --image "$L" --user builder:ci -- /bin/sh -c 'echo "$(id -u):$(id -g) $HOME"'
	assert_line_eq "$output" "1500:1700 /home/builder"
	# numeric: the passwd line's gid and home when there is one
	run sandbox --image "$L" --user 1500 -e HOME=/given -- /bin/sh -c 'echo "$(id -u):$(id -g) $HOME"'
	assert_line_eq "$output" "1500:1600 /given"
	# the host's passwd is never read: no such user in the image
	run sandbox --image "$L" --user "$RL_USER" -- /bin/true
	assert_status 125
	assert_contains "--user \"$RL_USER\": no such user in the image's /etc/passwd"
	assert_root_empty
}

@test "sandbox userns: --output-owner makes what the job's root writes to a volume UID:GID's on the host" {
	out=$BATS_TEST_TMPDIR/out
	mkdir -p "$out"
	chown 1234:1234 "$out"
	chmod 755 "$out"
	run sandbox --output-owner 1234 -v "$out:/out" -- /bin/sh -c \
		'echo hi >/out/f && mkdir /out/d && ls -nd /out | awk "{print \$3}"'
	assert_status 0
	# the owner of the volume is the job's root inside
	assert_line_eq "$output" 0
	[ "$(stat -c %u:%g "$out/f")" = 1234:1234 ]
	[ "$(stat -c %u:%g "$out/d")" = 1234:1234 ]
	# the volume's directory is UID:GID's own: an owner the idmap does
	# not map (group 1234 here) is nobody's inside, and the kernel lets
	# no one create files under it
	chown 1234:4321 "$out"
	run sandbox --output-owner 1234:4321 -v "$out:/out" -- /bin/sh -c 'echo hi >/out/g'
	assert_status 0
	[ "$(stat -c %u:%g "$out/g")" = 1234:4321 ]
	assert_root_empty
}

@test "sandbox userns: a state root made 0700 before is made searchable, and the job reaches its writable layer" {
	mkdir -p "$ROOT"
	chmod 0700 "$ROOT"
	run sandbox -- /bin/sh -c 'echo written > /file && cat /file'
	assert_status 0
	assert_contains "written"
	[ "$(stat -c %a "$ROOT")" = 711 ]
}

@test "sandbox userns: --userns host keeps the job's root the host's" {
	mkdir -p "$BATS_TEST_TMPDIR/out"
	run sandbox --userns host -v "$BATS_TEST_TMPDIR/out:/out" -- /bin/sh -c \
		'cat /proc/self/uid_map; echo hi >/out/f'
	assert_status 0
	[ "$(awk '{print $1, $2, $3}' <<<"$output")" = "0 0 4294967295" ]
	[ "$(stat -c %u:%g "$BATS_TEST_TMPDIR/out/f")" = 0:0 ]
}

@test "sandbox userns: bad values fail before anything is made, naming the flag" {
	run sandbox --userns maybe -- /bin/true
	assert_status 125
	assert_contains '--userns: must be auto or host, not "maybe"'
	run sandbox --output-owner 0 -- /bin/true
	assert_status 125
	assert_contains '--output-owner: "0": not 0'
	run sandbox --output-owner 1000:0 -- /bin/true
	assert_status 125
	assert_contains '--output-owner: "1000:0": not 0'
	run sandbox --output-owner nobody -- /bin/true
	assert_status 125
	assert_contains "--output-owner"
	run sandbox --userns host --output-owner 1000 -- /bin/true
	assert_status 125
	assert_contains "--output-owner: needs the job's own user namespace, not --userns host"
	run sandbox --network ns:/proc/1/ns/net -- /bin/true
	assert_status 125
	assert_contains "--network ns:PATH"
	assert_contains "--userns host"
	run env BERTH_SANDBOX_USER='bad:name' "$BERTH" --root "$ROOT" sandbox --rootfs "$TEST_ROOTFS" -- /bin/true
	assert_status 125
	assert_contains 'BERTH_SANDBOX_USER "bad:name" is not a user name'
	[ "$(grep -c '^bad:name' /etc/subuid)" = 0 ]
	assert_root_empty
}

@test "sandbox userns: a layer on a filesystem that cannot be idmapped is named, with --userns host as the way out" {
	o=$BATS_TEST_TMPDIR/ovl
	mkdir -p "$o/a" "$o/b" "$o/m"
	echo x >"$o/a/f"
	mount -t overlay overlay -o "lowerdir=$o/a:$o/b" "$o/m"
	run sandbox --image "$o/m" -- /bin/cat /f
	run2_status=$status
	run2_output=$output
	run sandbox --userns host --image "$o/m" -- /bin/cat /f
	umount "$o/m"
	[ "$run2_status" = 125 ]
	assert_contains "x"
	output=$run2_output
	assert_contains "layer '$o/m': its filesystem (overlay) cannot be idmapped"
	assert_contains "--userns host"
	assert_root_empty
}

@test "sandbox userns: rootless, the caller's subordinate range maps ids 1-65536, so --user 1000 works and /tmp is writable" {
	rl_uid=$(id -u "$RL_USER")
	run as_user "$RL_USER" "$BERTH" sandbox --rootfs "$TEST_ROOTFS" --user 1000 -- /bin/sh -c \
		'id -u; cat /proc/self/uid_map; echo x >/tmp/f && echo tmp=ok'
	assert_status 0
	[ "${lines[0]}" = 1000 ]
	[ "$(awk '{print $1, $2, $3}' <<<"${lines[1]}")" = "0 $rl_uid 1" ]
	[ "$(awk '{print $1, $2, $3}' <<<"${lines[2]}")" = "1 $(subid_start "$RL_USER" /etc/subuid) 65536" ]
	assert_contains "tmp=ok"
	# the root's job writes too, in the root-owned image's /tmp
	run as_user "$RL_USER" "$BERTH" sandbox --rootfs "$TEST_ROOTFS" -- /bin/sh -c 'echo x >/tmp/f && echo tmp=ok'
	assert_status 0
	assert_contains "tmp=ok"
	assert_root_empty "/tmp/berth-$rl_uid"
}

@test "sandbox userns: rootless without a subordinate range fails naming /etc/subuid and the user" {
	run as_user "$NORANGE_USER" "$BERTH" sandbox --rootfs "$TEST_ROOTFS" -- /bin/true
	assert_status 125
	assert_contains "/etc/subuid has no range for user '$NORANGE_USER'"
	run as_user "$RL_USER" "$BERTH" sandbox --rootfs "$TEST_ROOTFS" --output-owner 1000 -- /bin/true
	assert_status 125
	assert_contains "--output-owner: needs root"
	run as_user "$RL_USER" "$BERTH" sandbox --rootfs "$TEST_ROOTFS" --userns host -- /bin/true
	assert_status 125
	assert_contains "--userns host: needs root"
	assert_root_empty "/tmp/berth-$(id -u "$NORANGE_USER")"
}
