/* SPDX-License-Identifier: Apache-2.0 */
/* core/error.c — building and chaining struct error.  Allocation failures
 * fall back to a static text: an error path must never crash.  */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

static char oom_text[] = "out of memory";

static void msg_free(char *msg)
{
	if (msg != oom_text)
		free(msg);
}

static struct error *error_alloc(struct error **err)
{
	if (*err == NULL) {
		*err = calloc(1, sizeof(**err));
		if (*err == NULL)
			abort(); /* nothing sensible is left to report with */
	}
	return *err;
}

int error_set(struct error **err, int errnum, const char *fmt, ...)
{
	struct error *e;
	char *text = NULL, *full = NULL;
	va_list ap;
	int n;

	if (err == NULL) /* the caller does not want the details */
		return -1;
	e = error_alloc(err);
	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		text = NULL;
	if (text != NULL && errnum != 0) {
		if (asprintf(&full, "%s: %s", text, strerror(errnum)) < 0)
			full = NULL;
		free(text);
		text = full;
	}
	msg_free(e->msg);
	e->msg = text != NULL ? text : oom_text;
	e->errnum = errnum;
	e->status = 0;
	return -1;
}

int error_wrap(struct error **err, const char *fmt, ...)
{
	struct error *e;
	char *prefix = NULL, *full = NULL;
	va_list ap;
	int n;

	if (err == NULL)
		return -1;
	e = error_alloc(err);
	va_start(ap, fmt);
	n = vasprintf(&prefix, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if (e->msg == NULL || e->msg[0] == '\0')
		n = asprintf(&full, "%s", prefix);
	else
		n = asprintf(&full, "%s: %s", prefix, e->msg);
	free(prefix);
	if (n < 0)
		return -1;
	msg_free(e->msg);
	e->msg = full;
	return -1;
}

int error_from_text(struct error **err, int errnum, const char *text)
{
	char *dup = strdup(text);

	error_alloc(err);
	msg_free((*err)->msg);
	(*err)->msg = dup != NULL ? dup : oom_text;
	(*err)->errnum = errnum;
	(*err)->status = 0;
	/* dup now belongs to *err, which the caller frees */
	// cppcheck-suppress memleak
	return -1;
}

void error_free(struct error *err)
{
	if (err == NULL)
		return;
	msg_free(err->msg);
	free(err);
}

void error_freep(struct error **err)
{
	error_free(*err);
	*err = NULL;
}
