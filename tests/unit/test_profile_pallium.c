/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test_profile_pallium.c - unit tests of src/profile_pallium.c: which format a profile is in;
 * a table of pallium profiles and the sluice profile each translates into (what
 * `sluice profile import-pallium` writes, and what `sluice run` then reads into the
 * configuration); a table of pallium profiles `run` refuses, each with its exact message
 * naming every key sluice has no equivalent for; a table of invalid pallium, with the exact
 * message naming the pallium path; the warnings import gives; the command line over a
 * pallium profile.
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
#include "profile_pallium.h"

static int parse(struct conf *conf, struct run_options *run, struct profile *profile,
		 const char *text, struct sl_err *err)
{
	conf_init(conf, run);
	profile_init(profile);
	sl_err_clear(err);
	return profile_parse(conf, "p.json", "/etc/p", text, strlen(text), profile, err);
}

static enum profile_format detect(const char *text, const char **pallium_key,
				  const char **sluice_key, json_t **root)
{
	*root = json_loads(text, 0, NULL);
	assert_non_null(*root);
	return profile_pallium_detect(*root, pallium_key, sluice_key);
}

static void formats(void **state)
{
	static const struct {
		const char *text;
		enum profile_format format;
	} cases[] = {
	    {"{}", PROFILE_FORMAT_SLUICE},
	    {"[]", PROFILE_FORMAT_SLUICE},
	    {"{\"hops\": [\"tor\"]}", PROFILE_FORMAT_SLUICE},
	    {"{\"bridge\": {}}", PROFILE_FORMAT_SLUICE}, /* no pallium key: sluice refuses it */
	    {"{\"chain\": []}", PROFILE_FORMAT_PALLIUM},
	    {"{\"network\": {}}", PROFILE_FORMAT_PALLIUM},
	    {"{\"networking\": {}}", PROFILE_FORMAT_PALLIUM},
	    {"{\"run\": {}}", PROFILE_FORMAT_PALLIUM},
	    {"{\"sandbox\": {}, \"bridge\": 1}", PROFILE_FORMAT_PALLIUM},
	    {"{\"run\": {}, \"command\": \"x\"}", PROFILE_FORMAT_MIXED},
	};
	const char *pallium_key, *sluice_key;
	json_t *root;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum profile_format got = detect(cases[i].text, &pallium_key, &sluice_key, &root);

		if (got != cases[i].format)
			print_error("case %zu: %s: got %d\n", i, cases[i].text, got);
		assert_int_equal(got, cases[i].format);
		json_decref(root);
	}
	detect("{\"run\": {}, \"command\": \"x\"}", &pallium_key, &sluice_key, &root);
	assert_string_equal(pallium_key, "run");
	assert_string_equal(sluice_key, "command");
	json_decref(root);
}

