/* core/selfexe.c — see selfexe.h.  */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/selfexe.h"

#define SEALED_ENV "_BERTH_SEALED_EXE"
#define SEALS	   (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;
static char **saved_argv;
static bool sealed; /* this process was started by selfexe_seal() */

void selfexe_init(char **argv)
{
	saved_argv = argv;
}

/* Started by selfexe_seal(): checked on /proc/self/exe itself when the
 * marker was seen, so a variable in the environment can never fake it */
bool selfexe_is_sealed(void)
{
	return sealed;
}

static bool exe_is_sealed(void)
{
	cleanup_close int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	int seals;

	if (fd < 0)
		return false;
	seals = fcntl(fd, F_GET_SEALS);
	return seals >= 0 && (seals & SEALS) == SEALS;
}

static int copy_exe(int to, struct error **err)
{
	cleanup_close int from = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	struct stat st;
	off_t off = 0;

	if (from < 0 || fstat(from, &st) < 0)
		return error_set(err, errno, "sealed copy: open /proc/self/exe");
	while (off < st.st_size) {
		ssize_t n = sendfile(to, from, &off, (size_t)(st.st_size - off));

		if (n <= 0)
			return error_set(err, n < 0 ? errno : EIO, "sealed copy: copy berth");
	}
	return 0;
}

int selfexe_seal(struct error **err)
{
	cleanup_close int fd = -1;

	if (getenv(SEALED_ENV) != NULL) {
		/* the second run: never loop, and keep the variable away
		 * from hooks and helpers */
		unsetenv(SEALED_ENV);
		sealed = exe_is_sealed();
		return 0;
	}
	if (saved_argv == NULL)
		return error_set(err, EINVAL, "sealed copy: no argv");
	fd = memfd_create("berth", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return error_set(err, errno, "sealed copy: memfd_create");
	if (copy_exe(fd, err) < 0)
		return -1;
	if (fcntl(fd, F_ADD_SEALS, SEALS) < 0)
		return error_set(err, errno, "sealed copy: seal");
	if (setenv(SEALED_ENV, "1", 1) < 0)
		return error_set(err, errno, "sealed copy: setenv");
	fexecve(fd, saved_argv, environ);
	unsetenv(SEALED_ENV);
	return error_set(err, errno, "sealed copy: exec");
}
