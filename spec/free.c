/* SPDX-License-Identifier: Apache-2.0 */
/* spec/free.c — releasing decoded configs.  Every function here accepts
 * a partly decoded struct (the decoders leave counts and pointers
 * consistent at every step), so error paths can free whatever they hold. */
#include <stdlib.h>

#include "core/mem.h"
#include "spec/internal.h"

void spec_process_clear(struct spec_process *p)
{
	free(p->user.additional_gids);
	strv_free(p->args);
	strv_free(p->env);
	free(p->cwd);
	free(p->rlimits);
	free(p->apparmor_profile);
	free(p->selinux_label);
}

void spec_process_free(struct spec_process *p)
{
	if (p == NULL)
		return;
	spec_process_clear(p);
	free(p);
}

void spec_resources_clear(struct spec_resources *r)
{
	free(r->devices);
	free(r->cpu.cpus);
	free(r->cpu.mems);
	free(r->blkio.weight_devices);
	free(r->blkio.read_bps.v);
	free(r->blkio.write_bps.v);
	free(r->blkio.read_iops.v);
	free(r->blkio.write_iops.v);
	for (size_t i = 0; i < r->n_hugepages; i++)
		free(r->hugepages[i].page_size);
	free(r->hugepages);
	for (size_t i = 0; i < r->n_rdma; i++)
		free(r->rdma[i].device);
	free(r->rdma);
	strv_free(r->unified_keys);
	strv_free(r->unified_values);
	for (size_t i = 0; i < r->n_net_priorities; i++)
		free(r->net_priorities[i].name);
	free(r->net_priorities);
}

void spec_resources_free(struct spec_resources *r)
{
	if (r == NULL)
		return;
	spec_resources_clear(r);
	free(r);
}

void spec_seccomp_free(struct spec_seccomp *s)
{
	if (s == NULL)
		return;
	free(s->arches);
	free(s->listener_path);
	free(s->listener_metadata);
	for (size_t i = 0; i < s->n_rules; i++) {
		strv_free(s->rules[i].names);
		free(s->rules[i].args);
	}
	free(s->rules);
	free(s);
}

static void linux_clear(struct spec_linux *l)
{
	for (int i = 0; i < SPEC_NS_COUNT; i++)
		free(l->ns[i].path);
	free(l->uid_mappings);
	free(l->gid_mappings);
	for (size_t i = 0; i < l->n_devices; i++)
		free(l->devices[i].path);
	free(l->devices);
	free(l->cgroups_path);
	spec_resources_clear(&l->resources);
	strv_free(l->sysctl_keys);
	strv_free(l->sysctl_values);
	spec_seccomp_free(l->seccomp);
	strv_free(l->masked_paths);
	strv_free(l->readonly_paths);
	free(l->mount_label);
}

static void mount_clear(struct spec_mount *m)
{
	free(m->destination);
	free(m->type);
	free(m->source);
	strv_free(m->options);
	free(m->data);
	free(m->uid_mappings);
	free(m->gid_mappings);
}

static void hook_list_clear(struct spec_hook_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].path);
		strv_free(l->v[i].args);
		strv_free(l->v[i].env);
	}
	free(l->v);
}

void spec_free(struct spec *spec)
{
	if (spec == NULL)
		return;
	free(spec->oci_version);
	free(spec->root.path);
	for (size_t i = 0; i < spec->n_mounts; i++)
		mount_clear(&spec->mounts[i]);
	free(spec->mounts);
	spec_process_free(spec->process);
	free(spec->hostname);
	free(spec->domainname);
	for (int k = 0; k < SPEC_HOOK_KIND_COUNT; k++)
		hook_list_clear(&spec->hooks[k]);
	strv_free(spec->annotation_keys);
	strv_free(spec->annotation_values);
	linux_clear(&spec->linux);
	free(spec);
}
