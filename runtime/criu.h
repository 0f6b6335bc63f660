/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/criu.h — talking to CRIU through its RPC interface.
 *
 * berth starts `criu swrk 3` with one end of a SOCK_SEQPACKET socketpair
 * as its fd 3 and exchanges protobuf messages (third_party/criu/rpc.proto)
 * with it: one request, then any number of notifications (each answered),
 * then one final reply.  criu_msg.c owns the messages (the only file that
 * sees protobuf-c's types); criu.c owns the process and the socket.
 * Callers (checkpoint.c, restore.c) describe what they want in plain
 * structs and never read CRIU's output: failures are explained from the
 * reply's errno and message and from CRIU's own log file.  */
#ifndef BERTH_RUNTIME_CRIU_H
#define BERTH_RUNTIME_CRIU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/error.h"

/* the request types berth sends (values as rpc.proto's criu_req_type) */
enum criu_kind {
	CRIU_DUMP = 1,
	CRIU_RESTORE = 2,
	CRIU_PRE_DUMP = 4,
	CRIU_NOTIFY = 6,
	CRIU_FEATURE_CHECK = 9,
	CRIU_VERSION = 10,
};

/* --manage-cgroups-mode (values as rpc.proto's criu_cg_mode) */
enum criu_cg_mode {
	CRIU_CG_IGNORE = 0,
	CRIU_CG_SOFT = 3,
	CRIU_CG_FULL = 4,
	CRIU_CG_STRICT = 5,
	CRIU_CG_DEFAULT = 6,
};

struct criu_pair {
	char *key, *val;
};

struct criu_inherit {
	char *key;
	int fd; /* the fd number in CRIU */
};

/* One request.  Strings are owned (criu_request_clear frees them). */
struct criu_request {
	enum criu_kind kind;
	int images_dir_fd; /* fd numbers in CRIU's table, -1: none */
	int work_dir_fd;
	pid_t pid; /* dump: the tree's root */
	char *log_file;
	char *root;
	char *parent_img;
	char *freeze_cgroup;
	bool leave_running, tcp_established, ext_unix_sk, shell_job, file_locks, auto_dedup;
	bool track_mem, rst_sibling, evasive_devices, orphan_pts_master;
	enum criu_cg_mode cg_mode;
	unsigned empty_ns;	   /* CLONE_NEW* flags */
	bool want_mem_track;	   /* FEATURE_CHECK: ask about memory tracking */
	struct criu_pair *ext_mnt; /* ext mounts: dump dest->key, restore key->source */
	size_t n_ext_mnt;
	struct criu_pair *cg_root; /* controller (key, NULL: all) -> path */
	size_t n_cg_root;
	struct criu_pair *join_ns; /* namespace name -> its file */
	size_t n_join_ns;
	struct criu_inherit *inherit;
	size_t n_inherit;
	char **external; /* "net[INODE]:KEY" */
	size_t n_external;
};

void criu_request_init(struct criu_request *r, enum criu_kind kind);
void criu_request_clear(struct criu_request *r);
void criu_add_ext_mnt(struct criu_request *r, const char *key, const char *val);
void criu_add_cg_root(struct criu_request *r, const char *ctrl, const char *path);
void criu_add_join_ns(struct criu_request *r, const char *ns, const char *file);
void criu_add_inherit(struct criu_request *r, const char *key, int fd);
void criu_add_external(struct criu_request *r, const char *ext);

/* The request as one message; *out is malloc'd.  */
int criu_request_pack(const struct criu_request *r, uint8_t **out, size_t *len, struct error **err);

/* A NOTIFY answer ("go on").  */
int criu_notify_ack_pack(uint8_t **out, size_t *len, struct error **err);

/* One reply from CRIU, decoded.  */
struct criu_reply {
	enum criu_kind kind;
	bool success;
	int cr_errno; /* 0: not given */
	char errmsg[512];
	char script[64];	    /* NOTIFY: "post-dump", "post-restore", ... */
	pid_t pid;		    /* NOTIFY's or RESTORE's pid, 0: none */
	int major, minor, sublevel; /* VERSION */
	bool mem_track;		    /* FEATURE_CHECK */
};

/* Decode a reply datagram.  Pure: no side effect, any input is safe
 * (the libFuzzer target fuzz/fuzz-criu-reply.c).  Fails on a message
 * that does not decode, or that lacks what its type needs.  */
int criu_reply_parse(const uint8_t *buf, size_t len, struct criu_reply *r, struct error **err);

/* berth's own records in a checkpoint's image dir: the bridged
 * container's address (written by criu_net.c) and the inode of the
 * network namespace it joined (checkpoint.c).  Read back through the
 * pure checks below (runtime/criu_image.c; fuzz/fuzz-criu-image.c):
 * an image dir may come from another host.  */
#define CRIU_NETWORK  "network"
#define CRIU_NETNS    "netns"
#define CRIU_ADDR_LEN 16 /* an IPv4 address and its NUL */

/* The text of CRIU_NETWORK: one line, empty (not bridged) or an IPv4
 * address, copied to `out`; anything else fails naming the file.  */
int criu_image_address(const char *text, size_t len, char out[CRIU_ADDR_LEN], struct error **err);

/* Whether the text of CRIU_NETNS is the decimal number `ino` as berth
 * writes it (no sign, no leading zero), alone on its line.  */
bool criu_image_netns_is(const char *text, size_t len, unsigned long long ino);

/* The CRIU binary: $BERTH_CRIU, or "criu" found on PATH.  */
const char *criu_binary(void);

/* A running `criu swrk`.  */
struct criu_session {
	pid_t pid;
	int sock;
	int errfd;	/* a memfd holding CRIU's stderr */
	char *log_path; /* for messages: where CRIU's log is */
};

struct criu_spawn {
	/* fds given to CRIU as 4, 5, ... (inherit_fd entries name those) */
	const int *extra_fds;
	size_t n_extra;
	/* a root to bind on `root_target` in a private mount namespace of
	 * CRIU's, so no mount of the restore ever exists on the host */
	const char *root_source;
	const char *root_target;
	const char *log_path;
};

/* Start `criu swrk`.  */
int criu_start(const struct criu_spawn *sp, struct criu_session *s, struct error **err);

/* Called for each notification; a failure aborts CRIU's work.  `fd` is
 * a file CRIU passed along (orphan-pts-master), or -1; the callee owns it. */
typedef int (*criu_notify_fn)(void *arg, const struct criu_reply *n, int fd, struct error **err);

/* Send the request, answer notifications, and fill *final with the last
 * reply.  A failed reply, or CRIU dying, fails with CRIU's own reason:
 * "criu: <first error of its log> (log: PATH)".  */
int criu_run(struct criu_session *s, const struct criu_request *req, criu_notify_fn fn, void *arg,
	     struct criu_reply *final, struct error **err);

/* Close the socket and reap CRIU.  */
void criu_finish(struct criu_session *s);

/* The reason CRIU gave in its log at `path` (its "Error (...)" lines),
 * else in `stderr_fd`; NULL when there is none.  */
char *criu_log_reason(const char *path, int stderr_fd);

#endif
