/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * err.c - builds sl_err messages.  Printing them is main()'s job, not this file's.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

void sl_err_clear(struct sl_err *err)
{
	if (!err)
		return;
	err->errnum = 0;
	err->exit_code = SL_EXIT_FAILURE;
	err->msg[0] = '\0';
}

int sl_err_set(struct sl_err *err, int errnum, const char *fmt, ...)
{
	int ret = errnum > 0 ? -errnum : -1;
	char what[SL_ERR_MSG_MAX];
	va_list ap;

	if (!err)
		return ret;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);

	err->errnum = errnum > 0 ? errnum : 0;
	if (err->exit_code < SL_EXIT_FAILURE || err->exit_code > SL_EXIT_NOT_FOUND)
		err->exit_code = SL_EXIT_FAILURE;
	if (errnum > 0) {
		/* Put the errno text right after what failed, before any "; hint". */
		const char *hint = strstr(what, "; ");
		int head = hint ? (int)(hint - what) : (int)strlen(what);

		if (snprintf(err->msg, sizeof(err->msg), "%.*s: %s%s", head, what, strerror(errnum),
			     hint ? hint : "") >= (int)sizeof(err->msg))
			err->msg[sizeof(err->msg) - 1] = '\0';
	} else {
		snprintf(err->msg, sizeof(err->msg), "%s", what);
	}
	return ret;
}

int sl_err_wrap(struct sl_err *err, const char *fmt, ...)
{
	char context[SL_ERR_MSG_MAX], joined[SL_ERR_MSG_MAX];
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(context, sizeof(context), fmt, ap);
	va_end(ap);
	if (snprintf(joined, sizeof(joined), "%s: %s", context, err->msg) >= (int)sizeof(joined))
		joined[sizeof(joined) - 1] = '\0'; /* a long message is cut, not lost */
	memcpy(err->msg, joined, sizeof(err->msg));
	return err->errnum > 0 ? -err->errnum : -1;
}
