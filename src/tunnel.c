/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * tunnel.c - moving a tunnel's tun device into the namespace after it (see tunnel.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "channel.h"
#include "firewall.h"
#include "log.h"
#include "netlink.h"
#include "tunnel.h"

/* What the prober finds, and sends back whole. */
struct probe {
	int index; /* the link found, 0 for none */
	char ifname[IFNAMSIZ];
	struct tunnel_params params;
};

static int probe_link(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	struct probe *p = data;
	const struct nlattr *attr;
	const char *name = NULL;
	unsigned int mtu = 0;
	bool tun = false;

	if (nlh->nlmsg_type != RTM_NEWLINK || p->index || !(ifm->ifi_flags & IFF_UP))
		return 0;
	mnl_attr_for_each(attr, nlh, sizeof(*ifm))
	{
		const struct nlattr *info;

		if (mnl_attr_get_type(attr) == IFLA_IFNAME &&
		    !mnl_attr_validate(attr, MNL_TYPE_NUL_STRING))
			name = mnl_attr_get_str(attr);
		else if (mnl_attr_get_type(attr) == IFLA_MTU &&
			 !mnl_attr_validate(attr, MNL_TYPE_U32))
			mtu = mnl_attr_get_u32(attr);
		else if (mnl_attr_get_type(attr) == IFLA_LINKINFO)
			mnl_attr_for_each_nested(info, attr)
			{
				tun |= mnl_attr_get_type(info) == IFLA_INFO_KIND &&
				       !mnl_attr_validate(info, MNL_TYPE_NUL_STRING) &&
				       !strcmp(mnl_attr_get_str(info), "tun");
			}
	}
	/* A tun device: never loopback or the stage's own veth link. */
	if (!tun || !name || strlen(name) >= IFNAMSIZ)
		return 0;
	p->index = ifm->ifi_index; /* a candidate: kept only if it has an address */
	snprintf(p->ifname, sizeof(p->ifname), "%s", name);
	p->params.mtu = mtu;
	return 0;
}

static int probe_address(const struct nlmsghdr *nlh, void *data)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const void *local = NULL, *address = NULL;
	struct probe *p = data;
	struct tunnel_prefix *out;
	const struct nlattr *attr;
	size_t len = ifa->ifa_family == AF_INET ? 4 : 16;

	if (nlh->nlmsg_type != RTM_NEWADDR || (int)ifa->ifa_index != p->index ||
	    (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6) ||
	    ifa->ifa_scope == RT_SCOPE_LINK || p->params.n_addresses == TUNNEL_MAX_ADDRESSES)
		return 0;
	mnl_attr_for_each(attr, nlh, sizeof(*ifa))
	{
		if (mnl_attr_get_payload_len(attr) != len)
			continue;
		if (mnl_attr_get_type(attr) == IFA_LOCAL)
			local = mnl_attr_get_payload(attr);
		else if (mnl_attr_get_type(attr) == IFA_ADDRESS)
			address = mnl_attr_get_payload(attr);
	}
	if (!local) /* IPv6, and IPv4 without a peer: IFA_ADDRESS is the address */
		local = address;
	if (!local)
		return 0;
	out = &p->params.addresses[p->params.n_addresses++];
	out->family = ifa->ifa_family;
	memcpy(out->addr, local, len);
	out->prefix_len = ifa->ifa_prefixlen;
	if (address && address != local && memcmp(address, local, len)) {
		p->params.peer.family = ifa->ifa_family;
		memcpy(p->params.peer.addr, address, len);
	}
	return 0;
}

/* Where to look; the child fills @found and sends it whole. */
struct probe_job {
	int stage_userns, stage_netns;
	struct probe found;
};

