#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# berth sandbox: host paths are not shown to the job — no component of
# an image layer's path, of the state root or of a network file's source
# appears in the job's /proc/self/mountinfo.  The bridge test runs in a
# network namespace the test creates; the host's interfaces are never
# touched.

load helpers

# the path's components of 4 characters or more ("tmp" or "run" would
# match anything), each as it would follow a '/': none may appear in
# mountinfo
assert_no_component_of() {
	local c
	for c in $(tr / '\n' <<<"$1"); do
		[ "${#c}" -ge 4 ] || continue
		if grep -qF -- "/$c" <<<"$output"; then
			echo "mountinfo shows '$c' of '$1':" >&2
			grep -F -- "/$c" <<<"$output" >&2
			return 1
		fi
	done
}

@test "sandbox paths: the image layers' host paths are not in the job's mountinfo" {
	layer=$BATS_TEST_TMPDIR/layers/secret-layer-name
	mkdir -p "$layer"
	echo hi >"$layer/extra"
	run "$BERTH" --root "$ROOT" sandbox --image "$TEST_ROOTFS" --image "$layer" -- \
		/bin/sh -c 'cat /extra; cat /proc/self/mountinfo'
	assert_status 0
	assert_contains "hi"
	assert_no_component_of "$layer"
	assert_no_component_of "$TEST_ROOTFS"
	assert_no_component_of "$ROOT"
}

@test "sandbox paths: with --network bridge, /etc/hosts and the others come from no host path" {
	ns=bt-sbp-$$-$BATS_SUITE_TEST_NUMBER
	ip netns add "$ns"
	links_before=$(ip -o link | awk '{print $2}' | sort)
	run nsenter --net="/run/netns/$ns" "$BERTH" --root "$ROOT" sandbox --rootfs "$TEST_ROOTFS" \
		--network bridge --hostname ci-job -- \
		/bin/sh -c 'cat /etc/hostname; grep -c ci-job /etc/hosts; echo "1.2.3.4 extra" >> /etc/hosts && echo appended; cat /proc/self/mountinfo'
	ip netns del "$ns"
	[ "$(ip -o link | awk '{print $2}' | sort)" = "$links_before" ]
	assert_status 0
	assert_contains "ci-job"
	assert_contains "appended"
	assert_no_component_of "$ROOT"
	assert_no_component_of "$TEST_ROOTFS"
}
