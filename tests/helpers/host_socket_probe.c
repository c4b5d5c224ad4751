/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * host_socket_probe.c - test helper: what a program can do with its connected TCP socket
 * beyond using it.  Under sluice's fast path that socket is one of the host's network
 * namespace (fast_path.h), so each step is a way out it must not find; run without sluice,
 * the same steps show what they do on an ordinary socket (the tests' anti-test).
 *
 *   host_socket_probe ADDRESS PORT LEAK-ADDRESS LEAK-PORT
 *
 * Connects to ADDRESS:PORT (IPv4) and prints one line per step, "STEP RESULT", RESULT being
 * "ok" or the errno's name, or an address "A.B.C.D:PORT":
 *   connect       the connection itself
 *   peer, local   getpeername(), getsockname()
 *   reconnect     connect() to LEAK while connected
 *   unspec        connect(AF_UNSPEC): a TCP socket's disconnect
 *   after-unspec  connect() to LEAK after it
 *   bind          bind() to 0.0.0.0 port 0
 *   listen        listen()
 *   ifconf        ioctl(SIOCGIFCONF): "N" interfaces, or the errno
 *   fastopen      on a fresh socket, sendto(MSG_FASTOPEN) to LEAK (TCP Fast Open connects)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* "ok", or the errno's name (strerrorname_np(), glibc 2.32). */
static const char *result(int ret)
{
	static char buf[32];
	const char *name = ret ? strerrorname_np(errno) : "ok";

	if (name)
		return name;
	snprintf(buf, sizeof(buf), "errno%d", errno);
	return buf;
}

static void print_name(const char *step, int ret, const struct sockaddr_in *sin)
{
	char a[INET_ADDRSTRLEN];

	if (ret || sin->sin_family != AF_INET ||
	    !inet_ntop(AF_INET, &sin->sin_addr, a, sizeof(a)))
		printf("%s %s\n", step, ret ? result(ret) : "not-ipv4");
	else
		printf("%s %s:%u\n", step, a, ntohs(sin->sin_port));
}

static int address(struct sockaddr_in *sin, const char *addr, const char *port)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((unsigned short)atoi(port));
	return inet_pton(AF_INET, addr, &sin->sin_addr) == 1 ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct sockaddr_in to, leak, name, any = {.sin_family = AF_INET};
	struct sockaddr unspec = {.sa_family = AF_UNSPEC};
	struct ifreq ifr[16];
	struct ifconf ifc = {.ifc_len = sizeof(ifr), .ifc_req = ifr};
	socklen_t len;
	int fd, fresh, ret;

	if (argc != 5 || address(&to, argv[1], argv[2]) || address(&leak, argv[3], argv[4])) {
		fprintf(stderr, "usage: host_socket_probe ADDRESS PORT LEAK-ADDRESS LEAK-PORT\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&to, sizeof(to))) {
		printf("connect %s\n", result(-1));
		return 1;
	}
	printf("connect ok\n");
	len = sizeof(name);
	print_name("peer", getpeername(fd, (struct sockaddr *)&name, &len), &name);
	len = sizeof(name);
	print_name("local", getsockname(fd, (struct sockaddr *)&name, &len), &name);
	printf("reconnect %s\n", result(connect(fd, (struct sockaddr *)&leak, sizeof(leak))));
	printf("unspec %s\n", result(connect(fd, &unspec, sizeof(unspec))));
	printf("after-unspec %s\n",
	       result(connect(fd, (struct sockaddr *)&leak, sizeof(leak))));
	printf("bind %s\n", result(bind(fd, (struct sockaddr *)&any, sizeof(any))));
	printf("listen %s\n", result(listen(fd, 4)));
	ret = ioctl(fd, SIOCGIFCONF, &ifc);
	if (ret)
		printf("ifconf %s\n", result(ret));
	else
		printf("ifconf %zu\n", (size_t)ifc.ifc_len / sizeof(struct ifreq));
	fresh = socket(AF_INET, SOCK_STREAM, 0);
	ret = (int)sendto(fresh, "x", 1, MSG_FASTOPEN, (struct sockaddr *)&leak, sizeof(leak));
	printf("fastopen %s\n", result(ret < 0 ? -1 : 0));
	return 0;
}
