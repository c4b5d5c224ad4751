#!/bin/bash
# t79_lab: the relay tests' lab (lab.sh) works, checked without sluice: every server answers
# and sees the right peer address, the packet counters count, dnsmasq logs each query with its
# source, the proxies proxy (alone and chained with proxychains4), the hostile fake proxies
# misbehave as promised, and the echo server takes 2,000 concurrent connections.
# runs-without-sluice: a lab checking itself; tests/run runs it for the first build only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lab.sh"

if ! lab_up; then
	not_ok "the lab comes up"
	done_testing
fi
ok "the lab comes up"
check "lab servers start (http, echo, dns, dante, microsocks, tinyproxy, hostile)" eval '
	lab_target_http && lab_dns &&
	lab_socks_dante px1 1080 && lab_socks_microsocks px2 1080 &&
	lab_socks_microsocks px2 1081 alice s3cr3t-pw && lab_http_tinyproxy px3 8888 &&
	lab_http_tinyproxy px3 8889 bob hunter2-pw &&
	lab_hostile px1 2001 close && lab_hostile px1 2002 garbage &&
	lab_hostile px1 2003 http-407 && lab_hostile px1 2004 slow'

T=$LAB_TARGET
c() { as_user curl -s -m 5 "$@"; }

# The target, directly.
lab_counters_reset
check_eq "target HTTP over IPv4 sees the client" "$LAB_CLIENT" "$(c http://$T/)"
check_eq "target HTTP over IPv6 sees the client" "$LAB_CLIENT6" "$(c -g "http://[$LAB_TARGET6]/")"
check_eq "the HTTP log has both peers" "$LAB_CLIENT $LAB_CLIENT6" "$(lab_http_peers | tr '\n' ' ' | sed 's/ $//')"
check "the target counted TCP from the client" test "$(lab_seen target client tcp)" -gt 0
check_eq "px3 counted nothing from the client" 0 "$(lab_seen px3 client)"
check_eq "echo over TCP" "hello-tcp" "$(echo hello-tcp | as_user timeout 5 socat -T2 - TCP:$T:$LAB_ECHO_PORT)"
check_eq "echo over UDP" "hello-udp" "$(echo hello-udp | as_user timeout 5 socat -T1 - UDP:$T:$LAB_ECHO_PORT)"
check_eq "echo over UDP, IPv6" "hello-udp6" \
	"$(echo hello-udp6 | as_user timeout 5 socat -T1 - "UDP:[$LAB_TARGET6]:$LAB_ECHO_PORT")"
check_eq "the echo log names each peer" "tcp $LAB_CLIENT|udp $LAB_CLIENT|udp $LAB_CLIENT6" \
	"$(lab_echo_peers | tr '\n' '|' | sed 's/|$//')"
check "the target counted UDP from the client" test "$(lab_seen target client udp)" -ge 2
lab_exec target /bin/busybox ping -c1 -W1 $LAB_CLIENT >/dev/null 2>&1
check "the client counted nothing (it is not a lab host), px counters stay 0" \
	test "$(lab_seen px1 client)" = 0
t0=$SECONDS
c http://$T:$LAB_CLOSED_PORT/
check_eq "the closed port refuses (curl exit 7)" 7 $?
check "  ... at once" test $((SECONDS - t0)) -le 2
lab_counters_reset
/bin/busybox ping -c1 -W1 $T >/dev/null
check_eq "ping from the client reaches the target (root)" 0 $?
check "the target counted ICMP from the client" test "$(lab_seen target client icmp)" -ge 1
lab_counters_reset
check_eq "counters reset to 0" 0 "$(lab_seen target client)"

# DNS.
check_eq "the client cannot resolve lab names" "" "$(as_user getent hosts target.lab)"
check_match "dnsmasq answers the client directly (A)" "Address: $T" \
	"$(as_user timeout 5 /bin/busybox nslookup -type=a target.lab $LAB_DNS 2>&1)"
check_match "dnsmasq answers over IPv6 (AAAA)" "Address: $LAB_TARGET6" \
	"$(as_user timeout 5 /bin/busybox nslookup -type=aaaa target.lab $LAB_DNS6 2>&1)"
check_match "other lab names are NXDOMAIN" "NXDOMAIN" \
	"$(as_user timeout 5 /bin/busybox nslookup nosuch.lab $LAB_DNS 2>&1)"
check_eq "px1 resolves target.lab through the lab DNS" "$T" \
	"$(lab_exec px1 getent ahostsv4 target.lab | awk 'NR == 1 {print $1}')"
wait_until 3 eval 'lab_dns_queries | grep -q "^target.lab A $LAB_PX1$"'
q=$(lab_dns_queries)
check_match "dnsmasq logged the client's query with its source" "target.lab A $LAB_CLIENT" "$q"
check_match "dnsmasq logged the IPv6 query with its source" "target.lab AAAA $LAB_CLIENT6" "$q"
check_match "dnsmasq logged px1's query with its source" "target.lab A $LAB_PX1" "$q"

# Proxies, one hop: the target sees the proxy.
check_eq "dante: target sees px1" "$LAB_PX1" "$(c --socks5 $LAB_PX1:1080 http://$T/)"
check_eq "dante: IPv6 target sees px1's IPv6" "fd77::11" \
	"$(c --socks5 $LAB_PX1:1080 -g "http://[$LAB_TARGET6]/")"
