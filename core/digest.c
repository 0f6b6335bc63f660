/* SPDX-License-Identifier: Apache-2.0 */
/* core/digest.c — see digest.h: a thin wrapper, so nettle's headers (and
 * their macros) stay in one file.  */
#include <nettle/sha2.h>

#include "core/digest.h"

_Static_assert(sizeof(struct digest) >= sizeof(struct sha256_ctx), "struct digest too small");

void digest_init(struct digest *d)
{
	sha256_init((struct sha256_ctx *)d->opaque);
}

void digest_add(struct digest *d, const void *data, size_t len)
{
	sha256_update((struct sha256_ctx *)d->opaque, len, data);
}

void digest_done(struct digest *d, uint8_t out[DIGEST_LEN])
{
	sha256_digest((struct sha256_ctx *)d->opaque, DIGEST_LEN, out);
}

void digest_hex(const uint8_t digest[DIGEST_LEN], char out[2 * DIGEST_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < DIGEST_LEN; i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 15];
	}
	out[2 * DIGEST_LEN] = '\0';
}

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

bool digest_unhex(const char *hex, uint8_t out[DIGEST_LEN])
{
	for (size_t i = 0; i < DIGEST_LEN; i++) {
		int hi = nibble(hex[2 * i]), lo = hi < 0 ? -1 : nibble(hex[2 * i + 1]);

		if (lo < 0)
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return hex[2 * DIGEST_LEN] == '\0';
}
