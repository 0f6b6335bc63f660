/* SPDX-License-Identifier: Apache-2.0 */
/* core/mem.c — allocation that aborts on failure, and string vectors
 * (mem.h).  */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/mem.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14 */
#endif
#define HEAP_PREFAULT_MAX (1024 * 1024)

/* The C library's first sbrk made a heap of ~132 KB (its 128 KB of top
 * pad), of which an exec or a run touches most pages; each first touch
 * is a page fault, ~10 µs in a VM with shadow page tables, against
 * ~0.7 µs a page populated in one call.  The range is from the page of a
 * fresh allocation to the break: nothing when malloc is not the break's
 * (a sanitizer's, or a heap already past the first sbrk).  */
void mem_prefault_heap(void)
{
#if !defined(__SANITIZE_ADDRESS__)
	char *p = malloc(1);
	char *end = sbrk(0);
	uintptr_t start = (uintptr_t)p & ~(uintptr_t)(sysconf(_SC_PAGESIZE) - 1);

	if (p != NULL && end != (char *)-1 && (uintptr_t)end > start &&
	    (uintptr_t)end - start <= HEAP_PREFAULT_MAX)
		(void)madvise((void *)start, (uintptr_t)end - start, MADV_POPULATE_WRITE);
	free(p);
#endif
}

size_t strv_len(char *const *v)
{
	size_t n = 0;

	while (v != NULL && v[n] != NULL)
		n++;
	return n;
}

char **strv_dup(char *const *v)
{
	size_t n = strv_len(v);
	char **out = xcalloc(n + 1, sizeof(char *));

	for (size_t i = 0; i < n; i++)
		out[i] = xstrdup(v[i]);
	return out;
}

void strv_free(char **v)
{
	if (v == NULL)
		return;
	for (char **s = v; *s != NULL; s++)
		free(*s);
	free(v);
}

char *xasprintf(const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	return s;
}

char *xstrdup(const char *s)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = strdup(s);
	if (d == NULL)
		abort();
	return d;
}

char *xstrndup(const char *s, size_t n)
{
	char *d = strndup(s, n);

	if (d == NULL)
		abort();
	return d;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size);

	if (p == NULL)
		abort();
	return p;
}

void *xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size == 0 ? 1 : size);

	if (q == NULL)
		abort();
	return q;
}

void *xreallocarray(void *p, size_t n, size_t size)
{
	void *q = reallocarray(p, n == 0 ? 1 : n, size == 0 ? 1 : size);

	if (q == NULL)
		abort();
	return q;
}
