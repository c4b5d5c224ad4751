/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * log.c - formats sluice's messages to stderr.  Owns the verbosity level; does
 * not decide what is worth logging.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <stdbool.h>
#include <unistd.h>

#include "log.h"
#include "log_syslog.h"

static enum log_level current_level = LOG_NORMAL;

void log_set_level(enum log_level level)
{
	current_level = level;
}

enum log_level log_get_level(void)
{
	return current_level;
}

static void log_line_stderr(const char *prefix, const char *fmt, va_list ap)
{
	char line[1024];
	int saved_errno = errno;
	int n = snprintf(line, sizeof(line), "sluice: %s", prefix);

	if (n < 0 || (size_t)n >= sizeof(line))
		n = 0;
	vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	n = (int)strlen(line);
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, (size_t)n) < 0) {
		/* Nowhere left to report it. */
	}
	errno = saved_errno;
}

static bool to_syslog;

void log_to_syslog(void)
{
	log_syslog_open();
	to_syslog = true;
}

/* One write(2) per line, so lines of the supervisor and the sandbox init never interleave. */
static void log_line(enum log_syslog_priority priority, const char *prefix, const char *fmt,
		     va_list ap)
{
	if (to_syslog) {
		log_syslog_line(priority, fmt, ap);
		return;
	}
	log_line_stderr(prefix, fmt, ap);
}

#define LOG_AT(name, level, priority, prefix)                                                      \
	void name(const char *fmt, ...)                                                            \
	{                                                                                          \
		va_list ap;                                                                        \
		if (current_level < (level))                                                       \
			return;                                                                    \
		va_start(ap, fmt);                                                                 \
		log_line(priority, prefix, fmt, ap);                                               \
		va_end(ap);                                                                        \
	}

LOG_AT(log_error, LOG_QUIET, LOG_SYSLOG_ERROR, "")
LOG_AT(log_warn, LOG_NORMAL, LOG_SYSLOG_WARNING, "warning: ")
LOG_AT(log_info, LOG_NORMAL, LOG_SYSLOG_INFO, "")
LOG_AT(log_verbose, LOG_VERBOSE, LOG_SYSLOG_INFO, "")
LOG_AT(log_debug, LOG_DEBUG, LOG_SYSLOG_DEBUG, "debug: ")
