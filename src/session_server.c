/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * session_server.c - a session's control socket in the supervisor (see session_server.h).
 * Owns the name's claim for the session's life, the peers' check, the requests' answers and
 * the count of programs `exec` started.  Does not start or stop anything itself: the hooks
 * (the supervisor) do.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "channel.h"
#include "control.h"
#include "log.h"
#include "runtime_dir.h"
#include "session.h"
#include "session_server.h"

#define MAX_CLIENTS  32
#define MAX_PROGRAMS 256
#define NAME_TRIES   10

struct client {
	int fd;		/* -1: free */
	bool joining;	/* answered a join; counts until "started" or the hang-up */
	bool fast_path; /* its program runs under the fast path: "started" brings the listener */
};

struct program {
	int pidfd; /* -1: free */
	long pid;
};

struct session_server {
	const struct run_options *run;
	struct session_hooks hooks;
	int epoll_fd;
	char base[PATH_MAX];
	struct session_state state;
	bool claimed;
	int listener;
	struct client clients[MAX_CLIENTS];
	struct program programs[MAX_PROGRAMS];
	int ns_fds[CONTROL_MAX_NAMESPACES];
	size_t n_ns;
	uint32_t ns_mask;
	bool ending;
	bool joins_held; /* session_server_hold_joins() */
};

static const char *const namespace_names[CONTROL_MAX_NAMESPACES] = {"user", "mnt", "net",
								    "pid",  "uts", "ipc"};

static int watch(struct session_server *srv, enum epoll_type type, int fd, uint32_t index)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = epoll_ref_make(type, fd, index)};

	return epoll_ctl(srv->epoll_fd, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

/* Take the given name, or the first free one of NAME, NAME-2 ... NAME-9, then NAME-PID
 * (ours: no live session has it), so that many sessions of one program start in bounded time. */
static int claim_name(struct session_server *srv, struct sl_err *err)
{
	const struct run_options *run = srv->run;
	char stem[SESSION_NAME_MAX + 1];
	int i;

	if (run->session_name[0]) {
		snprintf(srv->state.name, sizeof(srv->state.name), "%s", run->session_name);
		return session_claim(srv->base, &srv->state, err);
	}
	session_name_from(run->profile_name[0] ? run->profile_name
			  : run->argv	       ? run->argv[0]
					       : "sandbox",
			  stem);
	for (i = 1; i <= NAME_TRIES; i++) {
		int ret;

		if (i == 1)
			snprintf(srv->state.name, sizeof(srv->state.name), "%s", stem);
		else
			snprintf(srv->state.name, sizeof(srv->state.name), "%.*s-%ld",
				 SESSION_NAME_MAX - 12, stem,
				 i < NAME_TRIES ? (long)i : (long)getpid());
		ret = session_claim(srv->base, &srv->state, err);
		if (ret != -EEXIST)
			return ret;
	}
	return -EEXIST; /* NAME-PID is taken by a file sluice cannot judge: @err says which */
}

static int listen_socket(struct session_server *srv, struct sl_err *err)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	char path[PATH_MAX];

	if (session_path(srv->base, srv->state.name, "sock", path, sizeof(path)) ||
	    strlen(path) >= sizeof(addr.sun_path))
		return sl_err_set(err, ENAMETOOLONG,
				  "the control socket's path %s/%s.sock is too long for a unix "
				  "socket; set XDG_RUNTIME_DIR to a shorter directory",
				  srv->base, srv->state.name);
	strcpy(addr.sun_path, path);
	unlink(path); /* ours: the claim on the name is the state file */
	srv->listener = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (srv->listener < 0)
		return sl_err_set(err, errno, "cannot create the control socket");
	if (bind(srv->listener, (struct sockaddr *)&addr, sizeof(addr)) ||
	    listen(srv->listener, 16))
		return sl_err_set(err, errno, "cannot listen on %s", path);
	if (watch(srv, EPOLL_TYPE_CONTROL_LISTENER, srv->listener, 0))
		return sl_err_set(err, errno, "cannot watch the control socket");
	return 0;
}

