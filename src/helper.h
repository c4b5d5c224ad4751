/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * helper.h - the real programs some hops run (tor, ssh -D): each in a stage of its own
 * (stage.h), started, watched by pidfd in the supervisor's loop, its output captured into a
 * log file in the sandbox's runtime directory, its start-up progress shown, and restarted
 * with backoff (1 s doubling to 30 s) when it exits while the program runs.
 *
 * While a helper is not ready its hop's endpoint (hop.h) is down, with the reason: the relay
 * then fails connections through it at once; nothing takes another way.  Helpers start in
 * chain order, each once the one before it is ready, since its traffic goes through it.
 *
 * A kind of hop that runs a program provides a struct helper_ops (hop_tor.c, hop_ssh.c); the
 * hop table (hop.c) points to it.  Owns the life cycle; the kinds own their arguments,
 * configuration files and readiness checks.
 */
#ifndef SLUICE_HELPER_H
#define SLUICE_HELPER_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "cli.h"
#include "epoll_ref.h"
#include "err.h"
#include "hop.h"
#include "sandbox_net.h"
#include "signals.h"
#include "stage.h"
#include "tunnel_params.h"

#define HELPER_ARGV_MAX	     (2 * CLI_MAX_HELPER_OPTIONS + 32)
#define HELPER_STRINGS_MAX   16384
#define HELPER_LINE_MAX	     512
#define HELPER_POLL_MS	     25
#define HELPER_BACKOFF_MAX_S 30
#define HELPER_DIAL_PENDING  4 /* dial requests accepted and not read yet, per helper */

enum helper_state {
	HELPER_WAITING,	   /* not started yet: a helper before it is not ready */
	HELPER_STARTING,   /* running, not ready yet */
	HELPER_UP,	   /* ready: its endpoint is up */
	HELPER_RESTARTING, /* exited while the program runs; starts again at restart_at_ms */
	HELPER_FAILED,	   /* failed before the program started: the run ends */
};

struct helper;

struct helper_ops {
	const char *program; /* looked up in PATH before anything starts; NULL: prepare() does */
	const char *package; /* the Debian package that has it, for the message */
	bool may_prompt;     /* asks the user (ssh): its first start keeps the terminal */
	bool dials;	     /* can take its server connection from `sluice dial` (dial.h) */
	/* Once, before the first start: configuration files, the endpoint's address. */
	int (*prepare)(struct helper *h, struct sl_err *err);
	/* Before each start: the argv (helper_arg()); @interactive: prompts can be answered. */
	int (*arguments)(struct helper *h, bool interactive, struct sl_err *err);
	/* While starting, every HELPER_POLL_MS: 1 ready, 0 not yet, negative failed (@err). */
	int (*poll)(struct helper *h, struct sl_err *err);
	/* The program is gone, or the run ends: drop what was connected to it. */
	void (*stopped)(struct helper *h);
	/* Seconds a start may take, 0 for no limit. */
	unsigned int (*timeout_s)(const struct helper *h, bool interactive);
	/* Optional: in the stage, as the helper, just before it runs (stage_spec.before_exec). */
	char *const *(*before_exec)(char *const *argv);
	/* Optional: an fd the kind watches (helper_watch()) is ready. */
	void (*event)(struct helper *h, int fd, uint32_t events);
	/* Optional: the run ends (or prepare() failed): close and wipe the kind's state, which
	 * helper.c then frees. */
	void (*destroy)(struct helper *h);
};

struct helper_context {
	const struct run_options *run;
	char runtime_dir[PATH_MAX]; /* 0700, this sandbox's own (runtime_dir.h) */
	bool interactive;	    /* sluice has a terminal on stdin: the first start may prompt */
	uid_t uid;
	gid_t gid;
	char self[PATH_MAX]; /* sluice's own binary, for `sluice dial`; "" when unknown */
	const struct signal_state *original_signals;
};

