/* SPDX-License-Identifier: Apache-2.0 */
/* spec/json.c — JSON text to a read-only tree, with yajl's parser.
 *
 * Owns every use of yajl in berth.  yajl_tree would do, but it makes one
 * malloc per value and per key and reallocs every array one element at a
 * time: for a docker config with its seccomp profile that was most of the
 * parse time.  Here yajl's callbacks build the tree in an arena (a few
 * large blocks, freed at once), which also lets us refuse what yajl_tree
 * would accept but berth must not:
 *   - strings with "\u0000" (a C string would silently end there, turning
 *     "/a\u0000b" into "/a");
 *   - nesting deeper than JSON_MAX_DEPTH;
 *   - comments (yajl_tree enables them; JSON has none).  */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "spec/json.h"

struct jnode {
	enum jtype type;
	bool boolean;
	const char *key;     /* member name, inside an object */
	const char *text;    /* J_STRING value, J_NUMBER as written */
	struct jnode **kids; /* J_ARRAY / J_OBJECT members, in order */
	size_t n;
	struct jnode *next; /* sibling list, while building */
};

/* ---- arena ------------------------------------------------------------------ */

struct block {
	struct block *prev;
	size_t used, size;
	max_align_t data[];
};

struct arena {
	struct block *top;
};

static void *arena_alloc(struct arena *a, size_t n)
{
	struct block *b = a->top;
	size_t size;

	n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	if (b == NULL || b->size - b->used < n) {
		size = b == NULL ? 16384 : b->size * 2;
		if (size > (1u << 20))
			size = 1u << 20;
		if (size < n)
			size = n;
		b = malloc(sizeof(*b) + size);
		if (b == NULL)
			abort(); /* as xcalloc: a config is small */
		b->prev = a->top;
		b->used = 0;
		b->size = size;
		a->top = b;
	}
	b->used += n;
	return (char *)b->data + b->used - n;
}

static void arena_free(struct arena *a)
{
	while (a->top != NULL) {
		struct block *prev = a->top->prev;

		free(a->top);
		a->top = prev;
	}
}

static char *arena_strndup(struct arena *a, const void *s, size_t n)
{
	char *c = arena_alloc(a, n + 1);

	memcpy(c, s, n);
	c[n] = '\0';
	return c;
}

/* ---- building the tree from yajl's callbacks ------------------------------- */

struct frame {
	struct jnode *node;
	struct jnode *first, *last;
};

struct jdoc {
	struct arena arena;
	struct jnode *root;
	const char *key; /* pending member name */
	const char *why; /* our reason when a callback refuses */
	int depth;
	struct frame stack[JSON_MAX_DEPTH];
	const char *const *skip; /* json_parse_skipping's path, or NULL */
	struct jnode *skipped;	 /* the J_SKIPPED node being read, or NULL */
	int skip_depth;		 /* nesting inside it (1: its elements) */
};

static struct jnode *add(struct jdoc *b, enum jtype type)
{
	struct jnode *n = arena_alloc(&b->arena, sizeof(*n));
	struct frame *f;

	memset(n, 0, sizeof(*n));
	n->type = type;
	if (b->depth == 0) {
		b->root = n;
		return n;
	}
	f = &b->stack[b->depth - 1];
	if (f->node->type == J_OBJECT) {
		n->key = b->key;
		b->key = NULL;
	}
	if (f->last == NULL)
		f->first = n;
	else
		f->last->next = n;
	f->last = n;
	f->node->n++;
	return n;
}

/* ---- a skipped array: read and counted, nothing built ---------------------- */

/* is the value about to be added at json_parse_skipping's path? */
static bool at_skip_path(const struct jdoc *b)
{
	int n = 0;

	if (b->skip == NULL || b->key == NULL)
		return false;
	while (b->skip[n] != NULL)
		n++;
	if (b->depth != n)
		return false;
	for (int i = 1; i < n; i++)
		if (b->stack[i].node->key == NULL || strcmp(b->stack[i].node->key, b->skip[i - 1]))
			return false;
	return b->stack[0].node->type == J_OBJECT && strcmp(b->key, b->skip[n - 1]) == 0;
}

/* a value inside the skipped array: 1 when taken (count it if it is an
 * element), 0 when not skipping */
static int skip_value(struct jdoc *b)
{
	if (b->skipped == NULL)
		return 0;
	if (b->skip_depth == 1)
		b->skipped->n++;
	return 1;
}

static int skip_open(struct jdoc *b)
{
	skip_value(b);
	if (b->depth + ++b->skip_depth > JSON_MAX_DEPTH) {
		b->why = "nested too deeply";
		return 0;
	}
	return 1;
}

static void skip_close(struct jdoc *b)
{
	if (--b->skip_depth == 0)
		b->skipped = NULL;
}

/* ---- values -------------------------------------------------------------- */

static int on_null(void *ctx)
{
	return skip_value(ctx) || add(ctx, J_NULL) != NULL;
}

static int on_boolean(void *ctx, int value)
{
	if (!skip_value(ctx))
		add(ctx, J_BOOL)->boolean = value != 0;
	return 1;
}

static int on_number(void *ctx, const char *s, size_t len)
{
	struct jdoc *b = ctx;

	if (!skip_value(b))
		add(b, J_NUMBER)->text = arena_strndup(&b->arena, s, len);
	return 1;
}

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
	struct jdoc *b = ctx;

	if (memchr(s, '\0', len) != NULL) {
		b->why = "string contains \\u0000";
		return 0;
	}
	if (!skip_value(b))
		add(b, J_STRING)->text = arena_strndup(&b->arena, s, len);
	return 1;
}

