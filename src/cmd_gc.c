/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * cmd_gc.c - `sluice gc`: remove what sessions whose supervisor was killed left behind, only
 * where sluice can prove it is its own (session.h: the state file parses, and the process it
 * names is gone or another one), and helper directories of sluices that no longer run
 * (runtime_dir.h).  A running session's is never touched; a file sluice cannot judge is named
 * and left alone.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmd.h"
#include "log.h"
#include "runtime_dir.h"
#include "session.h"

int cmd_gc_main(int argc, char *argv[], enum log_level level)
{
	char base[PATH_MAX];
	struct dirent *e;
	size_t removed = 0;
	DIR *dir;
	int i;

	for (i = 1; i < argc && cli_verbosity(argv[i], &level); i++)
		;
	log_set_level(level);
	if (i < argc) {
		log_error("usage: sluice gc");
		return SL_EXIT_FAILURE;
	}
	runtime_dir_base_path(base, sizeof(base));
	dir = opendir(base);
	if (!dir)
		return 0; /* no session ever ran */
	while ((e = readdir(dir))) {
		char name[SESSION_NAME_MAX + 1];
		struct session_state state;
		struct sl_err err;
		int ret;

		if (!session_name_of_file(e->d_name, name))
			continue;
		sl_err_clear(&err);
		ret = session_read(base, name, &state, &err);
		if (ret && ret != -ENOENT) {
			log_warn("left alone: %s", err.msg);
			continue;
		}
		if (session_remove_if_stale(base, name) == 1) {
			removed++;
			log_info("removed session '%s' (its supervisor, pid %ld, is gone)", name,
				 (long)state.pid);
		}
	}
	closedir(dir);
	runtime_dir_remove_stale(base);
	rmdir(base); /* when nothing is left in it */
	if (!removed)
		log_verbose("nothing to remove");
	return 0;
}
