/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test_socket_trap.c - the fast path's notifying filter (socket_trap.c) and Landlock ruleset
 * (landlock.c), installed for real in a forked child, the test acting as the supervisor: it
 * receives the listener, records which calls were notified and answers each with EXDEV (an
 * errno no probe gets from the kernel).  Each probe says whether it was notified and what the
 * call returned.  The anti-tests run the same probes without the filter or the ruleset.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "landlock.h"
#include "program_restrictions.h"

#include "../helpers/int80.h"

enum probe {
	P_CONNECT_TCP,
	P_BIND_UDP,
	P_LISTEN,
	P_GETSOCKNAME,
	P_GETPEERNAME,
	P_PEERNAME_OPT,
	P_TYPE_OPT,
	P_SIOCGIFCONF,
	P_FIONREAD,
	P_SENDTO_FASTOPEN,
	P_SENDTO_PLAIN,
	P_SENDMSG_FASTOPEN,
	P_SENDMMSG_FASTOPEN,
	P_LISTENER_CLOEXEC,
	P_I386_SOCKETCALL,
	P_I386_CONNECT,
	P_CONNECT_LISTENING, /* TCP connect() to listen_port */
	P_BIND_TCP,
	P_FASTOPEN_LISTENING, /* sendto(MSG_FASTOPEN) to listen_port */
	P_UNIX_PAIR_CONNECT,  /* connect() of a unix socket to an abstract address */
};

/* A listener on 127.0.0.1 in the test process, for the probes that must reach something. */
static in_port_t listen_port;

struct outcome {
	int ret_errno; /* 0 if the call succeeded, else its errno */
	int notified;  /* notifications the "supervisor" saw */
	uint32_t arch; /* of the last one */
};

