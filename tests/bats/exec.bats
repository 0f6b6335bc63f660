#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# exec: a new process in a running container, in the CLI form (docker
# exec, runc exec) and the --process FILE form (containerd, conmon).

load helpers
load lib/cli

@test "exec: prints the process's output and exits with its status" {
	sleeper
	run berth exec "$ID" sh -c 'echo from-exec; exit 42'
	assert_status 42
	assert_line_eq "$output" "from-exec"
}

@test "exec: a process killed by a signal gives 128+N" {
	sleeper
	run berth exec "$ID" sh -c 'kill -KILL $$'
	assert_status 137
}

@test "exec: stdin reaches the process" {
	sleeper
	run berth exec "$ID" sh -c 'read line; echo "read: $line"' <<<"typed in"
	assert_status 0
	assert_line_eq "$output" "read: typed in"
}

@test "exec: the process's stderr is exec's stderr" {
	sleeper
	berth exec "$ID" sh -c 'echo to-out; echo to-err >&2' \
		>"$BATS_TEST_TMPDIR/o" 2>"$BATS_TEST_TMPDIR/e"
	[ "$(cat "$BATS_TEST_TMPDIR/o")" = to-out ]
	[ "$(cat "$BATS_TEST_TMPDIR/e")" = to-err ]
}

@test "exec -e: adds a variable and replaces one the config sets" {
	sleeper '.process.env = ["PATH=/bin:/usr/bin", "TERM=xterm", "KEEP=1"]'
	run berth exec -e FOO=bar -e TERM=dumb --env X=a=b "$ID" env
	assert_status 0
	grep -qx 'FOO=bar' <<<"$output"
	grep -qx 'TERM=dumb' <<<"$output"
	grep -qx 'X=a=b' <<<"$output"
	grep -qx 'KEEP=1' <<<"$output"
	grep -qx 'PATH=/bin:/usr/bin' <<<"$output"
	[ "$(grep -c '^TERM=' <<<"$output")" = 1 ]
}

@test "exec: without -e the environment is the config's" {
	sleeper '.process.env = ["PATH=/bin", "ONLY=this"]'
	run berth exec "$ID" env
	assert_status 0
	grep -qx 'ONLY=this' <<<"$output"
	assert_not_contains "BATS_"
}

@test "exec --cwd: sets the working directory" {
	sleeper
	run berth exec --cwd /tmp "$ID" probe cwd
	assert_status 0
	assert_line_eq "$output" "/tmp"
	run berth exec "$ID" probe cwd
	assert_line_eq "$output" "/"
}

@test "exec -u UID:GID -g: sets the user, group and supplementary groups" {
	sleeper
	run berth exec -u 1000:1001 -g 44 --additional-gids 55 "$ID" \
		grep -E '^(Uid|Gid|Groups):' /proc/self/status
	assert_status 0
	grep -qP '^Uid:\t1000\t1000\t1000\t1000$' <<<"$output"
	grep -qP '^Gid:\t1001\t1001\t1001\t1001$' <<<"$output"
	grep -qP '^Groups:\t44 55 ?$' <<<"$output"
}

@test "exec -u UID: the group is 0" {
	sleeper
	run berth exec -u 1234 "$ID" grep -E '^(Uid|Gid):' /proc/self/status
	assert_status 0
	grep -qP '^Uid:\t1234\t1234\t1234\t1234$' <<<"$output"
	grep -qP '^Gid:\t0\t0\t0\t0$' <<<"$output"
}

@test "exec -u: a malformed user is refused" {
	sleeper
	run berth exec -u bob "$ID" true
	assert_status 1
	assert_contains '--user: "bob" is not UID[:GID]'
}

@test "exec --cap: adds the capability to the effective set" {
	sleeper
	run berth exec "$ID" grep ^CapEff: /proc/self/status
	eff=$(awk '{print $2}' <<<"$output")
	! capeff_has "$eff" 21    # CAP_SYS_ADMIN is not in the default set
	run berth exec --cap CAP_SYS_ADMIN "$ID" grep -E '^Cap(Eff|Bnd):' /proc/self/status
	assert_status 0
	eff=$(awk '/CapEff/ {print $2}' <<<"$output")
	bnd=$(awk '/CapBnd/ {print $2}' <<<"$output")
	capeff_has "$eff" 21
	capeff_has "$bnd" 21
	capeff_has "$eff" 5       # CAP_KILL from the config is kept
}

