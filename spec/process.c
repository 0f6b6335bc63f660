/* SPDX-License-Identifier: Apache-2.0 */
/* spec/process.c — the "process" object: config.json's, and the one
 * `exec --process FILE` reads, decoded and checked the same way.
 *
 * Checks here only need the process itself (rlimit names and order,
 * capability names, scheduler parameters); consoleSize-vs-terminal and
 * the like are in validate.c.  Host-dependent checks (is the rlimit above
 * what we may set, is there an LSM for apparmorProfile) are the
 * launcher's.  */
#define _GNU_SOURCE
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "spec/internal.h"

#ifndef SCHED_DEADLINE
#define SCHED_DEADLINE 6
#endif

/* ---- user ---------------------------------------------------------------- */

static int dec_umask(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_user *u = out;
	uint64_t n;

	if (dec_uint_range(d, v, 0777, &n) < 0)
		return -1;
	u->has_umask = true;
	u->umask = (mode_t)n;
	return 0;
}

static int dec_gids(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_user *u = out;

	return dec_array(d, v, sizeof(uint32_t), (void **)&u->additional_gids,
			 &u->n_additional_gids, dec_u32);
}

static const struct field user_fields[] = {
	FIELD_REQ("uid", dec_u32, struct spec_user, uid),
	FIELD_REQ("gid", dec_u32, struct spec_user, gid),
	FIELD_SELF("umask", dec_umask),
	FIELD_SELF("additionalGids", dec_gids),
};

static int dec_user(struct dec *d, const struct jnode *v, void *out)
{
	return dec_object(d, v, user_fields, ARRAY_SIZE(user_fields), out);
}

/* ---- args, env, console ------------------------------------------------- */

static int dec_args(struct dec *d, const struct jnode *v, void *out)
{
	if (json_type(v) != J_ARRAY || json_len(v) == 0)
		return dec_fail(d, "must be a non-empty array of strings");
	return dec_strv(d, v, out);
}

static int dec_env(struct dec *d, const struct jnode *v, void *out)
{
	char ***env = out;

	if (dec_strv(d, v, out) < 0)
		return -1;
	for (size_t i = 0; (*env)[i] != NULL; i++) {
		const char *eq = strchr((*env)[i], '=');

		if (eq == NULL || eq == (*env)[i]) {
			size_t mark = dec_index(d, i);

			dec_fail(d, "must have the form NAME=value");
			dec_pop(d, mark);
			return -1;
		}
	}
	return 0;
}

struct console_size {
	unsigned int height;
	unsigned int width;
};

static const struct field console_fields[] = {
	FIELD_REQ("height", dec_uint, struct console_size, height),
	FIELD_REQ("width", dec_uint, struct console_size, width),
};

static int dec_console(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_process *p = out;
	struct console_size c = {0, 0};

	if (dec_object(d, v, console_fields, ARRAY_SIZE(console_fields), &c) < 0)
		return -1;
	p->has_console_size = true;
	p->console_height = c.height;
	p->console_width = c.width;
	return 0;
}

/* ---- capabilities ------------------------------------------------------- */

static int dec_capset(struct dec *d, const struct jnode *v, void *out)
{
	uint64_t *mask = out;

	if (dec_expect(d, v, J_ARRAY) < 0)
		return -1;
	for (size_t i = 0; i < json_len(v); i++) {
		const struct jnode *s = json_at(v, i);
		size_t mark = dec_index(d, i);
		int cap;

		if (dec_expect(d, s, J_STRING) < 0)
			return -1;
		if (!spec_capability_lookup(json_string(s), &cap))
			return dec_fail(d, "unknown capability %s", quote(json_string(s)).s);
		*mask |= UINT64_C(1) << cap;
		dec_pop(d, mark);
	}
	return 0;
}

static const struct field caps_fields[] = {
	FIELD("bounding", dec_capset, struct spec_capabilities, bounding),
	FIELD("effective", dec_capset, struct spec_capabilities, effective),
	FIELD("inheritable", dec_capset, struct spec_capabilities, inheritable),
	FIELD("permitted", dec_capset, struct spec_capabilities, permitted),
	FIELD("ambient", dec_capset, struct spec_capabilities, ambient),
};

static int dec_caps(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_process *p = out;

	p->has_capabilities = true;
	return dec_object(d, v, caps_fields, ARRAY_SIZE(caps_fields), &p->caps);
}

/* ---- rlimits ------------------------------------------------------------- */

static int dec_rlimit_type(struct dec *d, const struct jnode *v, void *out)
{
	if (dec_expect(d, v, J_STRING) < 0)
		return -1;
	if (!spec_rlimit_lookup(json_string(v), out))
		return dec_fail(d, "unknown rlimit %s", quote(json_string(v)).s);
	return 0;
}

