/* SPDX-License-Identifier: Apache-2.0 */
/* spec/resources.c — LinuxResources: config.json's linux.resources and
 * the document `update --resources` reads.
 *
 * Decodes and checks values on their own (ranges, syntax of cpu lists,
 * hugepage sizes, unified file names).  Whether the host has the
 * controller, and whether a zero means "unset" (docker sends
 * {"cpu":{"shares":0},"blockIO":{"weight":0}} for nothing at all), is the
 * cgroups module's business: zero is accepted wherever a client sends it. */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "spec/internal.h"

/* ---- devices ----------------------------------------------------------------- */

static int dec_rule_type(struct dec *d, const struct jnode *v, void *out)
{
	const char *t;

	if (dec_expect(d, v, J_STRING) < 0)
		return -1;
	t = json_string(v);
	if (strlen(t) != 1 || strchr("acb", t[0]) == NULL)
		return dec_fail(d, "unknown device type %s (a, c or b)", quote(t).s);
	*(char *)out = t[0];
	return 0;
}

static int dec_rule_number(struct dec *d, const struct jnode *v, void *out)
{
	return dec_int_range(d, v, -1, UINT32_MAX, out); /* -1: any */
}

static int dec_access(struct dec *d, const struct jnode *v, void *out)
{
	unsigned int *bits = out;
	const char *s;

	if (dec_expect(d, v, J_STRING) < 0)
		return -1;
	s = json_string(v);
	if (s[0] == '\0' || strspn(s, "rwm") != strlen(s))
		return dec_fail(d, "must be a non-empty subset of \"rwm\"");
	for (; *s != '\0'; s++)
		*bits |= *s == 'r' ? SPEC_DEV_READ : *s == 'w' ? SPEC_DEV_WRITE : SPEC_DEV_MKNOD;
	return 0;
}

static const struct field rule_fields[] = {
	FIELD_REQ("allow", dec_bool, struct spec_dev_rule, allow),
	FIELD("type", dec_rule_type, struct spec_dev_rule, type),
	FIELD("major", dec_rule_number, struct spec_dev_rule, major),
	FIELD("minor", dec_rule_number, struct spec_dev_rule, minor),
	FIELD("access", dec_access, struct spec_dev_rule, access),
};

static int dec_rule(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_dev_rule *r = out;

	r->type = 'a';
	r->major = r->minor = -1;
	return dec_object(d, v, rule_fields, ARRAY_SIZE(rule_fields), r);
}

static int dec_rules(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_resources *r = out;

	return dec_array(d, v, sizeof(struct spec_dev_rule), (void **)&r->devices, &r->n_devices,
			 dec_rule);
}

/* ---- memory ------------------------------------------------------------------ */

static int dec_bytes(struct dec *d, const struct jnode *v, void *out)
{
	struct opt_i64 *o = out;

	if (dec_i64(d, v, &o->v) < 0)
		return -1;
	if (o->v < -1)
		return dec_fail(d, "must be -1 (unlimited) or a number of bytes");
	o->set = true;
	return 0;
}

static int dec_swappiness(struct dec *d, const struct jnode *v, void *out)
{
	struct opt_u64 *o = out;

	if (dec_uint_range(d, v, 100, &o->v) < 0)
		return -1;
	o->set = true;
	return 0;
}

static const struct field memory_fields[] = {
	FIELD("limit", dec_bytes, struct spec_memory, limit),
	FIELD("reservation", dec_bytes, struct spec_memory, reservation),
	FIELD("swap", dec_bytes, struct spec_memory, swap),
	FIELD("kernel", dec_opt_i64, struct spec_memory, kernel),
	FIELD("kernelTCP", dec_opt_i64, struct spec_memory, kernel_tcp),
	FIELD("swappiness", dec_swappiness, struct spec_memory, swappiness),
	FIELD("disableOOMKiller", dec_bool, struct spec_memory, disable_oom_killer),
	FIELD("useHierarchy", dec_bool, struct spec_memory, use_hierarchy),
	FIELD("checkBeforeUpdate", dec_bool, struct spec_memory, check_before_update),
};

