/* SPDX-License-Identifier: Apache-2.0 */
/* tests/unit/tap.h — the unit tests speak TAP (the Test Anything
 * Protocol) and run under prove(1): one "ok N - what" or "not ok N - what"
 * line per check, diagnostics on "# " lines, and the plan "1..N" last.  A
 * test that dies before its plan, or prints nothing, fails under prove.
 *
 *   CHECK(cond);                       what: the expression
 *   CHECK(cond, "fmt", args...);       what: the formatted text  */
#ifndef BERTH_TESTS_TAP_H
#define BERTH_TESTS_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static int tap_count, tap_failed;

__attribute__((format(printf, 5, 6))) static inline void
tap_check(bool ok, const char *file, int line, const char *expr, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	/* fmt is " " and the caller's format: never empty, for -Wformat */
	if (fmt[1] == '\0') {
		snprintf(text, sizeof(text), "%s", expr);
	} else {
		va_start(ap, fmt);
		vsnprintf(text, sizeof(text), fmt + 1, ap);
		va_end(ap);
	}
	/* one line per check, whatever the message holds */
	for (char *p = text; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	printf("%sok %d - %s:%d: %s\n", ok ? "" : "not ", ++tap_count, file, line, text);
	if (!ok)
		tap_failed++;
	fflush(stdout);
}

/* the condition first, on its own: the message may read what it set */
#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		bool tap_ok_ = (cond);                                                             \
		tap_check(tap_ok_, __FILE__, __LINE__, #cond, " " __VA_ARGS__);                    \
	} while (0)

/* a diagnostic line */
#define TAP_NOTE(...) (printf("# " __VA_ARGS__), putchar('\n'))

/* the plan, last; the exit status */
static inline int tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed != 0;
}

/* nothing to test on this host: a plan of none, with the reason */
static inline int tap_skip_all(const char *why)
{
	printf("1..0 # SKIP %s\n", why);
	return 0;
}

#endif
