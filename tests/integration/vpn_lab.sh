# SPDX-License-Identifier: GPL-2.0-or-later
# vpn_lab.sh - real VPN servers (WireGuard, OpenVPN, OpenConnect) in lab.sh's lab, the client files users get
# for them, and the ordinary clients in plain namespaces (the baseline), for the tunnel hops'
# tests and benchmarks (sourced after lib.sh and lab.sh, before lab_up; not run).  It owns the
# VPN hosts, their servers, keys, certificates and client files, and the baseline clients'
# namespaces; the lab itself (namespaces, bridge, dnsmasq, target) stays lab.sh's.
#
#            client 10.77.0.1  (the CURRENT netns: tests, sluice)
#                         |
#   [ sw: bridge br0 ] ---+--- target 10.77.0.100, dns 10.77.0.53, px1..px3 (lab.sh)
#                         +--- wgs 10.77.0.30 / fd77::30   wireguard-go, UDP 51820
#                         |      tunnel 10.99.0.0/24, fd99::/64 (server .1, client N: .N)
#                         +--- ovs 10.77.0.31 / fd77::31   openvpn 2.6, three servers:
#                         |      udp   UDP 1194   tunnel 10.98.0.0/24, fd98::/64
#                         |      tcp   TCP 443    tunnel 10.97.0.0/24, fd97::/64
#                         |      auth  TCP 8443   tunnel 10.96.0.0/24, fd96::/64, certificate AND
#                         |                       auth-user-pass (VPN_LAB_USER / VPN_LAB_PASS)
#                         +--- ocs 10.77.0.32 / fd77::32   ocserv 1.1 (OpenConnect, the AnyConnect
#                         |      protocol), TCP 443 (TLS) and UDP 443 (DTLS), server "oc":
#                         |      tunnel 10.77.95.0/24, fd77:95::/64 (a /128 per client)
#                         +--- NAME 10.77.0.41...  baseline clients (vpn_lab_baseline), each in a
#                                plain netns whose only route is to wgs, ovs and ocs (/32, /128)
#
# (wgs, ovs and ocs are .30-.32 rather than .20-.22: tor_lab.sh holds .21-.27, and a test of
# OpenVPN over Tor sources both labs.)  Names: wgs.lab, ovs.lab and ocs.lab resolve through the
# lab's dnsmasq (lab_dns makes a record for every lab host).  sluice runs in the CURRENT netns
# (the lab's client, 10.77.0.1), which reaches the VPN hosts directly but resolves no lab name
# (lab.sh): a client file with a name there needs the name resolved through a hop before the
# tunnel.  Proof that nothing went around a tunnel: lab_seen target client (and dns client) stay
# 0 while lab_seen wgs client udp (or ovs client tcp/udp, ocs client tcp/udp) counts the
# tunnel's own packets.
#
# Every server NATs its clients to its own lab address (nftables masquerade on eth0 in its host,
# IPv4 and IPv6, forwarding on in that namespace only): through a tunnel the target's HTTP
# server, its echo server and dnsmasq see 10.77.0.30 (fd77::30), 10.77.0.31 (fd77::31) or
# 10.77.0.32 (fd77::32), never the client's address.  The servers push, or the client files
# carry, DNS = 10.77.0.53.
#
# Servers are named wg, udp, tcp, auth and oc (SERVER below).  Each runs as root in its host's
# namespace, in one more mount namespace of its own; every key, certificate, config and log is
# under $VPN_LAB_DIR ($LAB_DIR/vpn).  wireguard-go's UAPI socket directory /var/run/wireguard
# (= /run/wireguard) is a tmpfs of that mount namespace, so two labs (or a host's own WireGuard)
# never meet; `wg` configures it from inside (vpn_lab_wg).  OpenVPN: a CA, server and client
# certificates (P-256, valid 2 days, made with openssl), tls-crypt, topology subnet,
# push "redirect-gateway def1 ipv6", push "dhcp-option DNS 10.77.0.53", keepalive 2 10 (a
# client notices a dead server within 10 s), duplicate-cn (any number of clients share the one
# client certificate), disable-dco (no ovpn-dco module here anyway).  ocserv (`ocserv -f -c
# CONF`, its log server-oc.log): a server certificate from the same CA (subjectAltName
# IP:10.77.0.32, IP:fd77::32, DNS:ocs.lab), auth = "certificate" with cert-user-oid 2.5.4.3 (the
# user is the client certificate's CN, sluice-lab-client; OpenVPN's client certificate, no
# password, no prompt), route = default, dns = 10.77.0.53, DPD 5 s and keepalive 10 s,
# isolate-workers = false, no bans or rate limit (tests connect often from one address), any
# number of sessions per user, its sockets and pid-file in $VPN_LAB_DIR/oc.  Its processes:
# ocserv-main (the PID), ocserv-sm (sec-mod) and an ocserv-worker per client; it makes a tun
# device per client (ocs0, ocs1...).  Clients bring DTLS up (DTLS 1.2, PSK) next to the TLS
# channel.
#
# Functions (SERVER is wg, udp, tcp, auth or oc):
#   vpn_lab_up [SERVER...]     after lab_up: starts lab_dns and lab_target_http unless running,
#                              makes the keys and certificates, and starts the servers (all
#                              five by default); returns once each is ready (listening, and
#                              openvpn's "Initialization Sequence Completed" / wg0 configured /
#                              ocserv's "sec-mod initialized", listening on TCP and UDP)
#   vpn_lab_start SERVER       starts one server (again, after vpn_lab_stop: same keys, same
#                              peers; its log is appended to)
#   vpn_lab_stop SERVER [SIG]  sends SIG (default KILL: the server vanishes, no goodbye to its
#                              clients; TERM lets OpenVPN UDP send its exit notification) to the
#                              server's PID (checked by /proc/PID/comm), waits until it is gone
#                              (ocserv: with its children; KILL goes to them all at once)
#   vpn_lab_pid SERVER         the server's PID (wireguard-go, openvpn or ocserv-main itself),
#                              empty if stopped
#   vpn_lab_host SERVER        its lab host (wgs, ovs or ocs); `lab_addr $(vpn_lab_host S)` its
#                              address
#   vpn_lab_port SERVER        its port;  vpn_lab_proto SERVER: udp or tcp
#   vpn_lab_log SERVER         the server's log so far (all its starts)
#   vpn_lab_clients SERVER     the lab address each client came from, one a line:
#                              OpenVPN: every "Peer Connection Initiated" of all starts, in order;
#                              wg: the endpoint of each peer that completed a handshake since the
#                              server's last start (from `wg show wg0 dump`); oc: every "user
#                              logged in" of all starts, in order
#   vpn_lab_auth_log           the auth server's verify script's log: "ok USER" or "refused USER"
#   vpn_lab_wg CMD...          run CMD (e.g. wg show wg0) inside the WireGuard server's namespaces
#
# Client files (written as the mode's user, mode 0600, in directories that user can search):
#   vpn_lab_wg_client FILE [client=N] [endpoint=name] [psk=no]
#                              a wg-quick file for client N (2..254, default 2; one key pair
#                              per N, added to the running server; clients that run at the
#                              same time need different N, as with a real server):
#                              [Interface] PrivateKey, Address = 10.99.0.N/32, fd99::N/128,
#                              DNS = 10.77.0.53, MTU = 1420;
#                              [Peer] PublicKey, PresharedKey (unless psk=no), AllowedIPs =
#                              0.0.0.0/0, ::/0, Endpoint = 10.77.0.30:51820 (wgs.lab:51820 with
#                              endpoint=name), PersistentKeepalive = 25
#   vpn_lab_ovpn_client SERVER FILE [name] [enckey] [auth]
#                              a client .ovpn as providers hand them out: client, dev tun, proto,
#                              remote 10.77.0.31 PORT (ovs.lab with name), nobind, persist-key,
#                              persist-tun, remote-cert-tls server, verb 3, inline <ca> <cert>
#                              <key> <tls-crypt>; the auth server's (or with auth) also a bare
#                              `auth-user-pass` (no file: the user is asked); with enckey the
#                              <key> is encrypted (PKCS#8, AES-256) with VPN_LAB_KEY_PASS
#   vpn_lab_auth_file FILE [USER PASS]
#                              the two-line user/password file (--auth-user-pass FILE, sluice's
#                              --openvpn-auth FILE); the lab's valid pair by default
#   vpn_lab_askpass_file FILE  a file holding VPN_LAB_KEY_PASS (openvpn --askpass FILE)
#   vpn_lab_oc_command DIR [name]
#                              writes DIR/oc-ca.crt, DIR/oc-client.crt, DIR/oc-client.key (the
#                              lab's CA, the client certificate and its unencrypted key) and
#                              prints the openconnect command line a user runs (one line, words
#                              without spaces):
#                              openconnect --non-inter --protocol=anyconnect --cafile
#                              DIR/oc-ca.crt -c DIR/oc-client.crt -k DIR/oc-client.key
#                              --script=/usr/share/vpnc-scripts/vpnc-script https://10.77.0.32/
#                              (https://ocs.lab/ with name)
#
# Baseline clients ("the vopono way"): the ordinary client in a plain `ip netns` as root.
#   vpn_lab_baseline NAME CONFIG [OPENVPN-ARGS...]
#                              makes the netns $(lab_ns NAME) unless it exists: a veth to the
#                              lab's bridge, address 10.77.0.41 and up (fd77::41...), routes to
#                              wgs, ovs and ocs only (/32 and /128: no other route, the kill
#                              switch), /etc/netns files: resolv.conf "nameserver 10.77.0.53"
#                              (what a resolvconf hook would write from the pushed DNS) and hosts
#                              naming wgs.lab, ovs.lab and ocs.lab (IPv4; how the user's machine
#                              resolved the server).  Every lab host counts that client's packets
#                              (lab_seen HOST NAME).  Then, by CONFIG's suffix:
#                              .conf: wireguard-go in a mount namespace of its own (tmpfs
#                                /run), `wg setconf` with the file stripped of the wg-quick keys,
#                                Address and MTU applied, default routes (v4, v6) on the tunnel;
#                                ready at the first handshake
#                              .ovpn: `openvpn --config CONFIG OPENVPN-ARGS...` (e.g.
#                                --auth-user-pass FILE, --askpass FILE), nothing else: the
#                                pushed redirect-gateway makes its routes (0/1, 128/1, ::/3,
#                                2000::/4, 3000::/4, fc00::/7).  With no default gateway in the
#                                namespace openvpn logs "ERROR: Linux route add command failed"
#                                for its route to the server (via 0.0.0.0), which is harmless:
#                                the /32 route is there.  Ready at "Initialization Sequence
#                                Completed"; fails at once on AUTH_FAILED or if openvpn exits
#                              openconnect: CONFIG is the word openconnect, the rest its
#                                arguments: `vpn_lab_baseline NAME $(vpn_lab_oc_command DIR)` runs
#                                that command line, in a mount namespace of its own with a
#                                tmpfs over /run (vpnc-script keeps state in /var/run/vpnc and
#                                would find a resolvconf or systemd-resolved of the machine
#                                there).  Its vpnc-script (generic resolv.conf method: it writes
#                                /etc/resolv.conf, which in `ip netns exec` is the netns's
#                                private copy, /etc/netns/NS/resolv.conf, never the machine's)
#                                sets the tun device's addresses, the default routes (v4, v6)
#                                and resolv.conf.  Ready when the log says "Configured as" and
#                                vpnc-script has finished; fails at once if openconnect exits.
#                                On disconnect vpnc-script deletes the route to the server
#                                (ours, the /32 and /128): vpn_lab_baseline_stop makes it again
#                              Waits VPN_LAB_TIMEOUT seconds (default 20) at most.  Sets
#                              VPN_LAB_CLIENT_PID[NAME] (call it outside $(...)); its log is
#                              $VPN_LAB_DIR/baseline-NAME.log.
#   vpn_lab_baseline_stop NAME stops that client (TERM, by PID, checked by comm and cmdline),
#                              waits until gone; the netns stays (a new client may start in it)
#   vpn_lab_in NAME CMD...     CMD in NAME's netns as the mode's user (curl, getent, nslookup)
#   vpn_lab_netns_delete NAME  stops its client and deletes the netns (cleanup does it anyway)
#
# A server killed and started again (measured here, one client, curl retried each second):
#   tcp/auth  the client reconnects at once (connection reset): traffic again within ~1 s
#   udp       the client notices at ping-restart (10 s after the last packet), then reconnects:
#             ~9-10 s after the kill
#   wg        the restarted server knows no session: the client's packets are dropped until it
#             gives up on its session and handshakes anew (WireGuard's REKEY: ~15 s of unanswered
#             data): ~16 s.  A new client (new handshake) is at once.
#   oc        ocserv says nothing to its clients, on KILL or TERM.  openconnect's TLS channel is
#             reset: it reconnects at once (refused while the server is down), sleeps 10 s,
#             reconnects, and the restarted server refuses its session cookie ("401 Cookie is
#             not acceptable"): openconnect exits with status 2, ~11 s after the kill.  Traffic
#             never resumes by itself; a new client (new login) is at once.
# So a test waiting for traffic to resume after a restart should allow 30 s (and start a new
# openconnect).
#
# The tun device for rootless sluice.  sluice as an unprivileged user opens /dev/net/tun in its
# own user namespace: the node must be mode 0666 (desktop distributions' default; 0600 on our
# build machines).  A test never changes the host's node: it re-execs itself in a private
# mount namespace (before lib.sh, whose EXIT trap must run in there) and calls vpn_lab_tun_0666,
# which mounts a small tmpfs under $TMP (not nodev), makes a character node (10, 200) mode 0666
# there and bind-mounts it over /dev/net/tun, in that mount namespace only:
#
#	if [ -z "${SLUICE_VPN_LAB_MNTNS:-}" ]; then
#		SLUICE_VPN_LAB_MNTNS=1 exec unshare --mount --propagation private -- "$0" "$@"
#	fi
#
# vpn_lab_tun_0666 [MODE] takes another mode too (e.g. 0600, for the test of sluice's error on
# an unusable tun); vpn_lab_tun_restore unmounts it (cleanup does it anyway).
#
# Modes.  The lab, servers and baseline clients always run as root (they need CAP_NET_ADMIN in
# the lab's namespaces, as vopono's clients do); MODE only decides who owns the client files
# (root or TEST_UID, 0600) and who runs vpn_lab_in's probes.  In rootless MODE sluice, the
# program under test, is the part that runs as TEST_UID.

