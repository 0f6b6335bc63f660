#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# tests/lib/mkrootfs.sh DIR — build a small busybox-static root filesystem.
#
# Used by the demo, the bats suites, the client tests and the benchmark: a
# static /bin/busybox with one symlink per applet, /etc/passwd and
# /etc/group, and the mount points an OCI bundle expects.  When a static
# probe binary has been built (tests/probe), it is copied to /bin/probe.
# Needs Debian's busybox-static (installed by `make deps`).
set -eu

dir=${1:?usage: mkrootfs.sh DIR}
busybox=${BUSYBOX:-/bin/busybox}
here=$(cd "$(dirname "$0")" && pwd)
probe=${PROBE:-$here/../../build/tests/probe}

if ! LC_ALL=C ldd "$busybox" 2>&1 | grep -q 'not a dynamic'; then
	echo "mkrootfs: $busybox is not a static busybox (apt-get install busybox-static)" >&2
	exit 1
fi

mkdir -p "$dir"
cd "$dir"
mkdir -p bin sbin usr/bin usr/sbin etc dev proc sys tmp root run var/tmp home
chmod 1777 tmp var/tmp
cp "$busybox" bin/busybox
for applet in $(bin/busybox --list); do
	[ "$applet" = busybox ] && continue
	[ -e "bin/$applet" ] || ln -s busybox "bin/$applet"
done
if [ -x "$probe" ]; then
	cp "$probe" bin/probe
fi
cat > etc/passwd <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
cat > etc/group <<'GROUP'
root:x:0:
daemon:x:1:
tty:x:5:
nogroup:x:65534:
GROUP
echo "berth-test" > etc/hostname
: > etc/hosts
: > etc/resolv.conf
