#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# A foreground `run` / `exec -t` with a terminal: berth proxies the
# container's pty to its own terminal (input, output, window size,
# control characters) and restores the terminal afterwards.  script(1)
# gives berth a terminal; the test types into it through a fifo.

load helpers
load lib/cli

# in_terminal 'SHELL COMMANDS': run them under script(1) in the
# background; their terminal output goes to $TERM_OUT.  Type with
# type_in, then collect the exit status with term_wait.
in_terminal() {
	TERM_OUT=$BATS_TEST_TMPDIR/term.out
	mkfifo "$BATS_TEST_TMPDIR/term.in"
	B="$BERTH --root $ROOT" timeout 30 script -qec "$1" /dev/null \
		<"$BATS_TEST_TMPDIR/term.in" >"$TERM_OUT" 2>&1 3>&- &
	TERM_PID=$!
	exec 5>"$BATS_TEST_TMPDIR/term.in"
}

type_in() {
	printf '%s' "$1" >&5
}

# wait for script to end, then close its input; its status in $TERM_RC
# (the input stays open meanwhile: script(1) types ^@ into the terminal
# when its input ends)
term_wait() {
	TERM_RC=0
	wait "$TERM_PID" || TERM_RC=$?
	exec 5>&-
}

# the terminal output without carriage returns
term_out() {
	tr -d '\r' < "$TERM_OUT"
}

tty_bundle() {
	make_bundle '.process.terminal = true | del(.process.consoleSize)'
	add_bind "$BATS_TEST_TMPDIR/shared" /home
	mkdir -p "$BATS_TEST_TMPDIR/shared"
}

@test "run with a terminal: output arrives, typed input reaches the process, its status is berth's" {
	tty_bundle
	set_argv /bin/sh -c 'echo "tty $(tty)"; read -r line; echo "got:$line"; exit 7'
	in_terminal "\$B run -b $BUNDLE $ID"
	wait_for grep -q '^tty ' "$TERM_OUT"
	type_in $'typed words\n'
	term_wait
	[ "$TERM_RC" = 7 ]
	[[ "$(term_out)" == *"got:typed words"* ]]
	# the process's terminal is the container's own pty, not script's
	[[ "$(term_out | sed -n 's/^tty //p')" =~ ^/dev/pts/[0-9]+$ ]]
	assert_root_empty
}

@test "run with a terminal: the window size is the caller's terminal's" {
	tty_bundle
	set_argv /bin/sh -c 'echo "size $(stty size)"'
	in_terminal "stty rows 33 cols 101; \$B run -b $BUNDLE $ID"
	term_wait
	[ "$TERM_RC" = 0 ]
	[ "$(term_out | sed -n 's/^size //p')" = "33 101" ]
}

@test "run with a terminal: a resize of the caller's terminal reaches the container" {
	tty_bundle
	set_argv /bin/sh -c 'trap "echo size \$(stty size); exit 0" WINCH; touch /home/ready
		while :; do sleep 0.1; done'
	in_terminal "stty rows 20 cols 60; \$B run -b $BUNDLE $ID </dev/tty &
		while [ ! -e $BATS_TEST_TMPDIR/shared/ready ]; do sleep 0.05; done
		stty rows 50 cols 150; wait"
	term_wait
	[ "$TERM_RC" = 0 ]
	[ "$(term_out | sed -n 's/^size //p')" = "50 150" ]
}

@test "run with a terminal: ^C typed is SIGINT for the container's process" {
	tty_bundle
	set_argv /bin/sh -c 'trap "echo got-INT; exit 3" INT; echo ready; while :; do sleep 0.1; done'
	in_terminal "\$B run -b $BUNDLE $ID"
	wait_for grep -q ready "$TERM_OUT"
	type_in $'\003'
	term_wait
	[ "$TERM_RC" = 3 ]
	[[ "$(term_out)" == *got-INT* ]]
}

@test "run with a terminal: the caller's terminal settings are restored afterwards" {
	tty_bundle
	set_args /bin/true
	in_terminal "\$B run -b $BUNDLE $ID; stty -a"
	term_wait
	[ "$TERM_RC" = 0 ]
	settings=$(term_out)
	[[ "$settings" =~ (^|[[:space:]])icanon([[:space:]]|$) ]]
	[[ "$settings" =~ (^|[[:space:]])echo([[:space:]]|$) ]]
	[[ "$settings" =~ (^|[[:space:]])isig([[:space:]]|$) ]]
}

@test "run with a terminal: output written just before the process exits is not lost" {
	tty_bundle
	set_argv /bin/sh -c 'i=0; while [ $i -lt 2000 ]; do echo "line $i"; i=$((i + 1)); done; echo last-line'
	in_terminal "\$B run -b $BUNDLE $ID"
	term_wait
	[ "$TERM_RC" = 0 ]
	[ "$(term_out | grep -c '^line ')" = 2000 ]
	[[ "$(term_out)" == *last-line* ]]
}

@test "exec -t in the foreground: a pty of its own, sized, with input and status" {
	make_bundle
	set_args /bin/sleep 1000
	detached run -d -b "$BUNDLE" "$ID"
	in_terminal "stty rows 44 cols 77; \$B exec -t $ID /bin/sh -c 'echo \"tty \$(tty)\"; echo \"size \$(stty size)\"; read -r l; echo got:\$l; exit 9'"
	wait_for grep -q '^size ' "$TERM_OUT"
	type_in $'exec-input\n'
	term_wait
	[ "$TERM_RC" = 9 ]
	[[ "$(term_out | sed -n 's/^tty //p')" =~ ^/dev/pts/[0-9]+$ ]]
	[ "$(term_out | sed -n 's/^size //p')" = "44 77" ]
	[[ "$(term_out)" == *got:exec-input* ]]
	[ "$(cg_pids "$(cg_of "$ID")")" = "$(init_pid)" ]
}

@test "run with terminal true and no terminal of its own: still proxies a pipe" {
	make_bundle '.process.terminal = true'
	set_argv /bin/sh -c 'echo "tty $(tty)"; read -r l; echo "got:$l"'
	run berth run -b "$BUNDLE" "$ID" <<<"piped"
	assert_status 0
	[[ "$output" == *"got:piped"* ]]
	[[ "$(tr -d '\r' <<<"$output" | sed -n 's/^tty //p')" =~ ^/dev/pts/[0-9]+$ ]]
}
