/* SPDX-License-Identifier: Apache-2.0 */
/* tests/unit/test-cgroups-systemd-bus.c — cgroups/systemd_bus.c against a
 * real systemd manager: a scope started for a sleeping child with limits,
 * its cgroup files, a property update, a property this systemd does not
 * know dropped and retried, the stop (twice: the second finds no unit).
 * Skips where systemd is not init (the hybrid host); the VM booted with
 * `vm-run --systemd` runs it, and the VM suite fails if it skips there.  */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "core/file.h"
#include "core/mem.h"
#include "tests/unit/tap.h"

static char *scope_file(const char *unit, const char *file)
{
	char *path = xasprintf("/sys/fs/cgroup/system.slice/%s/%s", unit, file);
	char *text = read_file_or_null(AT_FDCWD, path);

	free(path);
	if (text != NULL)
		text[strcspn(text, "\n")] = '\0';
	return text;
}

static void prop(struct cg_props *p, const char *name, uint64_t v)
{
	p->v = xreallocarray(p->v, p->n + 1, sizeof(*p->v));
	p->v[p->n++] = (struct cg_prop){.name = name, .kind = CG_PROP_U64, .u64 = v};
}

static int run(pid_t child, const char *unit)
{
	struct cg_request req = {.id = "bus-test"};
	struct cg_systemd_unit u = {.slice = "system.slice", .unit = (char *)unit};
	struct cg_props props, upd = {0};
	struct cg_bus *b = NULL;
	struct error *e = NULL;
	char *t, *self = xasprintf("/proc/%d/cgroup", (int)child), *cg;

	CHECK(cg_systemd_scope_props(&req, &u, child, &props, &e) == 0);
	prop(&props, "MemoryMax", 64 << 20);
	prop(&props, "TasksMax", 30);
	prop(&props, "CPUQuotaPerSecUSec", 500000);
	prop(&props, "BerthNoSuchProperty", 1); /* dropped, then retried */
	CHECK(cg_bus_open(false, &b, &e) == 0, "connect: %s", e ? e->msg : "");
	if (b == NULL)
		return 1;
	CHECK(cg_bus_start_scope(b, unit, &props, &e) == 0, "start: %s", e ? e->msg : "");
	error_freep(&e);
	cg = read_file_or_null(AT_FDCWD, self);
	CHECK(cg != NULL && strstr(cg, unit) != NULL, "the child is in the scope: %s", cg);
	CHECK((t = scope_file(unit, "memory.max")) && strcmp(t, "67108864") == 0, "memory.max %s",
	      t);
	free(t);
	CHECK((t = scope_file(unit, "pids.max")) && strcmp(t, "30") == 0, "pids.max %s", t);
	free(t);
	CHECK((t = scope_file(unit, "cpu.max")) && strcmp(t, "50000 100000") == 0, "cpu.max %s", t);
	free(t);
	prop(&upd, "MemoryMax", 32 << 20);
	CHECK(cg_bus_set_props(b, unit, &upd, &e) == 0, "update: %s", e ? e->msg : "");
	error_freep(&e);
	CHECK((t = scope_file(unit, "memory.max")) && strcmp(t, "33554432") == 0, "updated %s", t);
	free(t);
	kill(child, SIGKILL);
	CHECK(cg_bus_stop_unit(b, unit, &e) == 0, "stop: %s", e ? e->msg : "");
	error_freep(&e);
	CHECK(scope_file(unit, "cgroup.procs") == NULL, "the scope's cgroup is gone");
	CHECK(cg_bus_stop_unit(b, unit, &e) == 0, "stopping a unit that is gone: %s",
	      e ? e->msg : "");
	error_freep(&e);
	cg_bus_close(b);
	cg_props_clear(&props);
	free(upd.v);
	free(self);
	free(cg);
	return 0;
}

int main(void)
{
	char unit[64];
	pid_t child;

	if (!cg_systemd_running())
		return tap_skip_all("systemd is not init here (run it in `vm-run --systemd`)");
	if (geteuid() != 0)
		return tap_skip_all("needs root");
	child = fork();
	if (child == 0) {
		pause();
		_exit(0);
	}
	snprintf(unit, sizeof(unit), "berth-bus-test-%d.scope", (int)getpid());
	run(child, unit);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return tap_done();
}
