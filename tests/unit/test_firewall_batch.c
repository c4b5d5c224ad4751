/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test_firewall_batch.c - the table firewall_batch.c loads as one netlink batch is the table
 * firewall.c's text describes: for every plan (network, DNS and UDP mode, host-loopback
 * alias, resolver behind a tunnel), the text is loaded by libnftables in one fresh network
 * namespace, the batch in another, and `list ruleset` of the two, with each rule's netlink
 * bytecode, must be the same.
 * Needs a network namespace of its own: as root, or in a user namespace; skipped when
 * neither can be made (the integration tests load the batch for real either way).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <cmocka.h>
#include <nftables/libnftables.h>

#include "firewall.h"
#include "firewall_batch.h"

#define LISTING_MAX 16384

/* What a child loads: the sandbox's table for a plan, or a tunnel's DNS table for a server
 * (DNS_REPLACED: the batch for another server first, then this one's over it). */
enum loader { BY_TEXT, BY_BATCH, DNS_BY_TEXT, DNS_BY_BATCH, DNS_REPLACED_BY_BATCH };
struct load {
	enum loader loader;
	struct netplan plan;
	struct tunnel_prefix server;
};

/*
 * Write @listing to @out without the rule handles: the bytecode part names each rule as
 * "inet TABLE CHAIN HANDLE [PREVIOUS]", and handles are numbered in the order the loader
 * made chains and rules, which is not what is compared.
 */
static int write_without_handles(int out, const char *listing)
{
	const char *line = listing;

	while (*line) {
		size_t len = strcspn(line, "\n");
		int words = 0;
		size_t keep = len;

		if (!strncmp(line, "inet sluice", 11)) { /* the tables sluice and sluice_dns */
			for (keep = 0; keep < len && words < 3; keep++)
				words += line[keep] == ' ';
			if (words == 3)
				keep--;
		}
		if (dprintf(out, "%.*s\n", (int)keep, line) < 0)
			return 1;
		line += len + (line[len] == '\n');
	}
	return 0;
}

/* In the child, in its fresh namespace: load the table, then list it into @out. */
static int load_and_list(const struct load *load, int out)
{
	struct tunnel_prefix other = {AF_INET, {10, 1, 2, 3}, 32};
	struct sl_err err = {0};
	struct nft_ctx *nft = nft_ctx_new(NFT_CTX_DEFAULT);
	char text[4096];
	const char *listing;
	int ret = 0;

	if (!nft)
		return 1;
	nft_ctx_buffer_output(nft);
	nft_ctx_buffer_error(nft);
	switch (load->loader) {
	case BY_TEXT:
	case DNS_BY_TEXT:
		if ((load->loader == BY_TEXT
			 ? firewall_ruleset(text, sizeof(text), &load->plan)
			 : firewall_tunnel_dns_ruleset(text, sizeof(text), &load->server)) < 0 ||
		    nft_run_cmd_from_buffer(nft, text)) {
			dprintf(out, "libnftables refused the text: %s",
				nft_ctx_get_error_buffer(nft));
			return 1;
		}
		break;
	case BY_BATCH:
		ret = firewall_batch_load(&load->plan, &err);
		break;
	case DNS_REPLACED_BY_BATCH:
		ret = firewall_batch_load_tunnel_dns(&other, &err);
		/* fall through */
	case DNS_BY_BATCH:
		ret = ret ? ret : firewall_batch_load_tunnel_dns(&load->server, &err);
		break;
	}
	if (ret) {
		dprintf(out, "the batch was refused: %s", err.msg);
		return 1;
	}
	/* With the bytecode of each rule (netlink debug), not only the text nft makes of it. */
	nft_ctx_output_set_debug(nft, NFT_DEBUG_NETLINK);
	if (nft_run_cmd_from_buffer(nft, "list ruleset"))
		return 1;
	listing = nft_ctx_get_output_buffer(nft);
	return write_without_handles(out, listing);
}

static bool own_netns(void)
{
	return !unshare(CLONE_NEWNET) || !unshare(CLONE_NEWUSER | CLONE_NEWNET);
}

/*
 * Runs @child(@arg, fd) in a forked child, what it writes to fd in @buf (of @cap bytes, with
 * its NUL; filling it fails the test).  Return: the child's exit status.
 */
