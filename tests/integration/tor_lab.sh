# SPDX-License-Identifier: GPL-2.0-or-later
# tor_lab.sh - a private Tor network inside lab.sh's lab, for the Tor tests and benchmarks
# (sourced after lib.sh and lab.sh, before lab_up; not run).  It owns the Tor hosts and their tor
# processes; the lab itself (namespaces, bridge, dnsmasq, target) stays lab.sh's.
#
#   auth1  10.77.0.21   directory authorities: ORPort 5000, DirPort 7000, keys from tor-gencert
#   auth2  10.77.0.22
#   auth3  10.77.0.23
#   relay1 10.77.0.24   middle relays: ORPort 5000
#   relay2 10.77.0.25
#   exit1  10.77.0.26   the only exit (ExitPolicy accept *:*, private addresses allowed); it
#                       resolves names through the lab's dnsmasq, whose log names the exit
#   onion  10.77.0.27   an onion service: busybox httpd on its own 127.0.0.1:8080, published by a
#                       tor (HiddenServicePort 80) whose own SocksPort is its 127.0.0.1:9050
#
# Sourcing this file adds those hosts to LAB_HOSTS, so lab_up makes them, lab_seen counts
# packets per host (e.g. `lab_seen auth1 client`) and lab_dns gives them names (auth1.lab ...).
# Every tor runs in its host's namespace as root, with TestingTorNetwork 1, its DataDirectory
# under $LAB_DIR/tor/NAME, its log in $LAB_DIR/tor/NAME/notice.log, and a defaults file of
# /dev/null: nothing of the system's tor (service, /etc/tor/torrc) is read or started.  The
# authorities vote every 10 s (the first round after 5 s) and vote the Guard and HSDir flags for
# every relay and Exit for exit1, so a client bootstraps in seconds.
#
# Functions:
#   tor_lab_up                   after lab_up: starts lab_dns and lab_target_http unless running,
#                                makes the keys, starts every tor and the onion service, and
#                                returns once the authorities serve a fresh consensus listing
#                                every relay and the onion service has published its descriptor
#                                (TOR_LAB_TIMEOUT seconds at most, default 120); the seconds
#                                each phase took are in TOR_LAB_UP_TIMES
#   tor_lab_client_torrc FILE    writes the torrc lines a client needs to use this network
#                                (DirAuthority lines, TestingTorNetwork 1...), readable by all;
#                                no SocksPort, no DataDirectory: the caller adds those
#   tor_lab_sluice_client        sets TORRC (such a file), CACHE (sluice's tor's cache, as
#                                XDG_CACHE_HOME, writable by the test user) and TOR (the options
#                                for --via tor with it)
#   tor_lab_onion                prints the onion service's hostname (56 letters and ".onion")
#   tor_lab_onion_body           prints what the onion service's GET / answers
#   tor_lab_exit_addr            prints the exit's IPv4 address (what a target sees)
#   tor_lab_guard_addrs          prints the addresses a client talks to directly (authorities
#                                and every relay that may be its guard), one a line
#   tor_lab_guard_hosts          the same as lab host names, for lab_seen
#   tor_lab_kill_authorities [unreachable|refused]
#                                kills the three authorities' tors (by PID), waits until gone;
#                                unreachable (the default) also makes their hosts answer
#                                connections to the ORPort and DirPort with ICMP host-unreachable
#                                (as if they were gone from the network): a client's tor then
#                                warns "Problem bootstrapping ... NOROUTE" at its first attempt.
#                                With refused (nothing listens), tor warns only after its 10th
#                                failed attempt, whose time its randomised backoff decides
#                                (measured: 16 s to more than 45 s), too late for a bounded test
#   tor_lab_start_authorities    makes them reachable, starts them again (same keys and data)
#                                and waits until they serve a fresh consensus again
#   tor_lab_native_client DIR SOCKSPORT [SECONDS]
#                                runs `tor -f DIR/torrc` (the client torrc plus DataDirectory
#                                DIR/data and SocksPort 127.0.0.1:SOCKSPORT) in the CURRENT netns
#                                as the mode's user; returns once it logged "Bootstrapped 100%"
#                                (SECONDS at most, default 60), with its PID in TOR_LAB_CLIENT_PID
#                                (also printed) and the milliseconds from its start to 100% in
#                                TOR_LAB_CLIENT_MS (the benchmark baseline).  On tor's warning
#                                "Problem bootstrapping" or on timeout it kills that tor and
#                                fails, naming the warning; the log stays in DIR/tor.log.  Call
#                                it outside $(...) to get the variables; every client is killed
#                                at cleanup, wherever it was started.  DIR/data is kept: a second
#                                call with the same DIR starts with a warm DataDirectory.
#                                TOR_LAB_CLIENT_EXTRA, when set, is appended to that torrc (more
#                                lines, e.g. a ControlPort).
#                                Its info log is DIR/data/info.log (tor_lab_client_log).
#   tor_lab_client_log DIR       the last stream, circuit and warning lines of that log, on one
#                                line: what to show when a stream through the client failed
#   tor_lab_exit_log             the last stream, DNS and refusal lines of the exit's info log,
#                                on one line: the far side of a failed stream
#   tor_lab_exit_warm PORT HOST HPORT
#                                waits (about 60 s at most) until a stream through the native
#                                client with SocksPort PORT reaches HOST:HPORT (a server that
#                                speaks first) and gets an answer; fails if none does
#   tor_lab_client_kill PID      kills a native client (checked by its command line) and waits
#   tor_lab_client_pids DIR      the PIDs of the native clients started with DIR, one a line
#   tor_lab_sluice_tors [CACHE]  the PIDs of the tors sluice started (`--via tor`), one a line;
#                                with CACHE, only those whose DataDirectory is in CACHE/sluice/tor
#   tor_lab_sluice_tor_file PID NAME
#                                NAME in that tor's runtime directory, as seen from here
#   tor_lab_sluice_tor_datadir PID
#                                that tor's DataDirectory

