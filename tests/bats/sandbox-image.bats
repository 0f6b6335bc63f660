#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# berth sandbox --image oci:DIR[:TAG] | oci-archive:FILE[:TAG] |
# docker-archive:FILE[:NAME:TAG]: images in, layers unpacked once into a
# content-addressed cache ($BERTH_IMAGE_CACHE here: one per test), the
# image config's defaults, berth image ls/prune.  Images are made on the
# spot (lib/image.bash), and with skopeo where it converts them.

load helpers
load lib/image

setup_file() {
	# the base layer: the test rootfs (busybox + probe), made once
	export BASE_LAYER=$BATS_FILE_TMPDIR/base.tar.gz
	mk_layer "$BASE_LAYER" "$TEST_ROOTFS"
}

setup() {
	state_root_reachable
	ROOT=$BATS_TEST_TMPDIR/state
	ID=bt$$-${BATS_SUITE_TEST_NUMBER}
	MOUNTS_BEFORE=$(mount_count)
	export BERTH_IMAGE_CACHE=$BATS_TEST_TMPDIR/cache
	L=$BATS_TEST_TMPDIR/l
	mkdir -p "$L"
}

sandbox() {
	"$BERTH" --root "$ROOT" sandbox "$@"
}

# the layers in the cache
cached() {
	find "$BERTH_IMAGE_CACHE/layers" -mindepth 1 -maxdepth 1 | wc -l
}

@test "sandbox image: files of every layer, whiteouts and opaque directories as docker shows them" {
	mkdir -p "$L/1/opq" "$L/1/keep" "$L/2/opq" "$L/2/etc"
	echo lower >"$L/1/opq/old"
	echo lower >"$L/1/keep/gone"
	echo lower >"$L/1/keep/stays"
	mk_layer "$L/1.tar" "$L/1"
	echo upper >"$L/2/etc/from-upper"
	touch "$L/2/opq/.wh..wh..opq"
	echo upper >"$L/2/opq/new"
	mkdir -p "$L/2/keep"
	touch "$L/2/keep/.wh.gone"
	mk_layer "$L/2.tar" "$L/2"
	mk_oci "$BATS_TEST_TMPDIR/img" v1 '{}' "$BASE_LAYER" "$L/1.tar" "$L/2.tar"
	run sandbox --image "oci:$BATS_TEST_TMPDIR/img:v1" -- /bin/sh -c \
		'cat /etc/from-upper; ls /opq; ls /keep; ls /bin/busybox'
	assert_status 0
	assert_contains "upper"
	assert_contains "new"
	assert_not_contains "old"
	assert_contains "stays"
	assert_not_contains "gone"
	assert_contains "/bin/busybox"
}

@test "sandbox image: Env, WorkingDir, User, Entrypoint and Cmd of the image are the defaults" {
	mkdir -p "$L/1/etc" "$L/1/work"
	cp "$TEST_ROOTFS/etc/passwd" "$L/1/etc/passwd" 2>/dev/null || true
	echo 'builder:x:1234:4321::/work:/bin/sh' >>"$L/1/etc/passwd"
	mk_layer "$L/1.tar" "$L/1"
	mk_oci "$BATS_TEST_TMPDIR/img" latest '{"Env": ["FROM_IMAGE=yes", "PATH=/bin:/sbin:/img"],
		"WorkingDir": "/work", "User": "builder",
		"Entrypoint": ["/bin/sh", "-c", "echo ep; exec \"$0\" \"$@\""],
		"Cmd": ["/bin/sh", "-c", "echo cmd; pwd; id -u; id -g; echo $FROM_IMAGE $PATH"]}' \
		"$BASE_LAYER" "$L/1.tar"
	run sandbox --image "oci:$BATS_TEST_TMPDIR/img"
	assert_status 0
	assert_line_eq "$output" "$(printf 'ep\ncmd\n/work\n1234\n4321\nyes /bin:/sbin:/img')"
}

