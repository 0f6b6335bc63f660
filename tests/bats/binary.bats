#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# binary: no container can write the berth binary on the host
# (CVE-2019-5736), however berth meets it — run, create+start, exec — and
# whatever the container holds: no capability, CAP_SYS_PTRACE, no pid
# namespace, a pod's shared pid namespace, a read-only root.
#
# The attack, as an image can mount it: its /bin/sh is the script
# "#!/proc/self/exe --log=/shared/fifo", so whenever berth execs /bin/sh
# in the container the kernel runs, as the container's own process,
# whatever /proc/self/exe names at that moment — berth's file.  That
# berth blocks opening the fifo for its log; a hunter in the container
# (probe exe-hunt) holds its /proc/PID/exe, lets it go, waits for it to
# exit and writes through the held fd.  Each test runs a private copy of
# berth, so a successful attack damages only the copy, and checks its
# hash afterwards.

load helpers
load lib/iso

WAIT_FOR_SECONDS=20

setup_file() {
	export WAIT_FOR_SECONDS
}

# a private copy of berth, its hash, and a host dir for the fifo.  The
# attack needs berth itself to run inside the container's root, which a
# dynamically linked build (the ASan+UBSan one: ASan cannot link
# statically) cannot do without its loader and libraries there: it is
# skipped, saying so, and the host suite runs it on the static binary.
prepare() {
	if readelf -l "$BERTH" 2>/dev/null | grep -q INTERP; then
		skip "$BERTH is dynamically linked: the attack needs the static binary (host suite)"
	fi
	COPY=$BATS_TEST_TMPDIR/bin/berth
	mkdir -p "${COPY%/*}"
	cp "$BERTH" "$COPY"
	sha256sum "$COPY" >"$BATS_TEST_TMPDIR/berth.sha"
	SHARED=$(open_dir)
	chmod 777 "$SHARED"
}

# cberth ARGS...: the copy, on this test's state root
cberth() {
	"$COPY" --root "$ROOT" "$@"
}

# a bundle whose image has the hostile /bin/sh; the init hunts (or $@)
hostile_bundle() {
	make_bundle "$@"
	own_rootfs
	bind_mount "$SHARED" /shared rbind
	rm -f "$ROOTFS/bin/sh"
	printf '#!/proc/self/exe --log=/shared/fifo\n' >"$ROOTFS/bin/sh"
	chmod 755 "$ROOTFS/bin/sh"
	args probe exe-hunt /shared/fifo
}

# start the hunter's container, detached, with the copy
start_hunter() {
	cberth run -d -b "$BUNDLE" "$ID" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" </dev/null ||
		{ cat "$BATS_TEST_TMPDIR/err"; return 1; }
}

# the hunter's verdict: the copy is intact and the write never happened
assert_binary_intact() {
	local out=${1:-$BATS_TEST_TMPDIR/out}
	wait_for grep -q -e "reopen-write" -e "open-path: E" -e "hunt:" "$out"
	cat "$out"
	# the attack got as far as it could: berth ran as /bin/sh's interpreter
	grep -q "open-path" "$out"
	sha256sum -c --quiet "$BATS_TEST_TMPDIR/berth.sha"
	! grep -qx "write: ok" "$out"
}

@test "binary: exec of a hostile #!/proc/self/exe script cannot write berth (default config)" {
	prepare
	hostile_bundle
	start_hunter
	run cberth exec "$ID" /bin/sh </dev/null
	assert_binary_intact
}

@test "binary: exec --process of a hostile script cannot write berth (create + start)" {
	prepare
	hostile_bundle
	cberth create -b "$BUNDLE" "$ID" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" </dev/null
	cberth start "$ID"
	jq '.process | .args = ["/bin/sh"]' "$BUNDLE/config.json" >"$BATS_TEST_TMPDIR/process.json"
	run cberth exec --process "$BATS_TEST_TMPDIR/process.json" "$ID" </dev/null
	assert_binary_intact
}