@test "exec --cap: the name works without the CAP_ prefix and in lower case" {
	sleeper
	run berth exec --cap net_admin "$ID" grep ^CapEff: /proc/self/status
	assert_status 0
	capeff_has "$(awk '{print $2}' <<<"$output")" 12
}

@test "exec --cap: an unknown capability is refused" {
	sleeper
	run berth exec --cap CAP_FLY "$ID" true
	assert_status 1
	assert_contains 'CAP_FLY'
}

@test "exec --no-new-privs: sets NoNewPrivs" {
	sleeper '.process.noNewPrivileges = false'
	run berth exec "$ID" grep ^NoNewPrivs: /proc/self/status
	grep -qP '^NoNewPrivs:\t0$' <<<"$output"
	run berth exec --no-new-privs "$ID" grep ^NoNewPrivs: /proc/self/status
	assert_status 0
	grep -qP '^NoNewPrivs:\t1$' <<<"$output"
}

@test "exec --process: runs a process JSON like containerd's" {
	sleeper
	cat > "$BATS_TEST_TMPDIR/process.json" <<-'EOF'
	{
	  "terminal": false,
	  "user": { "uid": 1000, "gid": 1000, "additionalGids": [3, 4] },
	  "args": ["/bin/sh", "-c", "id -u; id -g; id -G; pwd; echo $HOSTNAME; grep -E '^(CapEff|NoNewPrivs):' /proc/self/status"],
	  "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOSTNAME=web-0"],
	  "cwd": "/tmp",
	  "capabilities": {
	    "bounding": ["CAP_KILL", "CAP_NET_RAW"],
	    "effective": ["CAP_KILL", "CAP_NET_RAW"],
	    "permitted": ["CAP_KILL", "CAP_NET_RAW"],
	    "ambient": ["CAP_KILL", "CAP_NET_RAW"],
	    "inheritable": ["CAP_KILL", "CAP_NET_RAW"]
	  },
	  "noNewPrivileges": true
	}
	EOF
	run berth exec --process "$BATS_TEST_TMPDIR/process.json" "$ID"
	assert_status 0
	mapfile -t lines <<<"$output"
	[ "${lines[0]}" = 1000 ]
	[ "${lines[1]}" = 1000 ]
	[ "${lines[2]}" = "1000 3 4" ]
	[ "${lines[3]}" = /tmp ]
	[ "${lines[4]}" = web-0 ]
	# CAP_KILL (5) and CAP_NET_RAW (13): 0x2020
	grep -qP '^CapEff:\t0000000000002020$' <<<"$output"
	grep -qP '^NoNewPrivs:\t1$' <<<"$output"
}

@test "exec --process --detach --pid-file: the containerd argv" {
	sleeper
	cat > "$BATS_TEST_TMPDIR/process.json" <<-'EOF'
	{ "user": {"uid": 0, "gid": 0}, "args": ["/bin/sleep", "1001"], "cwd": "/",
	  "env": ["PATH=/bin"] }
	EOF
	run detached exec --process "$BATS_TEST_TMPDIR/process.json" --detach \
		--pid-file "$BATS_TEST_TMPDIR/exec.pid" "$ID"
	assert_status 0
	pid=$(cat "$BATS_TEST_TMPDIR/exec.pid")
	[[ "$pid" =~ ^[0-9]+$ ]]
	[ "$(tr '\0' ' ' < "/proc/$pid/cmdline")" = "/bin/sleep 1001 " ]
	grep -qx "$pid" "$(cg_of "$ID")/cgroup.procs"
}

@test "exec --process: a file that does not exist is named in the error" {
	sleeper
	run berth exec --process "$BATS_TEST_TMPDIR/nope.json" "$ID"
	assert_status 1
	assert_contains "$BATS_TEST_TMPDIR/nope.json"
	assert_contains "No such file or directory"
}

@test "exec --detach --pid-file: no trailing newline, and the process outlives berth" {
	sleeper
	run detached exec --detach --pid-file "$BATS_TEST_TMPDIR/exec.pid" "$ID" sleep 1002
	assert_status 0
	pidfile=$BATS_TEST_TMPDIR/exec.pid
	[ "$(wc -l < "$pidfile")" = 0 ]
	pid=$(cat "$pidfile")
	[[ "$pid" =~ ^[0-9]+$ ]]
	[ "$(wc -c < "$pidfile")" = "${#pid}" ]
	# berth has exited; the process still runs, no longer its child
	pid_alive "$pid"
	[ "$(tr '\0' ' ' < "/proc/$pid/cmdline")" = "sleep 1002 " ]
	run berth ps --format json "$ID"
	[ "$(jq "index($pid) != null" <<<"$output")" = true ]
}