VPN_LAB_DIR=$LAB_DIR/vpn
VPN_LAB_TIMEOUT=${VPN_LAB_TIMEOUT:-20}
VPN_LAB_WGS=10.77.0.30 VPN_LAB_WGS6=fd77::30
VPN_LAB_OVS=10.77.0.31 VPN_LAB_OVS6=fd77::31
VPN_LAB_OCS=10.77.0.32 VPN_LAB_OCS6=fd77::32
VPN_LAB_WG_PORT=51820 VPN_LAB_UDP_PORT=1194 VPN_LAB_TCP_PORT=443 VPN_LAB_AUTH_PORT=8443
VPN_LAB_OC_PORT=443
VPN_LAB_WG_MTU=1420
VPN_LAB_SERVERS="wg udp tcp auth oc"
VPN_LAB_VPNC_SCRIPT=/usr/share/vpnc-scripts/vpnc-script
VPN_LAB_USER=sluice-vpn-user
VPN_LAB_PASS='lab-vpn-pass-7 with space'
VPN_LAB_KEY_PASS=lab-key-pass-9
LAB_EXTRA_ADDR[wgs]=$VPN_LAB_WGS LAB_EXTRA_ADDR[ovs]=$VPN_LAB_OVS LAB_EXTRA_ADDR[ocs]=$VPN_LAB_OCS
LAB_HOSTS="$LAB_HOSTS wgs ovs ocs"
declare -A VPN_LAB_CLIENT_PID=() # baseline client NAME -> pid
VPN_LAB_NEXT_ADDR=41             # the last byte of the next baseline client's address

