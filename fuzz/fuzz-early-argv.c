/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz/fuzz-early-argv.c — libFuzzer target: what cmd/early.c reads
 * before the C library starts — the caller's argv (the global options and
 * the verb), the environment and auxiliary vector after it, and the
 * binary's path it splits into overlayfs layers.  The input is split at
 * NUL bytes into strings.  Checked: the verb found is an argument that is
 * no option; the layers are "DIR:/dev" with DIR the path's directory.  */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/early.c"

#define MAX_STRINGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_argv(char **strings, int n)
{
	int verb = verb_index(n, strings);

	if (verb < 0 || verb >= (n > 0 ? n : 1) || (verb > 0 && strings[verb][0] == '-'))
		abort();
	if (verb > 0)
		(void)verb_enters_container(n, strings, verb);
}

/* the strings as an environment, then an auxiliary vector made of the
 * input's bytes, ended as the kernel ends it */
static void check_env(char **strings, int n, const uint8_t *data, size_t size)
{
	unsigned long vec[MAX_STRINGS + 1 + 2 * 8 + 2];
	char **env = (char **)vec;
	size_t k = (size_t)n + 1, i;

	memcpy(env, strings, (size_t)n * sizeof(char *));
	env[n] = NULL;
	for (i = 0; i < 8 && i < size; i++) {
		vec[k++] = data[i] % 32;
		vec[k++] = data[i] & 1;
	}
	vec[k++] = 0;
	vec[k] = 0;
	(void)marker_set(env);
	(void)secure_exec(env);
}

static void check_layers(const uint8_t *data, size_t size)
{
	char self[4096], lower[4096 + sizeof(":/dev")];
	const char *name = NULL;
	long n = (long)(size < sizeof(self) - 1 ? size : sizeof(self) - 1);
	char *slash;

	memcpy(self, data, (size_t)n);
	if (!layers(self, n, lower, sizeof(lower), &name))
		return;
	slash = strrchr(lower, ':');
	if (slash == NULL || strcmp(slash, ":/dev") != 0 || name == NULL ||
	    strncmp(lower, self, (size_t)(slash - lower)) != 0 || lower[0] != '/' ||
	    name != self + (slash - lower) + 1)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1), *strings[MAX_STRINGS + 1];
	int n = 0;

	memcpy(copy, data, size);
	copy[size] = '\0';
	for (char *p = copy; n < MAX_STRINGS && p < copy + size + 1; p += strlen(p) + 1)
		strings[n++] = p;
	strings[n] = NULL;
	check_argv(strings, n);
	check_env(strings, n, data, size);
	check_layers(data, size);
	free(copy);
	return 0;
}