TOR_LAB_DIR=$LAB_DIR/tor
TOR_LAB_AUTHS="auth1 auth2 auth3"
TOR_LAB_RELAYS="relay1 relay2 exit1" # relays that are not authorities
TOR_LAB_EXIT=exit1
TOR_LAB_OR_PORT=5000
TOR_LAB_DIR_PORT=7000
TOR_LAB_ONION_HTTP_PORT=8080 # on the onion host's loopback
TOR_LAB_ONION_SOCKS_PORT=9050
TOR_LAB_TIMEOUT=${TOR_LAB_TIMEOUT:-120}
TOR_LAB_CLIENT_PID='' TOR_LAB_CLIENT_MS='' TOR_LAB_UP_TIMES='' tor_lab_t=0
LAB_EXTRA_ADDR[auth1]=10.77.0.21 LAB_EXTRA_ADDR[auth2]=10.77.0.22 LAB_EXTRA_ADDR[auth3]=10.77.0.23
LAB_EXTRA_ADDR[relay1]=10.77.0.24 LAB_EXTRA_ADDR[relay2]=10.77.0.25
LAB_EXTRA_ADDR[exit1]=10.77.0.26 LAB_EXTRA_ADDR[onion]=10.77.0.27
LAB_HOSTS="$LAB_HOSTS $TOR_LAB_AUTHS $TOR_LAB_RELAYS onion"

# Native clients may be started in a command substitution (a subshell, whose cleanup_push is
# lost): their PIDs go to a file instead, which this cleanup reads.
TOR_LAB_CLIENT_PIDS=$TMP/tor-lab-client-pids
cleanup_push "tor_lab_kill_clients"

tor_lab_fail() { echo "tor_lab: $*" >&2; return 1; }

# tor_lab_common NAME: the torrc lines every tor of the lab shares.  TestingTorNetwork shortens
# tor's download and retry schedules; PathsNeededToBuildCircuits lets a tor build circuits once
# it has two thirds of a network this small.  The info log is where the onion service says it
# uploaded its descriptor (tor_lab_onion_published) and where to look when a test fails.
tor_lab_common() {
	local d=$TOR_LAB_DIR/$1
	cat <<EOF
TestingTorNetwork 1
DataDirectory $d
PidFile $d/pid
Nickname $1
Log notice file $d/notice.log
Log info file $d/info.log
SafeLogging 0
LogTimeGranularity 1
ShutdownWaitLength 0
PathsNeededToBuildCircuits 0.67
EOF
	cat "$TOR_LAB_DIR/dirauthorities"
}