vpn_lab_fail() { echo "vpn_lab: $*" >&2; return 1; }

vpn_lab_host() { case $1 in wg) echo wgs ;; udp | tcp | auth) echo ovs ;; oc) echo ocs ;; *) return 1 ;; esac; }
# (oc: TCP for its TLS channel; it listens on UDP too, for DTLS.)
vpn_lab_proto() { case $1 in wg | udp) echo udp ;; tcp | auth | oc) echo tcp ;; *) return 1 ;; esac; }
vpn_lab_port() {
	case $1 in
	wg) echo $VPN_LAB_WG_PORT ;; udp) echo $VPN_LAB_UDP_PORT ;;
	tcp) echo $VPN_LAB_TCP_PORT ;; auth) echo $VPN_LAB_AUTH_PORT ;; oc) echo $VPN_LAB_OC_PORT ;;
	*) return 1 ;;
	esac
}
# vpn_lab_subnet SERVER: the third byte of its tunnel subnets (10.N.0.0/24, fdN::/64); oc's
# are 10.77.95.0/24 and fd77:95::/64.
vpn_lab_subnet() { case $1 in wg) echo 99 ;; udp) echo 98 ;; tcp) echo 97 ;; auth) echo 96 ;; esac; }
vpn_lab_key() { echo "$(vpn_lab_host "$1"):$(vpn_lab_port "$1")"; }
vpn_lab_pid() {
	local pid=${LAB_PIDS[$(vpn_lab_key "$1")]:-}
	[ -n "$pid" ] && ! pid_gone "$pid" && echo "$pid"
	return 0
}
# vpn_lab_dev SERVER: the server's tun device (in its host); ocserv makes one per client: ocs0...
vpn_lab_dev() { case $1 in wg) echo wg0 ;; oc) echo ocs ;; *) echo "ovpn-$1" ;; esac; }
# vpn_lab_no_link NETNS DEV | NETNS type tun: that device (or any tun device) is gone.
vpn_lab_no_link() {
	local ns=$1
	shift
	[ -z "$(ip -n "$ns" link show "$@" 2>/dev/null)" ]
}
# vpn_lab_comm SERVER: the server's /proc/PID/comm (ocserv: ocserv-main once started; its
# children are ocserv-sm and ocserv-worker).
vpn_lab_comm() { case $1 in wg) echo wireguard-go ;; oc) echo ocserv ;; *) echo openvpn ;; esac; }

# vpn_lab_as_owner CMD...: CMD as the mode's user (who owns the client files).
vpn_lab_as_owner() {
	if [ "$MODE" = rootless ]; then
		setpriv --reuid="$TEST_UID" --regid="$TEST_UID" --clear-groups -- "$@"
	else
		"$@"
	fi
}

# vpn_lab_write_private FILE: stdin into FILE, owned by the mode's user, mode 0600.
vpn_lab_write_private() {
	vpn_lab_as_owner sh -c 'umask 077 && cat >"$1"' - "$1" ||
		vpn_lab_fail "cannot write $1 as the mode's user"
}

# vpn_lab_private_mounts: is this shell in a mount namespace of its own (not its parent's, not
# pid 1's), with no shared propagation at /dev (a bind mount there would reach others)?
vpn_lab_private_mounts() {
	local self
	self=$(readlink /proc/self/ns/mnt) || return 1
	[ "$self" != "$(readlink "/proc/$PPID/ns/mnt" 2>/dev/null)" ] &&
		[ "$self" != "$(readlink /proc/1/ns/mnt 2>/dev/null)" ] &&
		[[ $(findmnt -n -o PROPAGATION --target /dev/net) != *shared* ]]
}

# vpn_lab_tun_0666 [MODE]: a tun node of that mode (default 0666) over /dev/net/tun in this
# mount namespace only (see the head of this file).  Refuses outside a private one.
vpn_lab_tun_0666() {
	local mode=${1:-0666} d=$TMP/vpn-lab-dev
	if ! vpn_lab_private_mounts; then
		vpn_lab_fail "not in a private mount namespace of its own (see SLUICE_VPN_LAB_MNTNS in vpn_lab.sh)"
		return 1
	fi
	[ -e /dev/net/tun ] || { vpn_lab_fail "/dev/net/tun does not exist: nothing to bind over"; return 1; }
	vpn_lab_tun_restore
	mkdir -p "$d" || return 1
	# A tmpfs of its own: $TMP's filesystem may be mounted nodev, which would make the node unusable.
	mount -t tmpfs -o mode=0755,size=64k sl-vpn-lab-dev "$d" || return 1
	cleanup_push "umount $d"
	mknod -m "$mode" "$d/tun" c 10 200 && chmod "$mode" "$d/tun" || return 1
	mount --bind "$d/tun" /dev/net/tun || return 1
	cleanup_push "vpn_lab_tun_restore"
	[ "$(stat -c '%a %t,%T' /dev/net/tun)" = "${mode#0} a,c8" ] ||
		{ vpn_lab_fail "the node over /dev/net/tun is $(stat -c '%a %t,%T' /dev/net/tun)"; return 1; }
}

# vpn_lab_tun_restore: undo vpn_lab_tun_0666 (the host's node shows again).
vpn_lab_tun_restore() {
	local d=$TMP/vpn-lab-dev
	while [ "$(findmnt -n -o SOURCE --target /dev/net/tun 2>/dev/null)" = "sl-vpn-lab-dev[/tun]" ]; do
		umount /dev/net/tun || return 1
	done
	if mountpoint -q "$d"; then umount "$d"; fi
	return 0
}

# --- keys and certificates ---------------------------------------------------------------

# vpn_lab_openssl_cert NAME CN USAGE [SAN]: a P-256 key NAME.key and a certificate NAME.crt
# signed by the lab's CA, valid 2 days, extended key usage USAGE (serverAuth or clientAuth),
# subjectAltName SAN if given (e.g. IP:10.77.0.32,DNS:ocs.lab).
vpn_lab_openssl_cert() {
	local d=$VPN_LAB_DIR/pki n=$1
	cat >"$d/$n.ext" <<EOF
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyAgreement
extendedKeyUsage=$3
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
EOF
	[ -n "${4:-}" ] && echo "subjectAltName=$4" >>"$d/$n.ext"
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$d/$n.key" \
		-out "$d/$n.csr" -subj "/CN=$2" 2>/dev/null &&
		openssl x509 -req -in "$d/$n.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" \
			-set_serial "0x$(openssl rand -hex 8)" -days 2 -extfile "$d/$n.ext" -out "$d/$n.crt" 2>/dev/null
}

