/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/checkpoint.c — `checkpoint`: a running container into CRIU
 * images (runc's semantics).  What is described to CRIU: the container's
 * root (its rootfs on the host), the mounts bound from the host and the
 * masked files (external mounts), a joined network or pid namespace
 * (external), its own network namespace as an empty one (runc's rule:
 * berth does not recreate interfaces) or, on berth's bridge, as an
 * external one the restore wires again (criu_net.h), its cgroup (frozen through it,
 * and recorded as --manage-cgroups-mode says), and the init's stdio in
 * descriptors.json for the restore.  A user namespace of its own is
 * CRIU's to record (its maps are in the images); what berth adds for it is
 * the device nodes it binds from the host there (criu_spec.c).  An
 * overlay root's writable layer is the image dir's rootfs diff, written
 * at CRIU's post-dump notification, the processes still frozen
 * (criu_rootfs.h).  Restore: restore.c.  */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/file.h"
#include "core/jsonw.h"
#include "core/log.h"
#include "core/mem.h"
#include "runtime/container.h"
#include "runtime/criu.h"
#include "runtime/criu_net.h"
#include "runtime/criu_rootfs.h"
#include "runtime/criu_spec.h"
#include "runtime/criu_stdio.h"
#include "runtime/criu_tree.h"
#include "runtime/runtime.h"

static int check_status(enum container_status s, struct error **err)
{
	if (s != STATUS_RUNNING && s != STATUS_PAUSED)
		return error_set(err, 0,
				 "cannot checkpoint a container in status %s (must be running or "
				 "paused)",
				 container_status_name(s));
	return 0;
}

/* the dump's notifications: at post-dump every process is still frozen
 * (CRIU resumes or ends them after the answer), so the overlay root's
 * writable layer is saved as it was at the memory image; a failure here
 * fails the dump, and CRIU resumes the processes */
struct dumping {
	struct container *c;
	int img;
	bool save_diff;
};

static int on_notify(void *arg, const struct criu_reply *n, int fd, struct error **err)
{
	struct dumping *d = arg;

	if (fd >= 0)
		close(fd);
	if (d->save_diff && strcmp(n->script, "post-dump") == 0)
		return criu_rootfs_dump_diff(d->c, d->img, err);
	return 0;
}

/* the image dir (made 0700, as runc), and --parent-path inside it */
static int open_dirs(const struct rt_criu_opts *o, int *img, int *work, struct error **err)
{
	*img = *work = -1;
	if (mkdir_p(o->image_path, 0700, err) < 0)
		return error_wrap(err, "--image-path");
	*img = open(o->image_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*img < 0)
		return error_set(err, errno, "--image-path '%s'", o->image_path);
	if (o->parent_path != NULL) {
		struct stat st;

		if (o->parent_path[0] == '/')
			return error_set(err, 0,
					 "--parent-path must be relative (to --image-path)");
		if (fstatat(*img, o->parent_path, &st, 0) < 0)
			return error_set(err, errno, "invalid --parent-path '%s'", o->parent_path);
		if (!S_ISDIR(st.st_mode))
			return error_set(err, ENOTDIR, "invalid --parent-path '%s'",
					 o->parent_path);
	}
	if (o->work_path == NULL)
		return 0;
	if (mkdir_p(o->work_path, 0700, err) < 0)
		return error_wrap(err, "--work-path");
	*work = open(o->work_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*work < 0)
		return error_set(err, errno, "--work-path '%s'", o->work_path);
	return 0;
}

/* descriptors.json: the init's fds 0, 1 and 2 as they were named when
 * it was made (criu_stdio.h), which a restore hands back to CRIU; a
 * file of the caller's is external to CRIU, found by its key wherever
 * it sits now.  An older berth's state has no names: they are read now */
static int write_descriptors(struct criu_request *r, int img, const struct spec_state *st,
			     struct error **err)
{
	cleanup_jsonw struct jsonw *w = jsonw_new();

	jsonw_arr_open(w);
	for (int fd = 0; fd < 3; fd++) {
		/* the name recorded at create; else (a state an older berth
		 * wrote) read now; else "" (not open) */
		cleanup_free char *now = NULL;
		const char *name = st->stdio[fd];

		if (name == NULL)
			name = now = criu_stdio_name(st->pid, fd);
		if (name == NULL)
			name = "";

		if (strncmp(name, "file[", 5) == 0)
			criu_add_external(r, name);
		jsonw_str(w, name);
	}
	jsonw_arr_close(w);
	return atomic_write_at(img, CRIU_DESCRIPTORS, jsonw_buf(w), jsonw_len(w), 0600, err);
}

/* CRIU_NETNS: the joined network namespace, for the restore to tell
 * whether the dump's network lock still stands in it (criu_spec.h); a
 * dump that leaves the container running unlocks it at once */
static int write_netns(const struct spec *spec, const struct rt_criu_opts *o, int img,
		       struct error **err)
{
	unsigned long long ino;
	char buf[32];
	int n;

	if (o->leave_running)
		return 0;
	if (criu_spec_netns_inode(spec, &ino, err) < 0)
		return -1;
	if (ino == 0)
		return 0;
	n = snprintf(buf, sizeof(buf), "%llu\n", ino);
	return atomic_write_at(img, CRIU_NETNS, buf, (size_t)n, 0600, err);
}

static void fill_request(struct criu_request *r, const struct rt_criu_opts *o,
			 const struct container *c, int img, int work)
{
	criu_request_init(r, o->pre_dump ? CRIU_PRE_DUMP : CRIU_DUMP);
	/* CRIU opens these through /proc/<berth>/fd: berth's numbers */
	r->images_dir_fd = img;
	r->work_dir_fd = work;
	r->pid = c->st.pid;
	r->log_file = xstrdup("dump.log");
	r->root = xstrdup(c->st.rootfs);
	r->leave_running = o->leave_running;
	r->tcp_established = o->tcp_established;
	r->ext_unix_sk = o->ext_unix_sk;
	r->shell_job = o->shell_job;
	r->file_locks = o->file_locks;
	r->auto_dedup = o->auto_dedup;
	r->orphan_pts_master = true;
	r->cg_mode = (enum criu_cg_mode)o->cg_mode;
	/* runc's rule: a network namespace of its own is dumped empty */
	r->empty_ns = CLONE_NEWNET | o->empty_ns;
	if (o->parent_path != NULL) {
		r->parent_img = xstrdup(o->parent_path);
		r->track_mem = true;
	}
}

/* A freezer stops every process at once (CRIU >= 3.14 for cgroup2's), no
 * ptrace race with a forking container: the one pause uses, as runc, so
 * that a paused container's is already FROZEN (CRIU leaves it so) */
static void freeze_through(struct criu_request *r, const struct cg *cg)
{
	const char *path = cg != NULL ? cg_freezer_path(cg) : NULL;

	if (path != NULL)
		r->freeze_cgroup = xstrdup(path);
}

static int dump(struct container *c, const struct rt_criu_opts *o, struct error **err)
{
	cleanup_close int img = -1;
	cleanup_close int work = -1;
	struct criu_request req;
	struct criu_session s = {.pid = -1, .sock = -1, .errfd = -1};
	struct criu_reply reply;
	struct spec *spec = NULL;
	cleanup_cg struct cg *cg = NULL;
	cleanup_free char *log = NULL;
	struct dumping d = {.c = c};
	int rc = -1;

	spec = container_saved_spec(c, err);
	if (spec == NULL)
		return -1;
	/* what berth cannot describe to CRIU: refused before CRIU runs */
	if (criu_rootfs_dump_check(c, spec, &d.save_diff, err) < 0 ||
	    open_dirs(o, &img, &work, err) < 0) {
		spec_free(spec);
		return -1;
	}
	d.save_diff = d.save_diff && !o->pre_dump;
	d.img = img;
	if (!o->pre_dump && !d.save_diff)
		criu_rootfs_dump_none(img);
	fill_request(&req, o, c, img, work);
	if (container_has_cgroup(c) &&
	    (container_cgroup_open(c, &cg, err) < 0 || criu_tree_check(c->st.pid, cg, err) < 0))
		goto out;
	freeze_through(&req, cg);
	if (!o->pre_dump) {
		criu_spec_dump_mounts(&req, spec, c->st.pid, cg);
		if (criu_spec_dump_namespaces(&req, spec, err) < 0 ||
		    criu_net_dump(&req, c, img, err) < 0 ||
		    write_descriptors(&req, img, &c->st, err) < 0 ||
		    write_netns(spec, o, img, err) < 0)
			goto out;
	}
	log = xasprintf("%s/dump.log", o->work_path != NULL ? o->work_path : o->image_path);
	struct criu_spawn sp = {.log_path = log};

	if (criu_start(&sp, &s, err) < 0 || criu_run(&s, &req, on_notify, &d, &reply, err) < 0)
		goto out;
	rc = 0;
out:
	criu_finish(&s);
	criu_request_clear(&req);
	spec_free(spec);
	return rc;
}

int rt_checkpoint(const struct rt_global *g, const struct rt_criu_opts *o, struct error **err)
{
	struct container c;
	int rc = -1;

	if (geteuid() != 0 || g->rootless)
		return error_set(err, EPERM, "checkpoint needs root (CRIU does)");
	if (container_open(g->root, o->id, true, &c, err) < 0)
		goto out;
	if (check_status(container_status(&c), err) < 0)
		goto out;
	if (dump(&c, o, err) < 0) {
		error_wrap(err, "checkpoint \"%s\"", o->id);
		goto out;
	}
	/* CRIU ended the processes (unless asked to leave them): the state
	 * now computes "stopped", and delete removes the cgroup */
	log_debug("checkpoint: \"%s\" into '%s'%s", o->id, o->image_path,
		  o->leave_running || o->pre_dump ? " (left running)" : "");
	rc = 0;
out:
	container_close(&c);
	return rc;
}
