/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test_fast_path.c - the supervisor's side of the fast path (fast_path.c) serving a real
 * program: a forked child restricts itself as sluice's program would (Landlock, the notifying
 * filter), hands the listener over and runs a scenario of socket calls; this process serves
 * them with fast_path_serve().  A scenario exits 0, or the number of the step that went wrong.
 * Everything stays on 127.0.0.1 and abstract unix addresses of this process's namespace.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "channel.h"
#include "dial.h"
#include "fast_path.h"
#include "landlock.h"
#include "program_restrictions.h"

/* The child makes host_tcp[] here, then moves to network (and user) namespaces of its own,
 * whose cookie the server gets: those sockets are then "host sockets" to the server, as the
 * fast path's will be, and the scenario's own sockets are the sandbox's. */
#define OWN_NETNS 4 /* next to program_restrictions.h's WITH_ flags */

#define N_HOST_TCP 32
static int host_tcp[N_HOST_TCP];

typedef int (*scenario_fn)(void);

static struct sockaddr_in loopback(in_port_t port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static uint64_t own_netns_cookie(void)
{
	uint64_t cookie = 0;
	socklen_t len = sizeof(cookie);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len), 0);
	close(fd);
	return cookie;
}

/*
 * Forks a program restricted as sluice's is (@what) that runs @scenario, once @go (a pipe,
 * or NULL) reads end of file.  With WITH_TRAP, *@listener gets its filter's listener (not
 * yet served by anyone) and *@cookie its network namespace's cookie; else -1 and as given.
 */
static pid_t start_program(scenario_fn scenario, int what, const int *go, int *listener,
			   uint64_t *cookie)
{
	int sv[2], fds[CHANNEL_MAX_FDS], i;
	size_t n_fds = 0;
	pid_t pid;

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char c;

		close(sv[0]);
		if (go)
			close(go[1]);
		if (what & OWN_NETNS) {
			for (i = 0; i < N_HOST_TCP; i++)
				host_tcp[i] = socket(AF_INET, SOCK_STREAM, 0);
			if (unshare(CLONE_NEWUSER | CLONE_NEWNET))
				_exit(249);
			*cookie = own_netns_cookie();
		}
		i = restrict_like_the_program(what, sv[1], cookie, sizeof(*cookie));
		if (i >= 0)
			close(i);
		close(sv[1]);
		if (go && read(go[0], &c, 1) != 0)
			_exit(248);
		_exit(scenario());
	}
	close(sv[1]);
	*listener = -1;
	if (what & WITH_TRAP) {
		assert_int_equal(channel_recv_bytes(sv[0], cookie, sizeof(*cookie), fds, &n_fds, 0),
				 sizeof(*cookie));
		assert_int_equal(n_fds, 1);
		*listener = fds[0];
	}
	close(sv[0]);
	return pid;
}

/* Runs @scenario in a child under @what, serving it with @config; returns its exit status
 * (0: every step passed), or -1 if it did not exit within 10 s (then it is killed). */
static int run_scenario(scenario_fn scenario, int what, const struct fast_path_config *config,
			uint64_t *calls)
{
	struct sl_err err;
	struct fast_path *fp = NULL;
	struct fast_path_config served_config = *config;
	int listener, status = -1, i;
	struct timespec t0, now = {0};
	pid_t pid;

	pid = start_program(scenario, what, NULL, &listener, &served_config.sandbox_netns_cookie);
	if (listener >= 0) {
		fp = fast_path_new(listener, &served_config, &err);
		assert_non_null(fp);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0;; i++) { /* 10 s at most */
		struct pollfd pfd = {.fd = fp ? fast_path_fd(fp) : -1, .events = POLLIN};

		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - t0.tv_sec >= 10)
			break;
		if (poll(&pfd, 1, 10) > 0 && fp)
			fast_path_serve(fp);
	}
	if (now.tv_sec - t0.tv_sec >= 10) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		status = -1;
	} else {
		assert_true(WIFEXITED(status));
		status = WEXITSTATUS(status);
		assert_true(status < 249); /* the child's own setup worked */
	}
	if (calls)
		*calls = fp ? fast_path_calls(fp) : 0;
	fast_path_free(fp);
	return status;
}

