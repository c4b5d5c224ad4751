/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * privileges.h - drop every privilege before the user's program is exec'd.
 *
 * Context: the program's child, after all setup that needs capabilities.  Afterwards the
 * process holds no capability in any set (bounding, effective, permitted, inheritable,
 * ambient), has no_new_privs set, and the securebits make uid 0 inside gain nothing on exec.
 */
#ifndef SLUICE_PRIVILEGES_H
#define SLUICE_PRIVILEGES_H

#include "err.h"

/* privileges_drop_all() - Return: 0, or negative errno with @err naming the step. */
int privileges_drop_all(struct sl_err *err);

/*
 * privileges_keep_net_admin() - the same, but CAP_NET_ADMIN stays (ambient, so it survives
 * the exec of an ordinary program): for a tunnel program in its stage, which makes its tun
 * device there and holds nothing else.  Return: 0, or negative errno with @err.
 */
int privileges_keep_net_admin(struct sl_err *err);

#endif
