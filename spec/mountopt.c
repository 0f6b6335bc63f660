/* SPDX-License-Identifier: Apache-2.0 */
/* spec/mountopt.c — fstab-style mount options to what mount(2) and
 * mount_setattr(2) take.
 *
 * The tables are the ones runc documents (and `berth features` reports):
 * MS_* flags set or cleared, propagation, the recursive "r*" attributes
 * applied with mount_setattr(AT_RECURSIVE), and runc's "tmpcopyup"
 * extension.  Whatever is not in a table is filesystem data ("mode=755",
 * "size=64k") and is passed on, comma-joined, as mount(2)'s data.  Later
 * options win over earlier ones, as with mount(8).  */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "core/mem.h"
#include "spec/internal.h"

struct mount_flag {
	const char *name;
	bool clear;
	unsigned long flag;
};

static const struct mount_flag mount_flags[] = {
	{"defaults", false, 0},
	{"ro", false, MS_RDONLY},
	{"rw", true, MS_RDONLY},
	{"nosuid", false, MS_NOSUID},
	{"suid", true, MS_NOSUID},
	{"nodev", false, MS_NODEV},
	{"dev", true, MS_NODEV},
	{"noexec", false, MS_NOEXEC},
	{"exec", true, MS_NOEXEC},
	{"sync", false, MS_SYNCHRONOUS},
	{"async", true, MS_SYNCHRONOUS},
	{"dirsync", false, MS_DIRSYNC},
	{"remount", false, MS_REMOUNT},
	{"mand", false, MS_MANDLOCK},
	{"nomand", true, MS_MANDLOCK},
	{"noatime", false, MS_NOATIME},
	{"atime", true, MS_NOATIME},
	{"nodiratime", false, MS_NODIRATIME},
	{"diratime", true, MS_NODIRATIME},
	{"relatime", false, MS_RELATIME},
	{"norelatime", true, MS_RELATIME},
	{"strictatime", false, MS_STRICTATIME},
	{"nostrictatime", true, MS_STRICTATIME},
	{"lazytime", false, MS_LAZYTIME},
	{"nolazytime", true, MS_LAZYTIME},
	{"iversion", false, MS_I_VERSION},
	{"noiversion", true, MS_I_VERSION},
	{"silent", false, MS_SILENT},
	{"loud", true, MS_SILENT},
	{"nosymfollow", false, MS_NOSYMFOLLOW},
	{"symfollow", true, MS_NOSYMFOLLOW},
	{"bind", false, MS_BIND},
	{"rbind", false, MS_BIND | MS_REC},
};

