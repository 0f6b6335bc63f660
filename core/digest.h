/* SPDX-License-Identifier: Apache-2.0 */
/* core/digest.h — SHA-256 digests (nettle's), for content addresses and
 * integrity checks of what berth keeps on disk.  */
#ifndef BERTH_CORE_DIGEST_H
#define BERTH_CORE_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DIGEST_LEN 32 /* SHA-256 */

struct digest {
	uint64_t opaque[16]; /* nettle's sha256_ctx, kept out of this header */
};

void digest_init(struct digest *d);
void digest_add(struct digest *d, const void *data, size_t len);
void digest_done(struct digest *d, uint8_t out[DIGEST_LEN]);

/* 64 lowercase hex digits and a NUL */
void digest_hex(const uint8_t digest[DIGEST_LEN], char out[2 * DIGEST_LEN + 1]);

/* The other way: true for exactly 64 lowercase hex digits (digest_hex's
 * spelling, no other), their bytes in `out`.  */
bool digest_unhex(const char *hex, uint8_t out[DIGEST_LEN]);

#endif
