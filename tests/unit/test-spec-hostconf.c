/* SPDX-License-Identifier: Apache-2.0 */
/* tests/unit/test-spec-hostconf.c — the administrator's settings file
 * (spec/hostconf.c): defaults, comments and blanks, every spelling of a
 * boolean, and errors that name the file, the line and the cause.  */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec/spec.h"
#include "tests/unit/tap.h"

/* parse TEXT; on success *value is host_annotations */
static int parse(const char *text, bool *value, char **msg)
{
	struct spec_hostconf conf;
	struct error *err = NULL;
	int rc = spec_hostconf_parse(text, "/etc/berth/berth.conf", &conf, &err);

	*value = conf.host_annotations;
	*msg = err != NULL ? strdup(err->msg) : NULL;
	error_free(err);
	return rc;
}

static void test_good(void)
{
	static const struct {
		const char *text;
		bool want;
	} cases[] = {
		{"", true},
		{"# nothing set\n\n", true},
		{"host-annotations = false", false},
		{"host-annotations=false\n", false},
		{"  host-annotations\t=  no  \r\n", false},
		{"host-annotations = off", false},
		{"host-annotations = true", true},
		{"host-annotations = yes", true},
		{"host-annotations = false\nhost-annotations = on\n", true},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool v = !cases[i].want;
		char *msg = NULL;

		CHECK(parse(cases[i].text, &v, &msg) == 0);
		CHECK(v == cases[i].want);
		CHECK(msg == NULL);
		free(msg);
	}
}

static void test_bad(void)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{"host-annotations", "/etc/berth/berth.conf:1: expected \"key = value\""},
		{"\n\nhost-annotation = false",
		 "/etc/berth/berth.conf:3: unknown setting \"host-annotation\""},
		{"host-annotations = 0",
		 "/etc/berth/berth.conf:1: host-annotations must be true or false, not \"0\""},
		{"host-annotations = ",
		 "/etc/berth/berth.conf:1: host-annotations must be true or false, not \"\""},
		{"= true", "/etc/berth/berth.conf:1: unknown setting \"\""},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool v;
		char *msg = NULL;

		CHECK(parse(cases[i].text, &v, &msg) < 0);
		CHECK(msg != NULL && strcmp(msg, cases[i].msg) == 0);
		if (msg != NULL && strcmp(msg, cases[i].msg) != 0)
			fprintf(stderr, "  got: %s\n", msg);
		free(msg);
	}
}

static void test_load(void)
{
	struct spec_hostconf conf;
	struct error *err = NULL;

	/* a missing file: the defaults, no error */
	conf.host_annotations = false;
	CHECK(spec_hostconf_load("/nonexistent/berth.conf", &conf, &err) == 0);
	CHECK(err == NULL && conf.host_annotations);
	CHECK(strcmp(spec_hostconf_path(NULL), "/etc/berth/berth.conf") == 0);
	CHECK(strcmp(spec_hostconf_path(""), "/etc/berth/berth.conf") == 0);
	CHECK(strcmp(spec_hostconf_path("/x.conf"), "/x.conf") == 0);
}

int main(void)
{
	test_good();
	test_bad();
	test_load();
	return tap_done();
}