@test "exec -d: a detached exec returns at once with status 0" {
	sleeper
	run detached exec -d "$ID" sh -c 'exit 5'
	assert_status 0
}

@test "exec: joins every namespace of the container" {
	make_bundle '.linux.namespaces += [{"type": "user"}, {"type": "cgroup"}, {"type": "time"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	set_args /bin/sleep 1000
	detached run -d -b "$BUNDLE" "$ID"
	init=$(init_pid)
	detached exec -d --pid-file "$BATS_TEST_TMPDIR/exec.pid" "$ID" sleep 1003
	pid=$(cat "$BATS_TEST_TMPDIR/exec.pid")
	for ns in cgroup ipc mnt net pid time user uts; do
		want=$(readlink "/proc/$init/ns/$ns")
		got=$(readlink "/proc/$pid/ns/$ns")
		host=$(readlink "/proc/self/ns/$ns")
		[ "$want" != "$host" ] || { echo "$ns: the container shares the host's" >&2; false; }
		[ "$got" = "$want" ] || { echo "$ns: exec has $got, init $want" >&2; false; }
	done
	# seen from inside: the same pid namespace (the init is pid 1)
	run berth exec "$ID" sh -c 'cat /proc/1/cmdline | tr "\0" " "'
	assert_contains "sleep 1000"
}

@test "exec: into a time namespace without a user namespace, the process joins it" {
	# the kernel lets no process that shares its memory with another enter
	# a time namespace: exec's process must be its own here
	sleeper '.linux.namespaces += [{"type": "time"}] |
		.linux.timeOffsets = {"boottime": {"secs": 1728000, "nanosecs": 0}}'
	init=$(init_pid)
	run berth exec "$ID" sh -c 'cut -d. -f1 /proc/uptime; readlink /proc/self/ns/time'
	assert_status 0
	host_up=$(cut -d. -f1 /proc/uptime)
	[ "${lines[0]}" -ge $((host_up + 1728000 - 5)) ]
	assert_line_eq "${lines[1]}" "$(readlink "/proc/$init/ns/time")"
}

@test "exec: an endless /etc/passwd in the container is read no further than 16 MB" {
	# HOME comes from the container's /etc/passwd when the env has none;
	# exec's process may share berth's memory while it reads it, charged
	# to berth's cgroup: /dev/zero there must not grow berth without end
	# (berth's address space is capped here, so an unbounded read fails)
	sleeper '.mounts += [{"destination": "/etc/passwd", "type": "bind", "source": "/dev/zero",
		"options": ["bind", "ro"]}]'
	# (not under ASan, whose shadow memory needs the address space)
	limit=(prlimit --as=$((256 * 1024 * 1024)))
	[ -z "${ASAN_OPTIONS:-}" ] || limit=()
	run "${limit[@]}" "$BERTH" --root "$ROOT" exec "$ID" sh -c 'echo "home=$HOME"'
	assert_status 0
	assert_line_eq "$output" "home=/"
}

@test "exec: the process is in the container's cgroup" {
	sleeper
	detached exec -d --pid-file "$BATS_TEST_TMPDIR/exec.pid" "$ID" sleep 1004
	pid=$(cat "$BATS_TEST_TMPDIR/exec.pid")
	grep -qx "$pid" "$(cg_of "$ID")/cgroup.procs"
	[ "$(grep ^0:: "/proc/$pid/cgroup")" = "0::/berth/$ID" ]
	run berth exec "$ID" grep ^0:: /proc/self/cgroup
	assert_line_eq "$output" "0::/berth/$ID"
}

@test "exec: the process runs as the container's pid namespace sees it" {
	sleeper
	run berth exec "$ID" sh -c 'echo $$; ls /proc | grep -c "^[0-9]"'
	assert_status 0
	mapfile -t lines <<<"$output"
	# the init (1), this shell, ls and grep: nothing of the host
	[ "${lines[0]}" -lt 10 ]
	[ "${lines[1]}" -le 4 ]
}

@test "exec: into a stopped container says container not running" {
	make_bundle
	set_args /bin/true
	detached run -d -b "$BUNDLE" "$ID"
	wait_until '[ "$(state_of "$ID")" = stopped ]'
	run berth exec "$ID" true
	assert_status 1
	assert_error_eq "container not running"
}

