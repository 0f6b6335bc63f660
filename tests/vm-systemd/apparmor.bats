#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# process.apparmorProfile and `exec --apparmor` on a kernel with AppArmor
# (the Debian kernel this VM boots; this host's has none): the user's
# process runs confined by the profile, berth's own steps do not, and a
# /proc the container provides cannot swallow the label.

load ../bats/helpers
load ../bats/lib/cli

export WAIT_FOR_SECONDS=60

setup_file() {
	export PROFILE=berth-test-$$
	if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ]; then
		echo "AppArmor is not enabled in this kernel: run me in tests/vm/vm-run --systemd" >&2
		return 1
	fi
	# everything but writing /tmp/denied
	cat >"$BATS_FILE_TMPDIR/profile" <<-EOF
		profile $PROFILE flags=(attach_disconnected,mediate_deleted) {
		  file,
		  capability,
		  network,
		  signal,
		  unix,
		  ptrace,
		  mount,
		  umount,
		  pivot_root,
		  deny /tmp/denied w,
		}
	EOF
	apparmor_parser -r "$BATS_FILE_TMPDIR/profile"
}

teardown_file() {
	apparmor_parser -R "$BATS_FILE_TMPDIR/profile" 2>/dev/null || true
}

teardown() {
	local id
	for id in $(berth list -q 2>/dev/null); do
		berth delete --force "$id" >/dev/null 2>&1 || true
	done
	assert_no_leaks
}

@test "process.apparmorProfile: the process runs confined by it, and the profile's rules hold" {
	make_bundle ".process.apparmorProfile = \"$PROFILE\" |
		.mounts += [{destination: \"/tmp\", type: \"tmpfs\", source: \"tmpfs\"}]"
	set_args /bin/sh -c 'cat /proc/self/attr/current; echo x > /tmp/allowed && echo allowed-ok; echo x > /tmp/denied'
	run berth run -b "$BUNDLE" "$ID"
	assert_contains "$PROFILE (enforce)"
	assert_contains allowed-ok
	assert_contains "can't create /tmp/denied: Permission denied"
}

@test "exec --apparmor confines the exec'd process and leaves the init as it was" {
	sleeper
	run berth exec --apparmor "$PROFILE" "$ID" cat /proc/self/attr/current
	assert_status 0
	[ "$output" = "$PROFILE (enforce)" ]
	[ "$(cat "/proc/$(init_pid)/attr/current")" = unconfined ]
}

@test "exec runs under the container's profile when the config has one" {
	sleeper ".process.apparmorProfile = \"$PROFILE\""
	[ "$(cat "/proc/$(init_pid)/attr/current")" = "$PROFILE (enforce)" ]
	run berth exec "$ID" cat /proc/self/attr/current
	[ "$output" = "$PROFILE (enforce)" ]
}

@test "a /proc the config replaces with a tmpfs does not take the label: the init is confined, seen from the host" {
	sleeper ".process.apparmorProfile = \"$PROFILE\" |
		.mounts = [.mounts[] | if .destination == \"/proc\" then {destination: \"/proc\", type: \"tmpfs\", source: \"tmpfs\"} else . end] |
		.linux.maskedPaths = [] | .linux.readonlyPaths = []"
	[ "$(cat "/proc/$(init_pid)/attr/current")" = "$PROFILE (enforce)" ]
}

@test "a profile that is not loaded is refused before anything is made, naming it" {
	make_bundle '.process.apparmorProfile = "no-such-profile"'
	set_args /bin/true
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains 'process.apparmorProfile "no-such-profile": no such AppArmor profile is loaded'
	assert_root_empty
	sleeper
	run berth exec --apparmor no-such-profile "$ID" /bin/true
	assert_status 1
	assert_contains '--apparmor "no-such-profile": no such AppArmor profile is loaded'
}

@test "unconfined is a profile too" {
	make_bundle '.process.apparmorProfile = "unconfined"'
	set_args cat /proc/self/attr/current
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "$output" = unconfined ]
}
