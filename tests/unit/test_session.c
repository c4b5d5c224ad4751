/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test_session.c - session names, state files, the claim on a name and the proof that a
 * session is stale (session.h), in a private temporary directory.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "session.h"

static void names(void **state)
{
	char out[SESSION_NAME_MAX + 1], long_name[100];

	(void)state;
	assert_true(session_name_valid("work"));
	assert_true(session_name_valid("a.b_c-1"));
	assert_false(session_name_valid(""));
	assert_false(session_name_valid(".hidden"));
	assert_false(session_name_valid("-x"));
	assert_false(session_name_valid("a/b"));
	assert_false(session_name_valid("a b"));
	memset(long_name, 'a', 65);
	long_name[65] = '\0';
	assert_false(session_name_valid(long_name));
	long_name[64] = '\0';
	assert_true(session_name_valid(long_name));

	session_name_from("/usr/bin/python3", out);
	assert_string_equal(out, "python3");
	session_name_from("firefox-esr", out);
	assert_string_equal(out, "firefox-esr");
	session_name_from("./my prog!", out);
	assert_string_equal(out, "my_prog_");
	session_name_from("/usr/bin/.-x", out);
	assert_string_equal(out, "x");
	session_name_from("/", out);
	assert_string_equal(out, "sandbox");
	memset(long_name, 'b', 99);
	long_name[99] = '\0';
	session_name_from(long_name, out);
	assert_int_equal(strlen(out), SESSION_NAME_MAX);
	assert_true(session_name_valid(out));
}

static void state_text(void **state)
{
	struct session_state s = {.name = "work",
				  .profile = "tor",
				  .pid = 1234,
				  .start_time = 987,
				  .started = 1700000000,
				  .netns_inode = 4026532000};
	struct session_state back;
	struct sl_err err;
	char text[SESSION_STATE_MAX];
	int n;

	(void)state;
	n = session_state_format(&s, text, sizeof(text));
	assert_true(n > 0);
	sl_err_clear(&err);
	assert_int_equal(session_state_parse(text, (size_t)n, &back, &err), 0);
	assert_string_equal(back.name, "work");
	assert_string_equal(back.profile, "tor");
	assert_int_equal(back.pid, 1234);
	assert_int_equal(back.start_time, 987);
	assert_int_equal(back.started, 1700000000);
	assert_int_equal(back.netns_inode, 4026532000ULL);
	assert_int_equal(session_state_format(&s, text, 20), -1);

	/* Not ours: another version, a bad name, a missing pid, not JSON. */
	assert_int_not_equal(session_state_parse("{\"sluice\": 2}", 13, &back, &err), 0);
	assert_string_equal(err.msg, "not a sluice session's state (version 1)");
	strcpy(text, "{\"sluice\": 1, \"name\": \"../x\", \"profile\": \"\", \"pid\": 1, "
		     "\"start_time\": 1, \"started\": 1, \"netns_inode\": 0}");
	assert_int_not_equal(session_state_parse(text, strlen(text), &back, &err), 0);
	strcpy(text, "{\"sluice\": 1, \"name\": \"x\", \"profile\": \"\", \"pid\": 0, "
		     "\"start_time\": 1, \"started\": 1, \"netns_inode\": 0}");
	assert_int_not_equal(session_state_parse(text, strlen(text), &back, &err), 0);
	assert_int_not_equal(session_state_parse("pid=1", 5, &back, &err), 0);
	assert_int_equal(strncmp(err.msg, "not JSON: ", 10), 0);
}

static void start_time_of_processes(void **state)
{
	pid_t child;
	uint64_t t;
	int status;

	(void)state;
	assert_true(process_start_time(getpid()) > 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0)
		_exit(0);
	waitpid(child, &status, 0);
	t = process_start_time(child);
	assert_int_equal(t, 0); /* gone */
}

static char base[64];

