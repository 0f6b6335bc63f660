# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# tests/clients/lib/containerd.bash — a private containerd for one test file.
#
# containerd_start [cri]  start it under $T (root, state, socket, config),
#                         optionally with the CRI plugin wired to the runtime
#                         under test as handler "berth"
# containerd_stop         remove every task/container it knows, stop it by
#                         pid, then sweep what is left (mounts, shims, state)
# ctr_ ARGS...            ctr against it, in the suite's namespace $CTD_NS
#
# The runc shim (containerd-shim-runc-v2) runs the runtime; nothing here
# depends on which runtime that is.  Needs common.bash.

CTD_TIMEOUT=${CTD_TIMEOUT:-30}

# containerd_config [cri]: write $T/containerd.toml.
containerd_config() {
	local cri=${1:-}
	local runtime
	runtime=$(runtime_path)
	{
		cat <<-EOF
			version = 2
			root = "$T/root"
			state = "$T/state"
			temp = "$T/tmp"
			oom_score = 0
			disabled_plugins = [
			  "io.containerd.snapshotter.v1.aufs",
			  "io.containerd.snapshotter.v1.btrfs",
			  "io.containerd.snapshotter.v1.devmapper",
			  "io.containerd.snapshotter.v1.zfs",
			  "io.containerd.tracing.processor.v1.otlp",
			  "io.containerd.internal.v1.tracing",
			  $([[ $cri == cri ]] || echo '"io.containerd.grpc.v1.cri",')
			]
			[grpc]
			  address = "$T/sock"
			[debug]
			  level = "debug"
			[plugins."io.containerd.internal.v1.opt"]
			  path = "$T/opt"
			[plugins."io.containerd.runtime.v1.linux"]
			  runtime_root = "$T/runtime-v1"
		EOF
		[[ $cri == cri ]] || return 0
		# restrict_oom_score_adj: the sandbox asks for oom_score_adj -998,
		# which needs CAP_SYS_RESOURCE (not in this host's bounding set).
		cat <<-EOF
			[plugins."io.containerd.grpc.v1.cri"]
			  sandbox_image = "localhost/berth-pause:1"
			  netns_mounts_under_state_dir = true
			  restrict_oom_score_adj = true
			  enable_cdi = false
			  [plugins."io.containerd.grpc.v1.cri".cni]
			    bin_dir = "/usr/lib/cni"
			    conf_dir = "$T/net.d"
			  [plugins."io.containerd.grpc.v1.cri".containerd]
			    default_runtime_name = "berth"
			    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.berth]
			      runtime_type = "io.containerd.runc.v2"
			      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.berth.options]
			        BinaryName = "$runtime"
			        Root = "$T/runtime-root"
			        SystemdCgroup = $([[ ${CLIENTS_CGROUP_DRIVER:-cgroupfs} == systemd ]] && echo true || echo false)
		EOF
	} > "$T/containerd.toml"
}

# containerd_start [cri]
containerd_start() {
	check_runtime || return 1
	mkdir -p "$T/root" "$T/state" "$T/tmp" "$T/opt" "$T/net.d" "$T/fifo" "$T/runtime-root"
	containerd_config "${1:-}"
	CTD_SOCK=$T/sock
	CTD_LOG=$T/containerd.log
	CTD_NS=$TAG
	export CTD_SOCK CTD_LOG CTD_NS
	# 3>&-: bats reads its fd 3 until every holder exits; the daemon and
	# its shims must not keep it
	containerd --config "$T/containerd.toml" > "$CTD_LOG" 2>&1 3>&- &
	CTD_PID=$!
	echo "$CTD_PID" > "$T/containerd.pid"
	export CTD_PID
	# the tasks service is the last to register: wait for it, not the socket
	if ! wait_daemon "$CTD_PID" 20 ctr --address "$CTD_SOCK" --connect-timeout 1s tasks ls; then
		if kill -0 "$CTD_PID" 2>/dev/null; then
			echo "containerd ($CTD_PID) did not answer on $CTD_SOCK within 20 s" >&2
		else
			echo "containerd exited during start-up" >&2
		fi
		log_tail "$CTD_LOG"
		return 1
	fi
	if [[ ${1:-} == cri ]] && ! wait_daemon "$CTD_PID" 10 grep -q 'containerd successfully booted' "$CTD_LOG"; then
		echo "containerd did not finish booting" >&2
		log_tail "$CTD_LOG"
		return 1
	fi
}

ctr_() {
	timeout --foreground -k 5 "$CTD_TIMEOUT" ctr --address "$CTD_SOCK" --namespace "$CTD_NS" "$@"
}

# ctr_run ARGS...: `ctr run` on the runtime under test, with our fifo and
# runtime-root dirs; ARGS are the usual ctr run flags, rootfs, id, command.
ctr_run() {
	ctr_ run --runc-binary "$(runtime_path)" --runc-root "$T/runtime-root" \
		--fifo-dir "$T/fifo" "$@"
}

# containerd_clear NAMESPACE: kill and delete every task, then every
# container, in one namespace.
containerd_clear() {
	local ns=$1 id
	local c=(timeout -k 5 "$CTD_TIMEOUT" ctr --address "$CTD_SOCK" --namespace "$ns")
	for id in $("${c[@]}" tasks ls -q 2>/dev/null); do
		"${c[@]}" tasks kill -s SIGKILL --all "$id" >/dev/null 2>&1 || true
		"${c[@]}" tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || true
		wait_for 10 eval "! ${c[*]} tasks ls -q | grep -qx '$id'" ||
			"${c[@]}" tasks delete -f "$id" >/dev/null 2>&1 || true
		"${c[@]}" tasks delete -f "$id" >/dev/null 2>&1 || true
	done
	for id in $("${c[@]}" containers ls -q 2>/dev/null); do
		"${c[@]}" containers rm "$id" >/dev/null 2>&1 || true
	done
}

# containerd_stop: leave nothing behind.  Order matters: containers first
# (their shims outlive containerd), then containerd, then the sweep.
containerd_stop() {
	# teardown goes on past any failure: it counts them in rc instead
	set +e
	local ns rc=0
	if [[ -n ${CTD_PID:-} ]] && kill -0 "$CTD_PID" 2>/dev/null; then
		for ns in $(timeout 10 ctr --address "$CTD_SOCK" namespaces ls -q 2>/dev/null); do
			containerd_clear "$ns"
		done
		stop_pid "$CTD_PID" containerd || rc=1
	fi
	# Shims are named by containerd's address in their argv: a shim still
	# running now is a leak (sweep_tmp kills it and fails).
	sweep_cgroup "$TAG"
	sweep_cgroup "${CRI_CGROUP:-$TAG-cri}"
	sweep_tmp || rc=1
	assert_no_cgroups "$TAG" || rc=1
	return $rc
}