# vpn_lab_keys: the WireGuard server key, the CA, certificates (OpenVPN's server, ocserv's, the
# client's both take), tls-crypt key (once per test).
vpn_lab_keys() {
	local d=$VPN_LAB_DIR/pki
	[ -e "$d/done" ] && return 0
	mkdir -p "$d" "$VPN_LAB_DIR/wg/peers" "$VPN_LAB_DIR/client" || return 1
	chmod 0755 "$VPN_LAB_DIR" "$VPN_LAB_DIR/client" && chmod 0700 "$d" "$VPN_LAB_DIR/wg" || return 1
	(umask 077 && wg genkey >"$VPN_LAB_DIR/wg/server.key") || return 1
	wg pubkey <"$VPN_LAB_DIR/wg/server.key" >"$VPN_LAB_DIR/wg/server.pub" || return 1
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$d/ca.key" \
		-out "$d/ca.crt" -days 2 -subj /CN=sluice-lab-ca -addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null ||
		{ vpn_lab_fail "openssl could not make the CA"; return 1; }
	vpn_lab_openssl_cert server ovs.lab serverAuth &&
		vpn_lab_openssl_cert ocs ocs.lab serverAuth "IP:$VPN_LAB_OCS,IP:$VPN_LAB_OCS6,DNS:ocs.lab" &&
		vpn_lab_openssl_cert client sluice-lab-client clientAuth ||
		{ vpn_lab_fail "openssl could not make the certificates"; return 1; }
	openssl pkcs8 -topk8 -v2 aes-256-cbc -passout "pass:$VPN_LAB_KEY_PASS" -in "$d/client.key" \
		-out "$d/client-enc.key" || return 1
	openvpn --genkey tls-crypt "$d/tls-crypt.key" >/dev/null || return 1
	touch "$d/done"
}

# --- servers -------------------------------------------------------------------------------

# vpn_lab_nat HOST: forwarding on in HOST's namespace only, and masquerade of everything that
# leaves its lab interface from another address than its own (the tunnels' clients).
vpn_lab_nat() {
	lab_exec "$1" nft list table inet vpnlab >/dev/null 2>&1 && return 0
	lab_exec "$1" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 || return 1
	lab_exec "$1" nft -f - <<EOF
table inet vpnlab {
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "eth0" ip saddr != 10.77.0.0/24 masquerade
		oifname "eth0" ip6 saddr != fd77::/64 masquerade
	}
}
EOF
}

