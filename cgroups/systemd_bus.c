/* SPDX-License-Identifier: Apache-2.0 */
/* cgroups/systemd_bus.c — asking systemd for a container's scope, over
 * D-Bus with libdbus-1 (the reference implementation, linked statically;
 * the only file that includes dbus.h).  What to ask: systemd.c.
 *
 * Which manager: root talks to the system manager on the system bus
 * ($DBUS_SYSTEM_BUS_ADDRESS, else /run/dbus/system_bus_socket), as runc
 * and crun do, and only when no bus daemon answers there on systemd's
 * private socket (/run/systemd/private: no Hello, signals come unasked),
 * which systemd(1) calls internal to systemctl and not for other
 * projects; an unprivileged user to its own manager on the session bus
 * ($DBUS_SESSION_BUS_ADDRESS, else $XDG_RUNTIME_DIR/bus).  Without
 * systemd as PID 1 (no /run/systemd/system) nothing is tried.
 *
 * A unit's job is waited for: the scope, its cgroup and the pid's move
 * exist only once systemd has run it (JobRemoved with result "done").  A
 * property this systemd does not know fails the call as read-only; it is
 * dropped and the call made again, as crun does.  */
#define _GNU_SOURCE
#include <dbus/dbus.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "core/cleanup.h"
#include "core/log.h"
#include "core/mem.h"

#define SD_DEST	   "org.freedesktop.systemd1"
#define SD_PATH	   "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"
#define JOB_MATCH                                                                                  \
	"type='signal',sender='" SD_DEST "',interface='" SD_MANAGER "',member='JobRemoved',"       \
	"path='" SD_PATH "'"
#define CALL_TIMEOUT_MS 25000
#define JOB_TIMEOUT_MS	30000
#define MAX_RETRIES	16

struct cg_bus {
	DBusConnection *c;
	char *address; /* for messages */
};

static void msg_unref(DBusMessage **m)
{
	if (*m != NULL)
		dbus_message_unref(*m);
}
#define cleanup_dbus_msg __attribute__((cleanup(msg_unref)))

static void derror_clear(DBusError *e)
{
	if (dbus_error_is_set(e))
		dbus_error_free(e);
}
#define cleanup_derror __attribute__((cleanup(derror_clear)))

bool cg_systemd_running(void)
{
	struct stat st;

	return stat("/run/systemd/system", &st) == 0 && S_ISDIR(st.st_mode);
}

static DBusConnection *connect_to(const char *address, bool hello, DBusError *e)
{
	DBusConnection *c = dbus_connection_open_private(address, e);

	if (c == NULL)
		return NULL;
	/* never _exit() on a lost connection, never leave SIGPIPE ignored
	 * for the hooks and processes berth starts */
	dbus_connection_set_exit_on_disconnect(c, FALSE);
	if (!hello)
		return c;
	/* on a bus, JobRemoved reaches only who asked for it */
	if (dbus_bus_register(c, e))
		dbus_bus_add_match(c, JOB_MATCH, e);
	if (!dbus_error_is_set(e))
		return c;
	dbus_connection_close(c);
	dbus_connection_unref(c);
	return NULL;
}

static char *user_bus_address(void)
{
	const char *env = getenv("DBUS_SESSION_BUS_ADDRESS");
	const char *xdg = getenv("XDG_RUNTIME_DIR");

	if (env != NULL && env[0] != '\0')
		return xstrdup(env);
	return xdg != NULL && xdg[0] == '/' ? xasprintf("unix:path=%s/bus", xdg) : NULL;
}

