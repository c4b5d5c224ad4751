/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * fast_path.c - the supervisor's side of the fast path (see fast_path.h).  Owns reading a
 * notification, taking the program's file and memory for it, and answering it; does not
 * decide which calls are notified (socket_trap.c) or how the program is restricted
 * (landlock.c).
 *
 * Every answer comes from a call made here on the program's file, never from letting the
 * program's call run after a look at it (docs/fast-path.md): the only calls let through are a
 * connect() or bind() of a socket that is not TCP.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <linux/sockios.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include "dial.h"
#include "fast_path.h"
#include "firewall.h"
#include "log.h"
#include "sandbox_net.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif
#ifndef SO_COOKIE
#define SO_COOKIE 57
#endif
#ifndef SIOCGSTAMP_NEW
#define SIOCGSTAMP_NEW	 0x80108906u
#define SIOCGSTAMPNS_NEW 0x80108907u
#endif
#define X32_SYSCALL_BIT	  0x40000000
#define PIDFD_THREAD_FLAG 0x80 /* <linux/pidfd.h> PIDFD_THREAD (O_EXCL), Linux 6.9 */
#define SOCKADDR_MAX	  ((socklen_t)sizeof(struct sockaddr_storage))
#define IFCONF_MAX	  (64 * 1024)
#define HANDED_OVER_MAX	  8192 /* hand-overs whose asked destination is remembered */
/* An epoll event's data: LISTENER_TAG | a listener's slot, else a pending connect's + 1. */
#define LISTENER_TAG (1ULL << 63)
/* getsockname() of a host socket: a port of the default ephemeral range, from its cookie. */
#define MADE_UP_PORT_BASE  32768
#define MADE_UP_PORT_RANGE 28232

enum call {
	CALL_NONE,
	CALL_CONNECT,
	CALL_BIND,
	CALL_LISTEN,
	CALL_GETSOCKNAME,
	CALL_GETPEERNAME,
	CALL_GETSOCKOPT,
	CALL_IOCTL,
	CALL_FASTOPEN, /* sendto(), sendmsg(), sendmmsg() with MSG_FASTOPEN */
};

/*
 * The notified calls by entry point.  32-bit x86 numbers are those of the kernel's
 * syscall_32.tbl (libseccomp 2.5 names the socketcall() multiplexer for them instead); x32's
 * are asked of libseccomp at start.
 */
static const struct call_numbers {
	const char *name;
	enum call call;
	int native;
	int i386;
} call_numbers[] = {
    {"connect", CALL_CONNECT, SCMP_SYS(connect), 362},
    {"bind", CALL_BIND, SCMP_SYS(bind), 361},
    {"listen", CALL_LISTEN, SCMP_SYS(listen), 363},
    {"getsockname", CALL_GETSOCKNAME, SCMP_SYS(getsockname), 367},
    {"getpeername", CALL_GETPEERNAME, SCMP_SYS(getpeername), 368},
    {"getsockopt", CALL_GETSOCKOPT, SCMP_SYS(getsockopt), 365},
    {"ioctl", CALL_IOCTL, SCMP_SYS(ioctl), 54},
    {"sendto", CALL_FASTOPEN, SCMP_SYS(sendto), 369},
    {"sendmsg", CALL_FASTOPEN, SCMP_SYS(sendmsg), 370},
    {"sendmmsg", CALL_FASTOPEN, SCMP_SYS(sendmmsg), 345},
};
#define N_CALLS (sizeof(call_numbers) / sizeof(call_numbers[0]))

/*
 * A connect() under way, answered when it is done: a blocking one made in the sandbox (the
 * socket becomes writable), or a hand-over (the relay answers on @answer).
 */
struct pending_connect {
	int listener; /* whose notification */
	uint64_t id;
	int copy;      /* the program's socket, -1 for a free slot */
	int answer;    /* a hand-over: our end of the socket pair the relay answers on; else -1 */
	int fd_number; /* a hand-over: where the program has its socket */
	pid_t tid;     /* ... and which thread asked (its fd table) */
	struct sockaddr_storage to; /* as the program gave it */
	socklen_t to_len;
};

/* A host socket put in the program's place, by SO_COOKIE (never reused while the system
 * runs), and the destination the program asked for. */
struct handed_over {
	uint64_t cookie;
	struct sockaddr_in6 asked; /* room for either family, as the program gave it */
	socklen_t asked_len;
};

struct fast_path {
	int listeners[FAST_PATH_LISTENERS_MAX]; /* -1: a free slot */
	size_t n_listeners;
	int epoll_fd;
	struct fast_path_config config;
	int x32[N_CALLS];
	struct pending_connect *pending;
	size_t n_pending;
	struct handed_over *handed; /* a ring of HANDED_OVER_MAX, allocated at the first */
	uint64_t calls, n_handed;
	bool warned_access;
};

