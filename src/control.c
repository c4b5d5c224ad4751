/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * control.c - the session control protocol's messages (see control.h).  Owns their JSON form
 * and its checks; pure.  Does not do I/O: session_server.c and session_client.c send and
 * receive them.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"

static const char *const op_names[] = {
    [CONTROL_STATUS] = "status", [CONTROL_JOIN] = "join",   [CONTROL_STARTED] = "started",
    [CONTROL_STOP] = "stop",	 [CONTROL_SPAWN] = "spawn", [CONTROL_SIGNAL] = "signal",
    [CONTROL_RESIZE] = "resize",
};

static const char *const namespace_names[] = {"user", "mnt", "net", "pid", "uts", "ipc"};

/* The message as an object of the right version, or NULL with @err filled. */
static json_t *load_message(const char *buf, size_t len, struct sl_err *err)
{
	json_error_t jerr;
	json_t *root, *version;

	if (len > CONTROL_MSG_MAX) {
		sl_err_set(err, 0, "message larger than %d bytes", CONTROL_MSG_MAX);
		return NULL;
	}
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		sl_err_set(err, 0, "not JSON: %s", jerr.text);
		return NULL;
	}
	version = json_object_get(root, "sluice");
	if (!json_is_object(root) || !json_is_integer(version)) {
		sl_err_set(err, 0, "not a sluice control message");
		json_decref(root);
		return NULL;
	}
	if (json_integer_value(version) != CONTROL_VERSION) {
		sl_err_set(err, 0, "protocol version %lld, this sluice speaks %d",
			   (long long)json_integer_value(version), CONTROL_VERSION);
		json_decref(root);
		return NULL;
	}
	return root;
}

/* Every key of @root is one of @allowed. */
static int only_keys(json_t *root, const char *const *allowed, size_t n, struct sl_err *err)
{
	const char *key;
	json_t *value;
	size_t i;

	json_object_foreach(root, key, value)
	{
		for (i = 0; i < n && strcmp(key, allowed[i]); i++)
			;
		if (i == n)
			return sl_err_set(err, 0, CONTROL_UNEXPECTED_KEY " '%s'", key);
	}
	(void)value;
	return 0;
}

static int integer_in(json_t *root, const char *key, long long min, long long max, long long *out,
		      struct sl_err *err)
{
	json_t *v = json_object_get(root, key);

	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return sl_err_set(err, 0, "'%s': expected an integer from %lld to %lld", key, min,
				  max);
	*out = json_integer_value(v);
	return 0;
}

/* @key: true or false; absent is false unless @required. */
static int boolean_in(json_t *root, const char *key, bool required, bool *out, struct sl_err *err)
{
	json_t *v = json_object_get(root, key);

	if ((v || required) && !json_is_boolean(v))
		return sl_err_set(err, 0, "'%s': expected true or false", key);
	*out = json_is_true(v);
	return 0;
}

/* A NULL-terminated copy of an array of at most @max strings (at least @min), no NUL inside. */
static int string_array_copy(json_t *root, const char *key, size_t min, size_t max, char ***out,
			     struct sl_err *err)
{
	json_t *array = json_object_get(root, key), *item;
	size_t i;

	if (!json_is_array(array) || json_array_size(array) < min || json_array_size(array) > max)
		return sl_err_set(err, 0, "'%s': expected a list of %zu to %zu strings", key, min,
				  max);
	*out = calloc(json_array_size(array) + 1, sizeof(char *));
	if (!*out)
		return sl_err_set(err, ENOMEM, "'%s'", key);
	json_array_foreach(array, i, item)
	{
		const char *s = json_string_value(item);

		if (!s || strlen(s) != json_string_length(item))
			return sl_err_set(err, 0, "%s[%zu]: expected a string without NUL", key, i);
		(*out)[i] = strdup(s);
		if (!(*out)[i])
			return sl_err_set(err, ENOMEM, "'%s'", key);
	}
	return 0;
}

