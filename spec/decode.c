/* SPDX-License-Identifier: Apache-2.0 */
/* spec/decode.c — JSON path tracking, the field-table driver and the
 * scalar decoders every spec/ parser uses.  The objects themselves
 * (process, linux, resources, seccomp ...) are described elsewhere.  */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "spec/decode.h"
#include "spec/spec.h"

void dec_init(struct dec *d, const char *root, struct error **err)
{
	d->err = err;
	d->depth = 0;
	d->text[0] = '\0';
	if (root != NULL)
		dec_key(d, root);
}

static void render(struct dec *d, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void render(struct dec *d, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*len >= sizeof(d->text) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(d->text + *len, sizeof(d->text) - *len, fmt, ap);
	va_end(ap);
	if (n > 0)
		*len += (size_t)n;
	if (*len >= sizeof(d->text))
		*len = sizeof(d->text) - 1; /* truncated, still terminated */
}

const char *dec_path(struct dec *d)
{
	size_t len = 0;
	size_t depth = d->depth < DEC_DEPTH_MAX ? d->depth : DEC_DEPTH_MAX;

	d->text[0] = '\0';
	for (size_t i = 0; i < depth; i++) {
		const struct dec_seg *s = &d->seg[i];

		if (s->key == NULL)
			render(d, &len, "[%zu]", s->index);
		else if (s->map)
			render(d, &len, "[%s]", quote(s->key).s);
		else
			render(d, &len, len == 0 ? "%s" : ".%s", s->key);
	}
	return d->text;
}

int dec_fail(struct dec *d, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (d->depth == 0)
		return error_set(d->err, 0, "%s", msg);
	return error_set(d->err, 0, "%s: %s", dec_path(d), msg);
}

/* Deeper than DEC_DEPTH_MAX (not reachable with the OCI schema) the
 * segments are counted but not kept: paths are cut, never wrong.  */
static size_t push(struct dec *d, const char *key, size_t index, bool map)
{
	size_t mark = d->depth;

	if (d->depth < DEC_DEPTH_MAX)
		d->seg[d->depth] = (struct dec_seg){key, index, map};
	d->depth++;
	return mark;
}

size_t dec_key(struct dec *d, const char *key)
{
	return push(d, key, 0, false);
}

size_t dec_index(struct dec *d, size_t i)
{
	return push(d, NULL, i, false);
}

size_t dec_mapkey(struct dec *d, const char *key)
{
	return push(d, key, 0, true);
}

void dec_pop(struct dec *d, size_t mark)
{
	d->depth = mark;
}

struct quoted quote(const char *s)
{
	struct quoted q;
	size_t o = 0;
	const size_t max = 64;

	q.s[o++] = '"';
	for (size_t i = 0; s[i] != '\0'; i++) {
		unsigned char c = (unsigned char)s[i];
		bool continuation = (c & 0xc0) == 0x80;

		/* cut between characters, never inside a UTF-8 sequence (at
		 * most 3 continuation bytes: raw flag values need not be
		 * valid UTF-8, so a longer run is cut too) */
		if (o >= max && (!continuation || o >= max + 3)) {
			memcpy(q.s + o, "...", 3);
			o += 3;
			break;
		}
		if (c == '"' || c == '\\') {
			q.s[o++] = '\\';
			q.s[o++] = (char)c;
		} else if (c < 0x20 || c == 0x7f) {
			o += (size_t)snprintf(q.s + o, sizeof(q.s) - o, "\\x%02x", c);
		} else {
			q.s[o++] = (char)c;
		}
	}
	q.s[o++] = '"';
	q.s[o] = '\0';
	return q;
}

/* ---- objects and arrays ------------------------------------------------ */

static const char *const type_words[] = {
	[J_NULL] = "null",
	[J_BOOL] = "a boolean",
	[J_NUMBER] = "a number",
	[J_STRING] = "a string",
	[J_OBJECT] = "an object",
	[J_ARRAY] = "an array",
	[J_SKIPPED] = "an array left unread",
};

int dec_expect(struct dec *d, const struct jnode *v, enum jtype t)
{
	if (json_type(v) != t)
		return dec_fail(d, "must be %s", type_words[t]);
	return 0;
}

int dec_object(struct dec *d, const struct jnode *v, const struct field *fields, size_t n,
	       void *base)
{
	if (dec_expect(d, v, J_OBJECT) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const struct jnode *val = json_get(v, fields[i].key);
		size_t mark = dec_key(d, fields[i].key);
		int r = 0;

		if (val == NULL || json_type(val) == J_NULL) {
			if (fields[i].required)
				r = dec_fail(d, "required");
		} else {
			r = fields[i].decode(d, val, (char *)base + fields[i].offset);
		}
		dec_pop(d, mark);
		if (r < 0)
			return -1;
	}
	return 0;
}

int dec_array(struct dec *d, const struct jnode *v, size_t size, void **arr, size_t *n,
	      int (*elem)(struct dec *d, const struct jnode *v, void *out))
{
	size_t len;

	if (dec_expect(d, v, J_ARRAY) < 0)
		return -1;
	len = json_len(v);
	*arr = len > 0 ? xcalloc(len, size) : NULL;
	*n = len;
	for (size_t i = 0; i < len; i++) {
		size_t mark = dec_index(d, i);
		int r = elem(d, json_at(v, i), (char *)*arr + i * size);

		dec_pop(d, mark);
		if (r < 0)
			return -1;
	}
	return 0;
}

int dec_string_map(struct dec *d, const struct jnode *v, char ***keys, char ***values, size_t *n)
{
	size_t len;

	if (dec_expect(d, v, J_OBJECT) < 0)
		return -1;
	len = json_len(v);
	*keys = xcalloc(len + 1, sizeof(char *));
	*values = xcalloc(len + 1, sizeof(char *));
	*n = 0;
	for (size_t i = 0; i < len; i++) {
		const char *key = json_key_at(v, i);
		const struct jnode *val = json_at(v, i);
		size_t mark = dec_mapkey(d, key), j;

		if (dec_expect(d, val, J_STRING) < 0)
			return -1;
		dec_pop(d, mark);
		/* a repeated key replaces the earlier value (last one wins) */
		for (j = 0; j < *n && strcmp((*keys)[j], key) != 0; j++)
			;
		if (j == *n) {
			(*keys)[j] = xstrdup(key);
			*n = j + 1;
		}
		free((*values)[j]);
		(*values)[j] = xstrdup(json_string(val));
	}
	return 0;
}

/* ---- strings ------------------------------------------------------------ */

int dec_str(struct dec *d, const struct jnode *v, void *out)
{
	char **s = out;

	if (dec_expect(d, v, J_STRING) < 0)
		return -1;
	free(*s); /* decoding twice must not leak */
	*s = xstrdup(json_string(v));
	return 0;
}

int dec_str_or_null(struct dec *d, const struct jnode *v, void *out)
{
	char **s = out;

	if (dec_expect(d, v, J_STRING) < 0)
		return -1;
	free(*s);
	*s = json_string(v)[0] != '\0' ? xstrdup(json_string(v)) : NULL;
	return 0;
}

bool path_is_absolute(const char *p)
{
	return p[0] == '/';
}

bool path_has_dotdot(const char *p)
{
	for (const char *c = p; (c = strstr(c, "..")) != NULL; c += 2) {
		bool starts = c == p || c[-1] == '/';
		bool ends = c[2] == '\0' || c[2] == '/';

		if (starts && ends)
			return true;
	}
	return false;
}

int dec_abspath(struct dec *d, const struct jnode *v, void *out)
{
	if (dec_expect(d, v, J_STRING) < 0)
		return -1;
	if (!path_is_absolute(json_string(v)))
		return dec_fail(d, "must be an absolute path");
	return dec_str(d, v, out);
}

static int strv_decode(struct dec *d, const struct jnode *v, void *out, bool absolute)
{
	char ***vec = out;
	size_t len;

	if (dec_expect(d, v, J_ARRAY) < 0)
		return -1;
	strv_free(*vec);
	len = json_len(v);
	*vec = xcalloc(len + 1, sizeof(char *));
	for (size_t i = 0; i < len; i++) {
		const struct jnode *s = json_at(v, i);
		size_t mark = dec_index(d, i);

		if (dec_expect(d, s, J_STRING) < 0)
			return -1;
		if (absolute && !path_is_absolute(json_string(s)))
			return dec_fail(d, "must be an absolute path");
		dec_pop(d, mark);
		(*vec)[i] = xstrdup(json_string(s));
	}
	return 0;
}

int dec_strv(struct dec *d, const struct jnode *v, void *out)
{
	return strv_decode(d, v, out, false);
}

int dec_abspathv(struct dec *d, const struct jnode *v, void *out)
{
	return strv_decode(d, v, out, true);
}

int dec_bool(struct dec *d, const struct jnode *v, void *out)
{
	if (dec_expect(d, v, J_BOOL) < 0)
		return -1;
	*(bool *)out = json_bool(v);
	return 0;
}

/* ---- integers ----------------------------------------------------------- */

static bool is_integer_text(const char *t)
{
	return strpbrk(t, ".eE") == NULL;
}

int dec_int_range(struct dec *d, const struct jnode *v, int64_t lo, int64_t hi, int64_t *out)
{
	const char *t;
	char *end;
	long long n;

	if (json_type(v) != J_NUMBER || !is_integer_text(json_number_text(v)))
		return dec_fail(d, "must be an integer");
	t = json_number_text(v);
	errno = 0;
	n = strtoll(t, &end, 10);
	if (errno != 0 || *end != '\0' || n < lo || n > hi)
		return dec_fail(d, "must be an integer in %" PRId64 "..%" PRId64, lo, hi);
	*out = n;
	return 0;
}

int dec_uint_range(struct dec *d, const struct jnode *v, uint64_t hi, uint64_t *out)
{
	const char *t;
	char *end;
	unsigned long long n;

	if (json_type(v) != J_NUMBER || !is_integer_text(json_number_text(v)))
		return dec_fail(d, "must be an integer");
	t = json_number_text(v);
	errno = 0;
	/* strtoull accepts "-1" and wraps it: refuse any sign first */
	n = t[0] == '-' ? 0 : strtoull(t, &end, 10);
	if (t[0] == '-' || errno != 0 || *end != '\0' || n > hi)
		return dec_fail(d, "must be an integer in 0..%" PRIu64, hi);
	*out = n;
	return 0;
}

int dec_u32(struct dec *d, const struct jnode *v, void *out)
{
	uint64_t n;

	if (dec_uint_range(d, v, UINT32_MAX, &n) < 0)
		return -1;
	*(uint32_t *)out = (uint32_t)n;
	return 0;
}

int dec_uint(struct dec *d, const struct jnode *v, void *out)
{
	uint64_t n;

	if (dec_uint_range(d, v, UINT_MAX, &n) < 0)
		return -1;
	*(unsigned int *)out = (unsigned int)n;
	return 0;
}

int dec_i64(struct dec *d, const struct jnode *v, void *out)
{
	return dec_int_range(d, v, INT64_MIN, INT64_MAX, out);
}

int dec_u64(struct dec *d, const struct jnode *v, void *out)
{
	return dec_uint_range(d, v, UINT64_MAX, out);
}

int dec_opt_i64(struct dec *d, const struct jnode *v, void *out)
{
	struct opt_i64 *o = out;

	if (dec_i64(d, v, &o->v) < 0)
		return -1;
	o->set = true;
	return 0;
}

int dec_opt_u64(struct dec *d, const struct jnode *v, void *out)
{
	struct opt_u64 *o = out;

	if (dec_u64(d, v, &o->v) < 0)
		return -1;
	o->set = true;
	return 0;
}

bool name_lookup(const struct name_value *t, size_t n, const char *name, long *value)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(t[i].name, name) == 0) {
			*value = t[i].value;
			return true;
		}
	}
	return false;
}
