#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# features: the runtime-spec features document.  Every claim must be
# true: what is listed works, what berth cannot do is not listed.

load helpers
load lib/cli

setup_file() {
	FEATURES=$BATS_FILE_TMPDIR/features.json
	export FEATURES
	"$BERTH" features > "$FEATURES"
}

feat() {
	jq -r "$1" "$FEATURES"
}

# the kernel's capability numbers, for checking CapEff bit by bit
CAPS=(CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP
	LINUX_IMMUTABLE NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK
	IPC_OWNER SYS_MODULE SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT SYS_ADMIN
	SYS_BOOT SYS_NICE SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD LEASE AUDIT_WRITE
	AUDIT_CONTROL SETFCAP MAC_OVERRIDE MAC_ADMIN SYSLOG WAKE_ALARM BLOCK_SUSPEND
	AUDIT_READ PERFMON BPF CHECKPOINT_RESTORE)

cap_bit() {
	local i
	for i in "${!CAPS[@]}"; do
		[ "CAP_${CAPS[$i]}" = "$1" ] && { echo "$i"; return; }
	done
	echo "unknown capability $1" >&2
	return 1
}

# try_config JQ-FILTER: run `true` with the default bundle edited
try_config() {
	make_bundle "$1"
	set_args /bin/true
	run berth run -b "$BUNDLE" "$ID"
}

@test "features: valid JSON, needing no global flags, with the version range" {
	run env -i "$BERTH" features
	assert_status 0
	jq -e 'type == "object"' <<<"$output" >/dev/null
	[ "$(feat .ociVersionMin)" = 1.0.0 ]
	spec_version=$("$BERTH" --version | sed -n 's/^spec: //p')
	[ "$(feat .ociVersionMax)" = "$spec_version" ]
}

@test "features: the six hooks" {
	[ "$(feat '.hooks | join(",")')" = \
		"prestart,createRuntime,createContainer,startContainer,poststart,poststop" ]
}

@test "features: the eight namespaces, each of which really is created" {
	[ "$(feat '.linux.namespaces | sort | join(",")')" = "cgroup,ipc,mount,network,pid,time,user,uts" ]
	make_bundle '.linux.namespaces = [] | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	for t in $(feat '.linux.namespaces[]'); do
		edit_config ".linux.namespaces += [{\"type\": \"$t\"}]"
	done
	set_args /bin/sh -c 'for n in cgroup ipc mnt net pid time user uts; do echo "$n $(readlink /proc/self/ns/$n)"; done'
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "${#lines[@]}" = 8 ]
	for line in "${lines[@]}"; do
		set -- $line
		[ "$2" != "$(readlink "/proc/self/ns/$1")" ] || { echo "$1 is the host's" >&2; false; }
	done
}

@test "features: the capabilities are every one the kernel knows, in order" {
	last=$(cat /proc/sys/kernel/cap_last_cap)
	[ "$(feat '.linux.capabilities | length')" = $((last + 1)) ]
	for i in $(seq 0 "$last"); do
		[ "$(feat ".linux.capabilities[$i]")" = "CAP_${CAPS[$i]}" ]
	done
}

