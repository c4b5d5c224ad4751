/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * privileges.c - capability and no_new_privs handling through libcap.  Owns the order of the
 * drop (securebits and bounding set need CAP_SETPCAP, so they go before the capset that
 * empties everything); does not filter system calls (seccomp.c).
 */
#include <errno.h>
#include <linux/securebits.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "privileges.h"

int privileges_drop_all(struct sl_err *err)
{
	cap_value_t cap;
	cap_t empty;
	int last;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return sl_err_set(err, errno, "cannot set no_new_privs");

	/* uid 0 inside (as root, or with --map-root) must not regain capabilities on exec. */
	if (cap_set_secbits(SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
			    SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_NO_CAP_AMBIENT_RAISE |
			    SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED))
		return sl_err_set(err, errno, "cannot lock the securebits");

	last = (int)cap_max_bits() - 1;
	for (cap = 0; cap <= last; cap++) {
		if (cap_drop_bound(cap) && errno != EINVAL)
			return sl_err_set(err, errno,
					  "cannot drop capability %d from the bounding set",
					  (int)cap);
	}
	if (cap_reset_ambient())
		return sl_err_set(err, errno, "cannot clear the ambient capabilities");

	empty = cap_init();
	if (!empty)
		return sl_err_set(err, errno, "cannot allocate a capability set");
	if (cap_set_proc(empty)) {
		int e = errno;

		cap_free(empty);
		return sl_err_set(err, e, "cannot clear the capability sets");
	}
	cap_free(empty);
	return 0;
}
