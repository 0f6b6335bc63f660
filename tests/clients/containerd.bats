#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# containerd (ctr + containerd-shim-runc-v2) driving the runtime under test.
#
# ctr runs containers straight from a rootfs dir (--rootfs) with
# --runc-binary $RUNTIME; the shim then calls create/start/exec/kill/ps/
# pause/resume/delete on it.  RUNTIME=/path/to/runtime (default ./berth).

# Container command lines are single-quoted on purpose: they expand inside.
# shellcheck disable=SC2016

load lib/common
load lib/containerd

setup_file() {
	make_tmp ctd
	ensure_images
	containerd_start
}

teardown_file() {
	containerd_stop
}

setup() {
	R=$T/rootfs-$BATS_TEST_NUMBER
	copy_rootfs "$R"
}

# task_field ID COLUMN: a column of `ctr task ls` (2 = pid, 3 = status).
task_field() {
	ctr_ task ls | awk -v id="$1" -v col="$2" '$1 == id { print $col }'
}

# task_has_status ID STATUS
task_has_status() {
	[[ $(task_field "$1" 3) == "$2" ]]
}

# ctr_words: the ctr command line (quoted) for use inside `script -c`.
ctr_words() {
	printf '%q ' timeout --foreground 20 ctr --address "$CTD_SOCK" --namespace "$CTD_NS" "$@"
}

# The pty tests end the container with a short sleep: when a terminal
# process exits right after writing, the caller's copy loop can lose the
# last output (a client-side race, seen with runc too).
# in_pty ROWS COLS CMDLINE: run CMDLINE in a fresh pseudo-terminal of that
# size (ctr -t needs a terminal on its own stdin); print its output without
# the terminal's carriage returns.
in_pty() {
	script -qec "stty rows $1 cols $2; $3" /dev/null < /dev/null | tr -d '\r\0'
}

# A shell loop that waits (up to 2 s) for the terminal to reach SIZE:
# containerd resizes the pty right after start, so the first instant may
# still see 0 0.
wait_size='i=0; while [ "$(stty size 2>/dev/null)" != "$1" ] && [ $i -lt 40 ]; do sleep 0.05; i=$((i+1)); done'

# cleanup_container ID: remove a task/container a failed test left behind.
cleanup_container() {
	ctr_ task kill -s SIGKILL "$1" >/dev/null 2>&1 || true
	wait_for 5 eval "! task_has_status $1 RUNNING" || true
	ctr_ task delete -f "$1" >/dev/null 2>&1 || true
	ctr_ container rm "$1" >/dev/null 2>&1 || true
}

@test "ctr run prints the command's output and returns its exit code" {
	run ctr_run --rm --rootfs "$R" run1 /bin/sh -c 'echo hello from $(cat /proc/self/comm); echo to-stderr >&2; exit 3'
	assert_eq 3 "$status" "exit code"
	assert_contains "$output" "hello from cat"
	assert_contains "$output" "to-stderr"
}

@test "ctr run hands the container only its three stdio descriptors" {
	# the shim passes the runtime extra descriptors (its own sockets and
	# whatever it inherited); none may reach the container process
	# ls (a child) lists the fds of the shell (pid 1) as the runtime handed
	# them over: neither ls's own directory fd nor a pipeline's pipe counts
	run ctr_run --rm --rootfs "$R" fds /bin/sh -c 'ls /proc/1/fd; exit 0'
	assert_eq 0 "$status" "exit code"
	assert_eq $'0\n1\n2' "$output" "open fds of the container's init"
}

@test "ctr run -t gives the process a pty of the caller's terminal size" {
	local out
	out=$(in_pty 33 101 "$(ctr_words run --runc-binary "$(runtime_path)" \
		--runc-root "$T/runtime-root" --fifo-dir "$T/fifo" --rm -t --rootfs "$R" tty1 \
		/bin/sh -c "set -- '33 101'; $wait_size; tty; stty size; sleep 0.5")")
	assert_match "$out" $'/dev/pts/[0-9]+\n'
	assert_contains "$out" "33 101"
}

@test "ctr task exec runs a second process with its own output and exit code" {
	ctr_run -d --rootfs "$R" exec1 /bin/sleep 1000
	run ctr_ task exec --fifo-dir "$T/fifo" --exec-id e1 exec1 \
		/bin/sh -c 'echo exec-out; echo exec-err >&2; exit 5'
	cleanup_container exec1
	assert_eq 5 "$status" "exit code"
	assert_contains "$output" "exec-out"
	assert_contains "$output" "exec-err"
}