int cg_bus_open(bool user, struct cg_bus **out, struct error **err)
{
	cleanup_derror DBusError e = DBUS_ERROR_INIT;
	struct cg_bus *b;
	const char *sys = getenv("DBUS_SYSTEM_BUS_ADDRESS");

	*out = NULL;
	if (!cg_systemd_running())
		return error_set(
			err, 0,
			"systemd cgroup driver: systemd is not running as init here (no "
			"/run/systemd/system), so no manager can make the container's scope");
	dbus_connection_set_change_sigpipe(FALSE);
	b = xcalloc(1, sizeof(*b));
	if (user) {
		b->address = user_bus_address();
		if (b->address == NULL) {
			free(b);
			return error_set(err, 0,
					 "systemd cgroup driver: no user bus (neither "
					 "DBUS_SESSION_BUS_ADDRESS nor XDG_RUNTIME_DIR is set)");
		}
		b->c = connect_to(b->address, true, &e);
	} else {
		b->address = xstrdup(
			sys != NULL && sys[0] ? sys : "unix:path=/run/dbus/system_bus_socket");
		b->c = connect_to(b->address, true, &e);
		/* a system without a bus daemon (yet): the manager itself */
		if (b->c == NULL && geteuid() == 0) {
			log_debug("systemd: no system bus at '%s' (%s); trying the private socket",
				  b->address, e.message ? e.message : "connection failed");
			derror_clear(&e);
			dbus_error_init(&e);
			free(b->address);
			b->address = xstrdup("unix:path=/run/systemd/private");
			b->c = connect_to(b->address, false, &e);
		}
	}
	if (b->c == NULL) {
		error_set(err, 0, "systemd cgroup driver: no systemd manager reachable at '%s': %s",
			  b->address, e.message ? e.message : "connection failed");
		cg_bus_close(b);
		return -1;
	}
	*out = b;
	return 0;
}

void cg_bus_close(struct cg_bus *b)
{
	if (b == NULL)
		return;
	if (b->c != NULL) {
		dbus_connection_close(b->c);
		dbus_connection_unref(b->c);
	}
	free(b->address);
	free(b);
}

/* ---- message building -------------------------------------------------- */

static bool append_array(DBusMessageIter *v, const struct cg_prop *p)
{
	DBusMessageIter a;
	const void *data = p->array;
	bool ok;

	if (!dbus_message_iter_open_container(v, DBUS_TYPE_ARRAY,
					      p->kind == CG_PROP_U32S ? "u" : "y", &a))
		return false;
	ok = dbus_message_iter_append_fixed_array(
		&a, p->kind == CG_PROP_U32S ? DBUS_TYPE_UINT32 : DBUS_TYPE_BYTE, &data, (int)p->n);
	return dbus_message_iter_close_container(v, &a) && ok;
}

static bool append_pairs(DBusMessageIter *v, char *const *pairs)
{
	DBusMessageIter a, st;

	if (!dbus_message_iter_open_container(v, DBUS_TYPE_ARRAY, "(ss)", &a))
		return false;
	for (size_t i = 0; pairs[i] != NULL && pairs[i + 1] != NULL; i += 2) {
		if (!dbus_message_iter_open_container(&a, DBUS_TYPE_STRUCT, NULL, &st) ||
		    !dbus_message_iter_append_basic(&st, DBUS_TYPE_STRING, &pairs[i]) ||
		    !dbus_message_iter_append_basic(&st, DBUS_TYPE_STRING, &pairs[i + 1]) ||
		    !dbus_message_iter_close_container(&a, &st))
			return false;
	}
	return dbus_message_iter_close_container(v, &a);
}

static const char *signature(enum cg_prop_kind k)
{
	static const char *const sig[] = {
		[CG_PROP_U64] = "t",   [CG_PROP_BOOL] = "b",   [CG_PROP_STR] = "s",
		[CG_PROP_U32S] = "au", [CG_PROP_BYTES] = "ay", [CG_PROP_PAIRS] = "a(ss)"};

	return sig[k];
}

static bool append_value(DBusMessageIter *v, const struct cg_prop *p)
{
	dbus_uint64_t u = p->u64;
	dbus_bool_t b = p->u64 != 0; /* four bytes, not C's bool */

	switch (p->kind) {
	case CG_PROP_U64: return dbus_message_iter_append_basic(v, DBUS_TYPE_UINT64, &u);
	case CG_PROP_BOOL: return dbus_message_iter_append_basic(v, DBUS_TYPE_BOOLEAN, &b);
	case CG_PROP_STR: return dbus_message_iter_append_basic(v, DBUS_TYPE_STRING, &p->str);
	case CG_PROP_PAIRS: return append_pairs(v, p->array);
	default: return append_array(v, p);
	}
}

/* a(sv) */
static bool append_props(DBusMessageIter *it, const struct cg_props *props)
{
	DBusMessageIter arr, st, v;

	if (!dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, "(sv)", &arr))
		return false;
	for (size_t i = 0; i < props->n; i++) {
		const struct cg_prop *p = &props->v[i];

		if (!dbus_message_iter_open_container(&arr, DBUS_TYPE_STRUCT, NULL, &st) ||
		    !dbus_message_iter_append_basic(&st, DBUS_TYPE_STRING, &p->name) ||
		    !dbus_message_iter_open_container(&st, DBUS_TYPE_VARIANT, signature(p->kind),
						      &v) ||
		    !append_value(&v, p) || !dbus_message_iter_close_container(&st, &v) ||
		    !dbus_message_iter_close_container(&arr, &st))
			return false;
	}
	return dbus_message_iter_close_container(it, &arr);
}

