/* SPDX-License-Identifier: Apache-2.0 */
/* cgroups/systemd_static.c — linked only into the static berth: libdbus-1's
 * archive holds, beside the client berth uses, a bus *server's* socket
 * activation, which needs libsystemd's sd_listen_fds() and sd_is_socket();
 * Debian ships no static libsystemd.  berth never listens for D-Bus
 * clients, so these are never called: they say "no socket passed".  */
#include <sys/types.h>

int sd_listen_fds(int unset_environment);
int sd_is_socket(int fd, int family, int type, int listening);

int sd_listen_fds(int unset_environment)
{
	(void)unset_environment;
	return 0;
}

int sd_is_socket(int fd, int family, int type, int listening)
{
	(void)fd, (void)family, (void)type, (void)listening;
	return 0;
}
