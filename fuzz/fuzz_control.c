/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * fuzz_control.c - feeds bytes to the session control protocol's parsers, as a peer on a
 * session's control socket could send them (control.h), and to session_state_parse(), as a
 * state file could hold them (session.h).  Beyond "no crash, no leak": an accepted request,
 * formatted again, parses to the same request; an accepted join answer names each namespace
 * once and lists only NAME=VALUE additions; an accepted state names a valid session.
 */
#include <assert.h>
#include <string.h>

#include "control.h"
#include "fuzz_targets.h"
#include "session.h"

int fuzz_control(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	static char formatted_spawn[CONTROL_MSG_MAX];
	struct control_request req, again;
	struct control_join join;
	struct session_state state;
	char formatted[256];
	size_t i;

	if (!control_request_parse(text, size, &req, NULL)) {
		char *out = req.op == CONTROL_SPAWN ? formatted_spawn : formatted;
		size_t cap = req.op == CONTROL_SPAWN ? sizeof(formatted_spawn) : sizeof(formatted);
		int n = control_request_format(&req, out, cap);

		assert(n > 0);
		assert(!control_request_parse(out, (size_t)n, &again, NULL));
		assert(again.op == req.op && again.pid == req.pid &&
		       again.grace_seconds == req.grace_seconds && again.sig == req.sig &&
		       again.rows == req.rows && again.cols == req.cols);
		if (req.op == CONTROL_SPAWN) {
			assert(!strcmp(again.session, req.session) && !strcmp(again.cwd, req.cwd));
			for (i = 0; req.argv[i]; i++)
				assert(again.argv[i] && !strcmp(again.argv[i], req.argv[i]));
			assert(!again.argv[i]);
			for (i = 0; req.env[i]; i++)
				assert(again.env[i] && !strcmp(again.env[i], req.env[i]));
			assert(!again.env[i]);
		}
		control_request_free(&again);
		control_request_free(&req);
	}
	{
		int code;

		if (!control_exit_parse(text, size, &code))
			assert(code >= 0 && code <= 255);
	}
	control_reply_check(text, size, NULL);
	if (!control_join_parse(text, size, &join, NULL)) {
		assert(join.n_namespaces >= 1 && join.n_namespaces <= CONTROL_MAX_NAMESPACES);
		for (i = 0; i < join.n_environment; i++)
			assert(strchr(join.environment[i], '=') != join.environment[i]);
	}
	control_join_free(&join);
	if (!session_state_parse(text, size, &state, NULL)) {
		assert(session_name_valid(state.name));
		assert(state.pid > 0);
	}
	return 0;
}