static int dec_memory(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_resources *r = out;
	const struct spec_memory *m = &r->memory;

	r->has_memory = true;
	if (dec_object(d, v, memory_fields, ARRAY_SIZE(memory_fields), &r->memory) < 0)
		return -1;
	/* "swap" is the memory+swap limit: below the memory limit it is
	 * meaningless (v1 refuses it; v2 would need a negative swap.max) */
	if (m->limit.set && m->swap.set && m->limit.v > 0 && m->swap.v > 0 &&
	    m->swap.v < m->limit.v) {
		dec_key(d, "swap");
		return dec_fail(d, "must be at least the memory limit "
				   "(it limits memory+swap)");
	}
	return 0;
}

/* ---- cpu --------------------------------------------------------------------- */

static bool parse_number(const char **p, unsigned long *n)
{
	const char *s = *p;

	if (!isdigit((unsigned char)*s))
		return false;
	*n = 0;
	for (; isdigit((unsigned char)*s); s++) {
		if (*n > 1000000)
			return false; /* no machine has that many cpus */
		*n = *n * 10 + (unsigned long)(*s - '0');
	}
	*p = s;
	return true;
}

/* "0-3,7" and the kernel's "0-15:2/4" stride form (bitmap_parselist) */
static bool cpu_list_valid(const char *s)
{
	for (;;) {
		unsigned long a, b, used, group;

		if (!parse_number(&s, &a))
			return false;
		b = a;
		if (*s == '-') {
			s++;
			if (!parse_number(&s, &b) || b < a)
				return false;
			if (*s == ':') {
				s++;
				if (!parse_number(&s, &used) || *s++ != '/' ||
				    !parse_number(&s, &group) || used == 0 || used > group)
					return false;
			}
		}
		if (*s == '\0')
			return true;
		if (*s++ != ',')
			return false;
	}
}

static int dec_cpu_list(struct dec *d, const struct jnode *v, void *out)
{
	if (dec_str_or_null(d, v, out) < 0)
		return -1;
	if (*(char **)out != NULL && !cpu_list_valid(*(char **)out))
		return dec_fail(d, "must be a list like \"0-3,7\"");
	return 0;
}

static int dec_quota(struct dec *d, const struct jnode *v, void *out)
{
	struct opt_i64 *o = out;

	if (dec_int_range(d, v, -1, INT64_MAX, &o->v) < 0)
		return -1;
	o->set = true;
	return 0;
}

static int dec_period(struct dec *d, const struct jnode *v, void *out)
{
	struct opt_u64 *o = out;

	if (dec_u64(d, v, &o->v) < 0)
		return -1;
	/* the kernel takes 1ms..1s; 0 is docker's "not set" */
	if (o->v != 0 && (o->v < 1000 || o->v > 1000000))
		return dec_fail(d, "must be 0 or in 1000..1000000 (microseconds)");
	o->set = true;
	return 0;
}

static int dec_idle(struct dec *d, const struct jnode *v, void *out)
{
	struct opt_i64 *o = out;

	if (dec_int_range(d, v, 0, 1, &o->v) < 0)
		return -1;
	o->set = true;
	return 0;
}

static const struct field cpu_fields[] = {
	FIELD("shares", dec_opt_u64, struct spec_cpu, shares),
	FIELD("quota", dec_quota, struct spec_cpu, quota),
	FIELD("burst", dec_opt_u64, struct spec_cpu, burst),
	FIELD("period", dec_period, struct spec_cpu, period),
	FIELD("realtimeRuntime", dec_opt_i64, struct spec_cpu, realtime_runtime),
	FIELD("realtimePeriod", dec_opt_u64, struct spec_cpu, realtime_period),
	FIELD("cpus", dec_cpu_list, struct spec_cpu, cpus),
	FIELD("mems", dec_cpu_list, struct spec_cpu, mems),
	FIELD("idle", dec_idle, struct spec_cpu, idle),
};

static int dec_cpu(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_resources *r = out;

	r->has_cpu = true;
	return dec_object(d, v, cpu_fields, ARRAY_SIZE(cpu_fields), &r->cpu);
}

/* ---- pids -------------------------------------------------------------------- */

static const struct field pids_fields[] = {
	FIELD("limit", dec_opt_i64, struct spec_resources, pids_limit),
};

static int dec_pids(struct dec *d, const struct jnode *v, void *out)
{
	return dec_object(d, v, pids_fields, ARRAY_SIZE(pids_fields), out);
}

/* ---- blockIO ----------------------------------------------------------------- */

