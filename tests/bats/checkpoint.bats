#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# checkpoint and restore where CRIU cannot work (this host's kernel fails
# CRIU 3.17's vDSO check): the verbs fail with CRIU's own reason and the
# path of its log, and leave nothing behind.  The working path is proven
# in the VM (tests/vm/checkpoint.bats).

load helpers
load lib/cli
load lib/forged

setup_file() {
	command -v criu >/dev/null || skip "criu is not installed (scripts/deps.sh)"
	if criu check >/dev/null 2>&1; then
		skip "CRIU works on this kernel: tests/vm/checkpoint.bats covers it"
	fi
}

counter() {
	make_bundle
	set_args /bin/sh -c 'i=0; while :; do i=$((i+1)); echo $i > /dev/shm/n; sleep 0.2; done'
}

@test "checkpoint: fails with CRIU's own reason and its log, the container still runs" {
	counter
	detached run -d -b "$BUNDLE" "$ID"
	run berth checkpoint --image-path "$BATS_TEST_TMPDIR/img" "$ID"
	assert_status 1
	assert_contains "checkpoint \"$ID\": criu: "
	assert_contains "(log: $BATS_TEST_TMPDIR/img/dump.log)"
	# the reason is the first error line of CRIU's own log
	reason=$(grep -m1 'Error (' "$BATS_TEST_TMPDIR/img/dump.log" | sed 's/.*): //')
	[ -n "$reason" ]
	assert_contains "$reason"
	[ "$(state_of "$ID")" = running ]
	pid=$(berth state "$ID" | jq .pid)
	kill -0 "$pid"
}

@test "checkpoint: a process exec'd into the container (not its init's child, so CRIU would lose it) is refused before CRIU runs, naming it; both go on" {
	counter
	detached run -d -b "$BUNDLE" "$ID"
	berth exec -d "$ID" sleep 1234 </dev/null >/dev/null 2>&1
	sleeper=$(pgrep -xf 'sleep 1234')
	pid=$(berth state "$ID" | jq .pid)
	run berth checkpoint --image-path "$BATS_TEST_TMPDIR/img" "$ID"
	assert_status 1
	assert_error_eq "checkpoint \"$ID\": process $sleeper (sleep) is in the container but not in its init's (pid $pid) tree: it joined from outside, as \`exec\` does, and CRIU saves that tree only, so the checkpoint would lose it; end it first"
	[ ! -e "$BATS_TEST_TMPDIR/img/dump.log" ]
	[ "$(state_of "$ID")" = running ]
	kill -0 "$sleeper"
	# a child of init is its tree: then it is CRIU's turn (and its reason)
	kill "$sleeper"
	berth exec "$ID" sh -c 'sleep 1234 >/dev/null 2>&1 & exit 0'
	run berth checkpoint --image-path "$BATS_TEST_TMPDIR/img" "$ID"
	assert_status 1
	assert_contains "checkpoint \"$ID\": criu: "
}

@test "restore: fails with CRIU's reason and leaves no state, cgroup, mount or process" {
	counter
	mkdir -p "$BATS_TEST_TMPDIR/img"
	echo '["/dev/null","/dev/null","/dev/null"]' > "$BATS_TEST_TMPDIR/img/descriptors.json"
	# -no-subreaper: Go's one-dash form, as containerd's shim passes it
	run berth restore -d --image-path "$BATS_TEST_TMPDIR/img" -no-subreaper -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "restore \"$ID\": criu"
	assert_contains "(log: $BATS_TEST_TMPDIR/img/restore.log)"
	run berth state "$ID"
	assert_contains "does not exist"
	# no berth child left, no cgroup, no mount (teardown checks them too)
	[ -z "$(ls -d "$CG_ROOT/berth/$ID" 2>/dev/null)" ]
	! grep -q criu-root /proc/self/mountinfo
	assert_root_empty
}

@test "restore: an image dir whose address record is not one address is refused before CRIU runs, naming the file" {
	counter
	local img=$BATS_TEST_TMPDIR/img bad
	mkdir -p "$img"
	echo '["/dev/null","/dev/null","/dev/null"]' >"$img/descriptors.json"
	# from another host: a forged line, a second line, an IPv6 address
	for bad in '10.90.0.7; touch /x' $'10.90.0.7\n10.90.0.8' '::1' "$(printf 'x%.0s' {1..40})"; do
		printf '%s\n' "$bad" >"$img/network"
		run berth restore -d --image-path "$img" -b "$BUNDLE" "$ID"
		assert_status 1
		assert_contains "checkpoint image: 'network' is not one address"
		# refused before CRIU: it made no log
		[ ! -e "$img/restore.log" ]
		run berth state "$ID"
		assert_contains "does not exist"
	done
	assert_root_empty
}

@test "restore: a descriptors.json that is not three names is refused before CRIU runs, naming the file" {
	counter
	local img=$BATS_TEST_TMPDIR/img bad
	mkdir -p "$img"
	# from another host: two names, four, a number, an object, cut short
	for bad in '["/dev/null","/dev/null"]' '["a","b","c","d"]' '["a",1,"c"]' \
		'{"0":"/dev/null"}' '["pipe:[1]","pipe:[2]"'; do
		printf '%s\n' "$bad" >"$img/descriptors.json"
		run berth restore -d --image-path "$img" -b "$BUNDLE" "$ID"
		assert_status 1
		assert_contains "checkpoint image '$img': descriptors.json"
		[ ! -e "$img/restore.log" ]
		run berth state "$ID"
		assert_contains "does not exist"
	done
	[ -z "$(ls -d "$CG_ROOT/berth/$ID" 2>/dev/null)" ]
	assert_root_empty
}

