#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# tests/vm/selftest-systemd.sh — proves `vm-run --systemd`: a VM whose PID 1
# is systemd on a pure cgroup v2 hierarchy with the system bus up.
#
# Run by `make vm-selftest-systemd` on the host (root), after `make
# vm-selftest` has proved the runner itself.  One VM at a time.  Checks,
# each against a real effect, and prints the measurements the project
# quotes:
#   - boot to command (the guest's uptime when the command starts, and the
#     host's wall time to its first line) and whole run, 5 warm runs
#   - inside: PID 1 is systemd, the system is "running" (or "degraded",
#     with the failed units shown), cgroup2 only with memory and pids,
#     busctl reaches the system bus, a MemoryMax=64M scope gets memory.max
#     67108864 and OOM-kills a hog, a test's own unit and a transient one
#     run, podman/docker/containerd are masked, module autoload, /tmp
#   - exit statuses come back, stdout and stderr stay apart, VM_PASS_ENV,
#     the caller's cwd and --out shares (under /tmp too) work
#   - a boot that fails into emergency mode ends at once as a boot failure
#     (251); with VM_SELFTEST_SLOW=1 also a boot that never starts the
#     command (the 120 s watchdog)
#
# `selftest-systemd.sh --guest` is the part that runs inside the VM.
# Guest-side scripts are single-quoted on purpose: they expand in the VM.
# shellcheck disable=SC2016
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
vmrun=$here/vm-run

failures=0
ok() { echo "ok   $*"; }
not_ok() {
	echo "FAIL $*"
	failures=$((failures + 1))
}
# check NAME CMD...: ok if CMD succeeds.
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}
# verdict NAME STATUS: for compound conditions, `cond && cond; verdict ... $?`.
verdict() {
	if [ "$2" = 0 ]; then ok "$1"; else not_ok "$1"; fi
}
metric() { printf 'metric %-40s %s\n' "$1" "$2"; }
now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="${2:-$(now)}" 'BEGIN { printf "%.2f", b - a }'; }

# ---- inside the VM ------------------------------------------------------

guest_systemd() {
	local exe state
	exe=$(readlink /proc/1/exe)
	echo "    PID 1: $exe ($(systemctl --version | head -n1))"
	check "PID 1 is systemd" [ "${exe##*/}" = systemd ]
	state=$(systemctl is-system-running)
	echo "    is-system-running: $state"
	[ "$state" = running ] || systemctl --failed --no-pager | sed 's/^/    | /'
	[ "$state" = running ] || [ "$state" = degraded ]
	verdict "the system is running (or degraded)" $?
	check "the boot target is berth-vm.target" systemctl -q is-active berth-vm.target
	check "the command runs in berth-vm.service" \
		grep -qx '0::/system.slice/berth-vm.service' /proc/self/cgroup
	check "berth-vm.service is delegated" \
		[ "$(systemctl show -P Delegate berth-vm.service)" = yes ]
	check "the hostname is berth-vm" [ "$(hostname)" = berth-vm ]
	check "a machine-id of its own" grep -Eqx '[0-9a-f]{32}' /etc/machine-id
	local u bad=''
	for u in podman.service podman.socket docker.service docker.socket containerd.service; do
		[ "$(systemctl show -P LoadState "$u")" = masked ] || bad+=" $u"
	done
	check "podman, docker and containerd are masked${bad:+ (not:$bad)}" [ -z "$bad" ]
}

guest_cgroups() {
	local ctrls
	ctrls=$(cat /sys/fs/cgroup/cgroup.controllers)
	echo "    controllers: $ctrls"
	[[ " $ctrls " == *" memory "* ]] && [[ " $ctrls " == *" pids "* ]] &&
		[[ " $ctrls " == *" cpu "* ]] && [[ " $ctrls " == *" io "* ]]
	verdict "cgroup.controllers has memory, pids, cpu, io" $?
	check "/sys/fs/cgroup is cgroup2" [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]
	check "no cgroup v1 hierarchy is mounted" \
		sh -c '! grep -q " - cgroup " /proc/self/mountinfo'
	grep -Eq '(^| )memory( |$)' /sys/fs/cgroup/system.slice/cgroup.subtree_control &&
		grep -Eq '(^| )pids( |$)' /sys/fs/cgroup/system.slice/cgroup.subtree_control
	verdict "systemd enables memory and pids below system.slice" $?
}

