/* SPDX-License-Identifier: Apache-2.0 */
/* cgroups/layout.c — which cgroup hierarchies this host has, and where
 * each controller lives.
 *
 * Owns reading /proc/self/mountinfo (the cgroup2 mount and every mounted
 * cgroup v1 hierarchy), /proc/self/cgroup (berth's own cgroup in each) and
 * the cgroup2 root's cgroup.controllers, and deciding each controller's
 * home: the cgroup2 tree when its root lists the controller, else the v1
 * hierarchy that has it, else none.  A pure cgroup v2 host has no v1
 * hierarchies; a hybrid one (v1 controllers, a cgroup2 mount with few or
 * none) has both; a v1-only host has no cgroup2 mount.  The parsing works
 * on texts (cg_layout_parse), so it is unit-tested and fuzzed.
 * cgroupsPath -> paths: hierarchy.c.  */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/internal.h"
#include "core/cleanup.h"
#include "core/file.h"
#include "core/mem.h"
#include "core/mountinfo.h"

#define CG_PURE_MOUNT	"/sys/fs/cgroup"
#define CG_HYBRID_MOUNT "/sys/fs/cgroup/unified"

/* the v1 subsystem names, as mount options and /proc/self/cgroup say */
static const struct {
	const char *name;
	unsigned bit;
} v1_names[] = {
	{"cpuset", CG_CTRL_CPUSET},	{"cpu", CG_CTRL_CPU},
	{"cpuacct", CG_CTRL_CPUACCT},	{"blkio", CG_CTRL_IO},
	{"memory", CG_CTRL_MEMORY},	{"devices", CG_CTRL_DEVICES},
	{"freezer", CG_CTRL_FREEZER},	{"net_cls", CG_CTRL_NET_CLS},
	{"net_prio", CG_CTRL_NET_PRIO}, {"perf_event", CG_CTRL_PERF_EVENT},
	{"hugetlb", CG_CTRL_HUGETLB},	{"pids", CG_CTRL_PIDS},
	{"rdma", CG_CTRL_RDMA},		{"misc", CG_CTRL_MISC},
};
#define N_V1_NAMES (sizeof(v1_names) / sizeof(v1_names[0]))

/* mount options that do not name a hierarchy */
static const char *const flag_opts[] = {
	"rw",	"ro",		"xattr",	  "clone_children", "noprefix", "cpuset_v2_mode",
	"none", "favordynmods", "nofavordynmods",
};

const char *cg_ctrl_v1_name(unsigned ctrl)
{
	for (size_t i = 0; i < N_V1_NAMES; i++)
		if (v1_names[i].bit == ctrl)
			return v1_names[i].name;
	return "?";
}

static bool is_flag_opt(const char *opt, size_t len)
{
	if (len >= 14 && strncmp(opt, "release_agent=", 14) == 0)
		return true;
	for (size_t i = 0; i < sizeof(flag_opts) / sizeof(flag_opts[0]); i++)
		if (strlen(flag_opts[i]) == len && strncmp(flag_opts[i], opt, len) == 0)
			return true;
	return false;
}

static unsigned v1_bit(const char *opt, size_t len)
{
	for (size_t i = 0; i < N_V1_NAMES; i++)
		if (strlen(v1_names[i].name) == len && strncmp(v1_names[i].name, opt, len) == 0)
			return v1_names[i].bit;
	return 0;
}

unsigned cg_v1_options(const char *super_opts, char **name)
{
	size_t cap = strlen(super_opts) + 1, used = 0;
	char *out = xcalloc(cap, 1);
	unsigned bits = 0;

	out[0] = '\0';
	for (const char *p = super_opts; *p;) {
		size_t len = strcspn(p, ",");

		if (len > 0 && !is_flag_opt(p, len)) {
			bits |= v1_bit(p, len);
			used += (size_t)snprintf(out + used, cap - used, "%s%.*s", used ? "," : "",
						 (int)len, p);
		}
		p += len + (p[len] == ',');
	}
	if (used == 0) {
		free(out);
		*name = NULL;
		return 0;
	}
	*name = out;
	return bits;
}

/* Do a /proc/self/cgroup list ("cpu,cpuacct", "name=systemd") and a
 * hierarchy's name denote the same hierarchy?  The kernel prints both
 * the same way (subsystems in their order, then name=), once the mount
 * flags are left out.  */
static bool same_hierarchy(const char *list, size_t len, const char *name)
{
	cleanup_free char *a = strndup(list, len), *an = NULL;

	cg_v1_options(a, &an);
	return an != NULL && strcmp(an, name) == 0;
}

