# SPDX-License-Identifier: Apache-2.0
# tests/bats/lib/iso.bash — helpers for the isolation suites (mounts,
# devices, caps, seccomp, user, userns, rlimits, namespaces, sysctl,
# masked, env, security, fds).  Load after helpers:
#
#   load helpers
#   load lib/iso
#
# Adds: a private copy of the rootfs for tests that change it, capability
# masks decoded to names, mountinfo lookups, namespace inodes, and
# host-side cleanups (mounts, netns) that run before the shared teardown's
# leak check.


# on_teardown CMD...: run CMD (a string, eval'd) when the test ends, last
# registered first.  Kept in a file: it may be called from a $(...)
# subshell.
on_teardown() {
	echo "$*" >>"$BATS_TEST_TMPDIR/.iso-cleanups"
}

# ours deletes the containers, runs the test's registered host cleanups,
# then the shared leak check, which so sees them undone; a suite that adds to it
# calls iso_teardown
iso_teardown() {
	local cmd
	# containers first: a mount the container made may pin ours
	delete_all
	if [ -f "$BATS_TEST_TMPDIR/.iso-cleanups" ]; then
		while IFS= read -r cmd; do
			eval "$cmd" >/dev/null 2>&1 || true
		done < <(tac "$BATS_TEST_TMPDIR/.iso-cleanups")
	fi
	assert_no_leaks
}
teardown() { iso_teardown; }

# own_rootfs: a private writable copy of the test rootfs as root.path;
# sets $ROOTFS
own_rootfs() {
	ROOTFS=$BATS_TEST_TMPDIR/rootfs
	rm -rf "$ROOTFS"
	cp -a "$TEST_ROOTFS" "$ROOTFS"
	edit_config ".root.path = \"$ROOTFS\""
}

# open_dir: a fresh directory every user can traverse ($BATS_TEST_TMPDIR
# sits under a 0700 directory, out of reach of a user namespace's ids);
# prints its path
open_dir() {
	local dir
	dir=$(mktemp -d /tmp/berth-iso.XXXXXX)
	chmod 755 "$dir"
	on_teardown "rm -rf '$dir'"
	echo "$dir"
}

# host_tmpfs DIR [OPTS]: a tmpfs mounted on the host for this test only
host_tmpfs() {
	mkdir -p "$1"
	mount -t tmpfs -o "${2:-size=1m}" "iso-$ID" "$1"
	on_teardown "umount -R -l '$1'"
}

# add_mount JSON: append one entry to .mounts
add_mount() {
	edit_config ".mounts += [$1]"
}

# bind_mount SRC DEST [OPTION...]: append a bind mount
bind_mount() {
	local src=$1 dst=$2 opts
	shift 2
	opts=$(printf '%s\n' "$@" | jq -R 'select(. != "")' | jq -s .)
	add_mount "{\"destination\": \"$dst\", \"type\": \"bind\", \"source\": \"$src\", \"options\": $opts}"
}

# ---- capabilities ------------------------------------------------------

# index = capability number, as in linux/capability.h
ISO_CAPS=(CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID
	SETUID SETPCAP LINUX_IMMUTABLE NET_BIND_SERVICE NET_BROADCAST NET_ADMIN
	NET_RAW IPC_LOCK IPC_OWNER SYS_MODULE SYS_RAWIO SYS_CHROOT SYS_PTRACE
	SYS_PACCT SYS_ADMIN SYS_BOOT SYS_NICE SYS_RESOURCE SYS_TIME
	SYS_TTY_CONFIG MKNOD LEASE AUDIT_WRITE AUDIT_CONTROL SETFCAP MAC_OVERRIDE
	MAC_ADMIN SYSLOG WAKE_ALARM BLOCK_SUSPEND AUDIT_READ PERFMON BPF
	CHECKPOINT_RESTORE)

