/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz/fuzz-flags.c — libFuzzer target: the command-line value parsers
 * (spec/flags.c).  The first byte picks the parser, the rest is the
 * value.  A parse succeeds without an error, or fails with one line that
 * starts with the flag's name.  */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "spec/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* sandbox's flags (flags_sandbox.c): --tmpfs, --ulimit, -e, --env-file */
static int sandbox_flag(uint8_t which, const char *s, struct error **err)
{
	char *dst = NULL, **opts = NULL, **env = NULL;
	const char *type;
	uint64_t soft, hard;
	size_t n;
	int rc;

	switch (which % 12) {
	case 8:
		rc = spec_flag_tmpfs("--tmpfs", s, &dst, &opts, err);
		/* a destination is absolute and names one place */
		if (rc == 0 && (dst[0] != '/' || strstr(dst, "/../") != NULL))
			abort();
		free(dst);
		strv_free(opts);
		return rc;
	case 9:
		rc = spec_flag_ulimit("--ulimit", s, &type, &soft, &hard, err);
		if (rc == 0 && soft > hard)
			abort();
		return rc;
	case 10:
		rc = spec_flag_env("--env", s, &n, err);
		if (rc == 0 && (n == 0 || (s[n] != '\0' && s[n] != '=')))
			abort();
		return rc;
	default:
		rc = spec_env_file_parse("f", s, strlen(s), &env, err);
		strv_free(env);
		return rc;
	}
}

static int one(uint8_t which, const char *s, struct error **err)
{
	int64_t i;
	uint64_t u;
	uint32_t a, b;
	bool has;
	int cap;
	char *flags[] = {"--memory", "--cpuset-cpus", "--blkio-weight"};
	char *values[] = {(char *)s, (char *)s, (char *)s};
	struct spec_resources *r;

	switch (which % 12) {
	case 0: return spec_flag_int("--flag", s, -5, 1000, &i, err);
	case 1: return spec_flag_size("--flag", s, which & 8, &i, err);
	case 2: return spec_flag_duration("--flag", s, &u, err);
	case 3: return spec_flag_cpus("--flag", s, &u, err);
	case 4: return spec_flag_user("--flag", s, &a, &b, &has, err);
	case 5: return spec_flag_capability("--flag", s, &cap, err);
	case 6: {
		char *c = NULL, *p = NULL;
		int rc = spec_flag_subcgroup("--flag", s, &c, &p, err);

		/* a valid path never climbs out */
		if (rc == 0 && (strstr(p, "..") != NULL &&
				(strcmp(p, "..") == 0 || strncmp(p, "../", 3) == 0 ||
				 strstr(p, "/../") != NULL)))
			abort();
		free(c);
		free(p);
		return rc;
	}
	case 8: return sandbox_flag(which, s, err);
	case 9: return sandbox_flag(which, s, err);
	case 10: return sandbox_flag(which, s, err);
	case 11: return sandbox_flag(which, s, err);
	default:
		r = spec_resources_from_flags(flags + (which % 3), values, 1, err);
		spec_resources_free(r);
		return r != NULL ? 0 : -1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct error *err = NULL;
	char *s;
	int rc;

	if (size == 0)
		return 0;
	s = malloc(size);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	rc = one(data[0], s, &err);
	if (rc == 0 && err != NULL)
		abort();
	if (rc < 0 && (err == NULL || strncmp(err->msg, "--", 2) != 0 || strchr(err->msg, '\n')))
		abort();
	error_free(err);
	free(s);
	return 0;
}
