/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/sandbox.h — `berth sandbox`: one command for an untrusted CI job.
 *
 * The config is built in memory (never a bundle on disk), then run like
 * `berth run`: fresh namespaces, a user namespace among them whoever runs
 * berth (--userns auto: the job's root is never the host's; as root its
 * ids come from berth's own range in /etc/subuid, rootless from the
 * caller's), an overlay of the image layers (idmapped, as root, so that
 * they keep their in-image owners) with a private writable layer, Docker's
 * default capabilities, its default seccomp profile, no_new_privs, masked
 * and read-only /proc paths, no network unless asked, the cgroup limits
 * given, a timeout, and a usage report.  */
#ifndef BERTH_RUNTIME_SANDBOX_H
#define BERTH_RUNTIME_SANDBOX_H

#include <stdbool.h>
#include <sys/types.h>

#include "core/error.h"
#include "core/jsonw.h"
#include "namespaces/subid.h"
#include "netns/netns.h"
#include "netns/pasta.h"
#include "runtime/runtime.h"

struct rt_sandbox_opts {
	char **layers;	     /* --image DIR, lowest first (or --rootfs) */
	char **volumes;	     /* -v SRC:DST[:ro] */
	char **env;	     /* --env-file then -e, K=V (inherited ones resolved by cmd/) */
	char **tmpfs;	     /* --tmpfs DST[:OPTIONS], checked here */
	char **ulimits;	     /* --ulimit NAME=SOFT[:HARD], checked here */
	char **args;	     /* the job */
	const char *workdir; /* -w */
	bool has_user;
	uid_t uid;
	gid_t gid;
	const char *home; /* HOME of --user (or the image's User) in the
			      image's /etc/passwd, or NULL */
	bool userns_host; /* --userns host: as root, no user namespace */
	bool has_output_owner;
	uid_t output_uid;	 /* --output-owner: who owns on the host what the */
	gid_t output_gid;	 /* job's root writes to a -v volume */
	long long memory;	 /* bytes, 0: no limit */
	long long cpus_milli;	 /* 1000 = one CPU, 0: no limit */
	long long pids;		 /* 0: no limit */
	unsigned timeout_ms;	 /* 0: none */
	unsigned stop_grace_ms;	 /* --stop-grace (default 10 s) */
	enum netns_mode network; /* NONE (default), HOST, BRIDGE, JOIN, PASTA */
	const char *bridge;	 /* bridge=NAME, or NULL for the default */
	const char *netns_path;	 /* ns:PATH */
	bool read_only;
	bool overlay_tmpfs; /* writable layer on a tmpfs */
	const char *hostname;
	const char *stats_file;
	bool tty;
	bool init; /* --init: a minimal pid 1 of berth's own */
	bool print_spec;
};

/* The job's ids, decided before its config is written */
struct sandbox_ids {
	bool rootless;
	bool userns;		 /* in a user namespace of its own */
	struct ns_subid_map map; /* its ids, when userns */
	bool tmp_tmpfs;		 /* rootless on a root-owned image: /tmp is a
				   tmpfs (the image's cannot be copied up) */
};

/* The config.json text of a sandbox (also what --print-spec shows); a
 * command and a layer are there (rt_sandbox checked).  */
char *sandbox_config(const struct rt_sandbox_opts *o, const struct sandbox_ids *ids,
		     size_t *seccomp_at, struct error **err);

/* Run the job; *exit_status is the job's (124 when the timeout fired). */
int rt_sandbox(const struct rt_global *g, const struct rt_sandbox_opts *o, int *exit_status,
	       struct error **err);

/* sandbox_profile.c: the "seccomp" member of the config, and the same
 * profile built as spec_parse() makes it of that member (malloc'd) */
void sandbox_seccomp_write(struct jsonw *w);
struct spec_seccomp;
struct spec_seccomp *sandbox_seccomp_spec(void);

#endif
