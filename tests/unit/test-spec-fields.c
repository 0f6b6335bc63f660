/* SPDX-License-Identifier: Apache-2.0 */
/* tests/unit/test-spec-fields.c — what spec_parse() and friends decode:
 * field by field for a config using every key (full.json), for what
 * docker, podman and containerd's CRI really send, for exec and update
 * documents; the JSON rules (null = absent, last duplicate key wins,
 * unknown keys ignored, exact uint64); and the parse time of a
 * docker config with its default seccomp profile.  */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <time.h>

#include "core/cleanup.h"
#include "core/file.h"
#include "core/mem.h"
#include "spec/spec.h"
#include "tests/unit/tap.h"

#define CHECK_STR(a, b)                                                                            \
	do {                                                                                       \
		const char *a_ = (a), *b_ = (b);                                                   \
		CHECK(a_ != NULL && b_ != NULL && strcmp(a_, b_) == 0,                             \
		      "%s is \"%s\", want \"%s\"", #a, a_ ? a_ : "(null)", b_ ? b_ : "(null)");    \
	} while (0)

static char *slurp(const char *name, size_t *len)
{
	const char *dir = getenv("BERTH_TESTDATA");
	cleanup_free char *path = xasprintf("%s/good/%s", dir ? dir : "tests/data", name);
	struct error *err = NULL;
	char *text;

	if (read_file_at(AT_FDCWD, path, &text, len, &err) < 0) {
		fprintf(stderr, "%s\n", err->msg);
		exit(2);
	}
	return text;
}

static struct spec *load(const char *name)
{
	size_t len;
	cleanup_free char *text = slurp(name, &len);
	struct error *err = NULL;
	struct spec *s = spec_parse(text, len, &err);

	if (s == NULL) {
		fprintf(stderr, "%s: %s\n", name, err->msg);
		exit(1);
	}
	return s;
}

static struct spec *parse_str(const char *json, struct error **err)
{
	return spec_parse(json, strlen(json), err);
}

static uint64_t cap(int n)
{
	return UINT64_C(1) << n;
}

static const struct spec_mount *mount_at(const struct spec *s, const char *dst)
{
	for (size_t i = 0; i < s->n_mounts; i++)
		if (strcmp(s->mounts[i].destination, dst) == 0)
			return &s->mounts[i];
	return NULL;
}

/* ---- full.json: every key berth knows --------------------------------------- */

static void full_process(const struct spec_process *p)
{
	CHECK(p->terminal && p->has_console_size);
	CHECK(p->console_height == 40 && p->console_width == 132);
	CHECK(p->user.uid == 1000 && p->user.gid == 1000);
	CHECK(p->user.has_umask && p->user.umask == 022);
	CHECK(p->user.n_additional_gids == 3);
	CHECK(p->user.additional_gids[2] == 4294967294u);
	CHECK_STR(p->args[2], "echo hi");
	CHECK(p->args[3] == NULL);
	CHECK_STR(p->env[1], "EMPTY=");
	CHECK_STR(p->cwd, "/home/user");
	CHECK(p->has_capabilities);
	CHECK(p->caps.bounding == (cap(0) | cap(5) | cap(21) | cap(40)));
	CHECK(p->caps.effective == cap(5));
	CHECK(p->caps.inheritable == 0);
	CHECK(p->caps.permitted == (cap(5) | cap(10)));
	CHECK(p->caps.ambient == cap(10));
	CHECK(p->n_rlimits == 3);
	CHECK(p->rlimits[0].resource == RLIMIT_NOFILE);
	CHECK(p->rlimits[0].soft == 1024 && p->rlimits[0].hard == 4096);
	CHECK(p->rlimits[1].resource == RLIMIT_CORE);
	CHECK(p->rlimits[1].soft == UINT64_MAX && p->rlimits[1].hard == UINT64_MAX);
	CHECK(p->rlimits[2].hard == UINT64_C(9223372036854775808));
	CHECK(p->no_new_privileges);
	CHECK(p->oom_score_adj.set && p->oom_score_adj.v == -500);
	CHECK_STR(p->apparmor_profile, "berth-default");
	CHECK_STR(p->selinux_label, "system_u:system_r:container_t:s0:c1,c2");
	CHECK(p->io_priority.set && p->io_priority.class == 2 && p->io_priority.priority == 6);
	CHECK(p->scheduler.set && p->scheduler.policy == 6 /* DEADLINE */);
	CHECK(p->scheduler.flags == (0x01 | 0x04));
	CHECK(p->scheduler.runtime == 10000000 && p->scheduler.deadline == 20000000 &&
	      p->scheduler.period == 30000000);
}

static void full_mounts(const struct spec *s)
{
	const struct spec_mount *m;

	CHECK(s->n_mounts == 6);
	m = mount_at(s, "/proc");
	CHECK(m && m->flags == 0 && m->data == NULL && !m->bind);
	m = mount_at(s, "/dev");
	CHECK(m && m->flags == (MS_NOSUID | MS_STRICTATIME));
	CHECK(m && m->data && strcmp(m->data, "mode=755,size=65536k") == 0);
	CHECK(m && m->options && strcmp(m->options[3], "size=65536k") == 0);
	m = mount_at(s, "/data");
	CHECK(m && m->bind && m->flags == (MS_BIND | MS_REC));
	CHECK(m && m->propagation == (MS_PRIVATE | MS_REC));
	CHECK(m &&
	      m->rec_attr_set == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_RELATIME));
	CHECK(m && m->rec_attr_clr == MOUNT_ATTR__ATIME);
	CHECK(m && m->data == NULL);
	m = mount_at(s, "/scratch");
	CHECK(m && m->tmpcopyup && m->flags == MS_NODEV && m->clear_flags == MS_RDONLY);
	CHECK(m && m->data && strcmp(m->data, "size=1m") == 0);
	m = mount_at(s, "/plain");
	CHECK(m && m->type == NULL && m->bind);
	CHECK(m && m->flags == (MS_BIND | MS_RDONLY) && m->propagation == MS_SLAVE);
}

