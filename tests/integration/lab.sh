# SPDX-License-Identifier: GPL-2.0-or-later
# lab.sh - a small network of namespaces with real proxies, a DNS server and a target, for the
# relay tests and benchmarks (sourced after lib.sh, not run).
#
#            client 10.77.0.1 / fd77::1   (the CURRENT netns: tests, sluice's supervisor)
#                         |
#   [ sw: bridge br0 ] ---+--- target 10.77.0.100 / fd77::100   HTTP :80, echo :7777 (TCP+UDP)
#                         +--- dns    10.77.0.53  / fd77::53    dnsmasq, zone "lab"
#                         +--- px1    10.77.0.11  / fd77::11    proxies, as a test starts them
#                         +--- px2    10.77.0.12  / fd77::12
#                         +--- px3    10.77.0.13  / fd77::13
#
# Every host reaches every other directly (the anti-tests need that).  Namespaces are named
# "$LAB_PREFIX-NAME" (default prefix sl-$$); functions take the short NAME (target, dns, px1...).
# The proxy hosts resolve names through the lab's dnsmasq only (/etc/netns/NS/resolv.conf, which
# `ip netns exec` mounts over /etc/resolv.conf); the client cannot resolve any lab name.
# Every namespace, process and file made here is removed by lib.sh's cleanup (cleanup_push):
# namespaces by name, processes by PID (kill_tree), /etc/netns/NS by path.
#
# Each host namespace counts the packets it receives, per source host and protocol, in an
# nftables table at prerouting (before any socket lookup, so packets to closed ports count
# too; neighbour discovery is not counted): see lab_seen.  That is how a test proves that
# nothing from the client reached a host, whatever the protocol.
#
# Servers run as root inside their namespace and write only under $LAB_DIR.  Every start
# returns once the server listens (bounded wait) or fails the start with a message.

LAB_PREFIX=${LAB_PREFIX:-sl-$$}
LAB_DIR=$TMP/lab
LAB_CLIENT=10.77.0.1 LAB_CLIENT6=fd77::1
LAB_TARGET=10.77.0.100 LAB_TARGET6=fd77::100
LAB_DNS=10.77.0.53 LAB_DNS6=fd77::53
LAB_PX1=10.77.0.11 LAB_PX2=10.77.0.12 LAB_PX3=10.77.0.13
LAB_HTTP_PORT=80    # target: HTTP, the body is the client's address
LAB_ECHO_PORT=7777  # target: TCP and UDP echo, each peer logged (lab_echo_peers)
LAB_CLOSED_PORT=81  # target: nothing listens (connection refused)
LAB_CLIENT_IF=sl$$c # the client's end of its veth pair, in the current netns
LAB_HOSTS="target dns px1 px2 px3"
# More hosts (e.g. tor_lab.sh's): append NAME to LAB_HOSTS and set LAB_EXTRA_ADDR[NAME] to its
# IPv4 address in 10.77.0.0/24 (IPv6: fd77:: plus the last byte) before lab_up.
declare -A LAB_EXTRA_ADDR=()
declare -A LAB_PIDS=() # server name (NAME:PORT) -> pid
LAB_ETC_NETNS_MADE=0

lab_ns() { echo "$LAB_PREFIX-$1"; }
lab_exec() { local h=$1; shift; ip netns exec "$(lab_ns "$h")" "$@"; }
lab_addr() {
	case $1 in
	client) echo $LAB_CLIENT ;; target) echo $LAB_TARGET ;; dns) echo $LAB_DNS ;;
	px1) echo $LAB_PX1 ;; px2) echo $LAB_PX2 ;; px3) echo $LAB_PX3 ;;
	*) [ -n "${LAB_EXTRA_ADDR[$1]:-}" ] && echo "${LAB_EXTRA_ADDR[$1]}" ;;
	esac
}
lab_addr6() { local a; a=$(lab_addr "$1") || return 1; echo "fd77::${a##*.}"; }
# lab_addr_re NAME: an extended regex matching exactly one of NAME's addresses (IPv4 or IPv6),
# for a peer address when the proxy chooses the family (a name with A and AAAA records).
lab_addr_re() { local a; a=$(lab_addr "$1") || return 1; echo "^(${a//./\\.}|fd77::${a##*.})\$"; }
lab_fail() { echo "lab: $*" >&2; return 1; }

