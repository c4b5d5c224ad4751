/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test_command_line.c - unit tests of src/command_line.c: words as a shell splits a simple
 * command (blanks, '...', "...", backslashes, empty words); everything a shell would expand
 * or act on refused with the byte it is at; the limits.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "command_line.h"

static struct command_line line;

/* The words joined by '|', or "ERR: message". */
static const char *split(const char *text)
{
	static char out[2048];
	struct sl_err err;
	size_t i, o = 0;
	int n;

	sl_err_clear(&err);
	n = command_line_split(text, &line, &err);
	if (n < 0) {
		snprintf(out, sizeof(out), "ERR: %s", err.msg);
		return out;
	}
	assert_int_equal((size_t)n, line.n_words);
	assert_null(line.words[n]);
	out[0] = '\0';
	for (i = 0; i < line.n_words; i++)
		o +=
		    (size_t)snprintf(out + o, sizeof(out) - o, "%s%s", i ? "|" : "", line.words[i]);
	return out;
}

static void test_words(void **state)
{
	(void)state;
	assert_string_equal(split("openconnect --script=vpnc-script vpn.example.org"),
			    "openconnect|--script=vpnc-script|vpn.example.org");
	assert_string_equal(split("  a\t\tb  "), "a|b");
	assert_string_equal(split("one"), "one");
}

static void test_quotes(void **state)
{
	(void)state;
	assert_string_equal(split("a 'b c' \"d e\""), "a|b c|d e");
	assert_string_equal(split("'it''s'"), "its");
	assert_string_equal(split("x'$HOME;|'y"), "x$HOME;|y");
	assert_string_equal(split("\"a\\\"b\\\\c\\$d\\`e\\zf\""), "a\"b\\c$d`e\\zf");
	assert_string_equal(split("a\\ b \\'c"), "a b|'c");
	assert_string_equal(split("'' \"\" x"), "||x");
	assert_string_equal(split("\"it's\" 'say \"hi\"'"), "it's|say \"hi\"");
	assert_string_equal(split("a~b '~' \\~c"), "a~b|~|~c");
}

static void test_refused(void **state)
{
	(void)state;
	assert_string_equal(split("a $HOME"),
			    "ERR: byte 3: '$' means nothing here (no shell runs the command); "
			    "quote it, or put a shell command in a script");
	assert_string_equal(split("a;b"), "ERR: byte 2: ';' means nothing here (no shell runs "
					  "the command); quote it, or put a shell command in a "
					  "script");
	assert_int_equal(split("a | b")[0], 'E');
	assert_int_equal(split("a && b")[0], 'E');
	assert_int_equal(split("a > f")[0], 'E');
	assert_int_equal(split("(a)")[0], 'E');
	assert_int_equal(split("a `b`")[0], 'E');
	assert_string_equal(split("a \"$x\""),
			    "ERR: byte 4: '$' is not expanded (no shell runs the command); write "
			    "it as \\$ or in '...'");
	assert_string_equal(split("cat ~/x"), "ERR: byte 5: '~' is not expanded (no shell runs "
					      "the command); write the path in full");
	assert_string_equal(split("a 'b"), "ERR: the quote ' is not closed");
	assert_string_equal(split("a \"b"), "ERR: the quote \" is not closed");
	assert_string_equal(split("a\\"), "ERR: byte 2: a backslash ends the command");
	assert_string_equal(split(""), "ERR: the command is empty");
	assert_string_equal(split(" \t "), "ERR: the command is empty");
}

static void test_limits(void **state)
{
	char text[4096];
	size_t i, o = 0;

	(void)state;
	for (i = 0; i < COMMAND_LINE_WORDS_MAX; i++)
		o += (size_t)snprintf(text + o, sizeof(text) - o, "w ");
	assert_int_equal(command_line_split(text, &line, NULL), COMMAND_LINE_WORDS_MAX);
	snprintf(text + o, sizeof(text) - o, "w");
	assert_string_equal(split(text), "ERR: the command has more than 64 words");
	memset(text, 'x', sizeof(line.text) - 1);
	text[sizeof(line.text) - 1] = '\0';
	assert_int_equal(command_line_split(text, &line, NULL), 1);
	assert_int_equal(strlen(line.words[0]), sizeof(line.text) - 1);
	strcat(text, "x");
	assert_string_equal(split(text), "ERR: the command is longer than 1023 bytes");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_words),
	    cmocka_unit_test(test_quotes),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
