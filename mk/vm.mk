# SPDX-License-Identifier: Apache-2.0
# mk/vm.mk — the pure cgroup v2 test VM (tests/vm/).
#
#   make vm-prepare    fetch and cache the VM kernel (tests/.cache/vm/)
#   make vm-check      boot the VM, print its cgroup controllers and kernel;
#                      fails loudly when the VM cannot boot (CI must fail,
#                      never skip, when the VM is broken)
#   make vm-selftest   prove the VM: limits with runc, streaming, statuses,
#                      failures, signals, parallel runs; prints timings
#   make vm-shellcheck shellcheck the VM scripts

VM_RUN := tests/vm/vm-run
VM_SCRIPTS := tests/vm/vm-run tests/vm/prepare tests/vm/guest-init \
	tests/vm/initramfs-init tests/vm/selftest.sh

.PHONY: vm-prepare vm-check vm-selftest vm-shellcheck

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

vm-shellcheck:
	shellcheck -x $(VM_SCRIPTS)
