#!/bin/bash
# s91_tor (slow: make check-slow): sluice's own tor (--via tor) and an existing one (tor://), against a private Tor
# network (tor_lab.sh) in namespaces with no route out, checked at the far end:
#   - the program reaches the lab target through Tor: the target sees the exit, and a name is
#     resolved by the exit (dnsmasq logs the exit, never the client); the onion service answers
#     by name to curl and to a static program (busybox) that resolves the name itself;
#   - socks5 -> tor: the authorities and relays see only the SOCKS proxy, never the client;
#     tor -> socks5: the target sees the second proxy, which sees the exit;
#   - tor killed mid-session: connections fail (never direct), tor comes back and they work
#     again, the program never restarted; SIGKILL of sluice leaves no tor running;
#   - bad input: tor missing, a bad --tor-option, authorities down (the timeout, with tor's own
#     reason): exit 125, the program never started, nothing left running;
#   - tor://127.0.0.1:PORT and tor://unix:PATH use a tor that runs already;
#   - bootstrap progress: plain lines without a terminal, nothing with -q.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/tor_lab.sh"

if ! lab_up || ! tor_lab_up; then
	not_ok "the lab and its Tor network come up"
	done_testing
fi
ok "the lab and its Tor network come up"
check "a SOCKS proxy on px1 and another on px2 start" eval 'lab_socks_dante px1 1080 && lab_socks_dante px2 1080'

T=$LAB_TARGET
EXIT=$(tor_lab_exit_addr)
ONION=$(tor_lab_onion)
# sluice's tor keeps its cache under XDG_CACHE_HOME: the test's, writable by the test user.
tor_lab_sluice_client
CURL=(curl -s -m 20)

slrun() {
	sl run "$@" >"$TMP/sl.out" 2>"$TMP/sl.err" </dev/null
	SL_RC=$?
	SL_OUT=$(cat "$TMP/sl.out") SL_ERR=$(cat "$TMP/sl.err")
}
why() { [ -n "$SL_ERR" ] && diag "sluice (exit $SL_RC) said: $(tail -c 400 <<<"$SL_ERR")"; return 0; }
sl_eq() { check_eq "$1" "$2" "$SL_OUT"; [ "$SL_OUT" = "$2" ] || why; }
ran() { [ "$SL_RC" != 125 ] && [ "$SL_RC" != 124 ] && [ "$SL_RC" != 137 ]; }
# tor_pids: the tor processes sluice started.
tor_pids() { tor_lab_sluice_tors; }
no_tor_left() { [ -z "$(tor_pids)" ]; }
no_sluice_left() { [ -z "$(sluice_pids)" ]; }

# --- Through Tor to the lab target; names resolved by the exit. ---
check_eq "anti-test: without sluice the target sees the client" "$LAB_CLIENT" \
	"$(as_user "${CURL[@]}" http://$T/)"
lab_counters_reset
: >"$LAB_DIR/dnsmasq.log"
t0=$EPOCHREALTIME
slrun "${TOR[@]}" -- sh -c "${CURL[*]} http://$T/; ${CURL[*]} http://target.lab/"
diag "sluice --via tor: bootstrap and two requests in $(((${EPOCHREALTIME/./} - ${t0/./}) / 1000)) ms"
SL_OUT=$(tr '\n' ' ' <<<"$SL_OUT")
sl_eq "--via tor: the target sees the exit, by address and by name" "$EXIT $EXIT "
check_eq "--via tor: the target got no packet from the client" 0 "$(lab_seen target client)"
wait_until 3 eval 'lab_dns_queries | grep -q "^target\.lab "'
check_match "--via tor: the exit resolved target.lab" "^target\\.lab A $EXIT\$" "$(lab_dns_queries)"
check "--via tor: the client asked dnsmasq nothing" eval '! lab_dns_queries | grep -q " $LAB_CLIENT\$"'
check_match "--via tor: without a terminal, progress comes as plain lines" \
	'sluice: tor: +[0-9]+% .*sluice: tor: 100% done' "$(tr '\n' ' ' <<<"$SL_ERR")"
