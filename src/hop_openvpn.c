/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * hop_openvpn.c - the OpenVPN hop: the system's openvpn with the user's client config,
 * unchanged, in a stage of its own (helper.h).  sluice adds only what it must:
 *
 *   openvpn --config FILE --ifconfig-noexec --route-noexec --script-security 2
 *           --up 'SLUICE openvpn-hook' --up-restart --down ... --route-up ...
 *           --route-pre-down ... --ipchange ... (the same hook: nothing of the user's runs)
 *           --setenv SLUICE_OPENVPN_HOOK RUNTIME/openvpn-N.hook
 *           [--auth-user-pass FILE (--openvpn-auth)]
 *
 * openvpn makes its tun device in the stage (it keeps CAP_NET_ADMIN there) and applies
 * nothing to it; its up hook (openvpn_hook.h) tells the supervisor the pushed address, DNS
 * servers and MTU, and helper.c moves the device into the namespace after the hop with them
 * (tunnel.h).  A reconnect with a new device runs the hook again (a new move); one that kept
 * its device (persist-tun) runs it with script_context=restart (the values are applied in
 * place).  openvpn's own traffic, TCP or UDP as the config says, is caught in the stage and
 * relayed through the hops before it (route.h).
 *
 * Owns openvpn's command line, the config's checks, the hook's socket; the stage, restarts
 * and the device's move are helper.c's and tunnel.c's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "helper.h"
#include "log.h"
#include "openvpn_hook.h"
#include "ovpn_config.h"

#define OPENVPN_START_LIMIT_S 60

struct openvpn {
	char config_path[PATH_MAX];
	struct ovpn_config config;
	char hook_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int hook_listener;
	/* The hook being read (one at a time: openvpn waits for each), -1; the listener is not
	 * watched meanwhile.  Its text comes in pieces, never blocking the supervisor. */
	int hook_client;
	char hook_text[OPENVPN_HOOK_TEXT_MAX + 1];
	size_t hook_len;
	bool hooked; /* the up hook came since the last start */
};

static int read_config(struct helper *h, struct openvpn *ov, struct sl_err *err)
{
	size_t len;
	char *text = helper_read_config(h, "OpenVPN configuration", OVPN_CONFIG_MAX,
					ov->config_path, &len, err);
	int ret;

	if (!text)
		return -1;
	ret = ovpn_config_read(ov->config_path, text, len, &ov->config, err);
	explicit_bzero(text, OVPN_CONFIG_MAX + 1);
	free(text);
	return ret;
}

/* What openvpn would do that does not fit in a stage sluice supervises. */
static int refuse_options(struct openvpn *ov, struct sl_err *err)
{
	size_t i;

	for (i = 0; i < ov->config.n_notes; i++) {
		const struct ovpn_note *note = &ov->config.notes[i];

		if (!strcmp(note->option, "daemon") || !strcmp(note->option, "user") ||
		    !strcmp(note->option, "group") || !strcmp(note->option, "chroot"))
			return sl_err_set(err, EINVAL,
					  "%s:%u: '%s' does not work under sluice, which runs "
					  "openvpn as you in a namespace of its own and watches "
					  "it; remove the line",
					  ov->config_path, note->line, note->option);
	}
	return 0;
}

static int open_hook(struct helper *h, struct openvpn *ov, struct sl_err *err)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	char name[32];

	snprintf(name, sizeof(name), "openvpn-%zu.hook", h->index + 1);
	if (helper_path(h, ov->hook_path, sizeof(ov->hook_path), name))
		return sl_err_set(err, ENAMETOOLONG,
				  "%s: the runtime directory's path is too long for a socket",
				  h->label);
	memcpy(sun.sun_path, ov->hook_path, sizeof(sun.sun_path));
	ov->hook_listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (ov->hook_listener < 0 ||
	    bind(ov->hook_listener, (struct sockaddr *)&sun, sizeof(sun)) ||
	    listen(ov->hook_listener, 4) || helper_watch(h, ov->hook_listener))
		return sl_err_set(err, errno, "%s: cannot listen on %s", h->label, ov->hook_path);
	return 0;
}

