#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# security: the known runtime CVE classes.  Each test sets up what the
# attack needs (a hostile image, a hostile config, a hostile process in the
# container) and then checks the HOST: nothing created, mounted, changed or
# read outside the rootfs.  A vulnerable runtime fails them.

load helpers
load lib/iso

# HOST_T: a host directory outside the rootfs holding a marker file; the
# image's symlinks aim at it
host_target() {
	HOST_T=$BATS_TEST_TMPDIR/host-target
	mkdir -p "$HOST_T"
	echo host-only > "$HOST_T/marker"
}

# the host target holds nothing but its marker, and nothing is mounted
# on or below it
assert_host_target_untouched() {
	assert_line_eq "$(ls -A "$HOST_T")" marker
	assert_line_eq "$(cat "$HOST_T/marker")" host-only
	if grep -q " $HOST_T[/ ]" /proc/self/mountinfo; then
		echo "something is mounted on the host at $HOST_T" >&2
		return 1
	fi
}

# ---- symlinks in the image used as mount destinations (CVE-2015-1328
# style, runc CVE-2021-30465 class) ---------------------------------------

@test "security: an absolute symlink in the image never takes a mount to the host" {
	make_bundle
	own_rootfs
	host_target
	ln -s "$HOST_T" "$ROOTFS/hostdir"
	mkdir -p "$ROOTFS$HOST_T"
	add_mount '{"destination": "/hostdir/mnt", "type": "tmpfs", "source": "tmpfs"}'
	run_sh 'grep -c " '"$HOST_T"'/mnt " /proc/self/mountinfo'
	assert_status 0
	# the mount landed at the symlink's target inside the rootfs
	assert_line_eq "$output" 1
	[ -d "$ROOTFS$HOST_T/mnt" ]
	assert_host_target_untouched
}

@test "security: an absolute symlink to a path missing in the image creates nothing on the host" {
	make_bundle
	own_rootfs
	host_target
	ln -s "$HOST_T" "$ROOTFS/hostdir"
	add_mount '{"destination": "/hostdir/mnt", "type": "tmpfs", "source": "tmpfs"}'
	set_args true
	run berth run -b "$BUNDLE" "$ID"
	# made inside the rootfs, or refused: never on the host
	assert_host_target_untouched
	[ "$status" -ne 0 ] || [ -d "$ROOTFS$HOST_T/mnt" ]
}

@test "security: a ../../.. symlink in the image never takes a mount to the host" {
	make_bundle
	own_rootfs
	host_target
	ln -s "../../../../../../../../../../../..$HOST_T" "$ROOTFS/up"
	mkdir -p "$ROOTFS$HOST_T"
	add_mount '{"destination": "/up/mnt", "type": "tmpfs", "source": "tmpfs"}'
	run_sh 'grep -c " '"$HOST_T"'/mnt " /proc/self/mountinfo'
	assert_status 0
	assert_line_eq "$output" 1
	assert_host_target_untouched
}

@test "security: a bind mount on an image symlink to a host file leaves the host file alone" {
	make_bundle
	own_rootfs
	host_target
	echo payload > "$BATS_TEST_TMPDIR/payload"
	ln -s "$HOST_T/marker" "$ROOTFS/etc/evil"
	bind_mount "$BATS_TEST_TMPDIR/payload" /etc/evil bind
	set_args cat /etc/evil
	run berth run -b "$BUNDLE" "$ID"
	assert_host_target_untouched
	# refused, or mounted where the link points inside the rootfs (a
	# mount that went outside would not be visible in the container)
	[ "$status" -ne 0 ] || assert_line_eq "$output" payload
}