# tor_lab_relay_torrc NAME: a relay's torrc (authority, middle or exit, by NAME).
tor_lab_relay_torrc() {
	local h=$1 a
	a=$(lab_addr "$h")
	tor_lab_common "$h"
	cat <<EOF
SocksPort 0
Address $a
ORPort $a:$TOR_LAB_OR_PORT
ContactInfo $h@lab
EOF
	# A relay publishes its descriptor without first testing that its ORPort is reachable
	# (that test needs circuits, hence a consensus, which needs descriptors: minutes), and the
	# authorities list every relay as Running without their half-hourly reachability test.
	echo "AssumeReachable 1"
	case " $TOR_LAB_AUTHS " in
	*" $h "*)
		# The fastest schedule tor accepts (vote and distribution delays of 2 s, the interval
		# at least twice their sum plus 1): a consensus 5 s after start, then every 10 s,
		# valid for two intervals.  Every host shares one clock, so no slack is needed.
		cat <<EOF
DirPort $a:$TOR_LAB_DIR_PORT
AuthoritativeDirectory 1
V3AuthoritativeDirectory 1
TestingV3AuthInitialVotingInterval 5
TestingV3AuthInitialVoteDelay 2
TestingV3AuthInitialDistDelay 2
V3AuthVotingInterval 10
V3AuthVoteDelay 2
V3AuthDistDelay 2
V3AuthNIntervalsValid 2
TestingDirAuthVoteGuard *
TestingDirAuthVoteHSDir *
TestingDirAuthVoteExit $(lab_addr $TOR_LAB_EXIT)
TestingMinExitFlagThreshold 0
EOF
		;;
	esac
	if [ "$h" = "$TOR_LAB_EXIT" ]; then
		# The summary in a microdescriptor lists only ports open to the whole internet: a
		# policy limited to the lab would read "reject 1-65535" and no client would pick it.
		# The lab has no route out, so "accept *:*" reaches only the lab.
		cat <<EOF
ExitRelay 1
ExitPolicyRejectPrivate 0
ExitPolicyRejectLocalInterfaces 0
ExitPolicy accept *:*
ServerDNSResolvConfFile /etc/resolv.conf
ServerDNSDetectHijacking 0
ServerDNSTestAddresses
EOF
	else
		echo "ExitRelay 0"
	fi
}

# tor_lab_auth_key NAME: authority NAME's keys (tor-gencert) and relay identity, made once per
# lab under $TOR_LAB_DIR/NAME/keys, and the DirAuthority line naming them, in
# $TOR_LAB_DIR/NAME.dirauthority.
tor_lab_auth_key() {
	local h=$1 d=$TOR_LAB_DIR/$1 a fp v3 out
	a=$(lab_addr "$h")
	mkdir -p "$d/keys" && chmod 0700 "$d" "$d/keys" || return 1
	if [ ! -s "$d/keys/authority_certificate" ]; then
		out=$(echo lab-passphrase | tor-gencert --create-identity-key --passphrase-fd 0 \
			-i "$d/keys/authority_identity_key" -s "$d/keys/authority_signing_key" \
			-c "$d/keys/authority_certificate" -m 12 -a "$a:$TOR_LAB_DIR_PORT" 2>&1) ||
			{ tor_lab_fail "tor-gencert for $h failed: $out"; return 1; }
	fi
	v3=$(awk '$1 == "fingerprint" {print $2; exit}' "$d/keys/authority_certificate")
	out=$(tor --ignore-missing-torrc -f /nonexistent --defaults-torrc /dev/null \
		--DataDirectory "$d" --ORPort 1 --list-fingerprint 2>&1) ||
		{ tor_lab_fail "tor --list-fingerprint for $h failed: $out"; return 1; }
	fp=$(echo "$out" | tail -1 | cut -d' ' -f2- | tr -d ' ')
	[[ $fp =~ ^[0-9A-F]{40}$ ]] && [[ $v3 =~ ^[0-9A-F]{40}$ ]] ||
		{ tor_lab_fail "no fingerprint for $h: $out"; return 1; }
	echo "DirAuthority $h orport=$TOR_LAB_OR_PORT no-v2 v3ident=$v3 $a:$TOR_LAB_DIR_PORT $fp" \
		>"$TOR_LAB_DIR/$h.dirauthority"
}