static void full_linux(const struct spec_linux *l)
{
	CHECK(l->ns[SPEC_NS_USER].present && l->ns[SPEC_NS_USER].path == NULL);
	CHECK(l->ns[SPEC_NS_TIME].present && l->ns[SPEC_NS_CGROUP].present);
	CHECK_STR(l->ns[SPEC_NS_NET].path, "/var/run/netns/full");
	CHECK(l->n_uid_mappings == 1 && l->uid_mappings[0].host_id == 100000 &&
	      l->uid_mappings[0].size == 65536);
	CHECK(l->n_gid_mappings == 2 && l->gid_mappings[1].container_id == 4294967294u);
	CHECK(l->time_monotonic.set && l->time_monotonic.secs == -86400 &&
	      l->time_monotonic.nanosecs == 500);
	CHECK(l->time_boottime.set && l->time_boottime.secs == 3600 &&
	      l->time_boottime.nanosecs == 0);
	CHECK(l->n_devices == 4);
	CHECK(l->devices[0].type == 'c' && l->devices[0].major == 10 && l->devices[0].minor == 229);
	/* 8630 is S_IFCHR|0666 as podman writes it: permissions kept */
	CHECK(l->devices[0].has_file_mode && l->devices[0].file_mode == 0666);
	CHECK(l->devices[0].has_uid && l->devices[0].has_gid);
	CHECK(!l->devices[1].has_file_mode && !l->devices[1].has_uid);
	CHECK(l->devices[2].type == 'p' && l->devices[3].type == 'u');
	CHECK_STR(l->cgroups_path, "/berth/full");
	CHECK(l->n_sysctl == 5);
	CHECK_STR(l->sysctl_keys[1], "net.ipv4.conf.eth0/100.rp_filter");
	CHECK_STR(l->sysctl_values[1], "2");
	CHECK(l->sysctl_keys[5] == NULL);
	CHECK(l->rootfs_propagation == (MS_SLAVE | MS_REC));
	CHECK_STR(l->masked_paths[1], "/sys/firmware");
	CHECK(l->masked_paths[2] == NULL);
	CHECK_STR(l->readonly_paths[0], "/proc/sys");
	CHECK_STR(l->mount_label, "system_u:object_r:container_file_t:s0:c1,c2");
	CHECK(l->has_personality && l->personality == PER_LINUX32);
}

