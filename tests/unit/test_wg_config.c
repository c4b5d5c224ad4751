/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test_wg_config.c - unit tests of src/wg_config.c: a two-peer wg-quick file into the exact
 * UAPI request for wireguard-go; keys and sections in any case; IPv6 endpoints and addresses;
 * DNS servers and search domains; the keys sluice notes and does not apply; every refused
 * file with its exact message (file, line, key); no message showing a key; the limits.
 */
#define _GNU_SOURCE /* memmem */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wg_config.h"

/* Made with wg genkey / wg pubkey / wg genpsk; the hex is `base64 -d | xxd -p`. */
#define PRIV	 "ODRERyRpbZtDKfZ2wPP2UlSAJWl1kL9tB8xZXoag8Vc="
#define PRIV_HEX "3834444724696d9b4329f676c0f3f652548025697590bf6d07cc595e86a0f157"
#define PUB1	 "w0IIKL88gTo7sUa/2pGle7aYP1ZqLoPQgpYgYYBZlXg="
#define PUB1_HEX "c3420828bf3c813a3bb146bfda91a57bb6983f566a2e83d08296206180599578"
#define PSK	 "oDZzRbfUV0aUe8+Ql7XsYq2Nngj2Cqxo8g3++mi1pWY="
#define PSK_HEX	 "a0367345b7d45746947bcf9097b5ec62ad8d9e08f60aac68f20dfefa68b5a566"
#define PUB2	 "rYgYdbyqjD7jxFNi03eEefTWz3cOJhSEgsAIqiUA/RA="
#define PUB2_HEX "ad881875bcaa8c3ee3c45362d3778479f4d6cf770e26148482c008aa2500fd10"

/* Lines 1-3 and, after them, lines 4-6: the least a file needs. */
#define IFACE "[Interface]\nPrivateKey = " PRIV "\nAddress = 10.0.0.2/32\n"
#define PEER  "[Peer]\nPublicKey = " PUB1 "\nAllowedIPs = 0.0.0.0/0\n"

static struct wg_config config; /* 30 KiB: not on cmocka's stack */

static int parse(const char *text, struct sl_err *err)
{
	sl_err_clear(err);
	return wg_config_parse("wg0.conf", text, strlen(text), &config, err);
}

static void parse_ok(const char *text)
{
	struct sl_err err;

	if (parse(text, &err))
		fail_msg("refused: %s\n%s", err.msg, text);
}

static void key_equals_hex(const uint8_t key[WG_KEY_LEN], const char *hex)
{
	char text[2 * WG_KEY_LEN + 1];
	size_t i;

	for (i = 0; i < WG_KEY_LEN; i++)
		snprintf(text + 2 * i, 3, "%02x", key[i]);
	assert_string_equal(text, hex);
}

static void prefix_equals(const struct tunnel_prefix *prefix, const char *expected)
{
	char text[INET6_ADDRSTRLEN], both[INET6_ADDRSTRLEN + 8];

	assert_non_null(inet_ntop(prefix->family, prefix->addr, text, sizeof(text)));
	snprintf(both, sizeof(both), "%s/%u", text, prefix->prefix_len);
	assert_string_equal(both, expected);
}

static struct sockaddr_storage endpoint(const char *address, uint16_t port)
{
	struct sockaddr_storage ss;

	memset(&ss, 0, sizeof(ss));
	if (strchr(address, ':')) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		assert_int_equal(inet_pton(AF_INET6, address, &sin6->sin6_addr), 1);
	} else {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		assert_int_equal(inet_pton(AF_INET, address, &sin->sin_addr), 1);
	}
	return ss;
}

static const char two_peers[] = "# wg0, made by hand\n"
				"[Interface]\n"
				"PrivateKey = " PRIV "\n"
				"Address = 10.0.0.2/24, fd00::2/64\n"
				"Address=10.0.1.2\n"
				"DNS = 10.0.0.1,fd00::1 , corp.example\n"
				"MTU = 1420\n"
				"ListenPort = 51820\n"
				"\n"
				"[Peer]   # the gateway\n"
				"PublicKey = " PUB1 "\n"
				"PresharedKey = " PSK "\n"
				"AllowedIPs = 0.0.0.0/0, ::/0\n"
				"Endpoint = vpn.example.org:51820\n"
				"PersistentKeepalive = 25\n"
				"\n"
				"[Peer]\n"
				"PublicKey = " PUB2 "\n"
				"AllowedIPs = 192.168.7.0/24\n"
				"AllowedIPs = 192.168.8.1\n"
				"Endpoint = [2001:db8::7]:4500\n";

