/* SPDX-License-Identifier: Apache-2.0 */
/* core/log.c — log file and stderr output; the only writer of either.  */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/jsonw.h"
#include "core/log.h"

static struct {
	int fd; /* -1: no --log */
	bool json;
	bool debug;
	char *pending; /* JSON lines held until the command ends */
	size_t pending_len;
	pid_t owner; /* the process whose log_close() writes them */
} logger = {.fd = -1};

int log_open(const char *path, bool json, bool debug, struct error **err)
{
	logger.json = json;
	logger.debug = debug;
	logger.owner = getpid();
	if (path == NULL || path[0] == '\0')
		return 0;
	/* O_APPEND: containerd and berth may both write the file */
	logger.fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (logger.fd < 0)
		return error_set(err, errno, "open log file '%s'", path);
	return 0;
}

static void write_all(int fd, const char *buf, size_t len);

/* A command that ends well writes the lines it held back; see emit(). */
void log_close(void)
{
	if (logger.fd >= 0 && logger.pending != NULL)
		write_all(logger.fd, logger.pending, logger.pending_len);
	free(logger.pending);
	logger.pending = NULL;
	logger.pending_len = 0;
	if (logger.fd >= 0)
		close(logger.fd);
	logger.fd = -1;
}

static void hold(const char *line, size_t len)
{
	char *more = realloc(logger.pending, logger.pending_len + len);

	if (more == NULL)
		return;
	memcpy(more + logger.pending_len, line, len);
	logger.pending = more;
	logger.pending_len += len;
}

bool log_debug_enabled(void)
{
	return logger.debug;
}

/* Calendar date of a day count since 1970-01-01, proleptic Gregorian:
 * shift the epoch to 0000-03-01 so leap days end each year, then split
 * into 400-year eras (146097 days), years of the era, and months of five
 * months' pattern (153 days).  By hand: glibc's gmtime_r() reads
 * /etc/localtime the first time it is called, for nothing.  */
static void civil_date(long long days, long long *year, int *month, int *day)
{
	long long z = days + 719468;
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	long long doe = z - era * 146097;				       /* [0, 146096] */
	long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
	long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);	       /* [0, 365] */
	long long mp = (5 * doy + 2) / 153;				       /* March = 0 */

	*day = (int)(doy - (153 * mp + 2) / 5 + 1);
	*month = (int)(mp < 10 ? mp + 3 : mp - 9);
	*year = yoe + era * 400 + (*month <= 2);
}

void log_rfc3339_now(char *buf, unsigned long size)
{
	struct timespec ts;
	long long days, secs, year;
	int month, day;

	clock_gettime(CLOCK_REALTIME, &ts);
	days = ts.tv_sec / 86400;
	secs = ts.tv_sec % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	civil_date(days, &year, &month, &day);
	snprintf(buf, size, "%04lld-%02d-%02dT%02lld:%02lld:%02lld.%09ldZ", year, month, day,
		 secs / 3600, secs / 60 % 60, secs % 60, ts.tv_nsec);
}

static const char *level_name(enum log_level level)
{
	switch (level) {
	case LOG_DEBUG: return "debug";
	case LOG_INFO: return "info";
	case LOG_WARN: return "warning";
	default: return "error";
	}
}

static void write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

/* logrus' text format quotes the message: " and \\ escaped */
static char *quoted(const char *msg)
{
	size_t n = 0;
	char *out, *o;

	for (const char *p = msg; *p; p++)
		n += (*p == '"' || *p == '\\' || *p == '\n') ? 2 : 1;
	out = malloc(n + 1);
	if (out == NULL)
		return NULL;
	for (o = out; *msg; msg++) {
		if (*msg == '"' || *msg == '\\' || *msg == '\n')
			*o++ = '\\';
		*o++ = *msg == '\n' ? 'n' : *msg;
	}
	*o = '\0';
	return out;
}

/* In JSON, a failed command must leave exactly one object in the file
 * (podman parses it as one): lines other than the final error are held
 * back, and written only if the command ends without one.  Only by the
 * process that opened the log: the init and exec children end in execve
 * or _exit, never in log_close(), so they write at once.  */
static void emit(int fd, enum log_level level, const char *msg, bool json)
{
	char now[48];

	log_rfc3339_now(now, sizeof(now));
	if (json) {
		struct jsonw *w = jsonw_new();

		jsonw_obj_open(w);
		jsonw_kv_str(w, "level", level_name(level));
		jsonw_kv_str(w, "msg", msg);
		jsonw_kv_str(w, "time", now);
		jsonw_obj_close(w);
		jsonw_raw(w, "\n");
		if (level == LOG_ERROR || getpid() != logger.owner)
			write_all(fd, jsonw_buf(w), jsonw_len(w));
		else
			hold(jsonw_buf(w), jsonw_len(w));
		jsonw_free(w);
	} else {
		char *line = NULL, *q = quoted(msg);
		int n = asprintf(&line, "%s level=%s msg=\"%s\"\n", now, level_name(level),
				 q != NULL ? q : "");

		if (n > 0)
			write_all(fd, line, (size_t)n);
		free(line);
		free(q);
	}
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;
	int n;

	if (level == LOG_DEBUG && !logger.debug)
		return;
	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (logger.fd >= 0)
		emit(logger.fd, level, msg, logger.json);
	else if (level != LOG_DEBUG || logger.debug)
		dprintf(STDERR_FILENO, "berth: %s: %s\n", level_name(level), msg);
	free(msg);
}

void log_final_error(const struct error *err)
{
	const char *msg = err != NULL && err->msg != NULL ? err->msg : "unknown error";

	/* the held-back lines go to stderr instead: the file gets one object */
	if (logger.pending != NULL && logger.json) {
		write_all(STDERR_FILENO, logger.pending, logger.pending_len);
		free(logger.pending);
		logger.pending = NULL;
		logger.pending_len = 0;
	}

	if (logger.fd >= 0)
		emit(logger.fd, LOG_ERROR, msg, logger.json);
	dprintf(STDERR_FILENO, "berth: %s\n", msg);
}

/* For a process whose heap may be inconsistent (exec.c's abandon()): no
 * allocation, no stdio stream, no held-back line; `msg` is berth's own,
 * with nothing JSON or the text format would need to escape.  */
void log_emergency(const char *msg)
{
	char now[48], line[512];
	int n;

	if (logger.fd >= 0) {
		log_rfc3339_now(now, sizeof(now));
		if (logger.json)
			n = snprintf(line, sizeof(line),
				     "{\"level\":\"error\",\"msg\":\"%s\",\"time\":\"%s\"}\n", msg,
				     now);
		else
			n = snprintf(line, sizeof(line), "%s level=error msg=\"%s\"\n", now, msg);
		if (n > 0 && (size_t)n < sizeof(line))
			write_all(logger.fd, line, (size_t)n);
	}
	n = snprintf(line, sizeof(line), "berth: %s\n", msg);
	if (n > 0 && (size_t)n < sizeof(line))
		write_all(STDERR_FILENO, line, (size_t)n);
}
