/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * stage.c - a helper's own namespaces and their init (see stage.h).  Owns the stage's setup,
 * the start and reaping of its helper, and serving socket requests in there; does not decide
 * when a helper starts or what it runs (helper.c and the hop_*.c files do).
 *
 * Theory of operation: the supervisor clones the init into new user, network and pid
 * namespaces.  The init ties its life to the supervisor (PDEATHSIG, then checks the channel),
 * keeps only fds 0-2 and its channel, maps the caller's ids to themselves, sets up the network
 * from the plan (sandbox_net.c, firewall.c: the sandbox's code), and sends its listeners with
 * CHANNEL_READY.  Then it waits on its channel and a signalfd: CHANNEL_HELPER_START forks the
 * helper (stdout and stderr to the log pipe it came with; without STAGE_START_INTERACTIVE in
 * a session of its own, with no terminal), CHANNEL_SOCKET_REQUEST is answered by ns.c, and a
 * helper's exit is reported with CHANNEL_HELPER_EXITED.  The helper holds no capability.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "channel.h"
#include "fds.h"
#include "host_sockets.h"
#include "log.h"
#include "mounts.h"
#include "ns.h"
#include "ns_clone.h"
#include "nsswitch.h"
#include "privileges.h"
#include "sandbox_net.h"
#include "stage.h"
#include "userns.h"

#define STAGE_MAPPED_TIMEOUT_MS 5000

/*
 * The helper's name lookups go to sluice's resolver (and so through the hops before it),
 * never to a daemon of the host (nscd, systemd-resolved) that would resolve around them:
 * the sandbox's treatment, in the stage's own mount namespace.
 */
static int names_by_dns(struct sl_err *err)
{
	static char nsswitch[NSSWITCH_TEXT_MAX];
	struct etc_file file = {"/etc/nsswitch.conf", nsswitch, 0};
	int ret = mounts_isolate(err);

	if (!ret)
		ret = host_sockets_names_by_dns(nsswitch, sizeof(nsswitch), err);
	if (ret <= 0)
		return ret;
	return mounts_replace_etc_files(&file, 1, err);
}

static int setup(const struct stage_spec *spec, int channel, int other_end, int factory,
		 struct sl_err *err)
{
	struct channel_msg mapped = {.type = CHANNEL_STAGE_MAPPED};
	struct pollfd pfd = {.fd = channel, .events = POLLIN};
	int keep[] = {0, 1, 2, channel, factory};
	int ret;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		return sl_err_set(err, errno, "cannot tie the %s stage to sluice's life",
				  spec->name);
	close(other_end);
	if (poll(&pfd, 1, 0) == 1 && (pfd.revents & (POLLHUP | POLLERR)))
		return sl_err_set(err, 0, "sluice's supervisor is gone");
	ret = fds_close_all_except(keep, sizeof(keep) / sizeof(keep[0]) - (factory < 0), err);
	if (!ret)
		ret = userns_write_maps(ID_MAP_SELF, spec->outer_uid, spec->outer_gid, err);
	if (!ret && (ret = channel_send(channel, &mapped, NULL, 0)))
		sl_err_set(err, -ret, "cannot report to the supervisor");
	if (!ret)
		ret = names_by_dns(err);
	if (!ret && spec->resolv_conf &&
	    mount(spec->resolv_conf, "/etc/resolv.conf", NULL, MS_BIND, NULL))
		ret =
		    sl_err_set(err, errno, "cannot mount %s over /etc/resolv.conf in the %s stage",
			       spec->resolv_conf, spec->name);
	if (!ret && spec->run_dir && mount(spec->run_dir, "/run", NULL, MS_BIND, NULL))
		ret = sl_err_set(err, errno, "cannot mount %s over /run in the %s stage",
				 spec->run_dir, spec->name);
	if (!ret)
		ret = sandbox_net_setup(&spec->plan, err);
	if (!ret)
		ret = sandbox_net_hand_over(&spec->plan, channel, err);
	return ret;
}

/* The helper's child: no capability, the caller's signal state, output to the log. */
static void __attribute__((noreturn))
exec_helper(const struct stage_spec *spec, int log_fd, bool interactive)
{
	char *const *argv;
	struct sl_err err;
	sigset_t none;

	sl_err_clear(&err);
	if (!interactive) {
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

		setsid(); /* no terminal: a helper that would prompt fails instead */
		if (null >= 0)
			dup2(null, 0);
	}
	dup2(log_fd, 1);
	dup2(log_fd, 2);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	signals_restore_original(spec->original_signals);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (spec->keep_net_admin ? privileges_keep_net_admin(&err) : privileges_drop_all(&err)) {
		dprintf(2, "sluice: %s\n", err.msg);
		_exit(126);
	}
	argv = spec->argv[interactive];
	if (spec->before_exec)
		argv = spec->before_exec(argv);
	execvp(argv[0], argv);
	dprintf(2, "sluice: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static pid_t start_helper(const struct stage_spec *spec, int channel, int signal_fd, int log_fd,
			  bool interactive)
{
	struct channel_msg started = {.type = CHANNEL_HELPER_STARTED};
	pid_t pid = fork();
	int pidfd;

	if (pid == 0) {
		close(channel);
		close(signal_fd);
		exec_helper(spec, log_fd, interactive);
	}
	if (pid < 0) {
		struct channel_msg exited = {.type = CHANNEL_HELPER_EXITED};

		dprintf(log_fd, "sluice: cannot start %s: %s\n", spec->name, strerror(errno));
		exited.value = 127 << 8;
		channel_send(channel, &exited, NULL, 0);
		return -1;
	}
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	started.value = pid;
	channel_send(channel, &started, pidfd >= 0 ? &pidfd : NULL, pidfd >= 0 ? 1 : 0);
	if (pidfd >= 0)
		close(pidfd);
	return pid;
}

static void reap(int channel, pid_t *helper)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		struct channel_msg exited = {.type = CHANNEL_HELPER_EXITED};

		if (pid != *helper)
			continue; /* an orphan of the helper's */
		*helper = -1;
		exited.value = status;
		channel_send(channel, &exited, NULL, 0);
	}
}

