#!/bin/bash
# t83_fast_path: --fast-path, first stage (fast_path.h): sluice serves the program's socket
# calls and connections still go through the relay, so every result must be what it is
# without the option.  Checked through the lab's dante and target: the target still sees the
# proxy; servers inside the sandbox still work (bind, listen, connect all served); a privileged
# port stays refused; the interface list a program gets by ioctl is the sandbox's; the
# program runs under the second filter and Landlock (/proc/self/status), and the supervisor
# says it served calls.  The race the design rests on is tested in tests/unit/test_fast_path.c.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lab.sh"

if ! lab_up || ! lab_target_http || ! lab_socks_dante px1 1080; then
	not_ok "the lab comes up"
	done_testing
fi
ok "the lab comes up"

DANTE=socks5://$LAB_PX1:1080
BB=/bin/busybox

# run NAME SLUICE-ARGS... -- CMD...: output in $TMP/NAME.out, sluice's -v in $TMP/NAME.err.
run() {
	local name=$1
	shift
	sl run -v "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
	echo $? >"$TMP/$name.rc"
}
out() { cat "$TMP/$1.out"; }
why() { diag "sluice (exit $(cat "$TMP/$1.rc")) said: $(tail -c 400 "$TMP/$1.err")"; }

run via --fast-path --via "$DANTE" -- curl -s -m 10 "http://$LAB_TARGET/"
check_eq "through dante with --fast-path, the target sees the proxy" "$LAB_PX1" "$(out via)" || why via
check_match "  ... and sluice served the program's calls" 'fast path: [1-9][0-9]* calls served' \
	"$(cat "$TMP/via.err")"
check_eq "  ... the target's log names the proxy" "$LAB_PX1" "$(lab_http_peers | tail -1)"
run plain --via "$DANTE" -- curl -s -m 10 "http://$LAB_TARGET/"
check_eq "anti-test: without it, the same (and no fast path)" "$LAB_PX1:0" \
	"$(out plain):$(grep -c 'fast path' "$TMP/plain.err")"

# The filters the program runs under, and its Landlock domain: Seccomp_filters counts them
# (sluice's own filter, then the fast path's).
filters() { run "$1" "${@:2}" -- $BB sh -c 'grep "^Seccomp_filters" /proc/self/status'; out "$1"; }
check_eq "the program runs under two seccomp filters with --fast-path" "Seccomp_filters:	2" \
	"$(filters f1 --fast-path --via "$DANTE")"
check_eq "anti-test: one without" "Seccomp_filters:	1" "$(filters f0 --via "$DANTE")"

# A server and a client inside: bind, listen, connect and accept, all served.
SERVE='$BB nc -l -p 8080 >"$D/got" & sleep 0.3; echo inside | $BB nc 127.0.0.1 8080; sleep 0.2; cat "$D/got"'
mkdir -p "$TMP/d" && chmod 0777 "$TMP/d"
run srv --fast-path --via "$DANTE" -- env BB=$BB D="$TMP/d" $BB sh -c "$SERVE"
check_eq "a server inside gets a client inside" "inside" "$(out srv)" || why srv

# Port 80 inside: refused to the program as without the option (the supervisor could bind it).
P80='$BB nc -l -p 80 2>&1 | head -1'
run p80 --fast-path --via "$DANTE" -- env BB=$BB $BB sh -c "$P80"
run p80plain --via "$DANTE" -- env BB=$BB $BB sh -c "$P80"
check_match "binding port 80 inside is refused" 'Permission denied' "$(out p80)"
check_eq "anti-test: the same message without --fast-path" "$(out p80plain)" "$(out p80)"

# The interfaces a program lists by ioctl (SIOCGIFCONF, SIOCGIFFLAGS...: busybox ifconfig) are
# the sandbox's, the same with the option as without.
run if1 --fast-path --via "$DANTE" -- $BB ifconfig
run if0 --via "$DANTE" -- $BB ifconfig
check_match "ifconfig lists the sandbox's loopback with --fast-path" '^lo ' "$(out if1)"
check_eq "  ... and the same interfaces as without" "$(grep -o '^[a-z0-9]*' "$TMP/if0.out")" \
	"$(grep -o '^[a-z0-9]*' "$TMP/if1.out")"
check "  ... none of the host's" test -z "$(grep -E '^(eth|ens|enp|br|veth|p-)' "$TMP/if1.out")"

run none --fast-path --net none -- true
check_eq "--fast-path with --net none is refused" 125 "$(cat "$TMP/none.rc")"
check_match "  ... saying why" 'fast-path.*net none' "$(cat "$TMP/none.err")"

done_testing