/* What a handler decided, when it is not a result or a negative errno. */
#define ANSWER_CONTINUE (-100000L) /* let the call run (connect()/bind() of a non-TCP socket) */
#define ANSWER_PENDING	(-100001L) /* answered later (a blocking connect() under way) */
#define ANSWER_NONE	(-100002L) /* nothing to answer: the caller is gone */

/* One notification being served: the program's thread, file and memory, taken once. */
struct call_ctx {
	int listener; /* the filter that notified */
	const struct seccomp_notif *req;
	bool compat; /* 32-bit x86 or x32 entry point: other structure layouts */
	int pidfd, mem, copy;
	int type, protocol;
	bool host;		    /* the socket is not of the sandbox's network namespace */
	struct sockaddr_storage to; /* a pending connect()'s address */
	socklen_t to_len;
	int answer; /* a hand-over under way: the socket pair's end the relay answers on */
};

static enum call call_of(const struct fast_path *fp, const struct seccomp_data *data, bool *compat)
{
	size_t i;

	*compat = data->arch != AUDIT_ARCH_X86_64 || (data->nr & X32_SYSCALL_BIT);
	for (i = 0; i < N_CALLS; i++) {
		if (data->arch == AUDIT_ARCH_X86_64 &&
		    data->nr ==
			((data->nr & X32_SYSCALL_BIT) ? fp->x32[i] : call_numbers[i].native))
			return call_numbers[i].call;
		if (data->arch == AUDIT_ARCH_I386 && data->nr == call_numbers[i].i386)
			return call_numbers[i].call;
	}
	return CALL_NONE;
}

static int id_valid(int listener, uint64_t id)
{
	return !ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id);
}

/* The caller's memory, opened before the id is checked (then the fd is the right process's). */
static int read_mem(const struct call_ctx *c, uint64_t addr, void *buf, size_t len)
{
	return pread(c->mem, buf, len, (off_t)addr) == (ssize_t)len ? 0 : -EFAULT;
}

static int write_mem(const struct call_ctx *c, uint64_t addr, const void *buf, size_t len)
{
	return pwrite(c->mem, buf, len, (off_t)addr) == (ssize_t)len ? 0 : -EFAULT;
}

static int sockopt_int(int fd, int name)
{
	int value = -1;
	socklen_t len = sizeof(value);

	return getsockopt(fd, SOL_SOCKET, name, &value, &len) ? -1 : value;
}

/* Takes the program's file named by the call's first argument, and what kind it is. */
static long take_file(const struct fast_path *fp, struct call_ctx *c)
{
	uint64_t cookie = 0;
	socklen_t len = sizeof(cookie);
	struct stat st;

	c->copy = (int)syscall(SYS_pidfd_getfd, c->pidfd, (int)c->req->data.args[0], 0);
	if (c->copy < 0)
		return errno == EBADF ? -EBADF : -EPERM;
	if (fstat(c->copy, &st) || !S_ISSOCK(st.st_mode))
		return -ENOTSOCK;
	c->type = sockopt_int(c->copy, SO_TYPE);
	c->protocol = sockopt_int(c->copy, SO_PROTOCOL);
	if (getsockopt(c->copy, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len))
		return -EPERM; /* fail closed: a socket whose namespace is unknown is not served */
	c->host = cookie != fp->config.sandbox_netns_cookie;
	return 0;
}

/* Reads the sockaddr argument at @addr of @len bytes, as the kernel's move_addr_to_kernel(). */
static long read_sockaddr(const struct call_ctx *c, uint64_t addr, uint64_t len,
			  struct sockaddr_storage *ss)
{
	if (len > SOCKADDR_MAX)
		return -EINVAL;
	memset(ss, 0, sizeof(*ss));
	return len ? read_mem(c, addr, ss, (size_t)len) : 0;
}

/*
 * The port a bind() asks for, whatever the family field says: an AF_INET socket binds an
 * AF_UNSPEC address as AF_INET (inet_bind()'s compatibility rule), and a family the kernel
 * refuses only costs that call an EACCES instead of its EAFNOSUPPORT.
 */
