/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * supervisor.c - the host side of one sandbox (see supervisor.h).  Owns the clone of the
 * sandbox, the event loop, signal forwarding and the exit status.  Does not set anything up
 * inside the sandbox (sandbox_init.c) and prints nothing but what the user must see.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "channel.h"
#include "epoll_ref.h"
#include "fast_path.h"
#include "fds.h"
#include "helper.h"
#include "listeners.h"
#include "hop.h"
#include "log.h"
#include "monotonic.h"
#include "netplan.h"
#include "ns_clone.h"
#include "ns.h"
#include "program.h"
#include "publish.h"
#include "relay.h"
#include "resolver.h"
#include "route.h"
#include "runtime_dir.h"
#include "sandbox.h"
#include "sandbox_net.h"
#include "session_server.h"
#include "supervisor.h"
#include "terminal.h"
#include "udp_relay.h"
#include "userns.h"

/* Ctrl-C of a `sluice run` that waits for the programs `exec` started: as `sluice stop`. */
#define STOP_GRACE_ON_SIGNAL 10

struct supervisor {
	struct sandbox_config config;
	struct terminal terminal;
	int epoll_fd;
	int signal_fd;
	int channel;
	int init_pidfd;
	pid_t init_pid;
	int timer_fd;
	struct relay *relay;
	struct resolver *resolver;
	struct udp_relay *udp;
	struct helpers *helpers;
	struct session_server *session;
	struct publish *publish;     /* --publish: host ports into the sandbox */
	struct fast_path *fast_path; /* --fast-path: serves the program's socket calls */
	int listeners[LISTENER_COUNT];
	/* The chain as the relay uses it (with isolation credentials), and where the local
	 * hops are reached now. */
	struct hop_spec hops[CLI_MAX_HOPS];
	struct hop_endpoint endpoints[CLI_MAX_HOPS];
	int interrupted; /* a signal that ended the start before the program ran */

	bool init_gone;
	bool program_exited;
	int program_status; /* wait status, valid when program_exited */
	int exec_errnum;    /* non-zero when the program could not be exec'd */
	char exec_name[SL_ERR_MSG_MAX];
	bool setup_failed;
	struct sl_err setup_err; /* what the sandbox reported */
	bool stopped_with_program;
	bool ending;		   /* CHANNEL_END sent: the session is over */
	bool lingering;		   /* the first program ended, others run */
	uint64_t kill_at_ms;	   /* `sluice stop`: SIGKILL the sandbox then (0: not asked) */
	int64_t started;	   /* wall clock, for status */
	char hidden_dir[PATH_MAX]; /* the runtime directory's base, covered inside */
};

/* Do we hold CAP_SYS_ADMIN here, so the sandbox needs no user namespace of its own? */
static bool privileged(void)
{
	cap_flag_value_t value = CAP_CLEAR;
	cap_t caps;

	if (geteuid() != 0)
		return false;
	caps = cap_get_proc();
	if (!caps)
		return false;
	cap_get_flag(caps, CAP_SYS_ADMIN, CAP_EFFECTIVE, &value);
	cap_free(caps);
	return value == CAP_SET;
}

static int check_pass_fds(const struct run_options *run, struct sl_err *err)
{
	size_t i;

	for (i = 0; i < run->n_pass_fds; i++) {
		if (fcntl(run->pass_fds[i], F_GETFD) < 0)
			return sl_err_set(err, errno, "--pass-fd %d: not an open file descriptor",
					  run->pass_fds[i]);
	}
	return 0;
}

static const char *environment_value(const char *name)
{
	return getenv(name);
}

/* Root mode: the unprivileged user the program runs as (identity.h).  Rootless: the caller. */
static int choose_program_user(struct sandbox_config *config, struct sl_err *err)
{
	struct identity *id = &config->program_user;
	int ret;

	if (config->userns) {
		if (config->run->user[0])
			return sl_err_set(err, EPERM,
					  "--user %s: only root can run the program as another "
					  "user; rootless, it runs as you",
					  config->run->user);
		return 0;
	}
	ret = identity_choose(config->run, environment_value, id, err);
	if (ret)
		return ret;
	log_verbose("the program runs as uid %u gid %u%s%s (%s)%s", (unsigned int)id->uid,
		    (unsigned int)id->gid, id->has_passwd_entry ? ", user " : "",
		    id->has_passwd_entry ? id->name : "", id->chosen_by,
		    id->map_root ? ", uid 0 in a user namespace of its own" : "");
	return 0;
}

