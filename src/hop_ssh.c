/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * hop_ssh.c - the ssh hop: the system's `ssh -N -D SOCKET` run as the user, with the user's
 * own configuration, keys, agent and known_hosts, its SOCKS5 port a unix socket in the
 * runtime directory (helper.h runs it).  Owns ssh's command line and its readiness check;
 * sluice never switches host-key checking off.
 *
 *   ssh -N -D RUNTIME/ssh-N.socks -o ExitOnForwardFailure=yes -o StreamLocalBindUnlink=yes
 *       -o ServerAliveInterval=10 -o ServerAliveCountMax=3 [-o BatchMode=yes]
 *       [-l USER] [-p PORT] [-o OPTION]... -- HOST
 *
 * BatchMode=yes whenever ssh cannot ask the user (no terminal, or a restart while the
 * program runs): it then fails with its own message instead of waiting for an answer.
 * Ready when the socket accepts a connection, which ssh makes only once it is logged in.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "helper.h"

static int ssh_prepare(struct helper *h, struct sl_err *err)
{
	struct sockaddr_un *sun = (struct sockaddr_un *)&h->endpoint->address;
	char name[32];

	snprintf(name, sizeof(name), "ssh-%zu.socks", h->index + 1);
	memset(&h->endpoint->address, 0, sizeof(h->endpoint->address));
	sun->sun_family = AF_UNIX;
	if (helper_path(h, sun->sun_path, sizeof(sun->sun_path), name))
		return sl_err_set(err, ENAMETOOLONG,
				  "%s: the runtime directory's path is too long for a socket",
				  h->label);
	h->endpoint->address_len = sizeof(*sun);
	return 0;
}

static int ssh_arguments(struct helper *h, bool interactive, struct sl_err *err)
{
	const struct run_options *run = h->ctx->run;
	const struct sockaddr_un *sun = (const struct sockaddr_un *)&h->endpoint->address;
	char host[TARGET_NAME_MAX + 16];
	size_t i;
	int ret;

	ret = helper_arg(h, "ssh");
	ret = ret ?: helper_arg(h, "-N");
	ret = ret ?: helper_arg(h, "-D");
	ret = ret ?: helper_arg(h, "%s", sun->sun_path);
	ret = ret ?: helper_arg(h, "-oExitOnForwardFailure=yes");
	ret = ret ?: helper_arg(h, "-oStreamLocalBindUnlink=yes");
	ret = ret ?: helper_arg(h, "-oServerAliveInterval=10");
	ret = ret ?: helper_arg(h, "-oServerAliveCountMax=3");
	if (!interactive)
		ret = ret ?: helper_arg(h, "-oBatchMode=yes");
	if (h->hop->user[0]) {
		ret = ret ?: helper_arg(h, "-l");
		ret = ret ?: helper_arg(h, "%s", h->hop->user);
	}
	if (h->hop->port_given) {
		ret = ret ?: helper_arg(h, "-p");
		ret = ret ?: helper_arg(h, "%u", (unsigned int)h->hop->server.port);
	}
	for (i = 0; i < run->n_ssh_options; i++)
		ret = ret ?: helper_arg(h, "-o%s", run->ssh_options[i]);
	target_format(&h->hop->server, host, sizeof(host));
	if (h->hop->server.kind != TARGET_NAME) {
		/* target_format() adds ":PORT" (and brackets): ssh wants the bare address. */
		char *colon = strrchr(host, ':');

		if (colon)
			*colon = '\0';
		if (host[0] == '[') {
			memmove(host, host + 1, strlen(host));
			host[strlen(host) - 1] = '\0';
		}
	} else {
		snprintf(host, sizeof(host), "%s", h->hop->server.name);
	}
	ret = ret ?: helper_arg(h, "--");
	ret = ret ?: helper_arg(h, "%s", host);
	if (ret)
		return sl_err_set(err, E2BIG, "%s: too many or too long --ssh-option values",
				  h->label);
	return 0;
}

static int ssh_poll(struct helper *h, struct sl_err *err)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int ready;

	(void)err;
	if (fd < 0)
		return 0;
	ready = connect(fd, (const struct sockaddr *)&h->endpoint->address,
			h->endpoint->address_len) == 0;
	close(fd);
	return ready;
}

static void ssh_stopped(struct helper *h)
{
	(void)h;
}

/* A start that may prompt waits for the user; one that may not gets a minute. */
static unsigned int ssh_timeout_s(const struct helper *h, bool interactive)
{
	(void)h;
	return interactive ? 0 : 60;
}

const struct helper_ops hop_ssh_helper = {
    .program = "ssh",
    .package = "openssh-client",
    .may_prompt = true,
    .prepare = ssh_prepare,
    .arguments = ssh_arguments,
    .poll = ssh_poll,
    .stopped = ssh_stopped,
    .timeout_s = ssh_timeout_s,
};
