/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test_conf.c - unit tests of src/conf.c: every key is found by its option and by its profile
 * name, and both are unique; a later source replaces an earlier one's value of a key as a
 * whole (the command line's --via drops a profile's hops) and an earlier source never
 * overrides a later one; a message names the key as the caller labelled it; the defaults that
 * follow from the hops.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "conf.h"

static const char *const options[] = {
    "--via",	      "--dns",	       "--udp",
    "--ipv6",	      "--net",	       "--allow-host-loopback",
    "--hostname",     "--map-root",    "--user",
    "--pass-fd",      "--tor-option",  "--tor-config",
    "--tor-timeout",  "--tor-isolate", "--ssh-option",
    "--name",	      "--publish",     "--ip-netns",
    "--openvpn-auth", "--fast-path",
};

static void every_key_by_option_and_name(void **state)
{
	size_t i, j;

	(void)state;
	/* Every key but the profile-only ones has an option. */
	assert_int_equal(sizeof(options) / sizeof(options[0]), CONF_KEY_COUNT - 4);
	assert_null(conf_key_by_name("environment")->option);
	assert_null(conf_key_by_name("start")->option);
	assert_null(conf_key_by_name("users")->option);
	assert_null(conf_key_by_name("groups")->option);
	assert_ptr_equal(conf_key_of(CONF_ENVIRONMENT), conf_key_by_name("environment"));
	for (i = 0; i < sizeof(options) / sizeof(options[0]); i++) {
		const struct conf_key *key = conf_key_by_option(options[i]);

		assert_non_null(key);
		assert_string_equal(key->option, options[i]);
		assert_ptr_equal(conf_key_by_name(key->name), key);
		for (j = 0; j < i; j++)
			assert_int_not_equal(conf_key_by_option(options[j])->id, key->id);
	}
	assert_ptr_equal(conf_key_by_option("-r"), conf_key_by_option("--map-root"));
	assert_null(conf_key_by_option("--bogus"));
	assert_null(conf_key_by_option("dns"));
	assert_null(conf_key_by_name("--dns"));
	assert_null(conf_key_by_name("tor-timeout")); /* profiles spell it tor_timeout */
}

static int set(struct conf *conf, const char *name, const char *value, enum conf_source source,
	       struct sl_err *err)
{
	static char values[16][256];
	static size_t next;
	char *copy = NULL;

	if (value) {
		copy = values[next++ % 16];
		strcpy(copy, value);
	}
	return conf_set(conf, conf_key_by_name(name), copy, source, name, err);
}

static void later_source_replaces_a_key_as_a_whole(void **state)
{
	struct run_options run;
	struct conf conf;
	struct sl_err err = {0};

	(void)state;
	conf_init(&conf, &run);
	assert_int_equal(set(&conf, "via", "socks5://10.0.0.1:1080", CONF_FROM_PROFILE, &err), 0);
	assert_int_equal(set(&conf, "via", "http://10.0.0.2:3128", CONF_FROM_PROFILE, &err), 0);
	assert_int_equal(set(&conf, "tor_timeout", "30", CONF_FROM_PROFILE, &err), 0);
	assert_int_equal(set(&conf, "dns", "forward=9.9.9.9", CONF_FROM_PROFILE, &err), 0);
	assert_int_equal(run.n_hops, 2);
	/* The command line's first --via drops both; its second adds. */
	assert_int_equal(set(&conf, "via", "socks5://10.0.0.3:1080", CONF_FROM_COMMAND_LINE, &err),
			 0);
	assert_int_equal(run.n_hops, 1);
	assert_int_equal(set(&conf, "via", "socks5://10.0.0.4:1080", CONF_FROM_COMMAND_LINE, &err),
			 0);
	assert_int_equal(run.n_hops, 2);
	assert_int_equal(run.hops[0].server.port, 1080);
	assert_string_equal(run.via_text[0], "socks5://10.0.0.3:1080");
	/* A profile's value after the command line's never wins. */
	assert_int_equal(set(&conf, "via", "http://10.0.0.9:3128", CONF_FROM_PROFILE, &err), 0);
	assert_int_equal(run.n_hops, 2);
	assert_int_equal(set(&conf, "tor_timeout", "45", CONF_FROM_COMMAND_LINE, &err), 0);
	assert_int_equal(set(&conf, "tor_timeout", "99", CONF_FROM_PROFILE, &err), 0);
	assert_int_equal(run.tor_timeout, 45);
	/* A key the command line left alone keeps the profile's value. */
	assert_int_equal(conf_finish(&conf, &err), 0);
	assert_int_equal(run.dns, DNS_FORWARD);
	assert_string_equal(run.dns_forward_to, "9.9.9.9");
	assert_int_equal(run.udp, UDP_BLOCK); /* the default with proxy hops */
}

