/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * chain.c - the hop-by-hop negotiation of one relayed connection (see chain.h).  Owns the
 * order of requests and the error messages naming the hop; the wire formats are socks5.c's
 * and http_connect.c's, the sockets are the relay's.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "chain.h"
#include "hop.h"
#include "http_connect.h"
#include "socks5.h"

void chain_hop_where(const struct hop_spec *hop, char *buf, size_t cap)
{
	if (hop->kind == HOP_TOR && hop->spawn)
		snprintf(buf, cap, "sluice's tor");
	else if (hop->unix_path[0])
		snprintf(buf, cap, "unix:%s", hop->unix_path);
	else if (hop->file[0]) /* its configuration file's name is enough to tell it */
		snprintf(buf, cap, "%s",
			 strrchr(hop->file, '/') ? strrchr(hop->file, '/') + 1 : hop->file);
	else if (hop->command[0]) /* the program's name */
		snprintf(buf, cap, "%.*s", (int)strcspn(hop->command, " \t"), hop->command);
	else
		target_format(&hop->server, buf, cap);
}

void chain_hop_label(const struct hop_spec *hop, size_t index, char *buf, size_t cap)
{
	char where[HOP_UNIX_PATH_MAX + 16];

	chain_hop_where(hop, where, sizeof(where));
	snprintf(buf, cap, "%s hop %zu (%s)", hop_kind_name(hop->kind), index + 1, where);
}

