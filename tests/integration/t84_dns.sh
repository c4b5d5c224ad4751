#!/bin/bash
# t84_dns: the promises of sluice's resolver, against the lab's dnsmasq (lab.sh), which logs
# every query with its source address.
#   - localhost and *.localhost are the loopback, *.invalid is NXDOMAIN (RFC 6761), answered
#     inside in every DNS mode, and so is *.onion without a Tor hop (RFC 7686): dnsmasq never
#     hears of them (anti-test: asked directly, it does);
#   - --dns none refuses port 53 at once, UDP and TCP, on every address (anti-test: the same
#     TCP query without sluice reaches dnsmasq);
#   - --ipv6 off: AAAA queries get NODATA and are not forwarded (anti-test: --ipv6 on);
#   - forward mode, direct: a query over TCP goes over TCP, so an answer too big for UDP comes
#     whole; through a proxy: UDP answers fit the program's size (512, or its EDNS0 size), TC set;
#   - idle or trickling DNS-over-TCP connections do not lock the resolver out.
# fast-path-suite: runs again with --fast-path (tests/run)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lab.sh"

# big.lab: one TXT record of 7 strings of 200 bytes, about 1.4 KB: more than 512 and than 1232.
big=$(printf 'x%.0s' $(seq 200))
# dnsmasq's own UDP answers stop at 1232 bytes by default (2.87 and later): let it send 4096.
if ! lab_up || ! lab_target_http ||
	! lab_dns "--txt-record=big.lab,$big,$big,$big,$big,$big,$big,$big" --edns-packet-max=4096 ||
	! lab_socks_dante px1 1080; then
	not_ok "the lab comes up"
	done_testing
fi
ok "the lab comes up"

D=$LAB_DNS T=$LAB_TARGET DANTE=socks5://$LAB_PX1:1080
BIG_RDATA=1407 # 7 x (1 + 200)

# slrun SLUICE-ARGS...: run sluice (as the mode's user); sets SL_RC, SL_OUT, SL_ERR.
slrun() {
	sl "$@" >"$TMP/sl.out" 2>"$TMP/sl.err"
	SL_RC=$?
	SL_OUT=$(cat "$TMP/sl.out") SL_ERR=$(cat "$TMP/sl.err")
}
why() { [ -n "$SL_ERR" ] && diag "sluice (exit $SL_RC) said: $(head -c 300 <<<"$SL_ERR")"; return 0; }
# ran: did the last slrun get as far as running the program?  Every "blocked" verdict needs it.
ran() { [ "$SL_RC" != 125 ] && [ "$SL_RC" != 124 ] && [ "$SL_RC" != 137 ]; }

# queries.sh 'ARGS' ...: in the sandbox, one dns_query per argument; its output follows a line
# "## ARGS", then "rc=N ms=N" (exit code, duration).
cat >"$TMP/queries.sh" <<EOF
#!/bin/sh
for a in "\$@"; do
	echo "## \$a"
	t0=\$(date +%s%N)
	$HELPERS/dns_query -w 3 \$a 2>&1
	rc=\$?
	t1=\$(date +%s%N)
	echo "rc=\$rc ms=\$(((t1 - t0) / 1000000))"
done
EOF
chmod 0755 "$TMP/queries.sh"
# queries SLUICE-RUN-ARGS -- 'QUERY-ARGS'...: run them in one sandbox.
queries() {
	local args=()
	while [ "$1" != -- ]; do args+=("$1"); shift; done
	shift
	: >"$LAB_DIR/dnsmasq.log"
	lab_counters_reset
	slrun run "${args[@]}" -- "$TMP/queries.sh" "$@"
	[ -n "$SL_OUT" ] || SL_RC=125 # the queries did not run: no verdict from them
	ran || why
}
# answer 'QUERY-ARGS': the output of that query in the last queries run.
answer() { awk -v h="## $1" '$0 == h { f = 1; next } /^## / { f = 0 } f' <<<"$SL_OUT"; }
# expect DESC 'QUERY-ARGS' REGEX: that query's output matches (multi-line, grep -E).
expect() {
	local out
	out=$(answer "$2")
	if ran && grep -qE "$3" <<<"$out"; then
		ok "$1"
	else
		not_ok "$1"
		diag "expected a line matching: $3" "got: $(printf %q "$out")"
		why
	fi
}
# logged REGEX: dnsmasq logged a query matching REGEX ("NAME TYPE SOURCE").
logged() { lab_dns_queries | grep -qE "$1"; }
not_logged() {
	if ran && ! logged "$2"; then ok "$1"; else not_ok "$1"; diag "dnsmasq logged: $(lab_dns_queries | tr '\n' ';')"; fi
}

# --- localhost and *.invalid never leave, in every mode. ---
LOCAL=("$D localhost" "-T AAAA $D Foo.LocalHost." "-t $D db.localhost" "$D nothing.invalid"
	"-t -T TXT $D Some.Thing.INVALID." "$D target.lab" "$D hidden.onion" "-t -T AAAA $D X.Y.ONION.")
