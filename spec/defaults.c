/* SPDX-License-Identifier: Apache-2.0 */
/* spec/defaults.c — the config.json `berth spec` writes.
 *
 * Modelled on `runc spec`: a read-only busybox-style root, a shell on a
 * terminal with three capabilities, the usual /proc, /dev, /sys mounts,
 * masked and read-only /proc entries, and a deny-all device cgroup.  The
 * rootless variant makes the same changes as runc's: a user namespace
 * mapping the caller to root, no network namespace (it could not be
 * configured), /sys bind-mounted (sysfs cannot be mounted without a
 * network namespace of one's own), no gid= on devpts (gid 5 is not
 * mapped) and no resources (cgroups are not ours to write).  */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "core/jsonw.h"
#include "spec/internal.h"

static void process(struct jsonw *w)
{
	static const char *const caps[] = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE",
					   NULL};
	static const char *const args[] = {"sh", NULL};
	static const char *const env[] = {
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm",
		NULL};

	jsonw_key(w, "process");
	jsonw_obj_open(w);
	jsonw_kv_bool(w, "terminal", true);
	jsonw_key(w, "user");
	jsonw_obj_open(w);
	jsonw_kv_uint(w, "uid", 0);
	jsonw_kv_uint(w, "gid", 0);
	jsonw_obj_close(w);
	jsonw_kv_strv(w, "args", args);
	jsonw_kv_strv(w, "env", env);
	jsonw_kv_str(w, "cwd", "/");
	jsonw_key(w, "capabilities");
	jsonw_obj_open(w);
	jsonw_kv_strv(w, "bounding", caps);
	jsonw_kv_strv(w, "effective", caps);
	jsonw_kv_strv(w, "permitted", caps);
	jsonw_obj_close(w);
	jsonw_key(w, "rlimits");
	jsonw_arr_open(w);
	jsonw_obj_open(w);
	jsonw_kv_str(w, "type", "RLIMIT_NOFILE");
	jsonw_kv_uint(w, "hard", 1024);
	jsonw_kv_uint(w, "soft", 1024);
	jsonw_obj_close(w);
	jsonw_arr_close(w);
	jsonw_kv_bool(w, "noNewPrivileges", true);
	jsonw_obj_close(w);
}

struct default_mount {
	const char *destination, *type, *source;
	const char *options[8];
};

static const struct default_mount mounts[] = {
	{"/proc", "proc", "proc", {NULL}},
	{"/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k", NULL}},
	{"/dev/pts",
	 "devpts",
	 "devpts",
	 {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", NULL}},
	{"/dev/shm",
	 "tmpfs",
	 "shm",
	 {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL}},
	{"/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev", NULL}},
	{"/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro", NULL}},
	{"/sys/fs/cgroup",
	 "cgroup",
	 "cgroup",
	 {"nosuid", "noexec", "nodev", "relatime", "ro", NULL}},
};

static const struct default_mount rootless_sys = {
	"/sys", "none", "/sys", {"rbind", "nosuid", "noexec", "nodev", "ro", NULL}};

static void mount_entry(struct jsonw *w, const struct default_mount *m, bool rootless)
{
	jsonw_obj_open(w);
	jsonw_kv_str(w, "destination", m->destination);
	jsonw_kv_str(w, "type", m->type);
	jsonw_kv_str(w, "source", m->source);
	if (m->options[0] != NULL) {
		jsonw_key(w, "options");
		jsonw_arr_open(w);
		for (const char *const *o = m->options; *o != NULL; o++) {
			/* uids and gids other than ours are not mapped */
			if (rootless &&
			    (strncmp(*o, "gid=", 4) == 0 || strncmp(*o, "uid=", 4) == 0))
				continue;
			jsonw_str(w, *o);
		}
		jsonw_arr_close(w);
	}
	jsonw_obj_close(w);
}