@test "ctr task exec runs in the container's pid namespace" {
	ctr_run -d --rootfs "$R" exec2 /bin/sleep 1000
	# pid 1 of the namespace the exec joins is the container's sleep
	run ctr_ task exec --fifo-dir "$T/fifo" --exec-id e1 exec2 /bin/cat /proc/1/cmdline
	cleanup_container exec2
	assert_eq 0 "$status" "exit code"
	assert_eq "/bin/sleep1000" "$(tr -d '\0' <<< "$output")" "pid 1 cmdline"
}

@test "ctr task exec of a hostile #!/proc/self/exe script cannot write the runtime binary" {
	# CVE-2019-5736 through the shim: the image's /bin/sh makes the kernel
	# run the runtime's own file as the exec'd process; a hunter in the
	# container holds its /proc/PID/exe and writes once it has exited
	# (tests/bats/binary.bats has the same attack without containerd)
	local copy=$T/hostile-bin/runtime shared=$T/hostile-shared sum
	mkdir -p "${copy%/*}" "$shared"
	chmod 777 "$shared"
	cp "$RUNTIME" "$copy"
	sum=$(sha256sum <"$copy")
	cp "$REPO_DIR/build/tests/probe" "$R/bin/probe"
	rm -f "$R/bin/sh"
	printf '#!/proc/self/exe --log=/shared/fifo\n' >"$R/bin/sh"
	chmod 755 "$R/bin/sh"
	ctr_ run --runc-binary "$copy" --runc-root "$T/runtime-root" --fifo-dir "$T/fifo" -d \
		--mount "type=bind,src=$shared,dst=/shared,options=rbind:rw" --rootfs "$R" hunt \
		/bin/busybox sh -c 'exec /bin/probe exe-hunt /shared/fifo >/shared/result 2>&1'
	run ctr_ task exec --fifo-dir "$T/fifo" --exec-id e1 hunt /bin/sh
	wait_for 20 grep -q -e reopen-write -e "open-path: E" -e "hunt:" "$shared/result" || true
	cleanup_container hunt
	cat "$shared/result"
	assert_eq "$sum" "$(sha256sum <"$copy")" "the runtime binary's hash"
	grep -q open-path "$shared/result"
	! grep -qx "write: ok" "$shared/result"
}

@test "ctr task exec -t gives the exec'd process a pty of the caller's size" {
	ctr_run -d --rootfs "$R" exect /bin/sleep 1000
	local out
	out=$(in_pty 20 70 "$(ctr_words task exec --fifo-dir "$T/fifo" -t --exec-id e1 exect \
		/bin/sh -c "set -- '20 70'; $wait_size; tty; stty size; sleep 0.5")")
	cleanup_container exect
	assert_match "$out" $'/dev/pts/[0-9]+\n'
	assert_contains "$out" "20 70"
}

@test "ctr task kill sends SIGTERM by default and ctr run returns the trap's exit code" {
	ctr_run --rootfs "$R" term1 /bin/sh -c \
		'trap "echo got-term > /tmp/term; exit 3" TERM; touch /tmp/ready; while :; do sleep 0.05; done' \
		> "$T/term1.out" 2>&1 3>&- &
	local ctr_pid=$!
	wait_for 10 test -e "$R/tmp/ready"
	ctr_ task kill term1
	local rc=0
	wait "$ctr_pid" || rc=$?
	assert_eq 3 "$rc" "ctr run exit code"
	assert_eq got-term "$(cat "$R/tmp/term")" "trap output"
	ctr_ container rm term1
}

@test "ctr task kill -s SIGKILL ends the container with status 137" {
	ctr_run --rootfs "$R" kill9 /bin/sh -c 'touch /tmp/ready; exec sleep 1000' \
		> "$T/kill9.out" 2>&1 3>&- &
	local ctr_pid=$!
	wait_for 10 test -e "$R/tmp/ready"
	ctr_ task kill -s SIGKILL kill9
	local rc=0
	wait "$ctr_pid" || rc=$?
	assert_eq 137 "$rc" "ctr run exit code"
	ctr_ container rm kill9
}

@test "ctr task kill --all signals every process in the container, not only init" {
	# init and a child both record SIGUSR1; without --all only init would
	ctr_run -d --rootfs "$R" all1 /bin/sh -c '
		(trap "echo child >> /tmp/got; exit 0" USR1; touch /tmp/child-ready
		 while :; do sleep 0.05; done) &
		trap "echo init >> /tmp/got" USR1; touch /tmp/ready
		while :; do sleep 0.05; done'
	wait_for 10 test -e "$R/tmp/ready" -a -e "$R/tmp/child-ready"
	ctr_ task kill --all -s SIGUSR1 all1
	wait_for 5 eval "grep -q init '$R/tmp/got' && grep -q child '$R/tmp/got'" || true
	local got
	got=$(sort "$R/tmp/got" | tr '\n' ' ')
	cleanup_container all1
	assert_eq "child init " "$got" "processes that got SIGUSR1"
}

