#!/bin/bash
# t96_publish: --publish [ADDR:]HOSTPORT:SANDBOXPORT[/udp].  A server inside the sandbox (the
# echo_server helper, which logs each peer's address) is reached by host clients through the
# published ports, TCP and UDP, IPv4 and IPv6, and sees them come from its own loopback.  A
# port that is not published is not reachable, and the same port is when published (the
# anti-test).  A published port with nothing listening inside resets the client at once (the
# same probe on a served port gets its data back).  The program cannot use a published port
# to reach the host.  Bad values and a host port in use exit 125 with nothing started.
. "$(dirname "$0")/lib.sh"

ECHO=$HELPERS/echo_server
# Host ports in the suite's private netns; sandbox ports in the sandbox's own.  Below the
# kernel's ephemeral range (32768 and up), which a client's connection may take at any time.
base=$((20000 + ($$ % 1500) * 8))
H1=$((base + 1)) H2=$((base + 2)) H3=$((base + 3)) H4=$((base + 4)) H5=$((base + 5))
H6=$((base + 6)) H7=$((base + 7))
A=7001 B=7002 NOTHING=7003

SBX_PID=""
# start SLUICE-RUN-ARGS...: a sandbox in the background; stop: end it (by its pid) and wait.
start() {
	sl run "$@" >"$TMP/bg.out" 2>"$TMP/bg.err" </dev/null &
	SBX_PID=$!
	cleanup_push "kill_tree $SBX_PID"
}
stop() {
	[ -n "$SBX_PID" ] || return 0
	kill_tree "$SBX_PID"
	wait "$SBX_PID" 2>/dev/null
	SBX_PID=""
}
# slrun ARGS...: sluice run in the foreground; sets SL_RC, SL_ERR.
slrun() {
	sl run "$@" >"$TMP/sl.out" 2>"$TMP/sl.err" </dev/null
	SL_RC=$?
	SL_ERR=$(cat "$TMP/sl.err")
}
# socat's address of ADDR:PORT: TCP, TCP6, UDP or UDP6.
addr_of() {
	local proto=$1 addr=$2 port=$3
	case $addr in
	*:*) echo "${proto}6:[$addr]:$port" ;;
	*) echo "$proto:$addr:$port" ;;
	esac
}
# tcp_echo ADDR PORT TEXT / udp_echo ADDR PORT TEXT: what comes back from the host side.
tcp_echo() { printf '%s' "$3" | timeout 10 socat -t 3 - "$(addr_of TCP "$1" "$2")" 2>/dev/null; }
udp_echo() { printf '%s' "$3" | timeout 10 socat -t 1 - "$(addr_of UDP "$1" "$2")" 2>/dev/null; }
answers() { [ "$(tcp_echo "$1" "$2" ping)" = ping ]; }
# probe ADDR PORT: connect, send a byte, read one: "data", "reset", "refused", "eof" or "hang",
# then the milliseconds it took.
probe() {
	timeout 15 python3 - "$1" "$2" <<'PY'
import socket, sys, time
start = time.monotonic()
try:
    s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
    s.settimeout(5)
    s.sendall(b"x")
    result = "data" if s.recv(1) else "eof"
except ConnectionResetError:
    result = "reset"
except ConnectionRefusedError:
    result = "refused"
except socket.timeout:
    result = "hang"
print(result, int((time.monotonic() - start) * 1000))
PY
}

# One sandbox: the echo server on A (TCP and UDP, logging peers) and on B (not published);
# A published four ways; NOTHING published with no server behind it.
: >"$TMP/a.log"
chmod 0666 "$TMP/a.log"
start --publish "127.0.0.1:$H1:$A" --publish "[::1]:$H2:$A" --publish "$H3:$A/udp" \
	--publish "[::1]:$H4:$A/udp" --publish "$H5:$NOTHING" \
	-- sh -c "$ECHO -p $A -u -l $TMP/a.log & $ECHO -p $B & wait"
if ! wait_until 15 answers 127.0.0.1 "$H1"; then
	not_ok "a host client reaches the server inside through 127.0.0.1:$H1 (tcp)"
	diag "sluice said: $(head -c 600 "$TMP/bg.err")"
