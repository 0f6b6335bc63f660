/* SPDX-License-Identifier: Apache-2.0 */
/* spec/internal.h — how spec/'s files call each other (private to spec/).
 *
 *   config.c     entry points, the top-level object, root, mounts, hooks
 *   process.c    "process" (also exec's process JSON)
 *   linux.c      "linux" minus resources and seccomp
 *   resources.c  "linux.resources" (also update's resources JSON)
 *   seccomp.c    "linux.seccomp"
 *   mountopt.c   mount option strings to flags
 *   validate.c   rules that span sections (namespaces vs hostname ...)
 *   free.c       releasing all of the above
 *   names.c      capability, signal, namespace, rlimit, hook names
 *   defaults.c   the config `berth spec` writes
 *   state.c      state.json, berth's own state file (read and written)
 *   hostconf.c   the administrator's settings file (not JSON)
 *   image.c      container images' JSON (index, manifest, config)
 *   decode.c     the table-driven JSON decoder; json.c wraps yajl  */
#ifndef BERTH_SPEC_INTERNAL_H
#define BERTH_SPEC_INTERNAL_H

#include "spec/decode.h"
#include "spec/spec.h"

/* Field decoders for the big sections; `out` points at the struct. */
int spec_dec_process(struct dec *d, const struct jnode *v, void *out);
int spec_dec_linux(struct dec *d, const struct jnode *v, void *out);
int spec_dec_resources(struct dec *d, const struct jnode *v, void *out);
/* out: struct spec_seccomp ** (left NULL for an empty, disabled filter) */
int spec_dec_seccomp(struct dec *d, const struct jnode *v, void *out);
/* uid/gid mappings (linux.uidMappings, a mount's uidMappings) */
int spec_dec_idmaps(struct dec *d, const struct jnode *v, struct spec_idmap **maps, size_t *n);

/* Parse `json` and run `decode` on its root; errors get `source:`. */
int spec_parse_with(const char *json, size_t len, const char *source,
		    int (*decode)(struct dec *, const struct jnode *, void *), void *out,
		    struct error **err);

/* Checks that need more than one section; errors are "<path>: <reason>". */
int spec_validate(const struct spec *spec, struct error **err);

/* Release what a struct points to, not the struct itself. */
void spec_process_clear(struct spec_process *p);
void spec_resources_clear(struct spec_resources *r);

bool spec_ns_lookup(const char *name, enum spec_ns *ns);
bool spec_capability_lookup(const char *name, int *cap);
bool spec_rlimit_lookup(const char *name, int *resource);

#endif
