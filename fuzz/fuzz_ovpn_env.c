/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * fuzz_ovpn_env.c - feeds an environment to ovpn_env_read(): the bytes split at '\n' into
 * "NAME=VALUE" strings (at most 64).  On success: a device name that is a valid interface
 * name, 1-8 addresses with prefix lengths of their family, DNS servers within the limit, an
 * MTU of 0 or within the bounds.  On failure nothing is left in the result.
 */
#include <assert.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fuzz_targets.h"
#include "ovpn_config.h"

#define ENV_MAX	 64
#define TEXT_MAX 8192

int fuzz_ovpn_env(const uint8_t *data, size_t size)
{
	static char text[TEXT_MAX + 1];
	char *envp[ENV_MAX + 1];
	struct tunnel_params params;
	char dev[IFNAMSIZ];
	struct sl_err err;
	size_t n = 0, i;
	char *line;

	if (size > TEXT_MAX)
		size = TEXT_MAX;
	memcpy(text, data, size);
	text[size] = '\0';
	for (line = text; n < ENV_MAX && line;) {
		char *nl = strchr(line, '\n');

		if (nl)
			*nl = '\0';
		envp[n++] = line;
		line = nl ? nl + 1 : NULL;
	}
	envp[n] = NULL;

	sl_err_clear(&err);
	if (ovpn_env_read(envp, &params, dev, sizeof(dev), &err) < 0) {
		assert(err.msg[0] && params.n_addresses == 0 && params.n_dns == 0 && !dev[0]);
		return 0;
	}
	assert(dev[0] && strlen(dev) < IFNAMSIZ && !strchr(dev, '/') && !strchr(dev, ' '));
	assert(params.n_addresses >= 1 && params.n_addresses <= 2);
	for (i = 0; i < params.n_addresses; i++) {
		const struct tunnel_prefix *a = &params.addresses[i];

		assert(a->family == AF_INET
			   ? a->prefix_len >= 1 && a->prefix_len <= 32
			   : a->family == AF_INET6 && a->prefix_len >= 1 && a->prefix_len <= 128);
	}
	assert(params.n_dns <= TUNNEL_MAX_DNS);
	for (i = 0; i < params.n_dns; i++)
		assert(params.dns[i].family == AF_INET || params.dns[i].family == AF_INET6);
	assert(params.mtu == 0 || (params.mtu >= TUNNEL_MTU_MIN && params.mtu <= TUNNEL_MTU_MAX));
	assert(params.peer.family == 0 || params.peer.family == AF_INET);
	return 0;
}
