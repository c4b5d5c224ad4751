#!/bin/bash
# t99_vpn_lab: the tunnel hops' lab (vpn_lab.sh) works, checked without sluice.  For WireGuard,
# OpenVPN over UDP, over TCP (an encrypted key and a server name in the config), with
# auth-user-pass, and OpenConnect (ocserv, a client certificate; openconnect with vpnc-script, by
# address and by name), the ordinary client in a plain netns (vpn_lab_baseline) comes up; through its
# tunnel the target's HTTP server (IPv4 and IPv6) sees the VPN server's lab address, and a DNS
# query reaches dnsmasq from the VPN server; the target counts nothing from the client's own
# address; the server's log names the client.  Anti-tests: the same netns without the tunnel
# (before it comes up, after it is stopped) gets no answer, as it has no other route; a wrong
# password is refused.  openconnect gets an address from ocserv's pool on its tun device and
# brings DTLS (UDP) up; its vpnc-script writes the netns's private resolv.conf and never the
# machine's /etc/resolv.conf.  Killing a server stops the traffic, and the restarted server
# takes a new client.  And the tun node for rootless sluice: a 0666 node bound over /dev/net/tun in the
# test's own mount namespace lets an unprivileged user make a tun device in its user namespace
# (anti-test: a 0600 node there does not), the host's node unchanged.
#
# Modes: the lab, its servers and the baseline clients run as root in both modes (they need
# CAP_NET_ADMIN in the lab's namespaces, as vopono's do).  MODE decides who owns the client
# files (root or TEST_UID, mode 0600) and who runs the probes (curl, nslookup) in the client's
# netns: rootless MODE checks that the files and probes work for TEST_UID, which is what sluice
# will run as.  The tun check runs its probe as TEST_UID in both modes (root passes any mode).
# runs-without-sluice: a lab checking itself; tests/run runs it for the first build only.
if [ -z "${SLUICE_VPN_LAB_MNTNS:-}" ]; then
	# The tun node is a bind mount: run in a private mount namespace (before lib.sh, whose EXIT
	# trap must run in there).
	SLUICE_VPN_LAB_MNTNS=1 exec unshare --mount --propagation private -- "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/vpn_lab.sh"

t_start=$SECONDS
if ! lab_up; then
	not_ok "the lab comes up"
	done_testing
fi
ok "the lab comes up"
t0=$SECONDS
if ! vpn_lab_up; then
	not_ok "the VPN servers start (wg, udp, tcp, auth, oc) with the lab's dns and target"
	done_testing
fi
ok "the VPN servers start (wg, udp, tcp, auth, oc) with the lab's dns and target"
diag "lab_up took $((t0 - t_start)) s, vpn_lab_up (keys, certificates, five servers) $((SECONDS - t0)) s"
# ocserv alone, timed (ms): stopped and started again.
vpn_lab_stop oc TERM
t1=$(date +%s%N)
check "ocserv starts again after a TERM" vpn_lab_start oc
diag "ocserv: start until ready (sec-mod initialized, listening on TCP and UDP): $((($(date +%s%N) - t1) / 1000000)) ms"

T=$LAB_TARGET T6=$LAB_TARGET6
C=$TMP/client
as_user mkdir -m 0700 "$C"
UID_MODE=$(as_user id -u)

# no_answer NAME: from NAME's netns, the target answers neither HTTP nor DNS (3 s each at most).
no_answer() {
	! vpn_lab_in "$1" curl -s -m 3 "http://$T/" >/dev/null &&
		! vpn_lab_in "$1" timeout 4 /bin/busybox nslookup -type=a target.lab >/dev/null 2>&1
}