static const struct name_value propagations[] = {
	{"private", MS_PRIVATE},       {"rprivate", MS_PRIVATE | MS_REC},
	{"shared", MS_SHARED},	       {"rshared", MS_SHARED | MS_REC},
	{"slave", MS_SLAVE},	       {"rslave", MS_SLAVE | MS_REC},
	{"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
};

struct rec_attr {
	const char *name;
	bool clear;
	uint64_t attr;
};

static const struct rec_attr rec_attrs[] = {
	{"rro", false, MOUNT_ATTR_RDONLY},
	{"rrw", true, MOUNT_ATTR_RDONLY},
	{"rnosuid", false, MOUNT_ATTR_NOSUID},
	{"rsuid", true, MOUNT_ATTR_NOSUID},
	{"rnodev", false, MOUNT_ATTR_NODEV},
	{"rdev", true, MOUNT_ATTR_NODEV},
	{"rnoexec", false, MOUNT_ATTR_NOEXEC},
	{"rexec", true, MOUNT_ATTR_NOEXEC},
	{"rnodiratime", false, MOUNT_ATTR_NODIRATIME},
	{"rdiratime", true, MOUNT_ATTR_NODIRATIME},
	{"rrelatime", false, MOUNT_ATTR_RELATIME},
	{"rnorelatime", true, MOUNT_ATTR_RELATIME},
	{"rnoatime", false, MOUNT_ATTR_NOATIME},
	{"ratime", true, MOUNT_ATTR_NOATIME},
	{"rstrictatime", false, MOUNT_ATTR_STRICTATIME},
	{"rnostrictatime", true, MOUNT_ATTR_STRICTATIME},
	{"rnosymfollow", false, MOUNT_ATTR_NOSYMFOLLOW},
	{"rsymfollow", true, MOUNT_ATTR_NOSYMFOLLOW},
};

static bool apply_flag(struct spec_mount *m, const char *o)
{
	for (size_t i = 0; i < ARRAY_SIZE(mount_flags); i++) {
		const struct mount_flag *f = &mount_flags[i];

		if (strcmp(f->name, o) != 0)
			continue;
		if (f->clear) {
			m->flags &= ~f->flag;
			m->clear_flags |= f->flag;
		} else {
			m->flags |= f->flag;
			m->clear_flags &= ~f->flag;
		}
		return true;
	}
	return false;
}

static bool apply_rec_attr(struct spec_mount *m, const char *o)
{
	for (size_t i = 0; i < ARRAY_SIZE(rec_attrs); i++) {
		const struct rec_attr *a = &rec_attrs[i];

		if (strcmp(a->name, o) != 0)
			continue;
		if (a->clear) {
			m->rec_attr_clr |= a->attr;
			m->rec_attr_set &= ~a->attr;
			return true;
		}
		m->rec_attr_set |= a->attr;
		m->rec_attr_clr &= ~a->attr;
		/* mount_setattr(2): an access-time mode in attr_set needs
		 * MOUNT_ATTR__ATIME in attr_clr (RELATIME is 0: same rule) */
		if ((a->attr & MOUNT_ATTR__ATIME) == a->attr)
			m->rec_attr_clr |= MOUNT_ATTR__ATIME;
		return true;
	}
	return false;
}

/* "idmap", "ridmap" (runtime-spec 1.2); crun's "idmap=uids=..." is
 * refused: the spec's uidMappings and gidMappings say the same */
static int apply_idmap(struct spec_mount *m, const char *o, const char *where, bool *done,
		       struct error **err)
{
	*done = true;
	if (strcmp(o, "idmap") == 0 || strcmp(o, "ridmap") == 0) {
		m->idmap = true;
		m->idmap_recursive = o[0] == 'r';
		return 0;
	}
	if (strncmp(o, "idmap=", 6) == 0 || strncmp(o, "ridmap=", 7) == 0)
		return error_set(err, 0,
				 "%s: %s: mappings in the option (crun's form) are not supported: "
				 "give uidMappings and gidMappings",
				 where, quote(o).s);
	*done = false;
	return 0;
}

static void append_data(char **data, size_t *len, const char *o)
{
	size_t n = strlen(o);
	*data = xrealloc(*data, *len + n + 2);
	if (*len > 0)
		(*data)[(*len)++] = ',';
	memcpy(*data + *len, o, n + 1);
	*len += n;
}

int spec_mount_options_decode(struct spec_mount *m, char *const *options, const char *where,
			      struct error **err)
{
	size_t data_len = 0;
	long prop;

	m->flags = m->clear_flags = m->propagation = 0;
	m->rec_attr_set = m->rec_attr_clr = 0;
	m->idmap = m->idmap_recursive = false;
	free(m->data);
	m->data = NULL;
	for (size_t i = 0; options != NULL && options[i] != NULL; i++) {
		const char *o = options[i];
		bool done;

		if (o[0] == '\0' || apply_flag(m, o) || apply_rec_attr(m, o))
			continue;
		if (apply_idmap(m, o, where, &done, err) < 0)
			return -1;
		if (done)
			continue;
		if (name_lookup(propagations, ARRAY_SIZE(propagations), o, &prop))
			m->propagation = (unsigned long)prop;
		else if (strcmp(o, "tmpcopyup") == 0)
			m->tmpcopyup = true;
		else if (strcmp(o, "notmpcopyup") == 0)
			m->tmpcopyup = false;
		else
			append_data(&m->data, &data_len, o);
	}
	/* the type is a no-op for bind mounts, and "bind" alone means one,
	 * as in crun: a plain (non-recursive) bind */
	if (m->type != NULL && strcmp(m->type, "bind") == 0)
		m->flags |= MS_BIND;
	m->bind = (m->flags & MS_BIND) != 0;
	return 0;
}
