/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz/fuzz-seccomp-cache.c — libFuzzer target: a seccomp cache entry
 * (runtime/seccomp_entry.c).  The first 32 bytes are the key asked for,
 * the rest the entry's bytes.  A parse succeeds only for an entry that
 * formats back to the same bytes; whatever it takes is a program of at
 * most BPF_MAXINSNS instructions.  */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/seccomp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seccomp_prog prog = {0};
	char *again;
	size_t len;

	if (size < DIGEST_LEN)
		return 0;
	if (seccomp_entry_parse((const char *)data + DIGEST_LEN, size - DIGEST_LEN, data, &prog) ==
	    0) {
		if (prog.len == 0 || prog.len > BPF_MAXINSNS)
			abort();
		again = seccomp_entry_format(data, &prog, &len);
		if (len != size - DIGEST_LEN || memcmp(again, data + DIGEST_LEN, len) != 0)
			abort();
		free(again);
		free(prog.insns);
	}
	return 0;
}