static void two_peers_into_uapi(void **state)
{
	struct sockaddr_storage endpoints[2];
	char buf[WG_UAPI_MAX];
	int len;

	(void)state;
	parse_ok(two_peers);
	key_equals_hex(config.private_key, PRIV_HEX);
	assert_true(config.has_listen_port);
	assert_int_equal(config.listen_port, 51820);
	assert_int_equal(config.tunnel.n_addresses, 3);
	prefix_equals(&config.tunnel.addresses[0], "10.0.0.2/24");
	prefix_equals(&config.tunnel.addresses[1], "fd00::2/64");
	prefix_equals(&config.tunnel.addresses[2], "10.0.1.2/32");
	assert_int_equal(config.tunnel.n_dns, 2);
	assert_int_equal(config.tunnel.dns[0].family, AF_INET);
	assert_int_equal(config.tunnel.dns[1].family, AF_INET6);
	assert_string_equal(config.dns_search, "corp.example");
	assert_int_equal(config.tunnel.mtu, 1420);
	assert_int_equal(config.tunnel.peer.family, 0);
	assert_int_equal(config.n_notes, 0);

	assert_int_equal(config.n_peers, 2);
	assert_int_equal(config.peers[0].line, 10);
	key_equals_hex(config.peers[0].public_key, PUB1_HEX);
	assert_true(config.peers[0].has_preshared_key);
	key_equals_hex(config.peers[0].preshared_key, PSK_HEX);
	assert_true(config.peers[0].has_endpoint);
	assert_string_equal(config.peers[0].endpoint_host, "vpn.example.org");
	assert_int_equal(config.peers[0].endpoint_port, 51820);
	assert_int_equal(config.peers[0].persistent_keepalive, 25);
	assert_int_equal(config.peers[0].n_allowed_ips, 2);
	prefix_equals(&config.peers[0].allowed_ips[1], "::/0");
	assert_int_equal(config.peers[1].line, 17);
	key_equals_hex(config.peers[1].public_key, PUB2_HEX);
	assert_false(config.peers[1].has_preshared_key);
	assert_string_equal(config.peers[1].endpoint_host, "2001:db8::7");
	assert_int_equal(config.peers[1].endpoint_port, 4500);
	assert_int_equal(config.peers[1].persistent_keepalive, 0);
	assert_int_equal(config.peers[1].n_allowed_ips, 2);

	/* The name resolved by the caller, with port 0: the file's port. */
	endpoints[0] = endpoint("192.0.2.10", 0);
	endpoints[1] = endpoint("2001:db8::7", 4500);
	len = wg_config_uapi(&config, endpoints, buf, sizeof(buf));
	assert_string_equal(buf, "set=1\n"
				 "private_key=" PRIV_HEX "\n"
				 "listen_port=51820\n"
				 "replace_peers=true\n"
				 "public_key=" PUB1_HEX "\n"
				 "preshared_key=" PSK_HEX "\n"
				 "endpoint=192.0.2.10:51820\n"
				 "persistent_keepalive_interval=25\n"
				 "replace_allowed_ips=true\n"
				 "allowed_ip=0.0.0.0/0\n"
				 "allowed_ip=::/0\n"
				 "public_key=" PUB2_HEX "\n"
				 "endpoint=[2001:db8::7]:4500\n"
				 "persistent_keepalive_interval=0\n"
				 "replace_allowed_ips=true\n"
				 "allowed_ip=192.168.7.0/24\n"
				 "allowed_ip=192.168.8.1/32\n"
				 "\n");
	assert_int_equal(len, (int)strlen(buf));
	assert_null(strstr(buf, PRIV));
}

static void uapi_without_endpoints_and_small_buffers(void **state)
{
	struct sockaddr_storage endpoints[2];
	char buf[WG_UAPI_MAX];
	int len, i;

	(void)state;
	parse_ok(IFACE "[Peer]\nPublicKey = " PUB1 "\nEndpoint = 192.0.2.1:51820\n");
	len = wg_config_uapi(&config, NULL, buf, sizeof(buf));
	assert_string_equal(buf, "set=1\nprivate_key=" PRIV_HEX "\nreplace_peers=true\n"
				 "public_key=" PUB1_HEX "\npersistent_keepalive_interval=0\n"
				 "replace_allowed_ips=true\n\n");
	memset(endpoints, 0, sizeof(endpoints));
	assert_int_equal(wg_config_uapi(&config, endpoints, buf, sizeof(buf)), len);

	/* Every buffer too short by 1 to all: -ENOSPC and nothing of the key left in it. */
	for (i = 0; i <= len; i++) {
		char small[512];

		memset(small, 'x', sizeof(small));
		assert_int_equal(wg_config_uapi(&config, NULL, small, (size_t)i), -ENOSPC);
		assert_null(memmem(small, (size_t)i, PRIV_HEX, 8));
		assert_null(memmem(small, (size_t)i, "set=1", 5));
	}
	assert_int_equal(wg_config_uapi(&config, NULL, buf, (size_t)len + 1), len);

	/* An endpoint of another family, or without any port. */
	endpoints[0].ss_family = AF_UNIX;
	assert_int_equal(wg_config_uapi(&config, endpoints, buf, sizeof(buf)), -EINVAL);
	endpoints[0] = endpoint("192.0.2.1", 0);
	config.peers[0].endpoint_port = 0;
	assert_int_equal(wg_config_uapi(&config, endpoints, buf, sizeof(buf)), -EINVAL);
}

static void keys_and_sections_in_any_case(void **state)
{
	(void)state;
	parse_ok("[INTERFACE]\nprivatekey=" PRIV "\naddress = 10.9.0.2\nlistenPORT = 0\n"
		 "dns = 9.9.9.9\nmtu = 1280\n"
		 "[peer]\nPUBLICKEY = " PUB1 "\npresharedkey = " PSK "\nallowedips = 10.9.0.0/16\n"
		 "ENDPOINT = Vpn.Example.ORG:1\npersistentkeepalive = OFF\n");
	key_equals_hex(config.private_key, PRIV_HEX);
	assert_true(config.has_listen_port);
	assert_int_equal(config.listen_port, 0);
	assert_int_equal(config.tunnel.mtu, 1280);
	key_equals_hex(config.peers[0].preshared_key, PSK_HEX);
	assert_string_equal(config.peers[0].endpoint_host, "Vpn.Example.ORG");
	assert_int_equal(config.peers[0].endpoint_port, 1);
	assert_int_equal(config.peers[0].persistent_keepalive, 0);
}