@test "sandbox image: the flags override the image's defaults, --entrypoint too" {
	mk_oci "$BATS_TEST_TMPDIR/img" latest '{"Env": ["A=image", "B=image"], "WorkingDir": "/tmp",
		"User": "5:6", "Entrypoint": ["/bin/false"], "Cmd": ["never"]}' "$BASE_LAYER"
	run sandbox --image "oci:$BATS_TEST_TMPDIR/img" -e A=flag -w /etc --user 7:8 \
		--entrypoint /bin/sh -- -c 'echo $A $B; pwd; id -u; id -g'
	assert_status 0
	assert_line_eq "$output" "$(printf 'flag image\n/etc\n7\n8')"
	# args after -- replace Cmd and keep the Entrypoint, as with docker run
	mk_oci "$BATS_TEST_TMPDIR/img2" latest '{"Entrypoint": ["/bin/echo", "ep"],
		"Cmd": ["cmd"]}' "$BASE_LAYER"
	run sandbox --image "oci:$BATS_TEST_TMPDIR/img2" -- args
	assert_line_eq "$output" "ep args"
	run sandbox --image "oci:$BATS_TEST_TMPDIR/img2" --entrypoint "" -- /bin/echo no-ep
	assert_line_eq "$output" "no-ep"
}

@test "sandbox image: the image's Env gives way to --env-file, which gives way to -e" {
	mk_oci "$BATS_TEST_TMPDIR/img" latest '{"Env": ["A=image", "B=image", "C=image"]}' "$BASE_LAYER"
	printf 'B=file\nC=file\n' >"$BATS_TEST_TMPDIR/env"
	run sandbox --image "oci:$BATS_TEST_TMPDIR/img" --env-file "$BATS_TEST_TMPDIR/env" -e C=flag \
		-- /bin/sh -c 'echo $A $B $C; env | grep -c "^[ABC]="'
	assert_status 0
	assert_line_eq "$output" "$(printf 'image file flag\n3')"
}

@test "sandbox image: gzip, zstd and plain tar layers all unpack" {
	for c in gz zst plain; do
		mkdir -p "$L/$c"
		echo "$c" >"$L/$c/from-$c"
	done
	mk_layer "$L/gz.tar.gz" "$L/gz"
	mk_layer "$L/zst.tar.zst" "$L/zst"
	mk_layer "$L/plain.tar" "$L/plain"
	mk_oci "$BATS_TEST_TMPDIR/img" latest '{}' "$BASE_LAYER" "$L/gz.tar.gz" "$L/zst.tar.zst" \
		"$L/plain.tar"
	run sandbox --image "oci:$BATS_TEST_TMPDIR/img" -- /bin/cat /from-gz /from-zst /from-plain
	assert_status 0
	assert_line_eq "$output" "$(printf 'gz\nzst\nplain')"
}

# craft a tar python's tarfile writes as told: ../ paths, a symlink out
# and a file through it, a hard link out
evil_layer() {
	python3 - "$1" "$2" <<'EOF'
import io, sys, tarfile
out, host = sys.argv[1], sys.argv[2]
with tarfile.open(out, "w") as t:
    def add(name, data=b"pwned\n", **kw):
        i = tarfile.TarInfo(name)
        for k, v in kw.items():
            setattr(i, k, v)
        if i.type == tarfile.REGTYPE:
            i.size = len(data)
            t.addfile(i, io.BytesIO(data))
        else:
            t.addfile(i)
    add("esc", type=tarfile.SYMTYPE, linkname=host)
    add(host + "/absolute")
    add("esc/through-symlink")
    add("../../../../../../.." + host + "/dotdot")
EOF
}

@test "sandbox image: no layer entry lands outside the layer (.., absolute paths, symlinks)" {
	host=$BATS_TEST_TMPDIR/host
	mkdir -p "$host"
	evil_layer "$L/evil.tar" "$host"
	mk_oci "$BATS_TEST_TMPDIR/img" latest '{}' "$BASE_LAYER" "$L/evil.tar"
	run sandbox --image "oci:$BATS_TEST_TMPDIR/img" -- /bin/true
	[ -z "$(ls -A "$host")" ]
	[ "$status" -ne 0 ]
	assert_contains "--image oci:$BATS_TEST_TMPDIR/img"
	# nothing half-unpacked is left to be used
	[ -z "$(ls -A "$BERTH_IMAGE_CACHE/tmp")" ]
	# without the ".." entry, the rest lands inside the layer
	python3 - "$L/evil.tar" "$L/evil2.tar" <<'EOF'
import sys, tarfile
with tarfile.open(sys.argv[1]) as i, tarfile.open(sys.argv[2], "w") as o:
    for m in i.getmembers():
        if ".." not in m.name:
            o.addfile(m, i.extractfile(m) if m.isfile() else None)
EOF
	mk_oci "$BATS_TEST_TMPDIR/img2" latest '{}' "$BASE_LAYER" "$L/evil2.tar"
	run sandbox --image "oci:$BATS_TEST_TMPDIR/img2" -- /bin/cat "$host/absolute" \
		"$host/through-symlink"
	assert_status 0
	assert_line_eq "$output" "$(printf 'pwned\npwned')"
	[ -z "$(ls -A "$host")" ]
}

