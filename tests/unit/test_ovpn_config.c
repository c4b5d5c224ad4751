/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test_ovpn_config.c - unit tests of src/ovpn_config.c: a provider-like config with inline
 * blocks and several remotes; transports from proto, remote and <connection>; tap and
 * server configs refused; credentials' sources; notes; openvpn's line grammar and its
 * limits; each error's message.  The environment of openvpn's --up script as openvpn 2.6.14
 * set it in the subnet, net30, p2p and IPv6-only topologies (captured from real runs), and
 * its bad values.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ovpn_config.h"

static struct ovpn_config cfg;

static void read_ok(const char *text)
{
	struct sl_err err;

	sl_err_clear(&err);
	if (ovpn_config_read("t.ovpn", text, strlen(text), &cfg, &err))
		fail_msg("%s\n--- refused: %s", text, err.msg);
}

static void read_fails(const char *text, size_t len, const char *message)
{
	struct sl_err err;

	sl_err_clear(&err);
	if (!ovpn_config_read("t.ovpn", text, len, &cfg, &err))
		fail_msg("%s\n--- accepted, expected: %s", text, message);
	assert_string_equal(err.msg, message);
	assert_int_equal(cfg.n_remotes, 0);
}

static void bad(const char *text, const char *message)
{
	read_fails(text, strlen(text), message);
}

static void check_remote(size_t i, const char *host, uint16_t port, enum ovpn_transport t,
			 int family, unsigned int line)
{
	assert_true(i < cfg.n_remotes);
	assert_string_equal(cfg.remotes[i].host, host);
	assert_int_equal(cfg.remotes[i].port, port);
	assert_int_equal(cfg.remotes[i].transport, t);
	assert_int_equal(cfg.remotes[i].family, family);
	assert_int_equal(cfg.remotes[i].line, line);
}

/* Shaped like a commercial provider's download: client, several remotes, inline PKI. */
static const char provider[] =
    "# Example VPN - generated config\r\n"
    "client\r\n"
    "dev tun\r\n"
    "proto udp\r\n"
    "remote nl1.example-vpn.com 1194\r\n"
    "remote nl2.example-vpn.com 1194\r\n"
    "remote 203.0.113.7 1195\r\n"
    "remote-random\r\n"
    "resolv-retry infinite\r\n"
    "nobind\r\n"
    "persist-key\r\n"
    "persist-tun\r\n"
    "remote-cert-tls server\r\n"
    "auth-user-pass\r\n"
    "cipher AES-256-GCM\r\n"
    "verb 3\r\n"
    "<ca>\r\n"
    "-----BEGIN CERTIFICATE-----\r\n"
    "MIIBszCCAVmgAwIBAgIUDm9kZWwgY2EgZm9yIHRlc3RzMAoGCCqGSM49BAMCMA0x\r\n"
    "remote evil.example 1 tcp\r\n" /* data, not an option */
    "-----END CERTIFICATE-----\r\n"
    "</ca>\r\n"
    "  <cert>\r\n"
    "-----BEGIN CERTIFICATE-----\r\n"
    "MIIBrDCCAVKgAwIBAgIUY2xpZW50IGNlcnQgZm9yIHRlc3RzMAoGCCqGSM49BAMC\r\n"
    "-----END CERTIFICATE-----\r\n"
    "  </cert>\r\n"
    "<key>\r\n"
    "-----BEGIN PRIVATE KEY-----\r\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgdGVzdCBrZXkgZGF0\r\n"
    "-----END PRIVATE KEY-----\r\n"
    "</key>\r\n"
    "key-direction 1\r\n"
    "<tls-auth>\r\n"
    "#\r\n"
    "# 2048 bit OpenVPN static key\r\n"
    "#\r\n"
    "-----BEGIN OpenVPN Static key V1-----\r\n"
    "e685bdaf659a25a200e2b9e39e51ff03\r\n"
    "-----END OpenVPN Static key V1-----\r\n"
    "</tls-auth>\r\n"
    "redirect-gateway def1\r\n";

static void provider_config(void **state)
{
	(void)state;
	read_ok(provider);
	assert_int_equal(cfg.n_remotes, 3);
	assert_int_equal(cfg.n_remotes_total, 3);
	check_remote(0, "nl1.example-vpn.com", 1194, OVPN_UDP, AF_UNSPEC, 5);
	check_remote(1, "nl2.example-vpn.com", 1194, OVPN_UDP, AF_UNSPEC, 6);
	check_remote(2, "203.0.113.7", 1195, OVPN_UDP, AF_UNSPEC, 7);
	assert_true(cfg.uses_udp);
	assert_false(cfg.uses_tcp);
	assert_int_equal(cfg.auth_user_pass, OVPN_SECRET_ASK);
	assert_int_equal(cfg.askpass, OVPN_SECRET_NONE);
	assert_int_equal(cfg.key, OVPN_KEY_INLINE_PLAIN);
	/* the one note: redirect-gateway, on the last line (inline lines counted) */
	assert_int_equal(cfg.n_notes, 1);
	assert_string_equal(cfg.notes[0].option, "redirect-gateway");
	assert_int_equal(cfg.notes[0].line, 42);
	assert_non_null(strstr(cfg.notes[0].why, "only way out"));
}