static in_port_t port_of(const struct sockaddr_storage *ss, socklen_t len)
{
	_Static_assert(offsetof(struct sockaddr_in, sin_port) ==
			   offsetof(struct sockaddr_in6, sin6_port),
		       "the port is at the same place in both");
	if (len < offsetof(struct sockaddr_in, sin_port) + sizeof(in_port_t))
		return 0;
	return ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

/* What this stage performs itself: TCP stream sockets.  Every other connect() or bind() is
 * let through, where Landlock stops any TCP socket swapped in meanwhile. */
static bool tcp_stream(const struct call_ctx *c)
{
	return c->type == SOCK_STREAM && c->protocol == IPPROTO_TCP;
}

/*
 * Is @ss (@len bytes) a destination for the hand-over, on @c's socket?  One the firewall
 * sends to the relay, of the socket's own family, on a socket that has not connected yet
 * (else the kernel's answer: EALREADY while it connects, EISCONN after).
 * Return: 1 yes, 0 no (connect in the sandbox), or a negative errno to answer.
 */
static int hand_over_wanted(const struct fast_path *fp, const struct call_ctx *c,
			    const struct sockaddr_storage *ss, socklen_t len)
{
	struct tcp_info info;
	socklen_t info_len = sizeof(info);

	if (!fp->config.dial ||
	    !firewall_sends_tcp_to_relay((const struct sockaddr *)ss, len,
					 fp->config.allow_host_loopback) ||
	    sockopt_int(c->copy, SO_DOMAIN) != ss->ss_family)
		return 0;
	memset(&info, 0, sizeof(info));
	if (getsockopt(c->copy, IPPROTO_TCP, TCP_INFO, &info, &info_len))
		return -EBADF;
	if (info.tcpi_state == TCP_SYN_SENT)
		return -EALREADY;
	return info.tcpi_state == TCP_CLOSE ? 1 : -EISCONN;
}

/* Asks the relay for a connection to @ss (kept in @c for the answer). */
static long start_hand_over(struct fast_path *fp, struct call_ctx *c,
			    const struct sockaddr_storage *ss, socklen_t len)
{
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;
	struct sockaddr_storage dest = *ss;
	int pair[2];

	/* An IPv4-mapped address is an IPv4 connection, for the relay as for the kernel. */
	if (ss->ss_family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&dest;
		in_port_t port = sin6->sin6_port;
		struct in_addr a4;

		memcpy(&a4, &sin6->sin6_addr.s6_addr[12], sizeof(a4));
		memset(&dest, 0, sizeof(dest));
		sin->sin_family = AF_INET;
		sin->sin_port = port;
		sin->sin_addr = a4;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, pair))
		return -ENOBUFS;
	if (fp->config.dial(fp->config.dial_ctx, pair[1], &dest)) { /* the relay is full */
		close(pair[0]);
		return -EAGAIN;
	}
	c->answer = pair[0];
	c->to = *ss;
	c->to_len = len;
	return ANSWER_PENDING;
}

static long serve_connect(struct fast_path *fp, struct call_ctx *c)
{
	struct sockaddr_storage ss;
	socklen_t len = (socklen_t)c->req->data.args[2];
	long ret;
	int flags;

	if (c->host)
		return -EISCONN;
	if (!tcp_stream(c))
		return ANSWER_CONTINUE;
	ret = read_sockaddr(c, c->req->data.args[1], c->req->data.args[2], &ss);
	if (ret)
		return ret;
	ret = hand_over_wanted(fp, c, &ss, len);
	if (ret)
		return ret < 0 ? ret : start_hand_over(fp, c, &ss, len);
	flags = fcntl(c->copy, F_GETFL);
	if (flags < 0)
		return -EBADF;
	if (flags & O_NONBLOCK)
		return connect(c->copy, (struct sockaddr *)&ss, len) ? -errno : 0;
	/* A blocking connect() must not block the supervisor: started non-blocking (the flag
	 * is the file's, shared with the program, and put back at once), finished later. */
	if (fcntl(c->copy, F_SETFL, flags | O_NONBLOCK))
		return -EBADF;
	ret = connect(c->copy, (struct sockaddr *)&ss, len) ? -errno : 0;
	fcntl(c->copy, F_SETFL, flags);
	if (ret != -EINPROGRESS)
		return ret;
	c->to = ss;
	c->to_len = len;
	return ANSWER_PENDING;
}

static long serve_bind(const struct fast_path *fp, struct call_ctx *c)
{
	struct sockaddr_storage ss;
	socklen_t len = (socklen_t)c->req->data.args[2];
	in_port_t port;
	long ret;

	if (c->host)
		return -EINVAL;
	if (!tcp_stream(c))
		return ANSWER_CONTINUE;
	ret = read_sockaddr(c, c->req->data.args[1], c->req->data.args[2], &ss);
	if (ret)
		return ret;
	/* The program has no CAP_NET_BIND_SERVICE; the supervisor's own must not count. */
	port = port_of(&ss, len);
	if (port && port < fp->config.unprivileged_port_start)
		return -EACCES;
	return bind(c->copy, (struct sockaddr *)&ss, len) ? -errno : 0;
}

static uint64_t socket_cookie(int fd)
{
	uint64_t cookie = 0;
	socklen_t len = sizeof(cookie);

	return getsockopt(fd, SOL_SOCKET, SO_COOKIE, &cookie, &len) ? 0 : cookie;
}