struct helper {
	const struct helper_ops *ops;
	const struct helper_context *ctx;
	size_t index;			    /* the hop's index in the chain */
	char name[16];			    /* "tor", "ssh" */
	char label[HOP_UNIX_PATH_MAX + 64]; /* "tor hop 2 (sluice's tor)" */
	struct hop_spec *hop;
	struct hop_endpoint *endpoint;
	enum helper_state state;
	struct stage stage;
	bool stage_ready;
	int listeners[LISTENER_COUNT];
	char *argv[2][HELPER_ARGV_MAX]; /* [1]: a start that may prompt; [0]: one that may not */
	size_t argc[2];
	int building; /* which argv helper_arg() fills */
	char strings[HELPER_STRINGS_MAX];
	size_t strings_used;
	int pidfd;	   /* of the running program, -1 */
	int log_pipe;	   /* read end of its stdout and stderr, -1 */
	int log_file;	   /* NAME-N.log in the runtime directory */
	int dial_listener; /* NAME-N.dial when the kind dials (dial.h), -1 */
	char dial_path[108];
	int dial_pending[HELPER_DIAL_PENDING]; /* accepted, request not read yet, -1 */
	char log_path[PATH_MAX];
	char partial[HELPER_LINE_MAX];
	size_t partial_len;
	char last_line[HELPER_LINE_MAX];
	char last_warning[HELPER_LINE_MAX];
	unsigned int restarts;
	unsigned int backoff_s;
	uint64_t started_ms, ready_ms, restart_at_ms;
	int progress; /* percent, -1 when the kind reports none */
	char progress_text[160];
	bool progress_shown; /* a progress line is on the terminal, to be cleared */
	int exit_status;
	void *kind; /* the kind's own state */
	/* A tunnel (hop_is_tunnel()): the kind fills these before it says ready; helper.c then
	 * moves the device into the namespace after it (tunnel.h), at once or when it exists. */
	char run_dir[PATH_MAX];	    /* bound over /run in its stage; "" for none */
	char resolv_conf[PATH_MAX]; /* bound over /etc/resolv.conf in its stage; "" for none */
	bool uses_udp; /* its own traffic is UDP: the stage's is relayed (udp_relay.h) */
	struct udp_relay *udp;
	int udp_epoll; /* the UDP relay's own epoll set, itself watched by the loop's */
	char tun_name[IFNAMSIZ];
	struct tunnel_params tunnel;
	bool tun_moved;
	int next_netns; /* the namespace after the tunnel (a stage, the sandbox), -1 until known */
	/* A proxy right after the tunnel: a namespace of its own, with no program, gets the
	 * device; the relay dials the proxy from in there (relay_set_factory()). */
	struct stage transit;
	struct helpers *set;
};

/**
 * helper_read_config() - the hop's configuration file (hop->file; "~/" is the caller's home),
 * a regular file of at most @max bytes, read whole
 * @what:	what it is, for messages ("WireGuard configuration")
 * @path:	receives the path as opened (PATH_MAX bytes), for the caller's messages
 * Return: the text, NUL-terminated, in a buffer of @max + 1 bytes the caller wipes
 * (explicit_bzero) and frees, with its length in *@len; or NULL with @err filled.
 */
char *helper_read_config(const struct helper *h, const char *what, size_t max, char *path,
			 size_t *len, struct sl_err *err);

/* How the stage's own traffic leaves: directly (the hop comes first), through the hops before
 * it (the relay), or through the device of the tunnel right before it. */
enum helper_route {
	HELPER_ROUTE_DIRECT,
	HELPER_ROUTE_HOPS,
	HELPER_ROUTE_TUNNEL,
};

enum helper_route helper_route_kind(const struct helper *h);

/* helper_stage_userns() - the user namespace to join to act in its stage: rootless its own,
 * -1 as root (no need). */
int helper_stage_userns(const struct helper *h);

/* helper_fakeip() - the fake-IP pool of the hops before it (NULL without one). */
struct fakeip_pool *helper_fakeip(const struct helper *h);

