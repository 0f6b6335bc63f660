#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# seccomp: the filter from linux.seccomp is loaded and does what each
# action, errno and argument condition says.  The process gets
# CAP_SYS_ADMIN and CAP_SYS_PTRACE, so that a refused call is refused by
# the filter, not by a missing capability (the first test shows it).

load helpers
load lib/iso

setup_file() {
	# every x86_64 syscall name, for allowlist profiles
	grep -o '^#define __NR_[a-z0-9_]*' /usr/include/x86_64-linux-gnu/asm/unistd_64.h |
		sed 's/#define __NR_//' > "$BATS_FILE_TMPDIR/syscalls"
}

strong_bundle() {
	make_bundle "$@"
	edit_config "$(caps_add CAP_SYS_ADMIN CAP_SYS_PTRACE)"
}

# seccomp JSON: set linux.seccomp
seccomp() {
	edit_config ".linux.seccomp = $1"
}

# allowlist [EXCLUDED...]: default SCMP_ACT_ERRNO, every syscall allowed
# except the excluded ones (docker's shape)
allowlist() {
	local names
	names=$(grep -vxF -f <(printf '%s\n' "$@") "$BATS_FILE_TMPDIR/syscalls" | jq -R . | jq -sc .)
	seccomp "{\"defaultAction\": \"SCMP_ACT_ERRNO\",
		\"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"],
		\"syscalls\": [{\"names\": $names, \"action\": \"SCMP_ACT_ALLOW\"}]}"
}

# block ACTION NAME... : default allow, NAMEs get ACTION
block() {
	local action=$1
	shift
	seccomp "{\"defaultAction\": \"SCMP_ACT_ALLOW\",
		\"syscalls\": [{\"names\": $(caps_json "$@"), \"action\": \"$action\"}]}"
}

probes='probe mount; probe keyctl; probe ptrace; probe unshare-user'

@test "seccomp: without a filter the probed calls succeed (the control)" {
	strong_bundle
	run_sh "$probes; grep ^Seccomp: /proc/self/status"
	assert_status 0
	assert_line_eq "$output" "ok
ok
ok
ok
Seccomp:	0"
}

@test "seccomp: a configured filter shows as Seccomp: 2" {
	strong_bundle
	block SCMP_ACT_ERRNO keyctl
	run_sh 'grep -e ^Seccomp: -e ^Seccomp_filters: -e ^NoNewPrivs: /proc/self/status'
	assert_status 0
	assert_line_eq "$output" "NoNewPrivs:	1
Seccomp:	2
Seccomp_filters:	1"
}

@test "seccomp: a docker-like allowlist blocks mount, keyctl, ptrace and unshare with EPERM" {
	strong_bundle
	allowlist mount keyctl ptrace unshare
	run_sh "$probes"
	assert_status 0
	assert_line_eq "$output" "EPERM
EPERM
EPERM
EPERM"
}

@test "seccomp: errnoRet is the errno the blocked call returns" {
	strong_bundle
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["mount"], "action": "SCMP_ACT_ERRNO", "errnoRet": 19},
		{"names": ["keyctl"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38},
		{"names": ["ptrace"], "action": "SCMP_ACT_ERRNO"}]}'
	run_sh "$probes"
	assert_status 0
	assert_line_eq "$output" "ENODEV
ENOSYS
EPERM
ok"
}

@test "seccomp: defaultErrnoRet is what every call outside the allowlist returns" {
	strong_bundle
	allowlist keyctl mount
	edit_config '.linux.seccomp.defaultErrnoRet = 38'
	run_sh 'probe keyctl; probe mount; probe ptrace'
	assert_status 0
	assert_line_eq "$output" "ENOSYS
ENOSYS
ok"
}

@test "seccomp: SCMP_ACT_KILL kills the process with SIGSYS (exit 159)" {
	strong_bundle
	block SCMP_ACT_KILL keyctl
	set_args probe keyctl
	run berth run -b "$BUNDLE" "$ID"
	assert_status 159
	assert_not_contains ok
}

@test "seccomp: SCMP_ACT_KILL_PROCESS kills the whole process" {
	strong_bundle
	block SCMP_ACT_KILL_PROCESS keyctl
	run_sh 'probe keyctl; echo survived'
	# the shell survives its killed child
	assert_status 0
	assert_line_eq "$output" "Bad system call
survived"
	set_args probe keyctl
	run berth run -b "$BUNDLE" "$ID"
	assert_status 159
}

