/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz/fuzz-procstat.c — libFuzzer target: proc_stat_parse() (core/
 * procstat.c), a line of /proc/PID/stat whose command a process chooses.
 * Whatever comes in: an accepted line gives a NUL-terminated command that
 * is the text between the first '(' and the last ')' (cut to fit).  */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/procstat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1);
	struct proc_stat ps;

	memcpy(line, data, size);
	line[size] = '\0';
	memset(&ps, 0x55, sizeof(ps));
	if (proc_stat_parse(line, &ps)) {
		const char *open_paren = strchr(line, '(');
		size_t n = strnlen(ps.comm, sizeof(ps.comm));

		if (n == sizeof(ps.comm) || open_paren == NULL ||
		    strncmp(open_paren + 1, ps.comm, n) != 0 || strrchr(line, ')') < open_paren)
			abort();
	}
	free(line);
	return 0;
}
