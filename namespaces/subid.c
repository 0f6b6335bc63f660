/* SPDX-License-Identifier: Apache-2.0 */
/* namespaces/subid.c — the parser of /etc/subuid and /etc/subgid, and the
 * questions asked of what it read.  Pure: no file is opened here (the
 * files' owners: subid_alloc.c), so the fuzz target runs it as is.  */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "namespaces/subid.h"

/* a decimal number of at most 10 digits that fits in 32 bits */
static bool number(const char *s, size_t len, uint32_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > 10)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* OWNER:START:COUNT, the whole line */
static bool parse_line(const char *l, size_t len, struct ns_subid_range *r)
{
	const char *c1 = memchr(l, ':', len), *c2;

	if (c1 == NULL || c1 == l)
		return false;
	c2 = memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - l));
	if (c2 == NULL || !number(c1 + 1, (size_t)(c2 - c1 - 1), &r->start) ||
	    !number(c2 + 1, len - (size_t)(c2 + 1 - l), &r->count))
		return false;
	/* a range that wraps past 2^32 names no real ids */
	if (r->count == 0 || (uint64_t)r->start + r->count - 1 > UINT32_MAX)
		return false;
	if (memchr(l, '\0', (size_t)(c1 - l)) != NULL)
		return false;
	r->owner = xstrndup(l, (size_t)(c1 - l));
	return true;
}

int ns_subid_parse(const char *name, const char *text, size_t len, struct ns_subid_file *out,
		   struct error **err)
{
	size_t line = 0;

	memset(out, 0, sizeof(*out));
	for (size_t pos = 0; pos < len;) {
		const char *l = text + pos, *nl = memchr(l, '\n', len - pos);
		size_t n = nl != NULL ? (size_t)(nl - l) : len - pos;
		struct ns_subid_range r;

		pos += n + 1;
		line++;
		if (n == 0 || l[0] == '#')
			continue;
		if (!parse_line(l, n, &r)) {
			ns_subid_clear(out);
			return error_set(err, 0, "%s line %zu: not OWNER:START:COUNT", name, line);
		}
		out->ranges = xreallocarray(out->ranges, out->n + 1, sizeof(*out->ranges));
		out->ranges[out->n++] = r;
	}
	return 0;
}

void ns_subid_clear(struct ns_subid_file *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->ranges[i].owner);
	free(f->ranges);
	memset(f, 0, sizeof(*f));
}

const struct ns_subid_range *ns_subid_find(const struct ns_subid_file *f, const char *name,
					   uid_t uid, uint32_t min)
{
	char uidtxt[16];

	snprintf(uidtxt, sizeof(uidtxt), "%u", (unsigned)uid);
	for (size_t i = 0; i < f->n; i++) {
		const struct ns_subid_range *r = &f->ranges[i];

		if (r->count >= min && ((uid != (uid_t)-1 && strcmp(r->owner, uidtxt) == 0) ||
					(name != NULL && strcmp(r->owner, name) == 0)))
			return r;
	}
	return NULL;
}

bool ns_subid_covers(const struct ns_subid_file *f, const char *name, uid_t uid, uint32_t id)
{
	char uidtxt[16];

	snprintf(uidtxt, sizeof(uidtxt), "%u", (unsigned)uid);
	for (size_t i = 0; i < f->n; i++) {
		const struct ns_subid_range *r = &f->ranges[i];
		bool mine = (uid != (uid_t)-1 && strcmp(r->owner, uidtxt) == 0) ||
			    (name != NULL && strcmp(r->owner, name) == 0);

		if (mine && id >= r->start && (uint64_t)id - r->start < r->count)
			return true;
	}
	return false;
}

/* the end of a range of f that [start, start + size) meets, or 0 */
static uint64_t overlap_end(const struct ns_subid_file *f, uint64_t start, uint64_t size)
{
	for (size_t i = 0; i < f->n; i++) {
		uint64_t s = f->ranges[i].start, e = s + f->ranges[i].count;

		if (start < e && s < start + size)
			return e;
	}
	return 0;
}

bool ns_subid_free_block(const struct ns_subid_file *a, const struct ns_subid_file *b,
			 uint32_t floor, uint32_t size, uint32_t *start)
{
	uint64_t s, end;

	if (size == 0)
		return false;
	/* aligned, a host id's low 16 bits are the job's id: host uid
	 * 197608 (0x303e8) is uid 1000 of the job mapped from 196608 */
	s = ((uint64_t)floor + size - 1) / size * size;
	/* past a range met, to the next aligned start: each step passes
	 * one range, so the search ends after at most as many steps as
	 * there are ranges; 2^32 - 1 is (uid_t)-1, never a real id */
	while (s + size - 1 < UINT32_MAX) {
		end = overlap_end(a, s, size);
		if (end == 0)
			end = overlap_end(b, s, size);
		if (end == 0) {
			*start = (uint32_t)s;
			return true;
		}
		s = (end + size - 1) / size * size;
	}
	return false;
}

bool ns_subid_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > 32 || name[0] == '-' || (name[0] >= '0' && name[0] <= '9'))
		return false;
	return strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}
