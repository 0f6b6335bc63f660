/* SPDX-License-Identifier: Apache-2.0 */
/* core/log.h — berth's diagnostics.
 *
 * `--log FILE` is opened first thing (callers such as containerd read it even
 * when nothing fails), `--log-format json` writes one object per line:
 *   {"level":"error","msg":"...","time":"2026-11-26T10:00:00.123456789Z"}
 * Only cmd/main.c logs errors (one per failed command: podman reads the
 * file as a single object).  Warnings and debug lines go to the log file
 * when there is one, else to stderr; debug lines only with --debug.  */
#ifndef BERTH_CORE_LOG_H
#define BERTH_CORE_LOG_H

#include <stdbool.h>

#include "core/error.h"

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* path may be NULL (stderr only); json selects the JSON line format */
int log_open(const char *path, bool json, bool debug, struct error **err);
void log_close(void);
bool log_debug_enabled(void);

void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...)                                                                             \
	do {                                                                                       \
		if (log_debug_enabled())                                                           \
			log_msg(LOG_DEBUG, __VA_ARGS__);                                           \
	} while (0)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

/* RFC3339 UTC with nanoseconds into buf (at least 40 bytes) */
void log_rfc3339_now(char *buf, unsigned long size);

/* Write the final error of a command: to the log (if any) and to stderr
 * as "berth: <msg>" (unless the log is stderr itself). */
void log_final_error(const struct error *err);

/* The final error of a process that must not use its heap or stdio
 * again; `msg` is a fixed text of berth's (log.c) */
void log_emergency(const char *msg);

#endif