@test "sandbox image: a blob that does not match its digest is refused, naming it" {
	mkdir -p "$L/1"
	echo one >"$L/1/f"
	mk_layer "$L/1.tar" "$L/1"
	mk_oci "$BATS_TEST_TMPDIR/img" latest '{}' "$BASE_LAYER" "$L/1.tar"
	blob=$(jq -r '.layers[1].digest' "$BATS_TEST_TMPDIR/manifest.json")
	echo two >"$L/1/f"
	mk_layer "$L/other.tar" "$L/1"
	cp "$L/other.tar" "$BATS_TEST_TMPDIR/img/blobs/sha256/${blob#sha256:}"
	run sandbox --image "oci:$BATS_TEST_TMPDIR/img" -- /bin/cat /f
	[ "$status" -ne 0 ]
	assert_contains "--image oci:$BATS_TEST_TMPDIR/img"
	assert_contains "blobs/sha256/${blob#sha256:}': digest mismatch: expected $blob"
	assert_not_contains "two"
	[ ! -e "$BERTH_IMAGE_CACHE/layers/${blob#sha256:}" ]
	[ -z "$(ls -A "$BERTH_IMAGE_CACHE/tmp")" ]
	# prune takes the refused layer's lock file too
	"$BERTH" image prune
	[ ! -e "$BERTH_IMAGE_CACHE/locks/${blob#sha256:}" ]
}

@test "sandbox image: two jobs starting the same new image at once both run, one copy cached" {
	mkdir -p "$L/1"
	head -c 20000000 /dev/urandom >"$L/1/big"
	mk_layer "$L/1.tar" "$L/1"
	mk_oci "$BATS_TEST_TMPDIR/img" latest '{}' "$BASE_LAYER" "$L/1.tar"
	for i in 1 2 3; do
		sandbox --image "oci:$BATS_TEST_TMPDIR/img" -- /bin/sh -c 'wc -c < /big' \
			>"$BATS_TEST_TMPDIR/out$i" 2>&1 &
	done
	wait
	for i in 1 2 3; do
		assert_line_eq "$(cat "$BATS_TEST_TMPDIR/out$i")" 20000000
	done
	[ "$(cached)" = 2 ]
	[ -z "$(ls -A "$BERTH_IMAGE_CACHE/tmp")" ]
}

@test "sandbox image: berth image prune removes the layers no job uses, and keeps those in use" {
	mkdir -p "$L/a" "$L/b"
	echo a >"$L/a/a"
	echo b >"$L/b/b"
	mk_layer "$L/a.tar" "$L/a"
	mk_layer "$L/b.tar" "$L/b"
	mk_oci "$BATS_TEST_TMPDIR/ia" latest '{}' "$BASE_LAYER" "$L/a.tar"
	mk_oci "$BATS_TEST_TMPDIR/ib" latest '{}' "$L/b.tar"
	run sandbox --image "oci:$BATS_TEST_TMPDIR/ib" --image "$TEST_ROOTFS" -- /bin/cat /b
	assert_line_eq "$output" b
	# berth itself in the background (a function would run in a subshell)
	"$BERTH" --root "$ROOT" sandbox --image "oci:$BATS_TEST_TMPDIR/ia" -- /bin/sleep 30 \
		>/dev/null 2>&1 &
	pid=$!
	wait_until '[ "$(cached)" = 3 ] && pgrep -f "^/bin/sleep 30$" >/dev/null'
	run "$BERTH" image ls
	assert_contains "LAYER"
	[ "$(grep -c ' yes$' <<<"$output")" = 2 ]
	[ "$(grep -c ' no$' <<<"$output")" = 1 ]
	run "$BERTH" image prune
	assert_status 0
	assert_contains "Deleted layers: 1"
	assert_contains "Total reclaimed space:"
	[ "$(cached)" = 2 ]
	b=$(jq -r '.layers[0].digest' "$BATS_TEST_TMPDIR/manifest.json")
	[ ! -e "$BERTH_IMAGE_CACHE/layers/${b#sha256:}" ]
	kill -TERM "$pid"
	wait "$pid" || true
	run "$BERTH" image prune
	assert_contains "Deleted layers: 2"
	[ "$(cached)" = 0 ]
}