static int served(scenario_fn scenario, unsigned int port_start)
{
	struct fast_path_config config = {.sandbox_netns_cookie = own_netns_cookie(),
					  .unprivileged_port_start = port_start};

	return run_scenario(scenario, WITH_LANDLOCK | WITH_TRAP, &config, NULL);
}

/* A TCP server and a client in the program: every call served, the bytes flow. */
static int tcp_inside(void)
{
	struct sockaddr_in a = loopback(0), peer, opt;
	socklen_t len = sizeof(a), plen = sizeof(peer), olen = sizeof(opt);
	int srv = socket(AF_INET, SOCK_STREAM, 0), cli = socket(AF_INET, SOCK_STREAM, 0), acc;
	char c = 0;

	if (bind(srv, (struct sockaddr *)&a, sizeof(a)))
		return 1;
	if (listen(srv, 4))
		return 2;
	if (getsockname(srv, (struct sockaddr *)&a, &len) || len != sizeof(a) || !a.sin_port)
		return 3;
	if (connect(cli, (struct sockaddr *)&a, sizeof(a))) /* blocking: answered later */
		return 4;
	acc = accept(srv, NULL, NULL);
	if (acc < 0 || write(cli, "x", 1) != 1 || read(acc, &c, 1) != 1 || c != 'x')
		return 5;
	if (getpeername(cli, (struct sockaddr *)&peer, &plen) || plen != sizeof(peer) ||
	    peer.sin_port != a.sin_port)
		return 6;
	if (getsockopt(cli, SOL_SOCKET, SO_PEERNAME, &opt, &olen) || opt.sin_port != a.sin_port)
		return 7;
	/* A short buffer gets the start of the address and the whole length, as from the kernel. */
	plen = 2;
	memset(&peer, 0, sizeof(peer));
	if (getpeername(cli, (struct sockaddr *)&peer, &plen) || plen != sizeof(peer) ||
	    peer.sin_family != AF_INET || peer.sin_port)
		return 8;
	if (connect(cli, (struct sockaddr *)&a, sizeof(a)) == 0 || errno != EISCONN)
		return 9;
	/* SO_PEERNAME into 4 bytes: 4 written and reported (the kernel's way), nothing past them.
	 */
	memset(&opt, 0x5a, sizeof(opt));
	olen = 4;
	if (getsockopt(cli, SOL_SOCKET, SO_PEERNAME, &opt, &olen) || olen != 4 ||
	    opt.sin_family != AF_INET || ((unsigned char *)&opt)[4] != 0x5a)
		return 10;
	return 0;
}

static void *tcp_inside_thread(void *result)
{
	*(int *)result = tcp_inside();
	return NULL;
}

/* The same from a thread that is not the process's first: the call names the thread. */
static int tcp_in_a_thread(void)
{
	pthread_t thread;
	int result = -1;

	if (pthread_create(&thread, NULL, tcp_inside_thread, &result) || pthread_join(thread, NULL))
		return 50;
	return result;
}

static int nonblocking_connect(void)
{
	struct sockaddr_in a = loopback(0);
	socklen_t len = sizeof(a);
	int srv = socket(AF_INET, SOCK_STREAM, 0),
	    cli = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct pollfd pfd = {.fd = cli, .events = POLLOUT};
	int error = -1;

	if (bind(srv, (struct sockaddr *)&a, sizeof(a)) || listen(srv, 4) ||
	    getsockname(srv, (struct sockaddr *)&a, &len))
		return 1;
	if (connect(cli, (struct sockaddr *)&a, sizeof(a)) && errno != EINPROGRESS)
		return 2;
	len = sizeof(error);
	if (poll(&pfd, 1, 5000) != 1 || getsockopt(cli, SOL_SOCKET, SO_ERROR, &error, &len) ||
	    error)
		return 3;
	if (!(fcntl(cli, F_GETFL) & O_NONBLOCK))
		return 4;
	return 0;
}

