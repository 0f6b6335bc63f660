/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/process.h — the last steps before execve(), shared by the
 * container init and `exec`: executable lookup, environment, rlimits,
 * scheduling, user and groups, capabilities, no_new_privs, seccomp.  */
#ifndef BERTH_RUNTIME_PROCESS_H
#define BERTH_RUNTIME_PROCESS_H

#include <signal.h>
#include <stdbool.h>

#include "core/error.h"
#include "runtime/seccomp.h"
#include "spec/spec.h"

struct proc_ctx {
	const struct spec_process *proc;
	const struct spec_seccomp *seccomp; /* NULL: none */
	const char *keyring;		    /* session keyring name, NULL: keep */
	bool has_personality;		    /* linux.personality */
	unsigned long personality;
	int preserve_fds;	  /* fds 3..3+n-1 stay open */
	int listen_fds;		  /* LISTEN_FDS passed on (part of preserve) */
	bool rlimits_done;	  /* process_rlimits() already ran */
	char *exe;		  /* set by process_resolve */
	char **env;		  /* set by process_resolve */
	struct seccomp_prog prog; /* set by process_seccomp_prepare */
	/* SCMP_ACT_NOTIFY: the socket connected to linux.seccomp.listenerPath
	 * (by the parent, before the clone) and the message to send with
	 * the notify fd; listener_msg NULL: no listener */
	int listener_fd;
	char *listener_msg;
	/* sandbox: the process must not outlive berth: the parent-death
	 * signal is set again once the credentials are final (a uid change
	 * clears it), then berth checked alive on parent_fd (the sync socket) */
	bool die_with_parent;
	int parent_fd;
	bool reaper; /* sandbox --init: fork the process, stay pid 1 (reaper.c) */
	/* process.apparmorProfile (NULL: none) and the host procfs it is set
	 * through (runtime/apparmor.h), opened before the container's mounts */
	const char *apparmor;
	int apparmor_procfd;
	/* NOTIFY_SOCKET for the init's process (runtime/notify.h), replacing
	 * the config's; NULL: the config's env as it is (exec) */
	const char *notify_socket;
	/* exec's child sharing berth's memory (exec.c): set to 1 just
	 * before the execve, back to 0 when it fails; NULL otherwise */
	volatile sig_atomic_t *memory_done;
};

/* Inside the container's mount namespace (after pivot_root, or after
 * joining it for exec): find args[0] on PATH, build the final environment
 * (HOME from /etc/passwd when unset, LISTEN_FDS, NOTIFY_SOCKET), check cwd.  Errors name
 * the file as callers match them: exec "/bin/nope": No such file or directory */
int process_resolve(struct proc_ctx *pc, struct error **err);

/* Create process.cwd (and parents) if missing, as runc does, strictly
 * inside the root (root: an fd of the container's "/"; no symlink or
 * /proc magic link leads out); called while the root is still writable.  */
int process_make_cwd(const struct spec_process *proc, int root, struct error **err);

/* Apply process.rlimits (the init does it before SYNC_READY, so a limit
 * the host refuses fails `create` rather than a later `start`).  */
int process_rlimits(struct proc_ctx *pc, struct error **err);

/* Compile the seccomp filter (if any), so that a profile berth cannot
 * load fails before SYNC_READY; process_exec() does it otherwise.  */
int process_seccomp_prepare(struct proc_ctx *pc, struct error **err);

/* Everything from the keyring to seccomp, then execve().  Returns only
 * on failure.  Once the seccomp filter is loaded it makes only the
 * syscalls listed at the top of process.c.  */
int process_exec(struct proc_ctx *pc, struct error **err);

/* This process's pid as berth sees pids: the "Pid:" of
 * /proc/self/status, read while /proc is still berth's.  0 if unknown.  */
pid_t process_own_pid(void);

/* Default dispositions for every signal and an empty mask, for the
 * user's process: execve keeps ignored signals (the caller's, inherited),
 * and a caught one must not run berth's handler before it.  */
void process_reset_signals(void);

void process_ctx_clear(struct proc_ctx *pc);

/* reaper.c: fork; the child returns 0 (and goes on to execve), the
 * parent never returns: it reaps, forwards signals to the child, and
 * exits with its status (128+N for signal N).  -1 if the fork fails.  */
int process_fork_reaper(struct error **err);

/* The exit status of a process that could not exec, as shells and
 * docker/podman report it: 127 not found, 126 not executable, else 1.  */
int process_exec_failure_code(int errnum);

#endif
