#!/bin/bash
# t80_relay: the relay through real peers (the lab of lab.sh: dante, microsocks, tinyproxy,
# dnsmasq, a target).  Every "it went through the proxy" check looks at the address the target
# saw; every "it was blocked" check is paired with an anti-test that does the same thing
# without sluice, from the same netns as the same user, and is seen arriving directly, so no
# "blocked" verdict can come from a probe that could not have worked anyway.  The hosts'
# nftables counters (lab_seen) prove that nothing at all from the client (10.77.0.1, fd77::1)
# reached the target or the DNS server, whatever the protocol.
# fast-path-suite: runs again with --fast-path (tests/run)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lab.sh"

if ! lab_up || ! lab_target_http || ! lab_dns ||
	! lab_socks_dante px1 1080 ||
	! lab_socks_microsocks px2 1080 || ! lab_socks_microsocks px2 1081 alice s3cr3t-pw ||
	! lab_socks_microsocks px2 1090 ||
	! lab_http_tinyproxy px3 8888 || ! lab_http_tinyproxy px3 8889 bob hunter2-pw ||
	! lab_hostile px3 2001 close || ! lab_hostile px3 2002 garbage ||
	! lab_hostile px3 2003 http-407 || ! lab_hostile px3 2004 slow; then
	not_ok "the lab comes up"
	done_testing
fi
ok "the lab comes up"

T=$LAB_TARGET T6=$LAB_TARGET6 E=$LAB_ECHO_PORT
DANTE=socks5://$LAB_PX1:1080 MSOCKS=socks5://$LAB_PX2:1080 TINY=http://$LAB_PX3:8888
CURL=(curl -s -m 5)
# uid 0 inside the sandbox needs --map-root in both modes (root mode runs the program as nobody).
ROOT_IN=(-r)

# slrun SLUICE-ARGS...: run sluice (as the mode's user); sets SL_RC, SL_MS (wall time in ms),
# SL_OUT, SL_ERR.
slrun() {
	local t0=$EPOCHREALTIME
	sl "$@" >"$TMP/sl.out" 2>"$TMP/sl.err"
	SL_RC=$?
	SL_MS=$(((${EPOCHREALTIME/./} - ${t0/./}) / 1000))
	SL_OUT=$(cat "$TMP/sl.out") SL_ERR=$(cat "$TMP/sl.err")
}
# why: after a failed check, show what sluice said.
why() { [ -n "$SL_ERR" ] && diag "sluice (exit $SL_RC, ${SL_MS} ms) said: $(head -c 300 <<<"$SL_ERR")"; return 0; }
sl_eq() { check_eq "$1" "$2" "$SL_OUT"; [ "$SL_OUT" = "$2" ] || why; }
sl_match() { check_match "$1" "$2" "$SL_OUT"; [[ $SL_OUT =~ $2 ]] || why; }
# ran: did the last slrun get as far as running the program?  (125: sluice failed; 124/137:
# it was stopped by the time limit.)  Every "blocked" verdict needs it, or a sluice that
# refuses to start would pass them all.
ran() { [ "$SL_RC" != 125 ] && [ "$SL_RC" != 124 ] && [ "$SL_RC" != 137 ]; }
check_ran() {
	local d=$1
	shift
	if ran; then check "$d" "$@"; else not_ok "$d (sluice itself failed, exit $SL_RC)"; fi
}
eq_ran() { if ran; then check_eq "$@"; else not_ok "$1 (sluice itself failed, exit $SL_RC)"; fi; }

