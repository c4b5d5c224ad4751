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

/* no_new_privs, securebits that keep uid 0 from regaining capabilities on exec, and a
 * bounding set of @keep alone (-1: nothing). */
static int lock_down(cap_value_t keep, struct sl_err *err)
{
	unsigned int ambient_lock =
	    keep < 0 ? SECBIT_NO_CAP_AMBIENT_RAISE | SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED : 0;
	cap_value_t cap;
	int last;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return sl_err_set(err, errno, "cannot set no_new_privs");

	/* uid 0 inside (as root, or with --map-root) must not regain capabilities on exec. */
	if (cap_set_secbits(SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
			    SECBIT_NO_SETUID_FIXUP_LOCKED | ambient_lock))
		return sl_err_set(err, errno, "cannot lock the securebits");

	last = (int)cap_max_bits() - 1;
	for (cap = 0; cap <= last; cap++) {
		if (cap != keep && cap_drop_bound(cap) && errno != EINVAL)
			return sl_err_set(err, errno,
					  "cannot drop capability %d from the bounding set",
					  (int)cap);
	}
	if (cap_reset_ambient())
		return sl_err_set(err, errno, "cannot clear the ambient capabilities");
	return 0;
}

int privileges_keep_net_admin(struct sl_err *err)
{
	cap_value_t net_admin = CAP_NET_ADMIN;
	int ret = lock_down(CAP_NET_ADMIN, err);
	cap_t caps;

	if (ret)
		return ret;
	caps = cap_init();
	if (!caps)
		return sl_err_set(err, errno, "cannot allocate a capability set");
	if (cap_set_flag(caps, CAP_PERMITTED, 1, &net_admin, CAP_SET) ||
	    cap_set_flag(caps, CAP_INHERITABLE, 1, &net_admin, CAP_SET) ||
	    cap_set_flag(caps, CAP_EFFECTIVE, 1, &net_admin, CAP_SET) || cap_set_proc(caps)) {
		ret = sl_err_set(err, errno, "cannot keep CAP_NET_ADMIN alone");
	} else if (cap_set_ambient(CAP_NET_ADMIN, CAP_SET)) {
		/* Nothing else can become ambient: the bounding set holds CAP_NET_ADMIN alone. */
		ret = sl_err_set(err, errno, "cannot make CAP_NET_ADMIN ambient");
	}
	cap_free(caps);
	return ret;
}

int privileges_drop_all(struct sl_err *err)
{
	cap_t empty;
	int ret = lock_down(-1, err);

	if (ret)
		return ret;
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