static int make_base(void **state)
{
	(void)state;
	strcpy(base, "/tmp/sluice-test-session.XXXXXX");
	return mkdtemp(base) ? 0 : -1;
}

static int remove_base(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
	return system(cmd);
}

static void write_file(const char *name, const char *text)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", base, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static bool exists(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", base, name);
	return access(path, F_OK) == 0;
}

static void claims(void **state)
{
	struct session_state me = {.name = "work", .pid = getpid()};
	struct session_state dead = {.name = "old", .start_time = 1};
	struct session_state read_back;
	struct sl_err err;
	char text[SESSION_STATE_MAX];
	pid_t child;
	int status;

	(void)state;
	me.start_time = process_start_time(me.pid);
	sl_err_clear(&err);
	assert_int_equal(session_claim(base, &me, &err), 0);
	assert_true(exists("work.json"));
	assert_int_equal(session_read(base, "work", &read_back, &err), 0);
	assert_int_equal(read_back.pid, getpid());

	/* A live claim holds: a second claim of the name fails and says who holds it. */
	assert_int_equal(session_claim(base, &me, &err), -EEXIST);
	assert_non_null(strstr(err.msg, "a session named 'work' runs already"));
	assert_int_equal(session_remove_if_stale(base, "work"), 0);
	assert_true(exists("work.json"));

	/* A claim by a process that is gone is stale: removed, and the name is free again. */
	child = fork();
	assert_true(child >= 0);
	if (child == 0)
		_exit(0);
	waitpid(child, &status, 0);
	dead.pid = child;
	session_state_format(&dead, text, sizeof(text));
	write_file("old.json", text);
	write_file("old.sock", "");
	assert_int_equal(session_claim(base, &me, &err), -EEXIST); /* "work" again: live */
	strcpy(me.name, "old");
	assert_int_equal(session_claim(base, &me, &err), 0);
	assert_false(exists("old.sock"));
	assert_int_equal(session_read(base, "old", &read_back, &err), 0);
	assert_int_equal(read_back.pid, getpid());

	/* Our pid with another start time: a reused pid, so stale as well. */
	dead.pid = getpid();
	dead.start_time = process_start_time(getpid()) + 1;
	strcpy(dead.name, "reused");
	session_state_format(&dead, text, sizeof(text));
	write_file("reused.json", text);
	assert_int_equal(session_remove_if_stale(base, "reused"), 1);
	assert_false(exists("reused.json"));

	/* Another tool's file, or a forged one: never acted on, the name stays taken. */
	write_file("other.json", "{\"pid\": 1}");
	write_file("other.sock", "");
	assert_int_equal(session_remove_if_stale(base, "other"), 0);
	assert_true(exists("other.json") && exists("other.sock"));
	strcpy(me.name, "other");
	assert_int_equal(session_claim(base, &me, &err), -EEXIST);
	assert_non_null(strstr(err.msg, "is not a running sluice session's state"));
	/* A state file that names another session is not this one's. */
	dead.pid = 1;
	strcpy(dead.name, "elsewhere");
	session_state_format(&dead, text, sizeof(text));
	write_file("forged.json", text);
	assert_int_equal(session_remove_if_stale(base, "forged"), 0);
	assert_true(exists("forged.json"));

	/* Update keeps the claim; release removes both files. */
	strcpy(me.name, "work");
	me.netns_inode = 77;
	assert_int_equal(session_update(base, &me, &err), 0);
	assert_int_equal(session_read(base, "work", &read_back, &err), 0);
	assert_int_equal(read_back.netns_inode, 77);
	write_file("work.sock", "");
	session_release(base, "work");
	assert_false(exists("work.json") || exists("work.sock"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(names),
	    cmocka_unit_test(state_text),
	    cmocka_unit_test(start_time_of_processes),
	    cmocka_unit_test_setup_teardown(claims, make_base, remove_base),
	};

	return cmocka_run_group_tests_name("session", tests, NULL, NULL);
}