# probe SLUICE-RUN-ARGS -- CMD...: in one sandbox, first a control (curl to the target's HTTP
# server: with a proxy hop it must arrive through the proxy, which proves the sandbox's
# network works), then the probe CMD.  Sets SL_RC (sluice's; 125 too when the probe did not
# run), P_CTL (the address the target saw for the control), P_RC, P_MS (the probe's exit code
# and its duration in ms, measured inside the sandbox), P_OUT.
cat >"$TMP/probe.sh" <<'EOF'
#!/bin/sh
ctl=$(curl -s -m 5 "$1")
shift
t0=$(date +%s%N)
out=$("$@" 2>&1)
rc=$?
t1=$(date +%s%N)
printf 'control=%s\nrc=%s\nms=%s\n%s\n' "$ctl" "$rc" "$(((t1 - t0) / 1000000))" "$out"
EOF
chmod 0755 "$TMP/probe.sh"
probe() {
	local args=()
	while [ "$1" != -- ]; do args+=("$1"); shift; done
	shift
	slrun run "${args[@]}" -- "$TMP/probe.sh" "http://$T/" "$@"
	P_CTL=$(sed -n 's/^control=//p' <<<"$SL_OUT" | head -1)
	P_RC=$(sed -n 's/^rc=//p' <<<"$SL_OUT" | head -1)
	P_MS=$(sed -n 's/^ms=//p' <<<"$SL_OUT" | head -1)
	P_OUT=$(tail -n +4 <<<"$SL_OUT")
	[ -n "$P_RC" ] || SL_RC=125 # the probe did not run: no verdict from it
	ran || why
}
# control DESC HOST: the probe's control arrived from HOST.
control() { check_eq "$1: the control in the same sandbox arrives from $2" "$(lab_addr $2)" "$P_CTL"; }
# fast DESC: the probe failed, within 2 s.
fast() { check_ran "$1: fails within 2 s (exit $P_RC, $P_MS ms)" test "${P_RC:-0}" != 0 -a "${P_MS:-9999}" -le 2000; }

# direct CMD...: the anti-test's way: CMD as the same user in the same netns, no sluice.
direct() { as_user timeout 10 "$@"; }
ms_since() { echo $(((${EPOCHREALTIME/./} - ${1/./}) / 1000)); }

# --- The anti-test every relay check rests on: the client reaches the target directly. ---
lab_counters_reset
check_eq "anti-test: without sluice the target sees the client" "$LAB_CLIENT" "$(direct "${CURL[@]}" http://$T/)"
check "anti-test: ... and counts its packets" test "$(lab_seen target client tcp)" -gt 0

# --- One hop: the target sees the proxy, never the client. ---
for via in "$DANTE dante px1" "$MSOCKS microsocks px2" "$TINY tinyproxy px3"; do
	set -- $via
	lab_counters_reset
	slrun run --via "$1" -- "${CURL[@]}" http://$T/
	sl_eq "$2: the target sees $3" "$(lab_addr $3)"
	eq_ran "$2: the target got no packet from the client" 0 "$(lab_seen target client)"
	check "$2: the proxy got the client's connection" test "$(lab_seen $3 client tcp)" -gt 0
done
slrun -v run --via "$DANTE" -- "${CURL[@]}" http://$T/
check_match "-v logs the connection to the target" "$T:80" "$SL_ERR"
check_match "-v logs its route, bytes and duration" \
	"tcp $T:80 via socks5 $LAB_PX1:1080: [1-9][0-9]* bytes up, [1-9][0-9]* down, [0-9.]+ s" "$SL_ERR"

