/* SPDX-License-Identifier: Apache-2.0 */
/* tests/unit/test-spec-corpus.c — every file in tests/data/bad must be
 * refused with exactly the message in its .err file, and every file in
 * tests/data/good must be accepted.
 *
 * process-*.json go through spec_process_parse("process.json"),
 * resources-*.json through spec_resources_parse("resources.json"), the
 * rest through spec_parse().  Run from the repository root (make unit), or
 * point BERTH_TESTDATA at tests/data.  */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/file.h"
#include "core/mem.h"
#include "spec/spec.h"
#include "tests/unit/tap.h"

static const char *data_dir(void)
{
	const char *d = getenv("BERTH_TESTDATA");

	return d != NULL ? d : "tests/data";
}

static bool has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* Parse `name` with the parser its name selects; NULL means accepted,
 * else the error message (caller frees). */
static char *parse_named(const char *name, const char *text, size_t len)
{
	struct error *err = NULL;
	char *msg = NULL;
	bool ok;

	if (has_prefix(name, "process-")) {
		struct spec_process *p = spec_process_parse(text, len, "process.json", &err);
		ok = p != NULL;
		spec_process_free(p);
	} else if (has_prefix(name, "resources-")) {
		struct spec_resources *r = spec_resources_parse(text, len, "resources.json", &err);
		ok = r != NULL;
		spec_resources_free(r);
	} else {
		struct spec *s = spec_parse(text, len, &err);
		ok = s != NULL;
		spec_free(s);
	}
	if (!ok)
		msg = xstrdup(err != NULL && err->msg != NULL ? err->msg : "(no error set)");
	else if (err != NULL)
		msg = xstrdup("(accepted, but an error was set)");
	error_free(err);
	return msg;
}

static char *read_text(const char *path, size_t *len)
{
	struct error *err = NULL;
	char *text = NULL;

	if (read_file_at(AT_FDCWD, path, &text, len, &err) < 0) {
		fprintf(stderr, "%s\n", err->msg);
		error_free(err);
		exit(2);
	}
	return text;
}

static bool is_json(const char *name)
{
	size_t n = strlen(name);

	return n > 5 && strcmp(name + n - 5, ".json") == 0;
}

static int run_bad(const char *dir)
{
	cleanup_closedir DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (d == NULL) {
		perror(dir);
		exit(2);
	}
	while ((e = readdir(d)) != NULL) {
		cleanup_free char *path = NULL, *err_path = NULL;
		cleanup_free char *text = NULL, *want = NULL, *got = NULL;
		size_t len, want_len;

		if (!is_json(e->d_name))
			continue;
		n++;
		path = xasprintf("%s/%s", dir, e->d_name);
		err_path = xasprintf("%.*s.err", (int)strlen(path) - 5, path);
		text = read_text(path, &len);
		want = read_text(err_path, &want_len);
		if (want_len > 0 && want[want_len - 1] == '\n')
			want[--want_len] = '\0';
		CHECK(strchr(want, '\n') == NULL, "%s: .err must be one line", err_path);
		got = parse_named(e->d_name, text, len);
		CHECK(got != NULL, "%s: accepted, expected \"%s\"", path, want);
		if (got != NULL)
			CHECK(strcmp(got, want) == 0, "%s:\n  expected: %s\n  got:      %s", path,
			      want, got);
	}
	return n;
}

/* every .err has its .json (a renamed case must not linger) */
static void check_err_files(const char *dir)
{
	cleanup_closedir DIR *d = opendir(dir);
	struct dirent *e;

	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		cleanup_free char *json = NULL;

		if (n < 5 || strcmp(e->d_name + n - 4, ".err") != 0)
			continue;
		json = xasprintf("%s/%.*s.json", dir, (int)n - 4, e->d_name);
		CHECK(access(json, R_OK) == 0, "%s/%s has no .json", dir, e->d_name);
	}
}

static int run_good(const char *dir)
{
	cleanup_closedir DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (d == NULL) {
		perror(dir);
		exit(2);
	}
	while ((e = readdir(d)) != NULL) {
		cleanup_free char *path = NULL, *text = NULL, *got = NULL;
		size_t len;

		if (!is_json(e->d_name))
			continue;
		n++;
		path = xasprintf("%s/%s", dir, e->d_name);
		text = read_text(path, &len);
		got = parse_named(e->d_name, text, len);
		CHECK(got == NULL, "%s: refused: %s", path, got);
	}
	return n;
}

int main(void)
{
	cleanup_free char *bad = xasprintf("%s/bad", data_dir());
	cleanup_free char *good = xasprintf("%s/good", data_dir());
	int n_bad = run_bad(bad);
	int n_good = run_good(good);

	check_err_files(bad);
	CHECK(n_bad >= 120, "only %d malformed cases", n_bad);
	CHECK(n_good >= 8, "only %d valid cases", n_good);
	TAP_NOTE("%d malformed, %d valid documents", n_bad, n_good);
	return tap_done();
}