static void ipv6_endpoints_and_addresses(void **state)
{
	char buf[WG_UAPI_MAX];
	struct sockaddr_storage ss;

	(void)state;
	parse_ok("[Interface]\nPrivateKey = " PRIV "\nAddress = fd00:0:0::2, 2001:db8:0:1::2/64\n"
		 "MTU = 1280\nDNS = 2001:4860:4860::8888\n"
		 "[Peer]\nPublicKey = " PUB1 "\nAllowedIPs = ::/0, 2001:db8::/32\n"
		 "Endpoint = [::1]:65535\n");
	prefix_equals(&config.tunnel.addresses[0], "fd00::2/128");
	prefix_equals(&config.tunnel.addresses[1], "2001:db8:0:1::2/64");
	prefix_equals(&config.tunnel.dns[0], "2001:4860:4860::8888/0");
	assert_string_equal(config.peers[0].endpoint_host, "::1");
	assert_int_equal(config.peers[0].endpoint_port, 65535);
	ss = endpoint("::1", 65535);
	assert_true(wg_config_uapi(&config, &ss, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "\nendpoint=[::1]:65535\n"));
	assert_non_null(strstr(buf, "\nallowed_ip=::/0\nallowed_ip=2001:db8::/32\n\n"));
	/* An IPv4 endpoint by address, and an IPv4-mapped IPv6 one. */
	parse_ok(IFACE "[Peer]\nPublicKey = " PUB1 "\nEndpoint = 192.0.2.1:51820\n");
	assert_string_equal(config.peers[0].endpoint_host, "192.0.2.1");
	parse_ok(IFACE "[Peer]\nPublicKey = " PUB1 "\nEndpoint = [::ffff:192.0.2.1]:51820\n");
	assert_string_equal(config.peers[0].endpoint_host, "::ffff:192.0.2.1");
}

static void blanks_comments_and_lists(void **state)
{
	(void)state;
	/* CRLF, tabs, comments after values, blanks inside lists (wg-quick splits on them). */
	parse_ok("\t[Interface]\r\n  PrivateKey\t=\t" PRIV "   # mine\r\n"
		 "Address = 10.0.0.2/32 10.0.0.3/32,10.0.0.4/32 ,  10.0.0.5/32\r\n"
		 "DNS = 1.1.1.1 one.example, two.example\r\nDNS = 8.8.8.8\r\nDNS =\r\n"
		 "# [Peer] in a comment\r\n[Peer]\r\nPublicKey=" PUB1 "\r\nAllowedIPs =\r\n"
		 "AllowedIPs = 10.1.0.0/16,10.2.0.0/16 # two\r\n"
		 "Endpoint = host-1.example:123");
	assert_int_equal(config.tunnel.n_addresses, 4);
	prefix_equals(&config.tunnel.addresses[3], "10.0.0.5/32");
	assert_int_equal(config.tunnel.n_dns, 2);
	prefix_equals(&config.tunnel.dns[1], "8.8.8.8/0");
	assert_string_equal(config.dns_search, "one.example two.example");
	assert_int_equal(config.peers[0].n_allowed_ips, 2);
	prefix_equals(&config.peers[0].allowed_ips[1], "10.2.0.0/16");
	assert_string_equal(config.peers[0].endpoint_host, "host-1.example");
	assert_int_equal(config.peers[0].endpoint_port, 123);
}

static void unapplied_keys_are_noted(void **state)
{
	char text[4096];
	int i, n;

	(void)state;
	parse_ok("[Interface]\nPrivateKey = " PRIV "\nAddress = 10.0.0.2\n"
		 "PostUp = iptables -A FORWARD -i %i -j ACCEPT; ip6tables -A FORWARD -i %i\n"
		 "postdown = iptables -D FORWARD -i %i -j ACCEPT\n"
		 "PreUp = true\nPreDown = true\nTable = off\nFwMark = 0x1234\nSaveConfig = true\n"
		 "PostUp = second\n" PEER);
	assert_int_equal(config.n_notes, 8);
	assert_int_equal(config.n_notes_dropped, 0);
	assert_int_equal(config.notes[0].line, 4);
	assert_string_equal(config.notes[0].key, "PostUp");
	assert_non_null(strstr(config.notes[0].why, "is not run by sluice"));
	assert_int_equal(config.notes[1].line, 5);
	assert_string_equal(config.notes[1].key, "PostDown"); /* the canonical spelling */
	assert_string_equal(config.notes[4].key, "Table");
	assert_string_equal(config.notes[5].key, "FwMark");
	assert_string_equal(config.notes[6].key, "SaveConfig");
	assert_int_equal(config.notes[7].line, 11);
	for (i = 0; i < 8; i++)
		assert_true(strlen(config.notes[i].why) > 20);

	/* More than WG_MAX_NOTES: the first kept, the rest counted. */
	n = snprintf(text, sizeof(text), IFACE);
	for (i = 0; i < WG_MAX_NOTES + 3; i++)
		n += snprintf(text + n, sizeof(text) - (size_t)n, "PostUp = echo %d\n", i);
	snprintf(text + n, sizeof(text) - (size_t)n, PEER);
	parse_ok(text);
	assert_int_equal(config.n_notes, WG_MAX_NOTES);
	assert_int_equal(config.n_notes_dropped, 3);
	assert_int_equal(config.notes[WG_MAX_NOTES - 1].line, 3 + WG_MAX_NOTES);
}