# vpn_lab_wg_run: the launcher of wireguard-go, server or baseline client: in a mount namespace
# of its own (unshare), a tmpfs over /run gives it a private /run/wireguard; a child waits for
# the UAPI socket and configures the device (setconf, addresses, MTU, up, routes), then
# wireguard-go itself takes the launcher's PID (exec), so that PID is the server.
# Arguments: IFNAME WGCONF MTU ADDRESS... [-- ROUTE...]
vpn_lab_wg_launcher() {
	cat >"$VPN_LAB_DIR/wg-run.sh" <<'EOF'
#!/bin/bash
ifname=$1 conf=$2 mtu=$3
shift 3
mount -t tmpfs -o mode=0755,size=1m sl-vpn-lab-run /run && mkdir -m 0700 /run/wireguard || exit 1
(
	for ((i = 0; i < 200; i++)); do [ -S "/run/wireguard/$ifname.sock" ] && break; sleep 0.05; done
	# On failure, end wireguard-go too (it has this PID by then): the start fails at once.
	fail() { echo "wg-run: $*"; kill -TERM $$; exit 1; }
	wg setconf "$ifname" "$conf" || fail "wg setconf $ifname $conf failed"
	while [ $# -gt 0 ] && [ "$1" != -- ]; do ip addr add "$1" dev "$ifname" || fail "address $1"; shift; done
	ip link set "$ifname" mtu "$mtu" up || fail "ip link set $ifname mtu $mtu up failed"
	[ "${1:-}" = -- ] && shift
	for r in "$@"; do ip route add "$r" dev "$ifname" || fail "route $r"; done
	echo "wg-run: $ifname configured"
) &
LOG_LEVEL=verbose exec wireguard-go -f "$ifname"
EOF
	chmod 0755 "$VPN_LAB_DIR/wg-run.sh"
}

# vpn_lab_wg CMD...: CMD in the WireGuard server's network and mount namespaces (its UAPI socket).
vpn_lab_wg() {
	local pid
	pid=$(vpn_lab_pid wg)
	[ -n "$pid" ] || { vpn_lab_fail "the WireGuard server is not running"; return 1; }
	nsenter -t "$pid" --mount --net -- "$@"
}

# vpn_lab_wg_server_conf: the server's wg config: its key and port, and every peer made so far.
vpn_lab_wg_server_conf() {
	local f=$VPN_LAB_DIR/wg/server.conf p
	{
		printf '[Interface]\nPrivateKey = %s\nListenPort = %s\n' \
			"$(cat "$VPN_LAB_DIR/wg/server.key")" $VPN_LAB_WG_PORT
		for p in "$VPN_LAB_DIR"/wg/peers/*.conf; do [ -e "$p" ] && cat "$p"; done
	} >"$f"
	echo "$f"
}

# vpn_lab_wait_log FILE PATTERN COUNT SECONDS PID: wait until FILE has more than COUNT lines
# matching PATTERN (grep -E); fail early if PID dies.
vpn_lab_wait_log() {
	local deadline=$((SECONDS + $4)) i
	for ((i = 0; i < 2000; i++)); do
		[ "$(grep -cE "$2" "$1" 2>/dev/null)" -gt "$3" ] && return 0
		pid_gone "$5" && return 1
		[ $SECONDS -ge $deadline ] && return 1
		sleep 0.05
	done
	return 1
}

# vpn_lab_why LOG: why a start failed: from LOG's part since its last start, the lines that
# say so (wg-run's, openvpn's errors and exit), else its last lines.
vpn_lab_why() {
	local part why
	part=$(awk '/^=== vpn_lab: start/ { buf = "" } { buf = buf $0 "\n" } END { printf "%s", buf }' "$1")
	why=$(grep -E "wg-run:|ERROR|Error|error|AUTH_FAILED|Exiting|Cannot|refused" <<<"$part" | tail -4)
	[ -n "$why" ] || why=$(tail -5 <<<"$part")
	echo "$why"
}

# vpn_lab_openvpn_server_conf SERVER: the server's config file (printed: its path).
vpn_lab_openvpn_server_conf() {
	local s=$1 d=$VPN_LAB_DIR/pki n f=$VPN_LAB_DIR/server-$1.conf
	n=$(vpn_lab_subnet "$s")
	cat >"$f" <<EOF
# sluice test lab: OpenVPN server "$s" (tests/integration/vpn_lab.sh)
dev $(vpn_lab_dev "$s")
dev-type tun
proto $([ "$(vpn_lab_proto "$s")" = udp ] && echo udp || echo tcp-server)
port $(vpn_lab_port "$s")
topology subnet
server 10.$n.0.0 255.255.255.0
server-ipv6 fd$n::/64
push "redirect-gateway def1 ipv6"
push "dhcp-option DNS $LAB_DNS"
keepalive 2 10
duplicate-cn
disable-dco
ca $d/ca.crt
cert $d/server.crt
key $d/server.key
dh none
tls-crypt $d/tls-crypt.key
status $VPN_LAB_DIR/status-$s.log 1
verb 3
EOF
	[ "$(vpn_lab_proto "$s")" = udp ] && echo "explicit-exit-notify 1" >>"$f"
	if [ "$s" = auth ]; then
		cat >"$VPN_LAB_DIR/auth-verify.sh" <<EOF
#!/bin/sh
# openvpn --auth-user-pass-verify via-file: \$1 holds the user and the password, a line each.
{ IFS= read -r u; IFS= read -r p; } <"\$1"
if [ "\$u" = '$VPN_LAB_USER' ] && [ "\$p" = '$VPN_LAB_PASS' ]; then
	echo "ok \$u" >>$VPN_LAB_DIR/auth.log
	exit 0
fi
echo "refused \$u" >>$VPN_LAB_DIR/auth.log
exit 1
EOF
		chmod 0755 "$VPN_LAB_DIR/auth-verify.sh"
		: >>"$VPN_LAB_DIR/auth.log"
		printf 'script-security 2\nauth-user-pass-verify %s via-file\ntmp-dir %s\n' \
			"$VPN_LAB_DIR/auth-verify.sh" "$VPN_LAB_DIR/auth-tmp" >>"$f"
		mkdir -p "$VPN_LAB_DIR/auth-tmp" && chmod 0700 "$VPN_LAB_DIR/auth-tmp"
	fi
	echo "$f"
}

# vpn_lab_oc_server_conf: ocserv's config file (printed: its path).
vpn_lab_oc_server_conf() {
	local d=$VPN_LAB_DIR/pki o=$VPN_LAB_DIR/oc f=$VPN_LAB_DIR/oc/ocserv.conf
	mkdir -p "$o" && chmod 0755 "$o" || return 1
	cat >"$f" <<EOF
# sluice test lab: ocserv on ocs (tests/integration/vpn_lab.sh)
auth = "certificate"
cert-user-oid = 2.5.4.3
ca-cert = $d/ca.crt
server-cert = $d/ocs.crt
server-key = $d/ocs.key
tcp-port = $VPN_LAB_OC_PORT
udp-port = $VPN_LAB_OC_PORT
run-as-user = nobody
run-as-group = nogroup
socket-file = $o/ocserv.sock
occtl-socket-file = $o/occtl.sock
use-occtl = true
pid-file = $o/ocserv.pid
isolate-workers = false
max-clients = 64
max-same-clients = 0
rate-limit-ms = 0
max-ban-score = 0
keepalive = 10
dpd = 5
mobile-dpd = 5
switch-to-tcp-timeout = 10
try-mtu-discovery = false
auth-timeout = 30
cookie-timeout = 60
log-level = 2
device = $(vpn_lab_dev oc)
predictable-ips = true
ipv4-network = 10.77.95.0
ipv4-netmask = 255.255.255.0
ipv6-network = fd77:95::/64
ipv6-subnet-prefix = 128
dns = $LAB_DNS
route = default
ping-leases = false
cisco-client-compat = true
dtls-legacy = true
EOF
	echo "$f"
}

# vpn_lab_start SERVER: start (or restart) one server; returns once it is ready.
vpn_lab_start() {
	local s=$1 h port proto key log pid n conf ready
	h=$(vpn_lab_host "$s") || { vpn_lab_fail "unknown server '$s' (wg, udp, tcp or auth)"; return 1; }
	port=$(vpn_lab_port "$s") proto=$(vpn_lab_proto "$s") key=$(vpn_lab_key "$s")
	log=$VPN_LAB_DIR/server-$s.log
	[ -n "$(vpn_lab_pid "$s")" ] && { vpn_lab_fail "server $s runs already"; return 1; }
	vpn_lab_keys && vpn_lab_nat "$h" || return 1
	echo "=== vpn_lab: start $(date +%T.%N)" >>"$log"
	if [ "$s" = wg ]; then
		vpn_lab_wg_launcher
		conf=$(vpn_lab_wg_server_conf)
		ready=$(grep -c "wg-run: wg0 configured" "$log")
		ip netns exec "$(lab_ns "$h")" unshare --mount --propagation private -- \
			"$VPN_LAB_DIR/wg-run.sh" wg0 "$conf" $VPN_LAB_WG_MTU 10.99.0.1/24 fd99::1/64 \
			>>"$log" 2>&1 </dev/null &
		pid=$!
		ready="wg-run: wg0 configured|$ready"
	elif [ "$s" = oc ]; then
		conf=$(vpn_lab_oc_server_conf) || return 1
		n=$(grep -c "sec-mod initialized" "$log")
		ip netns exec "$(lab_ns "$h")" unshare --mount --propagation private -- \
			ocserv -f -c "$conf" >>"$log" 2>&1 </dev/null &
		pid=$!
		ready="sec-mod initialized|$n"
	else
		conf=$(vpn_lab_openvpn_server_conf "$s")
		n=$(grep -c "Initialization Sequence Completed" "$log")
		ip netns exec "$(lab_ns "$h")" unshare --mount --propagation private -- \
			openvpn --config "$conf" >>"$log" 2>&1 </dev/null &
		pid=$!
		ready="Initialization Sequence Completed|$n"
	fi
	LAB_PIDS[$key]=$pid
	cleanup_push "kill_tree $pid"
	if ! vpn_lab_wait_log "$log" "${ready%|*}" "${ready##*|}" "$VPN_LAB_TIMEOUT" "$pid" ||
		! wait_until 5 lab_listening "$h" "$port" "$proto" ||
		{ [ "$s" = oc ] && ! wait_until 5 lab_listening "$h" "$port" udp; }; then
		vpn_lab_fail "server $s did not become ready on $h:$port/$proto: $(vpn_lab_why "$log")"
		return 1
	fi
}

# vpn_lab_descendants PID: PID's children, grandchildren..., one a line.
vpn_lab_descendants() {
	local c
	for c in $(pgrep -P "$1" 2>/dev/null); do
		echo "$c"
		vpn_lab_descendants "$c"
	done
}

# vpn_lab_all_gone PID...: every one of them is gone.
vpn_lab_all_gone() {
	local p
	for p in "$@"; do pid_gone "$p" || return 1; done
}

# vpn_lab_stop SERVER [SIGNAL]: signal the server (default KILL), wait until it is gone.  ocserv's
# children (ocserv-sm, a worker per client) too: killed with the main process, or after 5 s.
vpn_lab_stop() {
	local s=$1 sig=${2:-KILL} pid key kids=() k comm
	key=$(vpn_lab_key "$s") || { vpn_lab_fail "unknown server '$s'"; return 1; }
	pid=$(vpn_lab_pid "$s")
	[ -n "$pid" ] || return 0
	# (ocserv names itself ocserv-main once started.)
	comm=$(cat "/proc/$pid/comm" 2>/dev/null)
	if [ "$comm" != "$(vpn_lab_comm "$s")" ] && [ "$comm" != "$(vpn_lab_comm "$s")-main" ]; then
		vpn_lab_fail "pid $pid of server $s is not $(vpn_lab_comm "$s")"
		return 1
	fi
	mapfile -t kids < <(vpn_lab_descendants "$pid")
	# (bash reports a killed background job on stderr when it reaps it: not an error here.)
	{
		if [ "$s" = oc ] && [ "$sig" = KILL ]; then
			kill_tree "$pid"
		else
			kill -"$sig" "$pid"
		fi
		wait_until 10 pid_gone "$pid" || kill_tree "$pid"
		wait "$pid"
	} 2>/dev/null
	if ! wait_until 5 vpn_lab_all_gone "${kids[@]}"; then
		for k in "${kids[@]}"; do
			[[ $(cat "/proc/$k/comm" 2>/dev/null) == "$(vpn_lab_comm "$s")"* ]] && kill -KILL "$k"
		done
	fi
	unset "LAB_PIDS[$key]"
	# The tun device goes with the process; wait for that too, so a restart can make it again.
	if [ "$s" = oc ]; then
		wait_until 5 vpn_lab_no_link "$(lab_ns ocs)" type tun
	else
		wait_until 5 vpn_lab_no_link "$(lab_ns "$(vpn_lab_host "$s")")" "$(vpn_lab_dev "$s")"
	fi
}

# vpn_lab_up [SERVER...]: see the head of this file.
vpn_lab_up() {
	local s servers=("$@")
	[ $# -gt 0 ] || read -ra servers <<<"$VPN_LAB_SERVERS"
	[ -n "${LAB_PIDS[dns:53]:-}" ] || lab_dns || return 1
	[ -n "${LAB_PIDS[target:$LAB_HTTP_PORT]:-}" ] || lab_target_http || return 1
	vpn_lab_keys || return 1
	for s in "${servers[@]}"; do vpn_lab_start "$s" || return 1; done
}

vpn_lab_log() { cat "$VPN_LAB_DIR/server-$1.log" 2>/dev/null; }
vpn_lab_auth_log() { cat "$VPN_LAB_DIR/auth.log" 2>/dev/null; }

vpn_lab_clients() {
	if [ "$1" = wg ]; then
		# dump: the interface line, then per peer: key psk endpoint allowed-ips handshake ...
		vpn_lab_wg wg show wg0 dump | awk 'NR > 1 && $5 > 0 { print $3 }' |
			sed -e 's/:[0-9]*$//' -e 's/^\[//' -e 's/\]$//'
	elif [ "$1" = oc ]; then
		# "ocserv[PID]: main[USER]:ADDRESS:PORT user logged in"
		vpn_lab_log oc | sed -n 's/.* main\[[^]]*\]:\(.*\):[0-9]* user logged in$/\1/p' |
			sed -e 's/^\[//' -e 's/\]$//' -e 's/^::ffff://'
	else
		vpn_lab_log "$1" | sed -n 's/.*Peer Connection Initiated with \[AF_INET6\?\]\([^ ]*\):[0-9]*.*/\1/p' |
			sed 's/^::ffff://'
	fi
}

# --- client files --------------------------------------------------------------------------

# vpn_lab_wg_peer N: client N's keys (made once) and its [Peer] section on the server (added
# to the running server, and to its config for restarts).
vpn_lab_wg_peer() {
	local n=$1 d=$VPN_LAB_DIR/wg
	[ -e "$d/peers/$n.conf" ] && return 0
	(umask 077 && wg genkey >"$d/client$n.key" && wg pubkey <"$d/client$n.key" >"$d/client$n.pub" &&
		wg genpsk >"$d/client$n.psk") || return 1
	printf '[Peer]\nPublicKey = %s\nPresharedKey = %s\nAllowedIPs = 10.99.0.%s/32, fd99::%x/128\n' \
		"$(cat "$d/client$n.pub")" "$(cat "$d/client$n.psk")" "$n" "$n" >"$d/peers/$n.conf"
	if [ -n "$(vpn_lab_pid wg)" ]; then
		vpn_lab_wg wg set wg0 peer "$(cat "$d/client$n.pub")" preshared-key "$d/client$n.psk" \
			allowed-ips "10.99.0.$n/32,fd99::$(printf %x "$n")/128" || return 1
	fi
}

vpn_lab_wg_client() {
	local f=$1 n=2 endpoint=$VPN_LAB_WGS psk=yes arg d=$VPN_LAB_DIR/wg
	shift
	for arg in "$@"; do
		case $arg in
		client=*) n=${arg#client=} ;;
		endpoint=name) endpoint=wgs.lab ;;
		psk=no) psk=no ;;
		*) vpn_lab_fail "vpn_lab_wg_client: unknown option $arg"; return 1 ;;
		esac
	done
	[[ $n =~ ^[0-9]+$ ]] && [ "$n" -ge 2 ] && [ "$n" -le 254 ] ||
		{ vpn_lab_fail "vpn_lab_wg_client: client=$n is not 2..254"; return 1; }
	vpn_lab_keys && vpn_lab_wg_peer "$n" || return 1
	# Without a PresharedKey in the client file the server must not expect one either.
	if [ $psk = no ] && grep -q PresharedKey "$d/peers/$n.conf"; then
		sed -i '/^PresharedKey/d' "$d/peers/$n.conf"
		[ -n "$(vpn_lab_pid wg)" ] &&
			{ vpn_lab_wg wg set wg0 peer "$(cat "$d/client$n.pub")" preshared-key /dev/null || return 1; }
	fi
	{
		echo "# sluice test lab: WireGuard client $n of wgs (tests/integration/vpn_lab.sh)"
		echo "[Interface]"
		echo "PrivateKey = $(cat "$d/client$n.key")"
		echo "Address = 10.99.0.$n/32, fd99::$(printf %x "$n")/128"
		echo "DNS = $LAB_DNS"
		echo "MTU = $VPN_LAB_WG_MTU"
		echo
		echo "[Peer]"
		echo "PublicKey = $(cat "$d/server.pub")"
		[ $psk = yes ] && echo "PresharedKey = $(cat "$d/client$n.psk")"
		echo "AllowedIPs = 0.0.0.0/0, ::/0"
		echo "Endpoint = $endpoint:$VPN_LAB_WG_PORT"
		echo "PersistentKeepalive = 25"
	} | vpn_lab_write_private "$f"
}

