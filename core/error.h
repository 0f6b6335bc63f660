/* SPDX-License-Identifier: Apache-2.0 */
/* core/error.h — the one error type of berth.
 *
 * Every fallible function takes `struct error **err` as its last argument and
 * returns -1 (or NULL) after filling it; only cmd/ prints an error.  Messages
 * read outer-to-inner, lowercase, no final period, errno text last:
 *   "rootfs: bind mount '/data' on '/mnt': No such file or directory"      */
#ifndef BERTH_CORE_ERROR_H
#define BERTH_CORE_ERROR_H

struct error {
	int errnum; /* errno of the root cause, 0 when there is none */
	char *msg;  /* full text, owned */
	/* the exit status this failure calls for (126: the command cannot
	 * be executed, 127: not found), 0 for the verb's default; kept by
	 * error_wrap, reset by error_set */
	int status;
};

/* Fill *err (freeing what it held) with the formatted text, followed by
 * ": strerror(errnum)" when errnum != 0.  Always returns -1.  A NULL err
 * means the caller does not want the details: nothing is recorded.  */
int error_set(struct error **err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefix the message in *err with "<formatted>: ".  Keeps errnum.  Returns -1.
 * With no error in *err it creates one, so a wrap can never lose a failure. */
int error_wrap(struct error **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Build an error from a message received from another process (sync
 * protocol): the text is taken as is, errnum kept for the exit status.  */
int error_from_text(struct error **err, int errnum, const char *text);

void error_free(struct error *err);
void error_freep(struct error **err);
#define cleanup_error __attribute__((cleanup(error_freep)))

#endif
