/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * nsswitch.c - writes the sandbox's /etc/nsswitch.conf text (see nsswitch.h).  Owns which
 * lines change; putting the file in place is mounts.c's business.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "nsswitch.h"

static const char header[] = "# the host's /etc/nsswitch.conf, with its hosts: line replaced by "
			     "sluice for this sandbox\n";

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Is the line [line, end) a "hosts:" line? */
static bool is_hosts_line(const char *line, const char *end)
{
	static const char name[] = "hosts";
	size_t n = sizeof(name) - 1;

	while (line < end && is_blank(*line))
		line++;
	if ((size_t)(end - line) < n || memcmp(line, name, n))
		return false;
	line += n;
	while (line < end && is_blank(*line))
		line++;
	return line < end && *line == ':';
}

static bool append(char *out, size_t cap, size_t *at, const char *text, size_t len)
{
	if (len >= cap - *at)
		return false;
	memcpy(out + *at, text, len);
	*at += len;
	out[*at] = '\0';
	return true;
}

int nsswitch_rewrite(const char *host, size_t len, char *out, size_t cap)
{
	const char *end, *line;
	bool replaced = false;
	size_t at = 0;

	if (cap == 0)
		return -1;
	out[0] = '\0';
	end = memchr(host, '\0', len);
	if (!end)
		end = host + len;
	if (!append(out, cap, &at, header, sizeof(header) - 1))
		return -1;
	for (line = host; line < end;) {
		const char *newline = memchr(line, '\n', (size_t)(end - line));
		const char *next = newline ? newline + 1 : end;
		bool ok;

		if (is_hosts_line(line, newline ? newline : end)) {
			ok = append(out, cap, &at, NSSWITCH_HOSTS_LINE,
				    sizeof(NSSWITCH_HOSTS_LINE) - 1);
			replaced = true;
		} else {
			ok = append(out, cap, &at, line, (size_t)(next - line));
			if (ok && !newline)
				ok = append(out, cap, &at, "\n", 1);
		}
		if (!ok)
			return -1;
		line = next;
	}
	if (!replaced &&
	    !append(out, cap, &at, NSSWITCH_HOSTS_LINE, sizeof(NSSWITCH_HOSTS_LINE) - 1))
		return -1;
	return (int)at;
}

int nsswitch_for_sandbox(char *out, size_t cap)
{
	char host[NSSWITCH_TEXT_MAX];
	size_t len = 0;
	ssize_t n;
	int fd, ret;

	fd = open("/etc/nsswitch.conf", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	while (len < sizeof(host) && (n = read(fd, host + len, sizeof(host) - len)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			close(fd);
			return ret;
		}
		len += (size_t)n;
	}
	close(fd);
	if (len == sizeof(host))
		return -EFBIG;
	ret = nsswitch_rewrite(host, len, out, cap);
	return ret < 0 ? -EFBIG : ret;
}