static void full_resources(const struct spec_resources *r)
{
	CHECK(r->n_devices == 4);
	CHECK(!r->devices[0].allow && r->devices[0].type == 'a' && r->devices[0].major == -1 &&
	      r->devices[0].minor == -1 && r->devices[0].access == 7);
	CHECK(r->devices[1].allow && r->devices[1].type == 'c' &&
	      r->devices[1].access == (SPEC_DEV_READ | SPEC_DEV_WRITE));
	CHECK(r->devices[2].type == 'b' && r->devices[2].major == 7 && r->devices[2].minor == -1 &&
	      r->devices[2].access == SPEC_DEV_MKNOD);
	CHECK(r->devices[3].allow && r->devices[3].access == 0);
	CHECK(r->has_memory && r->memory.limit.v == 536870912);
	CHECK(r->memory.reservation.set && r->memory.swap.v == 1073741824);
	CHECK(r->memory.kernel.set && r->memory.kernel.v == 0);
	CHECK(r->memory.swappiness.set && r->memory.swappiness.v == 60);
	CHECK(r->memory.disable_oom_killer && r->memory.use_hierarchy &&
	      r->memory.check_before_update);
	CHECK(r->has_cpu && r->cpu.shares.v == 512 && r->cpu.quota.v == 50000);
	CHECK(r->cpu.burst.set && r->cpu.period.v == 100000);
	CHECK(r->cpu.realtime_runtime.v == 950000 && r->cpu.realtime_period.v == 1000000);
	CHECK_STR(r->cpu.cpus, "0-1,3");
	CHECK_STR(r->cpu.mems, "0");
	CHECK(r->cpu.idle.set && r->cpu.idle.v == 1);
	CHECK(r->pids_limit.set && r->pids_limit.v == 100);
	CHECK(r->has_blkio && r->blkio.weight.v == 500 && r->blkio.leaf_weight.v == 300);
	CHECK(r->blkio.n_weight_devices == 2);
	CHECK(r->blkio.weight_devices[0].weight.v == 600 &&
	      r->blkio.weight_devices[0].leaf_weight.v == 10);
	CHECK(!r->blkio.weight_devices[1].weight.set);
	CHECK(r->blkio.read_bps.n == 1 && r->blkio.read_bps.v[0].rate == 1048576);
	CHECK(r->blkio.write_iops.v[0].rate == UINT64_MAX);
	CHECK(r->n_hugepages == 2);
	CHECK_STR(r->hugepages[1].page_size, "1GB");
	CHECK(r->hugepages[0].limit == 209715200);
	CHECK(r->has_network);
	CHECK(r->n_rdma == 2);
	CHECK_STR(r->rdma[0].device, "mlx5_1");
	CHECK(r->rdma[0].hca_handles.v == 3 && r->rdma[0].hca_objects.v == 10000);
	CHECK(!r->rdma[1].hca_handles.set);
	CHECK(r->n_unified == 2);
	CHECK_STR(r->unified_keys[1], "io.weight");
	CHECK_STR(r->unified_values[1], "default 200");
}

