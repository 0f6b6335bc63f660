/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz/fuzz-seccomp.c — libFuzzer target: the input is put in place of
 * linux.seccomp in a valid config, so the fuzzer spends its time in the
 * seccomp decoder rather than in the rest of the document.  */
#include <seccomp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spec/spec.h"

static const char head[] = "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"r\"},"
			   "\"process\":{\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"sh\"],"
			   "\"cwd\":\"/\"},\"linux\":{\"seccomp\":";
static const char tail[] = "}}";

static void check_accepted(const struct spec_seccomp *s)
{
	if (s->default_action == SCMP_ACT_NOTIFY)
		abort();
	if ((s->uses_notify) != (s->listener_path != NULL))
		abort();
	for (size_t i = 0; i < s->n_rules; i++) {
		const struct spec_seccomp_rule *r = &s->rules[i];

		if (r->names == NULL || r->names[0] == NULL || r->names[0][0] == '\0')
			abort();
		for (size_t j = 0; r->action == SCMP_ACT_NOTIFY && r->names[j] != NULL; j++)
			if (strcmp(r->names[j], "sendmsg") == 0)
				abort();
		for (size_t a = 0; a < r->n_args; a++)
			if (r->args[a].index > 5 || r->args[a].op < SCMP_CMP_NE ||
			    r->args[a].op > SCMP_CMP_MASKED_EQ)
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len = sizeof(head) - 1 + size + sizeof(tail) - 1;
	char *doc = malloc(len);
	struct error *err = NULL;
	struct spec *s;

	memcpy(doc, head, sizeof(head) - 1);
	memcpy(doc + sizeof(head) - 1, data, size);
	memcpy(doc + sizeof(head) - 1 + size, tail, sizeof(tail) - 1);
	s = spec_parse(doc, len, &err);
	if (s != NULL && s->linux.seccomp != NULL)
		check_accepted(s->linux.seccomp);
	if (s == NULL && (err == NULL || strchr(err->msg, '\n') != NULL))
		abort();
	spec_free(s);
	error_free(err);
	free(doc);
	return 0;
}
