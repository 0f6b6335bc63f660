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
} logger = {.fd = -1};

int log_open(const char *path, bool json, bool debug, struct error **err)
{
	logger.json = json;
	logger.debug = debug;
	if (path == NULL || path[0] == '\0')
		return 0;
	/* O_APPEND: containerd and berth may both write the file */
	logger.fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (logger.fd < 0)
		return error_set(err, errno, "open log file '%s'", path);
	return 0;
}

void log_close(void)
{
	if (logger.fd >= 0)
		close(logger.fd);
	logger.fd = -1;
}

bool log_debug_enabled(void)
{
	return logger.debug;
}

void log_rfc3339_now(char *buf, unsigned long size)
{
	struct timespec ts;
	struct tm tm;
	char base[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, size, "%s.%09ldZ", base, ts.tv_nsec);
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
		write_all(fd, jsonw_buf(w), jsonw_len(w));
		jsonw_free(w);
	} else {
		char *line = NULL;
		int n = asprintf(&line, "%s level=%s msg=\"%s\"\n", now, level_name(level), msg);

		if (n > 0)
			write_all(fd, line, (size_t)n);
		free(line);
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

	if (logger.fd >= 0)
		emit(logger.fd, LOG_ERROR, msg, logger.json);
	dprintf(STDERR_FILENO, "berth: %s\n", msg);
}