/* A blocking connect() to a closed port fails as the kernel's would, the flags untouched. */
static int refused_connect(void)
{
	struct sockaddr_in a = loopback(0);
	socklen_t len = sizeof(a);
	int probe = socket(AF_INET, SOCK_DGRAM, 0), cli = socket(AF_INET, SOCK_STREAM, 0);

	/* A port nothing listens on: one a UDP socket just took, in TCP's space. */
	if (bind(probe, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(probe, (struct sockaddr *)&a, &len))
		return 1;
	if (connect(cli, (struct sockaddr *)&a, sizeof(a)) == 0 || errno != ECONNREFUSED)
		return 2;
	if (fcntl(cli, F_GETFL) & O_NONBLOCK)
		return 3;
	return 0;
}

static in_port_t privileged_port;

static int bind_privileged(void)
{
	struct sockaddr_in a = loopback(privileged_port);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	return bind(fd, (struct sockaddr *)&a, sizeof(a)) ? errno : 0;
}

/* The same port as AF_UNSPEC with INADDR_ANY, which an AF_INET socket binds as AF_INET. */
static int bind_privileged_unspec(void)
{
	struct sockaddr_in a = {.sin_family = AF_UNSPEC, .sin_port = htons(privileged_port)};
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	return bind(fd, (struct sockaddr *)&a, sizeof(a)) ? errno : 0;
}

/* UDP and unix sockets: let through, and they work. */
static int other_sockets(void)
{
	struct sockaddr_in a = loopback(0);
	struct sockaddr_un un = {.sun_family = AF_UNIX};
	socklen_t len = sizeof(a), un_len;
	int u1 = socket(AF_INET, SOCK_DGRAM, 0), u2 = socket(AF_INET, SOCK_DGRAM, 0);
	int us = socket(AF_UNIX, SOCK_STREAM, 0), uc = socket(AF_UNIX, SOCK_STREAM, 0);
	char c = 0;

	if (bind(u1, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(u1, (struct sockaddr *)&a, &len))
		return 1;
	if (connect(u2, (struct sockaddr *)&a, sizeof(a)) || send(u2, "y", 1, 0) != 1 ||
	    recv(u1, &c, 1, 0) != 1 || c != 'y')
		return 2;
	un_len =
	    offsetof(struct sockaddr_un, sun_path) + 1 +
	    (socklen_t)snprintf(un.sun_path + 1, sizeof(un.sun_path) - 1, "sluice-fp-%d", getpid());
	if (bind(us, (struct sockaddr *)&un, un_len) || listen(us, 1) ||
	    connect(uc, (struct sockaddr *)&un, un_len))
		return 3;
	return 0;
}

static int interface_queries(void)
{
	struct ifreq ifr;
	struct ifconf ifc;
	char buf[4096];
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (if_nametoindex("lo") != 1)
		return 1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) || !(ifr.ifr_flags & IFF_LOOPBACK))
		return 2;
	ifc.ifc_len = sizeof(buf);
	ifc.ifc_buf = buf;
	if (ioctl(fd, SIOCGIFCONF, &ifc) || ifc.ifc_len < (int)sizeof(struct ifreq) ||
	    strcmp(((struct ifreq *)buf)->ifr_name, "lo"))
		return 3;
	ifc.ifc_buf = NULL; /* asks for the length only */
	if (ioctl(fd, SIOCGIFCONF, &ifc) || ifc.ifc_len < (int)sizeof(struct ifreq))
		return 4;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) == 0 || errno != EPERM)
		return 5;
	if (ioctl(-1, SIOCGIFFLAGS, &ifr) == 0 || errno != EBADF)
		return 6;
	if (ioctl(0, SIOCGIFFLAGS, &ifr) == 0 || errno != ENOTTY)
		return 7;
	return 0;
}

