#!/bin/bash
# t93_ssh: sluice's ssh hop (`--via ssh://...`) against the real ssh lab (ssh_lab.sh: an sshd
# in px1, the mode's user's ~/.ssh the ordinary way), checked at the far end:
#   - --via ssh://ALIAS: the target sees the sshd host, names are resolved by it (the lab DNS
#     logs px1, never the client), the sshd sees the client (ssh's own route is direct);
#   - a SOCKS hop before ssh carries ssh's own connection, and its lookup of the server's name
#     (px1.lab): sshd and the lab DNS see the proxy, px1 never sees the client;
#   - a SOCKS hop after ssh: the target sees that proxy, and the proxy sees the sshd host;
#   - an agent's key works and the program's environment has no SSH_AUTH_SOCK; the same key
#     without the agent fails (BatchMode, no terminal);
#   - failures (host key changed or unknown, key refused, ssh missing, sshd down) end with exit
#     125 and ssh's own words, the program never started, nothing left running;
#   - supervision: ssh killed, or sshd killed and restarted, while the program loops curl:
#     requests fail for a while (never taking another way), then work again, the program is
#     the same process, and -v tells the exit and "back after restart";
#   - SIGKILL of sluice: ssh and every process of its stage go, the runtime dir is removed by
#     the next sluice;
#   - --ssh-option reaches ssh (Port= of an sshd on a non-default port);
#   - ssh's own connection is made by the relay and handed to ssh (-v says so, and the relay
#     counts none of its bytes); a ProxyCommand of the user's (config or --ssh-option) is kept;
#     a proxy that sends the sshd's banner with its reply still works (the relay carries it).
# ssh and sluice processes are found by an environment marker of this run (T93_MARK), which
# sluice passes on to ssh, so other tests' ssh or sluice processes never count.
if [ -z "${SLUICE_SSH_LAB_MNTNS:-}" ]; then
	# The lab's passwd copies are bind mounts: run in a private mount namespace (before
	# lib.sh, whose EXIT trap must run in there).
	SLUICE_SSH_LAB_MNTNS=1 exec unshare --mount --propagation private -- "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/ssh_lab.sh"

if ! { lab_up && lab_target_http && lab_dns && lab_socks_dante px2 1080 && ssh_lab_sshd px1 22 &&
	ssh_lab_user_setup; }; then
	not_ok "the lab comes up (http, dns, dante on px2, sshd on px1) and the ssh user is set up"
	done_testing
fi
ok "the lab comes up (http, dns, dante on px2, sshd on px1) and the ssh user is set up"

A=$SSH_LAB_ALIAS U=$SSH_LAB_USER T=$LAB_TARGET
DANTE2=socks5://$LAB_PX2:1080
# Only sluice and what it starts carry the marker (not this shell, not the lab's servers).
T93_MARK=t93-$$-$RANDOM
SLX=(env "T93_MARK=$T93_MARK" "$SLUICE")
sl() { as_user timeout -k 5 30 "${SLX[@]}" "$@"; }
# The runtime directory's base (runtime_dir.c): /run/sluice as root, else $XDG_RUNTIME_DIR/sluice.
if [ "$MODE" = rootless ]; then
	export XDG_RUNTIME_DIR=$TMP/xdg-run
	mkdir -m 0700 "$XDG_RUNTIME_DIR" && chown "$TEST_UID:$TEST_UID" "$XDG_RUNTIME_DIR"
	RUNBASE=$XDG_RUNTIME_DIR/sluice
else
	RUNBASE=/run/sluice
fi