static int dec_weight(struct dec *d, const struct jnode *v, void *out)
{
	struct opt_u64 *o = out;

	if (dec_uint_range(d, v, UINT16_MAX, &o->v) < 0)
		return -1;
	if (o->v != 0 && (o->v < 10 || o->v > 1000)) /* 0: docker's unset */
		return dec_fail(d, "must be in 10..1000");
	o->set = true;
	return 0;
}

static const struct field weight_dev_fields[] = {
	FIELD_REQ("major", dec_i64, struct spec_weight_device, major),
	FIELD_REQ("minor", dec_i64, struct spec_weight_device, minor),
	FIELD("weight", dec_weight, struct spec_weight_device, weight),
	FIELD("leafWeight", dec_weight, struct spec_weight_device, leaf_weight),
};

static int dec_weight_dev(struct dec *d, const struct jnode *v, void *out)
{
	return dec_object(d, v, weight_dev_fields, ARRAY_SIZE(weight_dev_fields), out);
}

static int dec_weight_devs(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_blkio *b = out;

	return dec_array(d, v, sizeof(struct spec_weight_device), (void **)&b->weight_devices,
			 &b->n_weight_devices, dec_weight_dev);
}

static const struct field throttle_fields[] = {
	FIELD_REQ("major", dec_i64, struct spec_throttle_device, major),
	FIELD_REQ("minor", dec_i64, struct spec_throttle_device, minor),
	FIELD_REQ("rate", dec_u64, struct spec_throttle_device, rate),
};

static int dec_throttle(struct dec *d, const struct jnode *v, void *out)
{
	return dec_object(d, v, throttle_fields, ARRAY_SIZE(throttle_fields), out);
}

static int dec_throttles(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_throttle_list *l = out;

	return dec_array(d, v, sizeof(struct spec_throttle_device), (void **)&l->v, &l->n,
			 dec_throttle);
}

static const struct field blkio_fields[] = {
	FIELD("weight", dec_weight, struct spec_blkio, weight),
	FIELD("leafWeight", dec_weight, struct spec_blkio, leaf_weight),
	FIELD_SELF("weightDevice", dec_weight_devs),
	FIELD("throttleReadBpsDevice", dec_throttles, struct spec_blkio, read_bps),
	FIELD("throttleWriteBpsDevice", dec_throttles, struct spec_blkio, write_bps),
	FIELD("throttleReadIOPSDevice", dec_throttles, struct spec_blkio, read_iops),
	FIELD("throttleWriteIOPSDevice", dec_throttles, struct spec_blkio, write_iops),
};

static int dec_blkio(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_resources *r = out;

	r->has_blkio = true;
	return dec_object(d, v, blkio_fields, ARRAY_SIZE(blkio_fields), &r->blkio);
}

/* ---- hugepages, network, rdma, unified ----------------------------------- */

/* "2MB", "1GB", "64KB": the names runtimes derive from hugepages-<N>kB */
static bool page_size_valid(const char *s)
{
	static const char *const units[] = {"KB", "MB", "GB", "TB", "PB"};
	size_t digits = strspn(s, "0123456789");

	if (digits == 0 || digits > 12 || s[0] == '0')
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		if (strcmp(s + digits, units[i]) == 0)
			return true;
	return false;
}

static int dec_page_size(struct dec *d, const struct jnode *v, void *out)
{
	if (dec_str(d, v, out) < 0)
		return -1;
	if (!page_size_valid(*(char **)out))
		return dec_fail(d, "must be a size like \"2MB\" or \"1GB\"");
	return 0;
}

static const struct field hugepage_fields[] = {
	FIELD_REQ("pageSize", dec_page_size, struct spec_hugepage_limit, page_size),
	FIELD_REQ("limit", dec_u64, struct spec_hugepage_limit, limit),
};

static int dec_hugepage(struct dec *d, const struct jnode *v, void *out)
{
	return dec_object(d, v, hugepage_fields, ARRAY_SIZE(hugepage_fields), out);
}

static int dec_hugepages(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_resources *r = out;

	return dec_array(d, v, sizeof(struct spec_hugepage_limit), (void **)&r->hugepages,
			 &r->n_hugepages, dec_hugepage);
}

/* net_cls/net_prio exist on cgroup v1 only.  An interface name goes into
 * net_prio.ifpriomap as "<name> <prio>": it must be one word the kernel
 * could name an interface with.  */
