/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * program.c - the pre-exec child of the sandbox init (see program.h).  Owns the order of the
 * final steps: everything that needs a capability or sluice's fds comes before the drop, and
 * the drop comes before exec.  Does not set up namespaces.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/close_range.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "channel.h"
#include "identity.h"
#include "landlock.h"
#include "log.h"
#include "privileges.h"
#include "program.h"
#include "socket_trap.h"
#include "syscall_filter.h"
#include "terminal.h"

int program_exec_exit_code(int errnum)
{
	return errnum == ENOENT || errnum == ENOTDIR ? SL_EXIT_NOT_FOUND : SL_EXIT_CANNOT_EXEC;
}

int program_exec_error(char *buf, size_t cap, const char *name, int errnum)
{
	int n;

	if ((errnum == ENOENT || errnum == ENOTDIR) && !strchr(name, '/'))
		n = snprintf(buf, cap, "%s: command not found", name);
	else if (errnum == EACCES)
		n = snprintf(buf, cap,
			     "%s: permission denied (not executable, or on a noexec mount)", name);
	else if (errnum == ENOEXEC)
		n = snprintf(buf, cap, "%s: cannot execute: not a program this system can run",
			     name);
	else
		n = snprintf(buf, cap, "%s: cannot execute: %s", name, strerror(errnum));
	return n < 0 ? 0 : n;
}

static bool fd_is_passed(const struct program_spec *spec, int fd)
{
	size_t i;

	for (i = 0; i < spec->n_pass_fds; i++)
		if (spec->pass_fds[i] == fd)
			return true;
	return false;
}

/* Without close_range(CLOSE_RANGE_CLOEXEC) (Linux < 5.11): walk /proc/self/fd. */
static int cloexec_from_3_slow(void)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *entry;

	if (!dir)
		return -errno;
	while ((entry = readdir(dir))) {
		int fd = atoi(entry->d_name);

		if (fd > 2 && fd != dirfd(dir))
			fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
	closedir(dir);
	return 0;
}

/*
 * Every fd >= 3 becomes close-on-exec, then the --pass-fd ones lose the flag.  Marking rather
 * than closing keeps the channel usable to report a failed exec.
 */
static int keep_only_intended_fds(const struct program_spec *spec, struct sl_err *err)
{
	size_t i;
	int fd;

	if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) && cloexec_from_3_slow())
		return sl_err_set(err, errno, "cannot close sluice's file descriptors");
	for (i = 0; i < spec->n_pass_fds; i++) {
		if (fcntl(spec->pass_fds[i], F_SETFD, 0))
			return sl_err_set(err, errno, "--pass-fd %d", spec->pass_fds[i]);
	}
	for (fd = 0; fd < 3; fd++) {
		if (spec->std_was_closed[fd] && !fd_is_passed(spec, fd))
			close(fd);
	}
	return 0;
}

/*
 * execvp() says EACCES when some directory of PATH could not be searched, even if the program
 * is in none of them: common in root mode, where root's PATH (/root/bin...) meets the
 * program's unprivileged user.  Is there a file of that name where this user can see it?
 */
static bool found_in_path(const char *name)
{
	if (strchr(name, '/'))
		return true; /* not searched: the EACCES is about this very file */
	return program_on_path(name, F_OK);
}

bool program_on_path(const char *name, int mode)
{
	const char *path = getenv("PATH"), *dir, *end;
	char candidate[PATH_MAX];

	if (strchr(name, '/'))
		return false;
	if (!path)
		path = "/bin:/usr/bin";
	for (dir = path; *dir; dir = *end ? end + 1 : end) {
		int dir_len;

		end = strchrnul(dir, ':');
		dir_len = (int)(end - dir);
		if (snprintf(candidate, sizeof(candidate), "%.*s/%s", dir_len, dir_len ? dir : ".",
			     name) < (int)sizeof(candidate) &&
		    access(candidate, mode) == 0)
			return true;
	}
	return false;
}

