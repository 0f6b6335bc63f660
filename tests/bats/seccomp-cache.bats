#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# seccomp-cache: a seccomp profile is compiled once and kept in the state
# root (<root>/.seccomp-cache/<sha256 of profile, libseccomp, machine,
# berth>); later starts and execs load the kept program.  An entry is used
# only when it is sound and the caller's own: a changed profile is never
# served a stale program, a damaged or foreign entry is rebuilt.  Whether
# the cache was used is read from berth's --debug log.  The cache keeps
# at most 64 entries: a write past that removes the oldest written.

load helpers

# a profile that allows everything but mkdir (EPERM) — or $1 instead
profile_bundle() {
	local denied=${1:-mkdir}
	make_bundle ".linux.seccomp = {\"defaultAction\": \"SCMP_ACT_ALLOW\",
		\"syscalls\": [{\"names\": [\"$denied\", \"${denied}at\"], \"action\": \"SCMP_ACT_ERRNO\"}]}"
}

# dberth ARGS...: berth with a debug log in $LOG
dberth() {
	"$BERTH" --root "$ROOT" --debug --log "$LOG" "$@"
}

cache_entries() {
	ls "$ROOT/.seccomp-cache" 2>/dev/null | wc -l
}

@test "seccomp-cache: the second start loads the filter from the cache instead of compiling it" {
	LOG=$BATS_TEST_TMPDIR/log
	profile_bundle
	set_args sh -c 'mkdir /dev/shm/x 2>&1; echo rc=$?'
	run dberth run -b "$BUNDLE" "$ID"
	assert_contains "Operation not permitted"
	assert_contains "rc=1"
	run grep -c "seccomp: filter .* compiled" "$LOG"
	assert_line_eq "$output" 1
	run dberth run -b "$BUNDLE" "$ID"
	assert_contains "Operation not permitted"
	assert_contains "rc=1"
	run grep -c "seccomp: filter .* compiled" "$LOG"
	assert_line_eq "$output" 1
	run grep -c "seccomp: filter .* from the cache" "$LOG"
	assert_line_eq "$output" 1
	[ "$(cache_entries)" = 1 ]
	[ "$(stat -c '%U %a' "$ROOT/.seccomp-cache")" = "root 700" ]
}

@test "seccomp-cache: exec loads the container's filter from the cache too" {
	LOG=$BATS_TEST_TMPDIR/log
	profile_bundle
	set_args sleep 100
	detached run -d -b "$BUNDLE" "$ID"
	: >"$LOG"
	run dberth exec "$ID" sh -c 'mkdir /dev/shm/y 2>&1; echo rc=$?'
	assert_contains "Operation not permitted"
	assert_contains "rc=1"
	grep -q "seccomp: filter .* from the cache" "$LOG"
	! grep -q "seccomp: filter .* compiled" "$LOG"
}

# rewrite the container's state.json with the jq filter $1, keeping the
# file itself (its owner and mode are what make it trusted)
edit_state() {
	local f=$ROOT/$ID/state.json
	jq -c "$1" "$f" >"$BATS_TEST_TMPDIR/state.new"
	cat "$BATS_TEST_TMPDIR/state.new" >"$f"
}

# a container with the profile, sleeping; $KEY: the cache entry its
# state names
profiled_sleeper() {
	LOG=$BATS_TEST_TMPDIR/log
	profile_bundle
	set_args sleep 100
	detached run -d -b "$BUNDLE" "$ID"
	KEY=$(jq -r .berth.seccompKey "$ROOT/$ID/state.json")
}

# exec's process is filtered: mkdir refused by the profile
exec_filtered() {
	: >"$LOG"
	run dberth exec "$ID" sh -c 'mkdir /dev/shm/e 2>&1; echo rc=$?'
	assert_contains "Operation not permitted"
	assert_contains "rc=1"
}

@test "seccomp-cache: exec loads the entry the state names, without reading the profile's rules" {
	profiled_sleeper
	[ -f "$ROOT/.seccomp-cache/$KEY" ]
	exec_filtered
	grep -q "seccomp: filter ${KEY:0:12} from the cache, named by the state" "$LOG"
	! grep -q "rules read" "$LOG"
	! grep -q "seccomp: filter .* compiled" "$LOG"
}

@test "seccomp-cache: exec reads the profile's rules when the entry the state names is gone or damaged" {
	profiled_sleeper
	rm "$ROOT/.seccomp-cache/$KEY"
	exec_filtered
	grep -q "the profile's rules read" "$LOG"
	grep -q "seccomp: filter ${KEY:0:12} compiled" "$LOG"
	# compiled again under the same key: named by the state once more
	exec_filtered
	grep -q "named by the state" "$LOG"
	# an allow-everything program in its place is never loaded
	truncate -s 40 "$ROOT/.seccomp-cache/$KEY"
	exec_filtered
	grep -q "the profile's rules read" "$LOG"
	grep -q "seccomp: filter ${KEY:0:12} compiled" "$LOG"
}

