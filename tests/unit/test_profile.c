/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test_profile.c - unit tests of src/profile.c: a table of good profiles and what they set; a
 * table of bad ones, each with its exact message (file, JSON path, what was expected); the
 * layering under the command line (its values win, a profile's overridden values are still
 * checked); hop objects turned into the URLs --via takes; secrets handed back, not read.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"

static int parse(struct conf *conf, struct run_options *run, struct profile *profile,
		 const char *text, struct sl_err *err)
{
	conf_init(conf, run);
	profile_init(profile);
	sl_err_clear(err);
	return profile_parse(conf, "work.json", "/etc/p", text, strlen(text), profile, err);
}

static void good_profiles(void **state)
{
	struct run_options run;
	struct profile profile;
	struct sl_err err;
	struct conf conf;

	(void)state;
	assert_int_equal(parse(&conf, &run, &profile,
			       "{\"description\": \"work\", \"hops\": [\"socks5://10.0.0.1:1080\", "
			       "{\"type\": \"http\", \"host\": \"::1\", \"port\": 3128, \"user\": "
			       "\"b o\", \"password\": \"p@ss:w\"}], \"dns\": \"forward=9.9.9.9\", "
			       "\"udp\": \"block\", \"ipv6\": false, \"hostname\": \"box\", "
			       "\"map_root\": true, \"user\": \"alice\", \"command\": [\"curl\", "
			       "\"-s\"], \"environment\": {\"A\": \"1\", \"B_2\": \"x=y\"}, "
			       "\"publish\": [\"8080:80\", \"[::1]:5353:5353/udp\"]}",
			       &err),
			 0);
	assert_string_equal(profile.description, "work");
	assert_int_equal(run.n_hops, 2);
	assert_int_equal(run.hops[1].kind, HOP_HTTP);
	assert_string_equal(run.hops[1].user, "b o");
	assert_string_equal(run.hops[1].password, "p@ss:w");
	assert_int_equal(run.hops[1].server.port, 3128);
	assert_string_equal(run.via_text[1], "http://b%20o:p%40ss%3Aw@[::1]:3128");
	assert_true(profile.inline_password);
	assert_int_equal(run.dns, DNS_FORWARD);
	assert_string_equal(run.dns_forward_to, "9.9.9.9");
	assert_false(run.ipv6);
	assert_string_equal(run.hostname, "box");
	assert_int_equal(run.id_map, ID_MAP_ROOT);
	assert_string_equal(run.user, "alice");
	assert_string_equal(profile.command[0], "curl");
	assert_string_equal(profile.command[1], "-s");
	assert_int_equal(run.n_publish, 2);
	assert_string_equal(run.publish[0].text, "127.0.0.1:8080:80");
	assert_string_equal(run.publish[1].text, "[::1]:5353:5353/udp");
	assert_true(run.publish[1].udp);
	assert_null(profile.command[2]);
	assert_int_equal(run.n_environment, 2);
	assert_string_equal(run.environment[0], "A=1");
	assert_string_equal(run.environment[1], "B_2=x=y");
	assert_int_equal(conf_finish(&conf, &err), 0);
	profile_free(&profile);

	/* tor and ssh hops, their options; a string command runs through /bin/sh -c. */
	assert_int_equal(
	    parse(&conf, &run, &profile,
		  "{\"hops\": [{\"type\": \"ssh\", \"host\": \"gw.example\", \"user\": "
		  "\"me\"}, {\"type\": \"tor\"}], \"tor\": {\"options\": [\"ExitNodes "
		  "{de}\"], \"config\": \"bridges.conf\", \"timeout\": 30, \"isolate\": "
		  "\"destination\"}, \"ssh\": {\"options\": [\"Compression=yes\"]}, "
		  "\"command\": \"echo $HOME\"}",
		  &err),
	    0);
	assert_string_equal(run.via_text[0], "ssh://me@gw.example");
	assert_string_equal(run.via_text[1], "tor");
	assert_int_equal(run.n_tor_options, 1);
	assert_string_equal(run.tor_config, "/etc/p/bridges.conf"); /* from the profile's dir */
	assert_int_equal(run.tor_timeout, 30);
	assert_int_equal(run.tor_isolate, TOR_ISOLATE_DESTINATION);
	assert_string_equal(run.ssh_options[0], "Compression=yes");
	assert_string_equal(profile.command[0], "/bin/sh");
	assert_string_equal(profile.command[1], "-c");
	assert_string_equal(profile.command[2], "echo $HOME");
	assert_false(profile.inline_password);
	assert_int_equal(conf_finish(&conf, &err), 0);
	profile_free(&profile);

	/* Empty profile; tor over a unix socket; net none; direct. */
	assert_int_equal(parse(&conf, &run, &profile, "{}", &err), 0);
	assert_null(profile.command);
	profile_free(&profile);
	assert_int_equal(parse(&conf, &run, &profile,
			       "{\"hops\": [{\"type\": \"tor\", \"path\": \"/run/tor/socks\"}]}",
			       &err),
			 0);
	assert_string_equal(run.hops[0].unix_path, "/run/tor/socks");
	profile_free(&profile);
	assert_int_equal(parse(&conf, &run, &profile, "{\"net\": \"none\"}", &err), 0);
	assert_int_equal(conf_finish(&conf, &err), 0);
	assert_int_equal(run.net, NET_NONE);
	profile_free(&profile);
	assert_int_equal(
	    parse(&conf, &run, &profile,
		  "{\"hops\": [{\"type\": \"direct\"}], \"allow_host_loopback\": true}", &err),
	    0);
	assert_int_equal(conf_finish(&conf, &err), 0);
	assert_true(run.allow_host_loopback);
	profile_free(&profile);
}

