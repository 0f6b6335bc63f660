/* SPDX-License-Identifier: Apache-2.0 */
/* core/cleanup.h — scope-bound ownership.
 *
 * `cleanup_free char *p` frees p when it leaves scope; `steal_ptr(p)` and
 * `steal_fd(fd)` hand ownership on visibly.  closep() keeps errno, so a
 * cleanup on an error path never hides the cause.  */
#ifndef BERTH_CORE_CLEANUP_H
#define BERTH_CORE_CLEANUP_H

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(int *fd)
{
	int saved = errno;

	if (*fd >= 0)
		close(*fd);
	*fd = -1;
	errno = saved;
}

static inline void fclosep(FILE **f)
{
	int saved = errno;

	if (*f != NULL)
		fclose(*f);
	errno = saved;
}

static inline void closedirp(DIR **d)
{
	int saved = errno;

	if (*d != NULL)
		closedir(*d);
	errno = saved;
}

/* free a NULL-terminated array of strings and the array itself */
static inline void strvfreep(char ***v)
{
	if (*v == NULL)
		return;
	for (char **s = *v; *s != NULL; s++)
		free(*s);
	free(*v);
}

#define cleanup_free	 __attribute__((cleanup(freep)))
#define cleanup_close	 __attribute__((cleanup(closep)))
#define cleanup_fclose	 __attribute__((cleanup(fclosep)))
#define cleanup_closedir __attribute__((cleanup(closedirp)))
#define cleanup_strv	 __attribute__((cleanup(strvfreep)))

#define steal_fd(fd)                                                                               \
	({                                                                                         \
		int _f = (fd);                                                                     \
		(fd) = -1;                                                                         \
		_f;                                                                                \
	})
#define steal_ptr(p)                                                                               \
	({                                                                                         \
		__typeof__(p) _p = (p);                                                            \
		(p) = NULL;                                                                        \
		_p;                                                                                \
	})

#endif