struct session_server *session_server_create(const struct run_options *run, int epoll_fd,
					     const struct session_hooks *hooks, struct sl_err *err)
{
	struct session_server *srv = calloc(1, sizeof(*srv));
	struct timespec now;
	size_t i;

	if (!srv) {
		sl_err_set(err, ENOMEM, "cannot set up the session");
		return NULL;
	}
	srv->run = run;
	srv->hooks = *hooks;
	srv->epoll_fd = epoll_fd;
	srv->listener = -1;
	for (i = 0; i < MAX_CLIENTS; i++)
		srv->clients[i].fd = -1;
	for (i = 0; i < MAX_PROGRAMS; i++)
		srv->programs[i].pidfd = -1;
	snprintf(srv->state.profile, sizeof(srv->state.profile), "%s", run->profile_name);
	srv->state.pid = getpid();
	srv->state.start_time = process_start_time(srv->state.pid);
	clock_gettime(CLOCK_REALTIME, &now);
	srv->state.started = now.tv_sec;
	if (runtime_dir_base(srv->base, sizeof(srv->base), err) || claim_name(srv, err)) {
		session_server_destroy(srv);
		return NULL;
	}
	srv->claimed = true;
	if (listen_socket(srv, err)) {
		session_server_destroy(srv);
		return NULL;
	}
	log_verbose("session '%s': control socket %s/%s.sock", srv->state.name, srv->base,
		    srv->state.name);
	return srv;
}

const char *session_server_name(const struct session_server *srv)
{
	return srv->state.name;
}

const char *session_server_base(const struct session_server *srv)
{
	return srv->base;
}

/* --ip-netns: the network namespace at /run/netns/sluice-NAME, as `ip netns add` makes them. */
static void bind_netns(struct session_server *srv)
{
	char path[128], source[64];
	size_t i, k;
	int fd;

	for (i = 0, k = 0; i < CONTROL_MAX_NAMESPACES; i++) {
		if (!(srv->ns_mask & (1u << i)))
			continue;
		if (!strcmp(namespace_names[i], "net"))
			break;
		k++;
	}
	if (i == CONTROL_MAX_NAMESPACES || k >= srv->n_ns ||
	    session_netns_path(srv->state.name, path, sizeof(path)))
		return;
	if (mkdir("/run/netns", 0755) && errno != EEXIST) {
		log_warn("--ip-netns: cannot create /run/netns: %s", strerror(errno));
		return;
	}
	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0444);
	if (fd < 0) {
		log_warn("--ip-netns: cannot create %s: %s", path, strerror(errno));
		return;
	}
	close(fd);
	snprintf(source, sizeof(source), "/proc/self/fd/%d", srv->ns_fds[k]);
	if (mount(source, path, NULL, MS_BIND, NULL)) {
		log_warn("--ip-netns: cannot bind the network namespace at %s: %s", path,
			 strerror(errno));
		unlink(path);
		return;
	}
	log_verbose("network namespace bound at %s ('ip netns exec sluice-%s ...')", path,
		    srv->state.name);
}

void session_server_hold_joins(struct session_server *srv, bool held)
{
	srv->joins_held = held;
}

void session_server_namespaces(struct session_server *srv, int *fds, size_t n, uint32_t mask)
{
	size_t i;

	for (i = 0; i < srv->n_ns; i++)
		close(srv->ns_fds[i]);
	srv->n_ns = 0;
	for (i = 0; i < n && i < CONTROL_MAX_NAMESPACES; i++) {
		srv->ns_fds[srv->n_ns++] = fds[i];
		fds[i] = -1;
	}
	srv->ns_mask = mask;
	/* The network namespace's inode: what `gc` compares before it touches anything. */
	for (i = 0; i < CONTROL_MAX_NAMESPACES; i++) {
		struct stat st;
		size_t k = (size_t)__builtin_popcount(mask & ((1u << i) - 1));

		if ((mask & (1u << i)) && !strcmp(namespace_names[i], "net") && k < srv->n_ns &&
		    !fstat(srv->ns_fds[k], &st))
			srv->state.netns_inode = (uint64_t)st.st_ino;
	}
	if (session_update(srv->base, &srv->state, NULL))
		log_debug("cannot record the network namespace in the state file");
	if (srv->run->ip_netns)
		bind_netns(srv);
}

