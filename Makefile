# SPDX-License-Identifier: Apache-2.0
# berth — a small, fast OCI container runtime.
#
#   make            build ./berth
#   make demo       set up a fresh Debian 12 machine, build, run a busybox container
#   make test       set up, then run every test suite (unit, bats, VM, clients)
#   make deps       install the Debian packages needed to build and test
#   make asan       the test suite against an ASan+UBSan build
#   make fuzz       libFuzzer targets for spec/ (FUZZ_SECONDS each)
#   make lint       clang-format, cppcheck, shellcheck and project greps
#   make bench      berth vs crun vs runc, side by side
#   make order      mk/berth.order: the functions a start runs, placed together
#   make install    PREFIX=/usr/local DESTDIR=

PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
BIN     ?= berth
CC      ?= cc
CFLAGS  ?= -O2 -g

PKGS      := libseccomp libcap yajl dbus-1 nettle libarchive libprotobuf-c
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# berth links fully static by default: no dynamic loader, no shared
# libraries to map and relocate on every start (README, Performance).
# STATIC=0 links dynamically.  STATIC=libs links the libraries' archives
# into a dynamic executable: the ASan build does, as ASan needs the C
# library shared, and each of its starts then maps and relocates only
# that (with its sanitizer runtimes linked in: mk/tests.mk), ~40% less of
# each start under ASan.
STATIC ?= 1
# libarchive's archive: only its tar reader and the gzip and zstd
# filters are called, so only zlib and libzstd are needed beside it
STATIC_PKG_LIBS = -lseccomp -lcap -lyajl_s -ldbus-1 -lnettle -larchive -lzstd -lz -lprotobuf-c
ifeq ($(STATIC),1)
PKG_LIBS   = $(STATIC_PKG_LIBS)
LINK_MODE  = -static-pie
# root's protected re-exec is taken at the entry point, before the C
# library starts (cmd/early.c); a dynamic build takes it from main()
ifneq ($(filter x86_64-%,$(shell $(CC) -dumpmachine 2>/dev/null)),)
ENTRY_LDFLAGS = -Wl,-e,berth_entry
endif
# The functions a start runs, placed together in the order mk/berth.order
# gives (made by `make order`, bench/order.sh): a start then maps ~0.6 MB
# less of the binary (the kernel maps 64 KB around each page it faults
# in).  lld reads the order; without lld the binary is the same but for
# its layout.  A name the list lacks or no longer matches costs a page
# fault, nothing else.
ifneq ($(shell command -v ld.lld 2>/dev/null),)
ORDER_LDFLAGS = -fuse-ld=lld -Wl,--symbol-ordering-file=mk/berth.order \
	-Wl,--no-warn-symbol-ordering
endif
else ifeq ($(STATIC),libs)
PKG_LIBS   = -Wl,-Bstatic $(STATIC_PKG_LIBS) -Wl,-Bdynamic
LINK_MODE  = -pie
else
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LINK_MODE  = -pie
endif

WARN := -Wall -Wextra -Werror -Wshadow -Wvla -Wformat=2 -Wpointer-arith \
	-Wstrict-prototypes -Wmissing-prototypes -Wundef -Wcast-align \
	-Werror=implicit-function-declaration -Wno-unused-parameter
HARDEN := -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE -fno-strict-aliasing
# each function and object in a section of its own, and the linker drops
# those nothing calls: ~50 KB less text, and a start maps fewer pages of
# the binary (the kernel maps 64 KB around each page fault)
SECTIONS := -ffunction-sections -fdata-sections
ALL_CFLAGS = -std=c11 $(WARN) $(HARDEN) $(SECTIONS) -I. $(PKG_CFLAGS) $(CFLAGS) $(EXTRA_CFLAGS)
# --build-id: the compiled seccomp filters berth keeps are keyed by it
# (core/buildid.h), so it must not depend on the toolchain's default
ALL_LDFLAGS = $(LINK_MODE) -Wl,-z,relro,-z,now,--as-needed,--build-id=sha1,--gc-sections \
	$(LDFLAGS) $(EXTRA_LDFLAGS)