vpn_lab_ovpn_client() {
	local s=$1 f=$2 remote=$VPN_LAB_OVS key=client auth=no arg d=$VPN_LAB_DIR/pki proto
	shift 2
	proto=$(vpn_lab_proto "$s") && [ "$s" != wg ] ||
		{ vpn_lab_fail "vpn_lab_ovpn_client: '$s' is not an OpenVPN server (udp, tcp, auth)"; return 1; }
	[ "$s" = auth ] && auth=yes
	for arg in "$@"; do
		case $arg in
		name) remote=ovs.lab ;;
		enckey) key=client-enc ;;
		auth) auth=yes ;;
		*) vpn_lab_fail "vpn_lab_ovpn_client: unknown option $arg"; return 1 ;;
		esac
	done
	vpn_lab_keys || return 1
	{
		echo "# sluice test lab: OpenVPN client of server \"$s\" (tests/integration/vpn_lab.sh)"
		echo "client"
		echo "dev tun"
		echo "proto $proto"
		echo "remote $remote $(vpn_lab_port "$s")"
		echo "nobind"
		echo "persist-key"
		echo "persist-tun"
		echo "remote-cert-tls server"
		[ $auth = yes ] && echo "auth-user-pass"
		echo "verb 3"
		echo "<ca>"; cat "$d/ca.crt"; echo "</ca>"
		echo "<cert>"; cat "$d/client.crt"; echo "</cert>"
		echo "<key>"; cat "$d/$key.key"; echo "</key>"
		echo "<tls-crypt>"; cat "$d/tls-crypt.key"; echo "</tls-crypt>"
	} | vpn_lab_write_private "$f"
}

vpn_lab_auth_file() {
	printf '%s\n%s\n' "${2:-$VPN_LAB_USER}" "${3:-$VPN_LAB_PASS}" | vpn_lab_write_private "$1"
}
vpn_lab_askpass_file() { printf '%s\n' "$VPN_LAB_KEY_PASS" | vpn_lab_write_private "$1"; }

