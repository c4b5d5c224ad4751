#!/bin/bash
# t82_targets: which targets the relay dials for the program (target_policy.c), and how a
# connection ends when a hop dies.
#   - The host's loopback and the unspecified address are never dialed for the program, by TCP
#     or UDP, direct or through a proxy (which is never asked for its own loopback); the
#     sandbox's gateway reaches the host's loopback only with --allow-host-loopback.
#   - --udp direct never sends to link-local, multicast or broadcast destinations.
#   - Fake addresses sluice never handed out are refused, never sent to a proxy as literals;
#     UDP to a fake address is refused with --udp direct.
#   - A reset upstream reaches the program as a reset, not an end of file; a reset by the
#     program reaches the server as a reset; a clean end stays clean.
# Every "refused" check has its anti-test: the same probe without sluice (or the allowed
# variant through sluice) reaches the listener, so the listener and the probe work.
# fast-path-suite: runs again with --fast-path (tests/run)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lab.sh"

T=$LAB_TARGET E=$LAB_ECHO_PORT
DANTE=socks5://$LAB_PX1:1080 MSOCKS=socks5://$LAB_PX2:1080
LP=$((20000 + $$ % 12000)) # the loopback listeners' port: below the ephemeral range (32768-)
RST_PORT=7001 FIN_PORT=7002 READ_PORT=7003

if ! lab_up || ! lab_target_http || ! lab_dns ||
	! lab_socks_dante px1 1080 || ! lab_socks_microsocks px2 1080; then
	not_ok "the lab comes up"
	done_testing
fi
# Loopback listeners (TCP and UDP echo, each peer logged): here, where the supervisor runs
# (the host side), on $LP and on the relay's own ports 1 and 2; and on each proxy host's own
# loopback, which a proxy asked for 127.0.0.1 or 0.0.0.0 would reach.
start_logged() { # NAME PORT LOG CMD...: a server here, stopped by PID at the end
	local port=$2 log=$3 pid
	shift 3
	"$@" >"$TMP/$log.out" 2>&1 </dev/null &
	pid=$!
	cleanup_push "kill_tree $pid"
	wait_until 10 sh -c "ss -Hltn 'sport = :$port' | grep -q ." ||
		{ lab_fail "$log did not start: $(tail -2 "$TMP/$log.out")"; return 1; }
}
# The loopback listener's port is arbitrary: if one is taken (a UDP or TCP socket of this
# network namespace may hold it), the next candidate.
start_lp() {
	local i
	for ((i = 0; i < 5; i++)); do
		start_logged host "$LP" lo-lp "$HELPERS/echo_server" -p "$LP" -u -l "$TMP/lo.log" && return 0
		LP=$((20000 + (LP - 20000 + 997) % 12000))
	done
	return 1
}
: >"$TMP/lo.log"
chmod 0666 "$TMP/lo.log"
if ! start_lp ||
	! start_logged host 1 lo-1 "$HELPERS/echo_server" -p 1 -u -l "$TMP/lo.log" ||
	! start_logged host 2 lo-2 "$HELPERS/echo_server" -p 2 -u -l "$TMP/lo.log" ||
	! lab_start px1 "$LP" px1-lo "$HELPERS/echo_server" -p "$LP" -u -l "$LAB_DIR/px-lo.log" ||
	! lab_start px2 "$LP" px2-lo "$HELPERS/echo_server" -p "$LP" -u -l "$LAB_DIR/px-lo.log" ||
	! lab_start target $RST_PORT rst "$HELPERS/reset_server" -p $RST_PORT -m rst -n 1000000 ||
	! lab_start target $FIN_PORT fin "$HELPERS/reset_server" -p $FIN_PORT -m fin -n 1000000 ||
	! lab_start target $READ_PORT read "$HELPERS/reset_server" -p $READ_PORT -m read -l "$LAB_DIR/read.log"; then
	not_ok "the lab and the listeners come up"
	done_testing
fi
: >"$LAB_DIR/px-lo.log"
ok "the lab and the listeners come up"

