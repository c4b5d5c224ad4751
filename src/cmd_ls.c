/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * cmd_ls.c - `sluice ls [--json]` and `sluice status NAME [--json]`: the running sessions of
 * the caller, as their supervisors tell them (control.h "status"), for people or scripts.
 * Reads only; removing what a killed session left is `sluice gc` (cmd_gc.c).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cmd.h"
#include "control.h"
#include "runtime_dir.h"
#include "session.h"
#include "session_client.h"

/* The "session" object of @name's status answer, with "uptime" added; NULL with @err. */
static json_t *session_status(const char *name, struct sl_err *err)
{
	static char reply[CONTROL_MSG_MAX + 1];
	struct control_request req = {.op = CONTROL_STATUS};
	json_t *root, *session;
	json_error_t jerr;
	ssize_t n;
	int fd = session_client_connect(name, err);

	if (fd < 0)
		return NULL;
	n = session_client_request(fd, &req, NULL, 0, reply, NULL, NULL, err);
	close(fd);
	if (n < 0)
		return NULL;
	root = json_loadb(reply, (size_t)n, 0, &jerr);
	session = json_incref(json_object_get(root, "session"));
	json_decref(root);
	if (!json_is_object(session)) {
		json_decref(session);
		sl_err_set(err, EPROTO, "session '%s': an answer without its state", name);
		return NULL;
	}
	json_object_set_new(
	    session, "uptime",
	    json_integer(time(NULL) - json_integer_value(json_object_get(session, "started"))));
	return session;
}

static void format_duration(long long s, char *buf, size_t cap)
{
	if (s < 60)
		snprintf(buf, cap, "%llds", s);
	else if (s < 3600)
		snprintf(buf, cap, "%lldm%02llds", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, cap, "%lldh%02lldm", s / 3600, s / 60 % 60);
	else
		snprintf(buf, cap, "%lldd%02lldh", s / 86400, s / 3600 % 24);
}

static void format_bytes(unsigned long long n, char *buf, size_t cap)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	double v = (double)n;
	size_t u = 0;

	while (v >= 1024 && u < 4)
		v /= 1024, u++;
	if (u == 0)
		snprintf(buf, cap, "%llu B", n);
	else
		snprintf(buf, cap, "%.1f %s", v, units[u]);
}

/* "socks5://a:1080 > tor", or "direct"; the connections and bytes of the first hop (every
 * connection of the program goes through it). */
static void summarize_hops(json_t *session, char *hops, size_t cap, unsigned long long *conns,
			   unsigned long long *bytes)
{
	json_t *list = json_object_get(session, "hops"), *hop;
	size_t i, used = 0;

	*conns = *bytes = 0;
	snprintf(hops, cap, "direct");
	json_array_foreach(list, i, hop)
	{
		const char *text = json_string_value(json_object_get(hop, "hop"));
		int n =
		    snprintf(hops + used, cap - used, "%s%s", i ? " > " : "", text ? text : "?");

		if (n > 0 && (size_t)n < cap - used)
			used += (size_t)n;
		if (i == 0) {
			*conns = (unsigned long long)json_integer_value(
			    json_object_get(hop, "connections"));
			*bytes = (unsigned long long)(json_integer_value(
							  json_object_get(hop, "bytes_up")) +
						      json_integer_value(
							  json_object_get(hop, "bytes_down")));
		}
	}
}

