/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz/fuzz-cgroup-layout.c — libFuzzer target for the texts the cgroup
 * v1 backend parses: /proc/self/mountinfo and /proc/self/cgroup (the
 * layout and each controller's home) and a devices.list (the v1 device
 * transition).  The input holds them in that order, separated by lines
 * "----".  Whatever the input, the layout must be consistent: every home
 * a real hierarchy, every own path absolute.  */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/internal.h"

static void check_layout(const struct cg_layout *l)
{
	struct cg_homes h;

	cg_layout_homes(l, &h);
	for (unsigned i = 0; i < CG_N_CTRLS; i++)
		if (h.of[i] < CG_HOME_NONE || (h.of[i] >= 0 && (size_t)h.of[i] >= l->n_v1))
			abort();
	for (size_t i = 0; i < l->n_v1; i++)
		if (l->v1[i].name == NULL || l->v1[i].own == NULL || l->v1[i].own[0] != '/')
			abort();
	if (l->mount != NULL && (l->own == NULL || l->own[0] != '/'))
		abort();
}

static void devices(const char *list)
{
	const struct spec_dev_rule deny_all = {false, 'a', -1, -1, 0};
	struct cg_dev_emu cur, target;
	struct cg_dev_line *lines = NULL;
	struct error *err = NULL;
	size_t n = 0;

	if (cg_dev_list_parse(list, &cur, &err) < 0) {
		error_free(err);
		return;
	}
	if (cg_dev_rules_build(&deny_all, 1, NULL, 0, &target, &err) == 0) {
		cg_dev_transition(&cur, &target, &lines, &n);
		free(lines);
		cg_dev_emu_clear(&target);
	}
	error_free(err);
	cg_dev_emu_clear(&cur);
}

/* the next part of *p, up to a "----" line (cut in place) */
static char *part(char **p)
{
	char *start = *p, *sep;

	if (start == NULL)
		return (char *)"";
	sep = strstr(start, "\n----\n");
	if (sep == NULL) {
		*p = NULL;
		return start;
	}
	*sep = '\0';
	*p = sep + 6;
	return start;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *p = text;
	const char *mountinfo, *proc_cgroup, *ctrls, *list;
	struct cg_layout l;
	struct error *err = NULL;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	mountinfo = part(&p);
	proc_cgroup = part(&p);
	ctrls = part(&p);
	list = part(&p);
	if (cg_layout_parse(mountinfo, proc_cgroup, ctrls, &l, &err) == 0) {
		check_layout(&l);
		cg_layout_clear(&l);
	}
	error_free(err);
	devices(list);
	free(text);
	return 0;
}
