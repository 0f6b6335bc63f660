/* SPDX-License-Identifier: Apache-2.0 */
/* tests/unit/test-spec-flags.c — command-line values (spec/flags.c):
 * sizes, durations, CPUs, ids, users, capabilities, and update's resource
 * flags decoded by config.json's own tables, with errors that name the
 * flag.  */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec/spec.h"
#include "tests/unit/tap.h"

static bool msg_is(struct error **err, const char *want)
{
	bool ok = *err != NULL && strcmp((*err)->msg, want) == 0;

	if (!ok)
		fprintf(stderr, "  want: %s\n  got:  %s\n", want, *err ? (*err)->msg : "(none)");
	error_freep(err);
	return ok;
}

static void test_sizes(void)
{
	static const struct {
		const char *s;
		int64_t v;
	} good[] = {{"1024", 1024},
		    {"2k", 2048},
		    {"64m", 67108864},
		    {"64M", 67108864},
		    {"1g", 1073741824},
		    {"1.5g", 1610612736},
		    {"512mb", 536870912},
		    {"1t", 1099511627776},
		    {"0.5k", 512},
		    {"-1", -1},
		    {"0", 0}};
	static const char *const bad[] = {"", "x", "1x", "-2", "1.5.5", "64mb2", " 1", "1e3", "k"};
	struct error *err = NULL;
	int64_t v;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		CHECK(spec_flag_size("--memory", good[i].s, true, &v, &err) == 0 && v == good[i].v);
		error_freep(&err);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(spec_flag_size("--memory", bad[i], true, &v, &err) < 0 && err != NULL &&
		      strncmp(err->msg, "--memory: \"", 11) == 0);
		error_freep(&err);
	}
	CHECK(spec_flag_size("--memory", "-1", false, &v, &err) < 0);
	CHECK(msg_is(&err, "--memory: \"-1\" is not a size (e.g. 512m, 1.5g)"));
	CHECK(spec_flag_size("--memory", "99999999t", false, &v, &err) < 0);
	CHECK(msg_is(&err, "--memory: \"99999999t\" is too large"));
}

static void test_durations(void)
{
	static const struct {
		const char *s;
		uint64_t ms;
	} good[] = {{"30s", 30000},    {"1m30s", 90000}, {"500ms", 500}, {"1h", 3600000},
		    {"1.5h", 5400000}, {"10", 10000},	 {"2m", 120000}, {"1h2m3s4ms", 3723004}};
	static const char *const bad[] = {"", "soon", "1x", "5d", "-1s", "s", "1m30", "0", "0.1ms"};
	struct error *err = NULL;
	uint64_t ms;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		CHECK(spec_flag_duration("--timeout", good[i].s, &ms, &err) == 0 &&
		      ms == good[i].ms);
		error_freep(&err);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(spec_flag_duration("--timeout", bad[i], &ms, &err) < 0);
		CHECK(err != NULL && strncmp(err->msg, "--timeout: \"", 12) == 0);
		error_freep(&err);
	}
}

static void test_ids(void)
{
	struct error *err = NULL;
	uint32_t uid = 0, gid = 0;
	bool has_gid;
	int cap;

	CHECK(spec_flag_user("--user", "1000:100", &uid, &gid, &has_gid, &err) == 0 &&
	      uid == 1000 && gid == 100 && has_gid);
	CHECK(spec_flag_user("--user", "7", &uid, &gid, &has_gid, &err) == 0 && uid == 7 &&
	      !has_gid);
	CHECK(spec_flag_user("--user", "bob", &uid, &gid, &has_gid, &err) < 0);
	CHECK(msg_is(&err, "--user: \"bob\" is not UID[:GID] (numbers)"));
	CHECK(spec_flag_user("--user", "1:", &uid, &gid, &has_gid, &err) < 0);
	error_freep(&err);
	CHECK(spec_flag_id("-g", "4294967294", &gid, &err) == 0 && gid == 4294967294U);
	CHECK(spec_flag_id("-g", "4294967295", &gid, &err) < 0);
	CHECK(msg_is(&err, "-g: \"4294967295\" is out of range (0..4294967294)"));
	CHECK(spec_flag_id("-g", "12x", &gid, &err) < 0);
	CHECK(msg_is(&err, "-g: \"12x\" is not a whole number"));
	CHECK(spec_flag_capability("--cap", "net_admin", &cap, &err) == 0 && cap == 12);
	CHECK(spec_flag_capability("--cap", "CAP_KILL", &cap, &err) == 0 && cap == 5);
	CHECK(spec_flag_capability("--cap", "FLY", &cap, &err) < 0);
	error_freep(&err);
}

