/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * openvpn_hook.h - `sluice openvpn-hook`, the script openvpn runs in the OpenVPN hop's stage
 * (--up, and in place of any script the user's config names), and the text it sends.
 *
 * openvpn learns the tunnel's address, DNS servers and MTU from its server and hands them to
 * its up script as environment variables (ovpn_config.h, ovpn_env_read()).  The hook sends
 * those variables, one "NAME=VALUE" line each, to the socket named by OPENVPN_HOOK_ENV (in the
 * run's runtime directory, the supervisor's), and exits once the supervisor answers "ok", so
 * openvpn goes on only once sluice knows.  Other script types (down, route-up, ipchange) do
 * nothing: sluice applies the network itself.  Owns the hook's side and the wire text; what
 * the supervisor does with it is hop_openvpn.c's.
 */
#ifndef SLUICE_OPENVPN_HOOK_H
#define SLUICE_OPENVPN_HOOK_H

#include <stddef.h>

#define OPENVPN_HOOK_ENV       "SLUICE_OPENVPN_HOOK"
#define OPENVPN_HOOK_TEXT_MAX  16384
#define OPENVPN_HOOK_VARS_MAX  128
#define OPENVPN_HOOK_TIMEOUT_S 30

/* openvpn_hook_main() - `sluice openvpn-hook [openvpn's arguments]`.  Return: exit status. */
int openvpn_hook_main(void);

/**
 * openvpn_hook_split() - the received text's lines as an envp array, in place; pure
 * @text:	the lines, NUL-terminated; each '\n' becomes a NUL
 * @envp:	receives pointers into @text, then NULL
 * @cap:	entries in @envp, the NULL included
 * Return: the number of variables, or -1 if there are more than @cap - 1.
 */
int openvpn_hook_split(char *text, char **envp, size_t cap);

#endif