static int parse_spawn(json_t *root, struct control_request *req, struct sl_err *err)
{
	static const char *const keys[] = {"sluice", "op",  "session", "argv",
					   "env",    "cwd", "rows",    "cols"};
	const char *session = json_string_value(json_object_get(root, "session"));
	const char *cwd = json_string_value(json_object_get(root, "cwd"));
	long long rows = 0, cols = 0;
	size_t i;

	if (only_keys(root, keys, 8, err))
		return -1;
	if (json_object_get(root, "rows") || json_object_get(root, "cols")) {
		if (integer_in(root, "rows", 1, 65535, &rows, err) ||
		    integer_in(root, "cols", 1, 65535, &cols, err))
			return -1;
		req->rows = (int)rows;
		req->cols = (int)cols;
	}
	if (!session || !session[0] || strlen(session) >= sizeof(req->session))
		return sl_err_set(err, 0, "'session': expected a session's name");
	snprintf(req->session, sizeof(req->session), "%s", session);
	if (!cwd || cwd[0] != '/' ||
	    strlen(cwd) != json_string_length(json_object_get(root, "cwd")))
		return sl_err_set(err, 0, "'cwd': expected an absolute path");
	req->cwd = strdup(cwd);
	if (!req->cwd)
		return sl_err_set(err, ENOMEM, "'cwd'");
	if (string_array_copy(root, "argv", 1, CONTROL_MAX_ARGS, &req->argv, err) ||
	    string_array_copy(root, "env", 0, CONTROL_MAX_ENVIRON, &req->env, err))
		return -1;
	if (!req->argv[0][0])
		return sl_err_set(err, 0, "argv[0]: expected a program");
	for (i = 0; req->env[i]; i++)
		if (!strchr(req->env[i], '=') || req->env[i][0] == '=')
			return sl_err_set(err, 0, "env[%zu]: expected NAME=VALUE", i);
	return 0;
}

void control_request_free(struct control_request *req)
{
	size_t i;

	for (i = 0; req->argv && req->argv[i]; i++)
		free(req->argv[i]);
	for (i = 0; req->env && req->env[i]; i++)
		free(req->env[i]);
	free(req->argv);
	free(req->env);
	free(req->cwd);
	req->argv = req->env = NULL;
	req->cwd = NULL;
}

int control_exit_parse(const char *buf, size_t len, int *code)
{
	json_t *root = load_message(buf, len, NULL), *exit_code;
	int ret = -1;

	if (!root)
		return -1;
	exit_code = json_object_get(root, "exit");
	if (json_is_true(json_object_get(root, "ok")) && json_is_integer(exit_code) &&
	    json_integer_value(exit_code) >= 0 && json_integer_value(exit_code) <= 255) {
		*code = (int)json_integer_value(exit_code);
		ret = 0;
	}
	json_decref(root);
	return ret;
}

int control_request_parse(const char *buf, size_t len, struct control_request *req,
			  struct sl_err *err)
{
	static const char *const plain[] = {"sluice", "op"};
	static const char *const join_keys[] = {"sluice", "op", "copy", "fast_path"};
	static const char *const signal_keys[] = {"sluice", "op", "sig"};
	static const char *const resize_keys[] = {"sluice", "op", "rows", "cols"};
	long long cols = 0;
	static const char *const started[] = {"sluice", "op", "pid"};
	static const char *const stop[] = {"sluice", "op", "grace"};
	json_t *root = load_message(buf, len, err);
	const char *op;
	long long value;
	int ret = 0;
	size_t i;

