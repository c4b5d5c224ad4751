/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * cmd_stop.c - `sluice stop NAME [--time SECONDS]`: end a session.  Every process in the
 * sandbox gets SIGTERM, whatever still runs after the grace period SIGKILL; the supervisor
 * then removes everything, and we return once its control socket has closed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmd.h"
#include "control.h"
#include "log.h"
#include "session_client.h"

#define DEFAULT_GRACE  10
#define AFTER_GRACE_MS 10000 /* how long the supervisor may take once it has killed */

static int usage(void)
{
	log_error("usage: sluice stop NAME [--time SECONDS]");
	return SL_EXIT_FAILURE;
}

/* The end of the session: its supervisor closes the connection as it exits. */
static int wait_closed(int fd, int grace, struct sl_err *err)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	char byte;

	for (;;) {
		int ret = poll(&pfd, 1, grace * 1000 + AFTER_GRACE_MS);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret == 0)
			return sl_err_set(err, ETIMEDOUT, "the session did not end in time");
		if (ret < 0 || read(fd, &byte, 1) <= 0)
			return 0;
	}
}

int cmd_stop_main(int argc, char *argv[], enum log_level level)
{
	static char reply[CONTROL_MSG_MAX + 1];
	struct control_request req = {.op = CONTROL_STOP, .grace_seconds = DEFAULT_GRACE};
	const char *name = NULL;
	struct sl_err err;
	int i, fd;

	for (i = 1; i < argc; i++) {
		char *end;

		if (cli_verbosity(argv[i], &level))
			continue;
		if (!strcmp(argv[i], "--time") || !strcmp(argv[i], "-t")) {
			long t = i + 1 < argc ? strtol(argv[i + 1], &end, 10) : -1;

			if (i + 1 >= argc || *end || !argv[i + 1][0] || t < 0 ||
			    t > CONTROL_GRACE_MAX) {
				log_error("stop: --time expects seconds, 0 to %d",
					  CONTROL_GRACE_MAX);
				return SL_EXIT_FAILURE;
			}
			req.grace_seconds = (int)t;
			i++;
		} else if (argv[i][0] == '-' || name) {
			return usage();
		} else {
			name = argv[i];
		}
	}
	log_set_level(level);
	if (!name)
		return usage();
	sl_err_clear(&err);
	fd = session_client_connect(name, &err);
	if (fd < 0 || session_client_request(fd, &req, NULL, 0, reply, NULL, NULL, &err) < 0 ||
	    wait_closed(fd, req.grace_seconds, &err)) {
		if (fd >= 0)
			close(fd);
		log_error("%s", err.msg);
		return SL_EXIT_FAILURE;
	}
	close(fd);
	log_verbose("session '%s' stopped", name);
	return 0;
}