static void transports(void **state)
{
	(void)state;
	/* proto after the remotes still applies to those without their own (openvpn resolves
	 * them at the end); port sets the default port; rport too, later wins */
	read_ok("client\ndev tun\nremote a.example\nremote b.example 443 tcp-client\n"
		"remote c.example 53 udp6\nport 1300\nproto tcp4\nremote d.example https\n");
	assert_int_equal(cfg.n_remotes, 4);
	check_remote(0, "a.example", 1300, OVPN_TCP, AF_INET, 3);
	check_remote(1, "b.example", 443, OVPN_TCP, AF_UNSPEC, 4);
	check_remote(2, "c.example", 53, OVPN_UDP, AF_INET6, 5);
	check_remote(3, "d.example", 0, OVPN_TCP, AF_INET, 8); /* a service name: port 0 */
	assert_true(cfg.uses_udp && cfg.uses_tcp);

	read_ok("remote a\nrport 2000\n");
	check_remote(0, "a", 2000, OVPN_UDP, AF_UNSPEC, 1);
	assert_true(cfg.uses_udp && !cfg.uses_tcp);

	read_ok("proto tcp\nremote a\n");
	assert_true(!cfg.uses_udp && cfg.uses_tcp);

	{
		static const char *const names[] = {"udp",	  "udp4",	 "udp6",
						    "tcp",	  "tcp4",	 "tcp6",
						    "tcp-client", "tcp4-client", "tcp6-client"};
		static const int tcp[] = {0, 0, 0, 1, 1, 1, 1, 1, 1};
		static const int family[] = {AF_UNSPEC, AF_INET,   AF_INET6, AF_UNSPEC, AF_INET,
					     AF_INET6,	AF_UNSPEC, AF_INET,  AF_INET6};
		char text[128];
		size_t i;

		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			snprintf(text, sizeof(text), "remote x 1 %s\n", names[i]);
			read_ok(text);
			assert_int_equal(cfg.remotes[0].transport, tcp[i] ? OVPN_TCP : OVPN_UDP);
			assert_int_equal(cfg.remotes[0].family, family[i]);
		}
	}
}

static void connection_blocks(void **state)
{
	(void)state;
	/* Each block starts from the defaults so far; later defaults do not reach it; remote
	 * options outside the blocks are ignored, as openvpn does. */
	read_ok("client\nproto tcp\nport 443\nremote ignored.example\n"
		"<connection>\nremote one.example\n</connection>\n"
		"<connection>\n  remote two.example 1194 udp\n  # a comment\nproto udp\n"
		"</connection>\n"
		"proto udp\nport 9\n"
		"<connection>\nremote three.example\n<http-proxy-user-pass>\nuser\npass\n"
		"</http-proxy-user-pass>\n</connection>\n");
	assert_int_equal(cfg.n_remotes, 3);
	check_remote(0, "one.example", 443, OVPN_TCP, AF_UNSPEC, 6);
	check_remote(1, "two.example", 1194, OVPN_UDP, AF_UNSPEC, 9);
	check_remote(2, "three.example", 9, OVPN_UDP, AF_UNSPEC, 16);
	assert_true(cfg.uses_udp && cfg.uses_tcp);

	bad("remote a\n<connection>\nproto tcp\n</connection>\n",
	    "t.ovpn:4: a <connection> block without remote; expected one 'remote HOST [PORT "
	    "[PROTO]]' in each block");
	bad("client\n<connection>\nremote a\n",
	    "t.ovpn:2: <connection> has no end; expected a line </connection> after its options");
	bad("<connection>\nremote a\n<connection>\n</connection>\n",
	    "t.ovpn:3: <connection> inside <connection>; expected </connection> first");
	/* openvpn ends the block at the first </connection> line, even inside inline data */
	bad("<connection>\nremote a\n<http-proxy-user-pass>\nu\n</connection>\n"
	    "</http-proxy-user-pass>\n",
	    "t.ovpn:3: <http-proxy-user-pass> has no end; expected a line "
	    "</http-proxy-user-pass> after its data");
}