/* A password from a file or a variable: the parser says where, the caller reads it. */
/* The session's and the daemon's keys. */
static void session_keys(void **state)
{
	struct run_options run;
	struct profile profile;
	struct sl_err err;
	struct conf conf;

	(void)state;
	assert_int_equal(parse(&conf, &run, &profile,
			       "{\"ip_netns\": true, \"start\": true, \"users\": [\"alice\", "
			       "\"1001\"], \"groups\": [\"vpn-users\"], \"command\": \"x\"}",
			       &err),
			 0);
	assert_true(run.ip_netns);
	assert_true(run.start);
	assert_int_equal(run.n_allow_users, 2);
	assert_string_equal(run.allow_users[1], "1001");
	assert_int_equal(run.n_allow_groups, 1);
	assert_string_equal(run.allow_groups[0], "vpn-users");
	profile_free(&profile);
}

static void secrets_are_requests(void **state)
{
	struct run_options run;
	struct profile profile;
	struct sl_err err;
	struct conf conf;

	(void)state;
	assert_int_equal(
	    parse(&conf, &run, &profile,
		  "{\"hops\": [{\"type\": \"socks5\", \"host\": \"a\", \"user\": \"u\", "
		  "\"password_file\": \"pw\"}, \"socks5://b:1\", {\"type\": "
		  "\"socks5\", \"host\": \"c\", \"user\": \"v\", \"password_env\": "
		  "\"C_PW\"}]}",
		  &err),
	    0);
	assert_int_equal(profile.n_secrets, 2);
	assert_int_equal(profile.secrets[0].kind, PROFILE_SECRET_FILE);
	assert_string_equal(profile.secrets[0].source, "/etc/p/pw");
	assert_int_equal(profile.secrets[0].hop, 0);
	assert_string_equal(profile.secrets[0].label, "work.json: hops[0].password_file");
	assert_int_equal(profile.secrets[1].kind, PROFILE_SECRET_ENV);
	assert_string_equal(profile.secrets[1].source, "C_PW");
	assert_int_equal(profile.secrets[1].hop, 2);
	assert_true(run.hops[0].password_from_env_needed);
	assert_false(profile.inline_password);
	profile_free(&profile);
	assert_int_equal(parse(&conf, &run, &profile,
			       "{\"hops\": [{\"type\": \"exec\", \"command\": \"openconnect "
			       "--script='/x y' vpn.example.org\"}]}",
			       &err),
			 0);
	assert_int_equal(run.hops[0].kind, HOP_EXEC);
	assert_string_equal(run.hops[0].command, "openconnect --script='/x y' vpn.example.org");
	profile_free(&profile);
}

/* The command line wins key by key and replaces the profile's hops; the profile's overridden
 * values are checked all the same. */
