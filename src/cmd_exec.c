/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * cmd_exec.c - `sluice exec NAME -- PROGRAM [ARGS...]` and `sluice shell NAME`: a program
 * started in a running session, as its first program was.
 *
 * Theory of operation
 *
 *   The session's supervisor hands over its sandbox's namespaces ("join", control.h); this
 *   process enters them (the user namespace first, rootless: we own it, so we hold every
 *   capability in it) and forks the program, which is then inside all of them, pid namespace
 *   included.  The program gets program.c's treatment, the very code the first program got:
 *   its own process group and the terminal's foreground, fds closed, root mode's identity,
 *   the profile's environment, capabilities dropped, no_new_privs, the seccomp filter.  Its
 *   pidfd goes to the supervisor ("started"): the session lives while it runs.
 *
 *   We stay its parent, outside the sandbox's pid namespace (nothing inside can see or signal
 *   us), so the caller's terminal, job control and exit status work as for `sluice run`:
 *   signals sent to us go to the program's group, a stop of the program stops us for the
 *   caller's shell, and we exit with its status.  `exec` as root joins root's sessions only
 *   (the supervisor checks the peer's uid).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "channel.h"
#include "cli.h"
#include "cmd.h"
#include "control.h"
#include "fds.h"
#include "identity.h"
#include "log.h"
#include "program.h"
#include "secret_env.h"
#include "session_client.h"
#include "session_join.h"
#include "signals.h"
#include "terminal.h"

struct exec_state {
	struct terminal terminal;
	struct signal_state original_signals;
	struct session_join sj;
	bool std_was_closed[3];
	int signal_fd;
	int report[2]; /* the program's child tells a failed exec here */
	pid_t pid;
	int pidfd;
	int fast_path_listener; /* --fast-path session: the program's, for "started" */
	bool stopped_with_program;
};

static int usage(const char *command)
{
	if (!strcmp(command, "shell"))
		log_error("usage: sluice shell NAME");
	else
		log_error("usage: sluice exec NAME [--] PROGRAM [ARGS...]");
	return SL_EXIT_FAILURE;
}

static int start_program(struct exec_state *st, char *const *argv, const char *cwd,
			 struct sl_err *err)
{
	struct clone_args args = {0};
	int pidfd = -1;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, st->report))
		return sl_err_set(err, errno, "cannot create a socketpair");
	args.flags = CLONE_PIDFD;
	args.pidfd = (uint64_t)(uintptr_t)&pidfd;
	args.exit_signal = SIGCHLD;
	pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0)
		return sl_err_set(err, errno, "cannot start the program");
	if (pid == 0) {
		struct program_spec spec = {
		    .argv = argv,
		    .cwd = cwd,
		    .environment = st->sj.join.environment,
		    .n_environment = st->sj.join.n_environment,
		    .unset = st->sj.join.unset,
		    .n_unset = st->sj.join.n_unset,
		    .tty_fd = st->terminal.fd,
		    .tty_foreground = st->terminal.foreground,
		    .userns = st->sj.userns,
		    .program_user = &st->sj.program_user,
		    .original_signals = &st->original_signals,
		    .report = st->report[1],
		    .fast_path = st->sj.join.fast_path,
		};

		memcpy(spec.std_was_closed, st->std_was_closed, sizeof(spec.std_was_closed));
		program_exec(&spec);
	}
	close(st->report[1]);
	st->report[1] = -1;
	st->pid = pid;
	st->pidfd = pidfd;
	return 0;
}

/* The session counts the program from now on (and serves its fast path). */
static int register_program(struct exec_state *st, struct sl_err *err)
{
	static char reply[CONTROL_MSG_MAX + 1];
	struct control_request req = {.op = CONTROL_STARTED, .pid = st->pid};
	int fds[2] = {st->pidfd, st->fast_path_listener};

	if (session_client_request(st->sj.control, &req, fds, st->fast_path_listener >= 0 ? 2 : 1,
				   reply, NULL, NULL, err) < 0)
		return sl_err_wrap(err, "telling the session about the program");
	return 0;
}

