/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * hop_ssh.c - the ssh hop: the system's `ssh -N -D SOCKET` run as the user, with the user's
 * own configuration, keys, agent and known_hosts, its SOCKS5 port a unix socket in the
 * runtime directory (helper.h runs it).  Owns ssh's command line and its readiness check;
 * sluice never switches host-key checking off.
 *
 *   ssh -N -D RUNTIME/ssh-N.socks [-o ProxyUseFdpass=yes -o ProxyCommand='SLUICE' dial ...]
 *       -o ExitOnForwardFailure=yes -o StreamLocalBindUnlink=yes
 *       -o ServerAliveInterval=10 -o ServerAliveCountMax=3 [-o BatchMode=yes]
 *       [-l USER] [-p PORT] [-o OPTION]... -- HOST
 *
 * ssh's connection to its server: `sluice dial` (dial.h) hands ssh a socket the relay
 * connected through the hops before it, so the relay does not copy ssh's bytes a second time.
 * A ProxyCommand or ProxyJump of the user's own (config or --ssh-option) wins: the stage asks
 * `ssh -G` just before the start, and then ssh connects itself, through the stage's
 * interception like any helper.
 *
 * BatchMode=yes whenever ssh cannot ask the user (no terminal, or a restart while the
 * program runs): it then fails with its own message instead of waiting for an answer.
 * Ready when the socket accepts a connection, which ssh makes only once it is logged in.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
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

#define DIAL_ARG	 4 /* ssh -N -D SOCKET, then the two dial options */
#define DIAL_FDPASS	 "-oProxyUseFdpass=yes"
#define PROBE_OUTPUT_MAX 65536
#define PROBE_TIMEOUT_MS 10000

/* Append @text to @buf for ssh's ProxyCommand, which a shell runs: single-quoted, '%' doubled. */
static int quote(char *buf, size_t cap, size_t *used, const char *text)
{
	const char *p;

	if (*used + 2 >= cap)
		return -E2BIG;
	buf[(*used)++] = '\'';
	for (p = text; *p; p++) {
		const char *piece = *p == '\'' ? "'\\''" : *p == '%' ? "%%" : NULL;
		size_t len = piece ? strlen(piece) : 1;

		if (*used + len + 2 >= cap)
			return -E2BIG;
		memcpy(buf + *used, piece ? piece : p, len);
		*used += len;
	}
	buf[(*used)++] = '\'';
	buf[*used] = '\0';
	return 0;
}

static int append(char *buf, size_t cap, size_t *used, const char *text)
{
	size_t len = strlen(text);

	if (*used + len + 1 > cap)
		return -E2BIG;
	memcpy(buf + *used, text, len + 1);
	*used += len;
	return 0;
}

/* "'SLUICE' dial 'RUNTIME/ssh-N.dial' %h %p" */
static int proxy_command(struct helper *h, char *buf, size_t cap)
{
	size_t used = 0;
	int ret = quote(buf, cap, &used, h->ctx->self);

	ret = ret ?: append(buf, cap, &used, " dial ");
	ret = ret ?: quote(buf, cap, &used, h->dial_path);
	return ret ?: append(buf, cap, &used, " %h %p");
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
	if (h->dial_path[0]) { /* at DIAL_ARG: ssh_before_exec() finds them there */
		char command[2 * PATH_MAX + 64];

		ret = ret ?: helper_arg(h, "%s", DIAL_FDPASS);
		ret = ret ?: proxy_command(h, command, sizeof(command));
		ret = ret ?: helper_arg(h, "-oProxyCommand=%s", command);
	}
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

/* Does `ssh -G` (the user's configuration as ssh reads it) name a proxy of its own? */
static bool users_own_proxy(const char *output)
{
	static const char *const keys[] = {"\nproxycommand ", "\nproxyjump "};
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *at = strstr(output, keys[i]);

		if (at && strncmp(at + strlen(keys[i]), "none\n", 5))
			return true;
	}
	return false;
}

/*
 * Run @probe (ssh -G ...) and read what it prints, bounded in size and time.
 * Return: 0 with @out filled, or -1 (ssh failed: it will say why when it runs for real).
 */
static int run_probe(char *const *probe, char *out, size_t cap)
{
	struct pollfd pfd = {.events = POLLIN};
	size_t used = 1;
	int pipe_fds[2], status = 0;
	pid_t pid;

	if (pipe2(pipe_fds, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

		if (null >= 0)
			dup2(null, 0);
		dup2(pipe_fds[1], 1);
		execvp(probe[0], probe);
		_exit(127);
	}
	close(pipe_fds[1]);
	if (pid < 0) {
		close(pipe_fds[0]);
		return -1;
	}
	out[0] = '\n'; /* so that every key is found after a newline */
	pfd.fd = pipe_fds[0];
	while (used < cap - 1 && poll(&pfd, 1, PROBE_TIMEOUT_MS) == 1) {
		ssize_t n = read(pipe_fds[0], out + used, cap - 1 - used);

		if (n <= 0)
			break;
		used += (size_t)n;
	}
	out[used] = '\0';
	close(pipe_fds[0]);
	kill(pid, SIGKILL); /* done or stuck: its answer is in */
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/*
 * In the stage, just before ssh starts: keep the dial options only when neither the user's
 * configuration nor an --ssh-option sets a ProxyCommand or ProxyJump (ssh takes the first
 * value it reads, and ours come first), and when `ssh -G` works at all.
 */
static char *const *ssh_before_exec(char *const *argv)
{
	static char *plain[HELPER_ARGV_MAX + 1], *probe[HELPER_ARGV_MAX + 2];
	static char output[PROBE_OUTPUT_MAX];
	size_t i, n = 0, m = 0;
	int probed;

	for (i = 0; i < DIAL_ARG; i++)
		if (!argv[i])
			return argv;
	if (strcmp(argv[DIAL_ARG], DIAL_FDPASS))
		return argv; /* no dial socket: nothing to decide */
	probe[m++] = argv[0];
	probe[m++] = "-G";
	for (i = 0; argv[i] && n < HELPER_ARGV_MAX; i++) {
		if (i == DIAL_ARG || i == DIAL_ARG + 1)
			continue;
		plain[n++] = argv[i];
		if (i)
			probe[m++] = argv[i];
	}
	plain[n] = probe[m] = NULL;
	probed = run_probe(probe, output, sizeof(output));
	if (probed == 0 && !users_own_proxy(output))
		return argv;
	if (probed == 0)
		fprintf(stderr, "sluice: ssh has a ProxyCommand or ProxyJump of its own; its "
				"connection goes through sluice's relay\n");
	return plain;
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
    .dials = true,
    .prepare = ssh_prepare,
    .arguments = ssh_arguments,
    .poll = ssh_poll,
    .stopped = ssh_stopped,
    .timeout_s = ssh_timeout_s,
    .before_exec = ssh_before_exec,
};
