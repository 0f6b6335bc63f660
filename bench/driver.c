/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench/driver.c — times OCI runtimes against each other, interleaved.
 *
 * bench/run.sh prepares a work directory (bundles, state dirs, maybe a
 * private containerd) and calls this driver once per measurement.  The
 * driver owns only the timing: for every round it runs the measured step
 * once per runtime, rotating the order each round, so that slow drift of
 * the machine (page cache, other load, thermal state) hits every runtime
 * alike.  A shell loop would add a fork of the shell and a `date` per
 * sample; here each step costs one posix_spawn() plus the runtime itself.
 *
 * It is a subreaper, as containerd's shim is: a container's init process,
 * orphaned when `create` exits, is re-parented to us, so "wait for the
 * container to exit" is a plain waitpid() — the way a shim does it.
 *
 * Output: one line per sample on stdout (or -o FILE):
 *     TEST RUNTIME ROUND VALUE UNIT
 * where VALUE is wall milliseconds (and the life-create, life-start,
 * life-wait, life-delete phases of each `life` sample), or kilobytes for
 * the `rss-TEST` sample every test but ctr records beside it: ru_maxrss
 * of the runtime process as wait4() returns it, the same number
 * `/usr/bin/time -f %M` prints (the runtime and every descendant it
 * waited for itself, such as the container's init under `run`); the
 * largest of a sample's calls (life: create, start, delete and the init
 * the driver reaps; par: the 20 runs).  ctr's calls are ctr's own, the
 * runtime runs below containerd's shim: no RSS there.
 *
 * The `sandbox` test compares `berth sandbox --rootfs WORK/rootfs --
 * /bin/true` with bubblewrap doing the same (a runtime named `bwrap`:
 * `bwrap --unshare-all --die-with-parent --ro-bind WORK/rootfs / --proc
 * /proc --dev /dev /bin/true`).
 *
 * Work directory layout (made by run.sh):
 *     WORK/state/NAME/            --root of runtime NAME
 *     WORK/bundles/NAME/ID/       bundle of container ID for runtime NAME
 *     WORK/log/NAME.err           stderr of every runtime call
 * Bundle ids: seq, life, exec (a long-running `sleep`), par0..parP-1.
 * The sandbox test needs only WORK/rootfs.
 *
 * -i MS makes every call start after MS milliseconds of idling (not timed):
 * a lone start, as a user makes one, rather than one right after another
 * runtime's.  Back to back, a runtime may find the kernel still warm from
 * the previous call — on a cgroup v1 host the threadgroup lock a move of a
 * pid takes waits for an RCU grace period only after a quiet spell, so the
 * runtime after one that moved a pid a moment ago is spared it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define MAX_RUNTIMES 8
#define MAX_PAR	     256
#define MAX_ARGS     32

struct runtime {
	const char *name;
	const char *path;
	int err_fd; /* WORK/log/NAME.err, the stderr of each call */
};

struct opts {
	const char *test;
	const char *work;
	int rounds;
	int warmup;
	int par;
	const char *ctr_address; /* ctr test: containerd socket */
	const char *ctr_ns;	 /* ctr test: containerd namespace */
	const char *cgroup;	 /* ctr test: parent cgroup for --cgroup */
	const char *suffix;	 /* -s: "-SUFFIX" on bundle, id and test names */
	int systemd;		 /* -g: every runtime call gets --systemd-cgroup */
	int idle_ms;		 /* -i: idle this long before every measured step */
	FILE *out;
	struct runtime rt[MAX_RUNTIMES];
	int nrt;
};

static int null_fd = -1;

/* Every wait is bounded: a runtime that hangs (a start that never comes,
 * a lock never released) must end the benchmark with a message, not stall
 * it.  SIGALRM interrupts wait4(); the handler only raises a flag. */
static int call_timeout = 60;
static volatile sig_atomic_t timed_out;