/* `path` made relative to a mount whose root is `root`: "/" when it is
 * outside (a cgroup namespace's "/.." or a mount of a subtree) */
static char *relative_to(const char *path, const char *root)
{
	size_t rlen = strlen(root);

	if (path == NULL || path[0] != '/' || strstr(path, "/..") != NULL)
		return xstrdup("/");
	if (strcmp(root, "/") == 0)
		return xstrdup(path);
	if (strncmp(path, root, rlen) != 0 || (path[rlen] != '/' && path[rlen] != '\0'))
		return xstrdup("/");
	return xstrdup(path[rlen] ? path + rlen : "/");
}

/* berth's cgroup for the hierarchy `name` ("" for cgroup2) in the text of
 * /proc/self/cgroup, or NULL */
static char *own_path(const char *proc_cgroup, const char *name, const char *root)
{
	for (const char *line = proc_cgroup; line != NULL && *line;) {
		const char *c1 = strchr(line, ':');
		const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		const char *eol = strchrnul(line, '\n');

		if (c2 != NULL && c2 < eol) {
			size_t len = (size_t)(c2 - c1 - 1);
			bool match = name[0] == '\0' ? len == 0 && strncmp(line, "0:", 2) == 0
						     : len > 0 && same_hierarchy(c1 + 1, len, name);

			if (match) {
				cleanup_free char *p = strndup(c2 + 1, (size_t)(eol - c2 - 1));

				return relative_to(p, root);
			}
		}
		line = *eol ? eol + 1 : NULL;
	}
	return NULL;
}

/* Rank of a cgroup2 mount point: the standard places first, so a cgroup2
 * bind-mounted elsewhere (e.g. into a container rootfs) is never chosen
 * over them.  */
static int mount_rank(const char *point)
{
	if (strcmp(point, CG_PURE_MOUNT) == 0)
		return 0;
	if (strcmp(point, CG_HYBRID_MOUNT) == 0)
		return 1;
	return 2;
}

struct mline {
	struct mountinfo_entry m;
	char *text; /* the line the entry points into */
};

/* A mount hidden by another one on the same mount point */
static bool hidden(const struct mline *all, size_t n, size_t i)
{
	for (size_t j = 0; j < n; j++)
		if (j != i && all[j].m.parent == all[i].m.id &&
		    strcmp(all[j].m.point, all[i].m.point) == 0)
			return true;
	return false;
}

/* the first visible mount of each v1 hierarchy (by device), in order */
static void add_v1(struct cg_layout *l, const struct mline *all, size_t n, size_t i,
		   const char *proc_cgroup)
{
	const struct mountinfo_entry *m = &all[i].m;
	char *name = NULL;
	unsigned bits = cg_v1_options(m->super_opts, &name);
	struct cg_v1h *h;

	for (size_t j = 0; j < i; j++)
		if (strcmp(all[j].m.fstype, "cgroup") == 0 && strcmp(all[j].m.dev, m->dev) == 0 &&
		    !hidden(all, n, j)) {
			free(name);
			return;
		}
	if (name == NULL)
		return;
	l->v1 = xreallocarray(l->v1, l->n_v1 + 1, sizeof(*l->v1));
	h = &l->v1[l->n_v1++];
	memset(h, 0, sizeof(*h));
	h->name = name;
	h->ctrls = bits;
	h->mount = xstrdup(m->point);
	h->own = own_path(proc_cgroup, name, m->root);
	if (h->own == NULL)
		h->own = xstrdup("/");
}

/* every line: a cgroup mount may be hidden by a mount of anything */
static struct mline *split_lines(char *text, size_t *n)
{
	struct mline *all = NULL;
	size_t cap = 0;

	*n = 0;
	for (char *save = NULL, *line = strtok_r(text, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			all = xreallocarray(all, cap, sizeof(*all));
		}
		all[*n].text = line;
		if (mountinfo_parse_line(line, &all[*n].m) && all[*n].m.dev != NULL)
			(*n)++;
	}
	return all;
}

int cg_layout_parse(const char *mountinfo, const char *proc_cgroup, const char *v2_ctrls,
		    struct cg_layout *l, struct error **err)
{
	cleanup_free char *text = xstrdup(mountinfo);
	size_t n;
	cleanup_free struct mline *all = split_lines(text, &n);
	const char *v2_root = NULL;
	int best_rank = 99;

