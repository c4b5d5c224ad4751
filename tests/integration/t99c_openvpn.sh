#!/bin/bash
# t99c_openvpn: --via openvpn:FILE against the lab's OpenVPN servers (vpn_lab.sh), as root and
# rootless, with the client files providers hand out (inline certificates, tls-crypt,
# persist-tun).  Over UDP and TCP the target sees the VPN server's address; DNS goes to the
# pushed server, through the tunnel; nothing from the client's own address reaches the target
# or dnsmasq.  auth-user-pass from --openvpn-auth (a wrong password and a missing one: clear
# errors); an encrypted key with the config's askpass.  OpenVPN over a socks5 proxy (dante):
# over TCP and over UDP (UDP ASSOCIATE) the VPN server sees the proxy, never the client.  The
# server killed and back: the program's requests fail meanwhile and resume after openvpn's
# reconnect, the program untouched.  Tunnels in tunnels: WireGuard inside OpenVPN (TCP) carries
# a 100 MiB download intact (MTU, MSS), the WireGuard server sees the OpenVPN server; OpenVPN
# (UDP) inside WireGuard likewise.  Refused before anything starts: a UDP config after an HTTP
# hop, a tap config, a missing openvpn.
if [ -z "${SLUICE_VPN_LAB_MNTNS:-}" ]; then
	SLUICE_VPN_LAB_MNTNS=1 exec unshare --mount --propagation private -- "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/vpn_lab.sh"

if ! lab_up || ! vpn_lab_up udp tcp auth wg || ! vpn_lab_tun_0666 || ! lab_socks_dante px1 1080; then
	not_ok "the lab, its OpenVPN servers, dante and a usable tun node come up"
	done_testing
fi
ok "the lab, its OpenVPN servers, dante and a usable tun node come up"

T=$LAB_TARGET
OVS=$(lab_addr ovs) PX1=$(lab_addr px1) WGS=$(lab_addr wgs)
C=$TMP/client
as_user mkdir -m 0700 "$C"
for s in udp tcp auth; do vpn_lab_ovpn_client "$s" "$C/$s.ovpn"; done
vpn_lab_auth_file "$C/auth.pass"
vpn_lab_auth_file "$C/wrong.pass" "$VPN_LAB_USER" "not the password"
vpn_lab_ovpn_client tcp "$C/enckey.ovpn" enckey
vpn_lab_askpass_file "$C/key.pass"
vpn_lab_wg_client "$C/wg0.conf"

lab_counters_reset
curl -s -m 3 "http://$T/" >/dev/null
check "anti-test: without sluice, the target counts the client's own packets" \
	test "$(lab_seen target client)" -gt 0

for s in udp tcp; do
	lab_counters_reset
	: >"$LAB_DIR/dnsmasq.log"
	out=$(sl run --via "openvpn:$C/$s.ovpn" -- sh -c \
		"curl -sS -m 5 http://$T/; getent hosts target.lab >/dev/null && echo resolved" 2>&1)
	check_eq "$s: the target sees the OpenVPN server; a name resolves" "$OVS
resolved" "$out"
	check_eq "$s: DNS reached dnsmasq from the OpenVPN server only" "" \
		"$(lab_dns_queries | awk -v a="$OVS" -v b="$(lab_addr6 ovs)" '$3 != a && $3 != b')"
	check "$s: and there were queries" test -n "$(lab_dns_queries)"
	check_eq "$s: nothing from the client's address reached the target" "0" "$(lab_seen target client)"
	check_eq "$s: nor dnsmasq" "0" "$(lab_seen dns client)"
done

out=$(sl run --via "openvpn:$C/auth.ovpn" --openvpn-auth "$C/auth.pass" -- curl -sS -m 5 "http://$T/" 2>&1)
check_eq "auth-user-pass from --openvpn-auth" "$OVS" "$out"
check_match "the server's check accepted the user" "^ok $VPN_LAB_USER" "$(vpn_lab_auth_log | tail -1)"
out=$(sl run --via "openvpn:$C/auth.ovpn" -- true </dev/null 2>&1); rc=$?
check_eq "auth-user-pass without --openvpn-auth and no terminal: exit 125" "125" "$rc"
check_match "the message says what to give" "asks for a user name and password.*--openvpn-auth FILE" "$out"
out=$(sl run --via "openvpn:$C/auth.ovpn" --openvpn-auth "$C/wrong.pass" -- true 2>&1); rc=$?
check_eq "a wrong password: exit 125" "125" "$rc"
check_match "openvpn's own reason is shown" "AUTH_FAILED|auth-failure|exited" "$out"

out=$(sl run --via "openvpn:$C/enckey.ovpn" -- true </dev/null 2>&1); rc=$?
check_eq "an encrypted key without askpass and no terminal: exit 125" "125" "$rc"
{ cat "$C/enckey.ovpn"; echo "askpass $C/key.pass"; } | as_user sh -c "cat > $C/askpass.ovpn"
out=$(sl run --via "openvpn:$C/askpass.ovpn" -- curl -sS -m 5 "http://$T/" 2>&1)
check_eq "an encrypted key with the config's askpass FILE" "$OVS" "$out"