@test "binary: a container with CAP_SYS_PTRACE cannot write berth through exec" {
	prepare
	hostile_bundle "$(caps_add CAP_SYS_PTRACE)"
	start_hunter
	run cberth exec "$ID" /bin/sh </dev/null
	assert_binary_intact
}

@test "binary: a container without a pid namespace cannot write berth through exec" {
	prepare
	hostile_bundle '.linux.namespaces |= map(select(.type != "pid"))'
	start_hunter
	run cberth exec "$ID" /bin/sh </dev/null
	assert_binary_intact
}

@test "binary: a read-only root does not change it: exec cannot write berth" {
	prepare
	hostile_bundle '.root.readonly = true'
	start_hunter
	run cberth exec "$ID" /bin/sh </dev/null
	assert_binary_intact
}

@test "binary: a foreground run of a hostile script in a pod's pid namespace cannot write berth" {
	prepare
	hostile_bundle
	start_hunter
	local a=$ID a_pid
	a_pid=$(init_pid)
	# B: the same image, joining A's pid namespace, running /bin/sh
	ID=$a-b
	BUNDLE=$BATS_TEST_TMPDIR/bundle-b
	make_bundle ".linux.namespaces = [.linux.namespaces[] |
		if .type == \"pid\" then .path = \"/proc/$a_pid/ns/pid\" else . end]"
	edit_config ".root.path = \"$ROOTFS\""
	bind_mount "$SHARED" /shared rbind
	args /bin/sh
	run cberth run -b "$BUNDLE" "$ID" </dev/null
	ID=$a
	assert_binary_intact
}

@test "binary: a created init whose process is the hostile script cannot write berth (create + start)" {
	prepare
	hostile_bundle
	start_hunter
	local a=$ID a_pid
	a_pid=$(init_pid)
	ID=$a-b
	BUNDLE=$BATS_TEST_TMPDIR/bundle-b
	make_bundle ".linux.namespaces = [.linux.namespaces[] |
		if .type == \"pid\" then .path = \"/proc/$a_pid/ns/pid\" else . end]"
	edit_config ".root.path = \"$ROOTFS\""
	bind_mount "$SHARED" /shared rbind
	args /bin/sh
	cberth create -b "$BUNDLE" "$ID" >/dev/null 2>&1 </dev/null
	cberth start "$ID"
	ID=$a
	assert_binary_intact
}

@test "binary: in a user namespace that maps the binary's owner, exec cannot write berth" {
	prepare
	# a berth owned by an id the container maps (a rootless user's own
	# ~/bin/berth is the everyday case)
	chown 100000:100000 "$COPY"
	chmod 755 "$COPY"
	sha256sum "$COPY" >"$BATS_TEST_TMPDIR/berth.sha"
	hostile_bundle '.linux.namespaces += [{"type": "user"}] |
		.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	# the user namespace's ids cannot traverse $BATS_TEST_TMPDIR
	local top
	top=$(open_dir)
	mv "$ROOTFS" "$top/rootfs"
	ROOTFS=$top/rootfs
	edit_config ".root.path = \"$ROOTFS\""
	chown -R 100000:100000 "$ROOTFS"
	start_hunter
	run cberth exec "$ID" /bin/sh </dev/null
	assert_binary_intact
}

@test "binary: root's protected copy is a read-only overlay of the binary, not a copy" {
	prepare
	make_bundle
	args sh -c 'readlink /proc/self/exe; cat /proc/self/status | grep ^Name'
	run "$COPY" --root "$ROOT" --debug --log "$BATS_TEST_TMPDIR/log" run -b "$BUNDLE" "$ID"
	assert_status 0
	run grep "protected copy" "$BATS_TEST_TMPDIR/log"
	assert_contains "read-only overlay"
	assert_not_contains "memfd"
}

@test "binary: a state root inside the binary's directory still gets the read-only overlay, not a copy" {
	# overlayfs refuses layers nested in each other: another spare layer serves
	prepare
	make_bundle
	set_args true
	local d
	for d in "${COPY%/*}/state" "${COPY%/*}/state/"; do
		run "$COPY" --root "$d" --debug --log "$BATS_TEST_TMPDIR/log" run -b "$BUNDLE" "$ID"
		assert_status 0
		run grep "protected copy" "$BATS_TEST_TMPDIR/log"
		assert_contains "read-only overlay"
		assert_not_contains "memfd"
		rm -f "$BATS_TEST_TMPDIR/log"
	done
}