# tor_lab_keys: every authority's keys, made in parallel, and $TOR_LAB_DIR/dirauthorities.
tor_lab_keys() {
	local h pids=() pid rc=0
	for h in $TOR_LAB_AUTHS; do
		tor_lab_auth_key "$h" &
		pids+=($!)
	done
	for pid in "${pids[@]}"; do wait "$pid" || rc=1; done
	[ $rc = 0 ] || return 1
	for h in $TOR_LAB_AUTHS; do cat "$TOR_LAB_DIR/$h.dirauthority"; done >"$TOR_LAB_DIR/dirauthorities"
}

# tor_lab_start_relays NAME...: write each relay's torrc, start their tors at once (by PID,
# registered like lab_start's servers, so lab_kill NAME:5000 stops one), then wait (10 s at
# most each) until every ORPort listens.
tor_lab_start_relays() {
	local h d
	for h in "$@"; do
		d=$TOR_LAB_DIR/$h
		mkdir -p "$d" && chmod 0700 "$d" || return 1
		tor_lab_relay_torrc "$h" >"$d/torrc" || return 1
		ip netns exec "$(lab_ns "$h")" tor -f "$d/torrc" --defaults-torrc /dev/null \
			>"$LAB_DIR/tor-$h.out" 2>&1 </dev/null &
		LAB_PIDS[$h:$TOR_LAB_OR_PORT]=$!
		cleanup_push "kill_tree $!"
	done
	for h in "$@"; do
		wait_until 10 lab_listening "$h" $TOR_LAB_OR_PORT ||
			{ tor_lab_fail "tor of $h did not listen on its ORPort: $(tail -3 "$LAB_DIR/tor-$h.out")"; return 1; }
	done
}

# tor_lab_start_onion: the onion host's HTTP server on its loopback and its tor.
tor_lab_start_onion() {
	local d=$TOR_LAB_DIR/onion
	mkdir -p "$d/hs" "$TOR_LAB_DIR/onion-www" && chmod 0700 "$d" "$d/hs" || return 1
	tor_lab_onion_body >"$TOR_LAB_DIR/onion-www/index.html"
	lab_start onion $TOR_LAB_ONION_HTTP_PORT onion-httpd /bin/busybox httpd -f \
		-p 127.0.0.1:$TOR_LAB_ONION_HTTP_PORT -h "$TOR_LAB_DIR/onion-www" || return 1
	{
		tor_lab_common onion
		cat <<EOF
SocksPort 127.0.0.1:$TOR_LAB_ONION_SOCKS_PORT
HiddenServiceDir $d/hs
HiddenServicePort 80 127.0.0.1:$TOR_LAB_ONION_HTTP_PORT
EOF
	} >"$d/torrc"
	lab_start onion $TOR_LAB_ONION_SOCKS_PORT tor-onion tor -f "$d/torrc" --defaults-torrc /dev/null
}

# tor_lab_consensus_ok: does auth1 serve a microdescriptor consensus that is still valid, lists
# every relay as Running and Valid, and gives exit1 the Exit flag?  (Asked from inside auth1,
# so the client's packet counters stay untouched.)
tor_lab_consensus_ok() {
	local doc until n
	doc=$(lab_exec auth1 curl -s -m 2 -f \
		"http://$(lab_addr auth1):$TOR_LAB_DIR_PORT/tor/status-vote/current/consensus-microdesc") ||
		return 1
	until=$(echo "$doc" | awk '$1 == "valid-until" {print $2 " " $3; exit}')
	[ -n "$until" ] && [ "$(date -u -d "$until" +%s 2>/dev/null || echo 0)" -gt "$(date -u +%s)" ] ||
		return 1
	n=$(echo "$doc" | awk '$1 == "r" {nick = $2} $1 == "s" && / Running/ && / Valid/ {print nick}' |
		sort | tr '\n' ' ')
	[ "$n" = "$(echo $TOR_LAB_AUTHS $TOR_LAB_RELAYS | tr ' ' '\n' | sort | tr '\n' ' ')" ] || return 1
	echo "$doc" | awk -v e=$TOR_LAB_EXIT '$1 == "r" {nick = $2} $1 == "s" && nick == e && / Exit/ {f = 1} END {exit !f}'
}

