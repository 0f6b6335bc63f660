/* SPDX-License-Identifier: Apache-2.0 */
/* tests/unit/test-core-buildid.c — finding the GNU build ID among a
 * PT_NOTE segment's notes (core/buildid.c): after another note, in a
 * 4-aligned and an 8-aligned segment (the gABI's layout: the descriptor at
 * the alignment past the name), not in a note cut short or with sizes
 * past the segment, nor under another owner or type; and this program's
 * own, as the linker wrote it.  */
#define _GNU_SOURCE
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/buildid.h"
#include "tests/unit/tap.h"

struct seg {
	_Alignas(8) unsigned char b[256];
	size_t n;
};

static void pad(struct seg *s, size_t align)
{
	while (s->n % align)
		s->b[s->n++] = 0xEE;
}

/* one note: header, name (NUL included), padding, descriptor, padding */
static void note(struct seg *s, size_t align, uint32_t type, const char *name, const void *desc,
		 uint32_t descsz)
{
	Elf64_Nhdr h = {.n_namesz = (uint32_t)strlen(name) + 1, .n_descsz = descsz, .n_type = type};

	memcpy(s->b + s->n, &h, sizeof(h));
	s->n += sizeof(h);
	memcpy(s->b + s->n, name, h.n_namesz);
	s->n += h.n_namesz;
	pad(s, align);
	memcpy(s->b + s->n, desc, descsz);
	s->n += descsz;
	pad(s, align);
}

static const uint8_t want[20] = {1,  2,	 3,  4,	 5,  6,	 7,  8,	 9,  10,
				 11, 12, 13, 14, 15, 16, 17, 18, 19, 20};

static bool found_want(const struct seg *s, size_t align)
{
	const uint8_t *id = NULL;
	size_t len = 0;

	return build_id_in_notes(s->b, s->n, align, &id, &len) && len == sizeof(want) &&
	       memcmp(id, want, len) == 0;
}

static void test_layouts(void)
{
	static const uint8_t prop[16] = {0xc0, 0, 0, 0xc0, 4, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0};

	for (size_t align = 4; align <= 8; align += 4) {
		struct seg s = {.n = 0};

		/* a property note (8-aligned in real binaries), then the ID */
		note(&s, align, NT_GNU_PROPERTY_TYPE_0, "GNU", prop, sizeof(prop));
		note(&s, align, NT_GNU_BUILD_ID, "GNU", want, sizeof(want));
		CHECK(found_want(&s, align), "after another note, %zu-aligned", align);
		/* cut one byte short: refused, never read past the end */
		s.n--;
		CHECK(!found_want(&s, align), "cut short, %zu-aligned", align);
	}
}

static void test_refusals(void)
{
	struct seg s = {.n = 0};
	const uint8_t *id = NULL;
	size_t len = 0;
	Elf64_Nhdr huge = {.n_namesz = 4, .n_descsz = 0xffffffffu, .n_type = NT_GNU_BUILD_ID};

	note(&s, 4, NT_GNU_BUILD_ID, "LLVM", want, sizeof(want));
	note(&s, 4, NT_GNU_ABI_TAG, "GNU", want, 16);
	CHECK(!build_id_in_notes(s.b, s.n, 4, &id, &len), "another owner, another type");
	/* a size past the segment (and past 4 GiB): no wrap-around */
	memcpy(s.b, &huge, sizeof(huge));
	memcpy(s.b + sizeof(huge), "GNU", 4);
	CHECK(!build_id_in_notes(s.b, 64, 4, &id, &len), "a descriptor size past the segment");
	CHECK(!build_id_in_notes(s.b, 0, 4, &id, &len) && !build_id_in_notes(s.b, 11, 4, &id, &len),
	      "no room for a header");
}

/* ours: the linker writes a SHA-1 build ID (Makefile: --build-id=sha1) */
static void test_self(void)
{
	const uint8_t *id = NULL;
	size_t len = 0;

	CHECK(build_id_self(&id, &len) && len == 20, "this program's build ID, %zu bytes", len);
}

int main(void)
{
	test_layouts();
	test_refusals();
	test_self();
	return tap_done();
}