static void mount_list(struct jsonw *w, bool rootless)
{
	jsonw_key(w, "mounts");
	jsonw_arr_open(w);
	for (size_t i = 0; i < ARRAY_SIZE(mounts); i++) {
		bool sys = strcmp(mounts[i].destination, "/sys") == 0;

		mount_entry(w, rootless && sys ? &rootless_sys : &mounts[i], rootless);
	}
	jsonw_arr_close(w);
}

void spec_write_idmap(struct jsonw *w, const char *key, uint32_t host_id)
{
	jsonw_key(w, key);
	jsonw_arr_open(w);
	jsonw_obj_open(w);
	jsonw_kv_uint(w, "containerID", 0);
	jsonw_kv_uint(w, "hostID", host_id);
	jsonw_kv_uint(w, "size", 1);
	jsonw_obj_close(w);
	jsonw_arr_close(w);
}

static void namespaces(struct jsonw *w, bool rootless)
{
	static const char *const rootful[] = {"pid", "network", "ipc", "uts", "mount", NULL};
	static const char *const rootless_ns[] = {"pid", "ipc", "uts", "mount", "user", NULL};

	jsonw_key(w, "namespaces");
	jsonw_arr_open(w);
	for (const char *const *n = rootless ? rootless_ns : rootful; *n; n++) {
		jsonw_obj_open(w);
		jsonw_kv_str(w, "type", *n);
		jsonw_obj_close(w);
	}
	jsonw_arr_close(w);
}

const char *const spec_default_masked[] = {
	"/proc/acpi",
	"/proc/asound",
	"/proc/kcore",
	"/proc/keys",
	"/proc/latency_stats",
	"/proc/timer_list",
	"/proc/timer_stats",
	"/proc/sched_debug",
	"/proc/scsi",
	"/sys/firmware",
	"/sys/devices/virtual/powercap",
	"/sys/devices/virtual/tpm",
	NULL,
};

const char *const spec_default_readonly[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

void spec_write_devices_deny_all(struct jsonw *w)
{
	jsonw_key(w, "devices");
	jsonw_arr_open(w);
	jsonw_obj_open(w);
	jsonw_kv_bool(w, "allow", false);
	jsonw_kv_str(w, "access", "rwm");
	jsonw_obj_close(w);
	jsonw_arr_close(w);
}

static void linux_section(struct jsonw *w, bool rootless, uint32_t uid, uint32_t gid)
{
	jsonw_key(w, "linux");
	jsonw_obj_open(w);
	if (rootless) {
		spec_write_idmap(w, "uidMappings", uid);
		spec_write_idmap(w, "gidMappings", gid);
	} else {
		jsonw_key(w, "resources");
		jsonw_obj_open(w);
		spec_write_devices_deny_all(w);
		jsonw_obj_close(w);
	}
	namespaces(w, rootless);
	jsonw_kv_strv(w, "maskedPaths", spec_default_masked);
	jsonw_kv_strv(w, "readonlyPaths", spec_default_readonly);
	jsonw_obj_close(w);
}

char *spec_default_json(bool rootless, uint32_t uid, uint32_t gid)
{
	cleanup_jsonw struct jsonw *w = jsonw_new();
	char *out;

	jsonw_set_pretty(w, true);
	jsonw_obj_open(w);
	jsonw_kv_str(w, "ociVersion", SPEC_OCI_VERSION);
	process(w);
	jsonw_key(w, "root");
	jsonw_obj_open(w);
	jsonw_kv_str(w, "path", "rootfs");
	jsonw_kv_bool(w, "readonly", true);
	jsonw_obj_close(w);
	jsonw_kv_str(w, "hostname", "berth");
	mount_list(w, rootless);
	linux_section(w, rootless, uid, gid);
	jsonw_obj_close(w);
	jsonw_raw(w, "\n");
	out = strdup(jsonw_buf(w));
	if (out == NULL)
		abort();
	return out;
}