# --- Authentication. ---
slrun run --via "socks5://alice:s3cr3t-pw@$LAB_PX2:1081" -- "${CURL[@]}" http://$T/
sl_eq "socks5 with the right password: the target sees px2" "$LAB_PX2"
slrun run --via "http://bob:hunter2-pw@$LAB_PX3:8889" -- "${CURL[@]}" http://$T/
sl_eq "http with the right password: the target sees px3" "$LAB_PX3"
slrun run --via "socks5://$LAB_PX2:1081" -- "${CURL[@]}" http://$T/
check "anti-test: socks5 without a password is refused (curl fails)" test "$SL_RC" != 0 -a -z "$SL_OUT"
for v in "socks5://alice:Wr0ng-pw-1@$LAB_PX2:1081 socks5 $LAB_PX2:1081" \
	"http://bob:Wr0ng-pw-2@$LAB_PX3:8889 http $LAB_PX3:8889"; do
	set -- $v
	lab_counters_reset
	slrun -v run --via "$1" -- "${CURL[@]}" http://$T/
	check "$2 with a wrong password: curl fails" test "$SL_RC" != 0 -a "$SL_RC" != 125 -a -z "$SL_OUT"
	check_match "$2 with a wrong password: sluice says authentication, naming the hop" \
		"$2 hop 1 \\($3\\).*authentication" "$SL_ERR"
	check_ran "$2 with a wrong password: ... within 2 s" test "$SL_MS" -le 2000
	eq_ran "$2 with a wrong password: the target saw nothing" 0 "$(lab_seen target client)"
	check_ran "$2 with a wrong password: no password in sluice's stderr (-v)" \
		eval '! grep -q -e Wr0ng-pw "$TMP/sl.err"'
done
slrun -vv run --via "socks5://alice:s3cr3t-pw@$LAB_PX2:1081" -- "${CURL[@]}" http://$T/
check "the right password never appears in sluice's stderr (-vv)" \
	eval '[ "$SL_OUT" = "$LAB_PX2" ] && ! grep -q s3cr3t-pw "$TMP/sl.err"'

# A password from SLUICE_PASSWORD is used for the hop, and the program does not get it.
SLUICE_PASSWORD=s3cr3t-pw slrun run --via "socks5://alice@$LAB_PX2:1081" -- \
	sh -c "${CURL[*]} http://$T/; echo; env"
check_match "SLUICE_PASSWORD: the hop authenticates with it (the target sees px2)" "^$LAB_PX2" "$SL_OUT"
check_ran "SLUICE_PASSWORD: the program's environment holds neither it nor its value" \
	eval '[[ $SL_OUT == *PATH=* ]] && ! grep -q -e SLUICE_PASSWORD -e s3cr3t-pw <<<"$SL_OUT"'

# The password is not in ps while sluice runs.  Anti-test: the wrapper (timeout) that started
# sluice shows it, so the search would find it.  ps -ww: never cut at the terminal width (ps
# otherwise takes it from COLUMNS or the terminal, and a cut line hides the password).
# The program sleeps long enough for a slow machine's scans (it is killed when they are done).
marker="sleep 25.$RANDOM"
sl run --via "socks5://alice:s3cr3t-pw@$LAB_PX2:1081" -- $marker >/dev/null 2>&1 &
bg=$!
cleanup_push "kill_tree $bg"
if wait_until 20 pgrep -xf "$marker" >/dev/null; then
	sluices=$(sluice_pids)
	check_match "anti-test: ps shows the password in the wrapper's command line" 's3cr3t-pw' \
		"$(COLUMNS=80 ps -ww -eo args | grep "^timeout.*$SLUICE")"
	check "ps finds the running sluice processes (by their executable)" test -n "$sluices"
	if [ -n "$sluices" ]; then
		leaks=$(for p in $sluices; do tr '\0' ' ' <"/proc/$p/cmdline"; echo; done | grep -c s3cr3t-pw)
		check_eq "no sluice process shows the password in its command line" 0 "$leaks"
		check_eq "ps -o args of sluice does not show it" 0 \
			"$(COLUMNS=80 ps -ww -o args= -p "$(echo $sluices | tr ' ' ,)" | grep -c s3cr3t-pw)"
	else
		not_ok "no sluice process shows the password in its command line (none found)"
		not_ok "ps -o args of sluice does not show it (none found)"
	fi
else
	not_ok "sluice with a password starts a program"
	for d in "anti-test: ps shows the password in the wrapper's command line" \
		"ps finds the running sluice processes" "no password in sluice's command line" "no password in ps"; do
		not_ok "$d (sluice did not run)"
	done
fi
kill_tree $bg
wait $bg 2>/dev/null

