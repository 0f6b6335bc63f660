#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# seccomp-profiles: profiles written elsewhere, of every age, run the same
# busybox workload as with no filter at all: a 2014 allow-list (default
# EPERM and default ENOSYS), one that denies getcwd, docker's and podman's
# defaults; with noNewPrivileges true and false, with and without
# CAP_SYS_ADMIN, through run, create+start and exec.  After the filter is
# loaded berth makes only the syscalls runtime/process.c lists, and
# syscalls newer than a profile return ENOSYS (runtime/seccomp_enosys.c).

load helpers
load lib/iso

TOOLS=${TOOLS:-$REPO/build/tests/tools}
WORKLOAD='cd /tmp && ls / && cat /etc/passwd && sleep 0.1 & wait'
DOCKER_PROFILE=/usr/share/gocode/src/github.com/docker/docker/profiles/seccomp/default.json
PODMAN_PROFILE=/usr/share/containers/seccomp.json
# what berth may call once a filter is loaded (runtime/process.c)
AFTER_LOAD='["capset", "prctl", "setgroups", "setresgid", "setresuid", "fchdir", "execve"]'

setup_file() {
	[ "$(uname -m)" = x86_64 ] || skip "x86_64 syscall numbers"
	# the x86_64 syscalls Linux had at the end of 2014 (3.18: up to bpf)
	grep -o '^#define __NR_[a-z0-9_]* [0-9]*' /usr/include/x86_64-linux-gnu/asm/unistd_64.h |
		awk '$3 <= 321 {sub("__NR_", "", $2); print $2}' | jq -R . | jq -sc . \
		> "$BATS_FILE_TMPDIR/2014.json"
	grep -o '^#define __NR_[a-z0-9_]*' /usr/include/x86_64-linux-gnu/asm/unistd_64.h |
		sed 's/#define __NR_//' | jq -R . | jq -sc . > "$BATS_FILE_TMPDIR/all.json"
}

# profile NAMES-JSON [JQ]: an allow-list profile, default EPERM, the
# three x86 architectures, then JQ applied to it
profile() {
	jq -n --argjson names "$1" "{\"defaultAction\": \"SCMP_ACT_ERRNO\",
		\"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"],
		\"syscalls\": [{\"names\": \$names, \"action\": \"SCMP_ACT_ALLOW\"}]} | ${2:-.}"
}