size_t session_server_busy(const struct session_server *srv)
{
	size_t i, n = 0;

	for (i = 0; i < MAX_CLIENTS; i++)
		n += srv->clients[i].fd >= 0 && srv->clients[i].joining;
	for (i = 0; i < MAX_PROGRAMS; i++)
		n += srv->programs[i].pidfd >= 0;
	return n;
}

void session_server_ending(struct session_server *srv)
{
	srv->ending = true;
}

size_t session_server_pids(const struct session_server *srv, long *out, size_t cap)
{
	size_t i, n = 0;

	for (i = 0; i < MAX_PROGRAMS && n < cap; i++)
		if (srv->programs[i].pidfd >= 0)
			out[n++] = srv->programs[i].pid;
	return n;
}

static void reply(int fd, const char *text, size_t len, const int *fds, size_t n_fds)
{
	int ret = channel_send_bytes(fd, text, len, fds, n_fds);

	if (ret)
		log_debug("control: cannot answer: %s", strerror(-ret));
}

static void reply_json(int fd, json_t *root, const int *fds, size_t n_fds)
{
	char *text = root ? json_dumps(root, JSON_COMPACT) : NULL;

	if (text && strlen(text) <= CONTROL_MSG_MAX)
		reply(fd, text, strlen(text), fds, n_fds);
	free(text);
	json_decref(root);
}

static void reply_error(int fd, const char *msg)
{
	char text[1024];
	int n = control_error_format(msg, text, sizeof(text));

	if (n > 0)
		reply(fd, text, (size_t)n, NULL, 0);
}

static json_t *string_array(char *const *list, size_t n)
{
	json_t *array = json_array();
	size_t i;

	for (i = 0; array && i < n; i++)
		json_array_append_new(array, json_string(list[i]));
	return array;
}

static void answer_join(struct session_server *srv, struct client *c,
			const struct control_request *req)
{
	/* The first program lost these too (supervisor.c): an ssh hop's agent socket. */
	static char *const unset_with_ssh[] = {"SSH_AUTH_SOCK"};
	const struct run_options *run = srv->run;
	json_t *root, *names = json_array();
	bool ssh = false;
	size_t i;

	if (srv->ending || !srv->n_ns || srv->joins_held) {
		json_decref(names);
		reply_error(c->fd, srv->ending ? "the session is ending" : CONTROL_STARTING);
		return;
	}
	if (run->fast_path && !req->copy && !req->fast_path) {
		/*
		 * A program that joins must run under the fast path's filter and Landlock, or
		 * it could be passed a host socket the first one holds and use it freely
		 * (docs/fast-path.md): `sluice exec` does so; `sluice cp` runs no program (its
		 * child copies regular files and sends no socket); the daemon's exec for users
		 * does not yet.
		 */
		json_decref(names);
		reply_error(c->fd,
			    "this session runs with --fast-path, and this join cannot run its "
			    "program under it (sluice daemon's exec for users does not yet); "
			    "start the session without --fast-path to use it");
		return;
	}
	for (i = 0; i < run->n_hops; i++)
		ssh |= run->hops[i].kind == HOP_SSH;
	for (i = 0; i < CONTROL_MAX_NAMESPACES; i++)
		if (srv->ns_mask & (1u << i))
			json_array_append_new(names, json_string(namespace_names[i]));
	root = json_pack(
	    "{s:i, s:b, s:o, s:o, s:o, s:b}", "sluice", CONTROL_VERSION, "ok", 1, "namespaces",
	    names, "environment", string_array(run->environment, run->n_environment), "unset",
	    string_array(unset_with_ssh, ssh ? 1 : 0), "map_root", run->id_map == ID_MAP_ROOT);
	if (root && run->fast_path)
		json_object_set_new(root, "fast_path", json_true());
	c->joining = true;
	c->fast_path = run->fast_path && !req->copy;
	reply_json(c->fd, root, srv->ns_fds, srv->n_ns);
}

