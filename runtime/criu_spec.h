/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/criu_spec.h — a container's config, described to CRIU
 * (criu_spec.c), for checkpoint.c and restore.c.  */
#ifndef BERTH_RUNTIME_CRIU_SPEC_H
#define BERTH_RUNTIME_CRIU_SPEC_H

#include <sys/types.h>

#include "core/error.h"
#include "runtime/criu.h"
#include "spec/spec.h"

/* descriptors.json in the image dir: what the init's fds 0-2 were */
#define CRIU_DESCRIPTORS "descriptors.json"

/* Dump: bind mounts, masked files and device nodes as external mounts
 * (of the init `pid`).  Restore: each key bound from its host source
 * (a relative source is in `bundle`); the cgroup directory bound without
 * a cgroup namespace from `cgroup`, the restored container's (or NULL). */
void criu_spec_dump_mounts(struct criu_request *r, const struct spec *spec, pid_t pid);
void criu_spec_restore_mounts(struct criu_request *r, const struct spec *spec, const char *bundle,
			      const char *cgroup);

/* Dump: a joined network or pid namespace is external, by inode.
 * Restore: those two are passed as inherited fds (opened into fds[],
 * which CRIU gets as 4, 5, ...), the others joined by path.  */
int criu_spec_dump_namespaces(struct criu_request *r, const struct spec *spec, struct error **err);
int criu_spec_restore_namespaces(struct criu_request *r, const struct spec *spec, int *fds,
				 size_t *n_fds, struct error **err);

#endif
