/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * terminal.c - foreground process group and settings of the controlling terminal (see
 * terminal.h).  Owns nothing about signals other than SIGTTOU around tcsetpgrp().
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "log.h"
#include "terminal.h"

void terminal_open(struct terminal *t)
{
	t->foreground = false;
	t->have_settings = false;
	t->program_pgrp = 0;
	t->fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (t->fd < 0)
		return; /* no controlling terminal: scripts, cron, CI */
	t->foreground = tcgetpgrp(t->fd) == getpgrp();
	if (t->foreground && tcgetattr(t->fd, &t->settings) == 0)
		t->have_settings = true;
}

int terminal_set_foreground(int fd, pid_t pgrp)
{
	sigset_t block, old;
	int ret;

	sigemptyset(&block);
	sigaddset(&block, SIGTTOU);
	sigprocmask(SIG_BLOCK, &block, &old);
	ret = tcsetpgrp(fd, pgrp) ? -errno : 0;
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}

void terminal_program_stopped(struct terminal *t)
{
	pid_t fg;

	if (t->fd < 0 || !t->foreground)
		return;
	fg = tcgetpgrp(t->fd);
	if (fg > 0 && fg != getpgrp()) {
		t->program_pgrp = fg;
		terminal_set_foreground(t->fd, getpgrp());
	}
}

void terminal_program_continued(struct terminal *t)
{
	if (t->fd < 0 || !t->program_pgrp)
		return;
	/* After `bg` the shell keeps the terminal; only after `fg` is it ours to hand on. */
	if (tcgetpgrp(t->fd) == getpgrp())
		terminal_set_foreground(t->fd, t->program_pgrp);
	t->program_pgrp = 0;
}

void terminal_restore(struct terminal *t)
{
	if (t->fd < 0)
		return;
	if (t->foreground) {
		int ret = terminal_set_foreground(t->fd, getpgrp());

		if (ret)
			log_debug("cannot take the terminal back: errno %d", -ret);
		if (t->have_settings)
			tcsetattr(t->fd, TCSADRAIN, &t->settings);
	}
	close(t->fd);
	t->fd = -1;
}