/* Pallium profiles and the sluice profile each becomes (compared as JSON values). */
static const struct {
	const char *pallium;
	const char *sluice;
} translations[] = {
    {"{\"chain\": [{\"type\": \"socks\", \"address\": \"10.8.0.3:1080\", \"username\": "
     "\"jane.doe\", \"password\": \"pass1234\"}], \"run\": {\"command\": \"firefox\"}}",
     "{\"description\": \"translated from the pallium profile p.json\", \"hops\": "
     "[\"socks5://jane.doe:pass1234@10.8.0.3:1080\"], \"command\": \"firefox\"}"},
    /* network.chain; default ports (socks 1080, http 3128); IPv6; encoded credentials. */
    {"{\"network\": {\"chain\": [{\"type\": \"socks\", \"address\": \"10.0.0.1\"}, {\"type\": "
     "\"http\", \"address\": \"[fd00::1]\", \"username\": \"b o\", \"password\": \"p@ss:w\"}, "
     "{\"type\": \"HTTP\", \"address\": \"proxy.example:8080\"}]}, \"run\": {\"command\": "
     "[\"curl\", \"-s\"]}}",
     "{\"description\": \"translated from the pallium profile p.json\", \"hops\": "
     "[\"socks5://10.0.0.1:1080\", \"http://b%20o:p%40ss%3Aw@[fd00::1]:3128\", "
     "\"http://proxy.example:8080\"], \"command\": [\"curl\", \"-s\"]}"},
    /* networking is another name of network; an address as [IP, PORT]; a username alone is
     * sent with an empty password, as pallium does; socks version 5. */
    {"{\"networking\": {\"chain\": [{\"type\": \"socks\", \"address\": [\"::1\", 1081], "
     "\"username\": \"u\", \"version\": 5}], \"kill_switch\": true}}",
     "{\"description\": \"translated from the pallium profile p.json\", \"hops\": "
     "[\"socks5://u:@[::1]:1081\"], \"command\": \"exec \\\"${SHELL:-/bin/sh}\\\"\"}"},
    /* tor (sluice starts its own) with its timeout; ssh with -o and -p; hostname; quiet. */
    {"{\"network\": {\"chain\": [{\"type\": \"ssh\", \"destination\": \"me@jump.example\", "
     "\"ssh_args\": [\"-o\", \"ServerAliveInterval=30\", \"-oCompression=yes\", \"-p\", "
     "\"2222\"]}, {\"type\": \"tor\", \"timeout\": 300, \"builtin_dns\": true, "
     "\"onion_support\": true}]}, \"sandbox\": {\"hostname\": \"box\", \"gvisor\": false, "
     "\"gui\": false, \"audio\": false}, \"run\": {\"command\": null, \"quiet\": true}}",
     "{\"description\": \"translated from the pallium profile p.json\", \"hops\": "
     "[\"ssh://me@jump.example:2222\", \"tor\"], \"ssh\": {\"options\": "
     "[\"ServerAliveInterval=30\", \"Compression=yes\"]}, \"tor\": {\"timeout\": 300}, "
     "\"hostname\": \"box\", \"command\": \"exec \\\"${SHELL:-/bin/sh}\\\"\", \"quiet\": "
     "true}"},
    /* ssh destination without a user, and as an ssh:// URL. */
    {"{\"chain\": [{\"type\": \"ssh\", \"destination\": \"gw\"}, {\"type\": \"ssh\", "
     "\"destination\": \"ssh://al@gw2:22\"}], \"run\": {\"command\": \"id\"}}",
     "{\"description\": \"translated from the pallium profile p.json\", \"hops\": "
     "[\"ssh://gw\", \"ssh://al@gw2:22\"], \"command\": \"id\"}"},
    /* pallium's own extra/profiles/tor.json. */
    {"{\"chain\": [{\"type\": \"tor\"}]}",
     "{\"description\": \"translated from the pallium profile p.json\", \"hops\": [\"tor\"], "
     "\"command\": \"exec \\\"${SHELL:-/bin/sh}\\\"\"}"},
    /* What sluice does its own way: kill_switch false, tun2socks_path (warnings). */
    {"{\"network\": {\"chain\": [{\"type\": \"socks\", \"address\": \"10.0.0.1:1\", "
     "\"tun2socks_path\": \"/opt/t2s\"}], \"kill_switch\": false}, \"run\": {\"command\": "
     "\"id\"}}",
     "{\"description\": \"translated from the pallium profile p.json\", \"hops\": "
     "[\"socks5://10.0.0.1:1\"], \"command\": \"id\"}"},
    /* network.port_forwarding.local: to the sandbox's own port (the guest address is the
     * sandbox for pallium too). */
    {"{\"network\": {\"port_forwarding\": {\"local\": [\"tcp://127.0.0.1:8080:10.0.0.2:80\", "
     "\"udp://0.0.0.0:5353:10.0.0.2:5353\"]}}, \"run\": {\"command\": \"x\"}}",
     "{\"description\": \"translated from the pallium profile p.json\", \"publish\": "
     "[\"127.0.0.1:8080:80\", \"0.0.0.0:5353:5353/udp\"], \"command\": \"x\"}"},
    /* pallium's README "Network Chaining" hop, in the older top-level "chain". */
    /* pallium's "Running a BitTorrent client behind a VPN"; a wireguard hop likewise. */
    {"{\"network\": {\"chain\": [{\"type\": \"openvpn\", \"config\": "
     "\"/home/you/openvpn.ovpn\"}]}, \"run\": {\"command\": \"transmission-gtk\"}}",
     "{\"description\": \"translated from the pallium profile p.json\", \"hops\": "
     "[\"openvpn:/home/you/openvpn.ovpn\"], \"command\": \"transmission-gtk\"}"},
    {"{\"chain\": [{\"type\": \"WireGuard\", \"config\": \"wg0.conf\"}]}",
     "{\"description\": \"translated from the pallium profile p.json\", \"hops\": "
     "[\"wireguard:wg0.conf\"], \"command\": \"exec \\\"${SHELL:-/bin/sh}\\\"\"}"},
};

