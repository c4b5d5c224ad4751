/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test_channel.c - sandbox <-> supervisor messages, with and without fds attached.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "channel.h"

static void message_round_trip(void **state)
{
	struct channel_msg out = {.type = CHANNEL_PROGRAM_EXITED, .value = 42 << 8}, in;
	int pair[2], fds[CHANNEL_MAX_FDS];
	size_t n_fds = 99;

	(void)state;
	assert_int_equal(channel_pair(pair, NULL), 0);
	assert_int_equal(channel_send(pair[1], &out, NULL, 0), 0);
	assert_int_equal(channel_recv(pair[0], &in, fds, &n_fds), 1);
	assert_int_equal(in.type, CHANNEL_PROGRAM_EXITED);
	assert_int_equal(in.value, 42 << 8);
	assert_int_equal(n_fds, 0);
	close(pair[1]);
	assert_int_equal(channel_recv(pair[0], &in, fds, &n_fds), 0); /* end of stream */
	close(pair[0]);
}

/* A passed fd is the same open file on the other side, and arrives close-on-exec. */
static void fds_travel_with_the_message(void **state)
{
	struct channel_msg out = {.type = CHANNEL_READY}, in;
	int pair[2], pipe_fds[2], fds[CHANNEL_MAX_FDS];
	struct stat a, b;
	size_t n_fds = 0;
	char c = 0;

	(void)state;
	assert_int_equal(channel_pair(pair, NULL), 0);
	assert_int_equal(pipe(pipe_fds), 0);
	assert_int_equal(channel_send(pair[1], &out, pipe_fds, 2), 0);
	assert_int_equal(channel_recv(pair[0], &in, fds, &n_fds), 1);
	assert_int_equal(n_fds, 2);
	assert_int_equal(fstat(pipe_fds[0], &a), 0);
	assert_int_equal(fstat(fds[0], &b), 0);
	assert_int_equal(a.st_ino, b.st_ino);
	assert_true(fcntl(fds[0], F_GETFD) & FD_CLOEXEC);
	assert_int_equal(write(fds[1], "z", 1), 1);
	assert_int_equal(read(pipe_fds[0], &c, 1), 1);
	assert_int_equal(c, 'z');
	close(fds[0]);
	close(fds[1]);
	close(pipe_fds[0]);
	close(pipe_fds[1]);
	close(pair[0]);
	close(pair[1]);
}

static void too_many_fds_refused(void **state)
{
	struct channel_msg out = {.type = CHANNEL_READY};
	int fds[CHANNEL_MAX_FDS + 1] = {0};
	int pair[2];

	(void)state;
	assert_int_equal(channel_pair(pair, NULL), 0);
	assert_int_equal(channel_send(pair[1], &out, fds, CHANNEL_MAX_FDS + 1), -EINVAL);
	close(pair[0]);
	close(pair[1]);
}

/* A short message (not a struct channel_msg) is refused, and fds sent with it are closed. */
static void short_message_is_bad(void **state)
{
	struct channel_msg in;
	int pair[2], fds[CHANNEL_MAX_FDS];
	size_t n_fds = 0;

	(void)state;
	assert_int_equal(channel_pair(pair, NULL), 0);
	assert_int_equal(send(pair[1], "xy", 2, 0), 2);
	assert_int_equal(channel_recv(pair[0], &in, fds, &n_fds), -EBADMSG);
	assert_int_equal(n_fds, 0);
	close(pair[0]);
	close(pair[1]);
}

static void error_message_carries_sl_err(void **state)
{
	struct sl_err err = {.errnum = EPERM, .exit_code = 125};
	struct channel_msg in;
	int pair[2], fds[CHANNEL_MAX_FDS];
	size_t n_fds;

	(void)state;
	strcpy(err.msg, "cannot mount /proc");
	assert_int_equal(channel_pair(pair, NULL), 0);
	assert_int_equal(channel_send_error(pair[1], &err), 0);
	assert_int_equal(channel_recv(pair[0], &in, fds, &n_fds), 1);
	assert_int_equal(in.type, CHANNEL_SETUP_FAILED);
	assert_int_equal(in.errnum, EPERM);
	assert_string_equal(in.text, "cannot mount /proc");
	close(pair[0]);
	close(pair[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(message_round_trip),
	    cmocka_unit_test(fds_travel_with_the_message),
	    cmocka_unit_test(too_many_fds_refused),
	    cmocka_unit_test(short_message_is_bad),
	    cmocka_unit_test(error_message_carries_sl_err),
	};

	return cmocka_run_group_tests_name("channel", tests, NULL, NULL);
}
