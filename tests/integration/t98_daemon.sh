#!/bin/bash
# t98_daemon: `sluice daemon` as an admin runs it.  It starts the sessions of the profiles
# marked "start" and starts one again when its supervisor is killed; a user the profile allows
# (by uid, by group) runs a program in a root session through the daemon's socket, as that
# user, inside the session (its host name), with the exit status back; a user it does not
# allow is refused and cannot reach the session's own socket either (the anti-test: root
# can); SIGTERM stops everything.  Rootless: the daemon refuses to start.
. "$(dirname "$0")/lib.sh"

S=t98d$$
if [ "$MODE" = rootless ]; then
	sl daemon --profiles "$TMP" --socket "$TMP/d.sock" 2>"$TMP/e.err"
	check_eq "rootless: sluice daemon refuses to start (exit 125)" 125 $?
	check_match "  ... and says why" "sluice daemon runs as root" "$(cat "$TMP/e.err")"
	done_testing
fi

ALLOWED=$((TEST_UID))
BY_GROUP=$((TEST_UID + 3))
GROUP=$((TEST_UID + 2))
OTHER=$((TEST_UID + 1))
mkdir -p "$TMP/profiles"
cat >"$TMP/profiles/$S.json" <<EOF
{"start": true, "net": "none", "hostname": "dbox", "command": ["sleep", "600"],
 "users": ["$ALLOWED"], "groups": ["$GROUP"]}
EOF
cat >"$TMP/profiles/$S-off.json" <<EOF
{"net": "none", "command": ["sleep", "600"], "users": ["$ALLOWED"]}
EOF
# as UID GID CMD...: a user with no capabilities, who finds the daemon at $TMP/d.sock.
as() {
	local uid=$1 gid=$2
	shift 2
	(cd "$TMP" && HOME=$TMP setpriv --reuid="$uid" --regid="$gid" --clear-groups \
		--inh-caps=-all --bounding-set=-all -- env SLUICE_DAEMON_SOCKET="$TMP/d.sock" \
		timeout -k 5 30 "$@")
}
session_up() { "$SLUICE" ls --json 2>/dev/null | grep -q "\"name\": \"$1\""; }
sup_pid() { "$SLUICE" status "$1" --json | sed -n 's/.*"supervisor_pid": \([0-9]*\).*/\1/p'; }

"$SLUICE" daemon --profiles "$TMP/profiles" --socket "$TMP/d.sock" </dev/null \
	>"$TMP/daemon.log" 2>&1 &
daemon=$!
cleanup_push "kill -KILL $daemon; kill_tree $daemon"
if wait_until 10 session_up "$S"; then ok "the daemon starts the session marked \"start\""; else
	not_ok "the daemon starts the session marked \"start\""; diag "$(cat "$TMP/daemon.log")"; fi
check "  ... and not the other one" eval "! session_up '$S-off'"
check_eq "the socket is open to all users (access is checked per request)" 666 \
	"$(stat -c %a "$TMP/d.sock")"

out=$(as "$ALLOWED" "$ALLOWED" "$SLUICE" exec "$S" -- sh -c 'echo $(id -u) $(hostname) $(pwd); exit 7')
check_eq "an allowed user's exec exits with the program's status" 7 $?
check_eq "  ... runs as that user, in the session, in the caller's directory" \
	"$ALLOWED dbox $TMP" "$out"
treat=$(as "$ALLOWED" "$ALLOWED" "$SLUICE" exec "$S" -- grep -E '^(CapEff|NoNewPrivs|Seccomp):' /proc/self/status | awk '{print $2}' | tr '\n' ' ')
check_eq "  ... with no capabilities, no_new_privs and the seccomp filter" "0000000000000000 1 2 " "$treat"
check_eq "a member of an allowed group is let in" "$BY_GROUP" \
	"$(as "$BY_GROUP" "$GROUP" "$SLUICE" exec "$S" -- id -u)"
as "$ALLOWED" "$ALLOWED" "$SLUICE" exec "$S" -- no-such-program-t98 2>"$TMP/e.err"
check_eq "a missing program: 127" 127 $?
check_match "  ... with the message on the caller's stderr" "no-such-program-t98: command not found" \
	"$(cat "$TMP/e.err")"

as "$OTHER" "$OTHER" "$SLUICE" exec "$S" -- id -u >"$TMP/o.out" 2>"$TMP/e.err"
check_eq "a user the profile does not allow: exit 125" 125 $?
check_match "  ... with the message" "no session of sluice daemon by that name lets you in" \
	"$(cat "$TMP/e.err")"
check_eq "  ... and nothing ran" "" "$(cat "$TMP/o.out")"
check_match "  ... and the daemon logs the refusal" "exec into '$S' by uid $OTHER refused" \
	"$(cat "$TMP/daemon.log")"
