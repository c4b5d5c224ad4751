/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * hop_tor.c - sluice's own tor (`--via tor`): the system's tor with a torrc sluice writes,
 * its SOCKS port and control port unix sockets in the runtime directory, its bootstrap
 * followed on the control port (cookie authentication) and shown as progress (helper.h runs
 * it).  Owns the torrc, the data directory and the control conversation.
 *
 * The data directory is $XDG_CACHE_HOME/sluice/tor/N (~/.cache/... without it), 0700 and kept
 * between runs so a second start is fast; N is the first slot whose lock (tor/N.lock, flock)
 * no other sluice holds, so concurrent sandboxes each get a tor of their own with its own
 * warm cache (tor refuses to share a data directory anyway).  One tor per sandbox keeps
 * "tor dies with the sandbox" true and puts no sandbox's circuits in another's process.
 *
 * torrc: DataDirectory, SocksPort unix:RUNTIME/tor.socks, ControlPort unix:RUNTIME/tor.control
 * with CookieAuthentication, ClientOnly, Log notice stdout, then the --tor-config file's lines
 * and each --tor-option line.  No DNSPort or TransPort: names come as SOCKS5 domain requests.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "helper.h"
#include "log.h"
#include "tor_control.h"

#define TOR_SLOTS	   32
#define TOR_CONFIG_MAX	   (256 * 1024)
#define TOR_CONTROL_BUFFER 8192

struct tor_state {
	int lock_fd;
	int control; /* -1 until connected */
	bool asked;  /* a GETINFO is waiting for its answer */
	char buffer[TOR_CONTROL_BUFFER];
	size_t len;
	char data_dir[PATH_MAX];
};

/* mkdir -p, each new level 0700. */
static int make_dirs(char *path)
{
	char *slash;

	for (slash = strchr(path + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdir(path, 0700) && errno != EEXIST) {
			*slash = '/';
			return -errno;
		}
		*slash = '/';
	}
	return mkdir(path, 0700) && errno != EEXIST ? -errno : 0;
}

