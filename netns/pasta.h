/* SPDX-License-Identifier: Apache-2.0 */
/* netns/pasta.h — outbound network for a job through passt's pasta.
 *
 * `berth sandbox --network pasta` gives the job's fresh network namespace
 * a tap interface that pasta (a user-mode TCP/UDP/ICMP translator, no
 * root needed) connects to berth's own network namespace: the job's
 * connections leave as pasta's own sockets, so it reaches what berth
 * reaches, and nothing reaches the job (no port is forwarded inward).
 * The gateway address stands for berth's loopback (pasta maps it).
 *
 *   berth's netns                       job's netns
 *   eth0 192.0.2.1, default via .254    eth0 (tap) 192.0.2.1, same route
 *   127.0.0.1:8080  <── pasta ── tap ── connect(192.0.2.254:8080)
 *
 * berth does not run pasta itself: it forks a keeper that runs pasta as
 * its own child and holds a socket to berth.  When the socket closes —
 * netns_pasta_stop(), or berth dies, even by SIGKILL — the keeper kills
 * pasta and waits for it, so no pasta outlives its job.  pasta is given
 * the namespaces as open fds (/proc/self/fd/N): a pasta run as root keeps
 * too few capabilities to open another root process's /proc/PID/ns.  */
#ifndef BERTH_NETNS_PASTA_H
#define BERTH_NETNS_PASTA_H

#include <sys/types.h>

#include "core/error.h"

struct netns_pasta {
	pid_t keeper;  /* 0: none */
	int keeper_fd; /* its pidfd, -1 */
	int sock;      /* berth's end of the keeper's socket, -1 */
};

/* An empty handle: netns_pasta_stop() on it does nothing.  */
void netns_pasta_init(struct netns_pasta *p);

/* Whether pasta can run for this caller, before any namespace exists:
 * the program in PATH, and (not root) /dev/net/tun open to the caller,
 * which pasta opens inside the job's namespaces.  Errors name the flag:
 * "--network pasta: program 'pasta' not found in PATH (...)".  */
int netns_pasta_check(struct error **err);

/* Start pasta for the network namespace of `pid` (berth's child, its
 * maps written) and return once pasta has configured it: the address,
 * routes and lo are up inside when this returns 0.  Unless berth is
 * root, pasta also joins the job's user namespace (which owns the
 * network namespace).  On failure nothing is left running and the error
 * carries pasta's own message.  */
int netns_pasta_start(struct netns_pasta *p, pid_t pid, struct error **err);

/* Stop pasta and wait for it and its keeper to be gone.  Idempotent.  */
void netns_pasta_stop(struct netns_pasta *p);

#endif