static DBusMessage *manager_call(const char *method)
{
	return dbus_message_new_method_call(SD_DEST, SD_PATH, SD_MANAGER, method);
}

/* ---- calls ------------------------------------------------------------- */

/* Send m; the reply, or NULL with *e set */
static DBusMessage *call(struct cg_bus *b, DBusMessage *m, DBusError *e)
{
	return dbus_connection_send_with_reply_and_block(b->c, m, CALL_TIMEOUT_MS, e);
}

/* "Cannot set property X, or unknown property." names the property */
static bool drop_unknown_property(struct cg_props *props, const DBusError *e)
{
	const char *msg = e->message, *at, *end;
	char name[128];

	if (e->name == NULL ||
	    strcmp(e->name, "org.freedesktop.DBus.Error.PropertyReadOnly") != 0 || msg == NULL ||
	    (at = strstr(msg, "property ")) == NULL)
		return false;
	at += strlen("property ");
	end = strchr(at, ',');
	if (end == NULL || (size_t)(end - at) >= sizeof(name))
		return false;
	memcpy(name, at, (size_t)(end - at));
	name[end - at] = '\0';
	log_debug("systemd: this manager does not know %s; asking without it", name);
	for (size_t i = 0; i < props->n; i++)
		if (strcmp(props->v[i].name, name) == 0) {
			cg_props_remove(props, name);
			return true;
		}
	return false;
}

/* the JobRemoved of `job`: 0 and its result, or -1 on timeout/loss */
static int wait_job(struct cg_bus *b, const char *job, char *result, size_t len, struct error **err)
{
	struct timespec start, now;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		DBusMessage *s;
		long elapsed;

		while ((s = dbus_connection_pop_message(b->c)) != NULL) {
			dbus_uint32_t id;
			const char *path, *unit, *res;
			bool mine = dbus_message_is_signal(s, SD_MANAGER, "JobRemoved") &&
				    dbus_message_get_args(s, NULL, DBUS_TYPE_UINT32, &id,
							  DBUS_TYPE_OBJECT_PATH, &path,
							  DBUS_TYPE_STRING, &unit, DBUS_TYPE_STRING,
							  &res, DBUS_TYPE_INVALID) &&
				    strcmp(path, job) == 0;

			if (mine)
				snprintf(result, len, "%s", res);
			dbus_message_unref(s);
			if (mine)
				return 0;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		elapsed = (now.tv_sec - start.tv_sec) * 1000 +
			  (now.tv_nsec - start.tv_nsec) / 1000000;
		if (elapsed >= JOB_TIMEOUT_MS)
			return error_set(err, ETIMEDOUT, "systemd: job %s did not finish", job);
		if (!dbus_connection_read_write(b->c, (int)(JOB_TIMEOUT_MS - elapsed)))
			return error_set(err, ECONNRESET, "systemd: connection lost waiting for %s",
					 job);
	}
}

/* a method returning a job path, then the job's end */
static int run_job(struct cg_bus *b, DBusMessage *m, const char *unit, const char *what,
		   DBusError *e, struct error **err)
{
	cleanup_dbus_msg DBusMessage *r = call(b, m, e);
	const char *path;
	cleanup_free char *job = NULL;
	char result[32];

	if (r == NULL)
		return -1; /* the caller reads e */
	if (!dbus_message_get_args(r, e, DBUS_TYPE_OBJECT_PATH, &path, DBUS_TYPE_INVALID))
		return error_set(err, EPROTO, "systemd: %s '%s': %s", what, unit, e->message);
	job = xstrdup(path);
	if (wait_job(b, job, result, sizeof(result), err) < 0)
		return error_wrap(err, "%s '%s'", what, unit);
	if (strcmp(result, "done") != 0)
		return error_set(err, 0, "systemd: %s '%s': the job ended \"%s\"", what, unit,
				 result);
	return 0;
}