static int dec_ifname(struct dec *d, const struct jnode *v, void *out)
{
	const char *s;

	if (dec_str(d, v, out) < 0)
		return -1;
	s = *(char **)out;
	if (s[0] == '\0' || strlen(s) > 15 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return dec_fail(d, "must be an interface name (1 to 15 characters)");
	for (; *s; s++)
		if (*s == '/' || *s == ':' || isspace((unsigned char)*s) ||
		    !isprint((unsigned char)*s))
			return dec_fail(d,
					"must be an interface name (no '/', ':' or white space)");
	return 0;
}

static const struct field priority_fields[] = {
	FIELD_REQ("name", dec_ifname, struct spec_net_priority, name),
	FIELD_REQ("priority", dec_u32, struct spec_net_priority, priority),
};

static int dec_priority(struct dec *d, const struct jnode *v, void *out)
{
	return dec_object(d, v, priority_fields, ARRAY_SIZE(priority_fields), out);
}

static int dec_priorities(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_resources *r = out;

	return dec_array(d, v, sizeof(struct spec_net_priority), (void **)&r->net_priorities,
			 &r->n_net_priorities, dec_priority);
}

static int dec_class_id(struct dec *d, const struct jnode *v, void *out)
{
	struct opt_u64 *o = out;

	if (dec_uint_range(d, v, UINT32_MAX, &o->v) < 0)
		return -1;
	o->set = true;
	return 0;
}

static const struct field network_fields[] = {
	FIELD("classID", dec_class_id, struct spec_resources, net_class_id),
	FIELD_SELF("priorities", dec_priorities),
};

static int dec_network(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_resources *r = out;

	r->has_network = true;
	return dec_object(d, v, network_fields, ARRAY_SIZE(network_fields), r);
}

static int dec_opt_u32(struct dec *d, const struct jnode *v, void *out)
{
	struct opt_u64 *o = out;

	if (dec_uint_range(d, v, UINT32_MAX, &o->v) < 0)
		return -1;
	o->set = true;
	return 0;
}

static const struct field rdma_fields[] = {
	FIELD("hcaHandles", dec_opt_u32, struct spec_rdma_limit, hca_handles),
	FIELD("hcaObjects", dec_opt_u32, struct spec_rdma_limit, hca_objects),
};

static int dec_rdma(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_resources *r = out;
	size_t len;

	if (dec_expect(d, v, J_OBJECT) < 0)
		return -1;
	len = json_len(v);
	r->rdma = len > 0 ? xcalloc(len, sizeof(*r->rdma)) : NULL;
	for (size_t i = 0; i < len; i++) {
		struct spec_rdma_limit *l = &r->rdma[i];
		size_t mark = dec_mapkey(d, json_key_at(v, i));

		l->device = xstrdup(json_key_at(v, i));
		r->n_rdma = i + 1;
		if (dec_object(d, json_at(v, i), rdma_fields, ARRAY_SIZE(rdma_fields), l) < 0)
			return -1;
		dec_pop(d, mark);
	}
	return 0;
}

static int dec_unified(struct dec *d, const struct jnode *v, void *out)
{
	struct spec_resources *r = out;

	if (dec_string_map(d, v, &r->unified_keys, &r->unified_values, &r->n_unified) < 0)
		return -1;
	for (size_t i = 0; i < r->n_unified; i++) {
		const char *k = r->unified_keys[i];

		if (k[0] != '\0' && strchr(k, '/') == NULL && strcmp(k, ".") != 0 &&
		    strcmp(k, "..") != 0)
			continue;
		dec_mapkey(d, k);
		return dec_fail(d, "must be a cgroup file name (not empty, "
				   "no \"/\", not \".\" or \"..\")");
	}
	return 0;
}

static const struct field resources_fields[] = {
	FIELD_SELF("devices", dec_rules),   FIELD_SELF("memory", dec_memory),
	FIELD_SELF("cpu", dec_cpu),	    FIELD_SELF("pids", dec_pids),
	FIELD_SELF("blockIO", dec_blkio),   FIELD_SELF("hugepageLimits", dec_hugepages),
	FIELD_SELF("network", dec_network), FIELD_SELF("rdma", dec_rdma),
	FIELD_SELF("unified", dec_unified),
};

int spec_dec_resources(struct dec *d, const struct jnode *v, void *out)
{
	return dec_object(d, v, resources_fields, ARRAY_SIZE(resources_fields), out);
}