LIB_SRCS_ALL := $(sort $(wildcard core/*.c spec/*.c namespaces/*.c rootfs/*.c \
		cgroups/*.c netns/*.c image/*.c runtime/*.c))
# libdbus-1's archive wants two libsystemd functions it never calls for a
# client; a dynamic libdbus brings its own (cgroups/systemd_static.c)
ifneq ($(STATIC),0)
LIB_SRCS := $(LIB_SRCS_ALL)
else
LIB_SRCS := $(filter-out cgroups/systemd_static.c,$(LIB_SRCS_ALL))
endif
# a group: libdbus-1.a, scanned last, needs the stubs in libberth.a
LINK_LIBS = -Wl,--start-group $(BUILD)/libberth.a $(PKG_LIBS) -Wl,--end-group
CMD_SRCS := $(sort $(wildcard cmd/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
CMD_OBJS := $(CMD_SRCS:%.c=$(BUILD)/%.o)
UNIT_SRCS := $(sort $(wildcard tests/unit/test-*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
COMMIT  := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)

.PHONY: all
all: $(BIN)

# by rename: a created container's init runs the old binary ("text file
# busy" for cp), and a rename also never leaves a half-written berth
$(BIN): $(BUILD)/berth
	cp $< $@.tmp && mv -f $@.tmp $@

$(BUILD)/berth: $(CMD_OBJS) $(BUILD)/libberth.a $(BUILD)/flags mk/berth.order
	$(if $(ENTRY_LDFLAGS),@$(EARLY_CHECK))
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) $(ENTRY_LDFLAGS) $(ORDER_LDFLAGS) -o $@ $(CMD_OBJS) \
		$(LINK_LIBS)

EARLY_CHECK = undef=$$(nm -u $(BUILD)/cmd/early.o | awk '{print $$2}'); \
	[ "$$undef" = _start ] || { echo "cmd/early.c must call nothing but _start; it calls: $$undef" >&2; exit 1; }

# runs before the C library has set up the thread pointer (the stack
# protector's canary lives there) or applied relocations, and must call
# nothing (the recipe above checks): no stack protector, no memcpy/memset
# made of its loops or its arrays, no sanitizer or profiling hooks
$(BUILD)/cmd/early.o: private ALL_CFLAGS += -fno-stack-protector -ffreestanding \
	-fno-tree-loop-distribute-patterns -ftrivial-auto-var-init=uninitialized \
	-fno-sanitize=all -fno-profile-arcs -fno-instrument-functions

$(BUILD)/libberth.a: $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

V ?= 0
Q := $(if $(filter 1,$(V)),,@)

$(BUILD)/%.o: %.c $(BUILD)/flags
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(VERSION_DEFS) -MMD -MP -c -o $@ $<

# The version and commit go into these two objects only, which are rebuilt
# whenever either changes: an object that an incremental build did not
# recompile would report the commit it was last compiled at
VERSIONED_OBJS := $(BUILD)/cmd/main.o $(BUILD)/cmd/features.o
$(VERSIONED_OBJS): private VERSION_DEFS = -DBERTH_VERSION='"$(VERSION)"' -DBERTH_COMMIT='"$(COMMIT)"'
$(VERSIONED_OBJS): $(BUILD)/version
$(BUILD)/version: FORCE
	@mkdir -p $(BUILD)
	@echo '$(VERSION) $(COMMIT)' | cmp -s - $@ || echo '$(VERSION) $(COMMIT)' > $@

# -std=c11, not gnu11: gnu11 predefines the macro `linux`, which is the
# name of struct spec's linux member.  GNU extensions stay available
# through _GNU_SOURCE, defined at the top of each .c file.

# rebuild everything when the flags change (e.g. switching to the asan build)
$(BUILD)/flags: FORCE
	@mkdir -p $(BUILD)
	@echo '$(ALL_CFLAGS) $(ALL_LDFLAGS) $(ORDER_LDFLAGS) $(PKG_LIBS)' | cmp -s - $@ || \
		echo '$(ALL_CFLAGS) $(ALL_LDFLAGS) $(ORDER_LDFLAGS) $(PKG_LIBS)' > $@

# -MMD: each test's header dependencies, like every other object's
$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libberth.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -MMD -MP -MF $@.d -o $@ $< $(LINK_LIBS)

-include $(LIB_OBJS:.o=.d) $(CMD_OBJS:.o=.d) $(UNIT_BINS:=.d)

.PHONY: FORCE
FORCE:

# ---- set-up -------------------------------------------------------------
.PHONY: deps
deps:
	./scripts/deps.sh

# ---- tests --------------------------------------------------------------
.PHONY: unit unit-build
unit-build: $(UNIT_BINS)
unit: $(UNIT_BINS)
	prove --exec '' $(UNIT_BINS)

.PHONY: install
install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/berth

.PHONY: clean
clean:
	rm -rf build build-* $(BIN)

# per-area make fragments (vm, fuzz, clients, bench, ...): one owner each
include $(sort $(wildcard mk/*.mk))
