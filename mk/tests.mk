# SPDX-License-Identifier: Apache-2.0
# mk/tests.mk — the host test suites and what they need.
#
#   make test          every suite: unit, host bats, the VM suites (cgroup v2,
#                      hybrid, systemd), clients, ASan+UBSan
#   make test-host     the bats suites under tests/bats (this host)
#   make test-systemd  tests/vm-systemd in a VM whose PID 1 is systemd
#   make test-rootfs   the busybox + probe root filesystem the tests share

TEST_CACHE := tests/.cache
BATS ?= bats
# the builds `make test` makes first, side by side (they share nothing)
JOBS ?= $(shell nproc)

$(BUILD)/tests/probe: tests/probe/probe.c
	@mkdir -p $(dir $@)
	$(CC) -static -O2 -Wall -Wextra -Werror -o $@ $<

.PHONY: test-rootfs
test-rootfs: $(TEST_CACHE)/rootfs/.done

$(TEST_CACHE)/rootfs/.done: $(BUILD)/tests/probe tests/lib/mkrootfs.sh
	rm -rf $(TEST_CACHE)/rootfs
	PROBE=$(CURDIR)/$(BUILD)/tests/probe sh tests/lib/mkrootfs.sh $(TEST_CACHE)/rootfs
	touch $@

.PHONY: test-host
test-host: $(BIN) test-rootfs
	tests/run.sh host

.PHONY: test-systemd
test-systemd: $(BIN) test-rootfs
	tests/run.sh vm-systemd

# ASan+UBSan build of berth and the unit tests, in build-asan/
ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
.PHONY: asan-build test-asan
asan-build:
	$(MAKE) BUILD=build-asan STATIC=libs CFLAGS='$(ASAN_FLAGS)' \
		EXTRA_LDFLAGS='-fsanitize=address,undefined -static-libasan -static-libubsan' \
		build-asan/berth build-asan/libberth.a \
		$(UNIT_SRCS:tests/unit/%.c=build-asan/tests/%)
test-asan: asan-build test-rootfs test-tools
	tests/run.sh asan

.PHONY: test
test: deps
	$(MAKE) -j$(JOBS) all unit-build test-rootfs test-tools asan-build
	tests/run.sh unit host vm vm-hybrid clients vm-systemd asan

.PHONY: demo
demo: deps
	$(MAKE) all
	scripts/demo.sh

# leaks and load (long: not part of `make test`): SOAK_CYCLES, SOAK_PARALLEL
SOAK_CYCLES ?= 1000
SOAK_PARALLEL ?= 50
.PHONY: soak
soak: $(BIN) test-rootfs
	tests/soak/soak.sh $(SOAK_CYCLES) $(SOAK_PARALLEL)
