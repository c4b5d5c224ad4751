/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * tiocsti.c - test helper: try to push one character into the terminal on fd 0 with TIOCSTI.
 * Prints "refused: <errno text>" or "injected", so a test can see that the sandbox refuses it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

int main(void)
{
	char c = '#';

	if (ioctl(0, TIOCSTI, &c) < 0) {
		printf("refused: %s\n", strerror(errno));
		return 1;
	}
	printf("injected\n");
	return 0;
}