static void translations_import_and_check(void **state)
{
	size_t i, failures = 0;

	(void)state;
	for (i = 0; i < sizeof(translations) / sizeof(translations[0]); i++) {
		const char *text = translations[i].pallium;
		struct pallium_translation t;
		struct sl_err err;
		json_t *got, *want;
		char *out = NULL;

		sl_err_clear(&err);
		if (profile_pallium_import("p.json", text, strlen(text), &out, &t, &err)) {
			print_error("case %zu: %s\nrefused: %s\n", i, text, err.msg);
			failures++;
			continue;
		}
		assert_int_equal(t.n_unsupported, 0);
		got = json_loads(out, 0, NULL);
		want = json_loads(translations[i].sluice, 0, NULL);
		assert_non_null(want);
		if (!json_equal(got, want)) {
			print_error("case %zu: %s\n got: %s\nwant: %s\n", i, text, out,
				    translations[i].sluice);
			failures++;
		}
		assert_int_equal(out[strlen(out) - 1], '\n');
		json_decref(got);
		json_decref(want);
		free(out);
		profile_pallium_free(&t);
	}
	assert_int_equal(failures, 0);
}

/* `run` reads a pallium profile straight into the configuration. */
static void run_reads_pallium(void **state)
{
	struct run_options run;
	struct profile profile;
	struct sl_err err;
	struct conf conf;

	(void)state;
	assert_int_equal(parse(&conf, &run, &profile, translations[3].pallium, &err), 0);
	assert_true(profile.pallium);
	assert_int_equal(run.n_hops, 2);
	assert_int_equal(run.hops[0].kind, HOP_SSH);
	assert_string_equal(run.hops[0].user, "me");
	assert_int_equal(run.hops[0].server.port, 2222);
	assert_int_equal(run.hops[1].kind, HOP_TOR);
	assert_true(run.hops[1].spawn);
	assert_int_equal(run.n_ssh_options, 2);
	assert_string_equal(run.ssh_options[1], "Compression=yes");
	assert_int_equal(run.tor_timeout, 300);
	assert_string_equal(run.hostname, "box");
	assert_true(profile.quiet);
	assert_string_equal(profile.command[0], "/bin/sh");
	assert_string_equal(profile.command[2], "exec \"${SHELL:-/bin/sh}\"");
	assert_int_equal(profile.n_warnings, 0);
	assert_int_equal(conf_finish(&conf, &err), 0);
	profile_free(&profile);

	assert_int_equal(parse(&conf, &run, &profile, translations[1].pallium, &err), 0);
	assert_int_equal(run.n_hops, 3);
	assert_int_equal(run.hops[1].kind, HOP_HTTP);
	assert_string_equal(run.hops[1].user, "b o");
	assert_string_equal(run.hops[1].password, "p@ss:w");
	assert_int_equal(run.hops[1].server.port, 3128);
	assert_true(profile.inline_password);
	assert_false(profile.quiet);
	assert_string_equal(profile.command[0], "curl");
	assert_null(profile.command[2]);
	assert_int_equal(conf_finish(&conf, &err), 0);
	assert_int_equal(run.dns, DNS_FAKEIP);
	profile_free(&profile);

	/* A username alone: an empty password, not one asked from the environment. */
	assert_int_equal(parse(&conf, &run, &profile, translations[2].pallium, &err), 0);
	assert_true(run.hops[0].has_auth);
	assert_false(run.hops[0].password_from_env_needed);
	assert_string_equal(run.hops[0].password, "");
	profile_free(&profile);

	/* What sluice does its own way: run goes on, with one warning each. */
	assert_int_equal(parse(&conf, &run, &profile, translations[6].pallium, &err), 0);
	assert_int_equal(profile.n_warnings, 2);
	assert_string_equal(profile.warnings[0],
			    "p.json: network.chain[0].tun2socks_path: not needed: sluice relays "
			    "connections itself, without tun2socks");
	assert_string_equal(profile.warnings[1],
			    "p.json: network.kill_switch: false cannot be honoured: sluice always "
			    "fails closed, no traffic ever bypasses the hops");
	profile_free(&profile);
}