# tor_lab_onion_published: has the onion service uploaded its descriptor to an HSDir?
tor_lab_onion_published() {
	grep -q 'Uploaded hidden service descriptor (status 200' "$TOR_LAB_DIR/onion/info.log" 2>/dev/null
}

# tor_lab_phase NAME: append "NAME Ns" (seconds since the last phase) to TOR_LAB_UP_TIMES.
tor_lab_phase() {
	TOR_LAB_UP_TIMES+="${TOR_LAB_UP_TIMES:+, }$1 $((SECONDS - tor_lab_t))s"
	tor_lab_t=$SECONDS
}

tor_lab_up() {
	local t0=$SECONDS left
	tor_lab_t=$SECONDS TOR_LAB_UP_TIMES=
	[ -n "$(command -v tor)" ] && [ -n "$(command -v tor-gencert)" ] ||
		{ tor_lab_fail "tor and tor-gencert are needed (Debian package tor; tools/install-deps)"; return 1; }
	mkdir -p "$TOR_LAB_DIR" && chmod 0755 "$TOR_LAB_DIR" || return 1
	[ -n "${LAB_PIDS[dns:53]:-}" ] || lab_dns || return 1
	[ -n "${LAB_PIDS[target:$LAB_HTTP_PORT]:-}" ] || lab_target_http || return 1
	tor_lab_keys || return 1
	tor_lab_phase "dns, target, keys"
	tor_lab_start_relays $TOR_LAB_AUTHS $TOR_LAB_RELAYS || return 1
	tor_lab_phase relays
	left=$((TOR_LAB_TIMEOUT - (SECONDS - t0)))
	wait_until $left tor_lab_consensus_ok ||
		{ tor_lab_fail "no consensus listing every relay after $((SECONDS - t0)) s: $(tail -3 "$TOR_LAB_DIR/auth1/notice.log")"; return 1; }
	tor_lab_phase consensus
	# The onion service starts once the consensus lists every relay: started earlier, it meets
	# the first consensus, whose microdescriptors the caches do not have yet, and waits ~15 s.
	tor_lab_start_onion || return 1
	left=$((TOR_LAB_TIMEOUT - (SECONDS - t0)))
	wait_until $left tor_lab_onion_published ||
		{ tor_lab_fail "the onion service published no descriptor after $((SECONDS - t0)) s: $(tail -3 "$TOR_LAB_DIR/onion/notice.log")"; return 1; }
	tor_lab_phase onion
}

tor_lab_client_torrc() {
	{
		echo "# A client of sluice's private test Tor network (tests/integration/tor_lab.sh)."
		echo "TestingTorNetwork 1"
		echo "PathsNeededToBuildCircuits 0.67"
		cat "$TOR_LAB_DIR/dirauthorities"
	} >"$1" && chmod 0644 "$1"
}

# tor_lab_sluice_client: what a test needs to run sluice's own tor against this network.
tor_lab_sluice_client() {
	TORRC=$TMP/client.torrc
	tor_lab_client_torrc "$TORRC" || return 1
	CACHE=$TMP/cache
	mkdir -p "$CACHE" && chmod 0777 "$CACHE" || return 1
	export XDG_CACHE_HOME=$CACHE
	TOR=(--via tor --tor-config "$TORRC")
}

tor_lab_onion() { cat "$TOR_LAB_DIR/onion/hs/hostname"; }
tor_lab_onion_body() { echo "hello from the lab's onion service"; }
tor_lab_exit_addr() { lab_addr $TOR_LAB_EXIT; }
tor_lab_guard_hosts() { echo $TOR_LAB_AUTHS $TOR_LAB_RELAYS | tr ' ' '\n'; }
tor_lab_guard_addrs() {
	local h
	for h in $TOR_LAB_AUTHS $TOR_LAB_RELAYS; do lab_addr "$h"; done
}