	memset(req, 0, sizeof(*req));
	if (!root)
		return -1;
	op = json_string_value(json_object_get(root, "op"));
	for (i = 1; op && i < sizeof(op_names) / sizeof(op_names[0]); i++)
		if (!strcmp(op, op_names[i]))
			req->op = (enum control_op)i;
	if (!req->op)
		ret = sl_err_set(err, 0,
				 "'op': expected status, join, started, stop, spawn, signal or "
				 "resize");
	else if (req->op == CONTROL_SPAWN)
		ret = parse_spawn(root, req, err);
	else if (req->op == CONTROL_SIGNAL)
		ret = only_keys(root, signal_keys, 3, err)
			  ?: integer_in(root, "sig", 1, 64, &value, err);
	else if (req->op == CONTROL_RESIZE)
		ret = only_keys(root, resize_keys, 4, err)
			  ?: integer_in(root, "rows", 1, 65535, &value, err)
			  ?: integer_in(root, "cols", 1, 65535, &cols, err);
	else if (req->op == CONTROL_STARTED)
		ret = only_keys(root, started, 3, err)
			  ?: integer_in(root, "pid", 1, 0x7fffffff, &value, err);
	else if (req->op == CONTROL_STOP)
		ret = only_keys(root, stop, 3, err)
			  ?: integer_in(root, "grace", 0, CONTROL_GRACE_MAX, &value, err);
	else if (req->op == CONTROL_JOIN)
		/* Optional flags: "copy" (`sluice cp`), "fast_path" (`sluice exec`). */
		ret = only_keys(root, join_keys, 4, err)
			  ?: boolean_in(root, "copy", false, &req->copy, err)
			  ?: boolean_in(root, "fast_path", false, &req->fast_path, err);
	else
		ret = only_keys(root, plain, 2, err);
	if (!ret && req->op == CONTROL_STARTED)
		req->pid = (pid_t)value;
	if (!ret && req->op == CONTROL_STOP)
		req->grace_seconds = (int)value;
	if (!ret && req->op == CONTROL_SIGNAL)
		req->sig = (int)value;
	if (!ret && req->op == CONTROL_RESIZE) {
		req->rows = (int)value;
		req->cols = (int)cols;
	}
	if (ret)
		control_request_free(req);
	json_decref(root);
	return ret;
}

static int format_spawn(const struct control_request *req, char *buf, size_t cap)
{
	json_t *argv = json_array(), *env = json_array(), *root;
	size_t i, n;

	for (i = 0; argv && req->argv && req->argv[i]; i++)
		json_array_append_new(argv, json_string(req->argv[i]));
	for (i = 0; env && req->env && req->env[i]; i++)
		json_array_append_new(env, json_string(req->env[i]));
	root = json_pack("{s:i, s:s, s:s, s:o, s:o, s:s}", "sluice", CONTROL_VERSION, "op", "spawn",
			 "session", req->session, "argv", argv, "env", env, "cwd",
			 req->cwd ? req->cwd : "/");
	if (root && req->rows > 0 && req->cols > 0) {
		json_object_set_new(root, "rows", json_integer(req->rows));
		json_object_set_new(root, "cols", json_integer(req->cols));
	}
	n = root ? json_dumpb(root, buf, cap, JSON_COMPACT) : 0;
	json_decref(root);
	return n && n < cap ? (int)n : -1;
}

int control_request_format(const struct control_request *req, char *buf, size_t cap)
{
	int n;

	if (req->op < CONTROL_STATUS || req->op > CONTROL_RESIZE)
		return -1;
	if (req->op == CONTROL_SPAWN)
		return format_spawn(req, buf, cap);
	if (req->op == CONTROL_SIGNAL)
		n = snprintf(buf, cap, "{\"sluice\": %d, \"op\": \"signal\", \"sig\": %d}",
			     CONTROL_VERSION, req->sig);
	else if (req->op == CONTROL_RESIZE)
		n = snprintf(buf, cap,
			     "{\"sluice\": %d, \"op\": \"resize\", \"rows\": %d, \"cols\": %d}",
			     CONTROL_VERSION, req->rows, req->cols);
	else if (req->op == CONTROL_STARTED)
		n = snprintf(buf, cap, "{\"sluice\": %d, \"op\": \"started\", \"pid\": %ld}",
			     CONTROL_VERSION, (long)req->pid);
	else if (req->op == CONTROL_STOP)
		n = snprintf(buf, cap, "{\"sluice\": %d, \"op\": \"stop\", \"grace\": %d}",
			     CONTROL_VERSION, req->grace_seconds);
	else if (req->op == CONTROL_JOIN && (req->copy || req->fast_path))
		n = snprintf(buf, cap, "{\"sluice\": %d, \"op\": \"join\", \"%s\": true}",
			     CONTROL_VERSION, req->copy ? "copy" : "fast_path");
	else
		n = snprintf(buf, cap, "{\"sluice\": %d, \"op\": \"%s\"}", CONTROL_VERSION,
			     op_names[req->op]);
	return n < 0 || (size_t)n >= cap ? -1 : n;
}