static void on_alarm(int sig)
{
	timed_out = 1;
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("bench-driver: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		die("out of memory");
	return s;
}

/* An argument vector: a NULL-terminated array of at most MAX_ARGS strings,
 * with a mark on the ones it owns (added with arg_own) for argv_free. */
struct argv {
	char *v[MAX_ARGS + 1];
	int n;
	unsigned owned; /* bit i: v[i] was allocated for this vector */
};

static void arg(struct argv *a, const char *s)
{
	if (a->n == MAX_ARGS)
		die("too many arguments");
	a->v[a->n++] = (char *)s;
	a->v[a->n] = NULL;
}

static void arg_own(struct argv *a, char *s)
{
	a->owned |= 1u << a->n;
	arg(a, s);
}

static void argv_free(struct argv *a)
{
	for (int i = 0; i < a->n; i++)
		if (a->owned & (1u << i))
			free(a->v[i]);
	*a = (struct argv){.n = 0};
}

/* `PATH --root WORK/state/NAME [--systemd-cgroup]` — the common head of
 * every runtime call (berth, crun and runc all take the global flag). */
static void runtime_head(struct argv *a, const struct opts *o, const struct runtime *rt)
{
	arg(a, rt->path);
	arg(a, "--root");
	arg_own(a, xasprintf("%s/state/%s", o->work, rt->name));
	if (o->systemd)
		arg(a, "--systemd-cgroup");
}

static char *bundle(const struct opts *o, const struct runtime *rt, const char *id)
{
	return xasprintf("%s/bundles/%s/%s%s", o->work, rt->name, id, o->suffix);
}

/* a container id of this run: `name` with the suffix */
static char *cid(const struct opts *o, const char *name)
{
	return xasprintf("%s%s", name, o->suffix);
}

/* Start argv with stdin and stdout on /dev/null and stderr on the
 * runtime's log: no terminal, nothing that could block on a reader. */
static pid_t spawn(const struct runtime *rt, char *const *argv)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, null_fd, 0);
	posix_spawn_file_actions_adddup2(&fa, null_fd, 1);
	posix_spawn_file_actions_adddup2(&fa, rt->err_fd, 2);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		die("spawn '%s': %s", argv[0], strerror(rc));
	return pid;
}

static void describe(char *buf, size_t len, char *const *argv)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int i = 0; argv[i] && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? " " : "", argv[i]);
}

/* the larger peak RSS, in KB, of *max and a call's rusage */
static void rss_max(long *max, const struct rusage *ru)
{
	if (ru->ru_maxrss > *max)
		*max = ru->ru_maxrss;
}

/* Wait for one child; a failure of a runtime call ends the benchmark,
 * since a number measured on a failing call means nothing. */
static void reap(const struct runtime *rt, pid_t pid, char *const *argv, struct rusage *ru)
{
	char cmd[1024];
	int st;

	timed_out = 0;
	alarm((unsigned)call_timeout);
	while (wait4(pid, &st, 0, ru) < 0) {
		if (errno != EINTR)
			die("wait for %d: %s", (int)pid, strerror(errno));
		if (timed_out) {
			kill(pid, SIGKILL);
			describe(cmd, sizeof(cmd), argv);
			die("'%s' still running after %d s, killed", cmd, call_timeout);
		}
	}
	alarm(0);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return;
	describe(cmd, sizeof(cmd), argv);
	if (WIFEXITED(st))
		die("'%s' exited with %d", cmd, WEXITSTATUS(st));
	die("'%s' killed by signal %d", cmd, WTERMSIG(st));
}

static void call(const struct runtime *rt, char *const *argv, struct rusage *ru)
{
	reap(rt, spawn(rt, argv), argv, ru);
}

/* The container's init is our child once `create` has exited (we are a
 * subreaper).  With must_succeed, it has to exit 0 (it runs /bin/true): a
 * container that dies early, say on a capability it could not raise,
 * must not pass for a fast one. */
static void wait_container(const struct runtime *rt, pid_t pid, int must_succeed, struct rusage *ru)
{
	int st;

	timed_out = 0;
	alarm((unsigned)call_timeout);
	while (wait4(pid, &st, 0, ru) < 0) {
		if (errno != EINTR)
			die("wait for container init %d: %s", (int)pid, strerror(errno));
		if (timed_out)
			die("container init %d still running after %d s", (int)pid, call_timeout);
	}
	alarm(0);
	if (must_succeed && !(WIFEXITED(st) && WEXITSTATUS(st) == 0))
		die("%s's container init %d did not exit 0 (status 0x%x)", rt->name, (int)pid, st);
}

