#!/bin/bash
# t83_fast_path: --fast-path (fast_path.h, docs/fast-path.md): sluice serves the program's
# socket calls, and hands a connection through the hops over to the program in place of its
# own socket.  Checked through the lab's dante and target: the target still sees the proxy,
# and the connection was handed over (also with no hop at all); a server that speaks first is heard, through dante and
# through a proxy that sends the server's first bytes with its reply (socks_eager, whole and
# byte by byte); the handed-over socket (a host socket) gives the program no way out: its
# names are the asked destination and the sandbox's address, reconnecting it (also after an
# AF_UNSPEC disconnect), bind, listen, SIOCGIFCONF and TCP Fast Open are refused, and the
# leak target sees nothing (anti-test: the same probe without sluice reaches it); servers
# inside the sandbox still work (bind, listen, connect all served); a privileged port stays
# refused; the interface list a program gets by ioctl is the sandbox's; the program runs
# under the second filter and Landlock (/proc/self/status); a program `sluice exec`
# starts in such a session runs under it too, and is refused the same ways out; `sluice cp`
# joins as it is; a program waiting on a silent hop still ends at once on SIGTERM.  The race
# the design rests on is tested in tests/unit/test_fast_path.c.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lab.sh"

BANNER="echo banner-of-target; sleep 2"
if ! lab_up || ! lab_target_http || ! lab_socks_dante px1 1080 ||
	! lab_start target 2525 banner socat TCP-LISTEN:2525,fork,reuseaddr "SYSTEM:$BANNER" ||
	! lab_start px3 1081 socks-eager "$HELPERS/socks_eager" 0.0.0.0 1081 ||
	! lab_start px3 1082 socks-dribble "$HELPERS/socks_eager" --dribble 0.0.0.0 1082; then
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
check_match "  ... and handed the connection over" \
	"tcp $LAB_TARGET:80 via socks5 [^ ]+: connected, handed over to the program" "$(cat "$TMP/via.err")"
check_match "  ... once" 'fast path: [0-9]+ calls served, 1 connections handed over' "$(cat "$TMP/via.err")"
check_eq "  ... the target's log names the proxy" "$LAB_PX1" "$(lab_http_peers | tail -1)"
run plain --via "$DANTE" -- curl -s -m 10 "http://$LAB_TARGET/"
check_eq "anti-test: without it, the same (and no fast path)" "$LAB_PX1:0" \
	"$(out plain):$(grep -c 'fast path' "$TMP/plain.err")"

# The direct uplink (no --via) hands over too: the target sees the client's own address.
run direct --fast-path -- curl -s -m 10 "http://$LAB_TARGET/"
check_eq "with no hop, the target sees the client" "$LAB_CLIENT" "$(out direct)" || why direct
check_match "  ... and the connection was handed over" \
	"tcp $LAB_TARGET:80 direct: connected, handed over to the program" "$(cat "$TMP/direct.err")"

# A server that speaks first: its banner is the program's, also when the proxy sends it with
# its reply (read exactly, it stays in the socket handed over), whole or a byte at a time.
for px in "$DANTE" "socks5://$LAB_PX3:1081" "socks5://$LAB_PX3:1082"; do
	run banner --fast-path --via "$px" -- timeout 5 $BB nc "$LAB_TARGET" 2525
	check_eq "a server that speaks first, through $px: its banner" "banner-of-target" \
		"$(out banner)" || why banner
	check_match "  ... handed over" 'handed over to the program' "$(cat "$TMP/banner.err")"
done

# The handed-over socket is a host socket: every way out it offers is closed.  The leak
# target is the echo server (it logs its peers); the probe connects to the HTTP port.
PROBE=("$HELPERS/host_socket_probe" "$LAB_TARGET" 80 "$LAB_TARGET" "$LAB_ECHO_PORT")
leaks() { lab_echo_peers | grep -c "^tcp $LAB_CLIENT\$"; }
n0=$(leaks)
native=$(as_user timeout 10 "${PROBE[@]}")
check_match "anti-test: without sluice, a disconnected socket connects again" \
	'after-unspec (ok|EINPROGRESS)' "$native"
check_match "anti-test: ... and TCP Fast Open connects a fresh one" 'fastopen ok' "$native"
check "anti-test: ... and the leak target sees the client" wait_until 5 test "$(leaks)" -gt "$n0"
n0=$(leaks)
run probe --fast-path --via "$DANTE" -- timeout 10 "${PROBE[@]}"
check_match "the probe connects through sluice" '^connect ok' "$(out probe)" || why probe
check_match "  ... handed over" 'handed over to the program' "$(cat "$TMP/probe.err")"
check_eq "  ... getpeername: the destination asked, not the proxy" "peer $LAB_TARGET:80" \
	"$(grep '^peer' "$TMP/probe.out")"
check_match "  ... getsockname: the sandbox's address, not the host's" \
	'^local 198\.18\.0\.1:[0-9]+$' "$(grep '^local' "$TMP/probe.out")"
check_eq "  ... connect again: refused" "reconnect EISCONN" "$(grep '^reconnect' "$TMP/probe.out")"
check_eq "  ... after an AF_UNSPEC disconnect too" "after-unspec EISCONN" \
	"$(grep '^after-unspec' "$TMP/probe.out")"
