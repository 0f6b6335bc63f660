/* SPDX-License-Identifier: Apache-2.0 */
/* tests/unit/test-cgroups-v2.c — every limit of linux.resources on a pure
 * cgroup v2 hierarchy, checked by its file and, where it can be seen, by its
 * effect: an OOM kill (and the events "oom" line), a refused fork, cpu
 * throttling, cpu affinity, a throttled write to a loop device.
 *
 * It needs the memory, cpu and pids controllers, so on the hybrid
 * development host it prints a skip line; `make cgroups-vm` runs it inside
 * the pure cgroup v2 VM (tests/vm/vm-run).  */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "core/jsonw.h"
#include "core/log.h"
#include "tests/unit/cgtest.h"

#define MiB (1024L * 1024L)

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int child_hog(void *arg)
{
	long size = (long)arg;
	char *p = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		       0);

	if (p == MAP_FAILED)
		return 2;
	for (long i = 0; i < size; i += 4096)
		p[i] = 1;
	return 0; /* survived: the limit did not hold */
}

static int child_pause(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return 0;
}

static int child_spin_ms(void *arg)
{
	double end = now_s() + (long)arg / 1000.0;

	while (now_s() < end)
		;
	return 0;
}

/* fork until refused; exit with the number of successful forks */
static int child_forker(void *arg)
{
	int n = 0;

	(void)arg;
	for (; n < 100; n++) {
		pid_t p = fork();

		if (p == 0) {
			pause();
			_exit(0);
		}
		if (p < 0)
			break;
	}
	return n;
}

static int child_affinity(void *arg)
{
	cpu_set_t set;

	(void)arg;
	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return 2;
	return CPU_COUNT(&set) == 1 && CPU_ISSET(0, &set) ? 0 : 1;
}

static void test_memory(void)
{
	struct spec_resources r = {0};
	/* above memory.max: the hog meets the OOM killer, not throttling */
	char *k[] = {"memory.high"}, *v[] = {"62914560"};
	struct cg *cg;
	char *t;
	int st, pfd[2];
	pid_t ev, hog;
	char buf[65536];
	ssize_t got = 0, n;
	struct error *e = NULL;

	r.has_memory = true;
	r.memory.limit = (struct opt_i64){true, 32 * MiB};
	r.memory.swap = (struct opt_i64){true, 32 * MiB}; /* no swap */
	r.memory.reservation = (struct opt_i64){true, 8 * MiB};
	r.unified_keys = k;
	r.unified_values = v;
	r.n_unified = 1;
	cg = create_ok("mem", &r);
	if (cg == NULL)
		return;
	CHECK(strcmp(t = cg_file(cg, "memory.max"), "33554432") == 0, "memory.max %s", t);
	free(t);
	CHECK(strcmp(t = cg_file(cg, "memory.low"), "8388608") == 0, "memory.low %s", t);
	free(t);
	CHECK(strcmp(t = cg_file(cg, "memory.high"), "62914560") == 0, "memory.high %s", t);
	free(t);
	t = cg_file(cg, "memory.swap.max");
	CHECK(t[0] == '\0' || strcmp(t, "0") == 0, "swap.max %s", t);
	free(t);

	/* the OOM kill, and the events stream reporting it */
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return;
	hog = spawn_in(cg, child_pause, NULL);
	ev = fork();
	if (ev == 0) {
		close(pfd[0]);
		_exit(cg_events_run(cg, "mem", false, 60000, pfd[1], &e) ? 1 : 0);
	}
	close(pfd[1]);
	sleep_ms(300);
	st = wait_status(spawn_in(cg, child_hog, (void *)(64 * MiB)));
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
	      "a 64 MiB hog is OOM-killed under 32 MiB (status %#x)", st);
	t = cg_file(cg, "memory.events");
	CHECK(strstr(t, "oom_kill 1") || strstr(t, "oom_kill 2"), "memory.events: %s", t);
	free(t);
	kill(hog, SIGKILL);
	wait_status(hog);
	while ((n = read(pfd[0], buf + got, sizeof(buf) - 1 - got)) > 0)
		got += n;
	buf[got] = '\0';
	close(pfd[0]);
	st = wait_status(ev);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0 &&
		      strstr(buf, "{\"type\":\"oom\",\"id\":\"mem\"}\n"),
	      "events reported the OOM kill: %s", buf);

	/* live update, and checkBeforeUpdate */
	memset(&r, 0, sizeof(r));
	r.has_memory = true;
	r.memory.limit = (struct opt_i64){true, 64 * MiB};
	CHECK(cg_update(cg, &r, &e) == 0, "update: %s", e ? e->msg : "");
	CHECK(strcmp(t = cg_file(cg, "memory.max"), "67108864") == 0, "updated memory.max %s", t);
	free(t);
	hog = spawn_in(cg, child_pause, NULL);
	sleep_ms(50);
	r.memory.limit = (struct opt_i64){true, 4096};
	r.memory.check_before_update = true;
	CHECK(cg_update(cg, &r, &e) < 0 && strstr(e->msg, "is not above the current usage"),
	      "checkBeforeUpdate: %s", e ? e->msg : "no error");
	error_freep(&e);
	kill(hog, SIGKILL);
	wait_status(hog);
	destroy(cg);
}

