/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz/fuzz-process.c — libFuzzer target: an exec process JSON through
 * spec_process_parse().  Refusals must be one line starting with the
 * source name; accepted processes must have args, env and an absolute
 * cwd.  */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spec/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct error *err = NULL;
	struct spec_process *p = spec_process_parse((const char *)data, size, "process.json", &err);

	if (p != NULL) {
		if (err != NULL || p->args == NULL || p->args[0] == NULL || p->env == NULL ||
		    p->cwd == NULL || p->cwd[0] != '/')
			abort();
		for (size_t i = 1; i < p->n_rlimits; i++)
			for (size_t j = 0; j < i; j++)
				if (p->rlimits[i].resource == p->rlimits[j].resource)
					abort();
		for (size_t i = 0; i < p->n_rlimits; i++)
			if (p->rlimits[i].soft > p->rlimits[i].hard)
				abort();
	} else if (err == NULL || strncmp(err->msg, "process.json: ", 14) != 0 ||
		   strchr(err->msg, '\n') != NULL) {
		abort();
	}
	spec_process_free(p);
	error_free(err);
	return 0;
}