static int clone_sandbox(struct supervisor *sv, struct sl_err *err)
{
	uint64_t flags =
	    CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_PIDFD;
	struct clone_args args = {0};
	int pidfd = -1;
	pid_t pid;

	if (sv->config.userns)
		flags |= CLONE_NEWUSER;
	args.flags = flags;
	args.pidfd = (uint64_t)(uintptr_t)&pidfd;
	args.exit_signal = SIGCHLD;

	log_verbose("creating %snetwork, mount, pid, uts and ipc namespaces",
		    sv->config.userns ? "user, " : "");
	/* Behind a tunnel hop, rootless: nested in its stage's user namespace, so that its
	 * device may move in (ns_clone.h). */
	pid = ns_clone3_in(helpers_tunnel_userns(sv->helpers), &args);
	if (pid < 0) {
		int e = errno;
		struct userns_settings settings;

		if (e == ENOSYS)
			return sl_err_set(err, e,
					  "cannot create the sandbox: clone3() is missing (Linux "
					  "5.3 or newer is needed) or hidden by a seccomp filter");
		if (sv->config.userns) {
			userns_read_settings(&settings);
			return sl_err_set(err, e, "cannot create the sandbox's namespaces; %s",
					  userns_diagnose(&settings, e));
		}
		return sl_err_set(err, e, "cannot create the sandbox's namespaces");
	}
	if (pid == 0)
		sandbox_init_main(&sv->config);

	sv->init_pid = pid;
	sv->init_pidfd = pidfd;
	return 0;
}

static int watch(struct supervisor *sv, enum epoll_type type, int fd, struct sl_err *err)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = epoll_ref_make(type, fd, 0)};

	if (epoll_ctl(sv->epoll_fd, EPOLL_CTL_ADD, fd, &ev))
		return sl_err_set(err, errno, "cannot watch fd %d", fd);
	return 0;
}

static void send_to_sandbox(struct supervisor *sv, int sig)
{
	if (sv->init_gone)
		return;
	if (syscall(SYS_pidfd_send_signal, sv->init_pidfd, sig, NULL, 0) && errno != ESRCH)
		log_debug("cannot pass signal %d on: %s", sig, strerror(errno));
}

/* The program stopped (Ctrl-Z): stop ourselves too, so the user's shell regains control. */
static void stop_with_program(struct supervisor *sv)
{
	if (sv->terminal.fd < 0 || !sv->terminal.foreground)
		return; /* no job control around us: a stop is the program's own business */
	terminal_program_stopped(&sv->terminal);
	sv->stopped_with_program = true;
	kill(getpid(), SIGSTOP);
	/* Continued: the SIGCONT waiting in the signalfd resumes the program. */
}

static void session_stop(void *ctx, int grace);

static void on_signal(struct supervisor *sv)
{
	struct signalfd_siginfo si;

	while (read(sv->signal_fd, &si, sizeof(si)) == sizeof(si)) {
		int sig = (int)si.ssi_signo;

		if (sig == SIGCHLD)
			continue; /* the pidfds tell us about the init and the helpers */
		if (sv->init_pidfd < 0) {
			/* No program yet (helpers are starting): an interrupt ends the start. */
			if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP || sig == SIGQUIT)
				sv->interrupted = sig;
			continue;
		}
		if (sig == SIGCONT && sv->stopped_with_program) {
			sv->stopped_with_program = false;
			terminal_program_continued(&sv->terminal);
		}
		if (sv->lingering && (sig == SIGINT || sig == SIGTERM || sig == SIGHUP)) {
			/* The first program is gone; what `exec` started is ended as by stop. */
			session_stop(sv, STOP_GRACE_ON_SIGNAL);
			continue;
		}
		log_debug("passing signal %d to the program", sig);
		send_to_sandbox(sv, sig);
	}
}

/*
 * The session ends when its first program has ended and no program `sluice exec` started
 * runs (nor is starting): the init exits, and the kernel ends everything else in there.
 */
static void maybe_end(struct supervisor *sv)
{
	struct channel_msg end = {.type = CHANNEL_END};
	size_t busy = sv->session ? session_server_busy(sv->session) : 0;

	if (sv->ending || !sv->program_exited || sv->init_gone)
		return;
	if (busy) {
		if (!sv->lingering)
			log_info("session '%s': the program ended; the session stays while the "
				 "programs 'sluice exec' started run ('sluice stop %s' or Ctrl-C "
				 "ends them)",
				 session_server_name(sv->session),
				 session_server_name(sv->session));
		sv->lingering = true;
		terminal_restore(&sv->terminal); /* the terminal is the shell's again */
		return;
	}
	sv->ending = true;
	if (sv->session)
		session_server_ending(sv->session);
	end.value = WIFEXITED(sv->program_status) ? WEXITSTATUS(sv->program_status) : 0;
	if (channel_send(sv->channel, &end, NULL, 0))
		send_to_sandbox(sv, SIGKILL);
}