static void layering_under_the_command_line(void **state)
{
	const char *text = "{\"hops\": [{\"type\": \"socks5\", \"host\": \"a\", \"user\": \"u\", "
			   "\"password_env\": \"X\"}, \"socks5://b:2\"], \"dns\": \"none\", "
			   "\"hostname\": \"prof\", \"environment\": {\"A\": \"1\"}}";
	char via[] = "http://c:3", dns[] = "forward";
	struct run_options run;
	struct profile profile;
	struct sl_err err;
	struct conf conf;

	(void)state;
	conf_init(&conf, &run);
	profile_init(&profile);
	assert_int_equal(conf_set(&conf, conf_key_by_option("--via"), via, CONF_FROM_COMMAND_LINE,
				  "--via", &err),
			 0);
	assert_int_equal(conf_set(&conf, conf_key_by_option("--dns"), dns, CONF_FROM_COMMAND_LINE,
				  "--dns", &err),
			 0);
	assert_int_equal(profile_parse(&conf, "p.json", "", text, strlen(text), &profile, &err), 0);
	assert_int_equal(run.n_hops, 1);
	assert_int_equal(run.hops[0].kind, HOP_HTTP);
	assert_int_equal(profile.n_secrets, 0); /* its hop is not there */
	assert_int_equal(run.dns, DNS_FORWARD);
	assert_string_equal(run.hostname, "prof"); /* not on the command line */
	assert_string_equal(run.environment[0], "A=1");
	assert_int_equal(conf_finish(&conf, &err), 0);
	profile_free(&profile);

	/* An overridden but bad value is still an error. */
	conf_init(&conf, &run);
	profile_init(&profile);
	assert_int_equal(conf_set(&conf, conf_key_by_option("--dns"), dns, CONF_FROM_COMMAND_LINE,
				  "--dns", &err),
			 0);
	text = "{\"dns\": \"bogus\"}";
	assert_true(profile_parse(&conf, "p.json", "", text, strlen(text), &profile, &err) < 0);
	assert_string_equal(err.msg,
			    "p.json: dns bogus: expected fakeip, forward, forward=ADDR or none");
	profile_free(&profile);
}