static void many_remotes(void **state)
{
	char text[4096];
	size_t o = 0;
	int i;

	(void)state;
	for (i = 0; i < OVPN_MAX_REMOTES + 8; i++)
		o += (size_t)snprintf(text + o, sizeof(text) - o, "remote r%d.example 1194%s\n", i,
				      i == OVPN_MAX_REMOTES + 5 ? " tcp" : "");
	read_ok(text);
	assert_int_equal(cfg.n_remotes, OVPN_MAX_REMOTES);
	assert_int_equal(cfg.n_remotes_total, OVPN_MAX_REMOTES + 8);
	check_remote(OVPN_MAX_REMOTES - 1, "r31.example", 1194, OVPN_UDP, AF_UNSPEC, 32);
	/* the TCP remote is past the kept ones but still counts */
	assert_true(cfg.uses_udp && cfg.uses_tcp);
}

static void devices(void **state)
{
	(void)state;
	read_ok("dev tun\nremote a\n");
	read_ok("dev tun7\nremote a\n");
	read_ok("dev vpn0\ndev-type tun\nremote a\n");
	read_ok("dev tap0\ndev-type tun\nremote a\n"); /* dev-type decides */
	bad("client\ndev tap\nremote a\n",
	    "t.ovpn:2: dev tap: a tap device (Ethernet frames); sluice moves only tun devices (IP "
	    "packets): expected dev tun, as most providers' configs have");
	bad("dev-type tap\ndev vpn0\nremote a\n",
	    "t.ovpn:1: dev-type tap: a tap device (Ethernet frames); sluice moves only tun "
	    "devices (IP packets): expected dev tun, as most providers' configs have");
	bad("dev tun tap\nremote a\n", "t.ovpn:1: expected dev tun");
}

static void server_configs(void **state)
{
	(void)state;
	bad("dev tun\nserver 10.8.0.0 255.255.255.0\n",
	    "t.ovpn:2: server: a server's option; sluice runs openvpn as a client: expected a "
	    "client config (client, remote)");
	bad("mode server\n", "t.ovpn:1: mode: a server's option; sluice runs openvpn as a client: "
			     "expected a client config (client, remote)");
	bad("remote a\ntls-server\n", "t.ovpn:2: tls-server: a server's option; sluice runs "
				      "openvpn as a client: expected a client config (client, "
				      "remote)");
	bad("proto tcp-server\n", "t.ovpn:1: proto tcp-server is a server's; sluice runs openvpn "
				  "as a client: expected udp or tcp (tcp-client)");
	read_ok("mode p2p\nremote a\n");
}

static void notes(void **state)
{
	static const char *const expected[] = {
	    "up",
	    "down",
	    "route-up",
	    "route-pre-down",
	    "ipchange",
	    "client-connect",
	    "script-security",
	    "ifconfig-noexec",
	    "route-noexec",
	    "iproute",
	    "redirect-gateway",
	    "dhcp-option",
	    "dhcp-option",
	    "dhcp-option",
	    "dev-node",
	    "chroot",
	    "user",
	    "group",
	    "daemon",
	    "log",
	    "log-append",
	    "management",
	    "management-query-passwords",
	    "mtu-disc",
	    "route",
	};
	size_t i;

	(void)state;
	read_ok(
	    "remote a\nup /etc/openvpn/update-resolv-conf\ndown /etc/openvpn/down.sh\n"
	    "route-up x\nroute-pre-down x\nipchange x\nclient-connect x\nscript-security 2\n"
	    "ifconfig-noexec\nroute-noexec\niproute /sbin/ip\nredirect-gateway def1 bypass-dhcp\n"
	    "dhcp-option DNS 10.8.0.1\ndhcp-option DNS6 fd00::53\ndhcp-option DOMAIN corp\n"
	    "dev-node /dev/net/tun\nchroot /var/empty\nuser nobody\ngroup nogroup\ndaemon\n"
	    "log /var/log/ovpn.log\nlog-append /var/log/ovpn.log\nmanagement 127.0.0.1 7505\n"
	    "management-query-passwords\nmtu-disc yes\nroute 10.0.0.0 255.0.0.0\n"
	    "persist-tun\nverb 4\n");
	assert_int_equal(cfg.n_notes, sizeof(expected) / sizeof(expected[0]));
	assert_int_equal(cfg.n_notes_total, cfg.n_notes);
	for (i = 0; i < cfg.n_notes; i++) {
		assert_string_equal(cfg.notes[i].option, expected[i]);
		assert_int_equal(cfg.notes[i].line, i + 2);
		assert_non_null(cfg.notes[i].why);
	}
	/* the configured DNS servers, in order; DOMAIN is not one */
	assert_int_equal(cfg.n_dns, 2);
	assert_int_equal(cfg.dns[0].family, AF_INET);
	assert_memory_equal(cfg.dns[0].addr, "\x0a\x08\x00\x01", 4);
	assert_int_equal(cfg.dns[1].family, AF_INET6);
	assert_memory_equal(cfg.dns[1].addr, "\xfd\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x53", 16);

	bad("remote a\ndhcp-option DNS dns.example\n",
	    "t.ovpn:2: dhcp-option DNS 'dns.example': expected an IPv4 or IPv6 address");
}

