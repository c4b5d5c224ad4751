#!/bin/bash
# t41_hardening: sockets a network namespace does not confine, and what the sandbox init holds.
#   - the seccomp filter refuses socket()/socketpair() for every family but AF_UNIX, AF_INET,
#     AF_INET6 and AF_NETLINK with EAFNOSUPPORT (AF_VSOCK is shared with the host), also
#     through the x32 and 32-bit x86 entry points, and io_uring with EPERM;
#   - the init (pid 1 inside) keeps none of the fds sluice inherited (a host-netns socket
#     among them) and is not dumpable.
# Every "refused inside" is paired with the same probe outside, which must get something else
# (or the refusal could be the kernel's, not the filter's).
# fast-path-suite: runs again with --fast-path (tests/run)
. "$(dirname "$0")/lib.sh"

probe=$HELPERS/sock_probe
inside() { sl run --net none -- "$probe" "$@" 2>&1; }
outside() { as_user "$probe" "$@" 2>&1; }

# --- address families ---
proved=0
for family in vsock packet alg key; do
	out=$(outside socket $family)
	if [ "$out" = ok ]; then
		proved=$((proved + 1))
		ok "anti-test: socket($family) works outside sluice"
		check_eq "socket($family) inside: EAFNOSUPPORT" EAFNOSUPPORT "$(inside socket $family)"
	else
		diag "socket($family) outside gets $out here: no proof for it"
	fi
done
check "at least one refused family exists outside, so the refusal is proven" test $proved -ge 1
check_eq "socket(vsock) inside: EAFNOSUPPORT (whatever the kernel has)" EAFNOSUPPORT \
	"$(inside socket vsock)"
out=$(outside socketpair vsock)
check "anti-test: socketpair(vsock) outside gets the kernel's answer ($out)" \
	test "$out" != EAFNOSUPPORT
check_eq "socketpair(vsock) inside: EAFNOSUPPORT" EAFNOSUPPORT "$(inside socketpair vsock)"
for family in unix inet inet6 netlink; do
	check_eq "socket($family) inside still works" ok "$(inside socket $family)"
done
check_eq "socketpair(unix) inside still works" ok "$(inside socketpair unix)"

# x32: this kernel may lack the ABI (ENOSYS outside); the filter answers before the kernel
# does, so inside a refused family gets EAFNOSUPPORT and an allowed one the kernel's answer.
x32_out=$(outside x32-socket inet)
if [ "$x32_out" = ok ] || [ "$x32_out" = ENOSYS ]; then
	check_eq "x32 socket(inet) inside: what it gets outside" "$x32_out" "$(inside x32-socket inet)"
	check_eq "x32 socket(vsock) inside: EAFNOSUPPORT" EAFNOSUPPORT "$(inside x32-socket vsock)"
else
	not_ok "x32 probe outside gives ok or ENOSYS (got: $x32_out)"
fi

# 32-bit x86 (int $0x80): where the kernel offers it to this process.
i386_out=$(outside i386-socket inet)
if [ "$i386_out" = ok ]; then
	ok "anti-test: the 32-bit socket(inet) works outside"
	check_eq "32-bit socket(inet) inside works" ok "$(inside i386-socket inet)"
	check_eq "32-bit socket(vsock) inside: EAFNOSUPPORT" EAFNOSUPPORT "$(inside i386-socket vsock)"
	check_eq "anti-test: 32-bit socketcall(inet) works outside" ok "$(outside i386-socketcall inet)"
	check_eq "32-bit socketcall(SYS_SOCKET) inside: EAFNOSUPPORT" EAFNOSUPPORT \
		"$(inside i386-socketcall inet)"
else
	# Not a skip: there is no 32-bit entry point here, so nothing to get through it either.
	diag "no 32-bit x86 system calls on this kernel for this process (probe: '$i386_out'); not probed"
fi

# --- io_uring ---
out=$(outside io_uring)
check_eq "anti-test: io_uring_setup works outside sluice" ok "$out"
check_eq "io_uring_setup inside: EPERM" EPERM "$(inside io_uring)"

# --- the init's fds and dumpability ---
# sluice inherits a listening TCP socket of the test's netns on fd 9.  The supervisor keeps it
# (anti-test: visible in its /proc/PID/fd); the init, a copy of the supervisor, must not.
marker="sleep 25.$RANDOM"
as_user timeout -k 5 30 "$probe" listen-exec 9 "$SLUICE" run -- $marker >/dev/null 2>&1 &
bg=$!
cleanup_push "kill_tree $bg"
if wait_until 20 pgrep -xf "$marker" >/dev/null; then
	program=$(pgrep -xf "$marker")
	init=$(awk '{print $4}' "/proc/$program/stat")
	supervisor=$(awk '{print $4}' "/proc/$init/stat")
	check_eq "the init and the supervisor are sluice" "sluice sluice" \
		"$(cat "/proc/$init/comm") $(cat "/proc/$supervisor/comm")"
	sock=$(readlink "/proc/$supervisor/fd/9")
	check_match "anti-test: the supervisor holds the inherited socket on fd 9" '^socket:' "$sock"
	init_fds=$(for f in /proc/$init/fd/*; do readlink "$f"; done)
	check "the init does not hold it" eval '[ -n "$sock" ] && ! grep -qxF "$sock" <<<"$init_fds"'
	check "... nor does the program" eval '! ls -l /proc/$program/fd | grep -qF "$sock"'
	# Its fds: 0-2, the channel, the signalfd (and a terminal, which this test has none of).
	check_match "the init holds only its own few fds" '^[3-6]$' \
		"$(ls "/proc/$init/fd" | wc -l)"
	# Not dumpable: its /proc files belong to (host) root even where it runs as another user.
	if [ "$MODE" = rootless ]; then
		check_eq "anti-test: the supervisor's /proc/PID/environ belongs to the user" \
			"$TEST_UID" "$(stat -c %u "/proc/$supervisor/environ")"
		check_eq "the init's /proc/PID/environ belongs to root (not dumpable)" 0 \
			"$(stat -c %u "/proc/$init/environ")"
	fi
else
	not_ok "sluice runs with an inherited socket on fd 9"
fi
kill_tree $bg
wait $bg 2>/dev/null

# From inside, the init's fds are out of reach (their numbers may show where the program has
# the init's uid, never what they are); the program's own are not (anti-test).
reach='for f in /proc/$0/fd/*; do readlink "$f" 2>&1 || echo "$f: unreadable"; done'
out=$(sl run -- sh -c "$reach" self)
check_match "anti-test: the program reads its own fds' targets" '(/dev/|pipe:|socket:)' "$out"
out=$(sl run -- sh -c "$reach" 1)
check "the program cannot read what the init's fds are" \
	eval '[[ $out =~ (denied|unreadable) ]] && ! [[ $out =~ (/dev/|pipe:|socket:|anon_inode) ]]'
[[ $out =~ (/dev/|pipe:|socket:|anon_inode) ]] && diag "got: $out"
if [ "$MODE" = rootless ]; then
	out=$(sl run -r -- sh -c "$reach" 1)
	check "... nor as uid 0 inside (--map-root)" \
		eval '[[ $out =~ (denied|unreadable) ]] && ! [[ $out =~ (/dev/|pipe:|socket:|anon_inode) ]]'
fi

done_testing