static void full_seccomp(const struct spec_seccomp *sc)
{
	CHECK(sc != NULL);
	if (sc == NULL)
		return;
	CHECK(sc->default_action == SCMP_ACT_ERRNO(38));
	CHECK(sc->n_arches == 4 && sc->arches[0] == SCMP_ARCH_X86_64 &&
	      sc->arches[2] == SCMP_ARCH_AARCH64);
	CHECK(sc->has_flags);
	CHECK(sc->flags == (SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW));
	CHECK_STR(sc->listener_path, "/run/seccomp-agent.sock");
	CHECK_STR(sc->listener_metadata, "full-container");
	CHECK(sc->uses_notify);
	CHECK(sc->n_rules == 8);
	CHECK_STR(sc->rules[0].names[2], "exit_group");
	CHECK(sc->rules[0].action == SCMP_ACT_ALLOW);
	CHECK(sc->rules[1].action == SCMP_ACT_NOTIFY);
	CHECK(sc->rules[2].action == SCMP_ACT_ERRNO(1)); /* EPERM by default */
	CHECK(sc->rules[3].action == SCMP_ACT_ERRNO(1));
	CHECK(sc->rules[4].action == SCMP_ACT_TRACE(42));
	CHECK(sc->rules[5].action == SCMP_ACT_KILL_PROCESS);
	CHECK(sc->rules[6].action == SCMP_ACT_LOG);
	CHECK(sc->rules[7].n_args == 2);
	CHECK(sc->rules[7].args[0].op == SCMP_CMP_MASKED_EQ &&
	      sc->rules[7].args[0].value == 2114060288);
	CHECK(sc->rules[7].args[1].index == 5 && sc->rules[7].args[1].value == UINT64_MAX &&
	      sc->rules[7].args[1].op == SCMP_CMP_NE);
}

static void test_full(void)
{
	struct spec *s = load("full.json");
	const struct spec_hook_list *h = s->hooks;

	CHECK_STR(s->oci_version, "1.2.0");
	CHECK_STR(s->root.path, "/var/lib/berth/rootfs");
	CHECK(s->root.readonly);
	CHECK_STR(s->hostname, "full");
	CHECK_STR(s->domainname, "example.org");
	full_process(s->process);
	full_mounts(s);
	CHECK(h[SPEC_HOOK_PRESTART].n == 1 && h[SPEC_HOOK_PRESTART].v[0].timeout == 5);
	CHECK_STR(h[SPEC_HOOK_PRESTART].v[0].args[1], "a");
	CHECK_STR(h[SPEC_HOOK_PRESTART].v[0].env[0], "A=1");
	CHECK(h[SPEC_HOOK_CREATE_RUNTIME].n == 1);
	CHECK(h[SPEC_HOOK_CREATE_CONTAINER].n == 2);
	CHECK_STR(h[SPEC_HOOK_CREATE_CONTAINER].v[1].path, "/usr/bin/second");
	CHECK(h[SPEC_HOOK_CREATE_CONTAINER].v[1].args == NULL &&
	      h[SPEC_HOOK_CREATE_CONTAINER].v[1].timeout == 0);
	CHECK_STR(h[SPEC_HOOK_START_CONTAINER].v[0].path, "/bin/start");
	CHECK(h[SPEC_HOOK_POSTSTART].v[0].timeout == 1);
	CHECK(h[SPEC_HOOK_POSTSTOP].n == 1);
	CHECK(s->n_annotations == 2);
	CHECK_STR(s->annotation_keys[0], "org.example.key");
	CHECK_STR(s->annotation_values[1], "");
	CHECK(s->has_linux && s->linux.has_resources);
	full_linux(&s->linux);
	full_resources(&s->linux.resources);
	full_seccomp(s->linux.seccomp);
	spec_free(s);
}

/* ---- what the real clients send ------------------------------------------------ */