static void test_cpu(void)
{
	static const unsigned long long shares[][2] = {
		{2, 1},
		{1024, 100},
		{512, 59},
		{262144, 10000},
	};
	struct spec_resources r = {0};
	struct error *e = NULL;
	struct cg *cg;
	uint64_t thr = 0;
	char *t;

	r.has_cpu = true;
	r.cpu.quota = (struct opt_i64){true, 20000};
	r.cpu.period = (struct opt_u64){true, 100000};
	cg = create_ok("cpu", &r);
	if (cg == NULL)
		return;
	CHECK(strcmp(t = cg_file(cg, "cpu.max"), "20000 100000") == 0, "cpu.max %s", t);
	free(t);
	wait_status(spawn_in(cg, child_spin_ms, (void *)500L));
	t = cg_file(cg, "cpu.stat");
	CHECK(cg_kv_find(t, "nr_throttled", &thr) && thr > 0, "a spinning child is throttled: %s",
	      t);
	free(t);
	for (size_t i = 0; i < sizeof(shares) / sizeof(shares[0]); i++) {
		char want[32];

		memset(&r, 0, sizeof(r));
		r.has_cpu = true;
		r.cpu.shares = (struct opt_u64){true, shares[i][0]};
		snprintf(want, sizeof(want), "%llu", shares[i][1]);
		CHECK(cg_update(cg, &r, &e) == 0, "shares: %s", e ? e->msg : "");
		CHECK(strcmp(t = cg_file(cg, "cpu.weight"), want) == 0,
		      "shares %llu -> cpu.weight %s, want %s", shares[i][0], t, want);
		free(t);
	}
	/* a period alone keeps the quota */
	memset(&r, 0, sizeof(r));
	r.has_cpu = true;
	r.cpu.period = (struct opt_u64){true, 50000};
	CHECK(cg_update(cg, &r, &e) == 0, "period");
	CHECK(strcmp(t = cg_file(cg, "cpu.max"), "20000 50000") == 0,
	      "cpu.max after period update %s", t);
	free(t);
	memset(&r, 0, sizeof(r));
	r.has_cpu = true;
	r.cpu.idle = (struct opt_i64){true, 1};
	r.cpu.burst = (struct opt_u64){true, 1000};
	if (cg_update(cg, &r, &e) == 0) {
		CHECK(strcmp(t = cg_file(cg, "cpu.idle"), "1") == 0, "cpu.idle %s", t);
		free(t);
		CHECK(strcmp(t = cg_file(cg, "cpu.max.burst"), "1000") == 0, "cpu.max.burst %s", t);
		free(t);
	} else {
		CHECK(false, "idle/burst: %s", e->msg);
		error_freep(&e);
	}
	destroy(cg);
	error_free(e);
}

static void test_cpuset_pids(void)
{
	struct spec_resources r = {0};
	struct cg *cg;
	char *t;
	int st;

	r.has_cpu = true;
	r.cpu.cpus = "0";
	r.cpu.mems = "0";
	r.pids_limit = (struct opt_i64){true, 10};
	cg = create_ok("cpuset", &r);
	if (cg == NULL)
		return;
	CHECK(strcmp(t = cg_file(cg, "cpuset.cpus"), "0") == 0, "cpuset.cpus %s", t);
	free(t);
	CHECK(strcmp(t = cg_file(cg, "cpuset.mems"), "0") == 0, "cpuset.mems %s", t);
	free(t);
	st = wait_status(spawn_in(cg, child_affinity, NULL));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "pinned to cpu 0");
	CHECK(strcmp(t = cg_file(cg, "pids.max"), "10") == 0, "pids.max %s", t);
	free(t);
	st = wait_status(spawn_in(cg, child_forker, NULL));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 9, "pids.max 10 allows 9 forks (got %d)",
	      WEXITSTATUS(st));
	destroy(cg);
}

struct loopdev {
	int fd;
	char dev[32];
	char backing[64];
	unsigned major, minor;
};

