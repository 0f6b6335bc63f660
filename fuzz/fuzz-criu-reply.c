/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz/fuzz-criu-reply.c — libFuzzer target: a datagram from `criu swrk`
 * decoded by runtime/criu_msg.c (protobuf-c's generated decoder, then
 * berth's checks).  Whatever comes in: no crash, no leak, and a decoded
 * reply's strings fit and are NUL-terminated.  */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/criu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct criu_reply r;
	struct error *err = NULL;

	if (criu_reply_parse(data, size, &r, &err) < 0) {
		if (err == NULL || err->msg == NULL)
			abort();
		error_free(err);
		return 0;
	}
	if (memchr(r.errmsg, '\0', sizeof(r.errmsg)) == NULL ||
	    memchr(r.script, '\0', sizeof(r.script)) == NULL)
		abort();
	return 0;
}
