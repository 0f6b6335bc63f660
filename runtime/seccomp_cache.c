/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/seccomp_cache.c — compiled seccomp filters kept in the state
 * root, so a profile is compiled once, not at every start (seccomp.h).
 *
 * Building docker's or podman's default filter with libseccomp costs more
 * than the rest of a container's start; the program it gives depends only
 * on the profile, the libseccomp version, the machine and berth itself.
 * So the program is kept in <state root>/.seccomp-cache/<key>, where key
 * is the SHA-256 of all of those, and of whether the kernel runs x32
 * syscalls (a changed profile is a new key, never a stale entry).
 * "berth itself" is its build ID (core/buildid.h), not its version or
 * commit: a build with an uncommitted change, or one whose
 * seccomp code was recompiled and this file not, makes other programs.
 * An entry is trusted like the rest of the state: a regular file,
 * reached without a symlink, owned by the caller and writable by no one
 * else; and it carries the SHA-256 of its own content, so a truncated or
 * altered entry is rebuilt, never loaded.  Written
 * atomically (temp file and rename): concurrent starts may both compile,
 * and either result is the same program.  */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "core/buildid.h"
#include "core/cleanup.h"
#include "core/digest.h"
#include "core/file.h"
#include "core/log.h"
#include "core/mem.h"
#include "runtime/seccomp.h"

#define CACHE_DIR ".seccomp-cache"

/* How many entries the cache keeps.  Each profile that each berth build
 * starts leaves one (~8 KB), so without a bound the cache would only
 * grow — across upgrades, on a state root that is on disk.  When a
 * write takes it past this, the entries written longest ago go: one still
 * in use is compiled and written again once, at its next start.  A hit
 * does not mark its entry (that would be a write at every start).  */
#define CACHE_KEEP	   64
/* atomic_write_at's temp file, this old: left by a berth that died
 * between its write and its rename */
#define TEMP_STALE_SECONDS 600

static void add_u64(struct digest *d, uint64_t v)
{
	digest_add(d, &v, sizeof(v));
}

static void add_str(struct digest *d, const char *s)
{
	add_u64(d, s != NULL ? strlen(s) : UINT64_MAX);
	if (s != NULL)
		digest_add(d, s, strlen(s));
}

/* every field of the profile that shapes the program, in order, with
 * lengths so no two profiles serialize alike; and what else decides it.
 * -1 when berth has no build ID to name itself by: no cache then */
static int cache_key(const struct spec_seccomp *sc, bool drops_x32, uint8_t key[DIGEST_LEN])
{
	const struct scmp_version *v = seccomp_version();
	const uint8_t *build_id;
	size_t build_id_len;
	struct utsname u;
	struct digest d;

	if (!build_id_self(&build_id, &build_id_len))
		return -1;
	digest_init(&d);
	add_str(&d, "berth seccomp cache 4");
	add_u64(&d, build_id_len);
	digest_add(&d, build_id, build_id_len);
	add_u64(&d, ((uint64_t)v->major << 32) | (v->minor << 16) | v->micro);
	add_str(&d, uname(&u) == 0 ? u.machine : "?");
	/* the kernel's x32 ABI, as seccomp_enosys.c asks it: a kernel booted
	 * with it on again must not get a program without it */
	add_u64(&d, drops_x32);
	add_u64(&d, sc->default_action);
	add_u64(&d, sc->n_arches);
	for (size_t i = 0; i < sc->n_arches; i++)
		add_u64(&d, sc->arches[i]);
	add_u64(&d, sc->n_rules);
	for (size_t i = 0; i < sc->n_rules; i++) {
		const struct spec_seccomp_rule *r = &sc->rules[i];

		add_u64(&d, r->action);
		add_u64(&d, strv_len(r->names));
		for (char **n = r->names; n && *n; n++)
			add_str(&d, *n);
		add_u64(&d, r->n_args);
		for (size_t j = 0; j < r->n_args; j++) {
			add_u64(&d, r->args[j].index);
			add_u64(&d, r->args[j].value);
			add_u64(&d, r->args[j].value_two);
			add_u64(&d, (uint64_t)r->args[j].op);
		}
	}
	digest_done(&d, key);
	return 0;
}

