/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/seccomp.c — compile linux.seccomp with libseccomp, load it
 * with one seccomp(2) call, hand a notify fd to the listener.
 *
 * libseccomp builds the filter (rules, argument conditions, the dispatch
 * on architectures) and exports it as BPF; berth puts its ENOSYS stub in
 * front (seccomp_enosys.c) and loads the result itself.  Loading it
 * ourselves is what keeps the process from making any syscall after the
 * load but those process.c lists: libseccomp's seccomp_load() builds and
 * frees the program around the load, could not take the stub, and 2.5
 * knows neither SECCOMP_FILTER_FLAG_NEW_LISTENER's fd hand-over nor
 * WAIT_KILLABLE_RECV.
 *
 * Only called when the config has a seccomp section: a config without
 * one never touches libseccomp (it costs about a millisecond to build a
 * docker-sized filter).  Conditions on the same argument index cannot be
 * ANDed by libseccomp, so such a rule becomes one rule per condition
 * (OR), which is what docker's profile means and what runc does.  */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/jsonw.h"
#include "core/mem.h"
#include "core/syscalls.h"
#include "runtime/seccomp.h"
#include "runtime/sync.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif
#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif

static void ctx_releasep(scmp_filter_ctx *ctx)
{
	if (*ctx != NULL)
		seccomp_release(*ctx);
}
#define cleanup_seccomp __attribute__((cleanup(ctx_releasep)))

static bool same_index_twice(const struct spec_seccomp_rule *r)
{
	for (size_t i = 0; i < r->n_args; i++)
		for (size_t j = i + 1; j < r->n_args; j++)
			if (r->args[i].index == r->args[j].index)
				return true;
	return false;
}

static struct scmp_arg_cmp to_cmp(const struct spec_seccomp_arg *a)
{
	struct scmp_arg_cmp c = {
		.arg = a->index,
		.op = (enum scmp_compare)a->op,
		.datum_a = a->value,
		.datum_b = a->value_two,
	};
	return c;
}

static int add_rule(scmp_filter_ctx ctx, const struct spec_seccomp_rule *r, int nr,
		    const char *name, struct error **err)
{
	struct scmp_arg_cmp cmp[6];
	int rc;

	if (r->n_args == 0 || r->n_args > 6) {
		rc = seccomp_rule_add_array(ctx, r->action, nr, 0, NULL);
	} else if (!same_index_twice(r)) {
		for (size_t i = 0; i < r->n_args; i++)
			cmp[i] = to_cmp(&r->args[i]);
		rc = seccomp_rule_add_array(ctx, r->action, nr, (unsigned)r->n_args, cmp);
	} else {
		rc = 0;
		for (size_t i = 0; i < r->n_args && rc == 0; i++) {
			cmp[0] = to_cmp(&r->args[i]);
			rc = seccomp_rule_add_array(ctx, r->action, nr, 1, cmp);
		}
	}
	if (rc < 0)
		return error_set(err, -rc, "seccomp: add rule for '%s'", name);
	return 0;
}

static int add_rules(scmp_filter_ctx ctx, const struct spec_seccomp *sc, struct error **err)
{
	for (size_t i = 0; i < sc->n_rules; i++) {
		const struct spec_seccomp_rule *r = &sc->rules[i];

		/* libseccomp refuses rules that repeat the default action */
		if (r->action == sc->default_action)
			continue;
		for (char **name = r->names; name && *name; name++) {
			int nr = seccomp_syscall_resolve_name(*name);

			/* unknown to libseccomp: skipped (not logged: the
			 * child may not write to a log file) */
			if (nr == __NR_SCMP_ERROR)
				continue;
			if (add_rule(ctx, r, nr, *name, err) < 0)
				return -1;
		}
	}
	return 0;
}