static int fastopen(void)
{
	struct sockaddr_in a = loopback(9);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	return sendto(fd, "x", 1, MSG_FASTOPEN, (struct sockaddr *)&a, sizeof(a)) == -1 &&
		       errno == EOPNOTSUPP
		   ? 0
		   : 1;
}

/*
 * Every call on a host socket is refused or answered with the sandbox's view, none let
 * through; the program's own still served.  (This one was not handed over: no peer known.)
 */
static int host_sockets_refused(void)
{
	struct sockaddr_in a = loopback(0);
	socklen_t len = sizeof(a);
	int fd = host_tcp[0], u = socket(AF_INET, SOCK_DGRAM, 0),
	    t = socket(AF_INET, SOCK_STREAM, 0);
	struct ifreq ifr = {0};

	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0 || errno != EISCONN)
		return 1;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 || errno != EINVAL)
		return 2;
	if (listen(fd, 1) == 0 || errno != EOPNOTSUPP)
		return 3;
	if (getsockname(fd, (struct sockaddr *)&a, &len) ||
	    a.sin_addr.s_addr != inet_addr("198.18.0.1"))
		return 4;
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0 || errno != ENOTTY)
		return 5;
	len = sizeof(a);
	if (getpeername(fd, (struct sockaddr *)&a, &len) == 0 || errno != ENOTCONN)
		return 8;
	if (bind(u, (struct sockaddr *)&a, sizeof(a))) /* the sandbox's UDP: let through */
		return 6;
	if (bind(t, (struct sockaddr *)&a, sizeof(a)) || listen(t, 1)) /* the sandbox's TCP */
		return 7;
	return 0;
}

/*
 * The hand-over.  The server's dial connects a socket of this process's namespace to
 * handover_listener (standing in for the relay and its first hop) and passes it back as the
 * relay does; the child, in namespaces of its own, connects to an address outside.
 */
static int handover_listener = -1;
static bool handover_fails;
static struct sockaddr_storage handover_dialed;

static int test_dial(void *ctx, int requester, const struct sockaddr_storage *destination)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd;

	(void)ctx;
	handover_dialed = *destination;
	if (!handover_fails && !getsockname(handover_listener, (struct sockaddr *)&a, &len)) {
		fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd >= 0 && (!connect(fd, (struct sockaddr *)&a, len) || errno == EINPROGRESS))
			dial_send_socket(requester, DIAL_ANSWER_SOCKET, fd);
		if (fd >= 0)
			close(fd);
	}
	close(requester); /* without an answer: the connection failed */
	return 0;
}

static struct sockaddr_in outside(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(80)};

	a.sin_addr.s_addr = inet_addr("203.0.113.5");
	return a;
}

static int handed_over(void)
{
	struct sockaddr_in to = outside(), name;
	socklen_t len = sizeof(name);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0),
	    nb = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	if (connect(fd, (struct sockaddr *)&to, sizeof(to)))
		return 1;
	if (send(fd, "hi", 2, 0) != 2)
		return 2;
	if (getpeername(fd, (struct sockaddr *)&name, &len) ||
	    name.sin_addr.s_addr != to.sin_addr.s_addr || name.sin_port != to.sin_port)
		return 3;
	len = sizeof(name);
	if (getsockname(fd, (struct sockaddr *)&name, &len) ||
	    name.sin_addr.s_addr != inet_addr("198.18.0.1"))
		return 4;
	if ((fcntl(fd, F_GETFL) & O_NONBLOCK) || !(fcntl(fd, F_GETFD) & FD_CLOEXEC))
		return 5; /* the program's flags, not those of the socket passed in */
	if (connect(fd, (struct sockaddr *)&to, sizeof(to)) == 0 || errno != EISCONN)
		return 6;
	if (connect(nb, (struct sockaddr *)&to, sizeof(to))) /* done: 0, not EINPROGRESS */
		return 7;
	if (!(fcntl(nb, F_GETFL) & O_NONBLOCK) || (fcntl(nb, F_GETFD) & FD_CLOEXEC))
		return 8;
	return 0;
}