static void remember_hand_over(struct fast_path *fp, int sock, const struct sockaddr_storage *to,
			       socklen_t to_len)
{
	struct handed_over *h;

	if (!fp->handed && !(fp->handed = calloc(HANDED_OVER_MAX, sizeof(*fp->handed))))
		return; /* its getpeername() gets ENOTCONN */
	h = &fp->handed[fp->n_handed++ % HANDED_OVER_MAX];
	h->cookie = socket_cookie(sock);
	h->asked_len = to_len < sizeof(h->asked) ? to_len : sizeof(h->asked);
	memcpy(&h->asked, to, h->asked_len);
}

static const struct handed_over *find_hand_over(const struct fast_path *fp, uint64_t cookie)
{
	size_t i;

	for (i = 0; cookie && fp->handed && i < HANDED_OVER_MAX && i < fp->n_handed; i++)
		if (fp->handed[i].cookie == cookie)
			return &fp->handed[i];
	return NULL;
}

/*
 * The names of a host socket as the program may see them: the destination it asked for as
 * the peer (ENOTCONN when no longer known), and the sandbox's own address with a port made
 * up from the socket's cookie as its own.  Never the host's or the proxy's.
 */
static long host_socket_name(const struct fast_path *fp, const struct call_ctx *c, enum call call,
			     struct sockaddr_storage *ss, socklen_t *len)
{
	uint64_t cookie = socket_cookie(c->copy);
	const struct handed_over *h = find_hand_over(fp, cookie);
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	in_port_t port = htons((in_port_t)(MADE_UP_PORT_BASE + cookie % MADE_UP_PORT_RANGE));
	int family;

	memset(ss, 0, sizeof(*ss));
	if (call == CALL_GETPEERNAME) {
		if (!h)
			return -ENOTCONN;
		memcpy(ss, &h->asked, h->asked_len);
		*len = h->asked_len;
		return 0;
	}
	family = h ? h->asked.sin6_family : sockopt_int(c->copy, SO_DOMAIN);
	if (family == AF_INET6) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = port;
		if (h && IN6_IS_ADDR_V4MAPPED(&h->asked.sin6_addr))
			inet_pton(AF_INET6, "::ffff:" SANDBOX_IPV4_ADDRESS, &sin6->sin6_addr);
		else
			inet_pton(AF_INET6, SANDBOX_IPV6_ADDRESS, &sin6->sin6_addr);
		*len = sizeof(*sin6);
	} else {
		sin->sin_family = AF_INET;
		sin->sin_port = port;
		inet_pton(AF_INET, SANDBOX_IPV4_ADDRESS, &sin->sin_addr);
		*len = sizeof(*sin);
	}
	return 0;
}

/* getsockname(), getpeername(): the kernel's copy-out, min(asked, actual) bytes and the
 * actual length. */
static long serve_name(const struct fast_path *fp, struct call_ctx *c, enum call call)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int32_t asked;
	uint32_t actual;
	long ret;

	ret = read_mem(c, c->req->data.args[2], &asked, sizeof(asked));
	if (ret)
		return ret;
	if (asked < 0)
		return -EINVAL;
	memset(&ss, 0, sizeof(ss));
	if (c->host) {
		ret = host_socket_name(fp, c, call, &ss, &len);
		if (ret)
			return ret;
	} else if (call == CALL_GETSOCKNAME ? getsockname(c->copy, (struct sockaddr *)&ss, &len)
					    : getpeername(c->copy, (struct sockaddr *)&ss, &len)) {
		return -errno;
	}
	actual = len;
	if (write_mem(c, c->req->data.args[1], &ss, (size_t)asked < len ? (size_t)asked : len) ||
	    write_mem(c, c->req->data.args[2], &actual, sizeof(actual)))
		return -EFAULT;
	return 0;
}

static long serve_peername_option(const struct fast_path *fp, struct call_ctx *c)
{
	char buf[256];
	int32_t asked;
	socklen_t len;
	long ret;

	if (c->req->data.args[1] != SOL_SOCKET || c->req->data.args[2] != SO_PEERNAME)
		return -ENOSYS; /* the filter sends no other: never reached */
	ret = read_mem(c, c->req->data.args[4], &asked, sizeof(asked));
	if (ret)
		return ret;
	if (asked < 0)
		return -EINVAL;
	len = (size_t)asked < sizeof(buf) ? (socklen_t)asked : sizeof(buf);
	memset(buf, 0, sizeof(buf));
	/* The kernel refuses a length past the address's and copies exactly what was asked. */
	if (c->host) {
		struct sockaddr_storage ss;
		socklen_t actual = sizeof(ss);

		ret = host_socket_name(fp, c, CALL_GETPEERNAME, &ss, &actual);
		if (ret)
			return ret;
		if (actual < len)
			return -EINVAL;
		memcpy(buf, &ss, len);
	} else if (getsockopt(c->copy, SOL_SOCKET, SO_PEERNAME, buf, &len)) {
		return -errno;
	}
	if (write_mem(c, c->req->data.args[3], buf, len) ||
	    write_mem(c, c->req->data.args[4], &len, sizeof(len)))
		return -EFAULT;
	return 0;
}

