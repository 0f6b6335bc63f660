/* SPDX-License-Identifier: Apache-2.0 */
/* spec/hostconf.c — the host administrator's settings for berth: what a
 * bundle may ask of the host (spec.h, struct spec_hostconf).
 *
 * The file (/etc/berth/berth.conf, or $BERTH_CONFIG) holds lines of
 * "key = value"; blank lines and lines starting with '#' are ignored.  A
 * missing file means the defaults.  An unknown key or a bad value is an
 * error naming the file and the line: a typo must not leave a switch in
 * the state the administrator meant to change.  */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "core/cleanup.h"
#include "core/file.h"
#include "core/mem.h"
#include "spec/spec.h"

#define HOSTCONF_DEFAULT_PATH "/etc/berth/berth.conf"

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

static int parse_bool(const char *v, bool *out)
{
	if (strcmp(v, "true") == 0 || strcmp(v, "yes") == 0 || strcmp(v, "on") == 0) {
		*out = true;
		return 0;
	}
	if (strcmp(v, "false") == 0 || strcmp(v, "no") == 0 || strcmp(v, "off") == 0) {
		*out = false;
		return 0;
	}
	return -1;
}

static int parse_line(char *line, const char *path, unsigned no, struct spec_hostconf *conf,
		      struct error **err)
{
	char *eq = strchr(line, '='), *key, *value;

	if (eq == NULL)
		return error_set(err, 0, "%s:%u: expected \"key = value\"", path, no);
	*eq = '\0';
	key = trim(line);
	value = trim(eq + 1);
	if (strcmp(key, "host-annotations") == 0) {
		if (parse_bool(value, &conf->host_annotations) < 0)
			return error_set(
				err, 0, "%s:%u: host-annotations must be true or false, not \"%s\"",
				path, no, value);
		return 0;
	}
	return error_set(err, 0, "%s:%u: unknown setting \"%s\"", path, no, key);
}

void spec_hostconf_defaults(struct spec_hostconf *conf)
{
	conf->host_annotations = true;
}

int spec_hostconf_parse(const char *text, const char *path, struct spec_hostconf *conf,
			struct error **err)
{
	cleanup_free char *copy = xstrdup(text);
	char *line = copy, *next;
	unsigned no = 0;

	spec_hostconf_defaults(conf);
	for (; line != NULL; line = next) {
		char *t;

		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		no++;
		t = trim(line);
		if (*t == '\0' || *t == '#')
			continue;
		if (parse_line(t, path, no, conf, err) < 0)
			return -1;
	}
	return 0;
}

const char *spec_hostconf_path(const char *env)
{
	return env != NULL && env[0] != '\0' ? env : HOSTCONF_DEFAULT_PATH;
}

int spec_hostconf_load(const char *path, struct spec_hostconf *conf, struct error **err)
{
	cleanup_free char *text = NULL;
	size_t len;

	spec_hostconf_defaults(conf);
	if (read_file_at(AT_FDCWD, path, &text, &len, err) < 0) {
		if ((*err)->errnum == ENOENT) {
			error_freep(err);
			return 0;
		}
		return error_wrap(err, "berth settings");
	}
	if (strlen(text) != len)
		return error_set(err, 0, "%s: a NUL byte in the file", path);
	return spec_hostconf_parse(text, path, conf, err);
}