/* The command line wins over a pallium profile as over a sluice one. */
static void command_line_over_pallium(void **state)
{
	char via[] = "http://c:3", hostname[] = "cli";
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
	assert_int_equal(conf_set(&conf, conf_key_by_option("--hostname"), hostname,
				  CONF_FROM_COMMAND_LINE, "--hostname", &err),
			 0);
	assert_int_equal(profile_parse(&conf, "p.json", "", translations[3].pallium,
				       strlen(translations[3].pallium), &profile, &err),
			 0);
	assert_int_equal(run.n_hops, 1);
	assert_int_equal(run.hops[0].kind, HOP_HTTP);
	assert_string_equal(run.hostname, "cli");
	assert_int_equal(run.tor_timeout, 300); /* not on the command line */
	profile_free(&profile);
}

/* Profiles `run` refuses: every key without an equivalent is named. */
static const struct {
	const char *text;
	const char *message;
} refused[] = {
    /* pallium's README "Network Chaining" example as it is. */
    {"{\"sandbox\": {\"virtuser\": \"janedoe\", \"gui\": true, \"audio\": true}, \"chain\": "
     "[{\"type\": \"socks\", \"address\": \"10.8.0.3:1080\", \"username\": \"jane.doe\", "
     "\"password\": \"pass1234\"}, {\"type\": \"tor\"}, {\"type\": \"openvpn\", \"config\": "
     "\"/path/to/conf.ovpn\"}], \"run\": {\"command\": \"firefox\"}}",
     "p.json: a pallium profile; sluice has no equivalent yet for "
     "sandbox.gui, sandbox.audio, sandbox.virtuser; remove them, or import the profile (sluice "
     "profile import-pallium), which leaves them out (see PALLIUM COMPATIBILITY in "
     "sluice-profile(5))"},
    /* pallium's "Hardened browser" example. */
    {"{\"sandbox\": {\"gvisor\": true, \"gui\": true, \"audio\": true, \"virtuser\": "
     "\"browser\", \"paths\": {\"bind\": [[\"/home/browser/Downloads\", "
     "\"/home/you/Downloads\"]]}}, \"run\": {\"command\": \"chromium\"}}",
     "p.json: a pallium profile; sluice has no equivalent yet for sandbox.gui, sandbox.audio, "
     "sandbox.gvisor, sandbox.virtuser, sandbox.paths; remove them, or import the profile "
     "(sluice profile import-pallium), which leaves them out (see PALLIUM COMPATIBILITY in "
     "sluice-profile(5))"},
    /* A hop type sluice has none of; a tunnel hop's keys other than config. */
    {"{\"network\": {\"chain\": [{\"type\": \"openconnect\"}, {\"type\": \"openvpn\", "
     "\"config\": \"/home/you/openvpn.ovpn\", \"username\": \"u\"}]}, \"run\": "
     "{\"command\": \"transmission-gtk\"}}",
     "p.json: a pallium profile; sluice has no equivalent yet for network.chain[0] "
     "(openconnect hop), network.chain[1].username; remove them, or import the profile (sluice "
     "profile import-pallium), which leaves them out (see PALLIUM COMPATIBILITY in "
     "sluice-profile(5))"},
    /* "Running a virtual machine behind Tor". */
    {"{\"network\": {\"chain\": [{\"type\": \"tor\"}], \"bridge\": {\"name\": \"torbr\", "
     "\"dhcp\": true}}}",
     "p.json: a pallium profile; sluice has no equivalent yet for network.bridge; remove them, "
     "or import the profile (sluice profile import-pallium), which leaves them out (see "
     "PALLIUM COMPATIBILITY in sluice-profile(5))"},
    /* Hop keys, port forwarding, run and top-level keys, socks4. */
    {"{\"network\": {\"chain\": [{\"type\": \"socks\", \"address\": \"10.0.0.1:1\", \"dns\": "
     "[\"tcp://1.1.1.1\"], \"version\": 4}, {\"type\": \"tor\", \"tor_args\": [], \"user\": "
     "\"t\", \"builtin_dns\": false}, {\"type\": \"ssh\", \"destination\": \"h\", "
     "\"ssh_args\": [\"-i\", \"k\"], \"timeout\": 5}, {\"type\": \"wireguard\", \"config\": "
     "\"w\"}], \"port_forwarding\": {\"local\": [\"tcp://127.0.0.1:8080:10.0.0.2:80\"]}, "
     "\"routes\": []}, \"run\": {\"command\": \"x\", \"env\": {}}, \"extra\": 1}",
     "p.json: a pallium profile; sluice has no equivalent yet for network.chain[0].version "
     "(SOCKS4), network.chain[0].dns, network.chain[1].builtin_dns, network.chain[1].tor_args, "
     "network.chain[1].user, network.chain[2].ssh_args[0], network.chain[2].ssh_args[1], "
     "network.chain[2].timeout, network.routes, run.env, extra; "
     "remove them, or import the profile (sluice profile import-pallium), which leaves them "
     "out (see PALLIUM COMPATIBILITY in sluice-profile(5))"},
};

