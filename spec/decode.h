/* SPDX-License-Identifier: Apache-2.0 */
/* spec/decode.h — the table-driven decoder shared by spec/'s parsers
 * (private to spec/).
 *
 * A `struct dec` carries the JSON path of the value being decoded
 * ("linux.namespaces[3].type") so every error names where it is; the
 * parsers describe each JSON object as a table of fields:
 *
 *     static const struct field root_fields[] = {
 *             FIELD_REQ("path", dec_str, struct spec_root, path),
 *             FIELD("readonly", dec_bool, struct spec_root, readonly),
 *     };
 *     dec_object(d, v, root_fields, ARRAY_SIZE(root_fields), &spec->root);
 *
 * JSON null counts as absent (as with the Go decoders the OCI tools use);
 * unknown keys are ignored, as the runtime-spec requires.  Every decoder
 * fills its output incrementally and keeps it freeable on failure.  */
#ifndef BERTH_SPEC_DECODE_H
#define BERTH_SPEC_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "spec/json.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define DEC_PATH_MAX  512
#define DEC_DEPTH_MAX 24

/* The path is kept as a stack of segments and only rendered to text when
 * an error needs it: pushing and popping are the hot path of decoding. */
struct dec_seg {
	const char *key; /* NULL for an array index */
	size_t index;
	bool map; /* key is free-form: render as ["key"] */
};

struct dec {
	struct error **err;
	size_t depth;
	struct dec_seg seg[DEC_DEPTH_MAX];
	char text[DEC_PATH_MAX];
};

void dec_init(struct dec *d, const char *root, struct error **err);

/* Fail with "<path>: <message>" (just the message at the root).  -1. */
int dec_fail(struct dec *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The current path as text ("linux.namespaces[3].type"); valid until the
 * next call.  */
const char *dec_path(struct dec *d);

/* Extend the path; each returns a mark for dec_pop().  dec_mapkey() is
 * for free-form keys (sysctl, annotations): `["net.ipv4.ip_forward"]`.
 * Keys are not copied: they must outlive the push (JSON tree, literals). */
size_t dec_key(struct dec *d, const char *key);
size_t dec_index(struct dec *d, size_t i);
size_t dec_mapkey(struct dec *d, const char *key);
void dec_pop(struct dec *d, size_t mark);

/* A user string made safe for a one-line message: double-quoted, control
 * characters escaped, cut to about 64 bytes.  Use as quote(s).s inside
 * the call that prints it.  */
struct quoted {
	char s[96];
};
struct quoted quote(const char *s);

/* ---- objects ----------------------------------------------------------- */

struct field {
	const char *key;
	int (*decode)(struct dec *d, const struct jnode *v, void *out);
	size_t offset;
	bool required;
};

#define FIELD(k, fn, type, member)                                                                 \
	{                                                                                          \
		k, fn, offsetof(type, member), false                                               \
	}
#define FIELD_REQ(k, fn, type, member)                                                             \
	{                                                                                          \
		k, fn, offsetof(type, member), true                                                \
	}
/* the decoder gets the whole struct (a key that fills several members) */
#define FIELD_SELF(k, fn)                                                                          \
	{                                                                                          \
		k, fn, 0, false                                                                    \
	}

int dec_object(struct dec *d, const struct jnode *v, const struct field *fields, size_t n,
	       void *base);

/* "must be an object" etc. unless v has type t */
int dec_expect(struct dec *d, const struct jnode *v, enum jtype t);

/* An array of `size`-byte elements decoded by `elem`: *arr and *n are set
 * before the elements are decoded, so a failure leaves them freeable.  */
int dec_array(struct dec *d, const struct jnode *v, size_t size, void **arr, size_t *n,
	      int (*elem)(struct dec *d, const struct jnode *v, void *out));

/* A {"key": "string"} object into two parallel NULL-terminated vectors. */
int dec_string_map(struct dec *d, const struct jnode *v, char ***keys, char ***values, size_t *n);

/* ---- scalars (usable in field tables; `out` points at the member) ------- */

int dec_str(struct dec *d, const struct jnode *v, void *out);	      /* char * */
int dec_str_or_null(struct dec *d, const struct jnode *v, void *out); /* "" -> NULL */
int dec_abspath(struct dec *d, const struct jnode *v, void *out);     /* char * */
int dec_strv(struct dec *d, const struct jnode *v, void *out);	      /* char ** */
int dec_abspathv(struct dec *d, const struct jnode *v, void *out);
int dec_bool(struct dec *d, const struct jnode *v, void *out);
int dec_u32(struct dec *d, const struct jnode *v, void *out);
int dec_uint(struct dec *d, const struct jnode *v, void *out); /* unsigned int */
int dec_i64(struct dec *d, const struct jnode *v, void *out);
int dec_u64(struct dec *d, const struct jnode *v, void *out);
int dec_opt_i64(struct dec *d, const struct jnode *v, void *out);
int dec_opt_u64(struct dec *d, const struct jnode *v, void *out);

/* Integers with explicit bounds.  The number is read from its text, so
 * uint64 values beyond long long (18446744073709551615) are exact; a
 * fraction or exponent is "must be an integer", as with Go's decoder.  */
int dec_int_range(struct dec *d, const struct jnode *v, int64_t lo, int64_t hi, int64_t *out);
int dec_uint_range(struct dec *d, const struct jnode *v, uint64_t hi, uint64_t *out);

/* ---- small shared checks ----------------------------------------------- */

bool path_is_absolute(const char *p);
bool path_has_dotdot(const char *p); /* a ".." component */

/* Look `name` up in a table of {name, value} pairs. */
struct name_value {
	const char *name;
	long value;
};
bool name_lookup(const struct name_value *t, size_t n, const char *name, long *value);

#endif