static int handover_refused(void)
{
	struct sockaddr_in to = outside();
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	return connect(fd, (struct sockaddr *)&to, sizeof(to)) == -1 && errno == ECONNREFUSED ? 0
											      : 1;
}

static void connections_handed_over(void **state)
{
	struct sockaddr_in a = loopback(0);
	struct fast_path_config config = {.unprivileged_port_start = 1024, .dial = test_dial};
	const struct sockaddr_in *dialed = (const struct sockaddr_in *)&handover_dialed;
	char buf[4] = {0};
	int conn;

	(void)state;
	handover_listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_int_equal(bind(handover_listener, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(handover_listener, 8), 0);
	handover_fails = false;
	assert_int_equal(
	    run_scenario(handed_over, WITH_LANDLOCK | WITH_TRAP | OWN_NETNS, &config, NULL), 0);
	assert_int_equal(dialed->sin_addr.s_addr, inet_addr("203.0.113.5"));
	assert_int_equal(ntohs(dialed->sin_port), 80);
	conn = accept(handover_listener, NULL, NULL);
	assert_true(conn >= 0);
	assert_int_equal(recv(conn, buf, sizeof(buf), 0), 2); /* the program's bytes came here */
	assert_string_equal(buf, "hi");
	close(conn);
	handover_fails = true;
	assert_int_equal(
	    run_scenario(handover_refused, WITH_LANDLOCK | WITH_TRAP | OWN_NETNS, &config, NULL),
	    0);
	/* Anti-test: without the hand-over, the child's own namespace has no way there. */
	config.dial = NULL;
	assert_int_not_equal(
	    run_scenario(handover_refused, WITH_LANDLOCK | WITH_TRAP | OWN_NETNS, &config, NULL),
	    0);
	close(handover_listener);
}

/*
 * A program that joins later (sluice exec) brings a filter of its own: the same fast path
 * serves both, and the first one's ending does not end the service of the second, which
 * starts its calls only then.  The server reports -ENOTCONN once neither is left.
 * Anti-test: a joined program whose listener nobody serves hangs in its first call.
 */
static void joined_programs_served(void **state)
{
	struct fast_path_config config = {.sandbox_netns_cookie = own_netns_cookie(),
					  .unprivileged_port_start = 1024};
	struct sl_err err;
	struct fast_path *fp;
	int first, joined, unserved, go[2], status = -1, ret = 0, i;
	int exits[2] = {-1, -1};
	uint64_t cookie = config.sandbox_netns_cookie;
	pid_t pids[2], lone;

	(void)state;
	pids[0] = start_program(tcp_inside, WITH_LANDLOCK | WITH_TRAP, NULL, &first, &cookie);
	fp = fast_path_new(first, &config, &err);
	assert_non_null(fp);
	assert_int_equal(pipe2(go, O_CLOEXEC), 0);
	pids[1] = start_program(tcp_inside, WITH_LANDLOCK | WITH_TRAP, go, &joined, &cookie);
	close(go[0]);
	assert_int_equal(fast_path_add_listener(fp, joined, &err), 0);
	for (i = 0; i < 1000 && ret != -ENOTCONN; i++) { /* 10 s at most */
		struct pollfd pfd = {.fd = fast_path_fd(fp), .events = POLLIN};

		if (poll(&pfd, 1, 10) > 0)
			ret = fast_path_serve(fp);
		if (exits[0] < 0 && waitpid(pids[0], &status, WNOHANG) == pids[0]) {
			exits[0] = WIFEXITED(status) ? WEXITSTATUS(status) : 255;
			close(go[1]); /* the joined program starts its calls now */
		}
		if (exits[1] < 0 && waitpid(pids[1], &status, WNOHANG) == pids[1])
			exits[1] = WIFEXITED(status) ? WEXITSTATUS(status) : 255;
	}
	/* Its filter can hang up a moment before it can be reaped.  Had the service ended with
	 * the first program, it would hang in its first call and be killed here. */
	for (i = 0; i < 200 && exits[1] < 0; i++) {
		if (waitpid(pids[1], &status, WNOHANG) == pids[1])
			exits[1] = WIFEXITED(status) ? WEXITSTATUS(status) : 255;
		else
			usleep(10 * 1000);
	}
	if (exits[1] < 0) {
		kill(pids[1], SIGKILL);
		waitpid(pids[1], &status, 0);
	}
	assert_int_equal(exits[0], 0);
	assert_int_equal(exits[1], 0);
	assert_int_equal(ret, -ENOTCONN);
	assert_true(fast_path_calls(fp) >= 2 * 8); /* each scenario makes at least 8 calls */
	fast_path_free(fp);

	lone = start_program(tcp_inside, WITH_LANDLOCK | WITH_TRAP, NULL, &unserved, &cookie);
	usleep(300 * 1000);
	assert_int_equal(waitpid(lone, &status, WNOHANG), 0);
	kill(lone, SIGKILL);
	assert_int_equal(waitpid(lone, &status, 0), lone);
	close(unserved);
}

static void tcp_calls_served(void **state)
{
	(void)state;
	assert_int_equal(served(tcp_inside, 1024), 0);
	assert_int_equal(served(tcp_in_a_thread, 1024), 0);
	assert_int_equal(served(nonblocking_connect, 1024), 0);
	assert_int_equal(served(refused_connect, 1024), 0);
}

static void landlock_alone_refuses_them(void **state)
{
	struct fast_path_config config = {.sandbox_netns_cookie = own_netns_cookie(),
					  .unprivileged_port_start = 1024};

	(void)state;
	/* Anti-test: the scenario needs the server; under Landlock alone its first bind fails. */
	assert_int_equal(run_scenario(tcp_inside, WITH_LANDLOCK, &config, NULL), 1);
	assert_int_equal(run_scenario(tcp_inside, 0, &config, NULL), 0);
}

static void privileged_ports_stay_refused(void **state)
{
	(void)state;
	privileged_port = (in_port_t)(1000 + getpid() % 20);
	assert_int_equal(served(bind_privileged, 1024), EACCES);
	assert_int_equal(served(bind_privileged, privileged_port + 1), EACCES);
	assert_int_equal(served(bind_privileged_unspec, 1024), EACCES);
	/* Anti-test: the check is the server's, not the kernel's, when the server may bind it. */
	if (geteuid() != 0)
		skip();
	assert_int_equal(served(bind_privileged, privileged_port), 0);
	assert_int_equal(served(bind_privileged_unspec, privileged_port), 0);
}

static void other_sockets_let_through(void **state)
{
	uint64_t calls = 0;
	struct fast_path_config config = {.sandbox_netns_cookie = own_netns_cookie(),
					  .unprivileged_port_start = 1024};

	(void)state;
	assert_int_equal(run_scenario(other_sockets, WITH_LANDLOCK | WITH_TRAP, &config, &calls),
			 0);
	assert_true(calls >= 6);
}

static void socket_ioctls(void **state)
{
	(void)state;
	assert_int_equal(served(interface_queries, 1024), 0);
	assert_int_equal(served(fastopen, 1024), 0);
}

static void host_sockets_fail_closed(void **state)
{
	struct fast_path_config config = {.unprivileged_port_start = 1024};

	(void)state;
	assert_int_equal(run_scenario(host_sockets_refused, WITH_LANDLOCK | WITH_TRAP | OWN_NETNS,
				      &config, NULL),
			 0);
}

/*
 * The race of docs/fast-path.md: one thread connect()s fd RACE_FD, a unix socket of the
 * sandbox, to 127.0.0.1:PORT (the server lets a unix socket's connect() through), while
 * another keeps putting a host TCP socket at that fd number.  A connect() let through after
 * its check that then runs on the TCP socket reaches the listener at PORT, outside.  With
 * Landlock it never does.
 */
#define RACE_FD 100
static volatile int race_tcp = -1;
static int race_unix = -1;
static in_port_t race_port;
static volatile int race_stop;

/* Each state is held a while, so that a check and the call after it may see different ones. */
static void hold(int n)
{
	volatile int i;

	for (i = 0; i < n; i++)
		;
}

static void *race_swap_fd(void *arg)
{
	(void)arg;
	while (!race_stop) {
		dup2(race_tcp, RACE_FD);
		hold(3000);
		dup2(race_unix, RACE_FD);
		hold(3000);
	}
	return NULL;
}

static int race(void)
{
	struct sockaddr_in to = loopback(race_port);
	struct timespec t0, now;
	pthread_t t1;
	int i;

	race_tcp = host_tcp[0];
	race_unix = socket(AF_UNIX, SOCK_STREAM, 0);
	dup2(race_unix, RACE_FD);
	if (pthread_create(&t1, NULL, race_swap_fd, NULL))
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < 200000; i++) {
		connect(RACE_FD, (struct sockaddr *)&to, sizeof(to));
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - t0.tv_sec >= 2)
			break;
		if (i % 64 == 0) /* another host socket now and then: one that connected is spent */
			race_tcp = host_tcp[(i / 64) % N_HOST_TCP];
	}
	race_stop = 1;
	pthread_join(t1, NULL);
	return 0;
}

