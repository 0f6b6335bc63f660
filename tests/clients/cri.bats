#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# The Kubernetes path: containerd's CRI plugin with a runtime handler "berth"
# (runtime_type io.containerd.runc.v2, BinaryName = $RUNTIME), driven over
# its gRPC socket by a small node client (cri/cri.js) the way a kubelet does.
#
# The tests walk one pod through its life, so they run in order and share
# the pod and container ids (files under $T).

# Container command lines are single-quoted on purpose: they expand inside.
# shellcheck disable=SC2016

load lib/common
load lib/containerd
load lib/cri

setup_file() {
	make_tmp cri
	ensure_images
	cri_install
	export CRI_CGROUP=$TAG-cri
	containerd_start cri
	cri_serve_start
	cri_import_images
	# A host-network pod (so no hostname: it shares the host's UTS
	# namespace), its own cgroup parent (so teardown knows what is ours).
	mkdir -p "$T/pods/p1"
	jq -cn --arg logdir "$T/pods/p1" --arg cg "/$CRI_CGROUP" '{
		metadata: {name: "p1", uid: "uid-p1", namespace: "berth-test", attempt: 0},
		log_directory: $logdir,
		linux: {cgroup_parent: $cg,
			security_context: {namespace_options: {network: "NODE", pid: "CONTAINER", ipc: "POD"}}}
	}' > "$T/pod.json"
}

teardown_file() {
	cri_remove_all_pods || true
	cri_serve_stop || true
	containerd_stop
}

# saved NAME: an id an earlier test stored (fails clearly if it did not).
saved() {
	[[ -s $T/$1 ]] || die "no $1: an earlier test in this file failed"
	cat "$T/$1"
}

# container_config NAME COMMAND-JSON ARGS-JSON: a CreateContainer request
# for the app image in pod p1.
create_request() {
	jq -cn --arg sb "$(saved pod.id)" --slurpfile pod "$T/pod.json" \
		--arg name "$1" --argjson cmd "$2" --argjson args "$3" '{
		pod_sandbox_id: $sb, sandbox_config: $pod[0],
		config: {metadata: {name: $name}, image: {image: "localhost/berth-bb:1"},
			 command: $cmd, args: $args, log_path: ($name + ".log"),
			 envs: [{key: "FOO", value: "bar"}],
			 linux: {security_context: {namespace_options:
				{network: "NODE", pid: "CONTAINER", ipc: "POD"}}}}
	}'
}

# exec_sync ARGV-JSON: ExecSync in the app container.
exec_sync() {
	cri ExecSync "$(jq -cn --arg c "$(saved ctr.id)" --argjson cmd "$1" \
		'{container_id: $c, cmd: $cmd, timeout: 20}')"
}

runtime_state() {
	"$RUNTIME" --root "$T/runtime-root/k8s.io" state "$1"
}

@test "containerd's CRI plugin answers Version and reports the runtime ready" {
	run cri Version '{"version": "v1"}'
	assert_eq 0 "$status" "Version exit code"
	assert_eq v1 "$(jq -r .runtime_api_version <<< "$output")" "runtime_api_version"
	run cri Status '{}'
	assert_eq true "$(jq -r '.status.conditions[] | select(.type == "RuntimeReady") | .status' <<< "$output")" "RuntimeReady"
}

@test "RunPodSandbox starts a host-network pod's pause container through the berth handler" {
	local out sb st pid
	out=$(cri RunPodSandbox "$(jq -c '{config: ., runtime_handler: "berth"}' "$T/pod.json")")
	sb=$(jq -r .pod_sandbox_id <<< "$out")
	[[ $sb =~ ^[0-9a-f]{64}$ ]] || die "no sandbox id in: $out"
	echo "$sb" > "$T/pod.id"
	st=$(cri PodSandboxStatus "{\"pod_sandbox_id\": \"$sb\"}")
	assert_eq SANDBOX_READY "$(jq -r .status.state <<< "$st")" "pod state"
	assert_eq berth "$(jq -r .status.runtime_handler <<< "$st")" "runtime handler"
	# the runtime itself knows the pause container, running the image's entrypoint
	out=$(runtime_state "$sb")
	assert_eq running "$(jq -r .status <<< "$out")" "runtime status of the pause container"
	pid=$(jq -r .pid <<< "$out")
	assert_eq "/bin/sleep 100000000 " "$(tr '\0' ' ' < "/proc/$pid/cmdline")" "pause process"
	assert_eq "$(readlink /proc/self/ns/net)" "$(readlink "/proc/$pid/ns/net")" "pause network namespace"
}

