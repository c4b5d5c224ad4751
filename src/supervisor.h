/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * supervisor.h - `sluice run`: the process that stays in the user's own namespaces.
 *
 * It clones the sandbox, mirrors the program's life to the caller (signals in, stops and exit
 * status out, the terminal restored), and will run the relay's event loop.
 */
#ifndef SLUICE_SUPERVISOR_H
#define SLUICE_SUPERVISOR_H

#include "cli.h"
#include "err.h"

/**
 * supervisor_run() - run the program described by @run in a new sandbox
 * Return: the exit code for `sluice run` (the program's status, 126/127 for a failed exec),
 * or negative if sluice failed, with @err filled (its exit_code is 125).
 */
int supervisor_run(const struct run_options *run, struct sl_err *err);

#endif