static void __attribute__((noreturn)) prober(void *arg, int report)
{
	struct probe_job *job = arg;
	struct probe *p = &job->found;
	struct netlink nl;
	struct sl_err err;
	int ret = 0;

	sl_err_clear(&err);
	if (job->stage_userns >= 0 && setns(job->stage_userns, CLONE_NEWUSER))
		ret = sl_err_set(&err, errno, "cannot join the tunnel stage's user namespace");
	if (!ret && setns(job->stage_netns, CLONE_NEWNET))
		ret = sl_err_set(&err, errno, "cannot join the tunnel stage's network namespace");
	if (!ret)
		ret = netlink_open(&nl, &err);
	if (!ret) {
		ret = netlink_dump(&nl, RTM_GETLINK, probe_link, p, &err);
		if (!ret && p->index)
			ret = netlink_dump(&nl, RTM_GETADDR, probe_address, p, &err);
		netlink_close(&nl);
	}
	if (ret) {
		channel_send_error(report, &err);
		_exit(1);
	}
	if (!p->params.n_addresses)
		p->index = 0;
	_exit(write(report, p, sizeof(*p)) == (ssize_t)sizeof(*p) ? 0 : 1);
}

/*
 * Run @child in a short-lived fork (it joins the stage's namespaces, which the supervisor never
 * does): it reports on its end of a channel (what it found, or CHANNEL_SETUP_FAILED) and exits
 * 0 when it did its work.  Waited for at most TUNNEL_MOVE_TIMEOUT_S.
 * Return: the supervisor's end of the channel (the caller reads what the child sent, and
 * closes it), or negative with @err filled: the fork failed, the child failed (its reason),
 * or it took too long.
 */
static int in_child(void (*child)(void *arg, int report), void *arg, const char *what,
		    struct sl_err *err)
{
	int fds[CHANNEL_MAX_FDS], pair[2], status = 0, ret, got;
	struct channel_msg msg;
	struct pollfd pfd;
	size_t n_fds = 0;
	pid_t pid;

	ret = channel_pair(pair, err);
	if (ret)
		return ret;
	pid = fork();
	if (pid == 0) {
		close(pair[0]);
		child(arg, pair[1]);
	}
	close(pair[1]);
	if (pid < 0) {
		ret = sl_err_set(err, errno, "%s: cannot fork", what);
		close(pair[0]);
		return ret;
	}
	pfd.fd = pair[0];
	pfd.events = POLLIN;
	if (poll(&pfd, 1, TUNNEL_MOVE_TIMEOUT_S * 1000) == 0)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return pair[0];
	got = channel_recv_nonblocking(pair[0], &msg, fds, &n_fds);
	while (n_fds)
		close(fds[--n_fds]);
	if (got == 1 && msg.type == CHANNEL_SETUP_FAILED)
		ret = sl_err_set(err, msg.errnum, "%s: %s", what, msg.text);
	else
		ret = sl_err_set(err, ETIMEDOUT, "%s: it took over %d s", what,
				 TUNNEL_MOVE_TIMEOUT_S);
	close(pair[0]);
	return ret;
}

int tunnel_probe(int stage_userns, int stage_netns, char ifname[IFNAMSIZ],
		 struct tunnel_params *params, struct sl_err *err)
{
	struct probe_job job = {.stage_userns = stage_userns, .stage_netns = stage_netns};
	struct probe *p = &job.found;
	int fd = in_child(prober, &job, "looking for the tunnel's device in its stage", err);
	int ret;

	if (fd < 0)
		return fd;
	if (recv(fd, p, sizeof(*p), MSG_DONTWAIT) != (ssize_t)sizeof(*p))
		ret = sl_err_set(err, 0, "looking for the tunnel's device in its stage: no answer");
	else
		ret = p->index ? 1 : 0;
	if (ret > 0) {
		memcpy(ifname, p->ifname, IFNAMSIZ);
		*params = p->params;
	}
	close(fd);
	return ret;
}

