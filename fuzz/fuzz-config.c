/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz/fuzz-config.c — libFuzzer target: config.json text through
 * spec_parse() (parse and validate).  Besides crashes, leaks and undefined
 * behaviour it checks the contract callers rely on: a refusal carries one
 * line starting with "config.json: "; an accepted spec has what the
 * launcher takes for granted.  And spec_parse_saved() (exec's parse, the
 * seccomp rules left unread) accepts every text spec_parse() accepts,
 * with the same profile but for its rules.  */
#include <stdint.h>
#include <sys/mount.h>
#include <stdlib.h>
#include <string.h>

#include "spec/spec.h"

static void check_accepted(const struct spec *s)
{
	if (s->process == NULL || s->process->args == NULL || s->process->args[0] == NULL ||
	    s->process->env == NULL || s->process->cwd == NULL || s->process->cwd[0] != '/')
		abort();
	if (s->root.path == NULL || s->root.path[0] == '\0')
		abort();
	for (size_t i = 0; i < s->n_mounts; i++) {
		const struct spec_mount *m = &s->mounts[i];

		if (m->destination[0] != '/' || (m->type == NULL && !m->bind))
			abort();
		if (m->bind != ((m->flags & MS_BIND) != 0))
			abort();
	}
	if (s->linux.masked_paths == NULL || s->linux.readonly_paths == NULL ||
	    s->annotation_keys == NULL)
		abort();
	if (s->hostname != NULL && !s->linux.ns[SPEC_NS_UTS].present)
		abort();
	if (s->linux.seccomp != NULL && s->linux.seccomp->uses_notify &&
	    s->linux.seccomp->listener_path == NULL)
		abort();
}

/* the saved parse of an accepted text: the same profile, rules aside */
static void check_saved(const char *text, size_t size, const struct spec *full)
{
	struct error *err = NULL;
	struct spec *s = spec_parse_saved(text, size, &err);
	const struct spec_seccomp *a = full->linux.seccomp, *b;

	if (s == NULL || err != NULL)
		abort();
	b = s->linux.seccomp;
	if ((a == NULL) != (b == NULL))
		abort();
	if (a != NULL &&
	    (a->default_action != b->default_action || a->flags != b->flags ||
	     a->has_flags != b->has_flags || a->n_arches != b->n_arches ||
	     a->uses_notify != b->uses_notify ||
	     (a->listener_path == NULL) != (b->listener_path == NULL) ||
	     b->rules_deferred != (a->n_rules > 0) || (b->rules_deferred && b->n_rules != 0) ||
	     (!b->rules_deferred && b->n_rules != 0)))
		abort();
	spec_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct error *err = NULL;
	struct spec *s = spec_parse((const char *)data, size, &err);

	if (s != NULL) {
		if (err != NULL)
			abort();
		check_accepted(s);
		check_saved((const char *)data, size, s);
	} else if (err == NULL || err->msg == NULL || strncmp(err->msg, "config.json: ", 13) != 0 ||
		   strchr(err->msg, '\n') != NULL) {
		abort();
	}
	spec_free(s);
	error_free(err);
	return 0;
}