static void on_signals(struct exec_state *st)
{
	struct signalfd_siginfo si;

	while (read(st->signal_fd, &si, sizeof(si)) == sizeof(si)) {
		int sig = (int)si.ssi_signo;

		if (sig == SIGCHLD)
			continue;
		if (sig == SIGCONT && st->stopped_with_program) {
			st->stopped_with_program = false;
			terminal_program_continued(&st->terminal);
		}
		if (kill(-st->pid, sig) && errno == ESRCH)
			kill(st->pid, sig);
	}
}

/* Until the program ends: its stops mirrored, signals passed on.  Returns its wait status. */
static int wait_program(struct exec_state *st)
{
	for (;;) {
		struct pollfd pfd = {.fd = st->signal_fd, .events = POLLIN};
		int status;
		pid_t pid;

		while ((pid = waitpid(st->pid, &status, WNOHANG | WUNTRACED)) == st->pid) {
			if (!WIFSTOPPED(status))
				return status;
			if (st->terminal.fd >= 0 && st->terminal.foreground) {
				terminal_program_stopped(&st->terminal);
				st->stopped_with_program = true;
				kill(getpid(), SIGSTOP);
			}
		}
		if (pid < 0)
			return -1;
		if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
			return -1;
		on_signals(st);
	}
}

/* @msg from the program's child: a failed exec or setup? */
static int failure_told(const struct channel_msg *msg, struct sl_err *err)
{
	if (msg->type == CHANNEL_EXEC_FAILED) {
		program_exec_error(err->msg, sizeof(err->msg), msg->text, msg->errnum);
		err->errnum = msg->errnum;
		err->exit_code = program_exec_exit_code(msg->errnum);
		return -1;
	}
	if (msg->type == CHANNEL_SETUP_FAILED) {
		memcpy(err->msg, msg->text, sizeof(err->msg));
		err->exit_code = SL_EXIT_FAILURE;
		return -1;
	}
	return 0;
}

/*
 * A --fast-path session: the program's child restricts itself and sends its filter's
 * listener (program.c) before it execs; every socket call of the program then waits until
 * the session serves it.
 */
static int receive_fast_path_listener(struct exec_state *st, struct sl_err *err)
{
	struct pollfd pfd = {.fd = st->report[0], .events = POLLIN};
	struct channel_msg msg;
	int fds[CHANNEL_MAX_FDS];
	size_t n_fds = 0;

	if (poll(&pfd, 1, 30000) != 1) /* signals wait in the signalfd: no EINTR */
		return sl_err_set(err, ETIMEDOUT, "the program did not start its fast path");
	if (channel_recv_nonblocking(st->report[0], &msg, fds, &n_fds) != 1)
		return sl_err_set(err, EPIPE, "the program ended before its fast path started");
	if (msg.type == CHANNEL_FAST_PATH && n_fds == 1) {
		st->fast_path_listener = fds[0];
		return 0;
	}
	while (n_fds)
		close(fds[--n_fds]);
	if (failure_told(&msg, err))
		return -1;
	return sl_err_set(err, EPROTO, "the program did not start its fast path");
}

/* A failed exec or setup, told by the program's child. */
static int program_failure(struct exec_state *st, struct sl_err *err)
{
	struct channel_msg msg;
	int fds[CHANNEL_MAX_FDS];
	size_t n_fds;

	if (channel_recv_nonblocking(st->report[0], &msg, fds, &n_fds) != 1)
		return 0;
	while (n_fds)
		close(fds[--n_fds]);
	return failure_told(&msg, err);
}