static pid_t read_pid_file(const char *path)
{
	FILE *f = fopen(path, "re");
	long pid = 0;

	if (!f)
		die("open pid file '%s': %s", path, strerror(errno));
	if (fscanf(f, "%ld", &pid) != 1 || pid <= 0 || pid > INT_MAX)
		die("pid file '%s' holds no pid", path);
	fclose(f);
	return (pid_t)pid;
}

static void emit(const struct opts *o, const char *test, const struct runtime *rt, int round,
		 double value, const char *unit)
{
	if (round >= 0)
		fprintf(o->out, "%s%s %s %d %.3f %s\n", test, o->suffix, rt->name, round, value,
			unit);
}

/* ---- the measured steps; round < 0 is a warm-up, not recorded ---------- */

/* `run ID` of /bin/true, plus the peak RSS of that same call. */
static void step_run(const struct opts *o, const struct runtime *rt, int round)
{
	struct argv a = {.n = 0};
	struct rusage ru;
	double t0;

	runtime_head(&a, o, rt);
	arg(&a, "run");
	arg(&a, "--bundle");
	arg_own(&a, bundle(o, rt, "seq"));
	arg_own(&a, cid(o, "seq"));
	t0 = now_ms();
	call(rt, a.v, &ru);
	emit(o, "run", rt, round, now_ms() - t0, "ms");
	emit(o, "rss-run", rt, round, (double)ru.ru_maxrss, "KB");
	argv_free(&a);
}

/* What containerd's shim does: create with a pid file, start, wait for
 * the init to exit, delete. */
static void step_life(const struct opts *o, const struct runtime *rt, int round)
{
	char *pidfile = xasprintf("%s/state/%s.life.pid", o->work, rt->name);
	struct argv create = {.n = 0}, start = {.n = 0}, del = {.n = 0};
	double t[5];
	struct rusage ru;
	long rss = 0;
	pid_t init;

	runtime_head(&create, o, rt);
	arg(&create, "create");
	arg(&create, "--bundle");
	arg_own(&create, bundle(o, rt, "life"));
	arg(&create, "--pid-file");
	arg(&create, pidfile);
	arg(&create, "life");
	runtime_head(&start, o, rt);
	arg(&start, "start");
	arg(&start, "life");
	runtime_head(&del, o, rt);
	arg(&del, "delete");
	arg(&del, "life");

	unlink(pidfile);
	t[0] = now_ms();
	call(rt, create.v, &ru);
	rss_max(&rss, &ru);
	init = read_pid_file(pidfile);
	t[1] = now_ms();
	call(rt, start.v, &ru);
	rss_max(&rss, &ru);
	t[2] = now_ms();
	wait_container(rt, init, 1, &ru);
	rss_max(&rss, &ru);
	t[3] = now_ms();
	call(rt, del.v, &ru);
	rss_max(&rss, &ru);
	t[4] = now_ms();
	emit(o, "life", rt, round, t[4] - t[0], "ms");
	emit(o, "rss-life", rt, round, (double)rss, "KB");
	/* the phases, in the raw file only: which call costs what */
	emit(o, "life-create", rt, round, t[1] - t[0], "ms");
	emit(o, "life-start", rt, round, t[2] - t[1], "ms");
	emit(o, "life-wait", rt, round, t[3] - t[2], "ms");
	emit(o, "life-delete", rt, round, t[4] - t[3], "ms");

	argv_free(&create);
	argv_free(&start);
	argv_free(&del);
	free(pidfile);
}

/* `exec ID /bin/true` into the running `exec` container. */
static void step_exec(const struct opts *o, const struct runtime *rt, int round)
{
	struct argv a = {.n = 0};
	struct rusage ru;
	double t0;

	runtime_head(&a, o, rt);
	arg(&a, "exec");
	arg_own(&a, cid(o, "exec"));
	arg(&a, "/bin/true");
	t0 = now_ms();
	call(rt, a.v, &ru);
	emit(o, "exec", rt, round, now_ms() - t0, "ms");
	emit(o, "rss-exec", rt, round, (double)ru.ru_maxrss, "KB");
	argv_free(&a);
}