/*
 * Behind a last tunnel hop: its device into the sandbox's network namespace (bit 2 of the
 * init's mask, control.h's order), then the program may start.  Return: 0, or -1 when the
 * sandbox is being ended.
 */
static int tunnel_in(struct supervisor *sv, const int *fds, size_t n_fds, uint32_t mask)
{
	struct channel_msg go = {.type = CHANNEL_TUNNEL_READY};
	size_t net = (size_t)__builtin_popcount(mask & 3u);

	if (!(mask & 4u) || net >= n_fds) {
		sl_err_set(&sv->setup_err, 0, "the sandbox sent no network namespace");
	} else if (!helpers_tunnel_into(sv->helpers, fds[net], &sv->setup_err)) {
		if (!channel_send(sv->channel, &go, NULL, 0))
			return 0;
		sl_err_set(&sv->setup_err, EPIPE, "the sandbox is gone");
	}
	sv->setup_failed = true;
	sv->setup_err.exit_code = SL_EXIT_FAILURE;
	send_to_sandbox(sv, SIGKILL);
	return -1;
}

/* The fast path's hand-over (fast_path.h): a connection of the program's route. */
static int fast_path_dial(void *ctx, int requester, const struct sockaddr_storage *destination)
{
	struct supervisor *sv = ctx;

	return relay_dial(sv->relay, sv->config.run->n_hops, requester, destination);
}

/*
 * Can the program's connections be handed over?  Only when the relay carries them (not
 * behind a tunnel, whose device the sandbox has) and its upstream sockets are TCP: a route
 * that starts at a local hop's unix socket (a helper such as tor, or tor://unix:) would
 * put a unix socket in place of the program's TCP one.
 */
static bool fast_path_hands_over(const struct supervisor *sv)
{
	const struct run_options *run = sv->config.run;
	struct netplan plan = netplan_for_sandbox(run);
	struct route route;

	route_plan(run, run->n_hops, &route);
	return sv->relay && plan.net == NET_RELAY && !route.local_entry;
}

/*
 * The program's fast path listener.  Fail closed: a program whose socket calls nobody serves
 * would hang in them, so a fast path that cannot start ends the sandbox.
 */
static void take_fast_path(struct supervisor *sv, const struct channel_msg *msg, int *fds,
			   size_t n_fds)
{
	struct fast_path_config config = {
	    .sandbox_netns_cookie = msg->netns_cookie,
	    .unprivileged_port_start = (unsigned int)msg->value,
	    .allow_host_loopback = sv->config.run->allow_host_loopback,
	};

	if (!sv->config.run->fast_path || sv->fast_path || n_fds != 1 || msg->value < 0) {
		log_warn("ignoring an unasked fast path listener"); /* on_message() closes it */
		return;
	}
	if (fast_path_hands_over(sv)) {
		config.dial = fast_path_dial;
		config.dial_ctx = sv;
	}
	sv->fast_path = fast_path_new(fds[0], &config, &sv->setup_err);
	fds[0] = -1; /* the fast path's now, or closed by it */
	if (!sv->fast_path ||
	    watch(sv, EPOLL_TYPE_FAST_PATH, fast_path_fd(sv->fast_path), &sv->setup_err)) {
		sv->setup_failed = true;
		sv->setup_err.exit_code = SL_EXIT_FAILURE;
		send_to_sandbox(sv, SIGKILL);
		return;
	}
	if (sv->session)
		session_server_hold_joins(sv->session, false);
	log_verbose("fast path: serving the program's socket calls%s",
		    config.dial ? "; its connections are handed over"
				: " (its connections go through the relay: the route starts at a "
				  "unix socket, or the program is behind a tunnel)");
}

/* The fast path stays when no program is left under it: `sluice exec` may bring one later. */
static void on_fast_path(struct supervisor *sv)
{
	if (!sv->fast_path || fast_path_serve(sv->fast_path) != -ENOTCONN)
		return;
	log_verbose("fast path: %llu calls served, %llu connections handed over, none left to "
		    "serve",
		    (unsigned long long)fast_path_calls(sv->fast_path),
		    (unsigned long long)fast_path_handed_over(sv->fast_path));
}

/* session_hooks.fast_path_listener: a program `sluice exec` started, under the fast path. */
static int session_fast_path_listener(void *ctx, int listener, struct sl_err *err)
{
	struct supervisor *sv = ctx;

	if (!sv->fast_path) {
		close(listener);
		return sl_err_set(err, 0, "the session's fast path is not running");
	}
	if (fast_path_add_listener(sv->fast_path, listener, err))
		return -1;
	log_verbose("fast path: serving a program sluice exec started");
	return 0;
}