# --- Chains: the target sees the last hop, the first hop the client, each hop its predecessor. ---
lab_counters_reset
slrun run --via "$DANTE" --via "$TINY" -- "${CURL[@]}" http://$T/
sl_eq "2 hops (dante, tinyproxy): the target sees px3" "$LAB_PX3"
check "2 hops: px1 got the client" test "$(lab_seen px1 client tcp)" -gt 0
check "2 hops: px3 got px1" test "$(lab_seen px3 px1 tcp)" -gt 0
eq_ran "2 hops: px3 got nothing from the client" 0 "$(lab_seen px3 client)"
eq_ran "2 hops: the target got nothing from the client or px1" "0 0" \
	"$(lab_seen target client) $(lab_seen target px1)"
lab_counters_reset
slrun run --via "$DANTE" --via "$MSOCKS" --via "$TINY" -- "${CURL[@]}" http://$T/
sl_eq "3 hops (dante, microsocks, tinyproxy): the target sees px3" "$LAB_PX3"
check "3 hops: the order is client -> px1 -> px2 -> px3 -> target" test \
	"$(lab_seen px1 client tcp)" -gt 0 -a "$(lab_seen px2 px1 tcp)" -gt 0 -a \
	"$(lab_seen px3 px2 tcp)" -gt 0 -a "$(lab_seen target px3 tcp)" -gt 0
eq_ran "3 hops: no hop skipped (px2, px3, target got nothing from client; px3, target nothing from px1; target nothing from px2)" \
	"0 0 0 0 0 0" "$(lab_seen px2 client) $(lab_seen px3 client) $(lab_seen target client) $(lab_seen px3 px1) $(lab_seen target px1) $(lab_seen target px2)"
slrun run --via "$TINY" --via "$DANTE" -- "${CURL[@]}" http://$T/
sl_eq "2 hops the other way (tinyproxy, dante): the target sees px1" "$LAB_PX1"

# --- IPv6 target literals. ---
slrun run --via "$DANTE" -- "${CURL[@]}" -g "http://[$T6]/"
sl_eq "IPv6 literal, one hop: arrives from px1's IPv6" "$(lab_addr6 px1)"
slrun run --via "$DANTE" --via "$TINY" -- "${CURL[@]}" -g "http://[$T6]/"
sl_eq "IPv6 literal, 2 hops: arrives from px3's IPv6" "$(lab_addr6 px3)"

# --- Names are resolved by the last hop; the client never asks the DNS server. ---
check_eq "anti-test: the client itself cannot resolve target.lab" "" "$(direct getent hosts target.lab)"
: >"$LAB_DIR/dnsmasq.log"
lab_counters_reset
slrun run --via "$DANTE" -- "${CURL[@]}" http://target.lab/
sl_match "a name through dante: the target sees px1" "$(lab_addr_re px1)"
wait_until 3 eval 'lab_dns_queries | grep -q "^target.lab "'
check_match "dnsmasq got the query from px1" "target.lab [A-Z]+ ($LAB_PX1|fd77::11)" "$(lab_dns_queries)"
check_ran "dnsmasq got no query from the client" eval '! lab_dns_queries | grep -qE " ($LAB_CLIENT|$LAB_CLIENT6)$"'
eq_ran "the DNS host got no packet from the client" 0 "$(lab_seen dns client)"
slrun run --via "$DANTE" --via "$TINY" -- "${CURL[@]}" http://target.lab/
sl_match "a name through 2 hops: resolved by, and arriving from, px3" "$(lab_addr_re px3)"
slrun run --via "$MSOCKS" -- "${CURL[@]}" http://target.lab:$E/ -o /dev/null -w '%{http_code}'
check_eq "a name on another port reaches the echo port (not HTTP: curl sees no status)" 000 "$SL_OUT"
check_match "  ... and the echo server saw px2" "tcp ($LAB_PX2|fd77::12)" "$(lab_echo_peers | tail -1)"
lab_counters_reset
: >"$LAB_DIR/dnsmasq.log"
slrun run --via "$DANTE" -- getent ahostsv4 target.lab
sl_match "fake IP: getent inside gives an address in 198.18.0.0/15" '^198\.1[89]\.[0-9]+\.[0-9]+ +STREAM +target\.lab' 
slrun run --via "$DANTE" -- getent ahostsv6 target.lab
sl_match "fake IP: IPv6 answers come from fd00:5c:1ce::/64" '^fd00:5c:1ce:'
# DNS over TCP, straight to the real server's address: sluice's resolver answers it.
slrun run --via "$DANTE" -- "$HELPERS/dns_tcp_query" "$LAB_DNS" target.lab
sl_match "fake IP: DNS over TCP to the real server is answered by sluice" '^198\.1[89]\.[0-9]+\.[0-9]+$'
sleep 0.3
eq_ran "fake IP: dnsmasq got no query at all" "" "$(lab_dns_queries)"
eq_ran "fake IP: the DNS host got no packet from the client" 0 "$(lab_seen dns client)"
check_eq "anti-test: DNS over TCP without sluice reaches dnsmasq" "$T" \
	"$(direct "$HELPERS/dns_tcp_query" "$LAB_DNS" target.lab)"

