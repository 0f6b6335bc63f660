#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# fuzz/mkcorpus.sh — (re)build the seed corpora in fuzz/corpus/<target>/ from
# tests/data: whole configs for fuzz-config, their process / resources /
# seccomp sections and mount option lists for the narrower targets.  Seeds
# are named by content hash (as libFuzzer names its own), so duplicates
# collapse.  Needs jq.  The seeds are committed; rerun after adding data.
set -euo pipefail
cd "$(dirname "$0")/.."
out=fuzz/corpus
rm -rf "$out"
mkdir -p "$out"/{fuzz-config,fuzz-process,fuzz-resources,fuzz-mountopt,fuzz-seccomp,fuzz-cgroup-layout}

# seed TARGET < content
seed() {
	local tmp sum
	tmp=$(mktemp)
	cat >"$tmp"
	if [ -s "$tmp" ]; then
		sum=$(sha1sum <"$tmp" | cut -c1-40)
		mv "$tmp" "$out/$1/$sum"
	else
		rm -f "$tmp"
	fi
}

for f in tests/data/good/*.json tests/data/bad/*.json; do
	name=$(basename "$f" .json)
	case $name in
	process-*) seed fuzz-process <"$f"; continue ;;
	resources-*) seed fuzz-resources <"$f"; continue ;;
	esac
	seed fuzz-config <"$f"
	jq -e 'type == "object"' "$f" >/dev/null 2>&1 || continue
	jq -c '.process // empty' "$f" | seed fuzz-process
	jq -c 'if (.linux | type) == "object" then .linux.resources // empty else empty end' "$f" | seed fuzz-resources
	jq -c 'if (.linux | type) == "object" then .linux.seccomp // empty else empty end' "$f" | seed fuzz-seccomp
	case $f in tests/data/good/*) ;; *) continue ;; esac
	n=$(jq '(.mounts // []) | length' "$f")
	for ((i = 0; i < n; i++)); do
		jq -r --argjson i "$i" '.mounts[$i] | [(.type // "")] + (.options // []) | join("\n")' "$f" |
			seed fuzz-mountopt
	done
done
# option lists jq would not produce
printf 'tmpfs\nrro\nrrw\nrnoatime\nratime\nrstrictatime\n' | seed fuzz-mountopt
printf 'none\nrbind\nidmap\n' | seed fuzz-mountopt
printf '\nbind\nro\nremount\nrslave\ndata=1\n' | seed fuzz-mountopt
# cgroup layouts: mountinfo ---- /proc/self/cgroup ---- controllers ---- devices.list
for f in fuzz/cgroup-seeds/*; do seed fuzz-cgroup-layout <"$f"; done
for t in "$out"/*; do echo "$(basename "$t"): $(find "$t" -type f | wc -l) seeds"; done