static void on_message(struct supervisor *sv, const struct channel_msg *msg, int *fds, size_t n_fds)
{
	switch (msg->type) {
	case CHANNEL_READY: {
		struct listener_servers servers = {sv->relay, sv->resolver, sv->udp};

		/* The program's route (route.h) is the last position. */
		if (listeners_take(&servers, sv->config.run->n_hops, "sandbox",
				   (uint32_t)msg->value, fds, n_fds, sv->listeners,
				   &sv->setup_err)) {
			/* Fail closed: end the sandbox, whose program may have started already. */
			sv->setup_failed = true;
			sv->setup_err.exit_code = SL_EXIT_FAILURE;
			send_to_sandbox(sv, SIGKILL);
			break;
		}
		log_verbose("sandbox ready, starting the program");
		break;
	}
	case CHANNEL_SETUP_FAILED:
		sv->setup_failed = true;
		sv->setup_err.errnum = msg->errnum;
		sv->setup_err.exit_code = msg->exit_code ? msg->exit_code : SL_EXIT_FAILURE;
		memcpy(sv->setup_err.msg, msg->text, sizeof(sv->setup_err.msg));
		break;
	case CHANNEL_EXEC_FAILED:
		sv->exec_errnum = msg->errnum ? msg->errnum : EIO;
		memcpy(sv->exec_name, msg->text, sizeof(sv->exec_name));
		break;
	case CHANNEL_PROGRAM_STOPPED:
		stop_with_program(sv);
		break;
	case CHANNEL_PROGRAM_EXITED:
		sv->program_exited = true;
		sv->program_status = msg->value;
		maybe_end(sv);
		break;
	case CHANNEL_NAMESPACES:
		if (conf_tunnel_last(sv->config.run) &&
		    tunnel_in(sv, fds, n_fds, (uint32_t)msg->value))
			break;
		if (sv->session)
			session_server_namespaces(sv->session, fds, n_fds, (uint32_t)msg->value);
		break;
	case CHANNEL_FAST_PATH:
		take_fast_path(sv, msg, fds, n_fds);
		break;
	case CHANNEL_SOCKET:
		/* The kind says whose request it answers. */
		if (msg->socket_kind == NS_SOCKET_UDP_REPLY && sv->udp) {
			udp_relay_reply_socket(sv->udp, msg, n_fds ? fds[0] : -1);
			if (n_fds)
				fds[0] = -1; /* the UDP relay owns it now */
		} else if (msg->socket_kind != NS_SOCKET_UDP_REPLY && sv->publish) {
			publish_socket(sv->publish, msg, n_fds ? fds[0] : -1);
			if (n_fds)
				fds[0] = -1;
		}
		break;
	default:
		log_debug("unknown message %u from the sandbox", msg->type);
	}
	while (n_fds)
		if (fds[--n_fds] >= 0)
			close(fds[n_fds]);
}

/* Read every message waiting; returns false once the sandbox side is closed. */
static bool drain_channel(struct supervisor *sv)
{
	for (;;) {
		struct channel_msg msg;
		int fds[CHANNEL_MAX_FDS];
		size_t n_fds;
		int ret = channel_recv(sv->channel, &msg, fds, &n_fds);

		if (ret == -EAGAIN)
			return true;
		if (ret <= 0)
			return false;
		on_message(sv, &msg, fds, n_fds);
	}
}

static void on_init_exit(struct supervisor *sv)
{
	siginfo_t info = {0};

	if (waitid((idtype_t)P_PIDFD, (id_t)sv->init_pidfd, &info, WEXITED | WNOHANG))
		return;
	if (info.si_pid == 0)
		return;
	sv->init_gone = true;
	drain_channel(sv); /* its last words may still be queued */
	if (!sv->program_exited && !sv->setup_failed && !sv->exec_errnum) {
		/* Killed from outside (e.g. SIGKILL to pid 1): the program died with it. */
		sv->program_exited = true;
		if (info.si_code == CLD_KILLED || info.si_code == CLD_DUMPED)
			sv->program_status = info.si_status & 0x7f;
		else
			sv->program_status = (info.si_status & 0xff) << 8;
	}
}

static void on_timer(struct supervisor *sv)
{
	uint64_t expirations;

	if (read(sv->timer_fd, &expirations, sizeof(expirations)) < 0)
		return;
	if (sv->relay)
		relay_tick(sv->relay);
	if (sv->resolver)
		resolver_tick(sv->resolver);
	if (sv->udp)
		udp_relay_tick(sv->udp);
	if (sv->helpers)
		helpers_tick(sv->helpers);
	if (sv->publish)
		publish_tick(sv->publish);
	if (sv->kill_at_ms && monotonic_ms() >= sv->kill_at_ms) {
		log_verbose("the grace period is over: killing what still runs in the sandbox");
		sv->kill_at_ms = 0;
		send_to_sandbox(sv, SIGKILL);
	}
}