static void __attribute__((noreturn))
stage_init_main(const struct stage_spec *spec, int channel, int other_end, int factory)
{
	struct sl_err err;
	sigset_t chld;
	pid_t helper = -1;
	int signal_fd;

	sl_err_clear(&err);
	if (setup(spec, channel, other_end, factory, &err)) {
		channel_send_error(channel, &err);
		_exit(SL_EXIT_FAILURE);
	}
	sigemptyset(&chld);
	signal_fd = signals_block_for_signalfd(&chld);
	if (signal_fd < 0)
		_exit(SL_EXIT_FAILURE);
	for (;;) {
		struct pollfd pfd[3] = {{.fd = channel, .events = POLLIN},
					{.fd = signal_fd, .events = POLLIN},
					{.fd = factory, .events = POLLIN}};
		struct signalfd_siginfo si;

		if (poll(pfd, factory >= 0 ? 3 : 2, -1) < 0 && errno != EINTR)
			_exit(SL_EXIT_FAILURE);
		if (factory >= 0 && (pfd[2].revents & POLLIN)) {
			struct channel_msg msg;
			int fds[CHANNEL_MAX_FDS];
			size_t n_fds = 0;

			if (channel_recv(factory, &msg, fds, &n_fds) <= 0)
				_exit(SL_EXIT_FAILURE);
			while (n_fds)
				close(fds[--n_fds]);
			if (msg.type == CHANNEL_SOCKET_REQUEST)
				ns_answer_request(factory, &msg);
		}
		if (pfd[0].revents & POLLIN) {
			struct channel_msg msg;
			int fds[CHANNEL_MAX_FDS];
			size_t n_fds;

			if (channel_recv(channel, &msg, fds, &n_fds) <= 0)
				_exit(SL_EXIT_FAILURE); /* the supervisor is gone */
			if (msg.type == CHANNEL_HELPER_START && n_fds && helper < 0)
				helper = start_helper(spec, channel, signal_fd, fds[0],
						      msg.value & STAGE_START_INTERACTIVE);
			else if (msg.type == CHANNEL_SOCKET_REQUEST)
				ns_answer_request(channel, &msg);
			while (n_fds)
				close(fds[--n_fds]);
		} else if (pfd[0].revents & (POLLHUP | POLLERR)) {
			_exit(SL_EXIT_FAILURE);
		}
		while (read(signal_fd, &si, sizeof(si)) == sizeof(si))
			;
		reap(channel, &helper);
	}
}

