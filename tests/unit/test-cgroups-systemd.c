/* SPDX-License-Identifier: Apache-2.0 */
/* tests/unit/test-cgroups-systemd.c — the systemd driver's pure half
 * (cgroups/systemd.c): cgroupsPath in "slice:prefix:name" form, slice
 * expansion, and the unit properties resources become (runc's and crun's
 * conversions).  No systemd needed.  */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "cgroups/internal.h"
#include "tests/unit/tap.h"

static void test_slices(void)
{
	static const struct {
		const char *slice, *path;
	} good[] = {{"system.slice", "/system.slice"},
		    {"-.slice", "/"},
		    {"a-b-c.slice", "/a.slice/a-b.slice/a-b-c.slice"},
		    {"kubepods-burstable-pod1234.slice",
		     "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1234.slice"}};
	static const char *const bad[] = {"system",   ".slice",	   "a--b.slice", "-a.slice",
					  "a-.slice", "a/b.slice", "x y.slice",	 ""};
	struct error *err = NULL;
	char *path;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		CHECK(cg_systemd_expand_slice(good[i].slice, &path, &err) == 0 && path &&
			      strcmp(path, good[i].path) == 0,
		      "%s -> %s", good[i].slice, path ? path : "(error)");
		free(path);
		error_freep(&err);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(cg_systemd_expand_slice(bad[i], &path, &err) < 0 && err != NULL,
		      "slice \"%s\" refused", bad[i]);
		error_freep(&err);
	}
}

static void test_units(void)
{
	struct cg_systemd_unit u;
	struct error *err = NULL;

	CHECK(cg_systemd_unit("system.slice:docker:abc", "abc", false, &u, &err) == 0);
	CHECK(strcmp(u.unit, "docker-abc.scope") == 0 && strcmp(u.slice, "system.slice") == 0 &&
	      strcmp(u.rel, "/system.slice/docker-abc.scope") == 0);
	cg_systemd_unit_clear(&u);
	CHECK(cg_systemd_unit(NULL, "c1", false, &u, &err) == 0);
	CHECK(strcmp(u.unit, "berth-c1.scope") == 0 &&
	      strcmp(u.rel, "/system.slice/berth-c1.scope") == 0);
	cg_systemd_unit_clear(&u);
	CHECK(cg_systemd_unit("", "c1", true, &u, &err) == 0 && strcmp(u.slice, "user.slice") == 0);
	cg_systemd_unit_clear(&u);
	CHECK(cg_systemd_unit(":libpod:x", "x", false, &u, &err) == 0 &&
	      strcmp(u.rel, "/system.slice/libpod-x.scope") == 0);
	cg_systemd_unit_clear(&u);
	CHECK(cg_systemd_unit("kubepods-besteffort-pod9.slice:cri-containerd:id", "id", false, &u,
			      &err) == 0 &&
	      strcmp(u.rel, "/kubepods.slice/kubepods-besteffort.slice/"
			    "kubepods-besteffort-pod9.slice/cri-containerd-id.scope") == 0);
	cg_systemd_unit_clear(&u);
	CHECK(cg_systemd_unit("/berth/x", "x", false, &u, &err) < 0 && err &&
	      strstr(err->msg, "slice:prefix:name") != NULL);
	error_freep(&err);
	CHECK(cg_systemd_unit("system.slice:a:b.slice", "x", false, &u, &err) < 0 && err &&
	      strstr(err->msg, "is a slice") != NULL);
	error_freep(&err);
	CHECK(cg_systemd_unit("system.slice:a:b c", "x", false, &u, &err) < 0 && err &&
	      strstr(err->msg, "not a valid systemd unit name") != NULL);
	error_freep(&err);
	CHECK(cg_systemd_unit("bad--x.slice:a:b", "x", false, &u, &err) < 0 && err &&
	      strstr(err->msg, "linux.cgroupsPath") != NULL);
	error_freep(&err);
}

static const struct cg_prop *find(const struct cg_props *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->v[i].name, name) == 0)
			return &p->v[i];
	return NULL;
}

static uint64_t u64_of(const struct cg_props *p, const char *name)
{
	const struct cg_prop *x = find(p, name);

	return x != NULL ? x->u64 : 0xdeadbeef;
}

