# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# tests/vm-systemd/clients.bash — what the client suites in this VM share:
# podman, docker and containerd at their systemd defaults, berth as their
# runtime, each client's scope read back from systemd and the kernel.
# Needs ../clients/lib/common.bash.

export CLIENTS_CGROUP_DRIVER=systemd

# require_systemd: PID 1 is systemd on a pure cgroup v2 hierarchy.
require_systemd() {
	if [[ $(ps -o comm= -p 1) != systemd || ! -f /sys/fs/cgroup/cgroup.controllers ]]; then
		echo "systemd is not PID 1 on pure cgroup v2: run me in tests/vm/vm-run --systemd" >&2
		return 1
	fi
}

# prop UNIT PROPERTY: what systemd says of the unit
prop() {
	systemctl show -P "$2" "$1"
}

# scope_dir UNIT: the unit's cgroup directory, as systemd reports it
scope_dir() {
	local cg
	cg=$(prop "$1" ControlGroup)
	[[ -n $cg ]] || die "systemd knows no cgroup for $1"
	echo "/sys/fs/cgroup$cg"
}

# assert_scope UNIT SLICE: an active scope with Delegate, in SLICE
assert_scope() {
	assert_eq active "$(prop "$1" ActiveState)" "$1 ActiveState" &&
		assert_eq "$2" "$(prop "$1" Slice)" "$1 Slice" &&
		assert_eq yes "$(prop "$1" Delegate)" "$1 Delegate"
}

# assert_unit_gone UNIT: systemd has forgotten it (not failed, not
# loaded) and its cgroup is gone
assert_unit_gone() {
	wait_for 10 eval "[[ \$(systemctl show -P LoadState '$1') == not-found ]]" ||
		die "unit $1 remains: $(systemctl show -p LoadState -p ActiveState -p SubState "$1" | tr '\n' ' ')"
	[[ -z $(find /sys/fs/cgroup -name "$1" 2>/dev/null) ]] || die "cgroup of $1 remains"
}

# A container whose worker the OOM killer ends: a child shell doubling a
# string, the init reporting its status and staying a moment.  (When the
# init itself is the victim, the scope is empty at once and systemd
# removes its cgroup before conmon or containerd's shim reads its
# memory.events: podman and docker then miss the OOM with runc and crun
# as well — measured in this VM.)
# shellcheck disable=SC2016 # expanded inside
OOM_JOB='sh -c '"'"'x=0123456789abcdef; while :; do x=$x$x; done'"'"'; echo worker=$?; sleep 3'
export OOM_JOB
