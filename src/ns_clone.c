/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * ns_clone.c - clone3() from inside another user namespace (see ns_clone.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "channel.h"
#include "ns_clone.h"

static pid_t plain_clone3(struct clone_args *args)
{
	return (pid_t)syscall(SYS_clone3, args, sizeof(*args));
}

/* The intermediate: join, clone the child as our parent's, report, exit.  Never returns in
 * the intermediate; returns 0 in the child. */
static pid_t intermediate(int userns_fd, const struct clone_args *args, int report)
{
	struct channel_msg msg = {.type = CHANNEL_SOCKET};
	struct clone_args nested = *args;
	int pidfd = -1;
	pid_t pid;

	nested.flags |= CLONE_PARENT;
	nested.exit_signal = 0; /* CLONE_PARENT takes the intermediate's (SIGCHLD) */
	if (nested.flags & CLONE_PIDFD)
		nested.pidfd = (uint64_t)(uintptr_t)&pidfd;
	if (setns(userns_fd, CLONE_NEWUSER)) {
		msg.errnum = errno;
	} else {
		pid = plain_clone3(&nested);
		if (pid == 0) {
			close(report);
			return 0;
		}
		if (pid < 0)
			msg.errnum = errno;
		msg.value = pid;
	}
	channel_send(report, &msg, pidfd >= 0 ? &pidfd : NULL, pidfd >= 0 ? 1 : 0);
	_exit(0);
}

pid_t ns_clone3_in(int userns_fd, struct clone_args *args)
{
	struct channel_msg msg;
	int pair[2], fds[CHANNEL_MAX_FDS];
	size_t n_fds = 0;
	pid_t helper;
	int ret, e;

	if (userns_fd < 0)
		return plain_clone3(args);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair))
		return -1;
	helper = fork();
	if (helper == 0) {
		close(pair[0]);
		return intermediate(userns_fd, args, pair[1]);
	}
	e = errno;
	close(pair[1]);
	if (helper < 0) {
		close(pair[0]);
		errno = e;
		return -1;
	}
	ret = channel_recv(pair[0], &msg, fds, &n_fds);
	close(pair[0]);
	while (waitpid(helper, NULL, 0) < 0 && errno == EINTR)
		;
	if (ret <= 0 || msg.errnum || msg.value <= 0) {
		while (n_fds)
			close(fds[--n_fds]);
		errno = ret <= 0 ? EPIPE : msg.errnum ? msg.errnum : EINVAL;
		return -1;
	}
	if (args->flags & CLONE_PIDFD) {
		if (!n_fds) {
			errno = EBADF;
			return -1; /* cannot happen: the child runs unwatched; it dies with us */
		}
		*(int *)(uintptr_t)args->pidfd = fds[0];
	}
	return msg.value;
}