/* the cache dir, made 0700 when missing; checked like the state root */
static int cache_dir(int root_fd, struct error **err)
{
	cleanup_close int fd = -1;
	struct stat st;

	if (mkdirat(root_fd, CACHE_DIR, 0700) < 0 && errno != EEXIST)
		return error_set(err, errno, "seccomp cache: mkdir '%s'", CACHE_DIR);
	fd = openat(root_fd, CACHE_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		return error_set(err, errno, "seccomp cache: open '%s'", CACHE_DIR);
	if (st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH)))
		return error_set(
			err, EPERM,
			"seccomp cache: '%s' is not the caller's own (owner %u, mode %04o)",
			CACHE_DIR, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
	return steal_fd(fd);
}

/* the entry, if there is a sound one for `key`: 0, else -1 (no error:
 * the caller compiles) */
static int entry_read(int dir, const char *name, const uint8_t key[DIGEST_LEN],
		      struct seccomp_prog *prog)
{
	cleanup_close int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	cleanup_free char *buf = NULL;
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)) || st.st_size > SECCOMP_ENTRY_MAX)
		return -1;
	buf = xcalloc((size_t)st.st_size + 1, 1);
	if (pread(fd, buf, (size_t)st.st_size, 0) != st.st_size)
		return -1;
	return seccomp_entry_parse(buf, (size_t)st.st_size, key, prog);
}

/* entry_read, and what the profile adds: its flags, and the entry's name
 * (what a container's state keeps) */
static int entry_load(int dir, const char *name, const uint8_t key[DIGEST_LEN],
		      const struct spec_seccomp *sc, struct seccomp_prog *prog)
{
	if (entry_read(dir, name, key, prog) < 0)
		return -1;
	prog->flags = seccomp_prog_flags(sc, &prog->implicit_spec_allow);
	memcpy(prog->key, name, sizeof(prog->key));
	return 0;
}

static int entry_write(int dir, const char *name, const uint8_t key[DIGEST_LEN],
		       const struct seccomp_prog *prog, struct error **err)
{
	size_t len;
	cleanup_free char *buf = seccomp_entry_format(key, prog, &len);

	return atomic_write_at(dir, name, buf, len, 0600, err);
}

static bool is_entry_name(const char *s)
{
	uint8_t key[DIGEST_LEN];

	return digest_unhex(s, key);
}

static bool is_temp_name(const char *s)
{
	size_t n = strlen(s);

	return s[0] == '.' && n > sizeof(".tmp") && strcmp(s + n - 4, ".tmp") == 0;
}

struct aged {
	struct timespec mtime;
	char name[2 * DIGEST_LEN + 1];
};

static int older_first(const void *a, const void *b)
{
	const struct timespec *x = &((const struct aged *)a)->mtime;
	const struct timespec *y = &((const struct aged *)b)->mtime;

	if (x->tv_sec != y->tv_sec)
		return x->tv_sec < y->tv_sec ? -1 : 1;
	return x->tv_nsec < y->tv_nsec ? -1 : x->tv_nsec > y->tv_nsec;
}

/* the entries in `dir` (its regular files named like one), with their
 * write times; stale temp files are removed on the way */
static struct aged *list_entries(int dir, size_t *n)
{
	int fd = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_closedir DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct aged *v = NULL;
	struct dirent *de;
	struct stat st;

