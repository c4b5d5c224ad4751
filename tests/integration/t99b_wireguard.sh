#!/bin/bash
# t99b_wireguard: --via wireguard:FILE against the lab's wireguard-go server (vpn_lab.sh), as
# root and rootless.  Through the tunnel the target's HTTP server (IPv4 and IPv6) and UDP echo
# see the VPN server's address; DNS queries, to any address (loopback too), over UDP and TCP,
# reach dnsmasq from the VPN server through sluice's resolver, which answers .onion, .invalid,
# localhost and AAAA without IPv6 itself (anti-test: dnsmasq logs them when asked directly),
# and SERVFAILs at once behind a tunnel that names no server; nothing from the client's own
# address reaches the target or dnsmasq (packet counters; the anti-test: the same probe
# without sluice is counted).  The server killed mid-run: requests
# fail and nothing goes around the tunnel; the server back: they work again, the program
# untouched.  wireguard-go killed: sluice restarts it and moves the new device in.  A socks5
# proxy after the tunnel (dante) sees the WireGuard server, never the client.  Errors, each
# before anything starts (exit 125): a bad key, a UDP tunnel after an HTTP hop, a missing
# wireguard-go, a /dev/net/tun rootless cannot use (anti-test: root can).
if [ -z "${SLUICE_VPN_LAB_MNTNS:-}" ]; then
	SLUICE_VPN_LAB_MNTNS=1 exec unshare --mount --propagation private -- "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/vpn_lab.sh"

if ! lab_up || ! vpn_lab_up wg || ! vpn_lab_tun_0666 || ! lab_socks_dante px1 1080; then
	not_ok "the lab, its WireGuard server and a usable tun node come up"
	done_testing
fi
ok "the lab, its WireGuard server and a usable tun node come up"

T=$LAB_TARGET T6=$LAB_TARGET6
WGS=$(lab_addr wgs) WGS6=$(lab_addr6 wgs)
C=$TMP/client
as_user mkdir -m 0700 "$C"
vpn_lab_wg_client "$C/wg0.conf" client=2
vpn_lab_wg_client "$C/byname.conf" client=3 endpoint=name

# wg ARGS...: sluice through the tunnel of $C/wg0.conf.
wg() { sl run --via "wireguard:$C/wg0.conf" "$@"; }

# The lab's client address must not reach the target or dnsmasq; the anti-test proves the
# counters count.
lab_counters_reset
curl -s -m 3 "http://$T/" >/dev/null
check "anti-test: without sluice, the target counts the client's own packets" \
	test "$(lab_seen target client)" -gt 0

lab_counters_reset
: >"$LAB_DIR/dnsmasq.log"
out=$(wg -- curl -sS -m 5 "http://$T/" 2>&1)
check_eq "the target sees the WireGuard server's address" "$WGS" "$out"
out=$(wg -- curl -sS -m 5 "http://[$T6]/" 2>&1)
check_eq "over IPv6 too" "$WGS6" "$out"
out=$(wg -- sh -c 'getent hosts target.lab' 2>&1)
check_match "a name resolves through the tunnel's DNS server" "^$T6 +target.lab|^$T +target.lab" "$out"
out=$(wg -- sh -c '/bin/busybox nslookup -type=a px1.lab 192.0.2.1 2>&1')
check_match "a query to any other address goes to the tunnel's DNS server too" "$(lab_addr px1)" "$out"
check_eq "every query reached dnsmasq from the WireGuard server" "" \
	"$(lab_dns_queries | awk -v a="$WGS" -v b="$WGS6" '$3 != a && $3 != b')"
check "and there were queries" test -n "$(lab_dns_queries)"