/* `berth sandbox` of /bin/true on the bench's rootfs, or bubblewrap
 * doing the same (new namespaces of every kind, the rootfs read-only as
 * /, a /proc and a /dev, killed with its parent) */
static void step_sandbox(const struct opts *o, const struct runtime *rt, int round)
{
	char *rootfs = xasprintf("%s/rootfs", o->work);
	struct argv a = {.n = 0};
	struct rusage ru;
	double t0;

	if (strcmp(rt->name, "bwrap") == 0) {
		const char *const bw[] = {"--unshare-all",
					  "--die-with-parent",
					  "--ro-bind",
					  rootfs,
					  "/",
					  "--proc",
					  "/proc",
					  "--dev",
					  "/dev",
					  "/bin/true"};

		arg(&a, rt->path);
		for (size_t i = 0; i < sizeof(bw) / sizeof(bw[0]); i++)
			arg(&a, bw[i]);
	} else {
		runtime_head(&a, o, rt);
		arg(&a, "sandbox");
		arg(&a, "--rootfs");
		arg(&a, rootfs);
		arg(&a, "--");
		arg(&a, "/bin/true");
	}
	t0 = now_ms();
	call(rt, a.v, &ru);
	emit(o, "sandbox", rt, round, now_ms() - t0, "ms");
	emit(o, "rss-sandbox", rt, round, (double)ru.ru_maxrss, "KB");
	argv_free(&a);
	free(rootfs);
}

/* o->par `run`s started at once; the sample is the wall time of the batch. */
static void step_par(const struct opts *o, const struct runtime *rt, int round)
{
	static struct argv a[MAX_PAR];
	static pid_t pid[MAX_PAR];
	struct rusage ru;
	long rss = 0;
	double t0;

	for (int i = 0; i < o->par; i++) {
		char *id = xasprintf("par%d", i);

		a[i].n = 0;
		runtime_head(&a[i], o, rt);
		arg(&a[i], "run");
		arg(&a[i], "--bundle");
		arg_own(&a[i], bundle(o, rt, id));
		arg_own(&a[i], id);
	}
	t0 = now_ms();
	for (int i = 0; i < o->par; i++)
		pid[i] = spawn(rt, a[i].v);
	for (int i = 0; i < o->par; i++) {
		reap(rt, pid[i], a[i].v, &ru);
		rss_max(&rss, &ru);
	}
	emit(o, "par", rt, round, now_ms() - t0, "ms");
	emit(o, "rss-par", rt, round, (double)rss, "KB");
	for (int i = 0; i < o->par; i++)
		argv_free(&a[i]);
}

/* `ctr run --rm` through the private containerd, the runtime given to the
 * runc shim with --runc-binary. */
static void step_ctr(const struct opts *o, const struct runtime *rt, int round)
{
	char *cgroup = xasprintf("%s/%s-ctr", o->cgroup, rt->name);
	char *root = xasprintf("%s/state/%s-ctr", o->work, rt->name);
	char *rootfs = xasprintf("%s/rootfs", o->work);
	char *id = xasprintf("ctr-%s", rt->name);
	char *argv[] = {"ctr",
			"--address",
			(char *)o->ctr_address,
			"--namespace",
			(char *)o->ctr_ns,
			"run",
			"--rm",
			"--null-io",
			"--cgroup",
			cgroup,
			"--runc-binary",
			(char *)rt->path,
			"--runc-root",
			root,
			"--rootfs",
			rootfs,
			id,
			"/bin/true",
			NULL};
	double t0;

	t0 = now_ms();
	call(rt, argv, NULL);
	emit(o, "ctr", rt, round, now_ms() - t0, "ms");
	free(cgroup);
	free(root);
	free(rootfs);
	free(id);
}

/* ---- set-up and tear-down of the `exec` test's running container -------- */

static pid_t sleeper[MAX_RUNTIMES];

