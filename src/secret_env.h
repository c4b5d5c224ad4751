/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * secret_env.h - the environment variables that carry sluice's secrets, and their removal.
 *
 * SLUICE_PASSWORD and SLUICE_PASSWORD_N (N = 1, 2, ...) hold hop passwords.  sluice reads them
 * once (cli_apply_environment()) and then removes them from its own environment, so that no
 * process it starts (the sandbox init, the program, a helper) inherits them.  Their values are
 * also overwritten in place: the kernel shows a process's initial environment block in
 * /proc/PID/environ for as long as the process lives, whatever unsetenv() does to environ.
 * Context: main(), before anything is started.  Not thread-safe (it edits environ).
 */
#ifndef SLUICE_SECRET_ENV_H
#define SLUICE_SECRET_ENV_H

#include <stdbool.h>
#include <stddef.h>

/* secret_env_is_secret() - is @entry ("NAME=VALUE" or "NAME") one of the secret variables? */
bool secret_env_is_secret(const char *entry, size_t name_len);

/**
 * secret_env_scrub() - zero the values of the secret variables in place and unset them
 * Return: the number of variables removed.
 */
int secret_env_scrub(void);

/**
 * secret_env_remove() - zero the value of variable @name in place and unset it
 * For a secret whose name the user chose (a profile's password_env).
 * Return: 1 if it was set, else 0.
 */
int secret_env_remove(const char *name);

#endif