@test "CreateContainer and StartContainer run the app container in the pod" {
	local out c st
	out=$(cri CreateContainer "$(create_request app '["/bin/sh", "-c"]' \
		'["trap \"exit 42\" TERM; echo hello-log; echo err-log >&2; while :; do sleep 0.05; done"]')")
	c=$(jq -r .container_id <<< "$out")
	[[ $c =~ ^[0-9a-f]{64}$ ]] || die "no container id in: $out"
	echo "$c" > "$T/ctr.id"
	cri StartContainer "{\"container_id\": \"$c\"}"
	st=$(cri ContainerStatus "{\"container_id\": \"$c\"}")
	assert_eq CONTAINER_RUNNING "$(jq -r .status.state <<< "$st")" "container state"
	assert_eq running "$(runtime_state "$c" | jq -r .status)" "runtime status"
}

@test "a container with a memory limit runs in its own v1 cgroups, and ContainerStats is its own usage" {
	local out c pid mem ws cpu
	out=$(cri CreateContainer "$(create_request limited '["/bin/sh", "-c"]' \
		'["dd if=/dev/zero of=/dev/shm/fill bs=1M count=8 2>/dev/null; touch /tmp/ready; exec sleep 1000"]' |
		jq -c '.config.linux.resources = {memory_limit_in_bytes: 67108864, cpu_shares: 256}')")
	c=$(jq -r .container_id <<< "$out")
	[[ $c =~ ^[0-9a-f]{64}$ ]] || die "no container id in: $out"
	cri StartContainer "{\"container_id\": \"$c\"}"
	pid=$(runtime_state "$c" | jq -r .pid)
	wait_for 10 test -e "/proc/$pid/root/tmp/ready"
	# the init's memory cgroup is the container's, limited to 64 MiB
	mem=$(v1_cgroup_dir memory "$pid")
	if [[ -n $mem ]]; then
		assert_eq 67108864 "$(cat "$mem/memory.limit_in_bytes")" "memory.limit_in_bytes of $mem"
	fi
	out=$(cri ContainerStats "{\"container_id\": \"$c\"}")
	ws=$(jq -r .stats.memory.working_set_bytes.value <<< "$out")
	cpu=$(jq -r .stats.cpu.usage_core_nano_seconds.value <<< "$out")
	cri StopContainer "{\"container_id\": \"$c\", \"timeout\": 0}"
	cri RemoveContainer "{\"container_id\": \"$c\"}"
	assert_eq "$c" "$(jq -r .stats.attributes.id <<< "$out")" "stats of the container"
	# its 8 MiB file on its tmpfs, within its limit: not the shim's cgroup
	[[ $ws -ge 8388608 && $ws -lt 67108864 ]] || die "working set $ws is not the container's: $out"
	[[ $cpu -gt 0 ]] || die "no cpu usage: $out"
}

@test "the app container shares the host network but has its own pid namespace" {
	local out
	out=$(exec_sync '["readlink", "/proc/self/ns/net"]')
	assert_eq "$(readlink /proc/self/ns/net)" "$(jq -r .stdout <<< "$out" | tr -d '\n')" "network namespace"
	out=$(exec_sync '["cat", "/proc/1/cmdline"]')
	assert_contains "$(jq -r .stdout <<< "$out" | tr '\0' ' ')" "/bin/sh -c trap"
	out=$(exec_sync '["hostname"]')
	assert_eq "$(hostname)" "$(jq -r .stdout <<< "$out" | tr -d '\n')" "hostname (host UTS namespace)"
}

