# SPDX-License-Identifier: Apache-2.0
# forge_diffs DIR: rootfs-diff.tar files a restore must refuse, made in
# DIR as DIR/NAME.tar, and FORGED, one "NAME:what the refusal names" per
# file: a '..', an absolute path, a device node, a hard link out of the
# diff and a tar cut short
forge_diffs() {
	local d=$1
	mkdir -p "$d/sub"
	echo x >"$d/x"
	mknod "$d/null" c 1 3
	tar -cPf "$d/dotdot.tar" -C "$d/sub" ../x
	tar -cPf "$d/abs.tar" "$d/x"
	tar -cf "$d/dev.tar" -C "$d" null
	python3 -c 'import sys, tarfile
t = tarfile.open(sys.argv[1], "w")
i = tarfile.TarInfo("y"); i.type = tarfile.LNKTYPE; i.linkname = "../x"
t.addfile(i); t.close()' "$d/link.tar"
	tar -cf "$d/whole.tar" -C "$d" x
	head -c 700 "$d/whole.tar" >"$d/cut.tar"
	# shellcheck disable=SC2034 # read by the test that calls this
	FORGED=("dotdot:entry '../x': a path with '..'" "abs:entry '$d/x': an absolute path"
		"dev:entry 'null': a device node (char 1:3)"
		"link:entry 'y': a hard link to '../x', outside the diff" "cut:entry 'x': Truncated")
}