/* WORK/log/NAME.container: the running container's cgroups and the
 * namespaces it does not share with us, so that run.sh can check that
 * every runtime set up the same thing (a runtime that skipped a cgroup
 * hierarchy or a namespace would look faster for the wrong reason). */
static void describe_container(const struct opts *o, const struct runtime *rt, pid_t pid)
{
	static const char *const ns[] = {"cgroup", "ipc",  "mnt",  "net",
					 "pid",	   "time", "user", "uts"};
	char *path = xasprintf("%s/log/%s.container", o->work, rt->name);
	char *cg = xasprintf("/proc/%d/cgroup", (int)pid);
	FILE *out = fopen(path, "we"), *in = fopen(cg, "re");
	char line[4096];

	if (!out || !in)
		die("describe container %d: %s", (int)pid, strerror(errno));
	fputs("ns", out);
	for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		char a[PATH_MAX], b[PATH_MAX], *pa, *pb;
		ssize_t na, nb;

		pa = xasprintf("/proc/%d/ns/%s", (int)pid, ns[i]);
		pb = xasprintf("/proc/self/ns/%s", ns[i]);
		na = readlink(pa, a, sizeof(a) - 1);
		nb = readlink(pb, b, sizeof(b) - 1);
		if (na > 0 && nb > 0 && (na != nb || memcmp(a, b, (size_t)na) != 0))
			fprintf(out, " %s", ns[i]);
		free(pa);
		free(pb);
	}
	fputc('\n', out);
	while (fgets(line, sizeof(line), in))
		fprintf(out, "cgroup %s", line);
	fclose(in);
	if (fclose(out) != 0)
		die("write '%s': %s", path, strerror(errno));
	free(path);
	free(cg);
}

static void exec_setup(const struct opts *o)
{
	for (int i = 0; i < o->nrt; i++) {
		const struct runtime *rt = &o->rt[i];
		char *pidfile = xasprintf("%s/state/%s.exec.pid", o->work, rt->name);
		struct argv a = {.n = 0};

		runtime_head(&a, o, rt);
		arg(&a, "create");
		arg(&a, "--bundle");
		arg_own(&a, bundle(o, rt, "exec"));
		arg(&a, "--pid-file");
		arg(&a, pidfile);
		arg_own(&a, cid(o, "exec"));
		call(rt, a.v, NULL);
		sleeper[i] = read_pid_file(pidfile);
		argv_free(&a);

		runtime_head(&a, o, rt);
		arg(&a, "start");
		arg_own(&a, cid(o, "exec"));
		call(rt, a.v, NULL);
		argv_free(&a);
		free(pidfile);
		if (o->suffix[0] == '\0') /* the set-up check compares the plain one */
			describe_container(o, rt, sleeper[i]);
	}
}

static void exec_teardown(const struct opts *o)
{
	for (int i = 0; i < o->nrt; i++) {
		const struct runtime *rt = &o->rt[i];
		struct argv a = {.n = 0};

		runtime_head(&a, o, rt);
		arg(&a, "kill");
		arg_own(&a, cid(o, "exec"));
		arg(&a, "KILL");
		call(rt, a.v, NULL);
		argv_free(&a);
		wait_container(rt, sleeper[i], 0, NULL);

		runtime_head(&a, o, rt);
		arg(&a, "delete");
		arg_own(&a, cid(o, "exec"));
		call(rt, a.v, NULL);
		argv_free(&a);
	}
}

/* ---- main ---------------------------------------------------------------- */

static void usage(void)
{
	fputs("usage: bench-driver -t run|life|exec|par|ctr|sandbox -d WORK [-n ROUNDS] [-w "
	      "WARMUP]\n"
	      "                    [-p PAR] [-o FILE] [-T TIMEOUT_S] [-a CTR_ADDRESS -N CTR_NS\n"
	      "                    -c CGROUP] [-s SUFFIX] [-g] [-i IDLE_MS]\n"
	      "                    NAME=PATH...\n",
	      stderr);
	exit(2);
}

static int intarg(const char *s, int min, int max)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < min || v > max)
		die("'%s' is not a number in %d..%d", s, min, max);
	return (int)v;
}

