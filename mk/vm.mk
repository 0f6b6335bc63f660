# SPDX-License-Identifier: Apache-2.0
# mk/vm.mk — the pure cgroup v2 test VM (tests/vm/).
#
#   make vm-prepare    fetch and cache the VM kernel (tests/.cache/vm/)
#   make vm-check      boot the VM, print its cgroup controllers and kernel;
#                      fails loudly when the VM cannot boot (CI must fail,
#                      never skip, when the VM is broken)
#   make vm-selftest   prove the VM: limits with runc, streaming, statuses,
#                      failures, signals, parallel runs; prints timings
#   make vm-check-systemd     boot the VM with systemd as PID 1 (vm-run
#                      --systemd); fails loudly unless it is running on
#                      cgroup v2 with the system bus
#   make vm-selftest-systemd  prove vm-run --systemd; prints boot timings
#   make vm-shellcheck shellcheck the VM scripts

VM_RUN := tests/vm/vm-run
VM_SCRIPTS := tests/vm/vm-run tests/vm/prepare tests/vm/guest-init \
	tests/vm/initramfs-init tests/vm/selftest.sh tests/vm/selftest-systemd.sh

.PHONY: vm-prepare vm-check vm-selftest vm-shellcheck vm-check-systemd vm-selftest-systemd

vm-prepare:
	tests/vm/prepare

# Both facts must come back, and cpu, memory and pids must be there: a VM
# that boots into the wrong cgroup setup is as broken as one that does not.
vm-check:
	@out=$$($(VM_RUN) -- sh -c 'cat /sys/fs/cgroup/cgroup.controllers; uname -r') || { \
		echo "vm-check: FAILED: the test VM does not work (status $$?)" >&2; exit 1; }; \
	echo "$$out"; \
	echo "$$out" | head -n1 | grep -Eq '(^| )cpu( |$$)' && \
	echo "$$out" | head -n1 | grep -Eq '(^| )memory( |$$)' && \
	echo "$$out" | head -n1 | grep -Eq '(^| )pids( |$$)' || { \
		echo "vm-check: FAILED: cpu, memory or pids missing from the guest's cgroup2 root" >&2; exit 1; }

vm-selftest:
	tests/vm/selftest.sh

# PID 1 must be systemd, the system running (or degraded), the bus reachable.
vm-check-systemd:
	@out=$$($(VM_RUN) --systemd -- sh -c 'readlink /proc/1/exe; \
		systemctl is-system-running; busctl status >/dev/null && echo bus; \
		cat /sys/fs/cgroup/cgroup.controllers') || { \
		echo "vm-check-systemd: FAILED: the systemd VM does not work (status $$?)" >&2; exit 1; }; \
	echo "$$out"; \
	echo "$$out" | sed -n 1p | grep -q '/systemd$$' && \
	echo "$$out" | sed -n 2p | grep -Eqx 'running|degraded' && \
	echo "$$out" | sed -n 3p | grep -qx bus && \
	echo "$$out" | sed -n 4p | grep -Eq '(^| )memory( |$$)' && \
	echo "$$out" | sed -n 4p | grep -Eq '(^| )pids( |$$)' || { \
		echo "vm-check-systemd: FAILED: not systemd on cgroup v2 with the system bus" >&2; exit 1; }

vm-selftest-systemd:
	tests/vm/selftest-systemd.sh

vm-shellcheck:
	shellcheck -x $(VM_SCRIPTS)