@test "seccomp-cache: exec reads the rules for a state that names no entry, or not an entry's name" {
	profiled_sleeper
	# an older berth's state
	edit_state 'del(.berth.seccompKey)'
	exec_filtered
	grep -q "the profile's rules read" "$LOG"
	grep -q "seccomp: filter .* from the cache (" "$LOG"
	# a path, not a key
	edit_state '.berth.seccompKey = "../../etc/passwd"'
	exec_filtered
	grep -q "the profile's rules read" "$LOG"
	edit_state '.berth.seccompKey = "'"$(printf 'A%.0s' {1..64})"'"'
	exec_filtered
	grep -q "the profile's rules read" "$LOG"
}

@test "seccomp-cache: a changed profile is compiled again, never served a stale program" {
	LOG=$BATS_TEST_TMPDIR/log
	profile_bundle mkdir
	set_args sh -c 'mkdir /dev/shm/x 2>&1; echo mkdir=$?; rmdir /dev/shm/x 2>&1; echo rmdir=$?'
	run dberth run -b "$BUNDLE" "$ID"
	assert_contains "mkdir=1"
	profile_bundle rmdir
	set_args sh -c 'mkdir /dev/shm/x 2>&1; echo mkdir=$?; rmdir /dev/shm/x 2>&1; echo rmdir=$?'
	run dberth run -b "$BUNDLE" "$ID"
	assert_contains "mkdir=0"
	assert_contains "rmdir=1"
	run grep -c "seccomp: filter .* compiled" "$LOG"
	assert_line_eq "$output" 2
	[ "$(cache_entries)" = 2 ]
}

# a copy of berth at $1 that differs from it only in its build ID (one
# byte of the ID flipped): what an uncommitted change, or an incremental
# build, makes of the same version and commit
other_build() {
	local id
	id=$(readelf -n "$BERTH" | awk '/Build ID:/ {print $3}')
	[ -n "$id" ]
	python3 - "$BERTH" "$1" "$id" <<'PY'
import sys
src, dst, hexid = sys.argv[1], sys.argv[2], bytes.fromhex(sys.argv[3])
data = bytearray(open(src, "rb").read())
at = data.find(hexid)
assert at >= 0 and data.find(hexid, at + 1) < 0
data[at] ^= 0xFF
open(dst, "wb").write(data)
PY
	chmod 755 "$1"
}

@test "seccomp-cache: a berth built differently compiles its own filter, even at the same version and commit" {
	LOG=$BATS_TEST_TMPDIR/log
	profile_bundle
	set_args sh -c 'mkdir /dev/shm/x 2>&1; echo rc=$?'
	dberth run -b "$BUNDLE" "$ID" >/dev/null
	local other=$BATS_TEST_TMPDIR/bin/berth
	mkdir -p "${other%/*}"
	other_build "$other"
	[ "$("$other" --version)" = "$("$BERTH" --version)" ]
	run "$other" --root "$ROOT" --debug --log "$LOG" run -b "$BUNDLE" "$ID"
	assert_contains "rc=1"
	run grep -c "seccomp: filter .* compiled" "$LOG"
	assert_line_eq "$output" 2
	[ "$(cache_entries)" = 2 ]
	# and each build is served its own entry
	run dberth run -b "$BUNDLE" "$ID"
	assert_contains "rc=1"
	run grep -c "seccomp: filter .* from the cache" "$LOG"
	assert_line_eq "$output" 1
}

