/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz/fuzz-resources.c — libFuzzer target: an update resources JSON
 * through spec_resources_parse().  Accepted documents must respect the
 * ranges the cgroups module relies on.  */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spec/spec.h"

static void check_accepted(const struct spec_resources *r)
{
	for (size_t i = 0; i < r->n_devices; i++) {
		const struct spec_dev_rule *d = &r->devices[i];

		if (strchr("acb", d->type) == NULL || d->type == '\0' || d->major < -1 ||
		    d->minor < -1 || d->access > 7)
			abort();
	}
	if (r->memory.swappiness.set && r->memory.swappiness.v > 100)
		abort();
	if (r->blkio.weight.set && r->blkio.weight.v != 0 &&
	    (r->blkio.weight.v < 10 || r->blkio.weight.v > 1000))
		abort();
	for (size_t i = 0; i < r->n_unified; i++)
		if (strchr(r->unified_keys[i], '/') != NULL || r->unified_keys[i][0] == '\0')
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct error *err = NULL;
	struct spec_resources *r =
		spec_resources_parse((const char *)data, size, "resources.json", &err);

	if (r != NULL) {
		if (err != NULL)
			abort();
		check_accepted(r);
	} else if (err == NULL || strncmp(err->msg, "resources.json: ", 16) != 0 ||
		   strchr(err->msg, '\n') != NULL) {
		abort();
	}
	spec_resources_free(r);
	error_free(err);
	return 0;
}
