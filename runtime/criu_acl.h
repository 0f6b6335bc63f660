/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/criu_acl.h — a checkpoint's images opened to the root of the
 * user namespace a restore recreates, for as long as CRIU runs
 * (criu_acl.c), for restore.c.  */
#ifndef BERTH_RUNTIME_CRIU_ACL_H
#define BERTH_RUNTIME_CRIU_ACL_H

#include <sys/types.h>

#include "core/error.h"

struct criu_acl_grant;

/* Grant host uid `uid` read access to every regular file of the image
 * dir `img` and search access to the dir itself, and the same in each dir
 * its "parent" link chain leads to (--parent-path), through a POSIX ACL
 * entry; what each had before is kept in *g.  On failure everything
 * granted so far is taken back.  */
int criu_acl_grant(int img, uid_t uid, struct criu_acl_grant **g, struct error **err);

/* Put back each file's own ACL (or none) and mode; frees g (NULL: no-op). */
void criu_acl_revoke(struct criu_acl_grant *g);

#endif
