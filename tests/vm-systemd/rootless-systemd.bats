#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Rootless berth with the systemd cgroup driver, as rootless podman runs it
# on a systemd host: the user "berthtest", lingering (`loginctl
# enable-linger`), has its own systemd user manager, and berth asks that
# manager, on the user's bus ($XDG_RUNTIME_DIR/bus), for the container's
# scope.  The manager holds only the controllers systemd delegated to it
# (user@.service: Delegate=cpu memory pids on systemd 252).  Run inside
# `tests/vm/vm-run --systemd` (tests/run.sh vm-systemd), whose boot masks
# systemd-logind: setup_file unmasks and starts it.

bats_require_minimum_version 1.5.0

load ../bats/helpers
load ../bats/lib/cli

# software emulation: everything is ~25 times slower than on the host
export WAIT_FOR_SECONDS=60

RL_USER=berthtest

setup_file() {
	if [ "$(ps -o comm= -p 1)" != systemd ] || [ ! -f /sys/fs/cgroup/cgroup.controllers ]; then
		echo "systemd is not PID 1 on pure cgroup v2: run me in tests/vm/vm-run --systemd" >&2
		return 1
	fi
	id "$RL_USER" >/dev/null 2>&1 || useradd --no-create-home --shell /bin/sh "$RL_USER"
	grep -q "^$RL_USER:" /etc/subuid || echo "$RL_USER:100000:65536" >>/etc/subuid
	grep -q "^$RL_USER:" /etc/subgid || echo "$RL_USER:100000:65536" >>/etc/subgid
	# the guest's /etc/systemd is a tmpfs of its own: the mask goes with it
	rm -f /etc/systemd/system/systemd-logind.service
	systemctl daemon-reload
	systemctl start systemd-logind
	loginctl enable-linger "$RL_USER"
	local uid
	uid=$(id -u "$RL_USER")
	# the user's manager runs, and so does its bus (dbus.socket)
	WAIT_FOR_SECONDS=120 wait_for test -S "/run/user/$uid/bus"
}

teardown_file() {
	loginctl disable-linger "$RL_USER" || true
	systemctl stop "user@$(id -u "$RL_USER").service" || true
}

setup() {
	RL_UID=$(id -u "$RL_USER")
	RL_DIR=$(mktemp -d /tmp/berth-rlsd.XXXXXX)
	chmod 0755 "$RL_DIR"
	BUNDLE=$RL_DIR/bundle
	ID=rlsd$$-$BATS_TEST_NUMBER
	MANAGER=/sys/fs/cgroup/user.slice/user-$RL_UID.slice/user@$RL_UID.service
	mkdir "$BUNDLE"
	chown -R "$RL_USER:" "$RL_DIR"
	as_user "$BERTH" spec --rootless --bundle "$BUNDLE"
	rl_edit ".process.terminal = false | .root.path = \"$TEST_ROOTFS\""
}

teardown() {
	local id left
	for id in $(as_user "$BERTH" list -q 2>/dev/null); do
		as_user "$BERTH" --systemd-cgroup delete --force "$id" >/dev/null 2>&1 || true
	done
	rm -rf "$RL_DIR"
	left=$(usd list-units --all --plain --no-legend "berth-rlsd$$-*" | awk '{print $1}')
	[ -z "$left" ] || { echo "units left: $left" >&2; return 1; }
}

# as the user, as a login session would have it: XDG_RUNTIME_DIR set, no
# DBUS_SESSION_BUS_ADDRESS (berth finds the bus under XDG_RUNTIME_DIR)
as_user() {
	runuser -u "$RL_USER" -- env -u DBUS_SESSION_BUS_ADDRESS XDG_RUNTIME_DIR="/run/user/$RL_UID" \
		HOME=/ "$@"
}

rlb() { as_user "$BERTH" --systemd-cgroup "$@"; }

# the user's manager, through systemctl --user
usd() { as_user systemctl --user "$@"; }
uprop() { usd show -P "$1" "berth-$ID.scope"; }
scope() { echo "$MANAGER/user.slice/berth-$ID.scope"; }

rl_edit() {
	as_user sh -c "jq '$1' '$BUNDLE/config.json' > '$BUNDLE/c' && mv '$BUNDLE/c' '$BUNDLE/config.json'"
}

