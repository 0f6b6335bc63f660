/* SPDX-License-Identifier: Apache-2.0 */
/* tests/tools/keyring.c — which session keyring the caller is in.
 *
 *   keyring      prints "SERIAL TYPE;UID;GID;PERM;DESCRIPTION" of the
 *                session keyring (KEYCTL_GET_KEYRING_ID without creating
 *                one, then KEYCTL_DESCRIBE), or the errno text
 *
 * Built static (mk/tools.mk) so a test can bind-mount it into a container
 * and compare what the container sees with what its caller sees.  */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define KEYCTL_GET_KEYRING_ID	 0
#define KEYCTL_DESCRIBE		 6
#define KEY_SPEC_SESSION_KEYRING -3

int main(void)
{
	char desc[512];
	long serial, n;

	serial = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
	if (serial < 0) {
		printf("error %s\n", strerror(errno));
		return 1;
	}
	n = syscall(SYS_keyctl, KEYCTL_DESCRIBE, serial, desc, sizeof(desc));
	if (n < 0) {
		printf("%ld error %s\n", serial, strerror(errno));
		return 1;
	}
	desc[sizeof(desc) - 1] = '\0';
	printf("%ld %s\n", serial, desc);
	return 0;
}