# Over a socks5 proxy: the VPN server sees the proxy.
before=$(vpn_lab_clients tcp | wc -l)
out=$(sl run --via "socks5://$PX1:1080" --via "openvpn:$C/tcp.ovpn" -- curl -sS -m 5 "http://$T/" 2>&1)
check_eq "OpenVPN (TCP) over socks5: the target sees the OpenVPN server" "$OVS" "$out"
check_eq "and the OpenVPN server saw the proxy" "$PX1" "$(vpn_lab_clients tcp | sed -n "$((before + 1))p")"
before=$(vpn_lab_clients udp | wc -l)
out=$(sl run --via "socks5://$PX1:1080" --via "openvpn:$C/udp.ovpn" -- curl -sS -m 5 "http://$T/" 2>&1)
check_eq "OpenVPN (UDP) over socks5 (UDP ASSOCIATE): the target sees the OpenVPN server" "$OVS" "$out"
check_eq "and the OpenVPN server saw the proxy" "$PX1" "$(vpn_lab_clients udp | sed -n "$((before + 1))p")"

# The server killed while the program runs, then back: openvpn reconnects (ping-restart, the
# device kept: persist-tun), the program's requests resume.
log=$TMP/kill.log
vpn_lab_requests_start "$log" 100 120 "openvpn:$C/tcp.ovpn"
runner=$VPN_LAB_RUNNER
wait_until 15 grep -q "^$OVS\$" "$log"
check "requests go through while the server runs" grep -q "^$OVS\$" "$log"
vpn_lab_stop tcp
lab_counters_reset
before=$(grep -c . "$log")
wait_until 15 sh -c "[ \$(sed -n '$((before + 1)),\$p' '$log' | grep -c '^fail\$') -ge 3 ]"
check "with the server gone, requests fail" \
	test "$(sed -n "$((before + 1)),\$p" "$log" | grep -c '^fail$')" -ge 3
check_eq "and nothing went around the tunnel to the target" "0" "$(lab_seen target client)"
vpn_lab_start tcp
mark=$(grep -c . "$log")
wait_until 40 sh -c "sed -n '$((mark + 1)),\$p' '$log' | grep -q '^$OVS\$'"
check "the server back, openvpn reconnects and requests go through again" \
	sh -c "sed -n '$((mark + 1)),\$p' '$log' | grep -q '^$OVS\$'"
kill_tree "$runner"
wait "$runner" 2>/dev/null
check_eq "the program ran on, one process" "1" "$(grep -c '^pid ' "$log")"

# Tunnels in tunnels.
head -c 100M /dev/urandom >"$LAB_DIR/www/big"
want=$(sha256sum <"$LAB_DIR/www/big")
out=$(as_user timeout -k 5 150 "$SLUICE" run --via "openvpn:$C/tcp.ovpn" --via "wireguard:$C/wg0.conf" \
	-- sh -c "curl -sS -m 5 http://$T/; curl -sS -m 120 http://$T/big | sha256sum" 2>&1)
check_eq "WireGuard inside OpenVPN: the target sees the WireGuard server; 100 MiB arrive intact" \
	"$WGS
$want" "$out"
check_eq "and the WireGuard server saw the OpenVPN server" "$OVS" "$(vpn_lab_clients wg | tail -1)"
rm -f "$LAB_DIR/www/big"
before=$(vpn_lab_clients udp | wc -l)
out=$(sl run --via "wireguard:$C/wg0.conf" --via "openvpn:$C/udp.ovpn" -- curl -sS -m 5 "http://$T/" 2>&1)
check_eq "OpenVPN (UDP) inside WireGuard: the target sees the OpenVPN server" "$OVS" "$out"
check_eq "and the OpenVPN server saw the WireGuard server" "$WGS" \
	"$(vpn_lab_clients udp | sed -n "$((before + 1))p")"

vpn_lab_hidden_check "openvpn:$C/tcp.ovpn" openvpn-1.hook

# Refused before anything starts.
out=$(sl run --via "http://$PX1:3128" --via "openvpn:$C/udp.ovpn" -- true 2>&1); rc=$?
check_eq "a UDP config after an HTTP hop: exit 125" "125" "$rc"
check_match "the message says why and what works" \
	"cannot follow hop 1 \(http\): it carries TCP streams only.*over TCP.*tunnel first" "$out"
sed 's/^dev tun$/dev tap/' "$C/tcp.ovpn" | as_user sh -c "cat > $C/tap.ovpn"
out=$(sl run --via "openvpn:$C/tap.ovpn" -- true 2>&1); rc=$?
check_eq "a tap config: exit 125" "125" "$rc"
check_match "the message names the file and line" "tap.ovpn:[0-9]+: .*tap" "$out"
out=$(as_user env PATH=/nonexistent "$SLUICE" run --via "openvpn:$C/tcp.ovpn" -- /bin/true 2>&1); rc=$?
check_eq "no openvpn in PATH: exit 125" "125" "$rc"
check_match "the message names the program and its package" "openvpn.*Debian package 'openvpn'" "$out"
done_testing
