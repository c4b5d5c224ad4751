/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * log.h - sluice's own messages on stderr: "sluice: ..." lines.
 *
 * Level is process-wide and set once from -v/-q.  -q silences everything but
 * the final error main() prints; -v adds each setup step and, later, each
 * relayed connection.  Safe to call in any sluice process (supervisor, sandbox
 * init, the program's pre-exec child); never called after the user's program
 * is exec'd.  Credentials must never be passed in: format them with the
 * redacting helpers of the hop modules.
 */
#ifndef SLUICE_LOG_H
#define SLUICE_LOG_H

enum log_level {
	LOG_QUIET = 0,	 /* only the final error */
	LOG_NORMAL = 1,	 /* warnings and progress a user needs */
	LOG_VERBOSE = 2, /* each setup step */
	LOG_DEBUG = 3,	 /* more detail (-vv) */
};

void log_set_level(enum log_level level);

/* log_to_syslog() - from now on, lines go to syslog (facility daemon), not stderr. */
void log_to_syslog(void);
enum log_level log_get_level(void);

void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_verbose(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* log_error() - print the one final error; shown even with -q. */
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