static void refused_for_run(void **state)
{
	struct run_options run;
	struct profile profile;
	struct sl_err err;
	struct conf conf;
	size_t i, failures = 0;

	(void)state;
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		int ret = parse(&conf, &run, &profile, refused[i].text, &err);

		if (ret == 0 || strcmp(err.msg, refused[i].message) || err.exit_code != 125) {
			print_error("case %zu: %s\n got (%d): %s\nwant: %s\n", i, refused[i].text,
				    ret, err.msg, refused[i].message);
			failures++;
		}
		profile_free(&profile);
	}
	assert_int_equal(failures, 0);
}

/* More keys than a message holds: as many as fit, then how many more; none is lost. */
static void many_unsupported_keys(void **state)
{
	char text[4096], *out;
	struct pallium_translation t;
	struct run_options run;
	struct profile profile;
	struct sl_err err;
	struct conf conf;
	const char *more;
	size_t len = 0, listed = 1, i;
	unsigned long n_more = 0;

	(void)state;
	len += (size_t)snprintf(text + len, sizeof(text) - len, "{\"sandbox\": {");
	for (i = 0; i < 40; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%s\"key_number_%02zu\": 1",
					i ? ", " : "", i);
	snprintf(text + len, sizeof(text) - len, "}}");
	assert_true(parse(&conf, &run, &profile, text, &err) < 0);
	profile_free(&profile);
	assert_non_null(strstr(err.msg, "p.json: a pallium profile; sluice has no equivalent yet "
					"for sandbox.key_number_00, sandbox.key_number_01, "));
	more = strstr(err.msg, " and ");
	assert_non_null(more);
	for (i = 0; err.msg + i < more; i++)
		listed += err.msg[i] == ',';
	assert_int_equal(sscanf(more, " and %lu more; remove them", &n_more), 1);
	assert_int_equal(listed + n_more, 40);
	assert_int_equal(profile_pallium_import("p.json", text, strlen(text), &out, &t, &err), 0);
	assert_int_equal(t.n_unsupported, 40);
	assert_int_equal(t.n_notes, PALLIUM_NOTES_MAX);
	assert_int_equal(t.n_lost, 40 - PALLIUM_NOTES_MAX);
	free(out);
	profile_pallium_free(&t);
}

/* Import leaves them out, says so per key, and lists them in the description. */
static void import_leaves_out_with_warnings(void **state)
{
	const char *text = refused[0].text;
	struct pallium_translation t;
	char warning[SL_ERR_MSG_MAX];
	struct sl_err err;
	char *out;
	json_t *got;

	(void)state;
	assert_int_equal(profile_pallium_import("p.json", text, strlen(text), &out, &t, &err), 0);
	assert_int_equal(t.n_unsupported, 3);
	assert_int_equal(t.n_notes, 3);
	profile_pallium_warning(&t.notes[0], "p.json", true, warning, sizeof(warning));
	assert_string_equal(warning, "p.json: sandbox.gui: no equivalent in sluice yet; left out");
	got = json_loads(out, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(got, "description")),
			    "translated from the pallium profile p.json; left out: sandbox.gui, "
			    "sandbox.audio, sandbox.virtuser");
	assert_int_equal(json_array_size(json_object_get(got, "hops")), 3);
	json_decref(got);
	free(out);
	profile_pallium_free(&t);

	/* Many keys: those past the notes are counted, the list says how many more. */
	text = refused[4].text;
	assert_int_equal(profile_pallium_import("p.json", text, strlen(text), &out, &t, &err), 0);
	assert_int_equal(t.n_unsupported, 11); /* the published port and the wireguard hop map */
	free(out);
	profile_pallium_free(&t);

	/* A sluice profile needs no import. */
	assert_true(profile_pallium_import("p.json", "{\"hops\": []}", 12, &out, &t, &err) < 0);
	assert_string_equal(err.msg,
			    "p.json: not a pallium profile: expected an object with chain, "
			    "network, networking, run or sandbox at the top");
	assert_null(out);
}

