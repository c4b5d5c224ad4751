/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test_cli.c - command line parsing: commands, run options, their errors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])) - 1)

static void run_with_program_after_double_dash(void **state)
{
	char *argv[] = {"sluice", "run", "--hostname", "box", "--", "ls", "-l", NULL};
	struct sl_err err = {0};
	struct cli cli;

	(void)state;
	assert_int_equal(cli_parse(ARGC(argv), argv, &cli, &err), 0);
	assert_int_equal(cli.command, CLI_RUN);
	assert_string_equal(cli.run.hostname, "box");
	assert_string_equal(cli.run.argv[0], "ls");
	assert_string_equal(cli.run.argv[1], "-l");
	assert_null(cli.run.argv[2]);
	assert_int_equal(cli.run.net, NET_RELAY);
	assert_int_equal(cli.run.id_map, ID_MAP_SELF);
}

static void options_end_at_first_non_option(void **state)
{
	char *argv[] = {"sluice", "-v", "run", "-q", "--net=none", "env", "--hostname", NULL};
	struct sl_err err = {0};
	struct cli cli;

	(void)state;
	assert_int_equal(cli_parse(ARGC(argv), argv, &cli, &err), 0);
	assert_string_equal(cli.run.argv[0], "env");
	assert_string_equal(cli.run.argv[1], "--hostname");
	assert_string_equal(cli.run.hostname, "sluice");
	assert_int_equal(cli.log_level, LOG_QUIET);
}

static void verbosity_counts(void **state)
{
	char *argv[] = {"sluice", "-v", "run", "-v", "true", NULL};
	struct sl_err err = {0};
	struct cli cli;

	(void)state;
	assert_int_equal(cli_parse(ARGC(argv), argv, &cli, &err), 0);
	assert_int_equal(cli.log_level, LOG_DEBUG);
}

static void map_root_and_pass_fds(void **state)
{
	char *argv[] = {"sluice", "run", "-r", "--pass-fd", "5", "--pass-fd=7", "./x", NULL};
	struct sl_err err = {0};
	struct cli cli;

	(void)state;
	assert_int_equal(cli_parse(ARGC(argv), argv, &cli, &err), 0);
	assert_int_equal(cli.run.id_map, ID_MAP_ROOT);
	assert_int_equal(cli.run.n_pass_fds, 2);
	assert_int_equal(cli.run.pass_fds[0], 5);
	assert_int_equal(cli.run.pass_fds[1], 7);
}

static void help_and_version(void **state)
{
	char *help[] = {"sluice", "--help", NULL};
	char *version[] = {"sluice", "--version", NULL};
	char *run_help[] = {"sluice", "run", "--net", "none", "--help", NULL};
	struct sl_err err = {0};
	struct cli cli;

	(void)state;
	assert_int_equal(cli_parse(ARGC(help), help, &cli, &err), 0);
	assert_int_equal(cli.command, CLI_HELP);
	assert_int_equal(cli_parse(ARGC(version), version, &cli, &err), 0);
	assert_int_equal(cli.command, CLI_VERSION);
	assert_int_equal(cli_parse(ARGC(run_help), run_help, &cli, &err), 0);
	assert_int_equal(cli.command, CLI_RUN_HELP);
	assert_non_null(strstr(cli_run_help(), "--hostname"));
}

