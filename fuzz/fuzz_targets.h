/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * fuzz_targets.h - the list of fuzz targets.  Add a line FUZZ_ENTRY(name) and a function
 * fuzz_<name>() in fuzz/fuzz_<name>.c; fuzz/run-all reads the names from this file.
 */
#ifndef SLUICE_FUZZ_TARGETS_H
#define SLUICE_FUZZ_TARGETS_H

#include <stddef.h>
#include <stdint.h>

#define FUZZ_ENTRY(name) {#name, fuzz_##name},

int fuzz_socks5_reply(const uint8_t *data, size_t size);
int fuzz_http_response(const uint8_t *data, size_t size);
int fuzz_hop_url(const uint8_t *data, size_t size);
int fuzz_dns_message(const uint8_t *data, size_t size);
int fuzz_chain(const uint8_t *data, size_t size);
int fuzz_nsswitch(const uint8_t *data, size_t size);
int fuzz_tor_control(const uint8_t *data, size_t size);
int fuzz_dial_request(const uint8_t *data, size_t size);
int fuzz_profile(const uint8_t *data, size_t size);
int fuzz_publish_spec(const uint8_t *data, size_t size);
int fuzz_control(const uint8_t *data, size_t size);
int fuzz_profile_pallium(const uint8_t *data, size_t size);
int fuzz_ovpn_config(const uint8_t *data, size_t size);
int fuzz_ovpn_env(const uint8_t *data, size_t size);
int fuzz_wg_config(const uint8_t *data, size_t size);

/* One FUZZ_ENTRY(name) line per target, each at the start of its own line. */
#define FUZZ_TARGET_TABLE \
	FUZZ_ENTRY(socks5_reply) \
	FUZZ_ENTRY(http_response) \
	FUZZ_ENTRY(hop_url) \
	FUZZ_ENTRY(dns_message) \
	FUZZ_ENTRY(chain) \
	FUZZ_ENTRY(nsswitch) \
	FUZZ_ENTRY(tor_control) \
	FUZZ_ENTRY(dial_request) \
	FUZZ_ENTRY(profile) \
	FUZZ_ENTRY(publish_spec) \
	FUZZ_ENTRY(control) \
	FUZZ_ENTRY(profile_pallium) \
	FUZZ_ENTRY(ovpn_config) \
	FUZZ_ENTRY(ovpn_env) \
	FUZZ_ENTRY(wg_config) \
	/* end of FUZZ_TARGET_TABLE */

#endif