static const struct {
	const char *text;
	const char *message;
} bad[] = {
    {"{\"dns\": \"bogus\"}",
     "work.json: dns bogus: expected fakeip, forward, forward=ADDR or none"},
    {"{\"dnss\": 1}",
     "work.json: dnss: unknown key; expected description, hops, dns, udp, ipv6, net, hostname, "
     "map_root, user, allow_host_loopback, tor, ssh, openvpn, command, environment, quiet, "
     "publish, "
     "ip_netns, start, users, groups or fast_path"},
    {"{\"users\": [\"-x\"]}", "work.json: users[0] '-x': expected a user name or number"},
    {"{\"groups\": \"staff\"}", "work.json: groups: expected an array of strings, not a string"},
    {"{\"start\": 1}", "work.json: start: expected true or false, not an integer"},
    {"{\"name\": \"w\"}",
     "work.json: name: a profile's name is its file's; a session's is given with --name; "
     "remove it"},
    {"{\"publish\": \"8080:80\"}", "work.json: publish: expected an array of strings, not a "
				   "string"},
    {"{\"publish\": [\"8080\"]}",
     "work.json: publish[0] 8080: expected [ADDR:]HOSTPORT:SANDBOXPORT[/udp], e.g. "
     "127.0.0.1:8080:80"},
    {"{\"publish\": [\"8080:80\", \"127.0.0.1:8080:81\"]}",
     "work.json: publish[1] 127.0.0.1:8080:81: that host address and port are published already "
     "(127.0.0.1:8080:80)"},
    {"{\"ipv6\": \"on\"}", "work.json: ipv6: expected true or false, not a string"},
    {"{\"dns\": 1}", "work.json: dns: expected a string, not an integer"},
    {"{\"hops\": {}}", "work.json: hops: expected an array of hops, not an object"},
    {"{\"hops\": [1]}", "work.json: hops[0]: expected a hop URL or a hop object, not an integer"},
    {"{\"hops\": [\"socks5://a:1\", {\"type\": \"socks5\", \"host\": \"b\", \"port\": 0}]}",
     "work.json: hops[1].port: 0: expected an integer 1-65535"},
    {"{\"hops\": [{\"type\": \"socks5\", \"host\": \"b\", \"port\": 70000}]}",
     "work.json: hops[0].port: 70000: expected an integer 1-65535"},
    {"{\"hops\": [{\"type\": \"socks5\", \"host\": \"b\", \"port\": \"1080\"}]}",
     "work.json: hops[0].port: expected an integer 1-65535, not a string"},
    {"{\"hops\": [{\"type\": \"socks5\", \"host\": \"b\", \"port\": 1.5}]}",
     "work.json: hops[0].port: expected an integer 1-65535, not a number"},
    {"{\"hops\": [{\"type\": \"socks4\", \"host\": \"b\"}]}",
     "work.json: hops[0].type: 'socks4': expected socks5, http, tor, ssh, wireguard, openvpn, "
     "exec or direct"},
    {"{\"hops\": [{\"host\": \"b\"}]}",
     "work.json: hops[0].type: missing; expected socks5, http, tor, ssh, wireguard, openvpn, "
     "exec or direct"},
    {"{\"hops\": [{\"type\": \"exec\"}]}",
     "work.json: hops[0].command: missing; an exec hop needs the command to run"},
    {"{\"hops\": [{\"type\": \"exec\", \"command\": \"vpn\", \"config\": \"x\"}]}",
     "work.json: hops[0].config: not a field of an exec hop; expected type and command (a "
     "command line that makes a tun device)"},
    {"{\"hops\": [{\"type\": \"exec\", \"command\": \"vpn 'x\"}]}",
     "work.json: hops[0]: hop \"exec:vpn 'x\": the quote ' is not closed"},
    {"{\"hops\": [{\"type\": \"socks5\"}]}",
     "work.json: hops[0].host: missing; a socks5 hop needs its server"},
    {"{\"hops\": [{\"type\": \"socks5\", \"host\": \"b\", \"hots\": 1}]}",
     "work.json: hops[0].hots: unknown key; expected type, host, port, user, password, "
     "password_file, password_env, path, config or command"},
    {"{\"hops\": [{\"type\": \"ssh\", \"host\": \"b\", \"user\": \"u\", \"password\": \"x\"}]}",
     "work.json: hops[0].password: not a field of an ssh hop; expected type, host, port or user "
     "(ssh authenticates with its keys or agent, never a password here)"},
    {"{\"hops\": [{\"type\": \"socks5\", \"host\": \"b\", \"password\": \"x\"}]}",
     "work.json: hops[0].password: needs a user"},
    {"{\"hops\": [{\"type\": \"socks5\", \"host\": \"b\", \"user\": \"u\", \"password\": \"x\", "
     "\"password_env\": \"Y\"}]}",
     "work.json: hops[0]: give at most one of password, password_file and password_env"},
    {"{\"hops\": [{\"type\": \"socks5\", \"host\": \"b@c\"}]}",
     "work.json: hops[0].host: 'b@c': expected a host name or an IP address"},
    {"{\"hops\": [{\"type\": \"tor\", \"host\": \"b\", \"path\": \"/x\"}]}",
     "work.json: hops[0]: give host and port, or path, not both"},
    {"{\"hops\": [{\"type\": \"direct\", \"host\": \"b\"}]}",
     "work.json: hops[0].host: not a field of a direct hop; expected only type"},
    {"{\"hops\": [\"gopher://x\"]}", NULL}, /* hop_url.c's message, prefixed: checked below */
    {"{\"hops\": [\"direct\", \"socks5://a:1\"]}",
     NULL}, /* accepted here, refused by conf_finish() */
    {"{\"hostname\": \"-x\"}",
     "work.json: hostname '-x': expected 1-64 letters, digits, '-' or '.', not starting with "
     "'-' or '.'"},
    {"{\"udp\": \"tcp\"}", "work.json: udp tcp: expected block, direct or proxy"},
    {"{\"net\": \"host\"}",
     "work.json: net host: unknown network mode; expected 'none' (for hops, use --via)"},
    {"{\"tor\": {\"timeout\": 0}}", "work.json: tor.timeout '0': expected seconds, 1-86400"},
    {"{\"tor\": {\"timeout\": \"5\"}}",
     "work.json: tor.timeout: expected seconds, an integer 1-86400, not a string"},
    {"{\"tor\": {\"options\": [\"a\\nb\"]}}",
     "work.json: tor.options[0]: control characters (such as a line break) are not allowed; "
     "give one option per work.json: tor.options[0]"},
    {"{\"tor\": {\"bridges\": []}}",
     "work.json: tor.bridges: unknown key; expected options, config, timeout or isolate"},
    {"{\"ssh\": {\"options\": \"A=b\"}}",
     "work.json: ssh.options: expected an array of strings, not a string"},
    {"{\"command\": []}", "work.json: command: expected a program and its arguments, not []"},
    {"{\"command\": \"\"}", "work.json: command: expected a command, not an empty string"},
    {"{\"command\": [\"\"]}", "work.json: command[0]: expected the program, not an empty string"},
    {"{\"command\": 1}",
     "work.json: command: expected a string (run by /bin/sh -c) or an array, not an integer"},
    {"{\"environment\": {\"1A\": \"x\"}}",
     "work.json: environment.1A: expected NAME=VALUE, NAME of 1-255 letters, digits or '_', "
     "not starting with a digit"},
    {"{\"environment\": {\"A=B\": \"x\"}}",
     "work.json: environment.A=B: '=' cannot be part of a variable's name"},
    {"{\"environment\": {\"A\": 1}}",
     "work.json: environment.A: expected a string, not an integer"},
    {"{\"description\": [\"x\"]}", "work.json: description: expected a string, not an array"},
    {"[]", "work.json: expected an object {...} at the top, not an array"},
    {"{\"dns\": \"none\", \"dns\": \"fakeip\"}",
     "work.json: line 1, column 21: not valid JSON: duplicate object key near '\"dns\"'"},
    {"{\"dns\": \"none\"",
     "work.json: line 1, column 14: not valid JSON: '}' expected near end of file"},
    {"{\"hostname\": \"\xff\"}",
     "work.json: line 1, column 14: not valid JSON: unable to decode byte 0xff near '\"'"},
    {"{\"dns\": \"\\u0000\"}",
     "work.json: line 1, column 16: not valid JSON: \\u0000 is not allowed without "
     "JSON_ALLOW_NUL near '\"\\u0000\"'"},
    {"", "work.json: line 1, column 0: not valid JSON: '[' or '{' expected near end of file"},
    {"{\"a\": [[[[[[[[[1]]]]]]]]]}",
     "work.json: a[0][0][0][0][0][0][0]: nested deeper than 8 levels"},
};