/* a raw value need not be UTF-8: a long run of continuation bytes is cut
 * in the message like any long value (the fuzzer found it overflowing) */
static void test_raw_bytes(void)
{
	char value[300];
	struct error *err = NULL;
	int64_t v;

	memset(value, 0x80, sizeof(value) - 1);
	value[sizeof(value) - 1] = '\0';
	CHECK(spec_flag_int("--n", value, 0, 10, &v, &err) < 0);
	CHECK(err != NULL && strlen(err->msg) < 120 && strstr(err->msg, "...\"") != NULL);
	error_freep(&err);
}

static void test_subcgroup(void)
{
	static const struct {
		const char *s, *ctrls, *path;
	} good[] = {{"sub", NULL, "sub"},
		    {"/a/b", NULL, "a/b"},
		    {"cpu,cpuacct:x", "cpu,cpuacct", "x"},
		    {"name=systemd:/y", "name=systemd", "y"}};
	static const char *const bad[] = {"",	  "/",	"..",	  "a/../..", "./a",
					  "cpu:", ":x", "cpu,:x", "CPU:x",   "a/.."};
	struct error *err = NULL;
	char *c, *p;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		CHECK(spec_flag_subcgroup("--cgroup", good[i].s, &c, &p, &err) == 0 &&
			      strcmp(p, good[i].path) == 0 &&
			      (good[i].ctrls == NULL ? c == NULL
						     : c != NULL && strcmp(c, good[i].ctrls) == 0),
		      "--cgroup %s", good[i].s);
		free(c);
		free(p);
		error_freep(&err);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(spec_flag_subcgroup("--cgroup", bad[i], &c, &p, &err) < 0 && err != NULL &&
			      strncmp(err->msg, "--cgroup: \"", 11) == 0,
		      "--cgroup \"%s\" refused: %s", bad[i], err ? err->msg : "(accepted)");
		error_freep(&err);
	}
}

static void test_cpus(void)
{
	struct error *err = NULL;
	uint64_t m;

	CHECK(spec_flag_cpus("--cpus", "1.5", &m, &err) == 0 && m == 1500);
	CHECK(spec_flag_cpus("--cpus", "0.25", &m, &err) == 0 && m == 250);
	CHECK(spec_flag_cpus("--cpus", "0", &m, &err) < 0);
	CHECK(msg_is(&err, "--cpus: \"0\" is out of range (0.001..4096)"));
	CHECK(spec_flag_cpus("--cpus", "-1", &m, &err) < 0);
	error_freep(&err);
}

static void test_resources(void)
{
	char *flags[] = {"--memory", "--memory-swap", "--cpuset-cpus", "--pids-limit"};
	char *values[] = {"64m", "128m", "0-1", "-1"};
	char *bad_flags[] = {"--memory", "--memory-swap"};
	char *bad_values[] = {"128m", "64m"};
	char *w_flags[] = {"--blkio-weight"}, *w_values[] = {"5"};
	struct error *err = NULL;
	struct spec_resources *r = spec_resources_from_flags(flags, values, 4, &err);

	CHECK(r != NULL && r->has_memory && r->memory.limit.v == 67108864 &&
	      r->memory.swap.v == 134217728 && r->has_cpu && strcmp(r->cpu.cpus, "0-1") == 0 &&
	      r->pids_limit.set && r->pids_limit.v == -1);
	spec_resources_free(r);
	CHECK(spec_resources_from_flags(bad_flags, bad_values, 2, &err) == NULL);
	CHECK(msg_is(&err, "--memory-swap: must be at least the memory limit (it limits "
			   "memory+swap)"));
	CHECK(spec_resources_from_flags(w_flags, w_values, 1, &err) == NULL);
	CHECK(msg_is(&err, "--blkio-weight: must be in 10..1000"));
	r = spec_resources_from_flags(NULL, NULL, 0, &err);
	CHECK(r != NULL && !r->has_memory && !r->has_cpu);
	spec_resources_free(r);
}

int main(void)
{
	test_sizes();
	test_durations();
	test_ids();
	test_cpus();
	test_subcgroup();
	test_raw_bytes();
	test_resources();
	return tap_done();
}
