/* SPDX-License-Identifier: Apache-2.0 */
/* netns/files.c — the text of a container's /etc/hosts, /etc/hostname and
 * /etc/resolv.conf, and their copies in a state dir (create writes them
 * for a new container, restore for a restored one).  Binding them into
 * the container is rootfs/binds.c's. */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/file.h"
#include "core/mem.h"
#include "netns/netns.h"

/* RFC 1123 labels: letters, digits and inner hyphens, dot-separated, at
 * most 253 bytes.  Anything else could break the line format of
 * /etc/hosts (a space or newline would add names or entries).  */
static bool hostname_is_valid(const char *name)
{
	size_t len = name != NULL ? strlen(name) : 0, label = 0;

	if (len == 0 || len > 253)
		return false;
	for (const char *p = name; *p != '\0'; p++) {
		if (*p == '.') {
			if (label == 0 || p[-1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)*p) && *p != '-')
			return false;
		if ((*p == '-' && label == 0) || ++label > 63)
			return false;
	}
	return label != 0 && name[len - 1] != '-';
}

#define LOCALHOST_LINES                                                                            \
	"127.0.0.1\tlocalhost\n"                                                                   \
	"::1\tlocalhost ip6-localhost ip6-loopback\n"

char *netns_hosts_file(const struct netns_lease *lease, const char *hostname)
{
	if (hostname == NULL)
		return xstrdup(LOCALHOST_LINES);
	if (!hostname_is_valid(hostname)) {
		errno = EINVAL;
		return NULL;
	}
	/* the container's own name resolves to its bridge address when it
	 * has one (what other containers reach it by), else to loopback */
	return xasprintf(LOCALHOST_LINES "%s\t%s\n", lease != NULL ? lease->address : "127.0.1.1",
			 hostname);
}

char *netns_hostname_file(const char *hostname)
{
	if (!hostname_is_valid(hostname)) {
		errno = EINVAL;
		return NULL;
	}
	return xasprintf("%s\n", hostname);
}

char *netns_resolv_conf(void)
{
	return xstrdup("# berth: this network has no DNS server.  Names come "
		       "from /etc/hosts;\n"
		       "# lookups go to the container's own loopback, where "
		       "nothing listens,\n"
		       "# so they fail at once instead of timing out.\n"
		       "nameserver 127.0.0.1\n"
		       "options timeout:1 attempts:1\n");
}

static int write_one(int dirfd, const char *name, char *text, struct error **err)
{
	int rc;

	if (text == NULL)
		return error_set(err, errno, "network: %s", name);
	rc = atomic_write_at(dirfd, name, text, strlen(text), 0644, err);
	free(text);
	return rc < 0 ? error_wrap(err, "network: %s", name) : 0;
}

int netns_write_etc_files(int dirfd, const struct netns_lease *lease, const char *hostname,
			  struct error **err)
{
	if (write_one(dirfd, "hosts", netns_hosts_file(lease, hostname), err) < 0 ||
	    write_one(dirfd, "hostname", netns_hostname_file(hostname), err) < 0 ||
	    write_one(dirfd, "resolv.conf", netns_resolv_conf(), err) < 0)
		return -1;
	return 0;
}
