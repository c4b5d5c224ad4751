/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * err.h - the error contract of sluice's setup code.
 *
 * A fallible setup function returns a negative errno (or -1 where no errno
 * fits) and fills a struct sl_err with what failed, on which object, and
 * what the user can do about it.  Each layer that catches the error may add
 * its own context with sl_err_wrap(); main() prints it exactly once and
 * exits with err->exit_code.  The relay never uses this for per-connection
 * errors: those are logged and the connection is closed.
 */
#ifndef SLUICE_ERR_H
#define SLUICE_ERR_H

#include <stdarg.h>

/* Exit codes of `sluice run`, following env(1), docker and podman. */
enum sl_exit {
	SL_EXIT_FAILURE = 125,	   /* sluice itself failed */
	SL_EXIT_CANNOT_EXEC = 126, /* command found but cannot be executed */
	SL_EXIT_NOT_FOUND = 127,   /* command not found */
	SL_EXIT_SIGNAL_BASE = 128, /* program killed by signal N: 128 + N */
};

#define SL_ERR_MSG_MAX 768

struct sl_err {
	int errnum;    /* errno that caused it, 0 if none */
	int exit_code; /* what `sluice` exits with; SL_EXIT_FAILURE unless set */
	char msg[SL_ERR_MSG_MAX];
};

/**
 * sl_err_set() - record an error
 * @err:	error to fill (may be NULL: then only the return value matters)
 * @errnum:	errno of the cause, or 0; its text is appended to the message
 * @fmt:	what failed and on which object; a hint may follow after "; "
 *
 * Return: -errnum if errnum > 0, else -1, so callers can `return sl_err_set(...)`.
 */
int sl_err_set(struct sl_err *err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/**
 * sl_err_wrap() - prefix an already filled error with the caller's context
 * @err:	error filled by a callee
 * @fmt:	context, e.g. "sandbox setup"; becomes "context: previous message"
 *
 * Return: the same negative value the callee returned (-errnum or -1).
 */
int sl_err_wrap(struct sl_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* sl_err_clear() - reset to "no error" with exit code SL_EXIT_FAILURE. */
void sl_err_clear(struct sl_err *err);

#endif
