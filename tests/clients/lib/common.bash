# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# tests/clients/lib/common.bash — what every client suite shares.
#
# Owns: choosing the runtime under test ($RUNTIME), the per-file temp dir,
# loud failures that show a daemon's log, waiting with deadlines, the images
# (built by mkimages.sh), and the final sweep that proves a client left
# nothing behind (processes, mounts, cgroups, files).  The daemons themselves
# are in containerd.bash, dockerd.bash and podman.bash.
#
# Every daemon is private: started by the suite under a temp dir, stopped by
# its pid, and the suite fails (never skips) when one does not come up.

CLIENTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REPO_DIR=$(cd "$CLIENTS_DIR/../.." && pwd)
CACHE_DIR=${CLIENTS_CACHE:-$REPO_DIR/tests/.cache/clients}

# The runtime binary under test: absolute path, default the repo's ./berth.
RUNTIME=${RUNTIME:-$REPO_DIR/berth}
export RUNTIME

# die MSG...: print to the bats output and fail the current test/setup.
die() {
	printf 'error: %s\n' "$*" >&2
	return 1
}

# log_tail FILE [LINES]: the end of a daemon's log, for failure messages.
log_tail() {
	local file=$1 n=${2:-40}
	echo "---- last $n lines of $file ----" >&2
	if [[ -f $file ]]; then
		tail -n "$n" "$file" >&2
	else
		echo "(no log file)" >&2
	fi
	echo "----" >&2
}

# check_runtime: the runtime must be an absolute, executable path.
check_runtime() {
	[[ $RUNTIME == /* ]] || die "RUNTIME must be an absolute path, got '$RUNTIME'"
	[[ -x $RUNTIME ]] || die "RUNTIME '$RUNTIME' is not an executable file (run 'make' first?)"
}

# runtime_is_berth: true when the binary under test is berth.  A few tests
# check message texts that differ between berth and runc.
runtime_is_berth() {
	"$RUNTIME" --version 2>/dev/null | head -n1 | grep -q '^berth version'
}

# make_tmp TAG: a fresh private dir for this file's daemons, in $T.  Kept
# short: unix socket paths inside it must stay under 108 bytes.
make_tmp() {
	T=$(mktemp -d "/tmp/berth-$1.XXXXXX")
	export T
	# A unique word identifying this run, used in cgroup and namespace
	# names so the final sweep removes only what this run made.
	TAG="berth-$1-${T##*.}"
	TAG=${TAG,,}
	export TAG
}

# runtime_path: the runtime as clients see it.  With CLIENTS_ARGV_LOG=FILE
# it is a small wrapper that appends each invocation (argv, parent, cwd, open
# fds, environment names) to FILE and then execs $RUNTIME: the way to learn
# what a client passes.
# The wrapper keeps the runtime's file name: podman names a runtime given by
# path after its base name (and decides JSON error support by that name).
runtime_path() {
	if [[ -z ${CLIENTS_ARGV_LOG:-} ]]; then
		echo "$RUNTIME"
		return
	fi
	local w
	w=$T/argv-logger/$(basename "$RUNTIME")
	if [[ ! -x $w ]]; then
		mkdir -p "$T/argv-logger"
		cat > "$w" <<-EOF
			#!/bin/bash
			# fds first: the redirection below must not show up in the list
			fds=\$(for fd in /proc/\$\$/fd/*; do printf ' %s->%s' "\${fd##*/}" "\$(readlink "\$fd")"; done)
			{
			  printf '%s parent=%s cwd=%s argv:' "\$(date +%T.%N)" "\$(cat /proc/\$PPID/comm)" "\$PWD"
			  printf ' %q' "\$@"
			  printf '\n  fds:%s\n' "\$fds"
			  printf '  env: %s\n' "\$(env | cut -d= -f1 | sort | tr '\n' ' ')"
			  printf '  XDG_RUNTIME_DIR=%s NOTIFY_SOCKET=%s TMPDIR=%s\n' "\${XDG_RUNTIME_DIR:-}" "\${NOTIFY_SOCKET:-}" "\${TMPDIR:-}"
			} 2>/dev/null >> '$CLIENTS_ARGV_LOG'
			exec '$RUNTIME' "\$@"
		EOF
		chmod 0755 "$w"
	fi
	echo "$w"
}

# wait_for SECONDS CMD...: poll CMD every 50 ms until it succeeds.
wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		((SECONDS < deadline)) || return 1
		sleep 0.05
	done
}

# wait_daemon PID SECONDS CMD...: like wait_for, but give up at once when
# the daemon PID has exited (its log then says why).
wait_daemon() {
	local pid=$1 deadline=$((SECONDS + $2))
	shift 2
	until "$@" >/dev/null 2>&1; do
		kill -0 "$pid" 2>/dev/null || return 1
		((SECONDS < deadline)) || return 1
		sleep 0.05
	done
}

# ensure_images: build (or reuse) the cached rootfs, rootfs.tar and oci.tar.
ensure_images() {
	"$CLIENTS_DIR/lib/mkimages.sh" "$CACHE_DIR" || die "building the test images failed"
}

# copy_rootfs DEST: a private copy of the busybox rootfs (clients write
# mount points and files into it).
copy_rootfs() {
	mkdir -p "$(dirname "$1")"
	cp -a "$CACHE_DIR/rootfs" "$1"
}

