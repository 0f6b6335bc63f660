/* SPDX-License-Identifier: Apache-2.0 */
/* tests/unit/cgtest.h — helpers shared by the cgroup tests that run on a
 * real hierarchy (test-cgroups.c on any host, test-cgroups-v2.c where the
 * controllers exist): a fixture directory under the cgroup2 mount that is
 * always removed, children born in a cgroup, small file reads.  */
#ifndef BERTH_TESTS_CGTEST_H
#define BERTH_TESTS_CGTEST_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "core/file.h"
#include "core/mem.h"
#include "core/syscalls.h"
#include "tests/unit/tap.h"

static struct cg_layout hier;
static char base[256];	  /* <mount>/berth-test-<pid> */
static char base_rel[64]; /* /berth-test-<pid> */

static inline bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static inline char *slurp(const char *path)
{
	char *text = NULL;
	struct error *e = NULL;

	if (read_file_at(AT_FDCWD, path, &text, NULL, &e) < 0) {
		error_free(e);
		return NULL;
	}
	return text;
}

/* the content of <cgroup>/<file>, trailing newline removed, or "" */
static inline char *cg_file(const struct cg *cg, const char *file)
{
	char *path = xasprintf("%s/%s", cg_path(cg), file);
	char *text = slurp(path);
	size_t n;

	free(path);
	if (text == NULL)
		return xstrdup("");
	n = strlen(text);
	if (n > 0 && text[n - 1] == '\n')
		text[n - 1] = '\0';
	return text;
}

static inline void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

static inline char *at_base(const char *rel)
{
	return xasprintf("%s/%s", base, rel);
}

static inline char *cg_rel(const char *rel)
{
	return xasprintf("%s/%s", base_rel, rel);
}

static inline bool root_has(unsigned ctrl)
{
	char *file = xasprintf("%s/cgroup.controllers", hier.mount);
	char *text = slurp(file);
	bool has_it = text && (cg_ctrl_parse_list(text) & ctrl);

	free(file);
	free(text);
	return has_it;
}

static inline struct cg *create_ok(const char *rel, const struct spec_resources *r)
{
	char *path = cg_rel(rel);
	struct cg_request req = {.id = "t", .cgroups_path = path, .resources = r};
	struct cg *cg = NULL;
	struct error *e = NULL;

	if (cg_create(&req, &cg, &e) < 0 || cg == NULL)
		CHECK(false, "create %s: %s", path, e ? e->msg : "NULL cg");
	error_free(e);
	free(path);
	return cg;
}

static inline char *create_err(const char *rel, const struct spec_resources *r)
{
	char *path = cg_rel(rel);
	struct cg_request req = {.id = "t", .cgroups_path = path, .resources = r};
	struct cg *cg = NULL;
	struct error *e = NULL;
	char *msg = NULL;

	if (cg_create(&req, &cg, &e) == 0) {
		CHECK(false, "create %s should fail", path);
		if (cg != NULL)
			cg_destroy(cg, &e);
		cg_free(cg);
	} else {
		msg = xstrdup(e->msg);
	}
	error_free(e);
	free(path);
	return msg ? msg : xstrdup("");
}

static inline void destroy(struct cg *cg)
{
	struct error *e = NULL;

	if (cg == NULL)
		return;
	CHECK(cg_destroy(cg, &e) == 0, "destroy: %s", e ? e->msg : "");
	error_free(e);
	cg_free(cg);
}

/* A child born in the cgroup: it runs fn and _exits with its result.  */
static inline pid_t spawn_in(const struct cg *cg, int (*fn)(void *), void *arg)
{
	struct clone_args args = {0};
	struct error *e = NULL;
	pid_t pid;

	args.flags = cg_dirfd(cg) >= 0 ? CLONE_INTO_CGROUP : 0;
	args.exit_signal = SIGCHLD;
	args.cgroup = (uint64_t)cg_dirfd(cg);
	pid = sys_clone3(&args);
	if (pid == 0)
		_exit(fn(arg));
	/* the v1 cgroups, as the launcher places an init */
	if (pid > 0 && cg_place(cg, pid, &e) < 0) {
		CHECK(false, "cg_place: %s", e->msg);
		error_free(e);
	}
	/* a failure only: forked helpers call this too, and a passing check
	 * printed there would be numbered twice */
	if (pid < 0)
		CHECK(false, "clone3 into cgroup: %s", strerror(errno));
	return pid;
}

static inline int wait_status(pid_t pid)
{
	int status = -1;

	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

/* kill and remove everything below path, deepest first */
static inline void rm_cgroup_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	struct error *e = NULL;
	char *kill_file = xasprintf("%s/cgroup.kill", path);

	write_str_at(AT_FDCWD, kill_file, "1", &e);
	error_freep(&e);
	free(kill_file);
	while (d != NULL && (de = readdir(d)) != NULL) {
		if (de->d_type == DT_DIR && de->d_name[0] != '.') {
			char *child = xasprintf("%s/%s", path, de->d_name);

			rm_cgroup_tree(child);
			free(child);
		}
	}
	if (d != NULL)
		closedir(d);
	for (int i = 0; i < 100 && rmdir(path) < 0 && errno == EBUSY; i++)
		sleep_ms(10);
}

/* Make <mount>/berth-test-<pid>; false (after printing why) when there is
 * no cgroup2 hierarchy to test on.  */
static inline bool fixture_setup(void)
{
	struct error *e = NULL;

	if (cg_layout_find(&hier, &e) < 0 || hier.mount == NULL) {
		error_free(e);
		return false;
	}
	snprintf(base_rel, sizeof(base_rel), "/berth-test-%d", (int)getpid());
	snprintf(base, sizeof(base), "%s%s", hier.mount, base_rel);
	if (mkdir(base, 0755) < 0) {
		fprintf(stderr, "mkdir %s: %s\n", base, strerror(errno));
		base[0] = '\0';
		return false;
	}
	return true;
}

static inline int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	while (d != NULL && readdir(d) != NULL)
		n++;
	if (d != NULL)
		closedir(d);
	return n;
}

#endif