out=$(wg -- python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.sendto(b'ping', ('$T', $LAB_ECHO_PORT))
print(s.recv(100).decode())" 2>&1)
check_eq "UDP goes through the tunnel (the echo answers)" "ping" "$out"
check_match "the echo server saw the WireGuard server" "^udp $WGS\$" "$(lab_echo_peers)"
check_eq "nothing from the client's address reached the target" "0" "$(lab_seen target client)"
check_eq "nor dnsmasq" "0" "$(lab_seen dns client)"

# The queries go through sluice's resolver, which forwards them into the tunnel: a loopback
# address (a resolver stub's, as programs hard-code it) and DNS over TCP work too, and what
# must never reach a resolver is answered inside.  Anti-test: the same names asked of dnsmasq
# without sluice are logged, so their absence below means they stayed inside.
out=$(wg -- sh -c '/bin/busybox nslookup -type=a px1.lab 127.0.0.53 2>&1')
check_match "a query to a loopback address goes through the tunnel too" "$(lab_addr px1)" "$out"
out=$(wg -- python3 -c "$LAB_DNS_OVER_TCP" px1.lab 192.0.2.1 2>&1)
check_eq "DNS over TCP too" "$(lab_addr px1)" "$out"
out=$(wg --udp block -- sh -c 'getent hosts target.lab' 2>&1)
check_match "with --udp block too" "^$T6 +target.lab|^$T +target.lab" "$out"
check_eq "and every query reached dnsmasq from the WireGuard server" "" \
	"$(lab_dns_queries | awk -v a="$WGS" -v b="$WGS6" '$3 != a && $3 != b')"
: >"$LAB_DIR/dnsmasq.log"
/bin/busybox nslookup -type=a hidden.onion "$LAB_DNS" >/dev/null 2>&1
/bin/busybox nslookup -type=a x.invalid "$LAB_DNS" >/dev/null 2>&1
check_eq "anti-test: without sluice, .onion and .invalid names reach dnsmasq" "2" \
	"$(lab_dns_queries | grep -cE '^(hidden[.]onion|x[.]invalid) ')"
: >"$LAB_DIR/dnsmasq.log"
out=$(wg -- sh -c 'for n in hidden.onion x.invalid; do /bin/busybox nslookup -type=a $n 192.0.2.1; done
	/bin/busybox nslookup -type=a localhost 192.0.2.1' 2>&1)
check_eq "behind the tunnel .onion and .invalid are NXDOMAIN" "2" "$(echo "$out" | grep -c NXDOMAIN)"
check_match "localhost is the loopback" "127[.]0[.]0[.]1" "$out"
out=$(wg --ipv6 off -- sh -c '/bin/busybox nslookup -type=aaaa target.lab 192.0.2.1' 2>&1)
check "--ipv6 off: AAAA answered empty" test -n "$out" -a "${out//$T6/}" = "$out"
check_eq "none of these reached dnsmasq" "" "$(lab_dns_queries)"

# A tunnel that names no DNS server: queries fail at once (SERVFAIL), never go elsewhere.
grep -v '^DNS' "$C/wg0.conf" | as_user sh -c "umask 077; cat > $C/nodns.conf"
: >"$LAB_DIR/dnsmasq.log"
start=$(date +%s%N)
out=$(sl run --via "wireguard:$C/nodns.conf" -- sh -c 'getent hosts target.lab || echo failed' 2>&1)
elapsed=$((($(date +%s%N) - start) / 1000000))
check_eq "a tunnel without DNS servers: names do not resolve" "failed" "$(echo "$out" | tail -1)"
check_match "and sluice says why" "no DNS = in \\[Interface\\]: the program's DNS queries fail" "$out"
check "and fail at once ($elapsed ms)" test "$elapsed" -lt 4000
check_eq "no query went anywhere" "" "$(lab_dns_queries)"
out=$(sl run -q --via "wireguard:$C/nodns.conf" --dns "forward=$LAB_DNS" -- getent hosts target.lab 2>&1)
check_match "--dns forward=ADDR names one, reached through the tunnel" "^$T6 +target.lab|^$T +target.lab" "$out"
check_eq "and dnsmasq saw the query from the WireGuard server" "" \
	"$(lab_dns_queries | awk -v a="$WGS" -v b="$WGS6" '$3 != a && $3 != b')"
: >"$LAB_DIR/dnsmasq.log"
out=$(wg --dns none -- sh -c '/bin/busybox nslookup -type=a px1.lab 192.0.2.1 2>&1 || echo failed' 2>&1)
check_match "--dns none behind the tunnel: no DNS" "failed$" "$out"
check_eq "and no query left" "" "$(lab_dns_queries)"

# A first hop's Endpoint name resolves on the host side, as the user's machine would: here
# through an /etc/hosts of this test's own mount namespace (the client has no DNS for the lab).
{ cat /etc/hosts; echo "$WGS wgs.lab"; } >"$TMP/hosts"
mount --bind "$TMP/hosts" /etc/hosts && cleanup_push "umount /etc/hosts"
out=$(sl run --via "wireguard:$C/byname.conf" -- curl -sS -m 5 "http://$T/" 2>&1)
check_eq "an Endpoint given by name (resolved on the host side, first hop)" "$WGS" "$out"

out=$(wg -- sh -c 'ip -o link | grep -v " lo:" | cut -d: -f2; ip route' 2>&1)
check_match "the sandbox has the tunnel's device and no other link" "^ wg0$" "$(echo "$out" | head -1)"
check_eq "its only routes are the tunnel's" "" \
	"$(echo "$out" | sed 1d | grep -v 'dev wg0' || true)"

# A proxy after the tunnel: the relay dials it from the namespace the device is in.
lab_counters_reset
out=$(wg --via "socks5://$(lab_addr px1):1080" -- curl -sS -m 5 "http://target.lab/" 2>&1)
check_match "socks5 after WireGuard: the target sees the proxy (the name resolved by it)" \
	"$(lab_addr_re px1)" "$out"
check_match "and the proxy saw the WireGuard server" "connect \[: $WGS\.[0-9]+ " \
	"$(tail -1 "$LAB_DIR/dante-px1-1080.log")"
check_eq "nothing from the client's address reached the proxy" "0" "$(lab_seen px1 client)"
out=$(wg --via "socks5://px1.lab:1080" -- true 2>&1); rc=$?
check_eq "a proxy right after the tunnel given by name: exit 125" "125" "$rc"
check_match "the message asks for its address" "right after a tunnel needs its IP address" "$out"

# A named session behind the tunnel: `sluice exec` joins it (rootless, its user namespace is
# nested in the tunnel's stage's) and goes through the tunnel too.
(as_user timeout -k 5 60 "$SLUICE" run --name wgs-$$ --via "wireguard:$C/wg0.conf" -- sleep 30 \
	>/dev/null 2>&1) &
session=$!
cleanup_push "kill_tree $session"
# (listed at once, joinable once the tunnel is up and its program runs)
session_running() {
	sl ls --json 2>/dev/null | jq -e --arg n "$1" '.[] | select(.name == $n and .program_running)' >/dev/null
}
wait_until 20 session_running "wgs-$$"
out=$(as_user timeout 20 "$SLUICE" exec "wgs-$$" -- curl -sS -m 5 "http://$T/" 2>&1)
check_eq "sluice exec into a session behind the tunnel: the target sees the WireGuard server" \
	"$WGS" "$out"
as_user "$SLUICE" stop "wgs-$$" >/dev/null 2>&1
wait "$session" 2>/dev/null

# The server killed while the program runs: requests fail, nothing leaves around the tunnel;
# the server back: they work again.  The program is one process throughout.
log=$TMP/kill.log
vpn_lab_requests_start "$log" 60 90 "wireguard:$C/wg0.conf"
runner=$VPN_LAB_RUNNER
wait_until 15 grep -q "^$WGS\$" "$log"
check "requests go through while the server runs" grep -q "^$WGS\$" "$log"
vpn_lab_stop wg
lab_counters_reset
before=$(grep -c . "$log")
wait_until 15 sh -c "[ \$(sed -n '$((before + 1)),\$p' '$log' | grep -c '^fail\$') -ge 3 ]"
check "with the server gone, requests fail" \
	test "$(sed -n "$((before + 1)),\$p" "$log" | grep -c '^fail$')" -ge 3
check_eq "and nothing went around the tunnel to the target" "0" "$(lab_seen target client)"
vpn_lab_start wg
mark=$(grep -c . "$log")
wait_until 30 sh -c "sed -n '$((mark + 1)),\$p' '$log' | grep -q '^$WGS\$'"
check "the server back, requests go through again" \
	sh -c "sed -n '$((mark + 1)),\$p' '$log' | grep -q '^$WGS\$'"
wait "$runner"
check_eq "the program ran on, one process" "1" "$(grep -c '^pid ' "$log")"

# wireguard-go killed: sluice restarts it in its stage and moves the new device in.
(as_user timeout -k 5 90 "$SLUICE" run --via "wireguard:$C/wg0.conf" -- sh -c 'i=0; while [ $i -lt 40 ]; do curl -s -m 1 "http://'"$T"'/" || echo fail; i=$((i + 1)); sleep 0.5; done' >"$log" 2>&1) &
runner=$!
cleanup_push "kill_tree $runner"
wait_until 30 grep -q "^$WGS\$" "$log"
# sluice_wg: the pid of sluice's wireguard-go (not the lab server's, in a netns of its own).
sluice_wg() {
	local p server
	server=$(readlink "/proc/$(vpn_lab_pid wg)/ns/net" 2>/dev/null) && [ -n "$server" ] || return 1
	for p in $(pgrep -x wireguard-go); do
		[ "$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)" = "wireguard-go -f wg0 " ] &&
			[ "$(readlink "/proc/$p/ns/net" 2>/dev/null)" != "$server" ] && echo "$p" && return 0
	done
	return 1
}
wgpid=""
wait_until 15 sluice_wg >/dev/null && wgpid=$(sluice_wg)
check "sluice's wireguard-go found" test -n "$wgpid"
[ -n "$wgpid" ] && kill -9 "$wgpid"
mark=$(grep -c . "$log")
# is_restarted: a wireguard-go of sluice's again, another process than the one killed.
is_restarted() { local p; p=$(sluice_wg) && [ "$p" != "$wgpid" ]; }
wait_until 20 is_restarted
check "sluice restarted wireguard-go after it was killed" is_restarted
wait_until 20 sh -c "sed -n '$((mark + 1)),\$p' '$log' | grep -q '^$WGS\$'"
check "and requests go through again" \
	sh -c "sed -n '$((mark + 1)),\$p' '$log' | grep -q '^$WGS\$'"
wait "$runner"

# Errors before anything starts.
sed 's/^PrivateKey = .*/PrivateKey = notakey/' "$C/wg0.conf" | as_user sh -c "cat > $C/bad.conf"
out=$(sl run --via "wireguard:$C/bad.conf" -- true 2>&1); rc=$?
check_eq "a bad key: exit 125" "125" "$rc"
check_match "the message names the file, line and key" "bad.conf:[0-9]+: .*PrivateKey" "$out"
check "and never shows the key's text" sh -c "! echo '$out' | grep -q notakey"
out=$(sl run --via http://127.0.0.1:1 --via "wireguard:$C/wg0.conf" -- true 2>&1); rc=$?
check_eq "WireGuard after an HTTP hop: exit 125" "125" "$rc"
check_match "the message says why and what works" \
	"cannot follow hop 1 \(http\): it carries TCP streams only.*over TCP.*tunnel first" "$out"
out=$(as_user env PATH=/nonexistent "$SLUICE" run --via "wireguard:$C/wg0.conf" -- /bin/true 2>&1); rc=$?
check_eq "no wireguard-go in PATH: exit 125" "125" "$rc"
check_match "the message names the program and its package" "wireguard-go.*Debian package 'wireguard-go'" "$out"
vpn_lab_hidden_check "wireguard:$C/wg0.conf" wireguard-1/wireguard/wg0.sock
vpn_lab_tun_0666 0600
out=$(sl run --via "wireguard:$C/wg0.conf" -- curl -sS -m 5 "http://$T/" 2>&1); rc=$?
if [ "$MODE" = rootless ]; then
	check_eq "rootless with a 0600 /dev/net/tun: exit 125" "125" "$rc"
	check_match "the message names the file, its mode and what to do" \
		"/dev/net/tun is mode 0600.*chmod 0666" "$out"
else
	check_eq "anti-test: root uses a 0600 /dev/net/tun" "$WGS" "$out"
fi
done_testing