void program_spec_of_sandbox(const struct sandbox_config *config, struct program_spec *spec)
{
	const struct run_options *run = config->run;

	memset(spec, 0, sizeof(*spec));
	spec->argv = run->argv;
	spec->pass_fds = run->pass_fds;
	spec->n_pass_fds = run->n_pass_fds;
	spec->environment = run->environment;
	spec->n_environment = run->n_environment;
	spec->tty_fd = config->tty_fd;
	spec->tty_foreground = config->tty_foreground;
	memcpy(spec->std_was_closed, config->std_was_closed, sizeof(spec->std_was_closed));
	spec->userns = config->userns;
	spec->program_user = &config->program_user;
	spec->original_signals = &config->original_signals;
	spec->original_nofile = &config->original_nofile;
	spec->report = config->channel;
	spec->fast_path = run->fast_path;
}

/*
 * --fast-path: restricts this process as fast_path.h expects and sends the filter's listener
 * to the supervisor, with what it needs to know of the sandbox.  Last before exec: every
 * socket call after it waits for the supervisor.
 */
static int start_fast_path(const struct program_spec *spec, struct sl_err *err)
{
	struct channel_msg msg = {.type = CHANNEL_FAST_PATH, .value = 1024};
	socklen_t len = sizeof(msg.netns_cookie);
	char text[16] = "";
	int fd, listener;

	fd = open("/proc/sys/net/ipv4/ip_unprivileged_port_start", O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && read(fd, text, sizeof(text) - 1) > 0)
		msg.value = atoi(text);
	if (fd >= 0)
		close(fd);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &msg.netns_cookie, &len)) {
		if (fd >= 0)
			close(fd);
		return sl_err_set(err, errno, "cannot learn the sandbox's network namespace");
	}
	close(fd);
	if (landlock_refuse_tcp(err))
		return -1;
	listener = socket_trap_install(err);
	if (listener < 0)
		return listener;
	if (channel_send(spec->report, &msg, &listener, 1)) {
		close(listener);
		return sl_err_set(err, EPIPE, "cannot hand the fast path to the supervisor");
	}
	close(listener);
	return 0;
}

/* The caller's directory when it exists inside (`sluice exec`); the session's otherwise. */
static void enter_directory(const struct program_spec *spec)
{
	const char *home;

	if (!spec->cwd || !chdir(spec->cwd))
		return;
	home = getenv("HOME");
	if (!home || chdir(home))
		(void)!chdir("/");
}

void program_exec(const struct program_spec *spec)
{
	struct channel_msg msg = {.type = CHANNEL_EXEC_FAILED};
	struct sl_err err;
	size_t i;
	int errnum;

	sl_err_clear(&err);
	/* A session leader (a program on a terminal of its own) leads its group already. */
	if (getsid(0) != getpid() && setpgid(0, 0)) {
		sl_err_set(&err, errno, "cannot give the program its own process group");
		goto fail;
	}
	if (spec->tty_fd >= 0 && spec->tty_foreground)
		terminal_set_foreground(spec->tty_fd, getpid());

	if (keep_only_intended_fds(spec, &err))
		goto fail;
	/* Root mode: never the host's uid 0 (identity.h).  Before the drop, which needs the
	 * capabilities the switch keeps or the new user namespace gives. */
	if (!spec->userns) {
		if (identity_assume(spec->program_user, &err))
			goto fail;
		identity_environment(spec->program_user);
	}
	enter_directory(spec);
	for (i = 0; i < spec->n_unset; i++)
		unsetenv(spec->unset[i]);
	/* The profile's additions win over the inherited ones and over HOME/USER above.  This
	 * process execs or exits: putenv() keeping the pointer is what we want. */
	for (i = 0; i < spec->n_environment; i++)
		if (putenv(spec->environment[i])) {
			sl_err_set(&err, errno, "cannot add a variable to the environment");
			goto fail;
		}
	if (privileges_drop_all(&err) || syscall_filter_install(&err))
		goto fail;
	if (spec->fast_path && start_fast_path(spec, &err))
		goto fail;
	signals_restore_original(spec->original_signals);
	if (spec->original_nofile)
		setrlimit(RLIMIT_NOFILE, spec->original_nofile);

	execvp(spec->argv[0], spec->argv);

	errnum = errno;
	if (errnum == EACCES && !found_in_path(spec->argv[0]))
		errnum = ENOENT;
	msg.errnum = errnum;
	snprintf(msg.text, sizeof(msg.text), "%s", spec->argv[0]);
	channel_send(spec->report, &msg, NULL, 0);
	_exit(program_exec_exit_code(errnum));

fail:
	sl_err_wrap(&err, "preparing the program");
	channel_send_error(spec->report, &err);
	_exit(SL_EXIT_FAILURE);
}
