# SPDX-License-Identifier: Apache-2.0
# tests/bats/helpers.bash — shared by every host suite.
# shellcheck disable=SC2154 # $status and $output are set by bats' run
#
# Each test gets its own state root, bundle and container ids under
# $BATS_TEST_TMPDIR; teardown force-deletes whatever the test left and
# then asserts that nothing leaked: no state dir, no cgroup, no mount,
# no process.  The test rootfs (busybox + /bin/probe) is built once by
# `make test-rootfs` and shared read-only by every bundle.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BERTH=${BERTH:-$REPO/berth}
TEST_ROOTFS=${TEST_ROOTFS:-$REPO/tests/.cache/rootfs}

# the cgroup v2 hierarchy berth uses here
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
	CG_ROOT=/sys/fs/cgroup
else
	CG_ROOT=/sys/fs/cgroup/unified
fi

# the mounted cgroup v1 hierarchies (hybrid host): their mount points
V1_MOUNTS=$(awk '$(NF-2) == "cgroup" {print $5}' /proc/self/mountinfo | sort -u)

# v1_mount CTRL: the mount point of the v1 hierarchy that has CTRL
# ("memory", "freezer", "name=systemd"), or nothing
v1_mount() {
	awk -v c="$1" '$(NF-2) == "cgroup" { n = split($NF, o, ","); for (i = 1; i <= n; i++)
		if (o[i] == c) { print $5; exit } }' /proc/self/mountinfo
}

# own_cgroups PATH: a cgroup of the test's own at PATH in the cgroup2
# hierarchy and in every v1 one (the cpuset one with its parent's cpus
# and mems, or it holds no process), each removed at teardown
# (on_teardown: lib/cli or lib/iso)
own_cgroups() {
	local h cpuset
	for h in "$CG_ROOT" $V1_MOUNTS; do
		[ -d "$h$1" ] && continue
		mkdir "$h$1"
		on_teardown "rmdir '$h$1'"
	done
	cpuset=$(v1_mount cpuset)
	[ -n "$cpuset" ] || return 0
	cat "$cpuset/cpuset.cpus" > "$cpuset$1/cpuset.cpus"
	cat "$cpuset/cpuset.mems" > "$cpuset$1/cpuset.mems"
}

# A sandbox job's root is a host id of a range of its own: it walks to its
# state dir (berth's state root is 0711 for it), as the init of a
# container with a user namespace does; bats' run dir is 0700.
state_root_reachable() {
	chmod o+x "$BATS_RUN_TMPDIR"
}

setup() {
	state_root_reachable
	ROOT=$BATS_TEST_TMPDIR/state
	BUNDLE=$BATS_TEST_TMPDIR/bundle
	ID=bt$$-${BATS_SUITE_TEST_NUMBER}
	MOUNTS_BEFORE=$(mount_count)
	[ -x "$BERTH" ] || { echo "no berth binary at $BERTH (run make)" >&2; return 1; }
	[ -x "$TEST_ROOTFS/bin/probe" ] || { echo "no test rootfs at $TEST_ROOTFS (run make test-rootfs)" >&2; return 1; }
}

teardown() {
	local id
	for id in $(berth list -q 2>/dev/null); do
		berth delete --force "$id" >/dev/null 2>&1 || true
	done
	assert_no_leaks
}

# berth with this test's state root
berth() {
	"$BERTH" --root "$ROOT" "$@"
}

# make_bundle [JQ-FILTER]: `berth spec`, no terminal, the shared rootfs,
# then the filter (e.g. '.process.args = ["true"]')
make_bundle() {
	local filter=${1:-.}
	mkdir -p "$BUNDLE"
	rm -f "$BUNDLE/config.json"
	"$BERTH" spec --bundle "$BUNDLE"
	jq --arg rf "$TEST_ROOTFS" \
		".process.terminal = false | .root.path = \$rf | $filter" \
		"$BUNDLE/config.json" > "$BUNDLE/config.tmp"
	mv "$BUNDLE/config.tmp" "$BUNDLE/config.json"
}

# edit the bundle's config with a jq filter
edit_config() {
	jq "$1" "$BUNDLE/config.json" > "$BUNDLE/config.tmp"
	mv "$BUNDLE/config.tmp" "$BUNDLE/config.json"
}

# set_args CMD [ARG...]: the process args, as a JSON array (an argument
# may hold newlines: a multi-line sh -c script stays one argument)
set_args() {
	local json
	json=$(jq -cn '$ARGS.positional' --args -- "$@")
	edit_config ".process.args = $json"
}

# caps_add CAP...: a jq filter that adds the capabilities to the bounding,
# effective and permitted sets (e.g. make_bundle "$(caps_add CAP_MKNOD)")
caps_add() {
	local json set sets=""
	json=$(jq -cn '$ARGS.positional' --args -- "$@")
	for set in bounding effective permitted; do
		sets+="${sets:+ | }.process.capabilities.$set += $json"
	done
	echo "$sets"
}

# run a shell snippet in a fresh container; output in $output
run_sh() {
	set_args /bin/sh -c "$1"
	run berth run -b "$BUNDLE" "$ID"
}

mount_count() {
	grep -c -e "$BATS_TEST_TMPDIR" -e " /run/berth" /proc/self/mountinfo || true
}

