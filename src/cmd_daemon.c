/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * cmd_daemon.c - `sluice daemon`: as root, keep the sessions of the profiles marked "start"
 * up, and let the users each profile allows start programs in them.
 *
 * Theory of operation
 *
 *   Sessions: for each NAME.json in the profiles directory (/etc/sluice/profiles) whose
 *   "start" is true, the daemon runs `sluice run --name NAME --profile FILE` as a child, and
 *   starts it again when it ends, after 1, 2, 4 ... 30 s (back to 1 s after a minute up).
 *   SIGTERM or SIGINT stops them all (SIGTERM, then SIGKILL after 15 s) and ends the daemon.
 *
 *   Exec for users: a user cannot join a root session's namespaces, so `sluice exec NAME`
 *   falls back to the daemon's socket (/run/sluice.sock, mode 0666; SLUICE_DAEMON_SOCKET
 *   names another) with a "spawn" request (control.h) and its fds 0-2.  The daemon forks a
 *   runner per connection, which checks the peer (SO_PEERCRED) against the profile's "users"
 *   and "groups" (no list: members of the group "sluice"; root always), joins the session as
 *   root, and starts the program there as the peer's own uid, gid and groups, with the
 *   treatment of every program in a session (program.h).  The runner passes signals the
 *   caller sends on, and the exit status back.  When the caller is on a terminal, the program
 *   gets a pty of the same size as its controlling terminal (job control inside, a shell's
 *   line editing), whose bytes the runner carries; the caller's terminal is raw meanwhile.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/sched.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "channel.h"
#include "cli.h"
#include "cmd.h"
#include "control.h"
#include "identity.h"
#include "log.h"
#include "monotonic.h"
#include "profile.h"
#include "profile_file.h"
#include "program.h"
#include "secret_env.h"
#include "session.h"
#include "session_client.h"
#include "session_join.h"
#include "signals.h"
#include "userns.h"

#define DAEMON_SOCKET	  "/run/sluice.sock"
#define MAX_MANAGED	  64
#define BACKOFF_MAX_S	  30
#define STEADY_S	  60 /* up this long: the next restart waits 1 s again */
#define STOP_GRACE_S	  15
#define REQUEST_TIMEOUT_S 5
#define MAX_RUNNERS	  128 /* programs started for users at once */

struct managed {
	char name[SESSION_NAME_MAX + 1];
	char path[PATH_MAX];
	struct run_options run; /* start, users, groups (and the rest, unused here) */
	pid_t pid;		/* of its `sluice run`, 0 while waiting */
	uint64_t started_ms;
	uint64_t restart_at_ms;
	unsigned int backoff_s;
};

struct daemon {
	struct managed sessions[MAX_MANAGED];
	size_t n;
	char self[PATH_MAX];
	const char *socket_path;
	int listener;
	int signal_fd;
	bool stopping;
	size_t runners; /* children serving a spawn request */
};

/* --- who may spawn ------------------------------------------------------------------------ */

static bool name_or_number_is(const char *entry, const char *name, unsigned long id)
{
	char number[24];

	snprintf(number, sizeof(number), "%lu", id);
	return !strcmp(entry, number) || (name && !strcmp(entry, name));
}

/* The profile's users and groups; no list at all: the group "sluice".  Root: always. */
static bool peer_allowed(const struct run_options *run, uid_t uid, gid_t gid)
{
	static const char default_group[] = "sluice";
	struct passwd *pw = getpwuid(uid);
	gid_t groups[256];
	int n_groups = 256, i;
	size_t k;

	if (uid == 0)
		return true;
	for (k = 0; k < run->n_allow_users; k++)
		if (name_or_number_is(run->allow_users[k], pw ? pw->pw_name : NULL, uid))
			return true;
	groups[0] = gid;
	if (!pw || getgrouplist(pw->pw_name, gid, groups, &n_groups) < 0)
		n_groups = 1;
	for (i = 0; i < n_groups; i++) {
		struct group *gr = getgrgid(groups[i]);
		const char *gname = gr ? gr->gr_name : NULL;

		for (k = 0; k < run->n_allow_groups; k++)
			if (name_or_number_is(run->allow_groups[k], gname, groups[i]))
				return true;
		if (!run->n_allow_users && !run->n_allow_groups && gname &&
		    !strcmp(gname, default_group))
			return true;
	}
	return false;
}

