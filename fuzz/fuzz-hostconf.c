/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz/fuzz-hostconf.c — libFuzzer target: spec_hostconf_parse(), the
 * administrator's settings file.  A parse either succeeds without an
 * error or fails with a one-line message that names the file.  */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spec/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct spec_hostconf conf;
	struct error *err = NULL;

	memcpy(text, data, size);
	text[size] = '\0';
	if (spec_hostconf_parse(text, "berth.conf", &conf, &err) == 0) {
		if (err != NULL)
			abort();
	} else if (err == NULL || strncmp(err->msg, "berth.conf:", 11) != 0 ||
		   strchr(err->msg, '\n') != NULL) {
		abort();
	}
	error_free(err);
	free(text);
	return 0;
}
