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

/* the NT_GNU_BUILD_ID note of one PT_NOTE segment, if it has one */
static bool in_segment(const char *p, size_t size, size_t align, struct found *f)
{
	const char *end = p + size;

	while ((size_t)(end - p) >= sizeof(ElfW(Nhdr))) {
		const ElfW(Nhdr) *n = (const ElfW(Nhdr) *)(const void *)p;
		size_t name_at = sizeof(*n), desc_at = name_at + align_up(n->n_namesz, align);
		size_t next = desc_at + align_up(n->n_descsz, align);

		if (n->n_namesz > size || n->n_descsz > size || next > (size_t)(end - p))
			return false;
		if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 &&
		    memcmp(p + name_at, "GNU", 4) == 0 && n->n_descsz > 0) {
			f->id = (const uint8_t *)(p + desc_at);
			f->len = n->n_descsz;
			return true;
		}
		p += next;
	}
	return false;
}

static int visit(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	for (size_t i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		/* notes are 4- or 8-byte aligned (.note.gnu.property: 8) */
		size_t align = ph->p_align == 8 ? 8 : 4;

		if (ph->p_type == PT_NOTE &&
		    in_segment((const char *)(info->dlpi_addr + ph->p_vaddr), ph->p_memsz, align,
			       data))
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