static void test_resources(void)
{
	struct spec_resources r = {0};
	struct cg_request req = {.id = "x", .resources = &r, .rootless = true};
	struct cg_props p = {0};
	struct error *err = NULL;
	const struct cg_prop *x;

	/* docker --memory 64m --cpus 0.5 --pids-limit 50 */
	r.has_memory = true;
	r.memory.limit = (struct opt_i64){true, 67108864};
	r.memory.swap = (struct opt_i64){true, 134217728};
	r.has_cpu = true;
	r.cpu.quota = (struct opt_i64){true, 50000};
	r.cpu.period = (struct opt_u64){true, 100000};
	r.cpu.shares = (struct opt_u64){true, 1024};
	r.cpu.cpus = "0-3";
	r.cpu.mems = "8";
	r.pids_limit = (struct opt_i64){true, 50};
	CHECK(cg_systemd_resource_props(&req, &p, &err) == 0);
	CHECK(u64_of(&p, "MemoryMax") == 67108864);
	CHECK(u64_of(&p, "MemorySwapMax") == 67108864, "swap %llu",
	      (unsigned long long)u64_of(&p, "MemorySwapMax"));
	CHECK(u64_of(&p, "CPUQuotaPerSecUSec") == 500000);
	CHECK(u64_of(&p, "CPUQuotaPeriodUSec") == 100000);
	CHECK(u64_of(&p, "CPUWeight") == 100);
	CHECK(u64_of(&p, "TasksMax") == 50);
	x = find(&p, "AllowedCPUs");
	CHECK(x != NULL && x->n == 1 && ((uint8_t *)x->array)[0] == 0x0f);
	x = find(&p, "AllowedMemoryNodes");
	CHECK(x != NULL && x->n == 2 && ((uint8_t *)x->array)[0] == 0 &&
	      ((uint8_t *)x->array)[1] == 1);
	CHECK(find(&p, "DevicePolicy") == NULL, "rootless: no device policy");
	cg_props_clear(&p);

	/* a quota that is no whole percent is rounded up, as systemd stores it */
	r.cpu.quota = (struct opt_i64){true, 33333};
	r.pids_limit = (struct opt_i64){true, 0};
	r.memory.limit = (struct opt_i64){true, -1};
	r.memory.swap = (struct opt_i64){false, 0};
	CHECK(cg_systemd_resource_props(&req, &p, &err) == 0);
	CHECK(u64_of(&p, "CPUQuotaPerSecUSec") == 340000);
	CHECK(u64_of(&p, "TasksMax") == UINT64_MAX, "pids 0: no limit, not systemd's default");
	CHECK(u64_of(&p, "MemoryMax") == UINT64_MAX);
	cg_props_remove(&p, "MemoryMax");
	CHECK(find(&p, "MemoryMax") == NULL && find(&p, "TasksMax") != NULL);
	cg_props_clear(&p);
}

static void test_devices_and_scope(void)
{
	struct spec_dev_rule rules[] = {{false, 'a', -1, -1, 0}};
	struct spec_resources r = {.devices = rules, .n_devices = 1};
	struct cg_request req = {.id = "c9", .resources = &r};
	struct cg_systemd_unit u;
	struct cg_props p = {0};
	struct error *err = NULL;
	const struct cg_prop *x;
	bool null_dev = false, mknod_all = false;

	CHECK(cg_systemd_unit(NULL, "c9", false, &u, &err) == 0);
	CHECK(cg_systemd_scope_props(&req, &u, 4242, &p, &err) == 0);
	CHECK(find(&p, "Slice") && strcmp(find(&p, "Slice")->str, "system.slice") == 0);
	CHECK(u64_of(&p, "Delegate") == 1 && u64_of(&p, "DefaultDependencies") == 0);
	x = find(&p, "PIDs");
	CHECK(x && x->n == 1 && ((uint32_t *)x->array)[0] == 4242);
	CHECK(find(&p, "DevicePolicy") && strcmp(find(&p, "DevicePolicy")->str, "strict") == 0);
	x = find(&p, "DeviceAllow");
	for (char **v = x ? x->array : NULL; v && v[0] && v[1]; v += 2) {
		null_dev |= strcmp(v[0], "/dev/char/1:3") == 0 && strcmp(v[1], "rwm") == 0;
		mknod_all |= strcmp(v[0], "char-*") == 0 && strcmp(v[1], "m") == 0;
	}
	CHECK(null_dev, "deny-all then the defaults: /dev/null rwm allowed");
	CHECK(mknod_all, "mknod left to berth's own filter");
	cg_props_clear(&p);
	cg_systemd_unit_clear(&u);
}

int main(void)
{
	test_slices();
	test_units();
	test_resources();
	test_devices_and_scope();
	return tap_done();
}
