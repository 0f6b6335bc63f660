/* SPDX-License-Identifier: Apache-2.0 */
/* core/jsonw.h — a small JSON writer (state files, list, features, events,
 * log lines).  Output only: reading JSON belongs to spec/.  The writer
 * tracks commas itself; any allocation failure aborts (output is small). */
#ifndef BERTH_CORE_JSONW_H
#define BERTH_CORE_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct jsonw;

struct jsonw *jsonw_new(void);
void jsonw_free(struct jsonw *w);
void jsonw_freep(struct jsonw **w);
#define cleanup_jsonw __attribute__((cleanup(jsonw_freep)))

/* pretty: two-space indentation and newlines (berth spec, features) */
void jsonw_set_pretty(struct jsonw *w, bool pretty);

const char *jsonw_buf(const struct jsonw *w);
size_t jsonw_len(const struct jsonw *w);

void jsonw_obj_open(struct jsonw *w);
void jsonw_obj_close(struct jsonw *w);
void jsonw_arr_open(struct jsonw *w);
void jsonw_arr_close(struct jsonw *w);
void jsonw_key(struct jsonw *w, const char *key);
void jsonw_str(struct jsonw *w, const char *s); /* NULL writes null */
void jsonw_int(struct jsonw *w, int64_t v);
void jsonw_uint(struct jsonw *w, uint64_t v);
void jsonw_bool(struct jsonw *w, bool v);
void jsonw_null(struct jsonw *w);
void jsonw_raw(struct jsonw *w, const char *text); /* no comma logic */

/* key + value shorthands */
void jsonw_kv_str(struct jsonw *w, const char *key, const char *s);
void jsonw_kv_int(struct jsonw *w, const char *key, int64_t v);
void jsonw_kv_uint(struct jsonw *w, const char *key, uint64_t v);
void jsonw_kv_bool(struct jsonw *w, const char *key, bool v);
/* key + array of the strings of a NULL-terminated vector */
void jsonw_kv_strv(struct jsonw *w, const char *key, const char *const *v);

#endif
