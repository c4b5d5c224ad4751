/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * sandbox_init.c - pid 1 of the sandbox.  Owns the setup steps inside the new namespaces, the
 * start of the program, reaping, and passing signals on.  Does not touch anything outside
 * the sandbox: the supervisor does that.
 *
 * Theory of operation
 *
 *   1. Tie our life to the supervisor: PDEATHSIG=SIGKILL, then check the supervisor is still
 *      there (its end of the channel not hung up).  When pid 1 dies, the kernel kills every
 *      process of the pid namespace, and the namespaces go with the last of them: a SIGKILL
 *      of sluice leaves nothing behind.  Then close every fd the init does not need.
 *   2. Rootless: write our own uid/gid maps.
 *   3. Mounts (slave propagation, fresh /proc, the host's name-service sockets hidden,
 *      sluice's resolv.conf, hosts and nsswitch.conf), host name,
 *      the network (sandbox_net.c: loopback, the internal link, routes, the firewall).
 *   4. The relay's listeners, made here in the sandbox's netns, go to the supervisor with
 *      CHANNEL_READY; behind a tunnel hop (NET_TUNNEL) the init then waits for
 *      CHANNEL_TUNNEL_READY: the supervisor has moved the tunnel's device in (tunnel.h).  The
 *      init makes itself non-dumpable, then forks the program (program.c).
 *   5. Loop on a signalfd: forwarded signals go to the program's process group; SIGCHLD reaps
 *      every child (orphans included).  A stop of the program is reported (the supervisor
 *      mirrors it for the user's shell); so is its exit.  The supervisor decides when the
 *      session ends (programs `sluice exec` started may still run) and says CHANNEL_END; on
 *      CHANNEL_TERMINATE every process in the sandbox gets SIGTERM (`sluice stop`).
 *
 * The namespaces' fds go to the supervisor with CHANNEL_NAMESPACES before CHANNEL_READY:
 * `sluice exec` joins them (session_server.c).  Opening them from outside would need the
 * init to be dumpable.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "channel.h"
#include "fds.h"
#include "host_sockets.h"
#include "log.h"
#include "mounts.h"
#include "ns.h"
#include "nsswitch.h"
#include "program.h"
#include "sandbox.h"
#include "sandbox_net.h"
#include "userns.h"

static int supervisor_still_there(const struct sandbox_config *config, struct sl_err *err)
{
	struct pollfd pfd = {.fd = config->channel, .events = POLLIN};

	if (poll(&pfd, 1, 0) == 1 && (pfd.revents & (POLLHUP | POLLERR)))
		return sl_err_set(err, 0, "sluice's supervisor is gone");
	return 0;
}

/*
 * The init is a copy of the supervisor: it holds the caller's fds (host-netns sockets among
 * them) and the supervisor's.  Keep only 0-2, the channel, the terminal and the --pass-fd fds
 * the program inherits; the listeners are made later.
 */
static int keep_only_init_fds(const struct sandbox_config *config, struct sl_err *err)
{
	int keep[6 + CLI_MAX_PASS_FDS] = {
	    0, 1, 2, config->channel, config->tty_fd, config->factory};
	size_t n = 6, i;

	for (i = 0; i < config->run->n_pass_fds; i++)
		keep[n++] = config->run->pass_fds[i];
	return fds_close_all_except(keep, n, err);
}

/*
 * The sessions' control sockets (this one's would let the program start programs outside
 * its treatment, another's reach another sandbox) and the helpers' directories: tor's and
 * ssh's SOCKS sockets, tor's control port and its cookie (the program reaches the hops
 * through sluice only: a direct use would skip the hops after that helper, and the control
 * port would let it steer tor).  An empty read-only tmpfs covers the directory.
 */
static int hide_runtime_dir(const char *dir, struct sl_err *err)
{
	int mnt, ret;

	if (!dir || !dir[0] || access(dir, F_OK))
		return 0; /* none: no session and no helper (the peers' check still holds) */
	log_verbose("hiding sluice's runtime directory %s", dir);
	mnt = mounts_detached_tmpfs("4k", err);
	if (mnt < 0)
		return mnt;
	ret = mounts_cover_read_only(mnt, "", dir, err);
	close(mnt);
	return ret;
}

static int setup_mounts(const struct sandbox_config *config, struct sl_err *err)
{
	static char nsswitch[NSSWITCH_TEXT_MAX];
	struct netplan plan = netplan_for_sandbox(config->run);
	char hosts[512];
	struct etc_file files[] = {
	    {"/etc/resolv.conf", sandbox_net_resolv_conf(&plan), 0},
	    {"/etc/hosts", hosts, 0},
	    {"/etc/nsswitch.conf", nsswitch, 0},
	};
	size_t n_files = sizeof(files) / sizeof(files[0]);
	int ret;

	log_verbose("making mounts private to the sandbox");
	ret = mounts_isolate(err);
	if (ret)
		return ret;
	log_verbose("mounting a new /proc");
	ret = mounts_fresh_proc(err);
	if (ret)
		return ret;
	ret = host_sockets_names_by_dns(nsswitch, sizeof(nsswitch), err);
	if (ret < 0)
		return ret;
	if (hide_runtime_dir(config->hidden_dir, err))
		return -1;
	if (ret == 0)
		n_files--; /* the host has no nsswitch.conf: glibc's default asks files and DNS */
	if (mounts_hosts_file(hosts, sizeof(hosts), config->run->hostname) < 0)
		return sl_err_set(err, 0, "host name too long for /etc/hosts");
	log_verbose("binding sluice's /etc/resolv.conf, /etc/hosts and /etc/nsswitch.conf");
	ret = mounts_replace_etc_files(files, n_files, err);
	if (ret)
		return ret;
	log_verbose("making /proc/sys and /sys read-only, masking kernel files");
	return mounts_protect_kernel(err);
}

static int setup(const struct sandbox_config *config, struct sl_err *err)
{
	const char *hostname = config->run->hostname;
	struct netplan plan = netplan_for_sandbox(config->run);
	int ret;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		return sl_err_set(err, errno, "cannot tie the sandbox to sluice's life");
	close(config->supervisor_channel);
	if (config->supervisor_factory >= 0)
		close(config->supervisor_factory);
	ret = supervisor_still_there(config, err);
	if (ret)
		return ret;
	ret = keep_only_init_fds(config, err);
	if (ret)
		return ret;

	if (config->userns) {
		log_verbose("mapping uid %u and gid %u%s into the user namespace",
			    (unsigned int)config->outer_uid, (unsigned int)config->outer_gid,
			    config->run->id_map == ID_MAP_ROOT ? " to root" : "");
		ret = userns_write_maps(config->run->id_map, config->outer_uid, config->outer_gid,
					err);
		if (ret)
			return ret;
	}
	/* Our own group: signals sent to sluice's group (a shell's Ctrl-C) are not ours twice. */
	if (setpgid(0, 0))
		return sl_err_set(err, errno, "cannot create the sandbox's process group");

	ret = sandbox_net_open_ports(&plan, err); /* before /proc/sys turns read-only */
	if (!ret)
		ret = setup_mounts(config, err);
	if (ret)
		return ret;
	log_verbose("setting host name '%s'", hostname);
	if (sethostname(hostname, strlen(hostname)))
		return sl_err_set(err, errno, "cannot set the host name to '%s'", hostname);
	return sandbox_net_setup(&plan, err);
}

/* The program's process group is its pid (program.c); it may have left it (setsid). */
static void forward_signal(pid_t program, int sig)
{
	if (kill(-program, sig) && errno == ESRCH)
		kill(program, sig);
}

/* Reap every child that has changed state; the program's stop and exit are reported. */
static void reap_children(const struct sandbox_config *config, pid_t program)
{
	struct channel_msg msg = {0};
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG | WUNTRACED)) > 0) {
		if (pid != program)
			continue; /* an orphan, or a grandchild that stopped: not ours to report */
		if (WIFSTOPPED(status)) {
			msg.type = CHANNEL_PROGRAM_STOPPED;
			msg.value = WSTOPSIG(status);
			channel_send(config->channel, &msg, NULL, 0);
			continue;
		}
		msg.type = CHANNEL_PROGRAM_EXITED;
		msg.value = status;
		channel_send(config->channel, &msg, NULL, 0);
	}
}

