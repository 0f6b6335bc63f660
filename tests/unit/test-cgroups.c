/* SPDX-License-Identifier: Apache-2.0 */
/* tests/unit/test-cgroups.c — cgroups/ against the real cgroup2 hierarchy
 * of the machine it runs on (on the hybrid development host that is
 * /sys/fs/cgroup/unified).  Everything lives under a unique directory
 * made here, <mount>/berth-test-<pid>, removed at exit; the root's
 * cgroup.subtree_control is restored.  Needs root; prints a skip line and
 * exits 0 otherwise.
 *
 * Checked by effect, not by return codes: a child born in the cgroup with
 * clone3(CLONE_INTO_CGROUP) shows it in /proc/<pid>/cgroup; a frozen
 * child's counter stops; SIGKILL kills; a device node outside the filter
 * cannot be opened; directories appear and disappear as promised.  */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "cgroups/internal.h"
#include "core/file.h"
#include "core/mem.h"
#include "core/jsonw.h"
#include "core/log.h"
#include "core/syscalls.h"
#include "tests/unit/cgtest.h"

static char tmpdir[] = "/tmp/berth-cgtest-XXXXXX";
static char log_path[300];
static char *root_subtree; /* the mount root's subtree_control before */
static bool berth_made;	   /* <mount>/berth did not exist before */

static char *log_text(void)
{
	char *t = slurp(log_path);

	return t ? t : xstrdup("");
}

/* ---- fixture ----------------------------------------------------------- */

static void teardown(void)
{
	char *sc;
	struct error *e = NULL;

	if (base[0] != '\0')
		rm_cgroup_tree(base);
	if (berth_made) {
		char *b = xasprintf("%s/berth", hier.mount);

		rmdir(b); /* only if empty: never another's container */
		free(b);
	}
	if (root_subtree != NULL) {
		unsigned before = cg_ctrl_parse_list(root_subtree);
		char *now_text, *file;

		file = xasprintf("%s/cgroup.subtree_control", hier.mount);
		now_text = slurp(file);
		for (unsigned bit = 1; bit <= CG_CTRL_MISC; bit <<= 1) {
			if (!(cg_ctrl_parse_list(now_text) & bit) || (before & bit))
				continue;
			sc = xasprintf("-%s", cg_ctrl_name(bit));
			if (write_str_at(AT_FDCWD, file, sc, &e) < 0)
				fprintf(stderr, "restore %s: %s\n", sc, e->msg);
			error_freep(&e);
			free(sc);
		}
		free(now_text);
		free(file);
	}
	if (tmpdir[0] != '\0') {
		remove_tree_at(AT_FDCWD, tmpdir, &e);
		error_freep(&e);
	}
	if (log_path[0] != '\0')
		unlink(log_path);
}

static int child_spin(void *arg)
{
	volatile uint64_t *counter = arg;

	for (;;)
		(*counter)++;
	return 0;
}

static int child_pause(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return 0;
}

/* ---- tests ------------------------------------------------------------- */

static bool marked(const char *path)
{
	char v[4];

	return getxattr(path, "trusted.berth.created", v, sizeof(v)) >= 0 ||
	       getxattr(path, "user.berth.created", v, sizeof(v)) >= 0;
}

static void check_stats(const struct cg *cg)
{
	struct jsonw *w = jsonw_new();
	struct error *e = NULL;
	char errbuf[256];
	yajl_val root, v;
	const char *total[] = {"cpu", "usage", "total", NULL};
	const char *pids[] = {"pids", "current", NULL};
	const char *mem[] = {"memory", "usage", NULL};
	const char *hug[] = {"hugetlb", NULL};

	CHECK(cg_stats_write(cg, w, &e) == 0, "stats: %s", e ? e->msg : "");
	root = yajl_tree_parse(jsonw_buf(w), errbuf, sizeof(errbuf));
	CHECK(root != NULL, "stats JSON parses: %s: %s", errbuf, jsonw_buf(w));
	v = yajl_tree_get(root, total, yajl_t_number);
	CHECK(v && YAJL_GET_INTEGER(v) > 0, "cpu.usage.total > 0 (ns)");
	v = yajl_tree_get(root, pids, yajl_t_number);
	CHECK(v && YAJL_GET_INTEGER(v) == 1, "pids.current == 1");
	CHECK(yajl_tree_get(root, mem, yajl_t_object) != NULL, "memory.usage object");
	CHECK(yajl_tree_get(root, hug, yajl_t_object) != NULL, "hugetlb object");
	yajl_tree_free(root);
	error_free(e);
	jsonw_free(w);
}