# lab_listening NAME PORT [tcp|udp]: does something in NAME listen on PORT?
lab_listening() {
	local opt=-Hltn
	[ "${3:-tcp}" = udp ] && opt=-Hlun
	[ -n "$(lab_exec "$1" ss $opt "sport = :$2" 2>/dev/null)" ]
}

# lab_start NAME PORT LOGNAME CMD...: start CMD in host NAME in the background, register it
# as NAME:PORT for lab_kill and cleanup, wait (10 s at most) until it listens on PORT.
lab_start() {
	local h=$1 port=$2 log=$3 pid
	shift 3
	ip netns exec "$(lab_ns "$h")" "$@" >"$LAB_DIR/$log.out" 2>&1 </dev/null &
	pid=$!
	LAB_PIDS[$h:$port]=$pid
	cleanup_push "kill_tree $pid"
	if ! wait_until 10 lab_listening "$h" "$port"; then
		lab_fail "$log did not start listening on $h:$port: $(tail -3 "$LAB_DIR/$log.out")"
		return 1
	fi
}

# lab_kill NAME[:PORT]: kill that server (or every server of host NAME), children included,
# and wait until it is gone.
lab_kill() {
	local key pid
	for key in "${!LAB_PIDS[@]}"; do
		[ "$key" = "$1" ] || [ "${key%%:*}" = "$1" ] || continue
		pid=${LAB_PIDS[$key]}
		kill_tree "$pid"
		wait "$pid" 2>/dev/null
		unset "LAB_PIDS[$key]"
	done
	return 0
}

lab_counters_nft() {
	local src proto a a6
	echo "table inet lab {"
	for src in client $LAB_HOSTS; do
		for proto in "" _tcp _udp _icmp; do echo "  counter from_$src$proto { }"; done
	done
	echo "  chain pre {"
	echo "    type filter hook prerouting priority -300; policy accept;"
	echo "    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit, nd-router-advert, nd-redirect } return"
	for src in client $LAB_HOSTS; do
		a=$(lab_addr $src) a6=$(lab_addr6 $src)
		echo "    ip saddr $a counter name from_$src"
		echo "    ip6 saddr $a6 counter name from_$src"
		echo "    ip saddr $a meta l4proto tcp counter name from_${src}_tcp"
		echo "    ip6 saddr $a6 meta l4proto tcp counter name from_${src}_tcp"
		echo "    ip saddr $a meta l4proto udp counter name from_${src}_udp"
		echo "    ip6 saddr $a6 meta l4proto udp counter name from_${src}_udp"
		echo "    ip saddr $a meta l4proto icmp counter name from_${src}_icmp"
		echo "    ip6 saddr $a6 meta l4proto ipv6-icmp counter name from_${src}_icmp"
	done
	echo "  }"
	echo "}"
}

# lab_seen HOST SRC [tcp|udp|icmp]: how many IP packets HOST received from SRC (a host name,
# e.g. client), of that protocol or any, since lab_up or lab_counters_reset.
lab_seen() {
	lab_exec "$1" nft list counter inet lab "from_$2${3:+_$3}" 2>/dev/null |
		sed -n 's/.*packets \([0-9]*\).*/\1/p'
}

# lab_counters_reset: zero every host's packet counters.
lab_counters_reset() {
	local h
	for h in $LAB_HOSTS; do lab_exec "$h" nft reset counters table inet lab >/dev/null; done
}