/* The first data directory slot no other sluice holds; its lock stays ours. */
static int pick_data_dir(struct helper *h, struct tor_state *tor, struct sl_err *err)
{
	const char *cache = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char base[PATH_MAX], lock[PATH_MAX + 16];
	struct stat st;
	int slot, ret;

	if (cache && cache[0] == '/')
		ret = snprintf(base, sizeof(base), "%s/sluice/tor", cache);
	else if (home && home[0] == '/')
		ret = snprintf(base, sizeof(base), "%s/.cache/sluice/tor", home);
	else
		return sl_err_set(err, ENOENT,
				  "%s: neither XDG_CACHE_HOME nor HOME is set: no place for tor's "
				  "data directory",
				  h->label);
	if (ret < 0 || (size_t)ret >= sizeof(base) - 16)
		return sl_err_set(err, ENAMETOOLONG, "%s: the cache directory's path is too long",
				  h->label);
	ret = make_dirs(base);
	if (ret)
		return sl_err_set(err, -ret, "%s: cannot create %s", h->label, base);
	for (slot = 0; slot < TOR_SLOTS; slot++) {
		if (snprintf(lock, sizeof(lock), "%s/%d.lock", base, slot) >= (int)sizeof(lock))
			return sl_err_set(err, ENAMETOOLONG, "%s: path too long", h->label);
		tor->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (tor->lock_fd < 0)
			return sl_err_set(err, errno, "%s: cannot open %s", h->label, lock);
		if (!flock(tor->lock_fd, LOCK_EX | LOCK_NB))
			break;
		close(tor->lock_fd);
		tor->lock_fd = -1;
	}
	if (slot == TOR_SLOTS)
		return sl_err_set(err, EBUSY, "%s: %d sandboxes run a tor already", h->label,
				  TOR_SLOTS);
	if (snprintf(tor->data_dir, sizeof(tor->data_dir), "%s/%d", base, slot) >=
	    (int)sizeof(tor->data_dir))
		return sl_err_set(err, ENAMETOOLONG, "%s: the cache directory's path is too long",
				  h->label);
	if (mkdir(tor->data_dir, 0700) && errno != EEXIST)
		return sl_err_set(err, errno, "%s: cannot create %s", h->label, tor->data_dir);
	if (lstat(tor->data_dir, &st) || !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
		return sl_err_set(err, EPERM, "%s: %s is not a directory of yours", h->label,
				  tor->data_dir);
	chmod(tor->data_dir, 0700); /* tor insists */
	log_verbose("%s: data directory %s", h->label, tor->data_dir);
	return 0;
}

/* A torrc value in quotes, with tor's escapes. */
static void put_quoted(FILE *f, const char *key, const char *prefix, const char *value)
{
	fprintf(f, "%s %s\"", key, prefix);
	for (; *value; value++) {
		if (*value == '"' || *value == '\\')
			fputc('\\', f);
		fputc(*value, f);
	}
	fputs("\"\n", f);
}

/* --tor-config FILE: read here, as the user, so a missing file is our clear error. */
static int append_config_file(struct helper *h, FILE *torrc, struct sl_err *err)
{
	const char *name = h->ctx->run->tor_config;
	char *text;
	FILE *f;
	size_t n;

	if (!name)
		return 0;
	f = fopen(name, "re");
	if (!f)
		return sl_err_set(err, errno, "--tor-config %s: cannot read it", name);
	text = malloc(TOR_CONFIG_MAX + 1);
	if (!text) {
		fclose(f);
		return sl_err_set(err, ENOMEM, "--tor-config %s: out of memory", name);
	}
	n = fread(text, 1, TOR_CONFIG_MAX + 1, f);
	fclose(f);
	if (n > TOR_CONFIG_MAX) {
		free(text);
		return sl_err_set(err, EFBIG, "--tor-config %s: longer than %d KiB", name,
				  TOR_CONFIG_MAX / 1024);
	}
	fprintf(torrc, "# --tor-config %s\n", name);
	fwrite(text, 1, n, torrc);
	fputc('\n', torrc);
	free(text);
	return 0;
}

static int write_torrc(struct helper *h, struct tor_state *tor, struct sl_err *err)
{
	char path[PATH_MAX], socks[PATH_MAX], control[PATH_MAX], cookie[PATH_MAX];
	const struct run_options *run = h->ctx->run;
	size_t i;
	FILE *f;
	int fd, ret;

	if (helper_path(h, path, sizeof(path), "torrc") ||
	    helper_path(h, socks, sizeof(socks), "tor.socks") ||
	    helper_path(h, control, sizeof(control), "tor.control") ||
	    helper_path(h, cookie, sizeof(cookie), "tor.cookie"))
		return sl_err_set(err, ENAMETOOLONG, "the runtime directory's path is too long");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		if (fd >= 0)
			close(fd);
		return sl_err_set(err, errno, "cannot write %s", path);
	}
	fputs("# written by sluice for one sandbox; removed when it ends\n", f);
	put_quoted(f, "DataDirectory", "", tor->data_dir);
	put_quoted(f, "SocksPort", "unix:", socks);
	put_quoted(f, "ControlPort", "unix:", control);
	fputs("CookieAuthentication 1\n", f);
	put_quoted(f, "CookieAuthFile", "", cookie);
	fputs("ClientOnly 1\nLog notice stdout\nSafeLogging 1\n", f);
	ret = append_config_file(h, f, err);
	for (i = 0; !ret && i < run->n_tor_options; i++)
		fprintf(f, "%s\n", run->tor_options[i]);
	if (fclose(f) && !ret)
		ret = sl_err_set(err, errno, "cannot write %s", path);
	if (ret)
		return ret;
	/* An empty defaults file: the system's tor-service-defaults-torrc plays no part. */
	if (helper_path(h, path, sizeof(path), "torrc-defaults"))
		return sl_err_set(err, ENAMETOOLONG, "the runtime directory's path is too long");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return sl_err_set(err, errno, "cannot write %s", path);
	close(fd);
	return 0;
}

static int tor_prepare(struct helper *h, struct sl_err *err)
{
	struct sockaddr_un *sun = (struct sockaddr_un *)&h->endpoint->address;
	struct tor_state *tor = calloc(1, sizeof(*tor));
	int ret;

	if (!tor)
		return sl_err_set(err, ENOMEM, "out of memory");
	tor->lock_fd = tor->control = -1;
	h->kind = tor;
	memset(&h->endpoint->address, 0, sizeof(h->endpoint->address));
	sun->sun_family = AF_UNIX;
	if (helper_path(h, sun->sun_path, sizeof(sun->sun_path), "tor.socks"))
		return sl_err_set(err, ENAMETOOLONG,
				  "%s: the runtime directory's path is too long for a socket",
				  h->label);
	h->endpoint->address_len = sizeof(*sun);
	ret = pick_data_dir(h, tor, err);
	return ret ? ret : write_torrc(h, tor, err);
}

static int tor_arguments(struct helper *h, bool interactive, struct sl_err *err)
{
	char path[PATH_MAX];
	int ret;

	(void)interactive; /* tor never asks */
	ret = helper_arg(h, "tor");
	ret = ret ?: helper_arg(h, "--defaults-torrc");
	ret = ret ?: (helper_path(h, path, sizeof(path), "torrc-defaults") ? -1 : 0);
	ret = ret ?: helper_arg(h, "%s", path);
	ret = ret ?: helper_arg(h, "-f");
	ret = ret ?: (helper_path(h, path, sizeof(path), "torrc") ? -1 : 0);
	ret = ret ?: helper_arg(h, "%s", path);
	return ret ? sl_err_set(err, E2BIG, "%s: tor's command line does not fit", h->label) : 0;
}

static void close_control(struct tor_state *tor)
{
	if (tor->control >= 0)
		close(tor->control);
	tor->control = -1;
	tor->asked = false;
	tor->len = 0;
}