static int add_arches(scmp_filter_ctx ctx, const struct spec_seccomp *sc, struct error **err)
{
	bool drop_x32 = seccomp_drops_x32(sc);

	for (size_t i = 0; i < sc->n_arches; i++) {
		int rc = drop_x32 && sc->arches[i] == SCMP_ARCH_X32
				 ? 0
				 : seccomp_arch_add(ctx, sc->arches[i]);

		/* EDOM: libseccomp cannot mix byte orders in one filter */
		if (rc == -EDOM)
			return error_set(err, 0,
					 "linux.seccomp.architectures[%zu]: %s has another byte "
					 "order than this host's filter",
					 i, spec_seccomp_arch_name(sc->arches[i]));
		if (rc < 0 && rc != -EEXIST)
			return error_set(err, -rc, "linux.seccomp.architectures[%zu]: add %s", i,
					 spec_seccomp_arch_name(sc->arches[i]));
	}
	/* errno actions would answer EPERM-style errors for architectures
	 * not listed: keep libseccomp's default "bad arch" action (kill) */
	return 0;
}

/* libseccomp writes the program to an fd (2.5 has no in-memory export) */
static int export_bpf(scmp_filter_ctx ctx, struct sock_filter **out, size_t *n, struct error **err)
{
	cleanup_close int fd = memfd_create("berth-seccomp", MFD_CLOEXEC);
	struct stat st;
	int rc;

	if (fd < 0)
		return error_set(err, errno, "seccomp: memfd for the filter");
	rc = seccomp_export_bpf(ctx, fd);
	if (rc < 0)
		return error_set(err, -rc, "seccomp: export the filter");
	if (fstat(fd, &st) < 0)
		return error_set(err, errno, "seccomp: size of the filter");
	if (st.st_size <= 0 || st.st_size % (off_t)sizeof(struct sock_filter) != 0)
		return error_set(err, EINVAL, "seccomp: libseccomp exported %lld bytes",
				 (long long)st.st_size);
	*out = xcalloc((size_t)st.st_size, 1);
	if (pread(fd, *out, (size_t)st.st_size, 0) != st.st_size)
		return error_set(err, errno ? errno : EIO, "seccomp: read the filter back");
	*n = (size_t)st.st_size / sizeof(struct sock_filter);
	return 0;
}

static bool notifies(const struct spec_seccomp *sc)
{
	return sc->uses_notify;
}

unsigned int seccomp_prog_flags(const struct spec_seccomp *sc, bool *implicit_spec_allow)
{
	unsigned int f = sc->flags & (SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_LOG |
				      SECCOMP_FILTER_FLAG_SPEC_ALLOW);

	/* no "flags" at all: runc and crun skip the speculative store bypass
	 * mitigation, a large cost on every syscall of the container */
	*implicit_spec_allow = !sc->has_flags;
	if (!sc->has_flags)
		f |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
	if (notifies(sc)) {
		f |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
		/* only meaningful with a listener; without one, ignored */
		f |= sc->flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
		/* the kernel takes TSYNC with a listener only so */
		if (f & SECCOMP_FILTER_FLAG_TSYNC)
			f |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
	}
	return f;
}

static int join(struct seccomp_prog *prog, struct sock_filter *stub, size_t n_stub,
		const struct sock_filter *filter, size_t n_filter, struct error **err)
{
	/* BPF_MAXINSNS: the kernel's limit for one program */
	if (n_stub + n_filter > BPF_MAXINSNS)
		return error_set(err, E2BIG,
				 "linux.seccomp: the filter has %zu instructions, the kernel "
				 "takes at most %d",
				 n_stub + n_filter, BPF_MAXINSNS);
	prog->insns = xcalloc(n_stub + n_filter, sizeof(struct sock_filter));
	if (n_stub > 0)
		memcpy(prog->insns, stub, n_stub * sizeof(*stub));
	memcpy(prog->insns + n_stub, filter, n_filter * sizeof(*filter));
	prog->len = n_stub + n_filter;
	return 0;
}

int seccomp_prog_compile(const struct spec_seccomp *sc, struct seccomp_prog *prog,
			 struct error **err)
{
	cleanup_seccomp scmp_filter_ctx ctx = seccomp_init(sc->default_action);
	cleanup_free struct sock_filter *filter = NULL;
	cleanup_free struct sock_filter *stub = NULL;
	struct seccomp_arch_max table[32];
	size_t n_filter = 0, n_stub = 0, n_table;