/* Not valid pallium: refused by run and import alike, naming the pallium path. */
static const struct {
	const char *text;
	const char *message;
} invalid[] = {
    {"{\"chain\": {}}", "p.json: chain: expected an array of hops, not an object"},
    {"{\"chain\": [1]}", "p.json: chain[0]: expected a hop object, not an integer"},
    {"{\"chain\": [{\"address\": \"a:1\"}]}",
     "p.json: chain[0].type: missing; expected socks, http, tor, ssh, openvpn or wireguard"},
    {"{\"chain\": [{\"type\": \"socks4\"}]}",
     "p.json: chain[0].type: 'socks4': not a pallium hop type; expected socks, http, tor, ssh, "
     "openvpn or wireguard"},
    {"{\"chain\": [{\"type\": \"socks\"}]}",
     "p.json: chain[0].address: missing; a socks hop needs its server"},
    {"{\"chain\": [{\"type\": \"socks\", \"address\": \"10.0.0.1:0\"}]}",
     "p.json: chain[0].address: '10.0.0.1:0': expected IP:PORT, [IPv6]:PORT, an IP, or [IP, "
     "PORT]"},
    {"{\"chain\": [{\"type\": \"http\", \"address\": \"a@b:1\"}]}",
     "p.json: chain[0].address: 'a@b:1': expected IP:PORT, [IPv6]:PORT, an IP, or [IP, PORT]"},
    {"{\"chain\": [{\"type\": \"http\", \"address\": [\"a\", 70000]}]}",
     "p.json: chain[0].address: port 70000: expected 1-65535"},
    {"{\"chain\": [{\"type\": \"http\", \"address\": 1080}]}",
     "p.json: chain[0].address: expected a string IP:PORT, not an integer"},
    {"{\"chain\": [{\"type\": \"socks\", \"address\": \"a:1\", \"username\": 1}]}",
     "p.json: chain[0].username: expected a string, not an integer"},
    {"{\"chain\": [{\"type\": \"socks\", \"address\": \"a:1\", \"username\": \"a\\u0001\"}]}",
     NULL}, /* hop_url.c's message, prefixed: checked below */
    {"{\"chain\": [{\"type\": \"tor\", \"timeout\": \"5\"}]}",
     "p.json: chain[0].timeout: expected whole seconds, not a string"},
    {"{\"chain\": [{\"type\": \"tor\", \"timeout\": 0}]}",
     "p.json: chain[0].timeout '0': expected seconds, 1-86400"},
    {"{\"chain\": [{\"type\": \"ssh\"}]}",
     "p.json: chain[0].destination: missing; an ssh hop needs its server"},
    {"{\"chain\": [{\"type\": \"ssh\", \"destination\": \"a/b\"}]}",
     "p.json: chain[0].destination: 'a/b': expected [USER@]HOST"},
    {"{\"chain\": [{\"type\": \"ssh\", \"destination\": \"h\", \"ssh_args\": [\"-p\", "
     "\"x\"]}]}",
     "p.json: chain[0].ssh_args[0]: 'x': expected a port 1-65535"},
    {"{\"chain\": [{\"type\": \"ssh\", \"destination\": \"h\", \"ssh_args\": [\"-o\", "
     "\"A=b\\nC=d\"]}]}",
     "p.json: chain[0].ssh_args[0]: control characters (such as a line break) are not allowed; "
     "give one option per p.json: chain[0].ssh_args[0]"},
    {"{\"chain\": [], \"network\": {}}",
     "p.json: chain and network: give one (chain is the older place of network.chain)"},
    {"{\"network\": {}, \"networking\": {}}",
     "p.json: network and networking: give one (networking is another name of network)"},
    {"{\"network\": []}", "p.json: network: expected an object, not an array"},
    {"{\"network\": {\"kill_switch\": 1}}",
     "p.json: network.kill_switch: expected true or false, not an integer"},
    {"{\"network\": {\"port_forwarding\": {\"local\": [\"tcp://1.2.3.4:80\"]}}}",
     "p.json: network.port_forwarding.local[0]: 'tcp://1.2.3.4:80': expected "
     "tcp://HOST_IP:HOST_PORT:GUEST_IP:GUEST_PORT (or udp://)"},
    {"{\"run\": []}", "p.json: run: expected an object, not an array"},
    {"{\"run\": {\"command\": \"\"}}",
     "p.json: run.command: expected a command, not an empty string"},
    {"{\"run\": {\"command\": []}}",
     "p.json: run.command: expected a program and its arguments, not []"},
    {"{\"run\": {\"command\": [\"a\", 1]}}",
     "p.json: run.command[1]: expected a string, not an integer"},
    {"{\"run\": {\"command\": 1}}",
     "p.json: run.command: expected a string (run by /bin/sh -c) or an array, not an integer"},
    {"{\"run\": {\"quiet\": \"yes\"}}", "p.json: run.quiet: expected true or false, not a string"},
    {"{\"sandbox\": {\"hostname\": \"-x\"}}",
     "p.json: sandbox.hostname '-x': expected 1-64 letters, digits, '-' or '.', not starting "
     "with '-' or '.'"},
    {"{\"sandbox\": {\"gui\": \"no\"}}",
     "p.json: sandbox.gui: expected true or false, not a string"},
    {"{\"run\": {}, \"hops\": []}",
     "p.json: holds pallium's key 'run' and sluice's key 'hops'; a profile is in one format or "
     "the other (see PALLIUM COMPATIBILITY in sluice-profile(5))"},
    {"{\"chain\": [{\"type\": \"tor\"}, {\"type\": \"tor\"}, {\"type\": \"tor\"}, {\"type\": "
     "\"tor\"}, {\"type\": \"tor\"}, {\"type\": \"tor\"}, {\"type\": \"tor\"}, {\"type\": "
     "\"tor\"}, {\"type\": \"tor\"}]}",
     "p.json: chain[8]: at most 8 hops"},
};

