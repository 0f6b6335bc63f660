/* SPDX-License-Identifier: Apache-2.0 */
/* cmd/features.c — `features`: the runtime-spec features document.
 * Every claim here is something berth really does; e.g. SCMP_ACT_NOTIFY,
 * AppArmor, SELinux and idmapped mounts are not claimed.  */
#define _GNU_SOURCE
#include <getopt.h>
#include <seccomp.h>
#include <stdio.h>

#include "cmd/cmd.h"
#include "runtime/caps.h"
#include "core/jsonw.h"
#include "spec/spec.h"

static const char *const hooks[] = {
	"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
	NULL};
static const char *const namespaces[] = {"cgroup", "ipc",  "mount", "network", "pid",
					 "time",   "user", "uts",   NULL};
static const char *const actions[] = {
	"SCMP_ACT_ALLOW",	 "SCMP_ACT_ERRNO",	 "SCMP_ACT_KILL",
	"SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG",
	"SCMP_ACT_TRACE",	 "SCMP_ACT_TRAP",	 NULL};
static const char *const operators[] = {"SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT",
					"SCMP_CMP_LE", "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ",
					"SCMP_CMP_NE", NULL};
/* libseccomp cannot mix byte orders in one filter: only the architectures
 * with this (little-endian) host's */
static const char *const archs[] = {"SCMP_ARCH_AARCH64",
				    "SCMP_ARCH_ARM",
				    "SCMP_ARCH_MIPSEL",
				    "SCMP_ARCH_MIPSEL64",
				    "SCMP_ARCH_MIPSEL64N32",
				    "SCMP_ARCH_PPC64LE",
				    "SCMP_ARCH_RISCV64",
				    "SCMP_ARCH_X32",
				    "SCMP_ARCH_X86",
				    "SCMP_ARCH_X86_64",
				    NULL};
static const char *const known_flags[] = {"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
					  "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
					  "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", NULL};
static const char *const supported_flags[] = {"SECCOMP_FILTER_FLAG_TSYNC",
					      "SECCOMP_FILTER_FLAG_LOG",
					      "SECCOMP_FILTER_FLAG_SPEC_ALLOW", NULL};
static const char *const mount_options[] = {
	"async",
	"atime",
	"bind",
	"defaults",
	"dev",
	"diratime",
	"dirsync",
	"exec",
	"iversion",
	"lazytime",
	"loud",
	"mand",
	"noatime",
	"nodev",
	"nodiratime",
	"noexec",
	"noiversion",
	"nolazytime",
	"nomand",
	"norelatime",
	"nostrictatime",
	"nosuid",
	"nosymfollow",
	"private",
	"ratime",
	"rbind",
	"rdev",
	"rdiratime",
	"relatime",
	"remount",
	"rexec",
	"rnoatime",
	"rnodev",
	"rnodiratime",
	"rnoexec",
	"rnorelatime",
	"rnostrictatime",
	"rnosuid",
	"rnosymfollow",
	"ro",
	"rprivate",
	"rrelatime",
	"rro",
	"rrw",
	"rshared",
	"rslave",
	"rstrictatime",
	"rsuid",
	"rsymfollow",
	"runbindable",
	"rw",
	"shared",
	"silent",
	"slave",
	"strictatime",
	"suid",
	"symfollow",
	"sync",
	"unbindable",
	NULL,
};

static void enabled(struct jsonw *w, const char *key, bool on)
{
	jsonw_key(w, key);
	jsonw_obj_open(w);
	jsonw_kv_bool(w, "enabled", on);
	jsonw_obj_close(w);
}

static void linux_features(struct jsonw *w)
{
	const struct scmp_version *v = seccomp_version();
	char libseccomp[32];

	jsonw_key(w, "linux");
	jsonw_obj_open(w);
	jsonw_kv_strv(w, "namespaces", namespaces);
	jsonw_key(w, "capabilities");
	jsonw_arr_open(w);
	for (int cap = 0; cap <= spec_capability_last(); cap++)
		if (spec_capability_name(cap) != NULL)
			jsonw_str(w, spec_capability_name(cap));
	jsonw_arr_close(w);
	jsonw_key(w, "cgroup");
	jsonw_obj_open(w);
	jsonw_kv_bool(w, "v1", true);
	jsonw_kv_bool(w, "v2", true);
	jsonw_kv_bool(w, "systemd", false);
	jsonw_kv_bool(w, "systemdUser", false);
	jsonw_kv_bool(w, "rdma", true);
	jsonw_obj_close(w);
	jsonw_key(w, "seccomp");
	jsonw_obj_open(w);
	jsonw_kv_bool(w, "enabled", true);
	jsonw_kv_strv(w, "actions", actions);
	jsonw_kv_strv(w, "operators", operators);
	jsonw_kv_strv(w, "archs", archs);
	jsonw_kv_strv(w, "knownFlags", known_flags);
	jsonw_kv_strv(w, "supportedFlags", supported_flags);
	jsonw_obj_close(w);
	enabled(w, "apparmor", false);
	enabled(w, "selinux", false);
	enabled(w, "intelRdt", false);
	jsonw_key(w, "mountExtensions");
	jsonw_obj_open(w);
	enabled(w, "idmap", false);
	jsonw_obj_close(w);
	jsonw_obj_close(w);
	snprintf(libseccomp, sizeof(libseccomp), "%u.%u.%u", v->major, v->minor, v->micro);
	jsonw_key(w, "annotations");
	jsonw_obj_open(w);
	jsonw_kv_str(w, "io.github.seccomp.libseccomp.version", libseccomp);
	jsonw_kv_str(w, "org.berth.version", BERTH_VERSION);
	jsonw_obj_close(w);
}

int cmd_features(struct cmd_ctx *ctx, int argc, char **argv, struct error **err)
{
	struct jsonw *w;

	if (argc > 1)
		return cmd_usage(ctx, err, "unexpected argument \"%s\"", argv[1]);
	w = jsonw_new();
	jsonw_set_pretty(w, true);
	jsonw_obj_open(w);
	jsonw_kv_str(w, "ociVersionMin", "1.0.0");
	jsonw_kv_str(w, "ociVersionMax", SPEC_OCI_VERSION);
	jsonw_kv_strv(w, "hooks", hooks);
	jsonw_kv_strv(w, "mountOptions", mount_options);
	linux_features(w);
	jsonw_obj_close(w);
	printf("%s\n", jsonw_buf(w));
	jsonw_free(w);
	return 0;
}