@test "seccomp: an argument condition allows personality only with the allowed value" {
	strong_bundle
	# docker's rule shape: personality allowed for PER_LINUX (0) and the
	# query 0xffffffff only
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["personality"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
		 "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_NE"}]},
		{"names": ["personality"], "action": "SCMP_ACT_ALLOW",
		 "args": [{"index": 0, "value": 4294967295, "op": "SCMP_CMP_EQ"}]}]}'
	run_sh 'probe personality 0; probe personality 8; probe personality 0x0040000'
	assert_status 0
	assert_line_eq "$output" "ok
EPERM
EPERM"
}

@test "seccomp: SCMP_CMP_MASKED_EQ on clone flags blocks only namespace-creating clones" {
	strong_bundle
	# (flags & value) == valueTwo: CLONE_NEWUSER 0x10000000 and
	# CLONE_NEWNET 0x40000000 refused, any other clone allowed
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["clone"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
		 "args": [{"index": 0, "value": 268435456, "valueTwo": 268435456, "op": "SCMP_CMP_MASKED_EQ"}]},
		{"names": ["clone"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
		 "args": [{"index": 0, "value": 1073741824, "valueTwo": 1073741824, "op": "SCMP_CMP_MASKED_EQ"}]}]}'
	run_sh 'probe clone 0; probe clone 10000000; probe clone 40000000; probe clone 20000'
	assert_status 0
	# 0x20000 is CLONE_NEWNS: allowed by this filter (and by CAP_SYS_ADMIN)
	assert_line_eq "$output" "ok
EPERM
EPERM
ok"
}

# the bundle has noNewPrivileges false: block keyctl and check, inside,
# that the filter is on (Seccomp: 2) without no_new_privs, and holds
assert_keyctl_blocked_without_nnp() {
	block SCMP_ACT_ERRNO keyctl
	run_sh 'grep -e ^NoNewPrivs: -e ^Seccomp: /proc/self/status; probe keyctl'
	assert_status 0
	assert_line_eq "$output" "NoNewPrivs:	0
Seccomp:	2
EPERM"
}

@test "seccomp: with noNewPrivileges false the filter still loads and holds" {
	strong_bundle '.process.noNewPrivileges = false'
	assert_keyctl_blocked_without_nnp
}

@test "seccomp: with noNewPrivileges false and no CAP_SYS_ADMIN the filter still loads" {
	make_bundle '.process.noNewPrivileges = false'
	assert_keyctl_blocked_without_nnp
}

@test "seccomp: processes started with exec get the same filter" {
	strong_bundle
	block SCMP_ACT_ERRNO keyctl
	start_sleeper
	in_ctr sh -c 'grep ^Seccomp: /proc/self/status; probe keyctl'
	assert_status 0
	assert_line_eq "$output" "Seccomp:	2
EPERM"
}

@test "seccomp: syscall names the kernel does not know are skipped" {
	strong_bundle
	block SCMP_ACT_ERRNO no_such_syscall_xyz keyctl
	run_sh 'probe keyctl'
	assert_status 0
	assert_line_eq "$output" EPERM
}

@test "seccomp: SCMP_ACT_NOTIFY with nobody listening on listenerPath fails naming it and leaves nothing" {
	make_bundle
	seccomp "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"$BATS_TEST_TMPDIR/none.sock\",
		\"syscalls\": [{\"names\": [\"keyctl\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}"
	set_args true
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "linux.seccomp.listenerPath '$BATS_TEST_TMPDIR/none.sock': connect: No such file or directory"
	assert_no_state
}

@test "seccomp: an unknown action name is refused clearly and leaves nothing" {
	make_bundle
	block SCMP_ACT_BOGUS keyctl
	set_args true
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains SCMP_ACT_BOGUS
	assert_no_state
}

@test "seccomp: an architecture of the other byte order is refused by name and leaves nothing" {
	make_bundle
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
		"architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_S390X"],
		"syscalls": [{"names": ["keyctl"], "action": "SCMP_ACT_ERRNO"}]}'
	set_args true
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "linux.seccomp.architectures[1]: SCMP_ARCH_S390X has another byte order"
	assert_no_state
}
