# SPDX-License-Identifier: Apache-2.0
# tests/bats/lib/cli.bash — helpers of the CLI-contract suites (exec, kill,
# delete, list, ps, pause, hooks, console, ...), on top of helpers.bash.
# shellcheck disable=SC2154 # $status and $output are set by bats' run
#
# Load after helpers:   load helpers
#                       load lib/cli

TOOLS=${TOOLS:-$REPO/build/tests/tools}
RECVTTY=$TOOLS/recvtty

init_pid() {
	berth state "${1:-$ID}" | jq -r .pid
}

# sleeper [JQ-FILTER]: a bundle whose process sleeps, run detached as $ID
sleeper() {
	make_bundle "${1:-.}"
	set_args /bin/sleep 1000
	detached run -d -b "$BUNDLE" "$ID"
}

# bg_sh ID 'snippet': run a shell snippet detached in a new container
# (the bundle must exist); its stdout goes to $BATS_TEST_TMPDIR/ID.out
bg_sh() {
	local id=$1
	set_argv /bin/sh -c "$2"
	berth run -d -b "$BUNDLE" "$id" >"$BATS_TEST_TMPDIR/$id.out" \
		2>"$BATS_TEST_TMPDIR/$id.err" </dev/null
}

# a process is gone: no /proc entry, or only a zombie nobody reaped yet
pid_gone() {
	local state
	[ -e "/proc/$1" ] || return 0
	state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -z "$state" ] || [ "$state" = Z ] || [ "$state" = X ]
}

pid_alive() {
	! pid_gone "$1"
}

# the pids in a cgroup directory (recursively), sorted
cg_pids() {
	find "$1" -name cgroup.procs -exec cat {} + 2>/dev/null | sort -n
}

# nothing of container ID left: no state dir, no cgroup, init dead
assert_container_gone() {
	local id=$1 pid=${2:-}
	if [ -e "$ROOT/$id" ]; then
		echo "state dir $ROOT/$id left" >&2
		return 1
	fi
	if [ -e "$(cg_of "$id")" ]; then
		echo "cgroup $(cg_of "$id") left" >&2
		return 1
	fi
	if [ -n "$pid" ] && ! pid_gone "$pid"; then
		echo "process $pid still alive" >&2
		return 1
	fi
}

# a bind mount of a host directory (rw) into the container
add_bind() {
	local src=$1 dst=$2 mode=${3:-rw}
	edit_config ".mounts += [{\"destination\": \"$dst\", \"type\": \"bind\",
		\"source\": \"$src\", \"options\": [\"rbind\", \"$mode\"]}]"
}

# exact message: $output must be exactly "berth: MSG"
assert_error_eq() {
	if [ "$output" != "berth: $1" ]; then
		echo "expected: berth: $1" >&2
		echo "got:      $output" >&2
		return 1
	fi
}

# capeff_has HEX BIT: bit BIT is set in a capability mask (/proc/PID/status)
capeff_has() {
	local hex=$1 bit=$2
	(( (16#$hex >> bit) & 1 ))
}

need_tools() {
	[ -x "$RECVTTY" ] || { echo "no $RECVTTY (run make test-tools)" >&2; return 1; }
}

# start recvtty in the background on $BATS_TEST_TMPDIR/console.sock;
# extra args go to recvtty.  Sets RECVTTY_PID; output in .../tty.out
start_recvtty() {
	need_tools
	SOCK=$BATS_TEST_TMPDIR/console.sock
	rm -f "$SOCK"
	"$RECVTTY" -p "$BATS_TEST_TMPDIR/tty.info" "$@" "$SOCK" \
		>"$BATS_TEST_TMPDIR/tty.out" 2>"$BATS_TEST_TMPDIR/tty.err" </dev/null 3>&- &
	RECVTTY_PID=$!
	wait_for test -S "$SOCK"
}

# wait for recvtty to finish; fails when it reported a protocol error
wait_recvtty() {
	local rc=0
	wait "$RECVTTY_PID" || rc=$?
	if [ "$rc" != 0 ]; then
		echo "recvtty failed ($rc): $(cat "$BATS_TEST_TMPDIR/tty.err")" >&2
		return 1
	fi
}

# a RFC3339 time with nanoseconds in UTC
is_rfc3339_nano() {
	[[ "$1" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}(Z|[+-][0-9]{2}:[0-9]{2})$ ]]
}

# set_argv CMD [ARG...]: like set_args, but arguments may hold newlines
set_argv() {
	local json="[" a
	for a in "$@"; do
		json+=$(printf '%s' "$a" | jq -Rs .),
	done
	edit_config ".process.args = ${json%,}]"
}

# on_teardown 'SHELL CODE': run after every container is deleted but
# before the shared teardown's leak checks, last registered first, e.g.
# to remove a cgroup or a directory the test made itself; the test fails
# if the code fails
CLI_CLEANUP=()
on_teardown() {
	CLI_CLEANUP+=("$1")
}
teardown() {
	local i failed=0
	delete_all
	for ((i = ${#CLI_CLEANUP[@]} - 1; i >= 0; i--)); do
		eval "${CLI_CLEANUP[$i]}" || { echo "cleanup failed: ${CLI_CLEANUP[$i]}" >&2; failed=1; }
	done
	assert_no_leaks && [ "$failed" = 0 ]
}