static void add_runtime(struct opts *o, char *spec)
{
	char *eq = strchr(spec, '=');
	struct runtime *rt;
	char *log;

	if (!eq || eq == spec || eq[1] == '\0')
		die("runtime '%s' is not NAME=PATH", spec);
	if (o->nrt == MAX_RUNTIMES)
		die("too many runtimes");
	*eq = '\0';
	rt = &o->rt[o->nrt++];
	rt->name = spec;
	rt->path = eq + 1;
	log = xasprintf("%s/log/%s.err", o->work, rt->name);
	rt->err_fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (rt->err_fd < 0)
		die("open '%s': %s", log, strerror(errno));
	free(log);
}

static void parse(struct opts *o, int argc, char **argv)
{
	int c;

	*o = (struct opts){.rounds = 10, .warmup = 2, .par = 20, .out = stdout, .suffix = ""};
	while ((c = getopt(argc, argv, "t:d:n:w:p:o:a:N:c:T:s:gi:")) != -1) {
		switch (c) {
		case 't': o->test = optarg; break;
		case 'd': o->work = optarg; break;
		case 'n': o->rounds = intarg(optarg, 1, 1000000); break;
		case 'w': o->warmup = intarg(optarg, 0, 1000000); break;
		case 'p': o->par = intarg(optarg, 1, MAX_PAR); break;
		case 'a': o->ctr_address = optarg; break;
		case 'N': o->ctr_ns = optarg; break;
		case 'c': o->cgroup = optarg; break;
		case 'T': call_timeout = intarg(optarg, 1, 86400); break;
		case 's': o->suffix = xasprintf("-%s", optarg); break;
		case 'g': o->systemd = 1; break;
		case 'i': o->idle_ms = intarg(optarg, 0, 10000); break;
		case 'o':
			o->out = fopen(optarg, "ae");
			if (!o->out)
				die("open '%s': %s", optarg, strerror(errno));
			break;
		default: usage();
		}
	}
	if (!o->test || !o->work || optind == argc)
		usage();
	for (int i = optind; i < argc; i++)
		add_runtime(o, argv[i]);
	if (!strcmp(o->test, "ctr") && (!o->ctr_address || !o->ctr_ns || !o->cgroup))
		die("the ctr test needs -a, -N and -c");
}

int main(int argc, char **argv)
{
	void (*step)(const struct opts *, const struct runtime *, int);
	struct opts o;

	parse(&o, argc, argv);
	if (!strcmp(o.test, "run"))
		step = step_run;
	else if (!strcmp(o.test, "life"))
		step = step_life;
	else if (!strcmp(o.test, "exec"))
		step = step_exec;
	else if (!strcmp(o.test, "par"))
		step = step_par;
	else if (!strcmp(o.test, "ctr"))
		step = step_ctr;
	else if (!strcmp(o.test, "sandbox"))
		step = step_sandbox;
	else
		usage();

	null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null_fd < 0)
		die("open /dev/null: %s", strerror(errno));
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		die("become a subreaper: %s", strerror(errno));
	if (sigaction(SIGALRM, &(struct sigaction){.sa_handler = on_alarm}, NULL) < 0)
		die("SIGALRM handler: %s", strerror(errno));

	if (step == step_exec)
		exec_setup(&o);
	/* Rotate the starting runtime each round: no runtime always runs
	 * right after another one's teardown work (e.g. a netns being freed
	 * in the background by the kernel). */
	for (int r = -o.warmup; r < o.rounds; r++) {
		for (int k = 0; k < o.nrt; k++) {
			int i = (k + (r + o.warmup)) % o.nrt;

			if (o.idle_ms > 0)
				nanosleep(&(struct timespec){o.idle_ms / 1000,
							     (o.idle_ms % 1000) * 1000000L},
					  NULL);
			step(&o, &o.rt[i], r);
		}
	}
	if (step == step_exec)
		exec_teardown(&o);

	/* Anything else that was re-parented to us. */
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	if (fflush(o.out) != 0 || ferror(o.out))
		die("write results: %s", strerror(errno));
	return 0;
}
