/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * helper.c - the life cycle of the programs hops run (see helper.h).  Owns their stages,
 * start order, readiness polling, logs, progress display, restarts and the runtime
 * directory; the kinds (hop_tor.c, hop_ssh.c) own what each program is told.
 *
 * Theory of operation
 *
 * helpers_start() creates the first helper's stage.  Its CHANNEL_READY brings the stage's
 * listeners, which the relay and resolver serve with the helper's position as the route, so
 * everything the helper connects to goes through the hops before it.  Then the helper is
 * started (CHANNEL_HELPER_START with a fresh pipe for its output) and its pidfd comes back
 * (CHANNEL_HELPER_STARTED).  A 25 ms timer polls the kind until it says ready; then the
 * endpoint goes up and the next helper starts.  A helper that exits or times out before the
 * program runs fails the run with its own last words.  Once the program runs
 * (helpers_running()), an exit takes the endpoint down and schedules a restart with backoff.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "chain.h"
#include "channel.h"
#include "dial.h"
#include "helper.h"
#include "listeners.h"
#include "log.h"
#include "monotonic.h"
#include "ns.h"
#include "program.h"
#include "relay.h"
#include "resolver.h"
#include "route.h"
#include "runtime_dir.h"
#include "tunnel.h"
#include "udp_relay.h"
#include "userns.h"

struct helpers {
	struct helper_context ctx;
	struct helper *list[CLI_MAX_HOPS];
	size_t n;
	int epoll_fd;
	int poll_timer; /* HELPER_POLL_MS while one is starting */
	bool running;	/* the program runs: restart instead of failing */
	bool failed;
	struct sl_err failure;
	struct relay *relay;
	struct resolver *resolver;
	bool rootless; /* a tunnel's device moves from within its stage's user namespace */
};

int helper_arg(struct helper *h, const char *fmt, ...)
{
	size_t room = sizeof(h->strings) - h->strings_used;
	va_list ap;
	int n;

	char **argv = h->argv[h->building];
	size_t *argc = &h->argc[h->building];

	if (*argc + 1 >= HELPER_ARGV_MAX)
		return -E2BIG;
	va_start(ap, fmt);
	n = vsnprintf(h->strings + h->strings_used, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room)
		return -E2BIG;
	argv[(*argc)++] = h->strings + h->strings_used;
	argv[*argc] = NULL;
	h->strings_used += (size_t)n + 1;
	return 0;
}

int helper_make_run_dir(struct helper *h, struct sl_err *err)
{
	char name[32];

	snprintf(name, sizeof(name), "%s-%zu", h->name, h->index + 1);
	if (helper_path(h, h->run_dir, sizeof(h->run_dir), name))
		return sl_err_set(err, ENAMETOOLONG, "%s: the runtime directory's path is too long",
				  h->label);
	if (mkdir(h->run_dir, 0700) && errno != EEXIST)
		return sl_err_set(err, errno, "cannot create %s", h->run_dir);
	return 0;
}