vpn_lab_oc_command() {
	local dir=$1 server=$VPN_LAB_OCS d=$VPN_LAB_DIR/pki
	case ${2:-} in
	"") ;; name) server=ocs.lab ;;
	*) vpn_lab_fail "vpn_lab_oc_command: unknown option $2"; return 1 ;;
	esac
	vpn_lab_keys || return 1
	vpn_lab_write_private "$dir/oc-ca.crt" <"$d/ca.crt" &&
		vpn_lab_write_private "$dir/oc-client.crt" <"$d/client.crt" &&
		vpn_lab_write_private "$dir/oc-client.key" <"$d/client.key" || return 1
	echo "openconnect --non-inter --protocol=anyconnect --cafile $dir/oc-ca.crt" \
		"-c $dir/oc-client.crt -k $dir/oc-client.key --script=$VPN_LAB_VPNC_SCRIPT https://$server/"
}

# --- baseline clients ----------------------------------------------------------------------

# vpn_lab_count_from NAME: counters for packets from NAME's addresses in every lab host, as
# lab_up makes them for the lab's own hosts (lab_seen HOST NAME [tcp|udp|icmp]).
vpn_lab_count_from() {
	local h n=$1 a a6 p
	a=$(lab_addr "$n") a6=$(lab_addr6 "$n")
	for h in $LAB_HOSTS; do
		{
			for p in "" _tcp _udp _icmp; do echo "add counter inet lab from_$n$p"; done
			echo "add rule inet lab pre ip saddr $a counter name from_$n"
			echo "add rule inet lab pre ip6 saddr $a6 counter name from_$n"
			for p in tcp udp; do
				echo "add rule inet lab pre ip saddr $a meta l4proto $p counter name from_${n}_$p"
				echo "add rule inet lab pre ip6 saddr $a6 meta l4proto $p counter name from_${n}_$p"
			done
			echo "add rule inet lab pre ip saddr $a meta l4proto icmp counter name from_${n}_icmp"
			echo "add rule inet lab pre ip6 saddr $a6 meta l4proto ipv6-icmp counter name from_${n}_icmp"
		} | lab_exec "$h" nft -f - || return 1
	done
}

# vpn_lab_netns_routes NAME: the baseline's routes to the VPN servers (/32, /128 on eth0), made
# again if gone (vpnc-script deletes the route to its gateway when openconnect disconnects).
vpn_lab_netns_routes() {
	local ns a
	ns=$(lab_ns "$1")
	for a in $VPN_LAB_WGS $VPN_LAB_OVS $VPN_LAB_OCS; do
		ip -n "$ns" route replace "$a/32" dev eth0 || return 1
	done
	for a in $VPN_LAB_WGS6 $VPN_LAB_OVS6 $VPN_LAB_OCS6; do
		ip -n "$ns" -6 route replace "$a/128" dev eth0 || return 1
	done
}

# vpn_lab_netns NAME: the baseline client's namespace (see vpn_lab_baseline), made once.
vpn_lab_netns() {
	local n=$1 ns a a6 sw
	ns=$(lab_ns "$n") sw=$(lab_ns sw)
	# (Not `ip netns list`: it reports other namespaces vanishing meanwhile, e.g. other tests'.)
	[ -n "${LAB_EXTRA_ADDR[$n]:-}" ] && [ -e "/var/run/netns/$ns" ] && return 0
	[ "${#n}" -le 12 ] || { vpn_lab_fail "baseline name '$n' is longer than 12 characters"; return 1; }
	[ $VPN_LAB_NEXT_ADDR -le 99 ] || { vpn_lab_fail "too many baseline namespaces"; return 1; }
	LAB_EXTRA_ADDR[$n]=10.77.0.$VPN_LAB_NEXT_ADDR
	VPN_LAB_NEXT_ADDR=$((VPN_LAB_NEXT_ADDR + 1))
	a=$(lab_addr "$n") a6=$(lab_addr6 "$n")
	ip netns add "$ns" || return 1
	cleanup_push "ip netns delete $ns"
	ip link add eth0 netns "$ns" type veth peer name "p-$n" netns "$sw" || return 1
	ip -n "$sw" link set "p-$n" master br0 up
	ip -n "$ns" link set lo up
	ip -n "$ns" addr add "$a/32" dev eth0
	ip -n "$ns" addr add "$a6/128" dev eth0 nodad
	ip -n "$ns" link set eth0 up
	vpn_lab_netns_routes "$n" || return 1
	mkdir -p "/etc/netns/$ns"
	cleanup_push "rm -rf /etc/netns/$ns"
	echo "nameserver $LAB_DNS" >"/etc/netns/$ns/resolv.conf"
	printf '127.0.0.1\tlocalhost\n::1\tlocalhost\n%s\twgs.lab\n%s\tovs.lab\n%s\tocs.lab\n' \
		$VPN_LAB_WGS $VPN_LAB_OVS $VPN_LAB_OCS >"/etc/netns/$ns/hosts"
	vpn_lab_count_from "$n" || return 1
	wait_until 10 ip netns exec "$ns" /bin/busybox ping -c1 -W1 $VPN_LAB_WGS >/dev/null 2>&1 ||
		{ vpn_lab_fail "baseline $n does not reach wgs"; return 1; }
}

# vpn_lab_wg_strip FILE: the wg-quick file without wg-quick's own keys (what `wg setconf` takes).
vpn_lab_wg_strip() {
	awk 'BEGIN { IGNORECASE = 1 }
	/^[ \t]*(Address|DNS|MTU|Table|PreUp|PostUp|PreDown|PostDown|SaveConfig)[ \t]*=/ { next }
	{ print }' "$1"
}

# vpn_lab_wg_conf_values FILE KEY: the values of KEY in a wg-quick file, one a line.
vpn_lab_wg_conf_values() {
	awk -F= -v k="$2" 'tolower($1) ~ "^[ \t]*" tolower(k) "[ \t]*$" { sub(/^[^=]*=/, ""); print }' "$1" |
		tr ',' '\n' | tr -d ' \t' | sed '/^$/d'
}

