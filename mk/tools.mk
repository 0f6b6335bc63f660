# SPDX-License-Identifier: Apache-2.0
# mk/tools.mk — small C helpers of the host bats suites (tests/tools/*.c):
# recvtty, the receiving end of --console-socket, and keyring, which names
# the session keyring.  Static, so a suite can bind-mount one into a
# container.
#
#   make test-tools    build them into $(BUILD)/tests/tools/

TOOLS_SRCS := $(wildcard tests/tools/*.c)
TOOLS_BINS := $(TOOLS_SRCS:tests/tools/%.c=$(BUILD)/tests/tools/%)

$(BUILD)/tests/tools/%: tests/tools/%.c
	@mkdir -p $(dir $@)
	$(CC) -static -std=c11 -O2 -Wall -Wextra -Werror -Wshadow -Wvla -Wformat=2 \
		-Wmissing-prototypes -Wstrict-prototypes -o $@ $<

.PHONY: test-tools
test-tools: $(TOOLS_BINS)

# the host suites need them
test-host: test-tools