static int exec_in_session(const char *name, char *const *argv, struct sl_err *err)
{
	struct exec_state st = {.terminal = {.fd = -1},
				.signal_fd = -1,
				.report = {-1, -1},
				.pidfd = -1,
				.fast_path_listener = -1};
	char cwd_buf[PATH_MAX], *cwd;
	sigset_t forwarded;
	int ret, status = -1;
	size_t i;

	fds_occupy_closed_std(st.std_was_closed);
	cwd = getcwd(cwd_buf, sizeof(cwd_buf));
	ret = session_join_ask(&st.sj, name, SESSION_JOIN_WAIT_S, SESSION_JOIN_FAST_PATH, err);
	if (ret)
		goto out;
	signals_save_original(&st.original_signals);
	signals_forwarded(&forwarded);
	st.signal_fd = signals_block_for_signalfd(&forwarded);
	if (st.signal_fd < 0) {
		ret = sl_err_set(err, -st.signal_fd, "cannot create a signalfd");
		goto out;
	}
	terminal_open(&st.terminal);
	/* Nothing in the sandbox may read our memory or fds once we are in its namespaces.
	 * Not before: the supervisor reads our namespaces to check us when we connect. */
	prctl(PR_SET_DUMPABLE, 0);
	ret = session_join_enter(&st.sj, 0, err);
	if (!ret)
		ret = start_program(&st, argv, cwd, err);
	if (!ret && st.sj.join.fast_path)
		ret = receive_fast_path_listener(&st, err);
	if (!ret)
		ret = register_program(&st, err);
	if (ret) {
		if (st.pidfd >= 0)
			syscall(SYS_pidfd_send_signal, st.pidfd, SIGKILL, NULL, 0);
		if (st.pid > 0)
			waitpid(st.pid, NULL, 0);
		goto out;
	}
	close(st.sj.control); /* the session watches the pidfd now */
	st.sj.control = -1;
	if (st.fast_path_listener >= 0) /* the session's now: nothing here may read the calls */
		close(st.fast_path_listener);
	st.fast_path_listener = -1;
	status = wait_program(&st);
	if (program_failure(&st, err))
		ret = -1;
	else if (status < 0)
		ret = sl_err_set(err, errno, "cannot wait for the program");
	else
		ret = WIFSIGNALED(status) ? SL_EXIT_SIGNAL_BASE + WTERMSIG(status)
					  : WEXITSTATUS(status);
out:
	terminal_restore(&st.terminal);
	session_join_close(&st.sj);
	if (st.pidfd >= 0)
		close(st.pidfd);
	if (st.fast_path_listener >= 0)
		close(st.fast_path_listener);
	for (i = 0; i < 2; i++)
		if (st.report[i] >= 0)
			close(st.report[i]);
	if (st.signal_fd >= 0)
		close(st.signal_fd);
	return ret;
}

/*
 * A root session of `sluice daemon` (cmd_daemon.c), for a user who cannot join it: the
 * daemon starts the program as us, on our fds 0-2.  Signals sent to us are passed on (Ctrl-C
 * reaches us: the program is not in the terminal's foreground).
 * Return: its exit code; -1 with @err filled; -ENOENT when there is no daemon to ask.
 */