@test "security: a bind mount below an image symlink to a host directory stays inside" {
	make_bundle
	own_rootfs
	host_target
	ln -s "$HOST_T" "$ROOTFS/data"
	mkdir -p "$ROOTFS$HOST_T"
	mkdir "$BATS_TEST_TMPDIR/src"
	echo from-src > "$BATS_TEST_TMPDIR/src/f"
	bind_mount "$BATS_TEST_TMPDIR/src" /data/sub rbind
	set_args cat /data/sub/f
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_line_eq "$output" from-src
	[ -d "$ROOTFS$HOST_T/sub" ]
	assert_host_target_untouched
}

@test "security: '..' in a mount destination is refused before anything is created" {
	make_bundle
	host_target
	add_mount '{"destination": "/tmp/../../../'"${HOST_T#/}"'", "type": "tmpfs", "source": "tmpfs"}'
	set_args true
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains 'must not contain ".."'
	assert_no_state
	assert_host_target_untouched
}

@test "security: '..' in a device path is refused" {
	make_bundle '.linux.devices = [{"path": "/dev/../../../tmp/evil-node", "type": "c", "major": 1, "minor": 3}]'
	set_args true
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains 'must not contain ".."'
	assert_no_state
	[ ! -e /tmp/evil-node ]
}

@test "security: maskedPaths and readonlyPaths through image symlinks stay inside" {
	make_bundle
	own_rootfs
	host_target
	ln -s "$HOST_T/marker" "$ROOTFS/etc/masked-link"
	ln -s "$HOST_T" "$ROOTFS/etc/ro-link"
	edit_config '.linux.maskedPaths += ["/etc/masked-link"] | .linux.readonlyPaths += ["/etc/ro-link"]'
	set_args sleep 1000
	detached run -d -b "$BUNDLE" "$ID"
	assert_host_target_untouched
	# and the host can still write there
	touch "$HOST_T/still-writable" && rm "$HOST_T/still-writable"
}

# ---- a hostile rootfs ------------------------------------------------------

@test "security: an image whose /dev is a symlink out is refused, nothing is made on the host" {
	make_bundle
	own_rootfs
	host_target
	rm -rf "$ROOTFS/dev"
	ln -s "$HOST_T" "$ROOTFS/dev"
	set_args true
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains /dev
	assert_no_state
	assert_host_target_untouched
}

@test "security: with no /dev mount, device nodes follow no image symlink to the host" {
	make_bundle '.mounts = [.mounts[] | select(.destination | startswith("/dev") | not)]'
	own_rootfs
	host_target
	rm -rf "$ROOTFS/dev"
	ln -s "$HOST_T" "$ROOTFS/dev"
	set_args true
	run berth run -b "$BUNDLE" "$ID"
	assert_host_target_untouched
	assert_no_state
}

@test "security: an image's /dev/null symlinked to a host file never gets the host file replaced" {
	make_bundle '.mounts = [.mounts[] | select(.destination | startswith("/dev") | not)]'
	own_rootfs
	host_target
	ln -s "$HOST_T/marker" "$ROOTFS/dev/null"
	set_args sh -c 'echo written > /dev/null; test -c /dev/null && echo char'
	run berth run -b "$BUNDLE" "$ID"
	assert_host_target_untouched
	[ -f "$HOST_T/marker" ]
}

@test "security: an image whose /proc is a regular file fails clearly and touches nothing" {
	make_bundle
	own_rootfs
	rmdir "$ROOTFS/proc"
	echo not-a-dir > "$ROOTFS/proc"
	set_args true
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains proc
	assert_no_state
	[ "$(cat "$ROOTFS/proc")" = not-a-dir ]
}

@test "security: an image whose /proc is a symlink out is refused, nothing is mounted on the host" {
	make_bundle
	own_rootfs
	host_target
	rmdir "$ROOTFS/proc"
	ln -s "$HOST_T" "$ROOTFS/proc"
	set_args true
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains symlink
	assert_no_state
	assert_host_target_untouched
}

@test "security: an image without /etc still runs and nothing is created for it on the host" {
	make_bundle
	own_rootfs
	rm -rf "$ROOTFS/etc"
	set_args sh -c 'echo $HOME'
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_line_eq "$output" /
	[ ! -e "$ROOTFS/etc" ]
}

