/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * session.c - session names and state files (see session.h).  Owns the claim on a name, the
 * proof that a session is stale, and the files' format.  Does not know what a session does:
 * the control socket is session_server.c's, the sandbox the supervisor's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "session.h"

#define STATE_VERSION 1

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-';
}

bool session_name_valid(const char *name)
{
	size_t i, n = strlen(name);

	if (!n || n > SESSION_NAME_MAX || name[0] == '.' || name[0] == '-')
		return false;
	for (i = 0; i < n; i++)
		if (!name_char(name[i]))
			return false;
	return true;
}

bool session_name_of_file(const char *file, char name[SESSION_NAME_MAX + 1])
{
	size_t len = strlen(file);

	if (len <= 5 || len - 5 > SESSION_NAME_MAX || strcmp(file + len - 5, ".json"))
		return false;
	memcpy(name, file, len - 5);
	name[len - 5] = '\0';
	return session_name_valid(name);
}

void session_name_from(const char *word, char out[SESSION_NAME_MAX + 1])
{
	const char *base = strrchr(word, '/');
	size_t i, n = 0;

	base = base ? base + 1 : word;
	for (i = 0; base[i] && n < SESSION_NAME_MAX; i++) {
		if (!n && (base[i] == '.' || base[i] == '-'))
			continue;
		out[n++] = name_char(base[i]) ? base[i] : '_';
	}
	out[n] = '\0';
	if (!n)
		snprintf(out, SESSION_NAME_MAX + 1, "sandbox");
}

int session_state_format(const struct session_state *state, char *buf, size_t cap)
{
	int n = snprintf(buf, cap,
			 "{\"sluice\": %d, \"name\": \"%s\", \"profile\": \"%s\", \"pid\": %ld, "
			 "\"start_time\": %llu, \"started\": %lld, \"netns_inode\": %llu}\n",
			 STATE_VERSION, state->name, state->profile, (long)state->pid,
			 (unsigned long long)state->start_time, (long long)state->started,
			 (unsigned long long)state->netns_inode);

	return n < 0 || (size_t)n >= cap ? -1 : n;
}

static int copy_name(json_t *root, const char *key, char *out, bool may_be_empty)
{
	const char *value = json_string_value(json_object_get(root, key));

	if (!value || (!value[0] && !may_be_empty) || (value[0] && !session_name_valid(value)))
		return -1;
	snprintf(out, SESSION_NAME_MAX + 1, "%s", value);
	return 0;
}