# stop_pid PID NAME: SIGTERM, wait up to 10 s, then SIGKILL; wait until the
# process is gone (it is not our child, so poll /proc).
stop_pid() {
	local pid=$1 name=$2
	[[ -n $pid ]] || return 0
	kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null || true
	if ! wait_for 10 eval "! kill -0 $pid"; then
		echo "warning: $name ($pid) ignored SIGTERM, killing it" >&2
		kill -KILL "$pid" 2>/dev/null || true
		wait_for 5 eval "! kill -0 $pid" || die "$name ($pid) does not die"
	fi
}

# pids_matching STRING: pids of processes whose command line contains
# STRING (our unique temp dir), excluding this shell's own family.  The
# pattern goes through a file so grep's own command line does not match.
pids_matching() {
	grep -lsFf <(printf '%s\n' "$1") /proc/[0-9]*/cmdline 2>/dev/null |
		awk -F/ -v self="$$" -v sub_="$BASHPID" '$3 != self && $3 != sub_ { print $3 }'
}

# mounts_under DIR: mount points at or below DIR, deepest first.
mounts_under() {
	awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo |
		sort -r
}

# cgroup_roots: every cgroup hierarchy mounted on this host (v1 and v2).
cgroup_roots() {
	awk '$9 == "cgroup" || $9 == "cgroup2" { print $5 }' /proc/self/mountinfo
}

# v1_cgroup_dir CONTROLLER PID: the cgroup v1 directory of PID in the
# hierarchy of CONTROLLER (hybrid host), or nothing on a pure v2 host
v1_cgroup_dir() {
	local mnt path
	mnt=$(awk -v c="$1" '$(NF-2) == "cgroup" { n = split($NF, o, ","); for (i = 1; i <= n; i++)
		if (o[i] == c) { print $5; exit } }' /proc/self/mountinfo)
	[[ -n $mnt ]] || return 0
	path=$(awk -F: -v c="$1" '{ n = split($2, o, ","); for (i = 1; i <= n; i++)
		if (o[i] == c) print $3 }' "/proc/$2/cgroup")
	echo "$mnt$path"
}

# cgroup_dirs NAME: our cgroup dirs called NAME at the top of each
# hierarchy (NAME is unique to this run, so nothing else owns them).
cgroup_dirs() {
	local root
	for root in $(cgroup_roots); do
		[[ -d $root/$1 ]] && echo "$root/$1"
	done
	return 0
}

# sweep_cgroup NAME: kill whatever still runs in our cgroup NAME, then
# remove its (now empty) dirs bottom-up.  rmdir only: never rm -r.
sweep_cgroup() {
	local dir pid
	for dir in $(cgroup_dirs "$1"); do
		while read -r pid; do
			echo "warning: killing leftover pid $pid in $dir" >&2
			kill -KILL "$pid" 2>/dev/null || true
		done < <(find "$dir" -name cgroup.procs -exec cat {} + 2>/dev/null)
	done
	for dir in $(cgroup_dirs "$1"); do
		find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null || true
		# a frozen or dying task can need a moment before rmdir works
		wait_for 5 eval "[[ ! -d '$dir' ]] || { find '$dir' -depth -type d -exec rmdir {} + ; [[ ! -d '$dir' ]]; }" ||
			echo "warning: could not remove cgroup $dir" >&2
	done
}

# sweep_tmp: unmount anything left under $T, kill processes still using
# it, and remove it.  Fails (after cleaning what it can) if anything was
# left, so a client that leaks shows up as a failed teardown.
sweep_tmp() {
	[[ -n ${T:-} && -d $T ]] || return 0
	local leaks=() m pid
	for pid in $(pids_matching "$T/"); do
		leaks+=("process $pid: $({ tr '\0' ' ' < "/proc/$pid/cmdline"; } 2>/dev/null)")
		kill -KILL "$pid" 2>/dev/null || true
	done
	for m in $(mounts_under "$T"); do
		leaks+=("mount $m")
		umount -l "$m" 2>/dev/null || true
	done
	if [[ -n $(mounts_under "$T") ]]; then
		die "mounts remain under $T; not removing it"
		return 1
	fi
	rm -rf "$T"
	if ((${#leaks[@]})); then
		printf 'leaked: %s\n' "${leaks[@]}" >&2
		return 1
	fi
}

# assert_no_cgroups NAME: none of our cgroup dirs remain.
assert_no_cgroups() {
	local left
	left=$(cgroup_dirs "$1")
	[[ -z $left ]] || die "cgroups left behind: $left"
}

# ---- assertions: each prints what it expected and what it got -----------

# assert_eq WANT GOT [WHAT]
assert_eq() {
	[[ $2 == "$1" ]] && return 0
	printf '%s: want [%s]\n%*s  got  [%s]\n' "${3:-value}" "$1" "${#3}" '' "$2" >&2
	return 1
}

# assert_contains HAYSTACK NEEDLE
assert_contains() {
	[[ $1 == *"$2"* ]] && return 0
	printf 'want text containing [%s]\ngot [%s]\n' "$2" "$1" >&2
	return 1
}

# assert_match TEXT ERE
assert_match() {
	[[ $1 =~ $2 ]] && return 0
	printf 'want text matching /%s/\ngot [%s]\n' "$2" "$1" >&2
	return 1
}

# assert_empty_dir DIR: DIR exists and holds nothing (or does not exist).
# A runtime's state root may keep berth's seccomp filter cache, which
# outlives containers by design (runtime/seccomp_cache.c).
assert_empty_dir() {
	local left
	[[ -d $1 ]] || return 0
	left=$(find "$1" -mindepth 1 -maxdepth 1 ! -name .seccomp-cache -printf '%f ')
	[[ -z $left ]] || die "$1 is not empty: $left"
}