/* The interface queries a program makes (if_nametoindex(), SIOCGIFADDR...), all struct ifreq
 * in and out; answered about the sandbox's interfaces, as the kernel would. */
static int ifreq_query(unsigned long request)
{
	switch (request) {
	case SIOCGIFNAME:
	case SIOCGIFFLAGS:
	case SIOCGIFADDR:
	case SIOCGIFDSTADDR:
	case SIOCGIFBRDADDR:
	case SIOCGIFNETMASK:
	case SIOCGIFMETRIC:
	case SIOCGIFMTU:
	case SIOCGIFHWADDR:
	case SIOCGIFINDEX:
	case SIOCGIFPFLAGS:
	case SIOCGIFTXQLEN:
	case SIOCGIFMAP:
		return 1;
	default:
		return 0;
	}
}

static long serve_ifconf(struct call_ctx *c)
{
	struct ifconf user, mine;
	char *buf = NULL;
	long ret;

	ret = read_mem(c, c->req->data.args[2], &user, sizeof(user));
	if (ret)
		return ret;
	mine.ifc_len = user.ifc_buf ? (user.ifc_len < 0 ? 0 : user.ifc_len) : 0;
	if (mine.ifc_len > IFCONF_MAX)
		mine.ifc_len = IFCONF_MAX;
	if (user.ifc_buf && !mine.ifc_len) /* a buffer of no room: nothing fits */
		return write_mem(c, c->req->data.args[2] + offsetof(struct ifconf, ifc_len),
				 &mine.ifc_len, sizeof(mine.ifc_len));
	if (user.ifc_buf) {
		buf = calloc(1, (size_t)mine.ifc_len);
		if (!buf)
			return -ENOMEM;
	}
	mine.ifc_buf = buf;
	if (ioctl(c->copy, SIOCGIFCONF, &mine))
		ret = -errno;
	else if ((buf &&
		  write_mem(c, (uint64_t)(uintptr_t)user.ifc_buf, buf, (size_t)mine.ifc_len)) ||
		 write_mem(c, c->req->data.args[2] + offsetof(struct ifconf, ifc_len),
			   &mine.ifc_len, sizeof(mine.ifc_len)))
		ret = -EFAULT;
	free(buf);
	return ret;
}

/* ioctl() with a request of type 0x89 (the only ones the filter sends). */
static long serve_ioctl(struct call_ctx *c)
{
	unsigned long request = (unsigned int)c->req->data.args[1];
	uint64_t arg = c->req->data.args[2];
	union {
		struct ifreq ifr;
		struct timespec ts;
		int value;
	} data;
	size_t size;

	if (c->host)
		return -ENOTTY; /* nothing about the host's interfaces */
	if (c->compat)
		return -EOPNOTSUPP;
	if (request == SIOCGIFCONF)
		return serve_ifconf(c);
	if (ifreq_query(request))
		size = sizeof(data.ifr);
	else if (request == SIOCGSTAMP || request == SIOCGSTAMPNS || request == SIOCGSTAMP_NEW ||
		 request == SIOCGSTAMPNS_NEW)
		size = sizeof(data.ts); /* timeval and timespec are both 16 bytes here */
	else if (request == SIOCATMARK)
		size = sizeof(data.value);
	else if (request == SIOCGPGRP || request == SIOCSPGRP)
		return -EOPNOTSUPP; /* a pid: it would be read in the supervisor's pid namespace */
	else
		return -EPERM; /* the setters need CAP_NET_ADMIN, which the program never has */
	memset(&data, 0, sizeof(data));
	if (ifreq_query(request) && read_mem(c, arg, &data, size))
		return -EFAULT;
	if (ioctl(c->copy, request, &data))
		return -errno;
	return write_mem(c, arg, &data, size);
}

/*
 * A pidfd for the calling thread, whose fd table is the one its call names.  The notification
 * names a thread (any thread of the program may call); pidfd_open() takes a thread only with
 * PIDFD_THREAD (Linux 6.9), else its thread group's leader, which shares the table unless the
 * thread was made without CLONE_FILES (then PIDFD_THREAD is needed).
 */
static int open_thread(pid_t tid)
{
	char path[40], line[64];
	FILE *status;
	pid_t tgid = 0;
	int fd = (int)syscall(SYS_pidfd_open, tid, PIDFD_THREAD_FLAG);

	if (fd >= 0 || errno != EINVAL)
		return fd;
	fd = (int)syscall(SYS_pidfd_open, tid, 0);
	if (fd >= 0 || errno != EINVAL)
		return fd;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	status = fopen(path, "re");
	if (!status)
		return -1;
	while (fgets(line, sizeof(line), status))
		if (sscanf(line, "Tgid: %d", &tgid) == 1)
			break;
	fclose(status);
	return tgid > 0 ? (int)syscall(SYS_pidfd_open, tgid, 0) : -1;
}

