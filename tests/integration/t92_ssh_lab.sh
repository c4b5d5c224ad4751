#!/bin/bash
# t92_ssh_lab: the ssh hop's lab (ssh_lab.sh) works, checked without sluice: a real sshd in a
# lab host takes the mode's user's key; the user's own `ssh -N -D UNIXPATH ALIAS` (config,
# keys, known_hosts found the normal way, from the passwd home) comes up, and curl through
# its SOCKS5 unix socket reaches the target, which sees the sshd host, while the sshd log
# sees the client; a changed host key, a key the server refuses and a passphrase without a
# way to ask each fail with ssh's own message; killing sshd ends the session and a restarted
# sshd takes a new one.
# runs-without-sluice: a lab checking itself; tests/run runs it for the first build only.
if [ -z "${SLUICE_SSH_LAB_MNTNS:-}" ]; then
	# The lab's passwd copies are bind mounts: run in a private mount namespace (before
	# lib.sh, whose EXIT trap must run in there).
	SLUICE_SSH_LAB_MNTNS=1 exec unshare --mount --propagation private -- "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/ssh_lab.sh"

if ! lab_up; then
	not_ok "the lab comes up"
	done_testing
fi
ok "the lab comes up"
if ! { lab_target_http && lab_dns && ssh_lab_sshd px1 22 && ssh_lab_user_setup; }; then
	not_ok "the lab's servers start (http, dns, sshd) and the ssh user is set up"
	done_testing
fi
ok "the lab's servers start (http, dns, sshd) and the ssh user is set up"

A=$SSH_LAB_ALIAS
check "the test runs in a private mount namespace of its own" ssh_lab_private_mounts
check "  ... anti-test: a child in the same mount namespace is not in one of its own" \
	eval '! bash -c "$(declare -f ssh_lab_private_mounts); ssh_lab_private_mounts"'
U=$SSH_LAB_USER
check_eq "the mode's user ($U) has a passwd entry whose home holds ~/.ssh" "$SSH_LAB_HOME" \
	"$(as_user sh -c 'getent passwd "$(id -u)"' | cut -d: -f6)"
# The file under the bind mount, seen through a plain (non-recursive) bind of /.
mkdir "$TMP/rootview" && mount --bind / "$TMP/rootview" && cleanup_push "umount $TMP/rootview"
check_eq "  ... the host's /etc/passwd under the copy is unchanged" \
	"$(sha256sum </etc/passwd)" "$(sha256sum <"$SSH_LAB_DIR/passwd")"
check_eq "  ... the passwd copy is this test's alone (the host's has no uid $TEST_UID entry)" "" \
	"$(awk -F: -v u="$TEST_UID" '$3 == u' "$TMP/rootview/etc/passwd")"
check_eq "  ... and root's home there is not the lab's" "" \
	"$(awk -F: -v h="$SSH_LAB_HOME" '$6 == h' "$TMP/rootview/etc/passwd")"
sshd_pid=${LAB_PIDS[px1:22]}
check_eq "sshd sees an empty /etc/ssh (nothing of the host's sshd config or keys)" "" \
	"$(ls -A "/proc/$sshd_pid/root/etc/ssh" 2>&1)"
check "  ... anti-test: the test's own /etc/ssh is not empty" test -n "$(ls -A /etc/ssh)"
check_eq "  ... the process looked at is sshd" sshd "$(cat "/proc/$sshd_pid/comm")"
check "the ssh files are the user's (config owned by the user, keys 0600)" eval '
	[ "$(stat -c %u "$SSH_LAB_HOME/.ssh/config")" = "$(as_user id -u)" ] &&
	[ "$(stat -c %a "$SSH_LAB_HOME/.ssh/id_ed25519")" = 600 ] &&
	[ "$(stat -c %a "$SSH_LAB_HOME/.ssh/id_ed25519_pass")" = 600 ]'

