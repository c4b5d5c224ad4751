#!/bin/bash
# t99d_exec: --via 'exec:COMMAND', a tun-making command sluice does not know, against the lab's
# OpenVPN and OpenConnect servers (vpn_lab.sh), as root and rootless.  openconnect with its
# vpnc-script, as users run it: the target sees the server, DNS goes where the script wrote,
# DTLS reaches the server; over socks5 (DTLS by UDP ASSOCIATE) the server sees the proxy; over
# HTTP CONNECT, TCP only; the host's /etc/resolv.conf and /run untouched.  openvpn configuring
# its device itself (no sluice hook), with an up script of the kind users have that writes the
# pushed DNS server into /etc/resolv.conf: the target sees the VPN server; DNS goes to the
# server the script wrote, through the tunnel; the sandbox has loopback and the device only;
# the host's /etc/resolv.conf is untouched (the same script outside sluice does write it: the
# anti-test).  Over socks5 the VPN server sees the proxy.  The command killed: restarted, its
# new device moved in, the program untouched.  Refused with a clear error: a missing program
# (with its package; by path), a quote left open, a shell operator, a command that exits at once.  No
# runtime directory is left behind.
if [ -z "${SLUICE_VPN_LAB_MNTNS:-}" ]; then
	SLUICE_VPN_LAB_MNTNS=1 exec unshare --mount --propagation private -- "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/vpn_lab.sh"

if ! lab_up || ! vpn_lab_up udp tcp oc || ! vpn_lab_tun_0666 || ! lab_socks_dante px1 1080 ||
	! lab_http_tinyproxy px2 3128; then
	not_ok "the lab, its OpenVPN and OpenConnect servers, dante, tinyproxy and a usable tun node come up"
	done_testing
fi
ok "the lab, its OpenVPN and OpenConnect servers, dante, tinyproxy and a usable tun node come up"

T=$LAB_TARGET
OVS=$(lab_addr ovs) OCS=$(lab_addr ocs) PX1=$(lab_addr px1) PX2=$(lab_addr px2)
C=$TMP/client
as_user mkdir -m 0700 "$C"
for s in udp tcp; do vpn_lab_ovpn_client "$s" "$C/$s.ovpn"; done
# What update-resolv-conf and its kin do: the pushed DNS servers into /etc/resolv.conf.
as_user sh -c "cat > $C/up.sh" <<'SCRIPT'
#!/bin/sh
i=1 out=""
while [ $i -le 20 ]; do
	eval "o=\${foreign_option_$i:-}"
	case $o in "dhcp-option DNS "*) out="${out}nameserver ${o#dhcp-option DNS }
" ;; esac
	i=$((i + 1))
done
printf '%s' "$out" >/etc/resolv.conf
SCRIPT
as_user chmod 0700 "$C/up.sh"
ovpn() { echo "exec:openvpn --config $C/$1.ovpn --script-security 2 --up $C/up.sh"; }
OC="exec:$(vpn_lab_oc_command "$C")"

# Anti-test: the script, run by itself where /etc/resolv.conf is a scratch file, writes it.
echo "nameserver 192.0.2.1" >"$TMP/scratch-resolv"
unshare --mount sh -c "mount --bind '$TMP/scratch-resolv' /etc/resolv.conf &&
	foreign_option_1='dhcp-option DNS 10.77.0.53' '$C/up.sh'"
check_eq "anti-test: the up script outside sluice writes /etc/resolv.conf" "nameserver 10.77.0.53" \
	"$(cat "$TMP/scratch-resolv")"
host_resolv=$(sha256sum </etc/resolv.conf)
# Runtime directories there before (of runs killed outside this test): not this test's.
if [ "$MODE" = rootless ]; then base=/tmp/sluice-$TEST_UID; else base=/run/sluice; fi
{ ls "$base" 2>/dev/null | grep -E '^[0-9]+$'; echo none; } >"$TMP/runtime-before"

for s in udp tcp; do
	lab_counters_reset
	: >"$LAB_DIR/dnsmasq.log"
	out=$(sl run --via "$(ovpn $s)" -- sh -c \
		"curl -sS -m 5 http://$T/; getent hosts target.lab >/dev/null && echo resolved; ip -o link | wc -l" 2>&1)
	check_eq "$s: the target sees the OpenVPN server; a name resolves; two links (lo, the tunnel)" \
		"$OVS
resolved
2" "$out"
	check_eq "$s: DNS reached dnsmasq from the OpenVPN server only" "" \
		"$(lab_dns_queries | awk -v a="$OVS" -v b="$(lab_addr6 ovs)" '$3 != a && $3 != b')"
	check "$s: and there were queries" test -n "$(lab_dns_queries)"
	check_eq "$s: nothing from the client's address reached the target" "0" "$(lab_seen target client)"
	check_eq "$s: nor dnsmasq" "0" "$(lab_seen dns client)"
done

# openconnect with its vpnc-script, as users run it: the script sets the address, the routes
# and /etc/resolv.conf; DTLS (UDP) where the chain carries UDP.
lab_counters_reset
: >"$LAB_DIR/dnsmasq.log"
out=$(sl run --via "$OC" -- sh -c \
	"curl -sS -m 5 http://$T/; getent hosts target.lab >/dev/null && echo resolved; ip -o link | wc -l" 2>&1)
check_eq "openconnect: the target sees the OpenConnect server; a name resolves; two links" "$OCS
resolved
2" "$out"
check_eq "openconnect: DNS (vpnc-script's resolv.conf) reached dnsmasq from the server only" "" \
	"$(lab_dns_queries | awk -v a="$OCS" -v b="$(lab_addr6 ocs)" '$3 != a && $3 != b')"