# marked_pids [COMM]: pids of processes (of COMM, e.g. ssh or sluice) that carry this run's
# marker in their environment.
marked_pids() {
	local f p
	for f in $(grep -lsxzF "T93_MARK=$T93_MARK" /proc/[0-9]*/environ); do
		p=${f#/proc/} p=${p%/environ}
		[ -z "${1:-}" ] || [ "$(cat "/proc/$p/comm" 2>/dev/null)" = "$1" ] || continue
		echo "$p"
	done
	return 0
}
# nothing_left: no process of this run is left (sluice, ssh, or anything else marked), and no
# sluice of the binary under test runs at all.
nothing_left() { [ -z "$(marked_pids)" ] && [ -z "$(sluice_pids)" ]; }
# ssh_of_sluice: the pid of the `ssh -N -D .../ssh-1.socks` of this run (by cmdline and marker).
ssh_of_sluice() {
	local p
	for p in $(marked_pids ssh); do
		tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qE "^ssh -N -D $RUNBASE/[0-9]+/ssh-1\.socks " &&
			echo "$p"
	done
	return 0
}

# slrun SLUICE-ARGS...: run sluice (as the mode's user); sets SL_RC, SL_OUT, SL_ERR.
slrun() {
	sl "$@" >"$TMP/sl.out" 2>"$TMP/sl.err"
	SL_RC=$?
	SL_OUT=$(cat "$TMP/sl.out") SL_ERR=$(cat "$TMP/sl.err")
}
why() { diag "sluice (exit $SL_RC) said: $(tail -c 600 <<<"$SL_ERR")"; }
# ceq DESC EXPECTED ACTUAL: check_eq, and what sluice said when it fails.
ceq() { check_eq "$@"; [ "$2" = "$3" ] || why; }
sshd_clients_since() { ssh_lab_sshd_clients px1 22 | tail -n +$(($1 + 1)); }
sshd_count() { ssh_lab_sshd_clients px1 22 | wc -l; }

# --- --via ssh://ALIAS, ssh's own route direct --------------------------------------------------
lab_counters_reset
check_eq "anti-test: curl without sluice, the target sees the client" "$LAB_CLIENT" \
	"$(as_user curl -s -m 5 "http://$T/")"
n0=$(sshd_count)
: >"$LAB_DIR/dnsmasq.log"
lab_counters_reset
slrun run --via "ssh://$A" -- sh -c \
	"curl -s -m 10 http://$T/; curl -s -m 10 http://target.lab/; env | grep -c '^SSH_AUTH_SOCK=' || true"
if [ "$SL_RC" = 0 ]; then ok "sluice run --via ssh://$A -- curl: exit 0"; else not_ok "sluice run --via ssh://$A -- curl: exit 0"; why; fi
check_eq "  ... the target sees the sshd host (px1) for an address" "$LAB_PX1" "$(sed -n 1p <<<"$SL_OUT")"
check_match "  ... and for a name (target.lab)" "$(lab_addr_re px1)" "$(sed -n 2p <<<"$SL_OUT")"
check_eq "  ... the lab DNS saw px1 ask for target.lab, never the client" "$LAB_PX1" \
	"$(lab_dns_queries | awk '$1 == "target.lab" {print $3}' | sort -u)"
check_eq "  ... the target got nothing from the client" 0 "$(lab_seen target client)"
check_eq "  ... the sshd saw one connection, from the client (ssh's route is direct)" "$LAB_CLIENT" \
	"$(sshd_clients_since "$n0")"
check_eq "  ... no SSH_AUTH_SOCK in the program's environment (none given)" 0 "$(sed -n 3p <<<"$SL_OUT")"
check "  ... nothing left running" wait_until 5 nothing_left

# The helpers' directory is hidden inside: the program cannot use ssh's socket directly (that
# would skip the hops after ssh).  Anti-test: outside, during a run, the socket is there and works.
slrun run --via "ssh://$A" -- sh -c "ls -A $RUNBASE/*/ 2>&1; for s in $RUNBASE/*/ssh-1.socks; do
	curl -s -m 5 --proxy socks5h://localhost\$s http://$T/ && echo REACHED; done; echo program-done"
check "the helpers' directory inside: the program ran" grep -q '^program-done$' <<<"$SL_OUT"
check "  ... it does not see ssh's socket" eval '! grep -q "ssh-1.socks" <<<"$SL_OUT"'
check "  ... nor the dial socket (dial.h) that hands ssh its connection" eval '! grep -q "ssh-1.dial" <<<"$SL_OUT"'
check "  ... it cannot reach anything through it" eval '! grep -q REACHED <<<"$SL_OUT"'
sl run --via "ssh://$A" -- sleep 5 >/dev/null 2>&1 </dev/null &
slpid=$!
wait_until 15 eval 'ls "$RUNBASE"/*/ssh-1.socks >/dev/null 2>&1'
sock=$(ls "$RUNBASE"/*/ssh-1.socks 2>/dev/null | head -1)
check_eq "anti-test: outside, during a run, ssh's socket reaches the target through px1" "$LAB_PX1" \
	"$(as_user curl -s -m 5 --proxy "socks5h://localhost$sock" "http://$T/")"
check "anti-test: outside, during a run, the dial socket is there" test -S "${sock%/*}/ssh-1.dial"
wait "$slpid"
check "  ... nothing left running" wait_until 5 nothing_left

# --- a SOCKS hop before ssh ---------------------------------------------------------------------
n0=$(sshd_count)
lab_counters_reset
slrun run --via "$DANTE2" --via "ssh://$A" -- curl -s -m 10 "http://$T/"
ceq "--via socks5://px2 --via ssh://$A: the target sees px1" "$LAB_PX1" "$SL_OUT"
check_eq "  ... the sshd saw the connection come from px2 (dante), not the client" "$LAB_PX2" \
	"$(sshd_clients_since "$n0")"
check_eq "  ... px1 got no TCP from the client" 0 "$(lab_seen px1 client tcp)"
check "  ... px1 got TCP from px2" test "$(lab_seen px1 px2 tcp)" -gt 0
check_match "  ... dante on px2 logged a connection from the client to px1:22" \
	"$LAB_CLIENT\.[0-9]+ .*$LAB_PX1\.22" "$(cat "$LAB_DIR/dante-px2-1080.log")"

# ssh looks up its server's name (px1.lab) itself: that lookup goes through the hop before it.
# No alias: ssh's defaults (~/.ssh/id_ed25519, ~/.ssh/known_hosts, which gets a line for px1.lab).
echo "px1.lab $(cut -d' ' -f1,2 "$SSH_LAB_DIR/host_ed25519.pub")" |
	ssh_lab_as_owner sh -c 'cat >>"$1"' - "$SSH_LAB_HOME/.ssh/known_hosts"
# The client's own resolver is the lab DNS meanwhile (a bind mount in this test's mount
# namespace), so a lookup that went around the hop would reach it from the client.
echo "nameserver $LAB_DNS" >"$TMP/resolv.lab"
mount --bind "$TMP/resolv.lab" /etc/resolv.conf && cleanup_push "umount /etc/resolv.conf"
n0=$(sshd_count)
: >"$LAB_DIR/dnsmasq.log"
lab_counters_reset
slrun run --via "$DANTE2" --via "ssh://$U@px1.lab" -- curl -s -m 10 "http://$T/"
ceq "--via socks5://px2 --via ssh://$U@px1.lab: the target sees px1" "$LAB_PX1" "$SL_OUT"
check_eq "  ... the lab DNS saw px2 (dante) ask for px1.lab, never the client" "$LAB_PX2" \
	"$(lab_dns_queries | awk '$1 == "px1.lab" {print $3}' | sort -u)"
check_eq "  ... the dns host got nothing from the client" 0 "$(lab_seen dns client)"
check_match "  ... the sshd saw px2 (v4 or v6: dante's choice for a name)" "$(lab_addr_re px2)" \
	"$(sshd_clients_since "$n0" | sort -u)"
check_eq "  ... px1 got no TCP from the client" 0 "$(lab_seen px1 client tcp)"
n0=$(sshd_count)
: >"$LAB_DIR/dnsmasq.log"
slrun run --via "ssh://$U@px1.lab" -- curl -s -m 10 "http://$T/"
ceq "  ... anti-test: ssh's route direct, the same lookup comes from the client" \
	"$LAB_CLIENT" "$(lab_dns_queries | awk '$1 == "px1.lab" {print $3}' | sort -u)"
check_match "  ... and the sshd sees the client" "$(lab_addr_re client)" "$(sshd_clients_since "$n0" | sort -u)"
umount /etc/resolv.conf

# --- a SOCKS hop after ssh ----------------------------------------------------------------------
lab_counters_reset
before=$(wc -l <"$LAB_DIR/dante-px2-1080.log")
slrun run --via "ssh://$A" --via "$DANTE2" -- curl -s -m 10 "http://$T/"
ceq "--via ssh://$A --via socks5://px2: the target sees px2" "$LAB_PX2" "$SL_OUT"
check_match "  ... dante on px2 logged a connection from px1 (the sshd host) to the target" \
	"$LAB_PX1\.[0-9]+ .*$T\.80" "$(tail -n +$((before + 1)) "$LAB_DIR/dante-px2-1080.log")"
check_eq "  ... px2 got no TCP from the client" 0 "$(lab_seen px2 client tcp)"
check "  ... px2 got TCP from px1" test "$(lab_seen px2 px1 tcp)" -gt 0

# --- ssh's own connection: made by the relay and handed to ssh (dial.h) ------------------------
# ssh gets a socket the relay connected (ProxyCommand 'sluice dial', ProxyUseFdpass), so the
# relay copies none of ssh's bytes; a ProxyCommand of the user's own is kept.
PX1_22_RE="${LAB_PX1//./\\.}:22"
n0=$(sshd_count)
slrun -v run --via "ssh://$A" -- curl -s -m 10 "http://$T/"
ceq "ssh's connection handed over: the target sees px1" "$LAB_PX1" "$SL_OUT"
check_match "  ... -v: the relay connected to px1:22 and handed the socket to ssh" \
	"tcp $PX1_22_RE direct: connected, handed over to the helper" "$SL_ERR"
check "  ... -v: the relay carried none of ssh's bytes (no byte count for px1:22)" \
	eval '! grep -qE "tcp $PX1_22_RE direct: [0-9]+ bytes" <<<"$SL_ERR"'
check_eq "  ... the sshd saw the client" "$LAB_CLIENT" "$(sshd_clients_since "$n0")"
# The user's own ProxyCommand, in ~/.ssh/config and as --ssh-option: ssh uses it (socat runs in
# the stage; its connection is caught there and carried by the relay), sluice adds nothing.
cfg=$SSH_LAB_HOME/.ssh/config
cp -p "$cfg" "$TMP/ssh_config.saved"
ssh_lab_as_owner sh -c 'cat >>"$1"' - "$cfg" <<EOF
Host $A-pc
	HostName $LAB_PX1
	User $U
	IdentityFile ~/.ssh/id_ed25519
	IdentitiesOnly yes
	UserKnownHostsFile ~/.ssh/known_hosts
	GlobalKnownHostsFile /dev/null
	ProxyCommand socat - TCP:%h:%p
EOF
n0=$(sshd_count)
slrun -v run --via "ssh://$A-pc" -- curl -s -m 10 "http://$T/"
ceq "a ProxyCommand in the user's ssh config: the target sees px1" "$LAB_PX1" "$SL_OUT"
check "  ... sluice kept it: nothing handed over" eval '! grep -q "handed over" <<<"$SL_ERR"'
check_match "  ... the relay carried socat's connection from the stage" \
	"tcp $PX1_22_RE direct: [0-9]+ bytes up" "$SL_ERR"
check_eq "  ... the sshd saw the client" "$LAB_CLIENT" "$(sshd_clients_since "$n0")"
cp -p "$TMP/ssh_config.saved" "$cfg"
slrun -v run --via "ssh://$A" --ssh-option "ProxyCommand=socat - TCP:%h:%p" -- curl -s -m 10 "http://$T/"
ceq "a ProxyCommand as --ssh-option: the target sees px1" "$LAB_PX1" "$SL_OUT"
check "  ... sluice kept it: nothing handed over" eval '! grep -q "handed over" <<<"$SL_ERR"'
check_match "  ... the relay carried socat's connection" \
	"tcp $PX1_22_RE direct: [0-9]+ bytes up" "$SL_ERR"
# A proxy before ssh that sends the sshd's banner with its CONNECT reply: the relay reads the
# reply exactly, so the banner stays in the socket it hands over, and ssh reads it first (or
# it could not log in).
if lab_start px3 1081 socks-eager "$HELPERS/socks_eager" 0.0.0.0 1081; then
	n0=$(sshd_count)
	slrun -v run --via "socks5://$LAB_PX3:1081" --via "ssh://$A" -- curl -s -m 10 "http://$T/"
	ceq "a proxy that sends the banner with its reply, then ssh: the target sees px1" "$LAB_PX1" "$SL_OUT"
	check_match "  ... -v: that connection is handed over all the same (the banner stays in it)" \
		"tcp $PX1_22_RE via socks5 [^ ]+: connected, handed over to the helper" "$SL_ERR"
	check_eq "  ... the sshd saw px3 (the proxy)" "$LAB_PX3" "$(sshd_clients_since "$n0")"
	lab_kill px3:1081
else
	not_ok "socks_eager starts on px3:1081"
fi
check "  ... nothing left running" wait_until 5 nothing_left

# --- the agent ----------------------------------------------------------------------------------
if ssh_lab_agent; then
	ok "an ssh-agent of the user's holds the passphrase key"
else
	not_ok "an ssh-agent of the user's holds the passphrase key"
fi
n0=$(ssh_lab_sshd_log px1 22 | grep -c "Accepted publickey")
SSH_AUTH_SOCK=$SSH_LAB_AGENT_SOCK slrun run --via "ssh://$A-pass" -- sh -c \
	"curl -s -m 10 http://$T/; env | grep -c '^SSH_AUTH_SOCK='"
ceq "--via ssh://$A-pass with SSH_AUTH_SOCK (the agent): the target sees px1" "$LAB_PX1" \
	"$(sed -n 1p <<<"$SL_OUT")"
fp=$(ssh-keygen -lf "$SSH_LAB_HOME/.ssh/id_ed25519_pass.pub" | cut -d' ' -f2)
check "  ... the sshd took the passphrase key ($fp)" eval \
	'ssh_lab_sshd_log px1 22 | grep "Accepted publickey" | tail -n +$((n0 + 1)) | grep -qF "ED25519 $fp"'
check_eq "  ... the program's environment has no SSH_AUTH_SOCK" 0 "$(sed -n 2p <<<"$SL_OUT")"
check_eq "  ... anti-test: without sluice the same shell has it" 1 \
	"$(SSH_AUTH_SOCK=$SSH_LAB_AGENT_SOCK as_user sh -c "env | grep -c '^SSH_AUTH_SOCK='")"
check "  ... nothing left running" wait_until 5 nothing_left
touch_started() { rm -f "$TMP/started"; }
touch_started
slrun run --via "ssh://$A-pass" -- touch "$TMP/started"
check_eq "  ... without the agent (no terminal: BatchMode) the passphrase key fails: exit 125" 125 "$SL_RC"
check_match "  ... in ssh's words (Permission denied)" "Permission denied \\(publickey\\)" "$SL_ERR"
check "  ... the program never started" test ! -e "$TMP/started"
check "  ... nothing left running (no ssh, no sluice)" wait_until 5 nothing_left
ssh_lab_agent_stop

# --- failures -----------------------------------------------------------------------------------
# fails DESC REGEX SLUICE-RUN-ARGS...: sluice run ARGS -- touch $TMP/started exits 125 with a
# message matching REGEX, the program never started, nothing is left running.
fails() {
	local desc=$1 re=$2
	shift 2
	touch_started
	slrun run "$@" -- touch "$TMP/started"
	ceq "$desc: exit 125" 125 "$SL_RC"
	check_match "  ... ssh's own words: $re" "$re" "$SL_ERR"
	check "  ... the program never started" test ! -e "$TMP/started"
	check "  ... nothing left running (no ssh, no sluice)" wait_until 5 nothing_left
}
ssh_lab_wrong_hostkey
fails "a changed host key" "Host key verification failed" --via "ssh://$A"
ssh_lab_unknown_hostkey
fails "an unknown host key (strict checking)" "Host key verification failed" --via "ssh://$A"
ssh_lab_user_restore
ssh_lab_wrong_key
n0=$(ssh_lab_sshd_log px1 22 | grep -c "Accepted publickey")
fails "a key the server refuses" "Permission denied \\(publickey\\)" --via "ssh://$A"
check_eq "  ... the sshd accepted no key" "$n0" "$(ssh_lab_sshd_log px1 22 | grep -c "Accepted publickey")"
ssh_lab_user_restore

# ssh not installed: a PATH with what the program needs, but no ssh.
NOSSH=$TMP/nossh
mkdir "$NOSSH"
for tool in sh touch curl env; do ln -s "$(command -v "$tool")" "$NOSSH/$tool"; done
touch_started
as_user timeout -k 5 30 env PATH="$NOSSH" "${SLX[@]}" run --via "ssh://$A" -- touch "$TMP/started" \
	>"$TMP/sl.out" 2>"$TMP/sl.err"
SL_RC=$? SL_ERR=$(cat "$TMP/sl.err")
ceq "ssh not in PATH: exit 125" 125 "$SL_RC"
check_match "  ... sluice names the package openssh-client" "openssh-client" "$SL_ERR"
check "  ... the program never started" test ! -e "$TMP/started"
check "  ... nothing left running" wait_until 5 nothing_left
as_user env PATH="$NOSSH" touch "$TMP/started"
check "  ... anti-test: with that PATH the program itself runs" test -e "$TMP/started"

lab_kill px1:22
# The stage's relay takes ssh's connection and resets it when the server refuses: ssh says
# "connect to host ... Connection reset by peer" or "Connection reset by HOST port 22" where
# it would say "Connection refused" outside.
fails "sshd down" "ssh exited with status 255: .*Connection (refused|reset)" --via "ssh://$A"
if ssh_lab_sshd px1 22; then ok "sshd restarts"; else not_ok "sshd restarts"; fi

# --- supervision --------------------------------------------------------------------------------
# loop.sh N: the program: writes "pid $$" once, then N times curl (2 s at most) and a 0.25 s
# pause; each try prints "ok ADDR" or "fail".  An empty answer is a failure too: the CGI's
# reply has no length, so a reply cut off by the kill after its headers ends "cleanly" for
# curl (exit 0, no body).
cat >"$TMP/loop.sh" <<EOF
#!/bin/sh
echo "pid \$\$"
i=0
while [ \$i -lt \$1 ]; do
	a=\$(curl -s -m 2 http://$T/) && [ -n "\$a" ] && echo "ok \$a" || echo fail
	sleep 0.25
	i=\$((i + 1))
done
echo "pid \$\$"
EOF
chmod 0755 "$TMP/loop.sh"
# loop_bg N: sluice -v run --via ssh://A -- loop.sh N in the background; sets loop_pid.
loop_bg() {
	: >"$LAB_DIR/http.log"
	as_user timeout -k 5 120 "${SLX[@]}" -v run --via "ssh://$A" -- "$TMP/loop.sh" "$1" \
		>"$TMP/loop.out" 2>"$TMP/loop.err" &
	loop_pid=$!
	cleanup_push "kill_tree $loop_pid"
}
# loop_works: the loop has had two answers.
loop_works() { [ "$(grep -c '^ok ' "$TMP/loop.out")" -ge 2 ]; }
# loop_verdict WHAT: the checks after a loop with an interruption.
loop_verdict() {
	local what=$1 out
	check "  ... sluice ends (within 60 s)" wait_until 60 pid_gone "$loop_pid"
	wait "$loop_pid"
	check_eq "  ... exit 0" 0 $?
	out=$(cat "$TMP/loop.out")
	check_match "  ... some requests failed after $what, then worked again" \
		$'ok [^\n]*\n(.*\n)?fail\n(.*\n)?ok ' "$out"
	check_eq "  ... every answer came through the sshd host (px1)" "$LAB_PX1" \
		"$(sed -n 's/^ok //p' <<<"$out" | sort -u)"
	check_eq "  ... the target never saw the client" "" "$(grep -vxF "$LAB_PX1" "$LAB_DIR/http.log")"
	check_eq "  ... the program is the same process throughout (not restarted)" 1 \
		"$(grep '^pid ' <<<"$out" | sort -u | wc -l)"
	check_eq "  ... and it ran to its end" 2 "$(grep -c '^pid ' <<<"$out")"
	check_match "  ... -v: sluice tells ssh's exit" "ssh (exited with status|was killed by signal)" \
		"$(cat "$TMP/loop.err")"
	check_match "  ... -v: and \"back after restart\"" "back after restart" "$(cat "$TMP/loop.err")"
	check "  ... nothing left running" wait_until 5 nothing_left
	diag "$what: $(grep -c '^fail' <<<"$out") requests failed, $(grep -c '^ok' <<<"$out") worked"
}

lab_counters_reset
loop_bg 60
if wait_until 30 loop_works; then
	ok "supervision: the program's curl loop works through ssh"
else
	not_ok "supervision: the program's curl loop works through ssh"
	diag "$(tail -5 "$TMP/loop.err")"
fi
sp=$(ssh_of_sluice)
if [ -n "$sp" ] && [ "$(wc -w <<<"$sp")" = 1 ]; then
	ok "  ... its ssh -N -D RUNTIME/ssh-1.socks found by its command line ($sp)"
	kill -KILL "$sp"
else
	not_ok "  ... its ssh -N -D RUNTIME/ssh-1.socks found by its command line (got: '$sp')"
fi
loop_verdict "ssh was killed"
check_eq "  ... the client never sent the target anything" 0 "$(lab_seen target client)"

# sshd killed and restarted a few seconds later.
lab_counters_reset
loop_bg 60
if wait_until 30 loop_works; then
	ok "supervision: the curl loop works again in a new run"
else
	not_ok "supervision: the curl loop works again in a new run"
fi
lab_kill px1:22
sleep 2
if ssh_lab_sshd px1 22; then ok "  ... sshd killed, and restarted 2 s later"; else not_ok "  ... sshd killed, and restarted 2 s later"; fi
loop_verdict "sshd was killed"
check_eq "  ... the client never sent the target anything" 0 "$(lab_seen target client)"

# --- SIGKILL of sluice --------------------------------------------------------------------------
rm -f "$TMP/running"
as_user timeout -k 5 120 "${SLX[@]}" run --via "ssh://$A" -- sh -c "touch $TMP/running; exec sleep 100" \
	>/dev/null 2>"$TMP/kill.err" &
kill_pid=$!
cleanup_push "kill_tree $kill_pid"
wait_until 30 test -e "$TMP/running"
check "SIGKILL: the program runs" test -e "$TMP/running"
sp=$(ssh_of_sluice)
# sluice's first process: the marked sluice whose parent is no sluice.
slp=$(for p in $(marked_pids sluice); do
	[ "$(cat "/proc/$(awk '/^PPid:/ {print $2}' "/proc/$p/status")/comm")" = sluice ] || echo "$p"
done)
stage_pids=""
if [ -n "$sp" ]; then
	ns=$(readlink "/proc/$sp/ns/pid")
	for p in $(marked_pids); do
		[ "$(readlink "/proc/$p/ns/pid" 2>/dev/null)" = "$ns" ] && stage_pids+="$p "
	done
fi
all=$(marked_pids | tr '\n' ' ')
check "  ... sluice ($slp), ssh ($sp) and the stage's processes ($stage_pids) found" \
	test -n "$slp" -a -n "$sp" -a -n "$stage_pids"
rundir=$RUNBASE/$slp
check "  ... the runtime dir $rundir holds ssh's socket" test -S "$rundir/ssh-1.socks"
[ -n "$slp" ] && [ "$(cat "/proc/$slp/comm")" = sluice ] && kill -KILL "$slp"
gone() { local p; for p in $all; do pid_gone "$p" || return 1; done; }
t0=$SECONDS
check "  ... after SIGKILL of sluice, every process of the run ($all) is gone within 5 s" wait_until 5 gone
diag "gone after $((SECONDS - t0)) s; left: $(for p in $all; do pid_gone "$p" || printf '%s(%s) ' "$p" "$(cat /proc/$p/comm)"; done)"
wait "$kill_pid" 2>/dev/null
if [ -e "$rundir" ]; then diag "the runtime dir remains after SIGKILL: $(ls "$rundir" | tr '\n' ' ')"; fi
slrun run --via "ssh://$A" -- true
ceq "  ... the next sluice run --via ssh works" 0 "$SL_RC"
check "  ... and has removed the killed one's runtime dir" test ! -e "$rundir"
check "  ... nothing left running" wait_until 5 nothing_left

# --- --ssh-option -------------------------------------------------------------------------------
if ssh_lab_sshd px3 2222; then ok "a second sshd on px3, port 2222"; else not_ok "a second sshd on px3, port 2222"; fi
ssh_lab_known_hosts "$SSH_LAB_DIR/host_ed25519.pub" |
	ssh_lab_as_owner sh -c 'cat >>"$1"' - "$SSH_LAB_HOME/.ssh/known_hosts"
slrun run --via "ssh://$U@$LAB_PX3" --ssh-option Port=2222 -- curl -s -m 10 "http://$T/"
ceq "--ssh-option Port=2222 reaches ssh: the target sees px3" "$LAB_PX3" "$SL_OUT"
check_eq "  ... the sshd on px3:2222 saw the client" "$LAB_CLIENT" \
	"$(ssh_lab_sshd_clients px3 2222 | sort -u)"
slrun run --via "ssh://$U@$LAB_PX3" -- curl -s -m 10 "http://$T/"
check_eq "  ... anti-test: without it ssh tries port 22 and fails: exit 125" 125 "$SL_RC"
check_match "  ... (ssh: port 22 refused, or reset by the stage's relay)" \
	"ssh exited with status 255: .*Connection (refused|reset)" "$SL_ERR"
check "  ... nothing left running" wait_until 5 nothing_left

done_testing
