# SPDX-License-Identifier: Apache-2.0
# mk/netns.mk — the netns unit tests link their shared helpers
# (tests/netns/nstest.c); `make unit-netns` runs just them (as root).

NETNS_TESTS := $(BUILD)/tests/test-netns $(BUILD)/tests/test-netns-ipam
NSTEST := tests/netns/nstest.c

NSTEST_OBJ := $(BUILD)/tests/nstest.o

# headers: -MMD, as for every test and object (the .d files are read below)
$(NSTEST_OBJ): $(NSTEST) $(BUILD)/flags
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(NETNS_TESTS): $(BUILD)/tests/%: tests/unit/%.c $(NSTEST_OBJ) $(BUILD)/libberth.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -MMD -MP -MF $@.d -o $@ $< $(NSTEST_OBJ) \
		$(LINK_LIBS)

-include $(NSTEST_OBJ:.o=.d)

.PHONY: unit-netns
unit-netns: $(NETNS_TESTS)
	prove --exec '' $(NETNS_TESTS)
