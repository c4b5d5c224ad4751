/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test_control.c - the session control protocol's messages (control.h): requests that parse,
 * forged or malformed ones and their exact errors, answers, the join answer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "control.h"

static int parse(const char *text, struct control_request *req, struct sl_err *err)
{
	sl_err_clear(err);
	return control_request_parse(text, strlen(text), req, err);
}

static void good_requests(void **state)
{
	struct control_request req;
	struct sl_err err;
	char buf[256];
	int n;

	(void)state;
	assert_int_equal(parse("{\"sluice\": 1, \"op\": \"status\"}", &req, &err), 0);
	assert_int_equal(req.op, CONTROL_STATUS);
	assert_int_equal(parse("{\"op\": \"join\", \"sluice\": 1}", &req, &err), 0);
	assert_int_equal(req.op, CONTROL_JOIN);
	assert_false(req.copy);
	/* sluice cp's join says so; formatted and parsed again it still does. */
	assert_int_equal(parse("{\"op\": \"join\", \"sluice\": 1, \"copy\": true}", &req, &err), 0);
	assert_true(req.copy);
	n = control_request_format(&req, buf, sizeof(buf));
	assert_string_equal(buf, "{\"sluice\": 1, \"op\": \"join\", \"copy\": true}");
	assert_int_equal(parse(buf, &req, &err), 0);
	assert_true(req.op == CONTROL_JOIN && req.copy);
	req.copy = false;
	n = control_request_format(&req, buf, sizeof(buf));
	assert_string_equal(buf, "{\"sluice\": 1, \"op\": \"join\"}");
	assert_int_not_equal(parse("{\"sluice\": 1, \"op\": \"join\", \"copy\": 1}", &req, &err),
			     0);
	assert_string_equal(err.msg, "'copy': expected true or false");
	/* sluice exec's join says it runs its program under the fast path when asked. */
	req.op = CONTROL_JOIN;
	req.copy = false;
	req.fast_path = true;
	n = control_request_format(&req, buf, sizeof(buf));
	assert_string_equal(buf, "{\"sluice\": 1, \"op\": \"join\", \"fast_path\": true}");
	assert_int_equal(parse(buf, &req, &err), 0);
	assert_true(req.op == CONTROL_JOIN && req.fast_path && !req.copy);
	assert_int_not_equal(
	    parse("{\"sluice\": 1, \"op\": \"join\", \"fast_path\": null}", &req, &err), 0);
	assert_string_equal(err.msg, "'fast_path': expected true or false");
	assert_int_not_equal(
	    parse("{\"sluice\": 1, \"op\": \"status\", \"copy\": true}", &req, &err), 0);
	assert_int_equal(parse("{\"sluice\": 1, \"op\": \"started\", \"pid\": 4242}", &req, &err),
			 0);
	assert_int_equal(req.op, CONTROL_STARTED);
	assert_int_equal(req.pid, 4242);
	assert_int_equal(parse("{\"sluice\": 1, \"op\": \"stop\", \"grace\": 0}", &req, &err), 0);
	assert_int_equal(req.op, CONTROL_STOP);
	assert_int_equal(req.grace_seconds, 0);

	/* Formatting and parsing again gives the same request. */
	req.op = CONTROL_STOP;
	req.grace_seconds = 3600;
	n = control_request_format(&req, buf, sizeof(buf));
	assert_true(n > 0);
	assert_string_equal(buf, "{\"sluice\": 1, \"op\": \"stop\", \"grace\": 3600}");
	assert_int_equal(parse(buf, &req, &err), 0);
	assert_int_equal(req.grace_seconds, 3600);
	assert_int_equal(control_request_format(&req, buf, 10), -1);
}