for mode in "fakeip:--via $DANTE" "forward-direct:--via direct --dns forward=$D" \
	"forward-proxy:--via $DANTE --dns forward=$D"; do
	name=${mode%%:*}
	# shellcheck disable=SC2086
	queries ${mode#*:} -- "${LOCAL[@]}"
	expect "$name: localhost is 127.0.0.1" "$D localhost" '^A 127\.0\.0\.1$'
	expect "$name: Foo.LocalHost. AAAA is ::1" "-T AAAA $D Foo.LocalHost." '^AAAA ::1$'
	expect "$name: db.localhost over TCP is 127.0.0.1" "-t $D db.localhost" '^A 127\.0\.0\.1$'
	expect "$name: nothing.invalid is NXDOMAIN" "$D nothing.invalid" '^rcode=NXDOMAIN tc=0 an=0'
	expect "$name: Some.Thing.INVALID. TXT over TCP is NXDOMAIN" "-t -T TXT $D Some.Thing.INVALID." \
		'^rcode=NXDOMAIN tc=0 an=0'
	# RFC 7686: without a Tor hop, .onion names are NXDOMAIN and never leave.
	expect "$name: hidden.onion (no Tor hop) is NXDOMAIN" "$D hidden.onion" '^rcode=NXDOMAIN tc=0 an=0'
	expect "$name: X.Y.ONION. AAAA over TCP (no Tor hop) is NXDOMAIN" "-t -T AAAA $D X.Y.ONION." \
		'^rcode=NXDOMAIN tc=0 an=0'
	case $name in
	fakeip) expect "$name: the control, target.lab, gets a fake address" "$D target.lab" '^A 198\.1[89]\.' ;;
	*) expect "$name: the control, target.lab, is resolved by dnsmasq" "$D target.lab" "^A ${T//./\\.}$" ;;
	esac
	[ $name = fakeip ] || wait_until 3 logged "^target\\.lab " # dnsmasq logs asynchronously
	not_logged "$name: dnsmasq heard nothing of localhost, invalid or onion" 'localhost|invalid|onion'
done
check "forward-proxy: dnsmasq got the control query from the proxy" logged "^target\.lab A ($LAB_PX1|fd77::11)$"
: >"$LAB_DIR/dnsmasq.log"
as_user "$HELPERS/dns_query" "$D" nothing.invalid >/dev/null 2>&1
wait_until 3 logged '^nothing\.invalid '
check "anti-test: asked directly, dnsmasq logs nothing.invalid from the client" \
	logged "^nothing\.invalid A $LAB_CLIENT$"
as_user "$HELPERS/dns_query" "$D" hidden.onion >/dev/null 2>&1
wait_until 3 logged '^hidden\.onion '
check "anti-test: asked directly, dnsmasq logs hidden.onion from the client" \
	logged "^hidden\.onion A $LAB_CLIENT$"

# --- --dns none: port 53 refused at once, TCP as well as UDP, whatever the address. ---
for via in "$DANTE:px1" "direct:client"; do
	queries --via "${via%:*}" --dns none -- "-t $D target.lab" "$D target.lab" "-t 127.0.0.1 target.lab" \
		"-t -T AAAA $LAB_TARGET6 target.lab"
	for q in "-t $D target.lab" "$D target.lab" "-t 127.0.0.1 target.lab" "-t -T AAAA $LAB_TARGET6 target.lab"; do
		expect "--dns none via ${via%:*}: '$q' fails within 2 s" "$q" '^rc=[1-9][0-9]* ms=(1?[0-9]{1,3}|2000)$'
	done
	sleep 0.5
	not_logged "--dns none via ${via%:*}: dnsmasq logged nothing" .
	check "--dns none via ${via%:*}: the DNS host got no packet from the client or the proxy" \
		test "$(lab_seen dns client)$(lab_seen dns px1)" = 00
done
: >"$LAB_DIR/dnsmasq.log"
lab_counters_reset
check_eq "anti-test: without sluice, DNS over TCP reaches dnsmasq" "A $T" \
	"$(as_user "$HELPERS/dns_query" -t "$D" target.lab | grep '^A ')"
check "anti-test: ... which logs the client's query" logged "^target\.lab A $LAB_CLIENT$"
check "anti-test: ... and counts its TCP packets" test "$(lab_seen dns client tcp)" -gt 0

# --- --ipv6 off: AAAA is NODATA and never forwarded; --ipv6 on is the anti-test. ---
for via in direct "$DANTE"; do
	queries --via "$via" --dns forward=$D --ipv6 off -- "-T AAAA $D target.lab" "$D target.lab"
	expect "--ipv6 off via $via: AAAA target.lab is NODATA" "-T AAAA $D target.lab" '^rcode=NOERROR tc=0 an=0 '
	expect "--ipv6 off via $via: A target.lab is answered" "$D target.lab" "^A ${T//./\\.}$"
	wait_until 3 logged '^target\.lab A '
	not_logged "--ipv6 off via $via: dnsmasq got no AAAA query" 'AAAA'
