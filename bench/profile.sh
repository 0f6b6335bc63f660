#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# bench/profile.sh — where the time of one `run` goes, for any runtime.
#
# Usage: bench/profile.sh [berth|crun|runc|PATH] [-o DIR] [-r REPEAT]
#
# Runs `RUNTIME run` of /bin/true on the benchmark's bundle, in the same
# private mount namespace as bench/run.sh (see bench/lib.sh), three ways:
#   strace -f -c          syscall counts and system time, all processes
#   strace -f -tt -T      a timeline; summarised here as milestones (clone,
#                         namespaces, pivot_root, the container's execve and
#                         exit), the slowest syscalls, and the longest gaps
#                         between two syscalls of one process (user-space work)
#   perf stat -r REPEAT   task-clock, context switches, page faults, and
#                         instructions/cycles when the machine exposes them
# strace slows every syscall down (each one stops the tracee twice), so its
# absolute times are inflated; read the shares and the order, and take the
# wall time from bench/run.sh or perf stat.
# Files land in DIR (default bench/results/profile-<runtime>-<date>/).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
# shellcheck source=bench/lib.sh
. "$here/lib.sh"

orig_args=("$@")
rt=berth
out=
repeat=20
while [ $# -gt 0 ]; do
	case $1 in
	-o) out=${2:?}; shift ;;
	-r) repeat=${2:?}; shift ;;
	-h | --help) sed -n 's/^# Usage: //p' "$0" >&2; exit 2 ;;
	-*) bench_die "unknown option '$1'" ;;
	*) rt=$1 ;;
	esac
	shift
done
rtpath=$(bench_runtime_path "$rt" 1) || exit 1
name=$(basename "$rtpath")
[ "$(id -u)" = 0 ] || bench_die "needs root"
command -v strace >/dev/null || bench_die "needs strace"
out=${out:-$here/results/profile-$name-$(date +%Y-%m-%dT%H%M%S)}
mkdir -p "$out"
out=$(cd "$out" && pwd)

bench_private_ns "$0" "${orig_args[@]}"
bench_cgroup_setup

work=$(bench_work_dir berth-profile)
cgparent=berth-profile-$$
cleanup() {
	set +e
	for id in $(timeout -k 5 30 "$rtpath" --root "$work/state" list -q 2>/dev/null); do
		timeout -k 5 30 "$rtpath" --root "$work/state" delete -f "$id"
	done
	bench_kill_leftovers
	sleep 0.2 # let the kernel reap them before their cgroups go
	bench_cgroup_cleanup "$cgparent"
	bench_rm_work
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bench_rootfs_and_spec
bench_bundle "$work/bundle" "/$cgparent/$name" '["/bin/true"]'
run=("$rtpath" --root "$work/state" run --bundle "$work/bundle" profile)

# One untimed run first: page cache and dentries warm, as in the benchmark.
"${run[@]}" </dev/null

strace -f -c -o "$out/strace-c.txt" "${run[@]}" </dev/null
strace -f -tt -T -s 96 -o "$out/strace-tt.txt" "${run[@]}" </dev/null

# Hardware counters are often missing in a VM; software ones always work.
events=task-clock,context-switches,cpu-migrations,page-faults
if command -v perf >/dev/null; then
	if ! perf stat -e instructions true 2>&1 | grep -q 'not supported'; then
		events=$events,cycles,instructions
	fi
	perf stat -r "$repeat" -e "$events" -o "$out/perf-stat.txt" -- "${run[@]}" </dev/null
fi

# ---- summary -------------------------------------------------------------------
{
	echo "== $name: $rtpath ($("$rtpath" --version 2>/dev/null | head -1))"
	echo "== $cgmode"
	echo
	echo "== strace -f -c (system time per syscall, all processes; top 20)"
	sed -n '1,22p' "$out/strace-c.txt"
	tail -2 "$out/strace-c.txt"
	echo
	awk -f - "$out/strace-tt.txt" <<-'AWK'
		# Lines: PID HH:MM:SS.uuuuuu CALL(...) = RET <DURATION>
		function sec(t,   f) { split(t, f, ":"); return f[1] * 3600 + f[2] * 60 + f[3] }
		function ms(t) { return sprintf("%8.2f ms", (t - t0) * 1000) }
		function mark(what) { if (!(what in seen)) { seen[what] = 1; m[++nm] = ms(t) "  " what } }
		{
			pid = $1; t = sec($2)
			if (NR == 1) t0 = t
			last = t
			if (!(pid in first)) { first[pid] = t; npid++ }
			line = $0; sub(/^[0-9]+ [0-9:.]+ /, "", line)
			call = line; sub(/\(.*/, "", call)
			if (line ~ /^<\.\.\. /) { call = line; sub(/^<\.\.\. /, "", call); sub(/ .*/, "", call) }
			dur = 0
			if (match(line, /<[0-9.]+>$/)) dur = substr(line, RSTART + 1, RLENGTH - 2) + 0
			# user-space work: time since this process's previous syscall ended
			if ((pid in prev_end) && line !~ /^<\.\.\. / && t - prev_end[pid] > 0)
				gaps[++ng] = sprintf("%9.3f ms  pid %s, after %s, before %s", \
					(t - prev_end[pid]) * 1000, pid, prev_call[pid], call)
			if (line !~ /unfinished \.\.\.>$/) { prev_end[pid] = t + dur; prev_call[pid] = call }
			if (dur > 0 && call !~ /^(wait4|waitid|read|readv|recvmsg|recvfrom|accept|accept4|poll|ppoll|epoll_wait|epoll_pwait|futex|select|pselect6|nanosleep|clock_nanosleep|rt_sigsuspend|flock)$/)
				slow[++ns] = sprintf("%9.3f ms  pid %s  %s", dur * 1000, pid, substr(line, 1, 110))
			if (call ~ /^clone3?$/ && line ~ /CLONE_NEW/) mark("clone with new namespaces (" call ")")
			if (call == "unshare") mark("unshare")
			if (call == "setns") mark("setns")
			if (call == "pivot_root") mark("pivot_root")
			if (call ~ /^(mount|mount_setattr|move_mount|open_tree|fsmount)$/) nmount++
			if (call ~ /^execve/ && line ~ /"\/bin\/true"/) { mark("execve /bin/true (container starts)"); cpid = pid }
			if (cpid != "" && pid == cpid && line ~ /\+\+\+ exited/) mark("container exits")
		}
		END {
			print "== strace -f -tt -T timeline (strace makes all of it slower)"
			for (i = 1; i <= nm; i++) print m[i]
			print ms(last) "  runtime done"
			printf "%d processes/threads, %d mount-family syscalls\n\n", npid, nmount
			print "== slowest non-blocking syscalls"
			for (i = 1; i <= ns; i++) print slow[i] | "sort -rn | head -12"
			close("sort -rn | head -12")
			print ""
			print "== longest gaps between two syscalls of one process (user-space work)"
			for (i = 1; i <= ng; i++) print gaps[i] | "sort -rn | head -12"
			close("sort -rn | head -12")
		}
	AWK
	if [ -f "$out/perf-stat.txt" ]; then
		echo
		echo "== perf stat -r $repeat ($events)"
		grep -v '^#' "$out/perf-stat.txt" | sed '/^ *$/d'
	fi
} | tee "$out/summary.txt"
echo
echo "files: $out"