static struct sockaddr_in loopback(in_port_t port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static long run_probe(enum probe probe, int listener)
{
	struct sockaddr_in to = loopback(9);
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char buf[256];
	struct ifconf ifc = {.ifc_len = sizeof(buf), .ifc_buf = buf};
	struct iovec iov = {.iov_base = buf, .iov_len = 1};
	struct mmsghdr mm = {
	    .msg_hdr = {
		.msg_name = &to, .msg_namelen = sizeof(to), .msg_iov = &iov, .msg_iovlen = 1}};
	int tcp = socket(AF_INET, SOCK_STREAM, 0), udp = socket(AF_INET, SOCK_DGRAM, 0), n = 0;

	if (tcp < 0 || udp < 0)
		return -1;
	switch (probe) {
	case P_CONNECT_TCP:
		return connect(tcp, (struct sockaddr *)&to, sizeof(to));
	case P_BIND_UDP:
		to.sin_port = 0;
		return bind(udp, (struct sockaddr *)&to, sizeof(to));
	case P_LISTEN:
		return listen(tcp, 1);
	case P_GETSOCKNAME:
		return getsockname(tcp, (struct sockaddr *)&ss, &len);
	case P_GETPEERNAME:
		return getpeername(tcp, (struct sockaddr *)&ss, &len);
	case P_PEERNAME_OPT:
		return getsockopt(tcp, SOL_SOCKET, SO_PEERNAME, buf, &len);
	case P_TYPE_OPT:
		len = sizeof(n);
		return getsockopt(tcp, SOL_SOCKET, SO_TYPE, &n, &len);
	case P_SIOCGIFCONF:
		return ioctl(udp, SIOCGIFCONF, &ifc);
	case P_FIONREAD:
		return ioctl(udp, FIONREAD, &n);
	case P_SENDTO_FASTOPEN:
		return sendto(tcp, "x", 1, MSG_FASTOPEN, (struct sockaddr *)&to, sizeof(to));
	case P_SENDTO_PLAIN:
		return sendto(udp, "x", 1, 0, (struct sockaddr *)&to, sizeof(to));
	case P_SENDMSG_FASTOPEN:
		return sendmsg(tcp, &mm.msg_hdr, MSG_FASTOPEN);
	case P_SENDMMSG_FASTOPEN:
		return sendmmsg(tcp, &mm, 1, MSG_FASTOPEN);
	case P_CONNECT_LISTENING:
		to = loopback(listen_port);
		return connect(tcp, (struct sockaddr *)&to, sizeof(to));
	case P_BIND_TCP:
		to.sin_port = 0;
		return bind(tcp, (struct sockaddr *)&to, sizeof(to));
	case P_FASTOPEN_LISTENING:
		to = loopback(listen_port);
		return sendto(tcp, "x", 1, MSG_FASTOPEN, (struct sockaddr *)&to, sizeof(to)) == 1
			   ? 0
			   : -1;
	case P_UNIX_PAIR_CONNECT: {
		struct sockaddr_un un = {.sun_family = AF_UNIX};
		int srv = socket(AF_UNIX, SOCK_STREAM, 0), cli = socket(AF_UNIX, SOCK_STREAM, 0);
		socklen_t un_len = offsetof(struct sockaddr_un, sun_path) + 1 +
				   (socklen_t)snprintf(un.sun_path + 1, sizeof(un.sun_path) - 1,
						       "sluice-trap-%d", getpid());

		if (bind(srv, (struct sockaddr *)&un, un_len) || listen(srv, 1))
			return -1;
		return connect(cli, (struct sockaddr *)&un, un_len);
	}
	case P_LISTENER_CLOEXEC:
		return (fcntl(listener, F_GETFD) & FD_CLOEXEC) ? 0 : (errno = EBADF, -1);
#if defined(__x86_64__)
	case P_I386_SOCKETCALL:
	case P_I386_CONNECT: {
		long ret = probe == P_I386_SOCKETCALL ? int80(102, 3 /* SYS_CONNECT */, 0, 0)
						      : int80(362, tcp, 0, 0);
		if (ret < 0 && ret > -4096) {
			errno = (int)-ret;
			return -1;
		}
		return ret;
	}
#endif
	default:
		errno = ENOSYS;
		return -1;
	}
}

/* The child: installs what @what asks, hands the listener over, runs the probe. */
static void child(enum probe probe, int what, int report)
{
	int listener = restrict_like_the_program(what, report, "L", 1);
	long ret;

	close(report);
	ret = run_probe(probe, listener);
	_exit(ret < 0 ? (errno & 0xff) : 0);
}

static struct outcome probe_with(enum probe probe, int what)
{
	struct outcome out = {0};
	int sv[2], fds[CHANNEL_MAX_FDS], listener = -1, status = 0, n;
	size_t n_fds = 0;
	char byte;
	pid_t pid;

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(sv[0]);
		child(probe, what, sv[1]);
	}
	close(sv[1]);
	if (what & WITH_TRAP) {
		assert_int_equal(channel_recv_bytes(sv[0], &byte, 1, fds, &n_fds, 0), 1);
		assert_int_equal(n_fds, 1);
		listener = fds[0];
	}
	close(sv[0]);
	/* Serve until the child exits: at most 50 waits of 100 ms. */
	for (n = 0; n < 50; n++) {
		struct pollfd pfd = {.fd = listener, .events = POLLIN};
		struct seccomp_notif req;
		struct seccomp_notif_resp resp;

		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		if (listener < 0 || poll(&pfd, 1, 100) <= 0 || !(pfd.revents & POLLIN))
			continue;
		memset(&req, 0, sizeof(req));
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req))
			continue;
		out.notified++;
		out.arch = req.data.arch;
		resp = (struct seccomp_notif_resp){.id = req.id, .error = -EXDEV};
		ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	}
	if (n == 50)
		assert_int_equal(waitpid(pid, &status, 0), pid);
	if (listener >= 0)
		close(listener);
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV) {
		out.ret_errno = -SIGSEGV; /* int $0x80 without IA32 emulation: a protection fault */
		return out;
	}
	assert_true(WIFEXITED(status));
	assert_true(WEXITSTATUS(status) < 250);
	out.ret_errno = WEXITSTATUS(status);
	return out;
}

static void notified_calls(void **state)
{
	static const enum probe trapped[] = {
	    P_CONNECT_TCP,	P_BIND_UDP,	    P_LISTEN,	   P_GETSOCKNAME,
	    P_GETPEERNAME,	P_PEERNAME_OPT,	    P_SIOCGIFCONF, P_SENDTO_FASTOPEN,
	    P_SENDMSG_FASTOPEN, P_SENDMMSG_FASTOPEN};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(trapped) / sizeof(trapped[0]); i++) {
		struct outcome out = probe_with(trapped[i], WITH_TRAP);

		assert_int_equal(out.notified, 1);
		assert_int_equal(out.ret_errno, EXDEV);
		/* Anti-test: without the filter the kernel answers, never EXDEV. */
		out = probe_with(trapped[i], 0);
		assert_int_equal(out.notified, 0);
		assert_int_not_equal(out.ret_errno, EXDEV);
	}
}

static void calls_left_alone(void **state)
{
	static const enum probe untouched[] = {P_TYPE_OPT, P_FIONREAD, P_SENDTO_PLAIN};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(untouched) / sizeof(untouched[0]); i++) {
		struct outcome out = probe_with(untouched[i], WITH_TRAP);

		assert_int_equal(out.notified, 0);
		assert_int_equal(out.ret_errno, probe_with(untouched[i], 0).ret_errno);
	}
}

