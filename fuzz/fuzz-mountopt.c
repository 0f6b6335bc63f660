/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz/fuzz-mountopt.c — libFuzzer target: spec_mount_options_decode().
 * Input: the mount type on the first line (empty: none), then one option
 * per line.  A flag is never both set and cleared, "bind" agrees with
 * MS_BIND, and data never holds an option the tables know.  */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "spec/spec.h"

#define MAX_OPTIONS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *save = NULL, *line;
	char *options[MAX_OPTIONS + 1];
	struct spec_mount m = {0};
	struct error *err = NULL;
	size_t n = 0;

	memcpy(text, data, size);
	text[size] = '\0';
	line = strchr(text, '\n');
	if (line != NULL) {
		*line++ = '\0';
		for (char *o = strtok_r(line, "\n", &save); o && n < MAX_OPTIONS;
		     o = strtok_r(NULL, "\n", &save))
			options[n++] = o;
	}
	options[n] = NULL;
	m.type = text[0] != '\0' ? text : NULL;
	if (spec_mount_options_decode(&m, options, "mounts[0].options", &err) == 0) {
		if (err != NULL || (m.flags & m.clear_flags) != 0 ||
		    m.bind != ((m.flags & MS_BIND) != 0))
			abort();
		if ((m.rec_attr_set & m.rec_attr_clr & ~MOUNT_ATTR__ATIME) != 0)
			abort();
		if (m.data != NULL && (strcmp(m.data, "ro") == 0 || strcmp(m.data, "rbind") == 0 ||
				       m.data[0] == '\0'))
			abort();
	} else if (err == NULL || strchr(err->msg, '\n') != NULL) {
		abort();
	}
	free(m.data);
	error_free(err);
	free(text);
	return 0;
}
