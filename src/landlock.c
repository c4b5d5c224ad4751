/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * landlock.c - applies the fast path's Landlock ruleset (see landlock.h).  Owns the kernel
 * interface (the build machine's headers predate Landlock's network rules, so the ABI's
 * structures are spelled out here); does not decide when the ruleset applies.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "landlock.h"

/* From <linux/landlock.h> (Linux 6.7); the ABI only grows, the layout is fixed. */
struct landlock_ruleset_attr_net {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
};
#define LANDLOCK_CREATE_RULESET_VERSION_FLAG (1U << 0)
#define LANDLOCK_NET_BIND_TCP		     (1ULL << 0)
#define LANDLOCK_NET_CONNECT_TCP	     (1ULL << 1)
#define LANDLOCK_NET_ABI		     4

int landlock_net_abi(void)
{
	long abi =
	    syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION_FLAG);

	return abi > 0 ? (int)abi : 0;
}

int landlock_refuse_tcp(struct sl_err *err)
{
	struct landlock_ruleset_attr_net attr = {
	    .handled_access_net = LANDLOCK_NET_BIND_TCP | LANDLOCK_NET_CONNECT_TCP,
	};
	int abi = landlock_net_abi(), ruleset, ret = 0;

	if (!abi)
		return sl_err_set(
		    err, ENOSYS,
		    "the fast path needs Landlock (Linux 6.7 or later), which this kernel lacks or "
		    "does not enable (see its lsm= boot option); run without --fast-path");
	if (abi < LANDLOCK_NET_ABI)
		return sl_err_set(
		    err, ENOSYS,
		    "the fast path needs Landlock's network rules (ABI %d, Linux 6.7); this kernel "
		    "has ABI %d; run without --fast-path",
		    LANDLOCK_NET_ABI, abi);
	ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (ruleset < 0)
		return sl_err_set(err, errno, "cannot create the Landlock ruleset");
	if (syscall(SYS_landlock_restrict_self, ruleset, 0))
		ret = sl_err_set(err, errno, "cannot apply the Landlock ruleset");
	close(ruleset);
	return ret;
}