@test "features says checkpoint is built in, and which CRIU it runs" {
	run "$BERTH" features
	assert_status 0
	[ "$(jq -r '.annotations["org.berth.checkpoint.enabled"]' <<<"$output")" = true ]
	[ "$(jq -r '.annotations["org.berth.checkpoint.criu"]' <<<"$output")" = criu ]
}

userns_bundle() {
	make_bundle '.linux.namespaces += [{"type": "user"}] |
		.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
}

@test "checkpoint of a container in a user namespace is CRIU's to do: it fails with CRIU's reason, not a refusal" {
	userns_bundle
	set_args sleep 60
	detached run -d -b "$BUNDLE" "$ID"
	run berth checkpoint --image-path "$BATS_TEST_TMPDIR/img" "$ID"
	assert_status 1
	assert_contains "checkpoint \"$ID\": criu: "
	assert_not_contains "not supported"
	[ "$(state_of "$ID")" = running ]
}

@test "restore in a user namespace: CRIU's reason, and the image dir left as it was (its modes, no ACL)" {
	userns_bundle
	img=$BATS_TEST_TMPDIR/img
	mkdir -m 700 "$img"
	echo '["/dev/null","/dev/null","/dev/null"]' >"$img/descriptors.json"
	touch "$img/inventory.img"
	chmod 600 "$img/descriptors.json" "$img/inventory.img"
	files=("$img" "$img/descriptors.json" "$img/inventory.img")
	before=$(stat -c '%n %a' "${files[@]}")
	run berth restore -d --image-path "$img" -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "restore \"$ID\": criu"
	assert_not_contains "not supported"
	# (CRIU's restore.log is new there: not granted, not taken back)
	[ "$(stat -c '%n %a' "${files[@]}")" = "$before" ]
	for f in "${files[@]}"; do
		! python3 -c 'import os, sys; os.getxattr(sys.argv[1], "system.posix_acl_access")' \
			"$f" 2>/dev/null
	done
	run berth state "$ID"
	assert_contains "does not exist"
	assert_root_empty
}

# a bundle whose root is an overlay of image layers: the test rootfs and
# a layer the test makes; $1: more of the config (jq)
overlay_bundle() {
	LAYERS=$BATS_TEST_TMPDIR/layers
	mkdir -p "$LAYERS/app/opt"
	echo app >"$LAYERS/app/opt/hello"
	make_bundle ".annotations = {\"org.berth.rootfs.layers\": \"$TEST_ROOTFS:$LAYERS/app\"} |
		.root.readonly = false | ${1:-.}"
}

# an image dir as a checkpoint leaves it, but for CRIU's images
image_dir() {
	IMG=$BATS_TEST_TMPDIR/img
	mkdir -p -m 700 "$IMG"
	echo '["/dev/null","/dev/null","/dev/null"]' >"$IMG/descriptors.json"
}

# refused before CRIU runs (it made no log), and nothing left
assert_refused_before_criu() {
	assert_status 1
	[ ! -e "$IMG/restore.log" ]
	run berth state "$ID"
	assert_contains "does not exist"
	[ -z "$(ls -d "$CG_ROOT/berth/$ID" 2>/dev/null)" ]
	! grep -q "$ROOT" /proc/self/mountinfo
	assert_root_empty
}

@test "restore of an overlay root: a rootfs-diff.tar with '..', an absolute path, a device node or a hard link out is refused before CRIU runs, naming the entry, and nothing is made" {
	overlay_bundle
	image_dir
	d=$BATS_TEST_TMPDIR/forged
	forge_diffs "$d"
	for t in "${FORGED[@]}"; do
		cp "$d/${t%%:*}.tar" "$IMG/rootfs-diff.tar"
		run berth restore -d --image-path "$IMG" -b "$BUNDLE" "$ID"
		assert_contains "restore \"$ID\": checkpoint image '$IMG': rootfs-diff.tar: ${t#*:}"
		assert_not_contains "Unknown error"
		assert_refused_before_criu
		[ ! -e "$BATS_TEST_TMPDIR/x" ] && [ ! -e "$LAYERS/x" ] && [ ! -e "$TEST_ROOTFS/x" ]
	done
	[ "$(cat "$LAYERS/app/opt/hello")" = app ]
}

@test "restore: an overlay root without rootfs-diff.tar, or a diff with a bundle that has no layers, is refused before CRIU runs" {
	overlay_bundle
	image_dir
	run berth restore -d --image-path "$IMG" -b "$BUNDLE" "$ID"
	assert_contains "checkpoint image '$IMG': no rootfs-diff.tar, which the bundle's overlay root (org.berth.rootfs.layers) needs"
	assert_refused_before_criu
	tar -cf "$IMG/rootfs-diff.tar" -T /dev/null
	make_bundle
	run berth restore -d --image-path "$IMG" -b "$BUNDLE" "$ID"
	assert_contains "rootfs-diff.tar holds an overlay root's writable layer, but the bundle has no org.berth.rootfs.layers"
	assert_refused_before_criu
}

@test "checkpoint of an overlay root whose writable layer is on a tmpfs is refused before CRIU runs, naming the annotation; the container still runs" {
	overlay_bundle '.annotations["org.berth.rootfs.upper"] = "tmpfs"'
	set_args sleep 60
	detached run -d -b "$BUNDLE" "$ID"
	run berth checkpoint --image-path "$BATS_TEST_TMPDIR/img" "$ID"
	assert_status 1
	assert_contains "org.berth.rootfs.upper: tmpfs"
	[ ! -e "$BATS_TEST_TMPDIR/img/dump.log" ]
	[ "$(state_of "$ID")" = running ]
}