static void bad_profiles(void **state)
{
	struct run_options run;
	struct profile profile;
	struct sl_err err;
	struct conf conf;
	size_t i, failures = 0;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int ret = parse(&conf, &run, &profile, bad[i].text, &err);

		if (bad[i].message &&
		    (ret == 0 || strcmp(err.msg, bad[i].message) || err.exit_code != 125)) {
			print_error("case %zu: %s\n got (%d): %s\nwant: %s\n", i, bad[i].text, ret,
				    err.msg, bad[i].message);
			failures++;
		}
		profile_free(&profile);
	}
	assert_int_equal(failures, 0);
	/* A hop URL's own message, with the profile's path before it. */
	assert_true(parse(&conf, &run, &profile, "{\"hops\": [\"gopher://x\"]}", &err) < 0);
	assert_non_null(strstr(err.msg, "work.json: hops[0]: "));
	assert_non_null(strstr(err.msg, "gopher://x"));
	profile_free(&profile);
	/* Accepted by the parser, refused with a message by conf_finish(). */
	assert_int_equal(
	    parse(&conf, &run, &profile, "{\"hops\": [\"direct\", \"socks5://a:1\"]}", &err), 0);
	assert_true(conf_finish(&conf, &err) < 0);
	assert_string_equal(err.msg,
			    "--via direct cannot be chained with proxy hops; leave it out");
	profile_free(&profile);
}

/* Size limit before JSON, and a password never in a message. */
static void size_limit_and_no_password_in_messages(void **state)
{
	size_t len = PROFILE_SIZE_MAX + 1;
	char *big = malloc(len);
	struct run_options run;
	struct profile profile;
	struct sl_err err;
	struct conf conf;
	const char *text = "{\"hops\": [{\"type\": \"socks5\", \"host\": \"b\", \"port\": 1, "
			   "\"user\": \"u\", \"password\": \"hunter2-secret\"}], \"dns\": \"x\"}";

	(void)state;
	assert_non_null(big);
	memset(big, ' ', len);
	conf_init(&conf, &run);
	profile_init(&profile);
	assert_true(profile_parse(&conf, "big.json", "", big, len, &profile, &err) < 0);
	assert_string_equal(err.msg, "big.json: 1048577 bytes; a profile may have at most 1048576");
	free(big);
	assert_true(parse(&conf, &run, &profile, text, &err) < 0);
	assert_null(strstr(err.msg, "hunter2"));
	profile_free(&profile);
	assert_true(parse(&conf, &run, &profile,
			  "{\"hops\": [{\"type\": \"http\", \"host\": \"b\", \"port\": 1, "
			  "\"user\": \"u\", \"password\": \"hunter2-secret\"}, \"bad://\"]}",
			  &err) < 0);
	assert_null(strstr(err.msg, "hunter2"));
	profile_free(&profile);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(good_profiles),
	    cmocka_unit_test(session_keys),
	    cmocka_unit_test(secrets_are_requests),
	    cmocka_unit_test(layering_under_the_command_line),
	    cmocka_unit_test(bad_profiles),
	    cmocka_unit_test(size_limit_and_no_password_in_messages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
