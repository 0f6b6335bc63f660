#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# seccomp-x32: on a kernel that runs no x32 syscall (built without the
# x32 ABI, or booted with it off) every x32 number answers ENOSYS,
# whatever a filter lets through.  A profile that lists SCMP_ARCH_X32
# under an errno default action is then loaded without its x32 section
# (a third of a Docker-sized program), and the ENOSYS stub answers every
# x32 call as the kernel would (runtime/seccomp_enosys.c).  A profile
# that kills keeps it.  tests/tools/x32call makes the x32 calls; each test
# first asks the host kernel, and checks the other way round on a kernel
# that does run x32.

load helpers
load lib/iso

TOOLS=${TOOLS:-$REPO/build/tests/tools}
X32_GETPID=39 # x32 numbers are x86_64's with bit 30 set, up to 511
X32_MOUNT=165

setup_file() {
	[ "$(uname -m)" = x86_64 ] || skip "x32 is an x86_64 ABI"
	[ -x "$TOOLS/x32call" ] || { echo "no $TOOLS/x32call (run make test-tools)" >&2; return 1; }
	grep -o '^#define __NR_[a-z0-9_]*' /usr/include/x86_64-linux-gnu/asm/unistd_64.h |
		sed 's/#define __NR_//' > "$BATS_FILE_TMPDIR/syscalls"
}

# the host kernel runs x32 syscalls (berth is under no filter here)
host_runs_x32() {
	! "$TOOLS/x32call" $X32_GETPID | grep -q "errno=38"
}

# docker's shape: default ACTION (errno EPERM unless given), the three x86
# architectures, every syscall allowed but mount (which gets MOUNT_ACTION,
# when given)
docker_shaped() {
	local names action=${1:-SCMP_ACT_ERRNO} mount_rule=""
	names=$(grep -vx mount "$BATS_FILE_TMPDIR/syscalls" | jq -R . | jq -sc .)
	[ -z "${2:-}" ] || mount_rule=", {\"names\": [\"mount\"], \"action\": \"$2\"}"
	make_bundle "$(caps_add CAP_SYS_ADMIN)"
	edit_config ".linux.seccomp = {\"defaultAction\": \"$action\",
		\"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"],
		\"syscalls\": [{\"names\": $names, \"action\": \"SCMP_ACT_ALLOW\"}$mount_rule]}"
	bind_mount "$TOOLS/x32call" /x32call ro bind
}

# dberth ARGS...: berth with a debug log in $LOG
dberth() {
	"$BERTH" --root "$ROOT" --debug --log "$LOG" "$@"
}

@test "seccomp-x32: without x32 in the kernel, the profile's x32 section is left out and every x32 call answers ENOSYS" {
	LOG=$BATS_TEST_TMPDIR/log
	docker_shaped
	set_args /bin/sh -c "/x32call $X32_GETPID; /x32call $X32_MOUNT; /bin/probe mount"
	run dberth run -b "$BUNDLE" "$ID"
	assert_status 0
	if host_runs_x32; then
		# the section is kept: the profile's own answers
		assert_contains "errno=0"
		assert_contains "ret=-1 errno=1"
		! grep -q "x32 left out" "$LOG"
		return
	fi
	# getpid is allowed and mount is not: the kernel's ENOSYS for both,
	# where the x32 section answered mount EPERM
	assert_line_eq "$(sed -n 1p <<<"$output")" "ret=-1 errno=38"
	assert_line_eq "$(sed -n 2p <<<"$output")" "ret=-1 errno=38"
	# the native mount is still the profile's EPERM
	assert_line_eq "$(sed -n 3p <<<"$output")" "EPERM"
	grep -q "seccomp: filter .* compiled (.* instructions; x32 left out: this kernel runs no x32 syscall)" "$LOG"
}

@test "seccomp-x32: the filter without x32 is a third shorter than the same profile's with it" {
	host_runs_x32 && skip "this kernel runs x32 syscalls: the section is kept (the test above checks it)"
	LOG=$BATS_TEST_TMPDIR/log
	docker_shaped
	set_args /bin/true
	run dberth run -b "$BUNDLE" "$ID"
	assert_status 0
	without=$(grep -o "compiled ([0-9]*" "$LOG" | tr -dc 0-9)
	# the same profile under a killing default keeps its x32 section
	: >"$LOG"
	docker_shaped SCMP_ACT_KILL_PROCESS
	set_args /bin/true
	run dberth run -b "$BUNDLE" "$ID"
	assert_status 0
	with=$(grep -o "compiled ([0-9]*" "$LOG" | tr -dc 0-9)
	! grep -q "x32 left out" "$LOG"
	[ "$without" -gt 0 ] && [ "$with" -gt 0 ]
	[ $((without * 100 / with)) -le 80 ]
}

@test "seccomp-x32: a profile whose default kills keeps its x32 section: an x32 call it does not allow is still killed" {
	docker_shaped SCMP_ACT_KILL_PROCESS
	set_args /bin/sh -c "/x32call $X32_GETPID; /x32call $X32_MOUNT; echo after"
	run berth run -b "$BUNDLE" "$ID"
	# getpid is allowed: the kernel's answer; mount kills the process
	# (the shell says so and goes on)
	assert_line_eq "$(sed -n 2p <<<"$output")" "Bad system call"
	assert_line_eq "$(sed -n 3p <<<"$output")" "after"
	if host_runs_x32; then
		assert_contains "errno=0"
	else
		assert_contains "ret=-1 errno=38"
	fi
}

@test "seccomp-x32: a profile with a rule that kills keeps its x32 section too, under an errno default" {
	docker_shaped SCMP_ACT_ERRNO SCMP_ACT_KILL_PROCESS
	set_args /bin/sh -c "/x32call $X32_MOUNT; echo after"
	run berth run -b "$BUNDLE" "$ID"
	assert_line_eq "$(sed -n 1p <<<"$output")" "Bad system call"
	assert_line_eq "$(sed -n 2p <<<"$output")" "after"
}

@test "seccomp-x32: a sandbox job's x32 calls answer ENOSYS, the ones its profile refuses included" {
	LOG=$BATS_TEST_TMPDIR/log
	host_runs_x32 && skip "this kernel runs x32 syscalls: the sandbox's x32 section is kept"
	mkdir -p "$BATS_TEST_TMPDIR/tools"
	cp "$TOOLS/x32call" "$BATS_TEST_TMPDIR/tools/"
	run dberth sandbox --rootfs "$TEST_ROOTFS" -v "$BATS_TEST_TMPDIR/tools:/t:ro" -- \
		/bin/sh -c "/t/x32call $X32_GETPID; /t/x32call $X32_MOUNT"
	assert_status 0
	# mount is on the sandbox's EPERM list
	assert_line_eq "$output" "ret=-1 errno=38
ret=-1 errno=38"
	grep -q "x32 left out" "$LOG"
}