/* Until when the loop runs: the start of the helpers, or the sandbox's life. */
static bool loop_done(const struct supervisor *sv)
{
	if (sv->init_pidfd >= 0)
		return sv->init_gone;
	return sv->interrupted || !sv->helpers || helpers_all_up(sv->helpers) ||
	       helpers_failed(sv->helpers, NULL);
}

static int event_loop(struct supervisor *sv, struct sl_err *err)
{
	while (!loop_done(sv)) {
		struct epoll_event events[64];
		int n, i;

		n = epoll_wait(sv->epoll_fd, events, 64, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return sl_err_set(err, errno, "the supervisor's event loop failed");
		}
		for (i = 0; i < n; i++) {
			union epoll_ref ref = {.u64 = events[i].data.u64};

			switch (ref.type) {
			case EPOLL_TYPE_SIGNAL:
				on_signal(sv);
				break;
			case EPOLL_TYPE_CHANNEL:
				if (!drain_channel(sv))
					epoll_ctl(sv->epoll_fd, EPOLL_CTL_DEL, sv->channel, NULL);
				break;
			case EPOLL_TYPE_SANDBOX_EXIT:
				on_init_exit(sv);
				break;
			case EPOLL_TYPE_TIMER:
				on_timer(sv);
				break;
			case EPOLL_TYPE_FAST_PATH:
				on_fast_path(sv);
				break;
			case EPOLL_TYPE_TCP_LISTENER:
			case EPOLL_TYPE_FLOW_INSIDE:
			case EPOLL_TYPE_FLOW_UPSTREAM:
				if (sv->relay)
					relay_event(sv->relay, ref, events[i].events);
				break;
			case EPOLL_TYPE_UDP_LISTENER:
			case EPOLL_TYPE_UDP_UPSTREAM:
			case EPOLL_TYPE_UDP_REPLY:
			case EPOLL_TYPE_UDP_CONTROL:
				if (sv->udp)
					udp_relay_event(sv->udp, ref, events[i].events);
				break;
			case EPOLL_TYPE_DNS_UDP:
			case EPOLL_TYPE_DNS_TCP_LISTENER:
			case EPOLL_TYPE_DNS_TCP_CLIENT:
			case EPOLL_TYPE_DNS_UPSTREAM:
				if (sv->resolver)
					resolver_event(sv->resolver, ref, events[i].events);
				break;
			case EPOLL_TYPE_CONTROL_LISTENER:
			case EPOLL_TYPE_CONTROL_CLIENT:
			case EPOLL_TYPE_CONTROL_PROGRAM:
				session_server_event(sv->session, ref, events[i].events);
				break;
			case EPOLL_TYPE_STAGE_CHANNEL:
			case EPOLL_TYPE_HELPER_EXIT:
			case EPOLL_TYPE_HELPER_LOG:
			case EPOLL_TYPE_HELPER_POLL:
			case EPOLL_TYPE_HELPER_DIAL:
			case EPOLL_TYPE_HELPER_DIAL_REQUEST:
			case EPOLL_TYPE_HELPER_KIND:
			case EPOLL_TYPE_HELPER_UDP:
				if (sv->helpers)
					helpers_event(sv->helpers, ref, events[i].events);
				break;
			case EPOLL_TYPE_PUBLISH_LISTENER:
			case EPOLL_TYPE_PUBLISH_HOST:
			case EPOLL_TYPE_PUBLISH_SANDBOX:
				if (sv->publish)
					publish_event(sv->publish, ref, events[i].events);
				break;
			default:
				log_debug("event for unknown type %u", ref.type);
			}
		}
	}
	return 0;
}

static int exit_status(struct supervisor *sv, struct sl_err *err)
{
	int status = sv->program_status;

	if (sv->setup_failed) {
		*err = sv->setup_err;
		return sl_err_wrap(err, "sandbox setup");
	}
	if (sv->exec_errnum) {
		program_exec_error(err->msg, sizeof(err->msg), sv->exec_name, sv->exec_errnum);
		err->errnum = sv->exec_errnum;
		err->exit_code = program_exec_exit_code(sv->exec_errnum);
		return -sv->exec_errnum;
	}
	if (!sv->program_exited)
		return sl_err_set(err, 0,
				  "the sandbox ended without telling how the program ended");
	if (WIFSIGNALED(status))
		return SL_EXIT_SIGNAL_BASE + WTERMSIG(status);
	return WEXITSTATUS(status);
}