static void published_ports_are_a_list(void **state)
{
	struct run_options run;
	struct conf conf;
	struct sl_err err = {0};

	(void)state;
	conf_init(&conf, &run);
	assert_int_equal(run.n_publish, 0); /* nothing published unless asked */
	assert_int_equal(set(&conf, "publish", "8080:80", CONF_FROM_PROFILE, &err), 0);
	assert_int_equal(set(&conf, "publish", "8081:81/udp", CONF_FROM_PROFILE, &err), 0);
	assert_int_equal(run.n_publish, 2);
	assert_int_equal(set(&conf, "publish", "[::1]:9000:90", CONF_FROM_COMMAND_LINE, &err), 0);
	assert_int_equal(run.n_publish, 1);
	assert_string_equal(run.publish[0].text, "[::1]:9000:90");
	assert_true(set(&conf, "publish", "[::1]:9000:91", CONF_FROM_COMMAND_LINE, &err) < 0);
	assert_string_equal(err.msg, "publish [::1]:9000:91: that host address and port are "
				     "published already ([::1]:9000:90)");
	assert_int_equal(set(&conf, "publish", "9000:91", CONF_FROM_COMMAND_LINE, &err), 0);
	assert_int_equal(run.n_publish, 2);
	assert_int_equal(conf_finish(&conf, &err), 0);

	/* With a network, ports 1-53 inside are sluice's own; with --net none they are free. */
	conf_init(&conf, &run);
	assert_int_equal(set(&conf, "publish", "8053:53/udp", CONF_FROM_COMMAND_LINE, &err), 0);
	assert_true(conf_finish(&conf, &err) < 0);
	assert_string_equal(err.msg, "--publish 127.0.0.1:8053:53/udp: ports 1-53 inside the "
				     "sandbox are sluice's own (its relay and resolver); publish "
				     "another SANDBOXPORT, or use --net none");
	assert_int_equal(set(&conf, "net", "none", CONF_FROM_COMMAND_LINE, &err), 0);
	assert_int_equal(conf_finish(&conf, &err), 0);
}

static void messages_name_the_key_as_labelled(void **state)
{
	struct run_options run;
	struct conf conf;
	struct sl_err err = {0};
	char value[] = "sometimes";

	(void)state;
	conf_init(&conf, &run);
	assert_true(conf_set(&conf, conf_key_by_name("ipv6"), value, CONF_FROM_PROFILE,
			     "work.json: ipv6", &err) < 0);
	assert_string_equal(err.msg, "work.json: ipv6 sometimes: expected on or off");
	assert_int_equal(err.exit_code, SL_EXIT_FAILURE);
	assert_true(set(&conf, "via", "gopher://x", CONF_FROM_PROFILE, &err) < 0);
	assert_non_null(strstr(err.msg, "via: "));
	assert_true(set(&conf, "tor_isolate", "circuit", CONF_FROM_PROFILE, &err) < 0);
	assert_string_equal(err.msg, "tor_isolate circuit: expected sandbox, destination or none");
}

static void flags_and_defaults(void **state)
{
	struct run_options run;
	struct conf conf;
	struct sl_err err = {0};

	(void)state;
	conf_init(&conf, &run);
	assert_int_equal(run.id_map, ID_MAP_SELF);
	assert_int_equal(set(&conf, "map_root", NULL, CONF_FROM_COMMAND_LINE, &err), 0);
	assert_int_equal(run.id_map, ID_MAP_ROOT);
	assert_int_equal(conf_finish(&conf, &err), 0);
	assert_int_equal(run.net, NET_RELAY);
	assert_int_equal(run.dns, DNS_FORWARD); /* direct: no proxy to resolve names */
	assert_int_equal(run.udp, UDP_DIRECT);
	assert_string_equal(run.hostname, "sluice");
	conf_init(&conf, &run);
	assert_int_equal(set(&conf, "net", "none", CONF_FROM_PROFILE, &err), 0);
	assert_int_equal(set(&conf, "via", "socks5://10.0.0.1", CONF_FROM_COMMAND_LINE, &err), 0);
	assert_true(conf_finish(&conf, &err) < 0);
	assert_non_null(strstr(err.msg, "exclude each other"));
	/*
	 * --fast-path: off unless set; refused with --net none, which has no connections, when
	 * both come from the same level; a profile's fast path gives way to --net none given on
	 * the command line.
	 */
	conf_init(&conf, &run);
	assert_false(run.fast_path);
	assert_int_equal(set(&conf, "fast_path", NULL, CONF_FROM_PROFILE, &err), 0);
	assert_true(run.fast_path);
	assert_int_equal(conf_finish(&conf, &err), 0);
	assert_int_equal(set(&conf, "net", "none", CONF_FROM_COMMAND_LINE, &err), 0);
	assert_int_equal(conf_finish(&conf, &err), 0);
	assert_false(run.fast_path);
	assert_int_equal(run.net, NET_NONE);
	conf_init(&conf, &run);
	assert_int_equal(set(&conf, "fast_path", NULL, CONF_FROM_COMMAND_LINE, &err), 0);
	assert_int_equal(set(&conf, "net", "none", CONF_FROM_COMMAND_LINE, &err), 0);
	assert_true(conf_finish(&conf, &err) < 0);
	assert_non_null(strstr(err.msg, "--fast-path"));
	conf_init(&conf, &run);
	assert_int_equal(set(&conf, "fast_path", NULL, CONF_FROM_PROFILE, &err), 0);
	assert_int_equal(set(&conf, "net", "none", CONF_FROM_PROFILE, &err), 0);
	assert_true(conf_finish(&conf, &err) < 0);
	assert_non_null(strstr(err.msg, "--fast-path"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_key_by_option_and_name),
	    cmocka_unit_test(later_source_replaces_a_key_as_a_whole),
	    cmocka_unit_test(published_ports_are_a_list),
	    cmocka_unit_test(messages_name_the_key_as_labelled),
	    cmocka_unit_test(flags_and_defaults),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
