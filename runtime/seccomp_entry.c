/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/seccomp_entry.c — the bytes of a seccomp cache entry
 * (seccomp_cache.c): a header (magic, length, key), the program, and the
 * SHA-256 of both.  Pure: no file is touched here.  */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "runtime/seccomp.h"

#define ENTRY_MAGIC "berthbpf"

struct entry_head {
	char magic[8];
	uint32_t len; /* instructions */
	uint32_t pad; /* 0: an entry has one spelling, the one format writes */
	uint8_t key[DIGEST_LEN];
};

static void entry_digest(const struct entry_head *h, const struct sock_filter *insns,
			 uint8_t out[DIGEST_LEN])
{
	struct digest d;

	digest_init(&d);
	digest_add(&d, h, sizeof(*h));
	digest_add(&d, insns, h->len * sizeof(*insns));
	digest_done(&d, out);
}

char *seccomp_entry_format(const uint8_t key[DIGEST_LEN], const struct seccomp_prog *prog,
			   size_t *len)
{
	struct entry_head h = {.len = (uint32_t)prog->len};
	size_t body = prog->len * sizeof(struct sock_filter);
	char *buf = xcalloc(sizeof(h) + body + DIGEST_LEN, 1);

	memcpy(h.magic, ENTRY_MAGIC, 8);
	memcpy(h.key, key, DIGEST_LEN);
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), prog->insns, body);
	entry_digest(&h, prog->insns, (uint8_t *)buf + sizeof(h) + body);
	*len = sizeof(h) + body + DIGEST_LEN;
	return buf;
}

int seccomp_entry_parse(const char *buf, size_t len, const uint8_t key[DIGEST_LEN],
			struct seccomp_prog *prog)
{
	struct entry_head h;
	uint8_t want[DIGEST_LEN];
	struct sock_filter *insns;
	size_t body;

	if (len < sizeof(h) + DIGEST_LEN || len > SECCOMP_ENTRY_MAX)
		return -1;
	memcpy(&h, buf, sizeof(h));
	body = len - sizeof(h) - DIGEST_LEN;
	if (memcmp(h.magic, ENTRY_MAGIC, 8) != 0 || h.pad != 0 || h.len == 0 ||
	    h.len > BPF_MAXINSNS || body != h.len * sizeof(struct sock_filter) ||
	    memcmp(h.key, key, DIGEST_LEN) != 0)
		return -1;
	insns = xcalloc(h.len, sizeof(struct sock_filter));
	memcpy(insns, buf + sizeof(h), body); /* aligned, whatever buf is */
	entry_digest(&h, insns, want);
	if (memcmp(want, buf + sizeof(h) + body, DIGEST_LEN) != 0) {
		free(insns);
		return -1;
	}
	prog->insns = insns;
	prog->len = h.len;
	return 0;
}