static void supervisor_close(struct supervisor *sv)
{
	int kind;

	terminal_restore(&sv->terminal);
	helpers_destroy(sv->helpers); /* stops tor and ssh: nothing through them any more */
	relay_destroy(sv->relay);
	resolver_destroy(sv->resolver);
	udp_relay_destroy(sv->udp);
	publish_destroy(sv->publish);
	fast_path_free(sv->fast_path);
	for (kind = 0; kind < LISTENER_COUNT; kind++)
		if (sv->listeners[kind] >= 0)
			close(sv->listeners[kind]);
	if (sv->timer_fd >= 0)
		close(sv->timer_fd);
	if (sv->epoll_fd >= 0)
		close(sv->epoll_fd);
	if (sv->signal_fd >= 0)
		close(sv->signal_fd);
	if (sv->channel >= 0)
		close(sv->channel);
	if (sv->config.supervisor_factory >= 0)
		close(sv->config.supervisor_factory);
	if (sv->init_pidfd >= 0)
		close(sv->init_pidfd);
	/* Last: `sluice stop` returns when its connection closes, with everything gone. */
	session_server_destroy(sv->session);
}

/*
 * The chain as the relay uses it: the user's hops, tor's with isolation credentials, and the
 * endpoint of each local hop (a helper's goes up once it is ready; an existing tor's unix
 * SocksPort is up from the start).  @stages: some hop runs a program.
 */
static int prepare_hops(struct supervisor *sv, bool *stages, struct sl_err *err)
{
	const struct run_options *run = sv->config.run;
	size_t i;

	memcpy(sv->hops, run->hops, sizeof(sv->hops));
	for (i = 0; i < run->n_hops; i++) {
		struct hop_spec *hop = &sv->hops[i];
		struct hop_endpoint *end = &sv->endpoints[i];

		if (hop_set_isolation(hop, run->tor_isolate))
			return sl_err_set(err, EIO, "no random bytes for tor's stream isolation");
		*stages |= hop_runs_helper(hop);
		if (hop->unix_path[0]) {
			struct sockaddr_un *sun = (struct sockaddr_un *)&end->address;

			sun->sun_family = AF_UNIX;
			memcpy(sun->sun_path, hop->unix_path, strlen(hop->unix_path) + 1);
			end->address_len = sizeof(*sun);
			end->up = true;
		}
	}
	return 0;
}

/* The session's state for `sluice ls` and `status` (session_server.h). */
static json_t *session_status(void *ctx)
{
	struct supervisor *sv = ctx;
	const struct run_options *run = sv->config.run;
	json_t *hops = json_array(), *execs = json_array(), *published = json_array();
	long pids[64];
	size_t i, n;

	for (i = 0; hops && i < run->n_hops; i++) {
		const char *state = helpers_hop_state(sv->helpers, i);
		struct relay_stats stats = {0};
		char text[HOP_URL_REDACTED_MAX];

		if (hop_url_format_redacted(&run->hops[i], text, sizeof(text)) < 0)
			text[0] = '\0';
		if (sv->relay)
			relay_hop_stats(sv->relay, i, &stats);
		json_array_append_new(
		    hops,
		    json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I}", "hop", text, "kind",
			      hop_kind_name(run->hops[i].kind), "state", state ? state : "up",
			      "connections", (json_int_t)stats.connections, "active",
			      (json_int_t)stats.active, "bytes_up", (json_int_t)stats.bytes_up,
			      "bytes_down", (json_int_t)stats.bytes_down));
	}
	n = session_server_pids(sv->session, pids, 64);
	for (i = 0; execs && i < n; i++)
		json_array_append_new(execs, json_integer(pids[i]));
	for (i = 0; published && i < run->n_publish; i++)
		json_array_append_new(published, json_string(run->publish[i].text));
	return json_pack("{s:s, s:s, s:I, s:I, s:I, s:b, s:o, s:o, s:o}", "name",
			 session_server_name(sv->session), "profile", run->profile_name,
			 "supervisor_pid", (json_int_t)getpid(), "init_pid",
			 (json_int_t)(sv->init_gone ? 0 : sv->init_pid), "started",
			 (json_int_t)sv->started, "program_running",
			 sv->init_pidfd >= 0 && !sv->program_exited, "exec_pids", execs, "hops",
			 hops, "published", published);
}

/* `sluice stop`: SIGTERM to everything in the sandbox, SIGKILL after @grace seconds. */
static void session_stop(void *ctx, int grace)
{
	struct supervisor *sv = ctx;
	struct channel_msg terminate = {.type = CHANNEL_TERMINATE};

	session_server_ending(sv->session);
	if (sv->init_pidfd < 0) {
		sv->interrupted = SIGTERM; /* still starting the hops */
		return;
	}
	if (sv->init_gone || sv->kill_at_ms)
		return;
	sv->kill_at_ms = monotonic_ms() + (uint64_t)grace * 1000 + 1;
	if (channel_send(sv->channel, &terminate, NULL, 0))
		send_to_sandbox(sv, SIGKILL);
}