@test "binary: a user-namespaced container is protected too: a host-pid root container could reach its berth" {
	# A: its own user namespace, ids 100000.., the hostile /bin/sh; the
	# namespace is root's, so any root process outside it may ptrace
	# what runs inside.  B: no user namespace and the host's pid
	# namespace (hostPID), hunting for A's berth.
	prepare
	hostile_bundle '.linux.namespaces |= map(select(.type != "pid"))'
	start_hunter
	local b=$ID top
	ID=$b-a
	BUNDLE=$BATS_TEST_TMPDIR/bundle-a
	make_bundle '.linux.namespaces += [{"type": "user"}] |
		.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	top=$(open_dir)
	cp -a "$ROOTFS" "$top/rootfs"
	chown -R 100000:100000 "$top/rootfs"
	edit_config ".root.path = \"$top/rootfs\""
	bind_mount "$SHARED" /shared rbind
	args sleep 1000
	cberth run -d -b "$BUNDLE" "$ID" >/dev/null 2>&1 </dev/null
	run cberth exec "$ID" /bin/sh </dev/null
	ID=$b
	assert_binary_intact
}

@test "binary: a protection marker in the caller's environment does not turn protection off" {
	prepare
	make_bundle
	set_args true
	_BERTH_PROTECTED_EXE=1 run "$COPY" --root "$ROOT" --debug --log "$BATS_TEST_TMPDIR/log" \
		run -b "$BUNDLE" "$ID"
	assert_status 0
	run grep "protected copy" "$BATS_TEST_TMPDIR/log"
	assert_contains "read-only overlay"
}

@test "binary: a berth on a read-only overlay mounted in this namespace is not taken for the protected copy" {
	# a read-only mount of an overlay whose upper layer is writable
	# elsewhere: only a detached overlay (statmount: ENOENT; mountinfo
	# before Linux 6.8) is the copy berth made
	prepare
	make_bundle
	set_args true
	local d=$BATS_TEST_TMPDIR/ovl
	mkdir -p "$d/lower" "$d/upper" "$d/work" "$d/mnt"
	mv "$COPY" "$d/lower/berth"
	mount -t overlay overlay -o "ro,lowerdir=$d/lower,upperdir=$d/upper,workdir=$d/work" "$d/mnt"
	on_teardown "umount '$d/mnt'"
	COPY=$d/mnt/berth
	_BERTH_PROTECTED_EXE=1 traced "$BATS_TEST_TMPDIR/attached" run -b "$BUNDLE" "$ID" </dev/null
	run syscalls "$BATS_TEST_TMPDIR/attached"
	echo "$output"
	# main() made a copy of its own and re-executed from it
	[[ "$output" == "execve arch_prctl fsopen execveat arch_prctl"* ]]
}

# ---- rootless ------------------------------------------------------------
# An ordinary user's containers hold its uid and its subordinate ids, never
# root's: a berth installed as root's (0755) is out of their reach, so it
# runs as it is; one the user owns is copied.  The attack is the same.

RL_USER=berthtest

rl() {
	runuser -u "$RL_USER" -- env -u XDG_RUNTIME_DIR HOME=/ "$@"
}