static void test_place_freeze_kill(void)
{
	volatile uint64_t *counter =
		mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct cg *cg = create_ok("a/b/c1", NULL);
	char *a = at_base("a"), *b = at_base("a/b"), *want = NULL, *procf;
	char *proc_text;
	struct error *e = NULL;
	pid_t pid, *pids = NULL;
	size_t n = 0;
	bool frozen = false;
	uint64_t before;
	int st;

	if (cg == NULL)
		return;
	CHECK(marked(a) && marked(b) && marked(cg_path(cg)), "created dirs carry berth's mark");
	CHECK(!marked(base), "the pre-existing base is not marked");
	pid = spawn_in(cg, child_spin, (void *)counter);
	procf = xasprintf("/proc/%d/cgroup", (int)pid);
	proc_text = slurp(procf);
	want = xasprintf("0::%s/a/b/c1\n", base_rel);
	CHECK(proc_text && strstr(proc_text, want), "child born in cgroup: %s",
	      proc_text ? proc_text : "?");
	CHECK(cg_pids(cg, &pids, &n, &e) == 0 && n == 1 && pids[0] == pid,
	      "cg_pids lists the child");
	sleep_ms(50);
	check_stats(cg);

	CHECK(cg_freeze(cg, true, &e) == 0, "freeze: %s", e ? e->msg : "");
	CHECK(cg_is_frozen(cg, &frozen, &e) == 0 && frozen, "is frozen");
	before = *counter;
	sleep_ms(150);
	CHECK(*counter == before, "frozen child made no progress");
	CHECK(cg_freeze(cg, false, &e) == 0, "thaw: %s", e ? e->msg : "");
	CHECK(cg_is_frozen(cg, &frozen, &e) == 0 && !frozen, "thawed");
	before = *counter;
	sleep_ms(100);
	CHECK(*counter > before, "thawed child runs again");

	CHECK(cg_signal_all(cg, SIGKILL, &e) == 0, "kill: %s", e ? e->msg : "");
	st = wait_status(pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "child got SIGKILL");
	destroy(cg);
	CHECK(!exists(a), "destroy removed the parents berth created");
	CHECK(exists(base), "destroy kept the pre-existing base");
	munmap((void *)counter, 4096);
	free(pids);
	free(a);
	free(b);
	free(want);
	free(procf);
	free(proc_text);
	error_free(e);
}

static void test_signal_term(void)
{
	struct cg *cg = create_ok("sig", NULL);
	struct error *e = NULL;
	bool frozen = true;
	pid_t pid;
	int st;

	if (cg == NULL)
		return;
	pid = spawn_in(cg, child_pause, NULL);
	sleep_ms(20);
	CHECK(cg_signal_all(cg, SIGTERM, &e) == 0, "SIGTERM: %s", e ? e->msg : "");
	st = wait_status(pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "child got SIGTERM");
	CHECK(cg_is_frozen(cg, &frozen, &e) == 0 && !frozen, "thawed again after signalling");
	destroy(cg);
	error_free(e);
}

struct open_probe {
	const char *path;
	int flags;
};

