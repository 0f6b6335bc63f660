/* SPDX-License-Identifier: Apache-2.0 */
/* spec/seccomp.c — "linux.seccomp": action, architecture, operator and
 * flag names decoded to the numbers libseccomp and seccomp(2) take.
 *
 * Actions are folded into full SCMP_ACT_* values, with the errno in: an
 * SCMP_ACT_ERRNO or SCMP_ACT_TRACE without errnoRet gets EPERM, as runc
 * does.  Syscall names stay strings: whether the running libseccomp knows
 * a name is for the loader to decide (unknown names are skipped there,
 * since profiles list syscalls of every architecture).  */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "spec/internal.h"

#ifndef SCMP_ARCH_LOONGARCH64 /* libseccomp >= 2.5.5 */
#define SCMP_ARCH_LOONGARCH64 AUDIT_ARCH_LOONGARCH64
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

static const struct name_value actions[] = {
	{"SCMP_ACT_KILL", SCMP_ACT_KILL},
	{"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD},
	{"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS},
	{"SCMP_ACT_TRAP", SCMP_ACT_TRAP},
	{"SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0)},
	{"SCMP_ACT_TRACE", SCMP_ACT_TRACE(0)},
	{"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW},
	{"SCMP_ACT_LOG", SCMP_ACT_LOG},
	{"SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY},
};

static const struct name_value arches[] = {
	{"SCMP_ARCH_X86", SCMP_ARCH_X86},
	{"SCMP_ARCH_X86_64", SCMP_ARCH_X86_64},
	{"SCMP_ARCH_X32", SCMP_ARCH_X32},
	{"SCMP_ARCH_ARM", SCMP_ARCH_ARM},
	{"SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64},
	{"SCMP_ARCH_MIPS", SCMP_ARCH_MIPS},
	{"SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64},
	{"SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32},
	{"SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL},
	{"SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64},
	{"SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32},
	{"SCMP_ARCH_PPC", SCMP_ARCH_PPC},
	{"SCMP_ARCH_PPC64", SCMP_ARCH_PPC64},
	{"SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE},
	{"SCMP_ARCH_S390", SCMP_ARCH_S390},
	{"SCMP_ARCH_S390X", SCMP_ARCH_S390X},
	{"SCMP_ARCH_PARISC", SCMP_ARCH_PARISC},
	{"SCMP_ARCH_PARISC64", SCMP_ARCH_PARISC64},
	{"SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64},
	{"SCMP_ARCH_LOONGARCH64", SCMP_ARCH_LOONGARCH64},
};

const char *spec_seccomp_arch_name(uint32_t arch)
{
	for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++)
		if ((uint32_t)arches[i].value == arch)
			return arches[i].name;
	return "architecture";
}

static const struct name_value operators[] = {
	{"SCMP_CMP_NE", SCMP_CMP_NE},
	{"SCMP_CMP_LT", SCMP_CMP_LT},
	{"SCMP_CMP_LE", SCMP_CMP_LE},
	{"SCMP_CMP_EQ", SCMP_CMP_EQ},
	{"SCMP_CMP_GE", SCMP_CMP_GE},
	{"SCMP_CMP_GT", SCMP_CMP_GT},
	{"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
};

static const struct name_value filter_flags[] = {
	{"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC},
	{"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
	{"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
	{"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV},
};

/* A string decoded through one of the tables above into a uint32_t. */
static int dec_named(struct dec *d, const struct jnode *v, uint32_t *out,
		     const struct name_value *t, size_t n, const char *what)
{
	long value;

	if (dec_expect(d, v, J_STRING) < 0)
		return -1;
	if (!name_lookup(t, n, json_string(v), &value))
		return dec_fail(d, "unknown %s %s", what, quote(json_string(v)).s);
	*out = (uint32_t)value;
	return 0;
}

static int dec_action(struct dec *d, const struct jnode *v, void *out)
{
	return dec_named(d, v, out, actions, ARRAY_SIZE(actions), "action");
}

static int dec_operator(struct dec *d, const struct jnode *v, void *out)
{
	uint32_t op;

	if (dec_named(d, v, &op, operators, ARRAY_SIZE(operators), "operator") < 0)
		return -1;
	*(int *)out = (int)op;
	return 0;
}

static bool takes_errno(uint32_t action)
{
	return action == SCMP_ACT_ERRNO(0) || action == SCMP_ACT_TRACE(0);
}

/* Fold obj[key] (errnoRet / defaultErrnoRet) into *action. */
static int fold_errno(struct dec *d, const struct jnode *obj, const char *key, uint32_t *action)
{
	const struct jnode *v = json_get(obj, key);
	uint64_t e = EPERM;
	size_t mark;

	if (v == NULL || json_type(v) == J_NULL) {
		if (takes_errno(*action))
			*action |= (uint32_t)e;
		return 0;
	}
	mark = dec_key(d, key);
	if (dec_uint_range(d, v, UINT16_MAX, &e) < 0)
		return -1;
	if (!takes_errno(*action))
		return dec_fail(d, "only valid with SCMP_ACT_ERRNO or "
				   "SCMP_ACT_TRACE");
	*action |= (uint32_t)e;
	dec_pop(d, mark);
	return 0;
}

/* ---- rules ------------------------------------------------------------------- */

static int dec_arg_index(struct dec *d, const struct jnode *v, void *out)
{
	uint64_t n;

	if (dec_uint_range(d, v, 5, &n) < 0)
		return -1;
	*(unsigned int *)out = (unsigned int)n;
	return 0;
}

static const struct field arg_fields[] = {
	FIELD_REQ("index", dec_arg_index, struct spec_seccomp_arg, index),
	FIELD_REQ("value", dec_u64, struct spec_seccomp_arg, value),
	FIELD("valueTwo", dec_u64, struct spec_seccomp_arg, value_two),
	FIELD_REQ("op", dec_operator, struct spec_seccomp_arg, op),
};

static int dec_arg(struct dec *d, const struct jnode *v, void *out)
{
	return dec_object(d, v, arg_fields, ARRAY_SIZE(arg_fields), out);
}

static int dec_args(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_seccomp_rule *r = out;

	return dec_array(d, v, sizeof(struct spec_seccomp_arg), (void **)&r->args, &r->n_args,
			 dec_arg);
}

static int dec_names(struct dec *d, const struct jnode *v, void *out)
{
	char ***names = out;

	if (json_type(v) != J_ARRAY || json_len(v) == 0)
		return dec_fail(d, "must be a non-empty array of strings");
	if (dec_strv(d, v, out) < 0)
		return -1;
	for (size_t i = 0; (*names)[i] != NULL; i++) {
		if ((*names)[i][0] == '\0') {
			dec_index(d, i);
			return dec_fail(d, "must not be empty");
		}
	}
	return 0;
}

static const struct field rule_fields[] = {
	FIELD_REQ("names", dec_names, struct spec_seccomp_rule, names),
	FIELD_REQ("action", dec_action, struct spec_seccomp_rule, action),
	FIELD_SELF("args", dec_args),
};

static int dec_rule(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_seccomp_rule *r = out;

	if (dec_object(d, v, rule_fields, ARRAY_SIZE(rule_fields), r) < 0)
		return -1;
	return fold_errno(d, v, "errnoRet", &r->action);
}

static int dec_rules(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_seccomp *s = out;

	if (json_type(v) == J_SKIPPED) {
		s->rules_deferred = json_len(v) > 0; /* [] is no rules, exactly */
		return 0;
	}
	return dec_array(d, v, sizeof(struct spec_seccomp_rule), (void **)&s->rules, &s->n_rules,
			 dec_rule);
}

/* ---- the seccomp object --------------------------------------------------------- */

static int dec_arch(struct dec *d, const struct jnode *v, void *out)
{
	return dec_named(d, v, out, arches, ARRAY_SIZE(arches), "architecture");
}

static int dec_arches(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_seccomp *s = out;

	return dec_array(d, v, sizeof(uint32_t), (void **)&s->arches, &s->n_arches, dec_arch);
}

static int dec_flags(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_seccomp *s = out;

	if (dec_expect(d, v, J_ARRAY) < 0)
		return -1;
	s->has_flags = true;
	for (size_t i = 0; i < json_len(v); i++) {
		size_t mark = dec_index(d, i);
		uint32_t f;

		if (dec_named(d, json_at(v, i), &f, filter_flags, ARRAY_SIZE(filter_flags),
			      "flag") < 0)
			return -1;
		s->flags |= f;
		dec_pop(d, mark);
	}
	return 0;
}

static const struct field seccomp_fields[] = {
	FIELD_REQ("defaultAction", dec_action, struct spec_seccomp, default_action),
	FIELD_SELF("architectures", dec_arches),
	FIELD_SELF("flags", dec_flags),
	FIELD("listenerPath", dec_abspath, struct spec_seccomp, listener_path),
	FIELD("listenerMetadata", dec_str, struct spec_seccomp, listener_metadata),
	FIELD_SELF("syscalls", dec_rules),
};

static bool is_absent(const struct jnode *v)
{
	return v == NULL || json_type(v) == J_NULL;
}

/* runc and crun treat an object with neither a default action nor rules
 * as "no seccomp" (some tools write "seccomp": {} for unconfined).  */
static bool is_disabled(const struct jnode *v)
{
	const struct jnode *act = json_get(v, "defaultAction");
	const struct jnode *calls = json_get(v, "syscalls");

	return (is_absent(act) || (json_type(act) == J_STRING && json_string(act)[0] == '\0')) &&
	       (is_absent(calls) ||
		((json_type(calls) == J_ARRAY || json_type(calls) == J_SKIPPED) &&
		 json_len(calls) == 0));
}

/* The process hands the notify fd to the listener with sendmsg(2),
 * after the filter is loaded (runtime/process.c): a notification for
 * that call would wait for a listener that has no fd yet.  runc refuses
 * NOTIFY on write(2), its own hand-over call, for the same reason.  */
static int check_notify_rule(struct dec *d, const struct spec_seccomp_rule *r, size_t i)
{
	if (r->action != SCMP_ACT_NOTIFY)
		return 0;
	for (size_t j = 0; r->names[j] != NULL; j++) {
		if (strcmp(r->names[j], "sendmsg") != 0)
			continue;
		dec_key(d, "syscalls");
		dec_index(d, i);
		dec_key(d, "names");
		dec_index(d, j);
		return dec_fail(d, "SCMP_ACT_NOTIFY on sendmsg would never be answered: berth "
				   "sends the listener its fd with sendmsg");
	}
	return 0;
}

static int seccomp_check(struct dec *d, struct spec_seccomp *s)
{
	/* a saved config (spec_parse_saved), checked in full when the
	 * container was created: a listener path there means a rule that
	 * notifies */
	if (s->rules_deferred) {
		s->uses_notify = s->listener_path != NULL;
		return 0;
	}
	for (size_t i = 0; i < s->n_rules; i++) {
		if (check_notify_rule(d, &s->rules[i], i) < 0)
			return -1;
		if (s->rules[i].action == SCMP_ACT_NOTIFY)
			s->uses_notify = true;
	}
	if (s->default_action == SCMP_ACT_NOTIFY) {
		dec_key(d, "defaultAction");
		return dec_fail(d, "SCMP_ACT_NOTIFY cannot be the default "
				   "action");
	}
	if (s->uses_notify && s->listener_path == NULL) {
		dec_key(d, "listenerPath");
		return dec_fail(d, "required by SCMP_ACT_NOTIFY");
	}
	/* the runtime-spec says "ignored"; but a caller waiting on its
	 * socket would wait forever, so it is refused, as runc does */
	if (!s->uses_notify && s->listener_path != NULL) {
		dec_key(d, "listenerPath");
		return dec_fail(d, "set, but no rule uses SCMP_ACT_NOTIFY");
	}
	return 0;
}

int spec_dec_seccomp(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_seccomp **sp = out;

	if (dec_expect(d, v, J_OBJECT) < 0)
		return -1;
	if (is_disabled(v))
		return 0;
	*sp = xcalloc(1, sizeof(**sp));
	if (dec_object(d, v, seccomp_fields, ARRAY_SIZE(seccomp_fields), *sp) < 0)
		return -1;
	if (fold_errno(d, v, "defaultErrnoRet", &(*sp)->default_action) < 0)
		return -1;
	return seccomp_check(d, *sp);
}