int control_error_format(const char *msg, char *buf, size_t cap)
{
	json_t *root =
	    json_pack("{s:i, s:b, s:s}", "sluice", CONTROL_VERSION, "ok", 0, "error", msg);
	size_t n = root ? json_dumpb(root, buf, cap, JSON_COMPACT) : 0;

	json_decref(root);
	return n && n < cap ? (int)n : -1;
}

int control_reply_check(const char *buf, size_t len, struct sl_err *err)
{
	json_t *root = load_message(buf, len, err), *ok;
	const char *text;
	int ret = 0;

	if (!root)
		return sl_err_wrap(err, "the session's answer");
	ok = json_object_get(root, "ok");
	if (!json_is_boolean(ok)) {
		ret = sl_err_set(err, 0, "the session's answer has no 'ok'");
	} else if (!json_is_true(ok)) {
		text = json_string_value(json_object_get(root, "error"));
		ret = sl_err_set(err, 0, "%.600s", text ? text : "refused, without a reason");
	}
	json_decref(root);
	return ret;
}

/* An array of at most CONTROL_MAX_ENV strings, each copied; @need_eq: "NAME=VALUE". */
static int string_list(json_t *root, const char *key, bool need_eq, char **out, size_t *n,
		       struct sl_err *err)
{
	json_t *array = json_object_get(root, key), *item;
	size_t i;

	if (!json_is_array(array) || json_array_size(array) > CONTROL_MAX_ENV)
		return sl_err_set(err, 0, "'%s': expected a list of at most %d strings", key,
				  CONTROL_MAX_ENV);
	json_array_foreach(array, i, item)
	{
		const char *s = json_string_value(item);
		const char *eq = s ? strchr(s, '=') : NULL;

		if (!s || !s[0] || (need_eq ? !eq || eq == s : eq != NULL))
			return sl_err_set(err, 0, "%s[%zu]: expected %s", key, i,
					  need_eq ? "NAME=VALUE" : "a variable's name");
		out[*n] = strdup(s);
		if (!out[*n])
			return sl_err_set(err, ENOMEM, "%s[%zu]", key, i);
		(*n)++;
	}
	return 0;
}

int control_join_parse(const char *buf, size_t len, struct control_join *join, struct sl_err *err)
{
	json_t *root = load_message(buf, len, err), *names, *item;
	size_t i, k;
	int ret = 0;

	memset(join, 0, sizeof(*join));
	if (!root)
		return -1;
	names = json_object_get(root, "namespaces");
	if (!json_is_array(names) || json_array_size(names) < 1 ||
	    json_array_size(names) > CONTROL_MAX_NAMESPACES)
		ret = sl_err_set(err, 0, "'namespaces': expected a list of 1 to %d names",
				 CONTROL_MAX_NAMESPACES);
	json_array_foreach(names, i, item)
	{
		const char *s = json_string_value(item);

		for (k = 0; ret == 0 && s && k < CONTROL_MAX_NAMESPACES; k++)
			if (!strcmp(s, namespace_names[k]))
				break;
		if (ret == 0 && (!s || k == CONTROL_MAX_NAMESPACES))
			ret =
			    sl_err_set(err, 0, "namespaces[%zu]: not a namespace sluice makes", i);
		for (k = 0; ret == 0 && k < join->n_namespaces; k++)
			if (!strcmp(s, join->namespaces[k]))
				ret = sl_err_set(err, 0, "namespaces[%zu]: given twice", i);
		if (ret == 0)
			snprintf(join->namespaces[join->n_namespaces++],
				 sizeof(join->namespaces[0]), "%s", s);
	}
	if (!ret)
		ret = string_list(root, "environment", true, join->environment,
				  &join->n_environment, err);
	if (!ret)
		ret = string_list(root, "unset", false, join->unset, &join->n_unset, err);
	if (!ret)
		ret = boolean_in(root, "map_root", true, &join->map_root, err)
			  ?: boolean_in(root, "fast_path", false, &join->fast_path, err);
	json_decref(root);
	return ret;
}

void control_join_free(struct control_join *join)
{
	size_t i;

	for (i = 0; i < join->n_environment; i++)
		free(join->environment[i]);
	for (i = 0; i < join->n_unset; i++)
		free(join->unset[i]);
	join->n_environment = join->n_unset = 0;
}
