#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# bench/vm.sh — the benchmark's second table: the same measurements inside
# the pure cgroup v2 VM (tests/vm/vm-run, QEMU under TCG).
#
# Usage: bench/vm.sh [bench/run.sh options]      (make bench-vm)
#
# bench/run.sh runs unchanged in the guest (the host's / is the guest's
# root, so the same binaries, driver and rootfs script are used), with
# --label vm; bench/results/ is shared writable with the guest, so the
# table and raw samples land there as <date>-vm.txt.
#
# Without KVM every fork+exec costs ~35 ms in the guest (about 48 times the
# host; a quick run takes ~8 minutes), so the defaults are N=10, one warm-up
# round, 2 parallel batches and 3 containerd runs; absolute numbers there say
# little: read the ratios.  Environment: as bench/run.sh, plus VM_RUN
# (default tests/vm/vm-run), VM_MEM (MiB, default 2048), VM_CPUS (default 2),
# VM_TIMEOUT (seconds, default 3600), VM_NO_ASLR=1 (see below).
#
# VM_NO_ASLR=1 turns address-space randomisation off in the guest (the
# guest's own sysctl; the host is not touched), for all three runtimes
# alike.  QEMU's translated-code cache is keyed by virtual address, so
# with ASLR every exec of a dynamically linked program translates libc
# (and the program, if PIE) afresh: 60-80 ms per exec against ~25 ms with
# ASLR off, a cost real CPUs do not have.  The default keeps ASLR on.
#
# Then a second boot, `vm-run --systemd` (systemd 252 as PID 1), measures
# the `run` row once more with every runtime on its systemd cgroup driver
# (bench/run.sh --systemd-cgroup: a transient scope per container, over
# D-Bus), as <date>-vm-systemd.txt.  VM_SYSTEMD=0 skips that boot,
# VM_SYSTEMD=only runs just it.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
vm_run=${VM_RUN:-$top/tests/vm/vm-run}

if [ ! -x "$vm_run" ]; then
	echo "bench: no VM runner at $vm_run: make bench-vm needs tests/vm/vm-run" \
		"(git merge main once it has landed, or set VM_RUN=path)" >&2
	exit 1
fi

export N=${N:-10} WARMUP=${WARMUP:-1} PAR_ROUNDS=${PAR_ROUNDS:-2} CTR_ROUNDS=${CTR_ROUNDS:-3}
export CALL_TIMEOUT=${CALL_TIMEOUT:-900}
export VM_PASS_ENV="${VM_PASS_ENV:+$VM_PASS_ENV }BERTH CRUN RUNC BENCH_RUNTIMES BENCH_DRIVER N"
VM_PASS_ENV+=" WARMUP PAR_ROUNDS CTR_ROUNDS SPEC_EDIT CALL_TIMEOUT"
mkdir -p "$here/results"
cd "$top"
label=vm
prefix=()
if [ "${VM_NO_ASLR:-0}" = 1 ]; then
	label=vm-noaslr
	prefix=(sh -c 'echo 0 > /proc/sys/kernel/randomize_va_space && exec "$@"' sh)
fi
vm_systemd=${VM_SYSTEMD:-1}
case $vm_systemd in 0 | 1 | only) ;; *) echo "bench: VM_SYSTEMD is 0, 1 or only" >&2; exit 2 ;; esac
if [ "$vm_systemd" != only ]; then
	"$vm_run" --mem "${VM_MEM:-2048}" --cpus "${VM_CPUS:-2}" --timeout "${VM_TIMEOUT:-3600}" \
		--out "$here/results" -- "${prefix[@]}" "$here/run.sh" --label "$label" \
		--results "$here/results" "$@"
fi
[ "$vm_systemd" != 0 ] || exit 0
exec "$vm_run" --systemd --mem "${VM_MEM:-2048}" --cpus "${VM_CPUS:-2}" \
	--timeout "${VM_TIMEOUT:-3600}" --out "$here/results" -- "${prefix[@]}" "$here/run.sh" \
	--label "$label-systemd" --results "$here/results" "$@" --tests run --systemd-cgroup
