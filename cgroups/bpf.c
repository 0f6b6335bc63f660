/* SPDX-License-Identifier: Apache-2.0 */
/* cgroups/bpf.c — loading the device program and attaching it to a
 * cgroup with bpf(2).
 *
 * Programs are attached with BPF_F_ALLOW_MULTI (so a filter from a parent
 * cgroup, e.g. a pod's, still applies: all must allow).  Replacing on
 * update uses BPF_F_REPLACE when exactly one program is attached; else the
 * new one is attached first and the old ones detached after, so there is
 * never a moment without a filter.  Only berth's own programs (named
 * PROG_NAME; unnamed ones from older builds) are replaced: under the
 * systemd driver, systemd attaches its own ("sd_devices") to the scope,
 * and it stays.  The kernel keeps attached programs alive; berth closes
 * its fds.  Program generation: devices.c.  */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "core/cleanup.h"
#include "core/syscalls.h"

#define MAX_ATTACHED	  64
#define PROG_NAME	  "berth_dev"
#define VERIFIER_LOG_SIZE 65536

static uint64_t ptr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static int prog_load(const struct bpf_insn *insns, size_t n, char *log, size_t log_size)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	attr.insns = ptr(insns);
	attr.insn_cnt = (uint32_t)n;
	/* no helper is called, so the license has no effect on loading */
	attr.license = ptr("Apache");
	memcpy(attr.prog_name, PROG_NAME, sizeof(PROG_NAME));
	if (log != NULL) {
		attr.log_buf = ptr(log);
		attr.log_size = (uint32_t)log_size;
		attr.log_level = 1;
	}
	return sys_bpf(BPF_PROG_LOAD, &attr, sizeof(attr));
}

static int load(const struct bpf_insn *insns, size_t n, struct error **err)
{
	cleanup_free char *log = NULL;
	int fd = prog_load(insns, n, NULL, 0);
	int saved;

	if (fd >= 0)
		return fd;
	saved = errno;
	if (saved != EINVAL && saved != EACCES)
		return error_set(err, saved, "load bpf program");
	/* a verifier refusal: load again to get its reason */
	log = calloc(1, VERIFIER_LOG_SIZE);
	if (log != NULL && prog_load(insns, n, log, VERIFIER_LOG_SIZE) < 0 && log[0] != '\0')
		return error_set(err, saved, "load bpf program (verifier: %.400s)", log);
	return error_set(err, saved, "load bpf program");
}

static int query(int cgfd, uint32_t *ids, uint32_t *count, struct error **err)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.query.target_fd = (uint32_t)cgfd;
	attr.query.attach_type = BPF_CGROUP_DEVICE;
	attr.query.prog_ids = ptr(ids);
	attr.query.prog_cnt = *count;
	if (sys_bpf(BPF_PROG_QUERY, &attr, sizeof(attr)) < 0)
		return error_set(err, errno, "query attached bpf programs");
	*count = attr.query.prog_cnt;
	return 0;
}

static int fd_by_id(uint32_t id, struct error **err)
{
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_id = id;
	fd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr, sizeof(attr));
	if (fd < 0)
		return error_set(err, errno, "open bpf program %u", id);
	return fd;
}

static int attach(int cgfd, int prog, int replace, struct error **err)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)cgfd;
	attr.attach_bpf_fd = (uint32_t)prog;
	attr.attach_type = BPF_CGROUP_DEVICE;
	attr.attach_flags = BPF_F_ALLOW_MULTI;
	if (replace >= 0) {
		attr.attach_flags |= BPF_F_REPLACE;
		attr.replace_bpf_fd = (uint32_t)replace;
	}
	if (sys_bpf(BPF_PROG_ATTACH, &attr, sizeof(attr)) < 0)
		return error_set(err, errno, "attach bpf device program");
	return 0;
}

static int detach(int cgfd, int prog, struct error **err)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)cgfd;
	attr.attach_bpf_fd = (uint32_t)prog;
	attr.attach_type = BPF_CGROUP_DEVICE;
	if (sys_bpf(BPF_PROG_DETACH, &attr, sizeof(attr)) < 0)
		return error_set(err, errno, "detach old bpf device program");
	return 0;
}

int cg_bpf_count(int cgfd, unsigned *count, struct error **err)
{
	uint32_t ids[MAX_ATTACHED], n = MAX_ATTACHED;

	if (query(cgfd, ids, &n, err) < 0)
		return -1;
	*count = n;
	return 0;
}

/* berth's own program (or an unnamed one, from a build before names)? */
static bool is_ours(int fd)
{
	struct bpf_prog_info info;
	union bpf_attr attr;

	memset(&info, 0, sizeof(info));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = (uint32_t)fd;
	attr.info.info_len = sizeof(info);
	attr.info.info = ptr(&info);
	if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr)) < 0)
		return true;
	return info.name[0] == '\0' || strcmp(info.name, PROG_NAME) == 0;
}

/* Attach `prog` in place of berth's own among the `n_old` programs in
 * `old` (ids).  */
static int swap_in(int cgfd, int prog, const uint32_t *old, uint32_t n_old, struct error **err)
{
	int fds[MAX_ATTACHED];
	int ret = -1;
	uint32_t n = 0;

	for (uint32_t i = 0; i < n_old; i++) {
		int fd = fd_by_id(old[i], err);

		if (fd < 0)
			goto out;
		if (is_ours(fd))
			fds[n++] = fd;
		else
			close(fd);
	}
	if (n == 0) {
		ret = attach(cgfd, prog, -1, err);
		goto out;
	}
	if (n == 1 && attach(cgfd, prog, fds[0], err) == 0) {
		ret = 0;
		goto out;
	}
	error_freep(err);
	if (attach(cgfd, prog, -1, err) < 0)
		goto out;
	for (uint32_t i = 0; i < n; i++)
		if (detach(cgfd, fds[i], err) < 0)
			goto out;
	ret = 0;
out:
	for (uint32_t i = 0; i < n; i++)
		close(fds[i]);
	return ret;
}

int cg_bpf_load(const struct bpf_insn *insns, size_t n, struct error **err)
{
	return load(insns, n, err);
}

int cg_bpf_attach(int cgfd, int prog, struct error **err)
{
	uint32_t old[MAX_ATTACHED], n_old = MAX_ATTACHED;

	if (query(cgfd, old, &n_old, err) < 0)
		return -1;
	if (n_old == 0)
		return attach(cgfd, prog, -1, err);
	return swap_in(cgfd, prog, old, n_old, err);
}

int cg_devices_load(const struct spec_dev_rule *rules, size_t n, const struct spec_device *devs,
		    size_t n_devs, struct error **err)
{
	struct cg_dev_emu emu;
	cleanup_free struct bpf_insn *insns = NULL;
	size_t n_insns = 0;
	int ret;

	if (cg_dev_rules_build(rules, n, devs, n_devs, &emu, err) < 0)
		return -1;
	ret = cg_dev_program(&emu, &insns, &n_insns, err);
	cg_dev_emu_clear(&emu);
	if (ret < 0)
		return -1;
	return cg_bpf_load(insns, n_insns, err);
}

int cg_devices_install(int cgfd, const struct spec_dev_rule *rules, size_t n,
		       const struct spec_device *devs, size_t n_devs, struct error **err)
{
	cleanup_close int prog = cg_devices_load(rules, n, devs, n_devs, err);

	if (prog < 0)
		return -1;
	return cg_bpf_attach(cgfd, prog, err);
}