/* The namespaces `sluice exec` joins, in control.h's order; the user namespace rootless only. */
static int send_namespaces(const struct sandbox_config *config, struct sl_err *err)
{
	static const char *const names[] = {"user", "mnt", "net", "pid", "uts", "ipc"};
	struct channel_msg msg = {.type = CHANNEL_NAMESPACES};
	int fds[6];
	size_t i, n = 0;
	int ret = 0;

	for (i = config->userns ? 0 : 1; i < 6 && !ret; i++) {
		char path[32];

		snprintf(path, sizeof(path), "/proc/self/ns/%s", names[i]);
		fds[n] = open(path, O_RDONLY | O_CLOEXEC);
		if (fds[n] < 0) {
			ret = sl_err_set(err, errno, "cannot open %s", path);
		} else {
			msg.value |= 1 << i;
			n++;
		}
	}
	if (!ret && (ret = channel_send(config->channel, &msg, fds, n)))
		sl_err_set(err, -ret, "cannot hand the namespaces to the supervisor");
	while (n)
		close(fds[--n]);
	return ret;
}

/*
 * The supervisor's messages: sockets to make, the end, a stop of everything.  On the factory
 * (sandbox.h) it sends socket requests only: the resolver's, to forward into the tunnel.
 */
static void serve_supervisor(int channel)
{
	struct channel_msg msg;
	int fds[CHANNEL_MAX_FDS];
	size_t n_fds;

	while (channel_recv_nonblocking(channel, &msg, fds, &n_fds) == 1) {
		while (n_fds)
			close(fds[--n_fds]);
		if (msg.type == CHANNEL_SOCKET_REQUEST)
			ns_answer_request(channel, &msg);
		else if (msg.type == CHANNEL_END)
			_exit(msg.value & 0xff);
		else if (msg.type == CHANNEL_TERMINATE) {
			kill(-1, SIGTERM);
			kill(-1, SIGCONT); /* a stopped process would not see it */
		}
	}
}

