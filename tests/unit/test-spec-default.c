/* SPDX-License-Identifier: Apache-2.0 */
/* tests/unit/test-spec-default.c — the config `berth spec` writes.
 *
 * config.json.example at the repository root must be exactly
 * spec_default_json(false, 0, 0) (regenerate it with
 * `build/tests/test-spec-default --write` when the default changes), both
 * variants must pass berth's own parser and validator, and the rootless
 * one must carry runc's rootless changes.  */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "core/file.h"
#include "spec/spec.h"
#include "tests/unit/tap.h"

static const char *example_path(void)
{
	const char *p = getenv("BERTH_CONFIG_EXAMPLE");

	return p != NULL ? p : "config.json.example";
}

static struct spec *parse_or_report(const char *what, const char *json)
{
	struct error *err = NULL;
	struct spec *s = spec_parse(json, strlen(json), &err);

	if (s == NULL)
		fprintf(stderr, "%s: %s\n", what, err->msg);
	CHECK(s != NULL);
	error_free(err);
	return s;
}

static const struct spec_mount *mount_at(const struct spec *s, const char *d)
{
	for (size_t i = 0; i < s->n_mounts; i++)
		if (strcmp(s->mounts[i].destination, d) == 0)
			return &s->mounts[i];
	return NULL;
}

static void test_rootful(void)
{
	char *json = spec_default_json(false, 1234, 5678);
	struct spec *s = parse_or_report("default", json);

	if (s != NULL) {
		CHECK(strcmp(s->oci_version, SPEC_OCI_VERSION) == 0);
		CHECK(strcmp(s->hostname, "berth") == 0);
		CHECK(strcmp(s->root.path, "rootfs") == 0 && s->root.readonly);
		CHECK(s->process->terminal && strcmp(s->process->args[0], "sh") == 0);
		CHECK(s->process->no_new_privileges && s->process->n_rlimits == 1);
		CHECK(s->linux.ns[SPEC_NS_NET].present && !s->linux.ns[SPEC_NS_USER].present);
		CHECK(s->linux.n_uid_mappings == 0);
		CHECK(s->linux.has_resources && s->linux.resources.n_devices == 1 &&
		      !s->linux.resources.devices[0].allow);
		CHECK(mount_at(s, "/sys") && !mount_at(s, "/sys")->bind);
		CHECK(mount_at(s, "/dev/pts") &&
		      strstr(mount_at(s, "/dev/pts")->data, "gid=5") != NULL);
		CHECK(s->n_mounts == 7);
	}
	spec_free(s);
	/* the ids only matter to the rootless variant */
	char *zero = spec_default_json(false, 0, 0);
	CHECK(strcmp(json, zero) == 0);
	free(zero);
	free(json);
}

static void test_rootless(void)
{
	char *json = spec_default_json(true, 1234, 5678);
	struct spec *s = parse_or_report("rootless default", json);
	const struct spec_mount *m;

	if (s != NULL) {
		CHECK(s->linux.ns[SPEC_NS_USER].present && s->linux.ns[SPEC_NS_USER].path == NULL);
		CHECK(!s->linux.ns[SPEC_NS_NET].present);
		CHECK(s->linux.n_uid_mappings == 1 && s->linux.uid_mappings[0].container_id == 0 &&
		      s->linux.uid_mappings[0].host_id == 1234 &&
		      s->linux.uid_mappings[0].size == 1);
		CHECK(s->linux.n_gid_mappings == 1 && s->linux.gid_mappings[0].host_id == 5678);
		CHECK(!s->linux.has_resources);
		m = mount_at(s, "/sys");
		CHECK(m && m->bind && (m->flags & MS_REC) && (m->flags & MS_RDONLY) &&
		      strcmp(m->source, "/sys") == 0);
		m = mount_at(s, "/dev/pts");
		CHECK(m && strstr(m->data, "gid=") == NULL && strstr(m->data, "mode=0620") != NULL);
		CHECK(strcmp(s->hostname, "berth") == 0);
	}
	spec_free(s);
	free(json);
}

static void test_example_file(bool write)
{
	char *json = spec_default_json(false, 0, 0);
	struct error *err = NULL;
	char *file = NULL;
	size_t len = 0;

	if (write) {
		CHECK(atomic_write_at(AT_FDCWD, example_path(), json, strlen(json), 0644, &err) ==
		      0);
		error_free(err);
		err = NULL;
	}
	if (read_file_at(AT_FDCWD, example_path(), &file, &len, &err) < 0) {
		CHECK(false, "%s", err->msg);
		error_free(err);
		free(json);
		return;
	}
	CHECK(len == strlen(json) && memcmp(file, json, len) == 0);
	spec_free(parse_or_report(example_path(), file));
	free(file);
	free(json);
}

int main(int argc, char **argv)
{
	test_rootful();
	test_rootless();
	test_example_file(argc > 1 && strcmp(argv[1], "--write") == 0);
	return tap_done();
}
