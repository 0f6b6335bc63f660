/* SPDX-License-Identifier: Apache-2.0 */
/* spec/validate.c — the rules that relate one part of a decoded config to
 * another, checked before any namespace exists.
 *
 * A namespace "given" below is one listed in linux.namespaces, new or
 * joined by path (as in runc: podman and Kubernetes pods join a shared
 * uts/ipc/net namespace and still set a hostname or sysctls).  Whether a
 * joined path is in fact the host's namespace is the launcher's check.
 * Pure functions: no host access here.  */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "spec/internal.h"

#define HOST_NAME_MAX_ 64 /* the kernel's __NEW_UTS_LEN */

static bool ns_given(const struct spec *s, enum spec_ns ns)
{
	return s->linux.ns[ns].present;
}

static bool ns_new(const struct spec *s, enum spec_ns ns)
{
	return s->linux.ns[ns].present && s->linux.ns[ns].path == NULL;
}

static int check_uts(const struct spec *s, struct error **err)
{
	const char *names[] = {"hostname", "domainname"};
	const char *values[] = {s->hostname, s->domainname};

	for (int i = 0; i < 2; i++) {
		if (values[i] == NULL)
			continue;
		if (!ns_given(s, SPEC_NS_UTS))
			return error_set(err, 0, "%s: needs a new uts namespace", names[i]);
		if (strlen(values[i]) > HOST_NAME_MAX_)
			return error_set(err, 0, "%s: longer than %d bytes", names[i],
					 HOST_NAME_MAX_);
	}
	return 0;
}

static bool id_mapped(const struct spec_idmap *m, size_t n, uint32_t id)
{
	for (size_t i = 0; i < n; i++)
		if (id >= m[i].container_id && id - m[i].container_id < m[i].size)
			return true;
	return false;
}

/* With mappings we write ourselves, the process's ids must be in them:
 * setuid/setgid would fail after clone() with a far vaguer error.  */
static int check_ids_mapped(const struct spec *s, struct error **err)
{
	const struct spec_linux *l = &s->linux;
	const struct spec_user *u = &s->process->user;

	if (!id_mapped(l->uid_mappings, l->n_uid_mappings, u->uid))
		return error_set(err, 0,
				 "process.user.uid: %u is not mapped "
				 "by linux.uidMappings",
				 u->uid);
	if (!id_mapped(l->gid_mappings, l->n_gid_mappings, u->gid))
		return error_set(err, 0,
				 "process.user.gid: %u is not mapped "
				 "by linux.gidMappings",
				 u->gid);
	for (size_t i = 0; i < u->n_additional_gids; i++) {
		uint32_t g = u->additional_gids[i];

		if (!id_mapped(l->gid_mappings, l->n_gid_mappings, g))
			return error_set(err, 0,
					 "process.user.additionalGids"
					 "[%zu]: %u is not mapped by "
					 "linux.gidMappings",
					 i, g);
	}
	return 0;
}

static int check_userns(const struct spec *s, struct error **err)
{
	const struct spec_linux *l = &s->linux;

	if (!ns_given(s, SPEC_NS_USER)) {
		if (l->uid_mappings != NULL)
			return error_set(err, 0,
					 "linux.uidMappings: needs a "
					 "user namespace");
		if (l->gid_mappings != NULL)
			return error_set(err, 0,
					 "linux.gidMappings: needs a "
					 "user namespace");
		return 0;
	}
	/* joining one: its mappings are what they are (containerd and
	 * CRI-O also repeat them here; runc accepts that too) */
	if (!ns_new(s, SPEC_NS_USER))
		return 0;
	if (l->n_uid_mappings == 0)
		return error_set(err, 0,
				 "linux.uidMappings: required with a "
				 "new user namespace");
	if (l->n_gid_mappings == 0)
		return error_set(err, 0,
				 "linux.gidMappings: required with a "
				 "new user namespace");
	return check_ids_mapped(s, err);
}

static int check_timens(const struct spec *s, struct error **err)
{
	const struct spec_linux *l = &s->linux;

	/* offsets can only be written before the first process enters */
	if ((l->time_monotonic.set || l->time_boottime.set) && !ns_new(s, SPEC_NS_TIME))
		return error_set(err, 0,
				 "linux.timeOffsets: needs a new time "
				 "namespace");
	return 0;
}

/* IPC sysctls the kernel namespaces with the ipc namespace. */
static const char *const ipc_sysctls[] = {
	"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
	"kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
};