static void many_notes(void **state)
{
	char text[4096];
	size_t o = 0;
	int i;

	(void)state;
	o += (size_t)snprintf(text, sizeof(text), "remote a\n");
	for (i = 0; i < OVPN_MAX_NOTES + 3; i++)
		o += (size_t)snprintf(text + o, sizeof(text) - o, "route 10.%d.0.0 255.255.0.0\n",
				      i);
	read_ok(text);
	assert_int_equal(cfg.n_notes, OVPN_MAX_NOTES);
	assert_int_equal(cfg.n_notes_total, OVPN_MAX_NOTES + 3);
}

static void credentials(void **state)
{
	(void)state;
	read_ok("remote a\n");
	assert_int_equal(cfg.auth_user_pass, OVPN_SECRET_NONE);
	assert_int_equal(cfg.key, OVPN_KEY_NONE);

	read_ok("remote a\nauth-user-pass \"/home/u/my vpn/pass.txt\"\naskpass\nkey client.key\n");
	assert_int_equal(cfg.auth_user_pass, OVPN_SECRET_FILE);
	assert_string_equal(cfg.auth_user_pass_file, "/home/u/my vpn/pass.txt");
	assert_int_equal(cfg.askpass, OVPN_SECRET_ASK);
	assert_int_equal(cfg.key, OVPN_KEY_UNKNOWN);

	read_ok("remote a\naskpass /etc/openvpn/keypass\npkcs12 client.p12\n"
		"<auth-user-pass>\nalice\nsecret\n</auth-user-pass>\n");
	assert_int_equal(cfg.askpass, OVPN_SECRET_FILE);
	assert_string_equal(cfg.askpass_file, "/etc/openvpn/keypass");
	assert_int_equal(cfg.key, OVPN_KEY_UNKNOWN);
	assert_int_equal(cfg.auth_user_pass, OVPN_SECRET_INLINE);

	read_ok("remote a\n<key>\n-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHz\n"
		"-----END ENCRYPTED PRIVATE KEY-----\n</key>\n");
	assert_int_equal(cfg.key, OVPN_KEY_INLINE_ENCRYPTED);
	/* the legacy PEM form */
	read_ok("remote a\n<key>\n-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
		"DEK-Info: AES-256-CBC,00\n\nMIIE\n-----END RSA PRIVATE KEY-----\n</key>\n");
	assert_int_equal(cfg.key, OVPN_KEY_INLINE_ENCRYPTED);

	/* the last one counts, as in openvpn */
	read_ok("remote a\nauth-user-pass pass.txt\n<auth-user-pass>\nu\np\n</auth-user-pass>\n");
	assert_int_equal(cfg.auth_user_pass, OVPN_SECRET_INLINE);
	assert_string_equal(cfg.auth_user_pass_file, "");
	read_ok("remote a\nauth-user-pass pass.txt\nauth-user-pass\n");
	assert_int_equal(cfg.auth_user_pass, OVPN_SECRET_ASK);
	assert_string_equal(cfg.auth_user_pass_file, "");

	bad("remote a\nauth-user-pass a b\n", "t.ovpn:2: expected auth-user-pass [FILE]");
}

static void grammar(void **state)
{
	(void)state;
	/* leading --, comments where an argument may start, quotes and escapes */
	read_ok("\xef\xbb\xbf# comment\n; comment\n   \n--remote a.example 1194 # trailing\n"
		"remote 'b.example' \"1195\" ;trailing\n"
		"remote c\\ d 7\n"
		"auth-user-pass \"C:\\\\vpn\\\\a \\\"b\\\".txt\"\n"
		"askpass 'x\\y'\n"
		"remote e#f\n");
	assert_int_equal(cfg.n_remotes, 4);
	check_remote(0, "a.example", 1194, OVPN_UDP, AF_UNSPEC, 4);
	check_remote(1, "b.example", 1195, OVPN_UDP, AF_UNSPEC, 5);
	check_remote(2, "c d", 7, OVPN_UDP, AF_UNSPEC, 6);
	assert_string_equal(cfg.auth_user_pass_file, "C:\\vpn\\a \"b\".txt");
	assert_string_equal(cfg.askpass_file, "x\\y"); /* no escapes in '' */
	check_remote(3, "e#f", OVPN_DEFAULT_PORT, OVPN_UDP, AF_UNSPEC, 9);

	/* an inline block given with -- and its end tag with text after it */
	read_ok("remote a\n--<ca>\ndata\n  </ca> trailing\nproto tcp\n");
	assert_true(cfg.uses_tcp && !cfg.uses_udp);
	/* unknown options are openvpn's to judge */
	read_ok("remote a\nfrobnicate 1 2 3\n");
	/* a last line without newline */
	read_ok("remote a");
	check_remote(0, "a", OVPN_DEFAULT_PORT, OVPN_UDP, AF_UNSPEC, 1);
}