@test "exec: into a paused container fails clearly" {
	sleeper
	berth pause "$ID"
	run berth exec "$ID" true
	assert_status 1
	assert_contains "paused"
	# and nothing was started: only the init is in the cgroup
	[ "$(cg_pids "$(cg_of "$ID")")" = "$(init_pid)" ]
	berth resume "$ID"
}

@test "exec: into a container that does not exist" {
	run berth exec nope true
	assert_status 1
	assert_error_eq 'container "nope" does not exist'
}

@test "exec: a missing binary names the file" {
	sleeper
	run berth exec "$ID" /bin/nope
	[ "$status" -ne 0 ]
	assert_error_eq 'exec "/bin/nope": no such file or directory'
	[ "$(cg_pids "$(cg_of "$ID")")" = "$(init_pid)" ]
}

@test "exec: a command not in PATH says executable file not found" {
	sleeper
	run berth exec "$ID" no-such-command
	[ "$status" -ne 0 ]
	assert_error_eq 'exec "no-such-command": executable file not found in $PATH'
}

@test "exec: a file that is not executable is permission denied" {
	sleeper
	run berth exec "$ID" /etc/passwd
	[ "$status" -ne 0 ]
	assert_error_eq 'exec "/etc/passwd": permission denied'
}

@test "exec --preserve-fds: passes fds 3..3+N-1 and no other" {
	sleeper
	echo three > "$BATS_TEST_TMPDIR/f3"
	echo four > "$BATS_TEST_TMPDIR/f4"
	echo five > "$BATS_TEST_TMPDIR/f5"
	run berth exec --preserve-fds 2 "$ID" sh -c 'cat <&3; cat <&4; exec probe fds' \
		3<"$BATS_TEST_TMPDIR/f3" 4<"$BATS_TEST_TMPDIR/f4" 5<"$BATS_TEST_TMPDIR/f5"
	assert_status 0
	mapfile -t lines <<<"$output"
	[ "${lines[0]}" = three ]
	[ "${lines[1]}" = four ]
	fds=$(printf '%s\n' "${lines[@]:2}" | cut -d' ' -f1 | sort -n | tr '\n' ' ')
	[ "$fds" = "0 1 2 3 4 " ]
}

@test "exec: without --preserve-fds the process gets only 0, 1, 2" {
	sleeper
	run berth exec "$ID" probe fds 3<"$BATS_TEST_TMPDIR" 7<"$BATS_TEST_TMPDIR"
	assert_status 0
	[ "$(cut -d' ' -f1 <<<"$output" | tr '\n' ' ')" = "0 1 2 " ]
}

@test "exec: a command is required" {
	sleeper
	run berth exec "$ID"
	assert_status 1
	assert_contains "a command (or --process FILE) is required"
}

@test "exec: signals the caller ignores are back to default in the process" {
	sleeper
	run bash -c "trap '' HUP INT TERM PIPE; exec '$BERTH' --root '$ROOT' exec '$ID' grep ^SigIgn: /proc/self/status"
	assert_status 0
	assert_line_eq "$output" "SigIgn:	0000000000000000"
}

@test "exec: the signals are set back to default without reading berth's /proc/self/status" {
	command -v strace >/dev/null || skip "needs strace (Debian package strace)"
	sleeper
	# LeakSanitizer cannot run under ptrace (the ASan build)
	run env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -qq -o "$BATS_TEST_TMPDIR/trace" -e trace=openat,rt_sigaction -e signal=none \
		bash -c "trap '' HUP USR2; exec '$BERTH' --root '$ROOT' exec '$ID' grep ^SigIgn: /proc/self/status"
	assert_status 0
	assert_contains "SigIgn:	0000000000000000"
	# grep's own open is the only one: berth asks the kernel nothing of it
	run grep -c '"/proc/self/status"' "$BATS_TEST_TMPDIR/trace"
	assert_line_eq "$output" 1
	grep -q "rt_sigaction(SIGUSR2, {sa_handler=SIG_DFL" "$BATS_TEST_TMPDIR/trace"
}

@test "exec: from Linux 6.8 on, an exec reads no mount table: statmount answers for berth's overlay and the container's cgroups" {
	command -v strace >/dev/null || skip "needs strace (Debian package strace)"
	[ "$(printf '6.8\n%s\n' "$(uname -r)" | sort -V | head -n 1)" = 6.8 ] ||
		skip "Linux $(uname -r) has no statmount: the mount table is read"
	sleeper
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -qq -o "$BATS_TEST_TMPDIR/trace" -e trace=openat -e signal=none \
		"$BERTH" --root "$ROOT" --debug --log "$BATS_TEST_TMPDIR/log" exec "$ID" true </dev/null
	# the berth that ran came from its read-only overlay, and found the
	# container's cgroups (it ran in them: the exec worked)
	grep -q "running from a read-only overlay" "$BATS_TEST_TMPDIR/log"
	! grep '"/proc/self/mountinfo"' "$BATS_TEST_TMPDIR/trace"
}