/* --- the runner: one spawn request, in a child of the daemon -------------------------------- */

static char peer_uid_text[24], peer_gid_text[24];

/* The peer's ids where identity_choose() reads the invoker's (identity.h). */
static const char *peer_as_invoker(const char *name)
{
	if (!strcmp(name, "SUDO_UID"))
		return peer_uid_text;
	if (!strcmp(name, "SUDO_GID"))
		return peer_gid_text;
	return NULL;
}

static void answer(int fd, bool ok, const char *error, int exit_code)
{
	char text[1024];
	int n;

	if (!ok)
		n = control_error_format(error, text, sizeof(text));
	else if (exit_code >= 0)
		n = snprintf(text, sizeof(text), "{\"sluice\":1,\"ok\":true,\"exit\":%d}",
			     exit_code);
	else
		n = snprintf(text, sizeof(text), "{\"sluice\":1,\"ok\":true}");
	if (n > 0)
		channel_send_bytes(fd, text, (size_t)n, NULL, 0);
}

/* In the session's namespaces: the program, on the caller's fds, as the caller. */
static pid_t start_program(struct session_join *sj, const struct control_request *req,
			   const int *stdio, int pty_slave, const struct identity *id, int report,
			   int *pidfd)
{
	struct signal_state defaults;
	struct clone_args args = {0};
	pid_t pid;
	size_t i;

	args.flags = CLONE_PIDFD;
	args.pidfd = (uint64_t)(uintptr_t)pidfd;
	args.exit_signal = SIGCHLD;
	pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	if (pid != 0)
		return pid;
	if (pty_slave >= 0) {
		/* A session of its own whose controlling terminal is the pty: job control. */
		if (setsid() < 0 || ioctl(pty_slave, TIOCSCTTY, 0))
			_exit(SL_EXIT_FAILURE);
		for (i = 0; i < 3; i++)
			if (dup2(pty_slave, (int)i) < 0)
				_exit(SL_EXIT_FAILURE);
	} else {
		for (i = 0; i < 3; i++)
			if (dup2(stdio[i], (int)i) < 0)
				_exit(SL_EXIT_FAILURE);
	}
	clearenv();
	for (i = 0; req->env[i]; i++)
		putenv(req->env[i]);
	secret_env_scrub();
	/* Not the daemon's dispositions (it ignores SIGPIPE, maybe SIGINT as a background job):
	 * the program starts as the user's shell would start it. */
	for (i = 1; i < _NSIG; i++)
		if (i != SIGKILL && i != SIGSTOP)
			signal((int)i, SIG_DFL);
	signals_save_original(&defaults);
	{
		struct program_spec spec = {
		    .argv = req->argv,
		    .cwd = req->cwd,
		    .environment = sj->join.environment,
		    .n_environment = sj->join.n_environment,
		    .unset = sj->join.unset,
		    .n_unset = sj->join.n_unset,
		    .tty_fd = pty_slave >= 0 ? 0 : -1,
		    .tty_foreground = pty_slave >= 0,
		    .userns = false,
		    .program_user = id,
		    .original_signals = &defaults,
		    .report = report,
		};

		program_exec(&spec);
	}
}

/* Bytes from @from to @to, one read's worth: 1 if some, 0 if none now, -1 at the end. */
static int carry(int from, int to)
{
	char buf[16384];
	ssize_t n = read(from, buf, sizeof(buf));

	if (n <= 0)
		return n < 0 && errno == EAGAIN ? 0 : -1;
	while (n > 0) {
		ssize_t w = write(to, buf, (size_t)n);

		if (w <= 0)
			return -1;
		n -= w;
	}
	return 1;
}