else
	ok "a host client reaches the server inside through 127.0.0.1:$H1 (tcp)"
fi
check_eq "... over IPv6: [::1]:$H2 (tcp)" hello6 "$(tcp_echo ::1 "$H2" hello6)"
check_eq "... UDP over IPv4: 127.0.0.1:$H3/udp" dgram4 "$(udp_echo 127.0.0.1 "$H3" dgram4)"
check_eq "... UDP over IPv6: [::1]:$H4/udp" dgram6 "$(udp_echo ::1 "$H4" dgram6)"
# Half-close and backpressure: 8 MB up, the whole echo back, the client's EOF passed on.
head -c 8000000 /dev/urandom >"$TMP/big"
got=$(timeout 30 socat -t 10 - "TCP:127.0.0.1:$H1" <"$TMP/big" 2>/dev/null | sha256sum)
check_eq "8 MB through the published port and back, intact (half-close kept)" \
	"$(sha256sum <"$TMP/big")" "$got"
storm=$(timeout 60 "$HELPERS/conn_storm" -n 500 -t 30 127.0.0.1 "$H1" 2>&1)
check_eq "500 connections at once through the published port, each its own" \
	"completed 500 of 500 (failed 0, timed out 0)" "$storm"
check "the server saw TCP over IPv4 from its loopback (127.0.0.1)" grep -qx "tcp 127.0.0.1" "$TMP/a.log"
check "... TCP over IPv6 from ::1" grep -qx "tcp ::1" "$TMP/a.log"
check "... UDP over IPv4 from 127.0.0.1" grep -qx "udp 127.0.0.1" "$TMP/a.log"
check "... UDP over IPv6 from ::1" grep -qx "udp ::1" "$TMP/a.log"
check_eq "it saw nothing else" "" "$(grep -vx -e 'tcp 127.0.0.1' -e 'tcp ::1' -e 'udp 127.0.0.1' -e 'udp ::1' "$TMP/a.log")"
read -r result ms <<<"$(probe 127.0.0.1 "$H1")"
check_eq "the reset probe gets data from a served port (its anti-test)" data "$result"
read -r result ms <<<"$(probe 127.0.0.1 "$H5")"
check_eq "a published port with nothing listening inside: the client gets a reset" reset "$result"
check "... at once (${ms} ms, not a hang)" [ "${ms:-99999}" -lt 3000 ]
check_match "... and sluice says why" \
	"published 127\.0\.0\.1:$H5:$NOTHING: nothing listens on 127\.0\.0\.1 port $NOTHING inside the sandbox; the client got a reset" \
	"$(cat "$TMP/bg.err")"
read -r result ms <<<"$(probe 127.0.0.1 "$B")"
check_eq "port $B of the sandbox, not published, is not reachable from the host" refused "$result"
check_eq "... nor through another published port's host port + 1" refused \
	"$(probe 127.0.0.1 $((H5 + 1000)) | cut -d' ' -f1)"
stop

# The anti-test: the same port B, published, is reachable.
start --publish "127.0.0.1:$B:$B" -- "$ECHO" -p "$B"
if wait_until 15 answers 127.0.0.1 "$B"; then
	ok "the same port $B, published, is reachable (anti-test)"
else
	not_ok "the same port $B, published, is reachable (anti-test)"
	diag "sluice said: $(head -c 600 "$TMP/bg.err")"
fi
stop

# --net none: the init still makes the sockets; a port below 1024 inside works for the
# program, which holds no privileges.  The program cannot reach the host's published port.
start --net none --publish "127.0.0.1:$H6:80" --publish "127.0.0.1:$H6:53/udp" \
	-- sh -c "$ECHO -p 80 & $ECHO -p 53 -u & wait"
if wait_until 15 answers 127.0.0.1 "$H6"; then
	ok "--net none: a host client reaches port 80 inside, which the unprivileged program listens on"
else
	not_ok "--net none: a host client reaches port 80 inside, which the unprivileged program listens on"
	diag "sluice said: $(head -c 600 "$TMP/bg.err")"