# through NAME SERVER DESC: the checks of a tunnel that is up, client netns NAME, server SERVER.
through() {
	local n=$1 s=$2 desc=$3 a a6 q
	a=$(lab_addr "$(vpn_lab_host "$s")") a6=$(lab_addr6 "$(vpn_lab_host "$s")")
	lab_counters_reset
	: >"$LAB_DIR/dnsmasq.log"
	check_eq "$desc: the target sees the VPN server ($a)" "$a" "$(vpn_lab_in "$n" curl -s -m 5 "http://$T/")"
	check_eq "  ... over IPv6 too ($a6)" "$a6" "$(vpn_lab_in "$n" curl -s -m 5 -g "http://[$T6]/")"
	check_match "  ... DNS through the tunnel answers (nameserver $LAB_DNS)" "Address: $T" \
		"$(vpn_lab_in "$n" timeout 5 /bin/busybox nslookup -type=a target.lab 2>&1)"
	q=$(lab_dns_queries)
	check_eq "  ... dnsmasq saw the query from the VPN server" "target.lab A $a" "$q"
	check "  ... the target counted TCP from the VPN server" test "$(lab_seen target "$(vpn_lab_host "$s")" tcp)" -gt 0
	check_eq "  ... and nothing from the client's own address" "0 0" \
		"$(lab_seen target "$n") $(lab_seen dns "$n")"
	check "  ... the server's log names the client ($(lab_addr "$n"))" \
		eval 'vpn_lab_clients "$s" | grep -qx "$(lab_addr "$n")"'
}

# tunnel NAME SERVER CONFIG DESC [OPENVPN-ARGS...]: the anti-test, the client, the checks, the
# client stopped, the anti-test again.
tunnel() {
	local n=$1 s=$2 conf=$3 desc=$4
	shift 4
	vpn_lab_netns "$n"
	check "$desc: anti-test: the client's netns without the tunnel gets no answer" no_answer "$n"
	check_eq "  ... and the target and dnsmasq counted nothing from it" "0 0" \
		"$(lab_seen target "$n") $(lab_seen dns "$n")"
	if vpn_lab_baseline "$n" "$conf" "$@"; then
		ok "$desc: the ordinary client comes up in a plain netns"
	else
		not_ok "$desc: the ordinary client comes up in a plain netns"
	fi
	through "$n" "$s" "$desc"
	vpn_lab_baseline_stop "$n"
	check "  ... the client stopped: no answer again, no tun device left" eval \
		'no_answer "$n" && [ -z "$(ip -n "$(lab_ns "$n")" link show type tun)" ]'
}

# The client files, as the mode's user gets them.
vpn_lab_wg_client "$C/wg0.conf" endpoint=name
vpn_lab_ovpn_client udp "$C/udp.ovpn"
vpn_lab_ovpn_client tcp "$C/tcp.ovpn" enckey name
vpn_lab_ovpn_client auth "$C/auth.ovpn"
vpn_lab_auth_file "$C/auth.pass"
vpn_lab_auth_file "$C/wrong.pass" "$VPN_LAB_USER" not-the-password
vpn_lab_askpass_file "$C/key.pass"
check_eq "the client files are the mode's user's, mode 0600" \
	"$(printf "$UID_MODE 600 %.0s" 1 2 3 4 5 6 7)" \
	"$(for f in wg0.conf udp.ovpn tcp.ovpn auth.ovpn auth.pass wrong.pass key.pass; do
		stat -c '%u %a ' "$C/$f"; done | tr -d '\n')"
check "  ... and that user reads them" eval 'as_user cat "$C/wg0.conf" "$C/auth.ovpn" "$C/key.pass" >/dev/null'
re="^\[Interface\] PrivateKey = .{44} Address = 10\.99\.0\.2/32, fd99::2/128 DNS = $LAB_DNS MTU = 1420"
re+=" \[Peer\] PublicKey = .{44} PresharedKey = .{44} AllowedIPs = 0\.0\.0\.0/0, ::/0"
re+=" Endpoint = wgs\.lab:51820 PersistentKeepalive = 25\$"
check_match "the wg-quick file has the keys a user's has" "$re" \
	"$(grep -v '^#' "$C/wg0.conf" | tr '\n' ' ' | sed 's/  */ /g; s/ $//')"