check "openconnect: and there were queries" test -n "$(lab_dns_queries)"
check_eq "openconnect: nothing from the client's address reached the target or dnsmasq" "0 0" \
	"$(lab_seen target client) $(lab_seen dns client)"
check "openconnect: its DTLS (UDP) reached the server" test "$(lab_seen ocs client udp)" -gt 0
check_eq "the host's /etc/resolv.conf is untouched" "$host_resolv" "$(sha256sum </etc/resolv.conf)"
check "vpnc-script's state stayed in the stage's /run (no /run/vpnc on the host)" test ! -e /run/vpnc

before=$(vpn_lab_clients oc | wc -l)
lab_counters_reset
out=$(sl run --via "socks5://$PX1:1080" --via "$OC" -- curl -sS -m 5 "http://$T/" 2>&1)
check_eq "openconnect over socks5: the target sees the OpenConnect server" "$OCS" "$out"
check_eq "and the server saw the proxy" "$PX1" "$(vpn_lab_clients oc | sed -n "$((before + 1))p")"
check "and DTLS went by UDP ASSOCIATE: the server counted UDP from the proxy" \
	test "$(lab_seen ocs px1 udp)" -gt 0
before=$(vpn_lab_clients oc | wc -l)
lab_counters_reset
out=$(sl run --via "http://$PX2:3128" --via "$OC" -- curl -sS -m 5 "http://$T/" 2>&1)
check_eq "openconnect over HTTP CONNECT (TCP only; DTLS refused, it falls back)" "$OCS" "$out"
check_eq "and the server saw the proxy" "$PX2" "$(vpn_lab_clients oc | sed -n "$((before + 1))p")"
check_eq "and no UDP reached the server from anywhere" "0 0" \
	"$(lab_seen ocs client udp) $(lab_seen ocs px2 udp)"

before=$(vpn_lab_clients tcp | wc -l)
out=$(sl run --via "socks5://$PX1:1080" --via "$(ovpn tcp)" -- curl -sS -m 5 "http://$T/" 2>&1)
check_eq "over socks5: the target sees the OpenVPN server" "$OVS" "$out"
check_eq "and the OpenVPN server saw the proxy" "$PX1" "$(vpn_lab_clients tcp | sed -n "$((before + 1))p")"

# The command killed while the program runs: restarted, its new device moved in.
log=$TMP/kill.log
vpn_lab_requests_start "$log" 100 90 "$(ovpn tcp)"
runner=$VPN_LAB_RUNNER
wait_until 20 grep -q "^$OVS\$" "$log"
check "requests go through" grep -q "^$OVS\$" "$log"
client_pid() {
	local p
	for p in $(pgrep -x openvpn); do
		[[ $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null) == "openvpn --config $C/tcp.ovpn "* ]] && echo "$p"
	done
}
first=$(client_pid)
check "sluice's openvpn is found" test -n "$first"
if [ -n "$first" ]; then kill -KILL "$first"; fi
mark=$(grep -c . "$log")
wait_until 30 sh -c "sed -n '$((mark + 1)),\$p' '$log' | grep -q '^$OVS\$'"
check "the command restarted and requests go through again" \
	sh -c "sed -n '$((mark + 1)),\$p' '$log' | grep -q '^$OVS\$'"
second=$(client_pid)
check "by a new openvpn" test -n "$second" -a "$second" != "$first"
kill_tree "$runner"
wait "$runner" 2>/dev/null
check_eq "the program ran on, one process" "1" "$(grep -c '^pid ' "$log")"

vpn_lab_hidden_check "$(ovpn tcp)" exec-1/resolv.conf

# Refused with a clear error.
out=$(sl run --via "exec:vpnc-not-here --x" -- true 2>&1); rc=$?
check_eq "a missing program: exit 125" "125" "$rc"
check_match "the message names it" "the program 'vpnc-not-here' is not installed" "$out"
out=$(sl run --via "exec:$C/up.sh.missing x" -- true 2>&1); rc=$?
check_eq "a missing program by path: exit 125" "125" "$rc"
check_match "the message names the path and why" "cannot run $C/up\.sh\.missing: No such file" "$out"
out=$(as_user env PATH=/nonexistent "$SLUICE" run --via "exec:openconnect x" -- /bin/true 2>&1); rc=$?
check_eq "a known one missing: exit 125" "125" "$rc"
check_match "the message names its package" "'openconnect' is not installed \(Debian package 'openconnect'\)" "$out"
out=$(sl run --via "exec:openvpn --config '$C/tcp.ovpn" -- true 2>&1); rc=$?
check_eq "a quote left open: exit 125" "125" "$rc"
check_match "the message says so" "the quote ' is not closed" "$out"
out=$(sl run --via "exec:openvpn --config $C/tcp.ovpn > /tmp/x" -- true 2>&1); rc=$?
check_eq "a shell operator: exit 125" "125" "$rc"
check_match "the message says no shell runs" "'>' means nothing here \(no shell runs the command\)" "$out"
out=$(sl run --via "exec:false" -- true 2>&1); rc=$?
check_eq "a command that exits at once: exit 125" "125" "$rc"
check_match "the message says it exited" "exec hop 1 \(false\): .*exit" "$out"
# Each run removed its runtime directory, the kind's own directory in it (exec-1/, with the
# stage's resolv.conf) too, and the run after the killed one removed that one's.
check_eq "no runtime directory is left in $base" "" \
	"$(ls "$base" 2>/dev/null | grep -E '^[0-9]+$' | grep -vxF -f "$TMP/runtime-before")"
done_testing
