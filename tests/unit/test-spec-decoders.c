/* SPDX-License-Identifier: Apache-2.0 */
/* tests/unit/test-spec-decoders.c — the name and option decoders other
 * modules call directly: signals (kill), capabilities, namespace and hook
 * names, every mount option berth knows, including the recursive
 * mount_setattr(2) ones, and the state file's record of the init's stdio.  */
#define _GNU_SOURCE
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "core/jsonw.h"
#include "spec/spec.h"
#include "spec/state.h"
#include "tests/unit/tap.h"

/* ---- signals ---------------------------------------------------------------- */

static int sig(const char *name)
{
	struct error *err = NULL;
	int s = -1;

	if (spec_signal_parse(name, &s, &err) < 0) {
		error_free(err);
		return -1;
	}
	CHECK(err == NULL);
	return s;
}

static void test_signals(void)
{
	CHECK(sig("9") == SIGKILL);
	CHECK(sig("15") == SIGTERM);
	CHECK(sig("KILL") == SIGKILL);
	CHECK(sig("SIGKILL") == SIGKILL);
	CHECK(sig("kill") == SIGKILL); /* runc upper-cases the name */
	CHECK(sig("sigterm") == SIGTERM);
	CHECK(sig("SigHup") == SIGHUP);
	CHECK(sig("TERM") == SIGTERM);
	CHECK(sig("WINCH") == SIGWINCH);
	CHECK(sig("CHLD") == SIGCHLD && sig("CLD") == SIGCHLD);
	CHECK(sig("IOT") == SIGABRT && sig("POLL") == SIGIO);
	CHECK(sig("STKFLT") == SIGSTKFLT && sig("PWR") == SIGPWR);
	CHECK(sig("RTMIN") == SIGRTMIN);
	CHECK(sig("SIGRTMIN+3") == SIGRTMIN + 3);
	CHECK(sig("rtmin+1") == SIGRTMIN + 1);
	CHECK(sig("RTMAX") == SIGRTMAX);
	CHECK(sig("RTMAX-2") == SIGRTMAX - 2);
	CHECK(sig("SIGRTMAX-0") == SIGRTMAX);
	CHECK(sig("64") == SIGRTMAX && sig("34") == SIGRTMIN);
	/* refused */
	CHECK(sig("") == -1);
	CHECK(sig("0") == -1);
	CHECK(sig("65") == -1);
	CHECK(sig("-9") == -1);
	CHECK(sig("9x") == -1);
	CHECK(sig(" 9") == -1);
	CHECK(sig("SIG") == -1);
	CHECK(sig("FOO") == -1);
	CHECK(sig("SIGSIGKILL") == -1);
	CHECK(sig("RTMIN-1") == -1);
	CHECK(sig("RTMAX+1") == -1);
	CHECK(sig("RTMIN+31") == -1); /* past RTMAX */
	CHECK(sig("RTMAX-31") == -1); /* before RTMIN */
	CHECK(sig("RTMIN+") == -1);
	CHECK(sig("RTMIN+x") == -1);
	CHECK(sig("KILLKILLKILLKILLKILLKILLKILLKILLKILL") == -1);

	struct error *err = NULL;
	int s;

	CHECK(spec_signal_parse("BOGUS", &s, &err) < 0);
	CHECK(err && strcmp(err->msg, "unknown signal \"BOGUS\"") == 0);
	error_free(err);
}

/* ---- capabilities, namespaces, hooks ------------------------------------------- */

