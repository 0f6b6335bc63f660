# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# tests/clients/lib/podman.bash — a private podman (+ conmon) for one file.
#
# podman_setup   write containers.conf, storage.conf and registries.conf
#                under $T and check podman can use them
# pm ARGS...     podman with those files, --root/--runroot under $T and
#                the runtime under test as its only runtime
# podman_stop    remove every container it made, then sweep
#
# CLIENTS_CGROUP_DRIVER=systemd (a host whose PID 1 is systemd) gives
# podman its systemd cgroup manager, as Debian's containers.conf does, and
# pm_run then leaves the cgroup parent to podman (machine.slice).
#
# podman has no daemon: "private" means its config, storage, run dir,
# events log and temp dir are all ours.  The one shared thing is the
# runtime's own state dir: podman calls the runtime without --root (and its
# final `delete --force` ignores --runtime-flag), so the runtime runs on its
# default root; teardown checks none of our containers are left there.
# Needs common.bash.

PM_TIMEOUT=${PM_TIMEOUT:-60}
# podman's first call sets up its storage: in the TCG VM, beside the
# host's ASan suite, it once took more than PM_TIMEOUT
PM_SETUP_TIMEOUT=${PM_SETUP_TIMEOUT:-300}

podman_setup() {
	check_runtime || return 1
	local wrapped
	wrapped=$(runtime_path)
	mkdir -p "$T/root" "$T/runroot" "$T/tmp" "$T/net" "$T/etc"
	# default_ulimits: podman's default nofile 1048576 exceeds this host's
	# hard limit and there is no CAP_SYS_RESOURCE to raise it.  podman's
	# default pids_limit (2048) stays: the runtime must enforce it.
	cat > "$T/etc/containers.conf" <<-EOF
		[containers]
		default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
		[network]
		network_config_dir = "$T/net"
		[engine]
		cgroup_manager = "${CLIENTS_CGROUP_DRIVER:-cgroupfs}"
		events_logger = "file"
		events_logfile_path = "$T/events.log"
		tmp_dir = "$T/tmp"
		volume_path = "$T/root/volumes"
		static_dir = "$T/root/libpod"
		runtime = "$(basename "$RUNTIME")"
		runtime_supports_json = ["berth", "crun", "runc"]
		[engine.runtimes]
		$(basename "$RUNTIME") = ["$wrapped"]
	EOF
	cat > "$T/etc/storage.conf" <<-EOF
		[storage]
		driver = "overlay"
		graphroot = "$T/root"
		runroot = "$T/runroot"
	EOF
	cat > "$T/etc/registries.conf" <<-EOF
		unqualified-search-registries = []
	EOF
	export CONTAINERS_CONF=$T/etc/containers.conf
	export CONTAINERS_STORAGE_CONF=$T/etc/storage.conf
	export CONTAINERS_REGISTRIES_CONF=$T/etc/registries.conf
	PM_CGROUP=/$TAG
	export PM_CGROUP
	local out rc=0 PM_TIMEOUT=$PM_SETUP_TIMEOUT
	out=$(pm info --format '{{.Host.OCIRuntime.Path}}' 2>&1) || rc=$?
	if [ "$rc" != 0 ]; then
		[ "$rc" != 124 ] || out="no answer in ${PM_TIMEOUT} s; $out"
		echo "podman cannot start with our configuration (status $rc): $out" >&2
		return 1
	fi
	[[ $out == "$wrapped" ]] || die "podman picked runtime '$out', not '$wrapped'"
}

# pm_argv: set PM_ARGV to the podman command line with our options.
pm_argv() {
	PM_ARGV=(podman --root "$T/root" --runroot "$T/runroot" --runtime "$(runtime_path)"
		--cgroup-manager "${CLIENTS_CGROUP_DRIVER:-cgroupfs}" --events-backend file --tmpdir "$T/tmp")
}

pm() {
	pm_argv
	timeout --foreground -k 5 "$PM_TIMEOUT" "${PM_ARGV[@]}" "$@"
}

# pm_words ARGS...: the same command line, quoted (for `script -c`).
pm_words() {
	pm_argv
	printf '%q ' timeout --foreground -k 5 "$PM_TIMEOUT" "${PM_ARGV[@]}" "$@"
}

# pm_run ARGS...: `podman run` with our cgroup parent (cgroupfs) and no
# network.
pm_run() {
	if [[ ${CLIENTS_CGROUP_DRIVER:-cgroupfs} == systemd ]]; then
		pm run --network none "$@"
	else
		pm run --cgroup-parent "$PM_CGROUP" --network none "$@"
	fi
}

podman_stop() {
	# teardown goes on past any failure: it counts them in rc instead
	set +e
	local rc=0 ids id
	if [[ -n ${T:-} && -f ${CONTAINERS_CONF:-} ]]; then
		ids=$(pm ps -aq --no-trunc 2>/dev/null)
		pm rm -f -t 0 --all >/dev/null 2>&1 || true
		# the runtime (on its default root) must not remember any of them
		for id in $ids; do
			if "$RUNTIME" state "$id" >/dev/null 2>&1; then
				echo "leaked: runtime state for podman container $id" >&2
				"$RUNTIME" delete --force "$id" >/dev/null 2>&1 || true
				rc=1
			fi
		done
		# storage may keep its overlay home mounted
		pm system reset --force >/dev/null 2>&1 || true
	fi
	sweep_cgroup "$TAG"
	sweep_tmp || rc=1
	assert_no_cgroups "$TAG" || rc=1
	return $rc
}
