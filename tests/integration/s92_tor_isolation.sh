#!/bin/bash
# s92_tor_isolation (slow: make check-slow): Tor stream isolation as tor itself applies it, against
# the private Tor network (tor_lab.sh).  Each sandbox's program holds TCP streams open to servers
# in the lab (they answer with the peer's address, then hold) while the test asks tor's control
# port which circuit carries each stream (GETINFO stream-status, circuit-status):
#   - tor://127.0.0.1:PORT (a tor the test runs, with a control port):
#       default (--tor-isolate sandbox): two concurrent sandboxes are on different circuits; one
#       sandbox's streams, to one host or to two hosts, share one circuit;
#       --tor-isolate destination: one sandbox, two hosts -> two circuits; two streams to one
#       host (two ports) -> one circuit; a second sandbox to that host -> a circuit of its own;
#       anti-test, --tor-isolate none: two sandboxes share one circuit (so the probe can see
#       sharing and the checks above are not vacuous);
#       each circuit carries the SOCKS credentials sluice is meant to send (tor lists them);
#   - --via tor (sluice's own tor): two concurrent sandboxes run two tor processes with two data
#     directories, each carrying only its own sandbox's streams; through that tor's control port
#     (its cookie and socket in sluice's runtime directory, reached as root through
#     /proc/TORPID/root), default isolation puts two hosts on one circuit and
#     --tor-isolate destination puts them on two;
#   - with tor's default conflux (two linked circuits per set, tor >= 0.4.8) left on,
#     --via tor --tor-isolate destination still puts two hosts on two different sets;
#   - every stream reaches the far end through the exit: the server sees the exit's address
#     (anti-test: without sluice it sees the client).
# Conflux is switched off (ConfluxEnabled 0) for the circuit-by-circuit checks: with it, tor
# builds linked pairs of circuits, may open a second pair for streams of one isolation key (seen
# here: one sandbox's two streams on two pairs, both pairs carrying its credentials) and lists
# the credentials on one leg only, so "one circuit per key" is not something tor promises then.
# Isolation keys are handled alike either way: streams of different keys never share.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/tor_lab.sh"

if ! lab_up || ! tor_lab_up; then
	not_ok "the lab and its Tor network come up"
	done_testing
fi
ok "the lab and its Tor network come up"

EXIT=$(tor_lab_exit_addr)
tor_lab_sluice_client

