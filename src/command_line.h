/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * command_line.h - a command line as the user wrote it in `--via 'exec:COMMAND'`, split into
 * the words of an argv the way a POSIX shell splits a simple command, and no further: no
 * shell runs, so nothing is expanded.
 *
 * Blanks (space, tab) separate words; '...' keeps everything inside as it is; "..." keeps
 * everything but a backslash before \ " $ ` (which it drops); a backslash outside quotes
 * keeps the next character.  What a user would expect a shell to do and sluice does not
 * ($ and ` expansions, ; & | < > ( ) and a leading ~, unquoted) is refused, not passed on
 * as text, so a command never silently means something else.
 *
 * Owns the splitting; does not run anything.  Pure: no I/O, no allocation.
 */
#ifndef SLUICE_COMMAND_LINE_H
#define SLUICE_COMMAND_LINE_H

#include <stddef.h>

#include "err.h"

#define COMMAND_LINE_WORDS_MAX 64

struct command_line {
	char *words[COMMAND_LINE_WORDS_MAX + 1]; /* NULL-terminated, pointing into @text */
	size_t n_words;
	char text[1024]; /* the words, each NUL-terminated */
};

/**
 * command_line_split() - split @line into @out's words
 * Return: the number of words (at least 1), or -1 with @err saying what is wrong and
 * at which byte (an unclosed quote, a refused character, no word, too many or too long).
 */
int command_line_split(const char *line, struct command_line *out, struct sl_err *err);

#endif