/*
 * Until the program ends: the caller's signals and window sizes passed on; its going away is
 * a SIGHUP.  With a pty (@master >= 0), its bytes are carried to and from the caller's fds.
 */
static int wait_program(int client, pid_t pid, int pidfd, int master, const int *stdio)
{
	bool hung_up = false, input = master >= 0;
	int status;

	for (;;) {
		struct pollfd pfd[4] = {{.fd = pidfd, .events = POLLIN},
					{.fd = client, .events = hung_up ? 0 : POLLIN},
					{.fd = master, .events = POLLIN},
					{.fd = input ? stdio[0] : -1, .events = POLLIN}};

		if (poll(pfd, 4, -1) < 0 && errno != EINTR)
			break;
		if (pfd[2].revents && carry(master, stdio[1]) < 0) {
			close(master); /* the pty is closed: the program is ending */
			master = -1;
		}
		if (pfd[3].revents && (master < 0 || carry(stdio[0], master) < 0))
			input = false;
		if (pfd[0].revents)
			break;
		if (pfd[1].revents) {
			static char buf[CONTROL_MSG_MAX];
			struct control_request req;
			int fds[CHANNEL_MAX_FDS];
			size_t n_fds = 0;
			ssize_t n = channel_recv_bytes(client, buf, sizeof(buf), fds, &n_fds, 0);

			while (n_fds)
				close(fds[--n_fds]);
			if (n <= 0) {
				hung_up = true;
				kill(-pid, SIGHUP);
			} else if (!control_request_parse(buf, (size_t)n, &req, NULL)) {
				if (req.op == CONTROL_SIGNAL && kill(-pid, req.sig) &&
				    errno == ESRCH)
					kill(pid, req.sig);
				if (req.op == CONTROL_RESIZE && master >= 0) {
					struct winsize ws = {.ws_row = (unsigned short)req.rows,
							     .ws_col = (unsigned short)req.cols};

					ioctl(master, TIOCSWINSZ, &ws);
				}
				control_request_free(&req);
			}
		}
	}
	while (master >= 0 && carry(master, stdio[1]) > 0)
		; /* what the program wrote last */
	if (waitpid(pid, &status, 0) != pid)
		return SL_EXIT_FAILURE;
	return WIFSIGNALED(status) ? SL_EXIT_SIGNAL_BASE + WTERMSIG(status) : WEXITSTATUS(status);
}

/* A pty for the program (@rows x @cols): its master here, nonblocking; its slave, or -1. */
static int open_pty(int rows, int cols, int *slave)
{
	struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	char *name;

	*slave = -1;
	if (master < 0 || grantpt(master) || unlockpt(master) || !(name = ptsname(master)))
		goto fail;
	*slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*slave < 0)
		goto fail;
	ioctl(master, TIOCSWINSZ, &ws);
	return master;
fail:
	if (master >= 0)
		close(master);
	return -1;
}

/* A failed exec, told on the report socket: said on the caller's stderr. */
static void tell_exec_failure(int report, int err_fd)
{
	struct channel_msg msg;
	int fds[CHANNEL_MAX_FDS];
	size_t n_fds = 0;
	char text[SL_ERR_MSG_MAX + 32];
	int n = 0;

	if (channel_recv_nonblocking(report, &msg, fds, &n_fds) != 1)
		return;
	while (n_fds)
		close(fds[--n_fds]);
	if (msg.type == CHANNEL_EXEC_FAILED) {
		char line[SL_ERR_MSG_MAX];

		program_exec_error(line, sizeof(line), msg.text, msg.errnum);
		n = snprintf(text, sizeof(text), "sluice: %s\n", line);
	} else if (msg.type == CHANNEL_SETUP_FAILED) {
		n = snprintf(text, sizeof(text), "sluice: %s\n", msg.text);
	}
	if (n > 0 && write(err_fd, text, (size_t)n) < 0) {
		/* the caller's stderr is gone: nothing to tell */
	}
}

