/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * dns_query.c - test helper: one DNS query, over UDP or TCP, and what came back.
 *
 *   dns_query [-t] [-T TYPE] [-e SIZE] [-w SECONDS] SERVER NAME
 *
 * Asks SERVER (an IPv4 or IPv6 address, port 53) for NAME, of TYPE (A, AAAA, TXT, MX or a
 * number; default A), over TCP with -t (RFC 1035 section 4.2.2) else UDP, with an EDNS0 OPT
 * record advertising SIZE bytes with -e (RFC 6891), else none.  Waits SECONDS (default 3).
 * Prints "rcode=NAME tc=0|1 an=N size=BYTES", then one line per answer record: "A ADDR",
 * "AAAA ADDR", "TXT BYTES" (its data length) or "TYPE N".  Exit 0 when a response to the query
 * came back (whatever its rcode), 1 when none did, 2 on usage errors.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static const char *const rcodes[] = {"NOERROR",	 "FORMERR", "SERVFAIL",
				     "NXDOMAIN", "NOTIMP",  "REFUSED"};

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void usage(void)
{
	fprintf(stderr, "usage: dns_query [-t] [-T TYPE] [-e SIZE] [-w SECONDS] SERVER NAME\n");
	exit(2);
}

static size_t build_query(uint8_t *q, const char *name, uint16_t type, int edns)
{
	size_t n = 12;
	const char *label = name;

	memset(q, 0, n);
	q[0] = 0x5e, q[1] = 0x1d; /* id */
	q[2] = 0x01;		  /* RD */
	q[5] = 1;		  /* QDCOUNT */
	while (*label) {
		const char *dot = strchr(label, '.');
		size_t len = dot ? (size_t)(dot - label) : strlen(label);

		if (len > 63 || n + len > 300)
			usage();
		q[n++] = (uint8_t)len;
		memcpy(q + n, label, len);
		n += len;
		label += len + (dot ? 1 : 0);
	}
	q[n++] = 0;
	q[n++] = (uint8_t)(type >> 8), q[n++] = (uint8_t)type;
	q[n++] = 0, q[n++] = 1; /* IN */
	if (edns > 0) {
		q[11] = 1; /* ARCOUNT */
		q[n++] = 0;
		q[n++] = 0, q[n++] = 41; /* OPT */
		q[n++] = (uint8_t)(edns >> 8), q[n++] = (uint8_t)edns;
		memset(q + n, 0, 6); /* TTL (extended rcode, version, flags), RDLENGTH */
		n += 6;
	}
	return n;
}

/* Skip a possibly compressed name; 0 when it runs past @len. */
static size_t skip_name(const uint8_t *m, size_t len, size_t p)
{
	while (p < len) {
		if ((m[p] & 0xc0) == 0xc0)
			return p + 2 <= len ? p + 2 : 0;
		if (!m[p])
			return p + 1;
		p += 1 + m[p];
	}
	return 0;
}

static int print_response(const uint8_t *r, size_t len)
{
	unsigned int an, i;
	size_t p;

	if (len < 12 || rd16(r) != 0x5e1d || !(r[2] & 0x80)) {
		fprintf(stderr, "dns_query: not a response to the query (%zu bytes)\n", len);
		return 1;
	}
	an = rd16(r + 6);
	printf("rcode=%s tc=%d an=%u size=%zu\n", (r[3] & 15) < 6 ? rcodes[r[3] & 15] : "other",
	       !!(r[2] & 0x02), an, len);
	p = rd16(r + 4) ? skip_name(r, len, 12) : 12;
	if (!p || (rd16(r + 4) && (p += 4) > len))
		return 0;
	for (i = 0; i < an; i++) {
		char text[INET6_ADDRSTRLEN];
		uint16_t type, rdlen;

		p = skip_name(r, len, p);
		if (!p || p + 10 > len)
			break;
		type = rd16(r + p);
		rdlen = rd16(r + p + 8);
		p += 10;
		if (p + rdlen > len)
			break;
		if (type == 1 && rdlen == 4)
			printf("A %s\n", inet_ntop(AF_INET, r + p, text, sizeof(text)));
		else if (type == 28 && rdlen == 16)
			printf("AAAA %s\n", inet_ntop(AF_INET6, r + p, text, sizeof(text)));
		else if (type == 16)
			printf("TXT %u\n", rdlen);
		else
			printf("TYPE %u\n", type);
		p += rdlen;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage server = {0};
	struct sockaddr_in *sin = (struct sockaddr_in *)&server;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&server;
	static uint8_t q[512], r[65536 + 2];
	struct timeval timeout = {.tv_sec = 3};
	int tcp = 0, edns = 0, opt, fd;
	uint16_t type = 1;
	socklen_t server_len;
	size_t qlen, got = 0;
	ssize_t n;

	while ((opt = getopt(argc, argv, "tT:e:w:")) != -1) {
		switch (opt) {
		case 't':
			tcp = 1;
			break;
		case 'T':
			if (!strcasecmp(optarg, "A"))
				type = 1;
			else if (!strcasecmp(optarg, "AAAA"))
				type = 28;
			else if (!strcasecmp(optarg, "TXT"))
				type = 16;
			else if (!strcasecmp(optarg, "MX"))
				type = 15;
			else
				type = (uint16_t)atoi(optarg);
			break;
		case 'e':
			edns = atoi(optarg);
			break;
		case 'w':
			timeout.tv_sec = atoi(optarg);
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 2)
		usage();
	if (inet_pton(AF_INET, argv[optind], &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(53);
		server_len = sizeof(*sin);
	} else if (inet_pton(AF_INET6, argv[optind], &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(53);
		server_len = sizeof(*sin6);
	} else {
		usage();
	}
	qlen = build_query(q + 2, argv[optind + 1], type, edns);
	q[0] = (uint8_t)(qlen >> 8), q[1] = (uint8_t)qlen;
	fd = socket(server.ss_family, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("dns_query: socket");
		return 1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
	if (connect(fd, (struct sockaddr *)&server, server_len)) {
		perror("dns_query: connect");
		return 1;
	}
	if (!tcp) {
		if (send(fd, q + 2, qlen, 0) != (ssize_t)qlen) {
			perror("dns_query: send");
			return 1;
		}
		n = recv(fd, r, sizeof(r), 0);
		if (n < 0) {
			perror("dns_query: recv");
			return 1;
		}
		return print_response(r, (size_t)n);
	}
	if (send(fd, q, qlen + 2, MSG_NOSIGNAL) != (ssize_t)qlen + 2) {
		perror("dns_query: send");
		return 1;
	}
	while (got < 2 || got < 2 + (size_t)rd16(r)) {
		n = recv(fd, r + got, sizeof(r) - got, 0);
		if (n <= 0) {
			fprintf(stderr, "dns_query: short answer over TCP (%zu bytes): %s\n", got,
				n ? strerror(errno) : "closed");
			return 1;
		}
		got += (size_t)n;
	}
	return print_response(r + 2, rd16(r));
}
