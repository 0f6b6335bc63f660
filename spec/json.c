/* spec/json.c — JSON text to a read-only tree, on top of yajl's tree API.
 *
 * Owns every use of yajl in berth.  A cheap pre-scan runs before yajl and
 * rejects what yajl would accept but berth must not: NUL bytes and
 * "\u0000" escapes (yajl_tree stores NUL-terminated strings, so "/a\u0000b"
 * would silently become "/a"), comments (yajl_tree enables them; JSON has
 * none), and nesting deeper than JSON_MAX_DEPTH (yajl_tree_free recurses,
 * so a megabyte of '[' would overflow the stack).  */
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "core/cleanup.h"
#include "spec/json.h"

/* struct jnode is never defined: a `struct jnode *` is a yajl_val. */
static yajl_val V(const struct jnode *n)
{
	return (yajl_val)(void *)n;
}

static const struct jnode *N(yajl_val v)
{
	return (const struct jnode *)(void *)v;
}

static bool is_hex_zero(const char *p, const char *end)
{
	if (end - p < 4)
		return false;
	return p[0] == '0' && p[1] == '0' && p[2] == '0' && p[3] == '0';
}

/* Returns NULL when the text may go to yajl, else the reason. */
static const char *prescan(const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	bool in_string = false;
	int depth = 0;

	for (; p < end; p++) {
		char c = *p;

		if (c == '\0')
			return "contains a NUL byte";
		if (in_string) {
			if (c == '"')
				in_string = false;
			else if (c == '\\' && p + 1 < end) {
				p++;
				if (*p == 'u' && is_hex_zero(p + 1, end))
					return "string contains \\u0000";
				if (*p == '\0')
					return "contains a NUL byte";
			}
			continue;
		}
		switch (c) {
		case '"':
			in_string = true;
			break;
		case '[':
		case '{':
			if (++depth > JSON_MAX_DEPTH)
				return "nested too deeply";
			break;
		case ']':
		case '}':
			depth--;
			break;
		case '/':
			return "comments are not allowed";
		}
	}
	return NULL;
}

/* yajl's verbose text is "parse error: <what>\n<context>\n<caret>\n":
 * keep <what>, on one line.  */
static void one_line(char *msg)
{
	static const char *const prefixes[] = { "parse error: ",
						"lexical error: " };
	char *nl = strchr(msg, '\n');

	if (nl != NULL)
		*nl = '\0';
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t n = strlen(prefixes[i]);

		if (strncmp(msg, prefixes[i], n) == 0) {
			memmove(msg, msg + n, strlen(msg + n) + 1);
			break;
		}
	}
}

struct jnode *json_parse(const char *text, size_t len, struct error **err)
{
	cleanup_free char *copy = NULL;
	const char *why = prescan(text, len);
	char errbuf[256] = "";
	yajl_val root;

	if (why != NULL) {
		error_set(err, 0, "invalid JSON: %s", why);
		return NULL;
	}
	copy = malloc(len + 1);
	if (copy == NULL) {
		error_set(err, ENOMEM, "invalid JSON");
		return NULL;
	}
	memcpy(copy, text, len);
	copy[len] = '\0';
	root = yajl_tree_parse(copy, errbuf, sizeof(errbuf));
	if (root == NULL) {
		one_line(errbuf);
		error_set(err, 0, "invalid JSON: %s",
			  errbuf[0] != '\0' ? errbuf : "unknown error");
		return NULL;
	}
	return (struct jnode *)(void *)root;
}

void json_free(struct jnode *root)
{
	if (root != NULL)
		yajl_tree_free(V(root));
}

enum jtype json_type(const struct jnode *n)
{
	switch (V(n)->type) {
	case yajl_t_string:
		return J_STRING;
	case yajl_t_number:
		return J_NUMBER;
	case yajl_t_object:
		return J_OBJECT;
	case yajl_t_array:
		return J_ARRAY;
	case yajl_t_true:
	case yajl_t_false:
		return J_BOOL;
	default:
		return J_NULL;
	}
}

bool json_bool(const struct jnode *n)
{
	return V(n)->type == yajl_t_true;
}

const char *json_string(const struct jnode *n)
{
	return V(n)->u.string;
}

const char *json_number_text(const struct jnode *n)
{
	return V(n)->u.number.r;
}

size_t json_len(const struct jnode *n)
{
	yajl_val v = V(n);

	if (v->type == yajl_t_array)
		return v->u.array.len;
	if (v->type == yajl_t_object)
		return v->u.object.len;
	return 0;
}

const struct jnode *json_at(const struct jnode *n, size_t i)
{
	yajl_val v = V(n);

	if (v->type == yajl_t_array)
		return N(v->u.array.values[i]);
	return N(v->u.object.values[i]);
}

const char *json_key_at(const struct jnode *obj, size_t i)
{
	return V(obj)->u.object.keys[i];
}

const struct jnode *json_get(const struct jnode *obj, const char *key)
{
	yajl_val v = V(obj);

	for (size_t i = v->u.object.len; i-- > 0;)
		if (strcmp(v->u.object.keys[i], key) == 0)
			return N(v->u.object.values[i]);
	return NULL;
}
