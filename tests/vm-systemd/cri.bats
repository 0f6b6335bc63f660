#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# containerd's CRI plugin as a kubeadm node runs it (SystemdCgroup = true,
# so the runc shim passes --systemd-cgroup) with berth as the handler: a
# pod in its kubepods-…-pod<uid>.slice and containers as
# cri-containerd-ID.scope units, driven over gRPC like a kubelet (cri.js).
# The tests walk one pod through its life, in order.

# shellcheck disable=SC2016

load ../clients/lib/common
load ../clients/lib/containerd
load ../clients/lib/cri
load clients

setup_file() {
	require_systemd
	export POD_UID=berthpod$$
	export SLICE=kubepods-burstable-pod$POD_UID.slice
	make_tmp crisd
	ensure_images
	cri_install
	containerd_start cri
	cri_serve_start
	cri_import_images
	mkdir -p "$T/pods/p1"
	jq -cn --arg logdir "$T/pods/p1" --arg slice "$SLICE" --arg uid "$POD_UID" '{
		metadata: {name: "p1", uid: $uid, namespace: "berth-test", attempt: 0},
		log_directory: $logdir,
		linux: {cgroup_parent: $slice,
			security_context: {namespace_options: {network: "NODE", pid: "CONTAINER", ipc: "POD"}}}
	}' > "$T/pod.json"
}

teardown_file() {
	cri_remove_all_pods || true
	cri_serve_stop || true
	containerd_stop
	# the kubelet removes the pod's slices; here the file does
	systemctl stop kubepods.slice 2>/dev/null || true
}

saved() {
	[[ -s $T/$1 ]] || die "no $1: an earlier test in this file failed"
	cat "$T/$1"
}

runtime_state() {
	"$RUNTIME" --root "$T/runtime-root/k8s.io" state "$1"
}

@test "RunPodSandbox: the pause container is cri-containerd-ID.scope in the pod's slice, which systemd made" {
	local out sb unit
	out=$(cri RunPodSandbox "$(jq -c '{config: ., runtime_handler: "berth"}' "$T/pod.json")")
	sb=$(jq -r .pod_sandbox_id <<< "$out")
	[[ $sb =~ ^[0-9a-f]{64}$ ]] || die "no sandbox id in: $out"
	echo "$sb" > "$T/pod.id"
	unit=cri-containerd-$sb.scope
	assert_scope "$unit" "$SLICE"
	assert_eq "/kubepods.slice/kubepods-burstable.slice/$SLICE/$unit" "$(prop "$unit" ControlGroup)" ControlGroup
	grep -qx "$(runtime_state "$sb" | jq -r .pid)" "$(scope_dir "$unit")/cgroup.procs"
}

@test "a container with limits: its scope has them, and ContainerStats is its own usage" {
	local out c unit pid ws
	out=$(cri CreateContainer "$(jq -cn --arg sb "$(saved pod.id)" --slurpfile pod "$T/pod.json" '{
		pod_sandbox_id: $sb, sandbox_config: $pod[0],
		config: {metadata: {name: "limited"}, image: {image: "localhost/berth-bb:1"},
			 command: ["/bin/sh", "-c"],
			 args: ["dd if=/dev/zero of=/dev/shm/fill bs=1M count=8 2>/dev/null; touch /tmp/ready; exec sleep 1000"],
			 log_path: "limited.log",
			 linux: {resources: {memory_limit_in_bytes: 67108864, cpu_quota: 50000, cpu_period: 100000},
				 security_context: {namespace_options: {network: "NODE", pid: "CONTAINER", ipc: "POD"}}}}
	}')")
	c=$(jq -r .container_id <<< "$out")
	[[ $c =~ ^[0-9a-f]{64}$ ]] || die "no container id in: $out"
	echo "$c" > "$T/ctr.id"
	cri StartContainer "{\"container_id\": \"$c\"}"
	unit=cri-containerd-$c.scope
	assert_scope "$unit" "$SLICE"
	assert_eq 67108864 "$(prop "$unit" MemoryMax)" MemoryMax
	assert_eq 67108864 "$(cat "$(scope_dir "$unit")/memory.max")" memory.max
	assert_eq "50000 100000" "$(cat "$(scope_dir "$unit")/cpu.max")" cpu.max
	pid=$(runtime_state "$c" | jq -r .pid)
	wait_for 30 test -e "/proc/$pid/root/tmp/ready"
	out=$(cri ContainerStats "{\"container_id\": \"$c\"}")
	ws=$(jq -r .stats.memory.working_set_bytes.value <<< "$out")
	[[ $ws -ge 8388608 && $ws -lt 67108864 ]] || die "working set $ws is not the container's: $out"
}

