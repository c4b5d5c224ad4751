/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * fuzz_wg_config.c - feeds bytes to wg_config_parse() as a wg-quick file.  On failure the
 * message is a terminated string that starts with "FILE:" and quotes no run of 40 base64
 * characters (a key's 43); on success the limits hold and wg_config_uapi() with every
 * endpoint unresolved fits in 64 KiB, ends with an empty line, and shows no key in base64.
 */
#include <assert.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_targets.h"
#include "wg_config.h"

static void key_to_base64(const uint8_t key[WG_KEY_LEN], char out[WG_KEY_BASE64_LEN + 1])
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, o = 0;

	for (i = 0; i < WG_KEY_LEN; i += 3) {
		uint32_t v = (uint32_t)key[i] << 16;

		if (i + 1 < WG_KEY_LEN)
			v |= (uint32_t)key[i + 1] << 8;
		if (i + 2 < WG_KEY_LEN)
			v |= key[i + 2];
		out[o++] = alphabet[(v >> 18) & 63];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = alphabet[(v >> 6) & 63];
		out[o++] = alphabet[v & 63];
	}
	out[WG_KEY_BASE64_LEN - 1] = '='; /* 32 bytes: 43 characters and one pad */
	out[WG_KEY_BASE64_LEN] = '\0';
}

static int is_base64(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '/';
}

static void shows_no_key(const char *text)
{
	size_t i, run = 0;

	for (i = 0; text[i]; i++) {
		run = is_base64(text[i]) ? run + 1 : 0;
		assert(run < 40);
	}
}

/* No line of the request is NAME=<a key in base64>. */
static void no_base64_key_line(const char *uapi)
{
	const char *line = uapi, *end;

	for (; (end = strchr(line, '\n')); line = end + 1) {
		const char *equals = memchr(line, '=', (size_t)(end - line));
		size_t i, n;

		if (!equals)
			continue;
		n = (size_t)(end - equals - 1);
		if (n != WG_KEY_BASE64_LEN || equals[n] != '=')
			continue;
		for (i = 1; i < n && is_base64(equals[i]); i++)
			;
		assert(i < n); /* 43 base64 characters and '=': a key */
	}
}

static void check_prefix(const struct tunnel_prefix *prefix)
{
	assert(prefix->family == AF_INET || prefix->family == AF_INET6);
	assert(prefix->prefix_len <= (prefix->family == AF_INET ? 32 : 128));
}

int fuzz_wg_config(const uint8_t *data, size_t size)
{
	static struct wg_config config;
	static char uapi[65536];
	char b64[WG_KEY_BASE64_LEN + 1];
	struct sl_err err;
	size_t i, j;
	int len;

	sl_err_clear(&err);
	if (wg_config_parse("f.conf", (const char *)data, size, &config, &err)) {
		static const struct wg_config zero;

		assert(memchr(err.msg, '\0', sizeof(err.msg)));
		assert(!strncmp(err.msg, "f.conf:", 7));
		shows_no_key(err.msg);
		assert(!memcmp(&config, &zero, sizeof(config)));
		return 0;
	}
	assert(config.n_peers >= 1 && config.n_peers <= WG_MAX_PEERS);
	assert(config.tunnel.n_addresses >= 1 && config.tunnel.n_addresses <= TUNNEL_MAX_ADDRESSES);
	assert(config.tunnel.n_dns <= TUNNEL_MAX_DNS);
	assert(config.tunnel.mtu == 0 ||
	       (config.tunnel.mtu >= TUNNEL_MTU_MIN && config.tunnel.mtu <= TUNNEL_MTU_MAX));
	assert(strlen(config.dns_search) <= WG_DNS_SEARCH_MAX);
	assert(config.n_notes <= WG_MAX_NOTES);
	for (i = 0; i < config.tunnel.n_addresses; i++)
		check_prefix(&config.tunnel.addresses[i]);
	for (i = 0; i < config.n_peers; i++) {
		const struct wg_peer *peer = &config.peers[i];

		assert(peer->n_allowed_ips <= WG_MAX_ALLOWED_IPS);
		for (j = 0; j < peer->n_allowed_ips; j++)
			check_prefix(&peer->allowed_ips[j]);
		assert(peer->persistent_keepalive <= 65535);
		if (peer->has_endpoint) {
			assert(peer->endpoint_port >= 1);
			assert(peer->endpoint_host[0] != '\0');
			assert(strlen(peer->endpoint_host) <= WG_HOST_MAX);
		}
	}

	len = wg_config_uapi(&config, NULL, uapi, sizeof(uapi));
	assert(len > 0 && (size_t)len < sizeof(uapi) && (size_t)len == strlen(uapi));
	assert(!strncmp(uapi, "set=1\n", 6));
	assert(len >= 2 && uapi[len - 1] == '\n' && uapi[len - 2] == '\n');
	assert(!strstr(uapi, "\n\n") || strstr(uapi, "\n\n") == uapi + len - 2);
	no_base64_key_line(uapi);
	key_to_base64(config.private_key, b64);
	assert(!strstr(uapi, b64));
	for (i = 0; i < config.n_peers; i++) {
		key_to_base64(config.peers[i].public_key, b64);
		assert(!strstr(uapi, b64));
		key_to_base64(config.peers[i].preshared_key, b64);
		assert(!strstr(uapi, b64));
	}
	wg_config_wipe(&config);
	return 0;
}
