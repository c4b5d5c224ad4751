/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * profile.h - a sluice profile (JSON, sluice-profile(5)) read into the configuration model.
 *
 * Contract:
 * - Pure: profile_parse() reads text from memory and touches no file, no environment.  What
 *   needs I/O is handed back as a request: a hop's password from a file or a variable is a
 *   struct profile_secret that the caller fulfils (profile_file.c).
 * - Every value goes through conf_set() with source CONF_FROM_PROFILE, so it is checked where
 *   the command line's is, and a key the command line has set already keeps the command
 *   line's value.  Values the command line overrides are still checked: a profile is valid or
 *   not whatever the command line says.
 * - A profile in pallium's format is read through its sluice translation (profile_pallium.h);
 *   its warnings are handed back in struct profile for the caller to print.
 * - Messages start "LABEL: PATH: ", PATH a JSON path ("hops[1].port"), and say what was
 *   expected; every error is exit code 125.
 * - The strings the configuration keeps by pointer (hop URLs, torrc lines, the command) live
 *   in the struct profile, which the caller keeps until the run ends and then frees with
 *   profile_free() (which wipes them: hop URLs may hold passwords).
 */
#ifndef SLUICE_PROFILE_H
#define SLUICE_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "conf.h"
#include "err.h"

struct json_t;

#define PROFILE_SIZE_MAX     (1024 * 1024) /* bytes of JSON */
#define PROFILE_DEPTH_MAX    8 /* arrays and objects in each other; sluice's own keys need 3 */
#define PROFILE_LABEL_MAX    256
#define PROFILE_WARNINGS_MAX 16

enum profile_secret_kind {
	PROFILE_SECRET_FILE, /* "password_file": the file's first line */
	PROFILE_SECRET_ENV,  /* "password_env": the variable's value */
};

/* A hop password to fetch: the caller reads it and calls hop_url_apply_env_password(). */
struct profile_secret {
	enum profile_secret_kind kind;
	const char *source; /* the file (resolved against the profile's directory) or variable */
	size_t hop;	    /* index into run->hops */
	char label[PROFILE_LABEL_MAX]; /* "work.json: hops[1].password_file", for messages */
};

struct profile {
	const char *description; /* or NULL */
	char **command;		 /* NULL-terminated argv, or NULL when the profile has none */
	bool quiet;		 /* "quiet": true, as -q unless the command line sets a level */
	bool pallium;		 /* read from pallium's format (profile_pallium.h) */
	const char *warnings[PROFILE_WARNINGS_MAX]; /* for the caller to print: "LABEL: ..." */
	size_t n_warnings;
	bool inline_password; /* some hop's password is written in the profile itself */
	struct profile_secret secrets[CLI_MAX_HOPS];
	size_t n_secrets;

	/* Storage of every string above and of those the conf points to. */
	char **strings;
	size_t n_strings, strings_cap;
};

/* profile_init() - an empty profile, safe to profile_free(). */
void profile_init(struct profile *profile);

/**
 * profile_parse() - read a profile's JSON into @conf (source CONF_FROM_PROFILE)
 * @conf:	the configuration, possibly holding command-line values already (they win)
 * @label:	how messages name the profile: its file name, or "stdin"
 * @base_dir:	directory that relative paths in the profile are taken from ("." for stdin)
 * @text, @len:	the JSON, at most PROFILE_SIZE_MAX bytes, UTF-8, no NUL needed
 * @profile:	from profile_init(); receives the command, the secrets to fetch and the storage
 * @err:	"LABEL: PATH: what was expected"
 *
 * Does not call conf_finish(): the caller layers the command line and then finishes.
 * Return: 0, or negative with @err filled (exit code 125); @conf may then be partly set.
 */
int profile_parse(struct conf *conf, const char *label, const char *base_dir, const char *text,
		  size_t len, struct profile *profile, struct sl_err *err);

/**
 * profile_json_load() - @text as JSON, within a profile's limits
 * Size at most PROFILE_SIZE_MAX, no duplicate keys, UTF-8, nested at most PROFILE_DEPTH_MAX
 * deep; jansson's copies of strings are wiped when freed (they may hold passwords).
 * Return: 0 with *@root set (json_decref() it), or negative with @err "LABEL: ..." filled.
 */
int profile_json_load(const char *label, const char *text, size_t len, struct json_t **root,
		      struct sl_err *err);

/* profile_is_sluice_key() - is @key one of a sluice profile's top-level keys? */
bool profile_is_sluice_key(const char *key);

/* profile_free() - wipe and free what profile_parse() stored; @profile is empty again. */
void profile_free(struct profile *profile);

#endif
