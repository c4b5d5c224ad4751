/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * log_syslog.c - syslog as log.c's sink (see log_syslog.h).  Owns the mapping of sluice's
 * priorities to syslog's; nothing else.
 */
#include <syslog.h>

#include "log_syslog.h"

void log_syslog_open(void)
{
	openlog("sluice", LOG_PID, LOG_DAEMON);
}

void log_syslog_line(enum log_syslog_priority priority, const char *fmt, va_list ap)
{
	static const int map[] = {
	    [LOG_SYSLOG_ERROR] = LOG_ERR,
	    [LOG_SYSLOG_WARNING] = LOG_WARNING,
	    [LOG_SYSLOG_INFO] = LOG_INFO,
	    [LOG_SYSLOG_DEBUG] = LOG_DEBUG,
	};

	vsyslog(map[priority], fmt, ap);
}
