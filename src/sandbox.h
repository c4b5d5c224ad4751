/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * sandbox.h - what the supervisor hands to the sandbox it clones.
 *
 * The supervisor fills a struct sandbox_config and clones; the clone (the sandbox init, pid 1
 * of the new pid namespace) reads its copy of the supervisor's memory, so nothing here is
 * serialised.  Everything in it is read-only for the sandbox.
 */
#ifndef SLUICE_SANDBOX_H
#define SLUICE_SANDBOX_H

#include <stdbool.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "cli.h"
#include "identity.h"
#include "signals.h"

struct sandbox_config {
	const struct run_options *run;
	bool userns; /* a new user namespace was made (rootless) */
	uid_t outer_uid;
	gid_t outer_gid;
	struct identity program_user; /* root mode (!userns): who the program runs as */
	int channel;		      /* the sandbox's end of the channel (channel.h) */
	int supervisor_channel;	      /* the supervisor's end: the sandbox closes its copy */
	/* Behind a last tunnel: a channel of its own on which the init makes sockets in here for
	 * the resolver, which forwards into the tunnel (ns_socket_now()); -1 otherwise.  The
	 * supervisor's end is closed in the sandbox. */
	int factory;
	int supervisor_factory;
	int tty_fd;		/* controlling terminal, -1 if none */
	bool tty_foreground;	/* hand the terminal's foreground to the program */
	bool std_was_closed[3]; /* fd 0/1/2 were closed when sluice started */
	struct signal_state original_signals;
	struct rlimit original_nofile; /* the relay raises RLIMIT_NOFILE; the program gets this */
	/* The runtime directory's base (runtime_dir.h), hidden inside: the sessions' control
	 * sockets, and the helpers' directories (tor's and ssh's sockets, tor's control port
	 * and its cookie). */
	const char *hidden_dir;
};

/**
 * sandbox_init_main() - pid 1 of the sandbox: set up, start the program, reap, forward signals
 * Context: the child of clone() with the new namespaces; never returns.  Exits 125 after
 * sending CHANNEL_SETUP_FAILED if setup fails, else after CHANNEL_PROGRAM_EXITED.
 */
void sandbox_init_main(const struct sandbox_config *config) __attribute__((noreturn));

#endif
