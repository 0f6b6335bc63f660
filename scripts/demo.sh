#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# scripts/demo.sh — build a busybox bundle and run one container with berth.
#
# The bundle (busybox-static from Debian, no registry) is made once in
# tests/.cache/demo; `berth spec` writes its config, and the container
# prints what it sees of itself: its hostname, user, capabilities,
# processes and mounts.
set -eu
cd "$(dirname "$0")/.."

bundle=tests/.cache/demo
if [ ! -x "$bundle/rootfs/bin/busybox" ]; then
	sh tests/lib/mkrootfs.sh "$bundle/rootfs" >/dev/null
fi
rm -f "$bundle/config.json"
./berth spec --bundle "$bundle"
jq '.process.terminal = false
  | .process.args = ["/bin/sh", "-c",
      "echo \"hello from $(hostname), a berth container\"; id; grep -E \"^Cap(Eff|Bnd)|^NoNewPrivs\" /proc/self/status; echo processes:; ps; echo mounts:; mount | cut -d\" \" -f1-5"]' \
	"$bundle/config.json" > "$bundle/config.tmp"
mv "$bundle/config.tmp" "$bundle/config.json"
echo "+ berth run -b $bundle demo"
exec ./berth run -b "$bundle" "demo-$$"