# rl_sleeper [JQ-FILTER]: run -d a sleeping container; berth's stderr in
# $RL_DIR/err (the container keeps its stdio: never bats' pipe)
rl_sleeper() {
	rl_edit "${1:-.} | .process.args = [\"/bin/sleep\", \"1000\"]"
	rlb run -d -b "$BUNDLE" "$ID" </dev/null >"$RL_DIR/out" 2>"$RL_DIR/err"
}

@test "rootless --systemd-cgroup: the container is berth-ID.scope of the user's own manager, with the init in it" {
	rl_sleeper
	[ "$(uprop ActiveState)" = active ]
	[ "$(uprop ControlGroup)" = "${MANAGER#/sys/fs/cgroup}/user.slice/berth-$ID.scope" ]
	pid=$(as_user "$BERTH" state "$ID" | jq -r .pid)
	grep -qx "$pid" "$(scope)/cgroup.procs"
	# the scope and its cgroup are the user's, the system manager knows nothing of it
	[ "$(stat -c %U "$(scope)")" = "$RL_USER" ]
	[ "$(systemctl show -P LoadState "berth-$ID.scope")" = not-found ]
}

@test "rootless --systemd-cgroup: memory and pids limits, delegated to the user, are systemd's properties and hold in the scope" {
	rl_sleeper '.linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 30}}'
	[ "$(uprop MemoryMax)" = 67108864 ]
	[ "$(uprop TasksMax)" = 30 ]
	[ "$(cat "$(scope)/memory.max")" = 67108864 ]
	[ "$(cat "$(scope)/pids.max")" = 30 ]
	# and they hold: 10 tasks stop a fork loop at 9 children...
	rl_edit '.linux.resources = {"pids": {"limit": 10}} | .process.args = ["/bin/probe", "forkbomb", "50"]'
	run rlb run -b "$BUNDLE" "$ID-pids"
	[ "$(head -n1 <<<"$output")" -le 9 ]
	# ... and 32 MiB kill a 64 MiB hog
	rl_edit '.linux.resources = {"memory": {"limit": 33554432, "swap": 33554432}} |
		.process.args = ["/bin/probe", "hog", "64"]'
	run rlb run -b "$BUNDLE" "$ID-oom"
	assert_status 137
}

@test "rootless --systemd-cgroup: a limit on a controller not delegated to the user (cpuset, io) is a warning naming it, and the container runs with the others" {
	rl_sleeper '.linux.resources = {"memory": {"limit": 67108864}, "cpu": {"cpus": "0"},
		"blockIO": {"weight": 300}}'
	run cat "$RL_DIR/err"
	assert_contains 'warning: cgroup: cpuset cpus not applied: it needs the "cpuset" controller, which systemd does not delegate to uid '"$RL_UID"
	assert_contains 'blkio weight not applied: it needs the "io" controller'
	[ "$(as_user "$BERTH" state "$ID" | jq -r .status)" = running ]
	[ "$(cat "$(scope)/memory.max")" = 67108864 ]
	[ ! -e "$(scope)/cpuset.cpus" ]
}

@test "rootless --systemd-cgroup: exec from outside the user's manager runs in the container, left in berth's own cgroup with a warning, as runc does" {
	rl_sleeper
	run --separate-stderr rlb exec "$ID" /bin/sh -c 'echo inside; tr "\0" " " < /proc/1/cmdline'
	assert_status 0
	assert_contains inside
	assert_contains "/bin/sleep 1000"
	[[ "$stderr" == *"exec: the process stays in berth's own cgroup, not the container's"* ]]
}

@test "rootless --systemd-cgroup: delete --force leaves no unit in the user's manager, no cgroup and no state" {
	# children of the init, not exec'd processes: an exec cannot move into
	# the scope from a cgroup outside the user's manager (the kernel asks
	# for write access at the common ancestor, here the root cgroup)
	rl_edit '.linux.resources.pids.limit = 30 |
		.process.args = ["/bin/sh", "-c", "sleep 300 & sleep 300 & wait"]'
	rlb run -d -b "$BUNDLE" "$ID" </dev/null >"$RL_DIR/out" 2>"$RL_DIR/err"
	wait_until '[ "$(wc -l < "$(scope)/cgroup.procs")" -ge 3 ]'
	[ "$(uprop ActiveState)" = active ]
	run --separate-stderr rlb delete --force "$ID"
	assert_status 0
	[ -z "$stderr" ]
	[ "$(uprop LoadState)" = not-found ]
	[ ! -e "$(scope)" ]
	[ -z "$(as_user "$BERTH" list -q)" ]
}
