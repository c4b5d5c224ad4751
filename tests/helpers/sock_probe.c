/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * sock_probe.c - test helper: try one way of making a socket (or an io_uring) with raw system
 * calls and print the outcome, "ok" or the errno's name (e.g. "EAFNOSUPPORT"), so a test can
 * compare the same probe inside and outside sluice.
 *
 *   sock_probe socket FAMILY           socket(FAMILY, SOCK_DGRAM or SOCK_STREAM, 0)
 *   sock_probe socketpair FAMILY       socketpair(FAMILY, SOCK_STREAM, 0)
 *   sock_probe io_uring                io_uring_setup(4, {0})
 *   sock_probe i386-socket FAMILY      the 32-bit x86 socket(2) (int $0x80, nr 359)
 *   sock_probe i386-socketcall FAMILY  the 32-bit x86 socketcall(SYS_SOCKET, ...) (nr 102)
 *   sock_probe x32-socket FAMILY       socket(2) through the x32 ABI (nr 41 | 0x40000000)
 *   sock_probe listen-exec FD CMD...   a TCP listener on 127.0.0.1 (any port) at FD, then
 *                                      exec CMD (FD stays open across the exec)
 *
 * FAMILY is a number or one of unix inet inet6 netlink packet key alg vsock.  The 32-bit and
 * x32 probes exist on x86_64 only (they print "unsupported" elsewhere).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/io_uring.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "int80.h"

static const struct {
	const char *name;
	int value;
} families[] = {
    {"unix", AF_UNIX},	   {"inet", AF_INET}, {"inet6", AF_INET6}, {"netlink", AF_NETLINK},
    {"packet", AF_PACKET}, {"key", AF_KEY},   {"alg", AF_ALG},	   {"vsock", AF_VSOCK},
};

static int family_of(const char *text)
{
	size_t i;

	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		if (!strcmp(families[i].name, text))
			return families[i].value;
	return atoi(text);
}

static int report(long ret)
{
	const char *name = ret < 0 ? strerrorname_np((int)-ret) : NULL; /* glibc 2.32 */

	if (ret >= 0) {
		printf("ok\n");
		return 0;
	}
	if (name)
		printf("%s\n", name);
	else
		printf("errno %ld\n", -ret);
	return 1;
}

static long raw(long ret)
{
	return ret < 0 ? -errno : ret;
}

static int type_for(int family)
{
	return family == AF_INET || family == AF_INET6 || family == AF_UNIX || family == AF_VSOCK
		   ? SOCK_STREAM
		   : family == AF_ALG ? SOCK_SEQPACKET : SOCK_DGRAM;
}

#if defined(__x86_64__)
static long i386_socketcall(int family)
{
	unsigned int *args = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);

	if (args == MAP_FAILED)
		return -errno;
	args[0] = (unsigned int)family;
	args[1] = (unsigned int)type_for(family);
	args[2] = 0;
	return int80(102 /* socketcall */, 1 /* SYS_SOCKET */, (long)(unsigned long)args, 0);
}
#endif

static int listen_exec(int argc, char **argv)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd = atoi(argv[2]), s = socket(AF_INET, SOCK_STREAM, 0);

	if (argc < 4 || s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) || listen(s, 1) ||
	    dup2(s, fd) != fd) {
		perror("sock_probe listen-exec");
		return 2;
	}
	if (s != fd)
		close(s);
	execvp(argv[3], argv + 3);
	perror(argv[3]);
	return 127;
}

int main(int argc, char **argv)
{
	int family = argc > 2 ? family_of(argv[2]) : 0;
	int pair[2];

	if (argc < 2) {
		fprintf(stderr, "usage: see the comment atop tests/helpers/sock_probe.c\n");
		return 2;
	}
	if (!strcmp(argv[1], "socket"))
		return report(raw(syscall(SYS_socket, family, type_for(family), 0)));
	if (!strcmp(argv[1], "socketpair"))
		return report(raw(syscall(SYS_socketpair, family, SOCK_STREAM, 0, pair)));
	if (!strcmp(argv[1], "io_uring")) {
		struct io_uring_params params;

		memset(&params, 0, sizeof(params));
		return report(raw(syscall(__NR_io_uring_setup, 4, &params)));
	}
	if (!strcmp(argv[1], "listen-exec"))
		return listen_exec(argc, argv);
#if defined(__x86_64__)
	if (!strcmp(argv[1], "i386-socket"))
		return report(int80(359, family, type_for(family), 0));
	if (!strcmp(argv[1], "i386-socketcall"))
		return report(i386_socketcall(family));
	if (!strcmp(argv[1], "x32-socket"))
		return report(raw(syscall(41 | 0x40000000, family, type_for(family), 0)));
#else
	if (!strncmp(argv[1], "i386-", 5) || !strcmp(argv[1], "x32-socket")) {
		printf("unsupported\n");
		return 1;
	}
#endif
	fprintf(stderr, "sock_probe: unknown probe '%s'\n", argv[1]);
	return 2;
}