static void test_capabilities(void)
{
	struct error *err = NULL;
	int c = -1;

	CHECK(spec_capability_last() == 40);
	CHECK(spec_capability_last() >= CAP_LAST_CAP);
	CHECK(spec_capability_parse("CAP_CHOWN", &c, &err) == 0 && c == CAP_CHOWN);
	CHECK(spec_capability_parse("CAP_SYS_ADMIN", &c, &err) == 0 && c == CAP_SYS_ADMIN);
	CHECK(spec_capability_parse("CAP_NET_RAW", &c, &err) == 0 && c == 13);
	CHECK(spec_capability_parse("CAP_CHECKPOINT_RESTORE", &c, &err) == 0 && c == 40);
	CHECK(err == NULL);
	CHECK(spec_capability_parse("CAP_FOO", &c, &err) < 0);
	CHECK(err && strcmp(err->msg, "unknown capability \"CAP_FOO\"") == 0);
	error_free(err);
	err = NULL;
	CHECK(spec_capability_parse("chown", &c, &err) < 0);
	error_free(err);
	/* every name round-trips, numbers agree with the kernel's header */
	for (int i = 0; i <= spec_capability_last(); i++) {
		const char *name = spec_capability_name(i);

		err = NULL;
		CHECK(name != NULL);
		CHECK(name && spec_capability_parse(name, &c, &err) == 0 && c == i);
		error_free(err);
	}
	CHECK(spec_capability_name(CAP_BPF) &&
	      strcmp(spec_capability_name(CAP_BPF), "CAP_BPF") == 0);
	CHECK(spec_capability_name(CAP_AUDIT_READ) &&
	      strcmp(spec_capability_name(CAP_AUDIT_READ), "CAP_AUDIT_READ") == 0);
	CHECK(spec_capability_name(41) == NULL);
	CHECK(spec_capability_name(-1) == NULL);
}

static void test_names(void)
{
	CHECK(strcmp(spec_ns_name(SPEC_NS_NET), "network") == 0);
	CHECK(strcmp(spec_ns_proc_name(SPEC_NS_NET), "net") == 0);
	CHECK(strcmp(spec_ns_proc_name(SPEC_NS_MNT), "mnt") == 0);
	CHECK(strcmp(spec_ns_name(SPEC_NS_MNT), "mount") == 0);
	CHECK(spec_ns_clone_flag(SPEC_NS_USER) == CLONE_NEWUSER);
	CHECK(spec_ns_clone_flag(SPEC_NS_MNT) == CLONE_NEWNS);
	CHECK(spec_ns_clone_flag(SPEC_NS_CGROUP) == CLONE_NEWCGROUP);
	CHECK(spec_ns_clone_flag(SPEC_NS_TIME) == 0x80);
	CHECK(spec_ns_name(SPEC_NS_COUNT) == NULL);
	for (int i = 0; i < SPEC_NS_COUNT; i++)
		CHECK(spec_ns_name(i) && spec_ns_proc_name(i) && spec_ns_clone_flag(i) != 0);
	CHECK(strcmp(spec_hook_kind_name(SPEC_HOOK_PRESTART), "prestart") == 0);
	CHECK(strcmp(spec_hook_kind_name(SPEC_HOOK_CREATE_RUNTIME), "createRuntime") == 0);
	CHECK(strcmp(spec_hook_kind_name(SPEC_HOOK_START_CONTAINER), "startContainer") == 0);
	CHECK(strcmp(spec_hook_kind_name(SPEC_HOOK_POSTSTOP), "poststop") == 0);
	CHECK(spec_hook_kind_name(SPEC_HOOK_KIND_COUNT) == NULL);
}

/* ---- mount options ------------------------------------------------------------ */

struct decoded {
	unsigned long flags, clear, prop;
	uint64_t set, clr;
	bool bind, tmpcopyup;
	char data[128];
};

static struct decoded opts(const char *type, const char *list)
{
	struct spec_mount m = {.type = (char *)type};
	char *copy = strdup(list), *save = NULL, *v[32];
	struct error *err = NULL;
	struct decoded d = {0};
	size_t n = 0;

	for (char *t = strtok_r(copy, " ", &save); t && n < 31; t = strtok_r(NULL, " ", &save))
		v[n++] = t;
	v[n] = NULL;
	CHECK(spec_mount_options_decode(&m, v, "mounts[0].options", &err) == 0);
	error_free(err);
	d = (struct decoded){m.flags,	     m.clear_flags, m.propagation, m.rec_attr_set,
			     m.rec_attr_clr, m.bind,	    m.tmpcopyup,   ""};
	if (m.data)
		snprintf(d.data, sizeof(d.data), "%s", m.data);
	free(m.data);
	free(copy);
	return d;
}

struct flag_case {
	const char *name;
	unsigned long flag;
	bool clear;
};

