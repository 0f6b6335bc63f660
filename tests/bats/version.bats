#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# --version and --help: what clients parse to recognise the runtime.

load helpers
load lib/cli

@test "--version: first line 'berth version X.Y.Z', then commit and spec lines" {
	run "$BERTH" --version
	assert_status 0
	[ "${lines[0]}" = "berth version $(cat "$REPO/VERSION")" ]
	[[ "${lines[0]}" =~ ^berth\ version\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
	[[ "$output" =~ (^|$'\n')commit:\ [0-9a-f]{7,}($'\n'|$) ]]
	grep -qE '^spec: 1\.[0-9]+\.[0-9]+$' <<<"$output"
}

@test "--version: the spec line is the version config.json files carry" {
	run "$BERTH" --version
	spec=$(sed -n 's/^spec: //p' <<<"$output")
	make_bundle
	[ "$(jq -r .ociVersion "$BUNDLE/config.json")" = "$spec" ]
}

@test "-v: the same as --version, and global flags before it are fine" {
	a=$("$BERTH" --version)
	[ "$("$BERTH" -v)" = "$a" ]
	[ "$("$BERTH" --root /nonexistent --log-format json -v)" = "$a" ]
}

@test "--help: usage on stdout listing every verb" {
	run "$BERTH" --help
	assert_status 0
	[[ "${lines[0]}" == usage:\ berth* ]]
	for verb in create start run state kill delete list ps exec pause resume update events spec features; do
		grep -qE "^  $verb " <<<"$output" || { echo "no $verb in --help" >&2; false; }
	done
}

@test "VERB --help: each verb prints its usage and exits 0 without acting" {
	for verb in create start run state kill delete list ps exec pause resume update events spec; do
		run "$BERTH" --root "$ROOT" "$verb" --help
		[ "$status" = 0 ] || { echo "$verb --help: $status $output" >&2; false; }
		[[ "${lines[0]}" == "usage: berth $verb"* ]] || { echo "$verb: ${lines[0]}" >&2; false; }
	done
	assert_root_empty
}

@test "no verb: usage on stderr and status 2" {
	run "$BERTH"
	assert_status 2
	assert_contains "usage: berth"
}

@test "an unknown verb is refused naming it" {
	run "$BERTH" frobnicate
	assert_status 1
	assert_error_eq "unknown command \"frobnicate\" (see 'berth --help')"
}

@test "an unknown global option is refused naming it" {
	run "$BERTH" --frob list
	assert_status 1
	assert_error_eq "unknown global option '--frob'"
}

@test "global options accept both --flag value and --flag=value" {
	make_bundle
	set_args /bin/sleep 1000
	"$BERTH" --root="$ROOT" run -d --bundle="$BUNDLE" "$ID" >/dev/null 2>&1 </dev/null
	run "$BERTH" --root "$ROOT" list -q
	assert_line_eq "$output" "$ID"
	run "$BERTH" --root="$ROOT" --log-format=json --log="$BATS_TEST_TMPDIR/log" state "$ID"
	assert_status 0
	[ "$(jq -r .status <<<"$output")" = running ]
}

@test "--rootless and --cgroup-manager values are checked" {
	run "$BERTH" --rootless maybe list
	assert_status 1
	assert_contains "--rootless: must be true, false or auto"
	run "$BERTH" --cgroup-manager systemdd list
	assert_status 1
	assert_contains '--cgroup-manager: must be cgroupfs, systemd or disabled, not "systemdd"'
	run "$BERTH" --systemd-cgroup --cgroup-manager cgroupfs list
	assert_status 1
	assert_contains '--systemd-cgroup and --cgroup-manager cgroupfs: choose one'
}