@test "seccomp-cache: a truncated or altered entry is rebuilt, never loaded" {
	LOG=$BATS_TEST_TMPDIR/log
	profile_bundle
	set_args sh -c 'mkdir /dev/shm/x 2>&1; echo rc=$?'
	dberth run -b "$BUNDLE" "$ID" >/dev/null
	local entry
	entry=$(ls "$ROOT/.seccomp-cache"/*)
	# an allow-everything program in its place: loading it would let mkdir through
	truncate -s 40 "$entry"
	run dberth run -b "$BUNDLE" "$ID"
	assert_contains "Operation not permitted"
	assert_contains "rc=1"
	# one byte changed in the middle (the program), the size kept
	printf '\x06' | dd of="$entry" bs=1 seek=60 conv=notrunc status=none
	run dberth run -b "$BUNDLE" "$ID"
	assert_contains "Operation not permitted"
	assert_contains "rc=1"
	run grep -c "seccomp: filter .* compiled" "$LOG"
	assert_line_eq "$output" 3
	# rebuilt: the next start is served again
	run dberth run -b "$BUNDLE" "$ID"
	run grep -c "seccomp: filter .* from the cache" "$LOG"
	assert_line_eq "$output" 1
}

@test "seccomp-cache: an entry or a cache dir that is not the caller's own is not used" {
	LOG=$BATS_TEST_TMPDIR/log
	profile_bundle
	set_args sh -c 'mkdir /dev/shm/x 2>&1; echo rc=$?'
	dberth run -b "$BUNDLE" "$ID" >/dev/null
	chmod 0666 "$ROOT"/.seccomp-cache/*
	run dberth run -b "$BUNDLE" "$ID"
	assert_contains "Operation not permitted"
	assert_contains "rc=1"
	run grep -c "seccomp: filter .* compiled" "$LOG"
	assert_line_eq "$output" 2
	# the dir replaced by a symlink to a dir someone else keeps
	rm -rf "$ROOT/.seccomp-cache"
	mkdir "$BATS_TEST_TMPDIR/elsewhere"
	ln -s "$BATS_TEST_TMPDIR/elsewhere" "$ROOT/.seccomp-cache"
	run dberth run -b "$BUNDLE" "$ID"
	assert_contains "Operation not permitted"
	assert_contains "rc=1"
	grep -q "seccomp: no cache" "$LOG"
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/elsewhere")" ]
	rm "$ROOT/.seccomp-cache"
}

# $1 fake entries in the cache, named like real ones, written $1..1
# hundred seconds ago (the first the oldest); their names in $BATS_TEST_TMPDIR/fakes
fake_entries() {
	local now i name
	now=$(date +%s)
	mkdir -p -m 700 "$ROOT/.seccomp-cache"
	: >"$BATS_TEST_TMPDIR/fakes"
	for ((i = $1; i >= 1; i--)); do
		name=$(printf '%064x' "$i")
		echo junk >"$ROOT/.seccomp-cache/$name"
		chmod 600 "$ROOT/.seccomp-cache/$name"
		touch -d "@$((now - i * 100))" "$ROOT/.seccomp-cache/$name"
		echo "$name" >>"$BATS_TEST_TMPDIR/fakes"
	done
}

@test "seccomp-cache: a write keeps the cache at 64 entries, removing those written longest ago" {
	LOG=$BATS_TEST_TMPDIR/log
	fake_entries 70
	local dir=$ROOT/.seccomp-cache
	# a temp file of a berth that died before its rename, one being written now, and a stranger
	echo x >"$dir/.$(printf '%064x' 99).4242.tmp"
	touch -d "@$(($(date +%s) - 3600))" "$dir/.$(printf '%064x' 99).4242.tmp"
	echo x >"$dir/.$(printf '%064x' 98).4243.tmp"
	echo x >"$dir/notes"
	profile_bundle
	set_args sh -c 'mkdir /dev/shm/x 2>&1; echo rc=$?'
	run dberth run -b "$BUNDLE" "$ID"
	assert_contains "rc=1"
	grep -q "seccomp: 7 of the cache's 71 entries removed, the oldest (it keeps 64)" "$LOG"
	[ "$(ls "$dir" | grep -c '^[0-9a-f]\{64\}$')" = 64 ]
	# the seven oldest fakes went, the other 63 and the new entry stayed
	for name in $(head -n 7 "$BATS_TEST_TMPDIR/fakes"); do [ ! -e "$dir/$name" ]; done
	for name in $(tail -n 63 "$BATS_TEST_TMPDIR/fakes"); do [ -f "$dir/$name" ]; done
	[ ! -e "$dir/.$(printf '%064x' 99).4242.tmp" ]
	[ -f "$dir/.$(printf '%064x' 98).4243.tmp" ]
	[ -f "$dir/notes" ]
	# the new entry is served at the next start, which removes nothing
	: >"$LOG"
	run dberth run -b "$BUNDLE" "$ID"
	assert_contains "rc=1"
	grep -q "seccomp: filter .* from the cache" "$LOG"
	! grep -q "entries removed" "$LOG"
	[ "$(ls "$dir" | grep -c '^[0-9a-f]\{64\}$')" = 64 ]
}

@test "seccomp-cache: a cache at or under 64 entries loses none" {
	LOG=$BATS_TEST_TMPDIR/log
	fake_entries 63
	profile_bundle
	set_args sh -c 'mkdir /dev/shm/x 2>&1; echo rc=$?'
	run dberth run -b "$BUNDLE" "$ID"
	assert_contains "rc=1"
	grep -q "seccomp: filter .* compiled" "$LOG"
	! grep -q "entries removed" "$LOG"
	[ "$(ls "$ROOT/.seccomp-cache" | grep -c '^[0-9a-f]\{64\}$')" = 64 ]
}
