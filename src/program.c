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
#include <sys/syscall.h>
#include <unistd.h>

#include "channel.h"
#include "identity.h"
#include "log.h"
#include "privileges.h"
#include "program.h"
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

static bool fd_is_passed(const struct run_options *run, int fd)
{
	size_t i;

	for (i = 0; i < run->n_pass_fds; i++)
		if (run->pass_fds[i] == fd)
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
static int keep_only_intended_fds(const struct sandbox_config *config, struct sl_err *err)
{
	const struct run_options *run = config->run;
	size_t i;
	int fd;

	if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) && cloexec_from_3_slow())
		return sl_err_set(err, errno, "cannot close sluice's file descriptors");
	for (i = 0; i < run->n_pass_fds; i++) {
		if (fcntl(run->pass_fds[i], F_SETFD, 0))
			return sl_err_set(err, errno, "--pass-fd %d", run->pass_fds[i]);
	}
	for (fd = 0; fd < 3; fd++) {
		if (config->std_was_closed[fd] && !fd_is_passed(run, fd))
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

void program_exec(const struct sandbox_config *config)
{
	const struct run_options *run = config->run;
	struct channel_msg msg = {.type = CHANNEL_EXEC_FAILED};
	struct sl_err err;
	size_t i;
	int errnum;

	sl_err_clear(&err);
	if (setpgid(0, 0)) {
		sl_err_set(&err, errno, "cannot give the program its own process group");
		goto fail;
	}
	if (config->tty_fd >= 0 && config->tty_foreground)
		terminal_set_foreground(config->tty_fd, getpid());

	if (keep_only_intended_fds(config, &err))
		goto fail;
	/* Root mode: never the host's uid 0 (identity.h).  Before the drop, which needs the
	 * capabilities the switch keeps or the new user namespace gives. */
	if (!config->userns) {
		if (identity_assume(&config->program_user, &err))
			goto fail;
		identity_environment(&config->program_user);
	}
	/* The profile's additions win over the inherited ones and over HOME/USER above.  This
	 * process execs or exits: putenv() keeping the pointer is what we want. */
	for (i = 0; i < run->n_environment; i++)
		if (putenv(run->environment[i])) {
			sl_err_set(&err, errno, "cannot add a variable to the environment");
			goto fail;
		}
	if (privileges_drop_all(&err) || syscall_filter_install(&err))
		goto fail;
	signals_restore_original(&config->original_signals);
	setrlimit(RLIMIT_NOFILE, &config->original_nofile);

	execvp(run->argv[0], run->argv);

	errnum = errno;
	if (errnum == EACCES && !found_in_path(run->argv[0]))
		errnum = ENOENT;
	msg.errnum = errnum;
	snprintf(msg.text, sizeof(msg.text), "%s", run->argv[0]);
	channel_send(config->channel, &msg, NULL, 0);
	_exit(program_exec_exit_code(errnum));

fail:
	sl_err_wrap(&err, "preparing the program");
	channel_send_error(config->channel, &err);
	_exit(SL_EXIT_FAILURE);
}