re="^client dev tun proto udp remote $VPN_LAB_OVS 1194 nobind persist-key persist-tun"
re+=" remote-cert-tls server verb 3 <ca> <cert> <key> <tls-crypt>\$"
check_match "the .ovpn files: inline ca, cert, key, tls-crypt" "$re" \
	"$(sed '/^<[a-z-]*>$/,/^<\/[a-z-]*>$/{/^<[a-z-]*>$/!d}; /^#/d' "$C/udp.ovpn" | tr '\n' ' ' | sed 's/ $//')"
check "  ... the auth one asks for the password (a bare auth-user-pass)" grep -qx auth-user-pass "$C/auth.ovpn"
check "  ... the enckey one's key is encrypted, its remote a name" eval \
	'grep -q "BEGIN ENCRYPTED PRIVATE KEY" "$C/tcp.ovpn" && grep -qx "remote ovs.lab 443" "$C/tcp.ovpn" &&
	! grep -q "BEGIN ENCRYPTED" "$C/udp.ovpn"'

t0=$SECONDS
tunnel bwg wg "$C/wg0.conf" "WireGuard (Endpoint wgs.lab)"
tunnel budp udp "$C/udp.ovpn" "OpenVPN UDP"
tunnel btcp tcp "$C/tcp.ovpn" "OpenVPN TCP (encrypted key, remote ovs.lab)" --askpass "$C/key.pass"
check_match "  ... the TCP server log: a TCP connection from the client" \
	"TCP connection established with \[AF_INET6?\](::ffff:)?$(lab_addr btcp)" "$(vpn_lab_log tcp)"

diag "three tunnels checked in $((SECONDS - t0)) s"

# OpenConnect: the plain openconnect with vpnc-script and the client certificate (no prompt).
# host_resolv: the machine's /etc/resolv.conf (size, mtime, inode, content), seen from the
# parent's mount namespace.
host_resolv() {
	nsenter --mount="/proc/$PPID/ns/mnt" -- sh -c 'stat -c "%s %Y %i" /etc/resolv.conf && sha256sum </etc/resolv.conf'
}
resolv_before=$(host_resolv)
occmd_line=$(vpn_lab_oc_command "$C")
read -ra occmd <<<"$occmd_line"
read -ra occmd_name <<<"$(vpn_lab_oc_command "$C" name)"
check_eq "vpn_lab_oc_command: the openconnect command line" \
	"openconnect --non-inter --protocol=anyconnect --cafile $C/oc-ca.crt -c $C/oc-client.crt -k $C/oc-client.key --script=/usr/share/vpnc-scripts/vpnc-script https://10.77.0.32/" \
	"$occmd_line"
check_eq "  ... by name: https://ocs.lab/" "https://ocs.lab/" "${occmd_name[-1]}"
check_eq "  ... its files are the mode's user's, mode 0600" "$UID_MODE 600 $UID_MODE 600 $UID_MODE 600 " \
	"$(for f in oc-ca.crt oc-client.crt oc-client.key; do stat -c '%u %a ' "$C/$f"; done | tr -d '\n')"
check "  ... and that user reads them" eval 'as_user cat "$C/oc-ca.crt" "$C/oc-client.crt" "$C/oc-client.key" >/dev/null'
vpn_lab_netns boc
bocns=$(lab_ns boc)
check "OpenConnect: anti-test: the client's netns without the tunnel gets no answer" no_answer boc
check_eq "  ... and the target and dnsmasq counted nothing from it" "0 0" \
	"$(lab_seen target boc) $(lab_seen dns boc)"
t1=$(date +%s%N)
if vpn_lab_baseline boc "${occmd[@]}"; then
	ok "OpenConnect: the plain openconnect (vpnc-script) comes up in a plain netns"
else
	not_ok "OpenConnect: the plain openconnect (vpnc-script) comes up in a plain netns"
