/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * secret_env.c - removes sluice's secrets from its environment (see secret_env.h).  Owns which
 * variables are secret; reading them is cli.c's business.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "secret_env.h"

#define SECRET_PREFIX "SLUICE_PASSWORD"

extern char **environ;

bool secret_env_is_secret(const char *entry, size_t name_len)
{
	size_t prefix = sizeof(SECRET_PREFIX) - 1, i;

	if (name_len < prefix || memcmp(entry, SECRET_PREFIX, prefix))
		return false;
	if (name_len == prefix)
		return true;
	/* SLUICE_PASSWORD_N: '_' and at least one digit, nothing else. */
	if (entry[prefix] != '_' || name_len == prefix + 1)
		return false;
	for (i = prefix + 1; i < name_len; i++)
		if (entry[i] < '0' || entry[i] > '9')
			return false;
	return true;
}

/* Remove @name's entries (NULL: every secret one) from environ, zeroing their values. */
static int scrub(const char *name)
{
	char **from, **to;
	int removed = 0;

	if (!environ)
		return 0;
	/* What unsetenv() does, for every secret at once: close the gap in the array. */
	for (from = to = environ; *from; from++) {
		char *eq = strchr(*from, '=');
		size_t name_len = eq ? (size_t)(eq - *from) : strlen(*from);

		if (name ? strlen(name) != name_len || memcmp(*from, name, name_len)
			 : !secret_env_is_secret(*from, name_len)) {
			*to++ = *from;
			continue;
		}
		if (eq)
			explicit_bzero(eq + 1, strlen(eq + 1));
		removed++;
	}
	*to = NULL;
	return removed;
}

int secret_env_scrub(void)
{
	return scrub(NULL);
}

int secret_env_remove(const char *name)
{
	return scrub(name) > 0;
}