# caps_decode HEX: the names in a /proc/self/status mask, sorted, one line
caps_decode() {
	local mask=$((16#$1)) i out=()
	for i in "${!ISO_CAPS[@]}"; do
		if (((mask >> i) & 1)); then
			out+=("CAP_${ISO_CAPS[$i]}")
			mask=$((mask & ~(1 << i)))
		fi
	done
	# a bit we have no name for must still show up
	((mask == 0)) || out+=("UNKNOWN:$(printf %x "$mask")")
	printf '%s\n' "${out[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}

# caps_sorted NAME...: the same form, for the expected value
caps_sorted() {
	printf '%s\n' "$@" | sed '/^$/d' | sort | tr '\n' ' ' | sed 's/ $//'
}

# caps_json NAME...: a JSON array of names
caps_json() {
	printf '%s\n' "$@" | jq -R 'select(. != "")' | jq -s .
}

# every capability the host's bounding set has (the host lacks some)
host_caps() {
	caps_decode "$(awk '/^CapBnd/ {print $2}' /proc/self/status)"
}

# status_caps FIELD: decode e.g. CapEff from a /proc/self/status dump in
# $output
# shellcheck disable=SC2154 # $output is set by bats' run
status_caps() {
	caps_decode "$(awk -v f="$1:" '$1 == f {print $2}' <<<"$output")"
}

# ---- mountinfo -----------------------------------------------------------

# mnt_line DEST: the last mountinfo line (in $output) mounted on DEST
mnt_line() {
	awk -v d="$1" '$5 == d {l = $0} END {print l}' <<<"$output"
}

# mnt_opts DEST: its per-mount options (field 6)
mnt_opts() {
	mnt_line "$1" | awk '{print $6}'
}

# mnt_fstype DEST: the fs type (after the "-" separator)
mnt_fstype() {
	mnt_line "$1" | awk '{for (i = 7; i <= NF; i++) if ($i == "-") {print $(i + 1); exit}}'
}

# mnt_super DEST: the superblock options (last field)
mnt_super() {
	mnt_line "$1" | awk '{print $NF}'
}

# mnt_optional DEST: the optional fields (shared:N master:N ...)
mnt_optional() {
	mnt_line "$1" | awk '{s = ""; for (i = 7; i <= NF && $i != "-"; i++) s = s " " $i; print substr(s, 2)}'
}

# has_opt LIST OPT: OPT is one of the comma-separated LIST
has_opt() {
	[[ ",$1," == *",$2,"* ]]
}

# assert_opts LIST OPT...: every OPT is in LIST; "!OPT" means absent
assert_opts() {
	local list=$1 o
	shift
	for o in "$@"; do
		if [[ $o == !* ]]; then
			if has_opt "$list" "${o#!}"; then
				echo "option ${o#!} should not be in: $list" >&2
				return 1
			fi
		elif ! has_opt "$list" "$o"; then
			echo "option $o missing from: $list" >&2
			return 1
		fi
	done
}

# ---- namespaces ----------------------------------------------------------

# ns_id PATH: "type:[inode]" of a namespace file, as readlink shows it
ns_id() {
	readlink "$1"
}

# init_pid: the host pid of this test's container
init_pid() {
	berth state "${1:-$ID}" | jq .pid
}

# ---- running -------------------------------------------------------------

# args CMD [ARG...]: like set_args, but an argument may span lines
# (helpers' set_args splits multi-line arguments into several)
args() {
	local json a
	json=$(for a in "$@"; do printf '%s' "$a" | jq -Rs .; done | jq -s .)
	edit_config ".process.args = $json"
}

# sh_in SNIPPET: run_sh for multi-line snippets
sh_in() {
	args /bin/sh -c "$1"
	run berth run -b "$BUNDLE" "$ID"
}

# start_sleeper: run the container detached with a long sleep
start_sleeper() {
	args /bin/sleep 1000
	detached run -d -b "$BUNDLE" "$ID"
}

# status_is STATUS [ID]: for wait_for (its arguments are expanded once,
# so `wait_for test "$(state_of ...)" = x` would never see a change)
status_is() {
	[ "$(state_of "${2:-$ID}")" = "$1" ]
}

# in_ctr CMD...: berth exec into this test's container, `run` semantics
in_ctr() {
	run berth exec "$ID" "$@"
}

# assert_no_state: nothing of this test's container exists
assert_no_state() {
	[ ! -e "$ROOT/$ID" ] || { echo "state dir $ROOT/$ID left" >&2; return 1; }
	[ ! -e "$CG_ROOT/berth/$ID" ] || { echo "cgroup left" >&2; return 1; }
}