done
queries --via direct --dns forward=$D --ipv6 on -- "-T AAAA $D target.lab"
expect "anti-test: --ipv6 on, AAAA target.lab is fd77::100" "-T AAAA $D target.lab" "^AAAA $LAB_TARGET6$"
wait_until 3 logged '^target\.lab AAAA '
check "anti-test: ... forwarded to dnsmasq" logged "^target\.lab AAAA $LAB_CLIENT$"

# --- Big answers. ---
reference=$(as_user "$HELPERS/dns_query" -t -T TXT "$D" big.lab)
check_match "reference: without sluice, big.lab TXT over TCP is $BIG_RDATA bytes of data" \
	"^rcode=NOERROR tc=0 an=1 size=[0-9]+"$'\n'"TXT $BIG_RDATA$" "$reference"
# Direct: over TCP whole (the query goes over TCP); over UDP cut by dnsmasq itself.
queries --via direct --dns forward=$D -- "-t -T TXT $D big.lab" "-T TXT $D big.lab" "-e 4096 -T TXT $D big.lab"
expect "forward direct: big.lab over TCP comes whole" "-t -T TXT $D big.lab" "^TXT $BIG_RDATA$"
expect "forward direct: over UDP without EDNS0 it is cut, with TC" "-T TXT $D big.lab" \
	'^rcode=NOERROR tc=1 an=0 size=([0-9]{1,2}|[1-4][0-9]{2}|50[0-9]|51[0-2])$'
expect "forward direct: over UDP with EDNS0 4096 it comes whole" "-e 4096 -T TXT $D big.lab" "^TXT $BIG_RDATA$"
check "forward direct: dnsmasq got the queries from the client" logged "^big\.lab TXT $LAB_CLIENT$"
# Through a proxy the answer comes over TCP; sluice cuts it to what the program asked for.
queries --via "$DANTE" --dns forward=$D -- "-T TXT $D big.lab" "-e 1232 -T TXT $D big.lab" \
	"-e 4096 -T TXT $D big.lab" "-t -T TXT $D big.lab"
expect "forward via proxy: over UDP without EDNS0, cut to at most 512 bytes with TC" "-T TXT $D big.lab" \
	'^rcode=NOERROR tc=1 an=0 size=([0-9]{1,2}|[1-4][0-9]{2}|50[0-9]|51[0-2])$'
expect "forward via proxy: over UDP with EDNS0 1232, cut to at most 1232 bytes with TC" \
	"-e 1232 -T TXT $D big.lab" '^rcode=NOERROR tc=1 an=0 size=([0-9]{1,3}|1[01][0-9]{2}|12[0-2][0-9]|123[0-2])$'
expect "forward via proxy: over UDP with EDNS0 4096, whole" "-e 4096 -T TXT $D big.lab" "^TXT $BIG_RDATA$"
expect "forward via proxy: over TCP, whole" "-t -T TXT $D big.lab" "^TXT $BIG_RDATA$"
check "forward via proxy: dnsmasq got the queries from the proxy" logged "^big\.lab TXT ($LAB_PX1|fd77::11)$"

# --- Idle and trickling DNS-over-TCP connections do not lock the resolver out. ---
# In the sandbox: hold 100 connections to port 53 (more than the resolver's 64 slots), count
# those still established, then ask over TCP; the holder reports after 6 s how many sluice
# has closed by then (the first query is due within 3 s).
cat >"$TMP/hold.sh" <<EOF
#!/bin/sh
$HELPERS/tcp_hold -n 100 \$1 -r 6 $D 53 >"\$2" &
hold=\$!
i=0
while ! grep -q opened "\$2" && [ \$i -lt 100 ]; do sleep 0.1; i=\$((i + 1)); done
echo "established \$(awk '\$3 ~ /:0035\$/ && \$4 == "01"' /proc/net/tcp | wc -l)"
t0=\$(date +%s%N)
$HELPERS/dns_query -t -w 5 $D target.lab
rc=\$?
t1=\$(date +%s%N)
echo "rc=\$rc ms=\$(((t1 - t0) / 1000000))"
wait \$hold
cat "\$2"
EOF
chmod 0755 "$TMP/hold.sh"
for kind in idle: trickling:-b; do
	slrun run --via "$DANTE" -- "$TMP/hold.sh" "${kind#*:}" "$TMP/hold-${kind%:*}.out"
	ran || why
	check_match "${kind%:*}: the holder opened 100 connections to port 53" '(^|'$'\n'')opened 100'$'\n' "$SL_OUT"
	est=$(sed -n 's/^established //p' <<<"$SL_OUT")
	check "${kind%:*}: at least 60 of them were established when the query was made ($est)" \
		test "${est:-0}" -ge 60
	check_match "${kind%:*}: a new query over TCP is answered" $'\n''A 198\.1[89]\.' "$SL_OUT"
	ms=$(sed -n 's/^rc=0 ms=//p' <<<"$SL_OUT")
	check "${kind%:*}: ... within 2 s (${ms:-no answer} ms)" test "${ms:-9999}" -le 2000
	check_match "${kind%:*}: after 6 s sluice has closed every held connection" \
		$'\n''still open 0$' "$SL_OUT"
done

done_testing