static void bad_requests(void **state)
{
	static const struct {
		const char *text;
		const char *message;
	} cases[] = {
	    {"", "not JSON: '[' or '{' expected near end of file"},
	    {"{\"sluice\": 1, \"op\": \"status\"", "not JSON: '}' expected near end of file"},
	    {"[1]", "not a sluice control message"},
	    {"{\"op\": \"status\"}", "not a sluice control message"},
	    {"{\"sluice\": \"1\", \"op\": \"status\"}", "not a sluice control message"},
	    {"{\"sluice\": 2, \"op\": \"status\"}", "protocol version 2, this sluice speaks 1"},
	    {"{\"sluice\": 1}",
	     "'op': expected status, join, started, stop, spawn, signal or resize"},
	    {"{\"sluice\": 1, \"op\": \"exec\"}",
	     "'op': expected status, join, started, stop, spawn, signal or resize"},
	    {"{\"sluice\": 1, \"op\": 3}",
	     "'op': expected status, join, started, stop, spawn, signal or resize"},
	    {"{\"sluice\": 1, \"op\": \"status\", \"op\": \"stop\"}",
	     "not JSON: duplicate object key near '\"op\"'"},
	    {"{\"sluice\": 1, \"op\": \"status\", \"argv\": [\"sh\"]}", "unexpected key 'argv'"},
	    {"{\"sluice\": 1, \"op\": \"started\"}",
	     "'pid': expected an integer from 1 to 2147483647"},
	    {"{\"sluice\": 1, \"op\": \"started\", \"pid\": 0}",
	     "'pid': expected an integer from 1 to 2147483647"},
	    {"{\"sluice\": 1, \"op\": \"started\", \"pid\": 4294967296}",
	     "'pid': expected an integer from 1 to 2147483647"},
	    {"{\"sluice\": 1, \"op\": \"stop\", \"grace\": -1}",
	     "'grace': expected an integer from 0 to 3600"},
	    {"{\"sluice\": 1, \"op\": \"stop\", \"grace\": 1.5}",
	     "'grace': expected an integer from 0 to 3600"},
	    {"{\"sluice\": 1, \"op\": \"stop\"}", "'grace': expected an integer from 0 to 3600"},
	    {"{\"sluice\": 1, \"op\": \"signal\", \"sig\": 65}",
	     "'sig': expected an integer from 1 to 64"},
	    {"{\"sluice\": 1, \"op\": \"spawn\", \"session\": \"w\", \"argv\": [], \"env\": [], "
	     "\"cwd\": \"/\"}",
	     "'argv': expected a list of 1 to 1024 strings"},
	    {"{\"sluice\": 1, \"op\": \"spawn\", \"session\": \"w\", \"argv\": [\"id\"], "
	     "\"env\": [\"NOEQ\"], \"cwd\": \"/\"}",
	     "env[0]: expected NAME=VALUE"},
	    {"{\"sluice\": 1, \"op\": \"spawn\", \"session\": \"w\", \"argv\": [\"id\"], "
	     "\"env\": [], \"cwd\": \"tmp\"}",
	     "'cwd': expected an absolute path"},
	    {"{\"sluice\": 1, \"op\": \"spawn\", \"argv\": [\"id\"], \"env\": [], \"cwd\": \"/\"}",
	     "'session': expected a session's name"},
	    {"{\"sluice\": 1, \"op\": \"spawn\", \"session\": \"w\", \"argv\": [\"a\\u0000b\"], "
	     "\"env\": [], \"cwd\": \"/\"}",
	     "not JSON: \\u0000 is not allowed without JSON_ALLOW_NUL near '\"a\\u0000b\"'"},
	};
	struct control_request req;
	struct sl_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_not_equal(parse(cases[i].text, &req, &err), 0);
		assert_string_equal(err.msg, cases[i].message);
	}
	/* Embedded NUL: JSON text stops there, jansson rejects it. */
	sl_err_clear(&err);
	assert_int_not_equal(
	    control_request_parse("{\"sluice\": 1, \"op\": \"status\"}\0x", 31, &req, &err), 0);
}

static int exit_of(const char *text, int *code)
{
	return control_exit_parse(text, strlen(text), code);
}

