/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * cmd_cp.c - `sluice cp [-r] SRC DST` and `sluice mv SRC DST`, one of them NAME:/PATH in a
 * running session.
 *
 * Theory of operation
 *
 *   A child enters the session's user and mount namespaces (session_join.h) and becomes the
 *   session's program user without any capability: inside, it reads and writes only what the
 *   session's programs could.  We stay outside as the caller.  The side that reads walks the
 *   source without following symbolic links (but for the source itself when not recursive,
 *   as cp(1) does) and sends one message per entry over a socketpair, a regular file's open
 *   fd attached; the side that writes creates each entry beneath its destination with
 *   openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS) and O_NOFOLLOW, so no name it is sent, and
 *   no symbolic link already there, leads it outside.  The writer answers once at the end;
 *   `mv` removes the source only after a good answer.  Devices, fifos and sockets are not
 *   copied (they are named in a warning).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "channel.h"
#include "cli.h"
#include "cmd.h"
#include "log.h"
#include "privileges.h"
#include "session.h"
#include "session_join.h"

enum cp_type {
	CP_FILE = 1,
	CP_DIR,
	CP_SYMLINK,
	CP_END,	   /* sender: no more entries; writer: all written */
	CP_FAILED, /* text: why */
};

struct cp_msg {
	uint32_t type;
	uint32_t mode;
	char path[PATH_MAX];   /* beneath the source: "" is the source itself */
	char target[PATH_MAX]; /* CP_SYMLINK; CP_FAILED: the message */
};

/* One side of the copy: where it runs does not matter to it. */
struct cp_side {
	int sock;
	const char *path;    /* the source, or the destination */
	const char *src_top; /* the source's last component (the writer names the copy so) */
	bool recursive;
	bool remove_after; /* mv */
};

/* send_failed() - say why, here and to the other side, which then stops without a word. */
static int send_failed(int sock, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int send_failed(int sock, int errnum, const char *fmt, ...)
{
	static struct cp_msg msg;
	va_list ap;
	int n;

	memset(&msg, 0, sizeof(msg));
	msg.type = CP_FAILED;
	va_start(ap, fmt);
	n = vsnprintf(msg.target, sizeof(msg.target), fmt, ap);
	va_end(ap);
	if (errnum && n >= 0 && (size_t)n < sizeof(msg.target))
		snprintf(msg.target + n, sizeof(msg.target) - (size_t)n, ": %s", strerror(errnum));
	log_error("%s", msg.target); /* here: the other side may have stopped reading */
	channel_send_bytes(sock, &msg, sizeof(msg), NULL, 0);
	return -1;
}

/* --- the reading side --------------------------------------------------------------------- */

static struct {
	int sock;
	size_t root_len; /* of the source path: entries' paths are what follows */
	int failed;
} walk;

/*
 * Open @path for reading if it is a regular file (checked on the open file: a name swapped
 * for a fifo or a device meanwhile is refused, not read without end).
 * Return: the fd, or -errno (-EINVAL for what is not a regular file).
 */
static int open_regular(const char *path, int flags)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | flags);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	return fd;
}

static int send_entry(const char *fpath, const struct stat *st, int flag, struct FTW *ftw)
{
	static struct cp_msg msg;
	const char *rel = fpath + walk.root_len;
	int fd = -1, ret;

	(void)ftw;
	memset(&msg, 0, sizeof(msg));
	while (*rel == '/')
		rel++;
	snprintf(msg.path, sizeof(msg.path), "%s", rel);
	msg.mode = st->st_mode & 07777;
	if (flag == FTW_D) {
		msg.type = CP_DIR;
	} else if (flag == FTW_SL) {
		ssize_t n = readlink(fpath, msg.target, sizeof(msg.target) - 1);

		if (n < 0)
			return walk.failed = send_failed(walk.sock, errno, "%s", fpath);
		msg.type = CP_SYMLINK;
	} else if (flag == FTW_F && S_ISREG(st->st_mode)) {
		fd = open_regular(fpath, O_NOFOLLOW);
		if (fd < 0)
			return walk.failed = send_failed(walk.sock, -fd, "%s", fpath);
		msg.type = CP_FILE;
	} else if (flag == FTW_F) {
		log_warn("%s: not a regular file, directory or symbolic link: not copied", fpath);
		return 0;
	} else {
		return walk.failed = send_failed(walk.sock, errno, "cannot read %s", fpath);
	}
	ret = channel_send_bytes(walk.sock, &msg, sizeof(msg), fd >= 0 ? &fd : NULL, fd >= 0);
	if (fd >= 0)
		close(fd);
	return ret ? (walk.failed = -1) : 0;
}

