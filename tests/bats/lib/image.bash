# SPDX-License-Identifier: Apache-2.0
# tests/bats/lib/image.bash — container images made on the spot, without
# a network: layer tars (tar, gzip, zstd), an OCI image layout around
# them (sha256sum and jq: what `skopeo copy ... oci:` writes), and the
# `docker save` format (manifest.json, <id>/layer.tar, <hex>.json).
#
#   mk_layer OUT.tar[.gz|.zst] DIR     a layer of DIR's contents
#   mk_config OUT CONFIG-JSON LAYER... an image config ({"config": ...}
#                                      given), rootfs.diff_ids computed
#   mk_oci LAYOUT TAG CONFIG LAYER...  an OCI layout holding one image
#   mk_docker OUT.tar TAG CONFIG LAYER.tar...  `docker save` output
# shellcheck disable=SC2154 # BATS_* come from bats

mk_layer() {
	local out=$1 dir=$2 tarf=${1%.gz}
	tarf=${tarf%.zst}
	tar --numeric-owner -C "$dir" -cf "$tarf" .
	case $out in
	*.gz) gzip -n "$tarf" ;;
	*.zst) zstd -q --rm "$tarf" ;;
	esac
}

# the sha256 of a layer's uncompressed tar (its diff_id)
diff_id() {
	case $1 in
	*.gz) gzip -dc "$1" | sha256sum ;;
	*.zst) zstd -dcq "$1" | sha256sum ;;
	*) sha256sum <"$1" ;;
	esac | awk '{print "sha256:" $1}'
}

mk_config() {
	local out=$1 conf=$2 ids l
	shift 2
	ids=$(for l in "$@"; do diff_id "$l"; done | jq -R . | jq -sc .)
	jq -n --argjson c "$conf" --argjson ids "$ids" \
		'{architecture: "amd64", os: "linux", config: $c,
		  rootfs: {type: "layers", diff_ids: $ids}}' >"$out"
}

# put FILE into LAYOUT's blobs; prints its descriptor with MEDIATYPE
oci_blob() {
	local layout=$1 file=$2 media=$3 hex size
	hex=$(sha256sum <"$file" | awk '{print $1}')
	size=$(stat -c %s "$file")
	mkdir -p "$layout/blobs/sha256"
	cp "$file" "$layout/blobs/sha256/$hex"
	jq -nc --arg m "$media" --arg d "sha256:$hex" --argjson s "$size" \
		'{mediaType: $m, digest: $d, size: $s}'
}

layer_media() {
	case $1 in
	*.gz) echo application/vnd.oci.image.layer.v1.tar+gzip ;;
	*.zst) echo application/vnd.oci.image.layer.v1.tar+zstd ;;
	*) echo application/vnd.oci.image.layer.v1.tar ;;
	esac
}

mk_oci() {
	local layout=$1 tag=$2 conf=$3 cdesc layers="" l mf mdesc
	shift 3
	mkdir -p "$layout"
	echo '{"imageLayoutVersion": "1.0.0"}' >"$layout/oci-layout"
	mk_config "$BATS_TEST_TMPDIR/config.json" "$conf" "$@"
	cdesc=$(oci_blob "$layout" "$BATS_TEST_TMPDIR/config.json" \
		application/vnd.oci.image.config.v1+json)
	for l in "$@"; do
		layers+="${layers:+,}$(oci_blob "$layout" "$l" "$(layer_media "$l")")"
	done
	mf=$BATS_TEST_TMPDIR/manifest.json
	jq -n --argjson c "$cdesc" --argjson l "[$layers]" \
		'{schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
		  config: $c, layers: $l}' >"$mf"
	mdesc=$(oci_blob "$layout" "$mf" application/vnd.oci.image.manifest.v1+json)
	jq -n --argjson m "$mdesc" --arg t "$tag" \
		'{schemaVersion: 2, manifests: [$m + {annotations:
		  {"org.opencontainers.image.ref.name": $t}}]}' >"$layout/index.json"
}

mk_docker() {
	local out=$1 tag=$2 conf=$3 dir hex i=0 l layers=""
	shift 3
	dir=$BATS_TEST_TMPDIR/docker-save
	rm -rf "$dir"
	mkdir -p "$dir"
	mk_config "$BATS_TEST_TMPDIR/config.json" "$conf" "$@"
	hex=$(sha256sum <"$BATS_TEST_TMPDIR/config.json" | awk '{print $1}')
	cp "$BATS_TEST_TMPDIR/config.json" "$dir/$hex.json"
	for l in "$@"; do
		i=$((i + 1))
		mkdir -p "$dir/layer$i"
		cp "$l" "$dir/layer$i/layer.tar"
		echo 1.0 >"$dir/layer$i/VERSION"
		layers+="${layers:+,}\"layer$i/layer.tar\""
	done
	jq -n --arg c "$hex.json" --arg t "$tag" --argjson l "[$layers]" \
		'[{Config: $c, RepoTags: [$t], Layers: $l}]' >"$dir/manifest.json"
	tar -C "$dir" -cf "$out" .
}
