/* SPDX-License-Identifier: Apache-2.0 */
/* tests/netns/nstest.h — what the netns unit tests share: one process and
 * one network namespace per case, expectations that end the case, fresh
 * "container" namespaces, ip(8) run inside a namespace, and a look into
 * the ipam database.  Linked into tests/unit/test-netns*.c (mk/netns.mk).
 *
 * Every case runs in a forked child that first unshares its own network
 * namespace: that namespace plays "the host" (it gets the bridge and the
 * host veth ends), and each "container" is a further namespace made by
 * new_netns().  The machine's own interfaces are never touched, and the
 * only packets sent go between namespaces the test made.
 *
 * A case process stays in its own netns and enters others only in forked
 * children: a netns that no process is in and no fd holds is destroyed,
 * and with it the bridge and every veth pair attached to it.
 * NSTEST_ONLY=<substring> runs only the cases whose name contains it. */
#ifndef BERTH_TESTS_NSTEST_H
#define BERTH_TESTS_NSTEST_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "netns/netns.h"

/* per run: <tmp>/ipam and <tmp>/state, removed at the end */
extern char nstest_ipam_dir[256], nstest_state_root[256];

/* A failed expectation prints and ends the case (exit 1). */
void expect(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* r must be 0; err by address, read after the call has filled it */
void expect_ok(int r, struct error **err, const char *what);
void expect_has(const char *text, const char *needle, const char *where);
bool contains(const char *haystack, const char *needle);

/* A fresh network namespace kept alive by the returned fd only: closing
 * it is what a container's death does to its netns.  */
int new_netns(void);

/* stdout of `sh -c CMD` run inside netns_fd (-1: the case's own) */
char *sh_in(int netns_fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* <state>/<name>, created; and container state dirs below it, whose
 * existence keeps a lease alive */
char *case_state_root(const char *name);
void state_dir_make(const char *root, const char *id);
void state_dir_remove(const char *root, const char *id);

/* a bridge request with the run's ipam dir and defaults otherwise */
struct netns_request request(const char *root, const char *id);
/* a container on the bridge: state dir, netns (returned), network */
int container(const struct netns_request *req, struct netns_lease *lease);
/* netns_bridge_setup must fail with exactly this message */
void expect_setup_error(const struct netns_request *req, const char *want);

/* the ipam database of a bridge in the case's netns */
char *ipam_db(const char *bridge);
int lease_count(const char *bridge);
char *lease_text(const char *bridge, const char *address); /* or NULL */
bool link_exists(const char *name);			   /* in the case's netns */

struct nstest_case {
	const char *name;
	void (*fn)(void);
};

/* Run each case in its own process and netns; print TAP ("ok N - case",
 * "not ok N - case", the plan last).  Returns the exit status.  */
int nstest_run(const char *prog, const struct nstest_case *cases, size_t n);

#endif
