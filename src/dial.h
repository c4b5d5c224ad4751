/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * dial.h - a helper's program gets its connection to its server as a socket sluice made,
 * instead of making one that the relay then carries.  For programs that can take a connected
 * socket from another program (ssh's ProxyCommand with ProxyUseFdpass): `sluice dial` runs in
 * the helper's stage, resolves the server's name there (through the hops before it, as the
 * helper's own lookups go), and asks the supervisor over a unix socket in the runtime
 * directory; the relay connects through the hops before the helper (relay_dial()) and passes
 * the connected socket back.  Bytes then go from the helper to the first hop in the kernel:
 * the relay copies none of them.
 *
 * The request is one line, "ADDRESS PORT\n" (numeric).  The answer is one byte,
 * DIAL_ANSWER_SOCKET, with the connected socket attached (the far end's first bytes, when they
 * came with a proxy's answer, are still in it: the relay reads answers exactly), or a reset
 * when the connection failed (sluice says why).
 *
 * Owns the wire format and the client; the supervisor's side is helper.c and relay.c.
 */
#ifndef SLUICE_DIAL_H
#define SLUICE_DIAL_H

#include <stddef.h>
#include <sys/socket.h>

#define DIAL_ANSWER_SOCKET 'F'
#define DIAL_REQUEST_MAX   64 /* "ffff:...:ffff 65535\n" fits */
#define DIAL_TIMEOUT_S	   60 /* the relay gives up on a handshake long before */

/**
 * dial_request_format() - "ADDRESS PORT\n" for @sa (AF_INET or AF_INET6) into @buf
 * Return: the length, or -1 for another family or too small a buffer.
 */
int dial_request_format(char *buf, size_t cap, const struct sockaddr *sa);

/**
 * dial_request_parse() - read a request: exactly one line, a numeric IPv4 or IPv6 address, a
 * space, a decimal port 1-65535, "\n"; nothing else
 * Return: 0 with @ss filled, or -1.
 */
int dial_request_parse(const char *buf, size_t len, struct sockaddr_storage *ss);

/**
 * dial_send_socket() - send @byte with @fd attached (SCM_RIGHTS) on the unix socket @channel,
 * without blocking: the relay's answer, and what `sluice dial` gives ssh
 * Return: 0, or -1 with errno set.
 */
int dial_send_socket(int channel, char byte, int fd);

/**
 * dial_recv_socket() - the answer on @channel (readable: poll first), without blocking
 * Return: the connected socket (close-on-exec), -EAGAIN when nothing has come yet, or
 * -ECONNREFUSED when the connection failed (a reset, an end, or anything but the answer).
 */
int dial_recv_socket(int channel);

/**
 * dial_main() - `sluice dial SOCKET HOST PORT`: resolve HOST, ask the supervisor at SOCKET for
 * a connection to each address in turn, and pass the first one it gets on stdout
 * (SCM_RIGHTS), as ssh's ProxyUseFdpass expects.  Messages go to stderr (ssh's log).
 * Return: the exit status: 0, 1 when no address could be reached, 125 for bad arguments.
 */
int dial_main(int argc, char **argv);

#endif
