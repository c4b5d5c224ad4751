/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * stage.h - a namespace of sluice's own for one helper program (tor, ssh): its own user,
 * network, mount and pid namespaces, its network set up exactly like the sandbox's (netplan.h:
 * loopback, an internal link as the default route, the same interception table), so every
 * connection the helper makes is caught and handed to the relay, which sends it through the
 * hops before that helper.  The stage's init (pid 1 there) hands its listeners to the
 * supervisor, starts the helper on request, reports its exit, and makes sockets in there on
 * request (ns.h).  Its mount namespace only hides the host's name-service sockets and puts
 * "hosts: files dns" in nsswitch.conf (host_sockets.h), so the helper's lookups, too, go to
 * sluice's resolver and through the hops before it; the rest of the file system is the host's.
 *
 * Each stage has a user namespace of its own, mapping the caller's uid and gid to
 * themselves, so the helper runs as the user (rootless: the caller; as root: root), reads the
 * user's own files (ssh config and keys, tor's cache), holds no capability, and cannot
 * change the stage's table.  Nothing crosses between stage and sandbox but fds and socket
 * paths, so stages need not share the sandbox's user namespace.
 *
 * The stage dies with sluice: its init has PDEATHSIG=SIGKILL, and when pid 1 of a pid
 * namespace dies the kernel kills everything in it, the helper included.
 */
#ifndef SLUICE_STAGE_H
#define SLUICE_STAGE_H

#include <stdbool.h>
#include <sys/types.h>

#include "err.h"
#include "netplan.h"
#include "signals.h"

/* CHANNEL_HELPER_START's value: the helper may use the terminal (ssh's prompts). */
#define STAGE_START_INTERACTIVE 1

struct stage_spec {
	struct netplan plan;
	uid_t outer_uid;
	gid_t outer_gid;
	/* The helper, [1] when started with STAGE_START_INTERACTIVE; argv[0] is looked up in
	 * PATH. */
	char *const *argv[2];
	const char *name; /* "tor", for messages */
	/* Optional: called in the helper's child, without privileges, just before the exec;
	 * returns the argv to run (may be the one it got). */
	char *const *(*before_exec)(char *const *argv);
	const struct signal_state *original_signals; /* what the helper gets back */
	/* A tunnel program's stage: nested in the user namespace @parent_userns (an fd, or -1;
	 * ns_clone.h), the helper keeps CAP_NET_ADMIN there to make its tun device, and
	 * @run_dir (or NULL) is bound over /run, where wireguard-go puts its control socket. */
	int parent_userns;
	bool keep_net_admin;
	const char *run_dir;
	/* Or NULL: a file bound over /etc/resolv.conf, where a tun-making command (exec:) writes
	 * its DNS servers, never into the host's. */
	const char *resolv_conf;
	/* A socket factory: a second channel whose requests the init answers at once
	 * (ns_socket_now()): the relay dials from in there (a namespace behind a tunnel). */
	bool factory;
};

struct stage {
	pid_t pid;
	int pidfd;   /* of the stage's init */
	int channel; /* the supervisor's end: CHANNEL_READY, HELPER_STARTED/EXITED, SOCKET */
	int userns;  /* its user and network namespaces (a tunnel's device moves out of them) */
	int netns;
	int factory; /* with stage_spec.factory: the supervisor's end of it, else -1 */
};

/**
 * stage_create() - clone the stage's init, which sets the stage up and sends CHANNEL_READY
 * with its listeners (or CHANNEL_SETUP_FAILED) on @stage->channel, then waits for
 * CHANNEL_HELPER_START
 * Return: 0, or negative errno with @err filled.
 */
int stage_create(struct stage *stage, const struct stage_spec *spec, struct sl_err *err);

/* stage_destroy() - kill the stage (its helper dies with it), reap it, close its fds. */
void stage_destroy(struct stage *stage);

#endif
