# mk/tools.mk — small C helpers the host bats suites run on the host side
# (tests/tools/*.c), e.g. recvtty, the receiving end of --console-socket.
#
#   make test-tools    build them into $(BUILD)/tests/tools/

TOOLS_SRCS := $(wildcard tests/tools/*.c)
TOOLS_BINS := $(TOOLS_SRCS:tests/tools/%.c=$(BUILD)/tests/tools/%)

$(BUILD)/tests/tools/%: tests/tools/%.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 -Wall -Wextra -Werror -Wshadow -Wvla -Wformat=2 \
		-Wmissing-prototypes -Wstrict-prototypes -o $@ $<

.PHONY: test-tools
test-tools: $(TOOLS_BINS)

# the host suites need them
test-host: test-tools