static const struct field rlimit_fields[] = {
	FIELD_REQ("type", dec_rlimit_type, struct spec_rlimit, resource),
	FIELD_REQ("soft", dec_u64, struct spec_rlimit, soft),
	FIELD_REQ("hard", dec_u64, struct spec_rlimit, hard),
};

static int dec_rlimit(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_rlimit *rl = out;

	if (dec_object(d, v, rlimit_fields, ARRAY_SIZE(rlimit_fields), rl) < 0)
		return -1;
	if (rl->soft > rl->hard)
		return dec_fail(d, "soft limit exceeds hard limit");
	return 0;
}

/* Each type may appear once: the error names the later duplicate. */
static int dec_rlimits(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_process *p = out;

	if (dec_array(d, v, sizeof(struct spec_rlimit), (void **)&p->rlimits, &p->n_rlimits,
		      dec_rlimit) < 0)
		return -1;
	for (size_t i = 1; i < p->n_rlimits; i++) {
		for (size_t j = 0; j < i; j++) {
			if (p->rlimits[i].resource != p->rlimits[j].resource)
				continue;
			dec_index(d, i);
			dec_key(d, "type");
			return dec_fail(d, "duplicate rlimit %s",
					quote(json_string(json_get(json_at(v, i), "type"))).s);
		}
	}
	return 0;
}

/* ---- oomScoreAdj, ioPriority ----------------------------------------------- */

static int dec_oom(struct dec *d, const struct jnode *v, void *out)
{
	struct opt_i64 *o = out;

	/* the kernel's OOM_SCORE_ADJ_MIN..OOM_SCORE_ADJ_MAX */
	if (dec_int_range(d, v, -1000, 1000, &o->v) < 0)
		return -1;
	o->set = true;
	return 0;
}

static const struct name_value ioprio_classes[] = {
	{"IOPRIO_CLASS_RT", 1},
	{"IOPRIO_CLASS_BE", 2},
	{"IOPRIO_CLASS_IDLE", 3},
};

static int dec_ioprio_class(struct dec *d, const struct jnode *v, void *out)
{
	long c;

	if (dec_expect(d, v, J_STRING) < 0)
		return -1;
	if (!name_lookup(ioprio_classes, ARRAY_SIZE(ioprio_classes), json_string(v), &c))
		return dec_fail(d, "unknown class %s", quote(json_string(v)).s);
	*(int *)out = (int)c;
	return 0;
}

static int dec_ioprio_level(struct dec *d, const struct jnode *v, void *out)
{
	int64_t n;

	if (dec_int_range(d, v, 0, 7, &n) < 0)
		return -1;
	*(int *)out = (int)n;
	return 0;
}

static const struct field ioprio_fields[] = {
	FIELD_REQ("class", dec_ioprio_class, struct spec_io_priority, class),
	FIELD("priority", dec_ioprio_level, struct spec_io_priority, priority),
};

static int dec_ioprio(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_io_priority *io = out;

	io->set = true;
	return dec_object(d, v, ioprio_fields, ARRAY_SIZE(ioprio_fields), io);
}

/* ---- scheduler ------------------------------------------------------------ */

#define SCHED_ISO_ 4 /* named by the runtime-spec, never in Linux */

static const struct name_value sched_policies[] = {
	{"SCHED_OTHER", SCHED_OTHER},	    {"SCHED_FIFO", SCHED_FIFO}, {"SCHED_RR", SCHED_RR},
	{"SCHED_BATCH", SCHED_BATCH},	    {"SCHED_ISO", SCHED_ISO_},	{"SCHED_IDLE", SCHED_IDLE},
	{"SCHED_DEADLINE", SCHED_DEADLINE},
};