guest_bus() {
	local pid
	busctl status >/dev/null
	verdict "busctl status reaches the system bus" $?
	busctl call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus GetId >/dev/null
	verdict "the bus driver answers (GetId)" $?
	# (busctl status names the owner of the socket, systemd, which listens
	# for dbus.service.)
	pid=$(systemctl show -P MainPID dbus.service)
	check "the bus is dbus.service's dbus-daemon" \
		[ "$(readlink "/proc/$pid/exe")" = /usr/bin/dbus-daemon ]
	check "systemd is on the bus (org.freedesktop.systemd1 is PID 1)" \
		sh -c 'busctl status org.freedesktop.systemd1 | grep -qx PID=1'
	check "dbus.service is active" systemctl -q is-active dbus.service
}

guest_scope() {
	local max rc
	max=$(systemd-run --quiet --scope -p MemoryMax=64M \
		sh -c 'cat /sys/fs/cgroup$(cut -d: -f3 /proc/self/cgroup)/memory.max')
	metric "memory.max in a MemoryMax=64M scope" "$max"
	check "systemd-run --scope -p MemoryMax=64M: memory.max 67108864" [ "$max" = 67108864 ]
	rc=0
	# (the braces take bash's "Killed" report)
	{ systemd-run --quiet --scope -p MemoryMax=32M -p MemorySwapMax=0 \
		dd if=/dev/zero of=/dev/null bs=64M count=1 || rc=$?; } 2>/dev/null
	check "a 64 MiB hog in a MemoryMax=32M scope is OOM-killed (status $rc)" [ "$rc" = 137 ]
	rc=0
	systemd-run --quiet --scope -p MemoryMax=128M \
		dd if=/dev/zero of=/dev/null bs=64M count=1 2>/dev/null || rc=$?
	check "... and runs under MemoryMax=128M" [ "$rc" = 0 ]
}

guest_units() {
	# A test's own unit: in /run/systemd/system (runtime units; the
	# guest's /etc/systemd is a tmpfs too), then daemon-reload.
	cat >/run/systemd/system/selftest-own.service <<EOF
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'echo own >$work/own'
EOF
	systemctl daemon-reload && systemctl start selftest-own.service &&
		[ "$(cat "$work/own" 2>/dev/null)" = own ]
	verdict "a test's own unit in /run/systemd/system starts" $?
	local out
	out=$(systemd-run --quiet --wait --pipe -p TasksMax=5 sh -c 'cat /proc/self/cgroup')
	[[ $out == 0::/system.slice/run-*.service ]]
	verdict "a transient service runs (systemd-run --wait --pipe: $out)" $?
}

guest_environment() {
	local l
	check "/tmp is a tmpfs" [ "$(stat -f -c %T /tmp)" = tmpfs ]
	check "/run is a tmpfs" [ "$(stat -f -c %T /run)" = tmpfs ]
	check "/dev/mqueue is mounted" mountpoint -q /dev/mqueue
	l=$(losetup -f) && [[ $l == /dev/loop* ]]
	verdict "loop devices autoload ($l)" $?
	ip link add vsa type veth peer name vsb 2>/dev/null && ip link add vbr type bridge &&
		ip link set vsa master vbr
	verdict "veth and bridge autoload" $?
	ip -o link show lo | grep -q ',UP'
	verdict "lo is up" $?
}

guest() {
	work=$1
	echo "    kernel $(uname -r), uptime at start $(cut -d' ' -f1 /proc/uptime) s"
	guest_systemd
	guest_cgroups
	guest_bus
	guest_scope
	guest_units
	guest_environment
	[ "$failures" = 0 ]
}

# ---- on the host --------------------------------------------------------

# vm-run --systemd with its status in $rc, stdout in $out, stderr in $err.
vm() {
	rc=0
	"$vmrun" --systemd "$@" >"$work/stdout" 2>"$work/stderr" || rc=$?
	out=$(cat "$work/stdout")
	err=$(cat "$work/stderr")
}

# Runs of `cat /proc/uptime`: the guest's uptime when the command ran, the
# host's wall time to that line, and to the end of the run.
host_timing() {
	local i t0 t1 t2 up fd pid n=5
	local ups=() firsts=() alls=()
	"$vmrun" --systemd -- true # the host's page cache, warm
	for i in $(seq "$n"); do
		t0=$(now)
		exec {fd}< <("$vmrun" --systemd -- cat /proc/uptime)
		pid=$!
		read -r -u "$fd" up _
		t1=$(now)
		cat <&"$fd" >/dev/null
		wait "$pid" || true
		t2=$(now)
		exec {fd}<&-
		ups+=("$up")
		firsts+=("$(elapsed "$t0" "$t1")")
		alls+=("$(elapsed "$t0" "$t2")")
		metric "run $i: uptime / to command / whole (s)" "$up / ${firsts[-1]} / ${alls[-1]}"
	done
	metric "guest uptime at command, min/mean/max" "$(stats "${ups[@]}")"
	metric "host, start to command, min/mean/max" "$(stats "${firsts[@]}")"
	metric "host, whole run, min/mean/max" "$(stats "${alls[@]}")"
}

