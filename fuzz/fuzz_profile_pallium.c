/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * fuzz_profile_pallium.c - feeds bytes to profile_pallium_import() and profile_parse() as a
 * pallium profile.  Neither may crash; a refusal names the profile; an import gives text that
 * reads back as a sluice profile (not pallium's), and every note it gives has a path and a
 * reason; `run`'s reading (parse, then conf_finish()) accepts the profile only if import
 * found nothing unsupported.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_targets.h"
#include "profile.h"
#include "profile_pallium.h"

int fuzz_profile_pallium(const uint8_t *data, size_t size)
{
	struct pallium_translation t;
	struct run_options run;
	struct profile profile;
	struct sl_err err;
	struct conf conf;
	bool imported, parsed;
	char *out = NULL;
	size_t i;

	sl_err_clear(&err);
	imported = !profile_pallium_import("f.json", (const char *)data, size, &out, &t, &err);
	if (!imported) {
		assert(!strncmp(err.msg, "f.json", 6));
	} else {
		json_t *back = json_loads(out, 0, NULL);

		assert(back && profile_pallium_detect(back, NULL, NULL) == PROFILE_FORMAT_SLUICE);
		json_decref(back);
		for (i = 0; i < t.n_notes; i++)
			assert(t.notes[i].path[0] && t.notes[i].why);
		free(out);
	}
	conf_init(&conf, &run);
	profile_init(&profile);
	sl_err_clear(&err);
	parsed = !profile_parse(&conf, "f.json", "/d", (const char *)data, size, &profile, &err);
	if (!parsed)
		assert(!strncmp(err.msg, "f.json", 6));
	/* profile_parse() leaves the whole-configuration checks to conf_finish(), as `run` does;
	 * import runs both, so only a profile `run` would go on with must import cleanly. */
	if (parsed && profile.pallium && !conf_finish(&conf, &err))
		assert(imported && !t.n_unsupported);
	if (imported)
		profile_pallium_free(&t);
	profile_free(&profile);
	return 0;
}
