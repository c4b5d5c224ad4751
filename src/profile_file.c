/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * profile_file.c - finds and reads profiles and the password files and variables they name,
 * and completes `sluice run` and `sluice profile check` with them (see profile_file.h).  Owns
 * the file side; what a profile says is profile.c's.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hop_url.h"
#include "log.h"
#include "profile_file.h"
#include "profile_pallium.h"
#include "secret_env.h"

#define PASSWORD_FILE_MAX 4096

/*
 * The directory of the profiles found by name; NULL and @err filled when there is none.
 * @what starts the error message: "profile 'NAME'", or "profile list".
 */
static const char *profile_dir(char *buf, size_t cap, const char *what, struct sl_err *err)
{
	const char *config = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	int n;

	if (geteuid() == 0)
		return "/etc/sluice/profiles";
	if (config && config[0] == '/')
		n = snprintf(buf, cap, "%s/sluice/profiles", config);
	else if (home && home[0] == '/')
		n = snprintf(buf, cap, "%s/.config/sluice/profiles", home);
	else
		n = -1;
	if (n < 0) {
		sl_err_set(err, 0,
			   "%s: neither XDG_CONFIG_HOME nor HOME is set to a path, so there "
			   "is no directory of profiles by name (--profile FILE takes a file)",
			   what);
		return NULL;
	}
	if ((size_t)n >= cap) {
		sl_err_set(err, ENAMETOOLONG, "%s: the profiles' directory is too long a path",
			   what);
		return NULL;
	}
	return buf;
}

int profile_file_path(const char *name, char *path, size_t cap, struct sl_err *err)
{
	char buf[PATH_MAX], what[NAME_MAX + 16];
	const char *dir;
	int n;

	snprintf(what, sizeof(what), "profile '%s'", name);
	dir = profile_dir(buf, sizeof(buf), what, err);
	if (!dir)
		return -1;
	n = snprintf(path, cap, "%s/%s.json", dir, name);
	if (n < 0 || (size_t)n >= cap)
		return sl_err_set(err, ENAMETOOLONG, "profile '%s': its path is too long", name);
	return 0;
}

/* A NAME.json whose NAME `sluice run NAME` would take. */
static int is_profile_file(const struct dirent *entry)
{
	char name[NAME_MAX + 1];
	size_t len = strlen(entry->d_name);

	if (len <= 5 || strcmp(entry->d_name + len - 5, ".json"))
		return 0;
	snprintf(name, sizeof(name), "%.*s", (int)(len - 5), entry->d_name);
	return cli_profile_name_valid(name);
}

int profile_file_list(FILE *out, struct sl_err *err)
{
	char buf[PATH_MAX];
	const char *dir = profile_dir(buf, sizeof(buf), "profile list", err);
	struct dirent **entries;
	int n, i;

	if (!dir)
		return -1;
	n = scandir(dir, &entries, is_profile_file, alphasort);
	if (n < 0)
		return errno == ENOENT ? 0 : sl_err_set(err, errno, "cannot read %s", dir);
	for (i = 0; i < n; i++) {
		fprintf(out, "%.*s\n", (int)(strlen(entries[i]->d_name) - 5), entries[i]->d_name);
		free(entries[i]);
	}
	free(entries);
	return fflush(out) ? sl_err_set(err, errno, "cannot write the list") : 0;
}

/* pallium's file of the profile @name (its runtime.py): ~/.config/pallium/profiles, or
 * /etc/pallium/profiles as root.  Return: 0, or -1 when there is none to name. */
