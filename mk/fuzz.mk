# SPDX-License-Identifier: Apache-2.0
# mk/fuzz.mk — libFuzzer targets for spec/ (owner: spec), for the
# texts cgroups/ parses (fuzz-cgroup-layout), and /etc/subuid (fuzz-subid).
#
#   make fuzz-build           build every fuzz/fuzz-*.c with clang, ASan and UBSan
#   make fuzz                 run each target FUZZ_SECONDS (default 60)
#   make fuzz FUZZ_SECONDS=300 FUZZ_TARGETS=fuzz-config
#
# Parsing has no side effects, so the targets link spec/ and core/ sources
# directly (instrumented), not build/libberth.a.  Each run starts from the
# committed seeds in fuzz/corpus/<target>/ and keeps what it finds in
# fuzz/corpus-out/<target>/ (ignored by git), crashes included: a crash
# file is fixed, then added to tests/data/bad or tests/data/good.

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_MAX_LEN ?= 65536
FUZZ_BUILD   := $(BUILD)/fuzz
FUZZ_TARGETS ?= $(patsubst fuzz/%.c,%,$(sort $(wildcard fuzz/fuzz-*.c)))
FUZZ_BINS     = $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/%)
# parsing has no side effects: spec/, core/, and the pure codecs of
# runtime/ (the seccomp cache entry, the sd_notify line filter)
FUZZ_SRCS    := $(sort $(wildcard spec/*.c core/*.c)) runtime/seccomp_entry.c \
	runtime/notify_message.c
FUZZ_HDRS    := $(sort $(wildcard spec/*.h core/*.h))
FUZZ_CFLAGS  := -std=gnu11 -g -O1 -fno-omit-frame-pointer \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-I. $(PKG_CFLAGS)

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_BINS)

$(FUZZ_BUILD)/fuzz-%: fuzz/fuzz-%.c $(FUZZ_SRCS) $(FUZZ_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_SRCS) $(PKG_LIBS)

# the cgroup texts (mountinfo, /proc/self/cgroup, devices.list) need
# cgroups/ too
FUZZ_CG_SRCS := $(sort $(wildcard cgroups/*.c))
$(FUZZ_BUILD)/fuzz-cgroup-layout: fuzz/fuzz-cgroup-layout.c $(FUZZ_SRCS) $(FUZZ_HDRS) \
		$(FUZZ_CG_SRCS) $(wildcard cgroups/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_SRCS) $(FUZZ_CG_SRCS) $(PKG_LIBS)

fuzz: fuzz-build
	@set -e; for t in $(FUZZ_TARGETS); do \
		mkdir -p fuzz/corpus-out/$$t; \
		echo "== $$t: $(FUZZ_SECONDS)s"; \
		$(FUZZ_BUILD)/$$t -max_total_time=$(FUZZ_SECONDS) \
			-max_len=$(FUZZ_MAX_LEN) -dict=fuzz/spec.dict \
			-artifact_prefix=fuzz/corpus-out/$$t/ -print_final_stats=1 \
			fuzz/corpus-out/$$t fuzz/corpus/$$t; \
	done

# /etc/subuid and /etc/subgid: namespaces/subid.c's parser, pure
$(FUZZ_BUILD)/fuzz-subid: fuzz/fuzz-subid.c $(FUZZ_SRCS) $(FUZZ_HDRS) namespaces/subid.c \
		namespaces/subid.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_SRCS) namespaces/subid.c $(PKG_LIBS)

# a layer tar through image/'s unpacking: libarchive, and the files that
# write (into a temp directory the target makes)
FUZZ_IMG_SRCS := image/unpack.c image/entry.c image/cache.c image/image.c image/source.c \
	image/layout.c
$(FUZZ_BUILD)/fuzz-image-tar: fuzz/fuzz-image-tar.c $(FUZZ_SRCS) $(FUZZ_HDRS) $(FUZZ_IMG_SRCS) \
		$(wildcard image/*.h) fuzz/scratch.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_SRCS) $(FUZZ_IMG_SRCS) $(PKG_LIBS)

# berth's records in a checkpoint's image dir: runtime/criu_image.c, pure
$(FUZZ_BUILD)/fuzz-criu-image: fuzz/fuzz-criu-image.c runtime/criu_image.c runtime/criu.h \
		$(FUZZ_SRCS) $(FUZZ_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< runtime/criu_image.c $(FUZZ_SRCS) $(PKG_LIBS)

# CRIU's replies, decoded by runtime/criu_msg.c with the code protoc-c
# generates (mk/criu.mk)
$(FUZZ_BUILD)/fuzz-criu-reply: fuzz/fuzz-criu-reply.c runtime/criu_msg.c runtime/criu.h \
		$(CRIU_PB_C) $(FUZZ_SRCS) $(FUZZ_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -I$(CRIU_GEN) -o $@ $< runtime/criu_msg.c $(CRIU_PB_C) \
		$(FUZZ_SRCS) $(PKG_LIBS)

# a checkpoint's rootfs-diff.tar as a restore reads it: image/diff.c's
# checks, then image/'s unpacking (into a temp directory the target makes)
$(FUZZ_BUILD)/fuzz-image-diff: fuzz/fuzz-image-diff.c $(FUZZ_SRCS) $(FUZZ_HDRS) $(FUZZ_IMG_SRCS) \
		image/diff.c $(wildcard image/*.h) fuzz/scratch.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_SRCS) $(FUZZ_IMG_SRCS) image/diff.c $(PKG_LIBS)

# what cmd/early.c reads before the C library starts: argv, the
# environment and auxiliary vector, the binary's path
$(FUZZ_BUILD)/fuzz-early-argv: fuzz/fuzz-early-argv.c cmd/early.c core/syscalls.h $(FUZZ_SRCS) \
		$(FUZZ_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_SRCS) $(PKG_LIBS)
