# mk/netns.mk — the netns unit tests link their shared helpers
# (tests/netns/nstest.c); `make unit-netns` runs just them (as root).

NETNS_TESTS := $(BUILD)/tests/test-netns $(BUILD)/tests/test-netns-ipam
NSTEST := tests/netns/nstest.c

$(NETNS_TESTS): $(BUILD)/tests/%: tests/unit/%.c $(NSTEST) tests/netns/nstest.h \
		$(BUILD)/libberth.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(NSTEST) \
		$(BUILD)/libberth.a $(PKG_LIBS)

.PHONY: unit-netns
unit-netns: $(NETNS_TESTS)
	@set -e; for t in $(NETNS_TESTS); do echo "== $$t"; $$t; done