	memset(l, 0, sizeof(*l));
	for (size_t i = 0; i < n; i++) {
		const struct mountinfo_entry *m = &all[i].m;

		if (strncmp(m->fstype, "cgroup", 6) != 0 || hidden(all, n, i))
			continue;
		if (strcmp(m->fstype, "cgroup") == 0) {
			add_v1(l, all, n, i, proc_cgroup);
		} else if (strcmp(m->fstype, "cgroup2") == 0 && mount_rank(m->point) < best_rank) {
			best_rank = mount_rank(m->point);
			free(l->mount);
			l->mount = xstrdup(m->point);
			v2_root = m->root;
		}
	}
	if (l->mount != NULL) {
		l->own = own_path(proc_cgroup, "", v2_root);
		if (l->own == NULL)
			l->own = xstrdup("/");
		l->v2_ctrls = cg_ctrl_parse_list(v2_ctrls) & CG_V2_CTRLS;
	}
	l->hybrid = l->mount != NULL && l->n_v1 > 0;
	(void)err;
	return 0;
}

/* A pure cgroup2 host, as most are: /proc/self/cgroup has the "0::" line
 * alone (no v1 hierarchy exists) and /sys/fs/cgroup is the visible cgroup2
 * mount there — the very one cg_layout_parse ranks first.  Its root from
 * statmount is then all the mount table would have told (~25 us to read
 * and parse in a new process).  false: ask the table.  (`point` is
 * CG_PURE_MOUNT but in tests.)  */
bool cg_layout_pure_v2(const char *proc_cgroup, const char *point, struct cg_layout *l)
{
	cleanup_free char *root = NULL;
	const char *eol = strchr(proc_cgroup, '\n');

	memset(l, 0, sizeof(*l));
	if (strncmp(proc_cgroup, "0::/", 4) != 0 || eol == NULL || eol[1] != '\0' ||
	    !mountinfo_top_of(point, "cgroup2", &root))
		return false;
	l->mount = xstrdup(point);
	l->own = own_path(proc_cgroup, "", root);
	if (l->own == NULL)
		l->own = xstrdup("/");
	return true;
}

int cg_layout_find(struct cg_layout *l, struct error **err)
{
	cleanup_free char *mountinfo = NULL, *proc_cgroup = NULL, *ctrls = NULL;
	cleanup_free char *mount = NULL;

	memset(l, 0, sizeof(*l));
	if (read_file_at(AT_FDCWD, "/proc/self/cgroup", &proc_cgroup, NULL, err) < 0)
		return -1;
	if (!cg_layout_pure_v2(proc_cgroup, CG_PURE_MOUNT, l) &&
	    (read_file_at(AT_FDCWD, "/proc/self/mountinfo", &mountinfo, NULL, err) < 0 ||
	     cg_layout_parse(mountinfo, proc_cgroup, NULL, l, err) < 0))
		return -1;
	if (l->mount != NULL) {
		mount = xasprintf("%s/cgroup.controllers", l->mount);
		ctrls = read_file_or_null(AT_FDCWD, mount);
		l->v2_ctrls = cg_ctrl_parse_list(ctrls) & CG_V2_CTRLS;
	}
	return 0;
}

void cg_layout_clear(struct cg_layout *l)
{
	for (size_t i = 0; i < l->n_v1; i++) {
		free(l->v1[i].name);
		free(l->v1[i].mount);
		free(l->v1[i].own);
	}
	free(l->v1);
	free(l->mount);
	free(l->own);
	memset(l, 0, sizeof(*l));
}

int cg_home(const struct cg_homes *h, unsigned ctrl)
{
	if (h == NULL)
		return CG_HOME_V2;
	if (ctrl == 0)
		return h->core;
	return h->of[__builtin_ctz(ctrl)];
}

void cg_layout_homes(const struct cg_layout *l, struct cg_homes *h)
{
	h->core = l->mount != NULL ? CG_HOME_V2 : CG_HOME_NONE;
	h->has_v1 = l->n_v1 > 0;
	for (unsigned i = 0; i < CG_N_CTRLS; i++) {
		unsigned bit = 1u << i;

		h->of[i] = CG_HOME_NONE;
		if (l->mount != NULL && (l->v2_ctrls & bit)) {
			h->of[i] = CG_HOME_V2;
			continue;
		}
		for (size_t j = 0; j < l->n_v1; j++)
			if (l->v1[j].ctrls & bit) {
				h->of[i] = (int)j;
				break;
			}
	}
}

char *cg_mount_of(const char *path)
{
	return mountinfo_mount_of(path, "cgroup2");
}
