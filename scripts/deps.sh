#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# scripts/deps.sh — install every Debian package berth needs to build and
# to run all of its tests.  Idempotent: packages already installed are
# not touched, and apt-get runs only when something is missing.
set -eu

PACKAGES="
build-essential pkg-config lld
libseccomp-dev libcap-dev libyajl-dev libdbus-1-dev nettle-dev
libarchive-dev libzstd-dev zlib1g-dev
clang libclang-rt-14-dev clang-format cppcheck shellcheck pmccabe
perl bats jq busybox-static util-linux procps psmisc iproute2 uidmap kmod
qemu-system-x86 cpio xz-utils e2fsprogs
containerd podman docker.io crun runc
golang-github-containers-common golang-github-docker-docker-dev
curl
hyperfine time strace bpftool apparmor bubblewrap
skopeo zstd python3 passt
criu protobuf-c-compiler libprotobuf-c-dev
"

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
# The CRI tests need node and npm.  Machines that already carry a Node.js
# (e.g. from NodeSource, whose nodejs conflicts with Debian's npm) keep it.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	missing="$missing nodejs npm"
fi
if [ -z "$missing" ]; then
	echo "deps: everything is installed"
	exit 0
fi
echo "deps: installing:$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: run as root (or install the packages above)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086 # word splitting of the list is wanted
apt-get install -y -qq --no-install-recommends $missing