	*n = 0;
	if (d == NULL) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	while ((de = readdir(d)) != NULL) {
		bool entry = is_entry_name(de->d_name);

		if ((!entry && !is_temp_name(de->d_name)) ||
		    fstatat(dir, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (!entry) {
			if (st.st_mtim.tv_sec + TEMP_STALE_SECONDS < time(NULL))
				unlinkat(dir, de->d_name, 0);
			continue;
		}
		v = xreallocarray(v, *n + 1, sizeof(*v));
		v[*n].mtime = st.st_mtim;
		memcpy(v[*n].name, de->d_name, sizeof(v[*n].name));
		(*n)++;
	}
	return v;
}

/* after a write: down to CACHE_KEEP entries, the oldest written going
 * first, never `kept` (the one just written).  Another berth may prune
 * at the same time, or read an entry going: it finds none and compiles. */
static void cache_prune(int dir, const char *kept)
{
	size_t n, gone = 0;
	cleanup_free struct aged *v = list_entries(dir, &n);

	if (n <= CACHE_KEEP)
		return;
	qsort(v, n, sizeof(*v), older_first);
	for (size_t i = 0; i < n && n - gone > CACHE_KEEP; i++)
		if (strcmp(v[i].name, kept) != 0 && unlinkat(dir, v[i].name, 0) == 0)
			gone++;
	log_debug("seccomp: %zu of the cache's %zu entries removed, the oldest (it keeps %d)", gone,
		  n, CACHE_KEEP);
}

int seccomp_prog_cached(const struct spec_seccomp *sc, int root_fd, struct seccomp_prog *prog,
			struct error **err)
{
	uint8_t key[DIGEST_LEN];
	char name[2 * DIGEST_LEN + 1];
	cleanup_close int dir = -1;
	struct error *e = NULL;
	bool drops_x32;
	const char *x32_note;

	if (sc->rules_deferred)
		return error_set(err, EINVAL, "seccomp: the profile's rules were not read");
	drops_x32 = seccomp_drops_x32(sc);
	x32_note = drops_x32 ? "; x32 left out: this kernel runs no x32 syscall" : "";
	if (cache_key(sc, drops_x32, key) < 0) {
		log_debug("seccomp: no cache (berth was linked without a build ID)");
		root_fd = -1;
		memset(key, 0, sizeof(key));
	}
	digest_hex(key, name);
	dir = root_fd >= 0 ? cache_dir(root_fd, &e) : -1;
	if (dir < 0 && e != NULL) {
		log_debug("seccomp: no cache (%s)", e->msg);
		error_freep(&e);
	}
	if (dir >= 0 && entry_load(dir, name, key, sc, prog) == 0) {
		log_debug("seccomp: filter %.12s from the cache (%zu instructions%s)", name,
			  prog->len, x32_note);
		return 0;
	}
	if (seccomp_prog_compile(sc, prog, err) < 0)
		return -1;
	log_debug("seccomp: filter %.12s compiled (%zu instructions%s)", name, prog->len, x32_note);
	if (dir >= 0 && entry_write(dir, name, key, prog, &e) < 0) {
		/* a full disk costs the next start a compile, nothing more */
		log_debug("seccomp: not cached: %s", e->msg);
		error_freep(&e);
	} else if (dir >= 0) {
		memcpy(prog->key, name, sizeof(prog->key));
		cache_prune(dir, name);
	}
	return 0;
}

int seccomp_prog_by_key(const char *name, const struct spec_seccomp *sc, int root_fd,
			struct seccomp_prog *prog)
{
	uint8_t key[DIGEST_LEN];
	struct error *e = NULL;
	cleanup_close int dir = -1;

	memset(prog, 0, sizeof(*prog));
	if (name == NULL || root_fd < 0 || !digest_unhex(name, key))
		return -1;
	dir = cache_dir(root_fd, &e);
	error_free(e);
	if (dir < 0 || entry_load(dir, name, key, sc, prog) < 0)
		return -1;
	log_debug("seccomp: filter %.12s from the cache, named by the state (%zu instructions)",
		  name, prog->len);
	return 0;
}
