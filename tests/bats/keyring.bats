#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# The session keyring: each container gets a new one named after it (so
# it does not share its caller's keys); --no-new-keyring keeps the
# caller's.  tests/tools/keyring (static, bind-mounted on /home) prints
# "SERIAL TYPE;UID;GID;PERM;DESCRIPTION" of the session keyring.

load helpers
load lib/cli

setup() {
	helpers_setup
	[ -x "$TOOLS/keyring" ] || { echo "no $TOOLS/keyring (run make test-tools)" >&2; return 1; }
	HOST_RING=$("$TOOLS/keyring")
}

# a bundle with the keyring tool on /home and /proc/keys readable
keyring_bundle() {
	make_bundle '.linux.maskedPaths -= ["/proc/keys"]'
	add_bind "$TOOLS" /home ro
}

@test "keyring: a container gets a new session keyring named after it" {
	keyring_bundle
	set_args /home/keyring
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	read -r serial desc <<<"$output"
	[ "${desc##*;}" = "$ID" ]
	[[ "$desc" == keyring\;* ]]
	[ "$serial" != "${HOST_RING%% *}" ]
}

@test "keyring: the container's keyring is in its /proc/keys when unmasked" {
	keyring_bundle
	set_args /bin/sh -c 'grep " keyring " /proc/keys'
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "$(grep -c " keyring  *$ID: " <<<"$output")" = 1 ]
}

@test "keyring: /proc/keys is masked by default" {
	make_bundle
	set_args /bin/sh -c 'wc -c < /proc/keys'
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_line_eq "$output" 0
}

@test "keyring: --no-new-keyring keeps the caller's session keyring" {
	keyring_bundle
	set_args /bin/sh -c '/home/keyring; grep " keyring " /proc/keys'
	run berth run --no-new-keyring -b "$BUNDLE" "$ID"
	assert_status 0
	[ "${lines[0]}" = "$HOST_RING" ]
	[ "$(grep -c " keyring  *$ID: " <<<"$output")" = 0 ]
}

@test "keyring: create --no-new-keyring, the containerd flag, does the same" {
	keyring_bundle
	set_args /home/keyring
	detached create --no-new-keyring -b "$BUNDLE" "$ID"
	berth start "$ID"
	wait_until '[ "$(state_of "$ID")" = stopped ]'
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = "$HOST_RING" ]
}

@test "keyring: two containers do not share a keyring" {
	keyring_bundle
	set_args /home/keyring
	a=$(berth run -b "$BUNDLE" "$ID-a")
	b=$(berth run -b "$BUNDLE" "$ID-b")
	[ "${a%% *}" != "${b%% *}" ]
	[ "${a##*;}" = "$ID-a" ]
	[ "${b##*;}" = "$ID-b" ]
}

@test "keyring: an exec'd process does not get its caller's session keyring" {
	keyring_bundle
	set_args /bin/sleep 1000
	detached run -d -b "$BUNDLE" "$ID"
	run berth exec "$ID" /home/keyring
	assert_status 0
	[ "$output" != "$HOST_RING" ]
}

@test "keyring: exec into a container created with --no-new-keyring keeps the caller's" {
	keyring_bundle
	set_args /bin/sleep 1000
	"$BERTH" --root "$ROOT" run -d --no-new-keyring -b "$BUNDLE" "$ID" >/dev/null 2>&1 </dev/null
	run berth exec "$ID" /home/keyring
	assert_status 0
	assert_line_eq "$output" "$HOST_RING"
}
