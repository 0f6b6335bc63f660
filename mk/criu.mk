# SPDX-License-Identifier: Apache-2.0
# mk/criu.mk — CRIU's RPC messages (owner: runtime/criu*.c).
#
# third_party/criu/rpc.proto (MIT, CRIU's) is compiled by protoc-c into
# $(BUILD)/gen/rpc.pb-c.{c,h} and linked into libberth.a; only
# runtime/criu_msg.c includes the header.  The generated C is not ours:
# it is built without -Werror, and lint never sees it.

CRIU_GEN   := $(BUILD)/gen
CRIU_PROTO := third_party/criu/rpc.proto
CRIU_PB_C  := $(CRIU_GEN)/rpc.pb-c.c
CRIU_PB_H  := $(CRIU_GEN)/rpc.pb-c.h
CRIU_PB_O  := $(CRIU_GEN)/rpc.pb-c.o

$(CRIU_PB_H): $(CRIU_PB_C)
$(CRIU_PB_C): $(CRIU_PROTO)
	@mkdir -p $(CRIU_GEN)
	protoc-c --proto_path=third_party/criu --c_out=$(CRIU_GEN) $(CRIU_PROTO)

$(CRIU_PB_O): $(CRIU_PB_C) $(BUILD)/flags
	$(CC) $(filter-out -Werror -Wcast-align -Wmissing-prototypes,$(ALL_CFLAGS)) -I$(CRIU_GEN) -c -o $@ $<

$(BUILD)/libberth.a: $(CRIU_PB_O)
$(BUILD)/runtime/criu_msg.o: $(CRIU_PB_H)
$(BUILD)/runtime/criu_msg.o: ALL_CFLAGS += -I$(CRIU_GEN)
