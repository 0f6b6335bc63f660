/* SPDX-License-Identifier: Apache-2.0 */
/* core/buildid.h — the running berth's own GNU build ID.
 *
 * The linker hashes the whole program into it (Makefile: --build-id=sha1),
 * so two builds that differ in any byte of code have different IDs, where
 * the commit they were built from may be the same: an uncommitted change,
 * or an object an incremental build did not recompile.  What berth keeps
 * on disk that only this build may read back (the compiled seccomp
 * filters) is keyed by it.  */
#ifndef BERTH_CORE_BUILDID_H
#define BERTH_CORE_BUILDID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* the ID's bytes (in the program's own memory) and their count; false,
 * leaving both alone, when the program was linked without one */
bool build_id_self(const uint8_t **id, size_t *len);

/* The NT_GNU_BUILD_ID note among the notes of one PT_NOTE segment of
 * `size` bytes whose notes are `align`-aligned (4, or 8 for
 * .note.gnu.property's): its descriptor and length; false when there is
 * none or a note runs past the end.  */
bool build_id_in_notes(const void *notes, size_t size, size_t align, const uint8_t **id,
		       size_t *len);

#endif