static enum chain_status fail(struct chain *chain, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static enum chain_status fail(struct chain *chain, const char *fmt, ...)
{
	char label[TARGET_NAME_MAX + 64], what[CHAIN_ERROR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	chain_hop_label(&chain->hops[chain->hop], chain->index_base + chain->hop, label,
			sizeof(label));
	if (snprintf(chain->error, sizeof(chain->error), "%s: %s", label, what) < 0)
		chain->error[0] = '\0'; /* a long message is cut, which is fine */
	explicit_bzero(chain->output, sizeof(chain->output));
	chain->output_len = 0;
	chain->step = STEP_FAILED;
	return CHAIN_FAILED;
}

/* Where the current hop must connect: the next hop's server, or the final target. */
static const struct target *next_target(const struct chain *chain)
{
	return chain->hop + 1 < chain->n_hops ? &chain->hops[chain->hop + 1].server : chain->final;
}

static enum chain_status set_output(struct chain *chain, ssize_t len, enum chain_step step)
{
	if (len < 0)
		return fail(chain, "cannot encode the request for %s",
			    chain->hop + 1 < chain->n_hops ? "the next hop" : "the target");
	chain->output_len = (size_t)len;
	chain->step = step;
	return CHAIN_SEND;
}

/* Start negotiating the current hop: its first message. */
static enum chain_status begin_hop(struct chain *chain)
{
	const struct hop_spec *hop = &chain->hops[chain->hop];

	explicit_bzero(chain->output, sizeof(chain->output));
	switch (hop_ops_of(hop->kind)->protocol) {
	case HOP_PROTOCOL_SOCKS5:
		return set_output(
		    chain,
		    socks5_build_greeting(chain->output, sizeof(chain->output), hop->has_auth),
		    STEP_SOCKS5_METHOD);
	case HOP_PROTOCOL_HTTP:
		return set_output(
		    chain,
		    http_connect_build_request((char *)chain->output, sizeof(chain->output),
					       next_target(chain), hop->has_auth ? hop->user : NULL,
					       hop->has_auth ? hop->password : NULL),
		    STEP_HTTP_RESPONSE);
	case HOP_PROTOCOL_NONE:
		break;
	}
	return fail(chain, "not a proxy hop");
}

static enum chain_status hop_agreed(struct chain *chain)
{
	explicit_bzero(chain->output, sizeof(chain->output));
	chain->output_len = 0;
	if (++chain->hop < chain->n_hops)
		return begin_hop(chain);
	chain->hop--; /* keep naming the last hop */
	chain->step = STEP_DONE;
	return CHAIN_DONE;
}

enum chain_status chain_start(struct chain *chain, const struct hop_spec *hops, size_t n_hops,
			      const struct target *final)
{
	return chain_start_from(chain, hops, n_hops, final, 0);
}

enum chain_status chain_start_from(struct chain *chain, const struct hop_spec *hops, size_t n_hops,
				   const struct target *final, size_t index_base)
{
	memset(chain, 0, sizeof(*chain));
	chain->index_base = index_base;
	chain->hops = hops;
	chain->n_hops = n_hops;
	chain->final = final;
	if (!n_hops) {
		chain->step = STEP_DONE;
		return CHAIN_DONE;
	}
	return begin_hop(chain);
}

static enum chain_status socks5_request(struct chain *chain)
{
	bool last = chain->hop + 1 == chain->n_hops;

	return set_output(chain,
			  socks5_build_request(chain->output, sizeof(chain->output),
					       last && chain->udp_associate
						   ? SOCKS5_CMD_UDP_ASSOCIATE
						   : SOCKS5_CMD_CONNECT,
					       next_target(chain)),
			  STEP_SOCKS5_REPLY);
}

enum chain_status chain_start_udp_associate(struct chain *chain, const struct hop_spec *hops,
					    size_t n_hops, const struct target *final)
{
	enum chain_status status;

	if (!n_hops || hops[n_hops - 1].kind != HOP_SOCKS5) {
		memset(chain, 0, sizeof(*chain));
		snprintf(chain->error, sizeof(chain->error),
			 "UDP needs a socks5 proxy as the last hop");
		chain->step = STEP_FAILED;
		return CHAIN_FAILED;
	}
	status = chain_start(chain, hops, n_hops, final);
	chain->udp_associate = true; /* read when the last hop's request is built, later */
	return status;
}

/*
 * Tor keeps streams whose SOCKS credentials differ on different circuits: with
 * isolate_by_destination, the password is the final destination's host, so each host gets
 * circuits of its own.  Otherwise the hop's own password.
 */
static const char *isolation_password(struct chain *chain, const struct hop_spec *hop)
{
	char *at;

	if (!hop->isolate_by_destination)
		return hop->password;
	target_format(chain->final, chain->isolation, sizeof(chain->isolation));
	at = strrchr(chain->isolation, ':'); /* the host alone, not the port */
	if (at && at != chain->isolation)
		*at = '\0';
	return chain->isolation;
}

static enum chain_status socks5_input(struct chain *chain, const uint8_t *data, size_t len,
				      size_t *consumed)
{
	const struct hop_spec *hop = &chain->hops[chain->hop];
	struct target bound;
	uint8_t method, rep = 0;
	int n;

	switch (chain->step) {
	case STEP_SOCKS5_METHOD:
		n = socks5_parse_method_choice(data, len, &method);
		if (n == 0)
			return CHAIN_RECV;
		if (n == SOCKS5_ERR_NO_ACCEPTABLE_METHOD)
			return fail(chain, hop->has_auth
					       ? "the proxy accepts none of our methods "
						 "(no authentication, username/password)"
					       : "the proxy requires authentication; give "
						 "socks5://USER:PASS@...");
		if (n < 0)
			return fail(chain, "not a SOCKS5 answer (%s)", socks5_error_text(n));
		*consumed = (size_t)n;
		if (method == SOCKS5_METHOD_USERPASS) {
			if (!hop->has_auth)
				return fail(chain, "the proxy chose username/password, which "
						   "we did not offer");
			explicit_bzero(chain->output, sizeof(chain->output));
			return set_output(chain,
					  socks5_build_userpass(chain->output,
								sizeof(chain->output), hop->user,
								isolation_password(chain, hop)),
					  STEP_SOCKS5_AUTH);
		}
		return socks5_request(chain);
	case STEP_SOCKS5_AUTH:
		n = socks5_parse_userpass_reply(data, len);
		if (n == 0)
			return CHAIN_RECV;
		if (n < 0)
			return n == SOCKS5_ERR_AUTH_REJECTED
				   ? fail(chain, "authentication rejected")
				   : fail(chain, "bad authentication answer (%s)",
					  socks5_error_text(n));
		*consumed = (size_t)n;
		return socks5_request(chain);
	case STEP_SOCKS5_REPLY:
		n = socks5_parse_reply(data, len, &bound, &rep);
		if (n == 0)
			return CHAIN_RECV;
		if (n == SOCKS5_ERR_REPLY_FAILED) {
			char where[TARGET_NAME_MAX + 16];

			target_format(next_target(chain), where, sizeof(where));
			return fail(chain, "cannot reach %s: %s", where, socks5_reply_text(rep));
		}
		if (n < 0)
			return fail(chain, "bad CONNECT reply (%s)", socks5_error_text(n));
		*consumed = (size_t)n;
		chain->bound = bound;
		return hop_agreed(chain);
	default:
		return fail(chain, "unexpected state");
	}
}

static enum chain_status http_input(struct chain *chain, const uint8_t *data, size_t len,
				    size_t *consumed)
{
	struct http_connect_response response;
	int n = http_connect_parse_response((const char *)data, len, &response);

	if (n == 0)
		return CHAIN_RECV;
	if (n < 0)
		return fail(chain, "not an HTTP answer (%s)", http_connect_error_text(n));
	if (response.status == 407 || response.status == 401) /* tinyproxy answers 401 */
		return fail(chain, "authentication rejected (\"%s\"); check the user and password",
			    response.status_line);
	if (response.status < 200 || response.status > 299)
		return fail(chain, "CONNECT refused: \"%s\"", response.status_line);
	*consumed = (size_t)n;
	return hop_agreed(chain);
}

enum chain_status chain_input(struct chain *chain, const uint8_t *data, size_t len,
			      size_t *consumed)
{
	*consumed = 0;
	switch (chain->step) {
	case STEP_SOCKS5_METHOD:
	case STEP_SOCKS5_AUTH:
	case STEP_SOCKS5_REPLY:
		return socks5_input(chain, data, len, consumed);
	case STEP_HTTP_RESPONSE:
		return http_input(chain, data, len, consumed);
	case STEP_DONE:
		return CHAIN_DONE;
	case STEP_FAILED:
		break;
	}
	return CHAIN_FAILED;
}