vpn_lab_baseline() {
	local n=$1 conf=$2 log=$VPN_LAB_DIR/baseline-$1.log pid ready count mtu args
	shift 2
	[ "$conf" = openconnect ] || [ -r "$conf" ] || { vpn_lab_fail "baseline: cannot read $conf"; return 1; }
	if [ -n "${VPN_LAB_CLIENT_PID[$n]:-}" ] && ! pid_gone "${VPN_LAB_CLIENT_PID[$n]}"; then
		vpn_lab_fail "baseline $n runs a client already"
		return 1
	fi
	vpn_lab_netns "$n" || return 1
	echo "=== vpn_lab: start $(date +%T.%N) $conf" >>"$log"
	case $conf in
	*.conf)
		vpn_lab_wg_launcher
		vpn_lab_wg_strip "$conf" >"$VPN_LAB_DIR/baseline-$n.wg"
		chmod 0600 "$VPN_LAB_DIR/baseline-$n.wg"
		mtu=$(vpn_lab_wg_conf_values "$conf" MTU | head -1)
		mapfile -t args < <(vpn_lab_wg_conf_values "$conf" Address)
		args+=(-- 0.0.0.0/0 ::/0)
		ip netns exec "$(lab_ns "$n")" unshare --mount --propagation private -- \
			"$VPN_LAB_DIR/wg-run.sh" wg0 "$VPN_LAB_DIR/baseline-$n.wg" "${mtu:-1420}" "${args[@]}" \
			>>"$log" 2>&1 </dev/null &
		pid=$!
		;;
	*.ovpn)
		count=$(grep -cE "Initialization Sequence Completed|AUTH_FAILED" "$log")
		ready=$(grep -c "Initialization Sequence Completed" "$log")
		ip netns exec "$(lab_ns "$n")" openvpn --config "$conf" "$@" >>"$log" 2>&1 </dev/null &
		pid=$!
		;;
	openconnect)
		vpn_lab_netns_routes "$n" || return 1
		count=$(grep -c "Configured as" "$log")
		# A tmpfs over /run: vpnc-script keeps its state in /var/run/vpnc (and would find a
		# resolvconf or systemd-resolved there); `sh` execs openconnect, which keeps the PID.
		ip netns exec "$(lab_ns "$n")" unshare --mount --propagation private -- \
			sh -c 'mount -t tmpfs -o mode=0755,size=1m sl-vpn-lab-run /run && exec "$@"' - \
			openconnect "$@" >>"$log" 2>&1 </dev/null &
		pid=$!
		;;
	*) vpn_lab_fail "baseline: $conf is neither a .conf (WireGuard), an .ovpn nor openconnect"; return 1 ;;
	esac
	VPN_LAB_CLIENT_PID[$n]=$pid
	cleanup_push "kill_tree $pid"
	case $conf in
	*.conf)
		wait_until "$VPN_LAB_TIMEOUT" eval 'pid_gone "$pid" || vpn_lab_wg_handshake "$n" "$pid"' &&
			vpn_lab_wg_handshake "$n" "$pid" ;;
	openconnect)
		wait_until "$VPN_LAB_TIMEOUT" eval 'pid_gone "$pid" || vpn_lab_oc_ready "$n" "$pid" "$count"' &&
			vpn_lab_oc_ready "$n" "$pid" "$count" ;;
	*) vpn_lab_wait_log "$log" "Initialization Sequence Completed|AUTH_FAILED" "$count" \
		"$VPN_LAB_TIMEOUT" "$pid" && [ "$(grep -c "Initialization Sequence Completed" "$log")" -gt "$ready" ] ;;
	esac && return 0
	vpn_lab_fail "baseline client $n did not come up: $(vpn_lab_why "$log")"
	return 1
}

# vpn_lab_oc_ready NAME PID COUNT: is the baseline's openconnect (PID) up: more than COUNT
# "Configured as" in its log (printed before vpnc-script runs), vpnc-script done (openconnect has
# no child), the IPv4 default route on a tun device?
vpn_lab_oc_ready() {
	pid_gone "$2" && return 1
	[ "$(grep -c "Configured as" "$VPN_LAB_DIR/baseline-$1.log")" -gt "$3" ] &&
		[ -z "$(pgrep -P "$2")" ] &&
		[[ $(ip -n "$(lab_ns "$1")" route show default) == *" dev tun"* ]]
}

# vpn_lab_wg_handshake NAME PID: has the baseline's wireguard-go (PID) completed a handshake?
vpn_lab_wg_handshake() {
	pid_gone "$2" && return 1
	[ -n "$(nsenter -t "$2" --mount --net -- wg show wg0 latest-handshakes 2>/dev/null | awk '$2 > 0')" ]
}

vpn_lab_baseline_stop() {
	local n=$1 pid=${VPN_LAB_CLIENT_PID[$1]:-} comm cmd
	[ -n "$pid" ] || return 0
	unset "VPN_LAB_CLIENT_PID[$n]"
	pid_gone "$pid" && { wait "$pid" 2>/dev/null; return 0; }
	comm=$(cat "/proc/$pid/comm" 2>/dev/null)
	# The command line too: its first word is the client (e.g. "openconnect --non-inter ...").
	cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)
	case $comm in
	wireguard-go | openvpn | openconnect) [ "${cmd%% *}" = "$comm" ] && kill -TERM "$pid" ;;
	*) false ;;
	esac || { vpn_lab_fail "baseline $n: pid $pid is $comm ($cmd), not a VPN client"; return 1; }
	# (openconnect on TERM: logs off, runs vpnc-script's disconnect, exits.)
	{
		wait_until 5 pid_gone "$pid" || kill_tree "$pid"
		wait "$pid"
	} 2>/dev/null
	# Its tun device goes with it.
	wait_until 5 vpn_lab_no_link "$(lab_ns "$n")" type tun
	[ "$comm" != openconnect ] || vpn_lab_netns_routes "$n"
}

vpn_lab_in() {
	local ns
	ns=$(lab_ns "$1")
	shift
	if [ "$MODE" = rootless ]; then
		ip netns exec "$ns" env HOME="$TMP" PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin \
			setpriv --reuid="$TEST_UID" --regid="$TEST_UID" --clear-groups --inh-caps=-all \
			--bounding-set=-all -- "$@"
	else
		ip netns exec "$ns" "$@"
	fi
}

vpn_lab_netns_delete() {
	vpn_lab_baseline_stop "$1"
	ip netns delete "$(lab_ns "$1")" 2>/dev/null
	rm -rf "/etc/netns/$(lab_ns "$1")"
}

# vpn_lab_hidden_check HOP FILE: the tunnel program's control files (wireguard-go's UAPI socket,
# openvpn's hook socket, an exec: hop's resolv.conf; FILE relative to the run's runtime
# directory, e.g. openvpn-1.hook) are out of the sandboxed program's reach: inside, nothing of
# the runtime directory shows.  Anti-test: outside, during a run with HOP, FILE is there.
vpn_lab_hidden_check() {
	local hop=$1 file=$2 base out pid
	if [ "$MODE" = rootless ]; then base=/tmp/sluice-$TEST_UID; else base=/run/sluice; fi
	out=$(as_user timeout -k 5 30 "$SLUICE" run --via "$hop" -- sh -c \
		"ls -A $base/*/ 2>&1; for f in $base/*/$file; do [ -e \$f ] && echo SEEN; done; echo done" 2>&1)
	check "${file##*/}: the program ran" grep -q '^done$' <<<"$out"
	check "${file##*/}: the program sees nothing of the runtime directory" \
		eval '! grep -qE "SEEN|${file##*/}|\.log" <<<"$out"'
	as_user timeout -k 5 30 "$SLUICE" run --via "$hop" -- sleep 6 >/dev/null 2>&1 </dev/null &
	pid=$!
	wait_until 15 eval "ls $base/*/$file >/dev/null 2>&1"
	check "${file##*/}: anti-test: outside, during a run, it is there" \
		eval "ls $base/*/$file >/dev/null 2>&1"
	wait "$pid"
}

# vpn_lab_requests_start LOG ITERATIONS LIMIT_S HOP...: in the background, `sluice run` through
# the HOPs (--via each) of a program that prints "pid PID" once, then every 0.5 s the answer of
# a request to the lab's target (the address it saw) or "fail", ITERATIONS times, into LOG;
# stopped after LIMIT_S.  VPN_LAB_RUNNER is its pid (killed at cleanup if still there).
vpn_lab_requests_start() {
	local log=$1 n=$2 limit=$3 hop via=()
	shift 3
	for hop; do via+=(--via "$hop"); done
	(as_user timeout -k 5 "$limit" "$SLUICE" run "${via[@]}" -- sh -c 'echo "pid $$"; i=0; while [ $i -lt '"$n"' ]; do
	r=$(curl -s -m 1 "http://'"$LAB_TARGET"'/" || echo fail); echo "$r"; i=$((i + 1)); sleep 0.5
done' >"$log" 2>&1) &
	VPN_LAB_RUNNER=$!
	cleanup_push "kill_tree $VPN_LAB_RUNNER"
}