static int openvpn_prepare(struct helper *h, struct sl_err *err)
{
	const struct run_options *run = h->ctx->run;
	struct openvpn *ov = calloc(1, sizeof(*ov));
	bool asks_password, asks_passphrase;
	size_t i;

	if (!ov)
		return sl_err_set(err, ENOMEM, "cannot allocate the OpenVPN hop");
	h->kind = ov;
	ov->hook_listener = ov->hook_client = -1;
	if (read_config(h, ov, err) || refuse_options(ov, err))
		return -1;
	for (i = 0; i < ov->config.n_notes; i++)
		log_info("%s:%u: %s %s", ov->config_path, ov->config.notes[i].line,
			 ov->config.notes[i].option, ov->config.notes[i].why);
	asks_password = ov->config.auth_user_pass == OVPN_SECRET_ASK && !run->openvpn_auth;
	asks_passphrase =
	    ov->config.key == OVPN_KEY_INLINE_ENCRYPTED && ov->config.askpass != OVPN_SECRET_FILE;
	if ((asks_password || asks_passphrase) && !h->ctx->interactive)
		return sl_err_set(err, 0, "%s asks for %s, and there is no terminal to ask on; %s",
				  ov->config_path,
				  asks_password ? "a user name and password (auth-user-pass)"
						: "the private key's passphrase",
				  asks_password ? "give them with --openvpn-auth FILE (two lines)"
						: "give it with 'askpass FILE' in the config");
	h->uses_udp = ov->config.uses_udp;
	h->endpoint->up = false; /* the relay never dials a tunnel */
	log_verbose("%s: %s over %s%s", h->label, ov->config_path,
		    ov->config.uses_udp ? "UDP" : "TCP",
		    ov->config.uses_udp && ov->config.uses_tcp ? " and TCP" : "");
	return open_hook(h, ov, err);
}

static int openvpn_arguments(struct helper *h, bool interactive, struct sl_err *err)
{
	static const char *const scripts[] = {"--up", "--down", "--route-up", "--route-pre-down",
					      "--ipchange"};
	const struct run_options *run = h->ctx->run;
	struct openvpn *ov = h->kind;
	int ret;
	size_t i;

	(void)interactive;
	ret = helper_arg(h, "openvpn") || helper_arg(h, "--config") ||
	      helper_arg(h, "%s", ov->config_path) || helper_arg(h, "--ifconfig-noexec") ||
	      helper_arg(h, "--route-noexec") || helper_arg(h, "--script-security") ||
	      helper_arg(h, "2") || helper_arg(h, "--up-restart") || helper_arg(h, "--setenv") ||
	      helper_arg(h, OPENVPN_HOOK_ENV) || helper_arg(h, "%s", ov->hook_path);
	for (i = 0; !ret && i < sizeof(scripts) / sizeof(scripts[0]); i++)
		ret = helper_arg(h, "%s", scripts[i]) ||
		      helper_arg(h, "%s openvpn-hook", h->ctx->self[0] ? h->ctx->self : "sluice");
	if (!ret && run->openvpn_auth)
		ret = helper_arg(h, "--auth-user-pass") || helper_arg(h, "%s", run->openvpn_auth);
	if (ret)
		return sl_err_set(err, E2BIG, "%s: too many arguments", h->label);
	return 0;
}

/* One hook's values.  Return: the answer for the hook ("ok", or why not). */
static void on_hook_text(struct helper *h, char *text, char *answer, size_t cap)
{
	struct openvpn *ov = h->kind;
	char *envp[OPENVPN_HOOK_VARS_MAX];
	struct tunnel_params params;
	char dev[IFNAMSIZ];
	struct sl_err err;
	bool restart = false;
	int i;

	sl_err_clear(&err);
	if (openvpn_hook_split(text, envp, OPENVPN_HOOK_VARS_MAX) < 0 ||
	    ovpn_env_read(envp, &params, dev, sizeof(dev), &err)) {
		snprintf(answer, cap, "%s", err.msg[0] ? err.msg : "too many variables");
		log_info("%s: openvpn's up hook: %s", h->label, answer);
		return;
	}
	for (i = 0; envp[i]; i++)
		restart |= !strcmp(envp[i], "script_context=restart");
	if (!params.n_dns) { /* none pushed: the config's own dhcp-option DNS */
		memcpy(params.dns, ov->config.dns, sizeof(params.dns));
		params.n_dns = ov->config.n_dns;
	}
	h->tunnel = params;
	snprintf(h->tun_name, sizeof(h->tun_name), "%s", dev);
	ov->hooked = true;
	if (helper_tunnel_update(h, !restart, &err)) {
		snprintf(answer, cap, "%s", err.msg);
		log_info("%s: %s", h->label, err.msg);
		return;
	}
	snprintf(answer, cap, "ok");
}