/* Its init is ours and dumpable: /proc/PID/ns/ opens without further rights. */
static int open_namespace(pid_t pid, const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, name);
	return open(path, O_RDONLY | O_CLOEXEC);
}

/*
 * Until its init has written the id maps, a stage's user namespace can hold no other: a
 * namespace nested in it (a transit stage, the sandbox behind a tunnel) would be refused
 * with EPERM.  So stage_create() returns once they are written, or with the init's error.
 */
static int wait_mapped(struct stage *stage, const char *name, struct sl_err *err)
{
	struct pollfd pfd = {.fd = stage->channel, .events = POLLIN};
	int fds[CHANNEL_MAX_FDS], ret;
	struct channel_msg msg;
	size_t n_fds = 0;

	ret = poll(&pfd, 1, STAGE_MAPPED_TIMEOUT_MS);
	if (ret == 1)
		ret = channel_recv(stage->channel, &msg, fds, &n_fds);
	while (n_fds)
		close(fds[--n_fds]);
	if (ret == 1 && msg.type == CHANNEL_STAGE_MAPPED)
		return 0;
	if (ret == 1 && msg.type == CHANNEL_SETUP_FAILED) {
		msg.text[sizeof(msg.text) - 1] = '\0';
		sl_err_set(err, msg.errnum, "%s", msg.text);
		err->exit_code = msg.exit_code;
		return -1;
	}
	return sl_err_set(err, 0, "the %s stage did not start within %d ms", name,
			  STAGE_MAPPED_TIMEOUT_MS);
}

int stage_create(struct stage *stage, const struct stage_spec *spec, struct sl_err *err)
{
	struct clone_args args = {0};
	int pair[2], factory[2] = {-1, -1}, pidfd = -1, ret;
	pid_t pid;

	stage->pid = -1;
	stage->pidfd = stage->channel = stage->userns = stage->netns = stage->factory = -1;
	ret = channel_pair(pair, err);
	if (ret)
		return ret;
	if (spec->factory && (ret = channel_pair(factory, err))) {
		close(pair[0]);
		close(pair[1]);
		return ret;
	}
	args.flags = CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWPID | CLONE_PIDFD;
	args.pidfd = (uint64_t)(uintptr_t)&pidfd;
	args.exit_signal = SIGCHLD;
	pid = ns_clone3_in(spec->parent_userns, &args);
	if (pid == 0) {
		if (factory[0] >= 0)
			close(factory[0]);
		stage_init_main(spec, pair[1], pair[0], factory[1]);
	}
	close(pair[1]);
	if (factory[1] >= 0)
		close(factory[1]);
	if (pid < 0) {
		int e = errno;

		close(pair[0]);
		if (factory[0] >= 0)
			close(factory[0]);
		return sl_err_set(err, e, "cannot create the namespaces of the %s stage",
				  spec->name);
	}
	stage->pid = pid;
	stage->pidfd = pidfd;
	stage->channel = pair[0];
	stage->factory = factory[0];
	if (wait_mapped(stage, spec->name, err)) {
		stage_destroy(stage);
		return -1;
	}
	stage->userns = open_namespace(pid, "user");
	stage->netns = open_namespace(pid, "net");
	fcntl(stage->channel, F_SETFL, O_NONBLOCK);
	log_debug("%s stage: init is pid %d", spec->name, (int)pid);
	return 0;
}

void stage_destroy(struct stage *stage)
{
	siginfo_t info;

	if (stage->pidfd >= 0) {
		syscall(SYS_pidfd_send_signal, stage->pidfd, SIGKILL, NULL, 0);
		waitid((idtype_t)P_PIDFD, (id_t)stage->pidfd, &info, WEXITED);
		close(stage->pidfd);
	}
	if (stage->channel >= 0)
		close(stage->channel);
	if (stage->userns >= 0)
		close(stage->userns);
	if (stage->netns >= 0)
		close(stage->netns);
	if (stage->factory >= 0)
		close(stage->factory);
	stage->pidfd = stage->channel = stage->userns = stage->netns = stage->factory = -1;
	stage->pid = -1;
}