# the hunter's rootless container, with the copy at $COPY (in a directory
# the user can reach) owned by $1; state, bundle and output in $RL_DIR
rootless_hunter() {
	local owner=$1 top
	prepare
	ensure_subid_user "$RL_USER"
	top=$(open_dir)
	mv "$COPY" "$top/berth"
	COPY=$top/berth
	chown "$owner" "$COPY"
	chmod 755 "$COPY"
	sha256sum "$COPY" >"$BATS_TEST_TMPDIR/berth.sha"
	RL_DIR=$(open_dir)
	chown "$RL_USER:" "$RL_DIR"
	BUNDLE=$RL_DIR/bundle
	rl mkdir "$BUNDLE"
	rl "$COPY" spec --rootless --bundle "$BUNDLE"
	ROOTFS=$RL_DIR/rootfs
	cp -a "$TEST_ROOTFS" "$ROOTFS"
	rm -f "$ROOTFS/bin/sh"
	printf '#!/proc/self/exe --log=/shared/fifo\n' >"$ROOTFS/bin/sh"
	chmod 755 "$ROOTFS/bin/sh"
	chown -R "$RL_USER:" "$ROOTFS"
	edit_config ".process.terminal = false | .root.path = \"$ROOTFS\""
	bind_mount "$SHARED" /shared rbind
	args probe exe-hunt /shared/fifo
	on_teardown "runuser -u $RL_USER -- '$COPY' --root '$RL_DIR/state' delete -f '$ID' >/dev/null 2>&1"
	rl "$COPY" --root "$RL_DIR/state" run -d -b "$BUNDLE" "$ID" \
		>"$RL_DIR/out" 2>"$RL_DIR/err" </dev/null || { cat "$RL_DIR/err"; return 1; }
}

@test "binary: a rootless user runs root's berth with no copy, and its container's exec still cannot write it" {
	rootless_hunter root:root
	run rl "$COPY" --root "$RL_DIR/state" --debug --log "$RL_DIR/log" exec "$ID" /bin/sh </dev/null
	assert_binary_intact "$RL_DIR/out"
	run grep "protected copy" "$RL_DIR/log"
	assert_contains "not needed: the binary is root's"
	assert_not_contains "memfd"
}

@test "binary: a rootless user's own berth is still run from a sealed copy: its container could write the file" {
	rootless_hunter "$RL_USER:"
	run rl "$COPY" --root "$RL_DIR/state" --debug --log "$RL_DIR/log" exec "$ID" /bin/sh </dev/null
	assert_binary_intact "$RL_DIR/out"
	run grep "protected copy" "$RL_DIR/log"
	assert_contains "sealed memfd copy"
}

@test "binary: root's berth is copied for a rootless user when the group may write it, it is setgid, or it has a file capability" {
	rootless_hunter root:root
	local mode
	for mode in 775 2755 cap; do
		if [ "$mode" = cap ]; then
			chmod 755 "$COPY"
			setcap cap_net_raw+ep "$COPY"
		else
			chmod "$mode" "$COPY"
		fi
		rm -f "$RL_DIR/log"
		run rl "$COPY" --root "$RL_DIR/state" --debug --log "$RL_DIR/log" exec "$ID" true </dev/null
		run grep "protected copy" "$RL_DIR/log"
		echo "mode $mode: $output"
		assert_contains "sealed memfd copy"
	done
}

# ---- the re-exec at the entry point --------------------------------------
# root's re-exec is made before the C library starts (cmd/early.c): the
# first berth makes no call of its own but readlink, the overlay and the
# execveat.  strace shows it: the C library's first act, arch_prctl
# (its thread pointer), comes only after the execveat.

# syscalls FILE: the traced calls, by name, in order (without those this
# strace has no name for, which it shows whatever -e trace says:
# statmount, syscall_0x1c9 to Debian 12's)
syscalls() {
	sed -n 's/^\([a-z_0-9]*\)(.*/\1/p' "$1" | grep -v '^syscall_0x' | paste -sd' '
}

# traced OUT ARGS...: the copy under strace (its own process only: a
# detached container outlives it), its debug log in OUT.log
traced() {
	local out=$1
	shift
	command -v strace >/dev/null || skip "needs strace (Debian package strace)"
	strace -qq -o "$out" -e trace=execve,execveat,arch_prctl,fsopen -e signal=none \
		"$COPY" --root "$ROOT" --debug --log "$out.log" "$@"
}

# the first berth re-executed itself before its C library started, and
# the berth it started runs from the read-only overlay
assert_early_reexec() {
	run syscalls "$1"
	echo "$output"
	[[ "$output" == "execve fsopen execveat arch_prctl"* ]]
	run grep "protected copy" "$1.log"
	assert_contains "running from a read-only overlay"
}