slrun() {
	sl "$@" >"$TMP/sl.out" 2>"$TMP/sl.err"
	SL_RC=$?
	SL_OUT=$(cat "$TMP/sl.out") SL_ERR=$(cat "$TMP/sl.err")
}
why() { [ -n "$SL_ERR" ] && diag "sluice (exit $SL_RC) said: $(head -c 400 <<<"$SL_ERR")"; return 0; }
ran() { [ "$SL_RC" != 125 ] && [ "$SL_RC" != 124 ] && [ "$SL_RC" != 137 ]; }
eq_ran() { if ran; then check_eq "$@"; else not_ok "$1 (sluice itself failed, exit $SL_RC)"; why; fi; }
match_ran() { if ran; then check_match "$@"; [[ $3 =~ $2 ]] || why; else not_ok "$1 (sluice itself failed, exit $SL_RC)"; why; fi; }
direct() { as_user timeout 10 "$@"; }
lo_log() { cat "$TMP/lo.log"; }
px_log() { cat "$LAB_DIR/px-lo.log"; }
# tcp_probe ADDR PORT / udp_probe ADDR PORT: send "hi" and print the echo, if any.
tcp_probe() { echo "sh -c 'echo hi | socat -t1 -T2 - TCP:$1:$2 2>/dev/null; true'"; }
udp_probe() { echo "sh -c 'echo hi | socat -t1 -T2 - UDP:$1:$2 2>/dev/null; true'"; }

# --- Host loopback: TCP and UDP, direct (no proxy). ---
for dst in "127.0.0.1 $LP" "0.0.0.0 $LP" "[::1] $LP" "[::] $LP" "[::ffff:127.0.0.1] $LP" \
	"[::ffff:0.0.0.0] $LP" "127.0.0.1 1" "[::1] 1" "0.0.0.0 1"; do
	set -- $dst
	for proto in tcp udp; do
		[ $proto = udp ] && [ "$2" = 1 ] && set -- "$1" 2 # the UDP relay's own port
		: >"$TMP/lo.log"
		slrun -v run -- sh -c "$(${proto}_probe "$1" "$2")"
		eq_ran "direct, $proto to $1:$2: no echo" "" "$SL_OUT"
		eq_ran "direct, $proto to $1:$2: the host's loopback listener saw nothing" "" "$(lo_log)"
		# The kernel sends 0.0.0.0 and :: to loopback; the firewall leaves loopback alone,
		# so only the relay's own ports reach the relay, which must refuse to dial them.
		[ "$2" -gt 2 ] || match_ran "direct, $proto to $1:$2: -v names the reason" \
			"$proto: refused: (127\\.0\\.0\\.1|\\[::1\\]):$2 is the host's loopback; see --allow-host-loopback" "$SL_ERR"
		: >"$TMP/lo.log"
		check_eq "anti-test: without sluice, $proto to $1:$2 is echoed" "hi" \
			"$(direct sh -c "$(${proto}_probe "$1" "$2")")"
		check_match "anti-test: ... and the listener logged it" "^$proto " "$(lo_log)"
	done
done
slrun run -- sh -c "$(tcp_probe 0.0.0.0 1)"
match_ran "without -v, the refusal is reported too" "refused: 127\\.0\\.0\\.1:1 is the host's loopback" "$SL_ERR"

# --- Through a SOCKS5 hop: the proxy is never asked for a loopback or unspecified target. ---
for via in "$DANTE dante" "$MSOCKS microsocks"; do
	set -- $via
	for dst in 0.0.0.0 127.0.0.1 "[::]" "[::1]"; do
		: >"$LAB_DIR/px-lo.log"
		: >"$TMP/lo.log"
		# 127.0.0.1:1 and [::1]:1 reach the relay listener itself inside.
		slrun -v run --via "$1" -- sh -c "$(tcp_probe "$dst" "$LP"); $(tcp_probe "$dst" 1)"
		eq_ran "$2, tcp to $dst: no echo" "" "$SL_OUT"
		eq_ran "$2, tcp to $dst: the proxy's loopback listener saw nothing" "" "$(px_log)"
		eq_ran "$2, tcp to $dst: the host's loopback listener saw nothing" "" "$(lo_log)"
	done
	match_ran "$2: -v names the reason" "refused: .* is the (host's loopback|unspecified address)" "$SL_ERR"
	: >"$LAB_DIR/px-lo.log"
	direct curl -s -m 3 -x "$1" "http://127.0.0.1:$LP/" >/dev/null
	check_match "anti-test: without sluice, $2 asked for 127.0.0.1 reaches its own loopback" "^tcp " "$(px_log)"
done