# ssh_bg SOCKET [ALIAS [SSH OPTIONS...]]: `ssh -N -D SOCKET ALIAS` as the mode's user in the
# background (BatchMode: nothing may ask); its stderr is SOCKET.err.  Sets ssh_pid.
ssh_bg() {
	local sock=$1 alias=${2:-$A}
	shift 2 2>/dev/null || shift
	as_user timeout -k 5 120 ssh -o BatchMode=yes "$@" -N -D "$sock" "$alias" 2>"$sock.err" &
	ssh_pid=$!
	cleanup_push "kill_tree $ssh_pid"
}
# ssh_stop: stop the ssh started by ssh_bg (by its PID) and reap it.
ssh_stop() {
	kill_tree "$ssh_pid"
	wait "$ssh_pid" 2>/dev/null
}
# socks_curl SOCKET URL [CURL OPTIONS]: curl as the mode's user through the SOCKS5 unix socket,
# the name resolved at the far end (curl >= 7.84 takes a unix socket path as the proxy's).
socks_curl() {
	local sock=$1 url=$2
	shift 2
	as_user curl -s -m 10 --proxy "socks5h://localhost$sock" "$@" "$url"
}

# The user's ssh, the normal way, with a unix socket for -D.
S1=$TMP/socks1.sock
ssh_bg "$S1"
if wait_until 15 test -S "$S1"; then
	ok "ssh -N -D $S1 $A comes up as $U"
else
	not_ok "ssh -N -D $S1 $A comes up as $U"
	diag "$(cat "$S1.err")" "$(ssh_lab_sshd_log px1 22 | tail -5)"
fi
check_eq "  ... the socket is the user's" "$(as_user id -u)" "$(stat -c %u "$S1" 2>/dev/null)"
check_match "the sshd log names the client's address and the user's key" \
	"Accepted publickey for $U from $LAB_CLIENT port [0-9]+ ssh2: ED25519" "$(ssh_lab_sshd_log px1 22)"
check_eq "  ... and each connection's client address" "$LAB_CLIENT" "$(ssh_lab_sshd_clients px1 22 | sort -u)"
lab_counters_reset
check_eq "anti-test: curl without the proxy, the target sees the client" "$LAB_CLIENT" \
	"$(as_user curl -s -m 5 "http://$LAB_TARGET/")"
check_eq "curl through the -D unix socket: the target sees the sshd host (px1)" "$LAB_PX1" \
	"$(socks_curl "$S1" "http://$LAB_TARGET/")"
check_match "  ... a name resolved at the far end (target.lab, by px1 through the lab DNS)" \
	"$(lab_addr_re px1)" "$(socks_curl "$S1" http://target.lab/)"
check_eq "  ... the lab DNS saw px1 ask, never the client" "$LAB_PX1" \
	"$(lab_dns_queries | awk '$1 == "target.lab" {print $3}' | sort -u)"
check "  ... px1 counted TCP from the client (the ssh connection)" test "$(lab_seen px1 client tcp)" -gt 0
check "  ... the target counted TCP from px1" test "$(lab_seen target px1 tcp)" -gt 0
check_match "the HTTP log: the client (anti-test), then px1 twice (by name: v4 or v6)" \
	"^$LAB_CLIENT $LAB_PX1 ($LAB_PX1|fd77::11)\$" "$(lab_http_peers | tr '\n' ' ' | sed 's/ $//')"

# Killing sshd mid-session ends ssh; a restarted sshd takes a new session.
t0=$SECONDS
lab_kill px1:22
check "killing sshd mid-session ends ssh (within 15 s)" wait_until 15 pid_gone "$ssh_pid"
wait "$ssh_pid" 2>/dev/null
check_eq "  ... ssh exits with status 255" 255 $?
diag "ssh ended $((SECONDS - t0)) s after sshd was killed"
check "  ... the -D socket answers no more" eval '! socks_curl "$S1" "http://$LAB_TARGET/" >/dev/null'
check "sshd restarts (same host key)" ssh_lab_sshd px1 22
S2=$TMP/socks2.sock
ssh_bg "$S2"
check "  ... ssh -N -D comes up again" wait_until 15 test -S "$S2"
check_eq "  ... and curl through it reaches the target from px1" "$LAB_PX1" \
	"$(socks_curl "$S2" "http://$LAB_TARGET/")"
ssh_stop

# A changed host key: ssh's own message, nothing forwarded.
ssh_lab_wrong_hostkey
out=$(as_user timeout -k 5 30 ssh -o BatchMode=yes -N -D "$TMP/socks3.sock" "$A" 2>&1)
check_eq "a changed host key: ssh fails (255)" 255 $?
check_match "  ... REMOTE HOST IDENTIFICATION HAS CHANGED" "REMOTE HOST IDENTIFICATION HAS CHANGED" "$out"
check_match "  ... Host key verification failed." "Host key verification failed\\." "$out"
check "  ... no -D socket" test ! -e "$TMP/socks3.sock"
ssh_lab_unknown_hostkey
out=$(as_user timeout -k 5 30 ssh -o BatchMode=yes -N -D "$TMP/socks3.sock" "$A" 2>&1)
check_eq "an unknown host key (strict checking): ssh fails (255)" 255 $?
check_match "  ... Host key verification failed." "Host key verification failed\\." "$out"
ssh_lab_user_restore