@test "ExecSync returns the command's stdout, stderr and exit code" {
	local out
	out=$(exec_sync '["/bin/sh", "-c", "echo $FOO; echo oops >&2; exit 4"]')
	assert_eq "bar" "$(jq -r .stdout <<< "$out")" "stdout"
	assert_eq "oops" "$(jq -r .stderr <<< "$out")" "stderr"
	assert_eq 4 "$(jq -r .exit_code <<< "$out")" "exit code"
}

@test "the container's log file holds its stdout and stderr lines" {
	local log
	log=$(cri ContainerStatus "{\"container_id\": \"$(saved ctr.id)\"}" | jq -r .status.log_path)
	assert_eq "$T/pods/p1/app.log" "$log" "log path"
	wait_for 5 grep -q err-log "$log" || true
	assert_match "$(cat "$log")" ' stdout F hello-log'
	assert_match "$(cat "$log")" ' stderr F err-log'
}

@test "StopContainer stops the container with the exit code of its TERM handler" {
	local c st
	c=$(saved ctr.id)
	cri StopContainer "{\"container_id\": \"$c\", \"timeout\": 10}"
	st=$(cri ContainerStatus "{\"container_id\": \"$c\"}")
	assert_eq CONTAINER_EXITED "$(jq -r .status.state <<< "$st")" "container state"
	assert_eq 42 "$(jq -r .status.exit_code <<< "$st")" "exit code"
}

@test "RemoveContainer forgets the container, and the runtime keeps no state for it" {
	local c
	c=$(saved ctr.id)
	cri RemoveContainer "{\"container_id\": \"$c\"}"
	assert_eq 0 "$(cri ListContainers '{}' | jq '.containers | length')" "containers listed"
	[[ ! -e $T/runtime-root/k8s.io/$c ]] || die "runtime state dir for $c remains"
	run runtime_state "$c"
	[[ $status -ne 0 ]] || die "the runtime still reports state for $c: $output"
}

@test "a container whose binary does not exist fails to start with the runtime's message" {
	local out c
	out=$(cri CreateContainer "$(create_request nope '["/bin/nope"]' '[]')")
	c=$(jq -r .container_id <<< "$out")
	run cri StartContainer "{\"container_id\": \"$c\"}"
	cri RemoveContainer "{\"container_id\": \"$c\"}" || true
	[[ $status -ne 0 ]] || die "StartContainer of /bin/nope succeeded"
	assert_contains "$output" "OCI runtime create failed: "
	if runtime_is_berth; then
		# berth-specific text
		assert_match "$output" 'OCI runtime create failed: (.*: )?exec "/bin/nope": no such file or directory'
	else
		assert_match "$output" 'OCI runtime create failed: .*"/bin/nope".*no such file or directory'
	fi
	[[ ! -e $T/runtime-root/k8s.io/$c ]] || die "runtime state dir for the failed container remains"
}

@test "StopPodSandbox stops the pause container and the pod is no longer ready" {
	local sb pid
	sb=$(saved pod.id)
	pid=$(runtime_state "$sb" | jq -r .pid)
	cri StopPodSandbox "{\"pod_sandbox_id\": \"$sb\"}"
	assert_eq SANDBOX_NOTREADY "$(cri PodSandboxStatus "{\"pod_sandbox_id\": \"$sb\"}" | jq -r .status.state)" "pod state"
	wait_for 5 eval "! kill -0 $pid" || die "pause process $pid still runs"
}

@test "RemovePodSandbox leaves no pod, container, runtime state, mount or cgroup behind" {
	local sb d left=
	sb=$(saved pod.id)
	cri RemovePodSandbox "{\"pod_sandbox_id\": \"$sb\"}"
	assert_eq 0 "$(cri ListPodSandbox '{}' | jq '.items | length')" "pods listed"
	assert_eq 0 "$(cri ListContainers '{}' | jq '.containers | length')" "containers listed"
	assert_empty_dir "$T/runtime-root/k8s.io"
	assert_eq "" "$(mounts_under "$T")" "mounts under $T"
	for d in $(cgroup_dirs "$CRI_CGROUP"); do
		left+=$(find "$d" -mindepth 1 -type d)
	done
	assert_eq "" "$left" "cgroups left under /$CRI_CGROUP"
}
