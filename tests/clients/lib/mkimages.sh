#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# tests/clients/lib/mkimages.sh OUTDIR — container images for the client
# suites, built without any registry.
#
# Writes, into OUTDIR:
#   rootfs/      the busybox root filesystem (tests/lib/mkrootfs.sh)
#   rootfs.tar   the same tree as a plain tar, for `docker import`
#   oci.tar      an OCI image layout holding two images that share one layer:
#                  localhost/berth-bb:1     Cmd        ["/bin/sh"]
#                  localhost/berth-pause:1  Entrypoint ["/bin/sleep","100000000"]
#                for `ctr images import` (the CRI sandbox image) and podman.
# The outputs are rebuilt only when this script, mkrootfs.sh or busybox
# change (their hashes are kept in OUTDIR/stamp), so a warm run costs a
# few milliseconds.
set -euo pipefail

out=${1:?usage: mkimages.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
mkrootfs=$here/../../lib/mkrootfs.sh
busybox=${BUSYBOX:-/bin/busybox}

stamp=$(cat "$0" "$mkrootfs" "$busybox" | sha256sum | cut -d' ' -f1)
if [[ -f $out/stamp && $(cat "$out/stamp") == "$stamp" ]]; then
	exit 0
fi

rm -rf "$out"
mkdir -p "$out"
work=$(mktemp -d "$out/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The probe binary is a bats-suite tool; the client images do not need it.
PROBE=/nonexistent "$mkrootfs" "$out/rootfs" >/dev/null

# Reproducible tar: fixed order, owners and times, so the layer digest only
# changes when the content does.
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 \
	-C "$out/rootfs" -cf "$out/rootfs.tar" .

sha() { sha256sum "$1" | cut -d' ' -f1; }
size() { stat -c %s "$1"; }

# Store FILE as a blob; print its digest.
blob() {
	local d
	d=$(sha "$1")
	mkdir -p "$work/layout/blobs/sha256"
	cp "$1" "$work/layout/blobs/sha256/$d"
	echo "$d"
}

diff_id=$(sha "$out/rootfs.tar")
gzip -n -c "$out/rootfs.tar" > "$work/layer.tar.gz"
layer=$(blob "$work/layer.tar.gz")
layer_size=$(size "$work/layer.tar.gz")

# image NAME CONFIG-JQ: write config + manifest blobs, print the manifest
# descriptor for index.json.
image() {
	local name=$1 process=$2 cfg man
	jq -cn --arg diff "sha256:$diff_id" "{
		architecture: \"amd64\", os: \"linux\",
		created: \"1970-01-01T00:00:00Z\",
		config: ({Env: [\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"],
			  WorkingDir: \"/\"} + $process),
		rootfs: {type: \"layers\", diff_ids: [\$diff]},
		history: [{created: \"1970-01-01T00:00:00Z\", created_by: \"tests/clients/lib/mkimages.sh\"}]
	}" > "$work/config.json"
	cfg=$(blob "$work/config.json")
	jq -cn --arg cfg "sha256:$cfg" --argjson cfgsize "$(size "$work/config.json")" \
		--arg layer "sha256:$layer" --argjson layersize "$layer_size" '{
		schemaVersion: 2,
		mediaType: "application/vnd.oci.image.manifest.v1+json",
		config: {mediaType: "application/vnd.oci.image.config.v1+json",
			 digest: $cfg, size: $cfgsize},
		layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
			  digest: $layer, size: $layersize}]
	}' > "$work/manifest.json"
	man=$(blob "$work/manifest.json")
	# containerd reads io.containerd.image.name, podman (containers/image)
	# selects by org.opencontainers.image.ref.name: give both the full name.
	jq -cn --arg man "sha256:$man" --argjson size "$(size "$work/manifest.json")" \
		--arg name "$name" '{
		mediaType: "application/vnd.oci.image.manifest.v1+json",
		digest: $man, size: $size,
		platform: {architecture: "amd64", os: "linux"},
		annotations: {"io.containerd.image.name": $name,
			      "org.opencontainers.image.ref.name": $name}
	}'
}

app=$(image localhost/berth-bb:1 '{Cmd: ["/bin/sh"]}')
pause=$(image localhost/berth-pause:1 '{Entrypoint: ["/bin/sleep", "100000000"]}')

echo '{"imageLayoutVersion":"1.0.0"}' > "$work/layout/oci-layout"
jq -n --argjson a "$app" --argjson p "$pause" \
	'{schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json",
	  manifests: [$a, $p]}' > "$work/layout/index.json"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 \
	-C "$work/layout" -cf "$out/oci.tar" .

echo "$stamp" > "$out/stamp"
