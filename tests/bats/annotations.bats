#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# annotations: berth's org.berth.* annotations that reach the host — image
# layers (org.berth.rootfs.layers) and networking (org.berth.network*) —
# are checked like the host resources they are, and the host's
# administrator can switch them off (host-annotations = false in
# /etc/berth/berth.conf, here $BERTH_CONFIG, or --host-annotations=false).

load helpers

layers_bundle() { # LAYER...: an overlay root of the test rootfs and LAYER...
	local l=$TEST_ROOTFS x
	for x in "$@"; do l+=":$x"; done
	make_bundle ".annotations = {\"org.berth.rootfs.layers\": \"$l\"}"
	set_args cat /hello
}

settings() { # TEXT: this test's berth settings file
	BERTH_CONFIG=$BATS_TEST_TMPDIR/berth.conf
	export BERTH_CONFIG
	printf '%s\n' "$1" >"$BERTH_CONFIG"
}

@test "annotations: a layer reached through a symlink is refused, naming it" {
	mkdir -p "$BATS_TEST_TMPDIR/app"
	echo hi >"$BATS_TEST_TMPDIR/app/hello"
	ln -s "$BATS_TEST_TMPDIR/app" "$BATS_TEST_TMPDIR/link"
	layers_bundle "$BATS_TEST_TMPDIR/link"
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "layer '$BATS_TEST_TMPDIR/link': the path goes through a symlink"
	# the same directory by its real path is fine
	layers_bundle "$BATS_TEST_TMPDIR/app"
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_line_eq "$output" hi
}

@test "annotations: a symlink in a parent of the layer is refused too" {
	mkdir -p "$BATS_TEST_TMPDIR/real/app"
	ln -s "$BATS_TEST_TMPDIR/real" "$BATS_TEST_TMPDIR/via"
	layers_bundle "$BATS_TEST_TMPDIR/via/app"
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "goes through a symlink"
}

@test "annotations: layers on kernel filesystems (proc, sysfs, cgroup) or the host's /dev are refused" {
	local l
	for l in /proc/self /sys/kernel /sys/fs/cgroup /sys/fs/cgroup/unified /dev /dev/shm; do
		layers_bundle "$l"
		run berth run -b "$BUNDLE" "$ID"
		assert_status 1
		assert_contains "layer '$l'"
	done
	layers_bundle /proc
	run berth run -b "$BUNDLE" "$ID"
	assert_contains "layer '/proc': on proc, not a filesystem of image files"
	layers_bundle /sys
	run berth run -b "$BUNDLE" "$ID"
	assert_contains "on sysfs"
	layers_bundle /dev
	run berth run -b "$BUNDLE" "$ID"
	assert_contains "layer '/dev': on the host's /dev"
	assert_root_empty
}

@test "annotations: with host-annotations = false in the settings file, layers are refused" {
	settings $'# the administrator\'s choice\nhost-annotations = false'
	mkdir -p "$BATS_TEST_TMPDIR/app"
	layers_bundle "$BATS_TEST_TMPDIR/app"
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains '"org.berth.rootfs.layers" reaches the host'
	assert_contains "host-annotations = false"
	assert_root_empty
}

@test "annotations: with host-annotations = false, the network annotations are refused" {
	settings 'host-annotations = false'
	make_bundle '.annotations = {"org.berth.network": "bridge=bx9"}'
	set_args true
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains '"org.berth.network" reaches the host'
	! ip link show bx9 >/dev/null 2>&1
	make_bundle '.annotations = {"org.berth.network.subnet": "10.99.0.0/16"}'
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains '"org.berth.network.subnet" reaches the host'
}

@test "annotations: host-annotations = false leaves the other annotations alone" {
	settings 'host-annotations = false'
	make_bundle '.annotations = {"org.opencontainers.image.ref.name": "x", "io.kubernetes.cri.sandbox-id": "y"}'
	run_sh 'echo ran'
	assert_status 0
	assert_line_eq "$output" ran
}

@test "annotations: --host-annotations=false refuses them without a settings file, =true overrides the file" {
	mkdir -p "$BATS_TEST_TMPDIR/app"
	echo hi >"$BATS_TEST_TMPDIR/app/hello"
	layers_bundle "$BATS_TEST_TMPDIR/app"
	run "$BERTH" --root "$ROOT" --host-annotations=false run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "reaches the host"
	settings 'host-annotations = false'
	run "$BERTH" --root "$ROOT" --host-annotations true run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_line_eq "$output" hi
	run "$BERTH" --root "$ROOT" --host-annotations=maybe run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains '--host-annotations: must be true or false, not "maybe"'
}

@test "annotations: a settings file with an unknown key or a bad value is refused, naming the line" {
	make_bundle
	set_args true
	settings $'\nhost-annotation = false'
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "$BERTH_CONFIG:2: unknown setting \"host-annotation\""
	settings 'host-annotations = nope'
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "$BERTH_CONFIG:1: host-annotations must be true or false, not \"nope\""
	settings 'host-annotations'
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "$BERTH_CONFIG:1: expected \"key = value\""
	assert_root_empty
}

@test "annotations: a missing settings file means host annotations are honoured" {
	BERTH_CONFIG=$BATS_TEST_TMPDIR/none.conf
	export BERTH_CONFIG
	mkdir -p "$BATS_TEST_TMPDIR/app"
	echo hi >"$BATS_TEST_TMPDIR/app/hello"
	layers_bundle "$BATS_TEST_TMPDIR/app"
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_line_eq "$output" hi
}

@test "annotations: a layer path that is not canonical is judged by where it really leads" {
	local l
	for l in //dev/shm /tmp/../dev/shm /./proc /sys/fs/cgroup/../..//kernel; do
		layers_bundle "$l"
		run berth run -b "$BUNDLE" "$ID"
		assert_status 1
		assert_contains "layer '$l'"
	done
	assert_root_empty
}

@test "annotations: berth's own state root (every container's config and writes) is never a layer" {
	mkdir -p "$ROOT/other"
	chmod 0711 "$ROOT"
	layers_bundle "$ROOT"
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "inside berth's state root"
	layers_bundle "$ROOT/other"
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "inside berth's state root"
	rmdir "$ROOT/other"
}

@test "annotations: the container's mountinfo shows no host path of its layers" {
	mkdir -p "$BATS_TEST_TMPDIR/app"
	echo hi >"$BATS_TEST_TMPDIR/app/hello"
	layers_bundle "$BATS_TEST_TMPDIR/app"
	set_args sh -c 'grep " / " /proc/self/mountinfo; cat /hello'
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_contains hi
	assert_contains " - overlay overlay "
	assert_not_contains "$BATS_TEST_TMPDIR"
	assert_not_contains "$TEST_ROOTFS"
}