# stats N...: "min / mean / max" in seconds.
stats() {
	printf '%s\n' "$@" | awk 'NR == 1 { min = max = $1 }
		{ s += $1; if ($1 < min) min = $1; if ($1 > max) max = $1 }
		END { printf "%.2f / %.2f / %.2f", min, s / NR, max }'
}

host_guest() {
	local rc
	"$vmrun" --systemd --out "$work" -- "$here/selftest-systemd.sh" --guest "$work" 2>&1 |
		tee "$work/guest.out"
	rc=${PIPESTATUS[0]}
	check "the systemd proofs pass inside the VM" [ "$rc" = 0 ]
}

host_status() {
	vm -- sh -c 'echo to-out; echo to-err >&2; exit 3'
	[ "$rc" = 3 ] && [ "$out" = to-out ] && [ "$err" = to-err ]
	verdict "a failing command's status (3) comes back; stdout and stderr stay apart" $?
	vm -- sh -c 'kill -KILL $$'
	[ "$rc" = 137 ] && [ -z "$err" ]
	verdict "a command killed by SIGKILL gives 137, nothing on stderr" $?
}

host_environment() {
	local t
	t=$(mktemp -d /tmp/vm-selftest-sd.XXXXXX)
	echo keep >"$t/host-file"
	(
		cd "$t" && SELFTEST_A="x y'z" SELFTEST_B=unset-in-guest VM_PASS_ENV="SELFTEST_A" \
			"$vmrun" --systemd --out "$t" -- sh -c '
		echo "cwd=$(pwd)"
		echo "a=$SELFTEST_A"
		echo "b=${SELFTEST_B-none}"
		echo "host=$(cat host-file)"
		echo from-guest >result
		echo "tmp=$(stat -f -c %T /tmp)"
		echo "stdin=$(cat)"'
	) >"$work/env.out" 2>&1
	sed 's/^/    | /' "$work/env.out"
	has() { grep -qxF -- "$1" "$work/env.out"; }
	check "cwd is the caller's (under /tmp, shared with --out)" has "cwd=$t"
	check "VM_PASS_ENV passes a variable verbatim" has "a=x y'z"
	check "other variables stay out" has "b=none"
	check "the --out share is mounted over systemd's /tmp" has "host=keep"
	check "... and writable from the guest" [ "$(cat "$t/result" 2>/dev/null)" = from-guest ]
	check "/tmp around it is systemd's tmpfs" has "tmp=tmpfs"
	check "stdin is empty" has "stdin="
	rm -rf "$t"
}

host_failures() {
	local t0
	t0=$(now)
	VM_KERNEL_ARGS=systemd.unit=emergency.target vm -- true
	metric "emergency boot reported after (s)" "$(elapsed "$t0")"
	[ "$rc" = 251 ] && grep -q 'vm-run: the VM failed to boot' <<<"$err" &&
		grep -q 'vm-init: the boot failed into emergency mode' <<<"$err"
	verdict "a boot into emergency mode ends at once: 251, the reason shown" $?
	[ -n "${VM_SELFTEST_SLOW:-}" ] || return 0
	t0=$(now)
	VM_KERNEL_ARGS=systemd.unit=berth-vm-watchdog.timer vm -- true
	metric "boot that never starts the command ends after (s)" "$(elapsed "$t0")"
	[ "$rc" = 251 ] && grep -q 'did not start the command within 120 s' <<<"$err"
	verdict "a boot that never starts the command ends (watchdog): 251" $?
}

host() {
	[ "$(id -u)" = 0 ] || { echo "selftest-systemd: needs root" >&2; exit 1; }
	# Not under /tmp: the guest has its own.
	work=$(mktemp -d /var/tmp/vm-selftest-sd.XXXXXX)
	trap 'rm -rf "$work"' EXIT
	"$here/prepare"
	echo "== timing (vm-run --systemd -- cat /proc/uptime)"
	host_timing
	echo "== inside the systemd VM"
	host_guest
	echo "== exit status, output, environment"
	host_status
	host_environment
	echo "== failed boots"
	host_failures
	echo
	if [ "$failures" = 0 ]; then
		echo "vm selftest-systemd: all passed"
	else
		echo "vm selftest-systemd: $failures FAILED"
		exit 1
	fi
}

if [ "${1:-}" = --guest ]; then
	guest "$2"
else
	host
fi