static int run_spawn(const struct daemon *d, int client)
{
	static char buf[CONTROL_MSG_MAX];
	struct control_request req;
	struct session_join sj = {.control = -1};
	struct identity id;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct pollfd pfd = {.fd = client, .events = POLLIN};
	int fds[CHANNEL_MAX_FDS], report[2] = {-1, -1}, pidfd = -1, master = -1, slave = -1;
	size_t n_fds = 0, i;
	struct sl_err err;
	ssize_t n;
	pid_t pid;
	int code;

	sl_err_clear(&err);
	if (getsockopt(client, SOL_SOCKET, SO_PEERCRED, &cred, &len) ||
	    poll(&pfd, 1, REQUEST_TIMEOUT_S * 1000) != 1)
		return 1;
	n = channel_recv_bytes(client, buf, sizeof(buf), fds, &n_fds, 0);
	if (n <= 0)
		return 1;
	if (control_request_parse(buf, (size_t)n, &req, &err) || req.op != CONTROL_SPAWN ||
	    n_fds != 3) {
		answer(client, false,
		       err.msg[0] ? err.msg : "expected a spawn request with fds 0-2", -1);
		return 1;
	}
	for (i = 0; i < d->n && strcmp(d->sessions[i].name, req.session); i++)
		;
	if (i == d->n || !peer_allowed(&d->sessions[i].run, cred.uid, cred.gid)) {
		log_info("exec into '%s' by uid %u refused", req.session, (unsigned int)cred.uid);
		answer(client, false,
		       "no session of sluice daemon by that name lets you in (its profile's "
		       "\"users\" and \"groups\")",
		       -1);
		return 1;
	}
	snprintf(peer_uid_text, sizeof(peer_uid_text), "%u", (unsigned int)cred.uid);
	snprintf(peer_gid_text, sizeof(peer_gid_text), "%u", (unsigned int)cred.gid);
	{
		struct run_options as_peer;

		memset(&as_peer, 0, sizeof(as_peer));
		if (identity_choose(&as_peer, peer_as_invoker, &id, &err) ||
		    session_join_ask(&sj, req.session, 0, 0, &err) ||
		    session_join_enter(&sj, 0, &err) ||
		    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, report)) {
			answer(client, false, err.msg[0] ? err.msg : "cannot start", -1);
			return 1;
		}
	}
	if (req.rows > 0) {
		master = open_pty(req.rows, req.cols, &slave);
		if (master < 0) {
			answer(client, false, "cannot open a pty for the program", -1);
			return 1;
		}
	}
	pid = start_program(&sj, &req, fds, slave, &id, report[1], &pidfd);
	if (pid < 0) {
		answer(client, false, "cannot start the program", -1);
		return 1;
	}
	close(report[1]);
	if (slave >= 0)
		close(slave);
	log_info("exec into '%s' by uid %u: %s (pid %ld)", req.session, (unsigned int)cred.uid,
		 req.argv[0], (long)pid);
	{
		struct control_request started = {.op = CONTROL_STARTED, .pid = pid};
		static char reply[CONTROL_MSG_MAX + 1];

		if (session_client_request(sj.control, &started, &pidfd, 1, reply, NULL, NULL,
					   &err) < 0)
			log_warn("session '%s' does not count pid %ld: %s", req.session, (long)pid,
				 err.msg);
	}
	answer(client, true, NULL, -1);
	code = wait_program(client, pid, pidfd, master, fds);
	tell_exec_failure(report[0], fds[2]);
	answer(client, true, NULL, code);
	return 0;
}

/* --- the daemon ----------------------------------------------------------------------------- */