# --- Leak probes, each with its anti-test.  Blocked probes fail within 2 s. ---
# Each probe runs after a control in the same sandbox (see probe) and is then done again
# without sluice, where it must be seen arriving from the client.
# TCP to a raw IP: through the proxy or refused, never from the client.
for dst in $T "[$T6]"; do
	lab_counters_reset
	: >"$LAB_DIR/echo.log"
	probe --via "$DANTE" -- sh -c "(echo leak; sleep 0.5) | socat -T2 - TCP:$dst:$E"
	control "TCP to $dst" px1
	if [ "$P_RC" = 0 ]; then
		check_eq "TCP to $dst:$E: echoed, through px1" leak "$P_OUT"
		check_match "TCP to $dst:$E: the echo server saw px1" "tcp ($LAB_PX1|fd77::11)" "$(grep ^tcp "$LAB_DIR/echo.log" | tail -1)"
	else
		fast "TCP to $dst:$E (not relayed)"
	fi
	eq_ran "TCP to $dst: the target got nothing from the client" 0 "$(lab_seen target client)"
	check_ran "TCP to $dst: the echo log has nothing from the client" \
		eval '! grep -qE "tcp ($LAB_CLIENT|$LAB_CLIENT6)$" "$LAB_DIR/echo.log"'
	direct sh -c "(echo leak; sleep 0.5) | socat -T2 - TCP:$dst:$E" >/dev/null
	check_match "anti-test: TCP to $dst without sluice arrives from the client" \
		"tcp ($LAB_CLIENT|$LAB_CLIENT6)" "$(cat "$LAB_DIR/echo.log")"
done

# UDP to port 53 of the real DNS server: never reaches it (an answer from sluice's own fake-IP
# resolver is fine; a real answer, 10.77.0.100, is not).
lab_counters_reset
: >"$LAB_DIR/dnsmasq.log"
probe --via "$DANTE" -- timeout 5 /bin/busybox nslookup -type=a target.lab $LAB_DNS
control "UDP 53 to the DNS server" px1
check_ran "UDP 53 to the DNS server: answered by sluice or failed, within 2 s ($P_MS ms)" test "${P_MS:-9999}" -le 2000
check_ran "UDP 53 to the DNS server: no real answer" eval '! grep -q "Address: $T" <<<"$P_OUT"'
sleep 0.3
eq_ran "UDP 53 to the DNS server: dnsmasq logged nothing" "" "$(lab_dns_queries)"
eq_ran "UDP 53 to the DNS server: the DNS host got no packet from the client" 0 "$(lab_seen dns client)"
direct /bin/busybox nslookup -type=a target.lab $LAB_DNS >/dev/null 2>&1
wait_until 3 eval 'lab_dns_queries | grep -q " $LAB_CLIENT$"'
check_match "anti-test: without sluice dnsmasq logs the client's query" "target.lab A $LAB_CLIENT" "$(lab_dns_queries)"
check "anti-test: ... and the DNS host counts its UDP" test "$(lab_seen dns client udp)" -gt 0