/* Behind a tunnel the program starts once the supervisor has moved its device in. */
static int wait_for_tunnel(int channel, struct sl_err *err)
{
	for (;;) {
		struct channel_msg msg;
		int fds[CHANNEL_MAX_FDS];
		size_t n_fds = 0;

		if (channel_recv(channel, &msg, fds, &n_fds) <= 0)
			return sl_err_set(err, 0, "sluice's supervisor is gone");
		while (n_fds)
			close(fds[--n_fds]);
		if (msg.type == CHANNEL_TUNNEL_READY)
			return 0;
		if (msg.type == CHANNEL_SOCKET_REQUEST)
			ns_answer_request(channel, &msg);
		else if (msg.type == CHANNEL_END || msg.type == CHANNEL_TERMINATE)
			_exit(SL_EXIT_FAILURE);
	}
}

void sandbox_init_main(const struct sandbox_config *config)
{
	struct netplan plan = netplan_for_sandbox(config->run);
	sigset_t forwarded;
	struct sl_err err;
	int signal_fd;
	pid_t program;

	sl_err_clear(&err);
	if (setup(config, &err))
		goto fail;

	/* The supervisor blocked these before clone(): nothing sent meanwhile is lost. */
	signals_forwarded(&forwarded);
	signal_fd = signals_block_for_signalfd(&forwarded);
	if (signal_fd < 0) {
		sl_err_set(&err, -signal_fd, "cannot create the sandbox's signalfd");
		goto fail;
	}
	if (send_namespaces(config, &err) || sandbox_net_hand_over(&plan, config->channel, &err))
		goto fail;
	if (plan.net == NET_TUNNEL && wait_for_tunnel(config->channel, &err))
		goto fail;
	/*
	 * Not dumpable: the program may not ptrace us or open /proc/1/fd, mem, environ.  Only now:
	 * it also makes our /proc/self files root's (the id maps are written by then), and the
	 * program's child inherits it only until its execve().
	 */
	if (prctl(PR_SET_DUMPABLE, 0)) {
		sl_err_set(&err, errno, "cannot make the sandbox init non-dumpable");
		goto fail;
	}

	program = fork();
	if (program < 0) {
		sl_err_set(&err, errno, "cannot start the program");
		goto fail;
	}
	if (program == 0) {
		struct program_spec spec;

		close(signal_fd);
		program_spec_of_sandbox(config, &spec);
		program_exec(&spec);
	}
	log_debug("program started");

	for (;;) {
		struct signalfd_siginfo si;
		struct pollfd pfd[3] = {
		    {.fd = signal_fd, .events = POLLIN},
		    {.fd = config->channel, .events = POLLIN},
		    {.fd = config->factory, .events = POLLIN},
		};
		ssize_t n;

		if (poll(pfd, config->factory >= 0 ? 3 : 2, -1) < 0 && errno != EINTR)
			break;
		if (config->factory >= 0 && (pfd[2].revents & POLLIN))
			serve_supervisor(config->factory);
		if (pfd[1].revents & POLLIN)
			serve_supervisor(config->channel);
		else if ((pfd[1].revents | pfd[2].revents) & (POLLHUP | POLLERR))
			_exit(
			    SL_EXIT_FAILURE); /* the supervisor is gone; PDEATHSIG is on its way */
		while ((n = read(signal_fd, &si, sizeof(si))) == sizeof(si)) {
			if (si.ssi_signo == SIGCHLD)
				reap_children(config, program);
			else
				forward_signal(program, (int)si.ssi_signo);
		}
		/* SIGCHLD can merge with one already read: reap on every wake-up. */
		reap_children(config, program);
	}
	sl_err_set(&err, errno, "the sandbox init's wait loop failed");
fail:
	channel_send_error(config->channel, &err);
	_exit(err.exit_code ? err.exit_code : SL_EXIT_FAILURE);
}
