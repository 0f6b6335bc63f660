/* SPDX-License-Identifier: Apache-2.0 */
/* spec/json.h — spec/'s private, read-only view of a parsed JSON document.
 *
 * The only JSON library berth links (yajl) is used in spec/json.c and
 * nowhere else: the decoders see `struct jnode` through the accessors
 * below, so a switch of library touches one file.  Not for use outside
 * spec/ (no other module ever sees a JSON value).  */
#ifndef BERTH_SPEC_JSON_H
#define BERTH_SPEC_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

struct jdoc;  /* a parsed document; owns all its nodes */
struct jnode; /* one value in it */

/* J_SKIPPED: an array json_parse_skipping() left unbuilt; json_len()
 * counts its elements, json_at() has none */
enum jtype { J_NULL, J_BOOL, J_NUMBER, J_STRING, J_OBJECT, J_ARRAY, J_SKIPPED };

/* Parse `len` bytes (need not be NUL-terminated).  Rejects, besides
 * syntax errors and invalid UTF-8, "\u0000" in strings (a C string would
 * be silently cut there), comments, and nesting deeper than
 * JSON_MAX_DEPTH.  Errors read "invalid JSON: <reason>".  */
#define JSON_MAX_DEPTH 64
struct jdoc *json_parse(const char *text, size_t len, struct error **err);

/* The same, but an array at `skip` (object keys from the root, NULL-ended)
 * is read, checked as above and counted, and left out of the tree: a
 * J_SKIPPED node stands there.  For a member that is large and seldom
 * needed (a saved config's seccomp rules, spec_parse_saved()).  */
struct jdoc *json_parse_skipping(const char *text, size_t len, const char *const *skip,
				 struct error **err);
const struct jnode *json_root(const struct jdoc *doc);
void json_free(struct jdoc *doc);

enum jtype json_type(const struct jnode *n);

bool json_bool(const struct jnode *n);		     /* J_BOOL only */
const char *json_string(const struct jnode *n);	     /* J_STRING only */
const char *json_number_text(const struct jnode *n); /* J_NUMBER: as written */

/* J_ARRAY and J_OBJECT: number of elements / members; J_SKIPPED: of
 * elements */
size_t json_len(const struct jnode *n);
const struct jnode *json_at(const struct jnode *n, size_t i);
const char *json_key_at(const struct jnode *obj, size_t i);

/* The value of `key` in an object, or NULL when absent.  With a key given
 * twice the last one wins, as with the Go decoders the OCI tools use.  */
const struct jnode *json_get(const struct jnode *obj, const char *key);

#endif