static void grammar_errors(void **state)
{
	(void)state;
	bad("remote \"a.example 1194\n",
	    "t.ovpn:1: no closing quotation (\"); expected a \" at the end of the argument");
	bad("remote a\nauth-user-pass 'x\n",
	    "t.ovpn:2: no closing quotation ('); expected a ' at the end of the argument");
	bad("remote a\\b\n", "t.ovpn:1: a backslash before 'b'; expected one only before \\, \" "
			     "or white space (write \\\\ for a backslash)");
	bad("remote a\n<ca>\n-----BEGIN CERTIFICATE-----\n",
	    "t.ovpn:2: <ca> has no end; expected a line </ca> after its data");
	bad("remote a\n<ca>\ndata\n</cert>\n",
	    "t.ovpn:2: <ca> has no end; expected a line </ca> after its data");
	read_fails("remote a\nproto\0 tcp\n", 20, "t.ovpn:2: a NUL byte; expected a text file");
	bad("remote a 0\n", "t.ovpn:1: remote's port '0': expected a port number, 1-65535");
	bad("remote a 65536\n", "t.ovpn:1: remote's port '65536': expected a port number, 1-65535");
	bad("remote a 1194 sctp\n", "t.ovpn:1: proto 'sctp': expected udp, udp4, udp6, tcp, tcp4, "
				    "tcp6, tcp-client, tcp4-client or tcp6-client");
	bad("port 12a/\nremote a\n",
	    "t.ovpn:1: port '12a/': expected a port number (1-65535) or a service name");
	bad("remote a 1 udp extra\n", "t.ovpn:1: expected remote HOST [PORT [PROTO]]");
	bad("remote\n", "t.ovpn:1: expected remote HOST [PORT [PROTO]]");
	bad("proto\nremote a\n", "t.ovpn:1: expected proto udp|tcp");
	bad("client\ndev tun\nconfig other.conf\nremote a\n",
	    "t.ovpn:3: config: including another file is not supported; sluice reads one "
	    "self-contained config: put the included file's options in place of this line");
	bad("client\ndev tun\n# no remote here\n",
	    "t.ovpn: no remote option; expected at least one 'remote HOST [PORT [PROTO]]' naming "
	    "the VPN server");
	bad("", "t.ovpn: no remote option; expected at least one 'remote HOST [PORT [PROTO]]' "
		"naming the VPN server");
	/* remotes outside <connection> blocks do not count once there are blocks, but a
	 * config with blocks only is fine */
	read_ok("<connection>\nremote a\n</connection>\n");
}

static void line_limits(void **state)
{
	char text[OVPN_LINE_MAX + 64];

	(void)state;
	/* openvpn 2.6.14 reads a 254-byte line and its newline, refuses 255 and a newline */
	memset(text, 'x', sizeof(text));
	text[0] = '#';
	strcpy(text + 254, "\nremote a\n");
	read_ok(text);
	text[254] = 'x';
	strcpy(text + 255, "\nremote a\n");
	bad(text, "t.ovpn:1: a line of 256 bytes; openvpn reads at most 255 per line (with its "
		  "newline)");
	/* inside an inline block, lines of any length (openvpn reads them in pieces) */
	{
		static char big[4096];

		strcpy(big, "remote a\n<ca>\n");
		memset(big + strlen(big), 'A', 1000);
		strcpy(big + 14 + 1000, "\n</ca>\nproto tcp\n");
		read_ok(big);
		assert_true(cfg.uses_tcp);
	}
}

static void size_limit(void **state)
{
	char *text = malloc(OVPN_CONFIG_MAX + 2);
	size_t i;

	(void)state;
	assert_non_null(text);
	for (i = 0; i < OVPN_CONFIG_MAX + 1; i++)
		text[i] = i % 64 == 63 ? '\n' : '#';
	memcpy(text, "remote a\n", 9);
	{
		struct sl_err err;

		sl_err_clear(&err);
		assert_int_equal(ovpn_config_read("t.ovpn", text, OVPN_CONFIG_MAX, &cfg, &err), 0);
		assert_int_equal(cfg.n_remotes, 1);
	}
	read_fails(text, OVPN_CONFIG_MAX + 1,
		   "t.ovpn: 1048577 bytes; expected at most 1048576 (an OpenVPN config is a few "
		   "KiB)");
	free(text);
}

