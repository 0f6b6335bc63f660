/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/seccomp.c — compile linux.seccomp with libseccomp and load it.
 *
 * Only called when the config has a seccomp section: a config without
 * one never touches libseccomp (it costs about a millisecond to build a
 * docker-sized filter).  Conditions on the same argument index cannot be
 * ANDed by libseccomp, so such a rule becomes one rule per condition
 * (OR), which is what docker's profile means and what runc does.  */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "runtime/seccomp.h"

static void ctx_releasep(scmp_filter_ctx *ctx)
{
	if (*ctx != NULL)
		seccomp_release(*ctx);
}
#define cleanup_seccomp __attribute__((cleanup(ctx_releasep)))

static bool same_index_twice(const struct spec_seccomp_rule *r)
{
	for (size_t i = 0; i < r->n_args; i++)
		for (size_t j = i + 1; j < r->n_args; j++)
			if (r->args[i].index == r->args[j].index)
				return true;
	return false;
}

static struct scmp_arg_cmp to_cmp(const struct spec_seccomp_arg *a)
{
	struct scmp_arg_cmp c = {
		.arg = a->index,
		.op = (enum scmp_compare)a->op,
		.datum_a = a->value,
		.datum_b = a->value_two,
	};
	return c;
}

static int add_rule(scmp_filter_ctx ctx, const struct spec_seccomp_rule *r, int nr,
		    const char *name, struct error **err)
{
	struct scmp_arg_cmp cmp[6];
	int rc;

	if (r->n_args == 0 || r->n_args > 6) {
		rc = seccomp_rule_add_array(ctx, r->action, nr, 0, NULL);
	} else if (!same_index_twice(r)) {
		for (size_t i = 0; i < r->n_args; i++)
			cmp[i] = to_cmp(&r->args[i]);
		rc = seccomp_rule_add_array(ctx, r->action, nr, (unsigned)r->n_args, cmp);
	} else {
		rc = 0;
		for (size_t i = 0; i < r->n_args && rc == 0; i++) {
			cmp[0] = to_cmp(&r->args[i]);
			rc = seccomp_rule_add_array(ctx, r->action, nr, 1, cmp);
		}
	}
	if (rc < 0)
		return error_set(err, -rc, "seccomp: add rule for '%s'", name);
	return 0;
}

static int add_rules(scmp_filter_ctx ctx, const struct spec_seccomp *sc, struct error **err)
{
	for (size_t i = 0; i < sc->n_rules; i++) {
		const struct spec_seccomp_rule *r = &sc->rules[i];

		/* libseccomp refuses rules that repeat the default action */
		if (r->action == sc->default_action)
			continue;
		for (char **name = r->names; name && *name; name++) {
			int nr = seccomp_syscall_resolve_name(*name);

			if (nr == __NR_SCMP_ERROR) {
				log_debug("seccomp: unknown syscall '%s' skipped", *name);
				continue;
			}
			if (add_rule(ctx, r, nr, *name, err) < 0)
				return -1;
		}
	}
	return 0;
}

static int set_attrs(scmp_filter_ctx ctx, const struct spec_seccomp *sc, bool nnp,
		     struct error **err)
{
	int rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, nnp ? 1 : 0);

	if (rc == 0 && (sc->flags & SECCOMP_FILTER_FLAG_TSYNC))
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	if (rc == 0 && (sc->flags & SECCOMP_FILTER_FLAG_LOG))
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, 1);
	/* no "flags" at all: runc and crun skip the speculative store bypass
	 * mitigation, a large cost on every syscall of the container */
	if (rc == 0 && ((sc->flags & SECCOMP_FILTER_FLAG_SPEC_ALLOW) || !sc->has_flags))
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_SSB, 1);
	if (rc < 0)
		return error_set(err, -rc, "seccomp: set filter flags");
	/* libseccomp 2.5 cannot set it; never drop a requested flag silently */
	if (sc->flags & ~(uint32_t)(SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_LOG |
				    SECCOMP_FILTER_FLAG_SPEC_ALLOW))
		return error_set(err, 0,
				 "linux.seccomp.flags: only SECCOMP_FILTER_FLAG_TSYNC, _LOG and "
				 "_SPEC_ALLOW are supported");
	/* errno actions return EPERM-style errors, not ENOSYS, for arches
	 * not listed: keep libseccomp's default "bad arch" action (kill) */
	return 0;
}

int seccomp_apply(const struct spec_seccomp *sc, bool nnp, struct error **err)
{
	cleanup_seccomp scmp_filter_ctx ctx = seccomp_init(sc->default_action);
	int rc;

	if (ctx == NULL)
		return error_set(err, EINVAL, "seccomp: init filter");
	for (size_t i = 0; i < sc->n_arches; i++) {
		rc = seccomp_arch_add(ctx, sc->arches[i]);
		/* EDOM: libseccomp cannot mix byte orders in one filter */
		if (rc == -EDOM)
			return error_set(err, 0,
					 "linux.seccomp.architectures[%zu]: %s has another byte "
					 "order than this host's filter",
					 i, spec_seccomp_arch_name(sc->arches[i]));
		if (rc < 0 && rc != -EEXIST)
			return error_set(err, -rc, "linux.seccomp.architectures[%zu]: add %s", i,
					 spec_seccomp_arch_name(sc->arches[i]));
	}
	if (set_attrs(ctx, sc, nnp, err) < 0 || add_rules(ctx, sc, err) < 0)
		return -1;
	rc = seccomp_load(ctx);
	if (rc < 0)
		return error_set(err, -rc, "seccomp: load filter");
	return 0;
}