# Holding servers: target.lab on 9001-9003, px1.lab on 9004.  Each connection is answered with
# one line, the peer's address, then held until the peer closes it.
HOLD="echo \$SOCAT_PEERADDR; exec cat >/dev/null"
servers_ok=1
for hp in target:9001 target:9002 target:9003 px1:9004; do
	h=${hp%:*} p=${hp#*:}
	lab_start "$h" "$p" "hold-$h-$p" socat "TCP4-LISTEN:$p,bind=$(lab_addr "$h"),fork,reuseaddr" \
		"SYSTEM:$HOLD" || servers_ok=0
done
check "the holding servers start" test $servers_ok = 1
check_eq "anti-test: without sluice the holding server sees the client" "$LAB_CLIENT" \
	"$(as_user timeout 10 bash -c "exec 3<>/dev/tcp/$LAB_TARGET/9001 && IFS= read -r -t 5 l <&3 && echo \$l")"

# The program: open each HOST:PORT in turn, print "HOST:PORT PEER" (PEER is what the server
# saw), then "held", and hold them all until the file RELEASE exists (90 s at most).
cat >"$TMP/hold.sh" <<'EOS'
#!/bin/bash
release=$1
shift
for hp in "$@"; do
	exec {fd}<>"/dev/tcp/${hp%:*}/${hp##*:}" || { echo "$hp: no connection"; exit 1; }
	IFS= read -r -t 30 peer <&"$fd" || { echo "$hp: no answer"; exit 1; }
	echo "$hp $peer"
done
echo held
for ((i = 0; i < 1800; i++)); do
	[ -e "$release" ] && exit 0
	sleep 0.05
done
echo "never released"
exit 1
EOS
chmod 0755 "$TMP/hold.sh"

declare -A SB_PID=()
# sandbox NAME SLUICE-RUN-ARGS... -- HOST:PORT...: sluice runs hold.sh in the background (its
# output in $TMP/NAME.out, sluice's in NAME.err); returns once every stream is open (60 s at
# most), or fails.  A stream tor itself could not open (tor answered "general SOCKS server
# failure": a circuit of this small network failed, seen once in many runs) gets the sandbox
# one more try, said in a diagnostic; it says nothing about isolation, which is what is tested.
sandbox() {
	local name=$1
	sandbox_once "$@" && return 0
	grep -q 'general SOCKS server failure' "$TMP/$name.err" || return 1
	wait_until 20 pid_gone "${SB_PID[$name]}"
	wait "${SB_PID[$name]}" 2>/dev/null
	diag "tor failed a stream of sandbox $name; once more"
	sandbox_once "$@"
}
sandbox_once() {
	local name=$1 args=()
	shift
	while [ "$1" != -- ]; do args+=("$1"); shift; done
	shift
	rm -f "$TMP/release-$name"
	: >"$TMP/$name.out"
	as_user timeout -k 5 150 "$SLUICE" run "${args[@]}" -- "$TMP/hold.sh" "$TMP/release-$name" "$@" \
		>"$TMP/$name.out" 2>"$TMP/$name.err" </dev/null &
	SB_PID[$name]=$!
	if ! wait_until 60 grep -q '^held$\|: no \|^never' "$TMP/$name.out" ||
		! grep -q '^held$' "$TMP/$name.out"; then
		diag "sandbox $name did not open its streams: $(tr '\n' ' ' <"$TMP/$name.out")" \
			"sluice said: $(tail -c 300 "$TMP/$name.err")"
		[ -f "$TMP/native/data/info.log" ] && diag "the test's tor logged: $(tor_lab_client_log "$TMP/native")"
		diag "the exit logged: $(tor_lab_exit_log)"
		return 1
	fi
}
# release NAME...: let those sandboxes' programs end, and wait (20 s at most each) for sluice.
release() {
	local name
	for name in "$@"; do touch "$TMP/release-$name"; done
	for name in "$@"; do
		[ -n "${SB_PID[$name]:-}" ] || continue
		wait_until 20 pid_gone "${SB_PID[$name]}"
		wait "${SB_PID[$name]}" 2>/dev/null
		unset "SB_PID[$name]"
	done
}
# At cleanup: release every sandbox; kill what still runs and is still this shell's child.
release_all() {
	local name pid
	for name in "${!SB_PID[@]}"; do touch "$TMP/release-$name"; done
	for name in "${!SB_PID[@]}"; do
		pid=${SB_PID[$name]}
		wait_until 10 pid_gone "$pid" ||
			{ [ "$(awk '{print $4}' "/proc/$pid/stat" 2>/dev/null)" = "$$" ] && kill_tree "$pid"; }
	done
}
cleanup_push release_all
# far_end NAME: every stream of sandbox NAME reached its server from the exit.
far_end() {
	local name=$1 lines
	lines=$(grep -v '^held$' "$TMP/$name.out" | awk '{print $2}' | sort -u)
	check_eq "$name: every stream reached its server from the exit ($(grep -c ' ' "$TMP/$name.out") streams)" \
		"$EXIT" "$lines"
}

# torctl SOCAT-ADDRESS COOKIE-FILE COMMAND...: tor's control port answers to COMMAND..., after
# cookie authentication.
torctl() {
	local addr=$1 cookie=$2 c
	shift 2
	{
		printf 'AUTHENTICATE %s\r\n' "$(od -An -v -tx1 "$cookie" | tr -d ' \n')"
		for c in "$@"; do printf '%s\r\n' "$c"; done
		printf 'QUIT\r\n'
	} | timeout 10 socat -t 5 - "$addr" | tr -d '\r'
}
# probe SOCAT-ADDRESS COOKIE-FILE: STREAMS ("ID STATUS CIRCUIT TARGET" lines) and CIRCUITS
# ("ID STATUS PATH KEY=VALUE..." lines) of that tor now.
probe() {
	local out
	out=$(torctl "$1" "$2" "GETINFO stream-status" "GETINFO circuit-status")
	STREAMS=$(sed 's/^250[-+]stream-status=//' <<<"$out" | grep -E '^[0-9]+ [A-Z]+ [0-9]+ [^ ]+$')
	CIRCUITS=$(sed 's/^250[-+]circuit-status=//' <<<"$out" | grep -E '^[0-9]+ (LAUNCHED|BUILT|EXTENDED|FAILED|CLOSED|GUARD_WAIT) ')
	grep -q '^250 OK' <<<"$out" || diag "the control port answered: $(head -c 300 <<<"$out")"
}
# circ_of PORT: the circuits of the open (SUCCEEDED) streams to PORT in STREAMS.
circ_of() {
	awk -v p=":$1" '$2 == "SUCCEEDED" && substr($4, length($4) - length(p) + 1) == p {print $3}' \
		<<<"$STREAMS" | sort -u | tr '\n' ' ' | sed 's/ $//'
}
# circ_field ID KEY: KEY's value (quotes removed) on circuit ID's line in CIRCUITS.
circ_field() {
	awk -v id="$1" '$1 == id' <<<"$CIRCUITS" | tr ' ' '\n' | sed -n "s/^$2=\"\\{0,1\\}\\([^\"]*\\)\"\\{0,1\\}\$/\\1/p"
}
circ_exit() { awk -v id="$1" '$1 == id {n = split($3, a, ","); print a[n]}' <<<"$CIRCUITS" | sed 's/.*~//'; }
show() { diag "streams: $(tr '\n' ';' <<<"$STREAMS")" "circuits: $(tr '\n' ';' <<<"$CIRCUITS")"; }
# same DESC PORT PORT / differ DESC PORT PORT: the streams to those ports are on one circuit,
# or on two; each is on exactly one circuit, which ends at the exit.
one_circuit() {
	local c
	c=$(circ_of "$1")
	[[ $c =~ ^[0-9]+$ ]] && [ "$(circ_exit "$c")" = "$TOR_LAB_EXIT" ]
}
same() {
	if one_circuit "$2" && one_circuit "$3"; then
		check_eq "$1 (port $2 on circuit $(circ_of "$2"), port $3 on $(circ_of "$3"))" \
			"$(circ_of "$2")" "$(circ_of "$3")"
		[ "$(circ_of "$2")" = "$(circ_of "$3")" ] || show
	else
		not_ok "$1: a stream to each of ports $2 and $3 on one circuit through the exit"
		show
	fi
}
differ() {
	if one_circuit "$2" && one_circuit "$3" && [ "$(circ_of "$2")" != "$(circ_of "$3")" ]; then
		ok "$1 (port $2 on circuit $(circ_of "$2"), port $3 on $(circ_of "$3"))"
	else
		not_ok "$1: ports $2 and $3 on two circuits through the exit"
		show
	fi
}
# creds DESC PORT PASSWORD: the circuit of PORT's stream carries sluice's isolation credentials
# (a random "sluice-" user name, then in CREDS_USER, and PASSWORD).
creds() {
	local c
	c=$(circ_of "$2")
	CREDS_USER=$(circ_field "$c" SOCKS_USERNAME)
	check_match "$1: circuit $c carries user sluice-<24 hex>" '^sluice-[0-9a-f]{24}$' "$CREDS_USER"
	check_eq "$1: ... and password $3" "$3" "$(circ_field "$c" SOCKS_PASSWORD)"
}

# --- tor://127.0.0.1:9050: a tor the test runs, its control port on 127.0.0.1:9051. ---
TOR_LAB_CLIENT_EXTRA=$'ControlPort 127.0.0.1:9051\nCookieAuthentication 1\nConfluxEnabled 0'
if tor_lab_native_client "$TMP/native" 9050 60 >/dev/null; then
	ok "the test's tor client bootstraps (${TOR_LAB_CLIENT_MS} ms)"
else
	not_ok "the test's tor client bootstraps"
	done_testing
fi
check "the exit carries a first stream to target.lab" tor_lab_exit_warm 9050 target.lab 9001
CTL=TCP4:127.0.0.1:9051
COOKIE=$TMP/native/data/control_auth_cookie
TOR=(--via tor://127.0.0.1:9050)

# Default isolation: A holds two streams to target.lab and one to px1.lab, then B one to
# target.lab.  B starts once A's streams are open, so a circuit tor may share already exists.
if sandbox A "${TOR[@]}" -- target.lab:9001 target.lab:9003 px1.lab:9004 &&
	sandbox B "${TOR[@]}" -- target.lab:9002; then
	probe "$CTL" "$COOKIE"
	differ "default isolation: two sandboxes are on different circuits" 9001 9002
	same "default isolation: one sandbox's two streams to one host share a circuit" 9001 9003
	same "default isolation: one sandbox's streams to two hosts share a circuit" 9001 9004
	creds "default isolation: sandbox A" 9001 sandbox
	ua=$CREDS_USER
	creds "default isolation: sandbox B" 9002 sandbox
	ub=$CREDS_USER
	check "default isolation: the two sandboxes' user names differ" test -n "$ua" -a "$ua" != "$ub"
	far_end A
	far_end B
else
	not_ok "default isolation: two sandboxes hold their streams"
fi
release A B

# --tor-isolate destination: C holds streams to two hosts, two of them to one host; D, a second
# sandbox, one to that host.
if sandbox C "${TOR[@]}" --tor-isolate destination -- target.lab:9001 px1.lab:9004 target.lab:9003 &&
	sandbox D "${TOR[@]}" --tor-isolate destination -- target.lab:9002; then
	probe "$CTL" "$COOKIE"
	differ "--tor-isolate destination: one sandbox, two hosts: two circuits" 9001 9004
	same "--tor-isolate destination: one sandbox, two ports of one host: one circuit" 9001 9003
	differ "--tor-isolate destination: two sandboxes, one host: two circuits" 9001 9002
	creds "--tor-isolate destination: target.lab's circuit" 9001 target.lab
	uc=$CREDS_USER
	creds "--tor-isolate destination: px1.lab's circuit" 9004 px1.lab
	check_eq "--tor-isolate destination: one user name for the sandbox's circuits" "$uc" "$CREDS_USER"
	far_end C
	far_end D
else
	not_ok "--tor-isolate destination: two sandboxes hold their streams"
fi
release C D

# Anti-test, --tor-isolate none: E and F send no credentials; tor may share, and does.
if sandbox E "${TOR[@]}" --tor-isolate none -- target.lab:9001 &&
	sandbox F "${TOR[@]}" --tor-isolate none -- target.lab:9002; then
	probe "$CTL" "$COOKIE"
	same "anti-test, --tor-isolate none: two sandboxes share a circuit" 9001 9002
	check_eq "--tor-isolate none: the circuit carries no credentials" "" \
		"$(circ_field "$(circ_of 9001)" SOCKS_USERNAME)"
	far_end E
	far_end F
else
	not_ok "--tor-isolate none: two sandboxes hold their streams"
fi
release E F
tor_lab_client_kill "$TOR_LAB_CLIENT_PID"

# --- --via tor: sluice's own tor, one per sandbox. ---
# tor_pids: the tors this test's sluices started (a data directory in this test's cache).
tor_pids() { tor_lab_sluice_tors "$CACHE"; }
# locked FILE...: other processes hold an flock on each FILE.
locked() {
	local f
	for f in "$@"; do
		flock -n -E 99 "$f" true 2>/dev/null
		[ $? = 99 ] || return 1
	done
}
tor_probe() {
	probe "UNIX-CONNECT:$(tor_lab_sluice_tor_file "$1" tor.control)" \
		"$(tor_lab_sluice_tor_file "$1" tor.cookie)"
}
OWN=(--via tor --tor-config "$TORRC" --tor-option 'ConfluxEnabled 0')

if sandbox G "${OWN[@]}" -- target.lab:9001 px1.lab:9004 && sandbox H "${OWN[@]}" -- target.lab:9002; then
	pids=$(tor_pids | sort -n | tr '\n' ' ')
	pids=${pids% }
	set -- $pids
	check_eq "--via tor: two sandboxes run two tor processes (pids $pids)" 2 $#
	if [ $# = 2 ]; then
		d1=$(tor_lab_sluice_tor_datadir "$1") d2=$(tor_lab_sluice_tor_datadir "$2")
		check "--via tor: ... with two data directories ($d1, $d2)" test -n "$d1" -a -n "$d2" -a "$d1" != "$d2"
		check "--via tor: ... each locked by its sluice while it runs" locked "$d1.lock" "$d2.lock"
		tor_probe "$1"
		s1=$STREAMS c1=$CIRCUITS
		tor_probe "$2"
		if [ -n "$(circ_of 9001)" ]; then # the second tor is G's: swap
			s2=$s1 c2=$c1 s1=$STREAMS c1=$CIRCUITS
		else
			s2=$STREAMS c2=$CIRCUITS
		fi
		STREAMS=$s1 CIRCUITS=$c1
		same "--via tor: G's tor carries G's streams, to two hosts on one circuit (default isolation)" 9001 9004
		check_eq "--via tor: ... and none of H's" "" "$(circ_of 9002)"
		STREAMS=$s2 CIRCUITS=$c2
		check "--via tor: H's tor carries H's stream on a circuit through the exit" one_circuit 9002
		check_eq "--via tor: ... and none of G's" "" "$(circ_of 9001)$(circ_of 9004)"
	fi
	far_end G
	far_end H
else
	not_ok "--via tor: two sandboxes hold their streams"
fi
release G H
[ -n "${d1:-}" ] && check "--via tor: anti-test: the slots' locks are free once the sandboxes ended" \
	eval '! locked "$d1.lock" && ! locked "$d2.lock"'

if sandbox I "${OWN[@]}" --tor-isolate destination -- target.lab:9001 px1.lab:9004 target.lab:9003; then
	pids=$(tor_pids)
	check_match "--via tor --tor-isolate destination: one tor runs ($pids)" '^[0-9]+$' "$pids"
	tor_probe "$pids"
	differ "--via tor --tor-isolate destination: two hosts, two circuits" 9001 9004
	same "--via tor --tor-isolate destination: two ports of one host, one circuit" 9001 9003
	creds "--via tor --tor-isolate destination: px1.lab's circuit" 9004 px1.lab
	far_end I
else
	not_ok "--via tor --tor-isolate destination: the sandbox holds its streams"
fi
release I

# Conflux on (tor's default): a stream's circuit is a leg of a linked set (CONFLUX_ID); the two
# hosts' streams are on different sets.
circ_set() {
	local c set
	c=$(circ_of "$1")
	set=$(circ_field "$c" CONFLUX_ID)
	echo "${set:-circuit-$c}"
}
if sandbox J --via tor --tor-config "$TORRC" --tor-isolate destination -- target.lab:9001 px1.lab:9004; then
	tor_probe "$(tor_pids | head -1)"
	if one_circuit 9001 && one_circuit 9004 && [ "$(circ_set 9001)" != "$(circ_set 9004)" ]; then
		ok "--via tor --tor-isolate destination, conflux on: two hosts, two sets ($(circ_set 9001), $(circ_set 9004))"
	else
		not_ok "--via tor --tor-isolate destination, conflux on: two hosts, two sets"
		show
	fi
	far_end J
else
	not_ok "--via tor --tor-isolate destination, conflux on: the sandbox holds its streams"
fi
release J
check "no tor or sluice left" wait_until 10 eval '[ -z "$(tor_pids)$(sluice_pids)" ]'

done_testing