static long serve(struct fast_path *fp, struct call_ctx *c)
{
	enum call call = call_of(fp, &c->req->data, &c->compat);
	char path[32];
	long ret;

	if (call == CALL_NONE)
		return -ENOSYS; /* not one the filter sends: never let through */
	if (call == CALL_FASTOPEN)
		return -EOPNOTSUPP;
	c->pidfd = open_thread(c->req->pid);
	snprintf(path, sizeof(path), "/proc/%u/mem", c->req->pid);
	c->mem = open(path, O_RDWR | O_CLOEXEC);
	/* Checked after both opened: they are the caller's, not a process that took its pid. */
	if (!id_valid(c->listener, c->req->id))
		return ANSWER_NONE;
	if (c->pidfd < 0 || c->mem < 0) {
		/* Fail closed, but say why once: ptrace rules (Yama's ptrace_scope 2 or 3) can
		 * keep a supervisor out of its program. */
		if (!fp->warned_access) {
			log_warn(
			    "fast path: cannot reach the program's %s (%s); its socket calls fail "
			    "with EPERM",
			    c->pidfd < 0 ? "files" : "memory", strerror(errno));
			fp->warned_access = true;
		}
		return -EPERM;
	}
	ret = take_file(fp, c);
	if (ret)
		return call == CALL_IOCTL && ret == -ENOTSOCK ? -ENOTTY : ret;
	switch (call) {
	case CALL_CONNECT:
		return serve_connect(fp, c);
	case CALL_BIND:
		return serve_bind(fp, c);
	case CALL_LISTEN:
		return c->host					    ? -EOPNOTSUPP
		       : listen(c->copy, (int)c->req->data.args[1]) ? -errno
								    : 0;
	case CALL_GETSOCKNAME:
	case CALL_GETPEERNAME:
		return serve_name(fp, c, call);
	case CALL_GETSOCKOPT:
		return serve_peername_option(fp, c);
	case CALL_IOCTL:
		return serve_ioctl(c);
	default:
		return -ENOSYS;
	}
}

static void answer(int listener, uint64_t id, long ret)
{
	struct seccomp_notif_resp resp = {.id = id};

	if (ret == ANSWER_CONTINUE)
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	else if (ret < 0)
		resp.error = (int32_t)ret;
	else
		resp.val = ret;
	/* ENOENT: the caller was killed meanwhile; nothing waits for the answer. */
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) && errno != ENOENT)
		log_warn("fast path: cannot answer a call of the program: %s", strerror(errno));
}

/* Keeps @c's socket until it is connected (or handed over); Return: 0, or -errno. */
static int add_pending(struct fast_path *fp, struct call_ctx *c)
{
	struct epoll_event ev = {.events = c->answer >= 0 ? EPOLLIN : EPOLLOUT};
	size_t i;

	for (i = 0; i < fp->n_pending && fp->pending[i].copy >= 0; i++)
		;
	if (i == fp->n_pending) {
		size_t n = fp->n_pending ? 2 * fp->n_pending : 16;
		struct pending_connect *p = realloc(fp->pending, n * sizeof(*p));

		if (!p)
			return -ENOMEM;
		for (; fp->n_pending < n; fp->n_pending++) {
			p[fp->n_pending].copy = -1;
			p[fp->n_pending].answer = -1;
		}
		fp->pending = p;
	}
	ev.data.u64 = i + 1;
	if (epoll_ctl(fp->epoll_fd, EPOLL_CTL_ADD, c->answer >= 0 ? c->answer : c->copy, &ev))
		return -errno;
	fp->pending[i].listener = c->listener;
	fp->pending[i].id = c->req->id;
	fp->pending[i].copy = c->copy;
	fp->pending[i].answer = c->answer;
	fp->pending[i].fd_number = (int)c->req->data.args[0];
	fp->pending[i].tid = (pid_t)c->req->pid;
	fp->pending[i].to = c->to;
	fp->pending[i].to_len = c->to_len;
	c->copy = -1;
	c->answer = -1;
	return 0;
}

/* Is close-on-exec set on fd @fd_number of thread @tid?  (Not a property of the file.) */
static bool fd_cloexec(pid_t tid, int fd_number)
{
	char path[64], line[64];
	unsigned int flags = 0;
	bool found = false;
	FILE *info;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)tid, fd_number);
	info = fopen(path, "re");
	if (!info)
		return true; /* the safer guess: nothing leaks into a program it runs */
	while (!found && fgets(line, sizeof(line), info))
		found = sscanf(line, "flags: %o", &flags) == 1;
	fclose(info);
	return !found || (flags & O_CLOEXEC);
}

/* Copies an int socket option from the program's socket @from to @to. */
static void copy_int_option(int from, int to, int level, int name)
{
	int value;
	socklen_t len = sizeof(value);

	if (!getsockopt(from, level, name, &value, &len))
		setsockopt(to, level, name, &value, len);
}

