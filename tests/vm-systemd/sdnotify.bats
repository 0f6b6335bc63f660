#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# sd_notify against a real systemd 252 as PID 1: a transient Type=notify
# service whose ExecStart is `berth run` is active only once the
# container said READY=1, with the MainPID runc would give it; one that
# never says it stays activating until TimeoutStartSec fails it.  Run
# inside `tests/vm/vm-run --systemd`; the container runs
# tests/tools/notify-send.

load ../bats/helpers
load ../bats/lib/cli

# software emulation: everything is ~25 times slower than on the host
export WAIT_FOR_SECONDS=60

setup_file() {
	if [ "$(ps -o comm= -p 1)" != systemd ]; then
		echo "systemd is not PID 1: run me in tests/vm/vm-run --systemd" >&2
		return 1
	fi
}

UNIT_PREFIX=sdn

teardown() {
	local id left
	systemctl stop "$(svc)" 2>/dev/null || true
	systemctl reset-failed "$(svc)" 2>/dev/null || true
	for id in $(berth list -q 2>/dev/null); do
		berth delete --force "$id" >/dev/null 2>&1 || true
	done
	assert_no_leaks
	left=$(systemctl list-units --all --plain --no-legend "*bt$$-*" | awk '{print $1}')
	if [ -n "$left" ]; then
		echo "units left: $left" >&2
		return 1
	fi
}

svc() { echo "$UNIT_PREFIX-$ID.service"; }
prop() { systemctl show -P "$1" "$(svc)"; }

# notify_bundle ARG...: notify-send at /ns with ARGs, $MARK on /mark
notify_bundle() {
	MARK=$BATS_TEST_TMPDIR/mark
	mkdir -p "$MARK"
	make_bundle
	add_bind "$TOOLS/notify-send" /ns ro
	add_bind "$MARK" /mark
	set_args /ns "$@"
}

# service CMD...: a transient Type=notify service running CMD, not
# waited for; stopping it takes no longer than 20 s, and notify-send's
# exit on SIGTERM (143: a pid 1 cannot die of its own signal) is clean
service() {
	systemd-run --no-block --unit "$(svc)" -p Type=notify -p TimeoutStopSec=20s \
		-p SuccessExitStatus=143 "$@"
}

# wait until the unit is active; each time it is seen active the marker
# the container writes just before READY=1 must already exist
active_after_marker() {
	local state
	for _ in $(seq $((WAIT_FOR_SECONDS * 10))); do
		state=$(prop ActiveState)
		if [ "$state" = active ]; then
			[ -e "$MARK/before-ready" ] || { echo "active before READY=1" >&2; return 1; }
			return 0
		fi
		[ "$state" = activating ] || [ "$state" = inactive ] || {
			echo "unit $state: $(prop Result)" >&2
			return 1
		}
		sleep 0.1
	done
	echo "never active" >&2
	return 1
}

@test "a Type=notify service running berth run is active only after the container's READY=1; MainPID is berth's" {
	notify_bundle -d 2000 -m /mark/before-ready STATUS=serving READY=1
	service "$BERTH" --root "$ROOT" run -b "$BUNDLE" "$ID"
	wait_until "[ \"\$(prop ActiveState)\" = activating ]"
	active_after_marker
	[ "$(prop StatusText)" = serving ]
	# runc's choice for a foreground run: berth is the main process and
	# the container's init its child
	local main
	main=$(prop MainPID)
	[ "$main" = "$(prop ExecMainPID)" ]
	grep -q "run" "/proc/$main/cmdline"
	[ "$(awk '{print $4}' "/proc/$(init_pid)/stat")" = "$main" ]
	systemctl stop "$(svc)"
	[ "$(prop ActiveState)" != active ]
}

@test "a Type=notify service running berth run -d is active after READY=1 with MainPID the container's init" {
	notify_bundle -d 2000 -m /mark/before-ready READY=1
	service "$BERTH" --root "$ROOT" run -d -b "$BUNDLE" "$ID"
	active_after_marker
	# runc's: MAINPID is the init's host pid, sent by berth before it exits
	[ "$(prop MainPID)" = "$(init_pid)" ]
	[ "$(berth state "$ID" | jq -r .status)" = running ]
	systemctl stop "$(svc)"
	wait_until "[ \"\$(berth state $ID | jq -r .status)\" = stopped ]"
}

@test "a container that never sends READY=1 keeps its service activating until TimeoutStartSec fails it" {
	notify_bundle -m /mark/said-status STATUS=still-starting
	service -p TimeoutStartSec=25s "$BERTH" --root "$ROOT" run -b "$BUNDLE" "$ID"
	wait_until "[ -e '$MARK/said-status' ]"
	wait_until "[ \"\$(prop StatusText)\" = still-starting ]"
	[ "$(prop ActiveState)" = activating ]
	wait_until "[ \"\$(prop ActiveState)\" = failed ]"
	[ "$(prop Result)" = timeout ]
	# berth run was stopped with it, and deleted its container
	wait_until "[ -z \"\$(berth list -q)\" ]"
}