# oci_profile FILE: a docker/podman (moby format) profile as docker and
# podman hand it to the runtime, for x86_64 and the bundle's capabilities
oci_profile() {
	local caps
	caps=$(jq -c '.process.capabilities.bounding' "$BUNDLE/config.json")
	jq --argjson caps "$caps" '
		def has_all($want): ($want // []) - $caps == [];
		{defaultAction, defaultErrnoRet,
		 architectures: [.archMap[] | select(.architecture == "SCMP_ARCH_X86_64")
			| [.architecture] + .subArchitectures] | add,
		 syscalls: [.syscalls[]
			| select((.includes.arches // ["amd64"]) | index("amd64"))
			| select((.excludes.arches // []) | index("amd64") | not)
			| select(has_all(.includes.caps))
			| select(((.excludes.caps // []) - $caps) == (.excludes.caps // []))
			| {names, action} + (if .args then {args} else {} end)
				+ (if .errnoRet then {errnoRet} else {} end)]}
		| with_entries(select(.value != null))' "$1"
}

# with_profile JSON: the bundle's linux.seccomp
with_profile() {
	edit_config ".linux.seccomp = $1"
}

# expected: the workload's output without any filter
expected_output() {
	make_bundle
	sh_in "$WORKLOAD"
	assert_status 0
	EXPECTED=$output
}

# run_workload MODE: the workload through run, create+start or exec;
# its output in $output, berth's status in $status
run_workload() {
	case $1 in
	run)
		sh_in "$WORKLOAD"
		;;
	create)
		args /bin/sh -c "$WORKLOAD"
		detached create -b "$BUNDLE" "$ID" || return 1
		berth start "$ID" || return 1
		wait_until '[ "$(state_of "$ID")" = stopped ]'
		output=$(cat "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/err")
		status=0
		berth delete "$ID"
		;;
	exec)
		start_sleeper || return 1
		in_ctr /bin/sh -c "$WORKLOAD"
		berth delete --force "$ID"
		;;
	esac
}

# matrix PROFILE-JSON: every mode, noNewPrivileges true and false, with
# and without CAP_SYS_ADMIN: the workload's output as without a filter
matrix() {
	local nnp cap mode failed=()
	for nnp in true false; do
		for cap in without with; do
			for mode in run create exec; do
				make_bundle ".process.noNewPrivileges = $nnp"
				[ "$cap" = without ] || edit_config "$(caps_add CAP_SYS_ADMIN)"
				with_profile "$1"
				run_workload "$mode"
				if [ "$status" != 0 ] || [ "$output" != "$EXPECTED" ]; then
					failed+=("noNewPrivileges $nnp, $cap CAP_SYS_ADMIN, $mode: status $status: $output")
				fi
			done
		done
	done
	if [ "${#failed[@]}" != 0 ]; then
		printf '%s\n' "${failed[@]}" >&2
		return 1
	fi
}

@test "seccomp profiles: a 2014 allow-list with default EPERM runs the workload in every mode" {
	expected_output
	matrix "$(profile "$(cat "$BATS_FILE_TMPDIR/2014.json")")"
}

@test "seccomp profiles: a 2014 allow-list with default ENOSYS runs the workload in every mode" {
	expected_output
	matrix "$(profile "$(cat "$BATS_FILE_TMPDIR/2014.json")" '.defaultErrnoRet = 38')"
}

@test "seccomp profiles: a profile that denies getcwd runs the workload in every mode" {
	expected_output
	matrix "$(profile "$(jq -c '. - ["getcwd"]' "$BATS_FILE_TMPDIR/all.json")")"
}

@test "seccomp profiles: docker's default profile runs the workload in every mode" {
	[ -f "$DOCKER_PROFILE" ] || skip "no $DOCKER_PROFILE (golang-github-docker-docker-dev)"
	expected_output
	make_bundle
	matrix "$(oci_profile "$DOCKER_PROFILE")"
}

@test "seccomp profiles: podman's default profile runs the workload in every mode" {
	[ -f "$PODMAN_PROFILE" ] || skip "no $PODMAN_PROFILE (golang-github-containers-common)"
	expected_output
	make_bundle
	matrix "$(oci_profile "$PODMAN_PROFILE")"
}

@test "seccomp profiles: the getcwd-denying profile really denies getcwd to the process" {
	make_bundle
	with_profile "$(profile "$(jq -c '. - ["getcwd"]' "$BATS_FILE_TMPDIR/all.json")")"
	edit_config '.process.cwd = "/tmp"'
	sh_in 'probe cwd'
	assert_status 0
	assert_line_eq "$output" EPERM
}

@test "seccomp profiles: syscalls newer than the profile return ENOSYS, those it skips the default EPERM" {
	make_bundle
	with_profile "$(profile "$(jq -c '. - ["getppid"]' "$BATS_FILE_TMPDIR/2014.json")")"
	# execveat (322, 2015), openat2 (437), clone3 (435): unknown to the profile
	sh_in 'probe syscall 322; probe syscall 437; probe syscall 435; probe syscall 110'
	assert_status 0
	assert_line_eq "$output" "ENOSYS
ENOSYS
ENOSYS
EPERM"
}

@test "seccomp profiles: the ENOSYS rule does not touch a default-allow profile's newer syscalls" {
	make_bundle
	with_profile '{"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["getppid"], "action": "SCMP_ACT_ERRNO"}]}'
	# pidfd_open (434) of a bad pid: the kernel's own answer, not the filter's
	sh_in 'probe syscall 434; probe syscall 110'
	assert_status 0
	assert_line_eq "$output" "EINVAL
EPERM"
}

@test "seccomp profiles: features says syscalls newer than a profile return ENOSYS" {
	run "$BERTH" features
	assert_status 0
	[ "$(jq -r '.annotations["org.berth.seccomp.newerSyscalls"]' <<<"$output")" = ENOSYS ]
}

# only_after_load MODE NNP: a profile of nothing but AFTER_LOAD and
# exit_group, default errno 42; exit42 (one exit_group) exits 42
only_after_load() {
	[ -x "$TOOLS/exit42" ] || { echo "no $TOOLS/exit42 (run make test-tools)" >&2; return 1; }
	make_bundle ".process.noNewPrivileges = $2"
	add_mount "{\"destination\": \"/home/exit42\", \"type\": \"bind\", \"source\": \"$TOOLS/exit42\", \"options\": [\"bind\", \"ro\"]}"
	with_profile "$(profile "$AFTER_LOAD" '.syscalls[0].names += ["exit_group"] | .defaultErrnoRet = 42')"
	args /home/exit42
	case $1 in
	run) run berth run -b "$BUNDLE" "$ID" ;;
	create)
		detached create -b "$BUNDLE" "$ID"
		run berth start "$ID"
		assert_status 0
		wait_until '[ "$(state_of "$ID")" = stopped ]'
		run cat "$BATS_TEST_TMPDIR/err"
		[ -z "$output" ]
		run berth delete "$ID"
		;;
	esac
}

@test "seccomp profiles: after the filter is loaded berth makes only the syscalls it lists (filter first: no noNewPrivileges, no CAP_SYS_ADMIN)" {
	only_after_load run false
	assert_status 42
	[ -z "$output" ] || { echo "berth said: $output" >&2; false; }
	only_after_load create false
}

@test "seccomp profiles: after the filter is loaded berth makes only the syscalls it lists (filter last: noNewPrivileges)" {
	only_after_load run true
	assert_status 42
	[ -z "$output" ] || { echo "berth said: $output" >&2; false; }
	only_after_load create true
}

@test "seccomp profiles: without the listed syscalls berth cannot start (the list is needed, not just enough)" {
	only_after_load run false
	assert_status 42
	edit_config '.linux.seccomp.syscalls[0].names -= ["setresuid"]'
	run berth run -b "$BUNDLE" "$ID"
	# setresuid fails, so exit42 never runs; the error text itself
	# cannot reach berth, as that would take a sendmsg the profile denies
	# (the status is the init's: 1, or an ASan build's own)
	[ "$status" != 42 ] && [ "$status" != 0 ]
}