static void spawn_round_trip(void **state)
{
	static char buf[CONTROL_MSG_MAX];
	char *argv[] = {"sh", "-c", "echo \"hi\"", NULL}, *env[] = {"A=b", "PATH=/bin", NULL};
	struct control_request req = {.op = CONTROL_SPAWN, .argv = argv, .env = env};
	struct control_request back;
	struct sl_err err;
	int n, code = -1;

	(void)state;
	strcpy(req.session, "work");
	req.cwd = "/home/a";
	n = control_request_format(&req, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(parse(buf, &back, &err), 0);
	assert_int_equal(back.op, CONTROL_SPAWN);
	assert_string_equal(back.session, "work");
	assert_string_equal(back.argv[2], "echo \"hi\"");
	assert_null(back.argv[3]);
	assert_string_equal(back.env[1], "PATH=/bin");
	assert_string_equal(back.cwd, "/home/a");
	assert_int_equal(back.rows, 0);
	control_request_free(&back);
	req.rows = 40;
	req.cols = 120;
	n = control_request_format(&req, buf, sizeof(buf));
	assert_int_equal(parse(buf, &back, &err), 0);
	assert_int_equal(back.rows, 40);
	assert_int_equal(back.cols, 120);
	control_request_free(&back);
	assert_int_equal(
	    parse("{\"sluice\": 1, \"op\": \"resize\", \"rows\": 30, \"cols\": 100}", &back, &err),
	    0);
	assert_int_equal(back.cols, 100);
	assert_int_not_equal(
	    parse("{\"sluice\": 1, \"op\": \"resize\", \"rows\": 0, \"cols\": 100}", &back, &err),
	    0);
	assert_string_equal(err.msg, "'rows': expected an integer from 1 to 65535");

	assert_int_equal(parse("{\"sluice\": 1, \"op\": \"signal\", \"sig\": 2}", &back, &err), 0);
	assert_int_equal(back.sig, 2);
	assert_int_equal(exit_of("{\"sluice\":1,\"ok\":true,\"exit\":130}", &code), 0);
	assert_int_equal(code, 130);
	assert_int_equal(exit_of("{\"sluice\":1,\"ok\":true}", &code), -1);
	assert_int_equal(exit_of("{\"sluice\":1,\"ok\":true,\"exit\":256}", &code), -1);
	assert_int_equal(exit_of("{\"sluice\":1,\"ok\":false,\"exit\":1}", &code), -1);
}

static void answers(void **state)
{
	struct sl_err err;
	char buf[256];
	int n;

	(void)state;
	sl_err_clear(&err);
	assert_int_equal(control_reply_check("{\"sluice\":1,\"ok\":true}", 22, &err), 0);
	n = control_error_format("the session is ending", buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_not_equal(control_reply_check(buf, (size_t)n, &err), 0);
	assert_string_equal(err.msg, "the session is ending");
	assert_int_not_equal(control_reply_check("{\"sluice\":1}", 12, &err), 0);
	assert_string_equal(err.msg, "the session's answer has no 'ok'");
	assert_int_not_equal(control_reply_check("{\"sluice\":1,\"ok\":false}", 23, &err), 0);
	assert_string_equal(err.msg, "refused, without a reason");
	assert_int_not_equal(control_reply_check("nope", 4, &err), 0);
	assert_string_equal(err.msg,
			    "the session's answer: not JSON: '[' or '{' expected near 'nope'");
}

static int join(const char *text, struct control_join *j, struct sl_err *err)
{
	sl_err_clear(err);
	return control_join_parse(text, strlen(text), j, err);
}

static void join_answers(void **state)
{
	static const struct {
		const char *text;
		const char *message;
	} bad[] = {
	    {"{\"sluice\":1,\"ok\":true,\"namespaces\":[],\"environment\":[],\"unset\":[],"
	     "\"map_root\":false}",
	     "'namespaces': expected a list of 1 to 6 names"},
	    {"{\"sluice\":1,\"ok\":true,\"namespaces\":[\"net\",\"cgroup\"],\"environment\":[],"
	     "\"unset\":[],\"map_root\":false}",
	     "namespaces[1]: not a namespace sluice makes"},
	    {"{\"sluice\":1,\"ok\":true,\"namespaces\":[\"net\",\"net\"],\"environment\":[],"
	     "\"unset\":[],\"map_root\":false}",
	     "namespaces[1]: given twice"},
	    {"{\"sluice\":1,\"ok\":true,\"namespaces\":[\"net\"],\"environment\":[\"NOEQ\"],"
	     "\"unset\":[],\"map_root\":false}",
	     "environment[0]: expected NAME=VALUE"},
	    {"{\"sluice\":1,\"ok\":true,\"namespaces\":[\"net\"],\"environment\":[\"=v\"],"
	     "\"unset\":[],\"map_root\":false}",
	     "environment[0]: expected NAME=VALUE"},
	    {"{\"sluice\":1,\"ok\":true,\"namespaces\":[\"net\"],\"environment\":[],"
	     "\"unset\":[\"A=b\"],\"map_root\":false}",
	     "unset[0]: expected a variable's name"},
	    {"{\"sluice\":1,\"ok\":true,\"namespaces\":[\"net\"],\"environment\":[],"
	     "\"unset\":[]}",
	     "'map_root': expected true or false"},
	    {"{\"sluice\":1,\"ok\":true,\"namespaces\":[\"net\"],\"environment\":[],"
	     "\"unset\":[],\"map_root\":false,\"fast_path\":\"yes\"}",
	     "'fast_path': expected true or false"},
	};
	struct control_join j;
	struct sl_err err;
	size_t i;

	(void)state;
	assert_int_equal(join("{\"sluice\":1,\"ok\":true,\"namespaces\":[\"user\",\"mnt\",\"net\","
			      "\"pid\",\"uts\",\"ipc\"],\"environment\":[\"LANG=C\"],\"unset\":["
			      "\"SSH_AUTH_SOCK\"],\"map_root\":true}",
			      &j, &err),
			 0);
	assert_int_equal(j.n_namespaces, 6);
	assert_string_equal(j.namespaces[0], "user");
	assert_string_equal(j.namespaces[5], "ipc");
	assert_int_equal(j.n_environment, 1);
	assert_string_equal(j.environment[0], "LANG=C");
	assert_int_equal(j.n_unset, 1);
	assert_string_equal(j.unset[0], "SSH_AUTH_SOCK");
	assert_true(j.map_root);
	assert_false(j.fast_path); /* absent: a session without --fast-path */
	control_join_free(&j);
	assert_int_equal(
	    join("{\"sluice\":1,\"ok\":true,\"namespaces\":[\"net\"],\"environment\":[],"
		 "\"unset\":[],\"map_root\":false,\"fast_path\":true}",
		 &j, &err),
	    0);
	assert_true(j.fast_path);
	control_join_free(&j);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_not_equal(join(bad[i].text, &j, &err), 0);
		assert_string_equal(err.msg, bad[i].message);
		control_join_free(&j);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(good_requests),	cmocka_unit_test(bad_requests),
	    cmocka_unit_test(spawn_round_trip), cmocka_unit_test(answers),
	    cmocka_unit_test(join_answers),
	};

	return cmocka_run_group_tests_name("control", tests, NULL, NULL);
}