# UDP elsewhere (--udp block is the default with a proxy hop): refused, not silently dropped.
for dst in $T "[$T6]"; do
	lab_counters_reset
	: >"$LAB_DIR/echo.log"
	probe --via "$DANTE" -- sh -c "echo leak | socat -t1 -T5 - UDP:$dst:$E"
	control "UDP to $dst" px1
	fast "UDP to $dst:$E"
	eq_ran "UDP to $dst: the target got nothing from the client" 0 "$(lab_seen target client)"
	eq_ran "UDP to $dst: the echo server got no datagram" "" "$(grep '^udp' "$LAB_DIR/echo.log")"
	check_eq "anti-test: UDP to $dst without sluice is echoed" leak \
		"$(direct sh -c "echo leak | socat -t1 -T2 - UDP:$dst:$E")"
	check_match "anti-test: ... and arrives from the client" "udp ($LAB_CLIENT|$LAB_CLIENT6)" "$(cat "$LAB_DIR/echo.log")"
done

# ICMP, as uid 0 inside (rootless: --map-root).  Anti-test: ping from the client's netns (as
# root: busybox ping needs a raw socket, which the test user has not) is answered.
lab_counters_reset
probe "${ROOT_IN[@]}" --via "$DANTE" -- /bin/busybox ping -c1 -W1 $T
control "ICMP" px1
fast "ICMP: ping inside"
[ -n "$P_OUT" ] && diag "ping inside said: $(head -c 200 <<<"$P_OUT")"
eq_ran "ICMP: the target got no ICMP from anyone" "0 0 0 0" \
	"$(lab_seen target client icmp) $(lab_seen target px1 icmp) $(lab_seen target px2 icmp) $(lab_seen target px3 icmp)"
/bin/busybox ping -c1 -W1 $T >/dev/null 2>&1
check_eq "anti-test: ping from the client's netns is answered" 0 $?
check "anti-test: ... and the target counts ICMP from the client" test "$(lab_seen target client icmp)" -gt 0

# --- Static binaries and programs that ignore proxy settings are captured too. ---
lab_counters_reset
slrun run --via "$DANTE" -- /bin/busybox wget -qO- http://$T/
sl_eq "a static binary (busybox wget): the target sees px1" "$LAB_PX1"
slrun run --via "$DANTE" -- env -i /usr/bin/curl --noproxy '*' -s -m 5 http://$T/
sl_eq "curl --noproxy '*' with env -i: the target sees px1" "$LAB_PX1"
eq_ran "neither reached the target from the client" 0 "$(lab_seen target client)"

# --- Upstream failures reach the program as a reset, fast. ---
slrun run --via "$DANTE" -- "${CURL[@]}" http://$T:$LAB_CLOSED_PORT/
check_match "a closed target port through the proxy: curl exit 7/52/56 (${SL_RC})" '^(7|52|56)$' "$SL_RC"
check_ran "  ... within 2 s (${SL_MS} ms)" test "$SL_MS" -le 2000
slrun run --via "socks5://$LAB_PX1:1999" -- "${CURL[@]}" http://$T/
check_match "a proxy that refuses connections: curl exit 7/52/56 (${SL_RC})" '^(7|52|56)$' "$SL_RC"
check_ran "  ... within 2 s (${SL_MS} ms)" test "$SL_MS" -le 2000
check_match "  ... and sluice names the hop" "socks5 hop 1 \\($LAB_PX1:1999\\)" "$SL_ERR"