@test "ExecSync runs in the container's scope" {
	local out
	out=$(cri ExecSync "$(jq -cn --arg c "$(saved ctr.id)" \
		'{container_id: $c, cmd: ["cat", "/sys/fs/cgroup/memory.max"], timeout: 60}')")
	assert_eq 67108864 "$(jq -r .stdout <<< "$out" | tr -d '\n')" "memory.max seen by ExecSync"
}

@test "RemoveContainer and RemovePodSandbox leave no scope, unit or runtime state" {
	local c sb
	c=$(saved ctr.id)
	sb=$(saved pod.id)
	cri StopContainer "{\"container_id\": \"$c\", \"timeout\": 0}"
	cri RemoveContainer "{\"container_id\": \"$c\"}"
	assert_unit_gone "cri-containerd-$c.scope"
	cri StopPodSandbox "{\"pod_sandbox_id\": \"$sb\"}"
	cri RemovePodSandbox "{\"pod_sandbox_id\": \"$sb\"}"
	assert_unit_gone "cri-containerd-$sb.scope"
	assert_empty_dir "$T/runtime-root/k8s.io"
}

# Not CRI: ctr on the same containerd, with the runtime as the runc shim's
# binary (containerd 1.6 has no checkpoint in CRI).  `ctr containers
# checkpoint --task` wants a container made from an image (not --rootfs);
# the shim runs `checkpoint --image-path <temp> --work-path
# <bundle>/work/criu-work --file-locks --leave-running ID` after a pause,
# and for `ctr containers restore --live` `restore --image-path <temp>
# --work-path <bundle>/work --detach --pid-file <bundle>/init.pid
# -no-subreaper --bundle <bundle> ID` (Go's one-dash long option).
@test "ctr containers checkpoint --task and restore --live: the restored task's counter goes on from where it was" {
	local pid n
	ctr_ images import "$CACHE_DIR/oci.tar" >/dev/null
	ctr_run -d localhost/berth-bb:1 ck /bin/sh -c \
		'i=0; while :; do i=$((i+1)); echo $i >> /log; sleep 0.2; done'
	log_of_ck() { cat "/proc/$(ctr_ task ls | awk '$1 == "ck" { print $2 }')/root/log"; }
	wait_for 30 eval '[[ $(log_of_ck | wc -l) -ge 3 ]]' || die "the counter did not start"
	ctr_ containers checkpoint --rw --task ck ckpt
	ctr_ task kill -s SIGKILL ck
	wait_for 10 eval "! ctr_ task ls | grep -q '^ck .*RUNNING'" || die "ck did not stop"
	ctr_ task delete ck >/dev/null
	ctr_ containers rm ck
	ctr_ containers restore --rw --live ck ckpt
	pid=$(ctr_ task ls | awk '$1 == "ck" && $3 == "RUNNING" { print $2 }')
	[[ -n $pid ]] || die "no running task after restore: $(ctr_ task ls)"
	n=$(log_of_ck | wc -l)
	wait_for 30 eval '[[ $(log_of_ck | wc -l) -gt $n ]]' || die "the restored counter does not go on"
	log_of_ck | awk 'NR != $1 { exit 1 }' || die "the counter started again: $(log_of_ck | tr '\n' ' ')"
	[[ $(log_of_ck | wc -l) -gt 3 ]]
	"$RUNTIME" --root "$T/runtime-root/$CTD_NS" state ck | jq -e --argjson p "$pid" '.pid == $p and .status == "running"' >/dev/null
	ctr_ task kill -s SIGKILL ck
	wait_for 10 eval "! ctr_ task ls | grep -q '^ck .*RUNNING'" || die "ck did not stop"
	ctr_ task delete ck >/dev/null
	ctr_ containers rm ck
}