static const struct flag_case flag_cases[] = {
	{"ro", MS_RDONLY, false},
	{"rw", MS_RDONLY, true},
	{"nosuid", MS_NOSUID, false},
	{"suid", MS_NOSUID, true},
	{"nodev", MS_NODEV, false},
	{"dev", MS_NODEV, true},
	{"noexec", MS_NOEXEC, false},
	{"exec", MS_NOEXEC, true},
	{"sync", MS_SYNCHRONOUS, false},
	{"async", MS_SYNCHRONOUS, true},
	{"dirsync", MS_DIRSYNC, false},
	{"remount", MS_REMOUNT, false},
	{"mand", MS_MANDLOCK, false},
	{"nomand", MS_MANDLOCK, true},
	{"noatime", MS_NOATIME, false},
	{"atime", MS_NOATIME, true},
	{"nodiratime", MS_NODIRATIME, false},
	{"diratime", MS_NODIRATIME, true},
	{"relatime", MS_RELATIME, false},
	{"norelatime", MS_RELATIME, true},
	{"strictatime", MS_STRICTATIME, false},
	{"nostrictatime", MS_STRICTATIME, true},
	{"lazytime", MS_LAZYTIME, false},
	{"nolazytime", MS_LAZYTIME, true},
	{"iversion", MS_I_VERSION, false},
	{"noiversion", MS_I_VERSION, true},
	{"silent", MS_SILENT, false},
	{"loud", MS_SILENT, true},
	{"nosymfollow", MS_NOSYMFOLLOW, false},
	{"symfollow", MS_NOSYMFOLLOW, true},
};

struct attr_case {
	const char *name;
	uint64_t set, clr;
};