# --- Hostile proxies: a clear error, the program's connect fails, no hang. ---
for h in "close socks5 2001" "garbage socks5 2002" "http-407 http 2003" "garbage http 2002" \
	"close http 2001" "slow socks5 2004"; do
	set -- $h
	t0=$EPOCHREALTIME
	as_user timeout -k 2 25 "$SLUICE" run --via "$2://$LAB_PX3:$3" -- curl -s http://$T/ \
		>"$TMP/h.out" 2>"$TMP/h.err"
	rc=$? ms=$(ms_since $t0)
	SL_RC=$rc
	check_match "hostile $1 ($2): curl's connect fails (exit 7/52/56, got $rc)" '^(7|52|56)$' "$rc"
	check_ran "hostile $1 ($2): no hang (${ms} ms; slow: within the handshake timeout, 20 s)" \
		test "$ms" -le $([ "$1" = slow ] && echo 20000 || echo 2000)
	check_match "hostile $1 ($2): sluice names the hop on stderr" "$2 hop 1 \\($LAB_PX3:$3\\)" "$(cat "$TMP/h.err")"
	[ "$1" = http-407 ] && check_match "hostile 407: sluice says authentication" \
		"hop 1 .*[Aa]uthentication" "$(cat "$TMP/h.err")"
	[ "$1" = slow ] && check_match "hostile slow: sluice says it timed out" \
		"hop 1 .*(timed out|timeout)" "$(cat "$TMP/h.err")"
done

# --- A proxy that sends each answer a byte at a time (10 ms apart): the relay waits for the
# rest of what it has begun to read, and neither stalls nor takes a part for the whole. ---
if lab_start px3 2005 socks-dribble "$HELPERS/socks_eager" --dribble 0.0.0.0 2005; then
	slrun run --via "socks5://$LAB_PX3:2005" -- "${CURL[@]}" http://$T/
	sl_eq "a proxy that answers a byte at a time: the target sees it (px3)" "$LAB_PX3"
	check_ran "  ... in under 4 s (${SL_MS} ms: the proxy waits 2 s for the target to speak first, and 12 bytes of answers take 120 ms)" \
		test "$SL_MS" -le 4000
	lab_kill px3:2005
else
	not_ok "socks_eager --dribble starts on px3:2005"
fi

# --- 2,000 concurrent connections through one hop. ---
slrun run --via "$MSOCKS" -- "$HELPERS/conn_storm" -n 2000 -t 25 $T $E
sl_eq "2,000 concurrent connections through one hop all complete" "completed 2000 of 2000 (failed 0, timed out 0)"

# --- Kill switch: the proxy dies mid-session; connections fail, none goes direct. ---
lab_counters_reset
: >"$LAB_DIR/http.log"
ks=$TMP/killswitch.out
as_user timeout -k 2 30 "$SLUICE" run --via "socks5://$LAB_PX2:1090" -- sh -c \
	"while :; do curl -s -m 1 -o /dev/null -w '%{http_code}\n' http://$T/; sleep 0.2; done" >"$ks" 2>"$TMP/ks.err" &
ksp=$!
cleanup_push "kill_tree $ksp"
count_lines() { wc -l <"$ks"; }
SL_RC=125
if wait_until 10 eval '[ "$(grep -c "^200$" "$ks")" -ge 3 ]'; then
	SL_RC=0
	ok "kill switch: connections go through while the proxy lives"
	lab_kill px2:1090
	at_kill=$(count_lines)
	wait_until 5 eval '[ "$(count_lines)" -ge $((at_kill + 6)) ]'
	after=$(tail -n +$((at_kill + 2)) "$ks" | sort | uniq -c | awk '{print $2 "x" $1}' | tr '\n' ' ')
	check "kill switch: 5 attempts or more after the kill, within 5 s (fail fast)" \
		test "$(count_lines)" -ge $((at_kill + 6))
	check_match "kill switch: every attempt after the kill fails (${after})" '^(000x[0-9]+ )$' "$after"
else
	not_ok "kill switch: connections go through while the proxy lives"
	diag "loop said: $(head -c 200 "$ks") $(head -c 300 "$TMP/ks.err")"
	not_ok "kill switch: 5 attempts or more after the kill (not run)"
	not_ok "kill switch: every attempt after the kill fails (not run)"
