#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# --log FILE / --log-format json|text: what containerd (successive JSON
# objects, the last "error" one shown) and podman (the whole file parsed
# as ONE object) read after a failure.

load helpers
load lib/cli

LOG=
setup() {
	helpers_setup
	LOG=$BATS_TEST_TMPDIR/log.json
}

# berth with a JSON log
jberth() {
	"$BERTH" --root "$ROOT" --log "$LOG" --log-format json "$@"
}

# every line of the log is one JSON object with level, msg and time
assert_log_objects() {
	local line n=0
	while IFS= read -r line; do
		n=$((n + 1))
		jq -e 'type == "object" and (.level | type == "string") and (.msg | type == "string")' \
			<<<"$line" >/dev/null || { echo "line $n is not a log object: $line" >&2; return 1; }
		is_rfc3339_nano "$(jq -r .time <<<"$line")" || { echo "line $n: bad time" >&2; return 1; }
	done < "$LOG"
}

@test "--log: the file is created even when nothing fails" {
	run jberth list
	assert_status 0
	[ -f "$LOG" ]
	[ ! -s "$LOG" ]
	run "$BERTH" --root "$ROOT" --log "$BATS_TEST_TMPDIR/text.log" list -q
	[ -f "$BATS_TEST_TMPDIR/text.log" ]
}

@test "--log json: a failing create writes exactly one error object, berth's message" {
	mkdir -p "$BUNDLE"
	run jberth create --bundle "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid" "$ID"
	assert_status 1
	msg=${output#berth: }
	[ "$msg" = "config.json: open '$BUNDLE/config.json': No such file or directory" ]
	assert_log_objects
	# podman: the whole file is one object
	[ "$(jq -s length "$LOG")" = 1 ]
	[ "$(jq -r .level "$LOG")" = error ]
	[ "$(jq -r .msg "$LOG")" = "$msg" ]
	jq -e . "$LOG" >/dev/null
	assert_root_empty
}

@test "--log json: a create failing after a warning still writes exactly one object" {
	# the cpu weight is only warned about on this host; the hook then fails
	make_bundle '.linux.resources.cpu = {"shares": 512} | .hooks.prestart = [{"path": "/bin/false"}]'
	run jberth create --bundle "$BUNDLE" "$ID"
	assert_status 1
	assert_log_objects
	# podman parses the whole file as one JSON object
	jq -e . "$LOG" >/dev/null
	[ "$(jq -s length "$LOG")" = 1 ] || { cat "$LOG" >&2; false; }
	[ "$(jq -r .level "$LOG")" = error ]
	[ "$(jq -r .msg "$LOG")" = "prestart hook #0 '/bin/false': exited with status 1" ]
	assert_container_gone "$ID"
}

@test "--log json: a create failing late (in a hook) writes one object and leaves nothing" {
	cat > "$BATS_TEST_TMPDIR/hook.sh" <<-'EOF'
	#!/bin/sh
	printf '%s\n' 'a "quoted" back\slash' >&2
	exit 2
	EOF
	chmod 755 "$BATS_TEST_TMPDIR/hook.sh"
	make_bundle ".hooks.createRuntime = [{\"path\": \"$BATS_TEST_TMPDIR/hook.sh\"}]"
	run jberth create --bundle "$BUNDLE" "$ID"
	assert_status 1
	assert_log_objects
	[ "$(jq -s length "$LOG")" = 1 ]
	[ "$(jq -r .msg "$LOG")" = "${output#berth: }" ]
	[[ "$(jq -r .msg "$LOG")" == *'a "quoted" back\slash' ]]
	assert_container_gone "$ID"
}

@test "--log json: the last error object is what containerd shows, for exec too" {
	make_bundle
	set_args /bin/sleep 1000
	detached run -d -b "$BUNDLE" "$ID"
	echo '{"args": ["/bin/nope"], "cwd": "/", "user": {"uid": 0, "gid": 0}}' > "$BATS_TEST_TMPDIR/p.json"
	run jberth exec --process "$BATS_TEST_TMPDIR/p.json" --detach --pid-file "$BATS_TEST_TMPDIR/p.pid" "$ID"
	[ "$status" -ne 0 ]
	assert_log_objects
	[ "$(jq -rs 'map(select(.level == "error")) | last | .msg' "$LOG")" = 'exec "/bin/nope": no such file or directory' ]
	[ ! -e "$BATS_TEST_TMPDIR/p.pid" ]
}

@test "--log json: warnings are objects of level warning, not on stderr" {
	make_bundle
	set_args /bin/sleep 1000
	detached run -d -b "$BUNDLE" "$ID"
	# this host has no proportional io scheduler: a blkio weight is a warning
	run jberth update --blkio-weight 500 "$ID"
	assert_status 0
	[ -z "$output" ]
	assert_log_objects
	[ "$(jq -r .level "$LOG")" = warning ]
	[[ "$(jq -r .msg "$LOG")" == *"blkio weight not applied"* ]]
}

@test "--log json --debug: every line is an object with level, msg and time" {
	make_bundle
	set_args /bin/true
	run jberth --debug run -b "$BUNDLE" "$ID" 2>/dev/null
	run "$BERTH" --root "$ROOT" --log "$LOG" --log-format json --debug run -b "$BUNDLE" "$ID"
	assert_status 0
	[ -s "$LOG" ]
	assert_log_objects
	[ "$(jq -rs 'map(.level) | unique | join(",")' "$LOG")" = debug ]
}

@test "--log: the file is appended to, never truncated" {
	echo '{"level":"info","msg":"from the caller","time":"2026-01-01T00:00:00.000000000Z"}' > "$LOG"
	run jberth state nope
	assert_status 1
	[ "$(jq -s length "$LOG")" = 2 ]
	[ "$(jq -rs '.[0].msg' "$LOG")" = "from the caller" ]
	[ "$(jq -rs '.[1].msg' "$LOG")" = 'container "nope" does not exist' ]
}

@test "--log text: time level=error msg=\"...\" with the quotes inside escaped" {
	run "$BERTH" --root "$ROOT" --log "$LOG" --log-format text state nope
	assert_status 1
	[ "$(wc -l < "$LOG")" = 1 ]
	read -r time rest < "$LOG"
	is_rfc3339_nano "$time"
	[ "$rest" = 'level=error msg="container \"nope\" does not exist"' ]
}

@test "--log: text is the default format" {
	run "$BERTH" --root "$ROOT" --log "$LOG" state nope
	assert_status 1
	[[ "$(cat "$LOG")" =~ ^[0-9T:.Z-]+\ level=error\ msg= ]]
}

@test "--log: errors still go to stderr too" {
	run jberth state nope
	assert_status 1
	assert_error_eq 'container "nope" does not exist'
}

@test "--log: a file that cannot be created is an error on stderr" {
	run "$BERTH" --root "$ROOT" --log "$BATS_TEST_TMPDIR/no/dir/log" list
	assert_status 1
	assert_error_eq "open log file '$BATS_TEST_TMPDIR/no/dir/log': No such file or directory"
}

@test "--log-format: only text and json" {
	run "$BERTH" --log "$LOG" --log-format xml list
	assert_status 1
	assert_contains '--log-format: must be text or json, not "xml"'
}

@test "--log json: an unknown verb is logged as an error object" {
	run jberth frobnicate
	assert_status 1
	[ "$(jq -s length "$LOG")" = 1 ]
	[ "$(jq -r .msg "$LOG")" = "${output#berth: }" ]
}