static void test_docker(void)
{
	struct spec *s = load("docker.json");
	const struct spec_resources *r = &s->linux.resources;
	const struct spec_mount *m;

	CHECK(!s->process->terminal && s->process->oom_score_adj.set &&
	      s->process->oom_score_adj.v == 0);
	CHECK(s->process->caps.bounding == s->process->caps.effective);
	CHECK((s->process->caps.bounding & cap(21)) == 0); /* no SYS_ADMIN */
	CHECK(s->process->caps.ambient == 0);
	/* docker's "nothing" resources are decoded, as zeros */
	CHECK(r->has_memory && !r->memory.limit.set && !r->memory.disable_oom_killer);
	CHECK(r->has_cpu && r->cpu.shares.set && r->cpu.shares.v == 0);
	CHECK(r->has_blkio && r->blkio.weight.set && r->blkio.weight.v == 0);
	CHECK(r->n_devices == 8 && !r->devices[0].allow && r->devices[0].type == 'a');
	CHECK(s->hooks[SPEC_HOOK_PRESTART].n == 1);
	m = mount_at(s, "/etc/hosts");
	CHECK(m && m->bind && m->flags == (MS_BIND | MS_REC) &&
	      m->propagation == (MS_PRIVATE | MS_REC));
	m = mount_at(s, "/dev/shm");
	CHECK(m && m->data && strcmp(m->data, "mode=1777,size=67108864") == 0);
	CHECK(s->linux.seccomp && s->linux.seccomp->default_action == SCMP_ACT_ERRNO(1));
	CHECK(s->linux.seccomp && !s->linux.seccomp->has_flags && s->linux.seccomp->n_arches == 3);
	CHECK(s->linux.seccomp && s->linux.seccomp->rules[10].action == SCMP_ACT_ERRNO(38));
	CHECK(s->linux.n_sysctl == 2);
	spec_free(s);

	s = load("docker-options.json");
	CHECK(s->process->terminal);
	CHECK(s->process->caps.bounding & cap(21));
	CHECK(s->process->caps.effective == 0); /* non-root: bounding only */
	CHECK(s->process->no_new_privileges && s->process->oom_score_adj.v == 100);
	CHECK(s->root.readonly);
	CHECK(s->linux.resources.pids_limit.v == 50);
	CHECK(s->linux.resources.cpu.quota.v == 50000);
	CHECK_STR(s->linux.resources.cpu.cpus, "0");
	CHECK(s->linux.resources.memory.swap.v == 134217728);
	m = mount_at(s, "/data");
	CHECK(m && m->flags == (MS_BIND | MS_REC | MS_RDONLY));
	m = mount_at(s, "/sbin/docker-init");
	CHECK(m && m->flags == (MS_BIND | MS_RDONLY) && m->propagation == 0);
	CHECK(s->linux.n_devices == 1 && s->linux.devices[0].file_mode == 0600);
	spec_free(s);
}

static void test_podman(void)
{
	struct spec *s = load("podman-options.json");
	const struct spec_mount *m = mount_at(s, "/scratch");

	CHECK(m && m->tmpcopyup && m->flags == (MS_NOSUID | MS_NODEV) && m->data == NULL);
	CHECK(s->process->user.uid == 1000 && s->process->user.n_additional_gids == 2);
	CHECK(s->process->user.has_umask && s->process->user.umask == 022);
	CHECK(s->process->caps.ambient == cap(21));
	CHECK(s->linux.n_devices == 1 && s->linux.devices[0].file_mode == 0600);
	CHECK(s->linux.resources.pids_limit.v == 2048);
	CHECK(s->linux.n_sysctl == 1);
	CHECK(strncmp(s->linux.cgroups_path, "/libpod_parent/libpod-", 22) == 0);
	CHECK(s->linux.seccomp && s->linux.seccomp->default_action == SCMP_ACT_ERRNO(38));
	spec_free(s);

	s = load("podman-joined.json");
	CHECK_STR(s->linux.ns[SPEC_NS_UTS].path, "/proc/15478/ns/uts");
	CHECK(s->linux.ns[SPEC_NS_NET].present && !s->linux.ns[SPEC_NS_NET].path);
	spec_free(s);
}