@test "sandbox image: docker save output (docker-archive:) runs, picked by its tag" {
	mkdir -p "$L/1"
	echo docker >"$L/1/from-docker"
	mk_layer "$L/1.tar" "$L/1"
	gzip -dc "$BASE_LAYER" >"$L/base.tar"
	mk_docker "$BATS_TEST_TMPDIR/saved.tar" "example/app:1.0" \
		'{"Env": ["X=docker"], "Cmd": ["/bin/sh", "-c", "cat /from-docker; echo $X"]}' \
		"$L/base.tar" "$L/1.tar"
	run sandbox --image "docker-archive:$BATS_TEST_TMPDIR/saved.tar:example/app:1.0"
	assert_status 0
	assert_line_eq "$output" "$(printf 'docker\ndocker')"
	run sandbox --image "docker-archive:$BATS_TEST_TMPDIR/saved.tar:example/app:2.0" -- true
	[ "$status" -ne 0 ]
	assert_contains "no image tagged \"example/app:2.0\""
}

@test "sandbox image: skopeo's oci-archive and docker-archive of a layout run the same" {
	command -v skopeo >/dev/null || skip "no skopeo"
	mkdir -p "$L/1"
	echo converted >"$L/1/f"
	mk_layer "$L/1.tar.gz" "$L/1"
	mk_oci "$BATS_TEST_TMPDIR/img" latest '{"Cmd": ["/bin/cat", "/f"]}' "$BASE_LAYER" "$L/1.tar.gz"
	skopeo --insecure-policy copy -q "oci:$BATS_TEST_TMPDIR/img:latest" \
		"oci-archive:$BATS_TEST_TMPDIR/img.tar:latest"
	skopeo --insecure-policy copy -q "oci:$BATS_TEST_TMPDIR/img:latest" \
		"docker-archive:$BATS_TEST_TMPDIR/docker.tar:example/img:latest"
	run sandbox --image "oci-archive:$BATS_TEST_TMPDIR/img.tar:latest"
	assert_line_eq "$output" converted
	run sandbox --image "docker-archive:$BATS_TEST_TMPDIR/docker.tar"
	assert_line_eq "$output" converted
}

@test "sandbox image: errors name the flag and the file" {
	run sandbox --image "oci:$BATS_TEST_TMPDIR/none" -- true
	[ "$status" -ne 0 ]
	assert_contains "--image oci:$BATS_TEST_TMPDIR/none"
	mkdir -p "$BATS_TEST_TMPDIR/notimg"
	run sandbox --image "oci:$BATS_TEST_TMPDIR/notimg" -- true
	assert_contains "index.json"
	assert_contains "not an OCI image layout"
	echo '{"schemaVersion": 2, "manifests": [{"digest": "md5:abc", "size": 1}]}' \
		>"$BATS_TEST_TMPDIR/notimg/index.json"
	run sandbox --image "oci:$BATS_TEST_TMPDIR/notimg" -- true
	assert_contains "index.json: manifests[0].digest: \"md5:abc\": only sha256 digests"
	run sandbox --image "docker-archive:$BATS_TEST_TMPDIR/missing.tar" -- true
	assert_contains "--image docker-archive:$BATS_TEST_TMPDIR/missing.tar: '$BATS_TEST_TMPDIR/missing.tar': No such file"
	run sandbox --image "$TEST_ROOTFS" --entrypoint /bin/sh -- true
	assert_contains "--entrypoint: needs an image"
}

# a tar with hard links (inside, to an absolute path, out with ..) and a
# character device node
links_layer() {
	python3 - "$1" "$2" "${3:-}" <<'PY'
import io, sys, tarfile
out, host, evil = sys.argv[1], sys.argv[2], sys.argv[3]
with tarfile.open(out, "w") as t:
    i = tarfile.TarInfo("data")
    i.size = 5
    t.addfile(i, io.BytesIO(b"data\n"))
    for name, target in [("inside", "data"), ("abs", "/data")]:
        i = tarfile.TarInfo(name)
        i.type, i.linkname = tarfile.LNKTYPE, target
        t.addfile(i)
    # a symlink to a host file, and a hard link to that symlink: the
    # link is to the symlink itself, never to what it names on the host
    i = tarfile.TarInfo("sym")
    i.type, i.linkname = tarfile.SYMTYPE, host + "/hostfile"
    t.addfile(i)
    i = tarfile.TarInfo("viasym")
    i.type, i.linkname = tarfile.LNKTYPE, "sym"
    t.addfile(i)
    i = tarfile.TarInfo("nulldev")
    i.type, i.devmajor, i.devminor, i.mode = tarfile.CHRTYPE, 1, 3, 0o666
    t.addfile(i)
    if evil:
        i = tarfile.TarInfo("out")
        i.type, i.linkname = tarfile.LNKTYPE, evil
        t.addfile(i)
PY
}