/**
 * helper_tunnel_update() - a running tunnel program has new values (h->tunnel, h->tun_name):
 * an OpenVPN reconnect.  With @new_device its device is a new one, in its stage; else the
 * device it had, in the namespace after it, gets them in place.  Before the tunnel is first
 * ready, nothing happens here (poll() says ready, helper.c moves it then).
 * Return: 0, or negative with @err filled.
 */
int helper_tunnel_update(struct helper *h, bool new_device, struct sl_err *err);

/* helper_watch() - watch @fd (EPOLLIN) for the kind's event().  Return: 0 or -errno. */
int helper_watch(struct helper *h, int fd);

/* helper_unwatch() - stop watching @fd (the caller closes it). */
void helper_unwatch(struct helper *h, int fd);

/* helper_arg() - append one argument (formatted) to @h's argv.  Return: 0 or -E2BIG. */
int helper_arg(struct helper *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* helper_progress() - the kind's start-up progress: shown on stderr as it changes. */
void helper_progress(struct helper *h, int percent, const char *text);

/**
 * helper_make_run_dir() - h->run_dir, "RUNTIME_DIR/NAME-N" (the kind's name, the hop's
 * number), made with mode 0700: bound over /run in its stage (stage.h)
 * Return: 0, or negative with @err filled.
 */
int helper_make_run_dir(struct helper *h, struct sl_err *err);

/* helper_path() - "RUNTIME_DIR/NAME" into @buf.  Return: 0, or -ENAMETOOLONG. */
int helper_path(const struct helper *h, char *buf, size_t cap, const char *name);

/* The kinds (hop.c's table points to them). */
extern const struct helper_ops hop_tor_helper;
extern const struct helper_ops hop_ssh_helper;
extern const struct helper_ops hop_wireguard_helper;
extern const struct helper_ops hop_openvpn_helper;
extern const struct helper_ops hop_exec_helper;

struct helpers;
struct relay;
struct resolver;

/**
 * helpers_create() - one helper per hop that runs a program (hop_runs_helper())
 * @hops, @endpoints:	the chain as the relay uses it; a helper sets its hop's endpoint
 * Creates the runtime directory, checks each program is installed, prepares each kind.
 * Return: the set (empty when no hop runs a program), or NULL with @err filled.
 */
struct helpers *helpers_create(const struct run_options *run, struct hop_spec *hops,
			       struct hop_endpoint *endpoints, int epoll_fd,
			       const struct signal_state *original_signals, struct sl_err *err);

/* helpers_serve() - where the stages' listeners go: the relay's and resolver's routes. */
void helpers_serve(struct helpers *set, struct relay *relay, struct resolver *resolver);

/* helpers_start() - start the first helper; the others follow as each is ready. */
int helpers_start(struct helpers *set, struct sl_err *err);

/* helpers_all_up() - every helper ready (true for an empty set). */
bool helpers_all_up(const struct helpers *set);

/* helpers_failed() - did one fail to start?  Then @err says why (exit code 125). */
bool helpers_failed(const struct helpers *set, struct sl_err *err);

/* helpers_running() - the program started: from now on a helper that exits is restarted. */
void helpers_running(struct helpers *set);

void helpers_event(struct helpers *set, union epoll_ref ref, uint32_t events);
void helpers_tick(struct helpers *set);

/* helpers_hop_state() - "up", "starting", "restarting" or "down" for hop @hop's helper;
 * NULL when that hop runs no program (or @set is NULL). */
const char *helpers_hop_state(const struct helpers *set, size_t hop);

/*
 * helpers_tunnel_userns() - rootless, the user namespace of the last hop's stage when that hop
 * is a tunnel: the program's namespaces nest in it (ns_clone.h); else -1.
 */
int helpers_tunnel_userns(const struct helpers *set);

/**
 * helpers_tunnel_into() - the program's network namespace, after a last tunnel hop: its
 * device moves in now, and again after each restart of the tunnel program
 * Return: 0, or negative with @err filled (the device could not be moved).
 */
int helpers_tunnel_into(struct helpers *set, int netns_fd, struct sl_err *err);

/* helpers_destroy() - stop every helper and stage, remove the runtime directory. */
void helpers_destroy(struct helpers *set);

#endif