static void answer_started(struct session_server *srv, struct client *c,
			   const struct control_request *req, int *fds, size_t n_fds)
{
	struct sl_err err;
	size_t i;

	if (!c->joining || n_fds != (c->fast_path ? 2 : 1)) {
		/* Fail closed: a program that should run under the fast path and whose
		 * listener did not come is not let run unserved or unrestricted. */
		if (c->joining && c->fast_path && n_fds >= 1)
			syscall(SYS_pidfd_send_signal, fds[0], SIGKILL, NULL, 0);
		reply_error(c->fd, c->fast_path
				       ? "'started' comes after 'join', with the program's "
					 "pidfd and its fast path listener"
				       : "'started' comes after 'join', with the program's pidfd");
		return;
	}
	sl_err_clear(&err);
	if (c->fast_path && srv->hooks.fast_path_listener(srv->hooks.ctx, fds[1], &err)) {
		fds[1] = -1; /* the hook's: closed */
		syscall(SYS_pidfd_send_signal, fds[0], SIGKILL, NULL, 0);
		reply_error(c->fd, err.msg);
		return;
	}
	if (c->fast_path)
		fds[1] = -1;
	for (i = 0; i < MAX_PROGRAMS && srv->programs[i].pidfd >= 0; i++)
		;
	if (i == MAX_PROGRAMS) {
		reply_error(c->fd, "too many programs in this session");
		return;
	}
	if (watch(srv, EPOLL_TYPE_CONTROL_PROGRAM, fds[0], (uint32_t)i)) {
		reply_error(c->fd, "cannot watch the program");
		return;
	}
	srv->programs[i].pidfd = fds[0];
	srv->programs[i].pid = req->pid;
	fds[0] = -1;
	c->joining = false;
	log_verbose("session '%s': program %ld started by sluice exec", srv->state.name,
		    (long)req->pid);
	reply(c->fd, "{\"sluice\":1,\"ok\":true}", 22, NULL, 0);
}

static void drop_client(struct session_server *srv, struct client *c)
{
	bool was_joining = c->joining;

	epoll_ctl(srv->epoll_fd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
	c->joining = false;
	if (was_joining && srv->hooks.programs_changed)
		srv->hooks.programs_changed(srv->hooks.ctx);
}

static void on_request(struct session_server *srv, struct client *c)
{
	char buf[CONTROL_MSG_MAX];
	struct control_request req;
	struct sl_err err;
	int fds[CHANNEL_MAX_FDS];
	size_t n_fds = 0;
	ssize_t n;

	n = channel_recv_bytes(c->fd, buf, sizeof(buf), fds, &n_fds, MSG_DONTWAIT);
	if (n == -EAGAIN)
		return;
	if (n <= 0) {
		drop_client(srv, c);
		return;
	}
	sl_err_clear(&err);
	if (control_request_parse(buf, (size_t)n, &req, &err)) {
		reply_error(c->fd, err.msg);
	} else if (req.op == CONTROL_STATUS) {
		json_t *session = srv->hooks.status(srv->hooks.ctx);

		reply_json(c->fd,
			   session ? json_pack("{s:i, s:b, s:o}", "sluice", CONTROL_VERSION, "ok",
					       1, "session", session)
				   : NULL,
			   NULL, 0);
	} else if (req.op == CONTROL_JOIN) {
		answer_join(srv, c, &req);
	} else if (req.op == CONTROL_STARTED) {
		answer_started(srv, c, &req, fds, n_fds);
	} else if (req.op == CONTROL_STOP) {
		log_verbose("session '%s': stop asked", srv->state.name);
		reply(c->fd, "{\"sluice\":1,\"ok\":true}", 22, NULL, 0);
		srv->hooks.stop(srv->hooks.ctx, req.grace_seconds);
	} else {
		reply_error(c->fd, "spawn and signal are requests for sluice daemon's socket");
	}
	control_request_free(&req);
	while (n_fds)
		if (fds[--n_fds] >= 0)
			close(fds[n_fds]);
}

/* Is @pid in our @kind namespace ("pid", "user")?  Unreadable: no (fail closed). */
static bool same_namespace(pid_t pid, const char *kind)
{
	char path[64], ours[64], theirs[64];
	ssize_t a, b;

	snprintf(path, sizeof(path), "/proc/self/ns/%s", kind);
	a = readlink(path, ours, sizeof(ours));
	snprintf(path, sizeof(path), "/proc/%ld/ns/%s", (long)pid, kind);
	b = readlink(path, theirs, sizeof(theirs));
	return a > 0 && a == b && !memcmp(ours, theirs, (size_t)a);
}

/*
 * Same uid as ours, or root; and not inside a sandbox: in our pid and user namespaces.  The
 * sessions' directory is covered inside, but another directory a session may use (another
 * XDG_RUNTIME_DIR) may not be: this check does not depend on it.
 */
static bool peer_allowed(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len))
		return false;
	if (cred.uid != geteuid() && cred.uid != 0)
		return false;
	return cred.pid > 0 && same_namespace(cred.pid, "pid") && same_namespace(cred.pid, "user");
}