int helper_path(const struct helper *h, char *buf, size_t cap, const char *name)
{
	int n = snprintf(buf, cap, "%s/%s", h->ctx->runtime_dir, name);

	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

static void clear_progress_line(struct helper *h)
{
	if (h->progress_shown) {
		fputs("\r\033[K", stderr);
		h->progress_shown = false;
	}
}

void helper_progress(struct helper *h, int percent, const char *text)
{
	bool terminal = isatty(STDERR_FILENO);

	if (percent == h->progress && !strcmp(text, h->progress_text))
		return;
	h->progress = percent;
	snprintf(h->progress_text, sizeof(h->progress_text), "%s", text);
	if (log_get_level() < LOG_NORMAL || h->state != HELPER_STARTING)
		return;
	if (terminal && log_get_level() == LOG_NORMAL) {
		fprintf(stderr, "\r\033[Ksluice: %s: %3d%% %s", h->name, percent, text);
		fflush(stderr);
		h->progress_shown = true;
	} else {
		log_info("%s: %d%% %s", h->name, percent, text);
	}
}

static int watch(struct helpers *set, enum epoll_type type, int fd, size_t index)
{
	struct epoll_event ev = {.events = EPOLLIN,
				 .data.u64 = epoll_ref_make(type, fd, (uint32_t)index)};

	return epoll_ctl(set->epoll_fd, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

static void unwatch_close(struct helpers *set, int *fd)
{
	if (*fd < 0)
		return;
	epoll_ctl(set->epoll_fd, EPOLL_CTL_DEL, *fd, NULL);
	close(*fd);
	*fd = -1;
}

static void set_down(struct helper *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void set_down(struct helper *h, const char *fmt, ...)
{
	va_list ap;

	h->endpoint->up = false;
	va_start(ap, fmt);
	vsnprintf(h->endpoint->down_reason, sizeof(h->endpoint->down_reason), fmt, ap);
	va_end(ap);
}

/* Why it failed, in its own words: its last warning, else its last line of output. */
static const char *last_words(const struct helper *h)
{
	if (h->last_warning[0])
		return h->last_warning;
	if (h->last_line[0])
		return h->last_line;
	return "it printed nothing";
}

static void fail(struct helpers *set, struct helper *h, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail(struct helpers *set, struct helper *h, const char *fmt, ...)
{
	char what[SL_ERR_MSG_MAX];
	const char *where;
	va_list ap;

	clear_progress_line(h);
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	h->state = HELPER_FAILED;
	set->failed = true;
	/* What its own connections met is sluice's to tell: the helper only sees a reset. */
	where = set->relay ? relay_route_error(set->relay, h->index) : "";
	sl_err_set(&set->failure, 0, "%s: %s%s%s%s", h->label, what, where[0] ? " [sluice: " : "",
		   where, where[0] ? "]" : "");
	set->failure.exit_code = SL_EXIT_FAILURE;
}

/*
 * Where `sluice dial` asks for the helper's server connection (dial.h): only when sluice knows
 * its own binary, which the stage runs by path (a binary replaced since has " (deleted)").
 */
static int open_dial_listener(struct helpers *set, struct helper *h, struct sl_err *err)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	char name[32];

	if (!set->ctx.self[0])
		return 0;
	snprintf(name, sizeof(name), "%s-%zu.dial", h->name, h->index + 1);
	if (helper_path(h, sun.sun_path, sizeof(sun.sun_path), name))
		return 0; /* too long for a socket: the helper connects the usual way */
	h->dial_listener = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (h->dial_listener < 0 || bind(h->dial_listener, (struct sockaddr *)&sun, sizeof(sun)) ||
	    listen(h->dial_listener, 16) ||
	    watch(set, EPOLL_TYPE_HELPER_DIAL, h->dial_listener, h->index))
		return sl_err_set(err, errno, "%s: cannot make its dial socket %s", h->label,
				  sun.sun_path);
	snprintf(h->dial_path, sizeof(h->dial_path), "%s", sun.sun_path);
	return 0;
}

static void close_dial(struct helpers *set, struct helper *h)
{
	size_t i;

	unwatch_close(set, &h->dial_listener);
	for (i = 0; i < HELPER_DIAL_PENDING; i++)
		unwatch_close(set, &h->dial_pending[i]);
}

/* The helper's own `sluice dial` (same user) asks for a connection: wait for its request. */
static void on_dial(struct helpers *set, struct helper *h)
{
	for (;;) {
		int fd = accept4(h->dial_listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct ucred peer;
		socklen_t len = sizeof(peer);
		size_t i;

		if (fd < 0)
			return;
		for (i = 0; i < HELPER_DIAL_PENDING && h->dial_pending[i] >= 0; i++)
			;
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &len) ||
		    peer.uid != set->ctx.uid || i == HELPER_DIAL_PENDING ||
		    watch(set, EPOLL_TYPE_HELPER_DIAL_REQUEST, fd, h->index)) {
			log_verbose("%s: a dial request refused", h->label);
			close(fd);
			continue;
		}
		h->dial_pending[i] = fd;
	}
}

static void on_dial_request(struct helpers *set, struct helper *h, int fd)
{
	char request[DIAL_REQUEST_MAX];
	struct sockaddr_storage destination;
	ssize_t n;
	size_t i;

	for (i = 0; i < HELPER_DIAL_PENDING && h->dial_pending[i] != fd; i++)
		;
	if (i == HELPER_DIAL_PENDING)
		return;
	n = recv(fd, request, sizeof(request), MSG_DONTWAIT);
	if (n < 0 && errno == EAGAIN)
		return;
	epoll_ctl(set->epoll_fd, EPOLL_CTL_DEL, fd, NULL);
	h->dial_pending[i] = -1;
	if (n <= 0 || dial_request_parse(request, (size_t)n, &destination) || !set->relay) {
		log_verbose("%s: a malformed dial request", h->label);
		close(fd);
		return;
	}
	if (relay_dial(set->relay, h->index, fd, &destination))
		log_verbose("%s: a dial request refused: the relay is full", h->label);
}

static struct helper *helper_new(struct helpers *set, struct hop_spec *hop,
				 struct hop_endpoint *endpoint, size_t index, struct sl_err *err)
{
	const struct hop_ops *ops = hop_ops_of(hop->kind);
	struct helper *h = calloc(1, sizeof(*h));
	struct route route;
	char name[64];
	bool dials;
	int kind;

	if (!h) {
		sl_err_set(err, ENOMEM, "cannot allocate a helper");
		return NULL;
	}
	h->ops = ops->helper;
	h->ctx = &set->ctx;
	h->index = index;
	h->hop = hop;
	h->endpoint = endpoint;
	h->pidfd = h->log_pipe = h->log_file = h->dial_listener = -1;
	for (kind = 0; kind < HELPER_DIAL_PENDING; kind++)
		h->dial_pending[kind] = -1;
	h->stage.pidfd = h->stage.channel = h->stage.userns = h->stage.netns = -1;
	h->stage.factory = -1;
	h->transit = h->stage;
	h->set = set;
	h->udp_epoll = h->next_netns = -1;
	h->progress = -1;
	h->backoff_s = 1;
	for (kind = 0; kind < LISTENER_COUNT; kind++)
		h->listeners[kind] = -1;
	snprintf(h->name, sizeof(h->name), "%s", ops->name);
	chain_hop_label(hop, index, h->label, sizeof(h->label));
	set_down(h, "%s is not running yet", h->name);
	if (h->ops->program && !program_on_path(h->ops->program, X_OK)) {
		sl_err_set(err, 0,
			   "%s: the program '%s' is not installed (Debian package '%s'), or not "
			   "in PATH",
			   h->label, h->ops->program, h->ops->package);
		free(h);
		return NULL;
	}
	snprintf(name, sizeof(name), "%s-%zu.log", h->name, index + 1);
	if (helper_path(h, h->log_path, sizeof(h->log_path), name)) {
		sl_err_set(err, ENAMETOOLONG, "the runtime directory's path is too long");
		free(h);
		return NULL;
	}
	h->log_file = open(h->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (h->log_file < 0) {
		sl_err_set(err, errno, "cannot create %s", h->log_path);
		free(h);
		return NULL;
	}
	route_plan(set->ctx.run, index, &route);
	/* Right behind a tunnel its connections go out through the tunnel's device: the relay,
	 * outside, must not make them (dial.h). */
	dials = h->ops->dials && !(route.behind_tunnel && !route.n_hops);
	if ((hop_is_tunnel(hop) && tunnel_check_device(h->label, err)) ||
	    (dials && open_dial_listener(set, h, err)) || h->ops->prepare(h, err) ||
	    (h->uses_udp && route_check_udp_tunnel(set->ctx.run, index, err))) {
		if (h->dial_listener >= 0)
			close(h->dial_listener);
		close(h->log_file);
		if (h->ops->destroy && h->kind)
			h->ops->destroy(h);
		free(h->kind);
		free(h);
		return NULL;
	}
	return h;
}

static void self_binary(char *buf, size_t cap)
{
	ssize_t n = readlink("/proc/self/exe", buf, cap - 1);
	static const char deleted[] = " (deleted)";

	buf[n > 0 ? n : 0] = '\0';
	if (n > 0 && (size_t)n >= sizeof(deleted) - 1 &&
	    !strcmp(buf + n - (sizeof(deleted) - 1), deleted))
		buf[0] = '\0';
}

struct helpers *helpers_create(const struct run_options *run, struct hop_spec *hops,
			       struct hop_endpoint *endpoints, int epoll_fd,
			       const struct signal_state *original_signals, struct sl_err *err)
{
	struct helpers *set = calloc(1, sizeof(*set));
	size_t i;

	if (!set) {
		sl_err_set(err, ENOMEM, "cannot allocate the helpers");
		return NULL;
	}
	set->epoll_fd = epoll_fd;
	set->poll_timer = -1;
	set->rootless = geteuid() != 0 || !userns_is_initial();
	set->ctx.run = run;
	set->ctx.interactive = isatty(STDIN_FILENO);
	set->ctx.uid = geteuid();
	set->ctx.gid = getegid();
	set->ctx.original_signals = original_signals;
	for (i = 0; i < run->n_hops; i++)
		if (hop_runs_helper(&hops[i]))
			break;
	if (i == run->n_hops)
		return set; /* nothing to run */
	self_binary(set->ctx.self, sizeof(set->ctx.self));
	if (runtime_dir_create(set->ctx.runtime_dir, sizeof(set->ctx.runtime_dir), err)) {
		free(set);
		return NULL;
	}
	log_verbose("helpers' sockets and logs go to %s", set->ctx.runtime_dir);
	for (i = 0; i < run->n_hops; i++) {
		if (!hop_runs_helper(&hops[i]))
			continue;
		set->list[set->n] = helper_new(set, &hops[i], &endpoints[i], i, err);
		if (!set->list[set->n]) {
			helpers_destroy(set);
			return NULL;
		}
		set->n++;
	}
	set->poll_timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (set->poll_timer < 0 || watch(set, EPOLL_TYPE_HELPER_POLL, set->poll_timer, 0)) {
		sl_err_set(err, errno, "cannot create the helpers' timer");
		helpers_destroy(set);
		return NULL;
	}
	return set;
}

void helpers_serve(struct helpers *set, struct relay *relay, struct resolver *resolver)
{
	set->relay = relay;
	set->resolver = resolver;
}

static void arm_poll_timer(struct helpers *set, bool on)
{
	struct itimerspec t = {{0, 0}, {0, 0}};

	if (on) {
		t.it_interval.tv_nsec = HELPER_POLL_MS * 1000000L;
		t.it_value.tv_nsec = HELPER_POLL_MS * 1000000L;
	}
	timerfd_settime(set->poll_timer, 0, &t, NULL);
}

/*
 * A tunnel over UDP: its stage's datagrams go through a UDP relay of the stage's own, direct
 * when the tunnel comes first, else by SOCKS5 UDP ASSOCIATE through the one hop before it
 * (route_check_chain() refuses other chains).  The relay has an epoll set of its own, watched
 * as one fd by the loop's: its events carry its own slots.
 */
static int make_udp_relay(struct helpers *set, struct helper *h, const struct route *route,
			  struct sl_err *err)
{
	struct sockaddr_storage first_hop;
	socklen_t len = 0;

	h->udp_epoll = epoll_create1(EPOLL_CLOEXEC);
	if (h->udp_epoll < 0)
		return sl_err_set(err, errno, "cannot create an epoll set");
	if (watch(set, EPOLL_TYPE_HELPER_UDP, h->udp_epoll, h->index))
		return sl_err_set(err, errno, "cannot watch the %s stage's UDP", h->name);
	if (route->n_hops)
		relay_first_hop(set->relay, &first_hop, &len);
	h->udp = udp_relay_create(h->udp_epoll, set->ctx.run->hops + route->first, route->n_hops,
				  route->n_hops ? &first_hop : NULL, len,
				  resolver_fakeip(set->resolver), false, err);
	if (!h->udp)
		return -1;
	udp_relay_set_channel(h->udp, h->stage.channel);
	return 0;
}

static int move_tunnel(struct helpers *set, struct helper *h, bool in_place, struct sl_err *err);
static struct helper *helper_at(struct helpers *set, size_t index);

/*
 * A proxy right after tunnel @h: its device goes to a namespace with no program (loopback,
 * the device, the DNS rule), nested in its stage's, where the relay makes its sockets to the
 * proxy, for every route that starts there.
 */
static int start_transit(struct helpers *set, struct helper *h, struct sl_err *err)
{
	const struct run_options *run = set->ctx.run;
	struct stage_spec spec;
	size_t position;

	memset(&spec, 0, sizeof(spec));
	spec.plan = netplan_for_stage(DNS_FORWARD, UDP_BLOCK, run->ipv6);
	spec.plan.net = NET_TUNNEL;
	spec.outer_uid = set->ctx.uid;
	spec.outer_gid = set->ctx.gid;
	spec.name = "transit";
	spec.original_signals = set->ctx.original_signals;
	spec.parent_userns = set->rootless ? h->stage.userns : -1;
	spec.factory = true;
	if (stage_create(&h->transit, &spec, err))
		return -1;
	h->next_netns = fcntl(h->transit.netns, F_DUPFD_CLOEXEC, 3);
	if (h->next_netns < 0)
		return sl_err_set(err, errno, "%s: cannot keep its transit namespace", h->label);
	for (position = h->index + 1; position <= run->n_hops; position++) {
		struct route route;

		route_plan(run, position, &route);
		if (route.behind_tunnel && route.first == h->index + 1 && route.n_hops)
			relay_set_factory(set->relay, position, h->transit.factory);
	}
	log_verbose("%s: the hop after it is reached from a namespace behind it", h->label);
	return 0;
}

static int start_stage(struct helpers *set, struct helper *h, struct sl_err *err)
{
	struct helper *before;
	struct route route;
	struct stage_spec spec;

	route_plan(set->ctx.run, h->index, &route);
	memset(&spec, 0, sizeof(spec));
	spec.plan = netplan_for_stage(route.dns,
				      !h->uses_udp   ? UDP_BLOCK
				      : route.n_hops ? UDP_PROXY
						     : UDP_DIRECT,
				      set->ctx.run->ipv6);
	/* Right behind a tunnel: the stage is the namespace its device moves into, nested in
	 * its stage's user namespace (rootless), and routes through it, UDP too. */
	before = route.behind_tunnel && !route.n_hops ? helper_at(set, h->index - 1) : NULL;
	if (before) {
		spec.plan.net = NET_TUNNEL;
		spec.plan.udp = UDP_DIRECT;
	}
	spec.outer_uid = set->ctx.uid;
	spec.outer_gid = set->ctx.gid;
	spec.argv[0] = h->argv[0];
	spec.argv[1] = h->argv[1];
	spec.name = h->name;
	spec.before_exec = h->ops->before_exec;
	spec.original_signals = set->ctx.original_signals;
	spec.parent_userns = before && set->rootless ? before->stage.userns : -1;
	spec.keep_net_admin = hop_is_tunnel(h->hop);
	spec.run_dir = h->run_dir[0] ? h->run_dir : NULL;
	spec.resolv_conf = h->resolv_conf[0] ? h->resolv_conf : NULL;
	log_verbose("%s: starting its stage (its traffic: %s)", h->label,
		    before	   ? "through the tunnel before it"
		    : route.n_hops ? "through the hops before it"
				   : "direct");
	if (stage_create(&h->stage, &spec, err))
		return -1;
	if (hop_is_tunnel(h->hop) && h->index + 1 < set->ctx.run->n_hops &&
	    !hop_runs_helper(&set->ctx.run->hops[h->index + 1]) && start_transit(set, h, err))
		return -1;
	if (before) {
		before->next_netns = fcntl(h->stage.netns, F_DUPFD_CLOEXEC, 3);
		if (before->next_netns < 0)
			return sl_err_set(err, errno, "%s: cannot keep its stage's namespace",
					  h->label);
		if (move_tunnel(set, before, false, err))
			return sl_err_wrap(err, "%s", before->label);
	} else if (h->uses_udp && make_udp_relay(set, h, &route, err)) {
		return -1;
	}
	if (watch(set, EPOLL_TYPE_STAGE_CHANNEL, h->stage.channel, h->index))
		return sl_err_set(err, errno, "cannot watch the %s stage", h->name);
	return 0;
}

static void on_udp(struct helper *h)
{
	struct epoll_event events[64];
	int n, i;

	n = epoll_wait(h->udp_epoll, events, 64, 0);
	for (i = 0; i < n; i++) {
		union epoll_ref ref = {.u64 = events[i].data.u64};

		udp_relay_event(h->udp, ref, events[i].events);
	}
}

/*
 * Start (or restart) the program in its stage, with a fresh pipe for its output.  The stage's
 * init holds both argvs (copied at its clone); @interactive picks one.
 */
static int launch(struct helpers *set, struct helper *h, bool interactive, struct sl_err *err)
{
	struct channel_msg start = {.type = CHANNEL_HELPER_START};
	int pipe_fds[2];

	if (pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK))
		return sl_err_set(err, errno, "cannot create a pipe for %s's output", h->name);
	start.value = interactive ? STAGE_START_INTERACTIVE : 0;
	if (channel_send(h->stage.channel, &start, &pipe_fds[1], 1)) {
		close(pipe_fds[0]);
		close(pipe_fds[1]);
		return sl_err_set(err, EPIPE, "the %s stage is gone", h->name);
	}
	close(pipe_fds[1]);
	unwatch_close(set, &h->log_pipe);
	h->log_pipe = pipe_fds[0];
	watch(set, EPOLL_TYPE_HELPER_LOG, h->log_pipe, h->index);
	h->state = HELPER_STARTING;
	h->started_ms = monotonic_ms();
	h->last_warning[0] = h->last_line[0] = '\0';
	arm_poll_timer(set, true);
	return 0;
}

/* Both argvs (restarts never prompt), then the stage, which copies them. */
static void begin(struct helpers *set, struct helper *h)
{
	struct sl_err err;
	int ret = 0;

	sl_err_clear(&err);
	h->strings_used = 0;
	for (h->building = 0; h->building < 2 && !ret; h->building++) {
		h->argc[h->building] = 0;
		ret = h->ops->arguments(
		    h, h->building && set->ctx.interactive && h->ops->may_prompt, &err);
	}
	if (ret || start_stage(set, h, &err)) {
		clear_progress_line(h);
		set->failed = true;
		set->failure = err;
		set->failure.exit_code = SL_EXIT_FAILURE;
		h->state = HELPER_FAILED;
		return;
	}
	h->state = HELPER_STARTING; /* the stage sets up; the program starts at its READY */
	h->started_ms = monotonic_ms();
	arm_poll_timer(set, true);
}

int helpers_start(struct helpers *set, struct sl_err *err)
{
	if (!set->n)
		return 0;
	begin(set, set->list[0]);
	if (set->failed) {
		*err = set->failure;
		return -1;
	}
	return 0;
}

bool helpers_all_up(const struct helpers *set)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		if (set->list[i]->state != HELPER_UP)
			return false;
	return true;
}

const char *helpers_hop_state(const struct helpers *set, size_t hop)
{
	static const char *const names[] = {
	    [HELPER_WAITING] = "starting",	[HELPER_STARTING] = "starting", [HELPER_UP] = "up",
	    [HELPER_RESTARTING] = "restarting", [HELPER_FAILED] = "down",
	};
	size_t i;

	for (i = 0; set && i < set->n; i++)
		if (set->list[i]->index == hop)
			return names[set->list[i]->state];
	return NULL;
}

bool helpers_failed(const struct helpers *set, struct sl_err *err)
{
	if (set->failed && err)
		*err = set->failure;
	return set->failed;
}

void helpers_running(struct helpers *set)
{
	set->running = true;
}

static struct helper *helper_at(struct helpers *set, size_t index)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		if (set->list[i]->index == index)
			return set->list[i];
	return NULL;
}

static void kill_program(struct helper *h);

/* A tunnel's device, made in its stage, into the namespace after it (once that exists). */
static int move_tunnel(struct helpers *set, struct helper *h, bool in_place, struct sl_err *err)
{
	const struct run_options *run = set->ctx.run;
	struct tunnel_move move = {
	    .stage_userns = set->rootless ? h->stage.userns : -1,
	    .stage_netns = h->stage.netns,
	    .next_netns = h->next_netns,
	    .ipv6 = run->ipv6,
	    .params = h->tunnel,
	    .in_place = in_place,
	};
	bool last = h->index + 1 == run->n_hops;
	struct tunnel_prefix program_dns = {0};
	const struct helper *before;
	struct in6_addr forward6;
	struct in_addr forward4;

	if ((h->tun_moved && !in_place) || (in_place && !h->tun_moved) || h->next_netns < 0 ||
	    h->state != HELPER_UP)
		return 0;
	snprintf(move.ifname, sizeof(move.ifname), "%s", h->tun_name);
	/* Inside another tunnel, its packets carry this one's: room for WireGuard's 80 bytes of
	 * headers (OpenVPN's are fewer), so large transfers are not fragmented or dropped. */
	before = h->index ? helper_at(set, h->index - 1) : NULL;
	if (before && hop_is_tunnel(before->hop) && before->tunnel.mtu > TUNNEL_MTU_MIN + 80 &&
	    (!move.params.mtu || move.params.mtu > before->tunnel.mtu - 80)) {
		log_verbose("%s: MTU %u inside %s", h->label, before->tunnel.mtu - 80,
			    before->label);
		move.params.mtu = before->tunnel.mtu - 80;
	}
	/* DNS: a stage's is DNAT'ed to the tunnel's first server (tunnel.h).  The program's goes
	 * to sluice's resolver, which forwards it through the tunnel: to --dns forward=ADDR, else
	 * to that server; --dns none: nowhere. */
	if (!last) {
		if (h->tunnel.n_dns)
			move.dns_server = h->tunnel.dns[0];
	} else if (run->dns == DNS_FORWARD &&
		   inet_pton(AF_INET, run->dns_forward_to, &forward4) == 1) {
		program_dns.family = AF_INET;
		memcpy(program_dns.addr, &forward4, 4);
	} else if (run->dns == DNS_FORWARD &&
		   inet_pton(AF_INET6, run->dns_forward_to, &forward6) == 1) {
		program_dns.family = AF_INET6;
		memcpy(program_dns.addr, &forward6, 16);
	} else if (run->dns != DNS_NONE && h->tunnel.n_dns) {
		program_dns = h->tunnel.dns[0];
	}
	if (tunnel_move(&move, err))
		return -1;
	h->tun_moved = true;
	if (last && run->dns != DNS_NONE)
		resolver_set_tunnel_upstream(set->resolver, run->n_hops, program_dns.family,
					     program_dns.addr);
	return 0;
}

int helper_stage_userns(const struct helper *h)
{
	return h->set->rootless ? h->stage.userns : -1;
}

int helpers_tunnel_userns(const struct helpers *set)
{
	const struct helper *last = set && set->n ? set->list[set->n - 1] : NULL;

	if (!set || !set->rootless || !last || !hop_is_tunnel(last->hop) ||
	    last->index != set->ctx.run->n_hops - 1)
		return -1;
	return last->stage.userns;
}

int helpers_tunnel_into(struct helpers *set, int netns_fd, struct sl_err *err)
{
	struct helper *last = set->n ? set->list[set->n - 1] : NULL;

	if (!last || !hop_is_tunnel(last->hop))
		return 0;
	last->next_netns = fcntl(netns_fd, F_DUPFD_CLOEXEC, 3);
	if (last->next_netns < 0)
		return sl_err_set(err, errno, "cannot keep the sandbox's network namespace");
	if (move_tunnel(set, last, false, err))
		return sl_err_wrap(err, "%s", last->label);
	return 0;
}

int helper_tunnel_update(struct helper *h, bool new_device, struct sl_err *err)
{
	if (h->state != HELPER_UP)
		return 0;
	if (new_device)
		h->tun_moved = false;
	return move_tunnel(h->set, h, !new_device, err);
}

char *helper_read_config(const struct helper *h, const char *what, size_t max, char *path,
			 size_t *len, struct sl_err *err)
{
	const char *home = getenv("HOME"), *file = h->hop->file;
	char *text = NULL;
	struct stat st;
	ssize_t n = 0;
	int fd;

	*len = 0;
	/* The shell does not expand "~" after "wireguard:" or "openvpn:". */
	if (!strncmp(file, "~/", 2) && home && home[0]
		? snprintf(path, PATH_MAX, "%s/%s", home, file + 2) >= PATH_MAX
		: snprintf(path, PATH_MAX, "%s", file) >= PATH_MAX) {
		sl_err_set(err, ENAMETOOLONG, "%s: the file name is too long", h->label);
		return NULL;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		sl_err_set(err, fd < 0 ? errno : 0, "%s: cannot read the %s %s%s", h->label, what,
			   path, fd < 0 ? "" : ": not a regular file");
		goto fail;
	}
	text = malloc(max + 1);
	if (!text) {
		sl_err_set(err, ENOMEM, "cannot allocate a buffer for %s", path);
		goto fail;
	}
	while (*len <= max && (n = read(fd, text + *len, max + 1 - *len)) > 0)
		*len += (size_t)n;
	if (n < 0 || *len > max) {
		sl_err_set(err, n < 0 ? errno : 0, "%s: %s %s", h->label,
			   n < 0 ? "cannot read" : "too large to be a", n < 0 ? path : what);
		explicit_bzero(text, max + 1);
		free(text);
		text = NULL;
		goto fail;
	}
	text[*len] = '\0';
fail:
	if (fd >= 0)
		close(fd);
	return text;
}

enum helper_route helper_route_kind(const struct helper *h)
{
	struct route route;

	route_plan(h->ctx->run, h->index, &route);
	if (route.n_hops)
		return HELPER_ROUTE_HOPS;
	return route.behind_tunnel ? HELPER_ROUTE_TUNNEL : HELPER_ROUTE_DIRECT;
}

struct fakeip_pool *helper_fakeip(const struct helper *h)
{
	return resolver_fakeip(h->set->resolver);
}

int helper_watch(struct helper *h, int fd)
{
	return watch(h->set, EPOLL_TYPE_HELPER_KIND, fd, h->index) ? -errno : 0;
}

void helper_unwatch(struct helper *h, int fd)
{
	epoll_ctl(h->set->epoll_fd, EPOLL_CTL_DEL, fd, NULL);
}

static void on_ready(struct helpers *set, struct helper *h)
{
	struct sl_err err;
	size_t i;

	clear_progress_line(h);
	h->state = HELPER_UP;
	h->ready_ms = monotonic_ms();
	h->endpoint->up = true;
	h->endpoint->down_reason[0] = '\0';
	if (h->restarts)
		log_verbose("%s: back after restart %u (%.1f s)", h->label, h->restarts,
			    (double)(h->ready_ms - h->started_ms) / 1000.0);
	else
		log_verbose("%s: ready in %.1f s", h->label,
			    (double)(h->ready_ms - h->started_ms) / 1000.0);
	sl_err_clear(&err);
	if (hop_is_tunnel(h->hop) && move_tunnel(set, h, false, &err)) {
		log_info("%s: %s; restarting it", h->label, err.msg);
		kill_program(h);
		return;
	}
	for (i = 0; i < set->n; i++) {
		if (set->list[i]->state == HELPER_WAITING) {
			begin(set, set->list[i]);
			return;
		}
	}
}

static void on_exit_status(struct helpers *set, struct helper *h, int status)
{
	char how[64];

	if (h->state != HELPER_STARTING && h->state != HELPER_UP)
		return;
	if (WIFEXITED(status))
		snprintf(how, sizeof(how), "exited with status %d", WEXITSTATUS(status));
	else
		snprintf(how, sizeof(how), "was killed by signal %d", WTERMSIG(status));
	h->exit_status = status;
	unwatch_close(set, &h->pidfd);
	h->tun_moved = false; /* its device went with it */
	h->ops->stopped(h);
	if (!set->running) {
		fail(set, h, "%s %s: %s", h->name, how, last_words(h));
		return;
	}
	h->restarts++;
	h->restart_at_ms = monotonic_ms() + 1000ull * h->backoff_s;
	set_down(h, "%s %s; restarting it in %u s", h->name, how, h->backoff_s);
	log_info("%s: %s %s (%s); connections through it fail until it is back; restart %u "
		 "in %u s",
		 h->label, h->name, how, last_words(h), h->restarts, h->backoff_s);
	h->backoff_s =
	    h->backoff_s * 2 > HELPER_BACKOFF_MAX_S ? HELPER_BACKOFF_MAX_S : h->backoff_s * 2;
	h->state = HELPER_RESTARTING;
}

/*
 * tor's "DATE [warn] TEXT" lines: TEXT is the reason to show.  A warning beats an error line,
 * which tends to be "see warnings above".
 */
static void note_warning(struct helper *h, const char *line)
{
	const char *warn = strstr(line, "[warn] "), *err = strstr(line, "[err] ");

	if (warn)
		snprintf(h->last_warning, sizeof(h->last_warning), "%s", warn + 7);
	else if (err && !h->last_warning[0])
		snprintf(h->last_warning, sizeof(h->last_warning), "%s", err + 6);
}

/* Its output: into its log file, the last line and warning kept, echoed live with -vv. */
static void on_log(struct helpers *set, struct helper *h)
{
	char buf[4096];
	ssize_t n;
	int i;

	for (i = 0; i < 16; i++) { /* bounded: a chatty helper cannot starve the loop */
		ssize_t k;

		n = read(h->log_pipe, buf, sizeof(buf));
		if (n <= 0)
			break;
		if (write(h->log_file, buf, (size_t)n) != n)
			log_debug("%s: cannot write its log", h->name);
		for (k = 0; k < n; k++) {
			char c = buf[k];

			if (c != '\n' && h->partial_len < sizeof(h->partial) - 1) {
				if (c != '\r')
					h->partial[h->partial_len++] = c;
				continue;
			}
			if (c != '\n')
				continue; /* an overlong line: the rest is dropped from the copy */
			h->partial[h->partial_len] = '\0';
			h->partial_len = 0;
			if (!h->partial[0])
				continue;
			log_debug("%s: %s", h->name, h->partial);
			memcpy(h->last_line, h->partial, sizeof(h->last_line));
			note_warning(h, h->partial);
		}
	}
	if (n == 0)
		unwatch_close(set, &h->log_pipe); /* the program and its children are gone */
}

static void on_stage_message(struct helpers *set, struct helper *h)
{
	struct listener_servers servers = {set->relay, set->resolver, h->udp};
	char stage_name[sizeof(h->name) + 8];

	snprintf(stage_name, sizeof(stage_name), "%s stage", h->name);
	for (;;) {
		struct channel_msg msg;
		int fds[CHANNEL_MAX_FDS];
		size_t n_fds = 0;
		struct sl_err err;
		int ret = channel_recv(h->stage.channel, &msg, fds, &n_fds);

		if (ret == -EAGAIN)
			return;
		if (ret <= 0) {
			unwatch_close(set, &h->stage.channel);
			if (h->state != HELPER_FAILED)
				fail(set, h, "its stage ended unexpectedly");
			return;
		}
		sl_err_clear(&err);
		switch (msg.type) {
		case CHANNEL_READY:
			h->stage_ready = true;
			/* Its connections take route h->index: the hops before it. */
			if (listeners_take(&servers, h->index, stage_name, (uint32_t)msg.value, fds,
					   n_fds, h->listeners, &err))
				fail(set, h, "%s", err.msg);
			else if (launch(set, h, set->ctx.interactive && h->ops->may_prompt, &err))
				fail(set, h, "%s", err.msg);
			break;
		case CHANNEL_SETUP_FAILED:
			fail(set, h, "its stage could not be set up: %s", msg.text);
			break;
		case CHANNEL_HELPER_STARTED:
			if (n_fds) {
				unwatch_close(set, &h->pidfd);
				h->pidfd = fds[0];
				fds[0] = -1;
				watch(set, EPOLL_TYPE_HELPER_EXIT, h->pidfd, h->index);
			}
			log_debug("%s: %s started (pid %d in its stage)", h->label, h->name,
				  (int)msg.value);
			break;
		case CHANNEL_HELPER_EXITED:
			on_log(set, h); /* its last words may still be in the pipe */
			on_exit_status(set, h, msg.value);
			break;
		case CHANNEL_SOCKET:
			if (msg.socket_kind == NS_SOCKET_UDP_REPLY && h->udp) {
				udp_relay_reply_socket(h->udp, &msg, n_fds ? fds[0] : -1);
				if (n_fds)
					fds[0] = -1; /* the UDP relay's now */
			}
			break;
		default:
			log_debug("%s: unknown message %u from its stage", h->label, msg.type);
		}
		while (n_fds)
			if (fds[--n_fds] >= 0)
				close(fds[n_fds]);
	}
}

/* Restart a program that will not become ready: its exit brings the restart. */
static void kill_program(struct helper *h)
{
	if (h->pidfd >= 0)
		syscall(SYS_pidfd_send_signal, h->pidfd, SIGKILL, NULL, 0);
}

/* While a helper starts: ask its kind whether it is ready; enforce its time limit. */
static void poll_starting(struct helpers *set)
{
	bool any = false;
	uint64_t expirations;
	size_t i;

	if (read(set->poll_timer, &expirations, sizeof(expirations)) < 0)
		expirations = 0;
	for (i = 0; i < set->n; i++) {
		struct helper *h = set->list[i];
		unsigned int limit;
		struct sl_err err;
		int ret;

		if (h->state != HELPER_STARTING)
			continue;
		any = true;
		if (h->pidfd < 0)
			continue; /* the stage sets up, or the program was just asked to start */
		sl_err_clear(&err);
		ret = h->ops->poll(h, &err);
		if (ret > 0) {
			on_ready(set, h);
			any = true;
			continue;
		}
		if (ret < 0) {
			if (set->running) {
				log_info("%s: %s; restarting it", h->label, err.msg);
				kill_program(h);
			} else {
				fail(set, h, "%s", err.msg);
			}
			continue;
		}
		limit = h->ops->timeout_s(h, !set->running && set->ctx.interactive &&
						 h->ops->may_prompt);
		if (limit && monotonic_ms() - h->started_ms > 1000ull * limit) {
			if (set->running) {
				log_info("%s: not ready within %u s (%s); restarting it", h->label,
					 limit, last_words(h));
				kill_program(h);
			} else {
				fail(set, h, "not ready within %u s%s%s: %s", limit,
				     h->progress >= 0 ? ", stuck at " : "",
				     h->progress >= 0 ? h->progress_text : "", last_words(h));
			}
		}
	}
	if (!any)
		arm_poll_timer(set, false);
}

void helpers_event(struct helpers *set, union epoll_ref ref, uint32_t events)
{
	struct helper *h = ref.type == EPOLL_TYPE_HELPER_POLL ? NULL : helper_at(set, ref.index);

	(void)events;
	switch (ref.type) {
	case EPOLL_TYPE_HELPER_POLL:
		poll_starting(set);
		break;
	case EPOLL_TYPE_STAGE_CHANNEL:
		if (h && h->stage.channel == ref.fd)
			on_stage_message(set, h);
		break;
	case EPOLL_TYPE_HELPER_LOG:
		if (h && h->log_pipe == ref.fd)
			on_log(set, h);
		break;
	case EPOLL_TYPE_HELPER_DIAL:
		if (h && h->dial_listener == ref.fd)
			on_dial(set, h);
		break;
	case EPOLL_TYPE_HELPER_DIAL_REQUEST:
		if (h)
			on_dial_request(set, h, ref.fd);
		break;
	case EPOLL_TYPE_HELPER_UDP:
		if (h && h->udp)
			on_udp(h);
		break;
	case EPOLL_TYPE_HELPER_KIND:
		if (h && h->ops->event)
			h->ops->event(h, ref.fd, events);
		break;
	case EPOLL_TYPE_HELPER_EXIT:
		/* The exit status comes from the stage (CHANNEL_HELPER_EXITED); until then the
		 * endpoint goes down at once. */
		if (h && h->pidfd == ref.fd) {
			unwatch_close(set, &h->pidfd);
			if (h->state == HELPER_UP)
				set_down(h, "%s has exited; restarting it", h->name);
		}
		break;
	default:
		break;
	}
}

void helpers_tick(struct helpers *set)
{
	uint64_t now = monotonic_ms();
	size_t i;

	for (i = 0; i < set->n; i++) {
		struct helper *h = set->list[i];
		struct sl_err err;

		if (h->udp)
			udp_relay_tick(h->udp);
		if (h->state == HELPER_UP && h->backoff_s > 1 &&
		    now - h->ready_ms > 2000ull * HELPER_BACKOFF_MAX_S)
			h->backoff_s = 1; /* it has stayed up: the next exit restarts at once */
		if (h->state != HELPER_RESTARTING || now < h->restart_at_ms)
			continue;
		sl_err_clear(&err);
		log_verbose("%s: restarting %s (restart %u)", h->label, h->name, h->restarts);
		set_down(h, "%s is restarting (restart %u), not ready yet", h->name, h->restarts);
		if (launch(set, h, false, &err)) {
			log_info("%s: %s", h->label, err.msg);
			h->restart_at_ms = now + 1000ull * h->backoff_s;
		}
	}
}

void helpers_destroy(struct helpers *set)
{
	size_t i;
	int kind;

	if (!set)
		return;
	for (i = 0; i < set->n; i++) {
		struct helper *h = set->list[i];

		clear_progress_line(h);
		h->ops->stopped(h);
		stage_destroy(&h->stage); /* the program dies with its stage */
		stage_destroy(&h->transit);
		udp_relay_destroy(h->udp);
		if (h->udp_epoll >= 0)
			close(h->udp_epoll);
		unwatch_close(set, &h->pidfd);
		unwatch_close(set, &h->log_pipe);
		close_dial(set, h);
		for (kind = 0; kind < LISTENER_COUNT; kind++)
			if (h->listeners[kind] >= 0)
				close(h->listeners[kind]);
		if (h->log_file >= 0)
			close(h->log_file);
		if (h->next_netns >= 0)
			close(h->next_netns);
		if (h->ops->destroy && h->kind)
			h->ops->destroy(h);
		free(h->kind);
		free(h);
	}
	if (set->poll_timer >= 0)
		close(set->poll_timer);

	if (set->ctx.runtime_dir[0])
		runtime_dir_remove(set->ctx.runtime_dir);
	free(set);
}