/* --- ovpn_env_read --- */

static struct tunnel_params params;
static char dev[IFNAMSIZ];

static void env_ok(char *const *envp)
{
	struct sl_err err;

	sl_err_clear(&err);
	if (ovpn_env_read(envp, &params, dev, sizeof(dev), &err))
		fail_msg("refused: %s", err.msg);
}

static void env_bad(char *const *envp, const char *message)
{
	struct sl_err err;

	sl_err_clear(&err);
	if (!ovpn_env_read(envp, &params, dev, sizeof(dev), &err))
		fail_msg("accepted, expected: %s", message);
	assert_string_equal(err.msg, message);
	assert_int_equal(params.n_addresses, 0);
	assert_string_equal(dev, "");
}

static void check_prefix(const struct tunnel_prefix *p, int family, const char *addr,
			 unsigned int len)
{
	uint8_t want[16];

	assert_int_equal(p->family, family);
	assert_int_equal(inet_pton(family, addr, want), 1);
	assert_memory_equal(p->addr, want, family == AF_INET ? 4 : 16);
	assert_int_equal(p->prefix_len, len);
}

/* As openvpn 2.6.14 set it: server 10.8.0.0/24, topology subnet, server-ipv6, pushed DNS. */
static void env_subnet(void **state)
{
	char *envp[] = {
	    "common_name=server",
	    "dev=tun1",
	    "dev_type=tun",
	    "foreign_option_1=dhcp-option DNS 10.8.0.1",
	    "foreign_option_2=dhcp-option DNS6 fd00::53",
	    "foreign_option_3=dhcp-option DOMAIN example.test",
	    "foreign_option_4=dhcp-option DNS 10.8.0.2",
	    "ifconfig_ipv6_local=fd00:8::1000",
	    "ifconfig_ipv6_netbits=64",
	    "ifconfig_ipv6_remote=fd00:8::1",
	    "ifconfig_local=10.8.0.2",
	    "ifconfig_netmask=255.255.255.0",
	    "proto_1=udp",
	    "remote_1=127.0.0.1",
	    "script_context=init",
	    "script_type=up",
	    "trusted_ip=127.0.0.1",
	    "tun_mtu=1500",
	    NULL,
	};

	(void)state;
	env_ok(envp);
	assert_string_equal(dev, "tun1");
	assert_int_equal(params.n_addresses, 2);
	check_prefix(&params.addresses[0], AF_INET, "10.8.0.2", 24);
	check_prefix(&params.addresses[1], AF_INET6, "fd00:8::1000", 64);
	assert_int_equal(params.peer.family, 0);
	assert_int_equal(params.n_dns, 3);
	check_prefix(&params.dns[0], AF_INET, "10.8.0.1", 32);
	check_prefix(&params.dns[1], AF_INET6, "fd00::53", 128);
	check_prefix(&params.dns[2], AF_INET, "10.8.0.2", 32);
	assert_int_equal(params.mtu, 1500);
}

/* topology net30: a /30 per client, openvpn gives the local and the remote end. */
static void env_net30(void **state)
{
	char *envp[] = {
	    "dev=tun1",
	    "dev_type=tun",
	    "foreign_option_1=dhcp-option DNS 10.9.0.1",
	    "ifconfig_local=10.9.0.6",
	    "ifconfig_remote=10.9.0.5",
	    "route_net_gateway=0.0.0.0",
	    "route_vpn_gateway=10.9.0.5",
	    "script_type=up",
	    "tun_mtu=1500",
	    NULL,
	};

	(void)state;
	env_ok(envp);
	assert_int_equal(params.n_addresses, 1);
	check_prefix(&params.addresses[0], AF_INET, "10.9.0.6", 32);
	check_prefix(&params.peer, AF_INET, "10.9.0.5", 32);
	assert_int_equal(params.n_dns, 1);
	check_prefix(&params.dns[0], AF_INET, "10.9.0.1", 32);
}

/* topology p2p: the same variables as net30, no DNS pushed. */
static void env_p2p(void **state)
{
	char *envp[] = {
	    "dev=tun1", "ifconfig_local=10.10.0.4", "ifconfig_remote=10.10.0.1", "tun_mtu=1400",
	    NULL,
	};

	(void)state;
	env_ok(envp);
	check_prefix(&params.addresses[0], AF_INET, "10.10.0.4", 32);
	check_prefix(&params.peer, AF_INET, "10.10.0.1", 32);
	assert_int_equal(params.n_dns, 0);
	assert_int_equal(params.mtu, 1400);
}

