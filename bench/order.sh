#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# bench/order.sh — the order of berth's functions in its binary
# (mk/berth.order, read by the link when lld is the linker; see Makefile).
#
# Usage: bench/order.sh [-n ROUNDS] [-o FILE]
#
# A start of berth runs a small part of a 2.5 MB binary, scattered over
# it: the kernel maps 64 KB around every page a process faults in, so a
# `run`, `exec` or `sandbox` had ~1.3 MB of the binary in its peak RSS.
# Placed together, the functions those commands run fit in a few 64 KB
# windows.  Which functions: sampled with `perf record` over ROUNDS
# rounds of `run` (with and without podman's seccomp profile),
# `create`/`start`/`delete`, `exec` with the profile and `sandbox`, the
# most sampled first; then the other CPU variants of the sampled C library
# string functions, and every other function of the berth objects that
# were sampled (short ones a sample misses).  C library functions move
# with their archive member.  A function missing from the list only costs
# a page fault; a name that no longer exists is skipped by the linker.
# Regenerate after large changes to what a start runs (`make order`).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
# shellcheck source=bench/lib.sh
. "$here/lib.sh"

rounds=1000
out=$top/mk/berth.order
while [ $# -gt 0 ]; do
	case $1 in
	-n) rounds=${2:?}; shift ;;
	-o) out=${2:?}; shift ;;
	-h | --help) sed -n 's/^# Usage: //p' "$0" >&2; exit 2 ;;
	*) bench_die "unknown argument '$1'" ;;
	esac
	shift
done
berth=${BERTH:-$top/berth}
[ "$(id -u)" = 0 ] || bench_die "needs root"
command -v perf >/dev/null || bench_die "needs perf (Debian package linux-perf)"
[ -x "$berth" ] || bench_die "no berth at $berth: make first"
[ -f "$top/build/libberth.a" ] || bench_die "no build/libberth.a: make first"

work=$(bench_work_dir berth-order)
# perf's samples on disk: on a slow host a thousand rounds sampled at
# 49 kHz outgrow the work dir's 1 GB tmpfs
samples=$(mktemp -d /var/tmp/berth-order.XXXXXX)
cg=berth-order-$$
cleanup() {
	set +e
	for id in $("$berth" --root "$work/state" list -q 2>/dev/null); do
		"$berth" --root "$work/state" delete -f "$id"
	done
	bench_kill_leftovers
	sleep 0.2 # let the kernel reap them before their cgroups go
	bench_cgroup_cleanup "$cg"
	bench_rm_work
	rm -rf "$samples"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bench_rootfs_and_spec
profile=$(bench_seccomp_profile /usr/share/containers/seccomp.json "$work/spec.json")
bench_bundle "$work/run" "/$cg/run" '["/bin/true"]'
bench_bundle "$work/run-sc" "/$cg/run-sc" '["/bin/true"]'
bench_bundle "$work/exec-sc" "/$cg/exec-sc" '["/bin/sleep", "1000000"]'
for b in run-sc exec-sc; do
	jq --argjson sc "$profile" '.linux.seccomp = $sc' "$work/$b/config.json" >"$work/c"
	mv "$work/c" "$work/$b/config.json"
done
b=("$berth" --root "$work/state")
"${b[@]}" run -d -b "$work/exec-sc" xs </dev/null >/dev/null 2>&1

# the commands, once untimed (caches, the seccomp cache), then sampled
cat >"$work/round.sh" <<EOF
b=("$berth" --root "$work/state")
for i in \$(seq \${1:-1}); do
	"\${b[@]}" run -b "$work/run" r </dev/null
	"\${b[@]}" run -b "$work/run-sc" rs </dev/null
	"\${b[@]}" create -b "$work/run" c </dev/null
	"\${b[@]}" start c
	"\${b[@]}" delete -f c
	"\${b[@]}" exec xs /bin/true
	"\${b[@]}" sandbox --rootfs "$work/rootfs" -- /bin/true
done
EOF
bash "$work/round.sh" 1 >/dev/null 2>&1
perf record -q -o "$samples/perf.data" -F 49000 -a -- bash "$work/round.sh" "$rounds" >/dev/null 2>"$work/round.err" || { cat "$work/round.err" >&2; bench_die "the sampled rounds failed"; }

# every function of each berth object, by object, for the tail
nm -A --defined-only "$top/build/libberth.a" 2>/dev/null |
	awk '$(NF-1) ~ /^[tT]$/ { split($1, a, ":"); print a[2], $NF }' >"$work/objsyms"

# symbols for the first berth (its path) and the re-executed one (its
# protected copy's path in a detached mount, "/berth")
mkdir -p "$work/symfs$(dirname "$berth")"
ln -s "$berth" "$work/symfs$berth"
ln -sf "$berth" "$work/symfs/berth"
perf script -i "$samples/perf.data" --symfs "$work/symfs" -F comm,ip,sym 2>/dev/null |
	awk '$1 == "berth" && $3 != "[unknown]" { print $3 }' |
	sort | uniq -c | sort -k1,1nr -k2 | awk '{ print $2 }' >"$work/sampled"
[ -s "$work/sampled" ] || bench_die "perf sampled no function of berth"

awk 'NR == FNR { hot[$1] = 1; next }
     { all[++n] = $2; o[n] = $1 }
     END { for (i = 1; i <= n; i++) if (all[i] in hot) want[o[i]] = 1
           for (i = 1; i <= n; i++) if ((o[i] in want) && !(all[i] in hot)) print all[i] }' \
	"$work/sampled" "$work/objsyms" >"$work/tail"
# the C library's string functions come in one variant per CPU feature
# set (evex, avx2, sse2 ...), picked at start: every variant of a sampled
# one, so that the order holds on other CPUs too
nm --defined-only "$berth" | awk '$2 ~ /^[tTiW]$/ { print $3 }' |
	grep -E '_(evex|avx|sse|ssse3|erms)' >"$work/variants" || true
awk 'NR == FNR { if ($1 ~ /_(evex|avx|sse|ssse3|erms)/) { f = $1; sub(/_(evex|avx|sse|ssse3).*/, "", f); fam[f] = 1 }; next }
     { f = $1; sub(/_(evex|avx|sse|ssse3|erms).*/, "", f); if (f in fam) print $1 }' \
	"$work/sampled" "$work/variants" >"$work/family"
# one symbol a line, nothing else (lld reads every line as a name)
awk '!seen[$0]++' "$work/sampled" "$work/family" "$work/tail" >"$out.tmp"
mv "$out.tmp" "$out"
echo "order: $(wc -l <"$out") functions in $out ($(wc -l <"$work/sampled") sampled)"