@test "sandbox image: hard links stay inside the layer; root keeps device nodes" {
	echo secret >"$BATS_TEST_TMPDIR/hostfile"
	links_layer "$L/links.tar" "$BATS_TEST_TMPDIR"
	mk_oci "$BATS_TEST_TMPDIR/img" latest '{}' "$BASE_LAYER" "$L/links.tar"
	run sandbox --image "oci:$BATS_TEST_TMPDIR/img" -- /bin/sh -c \
		'cat /inside /abs; stat -c "%h %F %t:%T" /data /nulldev'
	assert_status 0
	assert_line_eq "$output" "$(printf 'data\ndata\n3 regular file 0:0\n1 character special file 1:3')"
	[ "$(stat -c %h "$BATS_TEST_TMPDIR/hostfile")" = 1 ]
	layer=$(find "$BERTH_IMAGE_CACHE/layers" -maxdepth 2 -name viasym)
	[ -L "$layer" ]
	# a link to a host file, by its absolute path or with .., is refused
	for evil in "$BATS_TEST_TMPDIR/hostfile" "../../../../../..$BATS_TEST_TMPDIR/hostfile"; do
		links_layer "$L/evil.tar" "$BATS_TEST_TMPDIR" "$evil"
		rm -rf "$BATS_TEST_TMPDIR/img2"
		mk_oci "$BATS_TEST_TMPDIR/img2" latest '{}' "$BASE_LAYER" "$L/evil.tar"
		run sandbox --image "oci:$BATS_TEST_TMPDIR/img2" -- /bin/true
		[ "$status" -ne 0 ]
		assert_contains "entry 'out'"
		[ "$(stat -c %h "$BATS_TEST_TMPDIR/hostfile")" = 1 ]
	done
}

@test "sandbox image: rootless, the image runs with its whiteouts and opaque dirs, without device nodes" {
	RL_USER=berthtest
	id "$RL_USER" >/dev/null 2>&1 || useradd --no-create-home --shell /bin/sh "$RL_USER"
	rl=$(mktemp -d /tmp/berth-rootless-img.XXXXXX)
	chmod 0755 "$rl"
	mkdir -p "$L/1/opq" "$L/2/opq"
	echo lower >"$L/1/opq/old"
	echo lower >"$L/1/gone"
	mk_layer "$L/1.tar" "$L/1"
	touch "$L/2/opq/.wh..wh..opq" "$L/2/.wh.gone"
	echo upper >"$L/2/opq/new"
	mk_layer "$L/2.tar" "$L/2"
	links_layer "$L/3.tar" "$rl"
	mk_oci "$rl/img" latest '{"Cmd": ["/bin/sh", "-c", "ls /opq; ls /gone; ls /nulldev; cat /inside"]}' \
		"$BASE_LAYER" "$L/1.tar" "$L/2.tar" "$L/3.tar"
	chown -R "$RL_USER:" "$rl"
	run runuser -u "$RL_USER" -- env -u XDG_RUNTIME_DIR BERTH_IMAGE_CACHE="$rl/cache" \
		"$BERTH" sandbox --image "oci:$rl/img"
	rm -rf "$rl"
	assert_contains "new"
	assert_not_contains "old"
	assert_contains "ls: /gone: No such file"
	assert_contains "ls: /nulldev: No such file"
	assert_contains "1 device nodes of the layer not created (rootless)"
	assert_contains "data"
}

@test "sandbox image: docker save's newer form (an OCI layout with manifest.json) runs" {
	mkdir -p "$L/1"
	echo newer >"$L/1/f"
	mk_layer "$L/1.tar" "$L/1"
	gzip -dc "$BASE_LAYER" >"$L/base.tar"
	d=$BATS_TEST_TMPDIR/save
	mk_oci "$d" latest '{"Cmd": ["/bin/cat", "/f"]}' "$L/base.tar" "$L/1.tar"
	# docker 25+: manifest.json beside index.json, every path a blob
	jq '[{Config: ("blobs/sha256/" + (.config.digest | ltrimstr("sha256:"))),
	      RepoTags: ["example/new:latest"],
	      Layers: [.layers[].digest | "blobs/sha256/" + ltrimstr("sha256:")]}]' \
		"$BATS_TEST_TMPDIR/manifest.json" >"$d/manifest.json"
	tar -C "$d" -cf "$BATS_TEST_TMPDIR/new.tar" .
	run sandbox --image "docker-archive:$BATS_TEST_TMPDIR/new.tar:example/new"
	assert_status 0
	assert_line_eq "$output" newer
}