fi
kill_tree $ksp
wait $ksp 2>/dev/null
eq_ran "kill switch: the target never saw the client" 0 "$(lab_seen target client)"
check_ran "kill switch: the HTTP log never shows the client" eval '! grep -qx "$LAB_CLIENT" "$LAB_DIR/http.log"'

# --- --net none blocks everything; --via direct and no --via go straight from the client. ---
# (The probe's control cannot work here: it must come back empty, from a sandbox that ran.)
lab_counters_reset
probe --net none -- curl -s -m 5 http://$T/
check_eq "--net none: the control reaches nothing" "" "$P_CTL"
fast "--net none: TCP"
probe --net none -- sh -c "echo leak | socat -t1 -T5 - UDP:$T:$E"
fast "--net none: UDP"
probe --net none -- /bin/busybox nslookup target.lab $LAB_DNS
fast "--net none: DNS to the real server"
probe "${ROOT_IN[@]}" --net none -- /bin/busybox ping -c1 -W1 $T
fast "--net none: ping"
check_eq "--net none: neither the target nor the DNS host got anything from the client" "0 0" \
	"$(lab_seen target client) $(lab_seen dns client)"
slrun run --via direct -- "${CURL[@]}" http://$T/
sl_eq "--via direct: the target sees the client's address" "$LAB_CLIENT"
slrun run --via direct -- "${CURL[@]}" -g "http://[$T6]/"
sl_eq "--via direct, IPv6: the target sees the client's IPv6 address" "$LAB_CLIENT6"
slrun run -- "${CURL[@]}" http://$T/
sl_eq "no --via: direct, the target sees the client's address" "$LAB_CLIENT"

# --udp direct (the default without proxies): UDP relayed from the host side, answers come back
# from where the program sent them (socat's UDP connect() drops anything else).
for dst in $T "[$T6]"; do
	: >"$LAB_DIR/echo.log"
	slrun run -- sh -c "for i in 1 2 3; do echo udp-\$i | socat -t1 -T3 - UDP:$dst:$E; done"
	check_eq "direct: UDP to $dst is relayed, three exchanges answered" "udp-1 udp-2 udp-3" \
		"$(tr '\n' ' ' <<<"$SL_OUT" | sed 's/ $//')"
	check_match "direct: ... and the echo server saw the client" "udp ($LAB_CLIENT|$LAB_CLIENT6)" \
		"$(cat "$LAB_DIR/echo.log")"
done
: >"$LAB_DIR/echo.log"
slrun run --via "$DANTE" --udp direct -- sh -c "echo asked | socat -t1 -T3 - UDP:$T:$E"
sl_eq "--via with --udp direct: UDP goes direct, as asked" "asked"
# --udp proxy: SOCKS5 UDP ASSOCIATE through dante; the echo server sees the proxy.
for dst in $T target.lab; do
	: >"$LAB_DIR/echo.log"
	slrun run --via "$DANTE" --udp proxy -- sh -c "for i in 1 2; do echo via-\$i | socat -t1 -T3 - UDP:$dst:$E; done"
	check_eq "--udp proxy: UDP to $dst through dante, both exchanges answered" "via-1 via-2" \
		"$(tr '\n' ' ' <<<"$SL_OUT" | sed 's/ $//')"
	check_match "--udp proxy: ... and the echo server saw px1, not the client" \
		"^(udp ($LAB_PX1|fd77::11)[[:space:]]*)+$" "$(cat "$LAB_DIR/echo.log")"
done
slrun run --via "$DANTE" --via "$MSOCKS" --udp proxy -- true
check_match "--udp proxy through two hops: refused with a clear error" "--udp proxy: the chain cannot carry UDP" "$SL_ERR"
slrun run --udp block -- sh -c "echo leak | socat -t1 -T5 - UDP:$T:$E; echo rc=\$?"
sl_match "--udp block without proxies: UDP refused" "rc=[1-9]"

done_testing