@test "ctr task ps lists the host pids of the container's processes" {
	ctr_run -d --rootfs "$R" ps1 /bin/sh -c 'sleep 4242 & touch /tmp/ready; wait'
	wait_for 10 test -e "$R/tmp/ready"
	local init pids p found=
	init=$(task_field ps1 2)
	pids=$(ctr_ task ps ps1 | awk 'NR > 1 { print $1 }')
	for p in $pids; do
		if [[ $(tr '\0' ' ' < "/proc/$p/cmdline") == "sleep 4242 " ]]; then
			found=$p
		fi
	done
	cleanup_container ps1
	assert_contains " $(tr '\n' ' ' <<< "$pids")" " $init " # init's pid is listed
	[[ -n $found ]] || die "no pid in [$pids] is the container's 'sleep 4242'"
}

@test "the runtime's state for a running task shows its pid and status running" {
	ctr_run -d --rootfs "$R" state1 /bin/sleep 1000
	local pid
	pid=$(task_field state1 2)
	run "$RUNTIME" --root "$T/runtime-root/$CTD_NS" state state1
	cleanup_container state1
	assert_eq 0 "$status" "runtime state exit code"
	assert_eq "state1 running $pid" "$(jq -r '"\(.id) \(.status) \(.pid)"' <<< "$output")" "state"
}

@test "ctr task pause freezes the container and resume thaws it" {
	ctr_run -d --rootfs "$R" pause1 /bin/sh -c \
		'i=0; while :; do i=$((i+1)); echo $i > /tmp/n.new; mv /tmp/n.new /tmp/n; sleep 0.02; done'
	wait_for 10 test -s "$R/tmp/n"
	ctr_ task pause pause1
	local st1 a b st2 c
	st1=$(task_field pause1 3)
	a=$(cat "$R/tmp/n")
	sleep 0.4
	b=$(cat "$R/tmp/n")
	ctr_ task resume pause1
	st2=$(task_field pause1 3)
	wait_for 5 eval "[ \"\$(cat '$R/tmp/n')\" != '$b' ]" || true
	c=$(cat "$R/tmp/n")
	cleanup_container pause1
	assert_eq PAUSED "$st1" "status after pause"
	assert_eq "$a" "$b" "counter while paused"
	assert_eq RUNNING "$st2" "status after resume"
	[[ $c != "$b" ]] || die "counter did not move after resume (stuck at $c)"
}

@test "ctr task delete removes a stopped task and reports its exit code" {
	ctr_run -d --rootfs "$R" del1 /bin/sh -c 'exit 7'
	wait_for 10 task_has_status del1 STOPPED
	run ctr_ task delete del1
	assert_eq 0 "$status" "ctr task delete exit code"
	assert_contains "$output" "exit code 7"
	[[ -z $(task_field del1 3) ]] || die "task del1 still listed after delete"
	[[ ! -e $T/runtime-root/$CTD_NS/del1 ]] || die "runtime state for del1 remains"
	ctr_ container rm del1
}

@test "a process binary that does not exist fails create with the runtime's message" {
	run ctr_run --rm --rootfs "$R" nope1 /bin/nope
	ctr_ container rm nope1 >/dev/null 2>&1 || true
	[[ $status -ne 0 ]] || die "ctr run of /bin/nope succeeded"
	assert_contains "$output" "OCI runtime create failed: "
	if runtime_is_berth; then
		# berth-specific text: containerd shows the last error of --log
		assert_match "$output" 'OCI runtime create failed: (.*: )?exec "/bin/nope": no such file or directory'
	else
		assert_match "$output" 'OCI runtime create failed: .*"/bin/nope".*no such file or directory'
	fi
	# a failed create leaves no state behind in the runtime's root
	[[ ! -e $T/runtime-root/$CTD_NS/nope1 ]] || die "runtime state for nope1 remains"
}

@test "20 containers run and are removed back to back, leaving the runtime root empty" {
	local i
	for i in $(seq 1 20); do
		run ctr_run --rm --rootfs "$R" "loop$i" /bin/echo "run $i"
		assert_eq 0 "$status" "exit code of run $i"
		assert_eq "run $i" "$output" "output of run $i"
	done
	# containerd's runc shims pass --root <runc-root>/<namespace>
	assert_empty_dir "$T/runtime-root/$CTD_NS"
	assert_empty_dir "$T/state/io.containerd.runtime.v2.task/$CTD_NS"
	assert_eq "" "$(ctr_ container ls -q)" "containers left"
	# the runtime removed each container's cgroup (only our empty parent remains)
	local d left=
	for d in $(cgroup_dirs "$TAG"); do
		left+=$(find "$d" -mindepth 1 -type d)
	done
	assert_eq "" "$left" "cgroups left"
}