/* linux/sched.h SCHED_FLAG_* */
static const struct name_value sched_flags[] = {
	{"SCHED_FLAG_RESET_ON_FORK", 0x01},  {"SCHED_FLAG_RECLAIM", 0x02},
	{"SCHED_FLAG_DL_OVERRUN", 0x04},     {"SCHED_FLAG_KEEP_POLICY", 0x08},
	{"SCHED_FLAG_KEEP_PARAMS", 0x10},    {"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20},
	{"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40},
};

static int dec_sched_policy(struct dec *d, const struct jnode *v, void *out)
{
	long p;

	if (dec_expect(d, v, J_STRING) < 0)
		return -1;
	if (!name_lookup(sched_policies, ARRAY_SIZE(sched_policies), json_string(v), &p))
		return dec_fail(d, "unknown policy %s", quote(json_string(v)).s);
	if (p == SCHED_ISO_)
		return dec_fail(d, "SCHED_ISO is not implemented by Linux");
	*(int *)out = (int)p;
	return 0;
}

static int dec_sched_flags(struct dec *d, const struct jnode *v, void *out)
{
	uint64_t *flags = out;

	if (dec_expect(d, v, J_ARRAY) < 0)
		return -1;
	for (size_t i = 0; i < json_len(v); i++) {
		const struct jnode *s = json_at(v, i);
		size_t mark = dec_index(d, i);
		long f;

		if (dec_expect(d, s, J_STRING) < 0)
			return -1;
		if (!name_lookup(sched_flags, ARRAY_SIZE(sched_flags), json_string(s), &f))
			return dec_fail(d, "unknown flag %s", quote(json_string(s)).s);
		*flags |= (uint64_t)f;
		dec_pop(d, mark);
	}
	return 0;
}

static int dec_nice(struct dec *d, const struct jnode *v, void *out)
{
	int64_t n;

	if (dec_int_range(d, v, -20, 19, &n) < 0)
		return -1;
	*(int *)out = (int)n;
	return 0;
}

static int dec_i32(struct dec *d, const struct jnode *v, void *out)
{
	int64_t n;

	if (dec_int_range(d, v, INT32_MIN, INT32_MAX, &n) < 0)
		return -1;
	*(int *)out = (int)n;
	return 0;
}

static const struct field sched_fields[] = {
	FIELD_REQ("policy", dec_sched_policy, struct spec_scheduler, policy),
	FIELD("nice", dec_nice, struct spec_scheduler, nice),
	FIELD("priority", dec_i32, struct spec_scheduler, priority),
	FIELD("flags", dec_sched_flags, struct spec_scheduler, flags),
	FIELD("runtime", dec_u64, struct spec_scheduler, runtime),
	FIELD("deadline", dec_u64, struct spec_scheduler, deadline),
	FIELD("period", dec_u64, struct spec_scheduler, period),
};

/* What sched_setattr(2) would refuse, said before anything runs. */
static int sched_check(struct dec *d, const struct spec_scheduler *s)
{
	bool rt = s->policy == SCHED_FIFO || s->policy == SCHED_RR;
	bool dl = s->policy == SCHED_DEADLINE;
	uint64_t period = s->period != 0 ? s->period : s->deadline;
	size_t mark;

	if (rt && (s->priority < 1 || s->priority > 99)) {
		mark = dec_key(d, "priority");
		dec_fail(d, "must be an integer in 1..99 for %s",
			 s->policy == SCHED_FIFO ? "SCHED_FIFO" : "SCHED_RR");
		dec_pop(d, mark);
		return -1;
	}
	if (!rt && s->priority != 0) {
		mark = dec_key(d, "priority");
		dec_fail(d, "only SCHED_FIFO and SCHED_RR take a priority");
		dec_pop(d, mark);
		return -1;
	}
	if (!dl && (s->runtime != 0 || s->deadline != 0 || s->period != 0))
		return dec_fail(d, "runtime, deadline and period need "
				   "SCHED_DEADLINE");
	if (dl && (s->runtime == 0 || s->deadline < s->runtime || period < s->deadline))
		return dec_fail(d, "SCHED_DEADLINE needs 0 < runtime <= "
				   "deadline <= period");
	return 0;
}

static int dec_sched(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_scheduler *s = out;

	if (dec_object(d, v, sched_fields, ARRAY_SIZE(sched_fields), s) < 0)
		return -1;
	s->set = true;
	return sched_check(d, s);
}

/* ---- the process object ----------------------------------------------------- */

static const struct field process_fields[] = {
	FIELD("terminal", dec_bool, struct spec_process, terminal),
	FIELD_SELF("consoleSize", dec_console),
	FIELD_REQ("user", dec_user, struct spec_process, user),
	FIELD_REQ("args", dec_args, struct spec_process, args),
	FIELD("env", dec_env, struct spec_process, env),
	FIELD_REQ("cwd", dec_abspath, struct spec_process, cwd),
	FIELD_SELF("capabilities", dec_caps),
	FIELD_SELF("rlimits", dec_rlimits),
	FIELD("noNewPrivileges", dec_bool, struct spec_process, no_new_privileges),
	FIELD("oomScoreAdj", dec_oom, struct spec_process, oom_score_adj),
	FIELD("apparmorProfile", dec_str_or_null, struct spec_process, apparmor_profile),
	FIELD("selinuxLabel", dec_str_or_null, struct spec_process, selinux_label),
	FIELD("ioPriority", dec_ioprio, struct spec_process, io_priority),
	FIELD("scheduler", dec_sched, struct spec_process, scheduler),
};

int spec_dec_process(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_process **pp = out;

	*pp = xcalloc(1, sizeof(**pp));
	if (dec_object(d, v, process_fields, ARRAY_SIZE(process_fields), *pp) < 0)
		return -1;
	/* an absent env still reaches the launcher as an empty vector */
	if ((*pp)->env == NULL)
		(*pp)->env = xcalloc(1, sizeof(char *));
	/* runc ignores a console size without a terminal, and docker sends
	 * one whenever its client runs in a terminal, even without -t: so
	 * ignore it here too rather than refuse every such container.  */
	if (!(*pp)->terminal)
		(*pp)->has_console_size = false;
	return 0;
}