static void session_programs_changed(void *ctx)
{
	maybe_end(ctx);
}

/* Resolver, relay and their timer, before the sandbox exists: a bad first hop fails early. */
static int start_relay(struct supervisor *sv, struct sl_err *err)
{
	const struct run_options *run = sv->config.run;
	bool stages = false;
	int ret;

	ret = prepare_hops(sv, &stages, err);
	if (ret)
		return ret;
	/* Stages resolve through the resolver too, whatever the program's --dns. */
	if (run->dns != DNS_NONE || stages) {
		sv->resolver = resolver_create(run, sv->epoll_fd, err);
		if (!sv->resolver)
			return -1;
	}
	sv->relay = relay_create(run, sv->hops, sv->endpoints, sv->epoll_fd,
				 resolver_fakeip(sv->resolver), err);
	if (!sv->relay)
		return -1;
	if (stages) {
		sv->helpers = helpers_create(run, sv->hops, sv->endpoints, sv->epoll_fd,
					     &sv->config.original_signals, err);
		if (!sv->helpers)
			return -1;
		helpers_serve(sv->helpers, sv->relay, sv->resolver);
	}
	if (sv->resolver)
		resolver_set_relay(sv->resolver, sv->relay);
	if (run->udp == UDP_DIRECT) {
		/* The pool too: a fake address has no meaning on the host side, refuse it. */
		sv->udp =
		    udp_relay_create(sv->epoll_fd, NULL, 0, NULL, 0, resolver_fakeip(sv->resolver),
				     run->allow_host_loopback, err);
		if (!sv->udp)
			return -1;
	} else if (run->udp == UDP_PROXY) {
		struct sockaddr_storage first_hop;
		socklen_t len;

		relay_first_hop(sv->relay, &first_hop, &len);
		sv->udp =
		    udp_relay_create(sv->epoll_fd, sv->hops, run->n_hops, &first_hop, len,
				     resolver_fakeip(sv->resolver), run->allow_host_loopback, err);
		if (!sv->udp)
			return -1;
	}
	return 0;
}

/*
 * Behind a last tunnel the resolver forwards the program's queries into the tunnel: through
 * sockets the sandbox init makes in there, on a channel of their own (sandbox.h).
 */
static int open_factory(struct supervisor *sv, struct sl_err *err)
{
	const struct run_options *run = sv->config.run;
	struct netplan plan = netplan_for_sandbox(run);
	int pair[2];

	if (!sv->resolver || !netplan_dns_to_resolver_behind_tunnel(&plan))
		return 0;
	if (channel_pair(pair, err))
		return -1;
	sv->config.supervisor_factory = pair[0];
	sv->config.factory = pair[1];
	resolver_set_tunnel_factory(sv->resolver, run->n_hops, pair[0]);
	return 0;
}

/* Once a second: the relay's, resolver's and helpers' timeouts, `sluice stop`'s grace. */
static int start_timer(struct supervisor *sv, struct sl_err *err)
{
	struct itimerspec every_second = {{1, 0}, {1, 0}};

	sv->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (sv->timer_fd < 0)
		return sl_err_set(err, errno, "cannot create a timer");
	timerfd_settime(sv->timer_fd, 0, &every_second, NULL);
	return watch(sv, EPOLL_TYPE_TIMER, sv->timer_fd, err);
}

/* Tor and ssh, started and waited for (with progress) before the program starts. */
static int start_helpers(struct supervisor *sv, struct sl_err *err)
{
	int ret = helpers_start(sv->helpers, err);
	size_t i;

	if (!ret)
		ret = event_loop(sv, err);
	if (ret)
		return ret;
	if (sv->interrupted)
		return sl_err_set(err, EINTR, "interrupted (signal %d) while the hops started",
				  sv->interrupted);
	if (helpers_failed(sv->helpers, err))
		return -1;
	helpers_running(sv->helpers);
	for (i = 0; i < sv->config.run->n_hops; i++)
		if (sv->config.run->hops[i].kind == HOP_SSH)
			unsetenv("SSH_AUTH_SOCK"); /* ssh's stage has its copy; the program none */
	return 0;
}

