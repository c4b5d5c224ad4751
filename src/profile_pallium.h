/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * profile_pallium.h - pallium's profile format (https://github.com/blechschmidt/pallium,
 * ~/.config/pallium/profiles/NAME.json) read as a sluice profile.
 *
 * Which format a profile is in (profile_pallium_detect()): a JSON object is in pallium's
 * format when its top level holds at least one of "chain", "network", "networking", "run" or
 * "sandbox" and none of sluice's own top-level keys (profile_is_sluice_key()).  Any other
 * object is a sluice profile ({} included).  One holding keys of both is refused: a profile
 * is in one format.
 *
 * Contract:
 * - Pure: text and JSON in memory, no file, no environment.
 * - A pallium profile is translated into the equivalent sluice profile (a JSON object, the
 *   very text `sluice profile import-pallium` writes), and every value mapped is set through
 *   conf_set() (source CONF_FROM_PROFILE) on a scratch configuration as it is translated, so
 *   a bad value is refused by the setter that refuses it on the command line, in a message
 *   naming the pallium path ("p.json: network.chain[0]: ...").  profile.c then reads the
 *   translation as any sluice profile.
 * - Nothing is dropped silently.  What sluice cannot do yet is a note of kind
 *   PALLIUM_NO_EQUIVALENT (`run` refuses the profile and names every such path; import
 *   leaves it out with a warning and lists it in the description); what sluice does its own
 *   way already is a PALLIUM_NOT_NEEDED note (a warning for both).
 * - A profile that is not valid pallium (a hop without a type, an address that is not
 *   HOST:PORT, a wrong JSON type where a value is mapped) is an error for both, exit 125.
 */
#ifndef SLUICE_PROFILE_PALLIUM_H
#define SLUICE_PROFILE_PALLIUM_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define PALLIUM_NOTES_MAX 32
#define PALLIUM_PATH_MAX  128

enum profile_format {
	PROFILE_FORMAT_SLUICE,
	PROFILE_FORMAT_PALLIUM,
	PROFILE_FORMAT_MIXED, /* keys of both: refused */
};

enum pallium_note_kind {
	PALLIUM_NO_EQUIVALENT, /* sluice cannot do it yet: run refuses, import leaves it out */
	PALLIUM_NOT_NEEDED,    /* sluice does it its own way (or more strictly): a warning */
};

/* One pallium key that is not mapped to a sluice key. */
struct pallium_note {
	enum pallium_note_kind kind;
	char path[PALLIUM_PATH_MAX]; /* "sandbox.gvisor", "network.chain[2]" */
	const char *tag;	     /* a word or two for the list in a message ("openvpn hop"), or
				      * NULL */
	const char *why;	     /* for the warning: what sluice does instead, or lacks */
};

struct pallium_translation {
	json_t *sluice; /* the equivalent sluice profile, an object; owned */
	struct pallium_note notes[PALLIUM_NOTES_MAX];
	size_t n_notes;	      /* kept in notes[] */
	size_t n_unsupported; /* PALLIUM_NO_EQUIVALENT notes, also those past notes[] */
	size_t n_lost;	      /* notes that did not fit into notes[] */
};

/**
 * profile_pallium_detect() - which format the top level of a profile is in
 * @root:	the parsed profile (any JSON value; not an object: sluice's, which refuses it)
 * @pallium_key, @sluice_key:	for PROFILE_FORMAT_MIXED, one key of each (may be NULL)
 *
 * Return: the format (the rule is in this file's head).
 */
enum profile_format profile_pallium_detect(const json_t *root, const char **pallium_key,
					   const char **sluice_key);

/**
 * profile_pallium_translate() - the sluice equivalent of a pallium profile
 * @root:	an object profile_pallium_detect() called PROFILE_FORMAT_PALLIUM
 * @label:	how messages name the profile ("p.json")
 * @t:		filled; free with profile_pallium_free() whatever the result
 * @err:	"LABEL: PALLIUM_PATH: what was expected"
 *
 * Return: 0 with @t->sluice set and the notes listed, or negative with @err filled (exit
 * code 125).
 */
int profile_pallium_translate(const json_t *root, const char *label, struct pallium_translation *t,
			      struct sl_err *err);

/* profile_pallium_free() - release @t->sluice (wiping its passwords); @t is empty again. */
void profile_pallium_free(struct pallium_translation *t);

/**
 * profile_pallium_refuse() - `run`'s error for a translation with unsupported keys
 * Names @label and every PALLIUM_NO_EQUIVALENT path ("and N more" past what fits).
 * Return: 0 if @t has none, else negative with @err filled (exit code 125).
 */
int profile_pallium_refuse(const struct pallium_translation *t, const char *label,
			   struct sl_err *err);

/**
 * profile_pallium_warning() - the warning text of one note, into @buf
 * @leave_out:	say "left out" for a PALLIUM_NO_EQUIVALENT note (import)
 */
void profile_pallium_warning(const struct pallium_note *note, const char *label, bool leave_out,
			     char *buf, size_t cap);

/**
 * profile_pallium_import() - `sluice profile import-pallium`: the sluice profile as text
 * @label:	how messages name the input ("x.json")
 * @text, @len:	the pallium profile (limits as for profile_parse())
 * @out:	on success, the sluice profile as indented JSON with a final newline; the caller
 *		wipes (it may hold passwords) and frees it
 * @t:		on success, the notes for the caller's warnings; free with
 *		profile_pallium_free()
 *
 * The output is checked before it is handed back: it is read as a sluice profile and
 * finished (profile_parse(), conf_finish()), so it passes `sluice profile check`.
 * Return: 0, or negative with @err filled (exit code 125): not JSON, not in pallium's
 * format, not valid pallium.
 */
int profile_pallium_import(const char *label, const char *text, size_t len, char **out,
			   struct pallium_translation *t, struct sl_err *err);

#endif
