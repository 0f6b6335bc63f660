/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/criu_image.c — berth's own records in a checkpoint's image dir,
 * read back by the restore: the bridged container's address
 * (CRIU_NETWORK) and the joined network namespace's inode (CRIU_NETNS).
 * An image dir may come from another host or another user (podman's
 * --export/--import), so both are checked, never trusted.  Pure: text
 * in, values out; fuzz/fuzz-criu-image.c feeds it anything.  */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <string.h>

#include "runtime/criu.h"

/* the text is one line: `len` bytes, at most one '\n', and only last */
static bool one_line(const char *text, size_t len, size_t *n)
{
	const char *nl = memchr(text, '\n', len);

	if (memchr(text, '\0', len) != NULL)
		return false;
	*n = nl != NULL ? (size_t)(nl - text) : len;
	return nl == NULL || *n == len - 1;
}

int criu_image_address(const char *text, size_t len, char out[CRIU_ADDR_LEN], struct error **err)
{
	struct in_addr a;
	size_t n;

	out[0] = '\0';
	if (!one_line(text, len, &n) || n >= CRIU_ADDR_LEN)
		return error_set(err, 0, "checkpoint image: '%s' is not one address", CRIU_NETWORK);
	memcpy(out, text, n);
	out[n] = '\0';
	if (n > 0 && inet_pton(AF_INET, out, &a) != 1) {
		out[0] = '\0';
		return error_set(err, 0, "checkpoint image: '%s' is not one address", CRIU_NETWORK);
	}
	return 0;
}

bool criu_image_netns_is(const char *text, size_t len, unsigned long long ino)
{
	unsigned long long v = 0;
	size_t n;

	/* as berth writes it: "%llu", no sign, no leading zero */
	if (!one_line(text, len, &n) || n == 0 || n > 20 || (n > 1 && text[0] == '0'))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned d;

		if (!isdigit((unsigned char)text[i]))
			return false;
		d = (unsigned)(text[i] - '0');
		if (v > (~0ULL - d) / 10)
			return false;
		v = v * 10 + d;
	}
	return v == ino;
}