static void listener_is_cloexec(void **state)
{
	(void)state;
	assert_int_equal(probe_with(P_LISTENER_CLOEXEC, WITH_TRAP).ret_errno, 0);
}

static void entry_points_of_32_bit_x86(void **state)
{
	struct outcome out;

	(void)state;
#if defined(__x86_64__)
	/* Without the filter: does this kernel take int $0x80 at all?  Without IA32 emulation
	 * (this machine's kernel) it is a protection fault: no program reaches these calls that
	 * way, and the filter has nothing to add. */
	out = probe_with(P_I386_CONNECT, 0);
	if (out.ret_errno == ENOSYS || out.ret_errno == -SIGSEGV) {
		print_message("no IA32 emulation: int $0x80 faults, with the filter as without\n");
		assert_int_equal(probe_with(P_I386_CONNECT, WITH_TRAP).ret_errno, out.ret_errno);
		assert_int_equal(probe_with(P_I386_SOCKETCALL, WITH_TRAP).ret_errno, out.ret_errno);
		return;
	}
	out = probe_with(P_I386_CONNECT, WITH_TRAP);
	assert_int_equal(out.notified, 1);
	assert_int_equal(out.arch, AUDIT_ARCH_I386);
	assert_int_equal(out.ret_errno, EXDEV);
	/* socketcall(): refused, never notified; without the filter it reaches the kernel. */
	out = probe_with(P_I386_SOCKETCALL, WITH_TRAP);
	assert_int_equal(out.notified, 0);
	assert_int_equal(out.ret_errno, ENOSYS);
	assert_int_not_equal(probe_with(P_I386_SOCKETCALL, 0).ret_errno, ENOSYS);
#else
	skip();
#endif
}

/* Landlock alone: TCP connect() and bind() refused, UDP and unix sockets untouched. */
static void landlock_refuses_tcp(void **state)
{
	(void)state;
	if (landlock_net_abi() < 4)
		skip(); /* the fast path refuses to start there (landlock.c) */
	assert_int_equal(probe_with(P_CONNECT_LISTENING, WITH_LANDLOCK).ret_errno, EACCES);
	assert_int_equal(probe_with(P_BIND_TCP, WITH_LANDLOCK).ret_errno, EACCES);
	assert_int_equal(probe_with(P_BIND_UDP, WITH_LANDLOCK).ret_errno, 0);
	assert_int_equal(probe_with(P_UNIX_PAIR_CONNECT, WITH_LANDLOCK).ret_errno, 0);
	/* Anti-tests: the same calls without the ruleset succeed. */
	assert_int_equal(probe_with(P_CONNECT_LISTENING, 0).ret_errno, 0);
	assert_int_equal(probe_with(P_BIND_TCP, 0).ret_errno, 0);
}

/*
 * What the trap adds to Landlock: sendto(MSG_FASTOPEN) connects under the ruleset (Landlock
 * does not see it; docs/fast-path.md), and the filter notifies it instead.
 */
static void fastopen_passes_landlock_but_not_the_trap(void **state)
{
	struct outcome out;

	(void)state;
	if (landlock_net_abi() < 4)
		skip();
	out = probe_with(P_FASTOPEN_LISTENING, 0);
	if (out.ret_errno)
		skip(); /* client Fast Open is off here (net.ipv4.tcp_fastopen): nothing to show */
	assert_int_equal(probe_with(P_FASTOPEN_LISTENING, WITH_LANDLOCK).ret_errno, 0);
	out = probe_with(P_FASTOPEN_LISTENING, WITH_LANDLOCK | WITH_TRAP);
	assert_int_equal(out.notified, 1);
	assert_int_equal(out.ret_errno, EXDEV);
}

static int listener_up(void **state)
{
	struct sockaddr_in a = loopback(0);
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, len) || listen(fd, 64) ||
	    getsockname(fd, (struct sockaddr *)&a, &len))
		return -1;
	listen_port = ntohs(a.sin_port);
	*state = (void *)(intptr_t)fd;
	return 0;
}

static int listener_down(void **state)
{
	return close((int)(intptr_t)*state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(notified_calls),
	    cmocka_unit_test(calls_left_alone),
	    cmocka_unit_test(listener_is_cloexec),
	    cmocka_unit_test(entry_points_of_32_bit_x86),
	    cmocka_unit_test(landlock_refuses_tcp),
	    cmocka_unit_test(fastopen_passes_landlock_but_not_the_trap),
	};

	return cmocka_run_group_tests_name("socket_trap", tests, listener_up, listener_down);
}
