/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/query.c — state, list, ps, update, events: verbs that read a
 * container (or change only its cgroup).  */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/mem.h"
#include "core/jsonw.h"
#include "runtime/container.h"
#include "runtime/runtime.h"

static void state_json(struct container *c, struct jsonw *w)
{
	enum container_status s = container_status(c);
	pid_t saved = c->st.pid;

	/* the OCI state says pid 0 once stopped */
	if (s == STATUS_STOPPED || s == STATUS_CREATING)
		c->st.pid = 0;
	spec_state_write(w, &c->st, s == STATUS_CREATING ? "creating" : container_status_name(s),
			 false);
	c->st.pid = saved;
}

int rt_state(const struct rt_global *g, const char *id, char **out, struct error **err)
{
	struct container c;
	cleanup_jsonw struct jsonw *w = jsonw_new();
	int rc = -1;

	jsonw_set_pretty(w, true);
	if (container_open(g->root, id, false, &c, err) == 0) {
		state_json(&c, w);
		*out = xstrdup(jsonw_buf(w));
		rc = 0;
	}
	container_close(&c);
	return rc;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct rt_list_entry *)a)->id, ((const struct rt_list_entry *)b)->id);
}

/* the entry of one state dir, or false when it holds no container (yet,
 * or any more) */
static bool list_entry(const struct rt_global *g, const char *id, struct rt_list_entry *e)
{
	struct container c;
	struct error *skip = NULL;
	enum container_status s;
	bool ok = container_open(g->root, id, false, &c, &skip) == 0 && c.st.created != NULL;

	error_free(skip);
	if (ok) {
		s = container_status(&c);
		*e = (struct rt_list_entry){
			.id = xstrdup(c.st.id),
			.pid = s == STATUS_STOPPED ? 0 : c.st.pid,
			.status = xstrdup(container_status_name(s)),
			.bundle = xstrdup(c.st.bundle),
			.created = xstrdup(c.st.created),
			.owner = xstrdup(c.st.owner ? c.st.owner : ""),
		};
	}
	container_close(&c);
	return ok;
}

static char *list_json(const struct rt_global *g, const struct rt_list_entry *v, size_t n)
{
	cleanup_jsonw struct jsonw *w = jsonw_new();

	jsonw_arr_open(w);
	for (size_t i = 0; i < n; i++) {
		struct container c;
		struct error *skip = NULL;

		if (container_open(g->root, v[i].id, false, &c, &skip) == 0)
			state_json(&c, w);
		error_free(skip);
		container_close(&c);
	}
	jsonw_arr_close(w);
	return xstrdup(jsonw_buf(w));
}

int rt_list(const struct rt_global *g, struct rt_list_entry **entries, size_t *n, char **json_out,
	    struct error **err)
{
	cleanup_closedir DIR *d = NULL;
	struct rt_list_entry *v = NULL;
	size_t count = 0, cap = 0;
	struct dirent *de;
	int fd = container_root_open(g->root, false, err);

	*entries = NULL;
	*n = 0;
	if (fd < 0 && (*err)->errnum != ENOENT)
		return -1;
	error_freep(err);
	if (fd >= 0 && (d = fdopendir(fd)) == NULL) {
		close(fd);
		return error_set(err, errno, "open state root '%s'", g->root);
	}
	while (d != NULL && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || de->d_type != DT_DIR)
			continue;
		if (count == cap) {
			cap = cap ? cap * 2 : 16;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		if (list_entry(g, de->d_name, &v[count]))
			count++;
	}
	if (count > 1)
		qsort(v, count, sizeof(*v), cmp_entry);
	if (json_out != NULL)
		*json_out = list_json(g, v, count);
	*entries = v;
	*n = count;
	return 0;
}

void rt_list_free(struct rt_list_entry *entries, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(entries[i].id);
		free(entries[i].status);
		free(entries[i].bundle);
		free(entries[i].created);
		free(entries[i].owner);
	}
	free(entries);
}

/* the container's cgroup, opened; "no cgroup" is an error for these verbs */
static int open_cgroup(const struct rt_global *g, const char *id, bool running, struct cg **cg,
		       struct error **err)
{
	struct container c;
	int rc = -1;

	*cg = NULL;
	if (container_open(g->root, id, false, &c, err) < 0)
		goto out;
	if (running && container_status(&c) == STATUS_STOPPED) {
		error_set(err, 0, "container not running");
		goto out;
	}
	if (!container_has_cgroup(&c)) {
		error_set(err, 0, "container \"%s\" has no cgroup", id);
		goto out;
	}
	rc = container_cgroup_open(&c, cg, err);
out:
	container_close(&c);
	return rc;
}

int rt_ps(const struct rt_global *g, const char *id, pid_t **pids, size_t *n, struct error **err)
{
	struct cg *cg = NULL;
	int rc = open_cgroup(g, id, false, &cg, err);

	if (rc == 0)
		rc = cg_pids(cg, pids, n, err);
	cg_free(cg);
	return rc;
}

int rt_update(const struct rt_global *g, const char *id, const struct spec_resources *res,
	      struct error **err)
{
	struct cg *cg = NULL;
	int rc = open_cgroup(g, id, true, &cg, err);

	if (rc == 0)
		rc = cg_update(cg, res, err);
	cg_free(cg);
	return rc;
}

int rt_events(const struct rt_global *g, const char *id, bool stats_only, unsigned interval_ms,
	      struct error **err)
{
	struct cg *cg = NULL;
	int rc = open_cgroup(g, id, true, &cg, err);

	if (rc == 0)
		rc = cg_events_run(cg, id, stats_only, interval_ms, STDOUT_FILENO, err);
	cg_free(cg);
	return rc;
}
