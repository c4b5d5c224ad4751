/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * openvpn_hook.c - `sluice openvpn-hook` and the text it sends (see openvpn_hook.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "openvpn_hook.h"

extern char **environ;

/* What ovpn_env_read() reads, and no more: openvpn's environment holds the user's too. */
static bool wanted(const char *entry)
{
	static const char *const names[] = {
	    "script_type=",
	    "script_context=",
	    "dev=",
	    "tun_mtu=",
	    "ifconfig_local=",
	    "ifconfig_netmask=",
	    "ifconfig_remote=",
	    "ifconfig_ipv6_local=",
	    "ifconfig_ipv6_netbits=",
	    "ifconfig_ipv6_remote=",
	    NULL,
	};
	size_t i;

	if (!strncmp(entry, "foreign_option_", 15))
		return true;
	for (i = 0; names[i]; i++)
		if (!strncmp(entry, names[i], strlen(names[i])))
			return true;
	return false;
}

static int send_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int openvpn_hook_main(void)
{
	const char *path = getenv(OPENVPN_HOOK_ENV), *type = getenv("script_type");
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct timeval limit = {OPENVPN_HOOK_TIMEOUT_S, 0};
	char reply[256];
	ssize_t n;
	size_t i;
	int fd;

	if (!type || strcmp(type, "up"))
		return 0; /* down, route-up, ipchange: sluice applies the network itself */
	if (!path || strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr,
			"sluice openvpn-hook: %s is not set; this is openvpn's up script "
			"inside sluice's OpenVPN hop, not for use by hand\n",
			OPENVPN_HOOK_ENV);
		return 1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		fprintf(stderr, "sluice openvpn-hook: cannot reach sluice at %s: %s\n", path,
			strerror(errno));
		return 1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof(limit));
	for (i = 0; environ[i]; i++) {
		if (!wanted(environ[i]) || strchr(environ[i], '\n'))
			continue;
		if (send_all(fd, environ[i], strlen(environ[i])) || send_all(fd, "\n", 1))
			break;
	}
	shutdown(fd, SHUT_WR);
	n = recv(fd, reply, sizeof(reply) - 1, 0);
	close(fd);
	reply[n > 0 ? n : 0] = '\0';
	if (!strncmp(reply, "ok", 2))
		return 0;
	fprintf(stderr, "sluice openvpn-hook: %s\n",
		reply[0] ? reply : "sluice did not answer; the tunnel is not used");
	return 1;
}

int openvpn_hook_split(char *text, char **envp, size_t cap)
{
	size_t n = 0;
	char *line = text;

	while (*line) {
		char *end = strchr(line, '\n');

		if (end)
			*end = '\0';
		if (*line) {
			if (n + 1 >= cap)
				return -1;
			envp[n++] = line;
		}
		if (!end)
			break;
		line = end + 1;
	}
	envp[n] = NULL;
	return (int)n;
}
