#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# tests/soak/soak.sh — leaks and load: `make soak` (not part of CI).
#
#   soak.sh [CYCLES] [PARALLEL]      defaults 1000 and 50
#
# Runs CYCLES create/start/wait/delete lifecycles one after another, then
# PARALLEL lifecycles at once on distinct ids, then 10 commands at once on
# one id, and checks that the host is exactly as before: mount table,
# cgroup tree, this shell's open fds, network interfaces and the state dir.
# Every state file read meanwhile must be valid JSON.
set -u
cd "$(dirname "$0")/../.." || exit 1

cycles=${1:-1000}
parallel=${2:-50}
berth=${BERTH:-$PWD/berth}
rootfs=${TEST_ROOTFS:-$PWD/tests/.cache/rootfs}
work=$(mktemp -d /tmp/berth-soak.XXXXXX)
root=$work/state
bundle=$work/bundle
cg=/sys/fs/cgroup
[ -f $cg/cgroup.controllers ] || cg=/sys/fs/cgroup/unified

snapshot() {
	# the fds of this long-lived caller, read in-process (a command
	# substitution would add pipes of its own to the list)
	local fds=(/proc/$$/fd/*)
	{
		echo "== mounts"
		awk '{print $5}' /proc/self/mountinfo | sort
		echo "== cgroups"
		find "$cg" -type d | sort
		echo "== fds"
		echo "${fds[@]##*/}"
		echo "== links"
		ip -o link | awk '{print $2}' | sort
		echo "== state"
		ls -A "$root" 2>/dev/null
	} > "$1"
}

lifecycle() { # id
	"$berth" --root "$root" create -b "$bundle" "$1" </dev/null >/dev/null 2>&1 || return 1
	"$berth" --root "$root" start "$1" || return 1
	for _ in $(seq 200); do
		[ "$("$berth" --root "$root" state "$1" | jq -r .status)" = stopped ] && break
		sleep 0.01
	done
	"$berth" --root "$root" delete "$1"
}

mkdir -p "$bundle" "$root"
"$berth" spec --bundle "$bundle"
jq --arg rf "$rootfs" '.process.terminal = false | .root.path = $rf | .process.args = ["/bin/true"]' \
	"$bundle/config.json" > "$bundle/c" && mv "$bundle/c" "$bundle/config.json"

snapshot "$work/before"
failed=0
start=$(date +%s.%N)
for i in $(seq "$cycles"); do
	lifecycle "soak-$i" || { echo "soak: cycle $i failed"; failed=$((failed + 1)); }
done
mid=$(date +%s.%N)
for i in $(seq "$parallel"); do
	lifecycle "par-$i" || echo "soak: parallel $i failed" > "$work/fail.$i" &
done
wait
failed=$((failed + $(find "$work" -maxdepth 1 -name 'fail.*' | wc -l)))
# 10 commands at once on one id: every state read is valid JSON
mkdir -p "$work/b2"
jq '.process.args = ["/bin/sleep", "100"]' "$bundle/config.json" > "$work/b2/config.json"
"$berth" --root "$root" run -d -b "$work/b2" one </dev/null >/dev/null 2>&1
for i in $(seq 10); do
	case $((i % 4)) in
	0) "$berth" --root "$root" state one > "$work/st.$i" 2>/dev/null ;;
	1) "$berth" --root "$root" exec one /bin/true ;;
	2) "$berth" --root "$root" kill one 0 2>/dev/null ;;
	3) "$berth" --root "$root" list --format json > "$work/st.$i" ;;
	esac &
done
wait
for f in "$work"/st.*; do
	jq -e . "$f" >/dev/null 2>&1 || { echo "soak: invalid JSON from a concurrent read: $f"; failed=$((failed + 1)); }
done
"$berth" --root "$root" delete --force one
end=$(date +%s.%N)
snapshot "$work/after"

if ! diff -u "$work/before" "$work/after"; then
	echo "soak: the host changed (diff above)"
	failed=$((failed + 1))
fi
printf 'soak: %d sequential lifecycles in %.1f s (%.1f ms each), %d parallel in %.1f s\n' \
	"$cycles" "$(echo "$mid - $start" | bc)" "$(echo "($mid - $start) * 1000 / $cycles" | bc -l)" \
	"$parallel" "$(echo "$end - $mid" | bc)"
rm -rf "$work"
echo "soak: $failed failures"
[ "$failed" -eq 0 ]
