/* SPDX-License-Identifier: Apache-2.0 */
/* cmd/features.c — `features`: the runtime-spec features document.
 * Every claim here is something berth really does; e.g. AppArmor and
 * SELinux are not claimed, a seccomp flag only when this kernel takes it,
 * idmapped mounts only when this kernel can make one.  berth's own facts
 * go in the annotations: syscalls newer than a profile return ENOSYS
 * (runtime/seccomp_enosys.c).  */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>

#include "cmd/cmd.h"
#include "runtime/criu.h"
#include "runtime/caps.h"
#include "runtime/runtime.h"
#include "core/jsonw.h"
#include "core/syscalls.h"
#include "spec/spec.h"

static const char *const hooks[] = {
	"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
	NULL};
static const char *const namespaces[] = {"cgroup", "ipc",  "mount", "network", "pid",
					 "time",   "user", "uts",   NULL};
static const char *const actions[] = {"SCMP_ACT_ALLOW",	      "SCMP_ACT_ERRNO",
				      "SCMP_ACT_KILL",	      "SCMP_ACT_KILL_PROCESS",
				      "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG",
				      "SCMP_ACT_NOTIFY",      "SCMP_ACT_TRACE",
				      "SCMP_ACT_TRAP",	      NULL};
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
/* flags berth passes to seccomp(2); each listed when the kernel takes it */
static const struct {
	const char *name;
	unsigned int flag;
	unsigned int with; /* needed alongside to be valid */
} flags[] = {
	{"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC, 0},
	{"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG, 0},
	{"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW, 0},
	{"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 1U << 5, SECCOMP_FILTER_FLAG_NEW_LISTENER},
};

/* a flag the kernel knows fails on the NULL program (EFAULT), an unknown
 * one with EINVAL */
static bool kernel_takes(unsigned int flag)
{
	return sys_seccomp(SECCOMP_SET_MODE_FILTER, flag, NULL) < 0 && errno == EFAULT;
}

static void supported_flags(struct jsonw *w)
{
	jsonw_key(w, "supportedFlags");
	jsonw_arr_open(w);
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (kernel_takes(flags[i].flag | flags[i].with))
			jsonw_str(w, flags[i].name);
	jsonw_arr_close(w);
}
static const char *const mount_options[] = {
	"async",	 "atime",	 "bind",
	"defaults",	 "dev",		 "diratime",
	"dirsync",	 "exec",	 "idmap",
	"iversion",	 "lazytime",	 "loud",
	"mand",		 "noatime",	 "nodev",
	"nodiratime",	 "noexec",	 "noiversion",
	"nolazytime",	 "nomand",	 "norelatime",
	"nostrictatime", "nosuid",	 "nosymfollow",
	"private",	 "ratime",	 "rbind",
	"rdev",		 "rdiratime",	 "relatime",
	"remount",	 "rexec",	 "ridmap",
	"rnoatime",	 "rnodev",	 "rnodiratime",
	"rnoexec",	 "rnorelatime",	 "rnostrictatime",
	"rnosuid",	 "rnosymfollow", "ro",
	"rprivate",	 "rrelatime",	 "rro",
	"rrw",		 "rshared",	 "rslave",
	"rstrictatime",	 "rsuid",	 "rsymfollow",
	"runbindable",	 "rw",		 "shared",
	"silent",	 "slave",	 "strictatime",
	"suid",		 "symfollow",	 "sync",
	"unbindable",	 NULL,
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
	jsonw_kv_bool(w, "systemd", true);
	jsonw_kv_bool(w, "systemdUser", true);
	jsonw_kv_bool(w, "rdma", true);
	jsonw_obj_close(w);
	jsonw_key(w, "seccomp");
	jsonw_obj_open(w);
	jsonw_kv_bool(w, "enabled", true);
	jsonw_kv_strv(w, "actions", actions);
	jsonw_kv_strv(w, "operators", operators);
	jsonw_kv_strv(w, "archs", archs);
	jsonw_kv_strv(w, "knownFlags", known_flags);
	supported_flags(w);
	jsonw_obj_close(w);
	enabled(w, "apparmor", true); /* applied where the kernel has it */
	enabled(w, "selinux", false);
	enabled(w, "intelRdt", false);
	jsonw_key(w, "mountExtensions");
	jsonw_obj_open(w);
	enabled(w, "idmap", rt_idmap_supported());
	jsonw_obj_close(w);
	jsonw_obj_close(w);
	snprintf(libseccomp, sizeof(libseccomp), "%u.%u.%u", v->major, v->minor, v->micro);
	jsonw_key(w, "annotations");
	jsonw_obj_open(w);
	jsonw_kv_str(w, "io.github.seccomp.libseccomp.version", libseccomp);
	jsonw_kv_str(w, "org.berth.version", BERTH_VERSION);
	jsonw_kv_str(w, "org.berth.seccomp.newerSyscalls", "ENOSYS");
	/* as runc's org.opencontainers.runc.checkpoint.enabled: the verbs
	 * exist; whether CRIU works here is CRIU's to say (`criu check`) */
	jsonw_kv_str(w, "org.berth.checkpoint.enabled", "true");
	jsonw_kv_str(w, "org.berth.checkpoint.criu", criu_binary());
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
