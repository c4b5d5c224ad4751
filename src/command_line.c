/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * command_line.c - splitting `exec:COMMAND` into words (see command_line.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "command_line.h"

/* What a shell would act on when unquoted, and sluice does not. */
static const char refused[] = "$`;&|<>()";

int command_line_split(const char *line, struct command_line *out, struct sl_err *err)
{
	size_t o = 0, i = 0;
	bool in_word = false;
	char quote = 0;

	out->n_words = 0;
	out->words[0] = NULL;
	while (line[i]) {
		char c = line[i];

		if (!quote && (c == ' ' || c == '\t')) {
			if (in_word) {
				out->text[o++] = '\0';
				in_word = false;
			}
			i++;
			continue;
		}
		if (!in_word) {
			if (out->n_words == COMMAND_LINE_WORDS_MAX)
				return sl_err_set(err, 0, "the command has more than %d words",
						  COMMAND_LINE_WORDS_MAX);
			if (!quote && c == '~')
				return sl_err_set(err, 0,
						  "byte %zu: '~' is not expanded (no shell runs "
						  "the command); write the path in full",
						  i + 1);
			out->words[out->n_words++] = out->text + o;
			in_word = true;
		}
		if (quote == '\'' && c != '\'') {
			/* literal */
		} else if (c == '\'' || c == '"') {
			if (!quote || quote == c) {
				quote = quote ? 0 : c;
				i++;
				continue;
			}
		} else if (c == '\\' && line[i + 1] && (!quote || strchr("\\\"$`", line[i + 1]))) {
			c = line[++i];
		} else if (c == '\\') {
			if (!quote)
				return sl_err_set(err, 0, "byte %zu: a backslash ends the command",
						  i + 1);
		} else if (!quote && strchr(refused, c)) {
			return sl_err_set(err, 0,
					  "byte %zu: '%c' means nothing here (no shell runs the "
					  "command); quote it, or put a shell command in a script",
					  i + 1, c);
		} else if (quote == '"' && (c == '$' || c == '`')) {
			return sl_err_set(err, 0,
					  "byte %zu: '%c' is not expanded (no shell runs the "
					  "command); write it as \\%c or in '...'",
					  i + 1, c, c);
		}
		if (o + 1 >= sizeof(out->text))
			return sl_err_set(err, 0, "the command is longer than %zu bytes",
					  sizeof(out->text) - 1);
		out->text[o++] = c;
		i++;
	}
	if (quote)
		return sl_err_set(err, 0, "the quote %c is not closed", quote);
	if (in_word)
		out->text[o] = '\0';
	if (!out->n_words)
		return sl_err_set(err, 0, "the command is empty");
	out->words[out->n_words] = NULL;
	return (int)out->n_words;
}
