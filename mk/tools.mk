# SPDX-License-Identifier: Apache-2.0
# mk/tools.mk — small C helpers of the host bats suites (tests/tools/*.c):
# recvtty, the receiving end of --console-socket, keyring, which names
# the session keyring, seccomp-listener (linux.seccomp.listenerPath's
# other end), notify-send and notify-listen (the two ends of sd_notify),
# x32call (a syscall by its x32 number) and exit42 (one syscall, no libc).  Static, so a suite can bind-mount
# one into a container.
#
#   make test-tools    build them into $(BUILD)/tests/tools/

TOOLS_SRCS := $(wildcard tests/tools/*.c)
TOOLS_BINS := $(TOOLS_SRCS:tests/tools/%.c=$(BUILD)/tests/tools/%)

$(BUILD)/tests/tools/%: tests/tools/%.c
	@mkdir -p $(dir $@)
	$(CC) -static -std=c11 -O2 -Wall -Wextra -Werror -Wshadow -Wvla -Wformat=2 \
		-Wmissing-prototypes -Wstrict-prototypes -o $@ $<

# exit42: no libc at all (tests/tools/exit42.S)
$(BUILD)/tests/tools/exit42: tests/tools/exit42.S
	@mkdir -p $(dir $@)
	$(CC) -static -nostdlib -o $@ $<

.PHONY: test-tools
test-tools: $(TOOLS_BINS) $(if $(filter x86_64,$(shell uname -m)),$(BUILD)/tests/tools/exit42)

# the host suites need them
test-host: test-tools