static void print_row(json_t *session)
{
	char uptime[32], hops[512], bytes_text[32];
	unsigned long long conns, bytes;

	format_duration(json_integer_value(json_object_get(session, "uptime")), uptime,
			sizeof(uptime));
	summarize_hops(session, hops, sizeof(hops), &conns, &bytes);
	format_bytes(bytes, bytes_text, sizeof(bytes_text));
	printf("%-20s %-8lld %-8s %-6llu %-10s %s\n",
	       json_string_value(json_object_get(session, "name")),
	       (long long)json_integer_value(json_object_get(session, "supervisor_pid")), uptime,
	       conns, bytes_text, hops);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of BASE/NAME.json, sorted (malloc'd; *@n of them). */
static char **session_names(size_t *n)
{
	char base[PATH_MAX], **names = NULL;
	struct dirent *e;
	DIR *dir;

	*n = 0;
	runtime_dir_base_path(base, sizeof(base));
	dir = opendir(base);
	if (!dir)
		return NULL;
	while ((e = readdir(dir))) {
		char name[SESSION_NAME_MAX + 1], **more;

		if (!session_name_of_file(e->d_name, name))
			continue;
		more = realloc(names, (*n + 1) * sizeof(*names));
		if (!more)
			break;
		names = more;
		names[*n] = strdup(name);
		if (names[*n])
			(*n)++;
	}
	closedir(dir);
	if (*n)
		qsort(names, *n, sizeof(*names), compare_names);
	return names;
}

static bool json_flag(int argc, char *argv[], int first, bool *json, int *words, char **word)
{
	int i;

	*json = false;
	*words = 0;
	for (i = first; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			*json = true;
		else if (argv[i][0] == '-')
			return false;
		else if ((*words)++ == 0)
			*word = argv[i];
	}
	return true;
}

int cmd_ls_main(int argc, char *argv[], enum log_level level)
{
	json_t *all = json_array();
	char **names, *word = NULL;
	size_t n, i, gone = 0;
	int words, first = 1;
	bool json;

	for (; first < argc && cli_verbosity(argv[first], &level); first++)
		;
	log_set_level(level);
	if (!json_flag(argc, argv, first, &json, &words, &word) || words) {
		log_error("usage: sluice ls [--json]");
		return SL_EXIT_FAILURE;
	}
	names = session_names(&n);
	if (!json)
		printf("%-20s %-8s %-8s %-6s %-10s %s\n", "NAME", "PID", "UPTIME", "CONNS", "BYTES",
		       "HOPS");
	for (i = 0; i < n; i++) {
		struct sl_err err = {0};
		json_t *session = session_status(names[i], &err);

		if (!session)
			gone += err.errnum == ECONNREFUSED;
		else if (json)
			json_array_append(all, session);
		else
			print_row(session);
		json_decref(session);
		free(names[i]);
	}
	free(names);
	if (json) {
		json_dumpf(all, stdout, JSON_INDENT(2));
		putchar('\n');
	}
	json_decref(all);
	if (gone)
		log_warn("%zu session%s left by a killed sluice; 'sluice gc' removes %s", gone,
			 gone == 1 ? "" : "s", gone == 1 ? "it" : "them");
	return 0;
}

int cmd_status_main(int argc, char *argv[], enum log_level level)
{
	json_t *session, *hop;
	struct sl_err err;
	char *word = NULL, uptime[32];
	int words, first = 1;
	size_t i;
	bool json;

	for (; first < argc && cli_verbosity(argv[first], &level); first++)
		;
	log_set_level(level);
	if (!json_flag(argc, argv, first, &json, &words, &word) || words != 1) {
		log_error("usage: sluice status NAME [--json]");
		return SL_EXIT_FAILURE;
	}
	sl_err_clear(&err);
	session = session_status(word, &err);
	if (!session) {
		log_error("%s", err.msg);
		return SL_EXIT_FAILURE;
	}
	if (json) {
		json_dumpf(session, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(session);
		return 0;
	}
	format_duration(json_integer_value(json_object_get(session, "uptime")), uptime,
			sizeof(uptime));
	printf("session:    %s\n", json_string_value(json_object_get(session, "name")));
	if (json_string_length(json_object_get(session, "profile")))
		printf("profile:    %s\n", json_string_value(json_object_get(session, "profile")));
	printf("supervisor: pid %lld, up %s\n",
	       (long long)json_integer_value(json_object_get(session, "supervisor_pid")), uptime);
	printf("programs:   %s%zu started by exec\n",
	       json_is_true(json_object_get(session, "program_running")) ? "the first, " : "",
	       json_array_size(json_object_get(session, "exec_pids")));
	if (!json_array_size(json_object_get(session, "hops")))
		printf("hops:       none (direct)\n");
	json_array_foreach(json_object_get(session, "hops"), i, hop)
	{
		char bytes_up[32], bytes_down[32];

		format_bytes(
		    (unsigned long long)json_integer_value(json_object_get(hop, "bytes_up")),
		    bytes_up, sizeof(bytes_up));
		format_bytes(
		    (unsigned long long)json_integer_value(json_object_get(hop, "bytes_down")),
		    bytes_down, sizeof(bytes_down));
		printf("hop %zu:      %s (%s): %lld connections (%lld open), %s up, %s down\n",
		       i + 1, json_string_value(json_object_get(hop, "hop")),
		       json_string_value(json_object_get(hop, "state")),
		       (long long)json_integer_value(json_object_get(hop, "connections")),
		       (long long)json_integer_value(json_object_get(hop, "active")), bytes_up,
		       bytes_down);
	}
	json_decref(session);
	return 0;
}
