/* runtime/annotations.h — org.berth.* annotations of a bundle.  */
#ifndef BERTH_RUNTIME_ANNOTATIONS_H
#define BERTH_RUNTIME_ANNOTATIONS_H

#include <stdbool.h>

#include "core/error.h"
#include "netns/netns.h"
#include "spec/spec.h"

struct berth_ext {
	char **layers; /* lowest first, or NULL */
	bool overlay_tmpfs;
	bool has_net;
	struct netns_request net; /* strings point into the spec */
};

/* Read the org.berth.* annotations; `allow_host` false refuses those that
 * reach the host (layers, network).  */
int berth_ext_read(const struct spec *spec, bool allow_host, struct berth_ext *ext,
		   struct error **err);
void berth_ext_clear(struct berth_ext *ext);

#endif