static int exec_through_daemon(const char *name, char *const *argv, struct sl_err *err)
{
	static char buf[CONTROL_MSG_MAX + 1];
	extern char **environ;
	const char *path = getenv("SLUICE_DAEMON_SOCKET");
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	struct control_request req = {.op = CONTROL_SPAWN, .argv = (char **)argv, .env = environ};
	int stdio[3] = {0, 1, 2}, fd, signal_fd, code = -1;
	struct termios saved;
	struct winsize ws = {0};
	bool raw_mode = false;
	char cwd[PATH_MAX];
	sigset_t set;
	ssize_t n;

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path ? path : "/run/sluice.sock");
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		if (fd >= 0)
			close(fd);
		return -ENOENT;
	}
	snprintf(req.session, sizeof(req.session), "%s", name);
	req.cwd = getcwd(cwd, sizeof(cwd)) ? cwd : "/";
	/* On a terminal: the program gets a pty of its size; ours is raw meanwhile, so every
	 * key (Ctrl-C, Ctrl-Z too) reaches the pty, whose line discipline acts on it. */
	if (isatty(0) && !tcgetattr(0, &saved) && !ioctl(0, TIOCGWINSZ, &ws) && ws.ws_row) {
		struct termios raw = saved;

		req.rows = ws.ws_row;
		req.cols = ws.ws_col;
		cfmakeraw(&raw);
		raw_mode = !tcsetattr(0, TCSADRAIN, &raw);
	}
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	sigaddset(&set, SIGWINCH);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	n = session_client_request(fd, &req, stdio, 3, buf, NULL, NULL, err);
	while (n >= 0 && signal_fd >= 0) {
		struct pollfd pfd[2] = {{.fd = fd, .events = POLLIN},
					{.fd = signal_fd, .events = POLLIN}};
		struct signalfd_siginfo si;
		int fds[CHANNEL_MAX_FDS];
		size_t n_fds = 0;

		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			break;
		while (read(signal_fd, &si, sizeof(si)) == sizeof(si)) {
			struct control_request sig = {.op = CONTROL_SIGNAL,
						      .sig = (int)si.ssi_signo};
			char text[128];
			int len;

			if (si.ssi_signo == SIGWINCH) {
				if (ioctl(0, TIOCGWINSZ, &ws) || !ws.ws_row)
					continue;
				sig.op = CONTROL_RESIZE;
				sig.rows = ws.ws_row;
				sig.cols = ws.ws_col;
			}
			len = control_request_format(&sig, text, sizeof(text));
			if (len > 0)
				channel_send_bytes(fd, text, (size_t)len, NULL, 0);
		}
		if (!pfd[0].revents)
			continue;
		n = channel_recv_bytes(fd, buf, CONTROL_MSG_MAX, fds, &n_fds, 0);
		while (n_fds)
			close(fds[--n_fds]);
		if (n <= 0 || control_exit_parse(buf, (size_t)n, &code) == 0)
			break;
	}
	close(fd);
	if (signal_fd >= 0)
		close(signal_fd);
	if (raw_mode)
		tcsetattr(0, TCSADRAIN, &saved);
	if (n >= 0 && code < 0)
		return sl_err_set(err, 0, "sluice daemon ended the program without its status");
	return n < 0 ? sl_err_wrap(err, "session '%s' (through sluice daemon)", name) : code;
}

static int run_exec(const char *name, char *const *argv)
{
	struct sl_err err;
	int ret;

	sl_err_clear(&err);
	secret_env_scrub(); /* as for `run`: the program never inherits SLUICE_PASSWORD* */
	ret = exec_in_session(name, argv, &err);
	if (ret < 0 && err.errnum == ENOENT) {
		/* No session of ours by that name: one of sluice daemon's, maybe. */
		struct sl_err through;
		int via;

		sl_err_clear(&through);
		via = exec_through_daemon(name, argv, &through);

		if (via != -ENOENT) {
			ret = via;
			err = through;
		}
	}
	if (ret < 0) {
		log_error("%s", err.msg);
		ret = err.exit_code ? err.exit_code : SL_EXIT_FAILURE;
	}
	/*
	 * Once inside the session's namespaces, end without exit handlers: nothing of ours is
	 * left to flush, and a leak checker's exit-time ptrace of ourselves (ASan builds) cannot
	 * work in a process that made itself non-dumpable in another user namespace.
	 */
	fflush(NULL);
	_exit(ret);
}

int cmd_exec_main(int argc, char *argv[], enum log_level level)
{
	int i = 1;

	for (; i < argc && cli_verbosity(argv[i], &level); i++)
		;
	log_set_level(level);
	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	if (i >= argc || argv[i][0] == '-')
		return usage("exec");
	if (i + 1 < argc && !strcmp(argv[i + 1], "--"))
		return i + 2 < argc ? run_exec(argv[i], argv + i + 2) : usage("exec");
	return i + 1 < argc ? run_exec(argv[i], argv + i + 1) : usage("exec");
}

int cmd_shell_main(int argc, char *argv[], enum log_level level)
{
	const char *shell = getenv("SHELL");
	char *shell_argv[2];
	int i = 1;

	for (; i < argc && cli_verbosity(argv[i], &level); i++)
		;
	log_set_level(level);
	if (i + 1 != argc || argv[i][0] == '-')
		return usage("shell");
	shell_argv[0] = (char *)(shell && shell[0] == '/' ? shell : "/bin/sh");
	shell_argv[1] = NULL;
	return run_exec(argv[i], shell_argv);
}
