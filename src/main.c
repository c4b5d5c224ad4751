/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * main.c - sluice's entry point: the table of subcommands (cmd.h).  `run`, `profile`, help
 * and version go to cmd_run.c, whose options cli.c parses; the session commands have a file
 * each.
 */
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "dial.h"
#include "openvpn_hook.h"

/* clang-format off */
static const struct cmd commands[] = {
	{"exec", cmd_exec_main},
	{"shell", cmd_shell_main},
	{"ls", cmd_ls_main},
	{"status", cmd_status_main},
	{"stop", cmd_stop_main},
	{"gc", cmd_gc_main},
	{"cp", cmd_cp_main},
	{"mv", cmd_mv_main},
	{"daemon", cmd_daemon_main},
};
/* clang-format on */

int main(int argc, char *argv[])
{
	enum log_level level = LOG_NORMAL;
	size_t c;
	int i;

	/* Internal: ssh's ProxyCommand in the ssh hop's stage (dial.h).  Takes no option. */
	if (argc >= 2 && !strcmp(argv[1], "dial"))
		return dial_main(argc - 2, argv + 2);
	/* Internal: openvpn's up script in the OpenVPN hop's stage (openvpn_hook.h). */
	if (argc >= 2 && !strcmp(argv[1], "openvpn-hook"))
		return openvpn_hook_main();
	for (i = 1; i < argc && cli_verbosity(argv[i], &level); i++)
		;
	for (c = 0; i < argc && c < sizeof(commands) / sizeof(commands[0]); c++)
		if (!strcmp(argv[i], commands[c].name))
			return commands[c].main(argc - i, argv + i, level);
	return cmd_run_main(argc, argv);
}