#define KEY_USAGE                                                                                  \
	"expected 44 base64 characters ending in '=', as wg genkey, wg pubkey and wg genpsk print"
#define ENDPOINT_USAGE                                                                             \
	"expected HOST:PORT, e.g. vpn.example.org:51820, 192.0.2.1:51820 or [2001:db8::1]:51820"

static const struct {
	const char *text;
	const char *message;
} bad[] = {
    /* The file's shape. */
    {"", "wg0.conf: no [Interface] section; expected [Interface] with PrivateKey and Address, "
	 "then a [Peer] with PublicKey, AllowedIPs and Endpoint"},
    {PEER, "wg0.conf: no [Interface] section; expected [Interface] with PrivateKey and Address, "
	   "then a [Peer] with PublicKey, AllowedIPs and Endpoint"},
    {IFACE, "wg0.conf: no [Peer] section; expected at least one, with PublicKey, AllowedIPs and "
	    "Endpoint"},
    {"Address = 10.0.0.2\n" IFACE PEER,
     "wg0.conf:1: Address before any section; expected [Interface] or [Peer] first"},
    {IFACE "[Interface]\n" PEER,
     "wg0.conf:4: a second [Interface] (the first is at line 1); expected one"},
    {IFACE "[Peers]\n" PEER,
     "wg0.conf:4: unknown section '[Peers]'; expected [Interface] or [Peer]"},
    {IFACE "[ Peer ]\n", "wg0.conf:4: unknown section '[ Peer ]'; expected [Interface] or [Peer]"},
    {IFACE "[Peer\n", "wg0.conf:4: '[Peer': expected a section header, [Interface] or [Peer]"},
    {IFACE "[Peer] x\n", "wg0.conf:4: '[Peer] x': expected a section header, [Interface] or "
			 "[Peer]"},
    {IFACE "Jc = 4\n" PEER, "wg0.conf:4: unknown key Jc in [Interface]; expected PrivateKey, "
			    "Address, DNS, MTU, ListenPort (or wg-quick's PreUp, PostUp, PreDown, "
			    "PostDown, Table, SaveConfig, FwMark)"},
    {IFACE PEER "Jc = 4\n", "wg0.conf:7: unknown key Jc in [Peer]; expected PublicKey, "
			    "PresharedKey, AllowedIPs, Endpoint or PersistentKeepalive"},
    {"Jc = 4\n", "wg0.conf:1: unknown key Jc before any section; expected [Interface] first"},
    {IFACE PEER "Private Key = x\n", "wg0.conf:7: expected KEY = VALUE with a key of wg-quick's, "
				     "e.g. Address = 10.0.0.2/32"},
    {IFACE PEER "AllowedIPs\n", "wg0.conf:7: expected KEY = VALUE, a [Section] header, a # "
				"comment or a blank line"},
    {IFACE PEER "= 10.0.0.0/8\n", "wg0.conf:7: expected KEY = VALUE with a key of wg-quick's, "
				  "e.g. Address = 10.0.0.2/32"},
    {"[Interface]\nAddress = 10.0.0.2\n" PEER,
     "wg0.conf:1: [Interface] has no PrivateKey; expected PrivateKey = your private key (" KEY_USAGE
     ")"},
    {"[Interface]\nPrivateKey = " PRIV "\n" PEER,
     "wg0.conf:1: [Interface] has no Address; sluice gives the tunnel device these addresses, "
     "expected e.g. Address = 10.0.0.2/32"},
    {IFACE "[Peer]\nAllowedIPs = 0.0.0.0/0\n" PEER,
     "wg0.conf:4: [Peer] has no PublicKey; expected PublicKey = the peer's public key (" KEY_USAGE
     ")"},
    {IFACE PEER "[Peer]\n", "wg0.conf:7: [Peer] has no PublicKey; expected PublicKey = the peer's "
			    "public key (" KEY_USAGE ")"},
    {IFACE PEER "[Peer]\nPublicKey = " PUB1 "\n",
     "wg0.conf:8: PublicKey: the same as the peer's at line 4; each [Peer] needs its own key"},
    /* Keys in the wrong section. */
    {IFACE "PublicKey = " PUB1 "\n" PEER, "wg0.conf:4: PublicKey belongs in [Peer], not in "
					  "[Interface]"},
    {IFACE PEER "Address = 10.0.0.3\n",
     "wg0.conf:7: Address belongs in [Interface], not in [Peer]"},
    {IFACE PEER "PostUp = true\n", "wg0.conf:7: PostUp belongs in [Interface], not in [Peer]"},
    /* Single-valued keys given twice. */
    {IFACE "PrivateKey = " PRIV "\n" PEER,
     "wg0.conf:4: a second PrivateKey in this section (the first is at line 2); expected one"},
    {IFACE "ListenPort = 1\nlistenport = 1\n" PEER,
     "wg0.conf:5: a second ListenPort in this section (the first is at line 4); expected one"},
    {IFACE "MTU = 1400\nMTU = 1400\n" PEER,
     "wg0.conf:5: a second MTU in this section (the first is at line 4); expected one"},
    {IFACE PEER "PublicKey = " PUB2 "\n",
     "wg0.conf:7: a second PublicKey in this section (the first is at line 5); expected one"},
    {IFACE PEER "PresharedKey = " PSK "\nPresharedKey = " PSK "\n",
     "wg0.conf:8: a second PresharedKey in this section (the first is at line 7); expected one"},
    {IFACE PEER "Endpoint = a:1\nEndpoint = b:1\n",
     "wg0.conf:8: a second Endpoint in this section (the first is at line 7); expected one"},
    {IFACE PEER "PersistentKeepalive = 1\nPersistentKeepalive = 1\n",
     "wg0.conf:8: a second PersistentKeepalive in this section (the first is at line 7); "
     "expected one"},
    /* Keys. */
    {"[Interface]\nPrivateKey = ODRERyRpbZtDKfZ2wPP2UlSAJWl1kL9tB8xZXoag8Vc\n",
     "wg0.conf:2: PrivateKey: " KEY_USAGE " (a value of 43 characters)"},
    {"[Interface]\nPrivateKey = ODRERyRpbZtDKfZ2wPP2UlSAJWl1kL9tB8xZXoag8Vc==\n",
     "wg0.conf:2: PrivateKey: " KEY_USAGE " (a value of 45 characters)"},
    {"[Interface]\nPrivateKey = ODRERyRpbZtDKfZ2wPP2UlSAJWl1kL9tB8xZXoag8V!=\n",
     "wg0.conf:2: PrivateKey: " KEY_USAGE " (a value of 44 characters)"},
    {"[Interface]\nPrivateKey = ODRERyRpbZtDKfZ2wPP2UlSAJWl1kL9tB8xZXoag8Vd=\n",
     "wg0.conf:2: PrivateKey: " KEY_USAGE " (a value of 44 characters)"}, /* bits beyond 256 */
    {"[Interface]\nPrivateKey = ODRERyRpbZtDKfZ2wPP2UlSAJWl1kL9tB8xZXoag8Vc-\n",
     "wg0.conf:2: PrivateKey: " KEY_USAGE " (a value of 44 characters)"},
    {"[Interface]\nPrivateKey = ODRERyRpbZtDKfZ2wPP2UlSAJWl1kL9tB8xZXo_g8Vc=\n",
     "wg0.conf:2: PrivateKey: " KEY_USAGE " (a value of 44 characters)"}, /* base64url */
    {"[Interface]\nPrivateKey =\n", "wg0.conf:2: PrivateKey: " KEY_USAGE " (a value of 0 "
				    "characters)"},
    {IFACE "[Peer]\nPublicKey = 3834444724696d9b4329f676c0f3f652\n",
     "wg0.conf:5: PublicKey: " KEY_USAGE " (a value of 32 characters)"},
    {IFACE PEER "PresharedKey = " PSK "x\n",
     "wg0.conf:7: PresharedKey: " KEY_USAGE " (a value of 45 characters)"},
    /* Numbers. */
    {IFACE "ListenPort = 65536\n" PEER, "wg0.conf:4: ListenPort '65536': expected a number from 0 "
					"to 65535"},
    {IFACE "ListenPort = -1\n" PEER, "wg0.conf:4: ListenPort '-1': expected a number from 0 to "
				     "65535"},
    {IFACE "ListenPort = 0x10\n" PEER, "wg0.conf:4: ListenPort '0x10': expected a number from 0 "
				       "to 65535"},
    {IFACE "MTU = 575\n" PEER, "wg0.conf:4: MTU '575': expected a number from 576 to 9000"},
    {IFACE "MTU = 9001\n" PEER, "wg0.conf:4: MTU '9001': expected a number from 576 to 9000"},
    {IFACE "MTU = 99999999999\n" PEER, "wg0.conf:4: MTU '99999999999': expected a number from "
				       "576 to 9000"},
    {IFACE "MTU = 1 420\n" PEER, "wg0.conf:4: MTU '1 420': expected a number from 576 to 9000"},
    {IFACE "MTU = 1200\nAddress = fd00::2/64\n" PEER,
     "wg0.conf:4: MTU 1200 with an IPv6 Address; IPv6 needs an MTU of 1280 or more"},
    {IFACE PEER "PersistentKeepalive = 65536\n",
     "wg0.conf:7: PersistentKeepalive '65536': expected seconds from 0 to 65535, or off"},
    {IFACE PEER "PersistentKeepalive = on\n",
     "wg0.conf:7: PersistentKeepalive 'on': expected seconds from 0 to 65535, or off"},
    /* Address. */
    {"[Interface]\nPrivateKey = " PRIV "\nAddress = 10.0.0.256\n" PEER,
     "wg0.conf:3: Address '10.0.0.256': expected an IPv4 or IPv6 address with an optional "
     "/PREFIX, e.g. 10.0.0.2/32 or fd00::2/128"},
    {IFACE "Address = 10.0.0.2/33\n" PEER,
     "wg0.conf:4: Address '10.0.0.2/33': expected an IPv4 or IPv6 address with an optional "
     "/PREFIX, e.g. 10.0.0.2/32 or fd00::2/128"},
    {IFACE "Address = fd00::2/129\n" PEER,
     "wg0.conf:4: Address 'fd00::2/129': expected an IPv4 or IPv6 address with an optional "
     "/PREFIX, e.g. 10.0.0.2/32 or fd00::2/128"},
    {IFACE "Address = 10.0.0.3/\n" PEER,
     "wg0.conf:4: Address '10.0.0.3/': expected an IPv4 or IPv6 address with an optional "
     "/PREFIX, e.g. 10.0.0.2/32 or fd00::2/128"},
    {IFACE "Address = 10.0.0.3/+8\n" PEER,
     "wg0.conf:4: Address '10.0.0.3/+8': expected an IPv4 or IPv6 address with an optional "
     "/PREFIX, e.g. 10.0.0.2/32 or fd00::2/128"},
    {IFACE "Address = vpn.example\n" PEER,
     "wg0.conf:4: Address 'vpn.example': expected an IPv4 or IPv6 address with an optional "
     "/PREFIX, e.g. 10.0.0.2/32 or fd00::2/128"},
    {IFACE "Address = 10.0.0.3,,10.0.0.4\n" PEER,
     "wg0.conf:4: Address: an empty item; expected addresses separated by commas, e.g. "
     "10.0.0.2/32, fd00::2/128"},
    {IFACE "Address = 10.0.0.3,\n" PEER,
     "wg0.conf:4: Address: an empty item; expected addresses separated by commas, e.g. "
     "10.0.0.2/32, fd00::2/128"},
    {IFACE "Address = 10.0.0.3, 10.0.0.4, 10.0.0.5, 10.0.0.6\n"
	   "Address = 10.0.0.7, 10.0.0.8, 10.0.0.9, 10.0.0.10\n" PEER,
     "wg0.conf:5: Address: more than 8 addresses; sluice takes at most 8"},
    /* DNS. */
    {IFACE "DNS = 10.0.0.256\n" PEER, "wg0.conf:4: DNS '10.0.0.256': expected an IPv4 or IPv6 "
				      "address (or a search domain name)"},
    {IFACE "DNS = 10.0.0.1/32\n" PEER, "wg0.conf:4: DNS '10.0.0.1/32': expected an IP address or "
				       "a search domain (letters, digits, '-' and '.')"},
    {IFACE "DNS = fd00::1/128\n" PEER, "wg0.conf:4: DNS 'fd00::1/128': expected an IPv4 or IPv6 "
				       "address (or a search domain name)"},
    {IFACE "DNS = -corp.example\n" PEER, "wg0.conf:4: DNS '-corp.example': expected an IP address "
					 "or a search domain (letters, digits, '-' and '.')"},
    {IFACE "DNS = a..example\n" PEER, "wg0.conf:4: DNS 'a..example': expected an IP address or a "
				      "search domain (letters, digits, '-' and '.')"},
    {IFACE "DNS = x;rm\n" PEER, "wg0.conf:4: DNS 'x;rm': expected an IP address or a search domain "
				"(letters, digits, '-' and '.')"},
    {IFACE "DNS = 1.1.1.1,\n" PEER,
     "wg0.conf:4: DNS: an empty item; expected IP addresses or "
     "search domains separated by commas, e.g. 10.0.0.1, example.org"},
    {IFACE "DNS = 1.1.1.1, 1.0.0.1, 8.8.8.8\nDNS = 8.8.4.4, 9.9.9.9\n" PEER,
     "wg0.conf:5: DNS: more than 4 servers; sluice takes at most 4"},
    /* AllowedIPs. */
    {IFACE PEER "AllowedIPs = 10.0.0.0/8 192.168.0.0/16\n",
     "wg0.conf:7: AllowedIPs '10.0.0.0/8 192.168.0.0/16': expected an IPv4 or IPv6 prefix, "
     "e.g. 0.0.0.0/0 or fd00::/64"},
    {IFACE PEER "AllowedIPs = 10.0.0.0/40\n", "wg0.conf:7: AllowedIPs '10.0.0.0/40': expected an "
					      "IPv4 or IPv6 prefix, e.g. 0.0.0.0/0 or fd00::/64"},
    {IFACE PEER "AllowedIPs = ,10.0.0.0/8\n", "wg0.conf:7: AllowedIPs: an empty item; expected "
					      "prefixes separated by commas, e.g. 0.0.0.0/0, ::/0"},
    /* Endpoint. */
    {IFACE PEER "Endpoint = vpn.example.org\n",
     "wg0.conf:7: Endpoint 'vpn.example.org': " ENDPOINT_USAGE},
    {IFACE PEER "Endpoint =\n", "wg0.conf:7: Endpoint '': " ENDPOINT_USAGE},
    {IFACE PEER "Endpoint = :51820\n", "wg0.conf:7: Endpoint ':51820': '' is not a host name or "
				       "an IPv4 address; " ENDPOINT_USAGE},
    {IFACE PEER "Endpoint = vpn.example.org:0\n",
     "wg0.conf:7: Endpoint 'vpn.example.org:0': the port '0' is not 1-65535; " ENDPOINT_USAGE},
    {IFACE PEER "Endpoint = vpn.example.org:65536\n",
     "wg0.conf:7: Endpoint 'vpn.example.org:65536': the port '65536' is not "
     "1-65535; " ENDPOINT_USAGE},
    {IFACE PEER "Endpoint = vpn.example.org:https\n",
     "wg0.conf:7: Endpoint 'vpn.example.org:https': the port 'https' is not "
     "1-65535; " ENDPOINT_USAGE},
    {IFACE PEER "Endpoint = fd00::1:51820\n", "wg0.conf:7: Endpoint 'fd00::1:51820': an IPv6 "
					      "address goes in brackets, e.g. [2001:db8::1]:51820"},
    {IFACE PEER "Endpoint = [fd00::1]\n", "wg0.conf:7: Endpoint '[fd00::1]': " ENDPOINT_USAGE},
    {IFACE PEER "Endpoint = [fd00::1]51820\n",
     "wg0.conf:7: Endpoint '[fd00::1]51820': " ENDPOINT_USAGE},
    {IFACE PEER "Endpoint = [fd00::g]:1\n", "wg0.conf:7: Endpoint '[fd00::g]:1': 'fd00::g' is not "
					    "an IPv6 address; " ENDPOINT_USAGE},
    {IFACE PEER "Endpoint = [vpn.example]:1\n",
     "wg0.conf:7: Endpoint '[vpn.example]:1': "
     "'vpn.example' is not an IPv6 address; " ENDPOINT_USAGE},
    {IFACE PEER "Endpoint = 300.1.1.1:1\n", "wg0.conf:7: Endpoint '300.1.1.1:1': '300.1.1.1' is "
					    "not a host name or an IPv4 address; " ENDPOINT_USAGE},
    {IFACE PEER "Endpoint = vpn example:1\n",
     "wg0.conf:7: Endpoint 'vpn example:1': 'vpn "
     "example' is not a host name or an IPv4 address; " ENDPOINT_USAGE},
    {IFACE PEER "Endpoint = v\xc3\xa9.example:1\n", "wg0.conf:7: Endpoint 'v??.example:1': "
						    "'v??.example' is not a host name or an IPv4 "
						    "address; " ENDPOINT_USAGE},
};