static void test_cri(void)
{
	struct spec *s = load("containerd-cri.json");

	CHECK_STR(s->linux.ns[SPEC_NS_NET].path,
		  "/var/run/netns/cni-7a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9");
	CHECK_STR(s->linux.ns[SPEC_NS_IPC].path, "/proc/4242/ns/ipc");
	CHECK(s->linux.ns[SPEC_NS_PID].path == NULL);
	CHECK(s->hostname == NULL);
	CHECK(s->process->oom_score_adj.v == 1000);
	CHECK_STR(s->process->apparmor_profile, "cri-containerd.apparmor.d");
	CHECK(s->linux.resources.cpu.shares.v == 2 && s->linux.resources.cpu.period.v == 100000);
	CHECK(s->linux.resources.has_memory && !s->linux.resources.memory.limit.set);
	CHECK(s->n_annotations == 7);
	CHECK(strncmp(s->linux.cgroups_path, "/k8s.io/", 8) == 0);
	spec_free(s);
}

static void test_runc_rootless(void)
{
	struct spec *s = load("runc-spec-rootless.json");
	const struct spec_mount *m = mount_at(s, "/sys");

	CHECK(s->linux.ns[SPEC_NS_USER].present && !s->linux.ns[SPEC_NS_NET].present);
	CHECK(m && m->bind &&
	      m->flags == (MS_BIND | MS_REC | MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY));
	CHECK(!s->linux.has_resources);
	spec_free(s);
}

static void test_exec_and_update(void)
{
	size_t len;
	char *text = slurp("process-exec.json", &len);
	struct error *err = NULL;
	struct spec_process *p = spec_process_parse(text, len, "process.json", &err);
	struct spec_resources *r;

	CHECK(p != NULL);
	if (p != NULL) {
		CHECK(p->terminal && p->has_console_size && p->console_width == 80 &&
		      p->console_height == 24);
		CHECK_STR(p->args[0], "/bin/sh");
		CHECK(p->user.n_additional_gids == 11);
		CHECK_STR(p->env[4], "TERM=xterm");
	}
	spec_process_free(p);
	free(text);

	text = slurp("resources-update.json", &len);
	r = spec_resources_parse(text, len, "resources.json", &err);
	CHECK(r != NULL);
	if (r != NULL) {
		CHECK(r->memory.limit.v == 268435456 && r->memory.swap.v == 536870912);
		CHECK(r->cpu.quota.v == 150000 && r->cpu.shares.v == 1024);
		CHECK(r->pids_limit.set && r->pids_limit.v == 0);
		CHECK(!r->has_blkio && r->n_unified == 1);
	}
	spec_resources_free(r);
	free(text);

	text = slurp("resources-docker-update.json", &len);
	r = spec_resources_parse(text, len, "resources.json", &err);
	CHECK(r != NULL);
	if (r != NULL) {
		CHECK(r->memory.swap.v == -1 && r->memory.reservation.v == 0);
		CHECK(r->cpu.cpus == NULL && r->cpu.mems == NULL); /* "" = unset */
		CHECK(r->cpu.period.set && r->cpu.period.v == 0);
	}
	spec_resources_free(r);
	free(text);
	error_free(err);
}

/* ---- JSON rules ------------------------------------------------------------------------- */

#define MINIMAL_HEAD                                                                               \
	"{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"},"                                     \
	"\"process\":{\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"sh\"],"                           \
	"\"cwd\":\"/\""