static int in_child(int (*child)(const void *arg, int out), const void *arg, char *buf, size_t cap)
{
	size_t len = 0;
	ssize_t n;
	int fds[2], status;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		close(fds[0]);
		_exit(child(arg, fds[1]));
	}
	close(fds[1]);
	while (len < cap - 1 && (n = read(fds[0], buf + len, cap - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	close(fds[0]);
	if (len == cap - 1)
		fail_msg("a child's output filled its %zu bytes", cap);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static int list_in_own_netns(const void *arg, int out)
{
	return own_netns() ? load_and_list(arg, out) : 77;
}

/* The listing of @plan's table loaded by @loader, in a child's own network namespace; NULL
 * when no namespace could be made (then *skip is set). */
static char *listing_of(const struct load *load, bool *skip)
{
	static char buf[LISTING_MAX];
	int status = in_child(list_in_own_netns, load, buf, sizeof(buf));

	if (status == 77) {
		*skip = true;
		return NULL;
	}
	if (status)
		fail_msg("loader %d: %s", (int)load->loader, buf);
	return strdup(buf);
}

/* Fail, showing where the two listings part: from the line where they first differ. */
static void differ(const char *text, const char *batch, size_t net, size_t dns, size_t udp,
		   unsigned int flags)
{
	size_t at = 0;

	while (text[at] && text[at] == batch[at])
		at++;
	while (at && text[at - 1] != '\n')
		at--;
	fail_msg("net %zu dns %zu udp %zu flags %u: the tables part here\n"
		 "text:\n%.400s\nbatch:\n%.400s",
		 net, dns, udp, flags, text + at, batch + at);
}

static void same_table_for_every_plan(void **state)
{
	static const enum cli_net_mode nets[] = {NET_RELAY, NET_TUNNEL};
	static const enum cli_dns_mode dnss[] = {DNS_FAKEIP, DNS_FORWARD, DNS_NONE};
	static const enum cli_udp_mode udps[] = {UDP_BLOCK, UDP_DIRECT, UDP_PROXY};
	size_t net, dns, udp, compared = 0;
	unsigned int flags;
	char *first = NULL;
	bool skip = false;

	(void)state;
	for (net = 0; net < 2; net++)
		for (dns = 0; dns < 3; dns++)
			for (udp = 0; udp < 3; udp++)
				for (flags = 0; flags < 4; flags++) {
					struct load load = {BY_TEXT,
							    {nets[net], dnss[dns], udps[udp], true,
							     flags & 1, 0, flags & 2},
							    {0}};
					char *text = listing_of(&load, &skip);
					char *batch;

					if (skip)
						skip();
					load.loader = BY_BATCH;
					batch = listing_of(&load, &skip);
					assert_non_null(batch);
					if (strcmp(text, batch))
						differ(text, batch, net, dns, udp, flags);
					/* Not vacuous: the kernel listed a table, and the
					 * plans do not all list alike. */
					assert_non_null(strstr(batch, "table inet sluice {"));
					assert_non_null(strstr(batch, "reject"));
					if (!first)
						first = strdup(batch);
					else if (strcmp(first, batch))
						compared++;
					free(text);
					free(batch);
				}
	assert_true(compared > 30);
	free(first);
}

/* A tunnel's DNS table, IPv4 and IPv6, loaded afresh and over another server's. */
static void same_tunnel_dns_table(void **state)
{
	struct load load = {DNS_BY_TEXT, {0}, {AF_INET, {10, 77, 0, 53}, 32}};
	bool skip = false;
	int family;

	(void)state;
	for (family = 0; family < 2; family++) {
		char *text, *batch, *replaced;

		if (family) {
			load.server.family = AF_INET6;
			inet_pton(AF_INET6, "fd77::53", load.server.addr);
		}
		load.loader = DNS_BY_TEXT;
		text = listing_of(&load, &skip);
		if (skip)
			skip();
		load.loader = DNS_BY_BATCH;
		batch = listing_of(&load, &skip);
		load.loader = DNS_REPLACED_BY_BATCH;
		replaced = listing_of(&load, &skip);
		assert_non_null(
		    strstr(text, family ? "dnat ip6 to fd77::53" : "dnat ip to 10.77.0.53"));
		assert_null(strstr(replaced, "10.1.2.3"));
		if (strcmp(text, batch))
			differ(text, batch, 0, 0, 0, (unsigned int)family);
		if (strcmp(text, replaced))
			differ(text, replaced, 1, 0, 0, (unsigned int)family);
		free(text);
		free(batch);
		free(replaced);
	}
}

/* A caller the kernel refuses (no CAP_NET_ADMIN over the namespace) gets the kernel's error
 * and a message, not a table half loaded. */
static int load_unprivileged(const void *arg, int out)
{
	struct sl_err err = {0};
	int ret;

	if (!geteuid() && (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
			   setresuid(65534, 65534, 65534)))
		return 2;
	ret = firewall_batch_load(arg, &err);
	dprintf(out, "%s", err.msg);
	return ret < 0 && err.errnum == EPERM ? 0 : 1;
}

static void refused_batch_reports_the_kernels_error(void **state)
{
	struct netplan plan = {NET_RELAY, DNS_FAKEIP, UDP_DIRECT, true, false, 0, false};
	char msg[SL_ERR_MSG_MAX + 1];
	int status;

	(void)state;
	status = in_child(load_unprivileged, &plan, msg, sizeof(msg));
	if (status)
		fail_msg("expected EPERM and a message; got exit %d, \"%s\"", status, msg);
	assert_non_null(strstr(msg, "the kernel refused the sandbox's nftables table"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(same_table_for_every_plan),
	    cmocka_unit_test(same_tunnel_dns_table),
	    cmocka_unit_test(refused_batch_reports_the_kernels_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
