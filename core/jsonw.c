/* SPDX-License-Identifier: Apache-2.0 */
/* core/jsonw.c — JSON text generation with correct string escaping.  */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonw.h"
#include "core/mem.h"

#define JSONW_DEPTH 64

struct jsonw {
	char *buf;
	size_t len, cap;
	bool pretty;
	int depth;
	bool need_comma[JSONW_DEPTH];
	bool after_key;
};

struct jsonw *jsonw_new(void)
{
	struct jsonw *w = calloc(1, sizeof(*w));

	if (w == NULL)
		abort();
	w->cap = 256;
	w->buf = malloc(w->cap);
	if (w->buf == NULL)
		abort();
	w->buf[0] = '\0';
	return w;
}

void jsonw_free(struct jsonw *w)
{
	if (w == NULL)
		return;
	free(w->buf);
	free(w);
}

void jsonw_freep(struct jsonw **w)
{
	jsonw_free(*w);
}

void jsonw_set_pretty(struct jsonw *w, bool pretty)
{
	w->pretty = pretty;
}

const char *jsonw_buf(const struct jsonw *w)
{
	return w->buf;
}

size_t jsonw_len(const struct jsonw *w)
{
	return w->len;
}

static void put(struct jsonw *w, const char *s, size_t n)
{
	if (w->len + n + 1 > w->cap) {
		while (w->len + n + 1 > w->cap)
			w->cap *= 2;
		w->buf = xrealloc(w->buf, w->cap);
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

static void puts_(struct jsonw *w, const char *s)
{
	put(w, s, strlen(s));
}

static void newline(struct jsonw *w)
{
	if (!w->pretty)
		return;
	put(w, "\n", 1);
	for (int i = 0; i < w->depth; i++)
		put(w, "  ", 2);
}

/* comma and indentation before a value or a key */
static void before_item(struct jsonw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth > 0 && w->need_comma[w->depth])
		put(w, ",", 1);
	if (w->depth > 0)
		newline(w);
	if (w->depth < JSONW_DEPTH)
		w->need_comma[w->depth] = true;
}

static void open_(struct jsonw *w, const char *c)
{
	before_item(w);
	puts_(w, c);
	if (w->depth + 1 < JSONW_DEPTH)
		w->depth++;
	w->need_comma[w->depth] = false;
}

static void close_(struct jsonw *w, const char *c)
{
	bool had_items = w->need_comma[w->depth];

	if (w->depth > 0)
		w->depth--;
	if (had_items)
		newline(w);
	puts_(w, c);
}

void jsonw_obj_open(struct jsonw *w)
{
	open_(w, "{");
}

void jsonw_obj_close(struct jsonw *w)
{
	close_(w, "}");
}

void jsonw_arr_open(struct jsonw *w)
{
	open_(w, "[");
}

void jsonw_arr_close(struct jsonw *w)
{
	close_(w, "]");
}

/* the escape for c, or NULL when c stands for itself */
static const char *escape_of(unsigned char c, char buf[8])
{
	switch (c) {
	case '"': return "\\\"";
	case '\\': return "\\\\";
	case '\n': return "\\n";
	case '\r': return "\\r";
	case '\t': return "\\t";
	default:
		if (c >= 0x20)
			return NULL;
		snprintf(buf, 8, "\\u%04x", c);
		return buf;
	}
}

/* runs of plain characters are copied whole, not one by one */
static void put_escaped(struct jsonw *w, const char *s)
{
	const char *run = s, *p = s;
	char buf[8];

	put(w, "\"", 1);
	for (; *p; p++) {
		const char *esc = escape_of((unsigned char)*p, buf);

		if (esc == NULL)
			continue;
		put(w, run, (size_t)(p - run));
		puts_(w, esc);
		run = p + 1;
	}
	put(w, run, (size_t)(p - run));
	put(w, "\"", 1);
}

void jsonw_key(struct jsonw *w, const char *key)
{
	before_item(w);
	put_escaped(w, key);
	puts_(w, w->pretty ? ": " : ":");
	w->after_key = true;
}

void jsonw_str(struct jsonw *w, const char *s)
{
	before_item(w);
	if (s == NULL)
		puts_(w, "null");
	else
		put_escaped(w, s);
}

void jsonw_int(struct jsonw *w, int64_t v)
{
	char num[32];

	before_item(w);
	snprintf(num, sizeof(num), "%" PRId64, v);
	puts_(w, num);
}

void jsonw_uint(struct jsonw *w, uint64_t v)
{
	char num[32];

	before_item(w);
	snprintf(num, sizeof(num), "%" PRIu64, v);
	puts_(w, num);
}

void jsonw_bool(struct jsonw *w, bool v)
{
	before_item(w);
	puts_(w, v ? "true" : "false");
}

void jsonw_null(struct jsonw *w)
{
	before_item(w);
	puts_(w, "null");
}

void jsonw_raw(struct jsonw *w, const char *text)
{
	puts_(w, text);
}

void jsonw_kv_str(struct jsonw *w, const char *key, const char *s)
{
	jsonw_key(w, key);
	jsonw_str(w, s);
}

void jsonw_kv_int(struct jsonw *w, const char *key, int64_t v)
{
	jsonw_key(w, key);
	jsonw_int(w, v);
}

void jsonw_kv_uint(struct jsonw *w, const char *key, uint64_t v)
{
	jsonw_key(w, key);
	jsonw_uint(w, v);
}

void jsonw_kv_bool(struct jsonw *w, const char *key, bool v)
{
	jsonw_key(w, key);
	jsonw_bool(w, v);
}

void jsonw_kv_strv(struct jsonw *w, const char *key, const char *const *v)
{
	jsonw_key(w, key);
	jsonw_arr_open(w);
	for (; v != NULL && *v != NULL; v++)
		jsonw_str(w, *v);
	jsonw_arr_close(w);
}
