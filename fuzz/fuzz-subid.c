/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz/fuzz-subid.c — libFuzzer target: the text of /etc/subuid or
 * /etc/subgid (namespaces/subid.c).  Whatever comes in, every range read
 * is non-empty and ends below 2^32 with an owner free of ':' and '\n';
 * a free block found overlaps none of them and is aligned; a user's range
 * found is one of theirs; every range covers its first and last id, and
 * the id after it only where another range of its owner does.  */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "namespaces/subid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_block(const struct ns_subid_file *f, uint32_t size)
{
	uint32_t start;

	if (!ns_subid_free_block(f, f, 100000, size, &start))
		return;
	if (start < 100000 || start % size != 0 || (uint64_t)start + size - 1 >= UINT32_MAX)
		abort();
	for (size_t i = 0; i < f->n; i++) {
		uint64_t s = f->ranges[i].start, e = s + f->ranges[i].count;

		if (start < e && s < (uint64_t)start + size)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ns_subid_file f;
	struct error *err = NULL;
	const struct ns_subid_range *r;

	if (ns_subid_parse("subuid", (const char *)data, size, &f, &err) < 0) {
		if (err == NULL || f.n != 0 || f.ranges != NULL)
			abort();
		error_free(err);
		return 0;
	}
	for (size_t i = 0; i < f.n; i++) {
		const struct ns_subid_range *x = &f.ranges[i];

		if (x->count == 0 || (uint64_t)x->start + x->count - 1 > UINT32_MAX ||
		    x->owner[0] == '\0' || strpbrk(x->owner, ":\n") != NULL)
			abort();
	}
	check_block(&f, 65536);
	check_block(&f, size > 0 ? data[0] + 1u : 1u);
	r = f.n > 0 ? ns_subid_find(&f, f.ranges[f.n - 1].owner, (uid_t)-1, 1) : NULL;
	if (f.n > 0 && (r == NULL || strcmp(r->owner, f.ranges[f.n - 1].owner) != 0))
		abort();
	for (size_t i = 0; i < f.n; i++) {
		const struct ns_subid_range *x = &f.ranges[i];
		uint64_t after = (uint64_t)x->start + x->count;
		bool other = false;

		if (!ns_subid_covers(&f, x->owner, (uid_t)-1, x->start) ||
		    !ns_subid_covers(&f, x->owner, (uid_t)-1, (uint32_t)(after - 1)))
			abort();
		if (after > UINT32_MAX)
			continue;
		for (size_t j = 0; j < f.n; j++)
			other |= strcmp(f.ranges[j].owner, x->owner) == 0 &&
				 after >= f.ranges[j].start &&
				 after - f.ranges[j].start < f.ranges[j].count;
		if (ns_subid_covers(&f, x->owner, (uid_t)-1, (uint32_t)after) != other)
			abort();
	}
	ns_subid_clear(&f);
	return 0;
}