# lab_up: make the namespaces, the bridge, the links and addresses; wait until every host
# answers the client over IPv4 and IPv6.  Refuses to run in the initial network namespace.
lab_up() {
	local h sw a a6
	if [ "$(readlink /proc/self/ns/net)" = "$(readlink /proc/1/ns/net 2>/dev/null)" ]; then
		lab_fail "refusing to build the lab in the initial network namespace (use tests/run)"
		return 1
	fi
	mkdir -p "$LAB_DIR" && chmod 0755 "$LAB_DIR" || return 1
	sw=$(lab_ns sw)
	ip netns add "$sw" || return 1
	cleanup_push "ip netns delete $sw"
	ip netns exec "$sw" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	ip -n "$sw" link set lo up
	ip -n "$sw" link add br0 type bridge stp_state 0 forward_delay 0 mcast_snooping 0 || return 1
	ip -n "$sw" link set br0 up
	[ -d /etc/netns ] || { mkdir /etc/netns && LAB_ETC_NETNS_MADE=1; }
	for h in $LAB_HOSTS; do
		a=$(lab_addr $h) a6=$(lab_addr6 $h)
		ip netns add "$(lab_ns $h)" || return 1
		cleanup_push "ip netns delete $(lab_ns $h)"
		ip link add eth0 netns "$(lab_ns $h)" type veth peer name "p-$h" netns "$sw" || return 1
		ip -n "$sw" link set "p-$h" master br0 up
		ip -n "$(lab_ns $h)" link set lo up
		ip -n "$(lab_ns $h)" addr add "$a/24" dev eth0
		ip -n "$(lab_ns $h)" addr add "$a6/64" dev eth0 nodad
		ip -n "$(lab_ns $h)" link set eth0 up
		lab_counters_nft | lab_exec $h nft -f - || return 1
		# Names resolve through the lab's DNS only; /etc/hosts knows nothing of the lab.
		mkdir -p "/etc/netns/$(lab_ns $h)"
		cleanup_push "rm -rf /etc/netns/$(lab_ns $h)"
		echo "nameserver $LAB_DNS" >"/etc/netns/$(lab_ns $h)/resolv.conf"
		printf '127.0.0.1\tlocalhost\n::1\tlocalhost\n' >"/etc/netns/$(lab_ns $h)/hosts"
	done
	# After the per-host removals (cleanups run last-in first-out).
	[ $LAB_ETC_NETNS_MADE = 1 ] && cleanups=("rmdir /etc/netns" "${cleanups[@]}")
	ip link add "$LAB_CLIENT_IF" type veth peer name p-client netns "$sw" || return 1
	cleanup_push "ip link delete $LAB_CLIENT_IF"
	ip -n "$sw" link set p-client master br0 up
	ip link set lo up
	ip addr add "$LAB_CLIENT/24" dev "$LAB_CLIENT_IF"
	ip addr add "$LAB_CLIENT6/64" dev "$LAB_CLIENT_IF" nodad
	ip link set "$LAB_CLIENT_IF" up
	for h in $LAB_HOSTS; do
		wait_until 10 /bin/busybox ping -c1 -W1 "$(lab_addr $h)" >/dev/null 2>&1 ||
			{ lab_fail "$h does not answer on IPv4"; return 1; }
		wait_until 10 /bin/busybox ping6 -c1 -W1 "$(lab_addr6 $h)" >/dev/null 2>&1 ||
			{ lab_fail "$h does not answer on IPv6"; return 1; }
	done
	lab_counters_reset
}