@test "features: every capability it lists (that the host has) can be granted" {
	host_bnd=$(awk '/^CapBnd:/ {print $2}' /proc/self/status)
	want=()
	expect=0
	for c in $(feat '.linux.capabilities[]'); do
		bit=$(cap_bit "$c")
		if capeff_has "$host_bnd" "$bit"; then
			want+=("$c")
			expect=$((expect | (1 << bit)))
		fi
	done
	json=$(printf '%s\n' "${want[@]}" | jq -R . | jq -cs .)
	make_bundle ".process.capabilities = {\"bounding\": $json, \"effective\": $json, \"permitted\": $json}"
	set_args /bin/sh -c 'grep -E "^Cap(Eff|Bnd):" /proc/self/status'
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	eff=$(awk '/CapEff/ {print $2}' <<<"$output")
	[ $((16#$eff)) = "$expect" ] || { echo "CapEff $eff, expected $(printf %016x "$expect")" >&2; false; }
}

@test "features: cgroup v2, v1 and both systemd drivers; where systemd is not init, --systemd-cgroup says so and leaves nothing" {
	[ "$(feat '.linux.cgroup | [.v1, .v2, .systemd, .systemdUser] | map(tostring) | join(",")')" = "true,true,true,true" ]
	[ -d /run/systemd/system ] && skip "systemd is init here: tests/vm/systemd.bats covers it"
	make_bundle
	set_args /bin/true
	for flag in --systemd-cgroup "--cgroup-manager=systemd"; do
		run "$BERTH" --root "$ROOT" $flag run -b "$BUNDLE" "$ID"
		assert_status 1
		assert_error_eq "cgroup: systemd cgroup driver: systemd is not running as init here (no /run/systemd/system), so no manager can make the container's scope"
		assert_root_empty
	done
	[ -z "$(find /sys/fs/cgroup -maxdepth 3 -name "*$ID*" 2>/dev/null)" ]
}

@test "features: AppArmor is applied where the kernel has it, and refused naming the field on this host; SELinux and Intel RDT are disabled" {
	[ "$(feat '.linux.apparmor.enabled')" = true ]
	[ "$(feat '.linux.selinux.enabled')" = false ]
	[ "$(feat '.linux.intelRdt.enabled')" = false ]
	try_config '.process.apparmorProfile = "docker-default"'
	assert_status 1
	assert_contains 'config.json: process.apparmorProfile "docker-default": AppArmor is not enabled on this host'
	sleeper
	run berth exec --apparmor docker-default "$ID" /bin/true
	assert_status 1
	assert_contains '--apparmor "docker-default": AppArmor is not enabled on this host'
	berth delete --force "$ID"
	try_config '.process.selinuxLabel = "system_u:system_r:container_t:s0"'
	assert_status 1
	assert_contains "SELinux is not enabled on this host"
	try_config '.linux.intelRdt = {"closID": "x"}'
	assert_status 1
	assert_contains "linux.intelRdt: not supported by berth"
	assert_root_empty
}

@test "features: idmapped mounts are enabled as root, and an idmapped bind mount works" {
	[ "$(feat '.linux.mountExtensions.idmap.enabled')" = true ]
	mkdir -p "$BATS_TEST_TMPDIR/m"
	try_config ".mounts += [{\"destination\": \"/home\", \"type\": \"bind\", \"source\": \"$BATS_TEST_TMPDIR/m\",
		\"options\": [\"rbind\"], \"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}],
		\"gidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}]}]"
	assert_status 0
}

@test "features: SCMP_ACT_NOTIFY is claimed, and a profile using it needs a listener" {
	[ "$(feat '.linux.seccomp.actions | index("SCMP_ACT_NOTIFY")')" != null ]
	try_config ".linux.seccomp = {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"$BATS_TEST_TMPDIR/nope.sock\",
		\"syscalls\": [{\"names\": [\"acct\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}"
	assert_status 1
	assert_contains "linux.seccomp.listenerPath '$BATS_TEST_TMPDIR/nope.sock': connect"
	assert_root_empty
}

@test "features: seccomp is enabled and every listed action is accepted" {
	[ "$(feat .linux.seccomp.enabled)" = true ]
	for a in $(feat '.linux.seccomp.actions[]'); do
		# a listener is another test's (seccomp-notify.bats)
		[ "$a" != SCMP_ACT_NOTIFY ] || continue
		try_config ".linux.seccomp = {\"defaultAction\": \"SCMP_ACT_ALLOW\",
			\"syscalls\": [{\"names\": [\"acct\"], \"action\": \"$a\"}]}"
		[ "$status" = 0 ] || { echo "action $a: $output" >&2; false; }
	done
}

@test "features: SCMP_ACT_ERRNO really denies the syscall" {
	make_bundle '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}'
	set_args /bin/sh -c 'mkdir /dev/shm/x 2>&1; echo "rc=$?"'
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_contains "Operation not permitted"
	assert_contains "rc=1"
}

@test "features: every listed seccomp operator is accepted" {
	for op in $(feat '.linux.seccomp.operators[]'); do
		try_config ".linux.seccomp = {\"defaultAction\": \"SCMP_ACT_ALLOW\",
			\"syscalls\": [{\"names\": [\"acct\"], \"action\": \"SCMP_ACT_ERRNO\",
			\"args\": [{\"index\": 0, \"value\": 1, \"valueTwo\": 1, \"op\": \"$op\"}]}]}"
		[ "$status" = 0 ] || { echo "operator $op: $output" >&2; false; }
	done
}

# libseccomp cannot put architectures of both byte orders in one filter
BIG_ENDIAN_ARCHS=" SCMP_ARCH_MIPS SCMP_ARCH_MIPS64 SCMP_ARCH_MIPS64N32 SCMP_ARCH_PPC SCMP_ARCH_PPC64 SCMP_ARCH_S390 SCMP_ARCH_S390X "

@test "features: every listed little-endian seccomp architecture is accepted" {
	for arch in $(feat '.linux.seccomp.archs[]'); do
		[[ "$BIG_ENDIAN_ARCHS" == *" $arch "* ]] && continue
		try_config ".linux.seccomp = {\"defaultAction\": \"SCMP_ACT_ALLOW\",
			\"architectures\": [\"SCMP_ARCH_X86_64\", \"$arch\"],
			\"syscalls\": [{\"names\": [\"acct\"], \"action\": \"SCMP_ACT_ERRNO\"}]}"
		[ "$status" = 0 ] || { echo "architecture $arch: $output" >&2; false; }
	done
}

@test "features: a listed architecture this host's filter cannot hold is refused naming it" {
	for arch in $(feat '.linux.seccomp.archs[]'); do
		[[ "$BIG_ENDIAN_ARCHS" == *" $arch "* ]] || continue
		try_config ".linux.seccomp = {\"defaultAction\": \"SCMP_ACT_ALLOW\",
			\"architectures\": [\"SCMP_ARCH_X86_64\", \"$arch\"],
			\"syscalls\": [{\"names\": [\"acct\"], \"action\": \"SCMP_ACT_ERRNO\"}]}"
		assert_status 1
		assert_contains "$arch"
		assert_root_empty
	done
}

@test "features: every supported seccomp flag is accepted and the known list contains them" {
	for f in $(feat '.linux.seccomp.supportedFlags[]'); do
		[ "$(feat ".linux.seccomp.knownFlags | index(\"$f\")")" != null ]
		try_config ".linux.seccomp = {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": [\"$f\"],
			\"syscalls\": [{\"names\": [\"acct\"], \"action\": \"SCMP_ACT_ERRNO\"}]}"
		[ "$status" = 0 ] || { echo "flag $f: $output" >&2; false; }
	done
}

@test "features: the libseccomp version annotation is the installed library's" {
	installed=$(dpkg-query -W -f '${Version}' libseccomp2 | sed 's/-.*//')
	[ "$(feat '.annotations["io.github.seccomp.libseccomp.version"]')" = "$installed" ]
	[ "$(feat '.annotations["org.berth.version"]')" = "$(cat "$REPO/VERSION")" ]
}

@test "features: every listed mount option is accepted on a tmpfs or a bind mount" {
	mkdir -p "$BATS_TEST_TMPDIR/m"
	failed=()
	for opt in $(feat '.mountOptions[]'); do
		# they need mappings: idmap.bats
		[ "$opt" != idmap ] && [ "$opt" != ridmap ] || continue
		try_config ".mounts += [{\"destination\": \"/home\", \"type\": \"tmpfs\", \"source\": \"tmpfs\",
			\"options\": [\"$opt\"]}]"
		[ "$status" = 0 ] && continue
		tmpfs_err=$output
		try_config ".mounts += [{\"destination\": \"/home\", \"type\": \"bind\",
			\"source\": \"$BATS_TEST_TMPDIR/m\", \"options\": [\"rbind\", \"$opt\"]}]"
		[ "$status" = 0 ] || failed+=("$opt: tmpfs: $tmpfs_err; bind: $output")
	done
	if [ "${#failed[@]}" != 0 ]; then
		printf '%s\n' "${failed[@]}" >&2
		false
	fi
}

@test "features: mount options take effect (ro, nosuid, nodev, noexec, noatime, nosymfollow)" {
	make_bundle '.mounts += [{"destination": "/home", "type": "tmpfs", "source": "tmpfs",
		"options": ["ro", "nosuid", "nodev", "noexec", "noatime", "nosymfollow"]}]'
	set_args /bin/sh -c 'grep " /home " /proc/self/mountinfo'
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	opts=$(awk '{print $6}' <<<"$output")
	for o in ro nosuid nodev noexec noatime nosymfollow; do
		[[ ",$opts," == *",$o,"* ]] || { echo "$o missing in $opts" >&2; false; }
	done
}

@test "features: rro makes a bind mount read-only recursively" {
	[ "$(feat '.mountOptions | index("rro")')" != null ]
	mkdir -p "$BATS_TEST_TMPDIR/m/sub"
	mount -t tmpfs tmpfs "$BATS_TEST_TMPDIR/m/sub"
	on_teardown "umount '$BATS_TEST_TMPDIR/m/sub'"
	make_bundle ".mounts += [{\"destination\": \"/home\", \"type\": \"bind\",
		\"source\": \"$BATS_TEST_TMPDIR/m\", \"options\": [\"rbind\", \"rro\"]}]"
	set_args /bin/sh -c 'touch /home/sub/f 2>&1; grep " /home/sub " /proc/self/mountinfo'
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_contains "Read-only file system"
	[[ "$(awk '{print $6}' <<<"${lines[-1]}")" =~ (^|,)ro(,|$) ]]
}