/* Copies a struct socket option (a timeout, SO_LINGER) when it is set. */
static void copy_struct_option(int from, int to, int name, size_t size)
{
	unsigned char value[sizeof(struct timeval)] = {0}, zero[sizeof(value)] = {0};
	socklen_t len = (socklen_t)size;

	if (size <= sizeof(value) && !getsockopt(from, SOL_SOCKET, name, value, &len) &&
	    memcmp(value, zero, len))
		setsockopt(to, SOL_SOCKET, name, value, len);
}

/*
 * What the program set on its socket before connect() holds on the socket that replaces it:
 * O_NONBLOCK (the relay's sockets are non-blocking), Nagle, keepalive, linger and timeouts.
 */
static void copy_socket_state(int from, int to)
{
	int flags = fcntl(from, F_GETFL), mine = fcntl(to, F_GETFL);

	if (flags >= 0 && mine >= 0)
		fcntl(to, F_SETFL, (mine & ~O_NONBLOCK) | (flags & O_NONBLOCK));
	copy_int_option(from, to, IPPROTO_TCP, TCP_NODELAY);
	if (sockopt_int(from, SO_KEEPALIVE) > 0) {
		copy_int_option(from, to, SOL_SOCKET, SO_KEEPALIVE);
		copy_int_option(from, to, IPPROTO_TCP, TCP_KEEPIDLE);
		copy_int_option(from, to, IPPROTO_TCP, TCP_KEEPINTVL);
		copy_int_option(from, to, IPPROTO_TCP, TCP_KEEPCNT);
	}
	copy_struct_option(from, to, SO_LINGER, sizeof(struct linger));
	copy_struct_option(from, to, SO_RCVTIMEO, sizeof(struct timeval));
	copy_struct_option(from, to, SO_SNDTIMEO, sizeof(struct timeval));
}

/*
 * The relay's answer to a hand-over: the connected socket goes in the program's place, and
 * its connect() returns 0; no socket, and the connect() is refused (the relay said why).
 * Return: false when the answer has not come yet (a wake-up for nothing).
 */
static bool finish_hand_over(struct fast_path *fp, struct pending_connect *p)
{
	struct seccomp_notif_addfd addfd = {.id = p->id, .flags = SECCOMP_ADDFD_FLAG_SETFD};
	int sock = dial_recv_socket(p->answer);

	if (sock == -EAGAIN)
		return false;
	if (sock < 0) {
		answer(p->listener, p->id, -ECONNREFUSED);
		return true;
	}
	copy_socket_state(p->copy, sock);
	addfd.srcfd = (uint32_t)sock;
	addfd.newfd = (uint32_t)p->fd_number;
	addfd.newfd_flags = fd_cloexec(p->tid, p->fd_number) ? O_CLOEXEC : 0;
	remember_hand_over(fp, sock, &p->to, p->to_len);
	/* Checked last: the fd table is the caller's, not one of a process that took its pid. */
	if (id_valid(p->listener, p->id)) {
		if (ioctl(p->listener, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd) >= 0)
			answer(p->listener, p->id, 0);
		else if (errno != ENOENT) /* ENOENT: the caller is gone */
			answer(p->listener, p->id, -errno);
	}
	close(sock);
	return true;
}

/* A pending connect() done with: answered, or its caller gone. */
static void drop_pending(struct fast_path *fp, struct pending_connect *p)
{
	epoll_ctl(fp->epoll_fd, EPOLL_CTL_DEL, p->answer >= 0 ? p->answer : p->copy, NULL);
	if (p->answer >= 0)
		close(p->answer);
	close(p->copy);
	p->copy = -1;
	p->answer = -1;
}

static void finish_pending(struct fast_path *fp, size_t i)
{
	struct pending_connect *p = &fp->pending[i];

	if (p->answer >= 0) {
		if (!finish_hand_over(fp, p))
			return;
	} else {
		/* Once more, as the kernel's blocking connect() ends: the socket is then
		 * "connected" to the socket layer too (a later connect() gets EISCONN). */
		int error = sockopt_int(p->copy, SO_ERROR);

		if (!error && connect(p->copy, (struct sockaddr *)&p->to, p->to_len) &&
		    errno != EISCONN)
			error = errno;
		answer(p->listener, p->id, error ? -error : 0);
	}
	drop_pending(fp, p);
}

static void serve_notification(struct fast_path *fp, int listener)
{
	struct seccomp_notif req;
	struct call_ctx c = {
	    .listener = listener, .req = &req, .pidfd = -1, .mem = -1, .copy = -1, .answer = -1};
	long ret;

	memset(&req, 0, sizeof(req));
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req))
		return; /* ENOENT: the caller went away before we read it */
	fp->calls++;
	ret = serve(fp, &c);
	log_debug("fast path: call %d (arch %#x) of %u: %ld", req.data.nr, req.data.arch, req.pid,
		  ret);
	if (ret == ANSWER_PENDING && add_pending(fp, &c))
		ret = -ENOBUFS;
	if (c.answer >= 0)
		close(c.answer); /* the relay sees the hang-up and gives up */
	if (ret != ANSWER_NONE && ret != ANSWER_PENDING)
		answer(listener, req.id, ret);
	if (c.copy >= 0)
		close(c.copy);
	if (c.mem >= 0)
		close(c.mem);
	if (c.pidfd >= 0)
		close(c.pidfd);
}

