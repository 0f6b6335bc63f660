/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/notify_message.c — which lines of a container's sd_notify
 * datagram reach the caller (notify.h).  Pure: no fd, no allocation, so
 * fuzz/fuzz-notify.c runs it on any bytes.  The sockets: notify.c.  */
#define _GNU_SOURCE
#include <string.h>

#include "runtime/notify.h"

/* Only these reach the caller: MAINPID is berth's to say (a pid of the
 * container's namespace means nothing on the host), and the fd store
 * and barrier keys would need the fds, which are never passed on.  */
static bool relayed(const char *line, size_t n)
{
	static const char *const keys[] = {
		"READY=",     "STATUS=",   "ERRNO=",	"BUSERROR=",	  "EXTEND_TIMEOUT_USEC=",
		"RELOADING=", "STOPPING=", "WATCHDOG=", "WATCHDOG_USEC=", "MONOTONIC_USEC=",
	};

	/* a NUL would cut the line short in the caller's parser */
	if (memchr(line, '\0', n) != NULL)
		return false;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (n >= strlen(keys[i]) && strncmp(line, keys[i], strlen(keys[i])) == 0)
			return true;
	return false;
}

size_t notify_filter_message(const char *in, size_t len, char *out, size_t size, bool *ready)
{
	size_t o = 0;

	*ready = false;
	for (size_t at = 0; at < len;) {
		const char *nl = memchr(in + at, '\n', len - at);
		size_t n = nl != NULL ? (size_t)(nl - (in + at)) : len - at;

		/* the line, its newline and the final NUL must fit */
		if (n > 0 && relayed(in + at, n) && o + n + 2 <= size) {
			memcpy(out + o, in + at, n);
			o += n;
			out[o++] = '\n';
			if (n == strlen("READY=1") && strncmp(in + at, "READY=1", n) == 0)
				*ready = true;
		}
		at += n + 1;
	}
	if (size > 0)
		out[o] = '\0';
	return o;
}