check "--via tor: no tor left once the program ended" wait_until 5 no_tor_left

# --- The onion service, by name: curl, and a static program resolving it itself. ---
slrun "${TOR[@]}" -- "${CURL[@]}" "http://$ONION/"
if [ "$SL_OUT" != "$(tor_lab_onion_body)" ]; then
	# The lab's onion service is new: a fresh client's first descriptor fetch can fail while
	# the descriptor spreads to the HSDirs (CI saw it once, with later fetches working).
	diag "the first try at the onion service failed; once more: $(tail -c 300 <<<"$SL_ERR")"
	sleep 5
	slrun "${TOR[@]}" -- "${CURL[@]}" "http://$ONION/"
fi
sl_eq "--via tor: curl reaches the onion service by name" "$(tor_lab_onion_body)"
# busybox is static and asks DNS itself (nslookup); curl then connects to the fake address it
# got, which the relay turns back into the name for tor.  (busybox wget crashes in static
# glibc's getaddrinfo on this host, so it cannot be the client.)
slrun "${TOR[@]}" -- sh -c "a=\$(/bin/busybox nslookup -type=a $ONION |
	/bin/busybox awk '/^Address: [0-9.]+\$/ {print \$2}'); echo \$a >&2; ${CURL[*]} http://\$a/"
sl_eq "--via tor: a static busybox resolves the onion name itself, the address reaches the service" \
	"$(tor_lab_onion_body)"
check_match "--via tor: ... through a fake address" '(^|[^0-9])198\.1[89]\.[0-9]+\.[0-9]+' "$SL_ERR"
slrun --via socks5://$LAB_PX1:1080 -- "${CURL[@]}" "http://$ONION/"
check "anti-test: without a Tor hop the onion name does not resolve (NXDOMAIN)" \
	test "$SL_RC" != 0 -a -z "$SL_OUT"

# --- -q: nothing on stderr. ---
slrun -q "${TOR[@]}" -- "${CURL[@]}" http://$T/
sl_eq "-q --via tor: works" "$EXIT"
check_eq "-q --via tor: nothing on stderr" "" "$SL_ERR"

# --- On a terminal: one progress line, redrawn in place, and cleared before the program runs. ---
as_user env XDG_CACHE_HOME="$CACHE" script -qfec "timeout 60 $SLUICE run ${TOR[*]} -- echo program-ran" \
	/dev/null >"$TMP/tty.out" 2>&1 </dev/null
check "on a terminal: the program ran" grep -q program-ran "$TMP/tty.out"
check "on a terminal: progress is redrawn in place (carriage return, erase line)" \
	grep -q $'\r\033\[Ksluice: tor: *[0-9]*%' "$TMP/tty.out"
check "on a terminal: the line is erased before the program's output" \
	grep -q $'\r\033\[Kprogram-ran' "$TMP/tty.out"

# --- socks5 -> tor: tor's own connections go through px1; the Tor network never sees the client. ---
# The earlier runs' tor connections (from here, direct) must have finished closing first: their
# last FIN and ACK packets would count.  TIME-WAIT sockets send nothing.
closing() { ss -Htn | awk '$1 != "TIME-WAIT" && $5 ~ /:(5000|7000)$/' | grep -q .; }
wait_until 10 eval '! closing'
sleep 0.5
lab_counters_reset
slrun --via socks5://$LAB_PX1:1080 "${TOR[@]}" -- "${CURL[@]}" http://$T/
sl_eq "socks5 -> tor: the target sees the exit" "$EXIT"
seen_client=0 seen_px1=0
for h in $(tor_lab_guard_hosts); do
	seen_client=$((seen_client + $(lab_seen $h client)))
	seen_px1=$((seen_px1 + $(lab_seen $h px1 tcp)))
done
check_eq "socks5 -> tor: no authority or relay got a packet from the client" 0 "$seen_client"
check "socks5 -> tor: ... they were reached from px1 ($seen_px1 packets)" test "$seen_px1" -gt 0
check_eq "socks5 -> tor: the target got nothing from the client" 0 "$(lab_seen target client)"