static void test_json_rules(void)
{
	struct error *err = NULL;
	struct spec *s;

	/* null is absent; unknown keys are ignored; last duplicate wins */
	s = parse_str(MINIMAL_HEAD ",\"env\":null,\"apparmorProfile\":null,"
				   "\"consoleSize\":{\"height\":1,\"width\":2}},"
				   "\"hostname\":null,\"unknown\":{\"deep\":[1,2]},"
				   "\"root\":{\"path\":\"second\"}}",
		      &err);
	CHECK(s != NULL);
	if (s != NULL) {
		CHECK(s->process->env != NULL && s->process->env[0] == NULL);
		CHECK(s->process->apparmor_profile == NULL);
		/* a console size without a terminal is ignored, as runc does */
		CHECK(!s->process->has_console_size);
		CHECK(s->hostname == NULL);
		CHECK_STR(s->root.path, "second");
		CHECK(!s->has_linux && s->linux.seccomp == NULL);
		CHECK(s->linux.masked_paths && s->linux.masked_paths[0] == NULL);
		CHECK(s->annotation_keys && s->annotation_keys[0] == NULL);
	}
	spec_free(s);

	/* repeated map keys: last wins, once; properties newer than 1.2
	 * are unknown properties, ignored */
	s = parse_str(MINIMAL_HEAD "},\"annotations\":{\"a\":\"1\",\"b\":\"2\","
				   "\"a\":\"3\"},\"linux\":{\"netDevices\":"
				   "{\"eth1\":{\"name\":\"x\"}},\"memoryPolicy\":"
				   "{\"mode\":\"MPOL_BIND\"}}}",
		      &err);
	CHECK(s != NULL && s->n_annotations == 2);
	if (s != NULL) {
		CHECK_STR(s->annotation_keys[0], "a");
		CHECK_STR(s->annotation_values[0], "3");
		CHECK(s->annotation_keys[2] == NULL);
	}
	spec_free(s);

	/* "seccomp": {} is no filter at all (runc, crun); flags: [] is
	 * remembered as given */
	s = parse_str(MINIMAL_HEAD "},\"linux\":{\"seccomp\":{}}}", &err);
	CHECK(s != NULL && s->linux.seccomp == NULL);
	spec_free(s);
	s = parse_str(MINIMAL_HEAD "},\"linux\":{\"seccomp\":{\"defaultAction\":"
				   "\"SCMP_ACT_TRACE\",\"flags\":[]}}}",
		      &err);
	CHECK(s != NULL && s->linux.seccomp && s->linux.seccomp->has_flags &&
	      s->linux.seccomp->flags == 0 &&
	      s->linux.seccomp->default_action == SCMP_ACT_TRACE(1));
	spec_free(s);

	/* a spec that fails cleans up (leak-checked under ASan) and sets err */
	s = parse_str(MINIMAL_HEAD ",\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\","
				   "\"soft\":1,\"hard\":1}]},\"mounts\":"
				   "[{\"destination\":\"/x\",\"type\":\"tmpfs\","
				   "\"options\":[\"idmap\"]}]}",
		      &err);
	CHECK(s == NULL && err != NULL);
	error_free(err);
}

/* ---- spec_load and timing ------------------------------------------------------------------- */

static void test_load(void)
{
	struct error *err = NULL;
	const char *dir = getenv("BERTH_TESTDATA");
	cleanup_free char *bundle = xasprintf("%s/good", dir ? dir : "tests/data");
	struct spec *s = spec_load("/nonexistent-bundle", &err);

	CHECK(s == NULL && err && strstr(err->msg, "/nonexistent-bundle/config.json"));
	error_free(err);
	err = NULL;
	/* no config.json in tests/data/good itself */
	s = spec_load(bundle, &err);
	CHECK(s == NULL && err && strstr(err->msg, "No such file"));
	error_free(err);
}

/* CPU time, not wall time: the figure should not depend on how busy the
 * machine running the tests is. */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_speed(void)
{
	size_t len;
	cleanup_free char *text = slurp("docker.json", &len);
	const int rounds = 2000;
	int parsed = 0;
	double t0, per;

	t0 = now();
	for (int i = 0; i < rounds; i++) {
		struct error *err = NULL;
		struct spec *s = spec_parse(text, len, &err);

		parsed += s != NULL;
		spec_free(s);
	}
	CHECK(parsed == rounds, "docker.json parsed %d times of %d", parsed, rounds);
	/* a figure to read, never an assertion: timing is the bench's job */
	per = (now() - t0) / rounds;
	TAP_NOTE("docker config (%zu bytes, default seccomp profile) parsed and validated in "
		 "%.1f us",
		 len, per * 1e6);
}

int main(void)
{
	test_full();
	test_docker();
	test_podman();
	test_cri();
	test_runc_rootless();
	test_exec_and_update();
	test_json_rules();
	test_load();
	test_speed();
	return tap_done();
}
