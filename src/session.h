/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * session.h - a sandbox's name and what is recorded about it on disk: BASE/NAME.json (the
 * state file, which is also the claim on the name) and BASE/NAME.sock (the control socket),
 * BASE being the runtime directory's (runtime_dir.h), private to the user.
 *
 * A state file says who holds the name: the supervisor's pid and its start time (field 22
 * of /proc/PID/stat, so a reused pid is told apart), the inode of the sandbox's network
 * namespace once there is one.  A session is stale only when that proof holds: the file is
 * ours, it parses, and the recorded process is gone or is another one.  A file that does
 * not parse (another tool's, a forged one) is never acted on: the name stays taken.
 */
#ifndef SLUICE_SESSION_H
#define SLUICE_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

#define SESSION_NAME_MAX  64
#define SESSION_STATE_MAX 4096 /* bytes of a state file; more is not ours */

struct session_state {
	char name[SESSION_NAME_MAX + 1];
	char profile[SESSION_NAME_MAX + 1]; /* "" when run without a profile name */
	pid_t pid;			    /* the supervisor */
	uint64_t start_time;		    /* /proc/PID/stat field 22 (clock ticks after boot) */
	int64_t started;		    /* wall clock, seconds since the epoch */
	uint64_t netns_inode;		    /* 0 until the sandbox exists */
};

/* session_name_valid() - letters, digits, '.', '_', '-', not starting with '.' or '-', at
 * most SESSION_NAME_MAX characters (a profile name's rules). */
bool session_name_valid(const char *name);

/* session_name_of_file() - is @file ("NAME.json") a state file's name?  Then @name is NAME. */
bool session_name_of_file(const char *file, char name[SESSION_NAME_MAX + 1]);

/**
 * session_name_from() - a name made from @word (a profile name or a program's path): its last
 * path component, characters outside the allowed ones replaced with '_', cut to fit;
 * "sandbox" when nothing is left.  Pure.
 */
void session_name_from(const char *word, char out[SESSION_NAME_MAX + 1]);

/**
 * session_state_format() - the state file's JSON text for @state
 * Return: its length, or -1 if it does not fit in @cap.
 */
int session_state_format(const struct session_state *state, char *buf, size_t cap);

/**
 * session_state_parse() - read a state file's text; pure
 * Return: 0, or negative with @err saying why it is not a sluice state file.
 */
int session_state_parse(const char *text, size_t len, struct session_state *state,
			struct sl_err *err);

/* process_start_time() - field 22 of /proc/@pid/stat; 0 if @pid does not exist or is a zombie. */
uint64_t process_start_time(pid_t pid);

/* session_state_live() - does the process @state names still run (same pid, same start)? */
bool session_state_live(const struct session_state *state);

/**
 * session_path() - BASE/NAME.@suffix ("json" or "sock")
 * Return: 0, or -ENAMETOOLONG.
 */
int session_path(const char *base, const char *name, const char *suffix, char *out, size_t cap);

/**
 * session_claim() - take @state->name in @base: create NAME.json exclusively and write @state
 * A stale claim on the name (proof as above) is removed first.
 * Return: 0; -EEXIST if a live session (or a file that is not ours to judge) holds the name,
 * with @err saying which; another negative errno with @err filled.
 */
int session_claim(const char *base, const struct session_state *state, struct sl_err *err);

/**
 * session_update() - rewrite our own state file (atomically: a new file renamed over it)
 * Return: 0, or negative errno with @err filled.
 */
int session_update(const char *base, const struct session_state *state, struct sl_err *err);

/* session_release() - remove NAME.sock and NAME.json: the end of our session. */
void session_release(const char *base, const char *name);

/**
 * session_read() - read BASE/NAME.json
 * Return: 0, -ENOENT if there is none, another negative value if it is not a state file of
 * ours (@err says why).
 */
int session_read(const char *base, const char *name, struct session_state *state,
		 struct sl_err *err);

/* session_netns_path() - /run/netns/sluice-NAME (`--ip-netns`); 0 or -ENAMETOOLONG. */
int session_netns_path(const char *name, char *out, size_t cap);

/**
 * session_unbind_netns() - remove /run/netns/sluice-NAME if it is the network namespace whose
 * inode is @netns_inode (a file of that name holding anything else is left alone)
 */
void session_unbind_netns(const char *name, uint64_t netns_inode);

/**
 * session_remove_if_stale() - remove NAME.json and NAME.sock (and the session's
 * /run/netns/sluice-NAME) when the proof above holds
 * Return: 1 if removed, 0 if the session is live or unprovable (left alone), negative errno.
 */
int session_remove_if_stale(const char *base, const char *name);

#endif