static bool loop_setup(struct loopdev *l)
{
	int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	int n, bfd;
	struct stat st;

	l->fd = -1;
	l->backing[0] = '\0';
	if (ctl < 0)
		return false;
	n = ioctl(ctl, LOOP_CTL_GET_FREE);
	close(ctl);
	snprintf(l->dev, sizeof(l->dev), "/dev/loop%d", n);
	snprintf(l->backing, sizeof(l->backing), "/tmp/berth-loop-%d", (int)getpid());
	bfd = open(l->backing, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (n < 0 || bfd < 0 || ftruncate(bfd, 32 * MiB) < 0)
		return false;
	l->fd = open(l->dev, O_RDWR | O_CLOEXEC);
	if (l->fd < 0 || ioctl(l->fd, LOOP_SET_FD, bfd) < 0 || fstat(l->fd, &st) < 0) {
		close(bfd);
		return false;
	}
	close(bfd);
	l->major = major(st.st_rdev);
	l->minor = minor(st.st_rdev);
	return true;
}

static void loop_teardown(struct loopdev *l)
{
	if (l->fd >= 0) {
		ioctl(l->fd, LOOP_CLR_FD, 0);
		close(l->fd);
	}
	if (l->backing[0] != '\0')
		unlink(l->backing);
}

static char loop_path[32];

/* 4 MiB of O_DIRECT writes; exit 0 when done */
static int child_dd(void *arg)
{
	int fd = open(loop_path, O_WRONLY | O_DIRECT | O_CLOEXEC);
	void *buf;

	(void)arg;
	if (fd < 0 || posix_memalign(&buf, 4096, MiB) != 0)
		return 2;
	memset(buf, 7, MiB);
	for (int i = 0; i < 4; i++)
		if (write(fd, buf, MiB) != MiB)
			return 3;
	return 0;
}

static void test_io(void)
{
	struct loopdev l;
	struct spec_throttle_device wbps;
	struct spec_dev_rule dev_rule;
	struct spec_resources r = {0};
	struct cg *cg;
	char *t, want[96];
	double t0;
	int st;

	if (!loop_setup(&l)) {
		printf("skip: no loop device (%s)\n", strerror(errno));
		loop_teardown(&l);
		return;
	}
	snprintf(loop_path, sizeof(loop_path), "%s", l.dev);
	wbps = (struct spec_throttle_device){l.major, l.minor, 2 * MiB};
	/* the device filter must let the writer open the loop device */
	dev_rule =
		(struct spec_dev_rule){true, 'b', l.major, l.minor, SPEC_DEV_READ | SPEC_DEV_WRITE};
	r.devices = &dev_rule;
	r.n_devices = 1;
	r.has_blkio = true;
	r.blkio.write_bps = (struct spec_throttle_list){&wbps, 1};
	r.blkio.weight = (struct opt_u64){true, 500};
	cg = create_ok("io", &r);
	if (cg != NULL) {
		snprintf(want, sizeof(want), "%u:%u rbps=max wbps=2097152 riops=max wiops=max",
			 l.major, l.minor);
		CHECK(strcmp(t = cg_file(cg, "io.max"), want) == 0, "io.max '%s'", t);
		free(t);
		t0 = now_s();
		st = wait_status(spawn_in(cg, child_dd, NULL));
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0 && now_s() - t0 > 1.4,
		      "4 MiB at 2 MiB/s took %.2f s (status %#x)", now_s() - t0, st);
		t = cg_file(cg, "io.bfq.weight");
		if (t[0] == '\0') {
			free(t);
			t = cg_file(cg, "io.weight");
			CHECK(strstr(t, "default 4950") != NULL, "io.weight '%s'", t);
		} else {
			CHECK(strstr(t, "default 500") != NULL, "io.bfq.weight '%s'", t);
		}
		free(t);
		destroy(cg);
	}
	loop_teardown(&l);
}

static void test_hugetlb_stats(void)
{
	struct spec_hugepage_limit hp = {"2MB", 4 * MiB};
	struct spec_resources r = {.hugepages = &hp, .n_hugepages = 1, .pids_limit = {true, 50}};
	struct jsonw *w = jsonw_new();
	struct error *e = NULL;
	struct cg *cg;
	char *t;

	if (!exists("/sys/kernel/mm/hugepages/hugepages-2048kB"))
		r.n_hugepages = 0;
	cg = create_ok("huge", &r);
	if (cg == NULL)
		goto out;
	if (r.n_hugepages) {
		CHECK(strcmp(t = cg_file(cg, "hugetlb.2MB.max"), "4194304") == 0,
		      "hugetlb.2MB.max %s", t);
		free(t);
	}
	CHECK(cg_stats_write(cg, w, &e) == 0 && strstr(jsonw_buf(w), "\"pids\":{\"limit\":50}") &&
		      strstr(jsonw_buf(w), "\"usage\":{\"limit\":"
					   "18446744073709551615"),
	      "stats: %s", jsonw_buf(w));
	destroy(cg);
out:
	jsonw_free(w);
	error_free(e);
}

int main(void)
{
	if (geteuid() != 0)
		return tap_skip_all("needs root");
	if (!fixture_setup())
		return tap_skip_all("no cgroup2 hierarchy");
	if (!root_has(CG_CTRL_MEMORY) || !root_has(CG_CTRL_CPU) || !root_has(CG_CTRL_PIDS)) {
		TAP_NOTE("%s lacks memory/cpu/pids: run `make cgroups-vm`", hier.mount);
		rm_cgroup_tree(base);
		return tap_skip_all("no memory, cpu and pids controllers in the cgroup v2 tree");
	}
	TAP_NOTE("hierarchy %s", hier.mount);
	test_memory();
	test_cpu();
	test_cpuset_pids();
	test_io();
	test_hugetlb_stats();
	rm_cgroup_tree(base);
	return tap_done();
}