static int on_key(void *ctx, const unsigned char *s, size_t len)
{
	struct jdoc *b = ctx;

	if (memchr(s, '\0', len) != NULL) {
		b->why = "string contains \\u0000";
		return 0;
	}
	if (b->skipped == NULL)
		b->key = arena_strndup(&b->arena, s, len);
	return 1;
}

static int open_container(struct jdoc *b, enum jtype type)
{
	struct jnode *n;

	if (b->depth >= JSON_MAX_DEPTH) {
		b->why = "nested too deeply";
		return 0;
	}
	n = add(b, type);
	b->stack[b->depth++] = (struct frame){n, NULL, NULL};
	return 1;
}

/* The members become an array, for indexed access. */
static int close_container(struct jdoc *b)
{
	struct frame *f = &b->stack[--b->depth];
	struct jnode *k = f->first;

	f->node->kids = arena_alloc(&b->arena, f->node->n * sizeof(k));
	for (size_t i = 0; k != NULL; k = k->next, i++)
		f->node->kids[i] = k;
	return 1;
}

static int on_start_map(void *ctx)
{
	struct jdoc *b = ctx;

	return b->skipped != NULL ? skip_open(b) : open_container(b, J_OBJECT);
}

static int on_start_array(void *ctx)
{
	struct jdoc *b = ctx;

	if (b->skipped != NULL)
		return skip_open(b);
	if (!at_skip_path(b))
		return open_container(b, J_ARRAY);
	b->skipped = add(b, J_SKIPPED);
	b->skip_depth = 0;
	return skip_open(b);
}

static int on_end(void *ctx)
{
	struct jdoc *b = ctx;

	if (b->skipped == NULL)
		return close_container(b);
	skip_close(b);
	return 1;
}

static const yajl_callbacks callbacks = {
	.yajl_null = on_null,
	.yajl_boolean = on_boolean,
	.yajl_number = on_number, /* raw text: uint64 must stay exact */
	.yajl_string = on_string,
	.yajl_start_map = on_start_map,
	.yajl_map_key = on_key,
	.yajl_end_map = on_end,
	.yajl_start_array = on_start_array,
	.yajl_end_array = on_end,
};

/* yajl's text is "parse error: <what>.\n": keep <what>, on one line,
 * without the final period.  */
static void one_line(char *msg)
{
	static const char *const prefixes[] = {"parse error: ", "lexical error: "};
	char *nl = strchr(msg, '\n');
	size_t len;

	if (nl != NULL)
		*nl = '\0';
	len = strlen(msg);
	if (len > 0 && msg[len - 1] == '.')
		msg[len - 1] = '\0';
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t n = strlen(prefixes[i]);

		if (strncmp(msg, prefixes[i], n) == 0) {
			memmove(msg, msg + n, strlen(msg + n) + 1);
			break;
		}
	}
}

static void parse_error(yajl_handle h, struct jdoc *b, struct error **err)
{
	unsigned char *text;

	if (b->why != NULL) {
		error_set(err, 0, "invalid JSON: %s", b->why);
		return;
	}
	text = yajl_get_error(h, 0, NULL, 0);
	if (text == NULL) {
		error_set(err, 0, "invalid JSON");
		return;
	}
	one_line((char *)text);
	error_set(err, 0, "invalid JSON: %s", (char *)text);
	yajl_free_error(h, text);
}

struct jdoc *json_parse(const char *text, size_t len, struct error **err)
{
	return json_parse_skipping(text, len, NULL, err);
}

struct jdoc *json_parse_skipping(const char *text, size_t len, const char *const *skip,
				 struct error **err)
{
	struct jdoc *b = calloc(1, sizeof(*b));
	yajl_handle h;
	yajl_status st;

	if (b == NULL)
		abort();
	b->skip = skip;
	h = yajl_alloc(&callbacks, NULL, b);
	if (h == NULL)
		abort();
	st = yajl_parse(h, (const unsigned char *)text, len);
	if (st == yajl_status_ok)
		st = yajl_complete_parse(h);
	if (st != yajl_status_ok || b->root == NULL) {
		parse_error(h, b, err);
		yajl_free(h);
		json_free(b);
		return NULL;
	}
	yajl_free(h);
	return b;
}

const struct jnode *json_root(const struct jdoc *doc)
{
	return doc->root;
}

void json_free(struct jdoc *doc)
{
	if (doc == NULL)
		return;
	arena_free(&doc->arena);
	free(doc);
}

enum jtype json_type(const struct jnode *n)
{
	return n->type;
}

bool json_bool(const struct jnode *n)
{
	return n->boolean;
}

const char *json_string(const struct jnode *n)
{
	return n->text;
}

const char *json_number_text(const struct jnode *n)
{
	return n->text;
}

size_t json_len(const struct jnode *n)
{
	return n->type == J_ARRAY || n->type == J_OBJECT || n->type == J_SKIPPED ? n->n : 0;
}

const struct jnode *json_at(const struct jnode *n, size_t i)
{
	return n->kids[i];
}

const char *json_key_at(const struct jnode *obj, size_t i)
{
	return obj->kids[i]->key;
}

const struct jnode *json_get(const struct jnode *obj, const char *key)
{
	for (size_t i = obj->n; i-- > 0;)
		if (strcmp(obj->kids[i]->key, key) == 0)
			return obj->kids[i];
	return NULL;
}