static void hook_done(struct helper *h, struct openvpn *ov)
{
	helper_unwatch(h, ov->hook_client);
	close(ov->hook_client);
	ov->hook_client = -1;
	ov->hook_len = 0;
	if (helper_watch(h, ov->hook_listener))
		log_info("%s: cannot watch openvpn's hook socket again", h->label);
}

/* The hook's text so far; at its end (the hook shuts its side), the values and the answer. */
static void hook_read(struct helper *h, struct openvpn *ov)
{
	char answer[SL_ERR_MSG_MAX];
	ssize_t n = 0;

	while (ov->hook_len < OPENVPN_HOOK_TEXT_MAX &&
	       (n = recv(ov->hook_client, ov->hook_text + ov->hook_len,
			 OPENVPN_HOOK_TEXT_MAX - ov->hook_len, MSG_DONTWAIT)) > 0)
		ov->hook_len += (size_t)n;
	if (ov->hook_len < OPENVPN_HOOK_TEXT_MAX && n < 0 && errno == EAGAIN)
		return; /* more to come */
	ov->hook_text[ov->hook_len] = '\0';
	if (n < 0)
		snprintf(answer, sizeof(answer), "cannot read the hook's text");
	else if (ov->hook_len == OPENVPN_HOOK_TEXT_MAX || memchr(ov->hook_text, '\0', ov->hook_len))
		snprintf(answer, sizeof(answer), "the hook's text is too long or not text");
	else
		on_hook_text(h, ov->hook_text, answer, sizeof(answer));
	/* The hook waits for it with nothing else sent: the socket's buffer takes it at once. */
	send(ov->hook_client, answer, strlen(answer), MSG_NOSIGNAL | MSG_DONTWAIT);
	explicit_bzero(ov->hook_text, sizeof(ov->hook_text));
	hook_done(h, ov);
}

static void openvpn_event(struct helper *h, int fd, uint32_t events)
{
	struct openvpn *ov = h->kind;

	(void)events;
	if (fd == ov->hook_client) {
		hook_read(h, ov);
		return;
	}
	if (fd != ov->hook_listener || ov->hook_client >= 0)
		return;
	ov->hook_client = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (ov->hook_client < 0)
		return;
	helper_unwatch(h, ov->hook_listener);
	if (helper_watch(h, ov->hook_client)) {
		log_info("%s: cannot watch openvpn's hook", h->label);
		close(ov->hook_client);
		ov->hook_client = -1;
		helper_watch(h, ov->hook_listener);
		return;
	}
	hook_read(h, ov);
}

static int openvpn_poll(struct helper *h, struct sl_err *err)
{
	(void)err;
	return ((struct openvpn *)h->kind)->hooked ? 1 : 0;
}

static void openvpn_stopped(struct helper *h)
{
	struct openvpn *ov = h->kind;

	if (ov)
		ov->hooked = false;
}

static void openvpn_destroy(struct helper *h)
{
	struct openvpn *ov = h->kind;

	if (ov->hook_client >= 0) {
		helper_unwatch(h, ov->hook_client);
		close(ov->hook_client);
	}
	if (ov->hook_listener >= 0) {
		helper_unwatch(h, ov->hook_listener);
		close(ov->hook_listener);
		unlink(ov->hook_path);
	}
}

static unsigned int openvpn_timeout_s(const struct helper *h, bool interactive)
{
	(void)h;
	return interactive ? 0 : OPENVPN_START_LIMIT_S; /* a prompt waits for the user */
}

const struct helper_ops hop_openvpn_helper = {
    .program = "openvpn",
    .package = "openvpn",
    .may_prompt = true,
    .prepare = openvpn_prepare,
    .arguments = openvpn_arguments,
    .poll = openvpn_poll,
    .stopped = openvpn_stopped,
    .timeout_s = openvpn_timeout_s,
    .event = openvpn_event,
    .destroy = openvpn_destroy,
};