# lab_target_http: in target, an HTTP server on port 80 (IPv4 and IPv6) answering every GET /
# with the client's address as the body (one line, IPv4 shown as IPv4); each request's peer is
# also appended to $LAB_DIR/http.log.  And the echo server on LAB_ECHO_PORT (TCP and UDP, both
# families), logging each peer (lab_echo_peers); LAB_CLOSED_PORT stays closed.
lab_target_http() {
	mkdir -p "$LAB_DIR/www/cgi-bin"
	cat >"$LAB_DIR/www/cgi-bin/index.cgi" <<EOF
#!/bin/sh
a=\${REMOTE_ADDR#[}; a=\${a%]}; a=\${a#::ffff:}
echo "\$a" >>$LAB_DIR/http.log
printf 'Content-Type: text/plain\r\n\r\n%s\n' "\$a"
EOF
	chmod 0755 "$LAB_DIR/www/cgi-bin/index.cgi"
	: >"$LAB_DIR/http.log"
	: >"$LAB_DIR/echo.log"
	lab_start target $LAB_HTTP_PORT httpd /bin/busybox httpd -f -p "[::]:$LAB_HTTP_PORT" -h "$LAB_DIR/www" || return 1
	lab_start target $LAB_ECHO_PORT echo "$HELPERS/echo_server" -p $LAB_ECHO_PORT -u -l "$LAB_DIR/echo.log" || return 1
	wait_until 5 lab_listening target $LAB_ECHO_PORT udp
}

# lab_http_peers: the peers of the target's HTTP server so far, one a line, in order.
lab_http_peers() { cat "$LAB_DIR/http.log"; }
# lab_echo_peers: the echo server's peers so far, "tcp ADDR" or "udp ADDR", one a line.
lab_echo_peers() { cat "$LAB_DIR/echo.log"; }

# lab_dns: dnsmasq in dns, on 10.77.0.53 and fd77::53 port 53 (UDP and TCP), the only
# authority for the zone "lab" (target.lab, dns.lab, px1.lab... -> their IPv4 and IPv6
# addresses; other names in "lab" are NXDOMAIN), no upstream, every query logged with its
# source address (see lab_dns_queries).  Extra arguments go to dnsmasq (more records).
lab_dns() {
	local h args=()
	for h in $LAB_HOSTS client; do args+=(--host-record="$h.lab,$(lab_addr $h),$(lab_addr6 $h)"); done
	: >"$LAB_DIR/dnsmasq.log"
	lab_start dns 53 dnsmasq dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv \
		--no-hosts --no-poll --user=root --group=root --bind-interfaces \
		--listen-address=$LAB_DNS --listen-address=$LAB_DNS6 --port=53 --local=/lab/ \
		--log-queries=extra --log-facility="$LAB_DIR/dnsmasq.log" \
		--pid-file="$LAB_DIR/dnsmasq.pid" "${args[@]}" "$@" || return 1
	wait_until 5 lab_listening dns 53 udp
}

# LAB_DNS_OVER_TCP: a python3 program, `python3 -c "$LAB_DNS_OVER_TCP" NAME SERVER`, that asks
# SERVER for NAME's A record over TCP (neither busybox nslookup nor getent can) and prints the
# first address, or "rcode N" for an error answer.
LAB_DNS_OVER_TCP='
import socket, struct, sys
name, server = sys.argv[1], sys.argv[2]
q = struct.pack(">6H", 0x5c1, 0x100, 1, 0, 0, 0)
q += b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0" + struct.pack(">2H", 1, 1)
s = socket.create_connection((server, 53), timeout=3)
s.sendall(struct.pack(">H", len(q)) + q)
a = b""
while len(a) < 2 or len(a) < 2 + struct.unpack(">H", a[:2])[0]:
    chunk = s.recv(4096)
    if not chunk:
        sys.exit("short answer")
    a += chunk
a = a[2:]
if a[3] & 15:
    sys.exit(print("rcode %d" % (a[3] & 15)))
def skip(i):
    while a[i] and a[i] < 192:
        i += a[i] + 1
    return i + (2 if a[i] else 1)
i = skip(12) + 4
for _ in range(struct.unpack(">H", a[6:8])[0]):
    i = skip(i)
    rtype, _, _, rdlen = struct.unpack(">HHIH", a[i:i + 10])
    if rtype == 1:
        sys.exit(print(socket.inet_ntoa(a[i + 10:i + 14])))
    i += 10 + rdlen
print("no address")
'

# lab_dns_queries: the queries dnsmasq got so far, one a line: "NAME TYPE SOURCE-ADDRESS",
# e.g. "target.lab A 10.77.0.11".  NAME is in lower case: tor's exits mix the case of the names
# they ask for (DNS 0x20, "TArGET.LaB"), and DNS names compare without case anyway.
lab_dns_queries() {
	sed -n 's/.* query\[\([A-Za-z0-9]*\)\] \([^ ]*\) from \([^ ]*\).*/\2 \1 \3/p' "$LAB_DIR/dnsmasq.log" |
		awk '{ $1 = tolower($1); print }'
}

# lab_socks_dante NAME PORT: dante (danted) as a SOCKS5 server without authentication on NAME's
# IPv4 and IPv6 addresses; its log (client and target of each connection) is
# $LAB_DIR/dante-NAME-PORT.log.  Dante's "username" method checks the system's password
# database, which a test must not change: use lab_socks_microsocks for authentication.
lab_socks_dante() {
	local h=$1 port=$2 conf=$LAB_DIR/dante-$1-$2.conf
	if [ $# -gt 2 ]; then
		lab_fail "lab_socks_dante: no authentication (it needs system users); use lab_socks_microsocks"
		return 1
	fi
	cat >"$conf" <<EOF
logoutput: $LAB_DIR/dante-$h-$port.log
internal: $(lab_addr $h) port = $port
internal: $(lab_addr6 $h) port = $port
external: eth0
clientmethod: none
socksmethod: none
user.privileged: root
user.unprivileged: root
client pass { from: 0/0 to: 0/0 log: error }
socks pass { from: 0/0 to: 0/0 log: connect error }
EOF
	lab_start "$h" "$port" "dante-$h-$port" danted -f "$conf" -p "$LAB_DIR/dante-$h-$port.pid" -N 2
}

# lab_socks_microsocks NAME PORT [USER PASS]: microsocks on all of NAME's addresses (IPv4 and
# IPv6), with username/password authentication (RFC 1929) when USER and PASS are given.
lab_socks_microsocks() {
	local h=$1 port=$2 auth=()
	[ $# -ge 4 ] && auth=(-u "$3" -P "$4")
	lab_start "$h" "$port" "microsocks-$h-$port" microsocks -i :: -p "$port" "${auth[@]}"
}

# lab_http_tinyproxy NAME PORT [USER PASS]: tinyproxy (HTTP CONNECT and plain HTTP) on all of
# NAME's addresses, open to the lab's networks, CONNECT allowed to every port (no ConnectPort
# line), Basic authentication when USER and PASS are given.  Log: $LAB_DIR/tinyproxy-NAME-PORT.log
# (the client's address of each connection: "Connect (file descriptor N): ADDR").
lab_http_tinyproxy() {
	local h=$1 port=$2 conf=$LAB_DIR/tinyproxy-$1-$2.conf
	cat >"$conf" <<EOF
Port $port
Timeout 60
MaxClients 4096
LogFile "$LAB_DIR/tinyproxy-$h-$port.log"
LogLevel Connect
PidFile "$LAB_DIR/tinyproxy-$h-$port.pid"
Allow 10.77.0.0/16
Allow fd77::/64
Allow 127.0.0.1
DisableViaHeader Yes
EOF
	[ $# -ge 4 ] && echo "BasicAuth $3 $4" >>"$conf"
	lab_start "$h" "$port" "tinyproxy-$h-$port" tinyproxy -d -c "$conf"
}

# lab_hostile NAME PORT MODE: a fake proxy on NAME's IPv4 address, for failure tests.
#   close     reads the first byte of the handshake, then closes the connection
#   garbage   reads the first byte, answers bytes that are neither SOCKS5 nor HTTP, stays open
#   http-407  reads an HTTP request up to its blank line, answers 407 Proxy Authentication
#             Required (Basic), stays open (a SOCKS5 client gets no answer: use an http hop)
#   slow      accepts and never answers
lab_hostile() {
	local h=$1 port=$2 mode=$3 script=$LAB_DIR/hostile-$1-$2.sh
	case $mode in
	close) echo 'head -c 1 >/dev/null' ;;
	garbage) echo 'head -c 1 >/dev/null; printf "\377\376garbage\000\001 not a proxy\r\n\r\n"; exec cat >/dev/null' ;;
	http-407) cat <<'EOF' ;;
while IFS= read -r line; do line=${line%$'\r'}; [ -z "$line" ] && break; done
printf 'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="lab"\r\nContent-Length: 0\r\n\r\n'
exec cat >/dev/null
EOF
	slow) echo 'exec cat >/dev/null' ;;
	*) lab_fail "lab_hostile: unknown mode $mode"; return 1 ;;
	esac >"$script"
	lab_start "$h" "$port" "hostile-$h-$port" socat "TCP4-LISTEN:$port,bind=$(lab_addr $h),fork,reuseaddr" \
		"EXEC:bash $script"
}