@test "binary: root's run, create, exec and a --userns host sandbox re-execute from the overlay at the entry point, before the C library starts" {
	prepare
	make_bundle
	set_args sleep 1000
	traced "$BATS_TEST_TMPDIR/run" run -d -b "$BUNDLE" "$ID" </dev/null
	assert_early_reexec "$BATS_TEST_TMPDIR/run"
	traced "$BATS_TEST_TMPDIR/exec" exec "$ID" true </dev/null
	assert_early_reexec "$BATS_TEST_TMPDIR/exec"
	cberth delete -f "$ID"
	traced "$BATS_TEST_TMPDIR/create" create -b "$BUNDLE" "$ID" </dev/null
	assert_early_reexec "$BATS_TEST_TMPDIR/create"
	cberth delete -f "$ID"
	# value options, joined or not, are read past
	traced "$BATS_TEST_TMPDIR/sandbox" --log-format=text --cgroup-manager cgroupfs \
		sandbox --userns host --rootfs "$TEST_ROOTFS" -- true </dev/null
	assert_early_reexec "$BATS_TEST_TMPDIR/sandbox"
	traced "$BATS_TEST_TMPDIR/sandbox2" sandbox --rootfs "$TEST_ROOTFS" --userns=host -- true </dev/null
	assert_early_reexec "$BATS_TEST_TMPDIR/sandbox2"
	# the verbs that start nothing in a container start once
	traced "$BATS_TEST_TMPDIR/list" list </dev/null
	run syscalls "$BATS_TEST_TMPDIR/list"
	echo "list: $output"
	[[ "$output" == "execve arch_prctl"* ]]
	assert_not_contains "fsopen"
	assert_not_contains "execveat"
}

@test "binary: what the entry point does not read is left to main(), which still re-executes from a protected copy" {
	prepare
	make_bundle
	set_args true
	local file
	# an option it does not take (main() decides --rootless), a marker
	# the caller set, a directory overlayfs cannot take as a layer
	traced "$BATS_TEST_TMPDIR/rootless" --rootless false run -b "$BUNDLE" "$ID" </dev/null
	_BERTH_PROTECTED_EXE=1 traced "$BATS_TEST_TMPDIR/marker" run -b "$BUNDLE" "$ID" </dev/null
	for file in rootless marker; do
		run syscalls "$BATS_TEST_TMPDIR/$file"
		echo "$file: $output"
		# the C library started first, then main() made the overlay
		[[ "$output" == "execve arch_prctl fsopen execveat arch_prctl"* ]]
		run grep "protected copy" "$BATS_TEST_TMPDIR/$file.log"
		assert_contains "running from a read-only overlay"
	done
	mkdir "$BATS_TEST_TMPDIR/a:b"
	mv "$COPY" "$BATS_TEST_TMPDIR/a:b/berth"
	COPY="$BATS_TEST_TMPDIR/a:b/berth"
	traced "$BATS_TEST_TMPDIR/colon" run -b "$BUNDLE" "$ID" </dev/null
	run syscalls "$BATS_TEST_TMPDIR/colon"
	echo "colon: $output"
	[[ "$output" == "execve arch_prctl execveat arch_prctl"* ]]
	run grep "protected copy" "$BATS_TEST_TMPDIR/colon.log"
	assert_contains "running from a sealed memfd copy"
}

# ---- a sandbox job in its own user namespace -------------------------------
# As root, a job runs in a user namespace of its own with a range of host ids
# (berth-sandbox's, from 100000), none of them root's: a berth that is
# root's plain file is out of the job's reach, so it runs as it is, started
# once — neither the entry point nor main() re-executes it.

# the host uid the job's root has, from the sandbox's debug log $1
job_uid() {
	sed -n 's/.*the job.s ids (host \([0-9]*\)\.\..*/\1/p' "$1" | head -n 1
}

