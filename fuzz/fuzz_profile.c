/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * fuzz_profile.c - feeds bytes to profile_parse() as a profile.  It must not crash; a refusal
 * has a message naming the profile; an accepted profile gives a configuration that
 * conf_finish() either accepts or refuses with a message, and a command that is a non-empty
 * argv.
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_targets.h"
#include "profile.h"

int fuzz_profile(const uint8_t *data, size_t size)
{
	struct run_options run;
	struct profile profile;
	struct sl_err err;
	struct conf conf;

	conf_init(&conf, &run);
	profile_init(&profile);
	sl_err_clear(&err);
	if (profile_parse(&conf, "f.json", "/d", (const char *)data, size, &profile, &err)) {
		assert(!strncmp(err.msg, "f.json: ", 8));
	} else {
		size_t i;

		assert(!profile.command || profile.command[0]);
		for (i = 0; i < profile.n_secrets; i++)
			assert(profile.secrets[i].hop < run.n_hops && profile.secrets[i].source);
		sl_err_clear(&err);
		if (conf_finish(&conf, &err))
			assert(err.msg[0]);
	}
	profile_free(&profile);
	return 0;
}