static int remove_entry(const char *fpath, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if ((flag == FTW_DP ? rmdir(fpath) : unlink(fpath)) && errno != ENOENT) {
		log_error("cannot remove %s: %s", fpath, strerror(errno));
		return -1;
	}
	return 0;
}

/* Walk and send the source; wait for the writer's answer; mv: remove the source. */
static int read_side(const struct cp_side *side)
{
	static struct cp_msg answer;
	struct stat st;
	int fds[CHANNEL_MAX_FDS], flags = FTW_PHYS;
	size_t n_fds = 0;
	ssize_t n;

	if ((side->recursive ? lstat(side->path, &st) : stat(side->path, &st)))
		return send_failed(side->sock, errno, "%s", side->path);
	if (S_ISDIR(st.st_mode) && !side->recursive)
		return send_failed(side->sock, 0, "%s: a directory (use -r)", side->path);
	walk.sock = side->sock;
	walk.root_len = strlen(side->path);
	walk.failed = 0;
	if (!side->recursive && S_ISREG(st.st_mode)) {
		/* cp FILE: the file the name leads to, a symbolic link followed */
		int fd = open_regular(side->path, 0);
		static struct cp_msg msg;

		if (fd < 0)
			return send_failed(side->sock, -fd, "%s", side->path);
		memset(&msg, 0, sizeof(msg));
		msg.type = CP_FILE;
		msg.mode = st.st_mode & 07777;
		walk.failed = channel_send_bytes(side->sock, &msg, sizeof(msg), &fd, 1) ? -1 : 0;
		close(fd);
	} else if (nftw(side->path, send_entry, 32, flags) && !walk.failed) {
		return send_failed(side->sock, errno, "cannot walk %s", side->path);
	}
	if (walk.failed)
		return -1;
	memset(&answer, 0, sizeof(answer));
	answer.type = CP_END;
	if (channel_send_bytes(side->sock, &answer, sizeof(answer), NULL, 0))
		return -1;
	n = channel_recv_bytes(side->sock, &answer, sizeof(answer), fds, &n_fds, 0);
	while (n_fds)
		close(fds[--n_fds]);
	if (n != (ssize_t)sizeof(answer) || answer.type != CP_END)
		return -1; /* the writer said why */
	if (side->remove_after && nftw(side->path, remove_entry, 32, FTW_PHYS | FTW_DEPTH))
		return send_failed(side->sock, 0, "copied, but %s could not be removed",
				   side->path);
	return 0;
}

/* --- the writing side --------------------------------------------------------------------- */

