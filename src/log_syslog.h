/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * log_syslog.h - log.c's lines sent to syslog (`sluice daemon --syslog`).  A file of its own
 * because <syslog.h>'s LOG_DEBUG and friends would clash with log.h's levels.
 */
#ifndef SLUICE_LOG_SYSLOG_H
#define SLUICE_LOG_SYSLOG_H

#include <stdarg.h>

enum log_syslog_priority {
	LOG_SYSLOG_ERROR,
	LOG_SYSLOG_WARNING,
	LOG_SYSLOG_INFO,
	LOG_SYSLOG_DEBUG,
};

/* log_syslog_open() - openlog("sluice", LOG_PID, LOG_DAEMON). */
void log_syslog_open(void);

void log_syslog_line(enum log_syslog_priority priority, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

#endif
