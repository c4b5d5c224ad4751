#!/bin/bash
# t10_basics: what the user sees of the sandbox: ids, host name, /etc files, loopback only,
# environment, working directory, pipes, static binaries, help/version/man.
. "$(dirname "$0")/lib.sh"

check_eq "--version: its first line is the version, VERSION's" "sluice $(cat "$SLUICE_REPO/VERSION")" \
	"$(sl --version | head -1)"
check_match "--help lists the run command" 'run +run PROGRAM' "$(sl --help)"
check_match "run --help documents --hostname" '--hostname NAME' "$(sl run --help)"
check_match "man ./docs/sluice.1 renders" 'sluice run' \
	"$(MANWIDTH=100 man -l "$SLUICE_REPO/docs/sluice.1" 2>/dev/null | col -b)"

if [ "$MODE" = rootless ]; then
	check_eq "uid and gid map to themselves" "$TEST_UID $TEST_UID" "$(sl run -- sh -c 'echo $(id -u) $(id -g)')"
	check_eq "--map-root makes the caller uid 0 inside" "0 0" "$(sl run -r -- sh -c 'echo $(id -u) $(id -g)')"
	check_match "a user namespace of its own" '^ *[0-9]+ +[0-9]+ +1$' "$(sl run -- cat /proc/self/uid_map)"
	check_eq "the outer uid is the one mapped" "$TEST_UID" "$(sl run -- cat /proc/self/uid_map | awk '{print $2}')"
else
	# Root mode never runs the program as the host's uid 0 (t45_root_mode has the escape).
	nobody_ids="$(id -u nobody) $(id -g nobody)"
	check_eq "as root the program runs as nobody by default" "$nobody_ids" \
		"$(env -u SUDO_UID -u DOAS_USER -u PKEXEC_UID "$SLUICE" run -- sh -c 'echo $(id -u) $(id -g)')"
	check_eq "as root, under sudo: the invoking user" "$TEST_UID $TEST_UID" \
		"$(SUDO_UID=$TEST_UID SUDO_GID=$TEST_UID "$SLUICE" run -- sh -c 'echo $(id -u) $(id -g)')"
	check_eq "as root, --user: that user" "$(id -u daemon) $(id -g daemon)" \
		"$("$SLUICE" run --user daemon -- sh -c 'echo $(id -u) $(id -g)')"
	check_eq "--user daemon sets HOME, USER and LOGNAME" "$(getent passwd daemon | cut -d: -f6) daemon daemon" \
		"$("$SLUICE" run --user daemon -- sh -c 'echo $HOME $USER $LOGNAME')"
	check_match "--user root is refused" 'cannot run as root' "$("$SLUICE" run --user root -- true 2>&1)"
	check_match "--user of nobody known is refused" 'no such user' "$("$SLUICE" run --user no-such-user-x -- true 2>&1)"
	check_eq "--map-root as root: uid 0 inside" "0 0" "$("$SLUICE" run -r -- sh -c 'echo $(id -u) $(id -g)')"
	check_eq "--map-root as root: uid 0 is nobody outside" "0 $(id -u nobody) 1" \
		"$("$SLUICE" run -r -- cat /proc/self/uid_map | awk '{print $1, $2, $3}')"
	check_eq "as root without --map-root no user namespace is made" "$(readlink /proc/self/ns/user)" \
		"$(sl run -- readlink /proc/self/ns/user)"
fi
if [ "$MODE" = rootless ]; then
	check_match "rootless, --user is refused" 'only root can run the program as another user' \
		"$(sl run --user daemon -- true 2>&1)"
fi

for ns in net mnt pid uts ipc; do
	outer=$(as_user readlink /proc/self/ns/$ns)
	inner=$(sl run -- readlink /proc/self/ns/$ns)
	if [ -n "$inner" ] && [ "$inner" != "$outer" ]; then ok "new $ns namespace"; else not_ok "new $ns namespace ($inner)"; fi
done

check_eq "default host name" "sluice" "$(sl run -- hostname)"
check_eq "--hostname sets it" "box-1.test" "$(sl run --hostname box-1.test -- hostname)"
check_eq "host name outside is unchanged" "$(hostname)" "$(hostname)"

hosts_before=$(sha256sum /etc/hosts /etc/resolv.conf)
check_match "/etc/hosts inside names the host" $'127.0.1.1\tbox' "$(sl run --hostname box -- cat /etc/hosts)"
check_match "/etc/resolv.conf inside is sluice's" 'written by sluice' "$(sl run -- cat /etc/resolv.conf)"
check_eq "the host's /etc files are untouched" "$hosts_before" "$(sha256sum /etc/hosts /etc/resolv.conf)"
check_match "the program can still read other host files" '^root:' "$(sl run -- head -1 /etc/passwd)"

links=$(sl run --net none -- ip -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')
check_eq "--net none: only loopback inside" "lo " "$links"
check_match "loopback is up" 'LOOPBACK,UP' "$(sl run --net none -- ip -o link show lo)"
check_eq "--net none: no route to anywhere" "" "$(sl run --net none -- ip route show)"
links=$(sl run -- ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | sort | tr '\n' ' ')
check_eq "relayed: loopback and the internal link, nothing else" "lo sluice0 sluice1 " "$links"
check_match "relayed: the default route is the internal link" '^default via 198.18.0.2 dev sluice0' \
	"$(sl run -- ip route show default)"
out=$(sl run -- /bin/busybox sh -c '/bin/busybox nc -l -p 4321 & l=$!
	for i in 1 2 3 4 5 6 7 8 9 10; do
		echo via-lo | /bin/busybox nc -w 1 127.0.0.1 4321 && break; sleep 0.1
	done; wait $l')
check_eq "loopback carries TCP traffic" "via-lo" "$out"

check_eq "environment passes through" "bar baz" "$(FOO=bar BAR=baz sl run -- sh -c 'echo $FOO $BAR')"
check_eq "working directory is kept" "$TMP" "$(cd "$TMP" && sl run -- pwd)"
check_eq "stdin from a pipe" "hi" "$(echo hi | sl run -- cat)"
printf 'line1\nline2\n' >"$TMP/in.txt"
check_eq "stdin from a file, stdout to a file" "2" \
	"$(sl run -- wc -l <"$TMP/in.txt" >"$TMP/out.txt"; cat "$TMP/out.txt")"
check_eq "stderr passes through" "oops" "$(sl run -- sh -c 'echo oops >&2' 2>&1 >/dev/null)"
check_eq "large output through a pipe is intact" "$(seq 1 200000 | sha256sum)" \
	"$(sl run -- seq 1 200000 | sha256sum)"

if [ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1; then
	check_eq "a static binary runs (busybox)" "static-ok" "$(sl run -- /bin/busybox echo static-ok)"
	check_eq "a static binary sees the sandbox host name" "sluice" "$(sl run -- /bin/busybox hostname)"
else
	skip "a static binary runs (busybox)" "no static /bin/busybox (install busybox-static)"
	skip "a static binary sees the sandbox host name" "no static /bin/busybox"
fi

done_testing