static void refused_files(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sl_err err;

		if (parse(bad[i].text, &err) == 0)
			fail_msg("accepted:\n%s", bad[i].text);
		if (strcmp(err.msg, bad[i].message))
			fail_msg("for:\n%s\ngot:      %s\nexpected: %s", bad[i].text, err.msg,
				 bad[i].message);
	}
}

/* A refused file leaves no key material in @config, whatever it had read before the error. */
static void refused_file_wipes_the_config(void **state)
{
	static const uint8_t zero[sizeof(config)];
	struct sl_err err;

	(void)state;
	assert_int_equal(parse(IFACE "PresharedKey = " PSK "\n" PEER, &err), -1);
	assert_memory_equal(&config, zero, sizeof(config));
	assert_int_equal(parse(IFACE "[Peer]\nPublicKey = " PUB1 "\nPresharedKey = " PSK
				     "\nEndpoint = x\n",
			       &err),
			 -1);
	assert_memory_equal(&config, zero, sizeof(config));
	parse_ok(IFACE PEER);
	wg_config_wipe(&config);
	assert_memory_equal(&config, zero, sizeof(config));
}

/* No 12 characters of @key in a row appear in @msg. */
static void shows_nothing_of(const char *msg, const char *key, const char *text)
{
	size_t i;

	for (i = 0; i + 12 <= strlen(key); i++)
		if (memmem(msg, strlen(msg), key + i, 12))
			fail_msg("the message shows part of a key: %s\nfor:\n%s", msg, text);
}