as "$OTHER" "$OTHER" socat -T2 - "UNIX-CONNECT:/run/sluice/$S.sock" </dev/null 2>"$TMP/e.err"
check "  ... nor can that user reach the session's own socket" test $? -ne 0
check_eq "anti-test: root reaches it" 0 "$("$SLUICE" status "$S" >/dev/null 2>&1; echo $?)"
as "$ALLOWED" "$ALLOWED" "$SLUICE" exec "$S-off" -- true 2>/dev/null
check_eq "a session the daemon does not keep: refused (125)" 125 $?

# `sluice shell` through the daemon, on a terminal (tmux): the program gets a pty of its own
# (the terminal's size, job control inside), and the caller's terminal comes back as it was.
sock=$TMP/tmux.sock
tm() { as "$ALLOWED" "$ALLOWED" tmux -S "$sock" "$@"; }
screen() { tm capture-pane -p -t t -S -100 | sed -e 's/ *$//'; }
screen_has() { screen | grep -Eq -- "$1"; }
step() {
	if wait_until 10 screen_has "$2"; then ok "$1"; else not_ok "$1"; screen | tail -8 | sed 's/^/#   | /'; fi
}
run_line() { tm send-keys -t t -l "$1"; tm send-keys -t t Enter; }
chmod 0777 "$TMP"
tm -f /dev/null new-session -d -s t -x 100 -y 30 \
	"env PS1='outer\$ ' HISTFILE=/dev/null bash --norc --noprofile -i"
cleanup_push "setpriv --reuid=$ALLOWED --regid=$ALLOWED --clear-groups tmux -S '$sock' kill-server"
step "shell via the daemon: the outer shell is ready" '^outer\$$'
run_line "stty -g > $TMP/stty.before"
run_line "env PS1='inner\$ ' SHELL=/bin/sh SLUICE_DAEMON_SOCKET=$TMP/d.sock $SLUICE shell $S"
step "shell via the daemon: a shell starts in the session" '^inner\$ *$'
run_line 'echo host=$(hostname) uid=$(id -u) tty=$(tty | cut -c1-9)'
step "  ... as the user, on a pty of its own" "^host=dbox uid=$ALLOWED tty=/dev/pts/"
run_line 'stty size'
step "  ... of the terminal's size" '^30 100$'
tm resize-window -t t -x 90 -y 25 2>/dev/null || tm resize-pane -t t -x 90 -y 25
sleep 0.5
run_line 'stty size'
step "  ... that follows the window" '^25 90$'
run_line 'sleep 100'
sleep 0.5
tm send-keys -t t C-c
run_line 'echo after=$?'
step "  ... Ctrl-C reaches the program inside" '^after=130$'
run_line 'sleep 101'
sleep 0.5
tm send-keys -t t C-z
run_line 'jobs'
step "  ... Ctrl-Z stops it: job control inside" 'Stopped.*sleep 101'
run_line 'fg'
sleep 0.5
tm send-keys -t t C-c
run_line 'echo fg-then-int=$?'
step "  ... fg continues it, Ctrl-C ends it" '^fg-then-int=130$'
run_line 'exit 4'
run_line 'echo shell-rc=$? stty-same=$(test "$(stty -g)" = "$(cat '"$TMP/stty.before"')" && echo yes)'
step "  ... its exit status back, the terminal as it was" '^shell-rc=4 stty-same=yes$'

# Signals reach the program: a SIGTERM to the exec'ing client ends it (143).
as "$ALLOWED" "$ALLOWED" "$SLUICE" exec "$S" -- sleep 30 &
client=$!
sleep 1
kill -TERM "$(pgrep -P "$(pgrep -P "$client" -x timeout || echo "$client")" -x sluice || echo 0)" 2>/dev/null
wait "$client"
check_eq "SIGTERM to the client: the program ends by it (143)" 143 $?

sup=$(sup_pid "$S")
kill -KILL "$sup"
wait_until 10 eval '[ -n "$(sup_pid "$S")" ] && [ "$(sup_pid "$S")" != "$sup" ]'
check "the session's supervisor killed: the daemon starts it again" \
	test -n "$(sup_pid "$S")" -a "$(sup_pid "$S")" != "$sup"
check_match "  ... and logs it" "session '$S' ended \(signal 9\); starting it again in 1 s" \
	"$(cat "$TMP/daemon.log")"

kill -TERM "$daemon"
wait "$daemon"
check_eq "SIGTERM to the daemon: it ends (0)" 0 $?
check "  ... with its sessions" eval "! session_up '$S'"
check "  ... and its socket removed" test ! -e "$TMP/d.sock"
check "  ... and no session file left" test ! -e "/run/sluice/$S.json"
"$SLUICE" gc >/dev/null 2>&1

done_testing
