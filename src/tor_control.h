/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * tor_control.h - reading tor's bootstrap status from its control port: the reply to
 * "GETINFO status/bootstrap-phase" (or a STATUS_CLIENT event), e.g.
 *
 *   250-status/bootstrap-phase=NOTICE BOOTSTRAP PROGRESS=45 TAG=requesting_descriptors
 *       SUMMARY="Asking for relay descriptors"
 *   250-status/bootstrap-phase=WARN BOOTSTRAP PROGRESS=10 TAG=conn_done SUMMARY="..."
 *       WARNING="Connection refused" REASON=CONNECTREFUSED COUNT=3 ...
 *
 * (control-spec.txt, sections 4.1.10 and 5.5.2).  Pure: no I/O; the input is text from a
 * program that is not sluice, so every length is checked and nothing is trusted.
 */
#ifndef SLUICE_TOR_CONTROL_H
#define SLUICE_TOR_CONTROL_H

#include <stdbool.h>
#include <stddef.h>

#define TOR_CONTROL_TEXT_MAX 160

struct tor_bootstrap {
	int progress; /* 0-100 */
	bool warning; /* severity WARN or ERR */
	char tag[64];
	char summary[TOR_CONTROL_TEXT_MAX];
	char reason[TOR_CONTROL_TEXT_MAX]; /* WARNING="..." (REASON=...), when warning */
};

/**
 * tor_control_parse_bootstrap() - parse one line (without its CRLF)
 * Return: 1 and @out filled for a bootstrap status line; 0 for any other line; -1 for a
 * bootstrap line that is malformed (no PROGRESS, a number out of range, an open quote, a NUL).
 */
int tor_control_parse_bootstrap(const char *line, size_t len, struct tor_bootstrap *out);

/**
 * tor_control_reply_code() - the status code of a reply line ("250", "515 ...")
 * Return: 100-599, or -1 when the line does not start with three digits.
 */
int tor_control_reply_code(const char *line, size_t len);

#endif