# --- --allow-host-loopback: the gateway address is the host's loopback; nothing else. ---
for dst in 198.18.0.2 "[fd00:5c:1ce::2]"; do
	for proto in tcp udp; do
		: >"$TMP/lo.log"
		slrun run --allow-host-loopback -- sh -c "$(${proto}_probe "$dst" "$LP")"
		eq_ran "--allow-host-loopback: $proto to $dst:$LP reaches the host's loopback" "hi" "$SL_OUT"
		match_ran "--allow-host-loopback: ... the listener saw it from loopback" "^$proto (127\\.0\\.0\\.1|::1)" "$(lo_log)"
		: >"$TMP/lo.log"
		slrun run -- sh -c "$(${proto}_probe "$dst" "$LP")"
		eq_ran "anti-test: without the option, $proto to $dst:$LP does not" "" "$SL_OUT$(lo_log)"
	done
done
: >"$TMP/lo.log"
slrun run --allow-host-loopback -- sh -c "$(tcp_probe 0.0.0.0 "$LP"); $(tcp_probe 127.0.0.1 1); $(udp_probe 0.0.0.0 "$LP")"
eq_ran "--allow-host-loopback: the unspecified address and the relay's port stay refused" "" "$SL_OUT$(lo_log)"
slrun run --allow-host-loopback --via "$DANTE" -- true
check_match "--allow-host-loopback with a proxy: refused with a clear error" \
	"--allow-host-loopback works only with --via direct" "$SL_ERR"

# --- --udp direct: no link-local, multicast or broadcast.  The client gets routes for them
# toward the lab, so a datagram that left would reach the target (counted by lab_seen). ---
ip addr add 169.254.77.100/16 dev eth0 2>/dev/null
lab_exec target ip addr add 169.254.77.100/16 dev eth0
ip route add 169.254.0.0/16 dev "$LAB_CLIENT_IF"
ip route add 224.0.0.0/4 dev "$LAB_CLIENT_IF"
ip route add 255.255.255.255/32 dev "$LAB_CLIENT_IF" 2>/dev/null
for dst in "169.254.77.100 link-local" "224.0.0.251 multicast" "239.1.2.3 multicast" \
	"255.255.255.255 broadcast"; do
	set -- $dst
	opt=""
	[ "$2" = broadcast ] && opt=",broadcast"
	probe="echo hi | socat -t1 -T1 - UDP-SENDTO:$1:9$opt 2>&1; true"
	lab_counters_reset
	slrun -v run -- sh -c "$probe"
	if [ "$2" = multicast ]; then
		# The sandbox's kernel delivers multicast locally: it never reaches the relay (whose
		# policy would refuse it too: tests/unit/test_target_policy.c).
		if ran; then
			check "--udp direct to $1: never relayed" eval '! grep -q "udp $1:9 direct" "$TMP/sl.err"'
		else
			not_ok "--udp direct to $1: never relayed (sluice itself failed, exit $SL_RC)"
		fi
	else
		match_ran "--udp direct to $1: refused, -v says $2" "udp: refused: $1:9 is (a |)$2" "$SL_ERR"
	fi
	eq_ran "--udp direct to $1: the target got no datagram" 0 "$(lab_seen target client udp)"
	lab_counters_reset
	direct sh -c "$probe" >/dev/null
	check "anti-test: without sluice, UDP to $1 reaches the target" test "$(lab_seen target client udp)" -gt 0
done

# --- Fake addresses (fake-IP mode through dante). ---
before=$(wc -l <"$LAB_DIR/dante-px1-1080.log")
for dst in 198.18.0.200 198.19.255.255 198.19.200.1 "[fd00:5c:1ce::ff]" "[fd00:5c:1ce::abcd:1]"; do
	lab_counters_reset
	slrun -v run --via "$DANTE" -- sh -c "$(tcp_probe "$dst" "$E")"
	eq_ran "fake-IP: tcp to never-issued $dst: no echo" "" "$SL_OUT"
	match_ran "fake-IP: ... refused as never handed out" "refused: .* was never handed out" "$SL_ERR"
	check "fake-IP: ... and not called kept too long" eval '! grep -q "too long" "$TMP/sl.err"'
	eq_ran "fake-IP: ... and the proxy got no request (its host saw no packet from the client)" \
		0 "$(lab_seen px1 client)"