@test "binary: a root sandbox job in its own user namespace runs root's berth as it is, started once" {
	prepare
	traced "$BATS_TEST_TMPDIR/sandbox" sandbox --rootfs "$TEST_ROOTFS" -- true </dev/null
	run syscalls "$BATS_TEST_TMPDIR/sandbox"
	echo "$output"
	# the C library's start comes right after the exec: no overlay, no
	# second exec
	[[ "$output" == "execve arch_prctl"* ]]
	assert_not_contains "execveat"
	run grep "protected copy" "$BATS_TEST_TMPDIR/sandbox.log"
	assert_contains "not needed: the job's ids"
	[ -n "$(job_uid "$BATS_TEST_TMPDIR/sandbox.log")" ]
}

@test "binary: a root sandbox job's hostile #!/proc/self/exe runs root's berth itself, which a process of the job still cannot write" {
	# The job's /bin/sh is the hostile script: the kernel runs root's
	# berth, not a copy, as the job.  The hunter has the job's user
	# namespace, ids and capabilities (more reach than the job: the
	# host's pid and mount namespaces, so it also outlives the job's pid
	# 1): it holds /proc/PID/exe and writes through it once that berth
	# exits.  The file is root's, an id the job does not map.
	prepare
	local top pid sb
	top=$(open_dir)
	cp -a "$TEST_ROOTFS" "$top/rootfs"
	rm -f "$top/rootfs/bin/sh"
	printf '#!/proc/self/exe --log=%s/fifo\n' "$SHARED" >"$top/rootfs/bin/sh"
	chmod 755 "$top/rootfs/bin/sh"
	mkfifo -m 666 "$SHARED/fifo"
	"$COPY" --root "$ROOT" --debug --log "$BATS_TEST_TMPDIR/log" \
		sandbox --rootfs "$top/rootfs" -v "$SHARED:$SHARED" -- /bin/sh \
		</dev/null >"$BATS_TEST_TMPDIR/sandbox.out" 2>&1 &
	sb=$!
	# the job's berth, held up by the fifo
	wait_for pgrep -f -- "--log=$SHARED/fifo"
	pid=$(pgrep -f -- "--log=$SHARED/fifo" | head -n 1)
	nsenter -t "$pid" -U -S 0 -G 0 -- "$TEST_ROOTFS/bin/probe" exe-hunt "$SHARED/fifo" \
		>"$BATS_TEST_TMPDIR/out" 2>&1
	wait "$sb" || true
	assert_binary_intact
	grep -qx "open-path: ok" "$BATS_TEST_TMPDIR/out"
	# root's file itself refused it (a copy would answer EROFS)
	grep -qx "reopen-write: EACCES" "$BATS_TEST_TMPDIR/out"
	run grep "protected copy" "$BATS_TEST_TMPDIR/log"
	assert_contains "not needed: the job's ids"
}

@test "binary: a root sandbox job still gets the overlay when the binary's group may write it or one of the job's ids owns it" {
	prepare
	local top uid how
	top=$(open_dir)
	mv "$COPY" "$top/berth"
	COPY=$top/berth
	"$COPY" --root "$ROOT" --debug --log "$BATS_TEST_TMPDIR/probe.log" \
		sandbox --rootfs "$TEST_ROOTFS" -- true </dev/null
	uid=$(job_uid "$BATS_TEST_TMPDIR/probe.log")
	[ -n "$uid" ]
	for how in group-write job-owner; do
		if [ "$how" = group-write ]; then
			chmod 775 "$COPY"
		else
			chmod 755 "$COPY"
			chown "$uid" "$COPY"
		fi
		traced "$BATS_TEST_TMPDIR/$how" sandbox --rootfs "$TEST_ROOTFS" -- true </dev/null
		run syscalls "$BATS_TEST_TMPDIR/$how"
		echo "$how: $output"
		# main() made the overlay and re-executed from it
		[[ "$output" == "execve arch_prctl fsopen execveat arch_prctl"* ]]
		run grep "protected copy" "$BATS_TEST_TMPDIR/$how.log"
		assert_contains "running from a read-only overlay"
		assert_not_contains "not needed"
	done
}