check_eq "  ... bind: refused" "bind EINVAL" "$(grep '^bind' "$TMP/probe.out")"
check_eq "  ... listen: refused" "listen EOPNOTSUPP" "$(grep '^listen' "$TMP/probe.out")"
check_eq "  ... SIOCGIFCONF: refused" "ifconf ENOTTY" "$(grep '^ifconf' "$TMP/probe.out")"
check_eq "  ... TCP Fast Open: refused" "fastopen EOPNOTSUPP" "$(grep '^fastopen' "$TMP/probe.out")"
sleep 0.5
check_eq "  ... and the leak target saw nothing from the client" "$n0" "$(leaks)"

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

# A session with --fast-path: a program `sluice exec` starts runs under the fast path too
# (else the first program could pass it a host socket to use freely), served by the
# session; `sluice cp` runs no program and may join as it is.
S=t83s$$
as_user timeout -k 5 90 "$SLUICE" run -v --name "$S" --fast-path --via "$DANTE" -- sleep 60 \
	</dev/null >"$TMP/session.out" 2>"$TMP/session.err" &
SPID=$!
cleanup_push "kill_tree $SPID"
if wait_until 10 eval 'sl ls --json 2>/dev/null | grep -q "\"name\": \"$S\""'; then
	sl exec "$S" -- curl -s -m 10 "http://$LAB_TARGET/" >"$TMP/exec.out" 2>&1
	check_eq "sluice exec into a --fast-path session: the target sees the proxy" "$LAB_PX1" \
		"$(cat "$TMP/exec.out")"
	check_match "  ... the session serves the joined program" \
		'fast path: serving a program sluice exec started' "$(cat "$TMP/session.err")"
	check_match "  ... and handed its connection over (the first program makes none)" \
		"tcp $LAB_TARGET:80 via socks5 [^ ]+: connected, handed over to the program" \
		"$(cat "$TMP/session.err")"
	check_eq "  ... under both filters" "Seccomp_filters:	2" \
		"$(sl exec "$S" -- $BB sh -c 'grep "^Seccomp_filters" /proc/self/status')"
	n0=$(leaks)
	sl exec "$S" -- timeout 10 "${PROBE[@]}" >"$TMP/xprobe.out" 2>&1
	check_match "  ... its host socket: connected" '^connect ok' "$(cat "$TMP/xprobe.out")"
	check_eq "  ... getpeername: the destination asked" "peer $LAB_TARGET:80" \
		"$(grep '^peer' "$TMP/xprobe.out")"
	check_eq "  ... connect again after an AF_UNSPEC disconnect: refused" "after-unspec EISCONN" \
		"$(grep '^after-unspec' "$TMP/xprobe.out")"
	check_eq "  ... TCP Fast Open: refused" "fastopen EOPNOTSUPP" "$(grep '^fastopen' "$TMP/xprobe.out")"
	sleep 0.5
	check_eq "  ... and the leak target saw nothing from the client" "$n0" "$(leaks)"
	# sluice cp runs no program in there: its child copies regular files only.
	mkdir -m 0777 "$TMP/cp"
	echo "copied-$$" >"$TMP/cp/in.txt"
	sl cp "$TMP/cp/in.txt" "$S:$TMP/cp/inside.txt" >"$TMP/cp.out" 2>&1
	check_eq "sluice cp into it works" 0 "$?" || diag "$(cat "$TMP/cp.out")"
	sl cp "$S:$TMP/cp/inside.txt" "$TMP/cp/back.txt" >>"$TMP/cp.out" 2>&1
	check_eq "  ... both ways" "copied-$$" "$(cat "$TMP/cp/back.txt" 2>&1)" || diag "$(cat "$TMP/cp.out")"
	sl stop --time 1 "$S" >/dev/null 2>&1
else
	not_ok "a --fast-path session starts"
	diag "$(cat "$TMP/session.err")"
fi

# While a hand-over waits on a hop, sluice stays responsive and the program killable: a proxy
# that accepts and never answers holds the connect() for the relay's 15 s limit, and SIGTERM
# to sluice (forwarded to curl, which it kills) ends the run well before that.
silent_held() { [ -n "$(lab_exec px3 ss -Htn state established '( sport = :1083 )' 2>/dev/null)" ]; }
if lab_start px3 1083 silent socat TCP-LISTEN:1083,fork,reuseaddr "SYSTEM:sleep 60"; then
	sl run --fast-path --via "socks5://$LAB_PX3:1083" -- curl -s -m 60 "http://$LAB_TARGET/" \
		>"$TMP/silent.out" 2>&1 &
	job=$!
	cleanup_push "kill_tree $job"
	if wait_until 10 silent_held; then
		sleep 0.5
		pid=$(pgrep -f "^$SLUICE_BINARY run --fast-path --via socks5://$LAB_PX3:1083" | head -1)
		start=$SECONDS
		kill -TERM "$pid"
		wait "$job"
		rc=$?
		check_eq "a program waiting on a silent hop: SIGTERM ends it (128 + 15)" 143 "$rc" ||
			diag "$(tail -c 300 "$TMP/silent.out")"
		check "  ... within 5 s (the hop's limit is 15 s)" [ $((SECONDS - start)) -le 5 ]
	else
		not_ok "the silent proxy gets the connection"
		diag "$(tail -c 300 "$TMP/silent.out")"
	fi
	lab_kill px3:1083
else
	not_ok "a silent proxy starts"
fi

run none --fast-path --net none -- true
check_eq "--fast-path with --net none is refused" 125 "$(cat "$TMP/none.rc")"
check_match "  ... saying why" 'fast-path.*net none' "$(cat "$TMP/none.err")"

done_testing