/* server-ipv6 only: no ifconfig_local at all. */
static void env_ipv6_only(void **state)
{
	char *envp[] = {
	    "dev=tun1",
	    "dev_type=tun",
	    "foreign_option_1=dhcp-option DNS6 fd00::53",
	    "ifconfig_ipv6_local=fd00:9::1000",
	    "ifconfig_ipv6_netbits=64",
	    "ifconfig_ipv6_remote=fd00:9::1",
	    "script_type=up",
	    NULL,
	};

	(void)state;
	env_ok(envp);
	assert_int_equal(params.n_addresses, 1);
	check_prefix(&params.addresses[0], AF_INET6, "fd00:9::1000", 64);
	assert_int_equal(params.peer.family, 0);
	check_prefix(&params.dns[0], AF_INET6, "fd00::53", 128);
	assert_int_equal(params.mtu, 0); /* not set: the kind's default */
}

static void env_dns_limits(void **state)
{
	char *envp[] = {
	    "dev=tun0",
	    "ifconfig_local=10.0.0.2",
	    "ifconfig_netmask=255.255.0.0",
	    "foreign_option_3=dhcp-option DNS 10.0.0.3",
	    "foreign_option_1=dhcp-option DNS 10.0.0.1",
	    "foreign_option_2=dhcp-option DOMAIN-SEARCH a.example",
	    "foreign_option_4=dhcp-option DNS 10.0.0.4",
	    "foreign_option_5=dhcp-option DNS 10.0.0.5",
	    "foreign_option_6=dhcp-option DNS 10.0.0.6",
	    "foreign_option_7=dhcp-option DNS 10.0.0.7",
	    "foreign_option_9=dhcp-option DNS 10.0.0.9", /* after a gap: not read */
	    NULL,
	};
	char *bad_dns[] = {
	    "dev=tun0",
	    "ifconfig_local=10.0.0.2",
	    "ifconfig_netmask=255.255.0.0",
	    "foreign_option_1=dhcp-option DNS 10.0.0.300",
	    NULL,
	};

	(void)state;
	env_ok(envp);
	check_prefix(&params.addresses[0], AF_INET, "10.0.0.2", 16);
	assert_int_equal(params.n_dns, TUNNEL_MAX_DNS);
	check_prefix(&params.dns[0], AF_INET, "10.0.0.1", 32);
	check_prefix(&params.dns[1], AF_INET, "10.0.0.3", 32);
	check_prefix(&params.dns[2], AF_INET, "10.0.0.4", 32);
	check_prefix(&params.dns[3], AF_INET, "10.0.0.5", 32);
	env_bad(bad_dns, "openvpn's foreign_option_1 'dhcp-option DNS 10.0.0.300': expected "
			 "dhcp-option DNS with an IP address");
}

