/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test_identity.c - who the program runs as in root mode: --user, sudo/doas/pkexec, nobody;
 * never uid or gid 0.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pwd.h>
#include <string.h>

#include "identity.h"

/* The environment identity_choose() sees: NAME=VALUE pairs, NULL-terminated. */
static const char *const *fake_env;

static const char *fake_getenv(const char *name)
{
	size_t len = strlen(name);
	const char *const *e;

	for (e = fake_env; e && *e; e++)
		if (!strncmp(*e, name, len) && (*e)[len] == '=')
			return *e + len + 1;
	return NULL;
}

static int choose(const char *user, enum cli_id_map map, const char *const *env,
		  struct identity *id, struct sl_err *err)
{
	struct run_options run;

	memset(&run, 0, sizeof(run));
	run.id_map = map;
	if (user)
		strcpy(run.user, user);
	fake_env = env;
	memset(err, 0, sizeof(*err));
	return identity_choose(&run, fake_getenv, id, err);
}

static void default_is_nobody(void **state)
{
	static const char *const env[] = {"HOME=/root", NULL};
	struct identity id;
	struct sl_err err;

	(void)state;
	assert_int_equal(choose(NULL, ID_MAP_SELF, env, &id, &err), 0);
	assert_int_equal(id.uid, 65534);
	assert_false(id.map_root);
	assert_string_equal(id.chosen_by, "the default user");
}

static void sudo_invoker(void **state)
{
	static const char *const env[] = {"SUDO_UID=64123", "SUDO_GID=64124", NULL};
	struct identity id;
	struct sl_err err;

	(void)state;
	assert_int_equal(choose(NULL, ID_MAP_ROOT, env, &id, &err), 0);
	assert_int_equal(id.uid, 64123);
	assert_int_equal(id.gid, 64124);
	assert_int_equal(id.n_groups, 1);
	assert_int_equal(id.groups[0], 64124);
	assert_true(id.map_root);
	assert_string_equal(id.chosen_by, "SUDO_UID");
}

static void sudo_from_root_or_garbage_is_ignored(void **state)
{
	static const char *const from_root[] = {"SUDO_UID=0", "SUDO_GID=0", NULL};
	static const char *const garbage[] = {"SUDO_UID=12x", "PKEXEC_UID=-5", NULL};
	struct identity id;
	struct sl_err err;

	(void)state;
	assert_int_equal(choose(NULL, ID_MAP_SELF, from_root, &id, &err), 0);
	assert_int_equal(id.uid, 65534);
	assert_int_equal(choose(NULL, ID_MAP_SELF, garbage, &id, &err), 0);
	assert_int_equal(id.uid, 65534);
}

static void sudo_with_group_zero_is_refused(void **state)
{
	static const char *const env[] = {"SUDO_UID=1000", "SUDO_GID=0", NULL};
	struct identity id;
	struct sl_err err;

	(void)state;
	assert_true(choose(NULL, ID_MAP_SELF, env, &id, &err) < 0);
	assert_non_null(strstr(err.msg, "cannot run as root"));
}

static void user_option_wins_over_sudo(void **state)
{
	static const char *const env[] = {"SUDO_UID=64123", NULL};
	struct passwd *daemon_pw = getpwnam("daemon");
	struct identity id;
	struct sl_err err;

	(void)state;
	assert_non_null(daemon_pw);
	assert_int_equal(choose("daemon", ID_MAP_SELF, env, &id, &err), 0);
	assert_int_equal(id.uid, daemon_pw->pw_uid);
	assert_int_equal(id.gid, daemon_pw->pw_gid);
	assert_true(id.has_passwd_entry);
	assert_string_equal(id.name, "daemon");
	assert_true(id.n_groups >= 1);
	assert_string_equal(id.chosen_by, "--user");
	/* By number, the same entry. */
	assert_int_equal(choose("1", ID_MAP_SELF, NULL, &id, &err), 0);
	assert_string_equal(id.name, daemon_pw->pw_name);
}

static void doas_and_pkexec(void **state)
{
	static const char *const doas[] = {"DOAS_USER=daemon", NULL};
	static const char *const doas_root[] = {"DOAS_USER=root", NULL};
	static const char *const pkexec[] = {"PKEXEC_UID=64200", NULL};
	struct identity id;
	struct sl_err err;

	(void)state;
	assert_int_equal(choose(NULL, ID_MAP_SELF, doas, &id, &err), 0);
	assert_string_equal(id.name, "daemon");
	assert_int_equal(choose(NULL, ID_MAP_SELF, doas_root, &id, &err), 0);
	assert_int_equal(id.uid, 65534);
	assert_int_equal(choose(NULL, ID_MAP_SELF, pkexec, &id, &err), 0);
	assert_int_equal(id.uid, 64200);
}

static void root_is_never_chosen(void **state)
{
	struct identity id;
	struct sl_err err;

	(void)state;
	assert_true(choose("root", ID_MAP_ROOT, NULL, &id, &err) < 0);
	assert_non_null(strstr(err.msg, "--user: the program cannot run as root"));
	assert_true(choose("0", ID_MAP_SELF, NULL, &id, &err) < 0);
	assert_true(choose("no-such-user-here", ID_MAP_SELF, NULL, &id, &err) < 0);
	assert_non_null(strstr(err.msg, "no such user"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(default_is_nobody),
	    cmocka_unit_test(sudo_invoker),
	    cmocka_unit_test(sudo_from_root_or_garbage_is_ignored),
	    cmocka_unit_test(sudo_with_group_zero_is_refused),
	    cmocka_unit_test(user_option_wins_over_sudo),
	    cmocka_unit_test(doas_and_pkexec),
	    cmocka_unit_test(root_is_never_chosen),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
