/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * session_client.c - the outside end of a session's control socket (see session_client.h).
 * Owns finding the socket and one request's round trip; not what a command does with it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "runtime_dir.h"
#include "session.h"
#include "session_client.h"

#define ANSWER_TIMEOUT_MS 10000

int session_client_connect(const char *name, struct sl_err *err)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	char base[PATH_MAX], path[PATH_MAX];
	int fd, e;

	if (!session_name_valid(name))
		return sl_err_set(err, EINVAL,
				  "'%s' is not a session name (letters, digits, '.', '_', '-')",
				  name);
	runtime_dir_base_path(base, sizeof(base));
	if (session_path(base, name, "sock", path, sizeof(path)) ||
	    strlen(path) >= sizeof(addr.sun_path))
		return sl_err_set(err, ENAMETOOLONG, "session '%s': path too long", name);
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return sl_err_set(err, errno, "cannot create a socket");
	if (!connect(fd, (struct sockaddr *)&addr, sizeof(addr)))
		return fd;
	e = errno;
	close(fd);
	if (e == ENOENT || e == ECONNREFUSED) {
		/* The message says it all: no errno text after it. */
		if (e == ENOENT)
			sl_err_set(err, 0, "no session named '%s'; 'sluice ls' lists them", name);
		else
			sl_err_set(err, 0,
				   "session '%s' is gone (its supervisor was killed); 'sluice gc' "
				   "removes what is left",
				   name);
		if (err)
			err->errnum = e;
		return -e;
	}
	return sl_err_set(err, e, "cannot reach session '%s' at %s", name, path);
}

ssize_t session_client_request(int sock, const struct control_request *req, const int *fds,
			       size_t n_fds, char *reply, int *rfds, size_t *n_rfds,
			       struct sl_err *err)
{
	static char text[CONTROL_MSG_MAX];
	int got[CHANNEL_MAX_FDS];
	struct pollfd pfd = {.fd = sock, .events = POLLIN};
	size_t n_got = 0, i;
	ssize_t n;
	int len = control_request_format(req, text, sizeof(text)), ret;

	if (n_rfds)
		*n_rfds = 0;
	if (len < 0)
		return sl_err_set(err, EINVAL, "cannot form the request");
	ret = channel_send_bytes(sock, text, (size_t)len, fds, n_fds);
	if (ret)
		return sl_err_set(err, -ret, "cannot send the request to the session");
	ret = poll(&pfd, 1, ANSWER_TIMEOUT_MS);
	if (ret <= 0)
		return sl_err_set(err, ret ? errno : ETIMEDOUT, "the session did not answer");
	n = channel_recv_bytes(sock, reply, CONTROL_MSG_MAX, got, &n_got, 0);
	if (n < 0)
		return sl_err_set(err, (int)-n, "cannot read the session's answer");
	if (n == 0)
		return sl_err_set(err, ECONNRESET, "the session closed the connection");
	reply[n] = '\0';
	if (!rfds && n_got) {
		for (i = 0; i < n_got; i++)
			close(got[i]);
		n_got = 0;
	}
	if (control_reply_check(reply, (size_t)n, err)) {
		for (i = 0; i < n_got; i++)
			close(got[i]);
		return -1;
	}
	if (rfds) {
		memcpy(rfds, got, n_got * sizeof(int));
		*n_rfds = n_got;
	}
	return n;
}
