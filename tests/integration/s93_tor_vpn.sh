#!/bin/bash
# s93_tor_vpn (slow: make check-slow): Tor and VPN hops chained, against the private Tor network
# (tor_lab.sh) and the VPN lab (vpn_lab.sh), root and rootless, checked at the far end:
#   - OpenVPN (TCP) over Tor: the target sees the OpenVPN server, which saw the Tor exit, never
#     the client; openconnect (exec:) over Tor likewise, by TCP only (its DTLS refused);
#   - Tor over WireGuard: the target sees the exit; the Tor relays got nothing from the client,
#     only from the WireGuard server.
if [ -z "${SLUICE_VPN_LAB_MNTNS:-}" ]; then
	SLUICE_VPN_LAB_MNTNS=1 exec unshare --mount --propagation private -- "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/tor_lab.sh"
. "$(dirname "$0")/vpn_lab.sh"

if ! lab_up || ! tor_lab_up || ! vpn_lab_up tcp wg oc || ! vpn_lab_tun_0666; then
	not_ok "the lab, its Tor network, its VPN servers and a usable tun node come up"
	done_testing
fi
ok "the lab, its Tor network, its VPN servers and a usable tun node come up"

T=$LAB_TARGET
EXIT=$(tor_lab_exit_addr) OVS=$(lab_addr ovs) OCS=$(lab_addr ocs) WGS=$(lab_addr wgs)
tor_lab_sluice_client
C=$TMP/client
as_user mkdir -m 0700 "$C"
vpn_lab_ovpn_client tcp "$C/tcp.ovpn"
vpn_lab_wg_client "$C/wg0.conf"
OC="exec:$(vpn_lab_oc_command "$C")"
# Relays a client's guard may be: none may see the client (or, behind WireGuard, anything but
# the WireGuard server).
relays_seen_from() {
	local h n=0
	for h in $(tor_lab_guard_hosts); do n=$((n + $(lab_seen "$h" "$1"))); done
	echo "$n"
}
slow() { as_user timeout -k 5 90 "$SLUICE" "$1" -q "${@:2}"; }

lab_counters_reset
before=$(vpn_lab_clients tcp | wc -l)
out=$(slow run "${TOR[@]}" --via "openvpn:$C/tcp.ovpn" -- curl -sS -m 10 "http://$T/" 2>&1)
check_eq "OpenVPN (TCP) over Tor: the target sees the OpenVPN server" "$OVS" "$out"
check_eq "and the OpenVPN server saw the Tor exit" "$EXIT" "$(vpn_lab_clients tcp | sed -n "$((before + 1))p")"
check_eq "and nothing from the client reached the OpenVPN server or the target" "0 0" \
	"$(lab_seen ovs client) $(lab_seen target client)"

lab_counters_reset
before=$(vpn_lab_clients oc | wc -l)
out=$(slow run "${TOR[@]}" --via "$OC" -- curl -sS -m 10 "http://$T/" 2>&1)
check_eq "openconnect (exec:) over Tor: the target sees the OpenConnect server" "$OCS" "$out"
check_eq "and the server saw the Tor exit" "$EXIT" "$(vpn_lab_clients oc | sed -n "$((before + 1))p")"
check_eq "and no UDP reached it (DTLS refused behind Tor), nothing from the client" "0 0" \
	"$(lab_seen ocs exit1 udp) $(lab_seen ocs client)"

lab_counters_reset
out=$(slow run --via "wireguard:$C/wg0.conf" "${TOR[@]}" -- curl -sS -m 10 "http://$T/" 2>&1)
check_eq "Tor over WireGuard: the target sees the exit" "$EXIT" "$out"
check_eq "the Tor relays got nothing from the client" "0" "$(relays_seen_from client)"
check "they got tor's traffic from the WireGuard server" test "$(relays_seen_from wgs)" -gt 0
done_testing