/* A path sent by the other side: relative, no "." or ".." component, nothing empty. */
static bool path_acceptable(const char *path)
{
	const char *p = path;

	if (path[0] == '/')
		return false;
	while (*p) {
		size_t len = strcspn(p, "/");

		if (!len || (len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		p += len;
		if (*p == '/' && !*++p)
			return false;
	}
	return true;
}

/* The directory that will hold @path beneath @base, never through a symbolic link. */
static int open_parent(int base, const char *path, const char **last)
{
	struct open_how how = {
	    .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
	    .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');

	*last = slash ? slash + 1 : path;
	if (!slash)
		return (int)syscall(SYS_openat2, base, ".", &how, sizeof(how));
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	return (int)syscall(SYS_openat2, base, dir, &how, sizeof(how));
}

static int copy_bytes(int from, int to)
{
	char buf[65536];
	ssize_t n;

	while ((n = read(from, buf, sizeof(buf))) > 0) {
		char *p = buf;

		while (n > 0) {
			ssize_t w = write(to, p, (size_t)n);

			if (w < 0)
				return -errno;
			p += w;
			n -= w;
		}
	}
	return n < 0 ? -errno : 0;
}

static int write_entry(int base, const struct cp_msg *msg, int fd, const char *top)
{
	char path[PATH_MAX * 2];
	const char *last;
	int parent, out, ret = 0;

	snprintf(path, sizeof(path), "%s%s%s", top, msg->path[0] ? "/" : "", msg->path);
	if (!path_acceptable(path))
		return -EINVAL;
	parent = open_parent(base, path, &last);
	if (parent < 0)
		return -errno;
	if (msg->type == CP_DIR) {
		struct stat st;

		if (mkdirat(parent, last, (msg->mode & 0777) | 0700) &&
		    (errno != EEXIST || fstatat(parent, last, &st, AT_SYMLINK_NOFOLLOW) ||
		     !S_ISDIR(st.st_mode)))
			ret = errno ? -errno : -EEXIST;
	} else if (msg->type == CP_SYMLINK) {
		if (symlinkat(msg->target, parent, last))
			ret = -errno;
	} else {
		out = openat(parent, last, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
			     msg->mode & 0777);
		if (out < 0) {
			ret = -errno;
		} else {
			ret = copy_bytes(fd, out);
			if (close(out) && !ret)
				ret = -errno;
		}
	}
	close(parent);
	return ret;
}

/* Receive and create every entry beneath the destination; answer at the end. */
static int write_side(const struct cp_side *side)
{
	static struct cp_msg msg;
	char dir_buf[PATH_MAX], name_buf[PATH_MAX];
	const char *top;
	struct stat st;
	int base, ret = 0;

	/* DST an existing directory: the copy goes in it, named as the source; else DST names
	 * the copy, in its parent directory. */
	snprintf(dir_buf, sizeof(dir_buf), "%s", side->path);
	snprintf(name_buf, sizeof(name_buf), "%s", side->path);
	if (!stat(side->path, &st) && S_ISDIR(st.st_mode)) {
		base = open(side->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		top = side->src_top;
	} else {
		base = open(dirname(dir_buf), O_PATH | O_DIRECTORY | O_CLOEXEC);
		top = basename(name_buf);
	}
	if (base < 0)
		return send_failed(side->sock, errno, "%s", side->path);
	for (;;) {
		int fds[CHANNEL_MAX_FDS];
		size_t n_fds = 0;
		ssize_t n = channel_recv_bytes(side->sock, &msg, sizeof(msg), fds, &n_fds, 0);

		if (n != (ssize_t)sizeof(msg) || msg.type == CP_FAILED) {
			while (n_fds)
				close(fds[--n_fds]);
			ret = -1; /* the reader said why */
			break;
		}
		msg.path[sizeof(msg.path) - 1] = msg.target[sizeof(msg.target) - 1] = '\0';
		if (msg.type == CP_END)
			break;
		if ((msg.type == CP_FILE) != (n_fds == 1) || msg.type > CP_SYMLINK)
			ret = -EPROTO;
		else
			ret = write_entry(base, &msg, n_fds ? fds[0] : -1, top);
		while (n_fds)
			close(fds[--n_fds]);
		if (ret) {
			send_failed(side->sock, -ret, "cannot write %s%s%s in %s", top,
				    msg.path[0] ? "/" : "", msg.path, side->path);
			break;
		}
	}
	close(base);
	if (!ret) {
		memset(&msg, 0, sizeof(msg));
		msg.type = CP_END;
		channel_send_bytes(side->sock, &msg, sizeof(msg), NULL, 0);
	}
	return ret ? -1 : 0;
}

/* --- the command -------------------------------------------------------------------------- */

/* "NAME:/PATH": the session's name and the path inside; false for a path of this side. */
static bool session_path_of(const char *arg, char name[SESSION_NAME_MAX + 1], const char **path)
{
	const char *colon = strchr(arg, ':');

	if (!colon || colon == arg || (size_t)(colon - arg) > SESSION_NAME_MAX ||
	    memchr(arg, '/', (size_t)(colon - arg)))
		return false;
	snprintf(name, SESSION_NAME_MAX + 1, "%.*s", (int)(colon - arg), arg);
	*path = colon + 1;
	return session_name_valid(name);
}

/* The child: inside the session, as its program user, without capabilities. */
static int inside(struct session_join *sj, struct cp_side *side, bool reads)
{
	struct sl_err err;

	sl_err_clear(&err);
	if (session_join_enter(sj, CLONE_NEWPID, &err))
		return send_failed(side->sock, 0, "%s", err.msg);
	if (!sj->userns) {
		sj->program_user.map_root = false; /* files are owned by the host user anyway */
		if (identity_assume(&sj->program_user, &err))
			return send_failed(side->sock, 0, "%s", err.msg);
	}
	if (privileges_drop_all(&err))
		return send_failed(side->sock, 0, "%s", err.msg);
	prctl(PR_SET_DUMPABLE, 0);
	if (chdir("/"))
		return send_failed(side->sock, errno, "chdir /");
	return reads ? read_side(side) : write_side(side);
}

static int copy(const char *src, const char *dst, bool recursive, bool move)
{
	char name[SESSION_NAME_MAX + 1], top_buf[PATH_MAX];
	const char *src_in, *dst_in;
	bool from_session = session_path_of(src, name, &src_in);
	bool to_session = session_path_of(dst, name, &dst_in);
	struct cp_side in = {0}, out = {0};
	struct session_join sj;
	struct sl_err err;
	int pair[2], status, ret;
	pid_t pid;

	if (from_session == to_session) {
		log_error("%s: one of SRC and DST is NAME:/PATH in a session, the other a path "
			  "here",
			  move ? "mv" : "cp");
		return SL_EXIT_FAILURE;
	}
	if ((from_session ? src_in : dst_in)[0] != '/') {
		log_error("%s: the path in the session must be absolute (NAME:/PATH)",
			  from_session ? src : dst);
		return SL_EXIT_FAILURE;
	}
	snprintf(top_buf, sizeof(top_buf), "%s", from_session ? src_in : src);
	sl_err_clear(&err);
	if (session_join_ask(&sj, name, SESSION_JOIN_WAIT_S, SESSION_JOIN_COPY, &err)) {
		session_join_close(&sj);
		log_error("%s", err.msg);
		return SL_EXIT_FAILURE;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair)) {
		log_error("cannot create a socketpair: %s", strerror(errno));
		return SL_EXIT_FAILURE;
	}
	in = (struct cp_side){pair[1], from_session ? src_in : dst_in, basename(top_buf),
			      recursive || move, move};
	out = (struct cp_side){pair[0], from_session ? dst : src, in.src_top, recursive || move,
			       move};
	pid = fork();
	if (pid < 0) {
		log_error("cannot fork: %s", strerror(errno));
		return SL_EXIT_FAILURE;
	}
	if (pid == 0) {
		close(pair[0]);
		_exit(inside(&sj, &in, from_session) ? 1 : 0);
	}
	close(pair[1]);
	session_join_close(&sj);
	ret = from_session ? write_side(&out) : read_side(&out);
	close(pair[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		ret = -1;
	return ret ? 1 : 0;
}

static int cp_or_mv(int argc, char *argv[], enum log_level level, bool move)
{
	const char *args[2];
	bool recursive = false, after_dashes = false;
	int i, n = 0;

	for (i = 1; i < argc; i++) {
		if (!after_dashes && cli_verbosity(argv[i], &level))
			continue;
		if (!after_dashes && !move &&
		    (!strcmp(argv[i], "-r") || !strcmp(argv[i], "-R") ||
		     !strcmp(argv[i], "--recursive"))) {
			recursive = true;
		} else if (!after_dashes && !strcmp(argv[i], "--")) {
			after_dashes = true;
		} else if (!after_dashes && argv[i][0] == '-') {
			n = 3; /* an unknown option */
			break;
		} else {
			if (n < 2)
				args[n] = argv[i];
			n++;
		}
	}
	log_set_level(level);
	if (n != 2) {
		log_error(move ? "usage: sluice mv SRC DST" : "usage: sluice cp [-r] SRC DST");
		log_error("one of SRC and DST is NAME:/PATH, a path in the running session NAME");
		return SL_EXIT_FAILURE;
	}
	return copy(args[0], args[1], recursive, move);
}

int cmd_cp_main(int argc, char *argv[], enum log_level level)
{
	return cp_or_mv(argc, argv, level, false);
}

int cmd_mv_main(int argc, char *argv[], enum log_level level)
{
	return cp_or_mv(argc, argv, level, true);
}