# The sandbox cgroups whose berth is gone: a sandbox's id is
# "sandbox-<berth's pid>-<hex>", and its berth removes the cgroup before it
# exits (or a later berth reclaims it).  One whose berth still runs is no
# leak: it may be another suite's job, running beside this one.
orphan_sandbox_cgroups() {
	local h d pid
	for h in "$CG_ROOT" $V1_MOUNTS; do
		for d in "$h"/berth/sandbox-*; do
			[ -d "$d" ] || continue
			pid=${d##*/sandbox-}
			kill -0 "${pid%%-*}" 2>/dev/null || echo "$d"
		done
	done
}

# those this test left (any left before it are an earlier test's); taken
# when the test file is loaded, before each test, whatever its setup
SANDBOX_CG_BEFORE=$(orphan_sandbox_cgroups)

new_orphan_sandbox_cgroups() {
	comm -13 <(echo "$SANDBOX_CG_BEFORE" | sort) <(orphan_sandbox_cgroups | sort) | grep . || true
}

assert_no_leaks() {
	local left
	# the compiled seccomp filters kept for later starts are no leak
	left=$(find "$ROOT" -mindepth 1 -maxdepth 1 ! -name .seccomp-cache -printf '%f ' 2>/dev/null || true)
	if [ -n "$left" ]; then
		echo "state left in $ROOT: $left" >&2
		return 1
	fi
	local h
	for h in "$CG_ROOT" $V1_MOUNTS; do
		if [ -n "$(ls -d "$h"/berth/bt$$-* "$h"/bt$$-* 2>/dev/null)" ]; then
			echo "cgroups left: $(ls -d "$h"/berth/bt$$-* "$h"/bt$$-* 2>/dev/null)" >&2
			return 1
		fi
	done
	left=$(new_orphan_sandbox_cgroups)
	if [ -n "$left" ]; then
		echo "sandbox cgroups left by a berth that is gone: $left" >&2
		return 1
	fi
	if [ "$(mount_count)" != "$MOUNTS_BEFORE" ]; then
		echo "mounts left:" >&2
		grep -e "$BATS_TEST_TMPDIR" /proc/self/mountinfo >&2
		return 1
	fi
}

assert_status() {
	if [ "$status" -ne "$1" ]; then
		echo "expected status $1, got $status; output: $output" >&2
		return 1
	fi
}

# assert_output_contains TEXT
assert_contains() {
	if [[ "$output" != *"$1"* ]]; then
		echo "expected output to contain: $1" >&2
		echo "output was: $output" >&2
		return 1
	fi
}

assert_not_contains() {
	if [[ "$output" == *"$1"* ]]; then
		echo "expected output NOT to contain: $1" >&2
		echo "output was: $output" >&2
		return 1
	fi
}

assert_line_eq() {
	if [ "$1" != "$2" ]; then
		echo "expected: $2" >&2
		echo "got:      $1" >&2
		return 1
	fi
}

# detached: berth for create / run -d.  The container keeps the stdio it
# is given, so it must never hold a pipe bats waits on: its stdout and
# stderr go to $BATS_TEST_TMPDIR/out and /err; berth's stderr is then
# printed for `run` to capture.
detached() {
	berth "$@" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" </dev/null
	local rc=$?
	cat "$BATS_TEST_TMPDIR/err"
	return $rc
}

# the container's status from `berth state`
state_of() {
	berth state "$1" | jq -r .status
}

# wait_until 'SHELL CONDITION': re-evaluated on every try (wait_for CMD
# "$(...)" would evaluate the substitution only once)
wait_until() {
	wait_for eval "$1"
}

# wait_for CMD...: retry for up to $WAIT_FOR_SECONDS (default 5 s; the
# VM suites, under software emulation, wait longer)
wait_for() {
	for _ in $(seq $((${WAIT_FOR_SECONDS:-5} * 10))); do
		"$@" && return 0
		sleep 0.1
	done
	"$@"
}

# the state root holds nothing at all (but the seccomp filter cache,
# which outlives containers by design: runtime/seccomp_cache.c)
assert_root_empty() { # [dir, default $ROOT]
	local dir=${1:-$ROOT} left
	left=$(find "$dir" -mindepth 1 -maxdepth 1 ! -name .seccomp-cache 2>/dev/null || true)
	if [ -n "$left" ]; then
		echo "state left in $dir: $left" >&2
		return 1
	fi
}

# ensure_subid_user NAME: an ordinary user with a 65536-id range of its own
# in /etc/subuid and /etc/subgid — from 100000, after every range already
# given (useradd gives it one itself where /etc/subuid already exists, e.g.
# with a root sandbox's berth-sandbox range: that one is kept)
ensure_subid_user() {
	local f start
	id "$1" >/dev/null 2>&1 || useradd --no-create-home --shell /bin/sh "$1"
	for f in /etc/subuid /etc/subgid; do
		grep -qs "^$1:" "$f" && continue
		start=$(awk -F: 'BEGIN {e = 100000} $2 + $3 > e {e = $2 + $3} END {print e}' "$f" 2>/dev/null)
		echo "$1:${start:-100000}:65536" >> "$f"
	done
}

# subid_start NAME FILE: the first id of NAME's range in FILE
subid_start() {
	awk -F: -v u="$1" '$1 == u {print $2; exit}' "$2"
}