/* tor is gone: its cookie with it, so a restarted tor is never asked with the old one. */
static void tor_stopped(struct helper *h)
{
	char cookie[PATH_MAX];

	if (!h->kind)
		return;
	close_control(h->kind);
	if (!helper_path(h, cookie, sizeof(cookie), "tor.cookie"))
		unlink(cookie);
}

/* Connect and authenticate with the cookie; 0 when not there yet, negative on failure. */
static int control_connect(struct helper *h, struct tor_state *tor, struct sl_err *err)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	char cookie_path[PATH_MAX], command[128];
	unsigned char cookie[32];
	ssize_t n;
	int fd, i;

	if (helper_path(h, sun.sun_path, sizeof(sun.sun_path), "tor.control") ||
	    helper_path(h, cookie_path, sizeof(cookie_path), "tor.cookie"))
		return sl_err_set(err, ENAMETOOLONG, "the runtime directory's path is too long");
	fd = open(cookie_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return 0; /* tor has not written it yet */
	n = read(fd, cookie, sizeof(cookie));
	close(fd);
	if (n != (ssize_t)sizeof(cookie))
		return 0;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return 0;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		close(fd);
		return 0;
	}
	n = snprintf(command, sizeof(command), "AUTHENTICATE ");
	for (i = 0; i < (int)sizeof(cookie); i++)
		n += snprintf(command + n, sizeof(command) - (size_t)n, "%02x", cookie[i]);
	n += snprintf(command + n, sizeof(command) - (size_t)n, "\r\n");
	explicit_bzero(cookie, sizeof(cookie));
	if (send(fd, command, (size_t)n, MSG_NOSIGNAL) != n) {
		close(fd);
		return 0;
	}
	explicit_bzero(command, sizeof(command));
	tor->control = fd;
	tor->len = 0;
	tor->asked = false;
	return 0;
}

/* One complete line from tor: 1 when bootstrapped, 0 to go on, negative on failure. */
static int control_line(struct helper *h, const char *line, size_t len, struct sl_err *err)
{
	struct tor_bootstrap boot;
	int code = tor_control_reply_code(line, len);
	char text[TOR_CONTROL_TEXT_MAX + 96];

	if (code >= 400)
		return sl_err_set(err, EPROTO, "tor's control port refused sluice: %.*s",
				  (int)(len > 200 ? 200 : len), line);
	if (tor_control_parse_bootstrap(line, len, &boot) != 1)
		return 0;
	if (boot.warning && boot.reason[0])
		snprintf(h->last_warning, sizeof(h->last_warning), "%s", boot.reason);
	snprintf(text, sizeof(text), "%s: %s", boot.tag, boot.summary);
	helper_progress(h, boot.progress, text);
	return boot.progress == 100;
}

static int tor_poll(struct helper *h, struct sl_err *err)
{
	struct tor_state *tor = h->kind;
	ssize_t n;
	int ret = 0;

	if (tor->control < 0) {
		ret = control_connect(h, tor, err);
		if (ret || tor->control < 0)
			return ret;
	}
	if (!tor->asked) {
		static const char ask[] = "GETINFO status/bootstrap-phase\r\n";

		if (send(tor->control, ask, sizeof(ask) - 1, MSG_NOSIGNAL) == sizeof(ask) - 1)
			tor->asked = true;
	}
	n = recv(tor->control, tor->buffer + tor->len, sizeof(tor->buffer) - tor->len, 0);
	if (n == 0 || (n < 0 && errno != EAGAIN)) {
		close_control(tor); /* tor went away; its exit is reported by the stage */
		return 0;
	}
	if (n > 0)
		tor->len += (size_t)n;
	for (;;) {
		char *eol = memchr(tor->buffer, '\n', tor->len);
		size_t line_len;

		if (!eol) {
			if (tor->len == sizeof(tor->buffer))
				tor->len = 0; /* an absurd line: forget it */
			break;
		}
		line_len = (size_t)(eol - tor->buffer);
		if (line_len && tor->buffer[line_len - 1] == '\r')
			line_len--;
		if (!ret) {
			ret = control_line(h, tor->buffer, line_len, err);
			/* "250 OK" ends the GETINFO answer: ask again on the next poll. */
			if (line_len == 6 && !memcmp(tor->buffer, "250 OK", 6))
				tor->asked = false;
		}
		tor->len -= (size_t)(eol + 1 - tor->buffer);
		memmove(tor->buffer, eol + 1, tor->len);
	}
	if (ret == 1)
		close_control(tor); /* bootstrapped: the control connection is no longer needed */
	return ret;
}

static unsigned int tor_timeout_s(const struct helper *h, bool interactive)
{
	(void)interactive;
	return h->ctx->run->tor_timeout;
}

const struct helper_ops hop_tor_helper = {
    .program = "tor",
    .package = "tor",
    .may_prompt = false,
    .prepare = tor_prepare,
    .arguments = tor_arguments,
    .poll = tor_poll,
    .stopped = tor_stopped,
    .timeout_s = tor_timeout_s,
};
