/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * fuzz_ovpn_config.c - feeds bytes to ovpn_config_read().  On success the result must be
 * consistent: at least one remote, counts within their arrays, NUL-terminated strings, each
 * kept remote's transport reflected in uses_udp/uses_tcp.  On failure the message must name
 * the label, and nothing may be left in the result.
 */
#include <assert.h>
#include <string.h>

#include "fuzz_targets.h"
#include "ovpn_config.h"

int fuzz_ovpn_config(const uint8_t *data, size_t size)
{
	static struct ovpn_config cfg;
	struct sl_err err;
	size_t i;

	sl_err_clear(&err);
	if (ovpn_config_read("f.ovpn", (const char *)data, size, &cfg, &err) < 0) {
		assert(!strncmp(err.msg, "f.ovpn", 6));
		assert(cfg.n_remotes == 0 && cfg.n_notes == 0 && !cfg.uses_udp && !cfg.uses_tcp);
		return 0;
	}
	assert(cfg.n_remotes_total >= 1 && cfg.n_remotes >= 1);
	assert(cfg.n_remotes <= OVPN_MAX_REMOTES && cfg.n_remotes <= cfg.n_remotes_total);
	assert(cfg.n_notes <= OVPN_MAX_NOTES && cfg.n_notes <= cfg.n_notes_total);
	assert(cfg.n_dns <= TUNNEL_MAX_DNS);
	assert(cfg.uses_udp || cfg.uses_tcp);
	for (i = 0; i < cfg.n_remotes; i++) {
		const struct ovpn_remote *r = &cfg.remotes[i];

		assert(memchr(r->host, '\0', sizeof(r->host)) && r->host[0]);
		assert(r->transport == OVPN_TCP ? cfg.uses_tcp : cfg.uses_udp);
		assert(r->line >= 1);
	}
	for (i = 0; i < cfg.n_notes; i++)
		assert(cfg.notes[i].why && memchr(cfg.notes[i].option, '\0', OVPN_OPTION_MAX));
	assert(memchr(cfg.auth_user_pass_file, '\0', sizeof(cfg.auth_user_pass_file)));
	/* a file name only with a file as the source */
	assert(cfg.auth_user_pass == OVPN_SECRET_FILE || !cfg.auth_user_pass_file[0]);
	assert(cfg.askpass == OVPN_SECRET_FILE || !cfg.askpass_file[0]);
	return 0;
}
