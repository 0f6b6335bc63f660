# SPDX-License-Identifier: Apache-2.0
# mk/cgroups.mk — the cgroup tests (tests/unit/test-cgroups*.c).
#
#   make unit-cgroups   the three cgroup tests on this host (as root): the
#                       pure units, the real-hierarchy test, and the pure v2
#                       limits test (which skips on hybrid hosts)
#   make cgroups-vm     the same inside the pure cgroup v2 VM (tests/vm/vm-run),
#                       where every limit is checked by its effect

CGROUP_TESTS := $(BUILD)/tests/test-cgroups-units $(BUILD)/tests/test-cgroups \
	$(BUILD)/tests/test-cgroups-v2

.PHONY: unit-cgroups cgroups-vm
unit-cgroups: $(CGROUP_TESTS)
	prove --exec '' $(CGROUP_TESTS)

cgroups-vm: $(CGROUP_TESTS)
	@test -x tests/vm/vm-run || \
		{ echo "cgroups-vm: tests/vm/vm-run is not there yet" >&2; exit 1; }
	tests/vm/vm-run --timeout 900 -- sh -c \
		'prove --exec "" $(CGROUP_TESTS)'