fi
diag "openconnect: start until up (vpnc-script done): $((($(date +%s%N) - t1) / 1000000)) ms"
# (Not `ip -6 addr show type tun`: with -6 that lists nothing.)
check_match "  ... its tun device has an address from 10.77.95.0/24 (ocserv's pool)" \
	" tun[0-9]+ +inet 10\.77\.95\.[0-9]+/32 " "$(ip -n "$bocns" -o addr show)"
check_match "  ... and one from fd77:95::/64" " tun[0-9]+ +inet6 fd77:95:[0-9a-f:]+/128 " \
	"$(ip -n "$bocns" -o addr show)"
through boc oc "OpenConnect"
check "  ... over DTLS: ocs counted UDP from the client" test "$(lab_seen ocs boc udp)" -gt 0
check_match "  ... openconnect says DTLS is up" "Established DTLS connection" \
	"$(cat "$VPN_LAB_DIR/baseline-boc.log")"
check_match "  ... vpnc-script wrote the netns's private resolv.conf (/etc/netns/$bocns)" \
	"^#@VPNC_GENERATED@.* nameserver $LAB_DNS " "$(tr '\n' ' ' <"/etc/netns/$bocns/resolv.conf")"
check_eq "  ... and not the machine's /etc/resolv.conf" "$resolv_before" "$(host_resolv)"
vpn_lab_baseline_stop boc
check "  ... the client stopped: no answer again, no tun device left" eval \
	'no_answer boc && [ -z "$(ip -n "$bocns" link show type tun)" ]'
check_eq "  ... vpnc-script restored the private resolv.conf" "nameserver $LAB_DNS" \
	"$(cat "/etc/netns/$bocns/resolv.conf")"
check "  ... the routes to the VPN servers are back (vpnc-script deletes the one to ocs)" eval \
	'ip -n "$bocns" route get $VPN_LAB_OCS >/dev/null && ip -n "$bocns" -6 route get $VPN_LAB_OCS6 >/dev/null'
if vpn_lab_baseline boc "${occmd_name[@]}"; then
	ok "OpenConnect by name (https://ocs.lab/): the client comes up"
else
	not_ok "OpenConnect by name (https://ocs.lab/): the client comes up"
fi
check_eq "  ... the target sees ocs" "$VPN_LAB_OCS" "$(vpn_lab_in boc curl -s -m 5 "http://$T/")"
check_match "  ... openconnect went to ocs.lab" "POST https://ocs\.lab/" "$(cat "$VPN_LAB_DIR/baseline-boc.log")"
vpn_lab_baseline_stop boc
check_eq "the machine's /etc/resolv.conf is unchanged after the OpenConnect clients" "$resolv_before" \
	"$(host_resolv)"

# auth-user-pass: a wrong password is refused, the right one accepted.
t0=$SECONDS
vpn_lab_baseline bauth "$C/auth.ovpn" --auth-user-pass "$C/wrong.pass" 2>/dev/null
check_eq "OpenVPN auth: a wrong password: the client does not come up" 1 $?
check "  ... fast (AUTH_FAILED, $((SECONDS - t0)) s)" test $((SECONDS - t0)) -le 10
check_match "  ... the client's log says AUTH_FAILED" AUTH_FAILED "$(cat "$VPN_LAB_DIR/baseline-bauth.log")"
check_eq "  ... the server's verify script refused it" "refused $VPN_LAB_USER" "$(vpn_lab_auth_log)"
vpn_lab_baseline_stop bauth
tunnel bauth auth "$C/auth.ovpn" "OpenVPN auth-user-pass" --auth-user-pass "$C/auth.pass"
check_eq "  ... the server's verify script accepted the right password" \
	"refused $VPN_LAB_USER|ok $VPN_LAB_USER" "$(vpn_lab_auth_log | tr '\n' '|' | sed 's/|$//')"