static int load_profiles(struct daemon *d, const char *dir_path)
{
	struct dirent *e;
	DIR *dir = opendir(dir_path);

	if (!dir) {
		log_error("%s: %s", dir_path, strerror(errno));
		return -1;
	}
	while ((e = readdir(dir)) && d->n < MAX_MANAGED) {
		struct managed *m = &d->sessions[d->n];
		struct profile profile;
		struct sl_err err;
		struct conf conf;
		bool readable = false;

		if (!session_name_of_file(e->d_name, m->name))
			continue;
		snprintf(m->path, sizeof(m->path), "%s/%s", dir_path, e->d_name);
		memset(&m->run, 0, sizeof(m->run));
		conf_init(&conf, &m->run);
		profile_init(&profile);
		sl_err_clear(&err);
		if (profile_file_load(&conf, m->path, &profile, &readable, &err))
			log_error("%s (not started)", err.msg);
		else if (m->run.start)
			d->n++;
		explicit_bzero(m->run.hops, sizeof(m->run.hops));
		profile_free(&profile);
	}
	closedir(dir);
	return 0;
}

static void start_session(struct daemon *d, struct managed *m)
{
	pid_t pid = fork();

	if (pid < 0) {
		log_error("cannot start session '%s': %s", m->name, strerror(errno));
		m->restart_at_ms = monotonic_ms() + 1000;
		return;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);
		sigset_t none;

		signal(SIGPIPE, SIG_DFL);
		if (null >= 0)
			dup2(null, 0);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execl(d->self, "sluice", "run", "--name", m->name, "--profile", m->path,
		      (char *)NULL);
		_exit(SL_EXIT_CANNOT_EXEC);
	}
	m->pid = pid;
	m->started_ms = monotonic_ms();
	log_info("session '%s' started (%s, pid %ld)", m->name, m->path, (long)pid);
}

static void on_child_exit(struct daemon *d, pid_t pid, int status)
{
	size_t i;
	bool managed = false;

	for (i = 0; i < d->n; i++)
		managed |= d->sessions[i].pid == pid;
	if (!managed && d->runners) {
		d->runners--; /* a runner */
		return;
	}

	for (i = 0; i < d->n; i++) {
		struct managed *m = &d->sessions[i];

		if (m->pid != pid)
			continue;
		m->pid = 0;
		if (d->stopping)
			return;
		if (monotonic_ms() - m->started_ms > STEADY_S * 1000)
			m->backoff_s = 0;
		m->backoff_s = m->backoff_s ? m->backoff_s * 2 : 1;
		if (m->backoff_s > BACKOFF_MAX_S)
			m->backoff_s = BACKOFF_MAX_S;
		m->restart_at_ms = monotonic_ms() + m->backoff_s * 1000ULL;
		log_warn("session '%s' ended (%s %d); starting it again in %u s", m->name,
			 WIFSIGNALED(status) ? "signal" : "exit",
			 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status),
			 m->backoff_s);
		return;
	}
}

static int listen_socket(struct daemon *d)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};

	if (strlen(d->socket_path) >= sizeof(addr.sun_path)) {
		log_error("%s: path too long for a unix socket", d->socket_path);
		return -1;
	}
	strcpy(addr.sun_path, d->socket_path);
	d->listener = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (d->listener < 0 || (unlink(d->socket_path) && errno != ENOENT) ||
	    bind(d->listener, (struct sockaddr *)&addr, sizeof(addr)) ||
	    chmod(d->socket_path, 0666) || listen(d->listener, 32)) {
		log_error("cannot listen on %s: %s", d->socket_path, strerror(errno));
		return -1;
	}
	return 0;
}