static void invalid_pallium(void **state)
{
	struct run_options run;
	struct profile profile;
	struct pallium_translation t;
	struct sl_err err;
	struct conf conf;
	size_t i, failures = 0;
	char *out;

	(void)state;
	for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		const char *text = invalid[i].text;
		int ret = parse(&conf, &run, &profile, text, &err);

		profile_free(&profile);
		if (!invalid[i].message)
			continue;
		if (ret == 0 || strcmp(err.msg, invalid[i].message) || err.exit_code != 125) {
			print_error("run case %zu: %s\n got (%d): %s\nwant: %s\n", i, text, ret,
				    err.msg, invalid[i].message);
			failures++;
		}
		sl_err_clear(&err);
		ret = profile_pallium_import("p.json", text, strlen(text), &out, &t, &err);
		profile_pallium_free(&t);
		if (ret == 0) {
			free(out);
			print_error("import case %zu: %s accepted\n", i, text);
			failures++;
		} else if (strcmp(err.msg, invalid[i].message) &&
			   !strstr(invalid[i].message, "holds pallium's key")) {
			print_error("import case %zu: %s\n got: %s\nwant: %s\n", i, text, err.msg,
				    invalid[i].message);
			failures++;
		}
	}
	assert_int_equal(failures, 0);
	/* A hop URL's own message, with the pallium path before it, the password masked. */
	assert_true(parse(&conf, &run, &profile,
			  "{\"chain\": [{\"type\": \"socks\", \"address\": \"a:1\", \"username\": "
			  "\"a\\u0001\", \"password\": \"hunter2\"}]}",
			  &err) < 0);
	assert_non_null(strstr(err.msg, "p.json: chain[0]: "));
	assert_null(strstr(err.msg, "hunter2"));
	profile_free(&profile);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(formats),
	    cmocka_unit_test(translations_import_and_check),
	    cmocka_unit_test(run_reads_pallium),
	    cmocka_unit_test(command_line_over_pallium),
	    cmocka_unit_test(refused_for_run),
	    cmocka_unit_test(many_unsupported_keys),
	    cmocka_unit_test(import_leaves_out_with_warnings),
	    cmocka_unit_test(invalid_pallium),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
