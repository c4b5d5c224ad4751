/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * channel.c - framing and fd passing for the sandbox <-> supervisor socketpair.  Owns the wire
 * form of struct channel_msg; what each message means is the business of supervisor.c and
 * sandbox_init.c.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "channel.h"

int channel_pair(int fds[2], struct sl_err *err)
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds))
		return sl_err_set(err, errno, "cannot create the sandbox control socketpair");
	return 0;
}

int channel_send_bytes(int sock, const void *buf, size_t len, const int *fds, size_t n_fds)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * CHANNEL_MAX_FDS)];
		struct cmsghdr align;
	} control;
	struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	ssize_t n;

	if (n_fds > CHANNEL_MAX_FDS)
		return -EINVAL;
	if (n_fds) {
		struct cmsghdr *cmsg;

		memset(&control, 0, sizeof(control));
		mh.msg_control = control.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * n_fds);
		cmsg = CMSG_FIRSTHDR(&mh);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int) * n_fds);
		memcpy(CMSG_DATA(cmsg), fds, sizeof(int) * n_fds);
	}
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == (ssize_t)len ? 0 : -EMSGSIZE;
}

int channel_send(int sock, const struct channel_msg *msg, const int *fds, size_t n_fds)
{
	return channel_send_bytes(sock, msg, sizeof(*msg), fds, n_fds);
}

int channel_send_error(int sock, const struct sl_err *err)
{
	struct channel_msg msg = {
	    .type = CHANNEL_SETUP_FAILED,
	    .errnum = err->errnum,
	    .exit_code = err->exit_code,
	};

	memcpy(msg.text, err->msg, sizeof(msg.text));
	msg.text[sizeof(msg.text) - 1] = '\0';
	return channel_send(sock, &msg, NULL, 0);
}

static void close_all(const int *fds, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		close(fds[i]);
}

static int channel_receive(int sock, struct channel_msg *msg, int *fds, size_t *n_fds, int flags);

int channel_recv(int sock, struct channel_msg *msg, int *fds, size_t *n_fds)
{
	return channel_receive(sock, msg, fds, n_fds, 0);
}

int channel_recv_nonblocking(int sock, struct channel_msg *msg, int *fds, size_t *n_fds)
{
	return channel_receive(sock, msg, fds, n_fds, MSG_DONTWAIT);
}

ssize_t channel_recv_bytes(int sock, void *buf, size_t cap, int *fds, size_t *n_fds, int flags)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * CHANNEL_MAX_FDS)];
		struct cmsghdr align;
	} control;
	struct iovec iov = {.iov_base = buf, .iov_len = cap};
	struct msghdr mh = {
	    .msg_iov = &iov,
	    .msg_iovlen = 1,
	    .msg_control = control.buf,
	    .msg_controllen = sizeof(control.buf),
	};
	struct cmsghdr *cmsg;
	ssize_t n;

	*n_fds = 0;
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC | flags);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;

	for (cmsg = CMSG_FIRSTHDR(&mh); cmsg; cmsg = CMSG_NXTHDR(&mh, cmsg)) {
		size_t count;

		if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS)
			continue;
		count = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		if (*n_fds + count > CHANNEL_MAX_FDS)
			count = CHANNEL_MAX_FDS - *n_fds; /* cannot happen: buffer is that size */
		memcpy(fds + *n_fds, CMSG_DATA(cmsg), count * sizeof(int));
		*n_fds += count;
	}
	if (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
		close_all(fds, *n_fds);
		*n_fds = 0;
		return -EBADMSG;
	}
	return n;
}

static int channel_receive(int sock, struct channel_msg *msg, int *fds, size_t *n_fds, int flags)
{
	ssize_t n = channel_recv_bytes(sock, msg, sizeof(*msg), fds, n_fds, flags);

	if (n <= 0)
		return (int)n;
	if (n != (ssize_t)sizeof(*msg)) {
		close_all(fds, *n_fds);
		*n_fds = 0;
		return -EBADMSG;
	}
	msg->text[sizeof(msg->text) - 1] = '\0';
	return 1;
}