static void on_accept(struct daemon *d)
{
	int client;

	while ((client = accept4(d->listener, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
		pid_t pid;

		if (d->runners >= MAX_RUNNERS) {
			answer(client, false, "sluice daemon is busy; try again later", -1);
			close(client);
			continue;
		}
		pid = fork();
		if (pid > 0)
			d->runners++;
		if (pid == 0) {
			sigset_t none;

			close(d->listener);
			close(d->signal_fd);
			sigemptyset(&none);
			sigprocmask(SIG_SETMASK, &none, NULL);
			_exit(run_spawn(d, client));
		}
		close(client);
	}
}

/* SIGTERM to every session, SIGKILL to those left after the grace period. */
static void stop_all(struct daemon *d)
{
	uint64_t deadline = monotonic_ms() + STOP_GRACE_S * 1000;
	size_t i, left;

	d->stopping = true;
	for (i = 0; i < d->n; i++)
		if (d->sessions[i].pid > 0)
			kill(d->sessions[i].pid, SIGTERM);
	do {
		int status;
		pid_t pid;

		while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
			on_child_exit(d, pid, status);
		for (i = 0, left = 0; i < d->n; i++)
			left += d->sessions[i].pid > 0;
		if (left && monotonic_ms() > deadline)
			for (i = 0; i < d->n; i++)
				if (d->sessions[i].pid > 0)
					kill(d->sessions[i].pid, SIGKILL);
		if (left)
			usleep(50000);
	} while (left);
}

static int daemon_loop(struct daemon *d)
{
	for (;;) {
		struct pollfd pfd[2] = {{.fd = d->signal_fd, .events = POLLIN},
					{.fd = d->listener, .events = POLLIN}};
		struct signalfd_siginfo si;
		uint64_t now = monotonic_ms();
		size_t i;
		int status;
		pid_t pid;

		for (i = 0; i < d->n; i++)
			if (!d->sessions[i].pid && now >= d->sessions[i].restart_at_ms)
				start_session(d, &d->sessions[i]);
		if (poll(pfd, 2, 500) < 0 && errno != EINTR)
			return -1;
		if (pfd[1].revents & POLLIN)
			on_accept(d);
		while (read(d->signal_fd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
				log_info("stopping the sessions");
				stop_all(d);
				return 0;
			}
		}
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
			on_child_exit(d, pid, status);
	}
}

static int usage(void)
{
	log_error("usage: sluice daemon [--profiles DIR] [--socket PATH] [--syslog]");
	return SL_EXIT_FAILURE;
}

int cmd_daemon_main(int argc, char *argv[], enum log_level level)
{
	static struct daemon d;
	const char *profiles = "/etc/sluice/profiles";
	bool syslog_wanted = false;
	sigset_t set;
	ssize_t len;
	int i, ret;

	d.socket_path = DAEMON_SOCKET;
	for (i = 1; i < argc; i++) {
		if (cli_verbosity(argv[i], &level))
			continue;
		if (!strcmp(argv[i], "--syslog"))
			syslog_wanted = true;
		else if (!strcmp(argv[i], "--profiles") && i + 1 < argc)
			profiles = argv[++i];
		else if (!strcmp(argv[i], "--socket") && i + 1 < argc)
			d.socket_path = argv[++i];
		else
			return usage();
	}
	log_set_level(level);
	if (syslog_wanted)
		log_to_syslog();
	if (geteuid() != 0 || !userns_is_initial()) {
		log_error("sluice daemon runs as root (it starts sessions for other users)");
		return SL_EXIT_FAILURE;
	}
	len = readlink("/proc/self/exe", d.self, sizeof(d.self) - 1);
	if (len <= 0) {
		log_error("cannot find sluice's own binary: %s", strerror(errno));
		return SL_EXIT_FAILURE;
	}
	d.self[len] = '\0';
	if (load_profiles(&d, profiles))
		return SL_EXIT_FAILURE;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	d.signal_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (d.signal_fd < 0 || listen_socket(&d))
		return SL_EXIT_FAILURE;
	log_info("sluice daemon: %zu session%s from %s; exec for users on %s", d.n,
		 d.n == 1 ? "" : "s", profiles, d.socket_path);
	ret = daemon_loop(&d);
	close(d.listener);
	unlink(d.socket_path);
	return ret ? SL_EXIT_FAILURE : 0;
}
