/* SPDX-License-Identifier: Apache-2.0 */
/* tests/netns/nstest.c — the netns unit tests' shared helpers and case
 * runner (see nstest.h).  */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/file.h"
#include "core/mem.h"
#include "netns/ipam.h"
#include "tests/netns/nstest.h"

char nstest_ipam_dir[256], nstest_state_root[256];

void expect(bool ok, const char *fmt, ...)
{
	va_list ap;

	if (ok)
		return;
	fprintf(stderr, "    FAIL: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* err by address: it is read after the call (argument order is
 * unspecified)  */
void expect_ok(int r, struct error **err, const char *what)
{
	expect(r == 0, "%s: %s", what, *err != NULL ? (*err)->msg : "(no error)");
}

/* A fresh network namespace, kept alive by the returned fd only: closing
 * it is what a container's death does to its netns.  */
int new_netns(void)
{
	int home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	int fd;

	expect(home >= 0, "open own netns: %m");
	expect(unshare(CLONE_NEWNET) == 0, "unshare(CLONE_NEWNET): %m");
	fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	expect(fd >= 0, "open new netns: %m");
	expect(setns(home, CLONE_NEWNET) == 0, "setns back: %m");
	close(home);
	return fd;
}

/* Run a shell command inside netns_fd (-1: the case's own netns) and
 * return its stdout.  */
char *sh_in(int netns_fd, const char *fmt, ...)
{
	cleanup_free char *cmd = NULL;
	char *out = xcalloc(1, 65536);
	size_t len = 0;
	int pipefd[2], status;
	va_list ap;
	ssize_t n;
	pid_t pid;

	va_start(ap, fmt);
	expect(vasprintf(&cmd, fmt, ap) >= 0, "vasprintf");
	va_end(ap);
	expect(pipe2(pipefd, O_CLOEXEC) == 0, "pipe: %m");
	pid = fork();
	expect(pid >= 0, "fork: %m");
	if (pid == 0) {
		if (netns_fd >= 0 && setns(netns_fd, CLONE_NEWNET) < 0)
			_exit(126);
		dup2(pipefd[1], 1);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	while ((n = read(pipefd[0], out + len, 65535 - len)) > 0)
		len += (size_t)n;
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	return out;
}

bool contains(const char *haystack, const char *needle)
{
	return strstr(haystack, needle) != NULL;
}

void expect_has(const char *text, const char *needle, const char *where)
{
	expect(contains(text, needle), "%s: expected \"%s\" in:\n%s", where, needle, text);
}

char *case_state_root(const char *name)
{
	cleanup_error struct error *err = NULL;
	char *root = xasprintf("%s/%s", nstest_state_root, name);

	expect_ok(mkdir_p(root, 0700, &err), &err, "mkdir state root");
	return root;
}

/* The container's state directory: its existence is what keeps a lease
 * alive.  */
void state_dir_make(const char *root, const char *id)
{
	cleanup_free char *dir = xasprintf("%s/%s", root, id);

	expect(mkdir(dir, 0700) == 0 || errno == EEXIST, "mkdir %s: %m", dir);
}

void state_dir_remove(const char *root, const char *id)
{
	cleanup_free char *dir = xasprintf("%s/%s", root, id);

	expect(rmdir(dir) == 0, "rmdir %s: %m", dir);
}

struct netns_request request(const char *root, const char *id)
{
	return (struct netns_request){
		.mode = NETNS_BRIDGE,
		.id = id,
		.ipam_dir = nstest_ipam_dir,
		.state_root = root,
	};
}

/* A container on the bridge: its state dir, its netns, its network. */
int container(const struct netns_request *req, struct netns_lease *lease)
{
	cleanup_error struct error *err = NULL;
	int fd = new_netns();

	state_dir_make(req->state_root, req->id);
	expect_ok(netns_bridge_setup(req, fd, lease, &err), &err, req->id);
	return fd;
}

char *ipam_db(const char *bridge)
{
	cleanup_error struct error *err = NULL;
	char *db = netns_ipam_db_path(nstest_ipam_dir, bridge, &err);

	expect(db != NULL, "ipam db path: %s", err ? err->msg : "?");
	return db;
}

int lease_count(const char *bridge)
{
	cleanup_free char *db = ipam_db(bridge);
	cleanup_closedir DIR *d = opendir(db);
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] >= '0' && de->d_name[0] <= '9')
			n++;
	return n;
}

char *lease_text(const char *bridge, const char *address)
{
	cleanup_free char *db = ipam_db(bridge);
	cleanup_free char *path = xasprintf("%s/%s", db, address);
	cleanup_error struct error *err = NULL;
	char *text = NULL;

	if (read_file_at(AT_FDCWD, path, &text, NULL, &err) < 0)
		return NULL;
	return text;
}

bool link_exists(const char *name)
{
	return if_nametoindex(name) != 0;
}

void expect_setup_error(const struct netns_request *req, const char *want)
{
	cleanup_error struct error *err = NULL;
	struct netns_lease lease;
	int fd = new_netns();

	expect(netns_bridge_setup(req, fd, &lease, &err) < 0, "accepted (want %s)", want);
	expect(strcmp(err->msg, want) == 0, "message \"%s\", want \"%s\"", err->msg, want);
	close(fd);
}

static bool run_case(void (*fn)(void))
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return false;
	if (pid == 0) {
		alarm(60); /* a hung case fails instead of hanging make */
		if (unshare(CLONE_NEWNET) < 0) {
			perror("unshare");
			_exit(1);
		}
		fn();
		exit(0); /* not _exit: lets LeakSanitizer check the case */
	}
	if (waitpid(pid, &status, 0) != pid)
		return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int nstest_run(const char *prog, const struct nstest_case *cases, size_t n)
{
	char tmp[] = "/tmp/berth-test-netns.XXXXXX";
	cleanup_error struct error *err = NULL;
	const char *only = getenv("NSTEST_ONLY"); /* run the matching cases */
	int passed = 0, failed = 0;

	if (geteuid() != 0) {
		fprintf(stderr, "%s: needs root (network namespaces)\n", prog);
		printf("1..0 # SKIP needs root\n");
		return 0;
	}
	if (mkdtemp(tmp) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(nstest_ipam_dir, sizeof(nstest_ipam_dir), "%s/ipam", tmp);
	snprintf(nstest_state_root, sizeof(nstest_state_root), "%s/state", tmp);
	for (size_t i = 0; i < n; i++) {
		bool ok;

		if (only != NULL && strstr(cases[i].name, only) == NULL)
			continue;
		ok = run_case(cases[i].fn);
		ok ? passed++ : failed++;
		printf("%sok %d - %s\n", ok ? "" : "not ", passed + failed, cases[i].name);
		fflush(stdout);
	}
	if (remove_tree_at(AT_FDCWD, tmp, &err) < 0)
		fprintf(stderr, "%s: %s\n", prog, err->msg);
	printf("1..%d\n", passed + failed);
	return failed == 0 ? 0 : 1;
}