# Killing a server stops the traffic; the restarted server takes a new client.
# kill_restart NAME SERVER CONFIG [OPENVPN-ARGS...]
kill_restart() {
	local n=$1 s=$2 conf=$3 pid a t=$SECONDS t1 t2
	shift 3
	a=$(lab_addr "$(vpn_lab_host "$s")")
	vpn_lab_baseline "$n" "$conf" "$@"
	check_eq "$s: the client is up again" "$a" "$(vpn_lab_in "$n" curl -s -m 5 "http://$T/")"
	pid=$(vpn_lab_pid "$s")
	lab_counters_reset
	vpn_lab_stop "$s"
	check "$s: vpn_lab_stop kills the server (pid $pid) and waits" eval 'pid_gone "$pid" && [ -z "$(vpn_lab_pid "$s")" ]'
	t1=$SECONDS
	check "  ... the client's traffic stops (no answer in 2 s)" \
		eval '! vpn_lab_in "$n" curl -s -m 2 "http://$T/" >/dev/null'
	check_eq "  ... and nothing went direct" 0 "$(lab_seen target "$n")"
	check "  ... vpn_lab_start starts it again" vpn_lab_start "$s"
	check "  ... as a new process" test "$(vpn_lab_pid "$s")" != "$pid"
	t2=$SECONDS
	vpn_lab_baseline_stop "$n"
	if vpn_lab_baseline "$n" "$conf" "$@"; then
		ok "  ... a new client connects"
	else
		not_ok "  ... a new client connects"
	fi
	check_eq "  ... and reaches the target through it" "$a" "$(vpn_lab_in "$n" curl -s -m 5 "http://$T/")"
	vpn_lab_baseline_stop "$n"
	diag "$s: client up and server killed $((t1 - t)) s, no traffic and restart $((t2 - t1)) s," \
		"  new client up and stopped $((SECONDS - t2)) s"
}
t0=$SECONDS
kill_restart bwg wg "$C/wg0.conf"
kill_restart budp udp "$C/udp.ovpn"
kill_restart btcp tcp "$C/tcp.ovpn" --askpass "$C/key.pass"
kill_restart boc oc "${occmd[@]}"

diag "kill and restart of four servers: $((SECONDS - t0)) s"

# The tun node for rootless sluice.  The probe: TEST_UID, in a user and network namespace of
# its own, makes a tun device (opens /dev/net/tun, TUNSETIFF).
tun_probe() {
	setpriv --reuid="$TEST_UID" --regid="$TEST_UID" --clear-groups --inh-caps=-all --bounding-set=-all -- \
		unshare --user --map-root-user --net -- ip tuntap add dev sltest0 mode tun 2>/dev/null
}
host_tun() { nsenter --mount="/proc/$PPID/ns/mnt" -- stat -c '%a %d:%i' /dev/net/tun; }
check "the test runs in a private mount namespace of its own" vpn_lab_private_mounts
before=$(host_tun)
vpn_lab_tun_0666 0600
check "with a 0600 node over /dev/net/tun, an unprivileged user cannot make a tun device" \
	eval '! tun_probe'
check "vpn_lab_tun_0666: the node over /dev/net/tun is 0666 (10, 200)" vpn_lab_tun_0666
check_eq "  ... seen here" "666 a,c8" "$(stat -c '%a %t,%T' /dev/net/tun)"
check "  ... an unprivileged user makes a tun device in its user namespace" tun_probe
check_eq "  ... the host's node is unchanged (seen from the parent's mount namespace)" \
	"$before" "$(host_tun)"
check "  ... and is not the lab's node" test "$(host_tun)" != "$(stat -c '%a %d:%i' /dev/net/tun)"
vpn_lab_tun_restore
check_eq "vpn_lab_tun_restore: the host's node shows again" "$before" "$(stat -c '%a %d:%i' /dev/net/tun)"

for n in bwg budp btcp bauth boc; do vpn_lab_netns_delete "$n"; done
check_eq "the baseline namespaces are deleted" "" \
	"$(ls /var/run/netns | grep -E "^$LAB_PREFIX-b(wg|udp|tcp|auth|oc)\$")"
diag "t99 took $((SECONDS - t_start)) s"

done_testing