static int get_uint(json_t *root, const char *key, uint64_t max, uint64_t *out)
{
	json_t *v = json_object_get(root, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    (uint64_t)json_integer_value(v) > max)
		return -1;
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

int session_state_parse(const char *text, size_t len, struct session_state *state,
			struct sl_err *err)
{
	json_error_t jerr;
	uint64_t pid, started;
	json_t *root;
	int ret = 0;

	memset(state, 0, sizeof(*state));
	if (len > SESSION_STATE_MAX)
		return sl_err_set(err, 0, "larger than a state file");
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return sl_err_set(err, 0, "not JSON: %s", jerr.text);
	if (!json_is_object(root) ||
	    json_integer_value(json_object_get(root, "sluice")) != STATE_VERSION ||
	    copy_name(root, "name", state->name, false) ||
	    copy_name(root, "profile", state->profile, true) ||
	    get_uint(root, "pid", 0x7fffffff, &pid) || pid < 1 ||
	    get_uint(root, "start_time", UINT64_MAX, &state->start_time) ||
	    get_uint(root, "started", INT64_MAX, &started) ||
	    get_uint(root, "netns_inode", UINT64_MAX, &state->netns_inode))
		ret =
		    sl_err_set(err, 0, "not a sluice session's state (version %d)", STATE_VERSION);
	json_decref(root);
	state->pid = (pid_t)pid;
	state->started = (int64_t)started;
	return ret;
}

uint64_t process_start_time(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long value = 0;
	ssize_t n;
	int fd, field;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* The command name (field 2) may hold anything: count from its closing parenthesis.
	 * A zombie (state Z, field 3) has ended: it holds nothing any more. */
	p = strrchr(buf, ')');
	if (p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X'))
		return 0;
	for (field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%llu", &value) != 1)
		return 0;
	return value;
}

bool session_state_live(const struct session_state *state)
{
	uint64_t now = process_start_time(state->pid);

	return now && now == state->start_time;
}

int session_path(const char *base, const char *name, const char *suffix, char *out, size_t cap)
{
	int n = snprintf(out, cap, "%s/%s.%s", base, name, suffix);

	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

int session_read(const char *base, const char *name, struct session_state *state,
		 struct sl_err *err)
{
	char path[4096], text[SESSION_STATE_MAX + 1];
	struct stat st;
	ssize_t n;
	int fd;

	if (session_path(base, name, "json", path, sizeof(path)))
		return sl_err_set(err, ENAMETOOLONG, "%s: path too long", name);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT)
			return -ENOENT;
		return sl_err_set(err, errno, "%s", path);
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_uid != geteuid()) {
		close(fd);
		return sl_err_set(err, EPERM, "%s: not a file of yours", path);
	}
	n = read(fd, text, sizeof(text));
	close(fd);
	if (n < 0)
		return sl_err_set(err, errno, "%s", path);
	if (session_state_parse(text, (size_t)n, state, err))
		return sl_err_wrap(err, "%s", path);
	if (strcmp(state->name, name))
		return sl_err_set(err, 0, "%s: names another session", path);
	return 0;
}

void session_release(const char *base, const char *name)
{
	char path[4096];

	if (!session_path(base, name, "sock", path, sizeof(path)))
		unlink(path);
	if (!session_path(base, name, "json", path, sizeof(path)))
		unlink(path);
}

int session_netns_path(const char *name, char *out, size_t cap)
{
	int n = snprintf(out, cap, "/run/netns/sluice-%s", name);

	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

void session_unbind_netns(const char *name, uint64_t netns_inode)
{
	char path[128];
	struct stat st;

	if (!netns_inode || session_netns_path(name, path, sizeof(path)) || stat(path, &st) ||
	    (uint64_t)st.st_ino != netns_inode)
		return; /* not there, or not this session's namespace: not ours to touch */
	umount2(path, MNT_DETACH);
	unlink(path);
}

int session_remove_if_stale(const char *base, const char *name)
{
	struct session_state state;
	int ret = session_read(base, name, &state, NULL);

	if (ret == -ENOENT)
		return 0;
	if (ret || session_state_live(&state))
		return 0;
	session_unbind_netns(name, state.netns_inode);
	session_release(base, name);
	return 1;
}

static int write_state(int fd, const struct session_state *state)
{
	char text[SESSION_STATE_MAX];
	int n = session_state_format(state, text, sizeof(text));

	if (n < 0)
		return -EOVERFLOW;
	if (write(fd, text, (size_t)n) != n)
		return errno ? -errno : -EIO;
	return 0;
}

int session_claim(const char *base, const struct session_state *state, struct sl_err *err)
{
	char path[4096];
	int attempt, fd = -1, ret;

	if (session_path(base, state->name, "json", path, sizeof(path)))
		return sl_err_set(err, ENAMETOOLONG, "session %s: path too long", state->name);
	for (attempt = 0; attempt < 2 && fd < 0; attempt++) {
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0 && errno != EEXIST)
			return sl_err_set(err, errno, "cannot create %s", path);
		if (fd < 0 && !session_remove_if_stale(base, state->name))
			break;
	}
	if (fd < 0) {
		struct session_state other;

		/* The message says it all: no errno text after it. */
		if (session_read(base, state->name, &other, NULL) == 0)
			sl_err_set(err, 0,
				   "a session named '%s' runs already (pid %ld); choose another "
				   "--name, or 'sluice stop %s'",
				   state->name, (long)other.pid, state->name);
		else
			sl_err_set(
			    err, 0,
			    "the name '%s' is taken: %s is not a running sluice session's "
			    "state, and sluice leaves it alone; remove it if it is no longer "
			    "needed",
			    state->name, path);
		return -EEXIST;
	}
	ret = write_state(fd, state);
	close(fd);
	if (ret) {
		unlink(path);
		return sl_err_set(err, -ret, "cannot write %s", path);
	}
	return 0;
}

int session_update(const char *base, const struct session_state *state, struct sl_err *err)
{
	char path[4096], tmp[4096 + 16];
	int fd, ret;

	if (session_path(base, state->name, "json", path, sizeof(path)))
		return sl_err_set(err, ENAMETOOLONG, "session %s: path too long", state->name);
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return sl_err_set(err, errno, "cannot create %s", tmp);
	ret = write_state(fd, state);
	close(fd);
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret) {
		unlink(tmp);
		return sl_err_set(err, -ret, "cannot write %s", path);
	}
	return 0;
}