static void reset_failed(struct cg_bus *b, const char *unit)
{
	cleanup_dbus_msg DBusMessage *m = manager_call("ResetFailedUnit");
	cleanup_dbus_msg DBusMessage *r = NULL;
	cleanup_derror DBusError e = DBUS_ERROR_INIT;

	if (m == NULL || !dbus_message_append_args(m, DBUS_TYPE_STRING, &unit, DBUS_TYPE_INVALID))
		return;
	r = call(b, m, &e); /* a unit that is gone: nothing to reset */
}

static DBusMessage *start_message(const char *unit, const struct cg_props *props)
{
	DBusMessage *m = manager_call("StartTransientUnit");
	const char *mode = "fail";
	DBusMessageIter it, aux;

	if (m == NULL)
		return NULL;
	dbus_message_iter_init_append(m, &it);
	if (!dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &unit) ||
	    !dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &mode) ||
	    !append_props(&it, props) ||
	    !dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "(sa(sv))", &aux) ||
	    !dbus_message_iter_close_container(&it, &aux)) {
		dbus_message_unref(m);
		return NULL;
	}
	return m;
}

int cg_bus_start_scope(struct cg_bus *b, const char *unit, struct cg_props *props,
		       struct error **err)
{
	bool reset = false;

	for (int tries = 0; tries < MAX_RETRIES; tries++) {
		cleanup_dbus_msg DBusMessage *m = start_message(unit, props);
		cleanup_derror DBusError e = DBUS_ERROR_INIT;

		if (m == NULL)
			return error_set(err, ENOMEM, "systemd: StartTransientUnit '%s'", unit);
		if (run_job(b, m, unit, "start scope", &e, err) == 0)
			return 0;
		if (!dbus_error_is_set(&e))
			return -1;
		if (drop_unknown_property(props, &e))
			continue;
		/* a failed unit of that name left behind: reset it, once */
		if (!reset && strcmp(e.name, "org.freedesktop.systemd1.UnitExists") == 0) {
			reset = true;
			reset_failed(b, unit);
			continue;
		}
		return error_set(err, 0, "systemd: start scope '%s': %s", unit, e.message);
	}
	return error_set(err, 0, "systemd: start scope '%s': too many retries", unit);
}

int cg_bus_set_props(struct cg_bus *b, const char *unit, struct cg_props *props, struct error **err)
{
	for (int tries = 0; tries < MAX_RETRIES; tries++) {
		cleanup_dbus_msg DBusMessage *m = manager_call("SetUnitProperties");
		cleanup_dbus_msg DBusMessage *r = NULL;
		cleanup_derror DBusError e = DBUS_ERROR_INIT;
		dbus_bool_t runtime = TRUE;
		DBusMessageIter it;

		if (m == NULL)
			return error_set(err, ENOMEM, "systemd: SetUnitProperties '%s'", unit);
		dbus_message_iter_init_append(m, &it);
		if (!dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &unit) ||
		    !dbus_message_iter_append_basic(&it, DBUS_TYPE_BOOLEAN, &runtime) ||
		    !append_props(&it, props))
			return error_set(err, ENOMEM, "systemd: SetUnitProperties '%s'", unit);
		r = call(b, m, &e);
		if (r != NULL)
			return 0;
		if (drop_unknown_property(props, &e))
			continue;
		return error_set(err, 0, "systemd: set properties of '%s': %s", unit, e.message);
	}
	return error_set(err, 0, "systemd: set properties of '%s': too many retries", unit);
}

int cg_bus_stop_unit(struct cg_bus *b, const char *unit, struct error **err)
{
	cleanup_dbus_msg DBusMessage *m = manager_call("StopUnit");
	cleanup_derror DBusError e = DBUS_ERROR_INIT;
	const char *mode = "replace";
	int rc;

	if (m == NULL || !dbus_message_append_args(m, DBUS_TYPE_STRING, &unit, DBUS_TYPE_STRING,
						   &mode, DBUS_TYPE_INVALID))
		return error_set(err, ENOMEM, "systemd: StopUnit '%s'", unit);
	rc = run_job(b, m, unit, "stop scope", &e, err);
	/* a scope whose last process died is gone already: that is stopped */
	if (rc < 0 && dbus_error_is_set(&e)) {
		if (strcmp(e.name, "org.freedesktop.systemd1.NoSuchUnit") != 0)
			return error_set(err, 0, "systemd: stop scope '%s': %s", unit, e.message);
		rc = 0;
	}
	reset_failed(b, unit);
	return rc;
}
