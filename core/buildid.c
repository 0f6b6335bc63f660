/* SPDX-License-Identifier: Apache-2.0 */
/* core/buildid.c — the running program's GNU build ID, read from its
 * PT_NOTE segments in memory (dl_iterate_phdr: the static binary and the
 * dynamic ASan build alike).  */
#define _GNU_SOURCE
#include <elf.h>
#include <link.h>
#include <stdbool.h>
#include <string.h>

#include "core/buildid.h"

struct found {
	const uint8_t *id;
	size_t len;
};

static size_t align_up(size_t n, size_t a)
{
	return (n + a - 1) & ~(a - 1);
}

bool build_id_in_notes(const void *notes, size_t size, size_t align, const uint8_t **id,
		       size_t *len)
{
	const char *p = notes, *end = p + size;

	while ((size_t)(end - p) >= sizeof(ElfW(Nhdr))) {
		const ElfW(Nhdr) *n = (const ElfW(Nhdr) *)(const void *)p;
		size_t name_at = sizeof(*n), desc_at, next;

		/* sizes first, so that nothing below can wrap */
		if (n->n_namesz > size || n->n_descsz > size)
			return false;
		/* the gABI's layout: the descriptor and the next note each start
		 * at the segment's alignment, counted from the note's start */
		desc_at = align_up(name_at + n->n_namesz, align);
		next = align_up(desc_at + n->n_descsz, align);
		if (next > (size_t)(end - p))
			return false;
		if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 &&
		    memcmp(p + name_at, "GNU", 4) == 0 && n->n_descsz > 0) {
			*id = (const uint8_t *)(p + desc_at);
			*len = n->n_descsz;
			return true;
		}
		p += next;
	}
	return false;
}

static int visit(struct dl_phdr_info *info, size_t size, void *data)
{
	struct found *f = data;

	(void)size;
	for (size_t i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		/* notes are 4- or 8-byte aligned (.note.gnu.property: 8) */
		size_t align = ph->p_align == 8 ? 8 : 4;

		if (ph->p_type == PT_NOTE &&
		    build_id_in_notes((const void *)(info->dlpi_addr + ph->p_vaddr), ph->p_memsz,
				      align, &f->id, &f->len))
			break;
	}
	return 1; /* the first object listed is the program itself */
}

bool build_id_self(const uint8_t **id, size_t *len)
{
	static struct found f;
	static bool looked;

	if (!looked) {
		dl_iterate_phdr(visit, &f);
		looked = true;
	}
	if (f.id == NULL)
		return false;
	*id = f.id;
	*len = f.len;
	return true;
}