# ---- exec --cgroup --------------------------------------------------------

@test "exec --cgroup: the process runs in an existing cgroup below the container's" {
	sleeper
	local cg
	cg=$(cg_of "$ID")
	mkdir "$cg/sub" "$cg/sub/deeper"
	run berth exec --cgroup sub "$ID" cat /proc/self/cgroup
	assert_status 0
	assert_contains "0::/berth/$ID/sub"
	run berth exec --cgroup /sub/deeper "$ID" cat /proc/self/cgroup
	assert_status 0
	assert_contains "0::/berth/$ID/sub/deeper"
	# without --cgroup: the container's own
	run berth exec "$ID" cat /proc/self/cgroup
	grep -qx "0::/berth/$ID" <<<"$output"
}

@test "exec --cgroup: exec --process callers get the same" {
	sleeper
	mkdir "$(cg_of "$ID")/sub"
	jq '.process | .args = ["cat", "/proc/self/cgroup"]' "$BUNDLE/config.json" >"$BATS_TEST_TMPDIR/p.json"
	run berth exec --process "$BATS_TEST_TMPDIR/p.json" --cgroup sub "$ID"
	assert_status 0
	assert_contains "0::/berth/$ID/sub"
}

@test "exec --cgroup: a path that escapes the container's cgroup, or a missing one, is refused naming it" {
	sleeper
	local v
	for v in ../x sub/../.. . "" /; do
		run berth exec --cgroup "$v" "$ID" true
		assert_status 1
		assert_contains "--cgroup"
		assert_contains "\"$v\""
	done
	run berth exec --cgroup nope "$ID" true
	assert_status 1
	assert_contains "--cgroup: 'nope' below the container's cgroup '$(cg_of "$ID")': No such file or directory"
	# a controller no v1 hierarchy of the container holds
	run berth exec --cgroup nosuchctrl:sub "$ID" true
	assert_status 1
	assert_contains "--cgroup: 'nosuchctrl' is not a cgroup v1 hierarchy of this container"
	# two unprefixed paths: one cgroup2 tree
	mkdir "$(cg_of "$ID")/sub"
	run berth exec --cgroup sub --cgroup sub "$ID" true
	assert_status 1
	assert_contains "one PATH without a CONTROLLER: prefix at most"
}

@test "exec --cgroup: CONTROLLER:PATH places the process below the container's cgroup in that v1 hierarchy" {
	[ -d /sys/fs/cgroup/memory ] || skip "no cgroup v1 memory hierarchy on this host"
	sleeper
	local mem pids
	mem=$(awk -F: '$2 == "memory" {print $3}' "/proc/$(init_pid)/cgroup")
	pids=$(awk -F: '$2 == "pids" {print $3}' "/proc/$(init_pid)/cgroup")
	mkdir "/sys/fs/cgroup/memory$mem/job"
	mkdir "/sys/fs/cgroup/pids$pids/job"
	run berth exec --cgroup memory,pids:job --cgroup sub2 "$ID" true
	assert_status 1
	assert_contains "'sub2' below the container's cgroup"
	run berth exec --cgroup memory,pids:job "$ID" cat /proc/self/cgroup
	assert_status 0
	assert_contains ":memory:$mem/job"
	assert_contains ":pids:$pids/job"
	# the hierarchies not named keep the container's own cgroup
	local cpu
	cpu=$(awk -F: '$2 ~ /(^|,)cpu(,|$)/ {print $3}' "/proc/$(init_pid)/cgroup")
	grep -q ":cpu[^:]*:$cpu\$" <<<"$output"
	rmdir "/sys/fs/cgroup/memory$mem/job" "/sys/fs/cgroup/pids$pids/job"
}

@test "exec --cgroup: a container without a cgroup refuses it" {
	make_bundle
	set_args sleep 1000
	"$BERTH" --root "$ROOT" --cgroup-manager=disabled run -d -b "$BUNDLE" "$ID" >/dev/null 2>&1 </dev/null
	run berth exec --cgroup sub "$ID" true
	assert_status 1
	assert_contains "--cgroup: container \"$ID\" has no cgroup"
}
