# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# tests/clients/lib/cri.bash — talk to containerd's CRI plugin like a kubelet.
#
# cri_install          npm ci the node client (tests/clients/cri) when its
#                      lock file changed since the last install
# cri_serve_start      start cri.js --serve (one gRPC client for the file)
# cri_serve_stop       stop it
# cri METHOD [JSON]    one runtime.v1 RPC; prints the response as JSON, or
#                      the error on stderr and returns 1
# cri_import_images    load oci.tar into containerd's k8s.io namespace
# cri_remove_all_pods  stop and remove every pod sandbox (teardown)
#
# Needs common.bash and containerd.bash (containerd_start cri).

CRI_DIR=$CLIENTS_DIR/cri

cri_install() {
	local stamp=$CRI_DIR/node_modules/.berth-lock-sha want
	want=$(sha256sum "$CRI_DIR/package-lock.json" | cut -d' ' -f1)
	[[ -f $stamp && $(cat "$stamp") == "$want" ]] && return 0
	command -v npm >/dev/null || die "npm not found: the CRI tests need node and npm"
	if ! (cd "$CRI_DIR" && npm ci --no-audit --no-fund --loglevel=error) > "$T/npm.log" 2>&1; then
		echo "npm ci in $CRI_DIR failed" >&2
		log_tail "$T/npm.log"
		return 1
	fi
	echo "$want" > "$stamp"
}

cri_serve_start() {
	CRI_HTTP=$T/cri-http.sock
	node "$CRI_DIR/cri.js" --address "$CTD_SOCK" --serve "$CRI_HTTP" > "$T/cri-http.log" 2>&1 3>&- &
	CRI_HTTP_PID=$!
	export CRI_HTTP CRI_HTTP_PID
	if ! wait_daemon "$CRI_HTTP_PID" 20 test -S "$CRI_HTTP"; then
		echo "the CRI client (cri.js --serve) did not start" >&2
		log_tail "$T/cri-http.log"
		return 1
	fi
}

cri_serve_stop() {
	stop_pid "${CRI_HTTP_PID:-}" "cri.js --serve"
}

# Without the server (e.g. by hand), each call starts node once.
cri() {
	local method=$1 body=${2:-'{}'} out rc=0
	if [[ -z ${CRI_HTTP:-} ]]; then
		timeout -k 5 60 node "$CRI_DIR/cri.js" --address "$CTD_SOCK" "$method" "$body"
		return
	fi
	out=$(curl -sS --fail-with-body --max-time 60 --unix-socket "$CRI_HTTP" \
		--data-binary @- "http://cri/$method" <<< "$body") || rc=$?
	if ((rc)); then
		echo "${out:-cri: $method: curl failed ($rc)}" >&2
		return 1
	fi
	echo "$out"
}

cri_import_images() {
	local out
	if ! out=$(timeout 60 ctr --address "$CTD_SOCK" -n k8s.io images import "$CACHE_DIR/oci.tar" 2>&1); then
		echo "ctr images import failed: $out" >&2
		log_tail "$CTD_LOG"
		return 1
	fi
}

cri_remove_all_pods() {
	local id
	[[ -n ${CRI_HTTP_PID:-} ]] && kill -0 "$CRI_HTTP_PID" 2>/dev/null || return 0
	[[ -n ${CTD_PID:-} ]] && kill -0 "$CTD_PID" 2>/dev/null || return 0
	for id in $(cri ListPodSandbox '{}' 2>/dev/null | jq -r '.items[].id'); do
		cri StopPodSandbox "{\"pod_sandbox_id\":\"$id\"}" >/dev/null || true
		cri RemovePodSandbox "{\"pod_sandbox_id\":\"$id\"}" >/dev/null || true
	done
}
