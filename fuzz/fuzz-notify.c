/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz/fuzz-notify.c — libFuzzer target: the lines of an sd_notify
 * datagram a container sent that berth relays (runtime/notify_message.c).
 * Whatever comes in, what goes out fits its buffer, is NUL-terminated,
 * holds no MAINPID= line and no NUL, and says READY only when a
 * READY=1 line went out.  */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/notify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a small buffer too: lines that do not fit are dropped, not cut */
	size_t room = size > 0 ? data[0] % 64 + 1 : 64;
	char *out = malloc(room);
	bool ready;
	size_t n = notify_filter_message((const char *)data, size, out, room, &ready);

	if (n >= room || out[n] != '\0' || strlen(out) != n)
		abort();
	if ((n > 0 && out[n - 1] != '\n') || strstr(out, "MAINPID=") == out ||
	    strstr(out, "\nMAINPID=") != NULL)
		abort();
	if (ready != (strncmp(out, "READY=1\n", 8) == 0 || strstr(out, "\nREADY=1\n") != NULL))
		abort();
	free(out);
	return 0;
}