# ---- fds leaking from the host -------------------------------------------

@test "security: fds open in berth's caller never reach the container" {
	make_bundle
	set_args probe fds
	exec 7</etc/hostname 8>"$BATS_TEST_TMPDIR/w"
	run berth run -b "$BUNDLE" "$ID"
	exec 7<&- 8>&-
	assert_status 0
	assert_line_eq "$(cut -d' ' -f1 <<<"$output" | xargs)" "0 1 2"
	assert_not_contains /etc/hostname
}

# ---- cwd resolving outside the rootfs (CVE-2024-21626) -------------------

# every fd an init or exec child might hold open while it sets the cwd
LEAK_FDS=$(seq 3 24)

@test "security: process.cwd /proc/self/fd/N never lands outside the rootfs (CVE-2024-21626)" {
	make_bundle
	host_target
	for fd in $LEAK_FDS; do
		edit_config ".process.cwd = \"/proc/self/fd/$fd\""
		set_args sh -c 'probe cwd; cat ../../../../../../../../../../../..'"$HOST_T"'/marker'
		run berth run -b "$BUNDLE" "$ID-$fd"
		if [[ "$output" == *host-only* || "$output" == *unreachable* ]]; then
			echo "cwd /proc/self/fd/$fd escaped the rootfs: $output" >&2
			return 1
		fi
	done
}

@test "security: exec --cwd /proc/self/fd/N never lands outside the rootfs (CVE-2024-21626)" {
	make_bundle
	host_target
	start_sleeper
	for fd in $LEAK_FDS; do
		run berth exec --cwd "/proc/self/fd/$fd" "$ID" sh -c \
			'probe cwd; cat ../../../../../../../../../../../..'"$HOST_T"'/marker'
		if [[ "$output" == *host-only* || "$output" == *unreachable* ]]; then
			echo "exec --cwd /proc/self/fd/$fd escaped the rootfs: $output" >&2
			return 1
		fi
	done
}

@test "security: exec --cwd with .. and symlinks resolves inside the rootfs" {
	make_bundle
	own_rootfs
	host_target
	ln -s "$HOST_T" "$ROOTFS/hostdir"
	mkdir -p "$ROOTFS$HOST_T"
	start_sleeper
	run berth exec --cwd /../../../.. "$ID" probe cwd
	assert_status 0
	assert_line_eq "$output" /
	run berth exec --cwd /hostdir "$ID" ls -A
	assert_not_contains marker
}

# ---- overwriting the runtime binary (CVE-2019-5736) ----------------------

# a private copy of berth, so a successful attack damages only the copy
berth_copy() {
	COPY=$BATS_TEST_TMPDIR/bin/berth
	mkdir -p "${COPY%/*}"
	cp "$BERTH" "$COPY"
	sha256sum "$COPY" > "$BATS_TEST_TMPDIR/berth.sha"
}

init_is_sleep() {
	[ "$(cat "/proc/$(init_pid)/comm" 2>/dev/null)" = sleep ]
}

# every capability the host has, in the bounding, effective and permitted sets
all_caps() {
	local all
	all=$(host_caps)
	edit_config ".process.capabilities = {\"bounding\": $(caps_json $all),
		\"effective\": $(caps_json $all), \"permitted\": $(caps_json $all)}"
}

# the worst case: a privileged container (every capability) running
# sleep, with a host directory $shared at /shared for the attack's result
hostile_bundle() {
	berth_copy
	shared=$(open_dir)
	chmod 777 "$shared"
	make_bundle
	all_caps
	bind_mount "$shared" /shared rbind
	own_rootfs
	args sleep 1000
}

