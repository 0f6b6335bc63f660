/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/hooks.h — running OCI hooks.  */
#ifndef BERTH_RUNTIME_HOOKS_H
#define BERTH_RUNTIME_HOOKS_H

#include "core/error.h"
#include "spec/spec.h"

/* Run every hook of `kind` in order, each with `state_json` on stdin,
 * its own args and env, and its timeout.  The first failure stops the
 * list: "prestart hook #1 '/bin/foo': exited with status 3: <stderr>". */
int hooks_run(const struct spec *spec, enum spec_hook_kind kind, const char *state_json,
	      struct error **err);

/* The same, but failures are logged as warnings and the list goes on
 * (poststart, poststop: the runtime-spec says so).  */
void hooks_run_warn(const struct spec *spec, enum spec_hook_kind kind, const char *state_json);

#endif