/* Connections the listener received during the race; each is a let-through TCP connect(). */
static int race_leaks(int what)
{
	struct sockaddr_in a = loopback(0);
	socklen_t len = sizeof(a);
	struct fast_path_config config = {.unprivileged_port_start = 1024};
	int srv = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), n = 0, fd;

	assert_int_equal(bind(srv, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(srv, 4096), 0);
	assert_int_equal(getsockname(srv, (struct sockaddr *)&a, &len), 0);
	race_port = ntohs(a.sin_port);
	uint64_t calls = 0;

	assert_int_equal(run_scenario(race, what | OWN_NETNS, &config, &calls), 0);
	assert_true(calls > 0);
	while ((fd = accept(srv, NULL, NULL)) >= 0) {
		n++;
		close(fd);
	}
	close(srv);
	return n;
}

static void swapped_socket_race(void **state)
{
	int leaks;

	(void)state;
	assert_int_equal(race_leaks(WITH_LANDLOCK | WITH_TRAP), 0);
	/* Anti-test: the same race under the filter alone gets connections through. */
	leaks = race_leaks(WITH_TRAP);
	print_message("without Landlock the race connected %d times in 2 s\n", leaks);
	assert_true(leaks > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(tcp_calls_served),
	    cmocka_unit_test(joined_programs_served),
	    cmocka_unit_test(landlock_alone_refuses_them),
	    cmocka_unit_test(privileged_ports_stay_refused),
	    cmocka_unit_test(other_sockets_let_through),
	    cmocka_unit_test(socket_ioctls),
	    cmocka_unit_test(host_sockets_fail_closed),
	    cmocka_unit_test(connections_handed_over),
	    cmocka_unit_test(swapped_socket_race),
	};

	if (landlock_net_abi() < 4) {
		print_message(
		    "this kernel lacks Landlock's network rules: the fast path refuses to start\n");
		return 0;
	}
	return cmocka_run_group_tests_name("fast_path", tests, NULL, NULL);
}
