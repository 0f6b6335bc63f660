/* SPDX-License-Identifier: Apache-2.0 */
/* tests/unit/test-sandbox-profile.c — the sandbox's seccomp profile comes
 * two ways (runtime/sandbox_profile.c): written into its config.json,
 * which the state keeps and a later exec parses, and built directly for
 * the start, which parses the config without it.  The two must be one
 * profile: here the parse of the written member and the built struct are
 * compared field by field, and the config cut before the member (what a
 * start parses) is the same config but for it.  */
#define _GNU_SOURCE
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonw.h"
#include "runtime/sandbox.h"
#include "spec/spec.h"
#include "tests/unit/tap.h"

static bool same_names(char **a, char **b)
{
	for (; a != NULL && b != NULL && *a != NULL && *b != NULL; a++, b++)
		if (strcmp(*a, *b) != 0)
			return false;
	return (a == NULL || *a == NULL) && (b == NULL || *b == NULL);
}

static bool same_rule(const struct spec_seccomp_rule *a, const struct spec_seccomp_rule *b)
{
	if (!same_names(a->names, b->names) || a->action != b->action || a->n_args != b->n_args)
		return false;
	for (size_t i = 0; i < a->n_args; i++)
		if (a->args[i].index != b->args[i].index || a->args[i].value != b->args[i].value ||
		    a->args[i].value_two != b->args[i].value_two || a->args[i].op != b->args[i].op)
			return false;
	return true;
}

static void compare(const struct spec_seccomp *p, const struct spec_seccomp *b)
{
	CHECK(p->default_action == b->default_action, "default action %#x, built %#x",
	      p->default_action, b->default_action);
	CHECK(p->n_arches == b->n_arches &&
		      memcmp(p->arches, b->arches, p->n_arches * sizeof(*p->arches)) == 0,
	      "architectures");
	CHECK(p->flags == b->flags && p->has_flags == b->has_flags, "flags");
	CHECK(p->listener_path == NULL && b->listener_path == NULL &&
	      p->listener_metadata == NULL && b->listener_metadata == NULL &&
	      p->uses_notify == b->uses_notify);
	CHECK(p->n_rules == b->n_rules, "%zu rules, built %zu", p->n_rules, b->n_rules);
	for (size_t i = 0; i < p->n_rules && i < b->n_rules; i++)
		CHECK(same_rule(&p->rules[i], &b->rules[i]), "rule %zu (%s)", i,
		      p->rules[i].names ? p->rules[i].names[0] : "?");
}

/* the written member, parsed inside the least config spec_parse takes */
static void test_written_is_built(void)
{
	struct jsonw *w = jsonw_new();
	struct error *err = NULL;
	struct spec *s;
	struct spec_seccomp *built = sandbox_seccomp_spec();

	jsonw_obj_open(w);
	jsonw_kv_str(w, "ociVersion", SPEC_OCI_VERSION);
	jsonw_key(w, "process");
	jsonw_obj_open(w);
	jsonw_kv_str(w, "cwd", "/");
	jsonw_key(w, "user");
	jsonw_obj_open(w);
	jsonw_kv_int(w, "uid", 0);
	jsonw_kv_int(w, "gid", 0);
	jsonw_obj_close(w);
	jsonw_kv_strv(w, "args", (const char *const[]){"true", NULL});
	jsonw_obj_close(w);
	jsonw_key(w, "root");
	jsonw_obj_open(w);
	jsonw_kv_str(w, "path", "rootfs");
	jsonw_obj_close(w);
	jsonw_key(w, "linux");
	jsonw_obj_open(w);
	sandbox_seccomp_write(w);
	jsonw_obj_close(w);
	jsonw_obj_close(w);
	s = spec_parse(jsonw_buf(w), jsonw_len(w), &err);
	CHECK(s != NULL && s->linux.seccomp != NULL, "the written profile parses: %s",
	      err ? err->msg : "");
	if (s != NULL && s->linux.seccomp != NULL)
		compare(s->linux.seccomp, built);
	spec_free(s);
	spec_seccomp_free(built);
	jsonw_free(w);
	error_free(err);
}

/* a sandbox's whole config, and the same cut where its member begins */
static void test_cut_config(void)
{
	char *args[] = {"/bin/true", NULL}, *layers[] = {"/", NULL};
	struct rt_sandbox_opts o = {.args = args, .layers = layers};
	struct sandbox_ids ids = {0};
	struct error *err = NULL;
	size_t at = 0;
	char *full = sandbox_config(&o, &ids, &at, &err), *cut;
	struct spec *whole, *part;

	CHECK(full != NULL && at > 0 && at < strlen(full));
	if (full == NULL)
		return;
	CHECK(strstr(full + at, "\"seccomp\"") != NULL && strstr(full, "\"seccomp\"") >= full + at,
	      "the member begins after the cut");
	cut = NULL;
	CHECK(asprintf(&cut, "%.*s}}", (int)at, full) > 0);
	whole = spec_parse(full, strlen(full), &err);
	part = spec_parse(cut, strlen(cut), &err);
	CHECK(whole != NULL && part != NULL, "both parse: %s", err ? err->msg : "");
	if (whole != NULL && part != NULL) {
		struct spec_seccomp *built = sandbox_seccomp_spec();

		CHECK(part->linux.seccomp == NULL, "the cut has no profile");
		CHECK(whole->linux.seccomp != NULL && whole->n_mounts == part->n_mounts &&
			      same_names(whole->process->args, part->process->args) &&
			      strcmp(whole->hostname, part->hostname) == 0 &&
			      same_names(whole->linux.masked_paths, part->linux.masked_paths) &&
			      same_names(whole->linux.readonly_paths, part->linux.readonly_paths),
		      "the rest is the same config");
		if (whole->linux.seccomp != NULL)
			compare(whole->linux.seccomp, built);
		spec_seccomp_free(built);
	}
	spec_free(whole);
	spec_free(part);
	free(cut);
	free(full);
	error_free(err);
}

int main(void)
{
	test_written_is_built();
	test_cut_config();
	return tap_done();
}