/* 0 when open succeeded, else the errno */
static int child_open(void *arg)
{
	const struct open_probe *p = arg;
	int fd = open(p->path, p->flags | O_CLOEXEC);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int open_in(const struct cg *cg, const char *path, int flags)
{
	struct open_probe p = {path, flags};
	int st = wait_status(spawn_in(cg, child_open, &p));

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* A tmpfs of the test's own for its device nodes: /tmp may be mounted
 * nodev (the VM's is), where a node never opens, filter or not.  In a
 * private mount namespace, so a crashed test leaves no mount behind.  */
static char *node_dir(void)
{
	char *dir = xasprintf("%s/dev", tmpdir);

	CHECK(unshare(CLONE_NEWNS) == 0 && mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) == 0,
	      "private mount namespace: %s", strerror(errno));
	CHECK(mkdir(dir, 0700) == 0 && mount("tmpfs", dir, "tmpfs", MS_NOSUID, "mode=0700") == 0,
	      "tmpfs for device nodes at %s: %s", dir, strerror(errno));
	return dir;
}

static void test_devices(void)
{
	char *dir = node_dir();
	char *kmsg = xasprintf("%s/kmsg", dir);
	char *null = xasprintf("%s/null", dir);
	struct spec_dev_rule allow_r = {true, 'c', 1, 11, SPEC_DEV_READ};
	struct spec_resources upd = {.devices = &allow_r, .n_devices = 1};
	struct cg *cg;
	struct error *e = NULL;
	unsigned count = 0;
	int fd;

	CHECK(mknod(kmsg, S_IFCHR | 0600, makedev(1, 11)) == 0 &&
		      mknod(null, S_IFCHR | 0666, makedev(1, 3)) == 0,
	      "mknod test nodes: %s", strerror(errno));
	fd = open(kmsg, O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0, "the kmsg node opens outside the cgroup");
	if (fd >= 0)
		close(fd);
	cg = create_ok("dev", NULL);
	if (cg == NULL)
		goto out;
	CHECK(cg_bpf_count(cg->dirfd, &count, &e) == 0 && count == 1,
	      "one device program attached (%u)", count);
	CHECK(open_in(cg, kmsg, O_RDONLY) == EPERM, "c 1:11 denied in the cgroup");
	CHECK(open_in(cg, null, O_RDWR) == 0, "c 1:3 (default) allowed");

	CHECK(cg_update(cg, &upd, &e) == 0, "update devices: %s", e ? e->msg : "");
	CHECK(cg_bpf_count(cg->dirfd, &count, &e) == 0 && count == 1,
	      "still one program after update (%u)", count);
	CHECK(open_in(cg, kmsg, O_RDONLY) == 0, "c 1:11 r allowed now");
	CHECK(open_in(cg, kmsg, O_WRONLY) == EPERM, "c 1:11 w still denied");
	CHECK(open_in(cg, null, O_RDWR) == 0, "defaults kept on update");
	destroy(cg);
out:
	error_free(e);
	free(kmsg);
	free(null);
	umount2(dir, MNT_DETACH);
	free(dir);
}

/* where a controller lives on this host */
static int home_of(unsigned ctrl)
{
	struct cg_homes h;

	cg_layout_homes(&hier, &h);
	return cg_home(&h, ctrl);
}

static void test_hard_limit_refused(void)
{
	struct spec_resources r = {0};
	struct spec_rdma_limit l = {"mlx5_0", {true, 10}, {false, 0}};
	char *msg, *want, *x = at_base("hard");

	if (home_of(CG_CTRL_RDMA) != CG_HOME_NONE) {
		printf("skip: this host has the rdma controller\n");
		free(x);
		return;
	}
	r.rdma = &l;
	r.n_rdma = 1;
	msg = create_err("hard/c", &r);
	if (hier.n_v1 > 0)
		want = xasprintf("cgroup: rdma limit needs the \"rdma\" controller, which this "
				 "host has neither in %s nor as a cgroup v1 hierarchy",
				 hier.mount);
	else
		want = xasprintf("cgroup: rdma limit needs the \"rdma\" controller, which %s "
				 "does not have",
				 hier.mount);
	CHECK(strcmp(msg, want) == 0, "got '%s'\nwant '%s'", msg, want);
	CHECK(!exists(x), "nothing created for a refused limit");
	free(msg);
	free(want);
	free(x);
}

/* cpu shares: applied where the cpu controller lives (v1: cpu.shares as
 * is), warned about where it lives nowhere; a blkio weight without a
 * proportional io scheduler's file is warned about */
static void test_soft_weights(void)
{
	struct spec_resources r = {0};
	struct cg *cg;
	char *text;

	if (home_of(CG_CTRL_CPU) == CG_HOME_V2 || home_of(CG_CTRL_IO) == CG_HOME_V2) {
		printf("skip: %s has cpu/io controllers\n", hier.mount);
		return;
	}
	r.has_cpu = true;
	r.cpu.shares = (struct opt_u64){true, 512};
	r.has_blkio = true;
	r.blkio.weight = (struct opt_u64){true, 300};
	cg = create_ok("soft", &r);
	CHECK(cg != NULL, "soft weights only: the container runs");
	text = log_text();
	if (home_of(CG_CTRL_CPU) >= 0) {
		const struct cg_v1dir *d = cg ? cg_v1_of(cg, CG_CTRL_CPU) : NULL;
		char *file = d ? xasprintf("%s/cpu.shares", d->path) : NULL;
		char *v = file ? slurp(file) : NULL;

		CHECK(v && strcmp(v, "512\n") == 0, "v1 cpu.shares is 512: %s", v ? v : "none");
		free(v);
		free(file);
	} else {
		/* the text log escapes quotes, as logrus does */
		CHECK(strstr(text, "cpu shares not applied: it needs the \\\"cpu\\\" "
				   "controller"),
		      "cpu warning logged: %s", text);
	}
	CHECK(strstr(text, "blkio weight not applied") || home_of(CG_CTRL_IO) >= 0,
	      "blkio warning logged: %s", text);
	free(text);
	destroy(cg);
}

static void test_parents(void)
{
	char *s = at_base("s"), *pre = at_base("pre"), *px = at_base("pre/x");
	struct cg *c1 = create_ok("s/c1", NULL), *c2 = create_ok("s/c2", NULL);
	struct cg *c3;

	CHECK(exists(s), "shared parent made");
	destroy(c1);
	CHECK(exists(s), "shared parent kept while c2 uses it");
	destroy(c2);
	CHECK(!exists(s), "shared parent removed with the last container");
	CHECK(mkdir(pre, 0755) == 0, "mkdir pre");
	c3 = create_ok("pre/x/c3", NULL);
	CHECK(exists(px) && marked(px) && !marked(pre), "marks on pre/x only");
	destroy(c3);
	CHECK(!exists(px) && exists(pre), "pre/x removed, pre kept");
	free(s);
	free(pre);
	free(px);
}

static void test_default_path(void)
{
	char *berth = xasprintf("%s/berth", hier.mount);
	char *leaf = xasprintf("%s/berth/berth-test-%d", hier.mount, (int)getpid());
	char *id = xasprintf("berth-test-%d", (int)getpid());
	bool had = exists(berth);

	berth_made = !had;
	struct cg_request req = {.id = id};
	struct cg *cg = NULL;
	struct error *e = NULL;

	CHECK(cg_create(&req, &cg, &e) == 0 && cg != NULL, "default: %s", e ? e->msg : "");
	if (cg != NULL) {
		CHECK(strcmp(cg_path(cg), leaf) == 0, "default path %s", cg_path(cg));
		destroy(cg);
		CHECK(!exists(leaf), "leaf removed");
		/* root's default parent stays for the next container (destroy.c);
		 * teardown removes it when this test made it */
		CHECK(exists(berth), "/berth kept");
	}
	error_free(e);
	free(berth);
	free(leaf);
	free(id);
}

static void test_unified_hugetlb(void)
{
	struct spec_resources r = {0};
	struct spec_hugepage_limit hp = {"2MB", 0};
	char *k[] = {"cgroup.max.depth"}, *v[] = {"3"};
	char *bad_k[] = {"foo.bar"}, *bad_v[] = {"1"};
	char *mem_k[] = {"memory.high"}, *mem_v[] = {"1000000"};
	char *val_k[] = {"cgroup.max.depth"}, *val_v[] = {"bogus"};
	char *msg, *file, *text, *gone = at_base("rb");
	struct cg *cg;

	r.unified_keys = k;
	r.unified_values = v;
	r.n_unified = 1;
	if (root_has(CG_CTRL_HUGETLB) && exists("/sys/kernel/mm/hugepages/hugepages-2048kB")) {
		r.hugepages = &hp;
		r.n_hugepages = 1;
	}
	cg = create_ok("uni", &r);
	if (cg != NULL) {
		file = xasprintf("%s/cgroup.max.depth", cg_path(cg));
		text = slurp(file);
		CHECK(text && strcmp(text, "3\n") == 0, "max.depth = %s", text);
		free(file);
		free(text);
		if (r.n_hugepages) {
			file = xasprintf("%s/hugetlb.2MB.max", cg_path(cg));
			text = slurp(file);
			CHECK(text && strcmp(text, "0\n") == 0, "hugetlb.2MB.max = %s", text);
			free(file);
			free(text);
		}
		destroy(cg);
	}
	memset(&r, 0, sizeof(r));
	r.unified_keys = bad_k;
	r.unified_values = bad_v;
	r.n_unified = 1;
	msg = create_err("rb/x", &r);
	CHECK(strstr(msg, "unified 'foo.bar': '") && strstr(msg, "/rb/x/foo.bar' does not exist"),
	      "unknown unified key: %s", msg);
	CHECK(!exists(gone), "rolled back after a failed write");
	free(msg);
	r.unified_keys = val_k;
	r.unified_values = val_v;
	msg = create_err("rb/y", &r);
	CHECK(strstr(msg, "unified 'cgroup.max.depth': write 'bogus'") && !exists(gone),
	      "bad value rolled back: %s", msg);
	free(msg);
	if (home_of(CG_CTRL_MEMORY) != CG_HOME_V2) {
		r.unified_keys = mem_k;
		r.unified_values = mem_v;
		msg = create_err("rb/z", &r);
		CHECK(strstr(msg, home_of(CG_CTRL_MEMORY) >= 0
					  ? "unified 'memory.high' is a cgroup v2 file, but the "
					    "\"memory\" controller is a cgroup v1 hierarchy"
					  : "unified 'memory.high' needs the \"memory\" "
					    "controller, which "),
		      "unified on a missing controller: %s", msg);
		free(msg);
	}
	free(gone);
}

static void test_path_errors(void)
{
	struct cg_request req = {.id = "x", .cgroups_path = "/a/../b"};
	struct cg *cg = NULL;
	struct error *e = NULL;

	CHECK(cg_create(&req, &cg, &e) < 0 && strstr(e->msg, "\"..\""), "dotdot: %s",
	      e ? e->msg : "");
	error_freep(&e);
	req.cgroups_path = "system.slice:docker:x";
	CHECK(cg_create(&req, &cg, &e) < 0 && strstr(e->msg, "systemd form \"slice:prefix:name\""),
	      "systemd form: %s", e ? e->msg : "");
	error_freep(&e);
	req.systemd = true;
	/* this host: systemd is not init (the VM suite drives a real one) */
	CHECK(cg_create(&req, &cg, &e) < 0 && strstr(e->msg, "systemd is not running as init") &&
		      cg == NULL,
	      "systemd: %s", e ? e->msg : "");
	error_freep(&e);
	req = (struct cg_request){.id = "x", .manager = CG_MANAGER_DISABLED};
	cg = (struct cg *)1;
	CHECK(cg_create(&req, &cg, &e) == 0 && cg == NULL, "disabled: NULL");
	error_freep(&e);
}

/* cg_open() from the paths a state file would hold */
static int reopen(const struct cg *cg, struct cg **out, struct error **e)
{
	size_t n = cg_v1_count(cg);
	char **names = xcalloc(n + 1, sizeof(*names)), **paths = xcalloc(n + 1, sizeof(*paths));
	int rc;

	for (size_t i = 0; i < n; i++) {
		const char *name, *mount, *path;

		cg_v1_at(cg, i, &name, &mount, &path);
		names[i] = (char *)name;
		paths[i] = (char *)path;
	}
	rc = cg_open(cg_path(cg), names, paths, n, out, e);
	free(names);
	free(paths);
	return rc;
}

static void test_busy_and_open(void)
{
	struct cg *cg = create_ok("busy", NULL), *again = NULL;
	struct error *e = NULL;
	char *msg;
	bool frozen = false;
	pid_t pid;

	if (cg == NULL)
		return;
	pid = spawn_in(cg, child_pause, NULL);
	msg = create_err("busy", NULL);
	CHECK(strstr(msg, "already exists and has processes"), "busy: %s", msg);
	free(msg);
	CHECK(reopen(cg, &again, &e) == 0, "open: %s", e ? e->msg : "");
	if (again != NULL) {
		CHECK(strcmp(cg_path(again), cg_path(cg)) == 0, "same path");
		CHECK(cg_freeze(again, true, &e) == 0 && cg_is_frozen(cg, &frozen, &e) == 0 &&
			      frozen,
		      "freeze through the reopened handle");
		CHECK(cg_destroy(again, &e) == 0, "destroy reopened: %s", e ? e->msg : "");
		cg_free(again);
	}
	CHECK(WIFSIGNALED(wait_status(pid)), "destroy killed the frozen child");
	CHECK(!exists(cg_path(cg)), "busy cgroup removed");
	CHECK(cg_destroy(cg, &e) == 0, "destroying twice is fine");
	cg_free(cg);
	CHECK(cg_open("/tmp", NULL, NULL, 0, &again, &e) < 0, "/tmp is no cgroup");
	error_free(e);
}

static int count_lines(const char *text, const char *prefix)
{
	int n = 0;

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (strncmp(p, prefix, strlen(prefix)) == 0)
			n++;
	return n;
}

static void test_events(void)
{
	struct cg *cg = create_ok("evt", NULL);
	struct error *e = NULL;
	int pfd[2];
	pid_t child, ev;
	char buf[65536];
	ssize_t got = 0, n;
	int st;

	if (cg == NULL || pipe2(pfd, O_CLOEXEC) < 0)
		return;
	child = spawn_in(cg, child_pause, NULL);
	CHECK(cg_events_run(cg, "evt", true, 0, pfd[1], &e) == 0, "stats only");
	n = read(pfd[0], buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	CHECK(count_lines(buf, "{\"type\":\"stats\",\"id\":\"evt\",\"data\":"
			       "{\"cpu\":") == 1 &&
		      strchr(buf, '\n') == buf + n - 1,
	      "one stats line: %s", buf);

	ev = fork();
	if (ev == 0) {
		close(pfd[0]);
		_exit(cg_events_run(cg, "evt", false, 50, pfd[1], &e) == 0 ? 0 : 1);
	}
	close(pfd[1]);
	sleep_ms(300);
	cg_signal_all(cg, SIGKILL, &e);
	wait_status(child);
	while ((n = read(pfd[0], buf + got, sizeof(buf) - 1 - got)) > 0)
		got += n;
	buf[got] = '\0';
	st = wait_status(ev);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "events returned when the container died");
	CHECK(count_lines(buf, "{\"type\":\"stats\",\"id\":\"evt\"") >= 2,
	      "periodic stats lines: %s", buf);
	close(pfd[0]);
	destroy(cg);
	error_free(e);
}

/* ---- rootless ---------------------------------------------------------- */

static void chown_cgroup(const char *dir, uid_t uid)
{
	static const char *const files[] = {"", "/cgroup.procs", "/cgroup.subtree_control",
					    "/cgroup.threads"};

	for (size_t i = 0; i < 4; i++) {
		char *p = xasprintf("%s%s", dir, files[i]);

		if (chown(p, uid, uid) < 0)
			fprintf(stderr, "chown %s: %s\n", p, strerror(errno));
		free(p);
	}
}

/* In a forked child: sit in <home>, become nobody, run the scenario.
 * Exit codes name the failed step.  */
static int rootless_child(const char *home, bool delegated)
{
	char *procs = xasprintf("%s/cgroup.procs", home);
	struct spec_resources lim = {.pids_limit = {true, 10}};
	struct cg_request req = {.id = "rl", .rootless = true};
	struct cg *cg = NULL;
	struct error *e = NULL;
	char num[16];
	struct stat st;

	snprintf(num, sizeof(num), "%d", (int)getpid());
	if (write_str_at(AT_FDCWD, procs, num, &e) < 0)
		return 10;
	if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
	    setresuid(65534, 65534, 65534) < 0)
		return 11;
	if (!delegated) {
		if (cg_create(&req, &cg, &e) < 0 || cg != NULL)
			return 20;
		req.resources = &lim;
		if (cg_create(&req, &cg, &e) == 0 ||
		    !strstr(e->msg, "cgroup: pids limit needs a delegated "
				    "cgroup: '"))
			return 21;
		return 0;
	}
	if (cg_create(&req, &cg, &e) < 0 || cg == NULL)
		return 30;
	if (stat(cg_path(cg), &st) < 0 || st.st_uid != 65534 || !marked(cg_path(cg)))
		return 31;
	if (WEXITSTATUS(wait_status(
		    spawn_in(cg, child_open, &(struct open_probe){"/dev/null", O_RDONLY}))) != 0)
		return 32;
	if (cg_destroy(cg, &e) < 0 || exists(cg_path(cg)))
		return 33;
	return 0;
}

static void test_rootless(void)
{
	char *deleg = at_base("deleg"), *home = at_base("deleg/home");
	char *nod = at_base("nodeleg"), *nhome = at_base("nodeleg/home");
	char *made = at_base("deleg/berth");
	pid_t pid;
	int st;

	CHECK(mkdir(deleg, 0755) == 0 && mkdir(home, 0755) == 0 && mkdir(nod, 0755) == 0 &&
		      mkdir(nhome, 0755) == 0,
	      "mkdir rootless fixtures");
	chown_cgroup(deleg, 65534);
	chown_cgroup(home, 65534);

	pid = fork();
	if (pid == 0)
		_exit(rootless_child(home, true));
	st = wait_status(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "rootless with delegation (step %d)",
	      WEXITSTATUS(st));
	CHECK(!exists(made), "rootless destroy removed its berth/ parent");

	pid = fork();
	if (pid == 0)
		_exit(rootless_child(nhome, false));
	st = wait_status(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "rootless without delegation (step %d)",
	      WEXITSTATUS(st));
	free(deleg);
	free(home);
	free(nod);
	free(nhome);
	free(made);
}

static int setup(void)
{
	struct error *e = NULL;
	char *file;
	int fd;

	if (!fixture_setup())
		return 1;
	file = xasprintf("%s/cgroup.subtree_control", hier.mount);
	root_subtree = slurp(file);
	free(file);
	if (mkdtemp(tmpdir) == NULL) {
		fprintf(stderr, "setup: %s\n", strerror(errno));
		return -1;
	}
	snprintf(log_path, sizeof(log_path), "%s/log", tmpdir);
	fd = open(log_path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	if (fd >= 0)
		close(fd);
	if (log_open(log_path, false, false, &e) < 0)
		return -1;
	return 0;
}

int main(void)
{
	int s, fds;

	if (geteuid() != 0)
		return tap_skip_all("needs root");
	s = setup();
	if (s != 0) {
		teardown();
		return s < 0 ? 1 : tap_skip_all("no cgroup2 hierarchy");
	}
	atexit(teardown);
	TAP_NOTE("hierarchy %s%s", hier.mount, hier.hybrid ? " (hybrid)" : "");
	fds = count_fds();
	test_place_freeze_kill();
	test_signal_term();
	test_devices();
	test_hard_limit_refused();
	test_soft_weights();
	test_parents();
	test_default_path();
	test_unified_hugetlb();
	test_path_errors();
	test_busy_and_open();
	test_events();
	test_rootless();
	CHECK(count_fds() == fds, "no fd leaked (%d -> %d)", fds, count_fds());
	return tap_done();
}
