#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# berth sandbox limits, on a pure cgroup v2 kernel (tests/vm/vm-run).

load ../bats/helpers

export WAIT_FOR_SECONDS=60

# The job's layers are idmapped to its user namespace (berth's default,
# --userns auto), which the guest's root (overlayfs on 9p) and its tmpfs
# (before Linux 6.3) cannot be: the test rootfs is copied to an ext4 image
# on a loop device, as a host's image store would be on ext4 or xfs.
setup_file() {
	export LOOP_IMG=$BATS_FILE_TMPDIR/rootfs.ext4
	export TEST_ROOTFS=$BATS_FILE_TMPDIR/rootfs
	truncate -s 64M "$LOOP_IMG"
	mkfs.ext4 -q -d "${TEST_ROOTFS_SRC:-$REPO/tests/.cache/rootfs}" "$LOOP_IMG"
	mkdir -p "$TEST_ROOTFS"
	mount -o loop "$LOOP_IMG" "$TEST_ROOTFS"
}

teardown_file() {
	umount "$TEST_ROOTFS"
}

@test "sandbox on kernel 6.1: the job's root is a range of its own, over idmapped layers" {
	mkdir -p "$BATS_TEST_TMPDIR/out"
	chmod 777 "$BATS_TEST_TMPDIR/out"
	run "$BERTH" --root "$ROOT" sandbox --rootfs "$TEST_ROOTFS" -v "$BATS_TEST_TMPDIR/out:/out" -- \
		/bin/sh -c 'awk "{print \$2}" /proc/self/uid_map; ls -nd /bin | awk "{print \$3}"; echo x >/out/f'
	assert_status 0
	[ "${lines[0]}" -ge 100000 ]
	[ "${lines[1]}" = 0 ]
	[ "$(stat -c %u "$BATS_TEST_TMPDIR/out/f")" = "${lines[0]}" ]
}

@test "sandbox --pids contains a fork bomb" {
	run "$BERTH" --root "$ROOT" sandbox --rootfs "$TEST_ROOTFS" --pids 20 \
		--stats "$BATS_TEST_TMPDIR/stats.json" -- /bin/probe forkbomb 500
	made=$(head -n1 <<<"$output")
	[ "$made" -lt 20 ]
	[ "$(jq .pidsPeak "$BATS_TEST_TMPDIR/stats.json")" -le 20 ] ||
		[ "$(jq .pidsPeak "$BATS_TEST_TMPDIR/stats.json")" = null ]
}

@test "sandbox --memory OOM-kills a hog and --stats says so" {
	run "$BERTH" --root "$ROOT" sandbox --rootfs "$TEST_ROOTFS" --memory 32m \
		--stats "$BATS_TEST_TMPDIR/stats.json" -- /bin/probe hog 64
	assert_status 137
	st=$BATS_TEST_TMPDIR/stats.json
	[ "$(jq .exitCode "$st")" = 137 ]
	[ "$(jq .signal "$st")" = 9 ]
	[ "$(jq .oomKills "$st")" -ge 1 ]
	[ "$(jq .memoryPeakBytes "$st")" -gt 16000000 ]
	[ "$(jq .timedOut "$st")" = false ]
}

@test "sandbox --cpus sets cpu.max" {
	run "$BERTH" --root "$ROOT" sandbox --rootfs "$TEST_ROOTFS" --cpus 0.5 -- cat /sys/fs/cgroup/cpu.max
	assert_status 0
	assert_line_eq "$output" "50000 100000"
}

# Linux 6.1 refuses a bind from a detached mount, which the /etc files of
# berth's network came from: every bridged job failed there with EINVAL
@test "sandbox --network bridge on kernel 6.1: the job has its /etc files, from no host path" {
	ns=bt-vmbr-$$
	ip netns add "$ns"
	run nsenter --net="/run/netns/$ns" "$BERTH" --root "$ROOT" sandbox --rootfs "$TEST_ROOTFS" \
		--network bridge --hostname ci-job -- \
		/bin/sh -c 'cat /etc/hostname; grep -c ci-job /etc/hosts; cat /proc/self/mountinfo'
	ip netns del "$ns"
	assert_status 0
	[ "${lines[0]}" = ci-job ]
	[ "${lines[1]}" -ge 1 ]
	assert_not_contains "$ROOT"
	assert_root_empty
}

@test "sandbox rootless on a plain cgroup v2 host, its caller in the root cgroup: the job runs and sees a read-only /sys/fs/cgroup" {
	# no systemd session: the caller is in "/", and the job's /sys holds the
	# host's cgroup2 — a fresh mount of the same root there is EBUSY
	ensure_subid_user berthtest
	[ "$(cat /proc/self/cgroup)" = "0::/" ]
	local top
	top=$(mktemp -d /tmp/berth-rl.XXXXXX)
	chmod 0711 "$top"
	mkdir "$top/w"
	chown berthtest: "$top/w"
	run runuser -u berthtest -- env -u XDG_RUNTIME_DIR HOME=/ "$BERTH" --root "$top/w/state" \
		sandbox --rootfs "$TEST_ROOTFS" -- /bin/sh -c \
		'id -u; grep " /sys/fs/cgroup " /proc/self/mountinfo | tail -1; touch /sys/fs/cgroup/x 2>&1 || echo ro'
	rm -rf "$top"
	assert_status 0
	[ "${lines[0]}" = 0 ]
	assert_contains " /sys/fs/cgroup ro,"
	assert_contains "ro"
}