done
check_eq "fake-IP: dante logged no connection to a fake range" "" \
	"$(tail -n +$((before + 1)) "$LAB_DIR/dante-px1-1080.log" | grep -E '198\.1[89]\.|fd00:5c:1ce')"
lab_counters_reset
slrun run --via "$DANTE" -- sh -c "$(tcp_probe target.lab "$E")"
eq_ran "anti-test: an issued fake address (target.lab) goes through dante" "hi" "$SL_OUT"
check "anti-test: ... and the proxy's host saw the client" test "$(lab_seen px1 client tcp)" -gt 0
slrun -v run --via "$DANTE" --udp direct -- sh -c "$(udp_probe target.lab "$E")"
eq_ran "fake-IP, --udp direct: UDP to target.lab's fake address gets no echo" "" "$SL_OUT"
match_ran "fake-IP, --udp direct: ... refused: UDP to a name needs --udp proxy" \
	"udp: refused: .* is a fake address: UDP to a name needs --udp proxy" "$SL_ERR"
check_eq "fake-IP, --udp direct: ... nothing of it reached the echo server" "" \
	"$(grep '^udp' "$LAB_DIR/echo.log")"
slrun run --via "$DANTE" --udp direct -- sh -c "$(udp_probe $T "$E")"
eq_ran "anti-test: fake-IP, --udp direct: UDP to a real lab address passes" "hi" "$SL_OUT"
slrun -v run --via "$DANTE" --udp direct -- sh -c "$(udp_probe 198.19.200.1 "$E")"
match_ran "fake-IP, --udp direct: a never-issued fake address is refused as such" \
	"udp: refused: 198\\.19\\.200\\.1:$E is in sluice's fake-address range but was never handed out" "$SL_ERR"

# --- A hop that dies mid-stream: a reset, not an end of file. ---
# (Through microsocks the program sees an end of file: microsocks itself answers a reset of
# either side with a clean close, so the reset never reaches sluice.  Dante passes it on.)
for via in "direct" "$DANTE"; do
	args=()
	[ "$via" = direct ] || args=(--via "$via")
	slrun run "${args[@]}" -- "$HELPERS/read_to_end" $T $RST_PORT
	match_ran "$via: the server's reset mid-stream reaches the program as a reset" "^reset [0-9]+$" "$SL_OUT"
	slrun run "${args[@]}" -- "$HELPERS/read_to_end" -d 500 $T $RST_PORT
	match_ran "$via: ... also with bytes in flight when it comes" "^reset [0-9]+$" "$SL_OUT"
	slrun run "${args[@]}" -- "$HELPERS/read_to_end" $T $FIN_PORT
	eq_ran "anti-test: $via: a clean end stays an end of file, all bytes there" "eof 1000000" "$SL_OUT"
	# The server's verdict is read while the sandbox still runs: at its end, sluice resets
	# whatever connection is left, which must not be what these checks see.
	: >"$LAB_DIR/read.log"
	sl run "${args[@]}" -- sh -c "$HELPERS/read_to_end -R -d 200 $T $READ_PORT; sleep 5" >/dev/null 2>&1 &
	bg=$!
	wait_until 4 test -s "$LAB_DIR/read.log"
	check_eq "$via: the program's reset reaches the server as a reset, at once" "reset 0" "$(cat "$LAB_DIR/read.log")"
	wait $bg
	: >"$LAB_DIR/read.log"
	sl run "${args[@]}" -- sh -c "socat -u /dev/null TCP:$T:$READ_PORT; sleep 5" >/dev/null 2>&1 &
	bg=$!
	wait_until 4 test -s "$LAB_DIR/read.log"
	check_eq "anti-test: $via: the program's clean close reaches the server as an end of file" "eof 0" "$(cat "$LAB_DIR/read.log")"
	wait $bg
done
check_match "anti-test: without sluice, the server's reset is seen as a reset" "^reset [0-9]+$" \
	"$(direct "$HELPERS/read_to_end" $T $RST_PORT)"
: >"$LAB_DIR/read.log"
direct "$HELPERS/read_to_end" -R -d 200 $T $READ_PORT >/dev/null
wait_until 5 test -s "$LAB_DIR/read.log"
check_eq "anti-test: without sluice, the program's reset is seen as a reset" "reset 0" "$(cat "$LAB_DIR/read.log")"

done_testing
