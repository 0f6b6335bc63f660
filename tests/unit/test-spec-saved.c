/* SPDX-License-Identifier: Apache-2.0 */
/* tests/unit/test-spec-saved.c — spec_parse_saved() and the JSON layer
 * under it (json_parse_skipping): a saved config's seccomp rules are read
 * and checked as JSON but not decoded.  What the profile keeps besides its
 * rules is what a full parse gives; an empty rule list is no rules, not
 * deferred ones; only linux.seccomp.syscalls is skipped, and only an
 * array there; what JSON berth refuses inside the rules is still refused;
 * and a profile without its rules is never compiled.  */
#define _GNU_SOURCE
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/seccomp.h"
#include "spec/json.h"
#include "spec/spec.h"
#include "tests/unit/tap.h"

static const char *const rules_path[] = {"linux", "seccomp", "syscalls", NULL};

/* a config whose linux.seccomp is `seccomp` */
static char *config(const char *seccomp)
{
	char *s = NULL;

	if (asprintf(&s,
		     "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"rootfs\"},"
		     " \"process\": {\"args\": [\"sh\"], \"cwd\": \"/\", \"user\": {\"uid\": 0, "
		     "\"gid\": 0}},"
		     " \"linux\": {\"seccomp\": %s}}",
		     seccomp) < 0)
		abort();
	return s;
}

static const char profile[] =
	"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38,"
	" \"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\"],"
	" \"flags\": [\"SECCOMP_FILTER_FLAG_LOG\"],"
	" \"syscalls\": [{\"names\": [\"read\", \"write\"], \"action\": \"SCMP_ACT_ALLOW\"},"
	"  {\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\","
	"   \"args\": [{\"index\": 0, \"value\": 8, \"op\": \"SCMP_CMP_EQ\"}]},"
	"  {\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 1}]}";

static void test_same_but_rules(void)
{
	char *text = config(profile);
	struct error *err = NULL;
	struct spec *full = spec_parse(text, strlen(text), &err);
	struct spec *saved = spec_parse_saved(text, strlen(text), &err);
	const struct spec_seccomp *f, *s;

	CHECK(full != NULL && saved != NULL, "%s", err != NULL ? err->msg : "parsed");
	if (full == NULL || saved == NULL)
		goto out;
	f = full->linux.seccomp;
	s = saved->linux.seccomp;
	CHECK(f != NULL && s != NULL);
	CHECK(!f->rules_deferred && f->n_rules == 3);
	CHECK(s->rules_deferred && s->n_rules == 0 && s->rules == NULL);
	CHECK(s->default_action == f->default_action);
	CHECK(s->default_action == SCMP_ACT_ERRNO(38));
	CHECK(s->n_arches == 2 && s->arches[0] == f->arches[0] && s->arches[1] == f->arches[1]);
	CHECK(s->flags == f->flags && s->has_flags == f->has_flags);
	CHECK(!s->uses_notify && s->listener_path == NULL);
	CHECK(strcmp(saved->process->args[0], "sh") == 0);
out:
	spec_free(full);
	spec_free(saved);
	error_free(err);
	free(text);
}

static void test_empty_and_disabled(void)
{
	const char *cases[] = {"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": []}",
			       "{\"defaultAction\": \"\", \"syscalls\": []}", "{}"};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *text = config(cases[i]);
		struct error *err = NULL;
		struct spec *full = spec_parse(text, strlen(text), &err);
		struct spec *saved = spec_parse_saved(text, strlen(text), &err);

		CHECK(full != NULL && saved != NULL, "case %zu: %s", i,
		      err != NULL ? err->msg : "parsed");
		if (full != NULL && saved != NULL) {
			/* disabled in both, or the same empty list, never deferred */
			CHECK((full->linux.seccomp == NULL) == (saved->linux.seccomp == NULL),
			      "case %zu", i);
			CHECK(saved->linux.seccomp == NULL || !saved->linux.seccomp->rules_deferred,
			      "case %zu", i);
		}
		spec_free(full);
		spec_free(saved);
		error_free(err);
		free(text);
	}
}

/* a listener path in a checked (saved) config means a rule notifies */
static void test_listener(void)
{
	char *text = config("{\"defaultAction\": \"SCMP_ACT_ALLOW\","
			    " \"listenerPath\": \"/run/l.sock\", \"syscalls\":"
			    " [{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}");
	struct error *err = NULL;
	struct spec *saved = spec_parse_saved(text, strlen(text), &err);

	CHECK(saved != NULL && saved->linux.seccomp != NULL, "%s",
	      err != NULL ? err->msg : "parsed");
	if (saved != NULL && saved->linux.seccomp != NULL)
		CHECK(saved->linux.seccomp->rules_deferred && saved->linux.seccomp->uses_notify);
	spec_free(saved);
	error_free(err);
	free(text);
}

static const struct jnode *at(const struct jdoc *doc, const char *a, const char *b, const char *c)
{
	const struct jnode *n = json_get(json_root(doc), a);

	n = n != NULL ? json_get(n, b) : NULL;
	return n != NULL ? json_get(n, c) : NULL;
}

