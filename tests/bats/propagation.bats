#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# propagation: linux.rootfsPropagation is the propagation of the
# container's root, applied once every mount exists (as runc and crun
# do), so no value can make a bind source unusable.  Each test binds
# three sources: one on the rootfs's own mount, one on another host
# mount, one on a submount of that, all shared on the host, and reads
# /proc/self/mountinfo inside.
#
# Propagation in mountinfo, as the tests write it:
#   P private (no tag)  S shared:N  M master:N (a slave)  U unbindable

load helpers
load lib/iso

setup_sources() {
	T=$BATS_TEST_TMPDIR/t
	O=$BATS_TEST_TMPDIR/o
	host_tmpfs "$T" size=16m
	mount --make-shared "$T"
	cp -a "$TEST_ROOTFS" "$T/rootfs"
	mkdir -p "$T/src" "$T/rootfs/a" "$T/rootfs/b" "$T/rootfs/c"
	host_tmpfs "$O"
	mount --make-shared "$O"
	mkdir -p "$O/x" "$O/sub"
	mount -t tmpfs "iso-$ID-sub" "$O/sub"
	mount --make-shared "$O/sub"
	mkdir "$O/sub/y"
	make_bundle ".root.path = \"$T/rootfs\""
	bind_mount "$T/src" /a rbind
	bind_mount "$O/x" /b rbind
	bind_mount "$O/sub/y" /c rbind
}

# host_group DIR: the shared:N peer group of the host mount on DIR
host_group() {
	awk -v d="$1" '$5 == d {for (i = 7; $i != "-"; i++) if ($i ~ /^shared:/) print $i}' /proc/self/mountinfo
}

# kind DEST: P, S, M or U for DEST in the mountinfo in $output
kind() {
	local opt
	opt=$(mnt_optional "$1")
	case "$opt" in
	*unbindable*) echo U ;;
	*shared:*master:* | *master:*shared:*) echo SM ;;
	*shared:*) echo S ;;
	*master:*) echo M ;;
	'') echo P ;;
	*) echo "?$opt" ;;
	esac
}

# expect VALUE ROOT A B C: with rootfsPropagation VALUE ("" for none),
# "/" and the binds on /a, /b and /c have these kinds
expect() {
	local value=$1 want got
	shift
	setup_sources
	[ -z "$value" ] || edit_config ".linux.rootfsPropagation = \"$value\""
	sh_in 'cat /proc/self/mountinfo'
	assert_status 0
	want="$*"
	got="$(kind /) $(kind /a) $(kind /b) $(kind /c)"
	if [ "$got" != "$want" ]; then
		echo "rootfsPropagation '$value': / /a /b /c are $got, expected $want" >&2
		echo "$output" >&2
		return 1
	fi
}

@test "propagation: without rootfsPropagation the root and every bind are slaves (runc's rslave)" {
	expect "" M M M M
}

@test "propagation: private makes the root private and leaves the binds slaves" {
	expect private P M M M
}

@test "propagation: rprivate makes the root and every bind private" {
	expect rprivate P P P P
}

@test "propagation: slave keeps the root a slave" {
	expect slave M M M M
}

@test "propagation: rslave makes the root and every bind slaves" {
	expect rslave M M M M
}

@test "propagation: shared gives the root a new peer group; binds of shared host mounts stay the host's peers" {
	expect shared S P S S
	[[ " $(mnt_optional /) " != *" $(host_group "$T") "* ]]
	[[ " $(mnt_optional /b) " == *" $(host_group "$O") "* ]]
	[[ " $(mnt_optional /c) " == *" $(host_group "$O/sub") "* ]]
}

@test "propagation: rshared makes every mount shared; binds of shared host mounts stay the host's peers" {
	expect rshared S S S S
	[[ " $(mnt_optional /b) " == *" $(host_group "$O") "* ]]
	[[ " $(mnt_optional /c) " == *" $(host_group "$O/sub") "* ]]
	[ "$(kind /proc)" = S ]
}

@test "propagation: unbindable makes the root unbindable, and binds from other mounts still work" {
	expect unbindable U M M M
}

@test "propagation: runbindable makes every mount unbindable, once all of them exist" {
	expect runbindable U U U U
	[ "$(kind /proc)" = U ]
	[ "$(kind /dev)" = U ]
}

@test "propagation: an unbindable root cannot be bind-mounted inside the container" {
	setup_sources
	edit_config '.linux.rootfsPropagation = "unbindable"'
	edit_config "$(caps_add CAP_SYS_ADMIN)"
	sh_in 'mkdir /dev/shm/m /dev/shm/n || exit 9
		mount --bind /a /dev/shm/n && echo "bind of /a: ok"
		mount --bind / /dev/shm/m 2>&1; echo "bind of /: rc=$?"'
	assert_status 0
	assert_contains "bind of /a: ok"
	assert_contains "Invalid argument"
	assert_not_contains "bind of /: rc=0"
}
