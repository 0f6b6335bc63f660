/* SPDX-License-Identifier: Apache-2.0 */
/* tests/unit/test-core-jsonw.c — string escaping in core/jsonw.c: quotes,
 * backslashes and control characters escaped wherever they stand (first,
 * last, in a row), everything else (UTF-8 included) copied as it is.  */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "core/jsonw.h"
#include "tests/unit/tap.h"

static void check_str(const char *in, const char *want)
{
	struct jsonw *w = jsonw_new();

	jsonw_str(w, in);
	CHECK(strcmp(jsonw_buf(w), want) == 0, "%s -> %s", want, jsonw_buf(w));
	jsonw_free(w);
}

static void test_strings(void)
{
	char all[32], want[256] = "\"";

	check_str("", "\"\"");
	check_str("plain text", "\"plain text\"");
	check_str("\"quoted\"", "\"\\\"quoted\\\"\"");
	check_str("a\\b\\\\", "\"a\\\\b\\\\\\\\\"");
	check_str("\n\r\t", "\"\\n\\r\\t\"");
	check_str("tab\tin\tmiddle", "\"tab\\tin\\tmiddle\"");
	check_str("é☃ \x7f", "\"é☃ \x7f\"");
	/* every other control character, as \u00XX */
	for (int c = 1; c < 0x20; c++)
		all[c - 1] = (char)c;
	all[0x1f] = '\0';
	for (int c = 1; c < 0x20; c++) {
		char one[8];

		if (c == '\n')
			strcpy(one, "\\n");
		else if (c == '\r')
			strcpy(one, "\\r");
		else if (c == '\t')
			strcpy(one, "\\t");
		else
			snprintf(one, sizeof(one), "\\u%04x", c);
		strcat(want, one);
	}
	strcat(want, "\"");
	check_str(all, want);
}

static void test_key(void)
{
	struct jsonw *w = jsonw_new();

	jsonw_obj_open(w);
	jsonw_kv_str(w, "k\"ey", "v\\al");
	jsonw_obj_close(w);
	CHECK(strstr(jsonw_buf(w), "\"k\\\"ey\"") != NULL &&
		      strstr(jsonw_buf(w), "\"v\\\\al\"") != NULL,
	      "%s", jsonw_buf(w));
	jsonw_free(w);
}

int main(void)
{
	test_strings();
	test_key();
	return tap_done();
}