fi
check_eq "... and UDP port 53 (sluice's own only with a network)" dgram53 \
	"$(udp_echo 127.0.0.1 "$H6" dgram53)"
stop
start --publish "127.0.0.1:$H6:$A" -- sh -c "$ECHO -p $A & sleep 1; printf x | socat -t 2 - TCP:127.0.0.1:$H6 >$TMP/inside.out 2>&1; echo \$? >$TMP/inside.rc; wait"
wait_until 15 answers 127.0.0.1 "$H6"
wait_until 10 test -s "$TMP/inside.rc"
check_eq "the program cannot reach the host through a published port (host: ping back)" \
	ping "$(tcp_echo 127.0.0.1 "$H6" ping)"
check "... the program's connect to 127.0.0.1:$H6 fails" [ "$(cat "$TMP/inside.rc" 2>/dev/null)" != 0 ]
stop

# Errors: exit 125, the exact message, nothing started.
marker=$TMP/started
bad() {
	local desc=$1 value=$2 message=$3
	rm -f "$marker"
	slrun --publish "$value" -- touch "$marker"
	check_eq "$desc: exit 125" 125 "$SL_RC"
	check_eq "... $message" "sluice: $message" "$SL_ERR"
	check "... the program never started" [ ! -e "$marker" ]
}
bad "no SANDBOXPORT" 8080 "--publish 8080: expected [ADDR:]HOSTPORT:SANDBOXPORT[/udp], e.g. 127.0.0.1:8080:80"
bad "an IPv6 ADDR without brackets" "::1:8080:80" \
	"--publish ::1:8080:80: an IPv6 ADDR goes in brackets, e.g. [::1]:8080:80"
bad "a port out of range" "127.0.0.1:70000:80" \
	"--publish 127.0.0.1:70000:80: HOSTPORT '70000': expected a port, 1-65535"
bad "a name as ADDR" "localhost:8080:80" \
	"--publish localhost:8080:80: ADDR 'localhost': expected an IPv4 address, or an IPv6 address in brackets ([::1])"
bad "another protocol" "8080:80/sctp" "--publish 8080:80/sctp: '/sctp': expected /tcp or /udp"
bad "sluice's own port inside" "8053:53/udp" \
	"--publish 127.0.0.1:8053:53/udp: ports 1-53 inside the sandbox are sluice's own (its relay and resolver); publish another SANDBOXPORT, or use --net none"

"$ECHO" -p "$H7" &
taker=$!
cleanup_push "kill $taker"
wait_until 5 answers 127.0.0.1 "$H7"
bad "a host port in use" "$H7:80" \
	"--publish 127.0.0.1:$H7:80: cannot listen on the host's port $H7: Address already in use; another program uses it: choose another HOSTPORT"
[ "$(tr '\0' ' ' <"/proc/$taker/cmdline")" = "$ECHO -p $H7 " ] && kill "$taker"

if [ "$MODE" = rootless ]; then
	bad "a privileged host port, rootless" "127.0.0.1:81:80" \
		"--publish 127.0.0.1:81:80: cannot listen on the host's port 81: Permission denied; ports below net.ipv4.ip_unprivileged_port_start (1024 by default) need root: choose a HOSTPORT above it"
else
	start --publish "127.0.0.1:81:$A" -- "$ECHO" -p "$A"
	if wait_until 15 answers 127.0.0.1 81; then
		ok "as root, a privileged host port (81) is published"
	else
		not_ok "as root, a privileged host port (81) is published"
		diag "sluice said: $(head -c 600 "$TMP/bg.err")"
	fi
	stop
fi

# A profile publishes too.
printf '{"publish": ["127.0.0.1:%s:%s"]}\n' "$H1" "$A" >"$TMP/p.json"
chmod 0644 "$TMP/p.json"
start --profile "$TMP/p.json" -- "$ECHO" -p "$A"
if wait_until 15 answers 127.0.0.1 "$H1"; then
	ok "a profile's \"publish\" list publishes the port"
else
	not_ok "a profile's \"publish\" list publishes the port"
	diag "sluice said: $(head -c 600 "$TMP/bg.err")"
fi
stop

done_testing
