#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# spec: the default config.json (and its rootless variant).

load helpers
load lib/cli

@test "spec: writes config.json equal to config.json.example" {
	[ -f "$REPO/config.json.example" ] || { echo "no $REPO/config.json.example" >&2; false; }
	mkdir -p "$BUNDLE"
	cd "$BUNDLE"
	run "$BERTH" spec
	assert_status 0
	[ -z "$output" ]
	cmp "$BUNDLE/config.json" "$REPO/config.json.example"
}

@test "spec: the default config is valid JSON of the runtime spec's shape" {
	make_bundle
	run jq -r '.ociVersion, .root.path, (.process.args | join(" ")),
		([.linux.namespaces[].type] | sort | join(","))' "$BUNDLE/config.json"
	assert_status 0
	[ "${lines[0]}" = 1.2.0 ]
	[ "${lines[2]}" = sh ]
	[ "${lines[3]}" = "ipc,mount,network,pid,uts" ]
	# root.path is rewritten by make_bundle; the written one is "rootfs"
	rm "$BUNDLE/config.json"
	"$BERTH" spec --bundle "$BUNDLE"
	[ "$(jq -r .root.path "$BUNDLE/config.json")" = rootfs ]
	[ "$(jq -r .process.terminal "$BUNDLE/config.json")" = true ]
}

@test "spec --bundle: writes into that directory, not the current one" {
	mkdir -p "$BATS_TEST_TMPDIR/elsewhere" "$BATS_TEST_TMPDIR/cwd"
	cd "$BATS_TEST_TMPDIR/cwd"
	run "$BERTH" spec --bundle "$BATS_TEST_TMPDIR/elsewhere"
	assert_status 0
	jq -e .process "$BATS_TEST_TMPDIR/elsewhere/config.json" >/dev/null
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/cwd")" ]
}

@test "spec: refuses to overwrite an existing config.json" {
	mkdir -p "$BUNDLE"
	echo '{"mine": true}' > "$BUNDLE/config.json"
	run "$BERTH" spec --bundle "$BUNDLE"
	assert_status 1
	assert_error_eq "spec: '$BUNDLE/config.json' exists; remove it first"
	[ "$(cat "$BUNDLE/config.json")" = '{"mine": true}' ]
}

@test "spec: a bundle directory that does not exist is named in the error" {
	run "$BERTH" spec --bundle "$BATS_TEST_TMPDIR/no/such/dir"
	assert_status 1
	assert_error_eq "spec: create '$BATS_TEST_TMPDIR/no/such/dir/config.json': No such file or directory"
}

@test "spec: the written file is readable by everyone (0644) and not executable" {
	mkdir -p "$BUNDLE"
	(umask 022 && "$BERTH" spec --bundle "$BUNDLE")
	[ "$(stat -c %a "$BUNDLE/config.json")" = 644 ]
}

@test "spec --rootless: a user namespace mapping the caller, and no network namespace" {
	dir=$(mktemp -d /tmp/berth-rootless.XXXXXX)
	on_teardown "rm -rf '$dir'"
	chmod 777 "$dir"
	setpriv --reuid 4242 --regid 4343 --clear-groups "$BERTH" spec --rootless --bundle "$dir"
	cfg=$dir/config.json
	[ "$(stat -c %u "$cfg")" = 4242 ]
	types=$(jq -r '[.linux.namespaces[].type] | sort | join(",")' "$cfg")
	[ "$types" = "ipc,mount,pid,user,uts" ]
	[ "$(jq -c '.linux.uidMappings' "$cfg")" = '[{"containerID":0,"hostID":4242,"size":1}]' ]
	[ "$(jq -c '.linux.gidMappings' "$cfg")" = '[{"containerID":0,"hostID":4343,"size":1}]' ]
	# gid 5 (tty) is not mapped: devpts must not ask for it
	[ "$(jq -r '.mounts[] | select(.destination == "/dev/pts") | .options | index("gid=5")' "$cfg")" = null ]
}

@test "spec --rootless: the config runs as an unprivileged user" {
	dir=$(mktemp -d /tmp/berth-rootless.XXXXXX)
	on_teardown "rm -rf '$dir'"
	chmod 755 "$dir"
	mkdir "$dir/bundle" "$dir/state"
	chown 4242:4343 "$dir/bundle" "$dir/state"
	setpriv --reuid 4242 --regid 4343 --clear-groups "$BERTH" spec --rootless --bundle "$dir/bundle"
	jq --arg rf "$TEST_ROOTFS" '.process.terminal = false | .root.path = $rf
		| .process.args = ["sh", "-c", "id -u; cat /proc/self/uid_map; readlink /proc/self/ns/user"]' \
		"$dir/bundle/config.json" > "$dir/c" && cat "$dir/c" > "$dir/bundle/config.json"
	run setpriv --reuid 4242 --regid 4343 --clear-groups \
		"$BERTH" --root "$dir/state" run -b "$dir/bundle" "$ID"
	assert_status 0
	[ "${lines[0]}" = 0 ]
	[ "$(echo ${lines[1]})" = "0 4242 1" ]
	[ "${lines[2]}" != "$(readlink /proc/self/ns/user)" ]
	[ -z "$(ls -A "$dir/state")" ]
}

@test "spec: unexpected arguments are refused" {
	mkdir -p "$BUNDLE"
	run "$BERTH" spec --bundle "$BUNDLE" extra
	assert_status 1
	assert_contains 'unexpected argument "extra"'
	[ ! -e "$BUNDLE/config.json" ]
}