int tunnel_check_device(const char *label, struct sl_err *err)
{
	struct stat st;

	if (stat(TUNNEL_DEVICE, &st))
		return sl_err_set(
		    err, errno,
		    "%s: %s is missing: the kernel needs the tun driver (CONFIG_TUN), "
		    "and the node is made with 'mknod -m 0666 %s c 10 200'",
		    label, TUNNEL_DEVICE, TUNNEL_DEVICE);
	if (access(TUNNEL_DEVICE, R_OK | W_OK))
		return sl_err_set(err, errno,
				  "%s: %s is mode %04o, owner uid %u: a tunnel needs it readable "
				  "and writable by you (mode 0666, as desktop distributions ship "
				  "it: 'sudo chmod 0666 %s', or a udev rule) or sluice run as root",
				  label, TUNNEL_DEVICE, (unsigned int)(st.st_mode & 07777),
				  (unsigned int)st.st_uid, TUNNEL_DEVICE);
	return 0;
}

/* On a reconfiguration, what is there already is fine. */
static int already(int ret, struct sl_err *err)
{
	if (ret != -EEXIST)
		return ret;
	sl_err_clear(err);
	return 0;
}

static int configure(const struct tunnel_move *move, struct sl_err *err)
{
	const struct tunnel_params *p = &move->params;
	bool route4 = false, route6 = false;
	struct netlink nl;
	size_t i;
	int ret = netlink_open(&nl, err);

	if (ret)
		return ret;
	if (p->mtu)
		ret = netlink_link_set_mtu(&nl, move->ifname, p->mtu, err);
	for (i = 0; !ret && i < p->n_addresses; i++) {
		const struct tunnel_prefix *a = &p->addresses[i];
		const void *peer = p->peer.family == a->family ? p->peer.addr : NULL;

		if (a->family == AF_INET6 && !move->ipv6)
			continue;
		ret = already(netlink_addr_add_peer(
				  &nl, move->ifname, a->family, a->addr, peer,
				  peer ? (a->family == AF_INET ? 32 : 128) : a->prefix_len, err),
			      err);
		route4 |= a->family == AF_INET;
		route6 |= a->family == AF_INET6;
	}
	if (!ret)
		ret = netlink_link_up(&nl, move->ifname, err);
	if (!ret && route4)
		ret =
		    already(netlink_default_route_add(&nl, AF_INET, NULL, move->ifname, err), err);
	if (!ret && route6)
		ret =
		    already(netlink_default_route_add(&nl, AF_INET6, NULL, move->ifname, err), err);
	netlink_close(&nl);
	if (!ret && move->dns_server.family)
		ret = firewall_apply_tunnel_dns(&move->dns_server, err);
	return ret;
}

static void __attribute__((noreturn)) mover(void *arg, int report)
{
	const struct tunnel_move *move = arg;
	struct netlink nl;
	struct sl_err err;
	int ret = 0;

	sl_err_clear(&err);
	if (move->stage_userns >= 0 && setns(move->stage_userns, CLONE_NEWUSER))
		ret = sl_err_set(&err, errno, "cannot join the tunnel stage's user namespace");
	if (!ret && !move->in_place && setns(move->stage_netns, CLONE_NEWNET))
		ret = sl_err_set(&err, errno, "cannot join the tunnel stage's network namespace");
	if (!ret && !move->in_place)
		ret = netlink_open(&nl, &err);
	if (!ret && !move->in_place) {
		ret = netlink_link_move(&nl, move->ifname, move->next_netns, &err);
		netlink_close(&nl);
	}
	if (!ret && setns(move->next_netns, CLONE_NEWNET))
		ret = sl_err_set(&err, errno, "cannot join the namespace after the tunnel");
	if (!ret)
		ret = configure(move, &err);
	if (ret)
		channel_send_error(report, &err);
	_exit(ret ? 1 : 0);
}

int tunnel_move(const struct tunnel_move *move, struct sl_err *err)
{
	int fd = in_child(mover, (void *)move, move->ifname, err);

	if (fd < 0)
		return fd;
	close(fd);
	log_verbose("tunnel: %s %s the namespace after it", move->ifname,
		    move->in_place ? "configured again in" : "moved into");
	return 0;
}