static void no_message_shows_a_key(void **state)
{
	static const char *const texts[] = {
	    "PrivateKey = " PRIV "\n" IFACE PEER,
	    "[Interface]\nPrivateKey = " PRIV "x\n",
	    "[Interface]\nPrivateKey = x" PRIV "\n",
	    "[Interface]\nPrivateKey = " PRIV " " PRIV "\n",
	    "[Interface]\nPrivateKey = " PRIV "\nPrivateKey = " PRIV "\n",
	    "[Interface]\n" PRIV "\n",
	    "[Interface]\nPrivateKey " PRIV "\n",
	    "[Interface]\nPrivateKey: " PRIV "\n",
	    "[Interface]\n\"PrivateKey\" = " PRIV "\n",
	    "[Interface]\nPrivKey = " PRIV "\n",
	    "[" PRIV "]\n",
	    "[Interface]\nAddress = " PRIV "\n",
	    "[Interface]\nAddress = 10.0.0.2," PRIV "\n",
	    "[Interface]\nDNS = " PRIV "\n",
	    "[Interface]\nMTU = " PRIV "\n",
	    "[Interface]\nListenPort = " PRIV "\n",
	    IFACE "[Peer]\nPublicKey = " PRIV "\nPublicKey = " PRIV "\n",
	    IFACE "[Peer]\nPresharedKey = " PSK "\nPresharedKey = " PSK "\n",
	    IFACE "[Peer]\nPrivateKey = " PRIV "\n",
	    IFACE PEER "Endpoint = " PRIV "\n",
	    IFACE PEER "Endpoint = " PRIV ":51820\n",
	    IFACE PEER "Endpoint = [" PRIV "]:51820\n",
	    IFACE PEER "Endpoint = host:" PRIV "\n",
	    IFACE PEER "AllowedIPs = " PRIV "\n",
	    IFACE PEER "PersistentKeepalive = " PSK "\n",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct sl_err err;

		if (parse(texts[i], &err) == 0)
			fail_msg("accepted:\n%s", texts[i]);
		assert_non_null(strstr(err.msg, "wg0.conf:"));
		shows_nothing_of(err.msg, PRIV, texts[i]);
		shows_nothing_of(err.msg, PSK, texts[i]);
	}
}