# A key the server does not accept.
ssh_lab_wrong_key
n0=$(ssh_lab_sshd_log px1 22 | grep -c "Accepted publickey")
out=$(as_user timeout -k 5 30 ssh -o BatchMode=yes -N -D "$TMP/socks4.sock" "$A" 2>&1)
check_eq "a key the server refuses: ssh fails (255)" 255 $?
check_match "  ... Permission denied (publickey)" "Permission denied \\(publickey\\)" "$out"
check "  ... no -D socket" test ! -e "$TMP/socks4.sock"
check_eq "  ... the sshd accepted no key" "$n0" "$(ssh_lab_sshd_log px1 22 | grep -c "Accepted publickey")"
check_match "  ... and logged the refused key with the client's address" \
	"Failed publickey for $U from $LAB_CLIENT port [0-9]+ ssh2: ED25519" "$(ssh_lab_sshd_log px1 22)"
ssh_lab_user_restore

# The second key has a passphrase: with BatchMode nothing may ask, so it is not used; given
# the passphrase (SSH_ASKPASS, no terminal), the server takes it.
out=$(as_user timeout -k 5 30 ssh -o BatchMode=yes -N -D "$TMP/socks5.sock" "$A-pass" 2>&1)
check_match "the passphrase key under BatchMode: Permission denied (publickey)" \
	"Permission denied \\(publickey\\)" "$out"
askpass=$(ssh_lab_askpass)
S6=$TMP/socks6.sock
as_user env SSH_ASKPASS="$askpass" SSH_ASKPASS_REQUIRE=force DISPLAY=none \
	timeout -k 5 120 ssh -N -D "$S6" "$A-pass" 2>"$S6.err" </dev/null &
ssh_pid=$!
cleanup_push "kill_tree $ssh_pid"
check "  ... with its passphrase (askpass) ssh -N -D comes up" wait_until 15 test -S "$S6"
check_eq "  ... and forwards" "$LAB_PX1" "$(socks_curl "$S6" "http://$LAB_TARGET/")"
fp=$(ssh-keygen -lf "$SSH_LAB_HOME/.ssh/id_ed25519_pass.pub" | cut -d' ' -f2)
check "  ... the sshd took the passphrase key ($fp)" eval \
	'ssh_lab_sshd_log px1 22 | grep -F "Accepted publickey for $U from $LAB_CLIENT port" |
	grep -qF "ED25519 $fp"'

ssh_stop

# The same key held by the user's ssh-agent: BatchMode needs no passphrase.
if ssh_lab_agent; then
	ok "an ssh-agent of the user's holds the passphrase key"
else
	not_ok "an ssh-agent of the user's holds the passphrase key"
fi
S8=$TMP/socks8.sock
as_user env SSH_AUTH_SOCK="$SSH_LAB_AGENT_SOCK" timeout -k 5 120 ssh -o BatchMode=yes -N -D "$S8" "$A-pass" \
	2>"$S8.err" </dev/null &
ssh_pid=$!
cleanup_push "kill_tree $ssh_pid"
check "  ... with SSH_AUTH_SOCK, ssh -N -D $A-pass comes up under BatchMode" wait_until 15 test -S "$S8"
check_eq "  ... and forwards" "$LAB_PX1" "$(socks_curl "$S8" "http://$LAB_TARGET/")"
ssh_stop
ssh_lab_agent_stop
check "  ... ssh_lab_agent_stop ends the agent (its socket is gone)" test ! -e "$TMP/ssh-agent.sock"

# Restored, the ordinary alias works again (ssh_lab_user_restore mends both breakages).
S7=$TMP/socks7.sock
ssh_bg "$S7"
check "after ssh_lab_user_restore, ssh -N -D $A comes up again" wait_until 15 test -S "$S7"
check_eq "  ... and forwards" "$LAB_PX1" "$(socks_curl "$S7" "http://$LAB_TARGET/")"
ssh_stop

done_testing
