#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Overlay roots from image layers (org.berth.rootfs.layers).

load helpers

# two layers made locally: a base (the test rootfs) and an app layer that
# adds a file and replaces another
make_layers() {
	LAYERS=$BATS_TEST_TMPDIR/layers
	mkdir -p "$LAYERS/app/etc" "$LAYERS/app/opt"
	echo "app layer" > "$LAYERS/app/opt/hello"
	echo "from the app layer" > "$LAYERS/app/etc/motd"
	layer_annotation="\"org.berth.rootfs.layers\": \"$TEST_ROOTFS:$LAYERS/app\""
}

@test "overlay: the layers are stacked, the last one on top" {
	make_layers
	make_bundle ".annotations = {$layer_annotation} | .root.readonly = false"
	run_sh 'cat /opt/hello /etc/motd; ls /bin/busybox; grep " / " /proc/self/mountinfo'
	assert_status 0
	assert_contains "app layer"
	assert_contains "from the app layer"
	assert_contains "/bin/busybox"
	assert_contains " - overlay overlay "
}

@test "overlay: writes go to the container's own layer, never to an image layer" {
	make_layers
	make_bundle ".annotations = {$layer_annotation} | .root.readonly = false"
	set_args /bin/sh -c 'echo mine > /opt/hello && echo new > /newfile && rm /etc/motd && sleep 100'
	detached run -d -b "$BUNDLE" "$ID"
	wait_until "[ -e '$ROOT/$ID/overlay/upper/newfile' ]"
	[ "$(cat "$LAYERS/app/opt/hello")" = "app layer" ]
	[ -e "$LAYERS/app/etc/motd" ]
	[ ! -e "$TEST_ROOTFS/newfile" ]
	[ "$(cat "$ROOT/$ID/overlay/upper/opt/hello")" = mine ]
}

@test "overlay: the container's layer is volatile, never synced, since it is thrown away" {
	make_layers
	make_bundle ".annotations = {$layer_annotation} | .root.readonly = false"
	run_sh 'grep " / " /proc/self/mountinfo'
	assert_status 0
	assert_contains " - overlay overlay "
	assert_contains "volatile"
}

@test "overlay: containers sharing layers do not see each other's writes" {
	make_layers
	make_bundle ".annotations = {$layer_annotation} | .root.readonly = false"
	set_args /bin/sh -c 'echo one > /opt/hello; sleep 100'
	detached run -d -b "$BUNDLE" "$ID-a"
	wait_until "[ -e '$ROOT/$ID-a/overlay/upper/opt/hello' ]"
	run_sh 'cat /opt/hello'
	assert_line_eq "$output" "app layer"
}

@test "overlay: the writable layer is removed on delete, and no host mount exists" {
	make_layers
	make_bundle ".annotations = {$layer_annotation} | .root.readonly = false"
	set_args /bin/sleep 100
	detached run -d -b "$BUNDLE" "$ID"
	[ -d "$ROOT/$ID/overlay/upper" ]
	! grep -q " $ROOT/$ID" /proc/self/mountinfo
	berth kill "$ID" KILL
	berth delete --force "$ID"
	[ ! -e "$ROOT/$ID" ]
}

@test "overlay: org.berth.rootfs.upper=tmpfs keeps the writes on a tmpfs" {
	make_layers
	make_bundle ".annotations = {$layer_annotation, \"org.berth.rootfs.upper\": \"tmpfs\"} | .root.readonly = false"
	run_sh 'echo x > /f && cat /f'
	assert_status 0
	assert_line_eq "$output" x
}

@test "overlay: bad layers are named in the error and leave nothing" {
	make_layers
	echo file > "$BATS_TEST_TMPDIR/notadir"
	for layers in /nonexistent "$BATS_TEST_TMPDIR/notadir" relative/path; do
		make_bundle ".annotations = {\"org.berth.rootfs.layers\": \"$TEST_ROOTFS:$layers\"}"
		run berth run -b "$BUNDLE" "$ID"
		assert_status 1
		assert_contains "$layers"
	done
	assert_root_empty
}

@test "overlay: an unknown org.berth annotation is refused" {
	make_bundle '.annotations = {"org.berth.rootfs.layer": "/x"}'
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains 'unknown berth annotation "org.berth.rootfs.layer"'
}
