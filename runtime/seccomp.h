/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/seccomp.h — the container's seccomp filter: compiled with
 * libseccomp before anything is dropped, loaded with one seccomp(2) call,
 * and, for SCMP_ACT_NOTIFY, its listener fd handed to
 * linux.seccomp.listenerPath.  */
#ifndef BERTH_RUNTIME_SECCOMP_H
#define BERTH_RUNTIME_SECCOMP_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/digest.h"
#include "core/error.h"
#include "spec/spec.h"

/* A filter ready to load: berth's ENOSYS stub, then libseccomp's
 * program; and the SECCOMP_FILTER_FLAG_* bits to load it with.  */
struct seccomp_prog {
	struct sock_filter *insns;
	size_t len;
	unsigned int flags;
	bool implicit_spec_allow; /* SPEC_ALLOW not asked for: dropped if
				     the kernel refuses it */
	/* its cache entry's name (the key in hex) when it is in the cache,
	 * else "": what a container's state keeps for exec */
	char key[2 * DIGEST_LEN + 1];
};

/* Build the filter.  Syscall names unknown to libseccomp are skipped
 * (profiles list syscalls of every architecture).  Allocates, reads
 * /proc and probes the kernel: call it before the process drops
 * anything, never after the load.  */
int seccomp_prog_compile(const struct spec_seccomp *sc, struct seccomp_prog *prog,
			 struct error **err);

/* The same from <state root>/.seccomp-cache when a sound entry for this
 * very profile exists (root_fd: the state root, opened and checked; -1:
 * no cache), else compiled and stored there (seccomp_cache.c).  In the
 * parent, before the clone: the child then only loads it.  */
int seccomp_prog_cached(const struct spec_seccomp *sc, int root_fd, struct seccomp_prog *prog,
			struct error **err);

/* The program of the cache entry named `key` (a container's state keeps
 * it; see seccomp_prog.key), for the profile `sc` whose rules may be left
 * unread (spec_parse_saved: only its flags are needed).  0 with a sound
 * entry of that very key, -1 with none (no error: the caller reads the
 * rules and calls seccomp_prog_cached).  */
int seccomp_prog_by_key(const char *key, const struct spec_seccomp *sc, int root_fd,
			struct seccomp_prog *prog);

/* A cache entry's bytes (seccomp_entry.c): the program of `key`, with its
 * own SHA-256.  parse: 0 and prog->insns/len only for a sound entry of
 * that very key; -1 for anything else (short, altered, another key).  */
#define SECCOMP_ENTRY_MAX (64 + BPF_MAXINSNS * 8 + DIGEST_LEN)
char *seccomp_entry_format(const uint8_t key[DIGEST_LEN], const struct seccomp_prog *prog,
			   size_t *len);
int seccomp_entry_parse(const char *buf, size_t len, const uint8_t key[DIGEST_LEN],
			struct seccomp_prog *prog);

/* The SECCOMP_FILTER_FLAG_* bits a profile is loaded with.  */
unsigned int seccomp_prog_flags(const struct spec_seccomp *sc, bool *implicit_spec_allow);

/* Load it into this process: exactly one seccomp(2) call (two when the
 * kernel refuses an implicit SPEC_ALLOW).  *notify_fd is the listener fd
 * (close-on-exec) when the filter notifies, else -1.  Without
 * no_new_privs the caller needs CAP_SYS_ADMIN.  */
int seccomp_prog_load(const struct seccomp_prog *prog, int *notify_fd, struct error **err);

void seccomp_prog_clear(struct seccomp_prog *prog);

/* ---- the ENOSYS rule (seccomp_enosys.c) ---------------------------------- */

/* Whether syscalls above the highest one the profile names return ENOSYS
 * instead of the default action: yes, unless the default action allows,
 * logs or traces (a tracer handles new syscalls itself), or already
 * returns ENOSYS.  */
bool seccomp_wants_enosys(const struct spec_seccomp *sc);

/* The highest syscall number a profile names, per architecture, as the
 * stub needs it: x32 (bit 30 set) shares the x86_64 audit architecture.
 * max < 0: none known.  */
struct seccomp_arch_max {
	uint32_t audit_arch; /* AUDIT_ARCH_* */
	int64_t max;	     /* highest native number, or -1 */
	int64_t max_x32;     /* x86_64 only: highest x32 number, or -1 */
};

/* max_x32 of a kernel without the x32 ABI: every x32 number is above it
 * (and, as max, every x86_64 number above any syscall)  */
#define SECCOMP_X32_NONE 0x3fffffffLL

/* The table for a profile: its architectures and the native one (which
 * libseccomp always adds).  At most n_out entries; returns how many.  */
size_t seccomp_arch_maxima(const struct spec_seccomp *sc, struct seccomp_arch_max *out,
			   size_t n_out);

/* The profile lists x32, the kernel runs no x32 syscall, the default
 * action is an errno and every rule allows or answers an errno: the
 * filter is built without x32 (seccomp_enosys.c).  */
bool seccomp_drops_x32(const struct spec_seccomp *sc);

/* The table the stub is built from: seccomp_arch_maxima()'s when the
 * profile wants ENOSYS for new syscalls, and x86_64's x32 line set to
 * SECCOMP_X32_NONE when it drops x32.  0: no stub; SIZE_MAX: more than
 * n_out architectures.  */
size_t seccomp_stub_table(const struct spec_seccomp *sc, struct seccomp_arch_max *out,
			  size_t n_out);

/* The stub for a table: BPF that returns ERRNO(ENOSYS) for a syscall
 * above its architecture's maximum and otherwise jumps to the
 * instruction just past itself (where the filter goes).  Malloc'd.  */
int seccomp_enosys_stub(const struct seccomp_arch_max *t, size_t n, struct sock_filter **out,
			size_t *len, struct error **err);

/* ---- SCMP_ACT_NOTIFY: linux.seccomp.listenerPath -------------------------- */

/* Connect to the listener (AF_UNIX, SOCK_STREAM); before the clone, by
 * the process that can still reach the path.  */
int seccomp_listener_connect(const char *path, struct error **err);

/* The runtime-spec's container process state, as runc sends it:
 * {"ociVersion", "fds": ["seccompFd"], "pid", "metadata", "state"}, with
 * `state` the container's state JSON (spec_state_write) and `pid` the
 * process's, as berth sees pids.  Malloc'd.  */
char *seccomp_listener_message(const char *state_json, pid_t pid, const char *metadata);

/* One sendmsg(2): the message and the listener fd (SCM_RIGHTS).  This is
 * the only syscall it makes, after the filter is loaded (so
 * SCMP_ACT_NOTIFY on sendmsg is refused by spec/seccomp.c).  */
int seccomp_listener_send(int sock, const char *msg, int notify_fd, struct error **err);

#endif