# start_and_attack ID: start the created container ID with the copy of
# berth, let the waiting exe-attack go once every berth has exited, and
# check that the copy is intact and the write failed
start_and_attack() {
	"$COPY" --root "$ROOT" start "$1"
	wait_for init_is_sleep
	touch "$shared/go"
	wait_for grep -q -e reopen-write -e "open-path: E" "$shared/result"
	cat "$shared/result"
	sha256sum -c --quiet "$BATS_TEST_TMPDIR/berth.sha"
	# the write itself must have failed (a line of its own: "write: ...")
	! grep -qx "write: ok" "$shared/result"
}

@test "security: a container process cannot write to the berth binary through /proc/1/exe (CVE-2019-5736)" {
	hostile_bundle
	"$COPY" --root "$ROOT" create -b "$BUNDLE" "$ID" >/dev/null 2>&1 </dev/null
	# while created, the init is still berth: grab its exe...
	"$COPY" --root "$ROOT" exec -d "$ID" probe exe-attack 1 /shared/go \
		>"$shared/result" 2>&1 </dev/null
	wait_for grep -q open-path "$shared/result"
	# ...and once every berth has exited, try to write through it
	start_and_attack "$ID"
}

@test "security: a container sharing a pid namespace cannot overwrite berth through a created init (CVE-2019-5736)" {
	# a pod: container A (hostile, every capability) and container B
	# joining A's pid namespace; B's init is berth until B starts
	hostile_bundle
	detached run -d -b "$BUNDLE" "$ID"
	a_pid=$(init_pid)
	a=$ID
	ID=$a-b
	BUNDLE=$BATS_TEST_TMPDIR/bundle-b
	make_bundle ".linux.namespaces = [.linux.namespaces[] |
		if .type == \"pid\" then .path = \"/proc/$a_pid/ns/pid\" else . end]"
	args sleep 1000
	"$COPY" --root "$ROOT" create -b "$BUNDLE" "$ID" >/dev/null 2>&1 </dev/null
	b_pid=$(init_pid)
	# B's init as A sees it
	b_in_a=$(awk '/^NSpid:/ {print $NF}' "/proc/$b_pid/status")
	berth exec -d "$a" probe exe-attack "$b_in_a" /shared/go >"$shared/result" 2>&1 </dev/null
	wait_for grep -q open-path "$shared/result"
	start_and_attack "$ID"
	ID=$a
}

@test "security: the created init's /proc/1/exe cannot be opened for writing" {
	make_bundle
	all_caps
	set_args sleep 1000
	detached create -b "$BUNDLE" "$ID"
	run berth exec "$ID" probe write-exe 1
	assert_status 0
	[ "$output" != ok ]
}

# ---- what the default container cannot reach -----------------------------

# a cgroup directory of the container's: the v1 memory one on a hybrid host
cg_dir_inside() {
	if [ -n "$V1_MOUNTS" ]; then
		echo /sys/fs/cgroup/memory
	else
		echo /sys/fs/cgroup
	fi
}

@test "security: the container's /sys and cgroup files are read-only" {
	make_bundle
	run_sh "probe open /sys/kernel/mm/transparent_hugepage/enabled w; probe open $(cg_dir_inside)/cgroup.procs w; probe create /sys/fs/cgroup/x"
	assert_status 0
	assert_line_eq "$output" "EROFS
EROFS
EROFS"
}

@test "security: the container sees its own cgroup, not the host's tree" {
	make_bundle
	run_sh "ls $(cg_dir_inside) | grep -c '^berth\$'; cat $(cg_dir_inside)/cgroup.procs | wc -l"
	assert_line_eq "${lines[0]}" 0
	# sh, cat and wc at most
	[ "${lines[1]}" -le 3 ]
}

@test "security: a process with CAP_SYS_CHROOT that climbs out of a chroot stays in the rootfs (pivot_root)" {
	make_bundle "$(caps_add CAP_SYS_CHROOT)"
	run_sh 'probe chroot-escape /dev/esc'
	assert_status 0
	# ".." stops at the container's root: the old root was detached
	assert_line_eq "$output" "$(stat -c %d:%i "$TEST_ROOTFS")"
}
