/* SPDX-License-Identifier: Apache-2.0 */
/* core/mem.h — allocation that aborts on failure (berth's allocations
 * are small and short-lived: out of memory is not an error to report but
 * a reason to stop), and NULL-terminated string vectors.  */
#ifndef BERTH_CORE_MEM_H
#define BERTH_CORE_MEM_H

#include <stddef.h>

/* NULL-terminated string vectors */
size_t strv_len(char *const *v);
char **strv_dup(char *const *v);
void strv_free(char **v);

/* asprintf that aborts on allocation failure (for short internal paths) */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
/* realloc of n elements of `size` bytes, failing (aborting) on overflow */
void *xreallocarray(void *p, size_t n, size_t size);

/* the heap the C library made at its start, faulted in at once (mem.c) */
void mem_prefault_heap(void);

#endif