/* Which namespace makes writing `key` safe, or SPEC_NS_COUNT if none
 * does: then the write would change the host for everyone.  */
static enum spec_ns sysctl_namespace(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(ipc_sysctls); i++)
		if (strcmp(key, ipc_sysctls[i]) == 0)
			return SPEC_NS_IPC;
	if (strncmp(key, "fs.mqueue.", 10) == 0)
		return SPEC_NS_IPC;
	if (strncmp(key, "net.", 4) == 0)
		return SPEC_NS_NET;
	if (strcmp(key, "kernel.hostname") == 0 || strcmp(key, "kernel.domainname") == 0)
		return SPEC_NS_UTS;
	return SPEC_NS_COUNT;
}

/* hostname and the sysctl kernel.hostname (domainname and
 * kernel.domainname) say the same thing twice: both are applied, the
 * sysctl last, so two different values would leave the container with
 * the sysctl's and a silently ignored field.  runc and crun refuse the
 * hostname pair; equal values are harmless.  */
static int check_uts_twice(const struct spec *s, const char *key, struct error **err)
{
	const struct spec_linux *l = &s->linux;
	bool host = strcmp(key, "kernel.hostname") == 0;
	const char *field = host ? "hostname" : "domainname";
	const char *value = host ? s->hostname : s->domainname;

	if (!host && strcmp(key, "kernel.domainname") != 0)
		return 0;
	for (size_t i = 0; i < l->n_sysctl && value != NULL; i++) {
		if (strcmp(l->sysctl_keys[i], key) != 0 || strcmp(l->sysctl_values[i], value) == 0)
			continue;
		return error_set(err, 0,
				 "%s %s and linux.sysctl[%s] %s disagree: set one of them, "
				 "or both to the same value",
				 field, quote(value).s, quote(key).s, quote(l->sysctl_values[i]).s);
	}
	return 0;
}

static int check_sysctls(const struct spec *s, struct error **err)
{
	const struct spec_linux *l = &s->linux;

	for (size_t i = 0; i < l->n_sysctl; i++) {
		const char *key = l->sysctl_keys[i];
		enum spec_ns ns = sysctl_namespace(key);

		if (check_uts_twice(s, key, err) < 0)
			return -1;

		if (ns == SPEC_NS_COUNT)
			return error_set(err, 0,
					 "linux.sysctl[%s]: not "
					 "namespaced, it would change "
					 "the host",
					 quote(key).s);
		if (!ns_given(s, ns))
			return error_set(err, 0,
					 "linux.sysctl[%s]: needs a new "
					 "%s namespace",
					 quote(key).s, spec_ns_name(ns));
	}
	return 0;
}

/* Without a mount namespace every mount would land in the host's. */
static int check_mountns(const struct spec *s, struct error **err)
{
	if (ns_given(s, SPEC_NS_MNT))
		return 0;
	if (s->n_mounts > 0)
		return error_set(err, 0, "mounts: needs a new mount namespace");
	if (s->linux.masked_paths[0] != NULL)
		return error_set(err, 0,
				 "linux.maskedPaths: needs a new mount "
				 "namespace");
	if (s->linux.readonly_paths[0] != NULL)
		return error_set(err, 0,
				 "linux.readonlyPaths: needs a new "
				 "mount namespace");
	return 0;
}

/* "idmap" without mappings of its own uses the container's (the spec's
 * MAY; runc and crun do): there must be some to use.  */
static int check_idmapped_mounts(const struct spec *s, struct error **err)
{
	for (size_t i = 0; i < s->n_mounts; i++) {
		const struct spec_mount *m = &s->mounts[i];

		if (!m->idmap || m->uid_mappings != NULL)
			continue;
		if (s->linux.uid_mappings == NULL || s->linux.gid_mappings == NULL)
			return error_set(
				err, 0,
				"mounts[%zu].options: %s without uidMappings and "
				"gidMappings uses the container's user namespace mappings, "
				"and linux.uidMappings/gidMappings give none",
				i, m->idmap_recursive ? "ridmap" : "idmap");
	}
	return 0;
}

int spec_validate(const struct spec *spec, struct error **err)
{
	if (check_uts(spec, err) < 0 || check_userns(spec, err) < 0 ||
	    check_timens(spec, err) < 0 || check_sysctls(spec, err) < 0 ||
	    check_mountns(spec, err) < 0 || check_idmapped_mounts(spec, err) < 0)
		return -1;
	return 0;
}