	memset(prog, 0, sizeof(*prog));
	if (sc->rules_deferred) /* never a filter without its rules */
		return error_set(err, EINVAL, "seccomp: the profile's rules were not read");
	if (ctx == NULL)
		return error_set(err, EINVAL, "seccomp: init filter");
	/* libseccomp's binary tree of syscall numbers rather than a list: a
	 * syscall passes ~10 tests instead of up to one per rule, and the
	 * kernel loads a Docker-sized filter in 0.2 ms instead of 0.7 here
	 * (its JIT is slow on the list's long jumps).  A libseccomp without
	 * it keeps the list: the same decisions either way.  */
	(void)seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (add_arches(ctx, sc, err) < 0 || add_rules(ctx, sc, err) < 0 ||
	    export_bpf(ctx, &filter, &n_filter, err) < 0)
		return -1;
	n_table = seccomp_stub_table(sc, table, 32);
	if (n_table > 0 && seccomp_enosys_stub(table, n_table, &stub, &n_stub, err) < 0)
		return -1;
	if (join(prog, stub, n_stub, filter, n_filter, err) < 0)
		return -1;
	prog->flags = seccomp_prog_flags(sc, &prog->implicit_spec_allow);
	return 0;
}

int seccomp_prog_load(const struct seccomp_prog *prog, int *notify_fd, struct error **err)
{
	struct sock_fprog fp = {.len = (unsigned short)prog->len, .filter = prog->insns};
	unsigned int flags = prog->flags;
	int rc = sys_seccomp(SECCOMP_SET_MODE_FILTER, flags, &fp);

	/* a kernel without the flag (before 4.17): only if nobody asked */
	if (rc < 0 && errno == EINVAL && prog->implicit_spec_allow) {
		flags &= ~(unsigned int)SECCOMP_FILTER_FLAG_SPEC_ALLOW;
		rc = sys_seccomp(SECCOMP_SET_MODE_FILTER, flags, &fp);
	}
	if (rc < 0)
		return error_set(err, errno, "seccomp: load filter");
	*notify_fd = (flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) ? rc : -1;
	return 0;
}

void seccomp_prog_clear(struct seccomp_prog *prog)
{
	free(prog->insns);
	memset(prog, 0, sizeof(*prog));
}

/* ---- SCMP_ACT_NOTIFY -------------------------------------------------------- */

int seccomp_listener_connect(const char *path, struct error **err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	cleanup_close int fd = -1;

	if (strlen(path) >= sizeof(sa.sun_path))
		return error_set(err, ENAMETOOLONG, "linux.seccomp.listenerPath '%s'", path);
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return error_set(err, errno, "linux.seccomp.listenerPath: socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return error_set(err, errno, "linux.seccomp.listenerPath '%s': connect", path);
	return steal_fd(fd);
}

char *seccomp_listener_message(const char *state_json, pid_t pid, const char *metadata)
{
	cleanup_jsonw struct jsonw *w = jsonw_new();
	static const char *const fds[] = {"seccompFd", NULL};

	jsonw_obj_open(w);
	jsonw_kv_str(w, "ociVersion", SPEC_OCI_VERSION);
	jsonw_kv_strv(w, "fds", fds);
	jsonw_kv_int(w, "pid", pid);
	if (metadata != NULL)
		jsonw_kv_str(w, "metadata", metadata);
	/* last: a raw value leaves the writer's comma state behind */
	jsonw_key(w, "state");
	jsonw_raw(w, state_json);
	jsonw_obj_close(w);
	return xstrdup(jsonw_buf(w));
}

int seccomp_listener_send(int sock, const char *msg, int notify_fd, struct error **err)
{
	size_t len = strlen(msg);
	ssize_t n = sync_sendmsg(sock, msg, len, notify_fd);

	if (n < 0)
		return error_set(err, errno,
				 "linux.seccomp.listenerPath: send the seccomp notify fd");
	if ((size_t)n != len)
		return error_set(err, EMSGSIZE,
				 "linux.seccomp.listenerPath: the listener took %zd of %zu bytes",
				 n, len);
	return 0;
}