/* The limits: exactly the most is taken, one more is refused with a message saying so. */
static void limits(void **state)
{
	static char text[WG_CONFIG_MAX_BYTES + 2];
	static const char *const pubs[] = {PUB1, PUB2};
	char buf[WG_UAPI_MAX];
	struct sl_err err;
	size_t n, i, j;
	int len;

	(void)state;
	/* WG_MAX_PEERS peers with WG_MAX_ALLOWED_IPS IPv6 prefixes each: the longest request. */
	n = (size_t)snprintf(text, sizeof(text), "%s", IFACE "ListenPort = 65535\n");
	for (i = 0; i < WG_MAX_PEERS; i++) {
		/* Distinct keys: PUB1 or PUB2 with its first character changed. */
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "[Peer]\nPublicKey = %c%s\nPresharedKey = " PSK
				      "\nPersistentKeepalive = 65535\n",
				      "ABCDEFGHIJKLMNOP"[i / 2], pubs[i % 2] + 1);
		for (j = 0; j < WG_MAX_ALLOWED_IPS; j++)
			n +=
			    (size_t)snprintf(text + n, sizeof(text) - n,
					     "AllowedIPs=ffff:ffff:ffff:ffff:ffff:%04zx:%04zx:ff00/"
					     "120\n",
					     i, j);
	}
	assert_true(n <= WG_CONFIG_MAX_BYTES);
	if (wg_config_parse("wg0.conf", text, n, &config, &err))
		fail_msg("%s", err.msg);
	{
		struct sockaddr_storage endpoints[WG_MAX_PEERS];

		for (i = 0; i < WG_MAX_PEERS; i++)
			endpoints[i] = endpoint("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", 65535);
		len = wg_config_uapi(&config, endpoints, buf, sizeof(buf));
		assert_true(len > 0 && len < WG_UAPI_MAX);
	}

	/* One peer more. */
	snprintf(text + n, sizeof(text) - n, "[Peer]\nPublicKey = " PUB1 "\n");
	assert_int_equal(parse(text, &err), -1);
	snprintf(buf, sizeof(buf),
		 "wg0.conf:%zu: more than 16 [Peer] sections; sluice takes at most "
		 "16",
		 4 + (size_t)WG_MAX_PEERS * (4 + WG_MAX_ALLOWED_IPS) + 1);
	assert_string_equal(err.msg, buf);

	/* One prefix more for a peer. */
	n = (size_t)snprintf(text, sizeof(text), IFACE PEER);
	for (j = 0; j < WG_MAX_ALLOWED_IPS; j++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s10.0.%zu.0/24",
				      j ? ", " : "AllowedIPs = ", j);
	assert_int_equal(parse(text, &err), -1);
	assert_string_equal(err.msg, "wg0.conf:7: AllowedIPs: more than 64 prefixes for one peer; "
				     "sluice takes at most 64");

	/* Search domains: WG_DNS_SEARCH_MAX characters together (3 * 71 + 43), then one more. */
	n = (size_t)snprintf(text, sizeof(text), IFACE "DNS = ");
	for (j = 0; j < 3; j++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%c%061d.example, ", 'a' + (int)j,
				      0);
	n += (size_t)snprintf(text + n, sizeof(text) - n, "d%034d.example\n", 0);
	snprintf(text + n, sizeof(text) - n, PEER);
	parse_ok(text);
	assert_int_equal(strlen(config.dns_search), WG_DNS_SEARCH_MAX);
	snprintf(text + n, sizeof(text) - n, "DNS = e\n" PEER);
	assert_int_equal(parse(text, &err), -1);
	assert_string_equal(err.msg, "wg0.conf:5: DNS: search domains longer than 256 characters "
				     "together; expected fewer");

	/* A line of WG_CONFIG_MAX_LINE characters, then one more. */
	memset(text, 0, sizeof(text));
	n = (size_t)snprintf(text, sizeof(text), IFACE PEER "# ");
	memset(text + n, 'x', WG_CONFIG_MAX_LINE - 2);
	strcat(text, "\n");
	parse_ok(text);
	text[strlen(text) - 1] = 'x';
	assert_int_equal(parse(text, &err), -1);
	assert_string_equal(err.msg,
			    "wg0.conf:7: a line of 4097 characters; expected at most 4096");

	/* A file of WG_CONFIG_MAX_BYTES, then one more byte. */
	n = (size_t)snprintf(text, sizeof(text), IFACE PEER);
	memset(text + n, '\n', WG_CONFIG_MAX_BYTES - n);
	assert_int_equal(wg_config_parse("wg0.conf", text, WG_CONFIG_MAX_BYTES, &config, &err), 0);
	assert_int_equal(wg_config_parse("wg0.conf", text, WG_CONFIG_MAX_BYTES + 1, &config, &err),
			 -1);
	assert_string_equal(err.msg, "wg0.conf: 65537 bytes; a WireGuard configuration is at most "
				     "65536");

	/* A NUL byte, in a comment or anywhere. */
	n = (size_t)snprintf(text, sizeof(text), IFACE PEER "# a\n");
	text[n - 2] = '\0';
	assert_int_equal(wg_config_parse("wg0.conf", text, n, &config, &err), -1);
	assert_string_equal(err.msg, "wg0.conf:7: a NUL byte; expected a text file");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(two_peers_into_uapi),
	    cmocka_unit_test(uapi_without_endpoints_and_small_buffers),
	    cmocka_unit_test(keys_and_sections_in_any_case),
	    cmocka_unit_test(ipv6_endpoints_and_addresses),
	    cmocka_unit_test(blanks_comments_and_lists),
	    cmocka_unit_test(unapplied_keys_are_noted),
	    cmocka_unit_test(refused_files),
	    cmocka_unit_test(refused_file_wipes_the_config),
	    cmocka_unit_test(no_message_shows_a_key),
	    cmocka_unit_test(limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