check_match "dante: a name resolved by the proxy" "$(lab_addr_re px1)" "$(c --socks5-hostname $LAB_PX1:1080 http://target.lab/)"
check_match "dante's log names the client" "$LAB_CLIENT" "$(cat "$LAB_DIR/dante-px1-1080.log")"
check_eq "dante over IPv6 to the proxy" "$LAB_PX1" "$(c --socks5 "[fd77::11]:1080" http://$T/)"
check_match "microsocks: target sees px2" "$(lab_addr_re px2)" "$(c --socks5-hostname $LAB_PX2:1080 http://target.lab/)"
check_eq "microsocks with auth, right password" "$LAB_PX2" \
	"$(c --socks5 $LAB_PX2:1081 --proxy-user alice:s3cr3t-pw http://$T/)"
c --socks5 $LAB_PX2:1081 --proxy-user alice:wrong http://$T/ >/dev/null
check_eq "microsocks with auth, wrong password: curl exit 97" 97 $?
c --socks5 $LAB_PX2:1081 http://$T/ >/dev/null
check "microsocks with auth, no password: refused" test $? != 0
check_eq "tinyproxy CONNECT: target sees px3" "$LAB_PX3" "$(c -p -x http://$LAB_PX3:8888 http://$T/)"
check_eq "tinyproxy CONNECT to an IPv6 literal" "fd77::13" "$(c -p -x http://$LAB_PX3:8888 -g "http://[$LAB_TARGET6]/")"
check_match "tinyproxy CONNECT to a name" "$(lab_addr_re px3)" "$(c -p -x http://$LAB_PX3:8888 http://target.lab/)"
check_eq "tinyproxy CONNECT to the echo port" "via-tiny" \
	"$( (echo via-tiny; sleep 1) | as_user timeout 5 socat -T2 - PROXY:$LAB_PX3:$T:$LAB_ECHO_PORT,proxyport=8888)"
check_eq "tinyproxy with auth, right password" "$LAB_PX3" \
	"$(c -p -x http://bob:hunter2-pw@$LAB_PX3:8889 http://$T/)"
# tinyproxy 1.11.1 answers a CONNECT with wrong Basic credentials with 401, not 407.
check_match "tinyproxy with auth, wrong password: 401 or 407" '^40[17]$' \
	"$(c -p -x http://bob:nope@$LAB_PX3:8889 -o /dev/null -w '%{http_connect}' http://$T/)"
check_match "tinyproxy's log names the client" "Connect.*: $LAB_CLIENT" "$(cat "$LAB_DIR/tinyproxy-px3-8888.log")"

# A chain with proxychains4 (strict): the first hop sees the client, the target the last hop.
cat >"$LAB_DIR/proxychains.conf" <<EOF
strict_chain
quiet_mode
tcp_connect_time_out 3000
tcp_read_time_out 5000
[ProxyList]
socks5 $LAB_PX1 1080
http $LAB_PX3 8888
EOF
lab_counters_reset
check_eq "a 2-hop chain (dante, tinyproxy): target sees px3" "$LAB_PX3" \
	"$(as_user timeout 10 proxychains4 -q -f "$LAB_DIR/proxychains.conf" curl -s -m 5 http://$T/)"
check "  ... px1 saw the client" test "$(lab_seen px1 client tcp)" -gt 0
check_eq "  ... px3 saw nothing of the client" 0 "$(lab_seen px3 client)"
check "  ... px3 saw px1" test "$(lab_seen px3 px1 tcp)" -gt 0
check_eq "  ... the target saw nothing of the client" 0 "$(lab_seen target client)"

# Hostile fake proxies.
hostile() { # MODE PORT CURL-PROXY-ARGS...: prints "exit-code seconds"
	local t0=$SECONDS
	shift
	c -m 4 "$@" http://$T/ >/dev/null 2>&1
	echo "$? $((SECONDS - t0))"
}
r=$(hostile close 2001 --socks5 $LAB_PX1:2001)
check_match "hostile close: curl fails at once ($r)" '^(97|52|56) [0-2]$' "$r"
r=$(hostile garbage 2002 --socks5 $LAB_PX1:2002)
check_match "hostile garbage: curl fails at once ($r)" '^(97|52|56) [0-2]$' "$r"
check_match "hostile garbage sends non-protocol bytes" 'garbage' \
	"$(printf 'x' | timeout 3 socat -T1 - TCP:$LAB_PX1:2002 2>/dev/null | tr -d '\0')"
check_eq "hostile http-407: curl sees 407" 407 \
	"$(c -m 4 -p -x http://$LAB_PX1:2003 -o /dev/null -w '%{http_connect}' http://$T/)"
r=$(hostile slow 2004 --socks5 $LAB_PX1:2004)
check_match "hostile slow: curl times out (28) after its 4 s ($r)" '^28 [3-9]$' "$r"

# Killing one server.
lab_kill px1:1080
c --socks5 $LAB_PX1:1080 http://$T/ >/dev/null
check_eq "lab_kill px1:1080: dante is gone (connection refused)" 7 $?
check "  ... its process is gone" eval '! lab_listening px1 1080'
check "  ... the other servers of px1 still listen" lab_listening px1 2001

# 2,000 concurrent connections to the echo server.
out=$(as_user "$HELPERS/conn_storm" -n 2000 -t 20 $T $LAB_ECHO_PORT)
check_eq "conn_storm: 2,000 concurrent echo connections complete" "completed 2000 of 2000 (failed 0, timed out 0)" "$out"

done_testing