# --- tor -> socks5: px2 is reached through Tor, the target sees px2. ---
lab_counters_reset
slrun "${TOR[@]}" --via socks5://$LAB_PX2:1080 -- "${CURL[@]}" http://$T/
sl_eq "tor -> socks5: the target sees px2" "$LAB_PX2"
check "tor -> socks5: px2 was reached from the exit" test "$(lab_seen px2 exit1 tcp)" -gt 0
check_eq "tor -> socks5: px2 got nothing from the client" 0 "$(lab_seen px2 client)"

# --- Supervision: tor killed mid-session comes back; nothing goes direct meanwhile. ---
cat >"$TMP/loop.sh" <<EOS
#!/bin/sh
echo "pid \$\$"
i=0
while [ \$i -lt 120 ]; do
	r=\$(curl -s -m 3 -o /dev/null -w '%{http_code}' http://$T/)
	echo "\$r"
	[ -e $TMP/stop ] && break
	i=\$((i + 1))
	sleep 0.25
done
EOS
chmod 0755 "$TMP/loop.sh"
rm -f "$TMP/stop"
lab_counters_reset
sl run -v "${TOR[@]}" -- "$TMP/loop.sh" >"$TMP/loop.out" 2>"$TMP/loop.err" </dev/null &
SLPID=$!
wait_until 60 grep -q '^200' "$TMP/loop.out"
tp=$(tor_pids | head -1)
if [ -n "$tp" ]; then kill -KILL "$tp"; fi
check "supervision: sluice's tor was found and killed (pid ${tp:-none})" test -n "$tp"
wait_until 10 eval '[ "$(tor_pids)" ] && [ "$(tor_pids)" != "$tp" ]'
wait_until 30 eval 'tail -1 "$TMP/loop.out" | grep -q "^200" && grep -q "^000" "$TMP/loop.out"'
sleep 1
touch "$TMP/stop"
wait "$SLPID"
check "supervision: requests failed while tor was down" grep -q '^000' "$TMP/loop.out"
check_eq "supervision: ... and worked again after it came back" 200 "$(tail -1 "$TMP/loop.out")"
check_eq "supervision: the program ran once (one pid line)" 1 "$(grep -c '^pid ' "$TMP/loop.out")"
check_eq "supervision: the target never got a packet from the client" 0 "$(lab_seen target client)"
check_match "supervision: -v shows tor's exit and its return" \
	'tor was killed by signal 9.*back after restart 1' "$(tr '\n' ' ' <"$TMP/loop.err")"

# --- SIGKILL of sluice: its tor dies too. ---
rm -f "$TMP/running"
sl run "${TOR[@]}" -- sh -c "touch $TMP/running; exec sleep 25" >/dev/null 2>&1 </dev/null &
SLPID=$!
wait_until 20 test -e "$TMP/running"
tp=$(tor_pids)
check "SIGKILL: sluice's tor ran (pid ${tp:-none})" test -n "$tp"
for p in $(sluice_pids); do kill -KILL "$p"; done
wait "$SLPID" 2>/dev/null
check "SIGKILL of sluice: no tor left" wait_until 5 no_tor_left
check "SIGKILL of sluice: no sluice left" wait_until 5 no_sluice_left

# --- Existing tors: tor://127.0.0.1:PORT and tor://unix:PATH. ---
if tor_lab_native_client "$TMP/native" 9050 60 >/dev/null; then
	ok "a native tor client bootstraps (${TOR_LAB_CLIENT_MS} ms)"
	slrun --via tor://127.0.0.1:9050 -- "${CURL[@]}" http://$T/
	sl_eq "tor://127.0.0.1:9050: the target sees the exit" "$EXIT"
	slrun --via tor://127.0.0.1:9050 -- "${CURL[@]}" "http://$ONION/"
	sl_eq "tor://127.0.0.1:9050: the onion service answers" "$(tor_lab_onion_body)"
	tor_lab_client_kill "$TOR_LAB_CLIENT_PID"
else
	not_ok "a native tor client bootstraps"
fi
mkdir -p "$TMP/unixtor" && chmod 0700 "$TMP/unixtor"
[ "$MODE" = rootless ] && chown "$TEST_UID:$TEST_UID" "$TMP/unixtor"
{ cat "$TORRC"; echo "DataDirectory $TMP/unixtor/data"; echo "SocksPort unix:$TMP/unixtor/socks"; } >"$TMP/unixtor.torrc"
as_user tor -f "$TMP/unixtor.torrc" --defaults-torrc /dev/null >"$TMP/unixtor.log" 2>&1 </dev/null &
# as_user runs in a subshell: $! is not tor's PID.  Find tor by its command line.
unixtor_kill() {
	local p
	for p in $(pids_with_cmdline "tor -f $TMP/unixtor.torrc --defaults-torrc /dev/null"); do
		kill -KILL "$p"
	done
}
cleanup_push unixtor_kill
if wait_until 60 grep -q 'Bootstrapped 100%' "$TMP/unixtor.log"; then
	slrun --via "tor://unix:$TMP/unixtor/socks" -- "${CURL[@]}" http://$T/
	sl_eq "tor://unix:PATH: the target sees the exit" "$EXIT"
else
	not_ok "a tor with a unix SocksPort bootstraps"; diag "$(tail -3 "$TMP/unixtor.log")"
fi
unixtor_kill
check "tor://unix:PATH: the test's own tor is stopped" wait_until 5 eval \
	'[ -z "$(pids_with_cmdline "tor -f $TMP/unixtor.torrc --defaults-torrc /dev/null")" ]'

# --- Bad input: exit 125, the program never started, nothing left running. ---
# bad DESC REGEX ENV-ASSIGNMENTS... -- SLUICE-RUN-ARGS...: sluice run with those, as the user.
bad() {
	local desc=$1 want=$2 envs=()
	shift 2
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	rm -f "$TMP/started"
	t0=$EPOCHREALTIME
	as_user timeout -k 5 60 env "${envs[@]}" "$SLUICE" run "$@" -- touch "$TMP/started" \
		>"$TMP/sl.out" 2>"$TMP/sl.err" </dev/null
	SL_RC=$? SL_OUT=$(cat "$TMP/sl.out") SL_ERR=$(cat "$TMP/sl.err")
	SL_MS=$(((${EPOCHREALTIME/./} - ${t0/./}) / 1000))
	check_eq "$desc: exit 125" 125 "$SL_RC"
	check_match "$desc: the message says why" "$want" "$SL_ERR"
	check "$desc: the program never started" test ! -e "$TMP/started"
	check "$desc: no tor or sluice left" wait_until 5 eval 'no_tor_left && no_sluice_left'
	diag "$desc: sluice said: $(tail -c 300 <<<"$SL_ERR")"
}
mkdir -p "$TMP/bin" && chmod 0755 "$TMP/bin"
for p in touch; do ln -sf "$(command -v $p)" "$TMP/bin/$p"; done
bad "tor missing" "the program 'tor' is not installed \\(Debian package 'tor'\\)" \
	PATH="$TMP/bin" -- "${TOR[@]}"
bad "a bad --tor-option" "tor exited with status 1: Failed to parse/validate config: Unknown option 'NoSuchOption'" \
	-- "${TOR[@]}" --tor-option 'NoSuchOption 1'
bad "--udp proxy with Tor" "Tor carries TCP streams only" -- "${TOR[@]}" --udp proxy
tor_lab_kill_authorities
rm -rf "$CACHE/sluice" # a warm cache would bootstrap without the authorities
bad "authorities down" "not ready within 8 s.*: [A-Za-z]" -- "${TOR[@]}" --tor-timeout 8
check "authorities down: the timeout held (8 s asked, sluice took $SL_MS ms)" test "$SL_MS" -le 15000
tor_lab_start_authorities

done_testing