tor_lab_kill_authorities() {
	local h mode=${1:-unreachable}
	case $mode in unreachable | refused) ;; *) tor_lab_fail "tor_lab_kill_authorities: unknown mode $mode"; return 1 ;; esac
	for h in $TOR_LAB_AUTHS; do lab_kill "$h:$TOR_LAB_OR_PORT"; done
	for h in $TOR_LAB_AUTHS; do
		wait_until 10 eval "! lab_listening $h $TOR_LAB_OR_PORT" ||
			{ tor_lab_fail "$h still listens after lab_kill"; return 1; }
		[ "$mode" = unreachable ] || continue
		lab_exec "$h" nft -f - <<EOF || return 1
table inet tor_lab_down {
	chain input {
		type filter hook input priority 0; policy accept;
		tcp dport { $TOR_LAB_OR_PORT, $TOR_LAB_DIR_PORT } reject with icmpx type host-unreachable
	}
}
EOF
	done
}

tor_lab_start_authorities() {
	local h
	for h in $TOR_LAB_AUTHS; do lab_exec "$h" nft delete table inet tor_lab_down 2>/dev/null; done
	tor_lab_start_relays $TOR_LAB_AUTHS || return 1
	wait_until "$TOR_LAB_TIMEOUT" tor_lab_consensus_ok ||
		tor_lab_fail "no fresh consensus after restarting the authorities: $(tail -3 "$TOR_LAB_DIR/auth1/notice.log")"
}

# tor_lab_client_is PID DIR: is PID the native client tor of DIR (not a reused PID)?
tor_lab_client_is() {
	[ "$(tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline")" = "tor -f $2/torrc --defaults-torrc /dev/null " ]
}

# tor_lab_client_exited PID: the native client started as PID has exited (gone, or a zombie
# not yet waited for).
tor_lab_client_exited() {
	! kill -0 "$1" 2>/dev/null || [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = Z ]
}
# tor_lab_client_settled PID DIR: the native client bootstrapped, gave up, or exited.
tor_lab_client_settled() {
	grep -q 'Bootstrapped 100%\|\[warn\] Problem bootstrapping' "$2/tor.log" || tor_lab_client_exited "$1"
}

tor_lab_native_client() {
	local dir=$1 port=$2 limit=${3:-60} pid run=() t0
	TOR_LAB_CLIENT_PID='' TOR_LAB_CLIENT_MS=''
	mkdir -p "$dir/data" && chmod 0700 "$dir/data" || return 1
	tor_lab_client_torrc "$dir/torrc" || return 1
	cat >>"$dir/torrc" <<EOF
DataDirectory $dir/data
SocksPort 127.0.0.1:$port
Log notice stdout
Log info file $dir/data/info.log
EOF
	[ -z "${TOR_LAB_CLIENT_EXTRA:-}" ] || echo "$TOR_LAB_CLIENT_EXTRA" >>"$dir/torrc"
	if [ "$MODE" = rootless ]; then
		chown -R "$TEST_UID:$TEST_UID" "$dir/data"
		chmod 0755 "$dir"
		# as_user's setpriv, without the shell function, so that $! is tor's own PID.
		run=(env HOME="$TMP" setpriv --reuid="$TEST_UID" --regid="$TEST_UID" --clear-groups
			--inh-caps=-all --bounding-set=-all --)
	fi
	: >"$dir/tor.log"
	t0=$(date +%s%N)
	"${run[@]}" tor -f "$dir/torrc" --defaults-torrc /dev/null >"$dir/tor.log" 2>&1 </dev/null &
	pid=$!
	echo "$pid $dir" >>"$TOR_LAB_CLIENT_PIDS"
	if ! wait_until "$limit" tor_lab_client_settled "$pid" "$dir" ||
		! grep -q 'Bootstrapped 100%' "$dir/tor.log"; then
		tor_lab_client_kill "$pid"
		tor_lab_fail "the native client did not bootstrap: $(grep -m1 '\[warn\] Problem bootstrapping' "$dir/tor.log" ||
			{ tor_lab_client_exited "$pid" && echo "tor exited: $(tail -n 3 "$dir/tor.log" | tr '\n' ' ')"; } ||
			echo "no 100% in $limit s")"
		return 1
	fi
	TOR_LAB_CLIENT_MS=$((($(date +%s%N) - t0) / 1000000))
	TOR_LAB_CLIENT_PID=$pid
	echo "$pid"
}

