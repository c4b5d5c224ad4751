#!/bin/bash
# t40_security: what the program holds when it starts: no capability, no_new_privs, the
# seccomp filter (TIOCSTI refused), only the fds it was meant to get, only its own processes.
# fast-path-suite: runs again with --fast-path (tests/run)
. "$(dirname "$0")/lib.sh"

status=$(sl run -- cat /proc/self/status)
for set in CapInh CapPrm CapEff CapBnd CapAmb; do
	check_match "$set is empty" "$set:[[:space:]]+0000000000000000" "$status"
done
check_match "no_new_privs is set" 'NoNewPrivs:[[:space:]]+1' "$status"
check_match "a seccomp filter is on" 'Seccomp:[[:space:]]+2' "$status"
status=$(sl run -r -- cat /proc/self/status)
check_match "--map-root: CapEff still empty" 'CapEff:[[:space:]]+0000000000000000' "$status"
check_match "--map-root: CapBnd still empty" 'CapBnd:[[:space:]]+0000000000000000' "$status"
# uid 0 inside gains nothing on exec either: a program exec'd by the program is as poor.
check_match "exec'd again: CapPrm empty" 'CapPrm:[[:space:]]+0000000000000000' \
	"$(sl run -r -- sh -c 'exec cat /proc/self/status')"
check_eq "the program cannot change the host name" "refused" \
	"$(sl run -r -- sh -c 'hostname evil 2>/dev/null && echo changed || echo refused')"
check_eq "the program cannot mount" "refused" \
	"$(sl run -r -- sh -c 'mount -t tmpfs none /mnt 2>/dev/null && echo mounted || echo refused')"

# fds: the test opens 5, 6 and 7; only the one passed with --pass-fd may be seen inside.
fds=$(as_user timeout 30 "$SLUICE" run -- sh -c 'ls /proc/self/fd | sort -n | tr "\n" " "' \
	5</etc/hostname 6</etc/hostname 7</etc/hostname)
check_eq "only 0, 1, 2 inside (3 is ls's own directory)" "0 1 2 3 " "$fds"
fds=$(as_user timeout 30 "$SLUICE" run --pass-fd 6 -- sh -c 'ls /proc/self/fd | sort -n | tr "\n" " "' \
	5</etc/hostname 6</etc/hostname 7</etc/hostname)
check_eq "--pass-fd 6 adds exactly 6" "0 1 2 3 6 " "$fds"
check_eq "a passed fd is usable" "$(cat /etc/hostname)" \
	"$(as_user timeout 30 "$SLUICE" run --pass-fd 6 -- sh -c 'cat <&6' 6</etc/hostname)"
fds=$(as_user timeout 30 "$SLUICE" run -- sh -c 'ls /proc/self/fd | sort -n | tr "\n" " "' <&-)
# ls's own directory takes the lowest free number: 0 if and only if stdin is closed.
check_eq "a closed stdin stays closed" "0 1 2 " "$fds"

# /proc shows the sandbox's processes only: init (1) and the program's own.
procs=$(sl run -- sh -c 'ls -d /proc/[0-9]* | wc -l')
check_match "/proc lists only sandbox processes" '^[2-4]$' "$procs"
check_eq "the host's pid 1 is not visible" "sluice" "$(sl run -- sh -c 'cat /proc/1/comm')"

# TIOCSTI: needs a terminal; script(1) gives the helper one.  The anti-test proves the helper
# can inject without sluice, so "refused" inside is not vacuous.
tiocsti=$HELPERS/tiocsti
if [ ! -x "$tiocsti" ]; then
	skip "TIOCSTI refused" "helper $tiocsti not built"
else
	outside=$(as_user script -qec "$tiocsti" /dev/null </dev/null | tr -d '\r')
	if [[ $outside != *injected* ]]; then
		skip "TIOCSTI refused inside" "TIOCSTI already refused on this host ($outside)"
	else
		ok "anti-test: TIOCSTI works outside sluice"
		inside=$(as_user script -qec "timeout 30 $SLUICE run -- $tiocsti" /dev/null </dev/null | tr -d '\r')
		check_match "TIOCSTI refused inside the sandbox" 'refused: Operation not permitted' "$inside"
	fi
fi

done_testing