/* only an array at exactly linux.seccomp.syscalls is skipped; its
 * elements are counted, nested values included once */
static void test_skip_where(void)
{
	const char *text = "{\"linux\": {\"seccomp\": {\"syscalls\": [1, [2, [3]], {\"a\": [4]},"
			   " \"s\", null, true]}, \"syscalls\": [5]},"
			   " \"seccomp\": {\"syscalls\": [6]}}";
	const char *obj = "{\"linux\": {\"seccomp\": {\"syscalls\": {\"a\": 1}}}}";
	struct error *err = NULL;
	struct jdoc *doc = json_parse_skipping(text, strlen(text), rules_path, &err);
	const struct jnode *n;

	CHECK(doc != NULL, "%s", err != NULL ? err->msg : "parsed");
	if (doc != NULL) {
		n = at(doc, "linux", "seccomp", "syscalls");
		CHECK(n != NULL && json_type(n) == J_SKIPPED && json_len(n) == 6);
		n = json_get(json_get(json_root(doc), "linux"), "syscalls");
		CHECK(n != NULL && json_type(n) == J_ARRAY && json_len(n) == 1);
		n = json_get(json_get(json_root(doc), "seccomp"), "syscalls");
		CHECK(n != NULL && json_type(n) == J_ARRAY && json_len(n) == 1);
		json_free(doc);
	}
	doc = json_parse_skipping(obj, strlen(obj), rules_path, &err);
	CHECK(doc != NULL);
	if (doc != NULL) {
		n = at(doc, "linux", "seccomp", "syscalls");
		CHECK(n != NULL && json_type(n) == J_OBJECT, "an object there is built");
		json_free(doc);
	}
	error_free(err);
}

/* what berth refuses in JSON, it refuses inside the skipped rules too */
static void test_skip_refuses(void)
{
	const char *bad[] = {
		"{\"linux\": {\"seccomp\": {\"syscalls\": [{\"names\": [\"a\\u0000b\"]}]}}}",
		"{\"linux\": {\"seccomp\": {\"syscalls\": [{\"n\\u0000\": 1}]}}}",
		"{\"linux\": {\"seccomp\": {\"syscalls\": [1, ]}}}",
		"{\"linux\": {\"seccomp\": {\"syscalls\": [/* c */ 1]}}}",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct error *err = NULL;
		struct jdoc *doc = json_parse_skipping(bad[i], strlen(bad[i]), rules_path, &err);

		CHECK(doc == NULL && err != NULL, "case %zu: %s", i,
		      err != NULL ? err->msg : "accepted");
		json_free(doc);
		error_free(err);
	}
	/* 3 levels to the rules, then arrays: 64 levels are taken, 65 not,
	 * skipped or not */
	for (int n = 61; n <= 62; n++) {
		char deep[512];
		size_t k = (size_t)snprintf(deep, sizeof(deep),
					    "{\"linux\": {\"seccomp\": {\"syscalls\": ");
		struct error *err = NULL;
		struct jdoc *full, *doc;

		for (int i = 0; i < n; i++)
			deep[k++] = '[';
		for (int i = 0; i < n; i++)
			deep[k++] = ']';
		k += (size_t)snprintf(deep + k, sizeof(deep) - k, "}}}");
		full = json_parse(deep, k, &err);
		error_freep(&err);
		doc = json_parse_skipping(deep, k, rules_path, &err);
		CHECK((full != NULL) == (n == 61) && (doc != NULL) == (n == 61), "%d levels: %s",
		      n + 3, err != NULL ? err->msg : "taken");
		json_free(full);
		json_free(doc);
		error_free(err);
	}
}

/* a profile without its rules is never made a filter */
static void test_never_compiled(void)
{
	char *text = config(profile);
	struct error *err = NULL;
	struct spec *saved = spec_parse_saved(text, strlen(text), &err);
	struct seccomp_prog prog;

	CHECK(saved != NULL && saved->linux.seccomp != NULL);
	if (saved != NULL && saved->linux.seccomp != NULL) {
		CHECK(seccomp_prog_compile(saved->linux.seccomp, &prog, &err) < 0 && err != NULL &&
			      strstr(err->msg, "rules were not read") != NULL,
		      "%s", err != NULL ? err->msg : "compiled");
		error_freep(&err);
		CHECK(seccomp_prog_cached(saved->linux.seccomp, -1, &prog, &err) < 0 && err != NULL,
		      "%s", err != NULL ? err->msg : "compiled");
		error_freep(&err);
		/* no entry is named: nothing to load, and nothing tried */
		CHECK(seccomp_prog_by_key(NULL, saved->linux.seccomp, -1, &prog) < 0);
		CHECK(seccomp_prog_by_key("../x", saved->linux.seccomp, -1, &prog) < 0);
	}
	spec_free(saved);
	free(text);
}

int main(void)
{
	test_same_but_rules();
	test_empty_and_disabled();
	test_listener();
	test_skip_where();
	test_skip_refuses();
	test_never_compiled();
	return tap_done();
}
