# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# tests/clients/lib/dockerd.bash — a private dockerd for one test file.
#
# dockerd_start   start dockerd under $T with the runtime under test added
#                 as runtime "berth"; it starts its own containerd
# dk ARGS...      the docker 20.10 client (/usr/bin/docker) against it
# dockerd_stop    remove every container, stop dockerd by pid, sweep
#
# No bridge, no iptables, no ip forwarding: containers run with
# --network none, and the host's network is never touched.  Needs
# common.bash.

DOCKER=${DOCKER:-/usr/bin/docker}
DK_TIMEOUT=${DK_TIMEOUT:-60}

dockerd_start() {
	check_runtime || return 1
	[[ -x $DOCKER ]] || die "$DOCKER not found (Debian's docker.io client)"
	mkdir -p "$T/data" "$T/exec" "$T/cli"
	# deprecated-key-path: otherwise dockerd writes /etc/docker/key.json
	jq -n --arg key "$T/key.json" '{"deprecated-key-path": $key}' > "$T/daemon.json"
	DK_SOCK=$T/docker.sock
	DK_LOG=$T/dockerd.log
	DK_CGROUP=/$TAG
	export DK_SOCK DK_LOG DK_CGROUP
	# CLIENTS_CGROUP_DRIVER=systemd: docker's default on a systemd cgroup
	# v2 host (native.cgroupdriver=systemd, containers in system.slice)
	local cg=(--exec-opt native.cgroupdriver=cgroupfs --cgroup-parent "$DK_CGROUP")
	[[ ${CLIENTS_CGROUP_DRIVER:-cgroupfs} == systemd ]] && cg=(--exec-opt native.cgroupdriver=systemd)
	dockerd --config-file "$T/daemon.json" \
		--data-root "$T/data" --exec-root "$T/exec" --pidfile "$T/dockerd.pid" \
		-H "unix://$DK_SOCK" \
		--iptables=false --ip-forward=false --ip-masq=false --bridge=none \
		--oom-score-adjust=0 "${cg[@]}" \
		--add-runtime "berth=$(runtime_path)" \
		> "$DK_LOG" 2>&1 3>&- &
	DK_PID=$!
	export DK_PID
	if ! wait_daemon "$DK_PID" 30 dk version; then
		if kill -0 "$DK_PID" 2>/dev/null; then
			echo "dockerd ($DK_PID) did not answer on $DK_SOCK within 30 s" >&2
		else
			echo "dockerd exited during start-up" >&2
		fi
		log_tail "$DK_LOG"
		return 1
	fi
	local runtimes
	runtimes=$(dk info --format '{{json .Runtimes}}')
	[[ $runtimes == *'"berth"'* ]] || die "dockerd does not list runtime berth: $runtimes"
}

dk() {
	timeout --foreground -k 5 "$DK_TIMEOUT" \
		"$DOCKER" --config "$T/cli" -H "unix://$DK_SOCK" "$@"
}

# dk_words ARGS...: the docker command line, quoted (for `script -c`).
dk_words() {
	printf '%q ' timeout --foreground -k 5 "$DK_TIMEOUT" \
		"$DOCKER" --config "$T/cli" -H "unix://$DK_SOCK" "$@"
}

# dk_import: the busybox rootfs as image localhost/berth-bb:1 (Cmd /bin/sh).
dk_import() {
	local out
	if ! out=$(dk import --change 'CMD ["/bin/sh"]' "$CACHE_DIR/rootfs.tar" localhost/berth-bb:1 2>&1); then
		echo "docker import failed: $out" >&2
		log_tail "$DK_LOG"
		return 1
	fi
}

dockerd_stop() {
	# teardown goes on past any failure: it counts them in rc instead
	set +e
	local rc=0 ids
	if [[ -n ${DK_PID:-} ]] && kill -0 "$DK_PID" 2>/dev/null; then
		ids=$(dk ps -aq 2>/dev/null)
		if [[ -n $ids ]]; then
			# shellcheck disable=SC2086
			dk rm -f $ids >/dev/null 2>&1 || true
		fi
		# dockerd stops its containerd (and that one's shims) on the way out
		stop_pid "$DK_PID" dockerd || rc=1
	fi
	# dockerd leaves its default network namespace mounted, by design
	if mountpoint -q "$T/exec/netns/default" 2>/dev/null; then
		umount "$T/exec/netns/default" || true
	fi
	sweep_cgroup "$TAG"
	sweep_tmp || rc=1
	assert_no_cgroups "$TAG" || rc=1
	return $rc
}
