/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * target.c - converts targets to and from socket addresses and text, and turns a fake address
 * back into its name.  Owns no protocol and no socket.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fakeip.h"
#include "target.h"

void target_format(const struct target *t, char *buf, size_t cap)
{
	char text[INET6_ADDRSTRLEN];

	switch (t->kind) {
	case TARGET_IPV4:
		inet_ntop(AF_INET, &t->ipv4, text, sizeof(text));
		snprintf(buf, cap, "%s:%u", text, t->port);
		break;
	case TARGET_IPV6:
		inet_ntop(AF_INET6, &t->ipv6, text, sizeof(text));
		snprintf(buf, cap, "[%s]:%u", text, t->port);
		break;
	case TARGET_NAME:
		snprintf(buf, cap, "%s:%u", t->name, t->port);
		break;
	}
}

int target_to_sockaddr(const struct target *t, struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (t->kind == TARGET_IPV4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_addr = t->ipv4;
		sin->sin_port = htons(t->port);
		*len = sizeof(*sin);
		return 0;
	}
	if (t->kind == TARGET_IPV6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = t->ipv6;
		sin6->sin6_port = htons(t->port);
		*len = sizeof(*sin6);
		return 0;
	}
	return -EINVAL;
}

int target_from_sockaddr(const struct sockaddr_storage *ss, struct fakeip_pool *fakeip,
			 struct target *t)
{
	char name[TARGET_NAME_MAX + 1];
	const void *address;

	memset(t, 0, sizeof(*t));
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;

		t->kind = TARGET_IPV4;
		t->ipv4 = sin->sin_addr;
		t->port = ntohs(sin->sin_port);
		address = &t->ipv4;
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;

		t->kind = TARGET_IPV6;
		t->ipv6 = sin6->sin6_addr;
		t->port = ntohs(sin6->sin6_port);
		address = &t->ipv6;
	} else {
		return -EAFNOSUPPORT;
	}
	if (!fakeip || !fakeip_contains(fakeip, ss->ss_family, address))
		return 0;
	if (fakeip_name_for_addr(fakeip, ss->ss_family, address, name, sizeof(name)) < 0)
		return -ENOENT;
	t->kind = TARGET_NAME;
	memcpy(t->name, name, sizeof(t->name));
	return 0;
}

bool target_sockaddr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;

		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	{
		const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;

		return x->sin6_port == y->sin6_port &&
		       !memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr));
	}
}