tor_lab_client_log() {
	grep -i 'stream\|circ\|warn\|end\|reason\|fail' "$1/data/info.log" 2>/dev/null | tail -n 12 | tr '\n' ' '
}

tor_lab_exit_log() {
	grep -i 'stream\|exit\|refus\|resolv\|dns\|nameserver\|end\|fail' \
		"$TOR_LAB_DIR/$TOR_LAB_EXIT/info.log" 2>/dev/null | tail -n 16 | tr '\n' ' '
}

# The lab's first streams through its young exit were seen to fail for a second or two (the
# exit ended them with "misc error"; s92 in one CI run of several): a test whose subject is
# not the exit waits for one stream to get through before it starts.
tor_lab_exit_warm() {
	local port=$1 host=$2 hport=$3 i out
	for ((i = 1; i <= 8; i++)); do
		out=$(sleep 3 | as_user timeout 8 curl -s -m 5 --socks5-hostname "127.0.0.1:$port" \
			"telnet://$host:$hport" 2>/dev/null)
		if [ -n "$out" ]; then
			[ "$i" = 1 ] || diag "tor_lab: a stream to $host:$hport got through at try $i;" \
				"the exit logged: $(tor_lab_exit_log)"
			return 0
		fi
		sleep 2
	done
	diag "tor_lab: no stream to $host:$hport got through; the exit logged: $(tor_lab_exit_log)"
	return 1
}

tor_lab_client_kill() {
	local pid=$1 dir
	dir=$(awk -v p="$pid" '$1 == p {print $2}' "$TOR_LAB_CLIENT_PIDS" 2>/dev/null | tail -1)
	[ -n "$dir" ] || { tor_lab_fail "$pid is no native client of this lab"; return 1; }
	tor_lab_client_is "$pid" "$dir" && kill -KILL "$pid"
	wait "$pid" 2>/dev/null # reaps it if this shell started it (and keeps bash quiet about it)
	wait_until 10 pid_gone "$pid"
}

# tor_lab_client_pids DIR: the PIDs of the native clients started with DIR, one a line.
tor_lab_client_pids() { awk -v d="$1" '$2 == d {print $1}' "$TOR_LAB_CLIENT_PIDS" 2>/dev/null; }

# tor_lab_sluice_tor_file PID NAME: NAME in the runtime directory of tor PID (one sluice
# started), as seen from here: through PID's root, since that tor runs in a mount namespace of
# its own.
tor_lab_sluice_tor_file() {
	local torrc
	torrc=$(tr '\0' '\n' 2>/dev/null <"/proc/$1/cmdline" | tail -1)
	echo "/proc/$1/root$(dirname "$torrc")/$2"
}
tor_lab_sluice_tor_datadir() {
	sed -n 's/^DataDirectory "\(.*\)"$/\1/p' "$(tor_lab_sluice_tor_file "$1" torrc)" 2>/dev/null
}
# tor_lab_sluice_tors [CACHE]: the tors sluice started (their torrc is in a runtime directory of
# sluice's); with CACHE, only those whose data directory is in CACHE/sluice/tor (other tests'
# tors may run meanwhile).
tor_lab_sluice_tors() {
	local p line
	for p in /proc/[0-9]*; do
		line=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline") || continue
		[[ $line == "tor --defaults-torrc "*"/torrc-defaults -f "*/torrc" " ]] || continue
		[ -z "${1:-}" ] || [[ $(tor_lab_sluice_tor_datadir "${p#/proc/}") == "$1/sluice/tor/"* ]] ||
			continue
		echo "${p#/proc/}"
	done
	return 0
}

tor_lab_kill_clients() {
	local pid dir
	[ -f "$TOR_LAB_CLIENT_PIDS" ] || return 0
	while read -r pid dir; do
		tor_lab_client_is "$pid" "$dir" && kill -KILL "$pid" && wait "$pid" 2>/dev/null
	done <"$TOR_LAB_CLIENT_PIDS"
	return 0
}
