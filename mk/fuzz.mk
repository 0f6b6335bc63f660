# SPDX-License-Identifier: Apache-2.0
# mk/fuzz.mk — libFuzzer targets for spec/ (owner: spec), for the
# texts cgroups/ parses (fuzz-cgroup-layout), and /etc/subuid (fuzz-subid).
#
#   make fuzz-build           build every fuzz/fuzz-*.c with clang, ASan and UBSan
#   make fuzz                 run each target FUZZ_SECONDS (default 60)
#   make fuzz FUZZ_SECONDS=300 FUZZ_TARGETS=fuzz-config
#
# Parsing has no side effects, so the targets link spec/ and core/ sources
# directly (instrumented), not build/libberth.a.  Each source is compiled
# once into $(FUZZ_BUILD)/obj/ and linked into every target that needs it.
# Each run starts from the committed seeds in fuzz/corpus/<target>/ and
# keeps what it finds in fuzz/corpus-out/<target>/ (ignored by git),
# crashes included: a crash file is fixed, then added to tests/data/bad or
# tests/data/good.

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
FUZZ_CFLAGS  := -std=gnu11 -g -O1 -fno-omit-frame-pointer \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-I. -I$(CRIU_GEN) $(PKG_CFLAGS)
fuzz_objs = $(patsubst %.c,$(FUZZ_BUILD)/obj/%.o,$(1))

# what each target links beside its own fuzz/<target>.c and FUZZ_SRCS
# the cgroup texts (mountinfo, /proc/self/cgroup, devices.list): cgroups/
FUZZ_EXTRA_fuzz-cgroup-layout := $(sort $(wildcard cgroups/*.c))
# /etc/subuid and /etc/subgid: namespaces/subid.c's parser, pure
FUZZ_EXTRA_fuzz-subid := namespaces/subid.c
# a layer tar through image/'s unpacking: libarchive, and the files that
# write (into a temp directory the target makes)
FUZZ_IMG_SRCS := image/unpack.c image/entry.c image/cache.c image/image.c image/source.c \
	image/layout.c
FUZZ_EXTRA_fuzz-image-tar := $(FUZZ_IMG_SRCS)
# a checkpoint's rootfs-diff.tar as a restore reads it: image/diff.c's
# checks, then image/'s unpacking
FUZZ_EXTRA_fuzz-image-diff := $(FUZZ_IMG_SRCS) image/diff.c
# berth's records in a checkpoint's image dir: runtime/criu_image.c, pure
FUZZ_EXTRA_fuzz-criu-image := runtime/criu_image.c
# CRIU's replies, decoded by runtime/criu_msg.c with the code protoc-c
# generates (mk/criu.mk)
FUZZ_EXTRA_fuzz-criu-reply := runtime/criu_msg.c $(CRIU_PB_C)
# (fuzz-early-argv includes cmd/early.c itself: what it reads before the
# C library starts, argv, the environment and auxiliary vector)

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_BINS)

# -MMD: an object is made again when a header it includes changes
$(FUZZ_BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<
-include $(shell find $(FUZZ_BUILD)/obj -name '*.d' 2>/dev/null)
# kept between builds (make would remove them as intermediates)
.PRECIOUS: $(FUZZ_BUILD)/obj/%.o

# the generated protobuf-c header before anything that may include it
$(call fuzz_objs,fuzz/fuzz-criu-reply.c runtime/criu_msg.c): $(CRIU_PB_H)

.SECONDEXPANSION:
$(FUZZ_BUILD)/fuzz-%: $$(call fuzz_objs,fuzz/fuzz-$$*.c $(FUZZ_SRCS) $$(FUZZ_EXTRA_fuzz-$$*))
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $^ $(PKG_LIBS)

fuzz: fuzz-build
	@set -e; for t in $(FUZZ_TARGETS); do \
		mkdir -p fuzz/corpus-out/$$t; \
		echo "== $$t: $(FUZZ_SECONDS)s"; \
		$(FUZZ_BUILD)/$$t -max_total_time=$(FUZZ_SECONDS) \
			-max_len=$(FUZZ_MAX_LEN) -dict=fuzz/spec.dict \
			-artifact_prefix=fuzz/corpus-out/$$t/ -print_final_stats=1 \
			fuzz/corpus-out/$$t fuzz/corpus/$$t; \
	done