int supervisor_run(const struct run_options *run, struct sl_err *err)
{
	struct supervisor sv = {
	    .epoll_fd = -1,
	    .signal_fd = -1,
	    .channel = -1,
	    .init_pidfd = -1,
	    .timer_fd = -1,
	};
	sigset_t forwarded;
	int channel[2];
	int ret, kind;

	for (kind = 0; kind < LISTENER_COUNT; kind++)
		sv.listeners[kind] = -1;
	sv.terminal.fd = -1;
	sv.config.factory = sv.config.supervisor_factory = -1;
	sv.config.run = run;
	fds_occupy_closed_std(sv.config.std_was_closed);
	ret = check_pass_fds(run, err);
	if (ret)
		return ret;

	sv.config.userns = !privileged();
	if (run->ip_netns && sv.config.userns)
		return sl_err_set(err, EPERM,
				  "--ip-netns needs root: /run/netns, where 'ip netns' looks, is "
				  "root's");
	sv.config.outer_uid = geteuid();
	sv.config.outer_gid = getegid();
	ret = choose_program_user(&sv.config, err);
	if (ret)
		return ret;
	signals_save_original(&sv.config.original_signals);
	signals_forwarded(&forwarded);
	sv.signal_fd = signals_block_for_signalfd(&forwarded);
	if (sv.signal_fd < 0) {
		ret = sl_err_set(err, -sv.signal_fd, "cannot create a signalfd");
		goto out;
	}
	signal(SIGPIPE, SIG_IGN); /* a peer that goes away is an error return, not a death */
	getrlimit(RLIMIT_NOFILE, &sv.config.original_nofile); /* the relay raises it */

	sv.epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (sv.epoll_fd < 0) {
		ret = sl_err_set(err, errno, "cannot create the event loop");
		goto out;
	}
	/* Published ports first: a port in use fails before anything starts. */
	if (run->n_publish) {
		sv.publish = publish_create(run, sv.epoll_fd, err);
		if (!sv.publish) {
			ret = -1;
			goto out;
		}
	}
	{
		struct session_hooks hooks = {&sv, session_status, session_stop,
					      session_programs_changed, session_fast_path_listener};
		struct timespec now;

		char base[PATH_MAX];

		clock_gettime(CLOCK_REALTIME, &now);
		sv.started = now.tv_sec;
		runtime_dir_base_path(base, sizeof(base));
		if (!run->session_name[0] && runtime_dir_base(base, sizeof(base), err)) {
			/* Sluice inside a sandbox, whose runtime directory is covered: a session
			 * nobody can reach, but the program runs.  Asked for by name: an error. */
			log_verbose("no control socket for this session: %s", err->msg);
			sl_err_clear(err);
		} else {
			sv.session = session_server_create(run, sv.epoll_fd, &hooks, err);
			if (!sv.session) {
				ret = -1;
				goto out;
			}
			/* A joined program's fast path is the first one's: none before it runs. */
			session_server_hold_joins(sv.session, run->fast_path);
		}
		ret = start_timer(&sv, err);
		if (ret)
			goto out;
	}
	if (run->net == NET_RELAY) {
		ret = start_relay(&sv, err);
		if (ret)
			goto out;
	}

	ret = watch(&sv, EPOLL_TYPE_SIGNAL, sv.signal_fd, err);
	if (!ret && sv.helpers)
		ret = start_helpers(&sv, err);
	if (ret)
		goto out;

	runtime_dir_base_path(sv.hidden_dir, sizeof(sv.hidden_dir));
	sv.config.hidden_dir = sv.hidden_dir;
	terminal_open(&sv.terminal);
	sv.config.tty_fd = sv.terminal.fd;
	sv.config.tty_foreground = sv.terminal.foreground;

	ret = channel_pair(channel, err);
	if (ret)
		goto out;
	sv.channel = channel[0];
	sv.config.supervisor_channel = channel[0];
	sv.config.channel = channel[1];
	if (sv.udp)
		udp_relay_set_channel(sv.udp, sv.channel);
	if (sv.publish) {
		ret = publish_start(sv.publish, sv.channel, err);
		if (ret)
			goto out;
	}

	ret = open_factory(&sv, err);
	if (ret)
		goto out;

	ret = clone_sandbox(&sv, err);
	close(channel[1]);
	if (sv.config.factory >= 0)
		close(sv.config.factory);
	sv.config.factory = -1;
	if (ret)
		goto out;
	fcntl(sv.channel, F_SETFL, O_NONBLOCK);

	ret = watch(&sv, EPOLL_TYPE_CHANNEL, sv.channel, err);
	if (!ret)
		ret = watch(&sv, EPOLL_TYPE_SANDBOX_EXIT, sv.init_pidfd, err);
	if (!ret)
		ret = event_loop(&sv, err);
	if (ret) {
		/* Our failure: do not leave the sandbox running without us. */
		send_to_sandbox(&sv, SIGKILL);
		goto out;
	}
	ret = exit_status(&sv, err);
out:
	if (sv.init_pidfd >= 0 && !sv.init_gone) {
		siginfo_t info;

		send_to_sandbox(&sv, SIGKILL);
		waitid((idtype_t)P_PIDFD, (id_t)sv.init_pidfd, &info, WEXITED);
	}
	supervisor_close(&sv);
	return ret;
}
