/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * dns_tcp_query.c - test helper: ask SERVER (an IPv4 address) for the A record of NAME over
 * DNS-over-TCP (RFC 1035 4.2.2) and print each address of the answer, one a line.  Exit 0 when
 * at least one address came back, 1 otherwise.  Usage: dns_tcp_query SERVER NAME
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static size_t build_query(uint8_t *q, const char *name)
{
	size_t n = 2 + 12;
	const char *label = name;

	memset(q, 0, n);
	q[2] = 0x51, q[3] = 0x1c; /* id */
	q[4] = 0x01;		  /* RD */
	q[7] = 1;		  /* QDCOUNT */
	while (*label) {
		const char *dot = strchr(label, '.');
		size_t len = dot ? (size_t)(dot - label) : strlen(label);

		q[n++] = (uint8_t)len;
		memcpy(q + n, label, len);
		n += len;
		label += len + (dot ? 1 : 0);
	}
	q[n++] = 0;
	q[n++] = 0, q[n++] = 1; /* A */
	q[n++] = 0, q[n++] = 1; /* IN */
	q[0] = (uint8_t)((n - 2) >> 8), q[1] = (uint8_t)(n - 2);
	return n;
}

int main(int argc, char **argv)
{
	struct sockaddr_in server = {.sin_family = AF_INET, .sin_port = htons(53)};
	struct timeval timeout = {.tv_sec = 3};
	uint8_t q[512], r[4096];
	size_t qlen, got = 0, i, found = 0;
	ssize_t n;
	int fd;

	if (argc != 3 || inet_pton(AF_INET, argv[1], &server.sin_addr) != 1) {
		fprintf(stderr, "usage: dns_tcp_query SERVER NAME\n");
		return 2;
	}
	qlen = build_query(q, argv[2]);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
	if (connect(fd, (struct sockaddr *)&server, sizeof(server)) ||
	    write(fd, q, qlen) != (ssize_t)qlen) {
		perror("dns_tcp_query");
		return 1;
	}
	while (got < 2 || got < 2 + (size_t)(r[0] << 8 | r[1])) {
		n = read(fd, r + got, sizeof(r) - got);
		if (n <= 0) {
			fprintf(stderr, "dns_tcp_query: short answer\n");
			return 1;
		}
		got += (size_t)n;
	}
	/* Scan the answer section for A records: TYPE 1, CLASS 1, RDLENGTH 4. */
	for (i = 2 + 12 + (qlen - 2 - 12); i + 16 <= got; i++) {
		if (r[i] == 0xc0 && r[i + 2] == 0 && r[i + 3] == 1 && r[i + 4] == 0 &&
		    r[i + 5] == 1 && r[i + 10] == 0 && r[i + 11] == 4) {
			printf("%u.%u.%u.%u\n", r[i + 12], r[i + 13], r[i + 14], r[i + 15]);
			found++;
			i += 15;
		}
	}
	close(fd);
	return found ? 0 : 1;
}