static void env_errors(void **state)
{
	char *none[] = {"dev=tun0", "tun_mtu=1500", "foreign_option_1=dhcp-option DNS 1.1.1.1",
			NULL};
	char *no_dev[] = {"ifconfig_local=10.0.0.2", "ifconfig_netmask=255.255.255.0", NULL};
	char *holes[] = {"dev=tun0", "ifconfig_local=10.0.0.2", "ifconfig_netmask=255.0.255.0",
			 NULL};
	char *zero[] = {"dev=tun0", "ifconfig_local=10.0.0.2", "ifconfig_netmask=0.0.0.0", NULL};
	char *bad_local[] = {"dev=tun0", "ifconfig_local=10.0.0", "ifconfig_netmask=255.0.0.0",
			     NULL};
	char *both[] = {"dev=tun0", "ifconfig_local=10.0.0.2", "ifconfig_netmask=255.0.0.0",
			"ifconfig_remote=10.0.0.1", NULL};
	char *neither[] = {"dev=tun0", "ifconfig_local=10.0.0.2", NULL};
	char *bits[] = {"dev=tun0", "ifconfig_ipv6_local=fd00::2", "ifconfig_ipv6_netbits=129",
			NULL};
	char *no_bits[] = {"dev=tun0", "ifconfig_ipv6_local=fd00::2", NULL};
	char *bad_v6[] = {"dev=tun0", "ifconfig_ipv6_local=10.0.0.2", "ifconfig_ipv6_netbits=64",
			  NULL};
	char *mtu_low[] = {"dev=tun0", "ifconfig_local=10.0.0.2", "ifconfig_remote=10.0.0.1",
			   "tun_mtu=575", NULL};
	char *mtu_text[] = {"dev=tun0", "ifconfig_local=10.0.0.2", "ifconfig_remote=10.0.0.1",
			    "tun_mtu=1500x", NULL};
	char *slash[] = {"dev=tun/0", "ifconfig_local=10.0.0.2", "ifconfig_remote=10.0.0.1", NULL};
	char *blank[] = {"dev=tun 0", "ifconfig_local=10.0.0.2", "ifconfig_remote=10.0.0.1", NULL};
	char *long_dev[] = {"dev=tun0123456789012", "ifconfig_local=10.0.0.2",
			    "ifconfig_remote=10.0.0.1", NULL};
	char *empty_dev[] = {"dev=", "ifconfig_local=10.0.0.2", "ifconfig_remote=10.0.0.1", NULL};
	char *ok15[] = {"dev=tun012345678901", "ifconfig_local=10.0.0.2",
			"ifconfig_remote=10.0.0.1", "tun_mtu=9000", NULL};
	char *mask32[] = {"dev=tun0", "ifconfig_local=10.0.0.2", "ifconfig_netmask=255.255.255.255",
			  NULL};

	(void)state;
	env_bad(none, "openvpn set neither ifconfig_local nor ifconfig_ipv6_local: the server "
		      "gave the tunnel no address; expected a server that pushes ifconfig or "
		      "ifconfig-ipv6 (topology subnet or net30)");
	env_bad(no_dev, "openvpn did not set dev; expected the tun device's name");
	env_bad(holes, "openvpn's ifconfig_netmask '255.0.255.0': expected a netmask of "
		       "contiguous ones, e.g. 255.255.255.0");
	env_bad(zero, "openvpn's ifconfig_netmask '0.0.0.0': expected a netmask of contiguous "
		      "ones, e.g. 255.255.255.0");
	env_bad(bad_local, "openvpn's ifconfig_local '10.0.0': expected an IPv4 address");
	env_bad(both, "openvpn set both ifconfig_netmask and ifconfig_remote; expected one "
		      "(subnet topology: a netmask; net30 and p2p: the remote end)");
	env_bad(neither, "openvpn set ifconfig_local but neither ifconfig_netmask nor "
			 "ifconfig_remote; expected one of them");
	env_bad(bits, "openvpn's ifconfig_ipv6_netbits '129': expected a prefix length, 1-128");
	env_bad(no_bits, "openvpn set ifconfig_ipv6_local but not ifconfig_ipv6_netbits; "
			 "expected both");
	env_bad(bad_v6, "openvpn's ifconfig_ipv6_local '10.0.0.2': expected an IPv6 address");
	env_bad(mtu_low, "openvpn's tun_mtu '575': expected an MTU, 576-9000");
	env_bad(mtu_text, "openvpn's tun_mtu '1500x': expected an MTU, 576-9000");
	env_bad(slash, "openvpn's dev 'tun/0': expected an interface name (1-15 printable "
		       "characters, no '/', ':' or white space)");
	env_bad(blank, "openvpn's dev 'tun 0': expected an interface name (1-15 printable "
		       "characters, no '/', ':' or white space)");
	env_bad(long_dev, "openvpn's dev 'tun0123456789012': expected an interface name (1-15 "
			  "printable characters, no '/', ':' or white space)");
	env_bad(empty_dev, "openvpn's dev '': expected an interface name (1-15 printable "
			   "characters, no '/', ':' or white space)");
	env_ok(ok15);
	assert_string_equal(dev, "tun012345678901");
	assert_int_equal(params.mtu, 9000);
	env_ok(mask32);
	check_prefix(&params.addresses[0], AF_INET, "10.0.0.2", 32);
	{
		struct sl_err err;
		char small[4];

		assert_int_equal(ovpn_env_read(ok15, &params, small, sizeof(small), &err), -1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(provider_config),
	    cmocka_unit_test(transports),
	    cmocka_unit_test(connection_blocks),
	    cmocka_unit_test(many_remotes),
	    cmocka_unit_test(devices),
	    cmocka_unit_test(server_configs),
	    cmocka_unit_test(notes),
	    cmocka_unit_test(many_notes),
	    cmocka_unit_test(credentials),
	    cmocka_unit_test(grammar),
	    cmocka_unit_test(grammar_errors),
	    cmocka_unit_test(line_limits),
	    cmocka_unit_test(size_limit),
	    cmocka_unit_test(env_subnet),
	    cmocka_unit_test(env_net30),
	    cmocka_unit_test(env_p2p),
	    cmocka_unit_test(env_ipv6_only),
	    cmocka_unit_test(env_dns_limits),
	    cmocka_unit_test(env_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