static void on_accept(struct session_server *srv)
{
	int fd;

	while ((fd = accept4(srv->listener, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0) {
		size_t i;

		if (!peer_allowed(fd)) {
			log_verbose("session '%s': a control connection from another user, or from "
				    "inside a sandbox, refused",
				    srv->state.name);
			close(fd);
			continue;
		}
		for (i = 0; i < MAX_CLIENTS && srv->clients[i].fd >= 0; i++)
			;
		if (i == MAX_CLIENTS || watch(srv, EPOLL_TYPE_CONTROL_CLIENT, fd, (uint32_t)i)) {
			reply_error(fd, "the session is busy; try again");
			close(fd);
			continue;
		}
		srv->clients[i].fd = fd;
		srv->clients[i].joining = false;
	}
}

static void on_program_exit(struct session_server *srv, uint32_t index)
{
	struct program *p = &srv->programs[index];

	if (index >= MAX_PROGRAMS || p->pidfd < 0)
		return;
	epoll_ctl(srv->epoll_fd, EPOLL_CTL_DEL, p->pidfd, NULL);
	close(p->pidfd);
	p->pidfd = -1;
	log_verbose("session '%s': program %ld started by sluice exec ended", srv->state.name,
		    p->pid);
	if (srv->hooks.programs_changed)
		srv->hooks.programs_changed(srv->hooks.ctx);
}

void session_server_event(struct session_server *srv, union epoll_ref ref, uint32_t events)
{
	(void)events;
	switch (ref.type) {
	case EPOLL_TYPE_CONTROL_LISTENER:
		on_accept(srv);
		break;
	case EPOLL_TYPE_CONTROL_CLIENT:
		if (ref.index < MAX_CLIENTS && srv->clients[ref.index].fd == ref.fd)
			on_request(srv, &srv->clients[ref.index]);
		break;
	case EPOLL_TYPE_CONTROL_PROGRAM:
		on_program_exit(srv, ref.index);
		break;
	default:
		break;
	}
}

void session_server_destroy(struct session_server *srv)
{
	size_t i;

	if (!srv)
		return;
	if (srv->listener >= 0)
		close(srv->listener);
	for (i = 0; i < MAX_CLIENTS; i++)
		if (srv->clients[i].fd >= 0)
			close(srv->clients[i].fd);
	for (i = 0; i < MAX_PROGRAMS; i++)
		if (srv->programs[i].pidfd >= 0)
			close(srv->programs[i].pidfd);
	for (i = 0; i < srv->n_ns; i++)
		close(srv->ns_fds[i]);
	if (srv->claimed) {
		if (srv->run->ip_netns)
			session_unbind_netns(srv->state.name, srv->state.netns_inode);
		session_release(srv->base, srv->state.name);
		rmdir(srv->base); /* when no other session or helper uses it */
	}
	free(srv);
}
