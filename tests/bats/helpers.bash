# SPDX-License-Identifier: Apache-2.0
# tests/bats/helpers.bash — shared by every host suite.
# shellcheck disable=SC2154 # $status and $output are set by bats' run
#
# Each test gets its own state root, bundle and container ids under
# $BATS_TEST_TMPDIR; teardown force-deletes whatever the test left and
# then asserts that nothing leaked: no state dir, no cgroup, no mount,
# no process.  The test rootfs (busybox + /bin/probe) is built once by
# `make test-rootfs` and shared read-only by every bundle.

# Everything here that runs for each test runs without a fork where bash
# can do it alone: bats sources this file again for every test, and on a
# host where a fork and exec cost milliseconds the shared setup and
# teardown were a fifth of the suites' time.

# the checkout, from this file's own (absolute) path
case ${BASH_SOURCE[0]} in
*/tests/bats/helpers.bash) REPO=${BASH_SOURCE[0]%/tests/bats/helpers.bash} ;;
*) REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd) ;;
esac
[[ $REPO == /* ]] || REPO=$PWD/$REPO
BERTH=${BERTH:-$REPO/berth}
TEST_ROOTFS=${TEST_ROOTFS:-$REPO/tests/.cache/rootfs}

# the cgroup v2 hierarchy berth uses here
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
	CG_ROOT=/sys/fs/cgroup
else
	CG_ROOT=/sys/fs/cgroup/unified
fi

# the mounted cgroup v1 hierarchies (hybrid host): their mount points, in
# /proc/self/mountinfo's order, each once (a line's fifth field is the
# mount point, the third from last the file system type)
# (read once per run, then from a file: every command costs under bats'
# DEBUG trap, and the host's cgroup mounts do not change)
v1_mounts() {
	local -a f
	local seen=" " cache=${BATS_RUN_TMPDIR:-}/.v1-mounts
	if [ -n "${BATS_RUN_TMPDIR:-}" ] && [ -f "$cache" ]; then
		V1_MOUNTS=$(<"$cache")
		return
	fi
	while read -r -a f; do
		[ "${f[-3]}" = cgroup ] || continue
		[[ $seen == *" ${f[4]} "* ]] && continue
		seen+="${f[4]} "
	done </proc/self/mountinfo
	seen=${seen# }
	V1_MOUNTS=${seen% }
	[ -z "${BATS_RUN_TMPDIR:-}" ] || echo "$V1_MOUNTS" >"$cache"
}
v1_mounts

# v1_mount CTRL: the mount point of the v1 hierarchy that has CTRL
# ("memory", "freezer", "name=systemd"), or nothing
v1_mount() {
	awk -v c="$1" '$(NF-2) == "cgroup" { n = split($NF, o, ","); for (i = 1; i <= n; i++)
		if (o[i] == c) { print $5; exit } }' /proc/self/mountinfo
}

# the cgroup of a container that uses the default cgroupsPath
cg_of() {
	echo "$CG_ROOT/berth/$1"
}

# cg_v1_of CTRL [ID]: the container's cgroup in the v1 hierarchy of CTRL
# (hybrid host), default cgroupsPath; nothing on a pure v2 host
cg_v1_of() {
	local m
	m=$(v1_mount "$1")
	[ -z "$m" ] || echo "$m/berth/${2:-$ID}"
}

# frozen ID: is the container's freezer frozen?  The v1 freezer where the
# host has one (freezer.state), else cgroup.events of the cgroup2 tree
frozen() {
	local fz
	fz=$(cg_v1_of freezer "$1")
	if [ -n "$fz" ]; then
		[ "$(cat "$fz/freezer.state")" = FROZEN ]
	else
		grep -qx 'frozen 1' "$(cg_of "$1")/cgroup.events"
	fi
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
# Done once per run: a marker says so.
state_root_reachable() {
	[ -e "$BATS_RUN_TMPDIR/.reachable" ] && return 0
	chmod o+x "$BATS_RUN_TMPDIR" && : >"$BATS_RUN_TMPDIR/.reachable"
}

# the shared setup and teardown, under names of their own too: a suite
# library (lib/cli, lib/iso) that adds to them calls these
helpers_setup() {
	state_root_reachable
	ROOT=$BATS_TEST_TMPDIR/state
	BUNDLE=$BATS_TEST_TMPDIR/bundle
	ID=bt$$-${BATS_SUITE_TEST_NUMBER}
	count_mounts MOUNTS_BEFORE
	[ -x "$BERTH" ] || { echo "no berth binary at $BERTH (run make)" >&2; return 1; }
	[ -x "$TEST_ROOTFS/bin/probe" ] || { echo "no test rootfs at $TEST_ROOTFS (run make test-rootfs)" >&2; return 1; }
}
setup() { helpers_setup; }

# delete_all: force-delete every container in the test's state root (none
# there, no berth to ask)
delete_all() {
	local id
	root_entries "$ROOT"
	[ ${#ROOT_ENTRIES[@]} -gt 0 ] || return 0
	for id in $(berth list -q 2>/dev/null); do
		berth delete --force "$id" >/dev/null 2>&1 || true
	done
}

helpers_teardown() {
	delete_all
	assert_no_leaks
}
teardown() { helpers_teardown; }

# root_entries DIR: ROOT_ENTRIES, the names in DIR but the seccomp filter
# cache (which outlives containers by design: runtime/seccomp_cache.c)
root_entries() {
	local e
	ROOT_ENTRIES=()
	for e in "$1"/* "$1"/.[!.]* "$1"/..?*; do
		[ -e "$e" ] || [ -L "$e" ] || continue
		[ "${e##*/}" = .seccomp-cache ] || ROOT_ENTRIES+=("${e##*/}")
	done
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

# count_mounts VAR: the mounts under the test's dir or /run/berth, in VAR
# (its locals are named so as not to hide the caller's VAR)
count_mounts() {
	local _cm_line _cm_n=0
	while IFS= read -r _cm_line; do
		[[ $_cm_line == *"$BATS_TEST_TMPDIR"* || $_cm_line == *" /run/berth"* ]] && _cm_n=$((_cm_n + 1))
	done </proc/self/mountinfo
	printf -v "$1" %d "$_cm_n"
}

mount_count() {
	local n
	count_mounts n
	echo "$n"
}

# The sandbox cgroups whose berth is gone: a sandbox's id is
# "sandbox-<berth's pid>-<hex>", and its berth removes the cgroup before it
# exits (or a later berth reclaims it).  One whose berth still runs is no
# leak: it may be another suite's job, running beside this one.
orphan_sandbox_cgroups() {
	local d
	orphan_sandbox_list
	for d in "${ORPHANS[@]}"; do echo "$d"; done
}

# orphan_sandbox_list: the same in ORPHANS, without a fork
orphan_sandbox_list() {
	local d pid
	ORPHANS=()
	cgroups_like 'berth/sandbox-*'
	for d in "${CGROUPS[@]}"; do
		pid=${d##*/sandbox-}
		kill -0 "${pid%%-*}" 2>/dev/null || ORPHANS+=("$d")
	done
}

# cgroups_like PATTERN...: CGROUPS, the cgroups at PATTERNs (globs under a
# hierarchy's root) in the cgroup2 hierarchy and in every v1 one; one
# expansion (the mount points hold no blank)
cgroups_like() {
	local -a globs=()
	local p h
	for p; do
		for h in "$CG_ROOT" $V1_MOUNTS; do globs+=("$h/$p"); done
	done
	local had=0
	! shopt -q nullglob || had=1
	shopt -s nullglob
	# shellcheck disable=SC2206 # the globs are meant to expand
	CGROUPS=(${globs[@]})
	[ "$had" = 1 ] || shopt -u nullglob
}

# those this test left (any left before it are an earlier test's); taken
# when the test file is loaded, before each test, whatever its setup
orphan_sandbox_list
SANDBOX_CG_BEFORE=" ${ORPHANS[*]} "

new_orphan_sandbox_cgroups() {
	local d
	new_orphans
	for d in "${NEW_ORPHANS[@]}"; do echo "$d"; done
}

# new_orphans: the same in NEW_ORPHANS, without a fork
new_orphans() {
	local d
	NEW_ORPHANS=()
	orphan_sandbox_list
	for d in "${ORPHANS[@]}"; do
		[[ $SANDBOX_CG_BEFORE == *" $d "* ]] || NEW_ORPHANS+=("$d")
	done
}

assert_no_leaks() {
	local n
	assert_root_empty "$ROOT" || return 1
	cgroups_like "berth/bt$$-*" "bt$$-*"
	if [ ${#CGROUPS[@]} -gt 0 ]; then
		echo "cgroups left: ${CGROUPS[*]}" >&2
		return 1
	fi
	new_orphans
	if [ ${#NEW_ORPHANS[@]} -gt 0 ]; then
		echo "sandbox cgroups left by a berth that is gone: ${NEW_ORPHANS[*]}" >&2
		return 1
	fi
	count_mounts n
	if [ "$n" != "$MOUNTS_BEFORE" ]; then
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

# wait_for CMD...: retry every 0.1 s, $WAIT_FOR_SECONDS × 10 times (default
# 5 s; the VM suites, under software emulation, wait longer), and for no
# longer in all than twice that or 30 s, whichever is more.  Where one try
# takes seconds (a loaded VM), a condition that never comes would otherwise
# hold its test for many minutes, and a VM suite's timeout would end it
# with no TAP line at all; on a loaded host, 5 s can be too short for a
# condition that does come.
wait_for() {
	# the condition is eval'd here: locals named as a caller's would hide
	# them (wait_until '[ "$x" = "$n" ]'), hence the prefix
	local _wf_i _wf_n=$((${WAIT_FOR_SECONDS:-5} * 10)) _wf_cap _wf_end
	_wf_cap=$((_wf_n * 200000 > 30000000 ? _wf_n * 200000 : 30000000))
	_wf_end=$((${EPOCHREALTIME//[!0-9]/} + _wf_cap))
	for ((_wf_i = 0; _wf_i < _wf_n; _wf_i++)); do
		"$@" && return 0
		[ "${EPOCHREALTIME//[!0-9]/}" -lt "$_wf_end" ] || break
		sleep 0.1
	done
	"$@"
}

# the state root holds nothing at all (but the seccomp filter cache,
# which outlives containers by design: runtime/seccomp_cache.c)
assert_root_empty() { # [dir, default $ROOT]
	local dir=${1:-$ROOT}
	root_entries "$dir"
	if [ ${#ROOT_ENTRIES[@]} -gt 0 ]; then
		echo "state left in $dir: ${ROOT_ENTRIES[*]}" >&2
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