static int pallium_file_path(const char *name, char *path, size_t cap)
{
	const char *home = getenv("HOME");
	int n;

	if (geteuid() == 0)
		n = snprintf(path, cap, "/etc/pallium/profiles/%s.json", name);
	else if (home && home[0] == '/')
		n = snprintf(path, cap, "%s/.config/pallium/profiles/%s.json", home, name);
	else
		return -1;
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* All of @fd, at most PROFILE_SIZE_MAX bytes (one more tells it is too big). */
static int read_all(int fd, const char *label, char **text, size_t *len, struct sl_err *err)
{
	size_t cap = PROFILE_SIZE_MAX + 1, got = 0;
	char *buf = malloc(cap);

	if (!buf)
		return sl_err_set(err, ENOMEM, "%s: cannot read the profile", label);
	while (got < cap) {
		ssize_t n = read(fd, buf + got, cap - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int errnum = errno;

			free(buf);
			return sl_err_set(err, errnum, "%s: cannot read the profile", label);
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got > PROFILE_SIZE_MAX) {
		explicit_bzero(buf, got);
		free(buf);
		return sl_err_set(err, 0,
				  "%s: larger than %d bytes; a profile may have at most that",
				  label, PROFILE_SIZE_MAX);
	}
	*text = buf;
	*len = got;
	return 0;
}

/* The password in @file: its first line, without the line break. */
static int read_password_file(const struct profile_secret *secret, char *out, size_t cap,
			      struct sl_err *err)
{
	int fd = open(secret->source, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	ssize_t n;
	char *end;

	if (fd < 0)
		return sl_err_set(err, errno, "%s: cannot open %s", secret->label, secret->source);
	do
		n = read(fd, out, cap - 1);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		int errnum = errno;

		close(fd);
		return sl_err_set(err, errnum, "%s: cannot read %s", secret->label, secret->source);
	}
	close(fd);
	out[n] = '\0';
	end = strchr(out, '\n');
	if (end) {
		*end = '\0';
		if (end > out && end[-1] == '\r')
			end[-1] = '\0';
	}
	return 0;
}

/* Fill the hops' passwords the profile asks for from files and variables. */
static int fetch_secrets(struct conf *conf, const struct profile *profile, struct sl_err *err)
{
	char password[PASSWORD_FILE_MAX];
	size_t i;

	for (i = 0; i < profile->n_secrets; i++) {
		const struct profile_secret *secret = &profile->secrets[i];
		struct hop_spec *hop = &conf->run->hops[secret->hop];
		const char *value;
		int ret;

		if (secret->kind == PROFILE_SECRET_FILE) {
			if (read_password_file(secret, password, sizeof(password), err))
				return -1;
			value = password;
		} else {
			value = getenv(secret->source);
			if (!value)
				return sl_err_set(err, 0, "%s: the variable %s is not set",
						  secret->label, secret->source);
		}
		ret = hop_url_apply_env_password(hop, value);
		explicit_bzero(password, sizeof(password));
		if (secret->kind == PROFILE_SECRET_ENV)
			secret_env_remove(secret->source); /* no process sluice starts gets it */
		if (ret == -E2BIG)
			return sl_err_set(err, 0, "%s: the password is longer than %d bytes",
					  secret->label, HOP_CREDENTIAL_MAX);
		if (ret)
			return sl_err_set(err, -ret,
					  "%s: the password is unusable (a control character?)",
					  secret->label);
	}
	return 0;
}

int profile_file_load(struct conf *conf, const char *file, struct profile *profile,
		      bool *readable_by_others, struct sl_err *err)
{
	bool from_stdin = !strcmp(file, "-");
	const char *label = from_stdin ? "stdin" : file;
	char base_dir[PATH_MAX], *slash;
	struct stat st;
	size_t len = 0;
	char *text = NULL;
	int fd, ret;

	fd = from_stdin ? STDIN_FILENO : open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return sl_err_set(err, errno, "%s: cannot open the profile", file);
	if (fstat(fd, &st)) {
		ret = sl_err_set(err, errno, "%s: cannot read the profile", label);
		goto out;
	}
	if (!from_stdin && !S_ISREG(st.st_mode)) {
		ret = sl_err_set(err, 0, "%s: not a regular file; expected a JSON profile", label);
		goto out;
	}
	if (readable_by_others)
		*readable_by_others = !from_stdin && (st.st_mode & (S_IRGRP | S_IROTH));
	ret = read_all(fd, label, &text, &len, err);
	if (ret)
		goto out;
	/* Relative paths in the profile are taken from its directory (from stdin: the cwd). */
	snprintf(base_dir, sizeof(base_dir), "%s", from_stdin ? "" : file);
	slash = strrchr(base_dir, '/');
	if (slash)
		*(slash == base_dir ? slash + 1 : slash) = '\0';
	else
		base_dir[0] = '\0';
	ret = profile_parse(conf, label, base_dir, text, len, profile, err);
	explicit_bzero(text, len); /* it may hold a password */
	free(text);
	if (!ret)
		ret = fetch_secrets(conf, profile, err);
	for (size_t i = 0; !ret && i < profile->n_warnings; i++)
		log_warn("%s", profile->warnings[i]);
out:
	if (!from_stdin)
		close(fd);
	return ret;
}

/* The file @cli names, into @path. */
static int profile_location(const struct cli *cli, char *path, size_t cap, struct sl_err *err)
{
	if (cli->profile_ref == CLI_PROFILE_FILE) {
		if (strlen(cli->profile) >= cap)
			return sl_err_set(err, ENAMETOOLONG, "%.64s...: cannot open the profile",
					  cli->profile);
		strcpy(path, cli->profile);
		return 0;
	}
	return profile_file_path(cli->profile, path, cap, err);
}

static void warn_password(const struct profile *profile, bool readable_by_others, const char *file)
{
	if (profile->inline_password && readable_by_others)
		log_warn("%s holds a password and others can read it; chmod 600 it%s", file,
			 profile->pallium ? "" : ", or use password_file or password_env");
}

int profile_file_apply(struct cli *cli, struct profile *profile, struct sl_err *err)
{
	bool readable_by_others = false;
	char path[PATH_MAX];

	if (cli->profile_ref == CLI_PROFILE_NONE)
		return 0;
	if (profile_location(cli, path, sizeof(path), err))
		return -1;
	if (cli->profile_ref == CLI_PROFILE_NAME_OR_PROGRAM) {
		if (access(path, F_OK) && errno == ENOENT)
			return conf_finish(&cli->conf, err); /* no such profile: the program */
		cli->run.argv = NULL;
	} else if (cli->profile_ref == CLI_PROFILE_NAME && access(path, F_OK) && errno == ENOENT) {
		char pallium[PATH_MAX];

		/* pallium's profile of that name is not taken unasked: it is named. */
		if (!pallium_file_path(cli->profile, pallium, sizeof(pallium)) &&
		    !access(pallium, F_OK))
			return sl_err_set(err, 0,
					  "no profile '%s' (no file %s); pallium has one: run it "
					  "with 'sluice run --profile %s', or import it with "
					  "'sluice profile import-pallium %s -o %s'",
					  cli->profile, path, pallium, pallium, path);
		return sl_err_set(err, 0,
				  "no profile '%s' (no file %s); to run a program of that name, "
				  "write 'sluice run -- %s'",
				  cli->profile, path, cli->profile);
	}
	if (profile_file_load(&cli->conf, path, profile, &readable_by_others, err))
		return -1;
	warn_password(profile, readable_by_others, path);
	if (cli->profile_ref != CLI_PROFILE_FILE)
		snprintf(cli->run.profile_name, sizeof(cli->run.profile_name), "%s", cli->profile);
	if (profile->quiet && cli->log_level == LOG_NORMAL)
		cli->log_level = LOG_QUIET; /* -v on the command line wins */
	if (!cli->run.argv) {
		if (!profile->command)
			return sl_err_set(
			    err, 0,
			    "%s: no program: the profile has no \"command\"; give one "
			    "after --",
			    strcmp(path, "-") ? path : "stdin");
		cli->run.argv = profile->command;
	}
	return conf_finish(&cli->conf, err);
}

int profile_file_check(struct cli *cli, struct sl_err *err)
{
	bool readable_by_others = false;
	struct profile profile;
	char path[PATH_MAX];
	int ret;

	profile_init(&profile);
	ret = profile_location(cli, path, sizeof(path), err);
	if (!ret && cli->profile_ref == CLI_PROFILE_NAME && access(path, F_OK) && errno == ENOENT)
		ret = sl_err_set(err, 0, "no profile '%s' (no file %s)", cli->profile, path);
	if (!ret)
		ret = profile_file_load(&cli->conf, path, &profile, &readable_by_others, err);
	if (!ret)
		ret = conf_finish(&cli->conf, err);
	if (!ret) {
		warn_password(&profile, readable_by_others, path);
		printf("ok: %s\n", strcmp(path, "-") ? path : "stdin");
	}
	explicit_bzero(cli->run.hops, sizeof(cli->run.hops));
	profile_free(&profile);
	return ret;
}

/* Write @text to a new file @out, mode 0600 from its creation; over an existing one only when
 * @force.  A temporary file next to it is renamed (or linked, which never replaces) into
 * place, so no other mode or half a profile is ever seen at @out. */
static int write_new_file(const char *out, const char *text, bool force, struct sl_err *err)
{
	char temp[PATH_MAX];
	size_t len = strlen(text), done = 0;
	int fd, ret = 0;

	if (snprintf(temp, sizeof(temp), "%s.XXXXXX", out) >= (int)sizeof(temp))
		return sl_err_set(err, ENAMETOOLONG, "%s: cannot write the profile", out);
	fd = mkstemp(temp); /* 0600 */
	if (fd < 0)
		return sl_err_set(err, errno, "%s: cannot create a file next to it", out);
	while (!ret && done < len) {
		ssize_t n = write(fd, text + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			ret = sl_err_set(err, errno, "%s: cannot write the profile", temp);
		else
			done += (size_t)n;
	}
	if (close(fd) && !ret)
		ret = sl_err_set(err, errno, "%s: cannot write the profile", temp);
	if (!ret && force && rename(temp, out))
		ret = sl_err_set(err, errno, "%s: cannot write the profile", out);
	if (!ret && !force && link(temp, out))
		ret = errno == EEXIST ? sl_err_set(err, 0,
						   "%s exists; give --force to replace it, or "
						   "another -o FILE",
						   out)
				      : sl_err_set(err, errno, "%s: cannot write the profile", out);
	if (ret || !force)
		unlink(temp);
	return ret;
}

int profile_file_import_pallium(const struct cli *cli, struct sl_err *err)
{
	struct pallium_translation t;
	bool from_stdin = !strcmp(cli->profile, "-");
	const char *label = from_stdin ? "stdin" : cli->profile;
	char *text = NULL, *out = NULL, warning[SL_ERR_MSG_MAX];
	size_t len = 0, i;
	int fd, ret;

	memset(&t, 0, sizeof(t));
	fd = from_stdin ? STDIN_FILENO : open(cli->profile, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return sl_err_set(err, errno, "%s: cannot open the pallium profile", cli->profile);
	ret = read_all(fd, label, &text, &len, err);
	if (!from_stdin)
		close(fd);
	if (!ret)
		ret = profile_pallium_import(label, text, len, &out, &t, err);
	if (text) {
		explicit_bzero(text, len);
		free(text);
	}
	for (i = 0; !ret && i < t.n_notes; i++) {
		profile_pallium_warning(&t.notes[i], label, true, warning, sizeof(warning));
		log_warn("%s", warning);
	}
	if (!ret && t.n_lost)
		log_warn("%s: %zu more keys like those above", label, t.n_lost);
	if (!ret && cli->output)
		ret = write_new_file(cli->output, out, cli->force, err);
	else if (!ret && (fputs(out, stdout) == EOF || fflush(stdout)))
		ret = sl_err_set(err, errno, "stdout: cannot write the profile");
	if (out) {
		explicit_bzero(out, strlen(out));
		free(out);
	}
	profile_pallium_free(&t);
	return ret;
}