static const struct attr_case attr_cases[] = {
	{"rro", MOUNT_ATTR_RDONLY, 0},
	{"rrw", 0, MOUNT_ATTR_RDONLY},
	{"rnosuid", MOUNT_ATTR_NOSUID, 0},
	{"rsuid", 0, MOUNT_ATTR_NOSUID},
	{"rnodev", MOUNT_ATTR_NODEV, 0},
	{"rdev", 0, MOUNT_ATTR_NODEV},
	{"rnoexec", MOUNT_ATTR_NOEXEC, 0},
	{"rexec", 0, MOUNT_ATTR_NOEXEC},
	{"rnodiratime", MOUNT_ATTR_NODIRATIME, 0},
	{"rdiratime", 0, MOUNT_ATTR_NODIRATIME},
	/* access-time modes also clear the whole MOUNT_ATTR__ATIME field */
	{"rrelatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME},
	{"rnorelatime", 0, MOUNT_ATTR_RELATIME},
	{"rnoatime", MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME},
	{"ratime", 0, MOUNT_ATTR_NOATIME},
	{"rstrictatime", MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME},
	{"rnostrictatime", 0, MOUNT_ATTR_STRICTATIME},
	{"rnosymfollow", MOUNT_ATTR_NOSYMFOLLOW, 0},
	{"rsymfollow", 0, MOUNT_ATTR_NOSYMFOLLOW},
};

static void test_mount_tables(void)
{
	struct decoded d;

	for (size_t i = 0; i < sizeof(flag_cases) / sizeof(flag_cases[0]); i++) {
		const struct flag_case *c = &flag_cases[i];

		d = opts("tmpfs", c->name);
		CHECK(d.flags == (c->clear ? 0 : c->flag));
		CHECK(d.clear == (c->clear ? c->flag : 0));
		CHECK(d.data[0] == '\0' && d.set == 0 && d.clr == 0);
		if (d.flags != (c->clear ? 0 : c->flag))
			fprintf(stderr, "  option %s\n", c->name);
	}
	for (size_t i = 0; i < sizeof(attr_cases) / sizeof(attr_cases[0]); i++) {
		const struct attr_case *c = &attr_cases[i];

		d = opts("tmpfs", c->name);
		CHECK(d.set == c->set && d.clr == c->clr);
		CHECK(d.flags == 0 && d.clear == 0 && d.data[0] == '\0');
		if (d.set != c->set || d.clr != c->clr)
			fprintf(stderr, "  option %s\n", c->name);
	}
}

static void test_mount_combinations(void)
{
	struct decoded d;

	d = opts("tmpfs", "defaults");
	CHECK(d.flags == 0 && d.data[0] == '\0');
	d = opts("none", "bind");
	CHECK(d.bind && d.flags == MS_BIND);
	d = opts("none", "rbind");
	CHECK(d.bind && d.flags == (MS_BIND | MS_REC));
	d = opts("bind", "ro"); /* type "bind" alone makes a bind mount */
	CHECK(d.bind && d.flags == (MS_BIND | MS_RDONLY));
	d = opts(NULL, "rbind ro rprivate");
	CHECK(d.bind && d.flags == (MS_BIND | MS_REC | MS_RDONLY) &&
	      d.prop == (MS_PRIVATE | MS_REC));
	/* later options win, as with mount(8) */
	d = opts("tmpfs", "ro rw");
	CHECK(d.flags == 0 && d.clear == MS_RDONLY);
	d = opts("tmpfs", "rw ro");
	CHECK(d.flags == MS_RDONLY && d.clear == 0);
	d = opts("tmpfs", "rro rrw");
	CHECK(d.set == 0 && d.clr == MOUNT_ATTR_RDONLY);
	d = opts("tmpfs", "shared private");
	CHECK(d.prop == MS_PRIVATE);
	struct {
		const char *name;
		unsigned long prop;
	} props[] = {{"private", MS_PRIVATE},	    {"rprivate", MS_PRIVATE | MS_REC},
		     {"shared", MS_SHARED},	    {"rshared", MS_SHARED | MS_REC},
		     {"slave", MS_SLAVE},	    {"rslave", MS_SLAVE | MS_REC},
		     {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC}};
	for (size_t i = 0; i < sizeof(props) / sizeof(props[0]); i++) {
		d = opts("none", props[i].name);
		CHECK(d.prop == props[i].prop && d.flags == 0);
	}
	/* data keeps its order; the flags come out */
	d = opts("tmpfs", "nosuid mode=755 strictatime size=65536k");
	CHECK(d.flags == (MS_NOSUID | MS_STRICTATIME));
	CHECK(strcmp(d.data, "mode=755,size=65536k") == 0);
	d = opts("devpts", "newinstance ptmxmode=0666 mode=0620 gid=5");
	CHECK(strcmp(d.data, "newinstance,ptmxmode=0666,mode=0620,gid=5") == 0);
	/* "acl" is filesystem data, not MS_POSIXACL (as in runc) */
	d = opts("ext4", "acl");
	CHECK(d.flags == 0 && strcmp(d.data, "acl") == 0);
	d = opts("tmpfs", "tmpcopyup");
	CHECK(d.tmpcopyup && d.data[0] == '\0');
	d = opts("tmpfs", "tmpcopyup notmpcopyup");
	CHECK(!d.tmpcopyup);
	d = opts("overlay", "lowerdir=/a:/b upperdir=/u workdir=/w");
	CHECK(strcmp(d.data, "lowerdir=/a:/b,upperdir=/u,workdir=/w") == 0);
}

static void test_mount_errors(void)
{
	const char *bad[] = {"idmap=uids=0-1-1", "ridmap=gids=0-1-1", NULL};
	static const struct {
		const char *opt;
		bool recursive;
	} good[] = {{"idmap", false}, {"ridmap", true}};

	for (const char **b = bad; *b; b++) {
		char *v[] = {"rbind", (char *)*b, NULL};
		struct spec_mount m = {0};
		struct error *err = NULL;

		CHECK(spec_mount_options_decode(&m, v, "mounts[4].options", &err) < 0);
		CHECK(err && strstr(err->msg, "mounts[4].options: ") == err->msg &&
			      strstr(err->msg, "(crun's form) are not supported") != NULL,
		      "%s", err ? err->msg : "no error");
		error_free(err);
		free(m.data);
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		char *v[] = {"rbind", (char *)good[i].opt, NULL};
		struct spec_mount m = {0};
		struct error *err = NULL;

		CHECK(spec_mount_options_decode(&m, v, "mounts[4].options", &err) == 0);
		CHECK(m.idmap && m.idmap_recursive == good[i].recursive && m.bind &&
			      (m.data == NULL || m.data[0] == '\0'),
		      "%s: an idmapped bind, not mount data", good[i].opt);
		error_free(err);
		free(m.data);
	}

	/* no options at all */
	struct spec_mount m = {.type = "proc"};
	struct error *err = NULL;

	CHECK(spec_mount_options_decode(&m, NULL, "x", &err) == 0);
	CHECK(m.flags == 0 && m.data == NULL && !m.bind);
}

/* ---- state.json: the init's stdio as a checkpoint names it -------------- */

static int state_parse(const char *json, struct spec_state *st, const char *want_err)
{
	struct error *err = NULL;
	int rc = spec_state_parse(json, strlen(json), st, &err);

	if (want_err != NULL)
		CHECK(rc < 0 && err != NULL && strstr(err->msg, want_err) != NULL, "%s: %s", json,
		      err != NULL ? err->msg : "parsed");
	error_free(err);
	return rc;
}

static void test_state_stdio(void)
{
	struct spec_state st = {.id = (char *)"c", .pid = 7};
	struct spec_state back;
	struct jsonw *w = jsonw_new();

	st.stdio[0] = (char *)"file[23:1f]";
	st.stdio[1] = (char *)"pipe:[4021]";
	st.stdio[2] = (char *)"";
	spec_state_write(w, &st, "running", true);
	CHECK(state_parse(jsonw_buf(w), &back, NULL) == 0, "%s", jsonw_buf(w));
	CHECK(back.stdio[0] != NULL && strcmp(back.stdio[0], "file[23:1f]") == 0);
	CHECK(back.stdio[1] != NULL && strcmp(back.stdio[1], "pipe:[4021]") == 0);
	CHECK(back.stdio[2] != NULL && strcmp(back.stdio[2], "") == 0);
	spec_state_clear(&back);
	jsonw_free(w);

	/* the OCI part (what `state` prints) never carries it */
	w = jsonw_new();
	spec_state_write(w, &st, "running", false);
	CHECK(strstr(jsonw_buf(w), "stdio") == NULL, "%s", jsonw_buf(w));
	jsonw_free(w);

	/* an older berth's state: no names, read at checkpoint time */
	CHECK(state_parse("{\"id\":\"c\",\"berth\":{\"pidStart\":1}}", &back, NULL) == 0);
	CHECK(back.stdio[0] == NULL && back.stdio[1] == NULL && back.stdio[2] == NULL);
	spec_state_clear(&back);
	/* all three or none */
	CHECK(state_parse("{\"id\":\"c\",\"berth\":{\"stdio\":{\"stdin\":\"\",\"stdout\":\"\"}}}",
			  &back, "stderr") < 0);
	CHECK(state_parse("{\"id\":\"c\",\"berth\":{\"stdio\":{\"stdin\":1,\"stdout\":\"\","
			  "\"stderr\":\"\"}}}",
			  &back, "stdin") < 0);
}

static void test_descriptors(void)
{
	const char *bad[] = {
		"[\"/dev/null\",\"/dev/null\"]",
		"[\"a\",\"b\",\"c\",\"d\"]",
		"[\"a\",1,\"c\"]",
		"{\"0\":\"a\"}",
		"[\"a\",\"b\",\"c\"",
		"",
	};
	char *names[3] = {NULL, NULL, NULL};
	struct error *err = NULL;
	const char *ok = "[\"pipe:[12]\",\"file[23:1f]\",\"/a\\\"b\"]";

	CHECK(spec_descriptors_parse(ok, strlen(ok), names, &err) == 0, "%s",
	      err != NULL ? err->msg : "");
	CHECK(names[0] != NULL && strcmp(names[0], "pipe:[12]") == 0);
	CHECK(names[1] != NULL && strcmp(names[1], "file[23:1f]") == 0);
	/* an escaped quote is part of the name */
	CHECK(names[2] != NULL && strcmp(names[2], "/a\"b") == 0, "%s", names[2]);
	for (int i = 0; i < 3; i++)
		free(names[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		names[0] = names[1] = names[2] = NULL;
		CHECK(spec_descriptors_parse(bad[i], strlen(bad[i]), names, &err) < 0 &&
			      err != NULL && strstr(err->msg, "descriptors.json") != NULL &&
			      names[0] == NULL,
		      "%s: %s", bad[i], err != NULL ? err->msg : "accepted");
		error_freep(&err);
	}
}

int main(void)
{
	test_signals();
	test_capabilities();
	test_names();
	test_mount_tables();
	test_mount_combinations();
	test_mount_errors();
	test_state_stdio();
	test_descriptors();
	return tap_done();
}