/* Each bad command line fails with a message naming the culprit. */
static void errors_name_the_problem(void **state)
{
	static struct {
		char *argv[8];
		const char *expected;
	} cases[] = {
	    {{"sluice", NULL}, "no command given"},
	    {{"sluice", "frobnicate", NULL}, "unknown command 'frobnicate'"},
	    {{"sluice", "--frob", NULL}, "unknown option '--frob'"},
	    {{"sluice", "run", NULL}, "no program given"},
	    {{"sluice", "run", "--", NULL}, "no program given"},
	    {{"sluice", "run", "--net", NULL}, "--net needs a value"},
	    {{"sluice", "run", "--net", "tor", "./x", NULL}, "--net tor: unknown network mode"},
	    {{"sluice", "run", "--hostname", "-bad", "./x", NULL}, "--hostname '-bad'"},
	    {{"sluice", "run", "--hostname", "a b", "./x", NULL}, "--hostname 'a b'"},
	    {{"sluice", "run", "--pass-fd", "x1", "./x", NULL}, "--pass-fd 'x1'"},
	    {{"sluice", "run", "--pass-fd", "-1", "./x", NULL}, "--pass-fd '-1'"},
	    {{"sluice", "run", "--bogus", "./x", NULL}, "unknown option '--bogus'"},
	    {{"sluice", "run", "--dns", "forward=", "./x", NULL}, "expected fakeip, forward"},
	    {{"sluice", "run", "--dns",
	      "forward=2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff:2001:db8:aaaa:bbbb:cccc:dddd", "./x",
	      NULL},
	     "--dns forward=2001:db8:aaaa:bbbb:cccc:...: the address is too long (67 characters, "
	     "at most 63)"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sl_err err = {0};
		struct cli cli;
		int argc = 0;

		while (cases[i].argv[argc])
			argc++;
		assert_true(cli_parse(argc, cases[i].argv, &cli, &err) < 0);
		if (!strstr(err.msg, cases[i].expected))
			fail_msg("case %zu: '%s' does not contain '%s'", i, err.msg,
				 cases[i].expected);
		assert_int_equal(err.exit_code, SL_EXIT_FAILURE);
	}
}

static void hostname_length_limit(void **state)
{
	char long_name[CLI_HOSTNAME_MAX + 2];
	char *argv[] = {"sluice", "run", "--hostname", long_name, "./x", NULL};
	struct sl_err err = {0};
	struct cli cli;

	(void)state;
	memset(long_name, 'a', CLI_HOSTNAME_MAX);
	long_name[CLI_HOSTNAME_MAX] = '\0';
	assert_int_equal(cli_parse(ARGC(argv), argv, &cli, &err), 0);
	assert_int_equal(strlen(cli.run.hostname), CLI_HOSTNAME_MAX);
	long_name[CLI_HOSTNAME_MAX] = 'a';
	long_name[CLI_HOSTNAME_MAX + 1] = '\0';
	assert_true(cli_parse(ARGC(argv), argv, &cli, &err) < 0);
}

static void via_chain_and_defaults(void **state)
{
	char via1[] = "socks5://alice:s3cret@10.0.0.1:1080", via2[] = "http://[::1]:3128";
	char *argv[] = {"sluice", "run", "--via", via1, "--via", via2, "--", "curl", NULL};
	struct sl_err err = {0};
	struct cli cli;

	(void)state;
	assert_int_equal(cli_parse(ARGC(argv), argv, &cli, &err), 0);
	assert_int_equal(cli.run.net, NET_RELAY);
	assert_int_equal(cli.run.n_hops, 2);
	assert_int_equal(cli.run.hops[0].kind, HOP_SOCKS5);
	assert_string_equal(cli.run.hops[0].password, "s3cret");
	assert_int_equal(cli.run.hops[1].kind, HOP_HTTP);
	assert_int_equal(cli.run.dns, DNS_FAKEIP);
	assert_int_equal(cli.run.udp, UDP_BLOCK);
	assert_true(cli.run.ipv6);
	/* Once scrubbed, ps shows no password, and the parsed copy keeps it. */
	cli_scrub_credentials(&cli);
	assert_string_equal(via1, "socks5://alice:******@10.0.0.1:1080");
	assert_string_equal(cli.run.hops[0].password, "s3cret");
	assert_string_equal(via2, "http://[::1]:3128");
}

static void udp_proxy_through_one_socks5_hop(void **state)
{
	char *argv[] = {"sluice", "run", "--via", "socks5://h:1080", "--udp", "proxy", "./x", NULL};
	struct sl_err err = {0};
	struct cli cli;

	(void)state;
	assert_int_equal(cli_parse(ARGC(argv), argv, &cli, &err), 0);
	assert_int_equal(cli.run.udp, UDP_PROXY);
}

static void no_via_is_direct(void **state)
{
	char *argv[] = {"sluice", "run", "--via", "direct", "--ipv6", "off", "./x", NULL};
	char *plain[] = {"sluice", "run", "./x", NULL};
	char *none[] = {"sluice", "run", "--net", "none", "./x", NULL};
	struct sl_err err = {0};
	struct cli cli;

	(void)state;
	assert_int_equal(cli_parse(ARGC(argv), argv, &cli, &err), 0);
	assert_int_equal(cli.run.net, NET_RELAY);
	assert_int_equal(cli.run.n_hops, 0);
	assert_int_equal(cli.run.dns, DNS_FORWARD);
	assert_int_equal(cli.run.udp, UDP_DIRECT);
	assert_false(cli.run.ipv6);
	assert_int_equal(cli_parse(ARGC(plain), plain, &cli, &err), 0);
	assert_int_equal(cli.run.net, NET_RELAY);
	assert_int_equal(cli.run.n_hops, 0);
	assert_int_equal(cli_parse(ARGC(none), none, &cli, &err), 0);
	assert_int_equal(cli.run.net, NET_NONE);
}

static void allow_host_loopback_only_direct(void **state)
{
	char *direct[] = {"sluice", "run", "--allow-host-loopback", "./x", NULL};
	char *proxy[] = {"sluice", "run", "--allow-host-loopback", "--via", "socks5://h:1080",
			 "./x",	   NULL};
	char *none[] = {"sluice", "run", "--net", "none", "--allow-host-loopback", "./x", NULL};
	struct sl_err err = {0};
	struct cli cli;

	(void)state;
	assert_int_equal(cli_parse(ARGC(direct), direct, &cli, &err), 0);
	assert_true(cli.run.allow_host_loopback);
	assert_true(cli_parse(ARGC(proxy), proxy, &cli, &err) < 0);
	assert_non_null(strstr(err.msg, "--allow-host-loopback works only with --via direct"));
	assert_true(cli_parse(ARGC(none), none, &cli, &err) < 0);
	assert_non_null(strstr(err.msg, "--allow-host-loopback"));
}

static void password_from_environment(void **state)
{
	char *argv[] = {"sluice",	    "run", "--via", "socks5://bob@h:1", "--via",
			"socks5://eve@h:2", "./x", NULL};
	struct sl_err err = {0};
	struct cli cli;

	(void)state;
	unsetenv("SLUICE_PASSWORD");
	unsetenv("SLUICE_PASSWORD_1");
	unsetenv("SLUICE_PASSWORD_2");
	assert_int_equal(cli_parse(ARGC(argv), argv, &cli, &err), 0);
	assert_true(cli_apply_environment(&cli, &err) < 0);
	assert_non_null(strstr(err.msg, "socks5 hop 1: user 'bob' has no password"));
	assert_non_null(strstr(err.msg, "SLUICE_PASSWORD_1"));
	setenv("SLUICE_PASSWORD_1", "one", 1);
	setenv("SLUICE_PASSWORD", "fallback", 1);
	assert_int_equal(cli_parse(ARGC(argv), argv, &cli, &err), 0);
	assert_int_equal(cli_apply_environment(&cli, &err), 0);
	assert_string_equal(cli.run.hops[0].password, "one");
	assert_string_equal(cli.run.hops[1].password, "fallback");
	unsetenv("SLUICE_PASSWORD");
	unsetenv("SLUICE_PASSWORD_1");
}

static void tor_and_ssh_options(void **state)
{
	char *argv[] = {"sluice",
			"run",
			"--via",
			"ssh://me@bastion.example:2222",
			"--via",
			"tor",
			"--tor-option",
			"ExitNodes {de}",
			"--tor-option=StrictNodes 1",
			"--tor-config",
			"/etc/sluice/bridges",
			"--tor-timeout",
			"300",
			"--tor-isolate",
			"destination",
			"--ssh-option",
			"ServerAliveInterval=15",
			"--ssh-option=Compression=yes",
			"--",
			"curl",
			NULL};
	char *defaults[] = {"sluice", "run", "--via", "tor", "./x", NULL};
	char *bounds[] = {"sluice",
			  "run",
			  "--via",
			  "tor",
			  "--tor-timeout=1",
			  "--tor-timeout",
			  "86400",
			  "--tor-isolate=none",
			  "./x",
			  NULL};
	struct sl_err err = {0};
	struct cli cli;

	(void)state;
	assert_int_equal(cli_parse(ARGC(argv), argv, &cli, &err), 0);
	assert_int_equal(cli.run.n_hops, 2);
	assert_int_equal(cli.run.hops[0].kind, HOP_SSH);
	assert_string_equal(cli.run.hops[0].user, "me");
	assert_int_equal(cli.run.hops[1].kind, HOP_TOR);
	assert_true(cli.run.hops[1].spawn);
	assert_int_equal(cli.run.n_tor_options, 2);
	assert_string_equal(cli.run.tor_options[0], "ExitNodes {de}");
	assert_string_equal(cli.run.tor_options[1], "StrictNodes 1");
	assert_string_equal(cli.run.tor_config, "/etc/sluice/bridges");
	assert_int_equal(cli.run.tor_timeout, 300);
	assert_int_equal(cli.run.tor_isolate, TOR_ISOLATE_DESTINATION);
	assert_int_equal(cli.run.n_ssh_options, 2);
	assert_string_equal(cli.run.ssh_options[0], "ServerAliveInterval=15");
	assert_string_equal(cli.run.ssh_options[1], "Compression=yes");
	assert_int_equal(cli.run.dns, DNS_FAKEIP);
	assert_string_equal(cli.run.argv[0], "curl");
	/* The ssh user is a login name: no password is looked for in the environment. */
	unsetenv("SLUICE_PASSWORD");
	unsetenv("SLUICE_PASSWORD_1");
	assert_int_equal(cli_apply_environment(&cli, &err), 0);

	assert_int_equal(cli_parse(ARGC(defaults), defaults, &cli, &err), 0);
	assert_int_equal(cli.run.tor_timeout, CLI_TOR_TIMEOUT_DEFAULT);
	assert_int_equal(cli.run.tor_isolate, TOR_ISOLATE_SANDBOX);
	assert_int_equal(cli.run.n_tor_options, 0);
	assert_null(cli.run.tor_config);
	assert_int_equal(cli.run.n_ssh_options, 0);

	assert_int_equal(cli_parse(ARGC(bounds), bounds, &cli, &err), 0);
	assert_int_equal(cli.run.tor_timeout, 86400);
	assert_int_equal(cli.run.tor_isolate, TOR_ISOLATE_NONE);
}

/* How a word after `run` is told: profile name, either, or program (sluice-profile(5)). */
static void profile_name_or_program(void **state)
{
	char *alone[] = {"sluice", "run", "--dns", "none", "work", NULL};
	char *named[] = {"sluice", "run", "work", "--", "curl", "-s", NULL};
	char *named_no_program[] = {"sluice", "run", "work", "--", NULL};
	char *program[] = {"sluice", "run", "curl", "-s", "x", NULL};
	char *after_dashes[] = {"sluice", "run", "--", "work", NULL};
	char *path[] = {"sluice", "run", "./work", NULL};
	char *file[] = {"sluice", "run", "--profile", "-", "--hostname", "h", NULL};
	char *file_inline[] = {"sluice", "run", "--profile=p.json", "--", "sh", NULL};
	char *twice[] = {"sluice", "run", "--profile", "a", "--profile", "b", NULL};
	char *nothing[] = {"sluice", "run", "--dns", "none", NULL};
	char *check_name[] = {"sluice", "profile", "check", "work", NULL};
	char *check_file[] = {"sluice", "profile", "check", "work.json", NULL};
	char *check_bad[] = {"sluice", "profile", "check", "../x", "y", NULL};
	char *profile_alone[] = {"sluice", "profile", NULL};
	struct sl_err err = {0};
	struct cli cli;

	(void)state;
	assert_int_equal(cli_parse(ARGC(alone), alone, &cli, &err), 0);
	assert_int_equal(cli.profile_ref, CLI_PROFILE_NAME_OR_PROGRAM);
	assert_string_equal(cli.profile, "work");
	assert_string_equal(cli.run.argv[0], "work"); /* if no profile "work" exists */
	assert_int_equal(cli.conf.origin[CONF_DNS], CONF_FROM_COMMAND_LINE);

	assert_int_equal(cli_parse(ARGC(named), named, &cli, &err), 0);
	assert_int_equal(cli.profile_ref, CLI_PROFILE_NAME);
	assert_string_equal(cli.run.argv[0], "curl");
	assert_string_equal(cli.run.argv[1], "-s");
	assert_int_equal(cli_parse(ARGC(named_no_program), named_no_program, &cli, &err), 0);
	assert_int_equal(cli.profile_ref, CLI_PROFILE_NAME);
	assert_null(cli.run.argv);

	assert_int_equal(cli_parse(ARGC(program), program, &cli, &err), 0);
	assert_int_equal(cli.profile_ref, CLI_PROFILE_NONE);
	assert_string_equal(cli.run.argv[0], "curl");
	assert_int_equal(cli_parse(ARGC(after_dashes), after_dashes, &cli, &err), 0);
	assert_int_equal(cli.profile_ref, CLI_PROFILE_NONE);
	assert_string_equal(cli.run.argv[0], "work");
	assert_int_equal(cli_parse(ARGC(path), path, &cli, &err), 0);
	assert_int_equal(cli.profile_ref, CLI_PROFILE_NONE);

	assert_int_equal(cli_parse(ARGC(file), file, &cli, &err), 0);
	assert_int_equal(cli.profile_ref, CLI_PROFILE_FILE);
	assert_string_equal(cli.profile, "-");
	assert_null(cli.run.argv);
	assert_string_equal(cli.run.hostname, "h");
	assert_int_equal(cli_parse(ARGC(file_inline), file_inline, &cli, &err), 0);
	assert_string_equal(cli.profile, "p.json");
	assert_string_equal(cli.run.argv[0], "sh");
	assert_true(cli_parse(ARGC(twice), twice, &cli, &err) < 0);
	assert_string_equal(err.msg, "--profile: give one profile only");
	assert_true(cli_parse(ARGC(nothing), nothing, &cli, &err) < 0);
	assert_non_null(strstr(err.msg, "run: no program given"));

	assert_int_equal(cli_parse(ARGC(check_name), check_name, &cli, &err), 0);
	assert_int_equal(cli.command, CLI_PROFILE_CHECK);
	assert_int_equal(cli.profile_ref, CLI_PROFILE_NAME);
	assert_int_equal(cli_parse(ARGC(check_file), check_file, &cli, &err), 0);
	assert_int_equal(cli.profile_ref, CLI_PROFILE_FILE);
	assert_true(cli_parse(ARGC(check_bad), check_bad, &cli, &err) < 0);
	assert_string_equal(err.msg, "profile check: expected one NAME or FILE");
	assert_true(cli_parse(ARGC(profile_alone), profile_alone, &cli, &err) < 0);
	assert_non_null(strstr(err.msg, "sluice profile check NAME|FILE"));
}

static void tor_and_ssh_option_errors(void **state)
{
	static struct {
		char *argv[10];
		const char *expected;
	} cases[] = {
	    {{"sluice", "run", "--via", "tor", "--tor-option", "ExitNodes {de}\nSocksPort 0", "./x",
	      NULL},
	     "--tor-option: control characters (such as a line break) are not allowed"},
	    {{"sluice", "run", "--via", "tor", "--tor-option=a\rb", "./x", NULL},
	     "--tor-option: control characters"},
	    {{"sluice", "run", "--via", "tor", "--tor-option=", "./x", NULL},
	     "--tor-option: expected a value"},
	    {{"sluice", "run", "--via", "ssh://h", "--ssh-option", "A=b\nProxyCommand=x", "./x",
	      NULL},
	     "--ssh-option: control characters"},
	    {{"sluice", "run", "--tor-option", "ExitNodes {de}", "./x", NULL},
	     "--tor-option and --tor-config are for sluice's own tor: add --via tor"},
	    {{"sluice", "run", "--via", "tor://127.0.0.1:9050", "--tor-option", "A 1", "./x", NULL},
	     "are for sluice's own tor: add --via tor"},
	    {{"sluice", "run", "--via", "tor://unix:/run/tor/socks", "--tor-config", "/f", "./x",
	      NULL},
	     "are for sluice's own tor: add --via tor"},
	    {{"sluice", "run", "--via", "socks5://h", "--ssh-option", "A=b", "./x", NULL},
	     "--ssh-option needs an ssh hop: add --via ssh://HOST"},
	    {{"sluice", "run", "--via", "tor", "--ssh-option", "A=b", "./x", NULL},
	     "--ssh-option needs an ssh hop"},
	    {{"sluice", "run", "--via", "tor", "--tor-config", "", "./x", NULL},
	     "--tor-config: expected a file name"},
	    {{"sluice", "run", "--via", "tor", "--tor-timeout", "0", "./x", NULL},
	     "--tor-timeout '0': expected seconds, 1-86400"},
	    {{"sluice", "run", "--via", "tor", "--tor-timeout", "abc", "./x", NULL},
	     "--tor-timeout 'abc': expected seconds"},
	    {{"sluice", "run", "--via", "tor", "--tor-timeout", "86401", "./x", NULL},
	     "--tor-timeout '86401': expected seconds, 1-86400"},
	    {{"sluice", "run", "--via", "tor", "--tor-timeout", "99999999999999999999", "./x",
	      NULL},
	     "--tor-timeout '99999999999999999999'"},
	    {{"sluice", "run", "--via", "tor", "--tor-timeout", "-5", "./x", NULL},
	     "--tor-timeout '-5'"},
	    {{"sluice", "run", "--via", "tor", "--tor-timeout=", "./x", NULL}, "--tor-timeout ''"},
	    {{"sluice", "run", "--via", "tor", "--tor-timeout", NULL},
	     "--tor-timeout needs a value"},
	    {{"sluice", "run", "--via", "tor", "--tor-isolate", "bogus", "./x", NULL},
	     "--tor-isolate bogus: expected sandbox, destination or none"},
	    {{"sluice", "run", "--via", "tor", "--tor-isolate", "Sandbox", "./x", NULL},
	     "--tor-isolate Sandbox: expected"},
	    {{"sluice", "run", "--via", "tor", "--udp", "proxy", "./x", NULL},
	     "--udp proxy: hop 1 (tor) cannot carry UDP: Tor carries TCP streams only"},
	    {{"sluice", "run", "--via", "ssh://h", "--udp", "proxy", "./x", NULL},
	     "--udp proxy: hop 1 (ssh) cannot carry UDP"},
	    {{"sluice", "run", "--via", "socks5://h", "--via", "tor://unix:/s", "./x", NULL},
	     "--via tor://unix:/s: a tor reached at a path on this machine"},
	    {{"sluice", "run", "--via", "tor://u:p@h", "./x", NULL},
	     "a tor hop takes no user or password"},
	    {{"sluice", "run", "--via", "ssh://u:p@h", "./x", NULL},
	     "an ssh hop takes no password in the URL"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sl_err err = {0};
		struct cli cli;
		int argc = 0;

		while (cases[i].argv[argc])
			argc++;
		if (cli_parse(argc, cases[i].argv, &cli, &err) >= 0)
			fail_msg("case %zu accepted", i);
		if (!strstr(err.msg, cases[i].expected))
			fail_msg("case %zu: '%s' does not contain '%s'", i, err.msg,
				 cases[i].expected);
		assert_int_equal(err.exit_code, SL_EXIT_FAILURE);
	}
}

static void helper_option_limit(void **state)
{
	char *argv[2 * CLI_MAX_HELPER_OPTIONS + 8];
	struct sl_err err = {0};
	struct cli cli;
	int argc = 0, i;

	(void)state;
	argv[argc++] = "sluice";
	argv[argc++] = "run";
	argv[argc++] = "--via";
	argv[argc++] = "ssh://h";
	for (i = 0; i < CLI_MAX_HELPER_OPTIONS; i++) {
		argv[argc++] = "--ssh-option";
		argv[argc++] = "A=b";
	}
	argv[argc++] = "./x";
	argv[argc] = NULL;
	assert_int_equal(cli_parse(argc, argv, &cli, &err), 0);
	assert_int_equal(cli.run.n_ssh_options, CLI_MAX_HELPER_OPTIONS);
	argv[argc - 1] = "--ssh-option=A=b";
	argv[argc++] = "./x";
	argv[argc] = NULL;
	assert_true(cli_parse(argc, argv, &cli, &err) < 0);
	assert_non_null(strstr(err.msg, "--ssh-option: at most 64"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(run_with_program_after_double_dash),
	    cmocka_unit_test(options_end_at_first_non_option),
	    cmocka_unit_test(verbosity_counts),
	    cmocka_unit_test(map_root_and_pass_fds),
	    cmocka_unit_test(help_and_version),
	    cmocka_unit_test(errors_name_the_problem),
	    cmocka_unit_test(hostname_length_limit),
	    cmocka_unit_test(via_chain_and_defaults),
	    cmocka_unit_test(no_via_is_direct),
	    cmocka_unit_test(udp_proxy_through_one_socks5_hop),
	    cmocka_unit_test(allow_host_loopback_only_direct),
	    cmocka_unit_test(password_from_environment),
	    cmocka_unit_test(tor_and_ssh_options),
	    cmocka_unit_test(tor_and_ssh_option_errors),
	    cmocka_unit_test(profile_name_or_program),
	    cmocka_unit_test(helper_option_limit),
	};

	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