/*
 * No task is left under the filter of the listener in @slot: it goes, with the calls it
 * left pending (their callers are gone; its fd number may be reused once closed).
 */
static void drop_listener(struct fast_path *fp, size_t slot)
{
	int listener = fp->listeners[slot];
	size_t i;

	for (i = 0; i < fp->n_pending; i++)
		if (fp->pending[i].copy >= 0 && fp->pending[i].listener == listener)
			drop_pending(fp, &fp->pending[i]);
	epoll_ctl(fp->epoll_fd, EPOLL_CTL_DEL, listener, NULL);
	close(listener);
	fp->listeners[slot] = -1;
	fp->n_listeners--;
}

int fast_path_serve(struct fast_path *fp)
{
	struct epoll_event events[16];
	size_t hung_up[16], n_hung_up = 0;
	int n, i;

	n = epoll_wait(fp->epoll_fd, events, 16, 0);
	for (i = 0; i < n; i++) {
		uint64_t data = events[i].data.u64;
		size_t slot = (size_t)(data & ~LISTENER_TAG);

		if (!(data & LISTENER_TAG))
			finish_pending(fp, data - 1);
		else if (events[i].events & EPOLLIN)
			serve_notification(fp, fp->listeners[slot]);
		else if (events[i].events & (EPOLLHUP | EPOLLERR))
			hung_up[n_hung_up++] = slot;
	}
	/* Last, so that no pending slot this batch still names is freed and taken again. */
	while (n_hung_up)
		drop_listener(fp, hung_up[--n_hung_up]);
	return fp->n_listeners ? 0 : -ENOTCONN;
}

int fast_path_add_listener(struct fast_path *fp, int listener, struct sl_err *err)
{
	struct epoll_event ev = {.events = EPOLLIN};
	size_t slot;

	for (slot = 0; slot < FAST_PATH_LISTENERS_MAX && fp->listeners[slot] >= 0; slot++)
		;
	if (slot == FAST_PATH_LISTENERS_MAX) {
		close(listener);
		return sl_err_set(err, EMFILE, "the fast path serves %d programs at most",
				  FAST_PATH_LISTENERS_MAX);
	}
	ev.data.u64 = LISTENER_TAG | slot;
	if (epoll_ctl(fp->epoll_fd, EPOLL_CTL_ADD, listener, &ev)) {
		close(listener);
		return sl_err_set(err, errno, "cannot watch the fast path's listener");
	}
	fp->listeners[slot] = listener;
	fp->n_listeners++;
	return 0;
}

struct fast_path *fast_path_new(int listener, const struct fast_path_config *config,
				struct sl_err *err)
{
	struct fast_path *fp = calloc(1, sizeof(*fp));
	size_t i;

	if (!fp) {
		close(listener);
		sl_err_set(err, ENOMEM, "cannot start the fast path");
		return NULL;
	}
	for (i = 0; i < FAST_PATH_LISTENERS_MAX; i++)
		fp->listeners[i] = -1;
	fp->config = *config;
	for (i = 0; i < N_CALLS; i++)
		fp->x32[i] = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X32, call_numbers[i].name);
	fp->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (fp->epoll_fd < 0) {
		close(listener);
		sl_err_set(err, errno, "cannot start the fast path");
		fast_path_free(fp);
		return NULL;
	}
	if (fast_path_add_listener(fp, listener, err)) {
		fast_path_free(fp);
		return NULL;
	}
	return fp;
}

int fast_path_fd(const struct fast_path *fp)
{
	return fp->epoll_fd;
}

uint64_t fast_path_calls(const struct fast_path *fp)
{
	return fp->calls;
}

uint64_t fast_path_handed_over(const struct fast_path *fp)
{
	return fp->n_handed;
}

void fast_path_free(struct fast_path *fp)
{
	size_t i;

	if (!fp)
		return;
	for (i = 0; i < fp->n_pending; i++) {
		if (fp->pending[i].copy >= 0)
			close(fp->pending[i].copy);
		if (fp->pending[i].answer >= 0)
			close(fp->pending[i].answer);
	}
	free(fp->pending);
	free(fp->handed);
	if (fp->epoll_fd >= 0)
		close(fp->epoll_fd);
	for (i = 0; i < FAST_PATH_LISTENERS_MAX; i++)
		if (fp->listeners[i] >= 0)
			close(fp->listeners[i]);
	free(fp);
}
